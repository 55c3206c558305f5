"""A model's answer mended before it is validated, deterministically and without a re-ask.

Small models write a participant with his office and nationality ("Japanese Foreign Minister
Yoko Kamikawa"), where the contract keeps the name, the title and the country apart; the
rules' people finder reads such a phrase as it reads an article, and the parts it finds go
where the answer left them empty. Small models also write a country as its name ("China") or
its demonym ("Japanese") where the contract wants its ISO 3166-1 alpha-2 code. Neither is a
wrong answer, only a wrong spelling: re-asking costs a whole request (a minute on a local
model) and often fails again (measured: one article in eight lost after two re-asks on
"China"). The rules' gazetteer
already knows every state's names and demonyms, so the answer is mended with it; a value it
does not know is left as it was, for validation to refuse and the model to be re-asked.
"""

from __future__ import annotations

from typing import Any

from extractor.rules.lexicon import find_titles, lexicon
from extractor.rules.mentions import PersonFinder
from extractor.rules.text import Spans
from extractor.sentences import split_sentences


def mend_meeting(meeting: Any) -> Any:
    """A meeting as the model answered it (its JSON object), with each participant's name
    freed of the office and nationality written into it, and every country value (the
    meeting's ``countries``, each participant's ``country``, the location's ``country``)
    given as a code where it was a name or demonym of a state; anything else as it is."""
    if not isinstance(meeting, dict):
        return meeting
    mended = dict(meeting)
    if isinstance(mended.get("countries"), list):
        mended["countries"] = [country_code(value) for value in mended["countries"]]
    if isinstance(mended.get("participants"), list):
        mended["participants"] = [_with_country(_name_alone(p)) for p in mended["participants"]]
    mended["location"] = _with_country(mended.get("location"))
    return mended


def _name_alone(participant: Any) -> Any:
    """ "Japanese Foreign Minister Yoko Kamikawa" as name "Yoko Kamikawa", with title "Foreign
    Minister" and country "JP" where the answer gave none; a name with nothing around it (the
    finder then finds no title), or one the finder reads otherwise, as it is."""
    if not isinstance(participant, dict) or not isinstance(participant.get("name"), str):
        return participant
    written = participant["name"].strip()
    if " " not in written:
        return participant
    if not find_titles(lexicon(), written, 0, len(written)):
        return participant  # a name alone, as most are: no finder needed (nor its cost)
    sentences = split_sentences(written, 0, len(written))
    found = PersonFinder(lexicon(), written, Spans(())).run(sentences, [[] for _ in sentences])
    if len(found.people) != 1 or found.people[0].name == written:
        return participant
    person = found.people[0]
    if person.name not in written:
        return participant
    return {
        **participant,
        "name": person.name,
        "title": participant.get("title") or person.title,
        "country": participant.get("country") or person.country,
    }


def _with_country(part: Any) -> Any:
    if isinstance(part, dict) and "country" in part:
        return {**part, "country": country_code(part["country"])}
    return part


def country_code(value: Any) -> Any:
    """ "China", "china", "Chinese" or "People's Republic of China" as "CN"; a code, or a
    value that names no state (a city, a bloc, a typo), as it is."""
    if not isinstance(value, str) or len(value.strip()) <= 2:
        return value  # a code already, or nothing to mend
    places = lexicon().places
    for form in (value.strip(), value.strip().title()):
        place = places.get(form)
        if place is not None and place.kind in ("country", "demonym"):
            return place.code
    return value
