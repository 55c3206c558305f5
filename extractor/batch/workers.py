"""A CPU-bound backend over worker processes, result lines in input order."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Iterable, Iterator
from functools import partial

from extractor.backends import Backend
from extractor.batch.lines import ResultLine
from extractor.document import Document
from extractor.ingest import InputFailure
from extractor.pipeline import extract_target_documents

# Documents a worker is sent at a time: a few dozen make the pool's own cost per document small
# next to the extraction, and still keep every worker busy to the end of a batch.
_CHUNK = 32


def in_processes(
    items: Iterable[Document | InputFailure],
    backend: Backend,
    *,
    workers: int,
    include_text: bool = False,
    pretty: bool = False,
) -> Iterator[ResultLine]:
    """``backend`` (``process_safe``) over ``workers`` processes, result lines in input order.

    Each worker gets the backend once, analyses its documents (``read_target`` with
    ``analyse=False`` leaves that to it) and serialises their results, so that the parent
    process only reads and writes.
    """
    import multiprocessing

    context = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "fork")
    work = partial(_work, include_text=include_text, pretty=pretty)
    with context.Pool(workers, initializer=_start_worker, initargs=(backend,)) as pool:
        yield from pool.imap(work, items, chunksize=_CHUNK)


_worker_backend: Backend | None = None  # the backend of this worker process


def _start_worker(backend: Backend) -> None:
    global _worker_backend
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
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


def _work(item: Document | InputFailure, *, include_text: bool, pretty: bool) -> ResultLine:
    assert _worker_backend is not None
    [result] = extract_target_documents([item], _worker_backend, include_text=include_text)
    return ResultLine.of(result, pretty=pretty, serialize=True)
