"""When two spellings name the same person, place or phrase.

Labels and predictions rarely agree to the letter: "S. Jaishankar" and "Subrahmanyam
Jaishankar", "Kamikawa" and "Yoko Kamikawa", "Ayman Safdi" (a typo in the article) and "Ayman
Safadi", "José" and "Jose". A careful reader counts all of those as the same person, and so does
the scorer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz

_HONORIFICS = frozenset(
    "mr mrs ms miss dr sir dame lord lady prof professor sheikh sheikha prince princess king "
    "queen president premier minister he his excellency hon rt shri smt gen adm sen rep".split()
)
_NAME_FUZZ = 90
_TEXT_FUZZ = 85
_PHRASE_FUZZ = 70


def normalize(text: str) -> str:
    """Case-folded, accents removed, punctuation to spaces, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", stripped.casefold())).strip()


def name_tokens(name: str) -> list[str]:
    return [t for t in normalize(name).split() if t not in _HONORIFICS]


def same_person(predicted: str, gold: str) -> bool:
    """Same name up to case, accents, initials, a dropped given name or a one-letter typo."""
    p, g = name_tokens(predicted), name_tokens(gold)
    if not p or not g:
        return False
    if p == g:
        return True
    if len(p) == 1 and p[0] in (g[0], g[-1]):  # "Kamikawa"; "Wang" for "Wang Yi"
        return True
    if p[-1] == g[-1] and _initials_agree(p[:-1], g[:-1]):
        return True  # "S. Jaishankar"; "Bola Tinubu" for "Bola Ahmed Tinubu"
    return fuzz.ratio(" ".join(p), " ".join(g)) >= _NAME_FUZZ


def _initials_agree(shorter: list[str], longer: list[str]) -> bool:
    if len(shorter) > len(longer):
        shorter, longer = longer, shorter
    remaining = iter(longer)
    return all(
        any(token == other or (len(token) == 1 and other.startswith(token)) for other in remaining)
        for token in shorter
    )


def same_text(predicted: str, gold: str) -> bool:
    """Two renderings of one quotation: equal once normalised, or nearly so."""
    p, g = normalize(predicted), normalize(gold)
    return p == g or fuzz.ratio(p, g) >= _TEXT_FUZZ


def same_phrase(predicted: str, gold: str) -> bool:
    """Two wordings of one agreement or title: most of the words in common."""
    p, g = normalize(predicted), normalize(gold)
    return p == g or fuzz.token_set_ratio(p, g) >= _PHRASE_FUZZ


def pair_up(
    predicted: Sequence[str], gold: Sequence[str], same: Callable[[str, str], bool]
) -> list[tuple[int, int]]:
    """One-to-one pairs (predicted index, gold index), exact matches first, then in order."""
    pairs: list[tuple[int, int]] = []
    used_p: set[int] = set()
    used_g: set[int] = set()
    for exact in (True, False):
        for i, p in enumerate(predicted):
            if i in used_p:
                continue
            for j, g in enumerate(gold):
                if j in used_g:
                    continue
                if (normalize(p) == normalize(g)) if exact else same(p, g):
                    pairs.append((i, j))
                    used_p.add(i)
                    used_g.add(j)
                    break
    return sorted(pairs)
