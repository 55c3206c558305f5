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
_ISO_MOMENT = re.compile(
    r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)
_TIME = re.compile(
    r"(?<![\d-])(?P<hour>\d{1,2})[:.](?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?"
    r"(?:\s*(?P<ampm>[ap])\.?\s?m\b\.?)?",
    re.IGNORECASE,
)
_ZONE_NAMES = "|".join(sorted([*FIXED_ZONES, *REGIONAL_ZONES], key=len, reverse=True))
_ZONE = re.compile(
    rf"(?<![A-Za-z])(?:(?P<name>{_ZONE_NAMES})"
    r"(?:\s*(?P<sign>[+-])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?)?"
    r"|(?P<bare_sign>[+-])(?P<bare_hours>\d{2}):?(?P<bare_minutes>\d{2}))(?![A-Za-z])"
)
# Words that introduce a dateline; a line that has them is a dateline even if long.
_DATELINE_MARKERS = re.compile(
    r"^\s*(?:published|updated|posted|last updated|first published|date)\b", re.IGNORECASE
)
_MAX_DATELINE_CHARS = 90


@dataclass(frozen=True)
class Dateline:
    """A dateline found in the text: the moment and where the line stands."""

    published_at: dt.datetime
    start: int
    end: int


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


def find_dateline(text: str, *, search_lines: int = 4) -> Dateline | None:
    """The first short line near the top that states a publication date.

    Only the first few non-empty lines are looked at: a date deeper in the body is the
    date of an event, not of the article.
    """
    position = 0
    seen = 0
    for line in text.split("\n"):
        start, position = position, position + len(line) + 1
        if not line.strip():
            continue
        seen += 1
        if seen > search_lines:
            break
        if len(line) > _MAX_DATELINE_CHARS and not _DATELINE_MARKERS.match(line):
            continue
        moment = parse_moment(line)
        if moment is not None:
            return Dateline(moment, start, start + len(line))
    return None


def _find_iso_moment(text: str) -> dt.datetime | None:
    match = _ISO_MOMENT.search(text)
    if match is None:
        return None
    try:
        return dt.datetime.fromisoformat(match.group(0).replace(" ", "T"))
    except ValueError:
        return None


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


# "NEW DELHI, May 14 (Reuters) -", "BERLIN (dpa) -", "CAPRI, Italy –", "MANILA —",
# "WOODSIDE, Calif. (AP) —", and without a dash after a byline: "New Delhi, March 10 (PTI)".
_WIRE_OPENER = re.compile(
    r"(?P<place>[A-Z][A-Z.'’ -]{1,40}?[A-Z.])"
    r"(?:,\s*(?P<region>[A-Z][a-z]+\.?(?:\s?[A-Z][a-z]*\.?)?))?"
    rf"(?:,?\s+(?i:{MONTH_PATTERN})\.?\s+\d{{1,2}})?"
    r"(?:\s*\((?P<agency>[^()\n]{1,40})\))?\s*(?:—|–|--|-|:)\s+"
)
_BYLINE_OPENER = re.compile(
    r"(?P<place>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)(?:,\s*(?P<region>[A-Z][a-z]+\.?))?"
    rf",\s+(?i:{MONTH_PATTERN})\.?\s+\d{{1,2}}\s*\((?P<agency>[^()\n]{{1,40}})\)"
    r"\s*(?:—|–|--|-|:)?\s*"
)


@dataclass(frozen=True)
class WireOpener:
    """The filing place and agency that open a wire story's first paragraph."""

    place: str
    region: str | None  # "Calif.", "Italy": what follows the place
    agency: str | None
    start: int
    end: int


def find_wire_opener(text: str, start: int, end: int) -> WireOpener | None:
    """A wire opener at ``text[start:]``, the start of the body's first paragraph."""
    match = _WIRE_OPENER.match(text, start, end) or _BYLINE_OPENER.match(text, start, end)
    if match is None:
        return None
    place, region = match.group("place").strip(), match.group("region")
    return WireOpener(place, region, match.group("agency"), start, match.end())
