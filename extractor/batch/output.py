"""Batch output that survives crashes: whole lines, resumable, locked, with a file of failures.

Every result line is written with one ``write`` call on a file opened for appending and
flushed at once, so a process killed at any moment leaves every finished line whole and at
most one torn last line. ``--resume`` reads what is there, cuts a torn last line off (its
document is done again), and skips every input whose result is already written (by its
``input_key``): no input is lost, none is paid for twice. An output file is locked while a
batch writes to it, so that two processes cannot both fill it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import IO

from extractor.batch.lines import error_record_of, input_key
from extractor.errors import BatchFileError, OutputBusy, OutputClosed, OutputWriteError
from extractor.ingest import Target
from extractor.utf8 import readable_path


class Existing(Enum):
    """What to do with an output file that already holds lines."""

    REFUSE = "refuse"  # the default: running one command twice must not double its results
    APPEND = "append"  # --append, and --resume (which has left out what is done)
    OVERWRITE = "overwrite"  # --force


class LineWriter:
    """Appends JSON lines, each with a single write and a flush (see the module docstring).

    A file is locked (``flock``, exclusive) for as long as the writer is open, and so is
    ``stream`` when it is a regular file (stdout appended to one: ``>> out.jsonl``). Raises
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
        self._created = path is not None and not path.exists()
        if path is not None:
            self._fd = _open_locked(path, existing)
        elif stream is not None:
            _lock_if_a_file(stream)

    def write(self, line: str) -> None:
        data = (line.rstrip("\n") + "\n").encode("utf-8")
        try:
            if self._fd is None:
                assert self._stream is not None
                self._stream.write(data.decode("utf-8"))
                self._stream.flush()
                return
            self._write_whole(self._fd, data)
        except BrokenPipeError:
            raise OutputClosed("<stdout>: the reader closed the pipe") from None
        except OSError as error:
            where = self.path or "<stdout>"
            raise OutputWriteError(f"{where}: cannot write ({error.strerror or error})") from None

    @staticmethod
    def _write_whole(fd: int, data: bytes) -> None:
        """All of ``data``, or none of it: a write cut short by a full disk or a size limit is
        taken back, so that the file ends with a whole line for readers that do not resume."""
        written = 0
        try:
            while written < len(data):  # a short write: finish the line before anything else
                written += os.write(fd, data[written:])
        except OSError:
            if written:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, os.fstat(fd).st_size - written)
            raise

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def discard(self) -> None:
        """Close, and remove the file if this writer created it and wrote nothing: a run
        refused after its output was opened leaves no empty file behind."""
        self.close()
        if self.path is not None and self._created and self.path.stat().st_size == 0:
            self.path.unlink()


def _open_locked(path: Path, existing: Existing) -> int:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise BatchFileError(f"{path}: cannot write ({error.strerror})") from None
    try:
        _lock(fd, str(path))
    except BatchFileError:
        os.close(fd)
        raise
    regular = stat.S_ISREG(os.fstat(fd).st_mode)  # not a device such as /dev/null
    if existing is Existing.OVERWRITE and regular:
        os.ftruncate(fd, 0)
    elif existing is Existing.REFUSE and regular and os.fstat(fd).st_size > 0:
        os.close(fd)
        raise BatchFileError(
            f"{path} is not empty: add --resume to go on where it stopped, "
            "--append to add to it, or --force to overwrite it"
        )
    return fd


def _lock(fd: int, name: str) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise OutputBusy(
                f"{name}: another extractor process is writing this file; "
                "wait for it to end, or write to another file"
            ) from None
        raise BatchFileError(f"{name}: cannot be locked ({error.strerror})") from None


def _lock_if_a_file(stream: IO[str]) -> None:
    try:
        fd = stream.fileno()
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
    except (OSError, ValueError):  # no descriptor at all (a test runner's buffer)
        return
    if regular:
        _lock(fd, "<stdout>")


@dataclass(frozen=True)
class Resumed:
    done: frozenset[str]  # input keys of documents with a result line
    failed: dict[str, str]  # input key -> errors-file line, for the done ones that failed


def resume_state(path: Path) -> Resumed:
    """The inputs already done in ``path`` (their ``input_key``), and those of them that
    failed; a torn last line is cut off (its input is done again). A document left unsent by
    the cost budget (``BudgetExceeded``) is not done. The file is read a line at
    a time, so that an output of any size can be resumed. Raises ``BatchFileError`` for a
    file that does not hold result lines."""
    done: set[str] = set()
    failed: dict[str, str] = {}
    for number, line in whole_lines(path):
        try:
            result = json.loads(line)
            source = result["source"]
            key = input_key(source.get("path"), source.get("line"))
            if (result.get("error") or {}).get("type") == "BudgetExceeded":
                continue  # never sent: left for this run to do
            if key is not None and result.get("error"):
                failed[key] = error_record_of(source, result["error"])
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            raise BatchFileError(
                f"{path}:{number}: not a result line; cannot resume into this file"
            ) from None
        if key is not None:
            done.add(key)
    return Resumed(frozenset(done), failed)


def whole_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line number, line) for each non-blank line of a file a batch appends to, read one at a
    time; a torn last line, left by a crash in the middle of a write, is cut off the file."""
    if not path.exists():
        return
    with path.open("r+b") as file:
        whole = 0  # bytes of the file up to the end of its last whole line
        for number, line in enumerate(file, start=1):
            if not line.endswith(b"\n"):
                file.truncate(whole)
                return
            whole += len(line)
            if line.strip():
                yield number, line


def repair_errors_file(path: Path, failed: dict[str, str], writer: LineWriter) -> int:
    """Give every failed input of the output its line in the errors file at ``path`` (which
    ``writer`` appends to), as ``--resume`` starts: a crash between writing a failure's result
    line and its errors line would otherwise leave it out of ``--retry-errors`` for good.
    Returns how many lines were added."""
    listed = set()
    for number, line in whole_lines(path):
        try:
            record = json.loads(line)
            listed.add(input_key(record["path"], record.get("line")))
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            raise BatchFileError(f"{path}:{number}: not an errors-file line") from None
    missing = [record for key, record in failed.items() if key not in listed]
    for record in missing:
        writer.write(record)
    return len(missing)


def retry_targets(path: Path) -> list[Target]:
    """The inputs an errors file names: whole files, or the failed rows of JSON Lines files."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise BatchFileError(f"{path}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise BatchFileError(f"{path}: not an errors file (not UTF-8)") from None
    rows: dict[str, set[int]] = {}
    whole: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            source, row = record["path"], record.get("line")
            source = readable_path(source) if source else source
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
