"""The batch engine on its own: the strategy follows what the backend declares, lines keep
input order, the summary counts them, and a stop signal ends the batch early."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from extractor import batch
from extractor.backends import BackendOutput, Capabilities
from extractor.batch import StopSignal
from extractor.document import Document
from extractor.errors import BackendError, EmptyInput
from extractor.ingest import InputFailure


class Where:
    """Says in its warning which process extracted the document; fails on "fail"."""

    name = "where"

    def __init__(self, *, process_safe: bool) -> None:
        self.capabilities = Capabilities(process_safe=process_safe)

    def extract(self, document: Document) -> BackendOutput:
        if document.text == "fail":
            raise BackendError("no luck")
        return BackendOutput([], [str(os.getpid())])


class Waiting:
    """An async backend that counts how many documents it has in progress at once."""

    name = "waiting"
    capabilities = Capabilities(concurrency=4)

    def __init__(self) -> None:
        self.in_progress = self.most = 0

    def extract(self, document: Document) -> BackendOutput:
        raise AssertionError("an async backend runs in the async window")

    async def aextract(self, document: Document) -> BackendOutput:
        self.in_progress += 1
        self.most = max(self.most, self.in_progress)
        await asyncio.sleep(0.01 * (int(document.id) % 3))  # finishing out of order
        self.in_progress -= 1
        return BackendOutput([], [document.id])


def documents(count: int) -> list[Document | InputFailure]:
    return [Document(text=f"Talks {n}.", id=str(n)) for n in range(count)]


def test_a_plain_loop_for_a_backend_that_declares_nothing() -> None:
    items = [*documents(3), InputFailure("gone", "gone.txt", EmptyInput("gone.txt: empty"))]
    items.insert(1, Document(text="fail", id="bad"))
    run = batch.run(items, Where(process_safe=False), workers=4)
    lines = list(run)
    assert [line.id for line in lines] == ["0", "bad", "1", "2", "gone"]
    assert {line.to_result().warnings[0] for line in lines if not line.error} == {str(os.getpid())}
    assert (run.summary.documents, run.summary.errors) == (5, 2)
    assert not run.stopped


def test_worker_processes_for_a_process_safe_backend() -> None:
    lines = list(batch.run(documents(200), Where(process_safe=True), workers=2))
    assert [line.id for line in lines] == [str(n) for n in range(200)]
    pids = {line.to_result().warnings[0] for line in lines}
    assert len(pids) == 2 and str(os.getpid()) not in pids


def test_an_async_window_for_an_async_backend() -> None:
    backend = Waiting()
    lines = list(batch.run(documents(40), backend))
    assert [line.to_result().warnings for line in lines] == [[str(n)] for n in range(40)]
    assert 1 < backend.most <= 2 * backend.capabilities.concurrency


def test_a_stop_signal_starts_no_new_document() -> None:
    stop = StopSignal()
    run = batch.run(documents(100), Where(process_safe=False), stop=stop)
    seen = []
    for line in run:
        seen.append(line.id)
        if len(seen) == 10:
            stop.set()
    assert seen == [str(n) for n in range(10)] and run.stopped
    assert run.summary.documents == 10


def test_a_stop_signal_cancels_an_async_batch_and_keeps_what_finished() -> None:
    stop = StopSignal()
    run = batch.run(documents(100), Waiting(), stop=stop)
    seen = []
    for line in run:
        seen.append(line.id)
        if len(seen) == 5:
            stop.set()
    assert seen[:5] == [str(n) for n in range(5)] and len(seen) < 100 and run.stopped
    numbers = [int(n) for n in seen]
    assert numbers == sorted(set(numbers))  # in input order; a cancelled one gives no line


class Fragile:
    """A process-safe backend whose worker dies (SIGKILL, as the out-of-memory killer sends)
    on documents whose text names a marker file: once when the file does not exist yet
    (it is made first), every time when the text says "always"."""

    name = "fragile"
    capabilities = Capabilities(process_safe=True)

    def extract(self, document: Document) -> BackendOutput:
        if document.text.startswith("die"):
            marker = Path(document.text.split()[-1])
            if "always" in document.text or not marker.exists():
                marker.touch()
                os.kill(os.getpid(), signal.SIGKILL)
        return BackendOutput([], [str(os.getpid())])


def test_a_killed_worker_is_replaced_and_its_documents_done_again(tmp_path: Path) -> None:
    items: list[Document | InputFailure] = [*documents(150)]
    items[70] = Document(text=f"die once {tmp_path / 'once'}", id="70")
    lines = list(batch.run(items, Fragile(), workers=2))
    assert [line.id for line in lines] == [str(n) for n in range(150)]
    assert all(line.error is None for line in lines)


def test_a_document_that_kills_every_worker_gets_an_error_line(tmp_path: Path) -> None:
    items: list[Document | InputFailure] = [*documents(100)]
    items[40] = Document(text=f"die always {tmp_path / 'always'}", id="40")
    lines = list(batch.run(items, Fragile(), workers=2))
    assert [line.id for line in lines] == [str(n) for n in range(100)]
    assert [(line.id, line.error.type) for line in lines if line.error] == [("40", "WorkerDied")]
