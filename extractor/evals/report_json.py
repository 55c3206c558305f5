"""The JSON report: every figure, and per case what was right, missed and added."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from extractor.evals.provenance import header
from extractor.evals.run import Report

REPORT_VERSION = 1


def to_json(report: Report) -> dict[str, Any]:
    return {
        "report_version": REPORT_VERSION,
        **header(report),
        "usage": _usage(report),
        "cases_scored": len(report.cases),
        "figures": report.figures(),
        "support": report.supports(),
        "warnings": report.warnings,
        "cases": [
            {
                "id": result.case.id,
                "errors": result.errors,
                "error": result.predicted.get("error"),
                "usage": result.predicted.get("usage"),
                "gold_meetings": len(result.case.meetings),
                "predicted_meetings": len(result.predicted.get("meetings") or []),
                "alignment": [{"predicted": p, "gold": g} for p, g in result.score.alignment],
                "tallies": {k: asdict(v) for k, v in result.score.tallies.items()},
                "accuracies": {k: asdict(v) for k, v in result.score.accuracies.items()},
                "pairs": [
                    {
                        "fields": {k: asdict(v) for k, v in diffs.items()},
                        "values": {
                            k: {"predicted": p, "gold": g, "correct": ok}
                            for k, (p, g, ok) in checks.items()
                        },
                    }
                    for diffs, checks in zip(
                        result.score.diffs, result.score.value_checks, strict=True
                    )
                ],
            }
            for result in report.cases
        ],
    }


def _usage(report: Report) -> dict[str, Any]:
    """The tokens the predictions spent: summed over the cases, and per case that a model
    answered (answers from the response cache spent none now, and are counted apart)."""
    predicted = [result.predicted for result in report.cases]
    usages = [p["usage"] for p in predicted if p.get("usage")]
    answered = [u for u in usages if not u.get("cached")]
    prompt_tokens = sum(u.get("prompt_tokens") or 0 for u in answered)
    completion_tokens = sum(u.get("completion_tokens") or 0 for u in answered)
    return {
        "cases_answered_by_model": len(answered),
        "cases_from_cache": len(usages) - len(answered),
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "prompt_tokens_per_case": prompt_tokens / len(answered) if answered else None,
        "completion_tokens_per_case": completion_tokens / len(answered) if answered else None,
    }
