"""One document through a backend to its ``ExtractionResult``: prepared, extracted, guarded.

The per-document path under every way of running a backend: ``run_document`` for one
(raising typed errors), ``extract_target_documents`` for a plain loop and ``aextract_many``
for an async window (both never raise for one document: a document that fails gets a result
whose ``error`` says why). The batch engine (``extractor.batch``) picks between them; the
public calls are in ``extractor.api``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncGenerator, Iterable, Iterator

from extractor.backends import AsyncBackend, Backend, BackendOutput, get_backend
from extractor.document import Document, origin
from extractor.errors import BackendError, EmptyInput, ExtractorError, InputError
from extractor.guards import guard_records
from extractor.ingest import InputFailure, prepare
from extractor.ingest.given import given_items
from extractor.schema import ErrorInfo, ExtractionResult, Source


def extract_target_documents(
    items: Iterable[Document | InputFailure], backend: Backend, *, include_text: bool = False
) -> Iterator[ExtractionResult]:
    """Results for what ``read_target`` yields: documents are extracted, failures reported."""
    for item in items:
        if isinstance(item, InputFailure):
            yield failure_result(
                item.id, item.path, item.error, backend=backend.name, line=item.line
            )
            continue
        try:
            yield run_document(backend, item, include_text=include_text)
        except Exception as error:  # noqa: BLE001 - one document never stops the batch
            yield _document_failure(backend, item, error)


async def aextract_many(
    documents: Iterable[Document | str | InputFailure],
    *,
    backend: str | Backend = "auto",
    window: int | None = None,
    include_text: bool = False,
    stop: asyncio.Event | None = None,
) -> AsyncGenerator[ExtractionResult, None]:
    """Like ``extract_many``, with many documents in progress at once for backends that call a
    model: no more than the backend's declared ``concurrency`` of them in its ``aextract`` at
    once.

    Results still come out in input order: up to ``window`` documents (default: twice the
    backend's concurrency) are read and prepared ahead of the one being waited for.

    Setting ``stop`` (the CLI's Ctrl-C) starts no further document and cancels those in
    progress, with their requests and retry backoff: a server's ``Retry-After`` may ask for
    minutes. The results finished by then still come out; a cancelled document gives none, as
    it was not done. Leaving the loop early cancels the documents in progress too.
    """
    if isinstance(documents, str | bytes):
        raise TypeError("aextract_many() takes a list of articles: aextract_many([text])")
    chosen = get_backend(backend)
    if not isinstance(chosen, AsyncBackend):
        for result in extract_target_documents(
            given_items(documents), chosen, include_text=include_text
        ):
            yield result
        return
    width = window or 2 * chosen.capabilities.concurrency
    requests = asyncio.Semaphore(chosen.capabilities.concurrency)
    stop = stop or asyncio.Event()
    pending: deque[asyncio.Task[ExtractionResult]] = deque()
    items = iter(given_items(documents))
    canceller = asyncio.ensure_future(_cancel_when_set(stop, pending))
    try:
        while True:
            while (
                not stop.is_set()
                and len(pending) < width
                and (item := next(items, None)) is not None
            ):
                pending.append(asyncio.ensure_future(_arun(chosen, item, include_text, requests)))
            if not pending:
                return
            await asyncio.wait([pending[0]])  # unlike awaiting it, no error if it was cancelled
            done = pending.popleft()
            if not done.cancelled():
                yield done.result()
    finally:
        canceller.cancel()
        for task in pending:
            task.cancel()


async def _cancel_when_set(
    stop: asyncio.Event, tasks: Iterable[asyncio.Task[ExtractionResult]]
) -> None:
    """Cancel the tasks once ``stop`` is set: those in ``tasks`` then (a live queue)."""
    await stop.wait()
    for task in tasks:
        task.cancel()


async def _arun(
    backend: AsyncBackend,
    item: Document | InputFailure,
    include_text: bool,
    requests: asyncio.Semaphore,
) -> ExtractionResult:
    if isinstance(item, InputFailure):
        return failure_result(item.id, item.path, item.error, backend=backend.name, line=item.line)
    try:
        document = _ready(item)
        async with requests:  # no more than the backend's declared concurrency at once
            output = _checked(backend, await backend.aextract(document))
        return _result(backend, document, output, include_text=include_text)
    except Exception as error:  # noqa: BLE001 - one document never stops the batch
        return _document_failure(backend, item, error)


def failure_result(
    document_id: str,
    path: str | None,
    error: BaseException,
    *,
    backend: str,
    line: int | None = None,
) -> ExtractionResult:
    """The result line of an input that could not be processed, its message naming the input
    (the CLI prints only the message): an ``InputError`` names it itself, being raised where
    the input is read; any other error is told where its document came from."""
    where = origin(path, line, document_id)
    if isinstance(error, InputError):
        message = str(error)
    elif isinstance(error, ExtractorError):
        message = f"{where}: {error}"
    else:
        message = f"{where}: unexpected {type(error).__name__}: {error}"
    return ExtractionResult(
        source=Source(id=document_id, path=path, line=line),
        backend=backend,
        error=ErrorInfo(type=type(error).__name__, message=message),
    )


def _document_failure(
    backend: Backend, document: Document, error: BaseException
) -> ExtractionResult:
    """A document that was read but not extracted: its source is known, and so is what the
    failed attempt cost (an LLM error carries its usage)."""
    failed = failure_result(
        document.resolved_id, document.path, error, backend=backend.name, line=document.line
    )
    with contextlib.suppress(Exception):  # a document too broken to prepare keeps the bare id
        failed.source = _source(prepare(document), include_text=False)
    failed.usage = error.usage if isinstance(error, BackendError) else None
    return failed


def run_document(
    backend: Backend, document: Document, *, include_text: bool = False
) -> ExtractionResult:
    """One document's result; raises the backend's ``BackendError`` (and ``InputError`` for a
    document that cannot be prepared)."""
    document = _ready(document)
    output = _checked(backend, backend.extract(document))
    return _result(backend, document, output, include_text=include_text)


def _ready(document: Document) -> Document:
    """The document prepared for a backend (``extractor.ingest.prepare``); an empty one is
    an ``EmptyInput``, however it came (a ``Document(text="")`` given to the Python API)."""
    if not document.text.strip():
        raise EmptyInput(f"{document.origin}: the article text is empty")
    return prepare(document)


def _checked(backend: Backend, output: object) -> BackendOutput:
    """What a backend returned, if it keeps the contract (a plugin may not)."""
    if not isinstance(output, BackendOutput):
        raise BackendError(
            f"backend {backend.name!r} returned {type(output).__name__}, not a BackendOutput"
        )
    return output


def _result(
    backend: Backend, document: Document, output: BackendOutput, *, include_text: bool
) -> ExtractionResult:
    published = document.published_at.date() if document.published_at else None
    meetings, guarded = guard_records(output.meetings, published)
    return ExtractionResult(
        source=_source(document, include_text=include_text),
        meetings=meetings,
        backend=output.backend or backend.name,
        model=output.model,
        prompt_version=output.prompt_version,
        usage=output.usage,
        warnings=[*output.warnings, *guarded],
    )


def _source(document: Document, *, include_text: bool) -> Source:
    return Source(
        id=document.resolved_id,
        path=document.path,
        line=document.line,
        url=document.url,
        title=document.title,
        published_at=document.published_at,
        text=document.text if include_text else None,
    )
