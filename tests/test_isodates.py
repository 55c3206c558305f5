"""One reading of ISO 8601 moments, the same from a JSON Lines row, a page and a caller."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from extractor.document import Document
from extractor.ingest import document_from_html
from extractor.isodates import find_iso_moment, parse_iso_moment

from .test_ingest import read

JST = dt.timezone(dt.timedelta(hours=9))
MOMENTS = [
    ("2024-03-08T14:07:00+09:00", dt.datetime(2024, 3, 8, 14, 7, tzinfo=JST)),
    ("2024-03-08T05:07:00Z", dt.datetime(2024, 3, 8, 5, 7, tzinfo=dt.UTC)),
    ("2024-03-08t05:07:00z", dt.datetime(2024, 3, 8, 5, 7, tzinfo=dt.UTC)),  # RFC 3339 5.6
    ("2024-03-08 14:07+0900", dt.datetime(2024, 3, 8, 14, 7, tzinfo=JST)),
    (" 2024-03-08T05:07:00.250Z\n", dt.datetime(2024, 3, 8, 5, 7, 0, 250000, tzinfo=dt.UTC)),
    ("2024-03-08", dt.datetime(2024, 3, 8)),
]


@pytest.mark.parametrize(("written", "moment"), MOMENTS)
def test_a_moment_is_read_alike_from_a_row_a_page_and_a_caller(
    tmp_path: Path, written: str, moment: dt.datetime
) -> None:
    assert parse_iso_moment(written) == moment
    row = tmp_path / "rows.jsonl"
    row.write_text(json.dumps({"text": "Body only.", "published_at": written}))
    [document] = read(row)
    assert isinstance(document, Document) and document.published_at == moment
    page = (
        f'<html><head><meta property="article:published_time" content="{written}">'
        "</head><body><article><p>Ministers met in Tokyo on Friday to talk about trade and "
        "security, officials said.</p></article></body></html>"
    )
    assert document_from_html(page, name="page").published_at == moment


@pytest.mark.parametrize("written", ["not a date", "08/03/2024", "2024-13-01", ""])
def test_anything_else_is_no_moment(written: str) -> None:
    with pytest.raises(ValueError):
        parse_iso_moment(written)
    assert find_iso_moment(written) is None
