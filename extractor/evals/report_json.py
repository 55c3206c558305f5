"""The JSON report: every figure, and per case what was right, missed and added."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from extractor.evals.run import Report

REPORT_VERSION = 1


def to_json(report: Report) -> dict[str, Any]:
    return {
        "report_version": REPORT_VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "source": report.source,
        "fixtures": report.fixtures,
        "cases_scored": len(report.cases),
        "figures": report.figures(),
        "support": report.supports(),
        "warnings": report.warnings,
        "cases": [
            {
                "id": result.case.id,
                "errors": result.errors,
                "error": result.predicted.get("error"),
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
