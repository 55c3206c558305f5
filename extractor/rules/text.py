"""Paragraphs and sentences of a document's body, with offsets into ``Document.text``."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from extractor.document import Document, outside

# A sentence ends at . ! or ? (with closing quotes or brackets), then space and a capital,
# a quote or a digit. Abbreviations and initials are checked separately.
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9À-Þ])")
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr st sr jr gen lt col maj capt sgt adm sen rep gov prof rev hon amb pres
    no vs etc inc corp ltd co dept univ jan feb mar apr jun jul aug sep sept oct nov dec
    u.s u.k u.n e.u u.s.a p.m a.m d.c h.e""".split()
)
_LAST_TOKEN = re.compile(r"([\w.]+)[.!?][\"'”’)\]]*$")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


def body_sentences(document: Document) -> list[Sentence]:
    """Sentences of every paragraph (line), leaving out page noise and metadata."""
    text = document.text
    noise = sorted(document.noise or ())
    sentences: list[Sentence] = []
    position = 0
    for paragraph, line in enumerate(text.split("\n")):
        start, position = position, position + len(line) + 1
        for segment_start, segment_end in outside(noise, start, start + len(line)):
            if text[segment_start:segment_end].strip():
                sentences.extend(_split(text, segment_start, segment_end, paragraph))
    return sentences


def _split(text: str, start: int, end: int, paragraph: int) -> list[Sentence]:
    pieces: list[Sentence] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        if _is_abbreviation(text[cursor : match.end()]):
            continue
        pieces.append(_sentence(text, cursor, match.end(), paragraph))
        cursor = match.end()
    if text[cursor:end].strip():
        pieces.append(_sentence(text, cursor, end, paragraph))
    return [piece for piece in pieces if piece.text]


def _sentence(text: str, start: int, end: int, paragraph: int) -> Sentence:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(start, end, text[start:end], paragraph)


def _is_abbreviation(piece: str) -> bool:
    """True when the period ending ``piece`` belongs to an abbreviation or an initial."""
    if not piece.rstrip("\"'”’)]").endswith("."):
        return False
    match = _LAST_TOKEN.search(piece.rstrip()[-24:])  # the last word is enough
    if not match:
        return False
    token = match.group(1)
    return (len(token) == 1 and token.isupper()) or token.lower() in _ABBREVIATIONS


class Spans:
    """Non-overlapping [start, end) ranges with membership in O(log n), so that long
    documents with thousands of quotes or mentions stay linear overall."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self._spans = sorted(spans)
        self._starts = [start for start, _ in self._spans]

    def __contains__(self, position: int) -> bool:
        index = bisect_right(self._starts, position) - 1
        return index >= 0 and position < self._spans[index][1]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self._spans)


class StartIndex:
    """Items (quotes, counterparts) by where they start, so that those inside a few spans are
    found in O(log n) each rather than by reading every item of a long document."""

    def __init__(self, starts: Iterable[int]) -> None:
        self._starts = sorted((start, number) for number, start in enumerate(starts))

    def numbers_in(self, spans: Iterable[tuple[int, int]]) -> list[int]:
        """The numbers (positions in the order given) of the items that start inside one of
        ``spans``, in that order, each once."""
        if not self._starts:
            return []  # most articles quote nobody and name no unnamed counterpart
        found: set[int] = set()
        for start, end in spans:
            first = bisect_left(self._starts, (start, -1))
            last = bisect_left(self._starts, (end, -1))
            found.update(number for _, number in self._starts[first:last])
        return sorted(found)


class SentenceIndex:
    """Which sentence a position falls in, in O(log n)."""

    def __init__(self, sentences: list[Sentence]) -> None:
        self._sentences = sentences
        self._starts = [sentence.start for sentence in sentences]

    def at(self, position: int) -> Sentence | None:
        index = bisect_right(self._starts, position) - 1
        if index >= 0 and position < self._sentences[index].end:
            return self._sentences[index]
        return None
