"""Page noise: the parts of a news page that are not the article.

Scraped pages end (and sometimes start) with lists of other headlines under "POPULAR",
"RANKING", "Related" or "Read more", photo captions, tag lines and share bars. They name
people who took no part in the reported meeting, so they are marked and no backend reads a
participant from them. They are marked rather than cut so that character offsets still match
the input text.

The rule is line-based, like trafilatura's own boilerplate heuristics: a *section marker*
line starts a noise block, which runs over the list-like lines after it (bullets, short
headline-like lines) and stops at the first line that reads as body prose. Single lines that
are captions, credits, tags or share bars are noise on their own.
"""

from __future__ import annotations

import re

Span = tuple[int, int]

_SECTION_MARKER = re.compile(
    r"""^\W*(?:"[^"]{0,40}"\s*)?(?:
        (?:most\s+)?popular(?:\s+(?:articles?|stories|news|now|in\s+\w+))?
      | most\s+(?:read|viewed|shared|commented|emailed)
      | (?:[\w.]+\s+){0,3}(?:access\s+)?ranking
      | related(?:\s+(?:articles?|stories|news|content|coverage|links|topics|reading))?
      | read\s+(?:more|next|also)(?:\s+\w+)?
      | also\s+read | see\s+also | more\s+(?:from|on|stories|news|in)\b.*
      | recommended(?:\s+for\s+you)?
      | you\s+(?:may|might)\s+(?:also\s+)?like | trending(?:\s+now)? | top\s+stories
      | latest(?:\s+(?:news|stories))? | editor'?s?\s+picks? | don'?t\s+miss | further\s+reading
      | in\s+other\s+news | what\s+to\s+read\s+next | more\s+to\s+explore
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)
_NOISE_LINE = re.compile(
    r"""^\W*(?:
        (?:photo|image|picture|file\s+photo|caption|video|graphic|illustration)s?\s*[:|(—–-].*
      | tags?\s*:.* | topics?\s*:.* | filed\s+under\s*:.* | keywords?\s*:.*
      | (?:share|share\s+this(?:\s+(?:article|story|page))?|follow\s+us)(?:\s*(?:on)?\s*:?.*)?
      | (?:facebook|twitter|x|linkedin|email|e-mail|whatsapp|telegram|reddit|print|copy\s+link|
         pinterest|line|share)(?:[\s|,/•·]+(?:facebook|twitter|x|linkedin|email|e-mail|
         whatsapp|telegram|reddit|print|copy\s+link|pinterest|line|share))*
      | advertisement | sponsored(?:\s+content)? | subscribe.* | sign\s+up.* | click\s+here.*
      | (?:copyright|©).* | all\s+rights\s+reserved.*
      | file\s*[-–—]\s.*
      | (?:additional\s+)?(?:reporting|writing|editing|compiled|produced)\s+by\b.*
      | (?:also\s+read|read\s+(?:more|also|next)|related(?:\s+(?:news|stories|articles?))?|
         see\s+also|must\s+read|recommended|more\s+on\s+this|don'?t\s+miss)\s*[:|—–-].*
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)
# A photo credit ending a caption line: "(Reuters)", "| AFP", "REUTERS/File Photo",
# "REUTERS/Amr Nabil/Pool", "Yonhap photo". Searched in the line's last characters only, so
# that a long paragraph costs no more than a short one.
_CREDIT_END = re.compile(
    r"""(?:
        \((?:reuters|ap|afp|getty\s+images|kyodo|yonhap|xinhua|epa|bloomberg)\s*(?:photo)?\)
      | [/|]\s*(?:reuters|ap|afp|getty\s+images|kyodo|yonhap|xinhua|epa|bloomberg)
      | \b(?:reuters|afp|epa(?:-efe)?|ap\s+photo|xinhua|yonhap|kyodo|getty\s+images|pool)
        (?-i:\s*/\s*[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3}){1,3}
      | \b(?:yonhap|xinhua|kyodo|afp|reuters|ap|file|pti|ani|wam|bernama)\s+(?:photo|picture)s?
      | \((?:file|archive)(?:\s+(?:photo|picture|image))?\)   # "... in Prague, 2022 (file)"
      | \b(?:photo|picture|image)s?(?:\s+credit)?\s*:\s*[\w/ .,'’&-]{1,60}   # "Photo: X/Y"
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)
_CREDIT_CHARS = 120


def _is_noise_line(line: str) -> bool:
    """A caption, credit, tag line, share bar or trailer: noise on its own."""
    if _NOISE_LINE.match(line):
        return True
    start = max(0, len(line) - _CREDIT_CHARS)
    tail = line[start:].lower()
    # Every credit has one of these; most lines of prose have none, and skip the search.
    if "/" in tail or "|" in tail or ")" in tail or "photo" in tail or "picture" in tail:
        return _CREDIT_END.search(line, start) is not None
    return False


# Page furniture above a headline: navigation, section names, tools and page counters.
# Sources: the text trafilatura and browsers' "select all" leave of news sites' headers
# ("Menu Content", "Go Top", "Skip to main content", "Home > World > Asia", "1 Min Read").
_FURNITURE = re.compile(
    r"""^\W*(?:
        (?:main\s+)?menu(?:\s+content)? | go\s+(?:to\s+)?top | back\s+to\s+top | top
      | go\s+to\s+(?:contents?|main\s+content|navigation|kbs|home).* | \(attn:.*
      | you\s+are\s+(?:in|here)\s*:?.* | story\s+highlights
      | (?:[\w'’-]+\s+){0,3}news(?:\s+agency)?
      | [\w'’-]+(?:\s+[\w'’-]+)?\s+&\s+[\w'’-]+(?:\s+[\w'’-]+)? | skip\s+to\s+.* | skip\s+navigation
      | toggle\s+navigation | navigation | search(?:\s+(?:box|form|here|news))? | close | open
      | advertisement | ad | sponsored | share | print | e-?mail | listen(?:\s+to\s+this\s+article)?
      | font\s+size.* | text\s+size.* | a\s*[+-](?:\s*a\s*[+-])* | sign\s+in | log\s*in | login
      | subscribe | newsletters? | english | korean | language | home | list | prev | next
      | (?:\d+\s+)?min(?:ute)?s?\s+read | reading\s+time.* | \#\s*\w[\w ]*
      | (?:source|editor|author|reporter|writer|credit|edited\s+by)\s*:.{0,60}
      | (?:\w+\s+)?(?:staff|web|news)\s+(?:reporter|desk|report) | [\w.]+\s+staff | [A-Z.]+\s+report
      | (?:top|latest|breaking|world|national|local|business)\s+news | news
      | world | international | national | nation | politics | diplomacy | defen[cs]e | security
      | business | economy | markets | sports? | opinion | editorial | analysis | features?
      | culture | society | science | tech(?:nology)? | health | environment | lifestyle
      | asia(?:[\s-]pacific)? | europe | africa | americas | middle\s+east | north\s+korea
      | inter-korean | south\s+asia | east\s+asia | region(?:al)? | world\s+news | video
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)
# "Home > World > Asia", "You are here: Home › Politics", "News / Politics": short items
# between separators.
_BREADCRUMB = re.compile(
    r"^\s*(?i:you\s+are\s+here\s*:?\s*)?[\w&'’ .-]{1,30}"
    r"(?:(?:\s*[>›»|]\s*|\s+/\s+)[\w&'’ .-]{1,30}){1,6}\s*[>›»]?\s*$"
)
# "FILE PHOTO: ...", "Photo : YONHAP News", "(Photo by ...)": captions whatever their length.
_CAPTION_START = re.compile(
    r"^\W*(?:(?:file|archive)\s+(?:photo|picture|image)|photo|image|picture|caption|graphic|"
    r"illustration|video)s?\s*(?:[:|(—–-]|by\b)",
    re.IGNORECASE,
)
# "By Jane Doe", "By JANE DOE, Associated Press", "By Reporter Anna Kim": a short byline.
_BYLINE = re.compile(r"^\s*(?i:(?:written|posted|edited)\s+)?(?i:by)\s+[A-Z][^!?]{0,68}[^.!?\s]$")
_NAMED_WRITER = re.compile(
    r"^\s*[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3},\s+(?:[\w' ]{0,30}\s)?"
    r"(?i:correspondent|reporter|staff\s+writer|contributor|special\s+envoy)\b[^.!?]{0,40}$"
)


# Tools of the page rather than its navigation: they may stand between a headline and its dek.
_TOOL = re.compile(
    r"^\W*(?:share|print|e-?mail|listen.*|font\s+size|text\s+size|a\s*[+-].*|advertisement|"
    r"story\s+highlights)\W*$",
    re.IGNORECASE,
)


def is_navigation(line: str) -> bool:
    """True for furniture that heads a page (navigation, section names), not its tools."""
    return is_furniture(line) and not _TOOL.match(line)


def is_furniture(line: str) -> bool:
    """True for navigation, tools and section names that head a news page."""
    return bool(_FURNITURE.match(line) or _BREADCRUMB.match(line))


def is_caption(line: str) -> bool:
    """True for a photo caption or credit line (see ``_is_noise_line``)."""
    return bool(_CAPTION_START.match(line)) or _is_noise_line(line)


def is_byline(line: str) -> bool:
    """True for a byline: "By" and a name, not a sentence ("By Friday they had agreed."); or
    a name and the writer's role ("Jane Doe, Ukrinform correspondent, Brussels")."""
    return bool(_BYLINE.match(line) or _NAMED_WRITER.match(line))


_BULLET = re.compile(r"^\s*(?:[-–—•·*▶►>]|\d{1,2}[.)])\s*")
# A line of body prose: long enough and ending like a sentence.
_PROSE_MIN_CHARS = 200


def find_noise(text: str, *, body_start: int = 0) -> list[Span]:
    """Character ranges of page noise in ``text``; lines before ``body_start`` are skipped."""
    spans: list[Span] = []
    in_block = False
    position = 0
    for line in text.split("\n"):
        start, position = position, position + len(line) + 1
        end = start + len(line)
        if start < body_start or not line.strip():
            continue
        if _SECTION_MARKER.match(line):
            in_block = True
        elif in_block and _is_prose(line):
            in_block = False
        if in_block or _is_noise_line(line):
            _extend(spans, start, end, text)
    return spans


def _is_prose(line: str) -> bool:
    stripped = line.strip()
    return (
        len(stripped) >= _PROSE_MIN_CHARS and not _BULLET.match(line) and stripped[-1] in ".\"'”’)"
    )


def _extend(spans: list[Span], start: int, end: int, text: str) -> None:
    """Add a line's range, merging with the previous one across blank lines."""
    if spans and not text[spans[-1][1] : start].strip():
        spans[-1] = (spans[-1][0], end)
    else:
        spans.append((start, end))
