"""A text dense with meeting words costs in proportion to its length (issue #11).

"met met met ...", a paragraph of "Mr. Mr. Mr. ...", or one long sentence of meetings, years,
relative clauses and names was read whole again at each meeting word or period, so 64 KB of
"met " took over a minute. As in test_long_documents, work is counted rather than timed where
the work is Python's: the lines executed for a text, and for the same text four times longer.
Linear work gives a ratio near 4; the quadratic reading gave 7 to 12 at these sizes. The
periods of "Mr. " were re-read by string slicing inside Python itself, which no line count
sees: that one is timed, the best of three runs, against a bound with room for noise.
"""

from __future__ import annotations

import time

from extractor import extract

from .work import LINEAR, lines_executed

# Time is noisier: "Mr. " eight times longer is timed, where linear time gives a ratio near
# 8 and the quadratic reading gave 25
LINEAR_TIME = 16.0


# One sentence (semicolons and "Mr." end none) of meetings, a relative clause with a year,
# titles and names
def _work(text: str) -> int:
    return lines_executed(text)[0]


MIXED = (
    "Foreign Minister Penny Wong, who met Yoko Kamikawa in 2019, held talks and a meeting "
    "with Mr. Wang Yi; "
)


def _seconds(text: str) -> float:
    """The best of three process times to extract ``text``: the least disturbed run."""
    runs = []
    for _ in range(3):
        start = time.process_time()
        extract(text, backend="rules")
        runs.append(time.process_time() - start)
    return min(runs)


def _ratio(unit: str, count: int) -> float:
    """How much more work four times the text costs (lexicons loaded before counting)."""
    extract(unit * 3, backend="rules")
    return _work(unit * 4 * count) / _work(unit * count)


def test_a_sentence_of_meeting_words_costs_in_proportion_to_its_length() -> None:
    ratio = _ratio("met ", 500)
    assert ratio <= LINEAR, f'4x the "met " cost {ratio:.1f}x the work: not linear'


def test_a_dense_sentence_of_meetings_and_names_costs_in_proportion_to_its_length() -> None:
    ratio = _ratio(MIXED, 200)
    assert ratio <= LINEAR, f"4x the sentence cost {ratio:.1f}x the work: not linear"


def test_a_paragraph_of_abbreviations_costs_in_proportion_to_its_length() -> None:
    extract("Mr. " * 3, backend="rules")
    ratio = _seconds("Mr. " * 8 * 32768) / _seconds("Mr. " * 32768)
    assert ratio <= LINEAR_TIME, f'8x the "Mr. " took {ratio:.1f}x the time: not linear'


# A long opening before the first meeting word: its countries, date and unnamed counterparts
# were read again at each of the meeting words after it
OPENING = "On 3 March 2024 in Paris his Japanese counterpart and China "


def test_a_long_opening_before_many_meeting_words_costs_in_proportion_to_its_length() -> None:
    extract(OPENING * 3 + "met " * 3, backend="rules")
    count = 50
    ratio = _work(OPENING * 4 * count + "met " * 4 * count) / _work(
        OPENING * count + "met " * count
    )
    assert ratio <= LINEAR, f"4x the opening and meetings cost {ratio:.1f}x the work: not linear"
