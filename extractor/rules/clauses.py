"""The clauses of one sentence, read once for all the meeting words in it.

"Edun, a former banker who met U.S. President Joe Biden in 2021, ...": whether a meeting
word stands in a relative clause, and which years its clause names, are questions asked at
every meeting word of a sentence. Asked by searching the sentence again each time, a sentence
dense with meeting words ("met met met ...") costs its length squared; read once into sorted
positions, each question is a bisection.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import accumulate

_SEPARATOR = re.compile(r"[,;]")  # where a clause ends
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
# A relative clause opens with a comma, "which" or "who" ("who met", ", a banker who met",
# "which, after the talks, ..." is two clauses): where one can open, and how it goes on.
_OPENER = re.compile(r",|\bwhich|\bwho")
_OPENS_AFTER_COMMA_OR_WHICH = re.compile(
    r"(?:,|\bwhich)\s+(?:[\w'’-]+\s+){0,8}?(?:who|which|that)\b"
)
_OPENS_AT_WHO = re.compile(r"\bwho\s")
_NEVER = 1 << 62  # the end of an opener that opens no relative clause


class Clauses:
    """The clause ends, years and relative clauses of the sentence ``text[start:end]``."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self._start, self._end = start, end
        self._separators = [m.start() for m in _SEPARATOR.finditer(text, start, end)]
        years = [(m.start(), int(m.group(1))) for m in _YEAR.finditer(text, start, end)]
        self._year_starts = [position for position, _ in years]
        self._latest = self._latest_to_clause_end(years)
        openers = [
            (m.start(), _opening_end(text, m, end)) for m in _OPENER.finditer(text, start, end)
        ]
        self._opener_starts = [position for position, _ in openers]
        # the earliest end of a relative clause opened at each opener or after it
        ends = [opening_end for _, opening_end in reversed(openers)]
        self._earliest_from = list(accumulate(ends, min))[::-1]

    def clause_end(self, position: int) -> int:
        """Where the clause that ``position`` is in ends: at the next comma or semicolon,
        else at the end of the sentence."""
        index = bisect_left(self._separators, position)
        return self._separators[index] if index < len(self._separators) else self._end

    def latest_year(self, position: int) -> int | None:
        """The latest year named from ``position`` to the end of its clause ("met Biden in
        2021, ..." -> 2021), or None when it names none."""
        index = bisect_left(self._year_starts, position)
        if index == len(self._year_starts) or self._year_starts[index] >= self.clause_end(position):
            return None
        return self._latest[index]

    def in_relative_clause(self, position: int) -> bool:
        """Whether a relative clause is open at ``position`` (a meeting word), opened after
        the last comma or semicolon before it: ", a former banker who" or "who" then a space,
        or ", which" then "who", "which" or "that" within nine words.

        The clause must have opened by ``position``: a meeting word starts a word, so no
        "who", "which" or "that" ends right at it.
        """
        index = bisect_left(self._separators, position) - 1
        clause_start = self._separators[index] if index >= 0 else self._start
        first = bisect_left(self._opener_starts, clause_start)
        return first < len(self._opener_starts) and self._earliest_from[first] <= position

    def _latest_to_clause_end(self, years: list[tuple[int, int]]) -> list[int]:
        """For each year, the latest of it and the years after it in its clause."""
        latest: list[int] = []
        for number in range(len(years) - 1, -1, -1):
            position, year = years[number]
            following = number + 1 < len(years) and years[number + 1][0] < self.clause_end(position)
            latest.append(max(year, latest[-1]) if following else year)
        return latest[::-1]


def _opening_end(text: str, opener: re.Match[str], end: int) -> int:
    """Where the relative clause that ``opener`` can open has opened (its "who", "which"
    or "that" read), or ``_NEVER``."""
    pattern = _OPENS_AT_WHO if opener.group(0) == "who" else _OPENS_AFTER_COMMA_OR_WHICH
    opened = pattern.match(text, opener.start(), end)
    return opened.end() if opened else _NEVER
