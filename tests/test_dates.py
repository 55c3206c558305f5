"""Date phrases resolved against the publication day in the article's own zone."""

from __future__ import annotations

import datetime as dt

import pytest

from extractor.dates import find_date_phrases

FRIDAY = dt.date(2024, 3, 8)


def resolve(text: str, *, future: bool = False, published: dt.date = FRIDAY) -> dt.date | None:
    phrases = find_date_phrases(text, 0, len(text), published=published, future=future)
    assert phrases, f"no date phrase found in {text!r}"
    return phrases[0].date


@pytest.mark.parametrize(
    ("text", "future", "expected"),
    [
        ("met on Thursday", False, dt.date(2024, 3, 7)),
        ("met on Friday", False, FRIDAY),  # the publication day itself
        ("will meet on Thursday", True, dt.date(2024, 3, 14)),
        ("met yesterday", False, dt.date(2024, 3, 7)),
        ("talks earlier today", False, FRIDAY),
        ("will meet tomorrow", True, dt.date(2024, 3, 9)),
        ("met last Friday", False, dt.date(2024, 3, 1)),
        ("will meet next Tuesday", True, dt.date(2024, 3, 12)),
        ("on May 14", True, dt.date(2024, 5, 14)),
        ("met on 19 October", False, dt.date(2023, 10, 19)),  # a held meeting is in the past
        ("met on March 7, 2024", False, dt.date(2024, 3, 7)),
        ("2024-03-06", False, dt.date(2024, 3, 6)),
    ],
)
def test_phrases_resolve(text: str, future: bool, expected: dt.date) -> None:
    assert resolve(text, future=future) == expected


@pytest.mark.parametrize("text", ["met last week", "will meet next month", "talks in May"])
def test_vague_phrases_are_found_but_fix_no_day(text: str) -> None:
    assert resolve(text) is None


def test_an_explicit_day_in_brackets_wins() -> None:
    text = "spoke yesterday (July 11) by phone"
    [phrase] = find_date_phrases(text, 0, len(text), published=dt.date(2024, 7, 12), future=False)
    assert (phrase.text, phrase.date) == ("yesterday (July 11)", dt.date(2024, 7, 11))


def test_without_publication_day_relative_phrases_fix_no_day() -> None:
    text = "met on Thursday"
    [phrase] = find_date_phrases(text, 0, len(text), published=None, future=False)
    assert phrase.date is None and phrase.text == "on Thursday"


# -- A day of the month alone (issue #10) ------------------------------------------------

TUESDAY_MID_MONTH = dt.date(2023, 10, 17)


@pytest.mark.parametrize(
    ("text", "future", "expected"),
    [
        ("will fly to Seoul on the 24th.", True, dt.date(2023, 10, 24)),  # later this month
        ("will fly to Seoul on the 9th.", True, dt.date(2023, 11, 9)),  # passed: next month
        ("the envoys met on the 9th, officials said", False, dt.date(2023, 10, 9)),
        ("the envoys met on the 30th and agreed", False, dt.date(2023, 9, 30)),  # last month
        ("met on the 31st in Rome", False, dt.date(2023, 8, 31)),  # September has no 31st
        ("talks resume on the 2nd of next month.", True, dt.date(2023, 11, 2)),
        ("the deal signed on the 17th.", False, TUESDAY_MID_MONTH),  # the day itself
    ],
)
def test_day_of_month_alone_resolves_against_publication(
    text: str, future: bool, expected: dt.date
) -> None:
    assert resolve(text, future=future, published=TUESDAY_MID_MONTH) == expected


@pytest.mark.parametrize(
    "text",
    ["a pact for the 21st century", "the 3rd round of talks", "marking the 75th anniversary"],
)
def test_day_of_month_is_not_an_ordinal_before_a_noun(text: str) -> None:
    assert find_date_phrases(text, 0, len(text), published=TUESDAY_MID_MONTH, future=False) == []


def test_day_of_month_without_a_publication_day_fixes_no_day() -> None:
    text = "they met on the 4th."
    [phrase] = find_date_phrases(text, 0, len(text), published=None, future=False)
    assert (phrase.text, phrase.date) == ("on the 4th", None)


def test_days_told_relative_to_another_meeting() -> None:
    from extractor.dates import find_anchored_phrase

    cases = {
        "Later in the day she met the king.": 0,
        "They met again the following day.": 1,
        "A day earlier he had called the premier.": -1,
        "Two days later the ministers spoke by phone.": 2,
        "They had met three days before in Rome.": -3,
    }
    for text, days in cases.items():
        found = find_anchored_phrase(text, 0, len(text))
        assert found is not None and found.days == days, text
    assert find_anchored_phrase("They met on Tuesday.", 0, 20) is None
