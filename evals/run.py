"""Run an eval: predictions for every labelled case (from a backend or a file), then scores."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.cases import Case, CorpusError, load_cases
from evals.scoring import LIST_FIELDS, VALUE_FIELDS, Accuracy, CaseScore, Tally, score_case
from extractor.document import Document
from extractor.ingest import InputFailure
from extractor.schema import ExtractionResult


@dataclass
class CaseResult:
    case: Case
    predicted: dict[str, Any]  # one result line of the contract
    score: CaseScore
    text: str | None  # the text evidence offsets refer to, when known

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
        tallies = {name: Tally() for name in (*LIST_FIELDS, "meetings", "detection")}
        accuracies = {name: Accuracy() for name in (*VALUE_FIELDS, "published_at")}
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
                accuracies["published_at"].add(
                    Accuracy(int(_same_moment(result.predicted, result.case.published_at)), 1)
                )
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
        figures["meeting_count.mean_abs_error"] = sum(count_errors) / cases
        figures["meeting_count.exact"] = sum(e == 0 for e in count_errors) / cases
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


def run_eval(fixtures: Path, *, backend: Any = "rules", predictions: Path | None = None) -> Report:
    """Score a backend (a name or a backend object) or a predictions file on every case of a
    fixture directory. A backend that calls a model runs the cases concurrently."""
    cases = load_cases(fixtures)
    if predictions is not None:
        return _score_predictions(cases, fixtures, predictions)
    from extractor.backends import get_backend
    from extractor.pipeline import aextract_many

    chosen = get_backend(backend)

    async def extract_all() -> list[ExtractionResult]:
        documents = (_document(case) for case in cases)
        return [r async for r in aextract_many(documents, backend=chosen, include_text=True)]

    results = [
        _case_result(case, result)
        for case, result in zip(cases, asyncio.run(extract_all()), strict=True)
    ]
    return Report(source=f"backend:{chosen.name}", fixtures=str(fixtures), cases=results)


def _document(case: Case) -> Document | InputFailure:
    """The case's article read as ``extractor extract`` reads it; the label's publication
    moment stands in only when the article states none (as a feed's metadata would)."""
    from extractor.ingest import InputFailure, Target, read_target
    from extractor.pipeline import parse_published_at

    [item] = list(read_target(Target(str(case.article), case.id)))
    if not isinstance(item, InputFailure) and item.published_at is None and case.published_at:
        item = item.model_copy(update={"published_at": parse_published_at(case.published_at)})
    return item


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
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise CorpusError(f"{path}: cannot read predictions ({error.strerror})") from None
    by_id: dict[str, dict[str, Any]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            document_id = str(row["source"]["id"])
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise CorpusError(f"{path}:{number}: not a result line ({error})") from None
        by_id[document_id] = row
    return by_id


def _same_moment(predicted: dict[str, Any], gold: str) -> bool:
    value = (predicted.get("source") or {}).get("published_at")
    if not value:
        return False
    try:
        return dt.datetime.fromisoformat(str(value)) == dt.datetime.fromisoformat(gold)
    except ValueError:
        return False
