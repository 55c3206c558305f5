"""A meeting's status read again from the sentence of its grounded date phrase.

Small models answer "planned" for most meetings (measured: Qwen2.5-Coder-1.5B gave "planned"
in 80% of the fixtures' held meetings), and the status decides the day: a bare "on Thursday"
is the Thursday before the publication day for a meeting held, the one after for a meeting
planned. The sentence that dates the meeting says which it is, in the tense of its meeting
word ("met ... on Thursday", "will meet ... next week"), and the rules' trigger patterns read
exactly that. Where the sentence holds no meeting word, a phrase that fixes one day whichever
way it is read ("on March 7", "yesterday") says it by where that day falls against the
publication day.

A cancelled meeting is never recounted: "the talks planned for Friday were called off" is
both dated in the future and cancelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from extractor.dates import find_date_phrases
from extractor.rules.events import find_triggers
from extractor.schema import MeetingStatus
from extractor.sentences import Sentence, split_sentences


def status_from_text(
    text: str,
    span: tuple[int, int],
    said: MeetingStatus,
    published: dt.date | None,
    surnames: Iterable[str],
) -> MeetingStatus:
    """The status the text gives the meeting dated by ``text[span[0]:span[1]]``, where the
    model ``said`` another: ``said`` when the text does not contradict it (or it is
    "cancelled"), and when the phrase's sentence names none of the meeting's participants
    (by ``surnames``): such a sentence tells another event ("Blinken will visit Cairo on
    Sunday" beside a call with Shoukry), whose tense says nothing of this meeting."""
    if said == "cancelled":
        return said
    sentence = _sentence_at(text, span)
    if sentence is None or not any(name and name in sentence.text for name in surnames):
        return said
    triggers = [
        t for t in find_triggers(text, sentence.start, sentence.end) if t.status != "cancelled"
    ]
    if triggers:
        nearest = min(triggers, key=lambda t: _distance((t.start, t.end), span))
        return nearest.status
    return _status_by_day(text, span, published) or said


def _status_by_day(
    text: str, span: tuple[int, int], published: dt.date | None
) -> MeetingStatus | None:
    """ "held" for a phrase that fixes a day before the publication day either way it is
    read, "planned" for one after it; None when it fixes none, the publication day itself,
    or a day that depends on the reading (a bare weekday)."""
    if published is None:
        return None
    days = {
        next((p.date for p in find_date_phrases(text, *span, published=published, future=f)), None)
        for f in (False, True)
    }
    if len(days) != 1 or None in days:
        return None
    (day,) = days
    assert day is not None
    if day < published:
        return "held"
    return "planned" if day > published else None


def _sentence_at(text: str, span: tuple[int, int]) -> Sentence | None:
    """The sentence of ``text`` (within its line: a paragraph) that holds ``span``."""
    line_start = text.rfind("\n", 0, span[0]) + 1
    line_end = text.find("\n", span[1])
    line_end = len(text) if line_end == -1 else line_end
    for sentence in split_sentences(text, line_start, line_end):
        if sentence.start <= span[0] < sentence.end:
            return sentence
    return None


def _distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, b[0] - a[1], a[0] - b[1])
