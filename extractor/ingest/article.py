"""Text or HTML to a prepared ``Document``: headline, page stamp and page noise found."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from extractor.document import Document
from extractor.errors import EmptyInput
from extractor.ingest.dateline import MONTH_PATTERN, MONTHS, read_stamp
from extractor.ingest.html import (
    HTML_SUFFIXES,
    extract_article,
    looks_like_html,
    text_without_tags,
)
from extractor.ingest.noise import find_noise
from extractor.ingest.page import Page, read_page

# A page address dated by year and month: ".../2019/04/04/story", ".../2019/4/story".
_DATED_URL = re.compile(r"/(?P<year>(?:19|20)\d{2})/(?P<month>[01]?\d)/")


def prepare(document: Document) -> Document:
    """Fill in what ingest reads from the text itself, keeping what the caller gave.

    The top of the page is read first (``extractor.ingest.page``): its furniture, captions,
    bylines, stamp lines and the wire opener are marked as noise with the page noise of the
    rest: they are metadata, and a name or a date in them must not be read as a participant
    or as the date of a meeting. Offsets are kept: noise is marked, never cut.
    """
    if document.noise is not None:
        return document
    text = document.text
    page = read_page(text, document.title)
    noise = [*page.noise, *find_noise(text, body_start=page.body_start)]
    moment = document.published_at or _page_moment(page, document.url)
    closing = _closing_stamp(text)
    if closing is not None:
        noise.append(closing[1])  # metadata, like the stamps at the top
        moment = moment or _agreeing_with(closing[0], _printed_month_day(text[:_TOP_CHARS]))
    return document.model_copy(
        update={
            "title": document.title or page.headline,
            "opener": page.opener,
            "published_at": moment,
            "noise": tuple(sorted(noise)),
        }
    )


def _page_moment(page: Page, url: str | None) -> dt.datetime | None:
    """The page stamp's moment; failing that, the day a wire opener prints, if its year is
    known.

    An opener gives a day without its year ("BEIJING, Feb. 25 (Xinhua) --"): guessing the
    nearest plausible year would invent a date, so its day is taken only when the opener
    itself prints the year ("ABU DHABI, 12th March, 2024 (WAM) --") or the page's address
    is dated with the same month ("/2019/04/..."). The day has no time and no zone.
    """
    opener = page.opener
    if page.dateline is not None:
        printed = (opener.month, opener.day) if opener and opener.month and opener.day else None
        return _agreeing_with(page.dateline.published_at, printed)
    if opener is None or opener.month is None or opener.day is None:
        return None
    year = opener.year
    if year is None and url:
        dated = _DATED_URL.search(url)
        if dated and int(dated.group("month")) == opener.month:
            year = int(dated.group("year"))
    if year is None:
        return None
    try:
        return dt.datetime(year, opener.month, opener.day)
    except ValueError:
        return None


_TOP_CHARS = 600  # the top of a page, where a stamp without its year may print the day
_CLOSING_LINES = 12  # non-empty lines at the end of a page where a closing stamp may stand
# A stamp that closes a story carries its publisher's credit or says what it dates:
# "MAP: 14 April 2025", "Published: 14 April 2025".
_CLOSING_CREDIT = re.compile(r"^(?:(?i:published|posted|updated|date)\b|[A-Z]{2,10}\s*[:/–-])")


def _closing_stamp(text: str) -> tuple[dt.datetime, tuple[int, int]] | None:
    """The moment and span of a stamp line at the end of the story, which national portals
    print under the last paragraph ("MAP: 14 April 2025"); None when the page closes with
    none."""
    end, seen = len(text), 0
    while end > 0 and seen < _CLOSING_LINES:  # the last lines, read upwards
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].strip()
        if line:
            seen += 1
            stamp = read_stamp(line) if _CLOSING_CREDIT.match(line) else None
            if stamp is not None:
                return stamp.published_at, (start, start + len(text[start:end].rstrip()))
        end = start - 1
    return None


def _agreeing_with(moment: dt.datetime, printed: tuple[int, int] | None) -> dt.datetime:
    """A stamp whose day and month the page prints the other way round elsewhere, with the
    month's name ("08/03/2022 01:27 PM" over "Taipei, Aug. 3 (CNA)"; "Published: 6/10/2025"
    under "19:40 | Lima, Jun. 10."): month and day as the name has them. ``printed`` is that
    (month, day). A numeric stamp does not say which comes first; a month's name does."""
    if printed is None:
        return moment
    month, day = printed
    if (moment.month, moment.day) == (day, month) and month <= 12:
        try:
            return moment.replace(month=month, day=day)
        except ValueError:
            return moment
    return moment


_MONTH_DAY = re.compile(
    rf"\b(?P<month>{MONTH_PATTERN})\.?\s+(?P<day>\d{{1,2}})\b|"
    rf"\b(?P<day_first>\d{{1,2}})\s+(?P<month_after>{MONTH_PATTERN})\b",
    re.IGNORECASE,
)


def _printed_month_day(top: str) -> tuple[int, int] | None:
    """The first (month, day) the top of a page prints with the month's name."""
    found = _MONTH_DAY.search(top)
    if found is None:
        return None
    month = MONTHS[(found.group("month") or found.group("month_after")).lower()]
    return month, int(found.group("day") or found.group("day_first"))


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

    A text only sniffed as HTML (starting with "<p>" or "<b>"; not in an HTML file) in which
    trafilatura finds no article, a fragment rather than a page, is read with its tags taken
    out instead of refused: evidence offsets then refer to that text (``Document.text``).
    ``analyse=False`` leaves the headline, dateline and noise unread (``noise=None``): the
    pipeline reads them just before extraction, which a parallel batch does in its workers.
    """
    if looks_like_html(text):
        try:
            return document_from_html(
                text, id=id, path=path, url=url, title=title, published_at=published_at, name=name
            )
        except EmptyInput:
            stripped = "" if _named_html(path) else text_without_tags(text)
            if not stripped.strip():
                raise
            text = stripped
    document = Document(
        text=text, id=id, path=path, url=url, title=title, published_at=published_at
    )
    return prepare(document) if analyse else document


def _named_html(path: str | None) -> bool:
    """The file's name says it is an HTML page: its text is read as one and nothing else."""
    return path is not None and Path(path).suffix.lower() in HTML_SUFFIXES


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
