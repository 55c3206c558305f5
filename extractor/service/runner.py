"""The job runner: one thread that takes the oldest open job and runs its documents through
the batch engine (``extractor.batch.run``, as ``extractor extract`` does), writing each result
line to the store as it comes out.

Jobs run one at a time, in the order they were accepted; inside a job the engine gives the
parallelism the backend declares (an async window for the LLM, worker processes for the
rules). A restarted server takes up a job it had started, with the documents that have no
result yet (``JobStore.pending``). ``cancel`` stops the running job through the engine's
``StopSignal``: no new document starts, and those finished by then keep their results.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator

from extractor import batch
from extractor.backends import Backend, close_backend
from extractor.batch import ResultLine, StopSignal
from extractor.document import Document
from extractor.errors import ExtractorError
from extractor.ingest import InputFailure, row_item
from extractor.pipeline import failure_result
from extractor.service.store import JobStore, PendingDocument

logger = logging.getLogger("extractor.service")

BackendFactory = Callable[[str], Backend]
_IDLE_POLL = 2.0  # seconds between looks at the store when nobody woke the runner


class JobRunner:
    """Runs the store's open jobs in a thread of its own (see the module docstring).

    ``make_backend(name)`` makes a job's backend (closed when the job ends); ``observe`` is
    called with every result line written (the service's metrics)."""

    def __init__(
        self,
        store: JobStore,
        make_backend: BackendFactory,
        *,
        workers: int,
        observe: Callable[[ResultLine], None] = lambda line: None,
    ) -> None:
        self._store = store
        self._make_backend = make_backend
        self._workers = workers
        self._observe = observe
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._running: tuple[str, StopSignal] | None = None
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the runner's thread (again, after ``close``: an app's lifespan may run
        twice, as test clients run it)."""
        self._closing.clear()
        self._thread = threading.Thread(target=self._loop, name="extractor-jobs", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look for work now (a job was just accepted)."""
        self._wake.set()

    def cancel(self, job_id: str) -> None:
        """Stop the job if it is the one running (its state is the store's business)."""
        with self._guard:
            if self._running and self._running[0] == job_id:
                self._running[1].set()

    def close(self, timeout: float = 30.0) -> None:
        """Stop taking jobs and stop the running one (it stays ``running`` in the store, to
        be taken up again by the next server on this database)."""
        self._closing.set()
        with self._guard:
            if self._running:
                self._running[1].set()
        self._wake.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._closing.is_set():
            job = self._store.next_job()
            if job is None:
                self._wake.wait(_IDLE_POLL)
                self._wake.clear()
                continue
            try:
                self._run(*job)
            except Exception:  # a broken job must not end the runner: logged, retried
                logger.exception(
                    "job %s stopped on an unexpected error; it will be retried", job[0]
                )
                self._closing.wait(_IDLE_POLL)

    def _run(self, job_id: str, backend_name: str, include_text: bool) -> None:
        stop = StopSignal()
        with self._guard:
            self._running = (job_id, stop)
        self._store.set_state(job_id, "running", only_from=("queued",))
        try:
            self._extract(job_id, backend_name, include_text, stop)
        finally:
            with self._guard:
                self._running = None
        if not stop.is_set():
            self._store.set_state(job_id, "done", only_from=("running",))

    def _extract(
        self, job_id: str, backend_name: str, include_text: bool, stop: StopSignal
    ) -> None:
        order: deque[int] = deque()  # the seq of each document the engine has taken
        documents = self._documents(job_id, order)
        try:
            backend = self._make_backend(backend_name)
        except ExtractorError as error:  # checked when the job was accepted; gone since
            lines: Iterator[ResultLine] = (
                ResultLine.of(failure_result(item.id, None, error, backend=backend_name))
                for item in documents
            )
            self._write(job_id, order, lines)
            return
        try:
            run = batch.run(
                documents, backend, workers=self._workers, include_text=include_text, stop=stop
            )
            self._write(job_id, order, iter(run))
        finally:
            close_backend(backend)

    def _write(self, job_id: str, order: deque[int], lines: Iterator[ResultLine]) -> None:
        for line in lines:
            if self._store.record(job_id, order.popleft(), line):
                self._observe(line)

    def _documents(self, job_id: str, order: deque[int]) -> Iterator[Document | InputFailure]:
        """The job's pending documents, each noted in ``order`` as the engine takes it: the
        engine gives one line per document, in order, so the lines match ``order``."""
        for pending in self._store.pending(job_id):
            order.append(pending.seq)
            yield _document(job_id, pending)


def _document(job_id: str, pending: PendingDocument) -> Document | InputFailure:
    """A stored input as a document (analysed by the engine, in its workers when it has
    some), or the failure that names it."""
    return row_item(
        pending.input,
        where=f"job {job_id} document {pending.seq}",
        fallback_id=f"{job_id}:{pending.seq}",
        analyse=False,
    )
