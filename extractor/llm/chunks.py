"""Long articles in overlapping pieces, and the pieces' meetings put back together.

A piece ends on a sentence boundary and the next one starts a couple of sentences earlier, so
a meeting reported across the boundary is seen whole at least once. Sentences are the rules'
(``extractor.sentences``): "Mr. Wang" and "U.S. officials" are not cut. The same meeting found in
two pieces (the same people, or the same states when nobody is named) is merged before the
answer is grounded, so evidence is located once, in the whole article.
"""

from __future__ import annotations

from extractor.llm.response import LLMMeeting
from extractor.sentences import split_sentences

OVERLAP_SENTENCES = 2


def split(text: str, budget: int) -> list[str]:
    """``text`` in pieces of at most about ``budget`` characters, overlapping by two sentences."""
    if len(text) <= budget:
        return [text]
    sentences = _sentences(text)
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


def _sentences(text: str) -> list[str]:
    """The sentences of every line of ``text``, in order."""
    sentences: list[str] = []
    position = 0
    for line in text.split("\n"):
        sentences += [s.text for s in split_sentences(text, position, position + len(line))]
        position += len(line) + 1
    return sentences


def merge(meetings: list[LLMMeeting]) -> list[LLMMeeting]:
    """One meeting per distinct meeting: pieces that found the same one are combined.

    Combining builds a new meeting rather than changing a copy, so neither the given meetings
    nor their lists are touched and nothing is deep-copied: most answers have nothing to
    combine, and every document would otherwise pay for copying its meetings.
    """
    merged: list[LLMMeeting] = []
    for meeting in meetings:
        same = next((i for i, m in enumerate(merged) if _same_meeting(m, meeting)), None)
        if same is None:
            merged.append(meeting)
        else:
            merged[same] = _combined(merged[same], meeting)
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


def _combined(first: LLMMeeting, other: LLMMeeting) -> LLMMeeting:
    """``first`` completed by what ``other`` adds: new participants, countries, topics,
    agreements and quotes, and the date, place and format ``first`` lacks."""
    known = _people(first)
    quoted = {q.text for q in first.quotes}
    return first.model_copy(
        update={
            "participants": [
                *first.participants,
                *(
                    p
                    for p in other.participants
                    if p.name.split() and p.name.split()[-1].casefold() not in known
                ),
            ],
            "countries": list(dict.fromkeys([*first.countries, *other.countries])),
            "topics": list(dict.fromkeys([*first.topics, *other.topics])),
            "agreements": list(dict.fromkeys([*first.agreements, *other.agreements])),
            "quotes": [*first.quotes, *(q for q in other.quotes if q.text not in quoted)],
            "date": first.date or other.date,
            "date_text": first.date_text or other.date_text,
            "location": first.location or other.location,
            "format": other.format if first.format == "unknown" else first.format,
        }
    )
