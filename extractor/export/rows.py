"""Result lines as flat, typed rows: one per meeting, per participant, or per dyad.

A row is a dict whose keys are ``columns(unit)`` in order, each with its ``ColumnType``, so
that every writer gives the same table: CSV for spreadsheets, Parquet with typed columns for
pandas, R and DuckDB. Lists (participants, topics) are joined with "; " in the meeting row;
the participant and dyad units give them a row each.

Rows are made from result JSON (``ExtractionResult`` as the CLI writes it), read as plain
dicts, so that results of any version that kept the contract's field names export.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from extractor.export.codes import alpha3, dyad_code
from extractor.isodates import parse_iso_moment

Unit = Literal["meeting", "participant", "dyad"]
UNITS: tuple[Unit, ...] = ("meeting", "participant", "dyad")
ColumnType = Literal["str", "int", "float", "bool", "date", "datetime"]
Row = dict[str, Any]
_JOIN = "; "

# What a meeting is, as every table gives it: a row of one report, or of a real meeting
# merged from many (extractor.export.dedupe).
MEETING_FACT_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("status", "str"),
    ("format", "str"),
    ("date", "date"),
    ("date_text", "str"),
    ("city", "str"),
    ("location_country", "str"),
    ("location_country_alpha3", "str"),
)
_MEETING_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("source_id", "str"),
    ("source_url", "str"),
    ("source_path", "str"),
    ("published_at", "datetime"),
    ("published_at_offset_known", "bool"),
    ("meeting_index", "int"),
    *MEETING_FACT_COLUMNS,
    ("countries", "str"),
    ("participants", "str"),
    ("topics", "str"),
    ("agreements", "str"),
    ("confidence", "float"),
    ("evidence", "str"),
    ("backend", "str"),
    ("model", "str"),
)
_PARTICIPANT_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("participant_index", "int"),
    ("participant_name", "str"),
    ("participant_title", "str"),
    ("participant_country", "str"),
    ("participant_country_alpha3", "str"),
    ("participant_organization", "str"),
)
_DYAD_COLUMNS: tuple[tuple[str, ColumnType], ...] = (
    ("source_country", "str"),
    ("source_country_alpha3", "str"),
    ("target_country", "str"),
    ("target_country_alpha3", "str"),
    ("source_people", "str"),
    ("target_people", "str"),
    ("cameo_code", "str"),
    ("cameo_name", "str"),
    ("plover_event", "str"),
    ("plover_mode", "str"),
)


def columns(unit: Unit) -> tuple[tuple[str, ColumnType], ...]:
    """The (name, type) of every column of a ``unit``'s rows, in order."""
    if unit == "participant":
        return _MEETING_COLUMNS + _PARTICIPANT_COLUMNS
    if unit == "dyad":
        return _MEETING_COLUMNS + _DYAD_COLUMNS
    return _MEETING_COLUMNS


@dataclass(frozen=True)
class Filters:
    """Which meetings are exported: any of ``statuses`` (all when empty), with a state of
    ``countries`` among its participants, states or place (alpha-2; all when empty), dated
    within [``since``, ``until``] (an undated meeting passes only when neither is set), and
    of at least ``min_confidence``."""

    statuses: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    since: dt.date | None = None
    until: dt.date | None = None
    min_confidence: float = 0.0

    def keep(self, meeting: dict[str, Any]) -> bool:
        """Whether a meeting (JSON) passes the filters."""
        if self.statuses and meeting.get("status") not in self.statuses:
            return False
        if self.countries and not self.countries & _states_of(meeting):
            return False
        if float(meeting.get("confidence") or 0.0) < self.min_confidence:
            return False
        if self.since is None and self.until is None:
            return True
        day = day_of(meeting.get("date"))
        return (
            day is not None
            and (self.since is None or day >= self.since)
            and (self.until is None or day <= self.until)
        )


def rows(results: Iterable[dict[str, Any]], unit: Unit, filters: Filters) -> Iterator[Row]:
    """The rows of ``unit`` for every meeting of ``results`` that ``filters`` keeps; a
    result with an error, or without meetings, gives none."""
    for result in results:
        for index, meeting in enumerate(result.get("meetings") or []):
            if not filters.keep(meeting):
                continue
            base = _meeting_row(result, index, meeting)
            if unit == "meeting":
                yield base
            elif unit == "participant":
                for number, person in enumerate(meeting.get("participants") or []):
                    yield {**base, **_participant_row(number, person)}
            else:
                yield from ({**base, **dyad} for dyad in _dyad_rows(meeting))


def _meeting_row(result: dict[str, Any], index: int, meeting: dict[str, Any]) -> Row:
    source = result.get("source") or {}
    location = meeting.get("location") or {}
    return {
        "source_id": source.get("id"),
        "source_url": source.get("url"),
        "source_path": source.get("path"),
        **_publication(source.get("published_at")),
        "meeting_index": index,
        **meeting_facts(
            status=meeting.get("status"),
            format=meeting.get("format"),
            date=meeting.get("date"),
            date_text=meeting.get("date_text"),
            city=location.get("city"),
            location_country=location.get("country"),
        ),
        "countries": joined(meeting.get("countries")),
        "participants": joined(p.get("name") for p in meeting.get("participants") or []),
        "topics": joined(meeting.get("topics")),
        "agreements": joined(meeting.get("agreements")),
        "confidence": meeting.get("confidence"),
        "evidence": _status_words(meeting) or None,
        "backend": result.get("backend"),
        "model": result.get("model"),
    }


def meeting_facts(
    *,
    status: Any,
    format: Any,
    date: Any,
    date_text: Any,
    city: Any,
    location_country: Any,
) -> Row:
    """The ``MEETING_FACT_COLUMNS`` of a meeting: the date as a date, the place's country in
    alpha-3 too."""
    return {
        "status": status,
        "format": format,
        "date": day_of(date),
        "date_text": date_text,
        "city": city,
        "location_country": location_country,
        "location_country_alpha3": alpha3(location_country),
    }


def _participant_row(number: int, person: dict[str, Any]) -> Row:
    return {
        "participant_index": number,
        "participant_name": person.get("name"),
        "participant_title": person.get("title"),
        "participant_country": person.get("country"),
        "participant_country_alpha3": alpha3(person.get("country")),
        "participant_organization": person.get("organization"),
    }


def _dyad_rows(meeting: dict[str, Any]) -> Iterator[Row]:
    """One row per ordered pair of the meeting's states, with its event codes."""
    states = _ordered_states(meeting)
    host = (meeting.get("location") or {}).get("country")
    for source in states:
        for target in states:
            if source == target:
                continue
            code = dyad_code(
                status=str(meeting.get("status")),
                format=str(meeting.get("format") or "unknown"),
                source=source,
                target=target,
                host=host,
                states=len(states),
                status_words=_status_words(meeting),
            )
            yield {
                "source_country": source,
                "source_country_alpha3": alpha3(source),
                "target_country": target,
                "target_country_alpha3": alpha3(target),
                "source_people": _people_of(meeting, source),
                "target_people": _people_of(meeting, target),
                "cameo_code": code.cameo if code else None,
                "cameo_name": code.cameo_name if code else None,
                "plover_event": code.plover_event if code else None,
                "plover_mode": joined(code.plover_modes) if code else None,
            }


def _ordered_states(meeting: dict[str, Any]) -> list[str]:
    """The meeting's states in order of first mention: its ``countries``, then any other
    participant's."""
    states: list[str] = []
    named = [*(meeting.get("countries") or [])]
    named += [p.get("country") for p in meeting.get("participants") or []]
    for code in named:
        if code and code not in states:
            states.append(code)
    return states


def _states_of(meeting: dict[str, Any]) -> set[str]:
    host = (meeting.get("location") or {}).get("country")
    return set(_ordered_states(meeting)) | ({host} if host else set())


def _people_of(meeting: dict[str, Any], state: str) -> str | None:
    return joined(
        p.get("name") for p in meeting.get("participants") or [] if p.get("country") == state
    )


def _status_words(meeting: dict[str, Any]) -> str:
    """The text the meeting's status rests on (its ``status`` evidence)."""
    return " ".join(
        str(e.get("text")) for e in meeting.get("evidence") or [] if e.get("field") == "status"
    )


def joined(values: Iterable[Any] | None) -> str | None:
    """Values as one cell, "; " between them; None for none."""
    text = _JOIN.join(str(v) for v in values or [] if v not in (None, ""))
    return text or None


def day_of(value: object) -> dt.date | None:
    """An ISO date (``2024-03-07``) as a date; None for none or a value that is not one."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def moment_of(value: object) -> dt.datetime | None:
    """An ISO moment as a datetime, with its offset when it has one; None for none or a
    value that is not one."""
    if not value:
        return None
    try:
        return parse_iso_moment(str(value))
    except ValueError:
        return None


def _publication(value: object) -> Row:
    """The publication moment in UTC (one time zone per column, as Parquet keeps it), and
    whether its offset was known: a moment without one is taken as UTC, and says so."""
    moment = moment_of(value)
    if moment is None:
        return {"published_at": None, "published_at_offset_known": None}
    known = moment.tzinfo is not None
    utc = moment.astimezone(dt.UTC) if known else moment.replace(tzinfo=dt.UTC)
    return {"published_at": utc, "published_at_offset_known": known}
