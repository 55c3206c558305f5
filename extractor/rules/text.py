"""Paragraphs and sentences of a document's body, with offsets into ``Document.text``."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from functools import cached_property

from extractor.document import Document, outside
from extractor.sentences import Sentence, split_sentences

_SPACE = re.compile(r"\s+")


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


class SpaceRuns:
    """The runs of white space in one sentence ``text[start:end]``.

    A pattern that must end at a meeting word ("Elon Musk met": names right before it) is
    searched from the sentence start, and a sentence dense with meeting words would be read
    whole again at each. When the pattern can hold only a few runs of white space, its match
    starts after the run before those: the search needs only that window.
    """

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text, self._start, self._end = text, start, end

    @cached_property
    def _runs(self) -> tuple[list[int], list[int]]:
        """Where each run starts and ends (read when first asked: most sentences never are)."""
        runs = list(_SPACE.finditer(self._text, self._start, self._end))
        return [run.start() for run in runs], [run.end() for run in runs]

    def window(self, position: int, runs: int) -> int:
        """The earliest start of a match that ends at ``position``, starts with no white
        space and holds at most ``runs`` runs of it: the end of the run before those, or the
        sentence start."""
        starts, ends = self._runs
        index = bisect_left(starts, position) - runs - 1
        return min(ends[index], position) if index >= 0 else self._start
