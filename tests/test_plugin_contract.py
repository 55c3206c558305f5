"""What a backend that breaks the contract gets: a clear error naming it, never a traceback
and never a crashed batch; and what Python callers get for arguments that are not what the
API takes."""

from __future__ import annotations

import pytest

from extractor import Document, extract, extract_many, extract_paths
from extractor.backends import Registry
from extractor.backends.registry import BUILTIN_PLUGINS
from extractor.batch import run
from extractor.errors import BackendUnavailable, EmptyInput

from .conftest import SEED

REGISTRY = Registry((*BUILTIN_PLUGINS, "tests.odd_plugins"))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("raises", r"could not be made \(tests.odd_plugins\): RuntimeError: the model file"),
        ("none", "made NoneType, not a backend: it has no name, capabilities, extract"),
        ("nameless", "made Nameless, not a backend: it has no name"),
    ],
)
def test_a_factory_that_fails_is_named(name: str, message: str) -> None:
    with pytest.raises(BackendUnavailable, match=message):
        REGISTRY.create(name)


def test_a_backend_that_returns_no_backend_output_fails_its_documents_only() -> None:
    lines = list(run(["Talks.", "More talks."], REGISTRY.create("garbage")))
    assert len(lines) == 2
    for line in lines:
        assert line.error is not None and line.error.message.startswith(f"{line.id}: ")
        assert line.error.message.endswith("backend 'garbage' returned dict, not a BackendOutput")


def test_an_async_backend_gets_no_more_than_its_declared_concurrency() -> None:
    crowded = REGISTRY.create("crowded")
    lines = list(run([f"Talks {n}." for n in range(60)], crowded))
    assert len(lines) == 60 and crowded.most == 4  # type: ignore[attr-defined]


def test_arguments_that_are_not_what_the_api_takes() -> None:
    with pytest.raises(EmptyInput, match="empty"):
        extract(Document(text="  \n"), backend="rules")
    with pytest.raises(TypeError, match=r"extract_many\(\[text\]\)"):
        list(extract_many("one article", backend="rules"))
    with pytest.raises(TypeError, match=r"get_backend\('rules'\)"):
        run(["Talks."], "rules")  # type: ignore[arg-type]
    with pytest.raises(BackendUnavailable, match="config is an LLMConfig, not dict"):
        extract("Talks.", backend="llm", config={"model": "x"})
    with pytest.raises(TypeError, match="workers is a number of processes"):
        list(extract_paths([str(SEED)], backend="rules", workers="2"))  # type: ignore[arg-type]
