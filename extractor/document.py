"""The input side of the contract: one article, ready for a backend."""

from __future__ import annotations

import datetime as dt
import hashlib
from bisect import bisect_right
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from extractor.utf8 import EncodableStr, PathStr


@dataclass(frozen=True)
class WireOpener:
    """The filing place and agency that open a wire story's first paragraph
    ("NEW DELHI, May 14 (Reuters) -"), as ingest read them.

    ``month``, ``day`` and ``year`` are the filing date the opener prints, when it prints
    one; most print a day without its year ("Feb. 25").
    """

    place: str
    region: str | None  # "Calif.", "Italy", "India": what follows the place
    agency: str | None
    start: int
    end: int
    month: int | None = None
    day: int | None = None
    year: int | None = None


class Document(BaseModel):
    """An article as backends see it.

    ``text`` is the one text every character offset in a result refers to. ``noise`` marks
    the parts of it that are page furniture (lists of other headlines, captions, share bars):
    they stay in ``text`` so that offsets match the input, but no backend may take a
    participant from them. ``noise=None`` means "not analysed yet": the pipeline analyses the
    document before extraction, so a hand-made ``Document(text=...)`` works too.
    """

    model_config = ConfigDict(frozen=True)

    text: EncodableStr
    id: EncodableStr = ""
    title: EncodableStr | None = None
    published_at: dt.datetime | None = None
    url: EncodableStr | None = None
    path: PathStr | None = None
    line: int | None = Field(default=None, description="Row number in a JSON Lines input.")
    noise: tuple[tuple[int, int], ...] | None = Field(
        default=None, description="[start, end) character ranges of page noise in text."
    )
    opener: WireOpener | None = Field(
        default=None,
        description='The wire opener ingest read ("NEW DELHI, May 14 (Reuters) -"): the filing '
        "place, agency and printed day, so that no backend reads the page top again.",
    )

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def resolved_id(self) -> str:
        """The id, or a stable one derived from the text when none was given."""
        return self.id or f"sha256:{self.content_hash[:16]}"

    @property
    def origin(self) -> str:
        """Where the document came from, for messages and log lines about it."""
        return origin(self.path, self.line, self.resolved_id)


def origin(path: str | None, line: int | None, document_id: str) -> str:
    """Where a document came from, as the user would look for it: its file and row, its file,
    or (given as text) its id."""
    if path and line is not None:
        return f"{path}:{line}"
    return path or document_id


def outside(spans: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The parts of [start, end) that no span covers (``spans`` sorted, overlaps allowed):
    what is left of a text when its page noise is set aside."""
    parts: list[tuple[int, int]] = []
    cursor = start
    first = max(0, bisect_right(spans, (start, start)) - 1)
    for number in range(first, len(spans)):  # (not a slice: it would copy the rest)
        span_start, span_end = spans[number]
        if span_start >= end:
            break
        if span_end <= cursor or span_start >= end:
            continue
        if span_start > cursor:
            parts.append((cursor, span_start))
        cursor = max(cursor, span_end)
    if cursor < end:
        parts.append((cursor, end))
    return parts
