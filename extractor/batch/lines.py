"""A result as a batch writes it, and what tells one input from another.

Inputs are told apart by where they come from (``input_key``: the file, resolved, and the row
of a JSON Lines file), never by their ids, which users repeat: two rows with one id, ``a.txt``
beside ``a.html``, a row named like its file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from extractor.document import origin
from extractor.schema import ErrorInfo, ExtractionResult, Usage
from extractor.utf8 import printable_path


@lru_cache(maxsize=4096)
def _resolved(path: str) -> str:
    return os.path.realpath(printable_path(path))


def input_key(path: str | None, line: int | None) -> str | None:
    """The identity of one input document within a batch: its file, resolved (so that
    ``./a.txt`` and ``a.txt`` agree), and its row in a JSON Lines file. None for stdin, which
    cannot be read again."""
    if path is None:
        return None
    return f"{_resolved(path)}:{line}" if line is not None else _resolved(path)


@dataclass(frozen=True)
class ResultLine:
    """A result as the batch writes it, and what the summary and the errors file read from it.

    In one process it holds the ``result`` itself (its JSON is made when first asked for).
    Worker processes send the JSON instead (``serialized``): a string crosses the process
    boundary cheaply, whereas unpickling a tree of models cost the parent process, which reads
    and writes for all workers, more than a third of what one worker spends extracting.
    """

    id: str
    key: str | None  # ``input_key`` of the document
    where: str  # the document for people: "feed.jsonl:3", "a.txt", or its id
    meetings: int
    backend: str
    error: ErrorInfo | None = None
    error_record: str | None = None  # the errors-file line, for a failure
    usage: Usage | None = None
    fell_back: bool = False  # made by a fallback backend, after the primary failed
    result: ExtractionResult | None = None
    serialized: str | None = None
    pretty: bool = False

    @classmethod
    def of(
        cls, result: ExtractionResult, *, pretty: bool = False, serialize: bool = False
    ) -> ResultLine:
        """The line of ``result``; ``serialize`` keeps its JSON rather than the result (for
        a worker process to send)."""
        return cls(
            id=result.source.id,
            key=input_key(result.source.path, result.source.line),
            where=origin(result.source.path, result.source.line, result.source.id),
            meetings=len(result.meetings),
            backend=result.backend,
            error=result.error,
            error_record=error_record(result) if result.error else None,
            usage=result.usage,
            fell_back=result.usage is not None and result.model is None,
            result=None if serialize else result,
            serialized=result.to_json(pretty=pretty) if serialize else None,
            pretty=pretty,
        )

    @cached_property
    def json(self) -> str:
        """The line as written: one JSON document (indented when ``pretty``)."""
        if self.serialized is not None:
            return self.serialized
        assert self.result is not None
        return self.result.to_json(pretty=self.pretty)

    def to_result(self) -> ExtractionResult:
        """The result, read back from its JSON when it came from a worker process."""
        if self.result is not None:
            return self.result
        return ExtractionResult.model_validate_json(self.json)


def error_record(result: ExtractionResult) -> str:
    """One line of the errors file: enough to read that input again, and why it failed."""
    assert result.error is not None
    return error_record_of(result.source.model_dump(), result.error.model_dump())


def error_record_of(source: dict[str, Any], error: dict[str, Any]) -> str:
    """The errors-file line of a failed input, from its result's ``source`` and ``error`` as
    JSON objects (which is how ``--resume`` reads them back from the output)."""
    record = {"id": source["id"], "path": source["path"], "line": source["line"]}
    return json.dumps({**record, "error": error}, ensure_ascii=False)
