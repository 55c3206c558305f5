"""Text that can always be written out as UTF-8.

Python strings may hold lone surrogate code points (U+D800 to U+DFFF), which UTF-8 cannot
encode: a JSON Lines row with the escape ``"\\ud800"`` decodes to one, and so does a file
name that is not valid UTF-8 (Python's ``surrogateescape``). A result holding one could not be
written, so they are replaced where text enters the contract.
"""

from __future__ import annotations

import codecs
import os
import re
from typing import Annotated

from pydantic import AfterValidator

_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT_CHARACTER = "\ufffd"


def replace_surrogates(text: str) -> str:
    """``text`` with each surrogate code point replaced by U+FFFD, one for one, so that
    character offsets into it still hold."""
    return text if text.isascii() else _SURROGATE.sub(REPLACEMENT_CHARACTER, text)


EncodableStr = Annotated[str, AfterValidator(replace_surrogates)]
"""A ``str`` field whose value is always encodable as UTF-8."""


def printable_path(path: str) -> str:
    """A file name as results print it: as it is when it is UTF-8, else its other bytes as
    ``\\xNN`` escapes (``x\\xfe.txt``). Unlike U+FFFD, escapes keep two names apart, so
    that ``--resume`` cannot take one file for another; ``readable_path`` reads them back."""
    if path.isascii():
        return path
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def readable_path(printed: str) -> str:
    """The file a ``printable_path`` names: the escapes turned back into the bytes of a name
    that is not UTF-8, when such a file exists (a name may also hold a real backslash)."""
    if "\\x" not in printed or os.path.lexists(printed):
        return printed
    raw = codecs.escape_decode(printed.encode("utf-8"))[0]
    assert isinstance(raw, bytes)
    candidate = os.fsdecode(raw)
    return candidate if os.path.lexists(candidate) else printed


PathStr = Annotated[str, AfterValidator(printable_path)]
"""A file name field, printable as UTF-8 and never two names in one."""
