"""Batch output that survives crashes: whole lines, resumable, with a file of failures.

Every result line is written with one ``write`` call on a file opened for appending and
flushed at once, so a process killed at any moment leaves every finished line whole and at
most one torn last line. ``--resume`` reads what is there, cuts a torn last line off (its
document is done again), and skips every document whose result is already written: no input
is lost, none is paid for twice.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, partial
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


@dataclass(frozen=True)
class Resumed:
    done: frozenset[str]  # ids of documents with a result line
    torn: bool  # a torn last line was cut off


def resume_state(path: Path) -> Resumed:
    """The documents already in ``path``; a torn last line is removed from the file."""
    if not path.exists():
        return Resumed(frozenset(), torn=False)
    data = path.read_bytes()
    cut = data.rfind(b"\n") + 1
    torn = cut != len(data)
    if torn:
        with path.open("r+b") as file:
            file.truncate(cut)
    done: set[str] = set()
    for number, line in enumerate(data[:cut].splitlines(), start=1):
        if not line.strip():
            continue
        try:
            done.add(str(json.loads(line)["source"]["id"]))
        except (ValueError, KeyError, TypeError):
            raise BatchFileError(
                f"{path}:{number}: not a result line; cannot resume into this file"
            ) from None
    return Resumed(frozenset(done), torn)


@dataclass(frozen=True)
class ResultLine:
    """A result as the batch writes it: its JSON, and what the summary and the errors file
    read from it.

    Worker processes send these rather than results: a string crosses the process boundary
    cheaply, whereas unpickling a tree of models cost the parent process, which reads and
    writes for all workers, more than a third of what one worker spends extracting.
    """

    json: str
    meetings: int
    backend: str
    error: ErrorInfo | None = None
    error_record: str | None = None  # the errors-file line, for a failure
    usage: Usage | None = None

    @classmethod
    def of(cls, result: ExtractionResult, *, pretty: bool = False) -> ResultLine:
        return cls(
            json=result.to_json(pretty=pretty),
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
    _worker_backend()


@cache
def _worker_backend() -> Backend:
    return get_backend("rules")


def _work(item: Document | InputFailure, *, include_text: bool, pretty: bool) -> ResultLine:
    [result] = extract_target_documents([item], _worker_backend(), include_text=include_text)
    return ResultLine.of(result, pretty=pretty)


class LineWriter:
    """Appends JSON lines, each with a single write and a flush (see the module docstring)."""

    def __init__(self, path: Path | None, *, stream: IO[str] | None = None) -> None:
        self._fd: int | None = None
        self._stream = stream
        if path is not None:
            try:
                self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            except OSError as error:
                raise BatchFileError(f"{path}: cannot write ({error.strerror})") from None

    def write(self, line: str) -> None:
        data = (line.rstrip("\n") + "\n").encode("utf-8")
        if self._fd is None:
            assert self._stream is not None
            self._stream.write(data.decode("utf-8"))
            self._stream.flush()
            return
        written = os.write(self._fd, data)
        while written < len(data):  # a short write: finish the line before anything else
            written += os.write(self._fd, data[written:])

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


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
    """Targets whose result is written already, left out before they are even read."""
    return [t for t in targets if t.lines is not None or t.id not in done]
