"""The eval's figures agree with a hand count on three real fixture cases.

The predictions below are written by hand (not by any backend) with known mistakes; the
expected figures were counted by hand from them and the labels, case by case:

seed-article (gold: 1 meeting): an extra participant (Kishida, with title and country), the
  right countries, topics defense+space right and trade wrong (4 gold topics missed), no
  agreements (4 missed), no quote (1 missed), wrong date, right place, status and format.
b-neg-wont-meet-wang-yi-manalo (gold: no meeting): one invented meeting of Wang Yi and Manalo,
  so everything in it is a false positive.
a-cancelled-poland-hungary-called-off (gold: 2 meetings): the cancelled meeting found with
  everything right but two of its topics and two of its three quotes; the Szijjártó-Lavrov
  meeting missed entirely (2 people, 2 countries, 2 topics, 1 quote missed).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from extractor.evals import run_eval

from .conftest import FIXTURES

CASES = ("seed-article", "b-neg-wont-meet-wang-yi-manalo", "a-cancelled-poland-hungary-called-off")
PREDICTIONS = [
    {
        "source": {"id": "seed-article", "published_at": "2024-03-08T14:07:00+09:00"},
        "meetings": [
            {
                "status": "held",
                "format": "in_person",
                "date": "2024-03-08",
                "participants": [
                    {"name": "Yoko Kamikawa", "title": "Foreign Minister", "country": "JP"},
                    {
                        "name": "Subrahmanyam Jaishankar",
                        "title": "External Affairs Minister",
                        "country": "IN",
                    },
                    {"name": "Fumio Kishida", "title": "Prime Minister", "country": "JP"},
                ],
                "countries": ["JP", "IN"],
                "location": {"city": "Tokyo", "country": "JP"},
                "topics": ["defense", "space", "trade"],
            }
        ],
    },
    {
        "source": {"id": "b-neg-wont-meet-wang-yi-manalo"},
        "meetings": [
            {
                "status": "planned",
                "format": "in_person",
                "participants": [
                    {"name": "Wang Yi", "country": "CN"},
                    {"name": "Enrique Manalo", "country": "PH"},
                ],
                "countries": ["CN", "PH"],
                "topics": ["maritime"],
            }
        ],
    },
    {
        "source": {
            "id": "a-cancelled-poland-hungary-called-off",
            "published_at": "2024-03-05T10:00:00+00:00",
        },
        "meetings": [
            {
                "status": "cancelled",
                "format": "in_person",
                "date": "2024-03-07",
                "participants": [
                    {"name": "Radoslaw Sikorski", "title": "Foreign Minister", "country": "PL"},
                    {"name": "Peter Szijjarto", "title": "foreign minister", "country": "HU"},
                ],
                "countries": ["PL", "HU"],
                "location": {"city": "Budapest", "country": "HU"},
                "topics": ["energy"],
                "quotes": [
                    {
                        "speaker": "Sikorski",
                        "text": "When Budapest decides which side it is on, we can talk.",
                    }
                ],
            }
        ],
    },
]

HAND_COUNT = {
    # (tp, fp, fn) summed over the three cases
    "participants": (2 + 0 + 2, 1 + 2 + 0, 0 + 0 + 2),
    "participant_countries": (2 + 0 + 2, 1 + 2 + 0, 0 + 0 + 2),
    "participant_titles": (2 + 0 + 2, 1 + 0 + 0, 0 + 0 + 2),
    "countries": (2 + 0 + 2, 0 + 2 + 0, 0 + 0 + 2),
    "topics": (2 + 0 + 1, 1 + 1 + 0, 4 + 0 + (2 + 2)),
    "agreements": (0, 0, 4 + 0 + 0),
    "quotes": (0 + 0 + 1, 0, 1 + 0 + (2 + 1)),
    "meetings": (1 + 0 + 1, 0 + 1 + 0, 0 + 0 + 1),
    "detection": (2, 1, 0),
}


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float | None]:
    directory = tmp_path_factory.mktemp("three")
    for case in CASES:
        for suffix in (".txt", ".json"):
            shutil.copy(FIXTURES / f"{case}{suffix}", directory / f"{case}{suffix}")
    predictions = directory.parent / "predictions.jsonl"
    predictions.write_text("\n".join(json.dumps(p) for p in PREDICTIONS))
    return run_eval(Path(directory), predictions=predictions).figures()


@pytest.mark.parametrize("field", sorted(HAND_COUNT))
def test_precision_and_recall_match_the_hand_count(
    figures: dict[str, float | None], field: str
) -> None:
    tp, fp, fn = HAND_COUNT[field]
    expected_p = tp / (tp + fp) if tp + fp else None
    expected_r = tp / (tp + fn) if tp + fn else None
    assert figures[f"{field}.precision"] == pytest.approx(expected_p)
    assert figures[f"{field}.recall"] == pytest.approx(expected_r)


def test_accuracies_match_the_hand_count(figures: dict[str, float | None]) -> None:
    # Over the two aligned pairs: the seed's date is wrong, everything else right.
    assert figures["date.accuracy"] == 0.5
    for field in ("location_city", "location_country", "status", "format"):
        assert figures[f"{field}.accuracy"] == 1.0
    # Publication moments: right, absent, and nine hours off.
    assert figures["published_at.accuracy"] == pytest.approx(1 / 3)
    # Meeting counts: off by 0, 1 and 1.
    assert figures["meeting_count.mean_abs_error"] == pytest.approx(2 / 3)
    assert figures["meeting_count.exact"] == pytest.approx(1 / 3)
