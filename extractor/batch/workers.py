"""A CPU-bound backend over worker processes, result lines in input order.

A worker may die in the middle of its work: the kernel's out-of-memory killer, a ``kill -9``
by an operator, a crash in a C extension. The batch must neither hang nor lose what that
worker held, so the pool is ``concurrent.futures.ProcessPoolExecutor``, which reports a dead
worker (``BrokenProcessPool``) where ``multiprocessing.Pool`` waits for ever. The chunks
whose results had not come back are then sent to a new pool; a chunk that breaks a pool again
is split into single documents, and a document that breaks a pool twice gets an error line
(``WorkerDied``) instead of bringing the batch down. Results are yielded once, in order.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice

from extractor.backends import Backend
from extractor.batch.lines import ResultLine
from extractor.document import Document
from extractor.errors import WorkerDied
from extractor.ingest import InputFailure
from extractor.pipeline import extract_target_documents

# Documents a worker is sent at a time: a few dozen make the pool's own cost per document small
# next to the extraction, and still keep every worker busy to the end of a batch. A chunk also
# ends once it holds _CHUNK_CHARS characters of text: long pages then go a few at a time, so
# that a stop (Ctrl-C, a cancelled job) waits for seconds of work in flight rather than for
# minutes, and a small batch of long pages still reaches every worker.
_CHUNK = 32
_CHUNK_CHARS = 64_000
_CHUNKS_PER_WORKER = 2  # chunks in flight per worker: one running, one waiting
_BREAKS_ALLOWED = 2  # pools a chunk, then a single document, may break before it is given up

Item = Document | InputFailure


@dataclass
class _Chunk:
    items: list[Item]
    breaks: int = 0  # pools that died while it was in flight


def in_processes(
    items: Iterable[Item],
    backend: Backend,
    *,
    workers: int,
    include_text: bool = False,
    pretty: bool = False,
) -> Iterator[ResultLine]:
    """``backend`` (``process_safe``) over ``workers`` processes, result lines in input order.

    Each worker gets the backend once, analyses its documents (``read_target`` with
    ``analyse=False`` leaves that to it) and serialises their results, so that the parent
    process only reads and writes. Up to two chunks per worker are in flight at once.
    """
    pool = WorkerPool(backend, workers, include_text=include_text, pretty=pretty)
    source = iter(items)
    waiting: deque[_Chunk] = deque()  # chunks to send again, after a pool broke
    in_flight: deque[tuple[_Chunk, Future[list[ResultLine]]]] = deque()
    idle_breaks = 0  # pools found dead with nothing in flight, in a row
    try:
        while True:
            while len(in_flight) < _CHUNKS_PER_WORKER * workers:
                chunk = waiting.popleft() if waiting else _next_chunk(source)
                if chunk is None:
                    break
                try:
                    in_flight.append((chunk, pool.submit(chunk.items)))
                except BrokenProcessPool:  # a worker died between two results
                    waiting.appendleft(chunk)  # not sent: it goes after those in flight
                    if in_flight:
                        break  # the break shows, and is dealt with, at their results
                    idle_breaks += 1
                    if idle_breaks > _BREAKS_ALLOWED:  # no pool lives: give the chunk up
                        waiting[0] = _Chunk([worker_died(item) for item in chunk.items])
                    pool.restart()
            if not in_flight:
                return
            chunk, future = in_flight.popleft()
            try:
                lines = future.result()
            except BrokenProcessPool:
                # Every chunk in flight is lost with the pool: each goes again, in order.
                lost = [chunk, *(other for other, _ in in_flight)]
                in_flight.clear()
                pool.restart()
                waiting.extendleft(reversed(_after_break(lost, backend, pretty)))
                continue
            idle_breaks = 0
            yield from lines
    finally:
        pool.shutdown()


def _next_chunk(source: Iterator[Item]) -> _Chunk | None:
    items: list[Item] = []
    chars = 0
    for item in islice(source, _CHUNK):
        items.append(item)
        chars += len(item.text) if isinstance(item, Document) else 0
        if chars >= _CHUNK_CHARS:
            break
    return _Chunk(items) if items else None


def _after_break(lost: list[_Chunk], backend: Backend, pretty: bool) -> list[_Chunk]:
    """What to send again after a pool died: the first chunk (the likeliest to have killed
    it) one document at a time if it broke a pool before, and a single document that broke
    two pools as an error line of its own; the others as they were."""
    head, rest = lost[0], lost[1:]
    head.breaks += 1
    if head.breaks < _BREAKS_ALLOWED:
        return lost
    if len(head.items) > 1:
        return [_Chunk([item], breaks=1) for item in head.items] + rest
    return [_Chunk([worker_died(head.items[0])], breaks=0), *rest]


def worker_died(item: Item) -> InputFailure:
    """The failure of a document whose worker process died twice while extracting it (a
    failure to read stays as it was)."""
    if isinstance(item, InputFailure):
        return item
    message = (
        f"{item.path or item.resolved_id}: a worker process died twice while extracting it "
        "(out of memory, or killed)"
    )
    return InputFailure(item.resolved_id, item.path, WorkerDied(message), item.line)


class WorkerPool:
    """Worker processes that each hold ``backend`` once, and can be started anew after one of
    them died (``submit`` then raises ``BrokenProcessPool``: call ``restart``).

    ``in_processes`` sends it chunks of a batch; the service sends it one request's document
    at a time."""

    def __init__(
        self, backend: Backend, workers: int, *, include_text: bool = False, pretty: bool = False
    ) -> None:
        self._backend, self._workers = backend, workers
        self._include_text, self._pretty = include_text, pretty
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        method = "spawn" if sys.platform == "darwin" else "fork"
        return ProcessPoolExecutor(
            self._workers,
            mp_context=multiprocessing.get_context(method),
            initializer=_start_worker,
            initargs=(self._backend,),
        )

    def submit(self, items: list[Item]) -> Future[list[ResultLine]]:
        """The result lines of ``items``, in order, as a future; failures to read need no
        worker and are answered at once."""
        if all(isinstance(item, InputFailure) for item in items):
            done: Future[list[ResultLine]] = Future()  # error lines need no worker
            results = extract_target_documents(items, self._backend)
            done.set_result(
                [ResultLine.of(r, pretty=self._pretty, serialize=True) for r in results]
            )
            return done
        return self._executor.submit(_work, items, self._include_text, self._pretty)

    def restart(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = self._start()

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


_worker_backend: Backend | None = None  # the backend of this worker process


def _start_worker(backend: Backend) -> None:
    global _worker_backend
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # SIGTERM ends a worker, whatever handler the parent had (a server's, inherited by fork,
    # would swallow it): it is how the kernel ends a worker whose parent died, below.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with_parent()
    _worker_backend = backend


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _end_with_parent() -> None:
    """Have the kernel end this worker when the process that started it dies (Linux's
    ``prctl(PR_SET_PDEATHSIG)``, see prctl(2)). A worker left behind would finish its chunk,
    fail to send it to the dead parent and print a ``BrokenPipeError`` traceback; it would
    also keep the output file's lock. Elsewhere the worker ends at that failed send."""
    if sys.platform != "linux":
        return
    import multiprocessing

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # it died before the call above
        os._exit(0)


def _work(items: list[Item], include_text: bool, pretty: bool) -> list[ResultLine]:
    assert _worker_backend is not None
    results = extract_target_documents(items, _worker_backend, include_text=include_text)
    return [ResultLine.of(result, pretty=pretty, serialize=True) for result in results]
