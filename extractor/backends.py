"""Backends by name: what ``--backend`` and ``extract(backend=...)`` accept.

A backend is anything with a ``name`` and an ``extract(document)`` returning meetings and
warnings; the pipeline wraps it into the contract's ``ExtractionResult``.
"""

from __future__ import annotations

from typing import Literal, Protocol

from extractor.document import Document
from extractor.errors import BackendUnavailable
from extractor.schema import Meeting

BackendName = Literal["auto", "rules", "llm"]
BACKEND_NAMES: tuple[str, ...] = ("auto", "rules", "llm")


class Backend(Protocol):
    name: str

    def extract(self, document: Document) -> tuple[list[Meeting], list[str]]:
        """Meetings found in the document, and warnings about the extraction."""
        ...


def get_backend(name: str | Backend = "auto") -> Backend:
    """The backend for a name.

    ``auto`` will pick the LLM when a model is configured; until the LLM backend exists it is
    the rules, so that a configured ``EXTRACTOR_MODEL`` never turns into a failure.
    """
    if not isinstance(name, str):
        return name
    if name in ("auto", "rules"):
        from extractor.rules.backend import RulesBackend

        return RulesBackend()
    if name == "llm":
        raise BackendUnavailable(
            "the LLM backend is not built yet; use --backend rules (the offline default)"
        )
    raise BackendUnavailable(f"unknown backend {name!r}; choose one of {', '.join(BACKEND_NAMES)}")
