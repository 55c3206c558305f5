"""Publication moments from datelines: "14:07 JST, March 8, 2024" -> 2024-03-08T14:07:00+09:00.

The publication moment matters because relative dates ("on Thursday") are resolved against
the publication day *in the article's own time zone*; so a dateline's zone is kept as an
offset rather than converted to UTC.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from extractor.document import WireOpener
from extractor.isodates import find_iso_moment

MONTHS: dict[str, int] = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
MONTH_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))

# Abbreviations with one fixed offset (hours). Ambiguous ones (AST, CST in Asia) take the
# reading most common in English-language news.
FIXED_ZONES: dict[str, float] = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "BST": 1,
    "WEST": 1,
    "CET": 1,
    "WAT": 1,
    "CEST": 2,
    "EET": 2,
    "SAST": 2,
    "CAT": 2,
    "EEST": 3,
    "MSK": 3,
    "EAT": 3,
    "AST": 3,
    "GST": 4,
    "PKT": 5,
    "IST": 5.5,
    "NPT": 5.75,
    "ICT": 7,
    "WIB": 7,
    "SGT": 8,
    "HKT": 8,
    "PHT": 8,
    "MYT": 8,
    "AWST": 8,
    "JST": 9,
    "KST": 9,
    "ACST": 9.5,
    "AEST": 10,
    "AEDT": 11,
    "NZST": 12,
    "NZDT": 13,
    "BRT": -3,
    "ART": -3,
    "EDT": -4,
    "EST": -5,
    "CDT": -5,
    "CST": -6,
    "MDT": -6,
    "MST": -7,
    "PDT": -7,
    "PST": -8,
    "AKST": -9,
    "HST": -10,
}
# Generic abbreviations whose offset depends on daylight saving time on that date.
REGIONAL_ZONES: dict[str, str] = {
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
    "UK": "Europe/London",
}

_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_MONTH = rf"(?P<month>{MONTH_PATTERN})\.?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DATE_PATTERNS = (
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(r"\b(?P<year>(?:19|20)\d{2})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})\b"),
)
# "12/05/2022", "04.04.2019": day and month in an order the line alone may not settle.
_NUMERIC_DATE = re.compile(
    r"(?<![\d/.-])(?P<first>\d{1,2})[/.-](?P<second>\d{1,2})[/.-](?P<year>(?:19|20)\d{2})\b"
)
# Zones of the Americas, whose press writes numeric dates month first.
_MONTH_FIRST_ZONE = re.compile(
    r"(?<![A-Za-z])(?:[ECMP][SD]?T|AKST|HST|(?:Eastern|Central|Mountain|Pacific)\s+Time)(?![A-Za-z])"
)
_ISO_MOMENT = re.compile(
    r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)
_TIME = re.compile(
    r"(?<![\d./-])(?P<hour>\d{1,2})[:.](?P<minute>[0-5]\d)(?![./-]?\d)(?::(?P<second>[0-5]\d))?"
    r"(?:\s*(?P<ampm>[ap])\.?\s?m\b\.?)?",
    re.IGNORECASE,
)
_ZONE_NAMES = "|".join(sorted([*FIXED_ZONES, *REGIONAL_ZONES], key=len, reverse=True))
_ZONE = re.compile(
    rf"(?<![A-Za-z])(?:(?P<name>{_ZONE_NAMES})"
    r"(?:\s*(?P<sign>[+-])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?)?"
    r"|(?<![\d.:/-])(?P<bare_sign>[+-])(?P<bare_hours>[01]\d):?(?P<bare_minutes>[0-5]\d))"
    r"(?![A-Za-z\d])"
)
# The labels of a page stamp ("Written: 2013-04-24 16:06:03Updated: ..."): no word boundary
# is required before them, as pages run the label on from the previous moment's seconds.
_STAMP_LABEL = re.compile(
    r"(?<![A-Za-z])(?P<label>first\s+published|last\s+updated|last\s+modified|published|"
    r"updated|update|posted|written|write|modified|created|dated|date)(?![A-Za-z])"
    r"(?:\s+(?:on|at))?\s*:?\s*",
    re.IGNORECASE,
)
# Labels of the moment a page was first put out, read before those of a later edit.
_PUBLISHED_LABELS = frozenset(
    {"first published", "published", "posted", "written", "write", "created", "dated", "date"}
)
# What a stamp may hold besides its date, time and zone: weekdays, joining words, separators,
# and a trailing "by admin".
_STAMP_FILLER = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|"
    r"thur|thurs|fri|sat|sun|on|at|local\s+time|time|hrs|[ap]\.?m\.?|"
    r"(?:eastern|central|mountain|pacific)(?:\s+(?:standard|daylight))?\s+time)\b|\s+by\s+\S.*$"
    r"|\b(?:source|editor|author|reporter|writer|credit)\s*:\s*[^|]*",
    re.IGNORECASE,
)
_MAX_STAMP_CHARS = 160
_YEAR_DIGITS = re.compile(r"(?:19|20)\d\d")
# A stamp line with names in it ("KYODO NEWS - ...") is short: a longer one is a sentence.
_MAX_NAMED = 90
_WORD = re.compile(r"\w+")
# How far down a page its stamp is looked for, in non-empty lines.
STAMP_SEARCH_LINES = 8


@dataclass(frozen=True)
class Dateline:
    """A dateline found in the text: the moment and where the line stands."""

    published_at: dt.datetime
    start: int
    end: int


@dataclass(frozen=True)
class Stamp:
    """The publication moment a page stamp line states, and how much it is trusted.

    ``rank`` 0 is a publication label ("Written", "Published", "Posted"), 1 a bare date
    line, 2 a later edit ("Updated", "Modified"): a page's first publication is what dates
    its relative phrases, since that is when the reporter wrote "on Thursday".
    """

    published_at: dt.datetime
    rank: int


@lru_cache(maxsize=64)
def parse_moment(text: str) -> dt.datetime | None:
    """The publication moment one dateline line states, or None if it states no date.

    The time and zone are optional: "March 8, 2024" gives midnight with no zone. Remembered
    for the lines just read: the top lines of an article are looked at for its dateline, then
    again for its wire opener.
    """
    moment = _find_iso_moment(text)
    if moment is None:
        day = _find_date(text)
        if day is None:
            return None
        moment = dt.datetime.combine(day, _find_time(text) or dt.time())
    if moment.tzinfo is not None:
        return moment
    zone = _find_zone(text, moment)
    return moment.replace(tzinfo=zone) if zone else moment


@lru_cache(maxsize=1024)
def read_stamp(line: str) -> Stamp | None:
    """The publication moment of a page stamp line, or None when the line is not one.

    A stamp line is nothing but dates, times, zones and their labels: "14:07 JST, March 8,
    2024", "Last Updated: May 3, 2023 14:05 IST", "Posted on March 3, 2021 by admin",
    "Thursday, 4 April 2019", "Written: 2013-04-24 16:06:03Updated: 2013-04-24 17:54:27".
    A line with other words ("They met on March 7, 2024.") is prose, whatever date it holds.
    When a line has several labelled moments, the publication one wins over the edit one; a
    moment without a zone takes the zone written elsewhere on its line, and stays naive when
    the line gives none (a page's zone is not guessed).
    """
    if len(line) > _MAX_STAMP_CHARS or _YEAR_DIGITS.search(line) is None:
        return None  # every stamp has a four-digit year
    best: Stamp | None = None
    for label, segment in _segments(line):
        if label is None:
            # names may lead a stamp, as a byline does: "Jane Doe · CBC News · Posted: ..."
            if not _only_moment(segment, names_allowed=len(segment) <= _MAX_NAMED):
                return None  # prose before any label: "They met on March 7, 2024."
        elif not _only_moment(segment):
            continue  # "Updated 2 hours ago"
        moment = parse_moment(segment)
        if moment is None:
            continue
        if moment.tzinfo is None:
            zone = _find_zone(line, moment)
            moment = moment.replace(tzinfo=zone) if zone else moment
        rank = 1 if label is None else (0 if label in _PUBLISHED_LABELS else 2)
        if best is None or rank < best.rank:
            best = Stamp(moment, rank)
    return best


def _segments(line: str) -> list[tuple[str | None, str]]:
    """The line cut at its stamp labels: (label in lower case or None, what follows it)."""
    segments: list[tuple[str | None, str]] = []
    label: str | None = None
    position = 0
    for match in _STAMP_LABEL.finditer(line):
        segments.append((label, line[position : match.start()]))
        label = re.sub(r"\s+", " ", match.group("label").lower())
        position = match.end()
    segments.append((label, line[position:]))
    return segments


def _only_moment(segment: str, *, names_allowed: bool = False) -> bool:
    """True when nothing but a date, time, zone and filler words is left in ``segment``.

    With ``names_allowed``, capitalised words may be left too: the agency and section names
    a stamp line carries ("KYODO NEWS - Sep 5, 2024 - 20:14 | World", "ANI | Updated: ...");
    a lower-case word is prose.
    """
    rest = _ISO_MOMENT.sub(" ", segment)
    for pattern in (*_DATE_PATTERNS, _NUMERIC_DATE, _TIME, _ZONE, _STAMP_FILLER):
        rest = pattern.sub(" ", rest)
    if names_allowed:
        return not any(word[0].islower() or word[0].isdigit() for word in _WORD.findall(rest))
    return not any(c.isalnum() for c in rest)


def find_dateline(text: str, *, search_lines: int = STAMP_SEARCH_LINES) -> Dateline | None:
    """The page stamp near the top that dates the article (see ``read_stamp``).

    Only the first few non-empty lines are looked at, and only up to the first line of body
    prose: a date in the body is the date of an event, not of the article. Of several stamps
    the best ranked wins, then the first. Page furniture and the headline are told apart
    from the body by ``extractor.ingest.page``.
    """
    from extractor.ingest.page import read_page  # the page reader builds on this module

    return read_page(text, None, search_lines).dateline


def _find_iso_moment(text: str) -> dt.datetime | None:
    match = _ISO_MOMENT.search(text)
    return find_iso_moment(match.group(0)) if match else None


def _find_date(text: str) -> dt.date | None:
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        month_text = match.group("month").lower().rstrip(".")
        month = MONTHS.get(month_text) or int(month_text)
        try:
            return dt.date(int(match.group("year")), month, int(match.group("day")))
        except ValueError:
            continue
    return _find_numeric_date(text)


def _find_numeric_date(text: str) -> dt.date | None:
    """A "12/05/2022" date. A part over 12 can only be the day; when both could be, the day
    comes first (the order of the press outside the Americas, ISO 8601's neighbours in
    Europe, Asia and Africa) unless the line's zone is American, where the month comes first.
    """
    match = _NUMERIC_DATE.search(text)
    if match is None:
        return None
    first, second = int(match.group("first")), int(match.group("second"))
    if first > 12 or (second <= 12 and not _MONTH_FIRST_ZONE.search(text)):
        day, month = first, second
    else:
        month, day = first, second
    try:
        return dt.date(int(match.group("year")), month, day)
    except ValueError:
        return None


def _find_time(text: str) -> dt.time | None:
    for match in _TIME.finditer(text):
        hour, minute = int(match.group("hour")), int(match.group("minute"))
        ampm = (match.group("ampm") or "").lower()
        if ampm == "p" and hour < 12:
            hour += 12
        elif ampm == "a" and hour == 12:
            hour = 0
        if hour < 24:
            return dt.time(hour, minute, int(match.group("second") or 0))
    return None


def _find_zone(text: str, moment: dt.datetime) -> dt.tzinfo | None:
    for match in _ZONE.finditer(text):
        name = match.group("name")
        if name is None:
            return _offset(
                match.group("bare_sign"), match.group("bare_hours"), match.group("bare_minutes")
            )
        if match.group("sign"):
            return _offset(match.group("sign"), match.group("hours"), match.group("minutes"))
        if name in REGIONAL_ZONES:
            zone = ZoneInfo(REGIONAL_ZONES[name])
            offset = moment.replace(tzinfo=zone).utcoffset() or dt.timedelta()
            return dt.timezone(offset)
        return dt.timezone(dt.timedelta(hours=FIXED_ZONES[name]))
    return None


def _offset(sign: str, hours: str, minutes: str | None) -> dt.timezone:
    delta = dt.timedelta(hours=int(hours), minutes=int(minutes or 0))
    return dt.timezone(-delta if sign == "-" else delta)


# The wire openers of national and international agencies, as their copy prints them:
# "NEW DELHI, May 14 (Reuters) -", "BEIJING, Feb. 25 (Xinhua) --", "SEOUL, July 12 (Yonhap)
# --", "BERLIN (dpa) -", "CAPRI, Italy –", "MANILA —", "WOODSIDE, Calif. (AP) —",
# "MOSCOW, July 9. /TASS/.", "ABU DHABI, 12th March, 2024 (WAM) --", "ISLAMABAD, Jan 5
# (APP):", "Riyadh, December 05, 2024, SPA --", and in title case after a byline: "New
# Delhi, March 10 (PTI)", "New Delhi [India], March 10 (ANI):", "Paris (AFP) -".
_OPENER_DATE = (
    rf"(?:,?\s+(?P<date>(?i:{MONTH_PATTERN})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?i:{MONTH_PATTERN})\.?)"
    r"(?:,?\s+(?P<year>(?:19|20)\d{2}))?\.?)?"
)
_OPENER_AGENCY = (
    r"(?:\s*\((?P<agency>[^()\n]{1,40})\)|\s*/(?P<slash_agency>[A-Za-z][\w .-]{0,30}?)/\.?"
    r"|,\s*(?P<comma_agency>[A-Z]{2,10})(?=\s*(?:—|–|--|-)))"
)
_OPENER_END = r"(?P<end>\s*(?:—|–|--|-|:)\s+|(?<=/\.)\s+|(?<=/)\s+)"
_WIRE_OPENER = re.compile(
    r"(?P<place>[A-Z][A-Z.'’ -]{1,40}?[A-Z.])"
    r"(?:,\s*(?P<region>[A-Z][a-z]+\.?(?:\s?[A-Z][a-z]*\.?)?)|\s*\[(?P<bracket>[^\]\n]{1,30})\])?"
    + _OPENER_DATE
    + _OPENER_AGENCY
    + "?"
    + _OPENER_END
)
_BYLINE_OPENER = re.compile(
    r"(?P<place>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)"
    r"(?:,\s*(?P<region>[A-Z][a-z]+\.?)|\s*\[(?P<bracket>[^\]\n]{1,30})\])?"
    + _OPENER_DATE
    + _OPENER_AGENCY
    + r"(?:"
    + _OPENER_END
    + r"|\s*)"
)


def find_wire_opener(text: str, start: int, end: int) -> WireOpener | None:
    """A wire opener at ``text[start:]``, the start of the body's first paragraph.

    An opener in title case ("New Delhi (PTI) ...") could be the start of a sentence, so it
    needs an agency and either a date or the dash or colon that ends an opener.
    """
    position = _after_syndication_credit(text, start, end)
    match = _WIRE_OPENER.match(text, position, end)
    if match is None:
        match = _BYLINE_OPENER.match(text, position, end)
        if match is None or not (match.group("date") or match.group("end")):
            return None
    place = match.group("place").strip()
    region = match.group("region") or match.group("bracket")
    agency = match.group("agency") or match.group("slash_agency") or match.group("comma_agency")
    month = day = None
    if match.group("date"):
        words = re.findall(r"[A-Za-z]+|\d+", match.group("date"))
        month = MONTHS.get(words[0].lower()) or MONTHS.get(words[-1].lower())
        day = int(words[0] if words[0].isdigit() else words[1])
    year = int(match.group("year")) if match.group("year") else None
    return WireOpener(place, region, agency, start, match.end(), month, day, year)


_SYNDICATION_REACH = 80  # characters: "(MENAFN- Kuwait News Agency (KUNA))" and the like


def _after_syndication_credit(text: str, start: int, end: int) -> int:
    """Where the opener starts after a syndicator's credit that may precede it, in brackets
    that may nest: "(MENAFN- Kuwait News Agency (KUNA)) KUWAIT, March 5 (KUNA) --"."""
    if not text.startswith("(", start):
        return start
    depth = 0
    for position in range(start, min(end, start + _SYNDICATION_REACH)):
        if text[position] == "(":
            depth += 1
        elif text[position] == ")":
            depth -= 1
            if depth == 0:
                following = position + 1
                while following < end and text[following] == " ":
                    following += 1
                return following
    return start
