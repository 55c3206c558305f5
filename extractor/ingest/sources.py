"""Command-line inputs (files, directories, JSON Lines, stdin) to a stream of documents.

Inputs are listed first (cheap: names only) and read one at a time, so a batch of a hundred
thousand files never holds more than one article in memory, and a file that vanishes between
listing and reading becomes an error for that input alone. Every listed input yields exactly
one item per document: a ``Document`` or an ``InputFailure``; nothing is dropped silently.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import BinaryIO, TextIO

from extractor.document import Document
from extractor.errors import (
    EmptyInput,
    ExtractorError,
    InputError,
    InputNotFound,
    InputTooLarge,
    InputUnreadable,
    MalformedInput,
)
from extractor.ingest.article import document_from_html, document_from_text
from extractor.ingest.decode import decode_bytes, normalise_newlines
from extractor.ingest.plan import JSONL_SUFFIXES, STDIN, Target
from extractor.ingest.rows import (
    bounded_rows,
    not_utf8,
    peekable,
    starts_like_rows,
    text_rows,
)
from extractor.isodates import parse_iso_moment

DEFAULT_MAX_BYTES = 10_000_000


@dataclass(frozen=True)
class InputFailure:
    """An input that could not be read; it still gets a result line."""

    id: str
    path: str | None
    error: ExtractorError  # an InputError, or why a worker could not extract it
    line: int | None = None  # the row, for a JSON Lines input


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
    """The documents of one target, or one failure naming it; never raises.

    No more than ``max_bytes`` (plus one) bytes of an article are read, so ``/dev/zero`` or a
    runaway file is refused without filling memory. JSON Lines files are streamed row by row
    (``max_bytes`` then limits each row, refused while it streams past), so a batch of any size
    is never held in memory at once. ``analyse=False`` yields text documents not yet analysed
    (see ``document_from_text``), for a parallel batch whose workers do it.
    """
    reading = _Reading(published_at, analyse)
    path = None if target.path == STDIN else target.path
    name = path or "<stdin>"
    if path is not None and Path(path).suffix.lower() in JSONL_SUFFIXES:
        yield from _file_rows(target, path, max_bytes=max_bytes, reading=reading)
        return
    try:
        if path is None:
            stream = peekable(stdin or sys.stdin.buffer)
            if starts_like_rows(stream):  # JSON Lines on stdin
                yield from _rows(text_rows(stream), target, max_bytes=max_bytes, reading=reading)
                return
            data = _bounded_read(stream, name, max_bytes)
        else:
            data = _read_bytes(path, max_bytes=max_bytes)
        text = decode_bytes(data, name=name)
        if _is_json(target.path):
            yield from _json_documents(text, target, reading)
            return
        yield document_from_text(
            text, id=target.id, path=path, published_at=published_at, name=name, analyse=analyse
        )
    except InputError as error:
        yield InputFailure(target.id, path, error)
    except Exception as error:  # noqa: BLE001 - one input never stops the batch
        yield InputFailure(target.id, path, _unexpected(name, error))


def _unexpected(where: str, error: Exception) -> InputError:
    problem = f"unexpected {type(error).__name__}: {error}"
    return MalformedInput(f"{where}: could not be read ({problem})")


def _file_rows(
    target: Target, path: str, *, max_bytes: int, reading: _Reading
) -> Iterator[Document | InputFailure]:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, after the last row is read
    except OSError as error:
        yield InputFailure(target.id, path, _unreadable(path, error))
        return
    with handle:
        yield from _rows(text_rows(handle), target, max_bytes=max_bytes, reading=reading)


def _rows(
    rows: TextIO, target: Target, *, max_bytes: int, reading: _Reading
) -> Iterator[Document | InputFailure]:
    """One document (or failure) per row of a JSON Lines stream (``extractor.ingest.rows``);
    a stream without a row is one failure, not silence."""
    path = None if target.path == STDIN else target.path
    count = 0
    for line_number, row in bounded_rows(rows, max_bytes):
        if target.lines is not None and line_number not in target.lines:
            continue
        count += 1
        where = f"{path or '<stdin>'}:{line_number}"
        problem: InputError | None = None
        if isinstance(row, int):
            problem = InputTooLarge(
                f"{where}: a row of {row:,} characters is over the limit of {max_bytes:,} "
                "(raise --max-bytes)"
            )
        elif not_utf8(row):
            problem = MalformedInput(f"{where}: not UTF-8 text (JSON Lines rows are UTF-8)")
        if problem is not None:
            yield InputFailure(f"{target.id}:{line_number}", path, problem, line_number)
        else:
            yield _row(str(row), line_number, target, reading)
    if count == 0 and target.lines is None:
        where = path or "<stdin>"
        yield InputFailure(target.id, path, EmptyInput(f"{where}: the input holds no rows"))


def _unreadable(path: str, error: OSError) -> InputError:
    if isinstance(error, FileNotFoundError):
        return InputNotFound(f"{path}: no such file")
    if isinstance(error, IsADirectoryError):
        return InputNotFound(f"{path}: is a directory that could not be listed")
    return InputUnreadable(f"{path}: cannot be read ({error.strerror or error})")


def _read_bytes(path: str, *, max_bytes: int) -> bytes:
    """At most ``max_bytes`` of a file; raises ``InputTooLarge`` for more (having read one
    byte more, not the rest) and ``InputNotFound`` for a file that cannot be read."""
    try:
        with open(path, "rb") as handle:
            return _bounded_read(handle, path, max_bytes)
    except OSError as error:
        raise _unreadable(path, error) from None


def _bounded_read(stream: BinaryIO, name: str, max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputTooLarge(
            f"{name}: more than the limit of {max_bytes:,} bytes (raise --max-bytes)"
        )
    return data


def _is_json(path: str) -> bool:
    return path != STDIN and Path(path).suffix.lower() == ".json"


def _json_documents(
    text: str, target: Target, reading: _Reading
) -> Iterator[Document | InputFailure]:
    """The documents of a ``.json`` file: one object, an array of them, or JSON Lines; a
    broken row is an error for that row only."""
    stripped = text.strip()
    rows: list[tuple[int, object]]
    if stripped.startswith("[") and Path(target.path).suffix.lower() == ".json":
        try:
            array = _parse_json(stripped, where=target.path)
        except MalformedInput as error:
            yield InputFailure(target.id, target.path, error)
            return
        rows = list(enumerate(array if isinstance(array, list) else [array], start=1))
    else:
        rows = [(n, line) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    for line_number, row in rows:
        if target.lines is None or line_number in target.lines:
            yield _row(row, line_number, target, reading)


def _row(
    row: object, line_number: int, target: Target, reading: _Reading
) -> Document | InputFailure:
    """One JSON Lines row (its text, or the object already parsed) as a document, or as a
    failure naming the file and the line and keeping the id the row gives, if it gives one."""
    where = f"{target.path}:{line_number}"
    fallback_id = f"{target.id}:{line_number}"
    if isinstance(row, str):
        try:
            row = _parse_json(row, where=where)
        except InputError as error:
            return InputFailure(fallback_id, target.path, error, line_number)
    return row_item(
        row,
        where=where,
        fallback_id=fallback_id,
        path=target.path,
        line=line_number,
        published_at=reading.published_at,
        analyse=reading.analyse,
    )


def row_item(
    row: object,
    *,
    where: str,
    fallback_id: str,
    path: str | None = None,
    line: int | None = None,
    published_at: dt.datetime | None = None,
    analyse: bool = True,
) -> Document | InputFailure:
    """``row_document``, for a batch: the document of one row (with its ``line``), or the
    failure that names it and keeps the id the row gives; never raises, so that one row
    never stops the others (JSON Lines files, the service's jobs, Ray's blocks)."""
    try:
        document = row_document(
            row,
            where=where,
            fallback_id=fallback_id,
            path=path,
            published_at=published_at,
            analyse=analyse,
        )
    except InputError as error:
        return InputFailure(_failed_row_id(row, fallback_id), path, error, line)
    except Exception as error:  # noqa: BLE001 - one row never stops the batch
        failure = _unexpected(where, error)
        return InputFailure(_failed_row_id(row, fallback_id), path, failure, line)
    return document if line is None else document.model_copy(update={"line": line})


def row_document(
    row: object,
    *,
    where: str,
    fallback_id: str,
    path: str | None = None,
    published_at: dt.datetime | None = None,
    analyse: bool = True,
) -> Document:
    """The document of one row object ``{"id", "text" | "html", "published_at", "url",
    "title"}``, as a JSON Lines file or the service gives it; ``where`` names the row in
    messages, ``fallback_id`` is its id when it gives none, and ``published_at`` overrides
    its own.

    Raises ``MalformedInput`` naming ``where`` and the field for a row that is not an object,
    has no non-empty text or HTML, or a field of the wrong type or form."""
    if not isinstance(row, dict):
        raise MalformedInput(f"{where}: a row must be a JSON object, got {_json_type(row)}")
    document_id = _given_id(row.get("id")) or fallback_id
    return _row_document(
        row,
        where=where,
        document_id=document_id,
        path=path,
        reading=_Reading(published_at, analyse),
    )


def _failed_row_id(row: object, fallback_id: str) -> str:
    return (_given_id(row.get("id")) if isinstance(row, dict) else None) or fallback_id


def _given_id(value: object) -> str | None:
    """A document id as the user wrote it, as a string: ``"r3"`` stays ``r3``, ``0`` is
    ``"0"``, ``false`` is ``"false"`` and an object is its compact JSON; None for no id
    (absent, null or empty), when the batch names the document by its file and line."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    try:
        return json.dumps(_numbers_as_numbers(value), ensure_ascii=False, separators=(",", ":"))
    except RecursionError:  # an id nested too deeply to write: the file and line name it
        return None


def _numbers_as_numbers(value: object) -> object:
    """An object or array id with its numbers as numbers again, to be written as JSON."""
    if isinstance(value, dict):
        return {key: _numbers_as_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_numbers_as_numbers(item) for item in value]
    if isinstance(value, _Number):
        with contextlib.suppress(ValueError):  # a number Python will not hold stays its text
            return json.loads(value)
    return value


class _Number(str):
    """A JSON number, as the text it is written as (see ``_parse_json``)."""


def _parse_json(text: str, *, where: str) -> object:
    """A JSON value, its numbers kept as the text they are written as (an id ``1e2`` stays
    "1e2", ``-0`` stays "-0", a number of thousands of digits stays whole: Python would refuse
    to make an int of it). Raises ``MalformedInput`` for invalid JSON and for nesting too deep
    for the parser, so that no row can end the batch."""
    try:
        return json.loads(text, parse_int=_Number, parse_float=_Number, parse_constant=_Number)
    except json.JSONDecodeError as error:
        raise MalformedInput(
            f"{where}: invalid JSON ({error.msg} at column {error.colno})"
        ) from None
    except RecursionError:
        raise MalformedInput(f"{where}: JSON nested too deeply to read") from None


def _json_type(value: object) -> str:
    names = {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        type(None): "null",
    }
    return names.get(type(value), "a number")


def _row_document(
    row: dict[str, object], *, where: str, document_id: str, path: str | None, reading: _Reading
) -> Document:
    content = row.get("text") if row.get("text") is not None else row.get("html")
    if not isinstance(content, str) or isinstance(content, _Number) or not content.strip():
        raise MalformedInput(f"{where}: the row has no non-empty 'text' or 'html' field")
    build = (
        partial(document_from_text, analyse=reading.analyse)
        if row.get("text") is not None
        else document_from_html
    )
    return build(
        normalise_newlines(content),
        id=document_id,
        path=path,
        url=_optional_text(row, "url", where),
        title=_optional_text(row, "title", where),
        published_at=reading.published_at or _row_moment(row.get("published_at"), where=where),
        name=where,
    )


def _optional_text(row: dict[str, object], field: str, where: str) -> str | None:
    """A row's optional text field: absent or null is None; anything but a string is refused
    rather than written out as Python would print it."""
    value = row.get(field)
    if value is None or (isinstance(value, str) and not isinstance(value, _Number)):
        return value
    raise MalformedInput(f"{where}: {field!r} must be a string, not {_json_type(value)}")


def _row_moment(value: object, *, where: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        return parse_iso_moment(str(value))
    except ValueError:
        raise MalformedInput(f"{where}: published_at {value!r} is not an ISO 8601 date") from None
