"""A long page (a digest, a scraped archive) costs in proportion to its length.

The rules once read every sentence of the page again for each meeting on it, so a page four
times longer cost sixteen times more. Time is too noisy to test this, so the test counts work
instead: the lines of Python executed for a page of many articles, and for a page four times
longer. Linear work gives a ratio near 4 (a little less, as repeated articles introduce no new
people); quadratic work gives 10 and more at these sizes.
"""

from __future__ import annotations

from extractor import extract

from .conftest import FIXTURES
from .work import LINEAR, lines_executed

ARTICLES = 100  # the short page; the long one has four times as many


def _page(articles: int) -> str:
    """A page of ``articles`` labelled articles one after the other (fixtures repeated)."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(FIXTURES.glob("*.txt"))]
    return "\n\n".join(texts[i % len(texts)] for i in range(articles))


def test_work_grows_linearly_with_the_length_of_a_page() -> None:
    extract(_page(3), backend="rules")  # lexicons and patterns loaded before counting
    short_work, short = lines_executed(_page(ARTICLES))
    long_work, long = lines_executed(_page(4 * ARTICLES))
    short_meetings, long_meetings = len(short.meetings), len(long.meetings)
    assert long_meetings >= 3 * short_meetings  # the long page is read to its end
    ratio = long_work / short_work
    assert ratio <= LINEAR, f"4x the page cost {ratio:.1f}x the work: not linear"
