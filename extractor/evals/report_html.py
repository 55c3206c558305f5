"""The HTML report: one self-contained page that people read.

The scores table comes first, then every case: the article with the evidence spans of the
prediction coloured (one colour per predicted meeting), and gold beside predicted for every
meeting, misses and extras coloured, a missed or extra meeting shown as a record table.

The page is rendered from the templates every page of the product shares
(``extractor.views``, template ``eval_report.html.jinja``); this module only turns a
``Report`` into the plain values the template shows.
"""

from __future__ import annotations

import json
from typing import Any

from extractor.evals.provenance import header
from extractor.evals.run import CaseResult, Report
from extractor.evals.scoring import LIST_FIELDS, VALUE_FIELDS, FieldDiff
from extractor.views import render, segments


def to_html(report: Report) -> str:
    """The report as one HTML page (``<!doctype html>`` first): inline CSS, no scripts and no
    external assets. Every case id, value and article text is escaped."""
    figures = report.figures()
    support = report.supports()
    scores = [
        _score_row(name, figures, support) for name in ("detection", "meetings", *LIST_FIELDS)
    ]
    scores += [_accuracy_row(name, figures, support) for name in (*VALUE_FIELDS, "published_at")]
    scores.append(_count_row(figures, len(report.cases)))
    return render(
        "eval_report.html.jinja",
        header=header(report),
        source=report.source,
        fixtures=report.fixtures,
        scores=scores,
        warnings=list(report.warnings),
        cases=[_case(result) for result in report.cases],
    )


def _score_row(
    name: str, figures: dict[str, float | None], support: dict[str, int]
) -> dict[str, object]:
    return {
        "name": name,
        **{k: _percent(figures[f"{name}.{k}"]) for k in ("precision", "recall", "f1")},
        "support": support[name],
    }


def _accuracy_row(
    name: str, figures: dict[str, float | None], support: dict[str, int]
) -> dict[str, object]:
    accuracy = _percent(figures[f"{name}.accuracy"])
    return {"name": name, "precision": "", "recall": "", "f1": accuracy, "support": support[name]}


def _count_row(figures: dict[str, float | None], cases: int) -> dict[str, object]:
    """The meeting count row of the terminal table: cases whose number of meetings is right,
    and the mean error of that number."""
    exact, error = figures["meeting_count.exact"], figures["meeting_count.mean_abs_error"]
    shown = f"exact {_percent(exact)}, mean error {'–' if error is None else f'{error:.2f}'}"
    return {"name": "meeting count", "precision": "", "recall": "", "f1": shown, "support": cases}


def _case(result: CaseResult) -> dict[str, object]:
    """What the template shows of one case (see the context in ``eval_report.html.jinja``)."""
    predicted: list[dict[str, Any]] = result.predicted.get("meetings") or []
    aligned_p = {p for p, _ in result.score.alignment}
    aligned_g = {g for _, g in result.score.alignment}
    pairs = [
        {"predicted": p, "gold": g, "lists": _lists(diffs), "checks": _checks(checks)}
        for (p, g), diffs, checks in zip(
            result.score.alignment, result.score.diffs, result.score.value_checks, strict=True
        )
    ]
    error = result.predicted.get("error")
    notes = result.case.label.get("notes")
    return {
        "id": result.case.id,
        "errors": result.errors,
        "notes": str(notes) if notes else None,
        "segments": None if result.text is None else segments(result.text, predicted),
        "predicted": predicted,
        "pairs": pairs,
        "missed": [
            {"index": j, "meeting": meeting}
            for j, meeting in enumerate(result.case.meetings)
            if j not in aligned_g
        ],
        "extra": [
            {"index": i, "meeting": meeting}
            for i, meeting in enumerate(predicted)
            if i not in aligned_p
        ],
        "error": json.dumps(error, ensure_ascii=False) if error else None,
    }


def _lists(diffs: dict[str, FieldDiff]) -> list[dict[str, object]]:
    return [
        {"name": name, "matched": diff.matched, "missed": diff.missed, "extra": diff.extra}
        for name, diff in diffs.items()
    ]


def _checks(checks: dict[str, tuple[Any, Any, bool]]) -> list[dict[str, object]]:
    return [
        {"name": name, "gold": str(gold), "predicted": str(predicted), "correct": correct}
        for name, (predicted, gold, correct) in checks.items()
    ]


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"
