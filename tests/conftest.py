"""Shared paths and helpers for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SEED = FIXTURES / "seed-article.txt"


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _direct_strategy_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake server (``tests/fake_llm.py``) answers with meetings, as a model asked by the
    direct strategy does; a command run through the CLI or a subprocess reads its strategy
    from the environment. Tests of the guided strategy set it themselves."""
    monkeypatch.setenv("EXTRACTOR_STRATEGY", "direct")
