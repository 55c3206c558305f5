"""Result lines read back from a JSON Lines file (what ``extractor extract -o`` wrote).

A line that is not a result (broken JSON, a row of something else) is skipped and named in
``ResultsFile.skipped``, so that the command can tell the user; nothing is dropped silently.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.errors import InputNotFound, InputUnreadable


@dataclass
class ResultsFile:
    """The results of ``path``, read lazily by iterating; ``skipped`` holds one message per
    line that was not a result."""

    path: Path
    skipped: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        try:
            file = self.path.open(encoding="utf-8-sig")
        except FileNotFoundError:
            raise InputNotFound(f"{self.path}: no such results file") from None
        except OSError as error:
            raise InputUnreadable(f"{self.path}: cannot be read ({error.strerror})") from None
        with file:
            for number, line in enumerate(file, start=1):
                if not line.strip():
                    continue
                try:
                    result = json.loads(line)
                except (json.JSONDecodeError, RecursionError):
                    self.skipped.append(f"{self.path}:{number}: not JSON")
                    continue
                if not isinstance(result, dict) or "source" not in result:
                    self.skipped.append(f"{self.path}:{number}: not a result line")
                    continue
                yield result
