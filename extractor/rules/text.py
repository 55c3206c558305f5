"""Paragraphs and sentences of a document's body, with offsets into ``Document.text``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.document import Document

# A sentence ends at . ! or ? (with closing quotes or brackets), then space and a capital,
# a quote or a digit. Abbreviations and initials are checked separately.
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9À-Þ])")
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr st sr jr gen lt col maj capt sgt adm sen rep gov prof rev hon amb pres
    no vs etc inc corp ltd co dept univ jan feb mar apr jun jul aug sep sept oct nov dec
    u.s u.k u.n e.u u.s.a p.m a.m d.c h.e""".split()
)
_LAST_TOKEN = re.compile(r"([\w.]+)[.!?][\"'”’)\]]*$")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


def body_sentences(document: Document) -> list[Sentence]:
    """Sentences of every paragraph (line) that is not page noise."""
    text = document.text
    noise = sorted(document.noise or ())
    sentences: list[Sentence] = []
    position = 0
    for paragraph, line in enumerate(text.split("\n")):
        start, position = position, position + len(line) + 1
        end = start + len(line)
        if not line.strip() or any(n_start <= start and end <= n_end for n_start, n_end in noise):
            continue
        sentences.extend(_split(text, start, end, paragraph))
    return sentences


def _split(text: str, start: int, end: int, paragraph: int) -> list[Sentence]:
    pieces: list[Sentence] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        if _is_abbreviation(text[cursor : match.end()]):
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


def _is_abbreviation(piece: str) -> bool:
    """True when the period ending ``piece`` belongs to an abbreviation or an initial."""
    if not piece.rstrip("\"'”’)]").endswith("."):
        return False
    match = _LAST_TOKEN.search(piece.rstrip())
    if not match:
        return False
    token = match.group(1)
    return (len(token) == 1 and token.isupper()) or token.lower() in _ABBREVIATIONS
