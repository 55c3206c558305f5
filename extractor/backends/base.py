"""The backend contract: the one small interface every backend implements, at the bottom.

Like the transport base of httpx, this module knows nothing of the backends above it: the
rules and the LLM import it, it imports neither. A backend is anything with a ``name``, its
``capabilities`` and ``extract(document) -> BackendOutput``; a backend that waits on a
network service also has ``aextract``, which the batch engine runs many at a time. The
pipeline wraps the output into the contract's ``ExtractionResult``.

Errors: ``extract`` raises ``BackendError`` (with ``usage`` when the failed attempt cost
something) for a document it cannot do; the batch engine turns it into that document's result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from extractor.document import Document
from extractor.schema import Meeting, Usage


@dataclass
class BackendOutput:
    """What a backend found in one document: meetings (each with its evidence spans into
    ``Document.text``), warnings for people, and what the document cost."""

    meetings: list[Meeting]
    warnings: list[str] = field(default_factory=list)
    backend: str = ""  # who produced it; a fallback says so here
    model: str | None = None
    prompt_version: str | None = None
    usage: Usage | None = None


@dataclass(frozen=True)
class Capabilities:
    """What a backend declares, from which the batch engine chooses how to run it.

    ``concurrency``: documents one process may have in progress at once (an async backend's
    requests in flight; 1 for CPU-bound work). ``process_safe``: the backend can be sent to
    worker processes (pickled, or inherited by ``fork``) and run there, one per process; a
    CPU-bound backend should say so, for ``--workers``.
    """

    concurrency: int = 1
    process_safe: bool = False


class Backend(Protocol):
    """One document in, its meetings out (see the module docstring)."""

    name: str

    @property
    def capabilities(self) -> Capabilities: ...

    def extract(self, document: Document) -> BackendOutput:
        """Meetings found in the document, with warnings and what it cost."""
        ...


@runtime_checkable
class AsyncBackend(Backend, Protocol):
    """A backend that waits on a service: ``aextract`` runs many documents at once."""

    async def aextract(self, document: Document) -> BackendOutput: ...


def close_backend(backend: Backend) -> None:
    """Release what a backend holds open (the LLM's response cache and connections), by its
    optional ``close()``: a backend that holds nothing, like the rules, need not have one."""
    close = getattr(backend, "close", None)
    if callable(close):
        close()
