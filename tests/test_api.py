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
    assert [r.source.id for r in results][1:] == ["document-2", "x"]
