"""The scorer on tiny gold/prediction pairs whose right scores are worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from extractor.evals.names import same_person
from extractor.evals.scoring import align, score_case

KAMIKAWA = {"name": "Yoko Kamikawa", "title": "Foreign Minister", "country": "JP"}
JAISHANKAR = {
    "name": "Subrahmanyam Jaishankar",
    "title": "External Affairs Minister",
    "country": "IN",
}
GOLD: dict[str, Any] = {
    "status": "held",
    "participants": [KAMIKAWA, JAISHANKAR],
    "countries": ["JP", "IN"],
    "date": "2024-03-07",
    "location": {"city": "Tokyo", "country": "JP", "venue": None},
    "format": "in_person",
    "topics": ["defense", "space"],
    "agreements": ["promote cooperation on defense equipment and technology"],
    "quotes": [{"speaker": "Yoko Kamikawa", "text": "Japan places particular importance on India"}],
}


def tallies(
    predicted: list[dict[str, Any]], gold: list[dict[str, Any]]
) -> dict[str, tuple[int, int, int]]:
    case = score_case(predicted, gold)
    counted = {name: (t.tp, t.fp, t.fn) for name, t in case.tallies.items()}
    counted["meetings"] = (case.meetings.tp, case.meetings.fp, case.meetings.fn)
    return counted


def test_perfect_prediction() -> None:
    case = score_case([GOLD], [GOLD])
    assert all(t.fp == 0 and t.fn == 0 for t in case.tallies.values())
    assert case.tallies["participants"].tp == 2
    assert case.tallies["participants"].f1 == 1.0
    assert {name: a.value for name, a in case.accuracies.items()} == {
        "date": 1.0,
        "location_city": 1.0,
        "location_country": 1.0,
        "status": 1.0,
        "format": 1.0,
    }


def test_empty_prediction_misses_everything() -> None:
    counted = tallies([], [GOLD])
    assert counted["meetings"] == (0, 0, 1)
    assert counted["participants"] == (0, 0, 2)
    assert counted["topics"] == (0, 0, 2)
    assert counted["quotes"] == (0, 0, 1)
    case = score_case([], [GOLD])
    assert case.tallies["participants"].precision is None  # nothing predicted
    assert case.tallies["participants"].recall == 0.0
    assert case.accuracies["date"].total == 0  # accuracy is over aligned pairs only


def test_an_extra_meeting_is_false_positives_everywhere() -> None:
    extra = {
        "status": "held",
        "participants": [{"name": "Shigeru Ishiba", "country": "JP"}],
        "countries": ["JP", "US"],
        "topics": ["trade"],
    }
    counted = tallies([GOLD, extra], [GOLD])
    assert counted["meetings"] == (1, 1, 0)
    assert counted["participants"] == (2, 1, 0)
    assert counted["participant_countries"] == (2, 1, 0)
    assert counted["countries"] == (2, 2, 0)
    assert counted["topics"] == (2, 1, 0)


def test_a_missing_participant() -> None:
    predicted = {**GOLD, "participants": [KAMIKAWA]}
    case = score_case([predicted], [GOLD])
    tally = case.tallies["participants"]
    assert (tally.tp, tally.fp, tally.fn) == (1, 0, 1)
    assert tally.precision == 1.0 and tally.recall == 0.5
    assert tally.f1 == pytest.approx(2 / 3)


def test_surname_only_and_initials_match_the_full_name() -> None:
    predicted = {
        **GOLD,
        "participants": [
            {"name": "Kamikawa", "title": "foreign minister", "country": "JP"},
            {"name": "S. Jaishankar", "title": "External Affairs Minister", "country": "IN"},
        ],
    }
    counted = tallies([predicted], [GOLD])
    assert counted["participants"] == (2, 0, 0)
    assert counted["participant_titles"] == (2, 0, 0)  # case does not matter


def test_a_wrong_country_on_the_right_person() -> None:
    predicted = {**GOLD, "participants": [KAMIKAWA, {**JAISHANKAR, "country": "PK"}]}
    assert tallies([predicted], [GOLD])["participant_countries"] == (1, 1, 1)


def test_a_wrong_date_costs_date_accuracy_only() -> None:
    predicted = {**GOLD, "date": "2024-03-08"}
    case = score_case([predicted], [GOLD])
    assert case.accuracies["date"].value == 0.0
    assert case.accuracies["status"].value == 1.0
    assert case.tallies["participants"].f1 == 1.0


def test_fields_absent_from_the_label_are_not_scored() -> None:
    gold = {k: v for k, v in GOLD.items() if k not in ("topics", "date")}
    case = score_case([GOLD], [gold])
    assert case.tallies["topics"].tp + case.tallies["topics"].fp == 0
    assert case.accuracies["date"].total == 0


def test_agreements_and_quotes_match_fuzzily() -> None:
    predicted = {
        **GOLD,
        "agreements": ["to promote cooperation on defence equipment and technology"],
        "quotes": [{"speaker": "Kamikawa", "text": "Japan places particular importance on India,"}],
    }
    counted = tallies([predicted], [GOLD])
    assert counted["agreements"] == (1, 0, 0)
    assert counted["quotes"] == (1, 0, 0)


def test_a_quote_by_the_wrong_speaker_is_wrong() -> None:
    predicted = {
        **GOLD,
        "quotes": [{"speaker": "Subrahmanyam Jaishankar", "text": GOLD["quotes"][0]["text"]}],
    }
    assert tallies([predicted], [GOLD])["quotes"] == (0, 1, 1)


def test_alignment_follows_people_not_order() -> None:
    other = {
        "status": "held",
        "participants": [{"name": "Penny Wong"}, {"name": "Enrique Manalo"}],
        "countries": ["AU", "PH"],
    }
    assert align([other, GOLD], [GOLD, other]) == [(0, 1), (1, 0)]
    assert align([{"participants": [{"name": "Nobody Else"}]}], [GOLD]) == []


@pytest.mark.parametrize(
    ("predicted", "gold", "same"),
    [
        ("José Manuel Albares", "Jose Manuel Albares", True),
        ("Ayman Safdi", "Ayman Safadi", True),  # a typo in the article
        ("Wang", "Wang Yi", True),  # family name first
        ("Bola Tinubu", "Bola Ahmed Tinubu", True),
        ("Prince Faisal bin Farhan", "Faisal bin Farhan", True),
        ("Joe Biden", "Jill Biden", False),
        ("Kishida", "Fumio Kishida", True),
        ("Fumio Kishida", "Shigeru Ishiba", False),
    ],
)
def test_name_matching(predicted: str, gold: str, same: bool) -> None:
    assert same_person(predicted, gold) is same
