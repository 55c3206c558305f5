"""Every labelled HTML page is dated to its labelled moment, zone included.

The moment comes from trafilatura's date extraction (htmldate, asked for the time and zone:
see ``extractor/ingest/html.py``); this holds it to the labels, so that an upgrade of either
library that reads a page differently is seen here, page by page.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.ingest import document_from_html
from extractor.isodates import parse_iso_moment

from .conftest import FIXTURES, REPO

PAGES = sorted(
    page
    for pattern in ("*.html", "*.htm")
    for folder in (FIXTURES, *sorted((REPO / "evals" / "heldout").glob("*/")))
    for page in folder.glob(pattern)
)


def test_there_are_pages_to_check() -> None:
    assert len(PAGES) >= 14


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.stem)
def test_a_page_is_dated_to_its_labelled_moment(page: Path) -> None:
    label = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    labelled = parse_iso_moment(label["source"]["published_at"])
    document = document_from_html(page.read_text(encoding="utf-8"), name=page.name)
    assert document.published_at == labelled
    assert document.published_at.utcoffset() == labelled.utcoffset()
