"""HTML pages to article text, with trafilatura doing the main-text extraction.

trafilatura drops navigation, asides and footers far better than anything built on regexes
over tags. It also dates the page, through htmldate (meta tags, JSON-LD, <time>, then the
page's text): asked for an output format with the time and zone, it gives the publication
*moment* that relative-date resolution needs, not just the day
(https://trafilatura.readthedocs.io/en/latest/corefunctions.html#extraction,
https://htmldate.readthedocs.io/en/latest/corefunctions.html). On every HTML page of the
labelled corpora (fixtures/, evals/heldout/) it gave the same moment, zone included, as the
meta-tag reader it replaces.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from dataclasses import dataclass

from extractor.errors import EmptyInput
from extractor.isodates import find_iso_moment

_TITLE_TAG = re.compile(r"<title[^>]*>([^<]{1,400})</title>", re.IGNORECASE)
# What sites put between their name and the story's in a <title>: the first one splits.
_TITLE_SEPARATOR = re.compile(r"\s*[:|–—]\s+|\s+-\s+")
# The names that say a file is an HTML page, whatever its text looks like.
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_RESOURCE_HEADER = 1445  # bytes a browser sniffs at most (MIME Sniffing §5.2); here characters
_WHITESPACE = r"[\t\n\f\r ]"  # the spec's whitespace bytes
# A comment or a processing instruction (an XML declaration is one), after any whitespace.
_PROLOG_ITEM = re.compile(rf"{_WHITESPACE}*(?:<!--.*?-->|<\?.*?\?>)", re.DOTALL)
# MIME Sniffing §7.1's HTML openers, then <article and <meta, which a page cut down to its
# story starts with; each followed by whitespace or ">".
_HTML_OPENER = re.compile(
    rf"{_WHITESPACE}*<(?:!doctype{_WHITESPACE}+html|html|head|script|iframe|h1|div|font|table"
    rf"|a|style|title|b|body|br|p|article|meta)(?:{_WHITESPACE}|>)",
    re.IGNORECASE | re.ASCII,
)
# htmldate's settings, as trafilatura's defaults (the original publication date, the page's text
# searched when no tag dates it) but written with the time and zone.
_DATE_PARAMS = {
    "original_date": True,
    "extensive_search": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S.%f%z",
}


@dataclass(frozen=True)
class HtmlArticle:
    title: str | None
    text: str
    published_at: dt.datetime | None
    url: str | None


def looks_like_html(text: str) -> bool:
    """True when ``text`` starts the way browsers recognise an HTML page.

    The rules are the WHATWG MIME Sniffing Standard's (https://mimesniff.spec.whatwg.org/):
    only the resource header is read (§5.2); a BOM, whitespace, comments and processing
    instructions before the first tag are skipped, as §7.3 skips them before a feed's root,
    so that an ``.xhtml`` page's XML declaration and a browser's "<!-- saved from url=... -->"
    do not turn a page into plain text; then a case-insensitive HTML opener of §7.1 must
    follow ("<!DOCTYPE HTML", "<html", "<head", "<body", "<p", ...). Two departures: a
    newline or tab ends an opener's name as a space does ("<html\\n lang=..."), and a
    comment alone is not HTML (§7.1 takes "<!--" as HTML), the tag after it decides. A
    plain-text article that merely begins with "<", or mentions "<html>" later, stays text.
    """
    header = text[:_RESOURCE_HEADER].removeprefix("\ufeff")
    position = 0
    while (item := _PROLOG_ITEM.match(header, position)) is not None:
        position = item.end()
    return _HTML_OPENER.match(header, position) is not None


def extract_article(html: str, *, name: str) -> HtmlArticle:
    """The headline and main text of a page; the headline is the text's first line."""
    import trafilatura  # imported on first HTML page: it is slow to import, text needs none

    extracted = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params=_DATE_PARAMS,
    )
    body = getattr(extracted, "text", None) or ""
    if extracted is None or not body.strip():
        raise EmptyInput(f"{name}: no article text found in the HTML page")
    assert not isinstance(extracted, dict)  # only with as_dict=True
    title = _headline(html, (extracted.title or "").strip() or None)
    if title and not body.startswith(title):
        body = f"{title}\n{body}"
    published = find_iso_moment(extracted.date) if extracted.date else None
    return HtmlArticle(title=title, text=body, published_at=published, url=extracted.url)


def text_without_tags(html: str) -> str:
    """The text with its tags taken out and its character references read ("&amp;" is "&"),
    its own line breaks kept: for a text that only starts like HTML (a ``.txt`` file holding
    "<p>...</p>") and in which trafilatura finds no article, being a fragment, not a page.
    Empty when nothing but tags is left."""
    import lxml.etree
    import lxml.html

    try:
        return str(lxml.html.document_fromstring(html).text_content())
    except (lxml.etree.ParserError, ValueError):  # nothing but tags; a character XML refuses
        return ""


def _headline(html: str, title: str | None) -> str | None:
    """The page's headline, when the extracted title is the site's name beside it.

    A <title> names the site and the story ("Pacific Notes: Leaders sign pact", "Story |
    Site"); trafilatura keeps one part, and on blog pages the wrong one. The other, longer
    part is the headline when the page prints it as a heading of its own (h1 to h3).
    """
    match = _TITLE_TAG.search(html)
    if title is None or match is None:
        return title
    parts = [p.strip() for p in _TITLE_SEPARATOR.split(html_lib.unescape(match.group(1)), 1)]
    if len(parts) != 2 or title not in parts:
        return title
    other = parts[1] if parts[0] == title else parts[0]
    if len(other.split()) > len(title.split()) and re.search(
        rf"<h[1-3][^>]*>\s*{re.escape(html_lib.escape(other, quote=False))}\s*<", html
    ):
        return other
    return title
