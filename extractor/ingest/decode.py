"""Bytes to text: the encodings news files really come in, and a clear no for binaries."""

from __future__ import annotations

import codecs

from extractor.errors import BinaryInput, EmptyInput

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SNIFF_BYTES = 8192
# Control characters other than tab, newline, form feed and carriage return: more than 1% of
# them means binary, a stray NUL in a scraped article does not.
_BINARY_CONTROLS = bytes(range(0, 9)) + bytes(range(14, 32)) + b"\x0b"


def decode_bytes(data: bytes, *, name: str) -> str:
    """Decode an article's bytes, normalising line endings to ``\\n``.

    UTF-8 (with or without BOM) and UTF-16/32 with a BOM are read as such; anything else that
    is not valid UTF-8 is read as Windows-1252, the usual encoding of legacy Latin-1 news
    feeds (it agrees with Latin-1 on every printable character). A file that looks binary is
    refused rather than read as mojibake.
    """
    if not data.strip():
        raise EmptyInput(f"{name}: the input is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return normalise_newlines(data.decode(encoding, errors="replace"))
    sample = data[:_SNIFF_BYTES]
    if sum(sample.count(c) for c in _BINARY_CONTROLS) > len(sample) // 100:
        raise BinaryInput(f"{name}: the input looks binary, not text or HTML")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return normalise_newlines(text)


def normalise_newlines(text: str) -> str:
    """Line endings as ``\\n``: Windows ``\\r\\n`` and the bare ``\\r`` of old Mac files and some
    feeds, which would otherwise run two paragraphs into one."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
