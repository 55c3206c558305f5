"""`extractor eval` end to end: any corpus directory, predictions files, reports and gates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from extractor.cli import main

ARTICLE = "Ministers meet\n10:00 GMT, March 8, 2024\nA met B on Thursday in Rome.\n"
GOLD = {
    "status": "held",
    "participants": [
        {"name": "Anna Able", "country": "IT"},
        {"name": "Bert Baker", "country": "FR"},
    ],
    "countries": ["IT", "FR"],
    "date": "2024-03-07",
}


def corpus(tmp_path: Path) -> Path:
    directory = tmp_path / "corpus"
    (directory / "nested").mkdir(parents=True)
    for name, meetings in (("one", [GOLD]), ("nested/none", [])):
        (directory / f"{name}.txt").write_text(ARTICLE)
        (directory / f"{name}.json").write_text(json.dumps({"meetings": meetings}))
    return directory


def predictions(tmp_path: Path, rows: dict[str, list[dict[str, Any]]]) -> Path:
    path = tmp_path / f"predictions-{len(list(tmp_path.iterdir()))}.jsonl"
    path.write_text(
        "\n".join(json.dumps({"source": {"id": k}, "meetings": v}) for k, v in rows.items())
    )
    return path


def evaluate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["eval", *args])
    return result.exit_code, result.output


def test_scores_a_predictions_file_on_any_corpus(tmp_path: Path) -> None:
    directory = corpus(tmp_path)
    half = {**GOLD, "participants": GOLD["participants"][:1], "date": "2024-03-06"}
    preds = predictions(tmp_path, {"one": [half], "nested/none": []})
    out = tmp_path / "report.json"
    code, output = evaluate(
        "--fixtures", str(directory), "--predictions", str(preds), "--json", str(out)
    )
    assert code == 0, output
    figures = json.loads(out.read_text())["figures"]
    assert figures["participants.precision"] == 1.0
    assert figures["participants.recall"] == 0.5
    assert figures["date.accuracy"] == 0.0
    assert figures["detection.precision"] == 1.0 and figures["detection.recall"] == 1.0
    assert figures["meeting_count.exact"] == 1.0


def test_the_report_names_the_model_and_the_tokens_it_spent(tmp_path: Path) -> None:
    directory = corpus(tmp_path)
    made = {"model": "qwen", "prompt_version": "guided-v1"}
    rows = [
        {"source": {"id": "one"}, "meetings": [GOLD], **made,
         "usage": {"prompt_tokens": 900, "completion_tokens": 60, "cached": False}},
        {"source": {"id": "nested/none"}, "meetings": [], **made,
         "usage": {"prompt_tokens": 0, "completion_tokens": 0, "cached": True}},
    ]  # fmt: skip
    preds = tmp_path / "made.jsonl"
    preds.write_text("\n".join(json.dumps(row) for row in rows))
    out = tmp_path / "report.json"
    code, output = evaluate(
        "--fixtures", str(directory), "--predictions", str(preds), "--json", str(out)
    )
    assert code == 0, output
    report = json.loads(out.read_text())
    assert (report["model"], report["prompt_version"]) == ("qwen", "guided-v1")
    assert report["usage"]["cases_answered_by_model"] == 1
    assert report["usage"]["cases_from_cache"] == 1
    assert report["usage"]["prompt_tokens_per_case"] == 900
    assert report["usage"]["completion_tokens_per_case"] == 60


def test_fail_under_and_baseline_gate_a_run(tmp_path: Path) -> None:
    directory = corpus(tmp_path)
    good = predictions(tmp_path, {"one": [GOLD], "nested/none": []})
    worse = predictions(tmp_path, {"one": [], "nested/none": [GOLD]})
    baseline = tmp_path / "baseline.json"
    assert (
        evaluate("--fixtures", str(directory), "--predictions", str(good), "--json", str(baseline))[
            0
        ]
        == 0
    )

    code, output = evaluate(
        "--fixtures", str(directory), "--predictions", str(worse), "--baseline", str(baseline)
    )
    assert code == 1
    assert "participants.f1" in output and "worse: one" in output and "worse: nested/none" in output

    code, output = evaluate(
        "--fixtures",
        str(directory),
        "--predictions",
        str(good),
        "--fail-under",
        "participants.f1=0.9",
        "--fail-under",
        "date=1",
    )
    assert code == 0, output
    code, output = evaluate(
        "--fixtures",
        str(directory),
        "--predictions",
        str(worse),
        "--fail-under",
        "participants=0.5",
    )
    assert code == 1 and "participants.f1" in output


def test_unknown_figures_and_broken_corpora_are_clear_errors(tmp_path: Path) -> None:
    directory = corpus(tmp_path)
    good = predictions(tmp_path, {"one": [GOLD], "nested/none": []})
    code, output = evaluate(
        "--fixtures", str(directory), "--predictions", str(good), "--fail-under", "charisma=0.5"
    )
    assert code == 2 and "no figure 'charisma'; the figures: participants.precision" in output
    (directory / "orphan.txt").write_text(ARTICLE)
    code, output = evaluate("--fixtures", str(directory), "--predictions", str(good))
    assert code == 2 and "orphan.txt: no label orphan.json" in output


def test_the_figures_a_gate_may_name_are_those_a_report_gives(tmp_path: Path) -> None:
    from extractor.evals import run_eval
    from extractor.evals.run import figure_names

    preds = predictions(tmp_path, {"one": [GOLD], "nested/none": []})
    report = run_eval(corpus(tmp_path), predictions=preds)
    assert list(report.figures()) == figure_names()


def test_missing_predictions_are_reported(tmp_path: Path) -> None:
    directory = corpus(tmp_path)
    partial = predictions(tmp_path, {"one": [GOLD], "stray": []})
    code, output = evaluate("--fixtures", str(directory), "--predictions", str(partial))
    assert code == 0
    assert "no prediction for nested/none" in output and "stray matches no case" in output


def test_html_report_is_self_contained(tmp_path: Path) -> None:
    directory = corpus(tmp_path)
    html_path = tmp_path / "report.html"
    code, output = evaluate("--fixtures", str(directory), "--html", str(html_path))
    assert code == 0, output
    page = html_path.read_text()
    # self-contained: inline CSS and script only, nothing loaded from elsewhere
    assert page.startswith("<!doctype html>") and "<script src" not in page and "http" not in page
    assert 'id="one"' in page and 'id="nested/none"' in page


def test_an_unread_page_stamp_is_not_hidden_by_the_label(tmp_path: Path) -> None:
    """The label's publication moment reaches the document only with
    --published-at-from-label, and published_at accuracy always scores what ingest read."""
    directory = tmp_path / "stampless"
    directory.mkdir()
    gold = {
        "status": "held",
        "participants": [
            {"name": "Yoko Kamikawa", "country": "JP"},
            {"name": "Penny Wong", "country": "AU"},
        ],
        "date": "2024-03-07",
    }
    (directory / "case.txt").write_text(
        "Ministers meet\n\nJapanese Foreign Minister Yoko Kamikawa met Australian Foreign "
        "Minister Penny Wong in Tokyo on Thursday.\n"
    )
    label = {"source": {"published_at": "2024-03-08T14:07:00+09:00"}, "meetings": [gold]}
    (directory / "case.json").write_text(json.dumps(label))

    def figures(*flags: str) -> dict[str, Any]:
        out = tmp_path / f"report{len(flags)}.json"
        code, output = evaluate("--fixtures", str(directory), "--json", str(out), *flags)
        assert code == 0, output
        return dict(json.loads(out.read_text())["figures"])

    honest = figures()
    assert honest["published_at.accuracy"] == 0.0
    assert honest["date.accuracy"] == 0.0  # "on Thursday" cannot be resolved without a day
    fed = figures("--published-at-from-label")
    assert fed["date.accuracy"] == 1.0
    assert fed["published_at.accuracy"] == 0.0


def test_names_that_look_like_rich_markup_are_printed_as_they_are(tmp_path: Path) -> None:
    """Case ids, prediction ids, paths and figure names are the user's text, not markup for
    the terminal: "[/bold]" must neither crash the report nor vanish from it."""
    directory = tmp_path / "[red]corpus"
    (directory / "[").mkdir(parents=True)  # the case "[/bold]case" is "bold]case" in "["
    (tmp_path / "[").mkdir()
    for name in ("one", "[/bold]case", "[bold]open"):
        (directory / f"{name}.txt").write_text(ARTICLE)
        (directory / f"{name}.json").write_text(json.dumps({"meetings": [GOLD]}))

    def rows(name: str, *lines: dict[str, Any]) -> Path:
        path = tmp_path / name
        path.write_text("\n".join(json.dumps(line) for line in lines))
        return path

    one = {"source": {"id": "one"}, "meetings": [GOLD]}
    good = rows("[/i]good.jsonl", one, {"source": {"id": "[/bold]case"}, "meetings": [GOLD]})
    worse = rows(
        "[/i]worse.jsonl",
        one,
        {"source": {"id": "[/bold]case"}, "meetings": [], "error": {"type": "X"}},
        {"source": {"id": "[/red]stray"}, "meetings": []},
    )
    baseline, json_out, html_out = (tmp_path / n for n in ("base.json", "r.json", "r.html"))
    runner = CliRunner(env={"COLUMNS": "1000"})  # no line folded inside a path
    args = ["eval", "--fixtures", str(directory), "--predictions"]
    first = runner.invoke(main, [*args, str(good), "--json", str(baseline)])
    assert first.exit_code == 0, first.output
    assert f"file:{good} on" in first.output and str(directory) in first.output  # the title

    result = runner.invoke(
        main,
        [
            *args,
            str(worse),
            "--baseline",
            str(baseline),
            "--json",
            str(json_out),
            "--html",
            str(html_out),
        ],
    )
    assert result.exit_code == 1, result.output
    for shown in (
        "1 documents failed: [/bold]case",
        "warning: no prediction for [bold]open",
        "warning: prediction [/red]stray matches no case",
        "worse: [/bold]case (0 -> ",
    ):
        assert shown in result.output
    assert "[/bold]case" in {case["id"] for case in json.loads(json_out.read_text())["cases"]}
    assert 'id="[/bold]case"' in html_out.read_text()


def test_reports_are_written_before_anything_is_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A terminal that fails the printed report must not cost the JSON and HTML reports."""
    import extractor.evals.report_text

    def broken_terminal(*_: object) -> None:
        raise OSError("the terminal went away")

    monkeypatch.setattr(extractor.evals.report_text, "print_report", broken_terminal)
    json_out, html_out = tmp_path / "report.json", tmp_path / "report.html"
    result = CliRunner().invoke(
        main,
        [
            "eval",
            "--fixtures",
            str(corpus(tmp_path)),
            "--json",
            str(json_out),
            "--html",
            str(html_out),
        ],
    )
    assert result.exit_code == 74
    assert "extractor: error: cannot write to stdout: the terminal went away" in result.stderr
    assert json.loads(json_out.read_text())["cases"] and html_out.read_text()


def test_reports_name_how_they_were_made_and_two_compare(tmp_path: Path) -> None:
    directory = corpus(tmp_path)
    half = {**GOLD, "participants": GOLD["participants"][:1], "date": "2024-03-06"}
    runs = {
        "a": predictions(tmp_path, {"one": [half], "nested/none": [GOLD]}),
        "b": predictions(tmp_path, {"one": [GOLD], "nested/none": [GOLD]}),
    }
    for name, preds in runs.items():
        code, output = evaluate(
            "--fixtures",
            str(directory),
            "--predictions",
            str(preds),
            "--json",
            str(tmp_path / f"{name}.json"),
            "--html",
            str(tmp_path / f"{name}.html"),
        )
        assert code == 0, output
    report = json.loads((tmp_path / "a.json").read_text())
    assert {"created_at", "commit", "source", "model", "prompt_version", "fixtures"} <= set(report)
    assert report["commit"] is None or len(report["commit"].split("-")[0]) == 40
    page = (tmp_path / "a.html").read_text()
    assert "<th>commit</th>" in page and "meeting count" in page and 'id="only-errors"' in page
    assert 'data-errors="' in page

    code, output = evaluate(
        "--compare",
        str(tmp_path / "a.json"),
        str(tmp_path / "b.json"),
        "--json",
        str(tmp_path / "c.json"),
        "--html",
        str(tmp_path / "c.html"),
    )
    assert code == 0, output
    assert "participants.recall" in output and "better in B: one" in output
    compared = json.loads((tmp_path / "c.json").read_text())
    recall = next(f for f in compared["figures"] if f["figure"] == "participants.recall")
    assert recall["a"] < recall["b"] and recall["change"] > 0
    assert [c["id"] for c in compared["better_cases"]] == ["one"]
    assert compared["worse_cases"] == []
    assert "Cases with fewer errors in B (1)" in (tmp_path / "c.html").read_text()
    code, output = evaluate("--compare", str(tmp_path / "a.json"), str(tmp_path / "a.html"))
    assert code == 2 and "not JSON" in output
