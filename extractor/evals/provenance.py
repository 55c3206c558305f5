"""What a report says about how it was made: when, from which commit, by which backend,
model and prompt version; the header of every eval report, JSON and HTML."""

from __future__ import annotations

import datetime as dt
import subprocess
from typing import Any

from extractor.evals.run import Report

_GIT_SECONDS = 5.0


def current_commit() -> str | None:
    """The commit the working directory is at (``git rev-parse HEAD``, with ``-dirty`` when
    files differ from it); None outside a git checkout or without git."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=_GIT_SECONDS
        )
        if head.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=_GIT_SECONDS,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def header(report: Report) -> dict[str, Any]:
    """The provenance of a report made now: the model and prompt version are the first that
    the predictions name."""
    predicted = [result.predicted for result in report.cases]
    return {
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": current_commit(),
        "source": report.source,
        "model": next((p["model"] for p in predicted if p.get("model")), None),
        "prompt_version": next(
            (p["prompt_version"] for p in predicted if p.get("prompt_version")), None
        ),
        "fixtures": report.fixtures,
    }
