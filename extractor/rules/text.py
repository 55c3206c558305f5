"""Paragraphs and sentences of a document's body, with offsets into ``Document.text``."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator

from extractor.document import Document, outside
from extractor.sentences import Sentence, split_sentences


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
                sentences.extend(split_sentences(text, segment_start, segment_end, paragraph))
    return sentences


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
