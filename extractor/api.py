"""The Python API: one article, many, or files, through any registered backend.

``extract`` is the single-document call and raises typed errors. The batch calls never raise
for one document: a document that fails gets a result whose ``error`` says why, and the
others go on. They run through the batch engine (``extractor.batch.run``), as the command
line does: an LLM backend has many documents in progress at once, and ``extract_paths`` can
use worker processes for the rules.

``backend`` is a registered name (``extractor backends`` lists them) or a backend object;
``backend_options`` go to the backend's factory: ``config=LLMConfig(model=..., base_url=...)``
chooses a model without environment variables.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from extractor import batch
from extractor.backends import Backend, close_backend, get_backend
from extractor.ingest import DEFAULT_MAX_BYTES, plan_inputs, read_target
from extractor.ingest.given import given_document, given_items, parse_published_at
from extractor.pipeline import aextract_many, run_document
from extractor.schema import ExtractionResult

__all__ = ["aextract_many", "extract", "extract_many", "extract_paths"]

logger = logging.getLogger("extractor")


def extract(
    document: object,
    *,
    backend: str | Backend = "auto",
    published_at: dt.datetime | str | None = None,
    **backend_options: Any,
) -> ExtractionResult:
    """Meeting records from one article: its text (or whole HTML page) as ``str`` or
    ``bytes``, or a ``Document``.

    ``published_at`` (a datetime or an ISO 8601 string) overrides the date read from the
    article; relative dates such as "on Thursday" are resolved against it.

    Raises ``InputError`` for an article that cannot be read, ``TypeError`` for a value that
    is not an article (a ``Path`` names ``extract_paths``), and ``BackendError`` when the
    backend cannot run; use ``extract_many`` to get errors as results instead.
    """
    with _backend(backend, backend_options) as chosen:
        return run_document(chosen, given_document(document, parse_published_at(published_at)))


def extract_many(
    documents: Iterable[object],
    *,
    backend: str | Backend = "auto",
    published_at: dt.datetime | str | None = None,
    **backend_options: Any,
) -> Iterator[ExtractionResult]:
    """One result per document, in order, lazily; failures become results with ``error``.

    Raises ``TypeError`` for one article given alone (a ``str`` is not a list of them)."""
    if isinstance(documents, str | bytes):
        raise TypeError("extract_many() takes a list of articles: extract_many([text])")
    moment = parse_published_at(published_at)
    with _backend(backend, backend_options) as chosen:
        for line in batch.run(given_items(documents, moment), chosen):
            yield line.to_result()


def extract_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    backend: str | Backend = "auto",
    published_at: dt.datetime | str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int = 1,
    **backend_options: Any,
) -> Iterator[ExtractionResult]:
    """Results for files, directories (recursive), JSON Lines files and ``-`` (stdin), in
    order; ``workers`` processes for a backend that can use them (the rules).

    Directory entries that are not read (other suffixes, links to directories, FIFOs) are
    logged as warnings on the ``extractor`` logger, each with its reason."""
    if not isinstance(workers, int) or workers < 0:
        raise TypeError(
            f"extract_paths(): workers is a number of processes (0: one per core), not {workers!r}"
        )
    moment = parse_published_at(published_at)
    plan = plan_inputs(_path_names(paths))
    for skipped in plan.skipped:
        logger.warning("skipped %s: %s", skipped.path, skipped.reason)
    items = (
        item
        for target in plan.targets
        for item in read_target(target, max_bytes=max_bytes, published_at=moment, analyse=False)
    )
    with _backend(backend, backend_options) as chosen:
        for line in batch.run(items, chosen, workers=workers or os.cpu_count() or 1):
            yield line.to_result()


def _path_names(paths: Sequence[object]) -> list[str]:
    """``paths`` as the names the planner takes; a ``str`` alone (not in a list) and values
    that are not paths are a ``TypeError`` naming the argument."""
    if isinstance(paths, str | bytes | os.PathLike):
        raise TypeError("extract_paths() takes a list of paths: extract_paths([path])")
    names = []
    for number, path in enumerate(paths, start=1):
        if not isinstance(path, str | bytes | os.PathLike):
            raise TypeError(
                f"extract_paths(): path {number} is {type(path).__name__}, not a file or "
                "directory path (str, bytes or os.PathLike)"
            )
        names.append(os.fsdecode(path))
    return names


@contextmanager
def _backend(backend: str | Backend, options: dict[str, Any]) -> Iterator[Backend]:
    """The backend to run: made from its name, and closed afterwards (its cache, its
    connections); a backend object the caller gave is the caller's to close."""
    if not isinstance(backend, str):
        yield backend
        return
    made = get_backend(backend, **options)
    try:
        yield made
    finally:
        close_backend(made)
