"""Ingest: raw inputs to prepared ``Document``s (text, headline, dateline, page noise)."""

from extractor.ingest.article import document_from_html, document_from_text, prepare
from extractor.ingest.plan import (
    STDIN,
    FileIdentity,
    InputPlan,
    Skipped,
    Target,
    descriptor_identity,
    file_identity,
    plan_inputs,
)
from extractor.ingest.sources import (
    DEFAULT_MAX_BYTES,
    InputFailure,
    read_target,
    row_document,
    row_item,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "STDIN",
    "FileIdentity",
    "InputFailure",
    "InputPlan",
    "Skipped",
    "Target",
    "descriptor_identity",
    "document_from_html",
    "document_from_text",
    "file_identity",
    "plan_inputs",
    "prepare",
    "read_target",
    "row_document",
    "row_item",
]
