"""The LLM path end to end, replayed from HTTP recorded against the real local model.

The cassettes in ``tests/cassettes/`` were recorded from SmolLM2-135M served by
llama-cpp-python on 127.0.0.1:8765 (``extractor local-model --port 8765``), never written by
hand; CI replays them with recording off. To record again, start that server and run
``pytest tests/test_llm_recorded.py --record-mode=rewrite``.

A 135M model extracts poorly: these tests check the path and the guarantees (typed result,
usage, grounding), not the quality of the answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from extractor import extract, json_schema
from extractor.backends import get_backend
from extractor.llm.config import LLMConfig

from .conftest import SEED

CASSETTES = Path(__file__).parent / "cassettes"
SHORT = (
    "Ministers meet in Rome\n10:00 CET, March 8, 2024\n"
    "Italian Foreign Minister Antonio Tajani met French Foreign Minister Stephane Sejourne in "
    'Rome on Thursday. "We agreed to work together on migration," Tajani said.\n'
)
LOCAL = "http://127.0.0.1:8765/v1"
RECORDING_KEY = "sk-recording-key-not-a-secret-0000"


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": ["authorization", "api-key", "x-api-key", "openai-organization"],
        "match_on": ["method", "scheme", "host", "port", "path", "body"],
    }


def local_backend(tmp_path: Path, mode: str) -> Any:
    # SmolLM2 is served with a 4,096-token context: room for the prompt and a short answer.
    config = LLMConfig(
        model="smollm2",
        base_url=LOCAL,
        api_key=RECORDING_KEY,
        mode=mode,  # type: ignore[arg-type]
        cache=False,
        cache_dir=tmp_path,
        max_transport_retries=0,
        max_output_tokens=600,
    )
    return get_backend("llm", config=config)


def check_grounded(result: Any, text: str) -> None:
    """Every name and quote of an LLM result is in the article, at its evidence span."""
    jsonschema.validate(json.loads(result.to_json()), json_schema())
    for meeting in result.meetings:
        for person in meeting.participants:
            assert person.name.split()[-1] in text
        for quote in meeting.quotes:
            assert quote.text in text
        for evidence in meeting.evidence:
            assert text[evidence.start : evidence.end] == evidence.text


@pytest.mark.vcr
@pytest.mark.parametrize(
    ("mode", "text"),
    [("tools", SEED.read_text()), ("json_object", SHORT)],
    ids=["tools", "json_object"],
)
def test_articles_through_the_local_model(tmp_path: Path, mode: str, text: str) -> None:
    result = extract(text, backend=local_backend(tmp_path, mode))
    assert result.error is None
    assert (result.backend, result.model, result.prompt_version) == ("llm", "smollm2", "extract-v1")
    assert result.usage is not None and result.usage.prompt_tokens > 0
    assert result.usage.completion_tokens > 0 and result.usage.cost_usd == 0.0
    check_grounded(result, text)


def test_no_cassette_holds_a_key() -> None:
    cassettes = list(CASSETTES.rglob("*.yaml"))
    assert cassettes, "the recorded cassettes are missing"
    for cassette in cassettes:
        content = cassette.read_text(encoding="utf-8")
        assert RECORDING_KEY not in content
        assert "authorization" not in content.lower()
        assert "Bearer" not in content
