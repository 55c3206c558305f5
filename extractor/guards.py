"""Precision guards: what every meeting record must be, whichever backend made it.

A meeting is two or more parties meeting (the record contract in ``fixtures/README.md``), so
a record needs two parties: two named participants, or one and a second state or body, or,
for a bloc's meeting whose members the article never names, two states. A meeting that was
held cannot carry a date after the article's publication day. These rules sit here, once,
rather than in each backend: a record from a headline ("Tehran denies any meeting ...") or
from a model's answer is held to the same contract.

Nothing is dropped silently: every record removed or changed leaves a warning, and so does a
date phrase left undated for want of a publication date.
"""

from __future__ import annotations

import datetime as dt

from extractor.schema import Meeting


def guard_records(
    meetings: list[Meeting], published: dt.date | None
) -> tuple[list[Meeting], list[str]]:
    """The records that meet the contract, and a warning for each one changed or dropped.

    ``published`` is the publication day in the article's own time zone (None when unknown:
    the date rule is then not applied). Records are changed in place.
    """
    kept: list[Meeting] = []
    warnings: list[str] = []
    for meeting in meetings:
        if not has_two_parties(meeting):
            warnings.append(f"dropped a record with fewer than two parties: {meeting.summary}")
            continue
        if meeting.status == "held" and published and meeting.date and meeting.date > published:
            meeting.status = "planned"
            warnings.append(
                f"a meeting dated {meeting.date.isoformat()}, after publication, is planned, "
                "not held"
            )
        kept.append(meeting)
    if published is None:
        warnings += undated_warnings(kept)
    return kept, warnings


def undated_warnings(meetings: list[Meeting]) -> list[str]:
    """A warning for each meeting whose date phrase could not be turned into a day because
    the article's publication date is unknown ("on Thursday" of which week?): the user can
    give it (``--published-at``, or ``published_at`` in a JSON Lines row) and run again."""
    return [
        f"meeting {number}: {meeting.date_text!r} is not dated: the publication date is "
        "unknown (give --published-at or a published_at field)"
        for number, meeting in enumerate(meetings, start=1)
        if meeting.date is None and meeting.date_text
    ]


def has_two_parties(meeting: Meeting) -> bool:
    """Two named participants; or one, and a state or body they do not represent; or no
    named participant and two states (a bloc's or delegations' meeting)."""
    named = meeting.participants
    if len(named) >= 2:
        return True
    if len(named) == 1:
        own = {named[0].country, named[0].organization}
        return any(country not in own for country in meeting.countries)
    return len(meeting.countries) >= 2
