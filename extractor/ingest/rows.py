"""JSON Lines rows streamed from a file or stdin, one at a time and bounded in size.

A feed is read the way text files are: the encoding from its byte order mark (UTF-8 without
one, as RFC 8259 section 8.1 has JSON), any BOM dropped, and line endings in every style
(``\\n``, ``\\r\\n``, and the bare ``\\r`` of old Mac tools) ending a row. A row longer than
the limit is read past in chunks, never held whole; bytes that are not valid in the encoding
come through as Python's ``surrogateescape`` code points, so that the row can be refused as
not UTF-8 on its own while the rows after it are read.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from typing import BinaryIO, TextIO

_SKIP_CHUNK = 1 << 20  # how much of an over-long row is read at a time to get past it
_BOMS: tuple[tuple[bytes, str], ...] = (  # UTF-32 first: its LE BOM starts like UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def text_rows(stream: BinaryIO) -> TextIO:
    """``stream`` as text (see the module docstring); ``stream`` must be peekable (a file
    opened with buffering, ``sys.stdin.buffer``, or ``peekable(stream)``)."""
    head = peekable(stream).peek(4)[:4]
    encoding = next((name for bom, name in _BOMS if head.startswith(bom)), "utf-8-sig")
    return io.TextIOWrapper(stream, encoding=encoding, errors="surrogateescape", newline=None)


def starts_like_rows(stream: io.BufferedReader) -> bool:
    """True when the stream's first character, past a BOM and white space, opens a JSON
    object: stdin holding JSON Lines rather than an article (looked at without consuming)."""
    head = stream.peek(256)[:256]
    encoding = next((name for bom, name in _BOMS if head.startswith(bom)), "utf-8-sig")
    return head.decode(encoding, errors="ignore").lstrip().startswith("{")


def peekable(stream: BinaryIO) -> io.BufferedReader:
    """A buffered reader over ``stream``, which can look ahead without consuming."""
    if isinstance(stream, io.BufferedReader):
        return stream
    return io.BufferedReader(_Raw(stream))


class _Raw(io.RawIOBase):
    """Any binary stream (a ``BytesIO`` given for stdin) as the raw stream a buffered reader
    wraps."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def bounded_rows(rows: TextIO, limit: int) -> Iterator[tuple[int, str | int]]:
    """(line number, row) for each non-blank row; a row over ``limit`` characters comes as
    its length instead, read past in chunks without ever being held whole."""
    line_number = 0
    while row := rows.readline(limit + 1):
        line_number += 1
        if len(row) <= limit or row.endswith("\n"):
            if row.strip():
                yield line_number, row
            continue
        size = len(row)
        while (rest := rows.readline(_SKIP_CHUNK)) and not rest.endswith("\n"):
            size += len(rest)
        yield line_number, size + len(rest)


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def not_utf8(row: str) -> bool:
    """True when the row held bytes its encoding does not allow (see the module docstring)."""
    return not row.isascii() and _ESCAPED_BYTE.search(row) is not None
