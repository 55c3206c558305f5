"""What the rules read in an article, before deciding on meetings: its candidates.

The people the people finder found (with title, country and span), every date phrase with the
day it fixes read both ways (a meeting held, one planned), every stated place, every quotation
with its speaker, and the meeting records the rules make of them. The LLM's guided strategy
shows a model this list, numbered, so that it picks and links candidates instead of copying
names and counting days (``extractor.llm.guided``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from extractor.dates import find_date_phrases
from extractor.rules.lexicon import Lexicon
from extractor.rules.mentions import Person
from extractor.rules.places import FoundPlace, find_location
from extractor.rules.quotes import AttributedQuote
from extractor.schema import Meeting
from extractor.sentences import Sentence


@dataclass(frozen=True)
class DateCandidate:
    """A date phrase and its day: ``held`` if the meeting took place (a bare "Thursday" is
    the one before the publication day), ``planned`` if it is still to come (the one after);
    the two differ only for such phrases. None where the phrase fixes no day."""

    text: str
    start: int
    end: int
    held: dt.date | None
    planned: dt.date | None


@dataclass(frozen=True)
class QuoteCandidate:
    """A quotation (``text[start:end]``, inside its marks) and who says it: an index into
    ``Reading.people``."""

    speaker: int
    start: int
    end: int


@dataclass(frozen=True)
class Reading:
    """The rules' candidates for one document, each list in text order (offsets index
    ``Document.text``), and the rules' own meeting records."""

    people: list[Person]
    dates: list[DateCandidate]
    places: list[FoundPlace]
    quotes: list[QuoteCandidate]
    meetings: list[Meeting]


def read_candidates(
    lexicon: Lexicon,
    text: str,
    sentences: list[Sentence],
    people: list[Person],
    quotes: list[AttributedQuote],
    published: dt.date | None,
    meetings: list[Meeting],
) -> Reading:
    """The candidates of an article that the rules backend has read (its sentences, people
    and attributed quotes), with the meeting records it made of them."""
    names = frozenset(key for person in people for key in person.keys)
    return Reading(
        people=list(people),
        dates=_dates(text, sentences, published),
        places=_places(lexicon, text, sentences, names),
        quotes=[QuoteCandidate(q.person, q.start, q.end) for q in quotes],
        meetings=meetings,
    )


def _dates(text: str, sentences: list[Sentence], published: dt.date | None) -> list[DateCandidate]:
    found: dict[tuple[int, int], DateCandidate] = {}
    for sentence in sentences:
        held = find_date_phrases(
            text, sentence.start, sentence.end, published=published, future=False
        )
        planned = find_date_phrases(
            text, sentence.start, sentence.end, published=published, future=True
        )
        days_if_planned = {(p.start, p.end): p.date for p in planned}
        for phrase in held:
            found[phrase.start, phrase.end] = DateCandidate(
                phrase.text,
                phrase.start,
                phrase.end,
                phrase.date,
                days_if_planned.get((phrase.start, phrase.end), phrase.date),
            )
    return list(found.values())


def _places(
    lexicon: Lexicon, text: str, sentences: list[Sentence], names: frozenset[str]
) -> list[FoundPlace]:
    """The first stated place of each sentence, each place once (by city, country and venue)."""
    found: dict[tuple[str | None, str | None, str | None], FoundPlace] = {}
    for sentence in sentences:
        place = find_location(lexicon, text, sentence.start, sentence.end, not_places=names)
        if place is not None:
            found.setdefault((place.city, place.country, place.venue), place)
    return list(found.values())
