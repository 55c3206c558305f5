"""Batch output that survives crashes: whole lines, resumable, with a file of failures.

Every result line is written with one ``write`` call on a file opened for appending and
flushed at once, so a process killed at any moment leaves every finished line whole and at
most one torn last line. ``--resume`` reads what is there, cuts a torn last line off (its
document is done again), and skips every input whose result is already written: no input
is lost, none is paid for twice.

Inputs are told apart by where they come from (``input_key``: the file, resolved, and the row
of a JSON Lines file), never by their ids, which users repeat: two rows with one id, ``a.txt``
beside ``a.html``, a row named like its file. An output file is locked while a batch writes
to it, so that two processes cannot both fill it.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import signal
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import IO

from extractor.backends import Backend, get_backend
from extractor.document import Document
from extractor.errors import InputError
from extractor.ingest import InputFailure, Target
from extractor.pipeline import extract_target_documents
from extractor.schema import ErrorInfo, ExtractionResult, Usage


class BatchFileError(InputError):
    """An output, errors or retry file that cannot be used."""


class OutputBusy(BatchFileError):
    """Another process holds the lock of an output file."""


class OutputWriteError(BatchFileError):
    """Writing a result failed (disk full, file too large); the lines before it are whole."""


class OutputClosed(BatchFileError):
    """The reader of stdout went away (``extractor extract ... | head``)."""


@lru_cache(maxsize=4096)
def _resolved(path: str) -> str:
    return os.path.realpath(path)


def input_key(path: str | None, line: int | None) -> str | None:
    """The identity of one input document within a batch: its file, resolved (so that
    ``./a.txt`` and ``a.txt`` agree), and its row in a JSON Lines file. None for stdin, which
    cannot be read again."""
    if path is None:
        return None
    return f"{_resolved(path)}:{line}" if line is not None else _resolved(path)


@dataclass(frozen=True)
class Resumed:
    done: frozenset[str]  # input keys of documents with a result line
    torn: bool  # a torn last line was cut off


def resume_state(path: Path) -> Resumed:
    """The inputs already done in ``path`` (their ``input_key``); a torn last line is removed
    from the file. The file is read a line at a time, so that an output of any size can be
    resumed. Raises ``BatchFileError`` for a file that does not hold result lines."""
    if not path.exists():
        return Resumed(frozenset(), torn=False)
    done: set[str] = set()
    with path.open("r+b") as file:
        whole = 0  # bytes of the file up to the end of its last whole line
        for number, line in enumerate(file, start=1):
            if not line.endswith(b"\n"):  # torn by a crash: cut off, and its input done again
                file.truncate(whole)
                return Resumed(frozenset(done), torn=True)
            whole += len(line)
            key = _done_key(line, where=f"{path}:{number}")
            if key is not None:
                done.add(key)
    return Resumed(frozenset(done), torn=False)


def _done_key(line: bytes, *, where: str) -> str | None:
    if not line.strip():
        return None
    try:
        source = json.loads(line)["source"]
        return input_key(source.get("path"), source.get("line"))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise BatchFileError(f"{where}: not a result line; cannot resume into this file") from None


@dataclass(frozen=True)
class ResultLine:
    """A result as the batch writes it: its JSON, and what the summary and the errors file
    read from it.

    Worker processes send these rather than results: a string crosses the process boundary
    cheaply, whereas unpickling a tree of models cost the parent process, which reads and
    writes for all workers, more than a third of what one worker spends extracting.
    """

    json: str
    id: str
    key: str | None  # ``input_key`` of the document
    meetings: int
    backend: str
    error: ErrorInfo | None = None
    error_record: str | None = None  # the errors-file line, for a failure
    usage: Usage | None = None

    @classmethod
    def of(cls, result: ExtractionResult, *, pretty: bool = False) -> ResultLine:
        return cls(
            json=result.to_json(pretty=pretty),
            id=result.source.id,
            key=input_key(result.source.path, result.source.line),
            meetings=len(result.meetings),
            backend=result.backend,
            error=result.error,
            error_record=error_record(result) if result.error else None,
            usage=result.usage,
        )


# Documents a worker is sent at a time: a few dozen make the pool's own cost per document small
# next to the extraction, and still keep every worker busy to the end of a batch.
_CHUNK = 32


def extract_parallel(
    items: Iterable[Document | InputFailure],
    *,
    workers: int,
    include_text: bool = False,
    pretty: bool = False,
) -> Iterator[ResultLine]:
    """The rule backend over many processes, result lines in input order.

    Each worker loads the gazetteers once, analyses its documents (``read_target`` with
    ``analyse=False`` leaves that to it) and serialises their results, so that the parent
    process only reads and writes.
    """
    import multiprocessing

    context = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "fork")
    work = partial(_work, include_text=include_text, pretty=pretty)
    with context.Pool(workers, initializer=_start_worker) as pool:
        yield from pool.imap(work, items, chunksize=_CHUNK)


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _end_with_parent()
    _worker_backend()


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


@cache
def _worker_backend() -> Backend:
    return get_backend("rules")


def _work(item: Document | InputFailure, *, include_text: bool, pretty: bool) -> ResultLine:
    [result] = extract_target_documents([item], _worker_backend(), include_text=include_text)
    return ResultLine.of(result, pretty=pretty)


class Existing(Enum):
    """What to do with an output file that already holds lines."""

    REFUSE = "refuse"  # the default: running one command twice must not double its results
    APPEND = "append"  # --append, and --resume (which has left out what is done)
    OVERWRITE = "overwrite"  # --force


class LineWriter:
    """Appends JSON lines, each with a single write and a flush (see the module docstring).

    A file is locked (``flock``, exclusive) for as long as the writer is open. Raises
    ``OutputBusy`` when another process holds the lock, ``BatchFileError`` when the file
    cannot be opened or holds lines that ``existing`` says not to touch; ``write`` raises
    ``OutputWriteError`` (or ``OutputClosed`` for a closed stdout) and leaves every line
    written before it whole.
    """

    def __init__(
        self,
        path: Path | None,
        *,
        stream: IO[str] | None = None,
        existing: Existing = Existing.APPEND,
    ) -> None:
        self._fd: int | None = None
        self._stream = stream
        self.path = path
        if path is not None:
            self._fd = _open_locked(path, existing)

    def write(self, line: str) -> None:
        data = (line.rstrip("\n") + "\n").encode("utf-8")
        try:
            if self._fd is None:
                assert self._stream is not None
                self._stream.write(data.decode("utf-8"))
                self._stream.flush()
                return
            written = os.write(self._fd, data)
            while written < len(data):  # a short write: finish the line before anything else
                written += os.write(self._fd, data[written:])
        except BrokenPipeError:
            raise OutputClosed("<stdout>: the reader closed the pipe") from None
        except OSError as error:
            where = self.path or "<stdout>"
            raise OutputWriteError(f"{where}: cannot write ({error.strerror or error})") from None

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _open_locked(path: Path, existing: Existing) -> int:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise BatchFileError(f"{path}: cannot write ({error.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        os.close(fd)
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise OutputBusy(
                f"{path}: another extractor process is writing this file; "
                "wait for it to end, or write to another file"
            ) from None
        raise BatchFileError(f"{path}: cannot be locked ({error.strerror})") from None
    if existing is Existing.OVERWRITE:
        os.ftruncate(fd, 0)
    elif existing is Existing.REFUSE and os.fstat(fd).st_size > 0:
        os.close(fd)
        raise BatchFileError(
            f"{path} is not empty: add --resume to go on where it stopped, "
            "--append to add to it, or --force to overwrite it"
        )
    return fd


def error_record(result: ExtractionResult) -> str:
    """One line of the errors file: enough to read that input again, and why it failed."""
    assert result.error is not None
    return json.dumps(
        {
            "id": result.source.id,
            "path": result.source.path,
            "line": result.source.line,
            "error": result.error.model_dump(),
        },
        ensure_ascii=False,
    )


def retry_targets(path: Path) -> list[Target]:
    """The inputs an errors file names: whole files, or the failed rows of JSON Lines files."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise BatchFileError(f"{path}: cannot read ({error.strerror})") from None
    rows: dict[str, set[int]] = {}
    whole: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            source, row = record["path"], record.get("line")
        except (ValueError, KeyError, TypeError):
            raise BatchFileError(f"{path}:{number}: not an errors-file line") from None
        if not source:
            raise BatchFileError(
                f"{path}:{number}: {record.get('id')} came from stdin; it cannot be read again"
            )
        if row is None:
            whole[source] = str(record.get("id") or Path(source).stem)
        else:
            rows.setdefault(source, set()).add(int(row))
    targets = [Target(source, document_id) for source, document_id in whole.items()]
    targets += [Target(source, Path(source).stem, frozenset(n)) for source, n in rows.items()]
    return targets


def skip_done(targets: Iterable[Target], done: frozenset[str]) -> list[Target]:
    """The targets left to read: a whole file whose result is written already is left out
    before it is even read (rows of JSON Lines files are left out one by one as they are
    read, by their ``input_key``)."""
    return [t for t in targets if t.lines is not None or input_key(t.path, None) not in done]
