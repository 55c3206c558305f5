"""What a meeting was about (topics) and what its parties agreed (agreements)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.folding import fold, folded_pattern
from extractor.rules.lexicon import Lexicon

_AGREEMENT = folded_pattern(
    r"\b(?:agreed|agree|agrees|confirmed|reaffirmed|signed|pledged|vowed|committed|decided|"
    r"resolved|concluded|endorsed|adopted|launched|affirmed|promised|"
    # "reached an agreement", not "reached Doha on Wednesday"
    r"reached(?=\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}(?:agreement|deal|consensus|"
    r"understanding|accord)))\b"
    r"(?:\s+(?:to|on|that|upon|an?|the|their|its|his|her|a\s+deal\s+to))*\s+"
)
_PASSIVE_AGREEMENT = folded_pattern(
    r"^(?P<object>.+?)\s+(?:was|were|has\s+been|have\s+been)\s+(?:also\s+)?"
    r"(?:agreed(?:\s+upon|\s+on)?|signed|confirmed|decided|adopted|launched)\b"
)
_CLAUSE_END = re.compile(
    r"\s+and\s+(?=(?:also\s+)?(?:agreed|signed|confirmed|pledged|decided|reaffirmed|committed|"
    r"vowed|discussed|exchanged|expressed)\b)|"
    r"[.;!?]|,\s+(?:but|while|although|though|which|who|as\s+the|after|"
    r"according|she|he|they|the\s+(?:ministry|statement))\b|\s+—\s+"
)
_TRAILING = re.compile(r"[\s,.;:]+$")
_NOT_AGREEMENT_SUBJECTS = folded_pattern(r"\b(?:not|no|never|failed\s+to)\s*$")
_MAX_AGREEMENT_CHARS = 220
_OFFICE_AFTER = folded_pattern(
    r"(?:\s+and\s+\w+)?\s+(?:minister|ministers|ministry|secretary|department|chief|official|"
    r"spokes\w+|commissioner|adviser|advisor|council)\b"
)
_OFFICE_BEFORE = folded_pattern(r"\b(?:minister|ministry|secretary|department)\s+(?:of|for)\s+$")
_CONTENT_CUE = folded_pattern(
    r"\b(?:discuss\w*|agree\w*|talk\w*|cooperat\w*|focus\w*|cover\w*|exchang\w*|address\w*|"
    r"review\w*|rais\w*|pledg\w*|sign\w*|confirm\w*|concern\w*|underlin\w*|stress\w*|"
    r"emphasi\w*|urg\w*|call\w*\s+for|reaffirm\w*|vow\w*|commit\w*|welcom\w*|express\w*|"
    r"highlight\w*|on\s+the\s+agenda|dominated|centred|centered|topics?|issues?)\b"
)


@dataclass(frozen=True)
class Agreement:
    start: int
    end: int
    text: str
    verb: int  # where the verb of agreeing starts ("agreed", "signed"): its subject is before


def find_topics(lexicon: Lexicon, text: str, spans: list[tuple[int, int]]) -> list[str]:
    """Topics whose keywords occur in the spans, in order of first occurrence.

    A keyword that names an office ("Defense Minister", "Economy Ministry") says who someone
    is, not what they talked about, and is passed over.
    """
    folded = fold(text)
    topics: list[str] = []
    for start, end in spans:
        for match in lexicon.folded_topic_pattern.finditer(folded, start, end):
            if _OFFICE_AFTER.match(folded, match.end()) or _OFFICE_BEFORE.search(
                folded, max(0, match.start() - 30), match.start()
            ):
                continue
            topic = lexicon.topic_of_keyword[match.group(0)]
            if topic not in topics:
                topics.append(topic)
    return topics


def talks_about_content(text: str, start: int, end: int) -> bool:
    """Whether a sentence reports what was discussed or decided, rather than background."""
    return bool(_CONTENT_CUE.search(fold(text), start, end))


def find_agreements(text: str, start: int, end: int) -> list[Agreement]:
    """What one sentence says was agreed: the clause after "agreed to", "confirmed", ..."""
    folded = fold(text)
    if not _AGREEMENT.search(folded, start, end):
        return []
    found: list[Agreement] = []
    passive = _PASSIVE_AGREEMENT.match(folded[start:end])
    if passive:  # "Establishing a new forum ... was also agreed": the subject is the agreement
        found.append(
            _agreement(text, start + passive.start("object"), start + passive.end("object"), start)
        )
        start += passive.end()
    for match in _AGREEMENT.finditer(folded, start, end):
        if _NOT_AGREEMENT_SUBJECTS.search(folded[max(start, match.start() - 12) : match.start()]):
            continue
        clause_start = match.end()
        clause_end = _clause_end(text, clause_start, end)
        if clause_end - clause_start > 3:
            found.append(_agreement(text, clause_start, clause_end, match.start()))
    return found


def _clause_end(text: str, start: int, end: int) -> int:
    match = _CLAUSE_END.search(text, start, end)
    stop = match.start() if match else end
    return min(stop, start + _MAX_AGREEMENT_CHARS)


def _agreement(text: str, start: int, end: int, verb: int) -> Agreement:
    trailing = _TRAILING.search(text, start, end)
    if trailing:
        end = trailing.start()
    return Agreement(start, end, text[start:end], verb)
