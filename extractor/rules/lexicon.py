"""The gazetteers, loaded from ``data/`` once per process and compiled into matchers.

Data lives in JSON files so that a country, a title or a topic keyword is added without
touching code. Everything here is built lazily on first use (``lexicon()``) and then shared:
no per-document compilation.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from extractor.folding import fold, folded_pattern
from extractor.rules.trie import trie_pattern

PlaceKind = Literal["country", "demonym", "capital", "city"]

UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
# One word of a person's name: capitalised, possibly hyphenated or with an apostrophe
# ("Tae-yul", "O'Brien", "Al-Sudani"), or an initial ("S.").
NAME_TOKEN = rf"(?:[{UPPER}][\w'’]*(?:-[\w'’]+)*\.?)"


@dataclass(frozen=True)
class Place:
    code: str
    kind: PlaceKind
    name: str  # canonical name of the country, or the city as spelled in the gazetteer


@dataclass(frozen=True)
class Organization:
    name: str
    members: tuple[str, ...] = ()  # member states of a bloc, in the data's order
    joined: tuple[tuple[str, str], ...] = ()  # (state, ISO day it joined) for recent members

    def members_on(self, day: dt.date | None) -> list[str]:
        """The member states on ``day`` (all listed members when the day is unknown)."""
        since = dict(self.joined)
        return [
            code
            for code in self.members
            if day is None or code not in since or dt.date.fromisoformat(since[code]) <= day
        ]


@dataclass(frozen=True)
class Lexicon:
    places: dict[str, Place]
    ambiguous_places: frozenset[str]
    capitals: dict[str, str]  # country code -> capital
    organizations: dict[str, Organization]
    place_pattern: re.Pattern[str]
    organization_pattern: re.Pattern[str]
    title_pattern: re.Pattern[str]  # on ``fold``-ed text: see ``find_titles``
    name_pattern: re.Pattern[str]
    capitalized_run: re.Pattern[str]
    honorific_pattern: re.Pattern[str]
    office_countries: dict[str, str]  # folded title -> the state it names by itself
    given_name_titles: frozenset[str]  # folded titles that are also given names: "amir"
    surname_homographs: frozenset[str]  # surnames that are also common words: "He"
    non_name_words: frozenset[str]
    former_pattern: re.Pattern[str]
    family_name_first: frozenset[str]
    name_particles: frozenset[str]  # lower-case words inside names: "bin", "van", "de"
    folded_topic_pattern: re.Pattern[str]  # keywords, in lower case, in ``fold``-ed text
    topic_of_keyword: dict[str, str]
    venues: dict[str, tuple[str, str]]  # venue -> (city, country code)
    venue_pattern: re.Pattern[str]
    newsroom_countries: dict[float, tuple[str, ...]]  # UTC offset in hours -> countries
    dominant_newsroom: dict[float, str]  # UTC offset -> the country most of its press is from
    news_agencies: dict[str, str]  # national agency, folded -> country code
    agency_credit: re.Pattern[str]  # "(Lusa)", "(ANTARA)", "-- BERNAMA", on folded text
    mastheads: dict[str, str]  # a news site's or newsroom's name, folded -> its state
    us_states: frozenset[str]  # as wire datelines write them: "WOODSIDE, Calif."


def _data(name: str) -> Any:
    return json.loads(
        resources.files("extractor.rules").joinpath("data").joinpath(name).read_text("utf-8")
    )


def _words(pattern_source: str) -> str:
    """Whole words only: not inside a longer word, not glued to a hyphenated compound."""
    return rf"(?<![\w-])(?:{pattern_source})(?![\w]|-\w)"


@cache
def lexicon() -> Lexicon:
    places, ambiguous, capitals = _places(_data("countries.json"))
    organizations = _organizations(_data("organizations.json"))
    titles = _data("titles.json")
    venues: dict[str, list[str]] = _data("venues.json")
    topics: dict[str, list[str]] = _data("topics.json")
    topic_of_keyword = {word.lower(): topic for topic, words in topics.items() for word in words}
    particles = titles["name_particles"]
    non_name = (
        frozenset(titles["non_name_capitalized"]) | frozenset(places) | frozenset(organizations)
    )
    return Lexicon(
        places=places,
        ambiguous_places=ambiguous,
        capitals=capitals,
        organizations=organizations,
        place_pattern=re.compile(_words(trie_pattern(places))),
        organization_pattern=re.compile(_words(trie_pattern(organizations))),
        title_pattern=folded_pattern(_words(_title_source(titles))),
        name_pattern=_name_pattern(particles, longest=7),  # "Abdullah bin Zayed Al Nahyan"
        capitalized_run=_name_pattern(particles, longest=None),
        honorific_pattern=re.compile(
            rf"(?<!\w)(?:{trie_pattern(titles['honorifics'])})(?=\s+[{UPPER}])"
        ),
        office_countries={
            title: code for title, code in titles["office_countries"].items() if title != "_"
        },
        given_name_titles=frozenset(t.lower() for t in titles["given_name_titles"]),
        surname_homographs=frozenset(titles["surname_homographs"]),
        non_name_words=non_name,
        former_pattern=re.compile(
            rf"(?i:(?<!\w)(?:{trie_pattern(titles['former_markers'])}))[\s-]*$"
        ),
        family_name_first=frozenset(_data("family_name_first.json")),
        name_particles=frozenset(p.rstrip("-") for p in particles),
        folded_topic_pattern=folded_pattern(_words(trie_pattern(topic_of_keyword))),
        topic_of_keyword=topic_of_keyword,
        venues={venue: (city, code) for venue, (city, code) in venues.items()},
        venue_pattern=re.compile(_words(trie_pattern(venues))),
        newsroom_countries={
            float(offset): tuple(codes)
            for offset, codes in _data("utc_offsets.json").items()
            if not offset.startswith("_")
        },
        dominant_newsroom=_dominant_newsrooms(_data("utc_offsets.json")),
        news_agencies={
            fold(name): code for name, code in _data("news_agencies.json").items() if name[0] != "_"
        },
        agency_credit=_agency_credit(_data("news_agencies.json")),
        mastheads={
            fold(name): code for name, code in _data("mastheads.json").items() if name[0] != "_"
        },
        us_states=frozenset(_data("us_states.json")),
    )


def _agency_credit(agencies: dict[str, str]) -> re.Pattern[str]:
    """A national agency credited in a page's opening or closing lines: "(Lusa)", "(ANTARA)",
    "Source: Xinhua", "-- BERNAMA", or its masthead alone on a line (on folded text)."""
    names = trie_pattern(fold(name) for name in agencies if name[0] != "_")
    return re.compile(
        rf"\((?P<agency>{names})\)|(?:source:|--|—|–)\s*(?P<credited>{names})\b"
        rf"|^(?P<masthead>{names})$",
        re.MULTILINE,
    )


def _dominant_newsrooms(offsets: dict[str, Any]) -> dict[float, str]:
    """Each offset's dominant newsroom country: the only one listed, or the one named."""
    dominant = {
        float(offset): codes[0]
        for offset, codes in offsets.items()
        if not offset.startswith("_") and len(codes) == 1
    }
    named = offsets.get("_dominant", {})
    dominant |= {float(k): v for k, v in named.items() if not k.startswith("_")}
    return dominant


def _places(
    countries: list[dict[str, Any]],
) -> tuple[dict[str, Place], frozenset[str], dict[str, str]]:
    places: dict[str, Place] = {}
    ambiguous: set[str] = set()
    capitals: dict[str, str] = {}
    for country in countries:
        code = country["code"]
        forms: list[tuple[str, PlaceKind]] = [(a, "country") for a in country["aliases"]]
        forms += [(d, "demonym") for d in country.get("demonyms", [])]
        if country.get("capital"):
            capitals[code] = country["capital"]
            forms.append((country["capital"], "capital"))
        forms += [(c, "city") for c in country.get("cities", [])]
        for form, kind in forms:
            canonical = country["name"] if kind in ("country", "demonym") else form
            places.setdefault(form, Place(code, kind, canonical))
            if form.startswith("the "):
                places.setdefault(form[4:].capitalize(), Place(code, kind, canonical))
        ambiguous.update(country.get("ambiguous", []))
    return places, frozenset(ambiguous), capitals


def _organizations(entries: list[dict[str, Any]]) -> dict[str, Organization]:
    organizations: dict[str, Organization] = {}
    for entry in entries:
        organization = Organization(
            _short_name(entry),
            tuple(entry.get("members", ())),
            tuple(entry.get("joined", {}).items()),
        )
        for alias in [entry["name"], *entry.get("aliases", [])]:
            organizations.setdefault(alias, organization)
    return organizations


def _short_name(entry: dict[str, Any]) -> str:
    """The name news copy uses: an acronym like "IMF" when the body is known by one."""
    acronyms = [a for a in entry.get("aliases", []) if a.isupper() and "." not in a]
    if entry["name"].startswith(("United Nations", "European ")) or not acronyms:
        return str(entry["name"])
    return str(acronyms[0])


def _title_source(titles: dict[str, list[str]]) -> str:
    """Titles are matched regardless of case: "Foreign Minister" and "foreign minister"."""
    prefix = trie_pattern(titles["prefixes"])
    portfolio = trie_pattern(titles["portfolios"])
    head = trie_pattern(titles["head_nouns"])
    standalone = trie_pattern(titles["standalone"])
    portfolios = rf"(?:the\s+)?(?:{portfolio})(?:(?:,\s*|\s+and\s+|\s*&\s*)(?:{portfolio}))*"
    core = (
        rf"(?:{head})\s+(?:of|for)\s+{portfolios}"
        rf"|(?:{portfolio})\s+(?:{head})"
        rf"|(?:{standalone})"
    )
    one = rf"(?:(?:{prefix})[\s-]+){{0,2}}(?:{core})"
    # The words a title can start with, checked first: most words of a text are not one, and
    # this rejects them faster than the branches above.
    first_words = trie_pattern(
        {
            entry.split()[0].split("-")[0].lower()
            for key in ("prefixes", "portfolios", "head_nouns", "standalone")
            for entry in titles[key]
        }
    )
    # "Deputy Prime Minister and Foreign Minister" is one title.
    return rf"(?=(?:{first_words})(?!\w)){one}(?:\s+and\s+{one})?"


def _name_pattern(particles: list[str], *, longest: int | None) -> re.Pattern[str]:
    """Name words in a row, with particles such as "bin" or "van" inside: a person's name
    has at most ``longest`` words; ``None`` gives whole runs, to search them for known names."""
    particle = trie_pattern(p.rstrip("-") for p in particles)
    joiner = rf"(?:\s+(?:{particle})[\s-]|\s+|-)"
    repeat = f"{{0,{longest - 1}}}" if longest else "*"
    return re.compile(rf"{NAME_TOKEN}(?:{joiner}{NAME_TOKEN}){repeat}")


def find_titles(lexicon: Lexicon, text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Where titles stand in ``text[start:end]``, left to right, not overlapping.

    "Deputy Prime Minister and Foreign Minister" is one title, but "the Iranian president and
    Prime Minister Shehbaz Sharif" two: offices joined by "and" are one when written alike.
    """
    spans: list[tuple[int, int]] = []
    for match in lexicon.title_pattern.finditer(fold(text), start, end):
        joint = match.group(0).find(" and ")
        second = match.start() + joint + len(" and ")
        if joint > 0 and text[match.start()].isupper() != text[second].isupper():
            spans += [(match.start(), match.start() + joint), (second, match.end())]
        else:
            spans.append(match.span())
    return spans


def title_starts_at(lexicon: Lexicon, text: str, position: int) -> bool:
    return lexicon.title_pattern.match(fold(text), position) is not None
