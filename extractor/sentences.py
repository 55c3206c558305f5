"""Sentences of one paragraph, with offsets: the one splitter of the package.

The rules read a document sentence by sentence and the LLM backend cuts long articles into
pieces at sentence ends; both need the same idea of where a sentence ends, or a chunk would
be cut after the "Mr." of "Mr. Wang" that the rules know is no sentence end.

A sentence ends at . ! or ? (with closing quotes or brackets), then space and a capital, a
quote or a digit, unless the period ends an abbreviation or an initial.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9À-Þ])")
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr st sr jr gen lt col maj capt sgt adm sen rep gov prof rev hon amb pres
    no vs etc inc corp ltd co dept univ jan feb mar apr jun jul aug sep sept oct nov dec
    u.s u.k u.n e.u u.s.a p.m a.m d.c h.e""".split()
)
_LAST_TOKEN = re.compile(r"([\w.]+)[.!?][\"'”’)\]]*$")
_LAST_WORD_REACH = 24  # characters before a sentence end where its last word is read


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


def split_sentences(text: str, start: int, end: int, paragraph: int = 0) -> list[Sentence]:
    """The sentences of ``text[start:end]``, one paragraph (no line breaks), without the
    whitespace around them; ``paragraph`` is the number they are given."""
    pieces: list[Sentence] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        # only the end of the piece so far: a run of "Mr. Mr. Mr." is one growing piece, and
        # reading it whole at each period would cost its length squared
        if _is_abbreviation(text[max(cursor, match.end() - _LAST_WORD_REACH) : match.end()]):
            continue
        pieces.append(_sentence(text, cursor, match.end(), paragraph))
        cursor = match.end()
    if text[cursor:end].strip():
        pieces.append(_sentence(text, cursor, end, paragraph))
    return [piece for piece in pieces if piece.text]


def _sentence(text: str, start: int, end: int, paragraph: int) -> Sentence:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(start, end, text[start:end], paragraph)


def _is_abbreviation(tail: str) -> bool:
    """True when the period ending ``tail`` (the last characters of a piece of text, up to
    a possible sentence end) belongs to an abbreviation or an initial."""
    if not tail.rstrip("\"'”’)]").endswith("."):
        return False
    match = _LAST_TOKEN.search(tail.rstrip()[-_LAST_WORD_REACH:])  # the last word is enough
    if not match:
        return False
    token = match.group(1)
    return (len(token) == 1 and token.isupper()) or token.lower() in _ABBREVIATIONS
