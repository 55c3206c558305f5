"""Gates for CI: a run compared with a baseline report, and minimum figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFAULT_TOLERANCE = 0.02


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


def compare(current: dict[str, Any], baseline: dict[str, Any]) -> Comparison:
    """Per-figure deltas and the cases with more errors than in the baseline."""
    names = sorted(set(current["figures"]) | set(baseline["figures"]))
    deltas = [Delta(n, baseline["figures"].get(n), current["figures"].get(n)) for n in names]
    before = {case["id"]: case["errors"] for case in baseline.get("cases", [])}
    worse = [
        (case["id"], before[case["id"]], case["errors"])
        for case in current.get("cases", [])
        if case["id"] in before and case["errors"] > before[case["id"]]
    ]
    return Comparison(deltas, worse)


def parse_threshold(text: str) -> tuple[str, float]:
    """ "participants.f1=0.8" (or "participants=0.8" for F1, "date=0.7" for accuracy)."""
    name, _, value = text.partition("=")
    try:
        threshold = float(value)
    except ValueError:
        raise ValueError(f"--fail-under {text!r}: expected FIELD=NUMBER") from None
    return name.strip(), threshold


def failures_under(
    figures: dict[str, float | None], thresholds: list[tuple[str, float]]
) -> list[str]:
    """Messages for every figure below its threshold; an unknown figure is an error too."""
    messages = []
    for name, threshold in thresholds:
        key = next((k for k in (name, f"{name}.f1", f"{name}.accuracy") if k in figures), None)
        if key is None:
            messages.append(f"{name}: no such figure (see the JSON report's 'figures')")
            continue
        value = figures[key]
        if value is None or value < threshold:
            shown = "none" if value is None else f"{value:.3f}"
            messages.append(f"{key} = {shown} is under {threshold}")
    return messages
