"""Publication moments read from datelines, zones kept as offsets."""

from __future__ import annotations

import datetime as dt

import pytest

from extractor.ingest.dateline import find_dateline, find_wire_opener, parse_moment, read_stamp


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


# -- Page stamps (issue #10) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # A label run on from the seconds before it, publication first.
        ("Written: 2019-06-30 09:12:44Updated: 2019-06-30 11:02:05", "2019-06-30T09:12:44"),
        # The edit first on the line, the publication after it: publication wins.
        (
            "Updated: Feb 2, 2021 18:40 PKT | Published: Feb 1, 2021 22:15 PKT",
            "2021-02-01T22:15:00+05:00",
        ),
        ("Last Updated: Nov 21, 2022 07:30 IST", "2022-11-21T07:30:00+05:30"),
        ("Published 17 January 2020, 16:45 GMT", "2020-01-17T16:45:00+00:00"),
        ("Posted on August 30, 2018 by newsroom", "2018-08-30T00:00:00"),
        ("Updated: 25/10/2021 06:05 GMT+7", "2021-10-25T06:05:00+07:00"),
        ("Date: 2017/09/14", "2017-09-14T00:00:00"),
        ("Tuesday, 14 May 2019", "2019-05-14T00:00:00"),
        ("BERNAMA NEWS - Jan 9, 2023 - 14:02 | Nation", "2023-01-09T14:02:00"),
        ("Staff Writer | Updated: 03.02.2022 10:01", "2022-02-03T10:01:00"),
    ],
)
def test_page_stamp_shapes(line: str, expected: str) -> None:
    stamp = read_stamp(line)
    assert stamp is not None
    assert stamp.published_at == dt.datetime.fromisoformat(expected)


@pytest.mark.parametrize(
    "line",
    [
        "They agreed on March 7, 2024 to meet again.",
        "Talks set for June 3, 2025 in Geneva",
        "Posted to the border on June 3, 2025, the troops stayed a week.",
        "Updated 3 hours ago",
    ],
)
def test_page_stamp_is_not_read_from_prose(line: str) -> None:
    assert read_stamp(line) is None


def test_page_stamp_numeric_date_is_month_first_in_an_american_zone() -> None:
    assert parse_moment("Updated: 04/05/2022 10:31 EDT") == dt.datetime(
        2022, 4, 5, 10, 31, tzinfo=dt.timezone(dt.timedelta(hours=-4))
    )
    assert parse_moment("Updated: 04/05/2022 10:31") == dt.datetime(2022, 5, 4, 10, 31)


def test_page_stamp_a_year_after_a_dash_is_no_zone() -> None:
    # "-2024" in a numeric date is part of the date, not a UTC offset of -20:24.
    assert parse_moment("Fri 09-08-2024 11:20") == dt.datetime(2024, 8, 9, 11, 20)


def test_page_stamp_deeper_than_the_headline_is_found_but_not_in_the_body() -> None:
    text = (
        "Menu Content\nGo Top\nWorld\nSection Front\nNepal, Bhutan talk trade\n"
        "Editor: Pema Sherpa\nPublished: 2023-08-14 08:05\n"
        "The two prime ministers met in Kathmandu.\nUpdated: 2023-08-20 09:00\n"
    )
    dateline = find_dateline(text)
    assert dateline is not None
    assert dateline.published_at == dt.datetime(2023, 8, 14, 8, 5)
    body_only = "Nepal, Bhutan talk trade\nThe two prime ministers met.\nDate: 2023-08-20\n"
    assert find_dateline(body_only) is None


# -- Wire openers of the agencies (issue #10) ----------------------------------------------


@pytest.mark.parametrize(
    ("opener", "place", "agency", "day"),
    [
        ("HANOI, Sept. 4 (Xinhua) -- ", "HANOI", "Xinhua", (9, 4, None)),
        ("ST. PETERSBURG, June 17. /TASS/. ", "ST. PETERSBURG", "TASS", (6, 17, None)),
        ("BUSAN, Nov. 30 (Yonhap) -- ", "BUSAN", "Yonhap", (11, 30, None)),
        ("OSAKA (Kyodo) -- ", "OSAKA", "Kyodo", (None, None, None)),
        ("Nairobi (AFP) - ", "Nairobi", "AFP", (None, None, None)),
        ("HONOLULU (AP) — ", "HONOLULU", "AP", (None, None, None)),
        ("OTTAWA, Feb 8 (Reuters) - ", "OTTAWA", "Reuters", (2, 8, None)),
        ("Mumbai, Aug 19 (PTI) ", "Mumbai", "PTI", (8, 19, None)),
        ("Colombo [Sri Lanka], April 2 (ANI): ", "Colombo", "ANI", (4, 2, None)),
        ("PUTRAJAYA, Dec 11 (Bernama) -- ", "PUTRAJAYA", "Bernama", (12, 11, None)),
        ("DUBAI, 2nd October, 2022 (WAM) -- ", "DUBAI", "WAM", (10, 2, 2022)),
        ("LAHORE, Mar 30 (APP): ", "LAHORE", "APP", (3, 30, None)),
        ("Jeddah, May 06, 2021, SPA -- ", "Jeddah", "SPA", (5, 6, 2021)),
    ],
)
def test_wire_opener_of_each_agency(
    opener: str, place: str, agency: str, day: tuple[int | None, int | None, int | None]
) -> None:
    text = opener + "The foreign minister held talks with his counterpart on Monday."
    found = find_wire_opener(text, 0, len(text))
    assert found is not None
    assert text[found.start : found.end] == opener
    assert (found.place, found.agency) == (place, agency)
    assert (found.month, found.day, found.year) == day


def test_wire_opener_is_not_a_sentence_in_title_case() -> None:
    text = "Geneva (Switzerland) is where the two ministers met on Monday."
    assert find_wire_opener(text, 0, len(text)) is None


def test_page_stamp_led_by_a_byline() -> None:
    from extractor.ingest.dateline import read_stamp

    stamp = read_stamp("Jane Doe · CBC News · Posted: Sep 18, 2025 4:51 PM EDT | Last Updated: 2h")
    assert stamp is not None
    assert stamp.published_at.isoformat() == "2025-09-18T16:51:00-04:00"
    assert read_stamp("They met on March 7, 2024 in Paris. Posted: March 8, 2024") is None
