"""Ingest: raw inputs to prepared ``Document``s (text, headline, dateline, page noise)."""

from extractor.ingest.article import document_from_html, document_from_text, prepare, wire_opener
from extractor.ingest.sources import (
    DEFAULT_MAX_BYTES,
    InputFailure,
    InputPlan,
    Target,
    plan_inputs,
    read_target,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "InputFailure",
    "InputPlan",
    "Target",
    "document_from_html",
    "document_from_text",
    "plan_inputs",
    "prepare",
    "read_target",
    "wire_opener",
]
