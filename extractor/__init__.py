"""Typed records of meetings from news text.

>>> from extractor import extract
>>> result = extract(open("fixtures/seed-article.txt").read())
>>> [p.name for p in result.meetings[0].participants]
['Yoko Kamikawa', 'Subrahmanyam Jaishankar']
"""

from extractor.document import Document
from extractor.errors import (
    BackendError,
    BackendUnavailable,
    ExtractorError,
    InputError,
)
from extractor.pipeline import extract, extract_many, extract_paths
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

__all__ = [
    "SCHEMA_VERSION",
    "BackendError",
    "BackendUnavailable",
    "Document",
    "Evidence",
    "ExtractionResult",
    "ExtractorError",
    "InputError",
    "Location",
    "Meeting",
    "Participant",
    "Quote",
    "extract",
    "extract_many",
    "extract_paths",
    "json_schema",
]
