"""Folded text keeps every offset, and folded patterns match as case-insensitive ones do."""

from __future__ import annotations

import re

import pytest

from extractor.folding import fold, folded_pattern


@pytest.mark.parametrize(
    "text",
    ["Foreign Minister YOKO Kamikawa", "İstanbul talks", "Straße ΣΟΦΙΑ", "x" * 500 + "İ" * 3],
)
def test_folded_text_has_the_same_length_and_lower_case(text: str) -> None:
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def test_a_document_is_folded_once_and_remembered() -> None:
    document = "Kamikawa MET Jaishankar. " * 20
    assert fold(document) is fold(document)


@pytest.mark.parametrize(
    ("source", "text"),
    [
        (r"\bMet\s+With\b", "Kamikawa MET with Jaishankar"),
        (r"(?P<Verb>Met)\S*\s+(?P=Verb)", "met MET"),
        (r"[A-Z]\w+\s+Talks\W", "Tokyo talks."),
        (r"\bHeld\b(?!\s+A\b)", "they held talks"),
    ],
)
def test_a_folded_pattern_matches_where_the_case_insensitive_one_does(
    source: str, text: str
) -> None:
    insensitive = re.compile(source, re.IGNORECASE).search(text)
    folded = folded_pattern(source).search(fold(text))
    assert insensitive is not None and folded is not None
    assert folded.span() == insensitive.span()
    assert folded.groupdict().keys() == insensitive.groupdict().keys()


def test_escapes_keep_their_case() -> None:
    assert folded_pattern(r"\S+").fullmatch("abc")
    assert not folded_pattern(r"\S+").fullmatch("a c")
    assert folded_pattern(r"a\Wb").fullmatch("a-b")
