"""Command-line inputs (files, directories, JSON Lines, stdin) to a stream of documents.

Inputs are listed first (cheap: names only) and read one at a time, so a batch of a hundred
thousand files never holds more than one article in memory, and a file that vanishes between
listing and reading becomes an error for that input alone. Every listed input yields exactly
one item per document: a ``Document`` or an ``InputFailure``; nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO

from extractor.document import Document
from extractor.errors import InputError, InputNotFound, InputTooLarge, MalformedInput
from extractor.ingest.article import document_from_html, document_from_text
from extractor.ingest.decode import decode_bytes

ARTICLE_SUFFIXES = frozenset({".txt", ".text", ".html", ".htm", ".xhtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
DEFAULT_MAX_BYTES = 10_000_000
STDIN = "-"


@dataclass(frozen=True)
class InputFailure:
    """An input that could not be read; it still gets a result line."""

    id: str
    path: str | None
    error: InputError
    line: int | None = None  # the row, for a JSON Lines input


@dataclass(frozen=True)
class Target:
    """One thing to read: a file (article or JSON Lines) or stdin, with the id to give it."""

    path: str
    id: str
    lines: frozenset[int] | None = None  # JSON Lines: only these rows (a retry of failures)


@dataclass
class InputPlan:
    """What the command line asked for, listed before anything is read."""

    targets: list[Target] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def has_streams(self) -> bool:
        """True when a target holds an unknown number of documents (JSONL, stdin)."""
        return any(
            t.path == STDIN or Path(t.path).suffix.lower() in JSONL_SUFFIXES for t in self.targets
        )


def plan_inputs(paths: Sequence[str]) -> InputPlan:
    """Expand directories (recursively, sorted) into the files to read.

    Files named on the command line are always read, whatever their suffix. Inside a
    directory only article and JSON Lines suffixes are taken; the other files are listed in
    ``skipped`` so the caller can say so (a labelled-fixture directory holds ``.json`` labels
    beside its articles).
    """
    plan = InputPlan()
    for raw in paths:
        path = Path(raw)
        if raw == STDIN:
            plan.targets.append(Target(STDIN, "stdin"))
        elif path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = file.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                if file.suffix.lower() in ARTICLE_SUFFIXES | JSONL_SUFFIXES:
                    plan.targets.append(Target(str(file), str(relative.with_suffix(""))))
                else:
                    plan.skipped.append(str(file))
        else:
            plan.targets.append(Target(raw, path.stem))
    return plan


@dataclass(frozen=True)
class _Reading:
    """How documents are made from what is read."""

    published_at: dt.datetime | None  # overrides the inputs' own
    analyse: bool  # False leaves headline, dateline and noise to the pipeline


def read_target(
    target: Target,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    published_at: dt.datetime | None = None,
    stdin: BinaryIO | None = None,
    analyse: bool = True,
) -> Iterator[Document | InputFailure]:
    """The documents of one target, or one failure naming it.

    JSON Lines files are streamed row by row (``max_bytes`` then limits each row), so a batch
    of any size is never held in memory at once. ``analyse=False`` yields text documents not
    yet analysed (see ``document_from_text``), for a parallel batch whose workers do it.
    """
    reading = _Reading(published_at, analyse)
    path = None if target.path == STDIN else target.path
    name = path or "<stdin>"
    if path is not None and Path(path).suffix.lower() in JSONL_SUFFIXES:
        yield from _stream_jsonl(target, path, max_bytes=max_bytes, reading=reading)
        return
    try:
        data = _read_bytes(target.path, max_bytes=max_bytes, stdin=stdin)
        text = decode_bytes(data, name=name)
        if _is_jsonl(target.path, text):
            yield from _jsonl_documents(text, target, reading)
            return
        yield document_from_text(
            text, id=target.id, path=path, published_at=published_at, name=name, analyse=analyse
        )
    except InputError as error:
        yield InputFailure(target.id, path, error)


def _stream_jsonl(
    target: Target, path: str, *, max_bytes: int, reading: _Reading
) -> Iterator[Document | InputFailure]:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, after the last row is read
    except OSError as error:
        yield InputFailure(target.id, path, _unreadable(path, error))
        return
    with handle:
        for line_number, raw in enumerate(handle, start=1):
            if not raw.strip() or (target.lines is not None and line_number not in target.lines):
                continue
            where = f"{path}:{line_number}"
            if len(raw) > max_bytes:
                yield InputFailure(
                    f"{target.id}:{line_number}",
                    path,
                    InputTooLarge(
                        f"{where}: a row of {len(raw):,} bytes is over the limit of {max_bytes:,} "
                        "(raise --max-bytes)"
                    ),
                    line_number,
                )
                continue
            yield _row(_decode_row(raw), line_number, target, reading)


def _decode_row(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _unreadable(path: str, error: OSError) -> InputError:
    if isinstance(error, FileNotFoundError):
        return InputNotFound(f"{path}: no such file")
    return InputNotFound(f"{path}: cannot be read ({error.strerror or error})")


def _read_bytes(path: str, *, max_bytes: int, stdin: BinaryIO | None) -> bytes:
    if path == STDIN:
        data = (stdin or sys.stdin.buffer).read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputTooLarge(f"<stdin>: more than {max_bytes:,} bytes (raise --max-bytes)")
        return data
    try:
        size = Path(path).stat().st_size
        if size > max_bytes:
            raise InputTooLarge(
                f"{path}: {size:,} bytes is over the limit of {max_bytes:,} (raise --max-bytes)"
            )
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputNotFound(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputNotFound(f"{path}: is a directory that could not be listed") from None
    except OSError as error:
        raise InputNotFound(f"{path}: cannot be read ({error.strerror or error})") from None


def _is_jsonl(path: str, text: str) -> bool:
    suffix = Path(path).suffix.lower()
    if suffix in JSONL_SUFFIXES or suffix == ".json":
        return True
    return path == STDIN and text.lstrip().startswith("{")


def _jsonl_documents(
    text: str, target: Target, reading: _Reading
) -> Iterator[Document | InputFailure]:
    """One document per JSON Lines row; a broken row is an error for that row only.

    A ``.json`` file holding one object (or an array of them) is read the same way.
    """
    stripped = text.strip()
    rows: list[tuple[int, str]]
    if stripped.startswith("[") and Path(target.path).suffix.lower() == ".json":
        try:
            rows = [(i + 1, json.dumps(row)) for i, row in enumerate(json.loads(stripped))]
        except json.JSONDecodeError as error:
            yield InputFailure(
                target.id,
                target.path,
                MalformedInput(f"{target.path}: invalid JSON ({error.msg} at line {error.lineno})"),
            )
            return
    else:
        rows = [(n, line) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    for line_number, line in rows:
        if target.lines is None or line_number in target.lines:
            yield _row(line, line_number, target, reading)


def _row(line: str, line_number: int, target: Target, reading: _Reading) -> Document | InputFailure:
    """One JSON Lines row as a document, or as a failure naming the file and the line."""
    fallback_id = f"{target.id}:{line_number}"
    try:
        document = _row_document(
            line,
            where=f"{target.path}:{line_number}",
            fallback_id=fallback_id,
            path=target.path,
            reading=reading,
        )
    except InputError as error:
        return InputFailure(fallback_id, target.path, error, line_number)
    return document.model_copy(update={"line": line_number})


def _row_document(
    line: str, *, where: str, fallback_id: str, path: str, reading: _Reading
) -> Document:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise MalformedInput(f"{where}: invalid JSON ({error.msg})") from None
    if not isinstance(row, dict):
        raise MalformedInput(f"{where}: a row must be a JSON object, got {type(row).__name__}")
    content = row.get("text") if row.get("text") is not None else row.get("html")
    if not isinstance(content, str) or not content.strip():
        raise MalformedInput(f"{where}: the row has no non-empty 'text' or 'html' field")
    build = (
        partial(document_from_text, analyse=reading.analyse)
        if row.get("text") is not None
        else document_from_html
    )
    return build(
        content.replace("\r\n", "\n"),
        id=str(row.get("id") or fallback_id),
        path=path,
        url=_optional_str(row.get("url")),
        title=_optional_str(row.get("title")),
        published_at=reading.published_at or _row_moment(row.get("published_at"), where=where),
        name=where,
    )


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


def _row_moment(value: object, *, where: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise MalformedInput(f"{where}: published_at {value!r} is not an ISO 8601 date") from None
