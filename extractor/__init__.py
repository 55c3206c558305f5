"""Typed records of meetings from news text.

>>> from extractor import extract
>>> result = extract(open("fixtures/seed-article.txt").read())
>>> [p.name for p in result.meetings[0].participants]
['Yoko Kamikawa', 'Subrahmanyam Jaishankar']

The names below are loaded on first use (PEP 562), so that ``import extractor`` is instant:
the command line can then take Ctrl-C from its very start (``extractor.__main__``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extractor.api import aextract_many, extract, extract_many, extract_paths
    from extractor.document import Document
    from extractor.errors import BackendError, BackendUnavailable, ExtractorError, InputError
    from extractor.llm.config import LLMConfig
    from extractor.schema import (
        SCHEMA_VERSION,
        Evidence,
        ExtractionResult,
        Location,
        Meeting,
        Participant,
        Quote,
        json_schema,
    )

_HOMES = {
    "Document": "extractor.document",
    "BackendError": "extractor.errors",
    "BackendUnavailable": "extractor.errors",
    "ExtractorError": "extractor.errors",
    "InputError": "extractor.errors",
    "aextract_many": "extractor.api",
    "extract": "extractor.api",
    "extract_many": "extractor.api",
    "extract_paths": "extractor.api",
    "LLMConfig": "extractor.llm.config",
    "SCHEMA_VERSION": "extractor.schema",
    "Evidence": "extractor.schema",
    "ExtractionResult": "extractor.schema",
    "Location": "extractor.schema",
    "Meeting": "extractor.schema",
    "Participant": "extractor.schema",
    "Quote": "extractor.schema",
    "json_schema": "extractor.schema",
}

__all__ = [
    "SCHEMA_VERSION",
    "BackendError",
    "BackendUnavailable",
    "Document",
    "Evidence",
    "ExtractionResult",
    "ExtractorError",
    "InputError",
    "LLMConfig",
    "Location",
    "Meeting",
    "Participant",
    "Quote",
    "aextract_many",
    "extract",
    "extract_many",
    "extract_paths",
    "json_schema",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'extractor' has no attribute {name!r}")
    value = getattr(import_module(_HOMES[name]), name)
    globals()[name] = value  # loaded once
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
