"""Date phrases in news copy, resolved against the publication day.

"on Thursday" in an article of Friday 2024-03-08 means 2024-03-07 for a meeting that was held,
and the coming Thursday for one that is planned. The publication day is taken in the article's
own time zone (the dateline's), because that is the calendar the reporter wrote in. Phrases
that do not fix one day ("last week", "next month") are found but resolve to no date.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from dataclasses import dataclass

from extractor.folding import fold, folded_pattern
from extractor.ingest.dateline import MONTH_PATTERN, MONTHS

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = r"(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = rf"(?P<month>{MONTH_PATTERN})\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d{2}))?"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, folded_pattern(pattern))
    for kind, pattern in (
        ("iso", r"\b(?P<iso>(?:19|20)\d{2}-[01]\d-[0-3]\d)\b"),
        ("month_day", rf"\b(?:on\s+)?(?:{_WEEKDAY},?\s+)?{_MONTH}\s+{_DAY}\b(?!:){_YEAR}"),
        (
            "day_month",
            rf"\b(?:on\s+)?(?:{_WEEKDAY},?\s+)?(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}\b{_YEAR}",
        ),
        (
            # "on the 21st", "until the 3rd", "the 5th of next month": a day of a month the
            # reader infers. Only before punctuation or a joining word, so that "the 21st
            # century" and "the 3rd round" are no dates.
            "day_only",
            r"\b(?:(?:on|by|until|till|from|since|before|after)\s+)?the\s+"
            r"(?P<nth>[0-3]?\d)(?:st|nd|rd|th)\b"
            r"(?:\s+of\s+(?P<which>this|next|last)\s+month\b"
            # the commercial and South Asian press's "the 12th instant" (this month), "ultimo"
            # (last month), "proximo" (next month)
            r"|\s+(?P<latin>instant|inst\.|ultimo|ult\.|proximo|prox\.)(?!\w))?"
            r"(?=\s*(?:[,.;:)!?]|$)|\s+(?:in|at|on|when|and|or|to|for|with|after|before|as|but|"
            r"where|while|during|from|until)\b)",
        ),
        (
            "relative_day",
            r"\b(?P<relative>(?:earlier|later)\s+today|today|this\s+(?:morning|afternoon|evening)|"
            r"tonight|yesterday|last\s+night|tomorrow|the\s+day\s+before\s+yesterday)\b",
        ),
        (
            "weekday",
            rf"\b(?P<qualifier>on|last|next|this|coming|this\s+coming|earlier\s+on)?\s*{_WEEKDAY}\b"
            r"(?:\s+(?P<part>morning|afternoon|evening|night))?",
        ),
        (
            "vague",
            r"\b(?:last|next|this|earlier\s+this|later\s+this|the\s+previous|the\s+following)\s+"
            r"(?:week|month|year|weekend)\b|\b(?:in\s+)?(?:early|mid|late)[-\s](?:"
            rf"{MONTH_PATTERN})\b|\bin\s+(?:{MONTH_PATTERN})\b(?!\s+\d)",
        ),
    )
)


# Every phrase above has a digit or one of these words (its cue). The cues of a text are found
# first, in one pass, and each pattern runs only where the cues it cannot do without are.
_CUE = folded_pattern(
    rf"\d(?:st|nd|rd|th)\b|\d|\b(?:{'|'.join(WEEKDAYS)}|today|tonight|yesterday|tomorrow|night|week|weekend|month|"
    rf"year|morning|afternoon|evening|early|mid|late|{MONTH_PATTERN})\b"
)
_LATIN_MONTHS = {"ins": "this", "ult": "last", "pro": "next"}
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)\b")
_CUE_KINDS = {
    **dict.fromkeys(WEEKDAYS, "weekday"),
    **dict.fromkeys(MONTHS, "month"),
    **dict.fromkeys(
        ("today", "tonight", "yesterday", "tomorrow", "night", "morning", "afternoon", "evening"),
        "relative",
    ),
    **dict.fromkeys(("week", "weekend", "month", "year"), "period"),
}
# For each kind of phrase, the sets of cue kinds that can make one (any set, all its cues).
_NEEDS: dict[str, tuple[frozenset[str], ...]] = {
    "iso": (frozenset({"digit"}),),
    "month_day": (frozenset({"digit", "month"}),),
    "day_month": (frozenset({"digit", "month"}),),
    "day_only": (frozenset({"ordinal"}),),
    "relative_day": (frozenset({"relative"}),),
    "weekday": (frozenset({"weekday"}),),
    "vague": (frozenset({"period"}), frozenset({"month"})),
}


@dataclass(frozen=True)
class DatePhrase:
    """A date phrase found in text, and the day it fixes (None when it fixes none)."""

    start: int
    end: int
    text: str
    date: dt.date | None


def find_date_phrases(
    text: str,
    start: int,
    end: int,
    *,
    published: dt.date | None,
    future: bool,
) -> list[DatePhrase]:
    """Date phrases in ``text[start:end]``, in text order, overlapping ones dropped.

    ``future`` says whether the event is planned (a bare weekday then points forward).
    The patterns run on the folded text; the phrase and its capitals are read from ``text``.
    """
    folded = fold(text)
    cues = {
        "digit" if cue.isdigit() else _CUE_KINDS.get(cue, "edge")
        for cue in _CUE.findall(folded, start, end)
    }
    if "edge" in cues and _ORDINAL.search(folded, start, end):
        cues |= {"digit", "ordinal"}
    if not cues:
        return []
    found: list[DatePhrase] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        if not any(need <= cues for need in _NEEDS[kind]):
            continue
        # what the kinds before took; one kind's matches do not overlap one another
        before = _Taken(taken)
        for match in pattern.finditer(folded, start, end):
            if kind == "weekday" and not (match.group("qualifier") or _weekday_alone(text, match)):
                continue
            if before.overlaps(match.start(), match.end()):
                continue
            taken.append((match.start(), match.end()))
            day = _resolve(kind, match, published, future)
            written = text[match.start() : match.end()]
            phrase = written.strip()
            offset = written.index(phrase)
            found.append(
                DatePhrase(
                    match.start() + offset, match.start() + offset + len(phrase), phrase, day
                )
            )
    return _join_parentheticals(text, sorted(found, key=lambda phrase: phrase.start))


class _Taken:
    """Spans that do not overlap one another, sorted, so that whether a new span overlaps
    one of them is a bisection: a clause of a hundred dates is not compared pair by pair."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self._spans = sorted(spans)
        self._starts = [start for start, _ in self._spans]

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) overlaps a span: the last one starting before ``end`` ends
        latest of those that do."""
        index = bisect_left(self._starts, end) - 1
        return index >= 0 and self._spans[index][1] > start


def _join_parentheticals(text: str, phrases: list[DatePhrase]) -> list[DatePhrase]:
    """ "yesterday (July 11)" is one phrase, and the explicit day in brackets wins."""
    joined: list[DatePhrase] = []
    for phrase in phrases:
        if joined and text[joined[-1].end : phrase.start] == " (" and phrase.date is not None:
            previous = joined.pop()
            end = phrase.end + 1 if text[phrase.end : phrase.end + 1] == ")" else phrase.end
            phrase = DatePhrase(previous.start, end, text[previous.start : end], phrase.date)
        joined.append(phrase)
    return joined


def _weekday_alone(text: str, match: re.Match[str]) -> bool:
    """A bare capitalised weekday ("said Tuesday", AP style) counts; "Tuesday's" too."""
    return text[match.start("weekday")].isupper()


def _resolve(
    kind: str, match: re.Match[str], published: dt.date | None, future: bool
) -> dt.date | None:
    if kind == "iso":
        try:
            return dt.date.fromisoformat(match.group("iso"))
        except ValueError:
            return None
    if kind in ("month_day", "day_month"):
        return _month_day(match, published, future)
    if published is None or kind == "vague":
        return None
    if kind == "day_only":
        which = match.group("which") or _LATIN_MONTHS.get((match.group("latin") or "")[:3].lower())
        return _day_of_month(int(match.group("nth")), which, published, future)
    if kind == "relative_day":
        return published + dt.timedelta(days=_relative_offset(match.group("relative").lower()))
    return _weekday(match, published, future)


def _month_day(match: re.Match[str], published: dt.date | None, future: bool) -> dt.date | None:
    month = MONTHS[match.group("month").lower().rstrip(".")]
    day = int(match.group("day"))
    if match.group("year"):
        year = int(match.group("year"))
    elif published is not None:
        year = published.year
    else:
        return None
    try:
        resolved = dt.date(year, month, day)
    except ValueError:
        return None
    if match.group("year") or published is None:
        return resolved
    # A year-less date is the nearest such day on the right side of publication.
    if not future and resolved > published + dt.timedelta(days=7):
        return _same_day_in(resolved, year - 1)
    if future and resolved < published - dt.timedelta(days=7):
        return _same_day_in(resolved, year + 1)
    return resolved


def _day_of_month(day: int, which: str | None, published: dt.date, future: bool) -> dt.date | None:
    """The day a bare "on the 21st" means, seen from the publication day.

    Reporters write the day alone for a day within a month of the story: a planned meeting
    on the next such day (this month, or the next if it has passed), a held one on the last
    such day not after publication (a past "on the 28th" in a story of March 8 is February
    28). "of this/next/last month" names the month. A month without that day (the 31st of
    April) is passed over for the one after it in the same direction.
    """
    step = 1 if future else -1
    if which is not None:
        offset = {"this": 0, "next": 1, "last": -1}[which.lower()]
        return _in_month(published, offset, day)
    for offset in range(0, 3 * step, step):
        candidate = _in_month(published, offset, day)
        if candidate is None:
            continue
        if (candidate >= published) if future else (candidate <= published):
            return candidate
    return None


def _in_month(published: dt.date, offset: int, day: int) -> dt.date | None:
    """``day`` of the month ``offset`` months from the publication month, if it has one."""
    index = published.year * 12 + published.month - 1 + offset
    try:
        return dt.date(index // 12, index % 12 + 1, day)
    except ValueError:
        return None


def _same_day_in(day: dt.date, year: int) -> dt.date | None:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return None


def _relative_offset(phrase: str) -> int:
    if "day before yesterday" in phrase:
        return -2
    if phrase in ("yesterday", "last night"):
        return -1
    if phrase == "tomorrow":
        return 1
    return 0


def _weekday(match: re.Match[str], published: dt.date, future: bool) -> dt.date:
    target = WEEKDAYS.index(match.group("weekday").lower())
    qualifier = re.sub(r"\s+", " ", (match.group("qualifier") or "").lower())
    back = (published.weekday() - target) % 7
    forward = (target - published.weekday()) % 7
    if qualifier == "last":
        return published - dt.timedelta(days=back or 7)
    if qualifier in ("next", "coming", "this coming"):
        return published + dt.timedelta(days=forward or 7)
    if future:
        return published + dt.timedelta(days=forward)
    return published - dt.timedelta(days=back)


# Days told relative to another meeting of the article, not to the publication day: "Later in
# the day", "the following day", "two days earlier", "hours earlier". (Sources: the phrases of
# labelled articles; a day count is read as a word up to five or a digit.)
_ANCHORED = folded_pattern(
    r"\b(?:(?P<same>(?:later|earlier)\s+(?:in\s+the|that)\s+day|(?:on\s+)?the\s+same\s+day|"
    r"that\s+(?:morning|afternoon|evening|night)|hours\s+(?:earlier|later)(?!\s+than))"
    r"|(?P<next>the\s+(?:following|next)\s+day|a\s+day\s+later|the\s+day\s+after)"
    r"|(?P<before>the\s+(?:day\s+before|previous\s+day)|a\s+day\s+earlier)"
    r"|(?P<count>two|three|four|five|\d)\s+days\s+(?P<way>later|after|earlier|before))\b"
)
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5}


@dataclass(frozen=True)
class AnchoredPhrase:
    """A day told relative to another meeting: ``days`` after the anchor's day (negative:
    before it)."""

    days: int
    start: int
    end: int
    text: str


def find_anchored_phrase(text: str, start: int, end: int) -> AnchoredPhrase | None:
    """The first day in ``text[start:end]`` told relative to another meeting of the article."""
    folded = fold(text)
    window = folded[start:end]
    if "day" not in window and "that " not in window and "hours" not in window:  # cues
        return None
    match = _ANCHORED.search(folded, start, end)
    if match is None:
        return None
    if match.group("same"):
        days = 0
    elif match.group("next"):
        days = 1
    elif match.group("before"):
        days = -1
    else:
        count = match.group("count")
        days = _COUNTS.get(count) or int(count)
        days = -days if match.group("way") in ("earlier", "before") else days
    return AnchoredPhrase(days, match.start(), match.end(), text[match.start() : match.end()])
