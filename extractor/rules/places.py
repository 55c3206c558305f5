"""Where a meeting took place: "in Tokyo", "at the Iikura Guest House", "in the Chinese capital"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.folding import fold, folded_pattern
from extractor.rules.lexicon import UPPER, Lexicon

_VENUE_HEADS = (
    r"House|Palace|Hall|Hotel|Centre|Center|Building|Residence|Office|Castle|Villa|Guesthouse|"
    r"Guest\s+House|Headquarters|Complex|Pavilion|Embassy|Secretariat|Chancellery|Kantei|Room|"
    r"Museum|Mandapam|Bhavan|Bhawan|Diwan|Forum|Resort|Estate|Manor|Lodge|Ministry|Base|Airport|Airbase"
)
_VENUE_CITY_JOINER = re.compile(r" |, ")
_AT_BEFORE = re.compile(r"\b(?:at|in|inside|to|from)\s+(?:the\s+)?$", re.IGNORECASE)
_EVENT_AFTER = re.compile(
    r"(?:\s+[A-Z][\w-]+){0,2}\s+(?:Forum|Summit|Conference|Dialogue|Meeting|Talks|Process)\b"
)
_VENUE = re.compile(
    rf"\b(?:at|inside|in)\s+(?:the\s+)?(?P<venue>(?:[{UPPER}][\w'’.-]*\s+(?:of\s+the\s+|of\s+)?)"
    rf"{{0,5}}(?:{_VENUE_HEADS}))\b"
)
_IN_PLACE = folded_pattern(
    r"\b(?:in|at|visit\s+to|trip\s+to|visiting|visited|arrived\s+in|arrives\s+in|landed\s+in|"
    r"(?:flew|flown|flying|flies|fly|travell?ed|travell?ing|travels|travel|headed|heading|heads|"
    r"went|goes|moved\s+on)\s+to|"
    r"island\s+of|city\s+of)\s+(?:the\s+)?$"
)
_CAPITAL_OF = folded_pattern(r"\bin\s+the\s+(?P<demonym>[\w.'’-]+(?:\s+[\w.'’-]+)?)\s+capital\b")
_UNKNOWN_CITY = re.compile(
    rf"\bin\s+(?P<city>[{UPPER}][a-zà-ÿā-ž'’-]+(?:\s+[{UPPER}][a-zà-ÿā-ž'’-]+)?)\b"
)


@dataclass(frozen=True)
class FoundPlace:
    city: str | None
    country: str | None
    venue: str | None
    start: int
    end: int
    text: str


def find_location(
    lexicon: Lexicon, text: str, start: int, end: int, *, not_places: frozenset[str] = frozenset()
) -> FoundPlace | None:
    """The first stated meeting place in ``text[start:end]``: venue, city, or country.

    ``not_places`` are capitalised words known to be something else (people's names).
    """
    venue = _venue(lexicon, text, start, end)
    city = _city(lexicon, text, start, end, not_places)
    if venue is None:
        return city
    if city is not None:
        return FoundPlace(city.city, city.country, venue.venue, venue.start, venue.end, venue.text)
    return venue


def _venue(lexicon: Lexicon, text: str, start: int, end: int) -> FoundPlace | None:
    for match in _VENUE.finditer(text, start, end):
        name = match.group("venue")
        words = name.split()
        if words[0] in lexicon.non_name_words and name not in lexicon.venues:
            continue
        city, country = lexicon.venues.get(name, (None, None))
        venue_end = match.end("venue")
        name = text[match.start("venue") : venue_end]
        # "RAAF Base Darwin", "Jawaharlal Nehru Bhawan, New Delhi": the city right after it
        joiner = _VENUE_CITY_JOINER.match(text, venue_end, end)
        named_city = lexicon.place_pattern.match(text, joiner.end(), end) if joiner else None
        if city is None and named_city:
            place = lexicon.places[named_city.group(0)]
            if place.kind in ("capital", "city"):
                city, country = place.name, place.code
                if joiner and joiner.group(0) == " ":
                    venue_end, name = (
                        named_city.end(),
                        text[match.start("venue") : named_city.end()],
                    )
        return FoundPlace(city, country, name, match.start("venue"), venue_end, name)
    for known in lexicon.venue_pattern.finditer(text, start, end):
        # a known venue where a meeting is ("at the White House"), not an institution that
        # speaks ("the State Department said")
        if _AT_BEFORE.search(text, max(start, known.start() - 12), known.start()):
            city, country = lexicon.venues[known.group(0)]
            name = known.group(0)
            return FoundPlace(city, country, name, known.start(), known.end(), name)
    return None


def _city(
    lexicon: Lexicon, text: str, start: int, end: int, not_places: frozenset[str]
) -> FoundPlace | None:
    folded = fold(text)
    capital = _CAPITAL_OF.search(folded, start, end)
    candidates: list[FoundPlace] = []
    if capital:
        place = lexicon.places.get(text[capital.start("demonym") : capital.end("demonym")].strip())
        if place is not None and place.code in lexicon.capitals:
            candidates.append(
                FoundPlace(
                    lexicon.capitals[place.code],
                    place.code,
                    None,
                    capital.start(),
                    capital.end(),
                    text[capital.start() : capital.end()],
                )
            )
    for match in lexicon.place_pattern.finditer(text, start, end):
        place = lexicon.places[match.group(0)]
        hosts_an_event = place.kind in ("capital", "city") and _EVENT_AFTER.match(
            text, match.end(), end
        )  # "the Antalya Diplomacy Forum", "the Munich Security Conference"
        if not hosts_an_event and not _IN_PLACE.search(
            folded[max(start, match.start() - 20) : match.start()]
        ):
            continue
        if place.kind in ("capital", "city"):
            candidates.append(
                FoundPlace(place.name, place.code, None, match.start(), match.end(), match.group(0))
            )
        elif place.kind == "country":
            candidates.append(
                FoundPlace(None, place.code, None, match.start(), match.end(), match.group(0))
            )
    cities = [c for c in candidates if c.city]
    if cities:
        return min(cities, key=lambda c: c.start)
    unknown = _unknown_city(lexicon, text, start, end, not_places)
    if unknown is not None:
        return unknown
    return min(candidates, key=lambda c: c.start) if candidates else None


def _unknown_city(
    lexicon: Lexicon, text: str, start: int, end: int, not_places: frozenset[str]
) -> FoundPlace | None:
    """ "in Kuching": a capitalised place after "in" that the gazetteer does not know."""
    for match in _UNKNOWN_CITY.finditer(text, start, end):
        name = match.group("city")
        words = (name, *name.split())
        if any(
            w in lexicon.non_name_words
            or w in lexicon.places
            or w in lexicon.organizations
            or w in not_places
            for w in words
        ):
            continue
        return FoundPlace(name, None, None, match.start("city"), match.end("city"), name)
    return None
