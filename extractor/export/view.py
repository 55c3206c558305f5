"""``extractor view``: one self-contained HTML page for a batch of results.

Each document's text with every value's evidence highlighted (one colour per meeting, the
field named on hover) beside its records; documents with the most records first; filters by
status, country, person, warnings and errors, and a search box (a few lines of inline
script: the page is a single file, with no external asset). It is rendered from the shared
templates (``extractor.views``), as the eval report and the service's page are.

The text evidence offsets count in comes from the results when they hold it
(``extract --include-text``), else from the source file read again as ``extract`` read it
(ingest is deterministic); a document whose text cannot be had is shown without it, and
said so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from extractor.document import Document
from extractor.ingest import read_target
from extractor.ingest.plan import Target
from extractor.views import render, segments


@dataclass(frozen=True)
class ViewDocument:
    """One document as the page shows it."""

    number: int  # 1-based, in the results file
    result: dict[str, Any]
    segments: list[Any] | None
    statuses: str  # space-separated, for the filters
    countries: str
    people: str  # lower-cased names, "|"-separated

    @property
    def meetings(self) -> int:
        """The number of meeting records of the document."""
        return len(self.result.get("meetings") or [])


def build_view(results: Iterable[dict[str, Any]], *, title: str) -> str:
    """The page of ``results`` (result JSON objects, in file order)."""
    documents = [_document(number, result) for number, result in enumerate(results, start=1)]
    documents.sort(key=lambda d: (-d.meetings, d.number))
    meetings = sum(d.meetings for d in documents)
    return render(
        "batch_view.html.jinja",
        title=title,
        documents=documents,
        meetings=meetings,
        errors=sum(1 for d in documents if d.result.get("error")),
        without_text=sum(1 for d in documents if d.segments is None),
    )


def _document(number: int, result: dict[str, Any]) -> ViewDocument:
    meetings = result.get("meetings") or []
    text = _text_of(result)
    people = {str(p.get("name", "")).lower() for m in meetings for p in m.get("participants") or []}
    countries = {c for m in meetings for c in m.get("countries") or []}
    countries |= {p.get("country") for m in meetings for p in m.get("participants") or []}
    return ViewDocument(
        number=number,
        result=result,
        segments=segments(text, meetings) if text is not None else None,
        statuses=" ".join(sorted({str(m.get("status")) for m in meetings})),
        countries=" ".join(sorted(c for c in countries if c)),
        people="|".join(sorted(p for p in people if p)),
    )


def _text_of(result: dict[str, Any]) -> str | None:
    """The text the result's offsets count in: its own, or its source read again."""
    source = result.get("source") or {}
    if source.get("text") is not None:
        return str(source["text"])
    path = source.get("path")
    if not path:
        return None
    line = source.get("line")
    target = Target(
        path=path, id=str(source.get("id", "")), lines=frozenset({line}) if line else None
    )
    for item in read_target(target, analyse=False):
        return item.text if isinstance(item, Document) else None
    return None
