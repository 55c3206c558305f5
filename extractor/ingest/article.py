"""Text or HTML to a prepared ``Document``: headline, dateline and page noise found."""

from __future__ import annotations

import datetime as dt
import re

from extractor.document import Document
from extractor.ingest.dateline import WireOpener, find_dateline, find_wire_opener
from extractor.ingest.html import extract_article, looks_like_html
from extractor.ingest.noise import find_noise

_MAX_HEADLINE_CHARS = 200
_OPENER_SEARCH_LINES = 5
_SENTENCE_END = re.compile(r"[.!?:;,\"”’]\s*$")


def prepare(document: Document) -> Document:
    """Fill in what ingest reads from the text itself, keeping what the caller gave.

    The dateline line is marked as noise as well: it is metadata, and a date in it must not
    be read as the date of a meeting.
    """
    if document.noise is not None:
        return document
    text = document.text
    title = document.title or _headline(text)
    dateline = find_dateline(text)
    body_start = dateline.end if dateline else 0
    noise = find_noise(text, body_start=body_start)
    opener = wire_opener(text, title)
    if opener:
        noise.insert(0, (opener.start, opener.end))
    if dateline:
        noise.insert(0, (dateline.start, dateline.end))
    return document.model_copy(
        update={
            "title": title,
            "published_at": document.published_at or (dateline.published_at if dateline else None),
            "noise": tuple(noise),
        }
    )


def document_from_text(
    text: str,
    *,
    id: str = "",
    path: str | None = None,
    url: str | None = None,
    title: str | None = None,
    published_at: dt.datetime | None = None,
    name: str = "<text>",
    analyse: bool = True,
) -> Document:
    """A prepared document from article text, or from a whole HTML page if it is one.

    ``analyse=False`` leaves the headline, dateline and noise unread (``noise=None``): the
    pipeline reads them just before extraction, which a parallel batch does in its workers.
    """
    if looks_like_html(text):
        return document_from_html(
            text, id=id, path=path, url=url, title=title, published_at=published_at, name=name
        )
    document = Document(
        text=text, id=id, path=path, url=url, title=title, published_at=published_at
    )
    return prepare(document) if analyse else document


def document_from_html(
    html: str,
    *,
    id: str = "",
    path: str | None = None,
    url: str | None = None,
    title: str | None = None,
    published_at: dt.datetime | None = None,
    name: str = "<html>",
) -> Document:
    article = extract_article(html, name=name)
    return prepare(
        Document(
            text=article.text,
            id=id,
            path=path,
            url=url or article.url,
            title=title or article.title,
            published_at=published_at or article.published_at,
        )
    )


def wire_opener(text: str, title: str | None) -> WireOpener | None:
    """The "NEW DELHI, May 14 (Reuters) -" opener of the first paragraph after the headline
    and dateline: metadata, so that its date is not read as the date of a meeting."""
    position = 0
    for number, line in enumerate(text.split("\n")):
        start, position = position, position + len(line) + 1
        if number >= _OPENER_SEARCH_LINES:
            break
        if not line.strip() or line.strip() == title or find_dateline(line):
            continue
        return find_wire_opener(text, start, start + len(line))
    return None


def _headline(text: str) -> str | None:
    """The first line, when it reads as a headline rather than the start of the body."""
    first_line = text.lstrip().split("\n", 1)[0].strip()
    if (
        first_line
        and len(first_line) <= _MAX_HEADLINE_CHARS
        and not _SENTENCE_END.search(first_line)
        and len(text.strip()) > len(first_line)
    ):
        return first_line
    return None
