"""The top of a news page: furniture, captions, bylines, stamps, the headline and the opener.

Pages saved as text, or taken from a site by a main-text extractor, seldom start with their
headline. Above it come the site's navigation ("Menu Content", "Skip to main content",
"Home > World > Asia"), section names ("International"), tools ("Share", "Print"), photo
captions and credits ("FILE PHOTO: ...", "... REUTERS/File Photo"); around it, bylines and
page stamps ("Written: 2013-04-24 16:06:03Updated: ...", "Posted on March 3, 2021 by admin",
a blog's bare "Thursday, 4 April 2019"); under it, the wire opener of the first paragraph
("BEIJING, Feb. 25 (Xinhua) --") or a filing city on a line of its own ("DUBAI").

The page is read line by line from the top until the first line of body prose: the headline
is the first line shaped like one (not furniture, not a caption, not a stamp, no sentence
end), everything else up there is page noise. The stamp lines are looked for in the first
``STAMP_SEARCH_LINES`` lines that are not furniture, before or after the headline; of several,
a publication stamp beats an edit stamp (see ``extractor.ingest.dateline.read_stamp``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.document import WireOpener
from extractor.ingest.dateline import (
    STAMP_SEARCH_LINES,
    Dateline,
    Stamp,
    find_wire_opener,
    read_stamp,
)
from extractor.ingest.noise import is_byline, is_caption, is_furniture, is_navigation

Span = tuple[int, int]

_MAX_HEADLINE_CHARS = 200
# A line ending like a sentence (or a clause) is body text, not a headline.
_SENTENCE_END = re.compile(r"[.!?:;,\"”’]\s*$")
# A filing city alone on its line under the headline, as Reuters pages print it: "DUBAI".
_BARE_PLACE = re.compile(r"[A-Z][A-Z.'’-]*(?:\s[A-Z][A-Z.'’-]*){0,3}")
# "Politics, Türkiye, World": the sections a page is filed under.
_SECTION_LIST = re.compile(
    r"[A-Z][\w'’-]*(?:\s[A-Z][\w'’-]*)?(?:,\s*[A-Z][\w'’-]*(?:\s[A-Z][\w'’-]*)?){2,}$"
)
_BULLET_LINE = re.compile(r"[•▪►]\s")
# Furniture lines do not count towards the stamp search, but a page is not read forever.
_MAX_TOP_LINES = 40


@dataclass(frozen=True)
class Page:
    """What the top of a page holds, as character ranges of its text."""

    headline: str | None
    dateline: Dateline | None  # the stamp that dates the page, and its line
    opener: WireOpener | None  # on the first body line, or a filing city on its own line
    noise: tuple[Span, ...]  # furniture, captions, bylines, stamps, the opener: sorted
    body_start: int  # where the first line of body text starts


def read_page(text: str, title: str | None = None, search_lines: int = STAMP_SEARCH_LINES) -> Page:
    """Read the top of ``text`` (see the module's docstring).

    ``title`` is the headline when the caller knows it (HTML metadata, a JSON Lines row): its
    line is then the headline whatever its shape. Read once per document, by ``prepare``,
    which keeps what backends need of it on the ``Document`` (the wire opener).
    """
    wanted = title.strip() if title else None
    headline: str | None = None
    given = False  # the headline is the caller's title, not a guess
    chrome = False  # navigation seen since the headline was guessed
    best: tuple[Stamp, int, int] | None = None
    noise: list[Span] = []
    opener: WireOpener | None = None
    body_start = len(text)
    counted = lines = 0
    start = 0
    while start < len(text) and lines < _MAX_TOP_LINES:
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end]
        line_start, start = start, end + 1
        stripped = line.strip()
        if not stripped:
            continue
        lines += 1
        stamp = read_stamp(stripped) if counted < search_lines else None
        if stamp is not None:
            counted += 1
            noise.append((line_start, end))
            if best is None or stamp.rank < best[0].rank:
                best = (stamp, line_start, end)
            continue
        if not given and stripped == wanted:
            headline, given, chrome = stripped, True, False
            counted += 1
            continue
        if stripped == headline:  # printed again under the stamp
            noise.append((line_start, end))
            continue
        if (
            is_furniture(stripped)
            or is_caption(stripped)
            or is_byline(stripped)
            or _SECTION_LIST.match(stripped)
            or (headline is not None and _BULLET_LINE.match(stripped))  # story highlights
        ):
            noise.append((line_start, end))
            chrome = chrome or is_navigation(stripped)
            continue
        counted += 1
        if headline is None or (chrome and not given):
            # A headline-shaped line before navigation was the site's own (a tagline).
            if _headline_shaped(stripped) and text[end:].strip() and counted <= search_lines:
                if headline is not None:
                    noise.append(_line_of(text, headline, line_start))
                headline, chrome = stripped, False
                continue
            if _label_like(stripped):  # another menu item
                noise.append((line_start, end))
                continue
        elif opener is None and _BARE_PLACE.fullmatch(stripped) and text[end:].strip():
            opener = WireOpener(stripped, None, None, line_start, end)
            noise.append((line_start, end))
            continue
        elif _label_like(stripped):
            # under the headline, a name alone ("Naveed Siddiqui") is a byline: the stamp may
            # still follow
            noise.append((line_start, end))
            continue
        elif (
            _headline_shaped(stripped)
            and counted <= search_lines
            and not _opens(text, line_start, end)
        ):
            continue  # a dek under the headline: body text, but the stamp may come after it
        body_start = line_start
        if opener is None:
            opener = find_wire_opener(text, line_start, end)
            if opener is not None:
                noise.append((opener.start, opener.end))
        break
    dateline = Dateline(best[0].published_at, best[1], best[2]) if best else None
    return Page(headline, dateline, opener, tuple(sorted(noise)), body_start)


def _opens(text: str, start: int, end: int) -> bool:
    """True when a wire opener starts the line: the body has begun."""
    return find_wire_opener(text, start, end) is not None


def _line_of(text: str, stripped: str, before: int) -> Span:
    """The span of the last line reading ``stripped`` before ``before``."""
    start = text.rindex(stripped, 0, before)
    return start, start + len(stripped)


def _headline_shaped(line: str) -> bool:
    """A headline: not too long, no sentence end, and more than a label's one word.

    Two capitalised words alone ("Top Stories", "Middle East") read as a section name.
    """
    if len(line) > _MAX_HEADLINE_CHARS or _SENTENCE_END.search(line):
        return False
    return not _label_like(line)


def _label_like(line: str) -> bool:
    """One or two capitalised words and no sentence end: a menu item or section name."""
    words = line.split()
    return (
        len(words) <= 2
        and all(word[0].isupper() or not word[0].isalpha() for word in words)
        and not _SENTENCE_END.search(line)
    ) or len(words) == 1
