"""An article cut into runs of text, each run knowing which meeting's evidence covers it.

The pages show where every value was read by colouring the article: one colour per meeting.
Evidence spans may nest or overlap (a name inside a quote, two meetings that share a
participant), so the text is cut at every span boundary rather than marked span by span; an
HTML template then only has to wrap each covered run in one ``<mark>``, and nothing can be
lost or repeated: the runs put back together are the text.

Spans come from plain dicts (``ExtractionResult.model_dump(mode="json")`` or a result line read
back from a file), so anything odd in them is skipped rather than trusted: a span outside the
text, an empty one, offsets that are not integers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, TypeGuard

# Light backgrounds that dark text stays readable on, told apart from one another; meeting
# ``i`` gets ``PALETTE[i % len(PALETTE)]`` (CSS class ``m{i % len(PALETTE)}``).
PALETTE: tuple[str, ...] = (
    "#fff0a0",  # yellow
    "#c9e4ff",  # blue
    "#cdf2c8",  # green
    "#ffd3e4",  # pink
    "#e2d5ff",  # lavender
    "#ffd9b3",  # orange
    "#c4eeea",  # teal
    "#e6ecb0",  # olive
)


@dataclass(frozen=True)
class Segment:
    """A run of article text covered by the same evidence throughout.

    ``meeting`` is the 0-based index of the meeting whose evidence covers the run (the lowest
    index when several meetings' spans overlap it), ``None`` for text no evidence covers.
    ``fields`` names every evidence field covering the run, of every meeting, in meeting order
    and then evidence order, each name once (``("participants[0].name", "date")``); it is
    empty exactly when ``meeting`` is ``None``. ``evidence`` names each covering span as
    ``"MEETING:FIELD"`` (``"1:date"``), so that a page can tell which meeting's field a run
    shows even where meetings overlap.
    """

    text: str
    meeting: int | None = None
    fields: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()


def colour(meeting_index: int) -> str:
    """The background colour (CSS hex) of meeting ``meeting_index`` (0-based): the palette
    repeats after ``len(PALETTE)`` meetings. Raises ``ValueError`` for a negative index."""
    if meeting_index < 0:
        raise ValueError(f"meeting index {meeting_index} is negative")
    return PALETTE[meeting_index % len(PALETTE)]


def segments(text: str, meetings: Sequence[Mapping[str, Any]]) -> list[Segment]:
    """``text`` cut at every boundary of every meeting's evidence spans.

    Each meeting is a mapping with ``evidence: [{"field", "start", "end", "text"}, ...]``;
    ``start``/``end`` are ``str`` indexes into ``text``, end exclusive. A span that is empty,
    reaches outside the text or has offsets that are not integers is ignored, as is a
    meeting or an evidence entry that is not a mapping (its index still counts). The span's
    own ``text`` is not compared with the article: the offsets say what is covered.

    Consecutive characters with the same meeting and fields form one segment, so
    ``"".join(s.text for s in segments(text, meetings)) == text`` always holds; an empty text
    gives no segments. Never raises for odd evidence.
    """
    if not text:
        return []
    spans = _spans(text, meetings)
    cuts = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    starting: dict[int, list[tuple[int, int, str, int]]] = {}
    for order, (start, end, field, index) in enumerate(spans):
        starting.setdefault(start, []).append((index, order, field, end))
    active: list[tuple[int, int, str, int]] = []  # (meeting, order, field, end), kept sorted
    out: list[Segment] = []
    for left, right in pairwise(cuts):
        active = [span for span in active if span[3] > left]
        if left in starting:
            active = sorted(active + starting[left])
        meeting = active[0][0] if active else None
        fields = tuple(dict.fromkeys(field for _, _, field, _ in active))
        evidence = tuple(dict.fromkeys(f"{index}:{field}" for index, _, field, _ in active))
        piece = text[left:right]
        last = out[-1] if out else None
        if last and (last.meeting, last.fields, last.evidence) == (meeting, fields, evidence):
            out[-1] = Segment(last.text + piece, meeting, fields, evidence)
        else:
            out.append(Segment(piece, meeting, fields, evidence))
    return out


def _spans(text: str, meetings: Sequence[Mapping[str, Any]]) -> list[tuple[int, int, str, int]]:
    """(start, end, field, meeting index) of every usable evidence span, in input order."""
    found: list[tuple[int, int, str, int]] = []
    for index, meeting in enumerate(meetings):
        evidence = meeting.get("evidence") if isinstance(meeting, Mapping) else None
        if not isinstance(evidence, Sequence) or isinstance(evidence, str):
            continue
        for item in evidence:
            if not isinstance(item, Mapping):
                continue
            start, end = item.get("start"), item.get("end")
            if not (_offset(start) and _offset(end)):
                continue
            if 0 <= start < end <= len(text):
                found.append((start, end, str(item.get("field") or ""), index))
    return found


def _offset(value: object) -> TypeGuard[int]:
    """An integer offset (``True`` is an ``int`` to Python, not an offset)."""
    return isinstance(value, int) and not isinstance(value, bool)
