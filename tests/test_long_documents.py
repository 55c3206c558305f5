"""A long page (a digest, a scraped archive) costs in proportion to its length.

The rules once read every sentence of the page again for each meeting on it, so a page four
times longer cost sixteen times more. Time is too noisy to test this, so the test counts work
instead: the lines of Python executed for a page of many articles, and for a page four times
longer. Linear work gives a ratio near 4 (a little less, as repeated articles introduce no new
people); quadratic work gives 10 and more at these sizes.
"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

from extractor import extract
from tests.conftest import FIXTURES

ARTICLES = 100  # the short page; the long one has four times as many
LINEAR = 5.0  # the largest ratio of work taken as linear growth


def _page(articles: int) -> str:
    """A page of ``articles`` labelled articles one after the other (fixtures repeated)."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(FIXTURES.glob("*.txt"))]
    return "\n\n".join(texts[i % len(texts)] for i in range(articles))


def _lines_executed(text: str) -> tuple[int, int]:
    """The lines of Python executed to extract ``text`` with the rules, and the meetings
    found: a count of work that, unlike time, is the same on every run."""
    count = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        count += 1
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        meetings = len(extract(text, backend="rules").meetings)
    finally:
        sys.settrace(previous)
    return count, meetings


def test_work_grows_linearly_with_the_length_of_a_page() -> None:
    extract(_page(3), backend="rules")  # lexicons and patterns loaded before counting
    short_work, short_meetings = _lines_executed(_page(ARTICLES))
    long_work, long_meetings = _lines_executed(_page(4 * ARTICLES))
    assert long_meetings >= 3 * short_meetings  # the long page is read to its end
    ratio = long_work / short_work
    assert ratio <= LINEAR, f"4x the page cost {ratio:.1f}x the work: not linear"
