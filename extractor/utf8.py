"""Text that can always be written out as UTF-8.

Python strings may hold lone surrogate code points (U+D800 to U+DFFF), which UTF-8 cannot
encode: a JSON Lines row with the escape ``"\\ud800"`` decodes to one, and so does a file
name that is not valid UTF-8 (Python's ``surrogateescape``). A result holding one could not be
written, so they are replaced where text enters the contract.
"""

from __future__ import annotations

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
