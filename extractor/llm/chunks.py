"""Long articles in overlapping pieces, and the pieces' meetings put back together.

A piece ends on a sentence boundary and the next one starts a couple of sentences earlier, so
a meeting reported across the boundary is seen whole at least once. The same meeting found in
two pieces (the same people, or the same states when nobody is named) is merged before the
answer is grounded, so evidence is located once, in the whole article.
"""

from __future__ import annotations

import re

from extractor.llm.response import LLMMeeting

_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+(?=[\"“‘(]?[A-Z0-9])|\n+")
OVERLAP_SENTENCES = 2


def split(text: str, budget: int) -> list[str]:
    """``text`` in pieces of at most about ``budget`` characters, overlapping by two sentences."""
    if len(text) <= budget:
        return [text]
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for sentence in sentences:
        if current and size + len(sentence) > budget:
            pieces.append(" ".join(current))
            current = current[-OVERLAP_SENTENCES:]
            size = sum(len(s) + 1 for s in current)
        current.append(sentence)
        size += len(sentence) + 1
    if current:
        pieces.append(" ".join(current))
    return pieces


def merge(meetings: list[LLMMeeting]) -> list[LLMMeeting]:
    """One meeting per distinct meeting: pieces that found the same one are combined."""
    merged: list[LLMMeeting] = []
    for meeting in meetings:
        same = next((m for m in merged if _same_meeting(m, meeting)), None)
        if same is None:
            merged.append(meeting.model_copy(deep=True))
        else:
            _combine(same, meeting)
    return merged


def _people(meeting: LLMMeeting) -> set[str]:
    return {p.name.split()[-1].casefold() for p in meeting.participants if p.name.split()}


def _same_meeting(a: LLMMeeting, b: LLMMeeting) -> bool:
    if a.status != b.status or (a.date and b.date and a.date != b.date):
        return False
    people_a, people_b = _people(a), _people(b)
    if people_a and people_b:
        return people_a <= people_b or people_b <= people_a
    return bool(a.countries) and set(a.countries) == set(b.countries)


def _combine(into: LLMMeeting, other: LLMMeeting) -> None:
    known = _people(into)
    into.participants += [
        p
        for p in other.participants
        if p.name.split() and p.name.split()[-1].casefold() not in known
    ]
    into.countries = list(dict.fromkeys([*into.countries, *other.countries]))
    into.topics = list(dict.fromkeys([*into.topics, *other.topics]))
    into.agreements = list(dict.fromkeys([*into.agreements, *other.agreements]))
    into.quotes += [q for q in other.quotes if q.text not in {x.text for x in into.quotes}]
    into.date = into.date or other.date
    into.date_text = into.date_text or other.date_text
    into.location = into.location or other.location
    if into.format == "unknown":
        into.format = other.format
