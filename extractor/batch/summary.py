"""What a batch did, counted as its result lines pass: the figures of the run summary.

``Summary`` counts documents, meetings, errors and what a model cost, as every run prints
them; and what analysts look at first in a batch: meetings by status and format, the states,
dyads and people met most, meetings whose date phrase could not be dated (and how many of
them for want of a publication date), warnings by kind and documents without a meeting.
``extract`` prints both at the end, and writes them with ``--summary FILE`` (``to_json``).
The details are read from each line's JSON (one parse, cheaper than rebuilding the result,
and the same for lines from worker processes).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from extractor.batch.lines import ResultLine

_TOP = 10  # entries of each ranking in the JSON; the terminal shows five
_SHOWN = 5
_NUMBERS = re.compile(r"\d+")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_NAMED_TAIL = re.compile(r": [A-Z].*$")  # ": Yoko Kamikawa met ...", a record's summary


def warning_kind(warning: str) -> str:
    """A warning with what varies from one to the next (numbers and dates, quoted phrases, a
    record's summary after a colon) taken out, so that warnings of one kind count together:
    "meeting 2: 'on Thursday' is not dated: the ..." -> "meeting #: … is not dated: the ..."."""
    kind = _NAMED_TAIL.sub(": …", _QUOTED.sub("…", warning))
    return _NUMBERS.sub("#", kind)[:120]


@dataclass
class Summary:
    """Documents, meetings and errors; for a backend that pays per request, its tokens, cost
    (None while no price is known), answers from the cache and documents that fell back; and
    the details described in the module docstring."""

    documents: int = 0
    meetings: int = 0
    errors: int = 0
    skipped: int = 0  # already done before the run (``--resume``)
    skipped_failed: int = 0  # of those, the ones that had failed
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached: int = 0
    fallbacks: int = 0
    cost_usd: float | None = None
    billed: bool = False  # some result carried usage
    statuses: Counter[str] = field(default_factory=Counter)
    formats: Counter[str] = field(default_factory=Counter)
    countries: Counter[str] = field(default_factory=Counter)
    dyads: Counter[str] = field(default_factory=Counter)
    people: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)
    undated: int = 0  # meetings with a date phrase but no day
    undated_unpublished: int = 0  # of those, in documents without a publication date
    without_meetings: int = 0  # documents read without error, and no meeting in them
    over_budget: int = 0  # documents not sent: the cost budget would have been passed
    detailed: bool = True  # count the details (one JSON parse a line); off for extract -q

    def add(self, line: ResultLine) -> None:
        """Count one result line."""
        self.documents += 1
        self.meetings += line.meetings
        self.errors += line.error is not None
        self.over_budget += line.error is not None and line.error.type == "BudgetExceeded"
        self.fallbacks += line.fell_back
        if self.detailed:
            self._details(json.loads(line.json))
        if line.usage is None:
            return
        self.billed = True
        self.prompt_tokens += line.usage.prompt_tokens
        self.completion_tokens += line.usage.completion_tokens
        self.cached += line.usage.cached
        if line.usage.cost_usd is not None:
            self.cost_usd = (self.cost_usd or 0.0) + line.usage.cost_usd

    def _details(self, result: dict[str, Any]) -> None:
        meetings = result.get("meetings") or []
        if not meetings and not result.get("error"):
            self.without_meetings += 1
        published = (result.get("source") or {}).get("published_at")
        for meeting in meetings:
            self.statuses[meeting.get("status")] += 1
            self.formats[meeting.get("format")] += 1
            states = sorted(set(meeting.get("countries") or []))
            self.countries.update(states)
            self.dyads.update(f"{a}-{b}" for i, a in enumerate(states) for b in states[i + 1 :])
            self.people.update(p.get("name") for p in meeting.get("participants") or [])
            if meeting.get("date") is None and meeting.get("date_text"):
                self.undated += 1
                self.undated_unpublished += published is None
        self.warnings.update(warning_kind(w) for w in result.get("warnings") or [])

    def describe(self, seconds: float) -> str:
        """One line for people: ``extractor: 12 documents, 9 meetings, 0 errors, 0.41 s``."""
        line = (
            f"extractor: {self.documents} documents, {self.meetings} meetings, "
            f"{self.errors} errors, {seconds:.2f} s"
        )
        if self.skipped:
            line += f"; {self.skipped} already done (--resume)"
        if self.skipped_failed:
            line += f", {self.skipped_failed} of them failed"
        if self.billed:
            cost = "unknown cost" if self.cost_usd is None else f"${self.cost_usd:.4f}"
            line += (
                f"; {self.prompt_tokens:,} prompt + {self.completion_tokens:,} completion "
                f"tokens, {cost}, {self.cached} from cache, {self.fallbacks} fell back"
            )
        return line

    def details(self) -> list[str]:
        """The details for people, a line each (none for a batch without meetings or
        warnings)."""
        lines = []
        if self.meetings:
            lines.append(f"  meetings: {_ranked(self.statuses)}; {_ranked(self.formats)}")
            lines.append(f"  states: {_ranked(self.countries, _SHOWN)}")
            if self.dyads:
                lines.append(f"  dyads: {_ranked(self.dyads, _SHOWN)}")
            lines.append(f"  people: {_ranked(self.people, _SHOWN)}")
        if self.undated:
            hint = (
                f", {self.undated_unpublished} of them for want of a publication date "
                "(give --published-at)"
                if self.undated_unpublished
                else ""
            )
            lines.append(f"  undated: {self.undated} meetings with a date phrase but no day{hint}")
        if self.warnings:
            total = sum(self.warnings.values())
            lines.append(f"  warnings: {total}; {_ranked(self.warnings, 3)}")
        if self.without_meetings:
            lines.append(f"  documents without a meeting: {self.without_meetings}")
        if self.over_budget:
            lines.append(
                f"  over budget: {self.over_budget} documents not sent (--max-cost); rerun "
                "with --resume and a larger budget to do them"
            )
        return lines

    def to_json(self, seconds: float) -> dict[str, Any]:
        """Everything counted, for ``--summary FILE``."""
        return {
            "documents": self.documents,
            "meetings": self.meetings,
            "errors": self.errors,
            "seconds": round(seconds, 3),
            "skipped_already_done": self.skipped,
            "documents_without_meetings": self.without_meetings,
            "meetings_by_status": dict(self.statuses),
            "meetings_by_format": dict(self.formats),
            "top_countries": dict(self.countries.most_common(_TOP)),
            "top_dyads": dict(self.dyads.most_common(_TOP)),
            "top_people": dict(self.people.most_common(_TOP)),
            "undated_meetings": self.undated,
            "undated_for_want_of_publication_date": self.undated_unpublished,
            "warnings_by_kind": dict(self.warnings.most_common()),
            "fallbacks": self.fallbacks,
            "documents_over_budget": self.over_budget,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "answers_from_cache": self.cached,
            "cost_usd": self.cost_usd,
        }


def _ranked(counts: Counter[str], limit: int | None = None) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.most_common(limit))
