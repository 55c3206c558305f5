"""Gates for CI: a run compared with a baseline report, and minimum figures."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.evals.run import figure_names

DEFAULT_TOLERANCE = 0.02
_MAX_BASELINE_BYTES = 100_000_000  # a report of tens of thousands of cases is far less


@dataclass(frozen=True)
class Delta:
    figure: str
    baseline: float | None
    current: float | None

    @property
    def change(self) -> float | None:
        if self.baseline is None or self.current is None:
            return None
        return self.current - self.baseline


@dataclass(frozen=True)
class Comparison:
    deltas: list[Delta]
    worse_cases: list[tuple[str, int, int]]  # (case id, errors before, errors now)
    better_cases: list[tuple[str, int, int]] = field(default_factory=list)

    def to_json(self, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
        """The comparison of two reports (``extractor eval --compare A B --json``): their
        headers, every figure with both values and the change, the cases that changed."""
        return {
            "a": _header_of(before),
            "b": _header_of(after),
            "figures": [
                {"figure": d.figure, "a": d.baseline, "b": d.current, "change": d.change}
                for d in self.deltas
            ],
            "worse_cases": [{"id": i, "a": a, "b": b} for i, a, b in self.worse_cases],
            "better_cases": [{"id": i, "a": a, "b": b} for i, a, b in self.better_cases],
        }

    def regressions(self, tolerance: float) -> list[Delta]:
        """Figures that fell by more than ``tolerance`` (an error count that rose, for MAE)."""
        fallen = []
        for delta in self.deltas:
            if delta.change is None:
                continue
            lower_is_better = delta.figure.endswith("mean_abs_error")
            drop = delta.change if lower_is_better else -delta.change
            if drop > tolerance:
                fallen.append(delta)
        return fallen


_HEADER_KEYS = ("created_at", "commit", "source", "model", "prompt_version", "fixtures")


def _header_of(report: dict[str, Any]) -> dict[str, Any]:
    return {key: report.get(key) for key in _HEADER_KEYS}


def compare(current: dict[str, Any], baseline: dict[str, Any]) -> Comparison:
    """Per-figure deltas and the cases with more errors than in the baseline."""
    names = sorted(set(current["figures"]) | set(baseline["figures"]))
    deltas = [Delta(n, baseline["figures"].get(n), current["figures"].get(n)) for n in names]
    before = {case["id"]: case["errors"] for case in baseline.get("cases", [])}
    both = [
        (case["id"], before[case["id"]], case["errors"])
        for case in current.get("cases", [])
        if case["id"] in before
    ]
    worse = [(i, a, b) for i, a, b in both if b > a]
    better = [(i, a, b) for i, a, b in both if b < a]
    return Comparison(deltas, worse, better)


def load_baseline(path: Path) -> dict[str, Any]:
    """A JSON report to compare with, checked for what ``compare`` reads of it; raises
    ``ValueError`` naming the file and what is wrong, before anything is scored. (Both
    reports of ``--compare`` are read this way too.)"""
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_BASELINE_BYTES + 1)
    except OSError as error:
        raise ValueError(f"baseline {path}: cannot be read ({error.strerror})") from None
    if len(data) > _MAX_BASELINE_BYTES:
        raise ValueError(f"baseline {path}: more than {_MAX_BASELINE_BYTES:,} bytes")
    try:
        report = json.loads(data)
    except (ValueError, RecursionError) as error:  # invalid JSON or UTF-8; nesting too deep
        raise ValueError(f"baseline {path}: not JSON ({error})") from None
    problem = _report_problem(report)
    if problem:
        raise ValueError(f"baseline {path}: not a JSON report of extractor eval: {problem}")
    return dict(report)


def _report_problem(report: object) -> str | None:
    """What keeps ``report`` from being compared with (its figures and cases), if anything."""
    if not isinstance(report, dict):
        return f"a JSON {type(report).__name__}, not an object"
    figures = report.get("figures")
    if not isinstance(figures, dict):
        return "no 'figures' object"
    for name, value in figures.items():
        if isinstance(value, bool) or not isinstance(value, int | float | None):
            return f"the figure {name!r} is {value!r}, not a number"
    cases = report.get("cases", [])
    if not isinstance(cases, list) or not all(_is_case(case) for case in cases):
        return "'cases' is not a list of objects with an 'id' and a number of 'errors'"
    return None


def _is_case(case: object) -> bool:
    return (
        isinstance(case, dict)
        and isinstance(case.get("id"), str)
        and isinstance(case.get("errors"), int)
        and not isinstance(case.get("errors"), bool)
    )


def parse_threshold(text: str) -> tuple[str, float]:
    """ "participants.f1=0.8" (or "participants=0.8" for F1, "date=0.7" for accuracy), as the
    figure's full name and the threshold; raises ``ValueError`` for a figure no report gives,
    listing those it gives."""
    name, _, value = text.partition("=")
    try:
        threshold = float(value)
    except ValueError:
        threshold = math.nan
    if not math.isfinite(threshold):  # no figure is ever under "nan"
        raise ValueError(f"--fail-under {text!r}: expected FIELD=NUMBER")
    known = figure_names()
    name = name.strip()
    figure = next((f for f in (name, f"{name}.f1", f"{name}.accuracy") if f in known), None)
    if figure is None:
        raise ValueError(
            f"--fail-under {text!r}: no figure {name!r}; the figures: {', '.join(known)}"
        )
    return figure, threshold


def failures_under(
    figures: dict[str, float | None], thresholds: list[tuple[str, float]]
) -> list[str]:
    """Messages for every figure below its threshold (figures named by ``parse_threshold``)."""
    messages = []
    for key, threshold in thresholds:
        value = figures[key]
        if value is None or value < threshold:
            shown = "none" if value is None else f"{value:.3f}"
            messages.append(f"{key} = {shown} is under {threshold}")
    return messages
