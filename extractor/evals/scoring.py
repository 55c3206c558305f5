"""Scores of predicted meetings against hand labels, field by field.

Per document, predicted meetings are aligned to gold meetings by an optimal assignment
(Hungarian) on participant and country overlap; then every field is counted over the aligned
pairs. Lists (participants, countries, topics, agreements, quotes) give true positives, false
positives and false negatives, micro-averaged over the corpus; single values (date, place,
status, format) give accuracy over aligned pairs. A predicted meeting with no gold partner
counts as false positives in every list field; a gold meeting with no partner, as false
negatives. A field absent from a gold meeting is not scored for that meeting.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from extractor.evals.names import normalize, pair_up, same_person, same_phrase, same_text

Meeting = dict[str, Any]
_QUOTE_JOIN = "\u241f"  # joins a quote's speaker and text into one comparable string

LIST_FIELDS = (
    "participants",
    "participant_countries",
    "participant_titles",
    "countries",
    "topics",
    "agreements",
    "quotes",
)
VALUE_FIELDS = ("date", "location_city", "location_country", "status", "format")
# The gold key a scored field needs; absent from a gold meeting, the field is not scored.
_GOLD_KEY = {
    "participants": "participants",
    "participant_countries": "participants",
    "participant_titles": "participants",
    "countries": "countries",
    "topics": "topics",
    "agreements": "agreements",
    "quotes": "quotes",
    "date": "date",
    "location_city": "location",
    "location_country": "location",
    "status": "status",
    "format": "format",
}


@dataclass
class Tally:
    """True positives, false positives, false negatives of one list field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Tally) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    def add(self, other: Accuracy) -> None:
        self.correct, self.total = self.correct + other.correct, self.total + other.total

    @property
    def value(self) -> float | None:
        return self.correct / self.total if self.total else None


@dataclass
class FieldDiff:
    """What one field of one meeting got right, missed and added: for people to read."""

    matched: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)


@dataclass
class CaseScore:
    """Everything scored for one document."""

    tallies: dict[str, Tally] = field(default_factory=lambda: {f: Tally() for f in LIST_FIELDS})
    accuracies: dict[str, Accuracy] = field(
        default_factory=lambda: {f: Accuracy() for f in VALUE_FIELDS}
    )
    meetings: Tally = field(default_factory=Tally)
    alignment: list[tuple[int, int]] = field(default_factory=list)  # (predicted, gold)
    diffs: list[dict[str, FieldDiff]] = field(default_factory=list)  # per aligned pair
    value_checks: list[dict[str, tuple[Any, Any, bool]]] = field(default_factory=list)


def score_case(predicted: Sequence[Meeting], gold: Sequence[Meeting]) -> CaseScore:
    case = CaseScore()
    case.alignment = align(predicted, gold)
    case.meetings = Tally(
        tp=len(case.alignment),
        fp=len(predicted) - len(case.alignment),
        fn=len(gold) - len(case.alignment),
    )
    for p, g in case.alignment:
        diffs, checks = _score_pair(predicted[p], gold[g], case)
        case.diffs.append(diffs)
        case.value_checks.append(checks)
    aligned_p = {p for p, _ in case.alignment}
    aligned_g = {g for _, g in case.alignment}
    for i, meeting in enumerate(predicted):
        if i not in aligned_p:
            _count_unpaired(meeting, case, side="fp")
    for j, meeting in enumerate(gold):
        if j not in aligned_g:
            _count_unpaired(meeting, case, side="fn")
    return case


def align(predicted: Sequence[Meeting], gold: Sequence[Meeting]) -> list[tuple[int, int]]:
    """Optimal one-to-one pairs of meetings; pairs that share nothing are not pairs."""
    if not predicted or not gold:
        return []
    from scipy.optimize import linear_sum_assignment

    similarity = [[_similarity(p, g) for g in gold] for p in predicted]
    rows, cols = linear_sum_assignment(similarity, maximize=True)
    return sorted((int(r), int(c)) for r, c in zip(rows, cols, strict=True) if similarity[r][c] > 0)


def _similarity(predicted: Meeting, gold: Meeting) -> float:
    p_names = _names(predicted)
    g_names = _names(gold)
    people = len(pair_up(p_names, g_names, same_person)) / max(len(p_names), len(g_names), 1)
    p_countries = set(predicted.get("countries") or [])
    g_countries = set(gold.get("countries") or [])
    union = p_countries | g_countries
    countries = len(p_countries & g_countries) / len(union) if union else 0.0
    if people == 0 and countries == 0:
        return 0.0
    same_day = 0.1 if predicted.get("date") and predicted.get("date") == gold.get("date") else 0.0
    return people + 0.5 * countries + same_day


def _score_pair(
    predicted: Meeting, gold: Meeting, case: CaseScore
) -> tuple[dict[str, FieldDiff], dict[str, tuple[Any, Any, bool]]]:
    diffs: dict[str, FieldDiff] = {}
    p_people, g_people = predicted.get("participants") or [], gold.get("participants") or []
    people_pairs = pair_up(_names(predicted), _names(gold), same_person)
    if "participants" in gold:
        diffs["participants"] = _tally(
            case, "participants", _names(predicted), _names(gold), people_pairs
        )
        for name, attribute, same in (
            ("participant_countries", "country", _equal),
            ("participant_titles", "title", same_phrase),
        ):
            diffs[name] = _attribute_tally(
                case, name, p_people, g_people, people_pairs, attribute, same
            )
    for name, same_item in (
        ("countries", _equal),
        ("topics", _equal),
        ("agreements", same_phrase),
    ):
        if name in gold:
            p_items = [str(x) for x in predicted.get(name) or []]
            g_items = [str(x) for x in gold.get(name) or []]
            diffs[name] = _tally(case, name, p_items, g_items, pair_up(p_items, g_items, same_item))
    if "quotes" in gold:
        p_quotes = [_quote(q) for q in predicted.get("quotes") or []]
        g_quotes = [_quote(q) for q in gold.get("quotes") or []]
        diffs["quotes"] = _tally(
            case, "quotes", p_quotes, g_quotes, pair_up(p_quotes, g_quotes, _same_quote)
        )
        diffs["quotes"] = _readable_quotes(diffs["quotes"])
    checks: dict[str, tuple[Any, Any, bool]] = {}
    for name in VALUE_FIELDS:
        if _GOLD_KEY[name] not in gold:
            continue
        p_value, g_value = _value(predicted, name), _value(gold, name)
        correct = _same_value(p_value, g_value)
        case.accuracies[name].add(Accuracy(int(correct), 1))
        checks[name] = (p_value, g_value, correct)
    return diffs, checks


def _tally(
    case: CaseScore,
    name: str,
    predicted: list[str],
    gold: list[str],
    pairs: list[tuple[int, int]],
) -> FieldDiff:
    matched_p = {p for p, _ in pairs}
    matched_g = {g for _, g in pairs}
    case.tallies[name].add(Tally(len(pairs), len(predicted) - len(pairs), len(gold) - len(pairs)))
    return FieldDiff(
        matched=[predicted[p] for p, _ in pairs],
        missed=[g for j, g in enumerate(gold) if j not in matched_g],
        extra=[p for i, p in enumerate(predicted) if i not in matched_p],
    )


def _attribute_tally(
    case: CaseScore,
    name: str,
    predicted: list[dict[str, Any]],
    gold: list[dict[str, Any]],
    people_pairs: list[tuple[int, int]],
    attribute: str,
    same: Callable[[str, str], bool],
) -> FieldDiff:
    """A participant attribute (country, title): right only on the right person."""
    p_values = {i: p.get(attribute) for i, p in enumerate(predicted) if p.get(attribute)}
    g_values = {j: g.get(attribute) for j, g in enumerate(gold) if g.get(attribute)}
    pairs = [
        (i, j)
        for i, j in people_pairs
        if i in p_values and j in g_values and same(str(p_values[i]), str(g_values[j]))
    ]
    tally = Tally(len(pairs), len(p_values) - len(pairs), len(g_values) - len(pairs))
    case.tallies[name].add(tally)
    matched_p = {i for i, _ in pairs}
    matched_g = {j for _, j in pairs}
    return FieldDiff(
        matched=[f"{predicted[i].get('name')}: {p_values[i]}" for i, _ in pairs],
        missed=[f"{gold[j].get('name')}: {v}" for j, v in g_values.items() if j not in matched_g],
        extra=[
            f"{predicted[i].get('name')}: {v}" for i, v in p_values.items() if i not in matched_p
        ],
    )


def _count_unpaired(meeting: Meeting, case: CaseScore, *, side: str) -> None:
    for name in LIST_FIELDS:
        size = len(_items(meeting, name))
        tally = Tally(fp=size) if side == "fp" else Tally(fn=size)
        case.tallies[name].add(tally)


def _items(meeting: Meeting, name: str) -> list[Any]:
    people = meeting.get("participants") or []
    if name == "participant_countries":
        return [p for p in people if p.get("country")]
    if name == "participant_titles":
        return [p for p in people if p.get("title")]
    return list(meeting.get(name) or [])


def _names(meeting: Meeting) -> list[str]:
    return [str(p.get("name") or "") for p in meeting.get("participants") or []]


def _quote(quote: dict[str, Any]) -> str:
    return f"{quote.get('speaker') or ''}{_QUOTE_JOIN}{quote.get('text') or ''}"


def _readable_quotes(diff: FieldDiff) -> FieldDiff:
    def show(items: list[str]) -> list[str]:
        return [item.replace(_QUOTE_JOIN, ": “", 1) + "”" for item in items]

    return FieldDiff(show(diff.matched), show(diff.missed), show(diff.extra))


def _same_quote(predicted: str, gold: str) -> bool:
    p_speaker, p_text = predicted.split(_QUOTE_JOIN, 1)
    g_speaker, g_text = gold.split(_QUOTE_JOIN, 1)
    return same_person(p_speaker, g_speaker) and same_text(p_text, g_text)


def _value(meeting: Meeting, name: str) -> Any:
    if name.startswith("location_"):
        location = meeting.get("location") or {}
        return location.get(name.removeprefix("location_"))
    return meeting.get(name)


def _same_value(predicted: Any, gold: Any) -> bool:
    if isinstance(predicted, str) and isinstance(gold, str):
        return normalize(predicted) == normalize(gold)
    return bool(predicted == gold)


def _equal(predicted: str, gold: str) -> bool:
    return predicted.strip().upper() == gold.strip().upper()
