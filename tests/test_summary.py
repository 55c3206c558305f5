"""The batch summary: what ``extract`` prints at the end and writes with ``--summary``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from extractor import extract
from extractor.batch.summary import warning_kind

UNDATED = (
    "French Foreign Minister Jean-Noel Barrot met German Foreign Minister Annalena Baerbock "
    "in Paris on Thursday."
)


def test_an_undated_phrase_without_publication_date_warns() -> None:
    result = extract(UNDATED, backend="rules")
    assert result.meetings[0].date is None
    assert result.warnings == [
        "meeting 1: 'on Thursday' is not dated: the publication date is unknown "
        "(give --published-at or a published_at field)"
    ]
    dated = extract(UNDATED, backend="rules", published_at="2024-05-10")
    assert dated.warnings == [] and str(dated.meetings[0].date) == "2024-05-09"


def test_warnings_of_one_kind_count_together() -> None:
    assert warning_kind("meeting 2: 'on Thursday' is not dated: the date") == warning_kind(
        "meeting 5: 'last week' is not dated: the date"
    )
    assert warning_kind(
        "dropped a record with fewer than two parties: Yoko Kamikawa met reporters"
    ) == warning_kind("dropped a record with fewer than two parties: Wang Yi spoke")
    assert warning_kind("a meeting dated 2024-07-30, after publication, is planned") == (
        "a meeting dated #-#-#, after publication, is planned"
    )


def test_the_summary_counts_what_analysts_look_at(tmp_path: Path, seed_text: str) -> None:
    feed = tmp_path / "feed.jsonl"
    rows = [
        {"id": "seed", "text": seed_text},
        {"id": "undated", "text": UNDATED},
        {"id": "dated", "text": UNDATED, "published_at": "2024-05-10"},
        {"id": "quiet", "text": "Markets were calm."},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    summary = tmp_path / "summary.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "extractor",
            "extract",
            str(feed),
            "--backend",
            "rules",
            "-o",
            str(tmp_path / "r.jsonl"),
            "--summary",
            str(summary),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (
        "undated: 1 meetings with a date phrase but no day, 1 of them for want of a " in done.stderr
    )
    assert "dyads: DE-FR 2, IN-JP 1" in done.stderr
    figures = json.loads(summary.read_text())
    assert figures["meetings_by_status"] == {"held": 3}
    assert figures["top_dyads"] == {"DE-FR": 2, "IN-JP": 1}
    assert figures["top_people"]["Annalena Baerbock"] == 2
    assert figures["undated_for_want_of_publication_date"] == 1
    assert figures["documents_without_meetings"] == 1
    assert list(figures["warnings_by_kind"].values()) == [1]
