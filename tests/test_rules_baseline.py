"""The rule backend may not fall below its committed eval baseline.

When a change improves the scores on purpose, refresh the baseline with
``extractor eval --json evals/baselines/rules.json`` and commit it with the change.
"""

from __future__ import annotations

import json

from extractor.evals import run_eval
from extractor.evals.compare import DEFAULT_TOLERANCE, compare
from extractor.evals.report_json import to_json

from .conftest import FIXTURES, REPO

BASELINE = REPO / "evals" / "baselines" / "rules.json"


def test_rules_backend_holds_its_baseline() -> None:
    current = to_json(run_eval(FIXTURES, backend="rules"))
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    regressions = compare(current, baseline).regressions(DEFAULT_TOLERANCE)
    assert not regressions, "\n".join(
        f"{d.figure}: {d.baseline:.3f} -> {d.current:.3f}" for d in regressions
    )
