"""The Python API: typed results, typed errors, batches that never stop on one document."""

from __future__ import annotations

import datetime as dt

import pytest

from extractor import Document, ExtractionResult, InputError, extract, extract_many


def test_extract_accepts_text_and_documents(seed_text: str) -> None:
    from_text = extract(seed_text, backend="rules")
    from_document = extract(Document(text=seed_text, id="seed"), backend="rules")
    assert isinstance(from_text, ExtractionResult)
    assert from_document.source.id == "seed"
    assert from_text.meetings == from_document.meetings


def test_a_hand_made_document_is_analysed_for_noise(seed_text: str) -> None:
    result = extract(Document(text=seed_text), backend="rules")
    assert result.source.id.startswith("sha256:")
    assert len(result.meetings) == 1


def test_published_at_overrides_the_dateline(seed_text: str) -> None:
    result = extract(seed_text, backend="rules", published_at="2024-03-09T09:00:00+09:00")
    assert result.meetings[0].date == dt.date(2024, 3, 7)  # Thursday before Saturday


def test_extract_raises_typed_errors() -> None:
    with pytest.raises(InputError, match="empty"):
        extract("   ", backend="rules")
    with pytest.raises(InputError, match="ISO 8601"):
        extract("text", backend="rules", published_at="soon")


def test_extract_many_keeps_going(seed_text: str) -> None:
    results = list(extract_many([seed_text, "", Document(text=seed_text, id="x")], backend="rules"))
    assert [r.error.type if r.error else None for r in results] == [None, "InputError", None]
    derived = [Document(text=text).resolved_id for text in (seed_text, "")]
    assert [r.source.id for r in results] == [*derived, "x"]  # one rule, success or failure


def test_extract_many_names_a_failure_as_it_would_a_success(seed_text: str) -> None:
    """A text without an id is named by its content whether or not it is extracted; what is
    not a text at all is named by its place in the batch."""
    broken = seed_text + "\ud800"  # a lone surrogate: replaced, never a failure to write
    results = list(extract_many([broken, 42], backend="rules"))  # type: ignore[list-item]
    assert results[0].error is None and "\ufffd" in Document(text=broken).text
    assert results[0].source.id == Document(text=broken).resolved_id
    assert results[1].source.id == "document-2" and results[1].error is not None
    assert "not int" in results[1].error.message
    assert all(r.to_json() for r in results)


def test_a_path_is_pointed_to_extract_paths_and_bytes_are_read(seed_text: str) -> None:
    from pathlib import Path

    with pytest.raises(TypeError, match=r"extract_paths\(\[path\]\)"):
        extract(Path("article.txt"), backend="rules")
    from_bytes = extract(seed_text.encode("utf-8"), backend="rules")
    assert from_bytes.meetings == extract(seed_text, backend="rules").meetings


def test_the_public_names_import_from_the_package() -> None:
    import extractor

    assert callable(extractor.aextract_many) and extractor.LLMConfig(model="m").model == "m"
    assert set(extractor.__all__) <= set(dir(extractor))
