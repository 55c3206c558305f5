"""A model's answer mended before it is validated, deterministically and without a re-ask.

Small models write a country as its name ("China") or its demonym ("Japanese") where the
contract wants its ISO 3166-1 alpha-2 code. That is not a wrong answer, only a wrong
spelling: re-asking costs a whole request (a minute on a local model) and often fails again
(measured: one article in eight lost after two re-asks on "China"). The rules' gazetteer
already knows every state's names and demonyms, so the answer is mended with it; a value it
does not know is left as it was, for validation to refuse and the model to be re-asked.
"""

from __future__ import annotations

from typing import Any


def mend_countries(meeting: Any) -> Any:
    """A meeting as the model answered it (its JSON object), with every country value (the
    meeting's ``countries``, each participant's ``country``, the location's ``country``)
    given as a code where it was a name or demonym of a state; anything else as it is."""
    if not isinstance(meeting, dict):
        return meeting
    mended = dict(meeting)
    if isinstance(mended.get("countries"), list):
        mended["countries"] = [country_code(value) for value in mended["countries"]]
    if isinstance(mended.get("participants"), list):
        mended["participants"] = [_with_country(p) for p in mended["participants"]]
    mended["location"] = _with_country(mended.get("location"))
    return mended


def _with_country(part: Any) -> Any:
    if isinstance(part, dict) and "country" in part:
        return {**part, "country": country_code(part["country"])}
    return part


def country_code(value: Any) -> Any:
    """ "China", "china", "Chinese" or "People's Republic of China" as "CN"; a code, or a
    value that names no state (a city, a bloc, a typo), as it is."""
    if not isinstance(value, str) or len(value.strip()) <= 2:
        return value  # a code already, or nothing to mend
    from extractor.rules.lexicon import lexicon  # the gazetteer, loaded on the first name

    places = lexicon().places
    for form in (value.strip(), value.strip().title()):
        place = places.get(form)
        if place is not None and place.kind in ("country", "demonym"):
            return place.code
    return value
