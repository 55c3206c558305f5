"""``extractor export``: rows per meeting, participant and dyad; CAMEO and PLOVER codes worked
out by hand; files that pandas and DuckDB read with typed columns."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from extractor.export import Filters, alpha3, dyad_code, rows
from tests.conftest import FIXTURES


def meeting(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"status": "held", "format": "in_person", "participants": []}
    return {**base, **fields}


def person(name: str, country: str) -> dict[str, str]:
    return {"name": name, "country": country}


# Each case: what a careful coder reads in a sentence, and the code CAMEO's manual gives it.
@pytest.mark.parametrize(
    ("case", "source", "target", "cameo", "modes"),
    [
        # "Kamikawa met Jaishankar in Tokyo": Japan hosts, India visits.
        (meeting(location={"city": "Tokyo", "country": "JP"}), "JP", "IN", "043", ("host",)),
        (meeting(location={"city": "Tokyo", "country": "JP"}), "IN", "JP", "042", ("visit",)),
        # "Blinken and Lavrov met in Geneva": neither hosts.
        (
            meeting(location={"city": "Geneva", "country": "CH"}),
            "US",
            "RU",
            "044",
            ("third-party",),
        ),
        # "Biden spoke with Xi by phone".
        (meeting(format="phone"), "US", "CN", "041", ("phone",)),
        (meeting(format="video"), "CN", "US", "041", ("phone",)),
        # "The two sides met", no place given.
        (meeting(), "FR", "DE", "040", ()),
        # "... held a new round of negotiations in Doha" (the status rests on "negotiations").
        (
            meeting(
                location={"city": "Doha", "country": "QA"},
                evidence=[{"field": "status", "start": 0, "end": 12, "text": "negotiations"}],
            ),
            "US",
            "AF",
            "046",
            (),
        ),
        # "Macron will visit Beijing next month".
        (
            meeting(status="planned", location={"city": "Beijing", "country": "CN"}),
            "FR",
            "CN",
            "036",
            (),
        ),
    ],
)
def test_dyad_codes_follow_cameo_and_plover(
    case: dict[str, Any], source: str, target: str, cameo: str, modes: tuple[str, ...]
) -> None:
    code = dyad_code(
        status=case["status"],
        format=case["format"],
        source=source,
        target=target,
        host=(case.get("location") or {}).get("country"),
        states=2,
        status_words=" ".join(e["text"] for e in case.get("evidence", [])),
    )
    assert code is not None
    assert (code.cameo, code.plover_modes) == (cameo, modes)
    assert code.plover_event == ("AGREE" if case["status"] == "planned" else "CONSULT")


def test_a_cancelled_meeting_has_no_event_and_three_states_are_multilateral() -> None:
    assert (
        dyad_code(
            status="cancelled", format="in_person", source="A", target="B", host=None, states=2
        )
        is None
    )
    trilateral = dyad_code(
        status="held", format="in_person", source="US", target="KR", host="JP", states=3
    )
    assert trilateral is not None
    assert (trilateral.cameo, trilateral.plover_modes) == ("044", ("third-party", "multilateral"))


def test_alpha3_from_iso() -> None:
    assert (alpha3("JP"), alpha3("GB"), alpha3(None), alpha3("ZZ")) == ("JPN", "GBR", None, None)


SEED_RESULT: dict[str, Any] = {
    "source": {
        "id": "seed",
        "url": "https://example.org/s",
        "published_at": "2024-03-08T14:07:00+09:00",
    },
    "backend": "rules",
    "model": None,
    "meetings": [
        meeting(
            participants=[
                {"name": "Yoko Kamikawa", "title": "Foreign Minister", "country": "JP"},
                {
                    "name": "Subrahmanyam Jaishankar",
                    "title": "External Affairs Minister",
                    "country": "IN",
                },
            ],
            countries=["JP", "IN"],
            date="2024-03-07",
            location={"city": "Tokyo", "country": "JP"},
            topics=["defense", "security"],
            confidence=0.8,
        ),
        meeting(status="planned", participants=[person("A B", "IN")], countries=["IN", "JP"]),
    ],
}


def test_rows_per_unit_and_filters() -> None:
    everything = Filters()
    meetings = list(rows([SEED_RESULT], "meeting", everything))
    assert [m["status"] for m in meetings] == ["held", "planned"]
    first = meetings[0]
    assert first["date"] == dt.date(2024, 3, 7)
    assert first["published_at"] == dt.datetime(2024, 3, 8, 5, 7, tzinfo=dt.UTC)
    assert first["published_at_offset_known"] is True
    assert first["participants"] == "Yoko Kamikawa; Subrahmanyam Jaishankar"
    assert first["location_country_alpha3"] == "JPN"
    people = list(rows([SEED_RESULT], "participant", everything))
    assert [p["participant_name"] for p in people][:2] == [
        "Yoko Kamikawa",
        "Subrahmanyam Jaishankar",
    ]
    dyads = list(rows([SEED_RESULT], "dyad", Filters(statuses=frozenset({"held"}))))
    assert [(d["source_country"], d["target_country"], d["cameo_code"]) for d in dyads] == [
        ("JP", "IN", "043"),
        ("IN", "JP", "042"),
    ]
    assert dyads[1]["source_people"] == "Subrahmanyam Jaishankar"
    dated = Filters(since=dt.date(2024, 3, 1), until=dt.date(2024, 3, 31))
    assert len(list(rows([SEED_RESULT], "meeting", dated))) == 1  # the undated one is left out
    assert not list(rows([SEED_RESULT], "meeting", Filters(countries=frozenset({"FR"}))))
    assert len(list(rows([SEED_RESULT], "meeting", Filters(min_confidence=0.6)))) == 1


def _cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "extractor", *arguments], capture_output=True, text=True
    )


def test_fixtures_to_typed_parquet_csv_and_plover(tmp_path: Path) -> None:
    results = tmp_path / "r.jsonl"
    extracted = _cli("extract", str(FIXTURES), "-o", str(results), "--include-text", "-q")
    assert extracted.returncode == 0, extracted.stderr
    table = tmp_path / "r.parquet"
    done = _cli("export", str(results), "--to", "parquet", "-o", str(table), "--unit", "dyad")
    assert done.returncode == 0, done.stderr
    frame = pd.read_parquet(table)
    assert str(frame["published_at"].dtype) == "datetime64[us, UTC]"
    assert str(frame["meeting_index"].dtype) == "int64"
    assert str(frame["confidence"].dtype) == "float64"
    assert set(frame["cameo_code"].dropna()) <= {"036", "040", "041", "042", "043", "044", "046"}
    seed = frame[frame["source_id"] == "seed-article"]
    assert set(zip(seed["source_country"], seed["cameo_code"], strict=True)) == {
        ("JP", "043"),
        ("IN", "042"),
    }
    described = duckdb.sql(f"DESCRIBE SELECT date, published_at FROM '{table}'").fetchall()
    types = {name: kind for name, kind, *_ in described}
    assert types == {"date": "DATE", "published_at": "TIMESTAMP WITH TIME ZONE"}

    spreadsheet = tmp_path / "r.csv"
    _cli("export", str(results), "--to", "csv", "--bom", "-o", str(spreadsheet), "--unit", "dyad")
    assert spreadsheet.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with it
    read_back = pd.read_csv(spreadsheet, encoding="utf-8-sig", parse_dates=["date"])
    assert len(read_back) == len(frame)
    assert str(read_back["date"].dtype).startswith("datetime64")

    events = tmp_path / "r.plover.jsonl"
    _cli("export", str(results), "--to", "plover", "-o", str(events))
    plover = [json.loads(line) for line in events.read_text().splitlines()]
    assert len(plover) == frame["plover_event"].notna().sum()
    first = plover[0]
    assert {"id", "date", "actor", "recipient", "event", "mode", "quad_code"} <= set(first)


def test_a_broken_line_is_named_and_the_others_exported(tmp_path: Path) -> None:
    results = tmp_path / "r.jsonl"
    results.write_text(json.dumps(SEED_RESULT) + "\n{broken\n[1]\n", encoding="utf-8")
    out = tmp_path / "m.csv"
    done = _cli("export", str(results), "-o", str(out))
    assert done.returncode == 0
    assert "r.jsonl:2: not JSON" in done.stderr and "r.jsonl:3: not a result line" in done.stderr
    assert len(out.read_text().splitlines()) == 3  # header and two meetings
    missing = _cli("export", str(tmp_path / "nope.jsonl"), "-o", str(out))
    assert missing.returncode == 2 and "no such results file" in missing.stderr
    nowhere = _cli("export", str(results), "-o", str(tmp_path / "no" / "dir.csv"))
    assert nowhere.returncode == 2 and "does not exist" in nowhere.stderr


# --- one record per real meeting ------------------------------------------------------------


def report(source_id: str, published: str, *meetings: dict[str, Any]) -> dict[str, Any]:
    return {"source": {"id": source_id, "published_at": published}, "meetings": list(meetings)}


def held(date: str | None, *people: tuple[str, str], **fields: Any) -> dict[str, Any]:
    return meeting(
        date=date,
        participants=[person(name, country) for name, country in people],
        countries=sorted({country for _, country in people}),
        **fields,
    )


def test_reports_of_one_meeting_merge_and_their_conflicts_stay_visible() -> None:
    from extractor.export import dedupe

    merged = dedupe(
        [
            report(
                "a",
                "2024-04-26T10:00:00+00:00",
                held("2024-04-26", ("Antony Blinken", "US"), ("Wang Yi", "CN")),
            ),
            report(
                "b",
                "2024-04-27T10:00:00+00:00",
                held("2024-04-27", ("Blinken", "US"), ("Wang", "CN")),
            ),
            report(
                "c",
                "2024-04-28T10:00:00+00:00",
                held("2024-04-26", ("A. Blinken", "US"), ("Wang Yi", "CN"), status="cancelled"),
            ),
        ]
    )
    assert len(merged) == 1
    (one,) = merged
    assert one.source_ids == ["a", "b", "c"]
    assert one.values["date"] == "2024-04-26"  # two reports to one
    assert one.conflicts["status"] == {"held": 2, "cancelled": 1}  # kept, not resolved away
    assert one.conflicts["date"] == {"2024-04-26": 2, "2024-04-27": 1}


def test_other_days_other_people_and_undated_reports_stay_apart() -> None:
    from extractor.export import dedupe

    merged = dedupe(
        [
            # the same two ministers, fifteen months apart
            report(
                "a",
                "2024-03-20T08:00:00+11:00",
                held("2024-03-20", ("Penny Wong", "AU"), ("Wang Yi", "CN")),
            ),
            report(
                "b",
                "2022-12-21T20:00:00+08:00",
                held("2022-12-21", ("Penny Wong", "AU"), ("Wang Yi", "CN")),
            ),
            # the same two states and the same Indian minister, with two Russians, a day apart
            report(
                "c",
                "2023-12-27T18:00:00+05:30",
                held("2023-12-27", ("S Jaishankar", "IN"), ("Sergei Lavrov", "RU")),
                held("2023-12-26", ("S Jaishankar", "IN"), ("Denis Manturov", "RU")),
            ),
            # undated: matched only with an undated report published within a day
            report(
                "d", "2023-12-28T10:00:00+03:00", held(None, ("Jaishankar", "IN"), ("Lavrov", "RU"))
            ),
            report(
                "e", "2023-12-28T20:00:00+03:00", held(None, ("Jaishankar", "IN"), ("Lavrov", "RU"))
            ),
        ]
    )
    groups = sorted(m.source_ids for m in merged)
    assert groups == [["a"], ["b"], ["c"], ["c"], ["d", "e"]]


def test_export_dedupe_writes_one_row_per_real_meeting(tmp_path: Path) -> None:
    results = tmp_path / "r.jsonl"
    rows_in = [
        report(
            "a",
            "2024-04-26T10:00:00+00:00",
            held("2024-04-26", ("Antony Blinken", "US"), ("Wang Yi", "CN")),
        ),
        report(
            "b",
            "2024-04-28T10:00:00+00:00",
            held("2024-04-26", ("Blinken", "US"), ("Wang", "CN"), status="cancelled"),
        ),
    ]
    results.write_text("".join(json.dumps(r) + "\n" for r in rows_in), encoding="utf-8")
    out = tmp_path / "real.csv"
    done = _cli("export", str(results), "--dedupe", "-o", str(out))
    assert done.returncode == 0, done.stderr
    (row,) = pd.read_csv(out).to_dict("records")
    assert row["sources"] == 2 and row["source_ids"] == "a; b"
    # a tie goes to the later report (it knows more), and the other value stays in sight
    assert row["status"] == "cancelled"
    assert row["conflicts"] == "status: cancelled 1 | held 1"
    wrong = _cli("export", str(results), "--dedupe", "--unit", "dyad", "-o", str(out))
    assert wrong.returncode == 2 and "--unit meeting" in wrong.stderr


def test_the_hand_labelled_multi_article_set_scores() -> None:
    """The figures of evals/dedupe/score.py, as the README reports them."""
    done = subprocess.run(
        [sys.executable, "evals/dedupe/score.py"], capture_output=True, text=True, check=True
    )
    figures = json.loads(done.stdout[: done.stdout.index("}") + 1])
    assert figures["records"] == 12 and figures["unmatched_records"] == 0
    assert figures["merged_meetings"] == figures["real_meetings"] == 7
    assert figures["pair_f1"] == 1.0
