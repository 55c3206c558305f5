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
      | .*\((?:reuters|ap|afp|getty\s+images|kyodo|yonhap|xinhua|epa|bloomberg)\s*(?:photo)?\)
      | .*[/|]\s*(?:reuters|ap|afp|getty\s+images|kyodo|yonhap|xinhua|epa|bloomberg)
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)
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
        if in_block or _NOISE_LINE.match(line):
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
