"""The batch engine: documents in, result lines out in input order, however the backend runs.

One engine for the command line, the Python API and the service. How it runs is chosen from
what the backend declares (``Backend.capabilities``), never from its name:

- an ``AsyncBackend`` (one that waits on a model) runs in an async window: up to twice its
  ``concurrency`` documents in progress, on an event loop of the engine's own;
- a ``process_safe`` backend, given ``workers > 1``, runs in that many worker processes;
- anything else runs in a plain loop.

A ``StopSignal`` (the CLI's Ctrl-C, a cancelled job) stops a batch early: no new document
starts, an async backend's documents in progress are cancelled with their requests and retry
waits, and every document finished by then still comes out. The engine installs no signal
handler itself; that is its caller's business.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator

from extractor.backends import AsyncBackend, Backend
from extractor.batch.lines import ResultLine
from extractor.batch.summary import Summary
from extractor.batch.workers import in_processes
from extractor.document import Document
from extractor.ingest import InputFailure
from extractor.ingest.given import given_items
from extractor.pipeline import aextract_many, extract_target_documents


class StopSignal:
    """Set once to stop a batch (see the module docstring). Safe to set from a signal handler
    or another thread: listeners (the async window's wake-up) are called as it is set."""

    def __init__(self) -> None:
        self._set = False
        self._listeners: list[Callable[[], object]] = []

    def set(self) -> None:
        self._set = True
        for listener in list(self._listeners):
            listener()

    def is_set(self) -> bool:
        return self._set

    def listen(self, listener: Callable[[], object]) -> Callable[[], None]:
        """Call ``listener`` when the signal is set (at once if it is); returns the function
        that stops listening."""
        self._listeners.append(listener)
        if self._set:
            listener()
        return lambda: self._listeners.remove(listener)


class BatchRun:
    """The result lines of one batch, in input order, as an iterator; ``summary`` counts them
    as they pass, and ``stopped`` tells whether a ``StopSignal`` ended the batch early."""

    def __init__(self, lines: Iterator[ResultLine], stop: StopSignal) -> None:
        self._lines = lines
        self._stop = stop
        self.summary = Summary()

    def __iter__(self) -> Iterator[ResultLine]:
        for line in self._lines:
            self.summary.add(line)
            yield line

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()


def run(
    items: Iterable[Document | InputFailure | str],
    backend: Backend,
    *,
    workers: int = 1,
    include_text: bool = False,
    pretty: bool = False,
    stop: StopSignal | None = None,
) -> BatchRun:
    """Extract every document of ``items`` with ``backend``; one line per item, in order.

    ``items`` are documents (``Document``, or an article's text), or failures to read one
    (``read_target`` yields both): a failure gets its error line, and so does a document the
    backend fails on; nothing raises for one document. ``workers`` is the number of processes
    for a ``process_safe`` backend (ignored otherwise); ``include_text`` adds
    ``source.text``; ``pretty`` indents the JSON.
    Lazy: nothing runs until the lines are iterated.
    """
    if isinstance(backend, str):
        raise TypeError(
            f"batch.run() takes a backend object, not its name: get_backend({backend!r})"
        )
    stop = stop or StopSignal()
    feed = _until(given_items(items), stop)
    lines: Iterator[ResultLine]
    if isinstance(backend, AsyncBackend):
        lines = _async_window(feed, backend, stop, include_text=include_text, pretty=pretty)
    elif workers > 1 and backend.capabilities.process_safe:
        lines = in_processes(
            feed, backend, workers=workers, include_text=include_text, pretty=pretty
        )
    else:
        results = extract_target_documents(feed, backend, include_text=include_text)
        lines = (ResultLine.of(result, pretty=pretty) for result in results)
    return BatchRun(lines, stop)


def _until(
    items: Iterator[Document | InputFailure], stop: StopSignal
) -> Iterator[Document | InputFailure]:
    for item in items:
        if stop.is_set():
            return
        yield item


def _async_window(
    feed: Iterator[Document | InputFailure],
    backend: AsyncBackend,
    stop: StopSignal,
    *,
    include_text: bool,
    pretty: bool,
) -> Iterator[ResultLine]:
    """``aextract_many`` driven from synchronous code on an event loop of its own, one result
    at a time: the documents in progress advance whenever the loop runs, that is while the
    next result is awaited."""
    loop = asyncio.new_event_loop()
    cancel = asyncio.Event()
    # A signal handler runs between two steps of the loop, which may be waiting in select()
    # for a long backoff: call_soon_threadsafe wakes it.
    stop_listening = stop.listen(lambda: loop.call_soon_threadsafe(cancel.set))
    results = aextract_many(feed, backend=backend, include_text=include_text, stop=cancel)
    try:
        while True:
            try:
                result = loop.run_until_complete(anext(results))
            except StopAsyncIteration:
                return
            yield ResultLine.of(result, pretty=pretty)
    finally:
        stop_listening()
        loop.run_until_complete(results.aclose())  # cancels what is still in progress
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
