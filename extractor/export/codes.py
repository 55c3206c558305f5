"""Event-data codes of a meeting dyad: the CAMEO consult family and the PLOVER event and mode.

A dyad is an ordered pair of states of one meeting, (source, target), as ICEWS codes events:
a visit is two events, the visitor's and the host's. The code follows from the meeting's
status and format and from who hosts it, the state of its location (``location.country``):

| the meeting | CAMEO | PLOVER event, mode |
| --- | --- | --- |
| held, by phone or video | 041 Discuss by telephone | CONSULT, phone |
| held in person in the target's country | 042 Make a visit | CONSULT, visit |
| held in person in the source's country | 043 Host a visit | CONSULT, host |
| held in person in neither's country | 044 Meet at a "third" location | CONSULT, third-party |
| held, its status told as a negotiation | 046 Engage in negotiation | CONSULT |
| held, anything else (no place known) | 040 Consult | CONSULT |
| planned | 036 Express intent to meet or negotiate | AGREE |
| cancelled | none: no meeting took place | none |

Sources: CAMEO's codebook (Schrodt, *CAMEO Conflict and Mediation Event Observations Event
and Actor Codebook*, 2012, section 04) and the PLOVER project's conversion table
(``CAMEO2PLOVER-2021.txt``: 041 phone, 042 visit, 043 host, 044 third-party). A meeting of
more than two states adds PLOVER's ``multilateral`` mode. "Negotiation" is read from the
words the status rests on (its evidence), never guessed. ISO 3166-1 alpha-3 codes come from
``pycountry``, the Debian ``iso-codes`` data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pycountry

_NEGOTIATION = re.compile(r"\bnegotiat", re.IGNORECASE)
_REMOTE = frozenset({"phone", "video"})


@dataclass(frozen=True)
class EventCode:
    """The codes of one dyad: CAMEO code and its name, PLOVER event and modes."""

    cameo: str
    cameo_name: str
    plover_event: str
    plover_modes: tuple[str, ...]


def dyad_code(
    *,
    status: str,
    format: str,
    source: str,
    target: str,
    host: str | None,
    states: int,
    status_words: str = "",
) -> EventCode | None:
    """The codes of the dyad (``source``, ``target``, alpha-2) of a meeting with this
    ``status`` and ``format``, held in ``host``'s country (None: unknown) among ``states``
    states; ``status_words`` is the text its status rests on. None for a cancelled meeting.
    The mapping and its sources are in the module docstring."""
    multilateral = ("multilateral",) if states > 2 else ()
    if status == "cancelled":
        return None
    if status == "planned":
        return EventCode("036", "Express intent to meet or negotiate", "AGREE", multilateral)
    if format in _REMOTE:
        return EventCode("041", "Discuss by telephone", "CONSULT", ("phone", *multilateral))
    if _NEGOTIATION.search(status_words):
        return EventCode("046", "Engage in negotiation", "CONSULT", multilateral)
    if host is None:
        return EventCode("040", "Consult", "CONSULT", multilateral)
    if host == target and host != source:
        return EventCode("042", "Make a visit", "CONSULT", ("visit", *multilateral))
    if host == source and host != target:
        return EventCode("043", "Host a visit", "CONSULT", ("host", *multilateral))
    return EventCode("044", 'Meet at a "third" location', "CONSULT", ("third-party", *multilateral))


@cache
def alpha3(alpha2: str | None) -> str | None:
    """The ISO 3166-1 alpha-3 code of an alpha-2 code (``JP`` -> ``JPN``); None for None or
    a code ISO has not assigned."""
    if not alpha2:
        return None
    country = pycountry.countries.get(alpha_2=alpha2)
    return None if country is None else str(country.alpha_3)
