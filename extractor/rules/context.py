"""What the article as a whole says about its setting: the newsroom's country and the city
the story was filed from. Both are fallbacks, used only where the sentences are silent."""

from __future__ import annotations

import re
from collections import Counter

from extractor.document import Document, WireOpener
from extractor.folding import fold
from extractor.rules.lexicon import Lexicon
from extractor.rules.places import FoundPlace
from extractor.sentences import Sentence

_CREDIT_REACH = 600  # characters at each end of a page where its agency credit is looked for
_MASTHEAD_LINES = 4  # the lines at the top of a page where a masthead stands
_SEPARATOR = re.compile(r"\s+[|·–—-]\s+")


def home_country(
    lexicon: Lexicon,
    document: Document,
    sentences: list[Sentence],
    opener: WireOpener | None,
    filed: FoundPlace | None,
) -> str | None:
    """The newsroom's country: wire copy names its own officials without a nationality
    ("Foreign Minister Yoko Kamikawa" in a Tokyo paper).

    In order of trust: a national agency in the byline ("(Yonhap)"); the filing city, when its
    country publishes in the dateline's time zone; the country the article mentions most among
    those that publish in that zone; when it names none of them, the zone's dominant press
    ("+05:00" is Pakistan's). None when the evidence is missing or tied.
    ``opener`` and ``filed`` are the article's wire opener and filing city (``filed_from``).
    """
    if opener and opener.agency and fold(opener.agency) in lexicon.news_agencies:
        return lexicon.news_agencies[fold(opener.agency)]
    credited = _credited_agency(lexicon, document.text) or _masthead(lexicon, document.text)
    if credited:
        return credited
    offset = document.published_at.utcoffset() if document.published_at else None
    if offset is None:  # no zone to weigh it against: the filing city's country
        return filed.country if filed else None
    candidates = lexicon.newsroom_countries.get(offset.total_seconds() / 3600, ())
    if filed and filed.country in candidates:
        return filed.country
    mentions: Counter[str] = Counter()
    for sentence in sentences:
        for match in lexicon.place_pattern.finditer(document.text, sentence.start, sentence.end):
            code = lexicon.places[match.group(0)].code
            if code in candidates:
                mentions[code] += 1
    ranked = mentions.most_common(2)
    if not ranked:  # none of the zone's countries named: the zone's dominant press, if any
        return lexicon.dominant_newsroom.get(offset.total_seconds() / 3600)
    if len(ranked) == 2 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def _credited_agency(lexicon: Lexicon, text: str) -> str | None:
    """The country of a national agency the page credits near its top or its end ("(Lusa)",
    "Source: Xinhua", "-- BERNAMA"): the newsroom, when no wire opener says so."""
    folded = fold(text)
    for start, end in ((0, _CREDIT_REACH), (max(0, len(text) - _CREDIT_REACH), len(text))):
        match = lexicon.agency_credit.search(folded, start, end)
        if match:
            name = match.group("agency") or match.group("credited") or match.group("masthead")
            return lexicon.news_agencies[name]
    return None


def _masthead(lexicon: Lexicon, text: str) -> str | None:
    """The state of the news site or newsroom whose name heads the page ("DAWN.COM", "The
    Kathmandu Post", "Focus Taiwan | CNA English News"): one of its first lines is that name,
    alone or before a separator."""
    for line in text.split("\n", _MASTHEAD_LINES)[:_MASTHEAD_LINES]:
        name = _SEPARATOR.split(fold(line).strip(), maxsplit=1)[0].strip(" .:")
        if name in lexicon.mastheads:
            return lexicon.mastheads[name]
    return None


def filed_from(lexicon: Lexicon, opener: WireOpener | None) -> FoundPlace | None:
    """The city of a wire opener ("MANILA —"), known to the gazetteer or placed by what
    follows it ("WOODSIDE, Calif.", "CAPRI, Italy")."""
    if opener is None:
        return None
    city = opener.place.title()
    place = lexicon.places.get(city)
    span = (opener.start, opener.start + len(opener.place))
    if place is not None and place.kind in ("capital", "city"):
        return FoundPlace(place.name, place.code, None, *span, opener.place)
    region = opener.region or ""
    if region in lexicon.us_states:
        return FoundPlace(city, "US", None, *span, opener.place)
    country = lexicon.places.get(region.rstrip("."))
    if country is not None and country.kind == "country":
        return FoundPlace(city, country.code, None, *span, opener.place)
    return None
