"""One record per real meeting: the same meeting reported by many articles, merged.

Two meeting records are taken for one real meeting when they have the same parties and fall
within a day of each other:

- the same parties: the same set of states, and for every state that both records name
  people for, one of them in common: a word of a name in common, initials aside, case and
  accents folded ("Kamikawa" in one article is "Yoko Kamikawa" in another, "S Jaishankar" is
  "Subrahmanyam Jaishankar", and "Wang" is "Wang Yi", whose family name comes first). So
  Jaishankar's talks with Lavrov are not his talks with Manturov the day before, though
  both are India and Russia;
- within a day: their dates at most one day apart (time zones and "late on Thursday" move
  a date by one); a record without a date is matched on its article's publication day,
  with the same one-day window, and only with another undated record (an undated "met" in
  a story of Friday is not known to be Thursday's meeting).

Records that match are merged transitively (union-find). Each field of the merged record is
the best-supported value: the one most of its records give, ties going to the most recently
published (later reports know more: a held meeting after the planned one). Fields on which
the records disagree are kept visible in ``conflicts`` ("status: held (2) | cancelled (1)"),
never resolved silently; every source id is listed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from extractor.export.rows import (
    MEETING_FACT_COLUMNS,
    ColumnType,
    Row,
    day_of,
    joined,
    meeting_facts,
    moment_of,
)
from extractor.folding import fold

_WINDOW = dt.timedelta(days=1)
# The fields merged by vote; lists are compared as sorted tuples.
_VOTED = ("status", "format", "date", "date_text", "city", "location_country")


@dataclass
class MergedMeeting:
    """One real meeting: the best-supported value of each field, its sources, and the
    fields on which the sources disagree."""

    values: dict[str, Any]
    states: tuple[str, ...]
    people: tuple[str, ...]
    source_ids: list[str] = field(default_factory=list)
    conflicts: dict[str, dict[str, int]] = field(default_factory=dict)
    members: list[tuple[str, int]] = field(default_factory=list)  # (source id, meeting index)


@dataclass
class _Record:
    source_id: str
    index: int  # of the meeting in its result
    published: dt.datetime | None
    meeting: dict[str, Any]
    states: frozenset[str]
    name_words: dict[str, frozenset[str]]  # by state ("" for people without one)
    day: dt.date | None  # the meeting's date, or None
    published_day: dt.date | None


def dedupe(results: Iterable[dict[str, Any]]) -> list[MergedMeeting]:
    """The meetings of ``results`` (result JSON objects), one per real meeting (see the
    module docstring), in order of first report."""
    records = [record for result in results for record in _records(result)]
    parent = list(range(len(records)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_parties: dict[frozenset[str], list[int]] = {}
    for index, record in enumerate(records):
        by_parties.setdefault(record.states, []).append(index)
    for indexes in by_parties.values():
        for position, i in enumerate(indexes):
            for j in indexes[position + 1 :]:
                if _same_meeting(records[i], records[j]):
                    parent[root(j)] = root(i)
    groups: dict[int, list[_Record]] = {}
    for index, record in enumerate(records):
        groups.setdefault(root(index), []).append(record)
    return [_merged(group) for group in groups.values()]


def _records(result: dict[str, Any]) -> list[_Record]:
    source = result.get("source") or {}
    moment = moment_of(source.get("published_at"))
    published = moment if moment is None or moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    found = []
    for index, meeting in enumerate(result.get("meetings") or []):
        states = {str(c) for c in meeting.get("countries") or []}
        states |= {str(p["country"]) for p in meeting.get("participants") or [] if p.get("country")}
        found.append(
            _Record(
                source_id=str(source.get("id")),
                index=index,
                published=published,
                meeting=meeting,
                states=frozenset(states),
                name_words=_name_words(meeting.get("participants") or []),
                day=day_of(meeting.get("date")),
                published_day=published.date() if published else None,
            )
        )
    return found


def _name_words(participants: list[dict[str, Any]]) -> dict[str, frozenset[str]]:
    """The words of the participants' names by the state each represents, initials aside."""
    words: dict[str, set[str]] = {}
    for person in participants:
        name = fold(str(person.get("name", ""))).lower().replace(".", " ")
        words.setdefault(str(person.get("country") or ""), set()).update(
            word for word in name.split() if len(word) > 1
        )
    return {state: frozenset(found) for state, found in words.items()}


def _same_meeting(a: _Record, b: _Record) -> bool:
    if a.states != b.states:
        return False
    for state in a.name_words.keys() & b.name_words.keys():
        if a.name_words[state].isdisjoint(b.name_words[state]):
            return False  # the state's people in one report are not those in the other
    if len(a.states) < 2 and not a.name_words.keys() & b.name_words.keys():
        return False  # parties told by their people alone: someone in common
    if a.day is not None and b.day is not None:
        return abs(a.day - b.day) <= _WINDOW
    if a.day is None and b.day is None and a.published_day and b.published_day:
        return abs(a.published_day - b.published_day) <= _WINDOW
    return False


def _merged(group: list[_Record]) -> MergedMeeting:
    # latest report first: a tie in the vote goes to the record seen first in this order
    ordered = sorted(
        group, key=lambda r: r.published or dt.datetime.min.replace(tzinfo=dt.UTC), reverse=True
    )
    values: dict[str, Any] = {}
    conflicts: dict[str, dict[str, int]] = {}
    for name in _VOTED:
        votes = Counter(_value(r.meeting, name) for r in ordered)
        votes.pop(None, None)
        if not votes:
            values[name] = None
            continue
        best = max(votes.values())
        values[name] = next(
            v for v in (_value(r.meeting, name) for r in ordered) if votes.get(v) == best
        )
        if len(votes) > 1:
            conflicts[name] = dict(votes.most_common())
    people = sorted(
        {str(p.get("name")) for r in group for p in r.meeting.get("participants") or []}
    )
    sources = list(dict.fromkeys(r.source_id for r in sorted(group, key=_first_reported)))
    return MergedMeeting(
        values=values,
        states=tuple(sorted(group[0].states)),
        people=tuple(people),
        source_ids=sources,
        conflicts=conflicts,
        members=[(r.source_id, r.index) for r in sorted(group, key=_first_reported)],
    )


def _first_reported(record: _Record) -> dt.datetime:
    return record.published or dt.datetime.max.replace(tzinfo=dt.UTC)


def _value(meeting: dict[str, Any], name: str) -> Any:
    location = meeting.get("location") or {}
    if name == "city":
        return location.get("city")
    if name == "location_country":
        return location.get("country")
    return meeting.get(name)


MERGED_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("sources", "int"),
    ("source_ids", "str"),
    ("states", "str"),
    ("people", "str"),
    *MEETING_FACT_COLUMNS,
    ("conflicts", "str"),
)


def merged_rows(meetings: Iterable[MergedMeeting]) -> Iterator[Row]:
    """One row per real meeting (``dedupe``), with its sources and the fields on which they
    disagree ("status: held 2 | cancelled 1")."""
    for meeting in meetings:
        values = meeting.values
        yield {
            "sources": len(meeting.source_ids),
            "source_ids": joined(meeting.source_ids),
            "states": joined(meeting.states),
            "people": joined(meeting.people),
            **meeting_facts(**values),
            "conflicts": "; ".join(
                f"{name}: " + " | ".join(f"{value} {count}" for value, count in votes.items())
                for name, votes in meeting.conflicts.items()
            )
            or None,
        }
