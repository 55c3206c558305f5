"""What a batch did, counted as its result lines pass: the figures of the run summary."""

from __future__ import annotations

from dataclasses import dataclass

from extractor.batch.lines import ResultLine


@dataclass
class Summary:
    """Documents, meetings and errors; for a backend that pays per request, its tokens, cost
    (None while no price is known), answers from the cache and documents that fell back."""

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

    def add(self, line: ResultLine) -> None:
        self.documents += 1
        self.meetings += line.meetings
        self.errors += line.error is not None
        self.fallbacks += line.fell_back
        if line.usage is None:
            return
        self.billed = True
        self.prompt_tokens += line.usage.prompt_tokens
        self.completion_tokens += line.usage.completion_tokens
        self.cached += line.usage.cached
        if line.usage.cost_usd is not None:
            self.cost_usd = (self.cost_usd or 0.0) + line.usage.cost_usd

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
