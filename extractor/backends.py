"""Backends by name: what ``--backend`` and ``extract(backend=...)`` accept.

A backend is anything with a ``name`` and an ``extract(document)`` returning a
``BackendOutput``; backends that call a network service also have ``aextract``, which the
batch path runs many at a time. The pipeline wraps the output into the contract's
``ExtractionResult``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from extractor.document import Document
from extractor.errors import BackendError, BackendUnavailable
from extractor.schema import Meeting, Usage

if TYPE_CHECKING:
    from extractor.llm.config import LLMConfig

BACKEND_NAMES: tuple[str, ...] = ("auto", "rules", "llm")


@dataclass
class BackendOutput:
    meetings: list[Meeting]
    warnings: list[str] = field(default_factory=list)
    backend: str = ""  # who produced it; a fallback says so here
    model: str | None = None
    prompt_version: str | None = None
    usage: Usage | None = None


class Backend(Protocol):
    name: str

    def extract(self, document: Document) -> BackendOutput:
        """Meetings found in the document, with warnings and what it cost."""
        ...


@runtime_checkable
class AsyncBackend(Backend, Protocol):
    async def aextract(self, document: Document) -> BackendOutput: ...


class FallbackBackend:
    """The LLM, and the rules for any document the LLM fails on after its retries.

    The fallback is never silent: the result says ``backend: "rules"`` and a warning names
    the LLM error.
    """

    name = "auto"

    def __init__(self, primary: AsyncBackend, fallback: Backend) -> None:
        self.primary, self.fallback = primary, fallback

    def extract(self, document: Document) -> BackendOutput:
        try:
            return self.primary.extract(document)
        except BackendError as error:
            return self._fall_back(document, error)

    async def aextract(self, document: Document) -> BackendOutput:
        try:
            return await self.primary.aextract(document)
        except BackendError as error:
            return self._fall_back(document, error)

    def _fall_back(self, document: Document, error: BackendError) -> BackendOutput:
        output = self.fallback.extract(document)
        output.warnings.insert(0, f"{self.primary.name} backend failed, used the rules: {error}")
        output.usage = getattr(error, "usage", None)
        return output


def get_backend(name: str | Backend = "auto", *, config: LLMConfig | None = None) -> Backend:
    """The backend for a name: ``auto`` is the LLM (with the rules as fallback) when a model
    is configured, else the rules. ``config`` defaults to the environment's."""
    if not isinstance(name, str):
        return name
    if name not in BACKEND_NAMES:
        raise BackendUnavailable(
            f"unknown backend {name!r}; choose one of {', '.join(BACKEND_NAMES)}"
        )
    from extractor.rules.backend import RulesBackend

    if name == "rules":
        return RulesBackend()
    from extractor.llm.config import LLMConfig

    config = config or LLMConfig.from_env()
    if not config.configured:
        if name == "auto":
            return RulesBackend()
        raise BackendUnavailable(
            "no model configured for the LLM backend: set EXTRACTOR_MODEL (or --model), and "
            "OPENAI_BASE_URL (or --base-url) for a server other than OpenAI"
        )
    from extractor.llm.backend import LLMBackend

    llm = LLMBackend(config)
    return llm if name == "llm" else FallbackBackend(llm, RulesBackend())
