"""Work counted rather than timed, for the tests that cost must grow linearly with length.

Time is too noisy on a shared machine; the lines of Python executed for a text, and for the
same text four times longer, are the same on every run. Linear work gives a ratio near 4.
"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

from extractor import ExtractionResult, extract

LINEAR = 5.0  # the largest ratio of counted work, for 4x the text, taken as linear growth


def lines_executed(text: str) -> tuple[int, ExtractionResult]:
    """The lines of Python executed to extract ``text`` with the rules, and the result."""
    count = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        count += 1
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        result = extract(text, backend="rules")
    finally:
        sys.settrace(previous)
    return count, result
