"""From triggers to meetings: who takes part in each event, and which events are one meeting.

An event is a trigger plus the parties in its clause: the subject before the first trigger of
the sentence and the objects up to the next trigger ("Blinken met Wang on Monday and then held
talks with Kamikawa" is two events with Blinken in both). Events are then merged into
meetings when their parties overlap and their status and date agree, so an article with a
tour of three capitals gives three meetings, and "met ... The two ministers also held talks"
gives one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from extractor.rules.events import Trigger, find_triggers
from extractor.rules.lexicon import Lexicon
from extractor.rules.mentions import People
from extractor.rules.text import Sentence

_PRONOUN_SUBJECT = re.compile(
    r"^(?:[\w,' ]{0,40}?,\s*)?(?:he|she|they|both|the\s+(?:two|minister|president|prime\s+minister|"
    r"leader|chancellor|premier|secretary|envoy|official)s?)\b",
    re.IGNORECASE,
)
_GROUP_SUBJECT = re.compile(
    r"^(?:[\w,' ]{0,40}?,\s*)?(?:they|both|the\s+two|the\s+(?:ministers|leaders|officials|sides|"
    r"delegations|presidents|counterparts))\b",
    re.IGNORECASE,
)
_NOT_PARTY_BEFORE = re.compile(
    r"\b(?:in|to|at|on|about|over|from|regarding|against|toward|towards|into|across|of|for|"
    r"between\s+\w+\s+and|after|through)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


@dataclass
class Event:
    sentence: int  # index into the body sentences
    trigger: Trigger
    people: list[int]
    countries: list[str]  # countries of unnamed parties: "his Japanese counterpart", "Japan and"
    regions: list[tuple[int, int]]  # the clause text the event's parties were read from
    headline: bool

    @property
    def parties(self) -> int:
        return len(self.people) + len(self.countries)


@dataclass
class Draft:
    """A meeting being assembled from its events."""

    events: list[Event] = field(default_factory=list)
    people: list[int] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    date: dt.date | None = None

    @property
    def status(self) -> str:
        statuses = {event.trigger.status for event in self.events}
        if "cancelled" in statuses:
            return "cancelled"
        return "held" if "held" in statuses else "planned"

    def absorb(self, event: Event) -> None:
        self.events.append(event)
        self.people += [p for p in event.people if p not in self.people]
        self.countries += [c for c in event.countries if c not in self.countries]


def find_events(
    lexicon: Lexicon,
    text: str,
    sentences: list[Sentence],
    people: People,
    quoted: list[tuple[int, int]],
    headline: int | None,
) -> list[Event]:
    """Every meeting event in the body, with the people and countries of its clause."""
    events: list[Event] = []
    focus: list[int] = []  # the people the last sentence was about, for "she" and "the two"
    for index, sentence in enumerate(sentences):
        triggers = [
            t
            for t in find_triggers(text, sentence.start, sentence.end)
            if not _inside(t.start, quoted)
        ]
        mentioned = [
            m.person
            for m in people.in_span(sentence.start, sentence.end)
            if not _inside(m.start, quoted)
        ]
        subject_end = triggers[0].start if triggers else sentence.end
        subject = _unique(
            m.person
            for m in people.in_span(sentence.start, subject_end)
            if not _inside(m.start, quoted)
        )
        if not subject and triggers:
            subject = _resolve_subject(text[sentence.start : subject_end], focus)
        for k, trigger in enumerate(triggers):
            object_end = triggers[k + 1].start if k + 1 < len(triggers) else sentence.end
            regions = [(sentence.start, subject_end), (trigger.start, object_end)]
            objects = [
                m.person
                for m in people.in_span(trigger.start, object_end)
                if not _inside(m.start, quoted)
            ]
            countries = _party_countries(lexicon, text, regions, people)
            events.append(
                Event(
                    index,
                    trigger,
                    _unique([*subject, *objects]),
                    countries,
                    regions,
                    headline == index,
                )
            )
        if mentioned:
            focus = _unique(mentioned)
    return events


def merge_events(
    events: list[Event], dates: dict[int, dt.date | None], person_countries: dict[int, str | None]
) -> list[Draft]:
    """Group events into meetings; events that cannot stand alone join a compatible meeting.

    ``dates`` gives each event's resolved date (by position in ``events``), so that two
    meetings of the same people on different days stay apart; ``person_countries`` says whom
    each person represents, so that "Japanese, Indian Foreign Ministers Meet" joins the
    meeting of a Japanese and an Indian minister.
    """
    drafts: list[Draft] = []
    body = [(i, e) for i, e in enumerate(events) if not e.headline]
    headline = [(i, e) for i, e in enumerate(events) if e.headline]
    for i, event in body:
        target = _compatible(drafts, event, dates.get(i), person_countries)
        if target is not None:
            target.absorb(event)
            target.date = target.date or dates.get(i)
        elif _can_stand_alone(event):
            draft = Draft(date=dates.get(i))
            draft.absorb(event)
            drafts.append(draft)
    for i, event in headline:
        target = _compatible(drafts, event, dates.get(i), person_countries)
        if target is not None:
            target.absorb(event)
        elif not drafts and _can_stand_alone(event):
            draft = Draft(date=dates.get(i))
            draft.absorb(event)
            drafts.append(draft)
    return [d for d in drafts if len(d.people) + len(d.countries) >= 2 or _two_countries(d)]


def _compatible(
    drafts: list[Draft], event: Event, day: dt.date | None, person_countries: dict[int, str | None]
) -> Draft | None:
    for draft in reversed(drafts):
        if day and draft.date and day != draft.date:
            continue
        if not _status_compatible(draft.status, event.trigger.status):
            continue
        if event.people:
            if _people_compatible(draft, event):
                return draft
        elif event.countries and _countries_compatible(draft, event, person_countries):
            return draft
    return None


def _people_compatible(draft: Draft, event: Event) -> bool:
    """Same people (one side may name fewer), or an event too small to be a meeting alone."""
    mine, theirs = set(draft.people), set(event.people)
    shared = mine & theirs
    if shared and (theirs <= mine or mine <= theirs):
        return True
    return len(shared) >= 2 or (bool(shared) and event.parties < 2)


def _countries_compatible(
    draft: Draft, event: Event, person_countries: dict[int, str | None]
) -> bool:
    """Countries the draft's people represent, or could represent if their country is unknown."""
    known = set(draft.countries) | {person_countries.get(p) for p in draft.people}
    unknown_people = sum(1 for p in draft.people if person_countries.get(p) is None)
    return len(set(event.countries) - known) <= unknown_people


def _status_compatible(existing: str, new: str) -> bool:
    return existing == new or {existing, new} == {"planned", "cancelled"}


def _can_stand_alone(event: Event) -> bool:
    if event.trigger.strong or event.headline:
        return event.parties >= 2
    return len(event.people) >= 2


def _two_countries(draft: Draft) -> bool:
    return len(draft.countries) >= 2


def _resolve_subject(subject_text: str, focus: list[int]) -> list[int]:
    if _GROUP_SUBJECT.match(subject_text.strip()):
        return list(focus)
    if _PRONOUN_SUBJECT.match(subject_text.strip()) and focus:
        return focus[:1]
    return []


def _party_countries(
    lexicon: Lexicon, text: str, regions: list[tuple[int, int]], people: People
) -> list[str]:
    """Countries that are parties in their own right: "his Japanese counterpart", "Japan and
    India held talks"; not places ("in Tokyo", "on Ukraine") or a named person's qualifier."""
    countries: list[str] = []
    for counterpart in people.counterparts:
        if counterpart.country and any(s <= counterpart.start < e for s, e in regions):
            countries.append(counterpart.country)
    qualifier_ends = {p.title_span[0] for p in people.people if p.title_span}
    for start, end in regions:
        for match in lexicon.place_pattern.finditer(text, start, end):
            place = lexicon.places[match.group(0)]
            if (
                place.kind not in ("country", "demonym")
                or match.group(0) in lexicon.ambiguous_places
            ):
                continue
            if _NOT_PARTY_BEFORE.search(text[max(0, match.start() - 30) : match.start()]):
                continue
            if any(0 <= q - match.end() <= 3 for q in qualifier_ends):
                continue  # "India's External Affairs Minister": the person stands for India
            if text[match.end() : match.end() + 1] == "-":
                continue  # "India-Japan cooperation"
            countries.append(place.code)
    return _unique(countries)


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _unique(items: object) -> list:  # type: ignore[type-arg]
    seen: list = []  # type: ignore[type-arg]
    for item in items:  # type: ignore[attr-defined]
        if item not in seen:
            seen.append(item)
    return seen
