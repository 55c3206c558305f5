"""One request's document through its backend, without holding up the server's event loop.

How it runs follows what the backend declares (``Backend.capabilities``), as in the batch
engine: an ``AsyncBackend`` (the LLM) is awaited on the server's own loop, many requests in
flight at once; a ``process_safe`` backend (the rules) runs in worker processes, so that
requests use every core while the server process only reads and writes HTTP; any other
backend runs in a thread, one document at a time, since nothing says it may run twice at once.

One backend object of each name serves every request (made on first use, closed with the
app); the job runner makes its own per job, so that no async client is shared between two
event loops.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures.process import BrokenProcessPool

from extractor.backends import AsyncBackend, Backend, close_backend
from extractor.batch import ResultLine, WorkerPool, worker_died
from extractor.document import Document
from extractor.pipeline import aextract_many, extract_target_documents
from extractor.service.runner import BackendFactory


class RequestExtractor:
    """Extracts the documents of single requests (see the module docstring).

    ``workers`` is the number of processes for a ``process_safe`` backend (1: in a thread)."""

    def __init__(self, make_backend: BackendFactory, *, workers: int) -> None:
        self._make_backend = make_backend
        self._workers = workers
        self._backends: dict[str, Backend] = {}
        self._pools: dict[str, WorkerPool] = {}
        self._serial: dict[str, threading.Lock] = {}
        self._making = threading.Lock()

    def warm(self, name: str) -> None:
        """Make the backend, and start its worker processes, before the first request: a
        server forks its workers while it has no other thread, and answers the first request
        as fast as the next."""
        self._backend(name)
        if name in self._pools:  # one document per worker, sent at once: each starts one
            warm_up = Document(text="The ministers met in Paris on Monday.")
            futures = [self._pools[name].submit([warm_up]) for _ in range(self._workers)]
            for future in futures:
                future.result()

    def check(self, name: str) -> None:
        """Raises ``BackendUnavailable`` when the backend named cannot be made here."""
        self._backend(name)

    async def extract(self, name: str, document: Document) -> ResultLine:
        """The result line of ``document`` (an error result when the backend fails on it).

        Raises ``BackendUnavailable`` when the backend named cannot be made."""
        backend = self._backend(name)
        if isinstance(backend, AsyncBackend):
            async for result in aextract_many([document], backend=backend):
                return ResultLine.of(result)
        if name in self._pools:
            return await self._in_process(self._pools[name], document)
        with_lock = self._serial[name]

        def one() -> ResultLine:
            with with_lock:
                (result,) = extract_target_documents([document], backend)
            return ResultLine.of(result)

        return await asyncio.to_thread(one)

    async def _in_process(self, pool: WorkerPool, document: Document) -> ResultLine:
        """The document in a worker process; a pool whose worker died (out of memory,
        killed) is started anew and the document sent once more, then given up."""
        for _ in range(2):
            try:
                (line,) = await asyncio.wrap_future(pool.submit([document]))
                return line
            except BrokenProcessPool:
                pool.restart()
        (line,) = pool.submit([worker_died(document)]).result()
        return line

    def _backend(self, name: str) -> Backend:
        with self._making:
            if name not in self._backends:
                backend = self._make_backend(name)
                self._backends[name] = backend
                self._serial[name] = threading.Lock()
                if backend.capabilities.process_safe and self._workers > 1:
                    self._pools[name] = WorkerPool(backend, self._workers)
            return self._backends[name]

    def close(self) -> None:
        """Stop the worker pools and close every backend made."""
        for pool in self._pools.values():
            pool.shutdown()
        for backend in self._backends.values():
            close_backend(backend)
        self._pools.clear()
        self._backends.clear()
