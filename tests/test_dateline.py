"""Publication moments read from datelines, zones kept as offsets."""

from __future__ import annotations

import datetime as dt

import pytest

from extractor.ingest.dateline import find_dateline, parse_moment


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("14:07 JST, March 8, 2024", "2024-03-08T14:07:00+09:00"),
        ("March 8, 2024 14:07 JST", "2024-03-08T14:07:00+09:00"),
        ("Updated 09:30 GMT, 19 October 2023", "2023-10-19T09:30:00+00:00"),
        ("Published: 2024-05-14 10:00 CET", "2024-05-14T10:00:00+01:00"),
        ("May 14, 2024 | 6:45 PM IST", "2024-05-14T18:45:00+05:30"),
        ("2023-07-12T08:30:00+09:00", "2023-07-12T08:30:00+09:00"),
        ("11:15 EST, Feb 2, 2024", "2024-02-02T11:15:00-05:00"),
        ("08:00 KST, June 5, 2024", "2024-06-05T08:00:00+09:00"),
        # PT follows daylight saving time on the day.
        ("Oct. 3, 2023 5:02 p.m. PT", "2023-10-03T17:02:00-07:00"),
        ("Jan. 3, 2024 5:02 p.m. PT", "2024-01-03T17:02:00-08:00"),
    ],
)
def test_dateline_styles(line: str, expected: str) -> None:
    assert parse_moment(line) == dt.datetime.fromisoformat(expected)


def test_a_date_without_time_or_zone_is_midnight_without_zone() -> None:
    assert parse_moment("March 8, 2024") == dt.datetime(2024, 3, 8)


def test_only_lines_near_the_top_are_datelines() -> None:
    text = "Headline\n\nBody one.\n\nBody two.\n\nBody three.\n\nThey met on March 7, 2024."
    assert find_dateline(text) is None


def test_the_dateline_is_found_under_the_headline(seed_text: str) -> None:
    dateline = find_dateline(seed_text)
    assert dateline is not None
    assert seed_text[dateline.start : dateline.end] == "14:07 JST, March 8, 2024"
