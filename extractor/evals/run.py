"""Run an eval: predictions for every labelled case (from a backend or a file), then scores."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from extractor.document import Document
from extractor.errors import CorpusError
from extractor.evals.cases import Case, load_cases
from extractor.evals.scoring import (
    LIST_FIELDS,
    VALUE_FIELDS,
    Accuracy,
    CaseScore,
    Tally,
    score_case,
)
from extractor.ingest import DEFAULT_MAX_BYTES, InputFailure
from extractor.schema import ExtractionResult

_TALLIED = (*LIST_FIELDS, "meetings", "detection")  # figures: precision, recall, F1
_ACCURATE = (*VALUE_FIELDS, "published_at")  # figures: accuracy
_COUNTS = ("meeting_count.mean_abs_error", "meeting_count.exact")
# The longest predictions line read: a result line carries its article's text when written
# with --include-text (up to DEFAULT_MAX_BYTES read, longer once JSON escapes it) and meetings.
_MAX_LINE_BYTES = 4 * DEFAULT_MAX_BYTES


def figure_names() -> list[str]:
    """The flat name of every figure a report gives (``Report.figures``), known before any
    case is scored: a gate on a misspelt one is refused before a run that may be long."""
    names = [f"{name}.{kind}" for name in _TALLIED for kind in ("precision", "recall", "f1")]
    return [*names, *(f"{name}.accuracy" for name in _ACCURATE), *_COUNTS]


@dataclass
class CaseResult:
    case: Case
    predicted: dict[str, Any]  # one result line of the contract
    score: CaseScore
    text: str | None  # the text evidence offsets refer to, when known
    # the publication moment (ISO) read from the article alone, when the eval read it itself:
    # what ``published_at`` accuracy scores, even when the label's moment was fed to it
    published_at_read: str | None = None
    read_by_eval: bool = False

    @property
    def published_at_scored(self) -> str | None:
        """The publication moment ingest read: what ``published_at`` accuracy measures."""
        if self.read_by_eval:
            return self.published_at_read
        value = (self.predicted.get("source") or {}).get("published_at")
        return str(value) if value else None

    @property
    def errors(self) -> int:
        """How many things this case got wrong: the number the baseline compares."""
        wrong = sum(t.fp + t.fn for t in self.score.tallies.values())
        wrong += sum(a.total - a.correct for a in self.score.accuracies.values())
        return wrong + self.score.meetings.fp + self.score.meetings.fn


@dataclass
class Report:
    source: str  # what produced the predictions: a backend name or a file
    fixtures: str
    cases: list[CaseResult]
    warnings: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float | None]:
        """Every corpus-level figure by a flat name ("participants.f1", "date.accuracy")."""
        tallies = {name: Tally() for name in _TALLIED}
        accuracies = {name: Accuracy() for name in _ACCURATE}
        count_errors: list[int] = []
        for result in self.cases:
            for name in LIST_FIELDS:
                tallies[name].add(result.score.tallies[name])
            for name in VALUE_FIELDS:
                accuracies[name].add(result.score.accuracies[name])
            tallies["meetings"].add(result.score.meetings)
            gold_has = bool(result.case.meetings)
            predicted_has = bool(result.predicted.get("meetings"))
            tallies["detection"].add(
                Tally(
                    tp=int(gold_has and predicted_has),
                    fp=int(predicted_has and not gold_has),
                    fn=int(gold_has and not predicted_has),
                )
            )
            if result.case.published_at:
                same = _same_moment(result.published_at_scored, result.case.published_at)
                accuracies["published_at"].add(Accuracy(int(same), 1))
            count_errors.append(
                abs(len(result.predicted.get("meetings") or []) - len(result.case.meetings))
            )
        figures: dict[str, float | None] = {}
        for name, tally in tallies.items():
            figures[f"{name}.precision"] = tally.precision
            figures[f"{name}.recall"] = tally.recall
            figures[f"{name}.f1"] = tally.f1
        for name, accuracy in accuracies.items():
            figures[f"{name}.accuracy"] = accuracy.value
        cases = len(count_errors) or 1
        mean_abs_error, exact = _COUNTS
        figures[mean_abs_error] = sum(count_errors) / cases
        figures[exact] = sum(e == 0 for e in count_errors) / cases
        return figures

    def supports(self) -> dict[str, int]:
        """How many gold items stand behind each field's figure."""
        support: dict[str, int] = {}
        for name in LIST_FIELDS:
            support[name] = sum(
                r.score.tallies[name].tp + r.score.tallies[name].fn for r in self.cases
            )
        for name in VALUE_FIELDS:
            support[name] = sum(r.score.accuracies[name].total for r in self.cases)
        support["meetings"] = sum(len(r.case.meetings) for r in self.cases)
        support["detection"] = sum(bool(r.case.meetings) for r in self.cases)
        support["published_at"] = sum(bool(r.case.published_at) for r in self.cases)
        return support


def run_eval(
    fixtures: Path,
    *,
    backend: Any = "rules",
    predictions: Path | None = None,
    published_at_from_label: bool = False,
) -> Report:
    """Score a backend (a name or a backend object) or a predictions file on every case of a
    fixture directory. A backend that calls a model runs the cases concurrently.

    The article is read exactly as ``extractor extract`` reads it: a page stamp or dateline
    that ingest misses leaves the document undated, and its relative dates unresolved, which
    is what a user would get. ``published_at_from_label`` feeds the label's moment to articles
    whose text states none, for stores that keep the page date apart from the text (as a
    feed's metadata would); ``published_at`` accuracy is always scored on what ingest read.
    """
    cases = load_cases(fixtures)
    if predictions is not None:
        return _score_predictions(cases, fixtures, predictions)
    from extractor import batch
    from extractor.backends import get_backend

    chosen = get_backend(backend)

    read = [_read(case) for case in cases]
    documents = [
        _with_label_moment(item, case) if published_at_from_label else item
        for item, case in zip(read, cases, strict=True)
    ]

    lines = batch.run(documents, chosen, include_text=True)  # a model's cases concurrently
    results = [
        _case_result(case, line.to_result()) for case, line in zip(cases, lines, strict=True)
    ]
    for result, item in zip(results, read, strict=True):
        moment = None if isinstance(item, InputFailure) else item.published_at
        result.published_at_read = moment.isoformat() if moment else None
        result.read_by_eval = True
    return Report(source=f"backend:{chosen.name}", fixtures=str(fixtures), cases=results)


def _read(case: Case) -> Document | InputFailure:
    """The case's article read exactly as ``extractor extract`` reads it."""
    from extractor.ingest import Target, read_target

    [item] = list(read_target(Target(str(case.article), case.id)))
    return item


def _with_label_moment(item: Document | InputFailure, case: Case) -> Document | InputFailure:
    """The document dated by its label when the article states no moment of its own."""
    from extractor.ingest.given import parse_published_at

    if isinstance(item, InputFailure) or item.published_at is not None or not case.published_at:
        return item
    return item.model_copy(update={"published_at": parse_published_at(case.published_at)})


def _case_result(case: Case, result: ExtractionResult) -> CaseResult:
    predicted = result.model_dump(mode="json")
    text = predicted["source"].pop("text", None)
    return CaseResult(case, predicted, score_case(predicted["meetings"], case.meetings), text)


def _score_predictions(cases: list[Case], fixtures: Path, path: Path) -> Report:
    by_id = _read_predictions(path)
    warnings: list[str] = []
    results = []
    for case in cases:
        predicted = by_id.pop(case.id, None)
        if predicted is None:
            warnings.append(f"no prediction for {case.id}: scored as no meetings")
            predicted = {"source": {"id": case.id}, "meetings": []}
        meetings = predicted.get("meetings") or []
        text = (predicted.get("source") or {}).get("text")
        results.append(CaseResult(case, predicted, score_case(meetings, case.meetings), text))
    warnings += [f"prediction {extra} matches no case: not scored" for extra in sorted(by_id)]
    return Report(source=f"file:{path}", fixtures=str(fixtures), cases=results, warnings=warnings)


def _read_predictions(path: Path) -> dict[str, dict[str, Any]]:
    """Result lines by ``source.id`` (a path-like id matches by its stem too)."""
    try:
        with path.open("rb") as handle:
            return _rows_by_id(_lines(handle, path), path)
    except OSError as error:
        raise CorpusError(f"{path}: cannot read predictions ({error.strerror})") from None


def _lines(handle: BinaryIO, path: Path) -> Iterator[tuple[int, str]]:
    """(number, text) of every line, read one at a time and no more than ``_MAX_LINE_BYTES``
    of one: ``/dev/zero``, or a file with no line breaks, is refused without filling memory.
    Result lines are UTF-8 (``extract`` writes them so): other bytes are an error naming the
    line, not a guess at another encoding."""
    number = 0
    while raw := handle.readline(_MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > _MAX_LINE_BYTES:
            raise CorpusError(
                f"{path}:{number}: not a result line (longer than {_MAX_LINE_BYTES:,} bytes)"
            )
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise CorpusError(
                f"{path}:{number}: not UTF-8 (byte 0x{raw[error.start]:02x} at byte "
                f"{error.start + 1} of the line)"
            ) from None


def _rows_by_id(lines: Iterator[tuple[int, str]], path: Path) -> dict[str, dict[str, Any]]:
    """The result lines by ``source.id``; a line that is not one is an error naming it."""
    by_id: dict[str, dict[str, Any]] = {}
    for number, line in lines:
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            document_id = str(row["source"]["id"])
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise CorpusError(f"{path}:{number}: not a result line ({error})") from None
        except RecursionError:
            raise CorpusError(f"{path}:{number}: not a result line (nested too deeply)") from None
        by_id[document_id] = row
    return by_id


def _same_moment(value: str | None, gold: str) -> bool:
    """True when a read moment is the label's: the same instant, or the same day when the
    label gives only a day (a page that prints no time)."""
    if not value:
        return False
    try:
        read = dt.datetime.fromisoformat(value)
        if len(gold) == len("2024-03-08"):
            return read.date() == dt.date.fromisoformat(gold)
        return read == dt.datetime.fromisoformat(gold)
    except (ValueError, TypeError):
        return False
