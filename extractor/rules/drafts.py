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
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from typing import TypeVar

from extractor.folding import fold, folded_pattern
from extractor.rules.events import Format, Trigger
from extractor.rules.lexicon import Lexicon, find_titles
from extractor.rules.mentions import Mention, People
from extractor.rules.text import SpaceRuns, Spans
from extractor.sentences import Sentence

_T = TypeVar("_T")
_PRONOUN_SUBJECT = re.compile(
    r"^(?:[\w,' ]{0,40}?,\s*|(?:on|late|early|earlier|later|last|next|this|in|at)\s+"
    r"[\w ]{0,25}?\s)?"
    r"(?:he|she|they|both|(?-i:(?P<abbreviation>EAM|FM|PM))|the\s+(?:visiting\s+)?(?:two|"
    r"(?P<office>minister|president|prime\s+minister|chancellor|premier|secretary)|leader|envoy|"
    r"official)s?)\b",
    re.IGNORECASE,
)
# Offices as the press abbreviates them in a subject: "On February 17, EAM called on ..."
_OFFICE_ABBREVIATIONS = {
    "EAM": "external affairs minister",
    "FM": "foreign minister",
    "PM": "prime minister",
}
# "The President spoke today with ...", "The Prime Minister met ...": a readout names its own
# principal by office alone, capitalised, and no name follows
_ISSUER_SUBJECT = re.compile(
    r"The\s+(?:President|Vice\s+President|Prime\s+Minister|Chancellor|Taoiseach)"
    r"(?:\s+(?:also|then|later|will|has|had|was|is))*\s*$"
)
# "the visiting minister": "visiting" after a determiner is an adjective, not a visit
_DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|his|her|their|its)\s+$")
# "the German minister", "the visiting Indian leader": one person, named before, by state
_DESCRIBED_SUBJECT = re.compile(
    r"(?:^|,\s*)[Tt]he\s+(?:visiting\s+|top\s+)?(?P<nationality>[A-Z][\w-]+)\s+(?:[a-z]+\s+)?"
    r"(?:minister|president|leader|chancellor|premier|secretary|envoy|diplomat|official)"
    r"(?:\s+(?:will|would|is|was|has|had|also|then|later|be|been|being|to))*\s*$"
)
_GROUP_SUBJECT = re.compile(
    r"^(?:[\w,' ]{0,40}?,\s*)?(?:they|both|the\s+two|the\s+(?:ministers|leaders|officials|sides|"
    r"delegations|presidents|counterparts))\b",
    re.IGNORECASE,
)
_NOT_PARTY_BEFORE = re.compile(
    r"\b(?:in|to|at|on|about|over|from|regarding|against|toward|towards|into|across|of|for|"
    r"between\s+\w+\s+and|after|through|by|near|around|off|within|beyond)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


_OBJECT_LEAD = re.compile(
    r"\s*(?:with|between|by)?\s*(?:a|an|the|his|her|their|its)?\s*(?:visiting|senior|top)?\s*",
    re.IGNORECASE,
)
_AND = re.compile(r"\s*(?:and|,)\s+(?:the\s+)?")
_PARTY_NOUN = re.compile(
    r"\s+(?:[\w-]+\s+){0,2}(?:officials?|delegation|ministers?|leaders?|government|president|"
    r"prime\s+minister|premier|counterparts?|envoys?|chancellor|king|emir|secretary)\b",
    re.IGNORECASE,
)
# "..., government spokesman Steffen Hebestreit said." / "according to Hebestreit"
_SAID_AFTER = re.compile(
    r"(?:'s\s+office)?\s+(?:said|says|told\s+reporters|added|stated)"
    r"(?:\s+(?:on|late|early|in|at)\s+[\w\s]{0,50}?)?\s*[.,;]",
    re.IGNORECASE,
)
_SAID_BEFORE = re.compile(
    r"\b(?:according\s+to|said)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$", re.IGNORECASE
)
_CLAUSE_END_AFTER = re.compile(r"\s*(?:[.;:,!?\"”)]|$|\s+(?:on|in|at|late|earlier)\b)")
_GROUP_NOUN = folded_pattern(
    r"\b(?:ministers|leaders|heads\s+of\s+(?:state|government)|delegates|envoys|council|"
    r"bloc|alliance|grouping)\b"
)
_LEADING_SUBORDINATOR = re.compile(
    r"^(?:and\s+|but\s+)?(?:(?:after|before|when|as|while|once|until|since|because|where)\s+)?"
)
# "It was their first conversation since they met in person": a group subject after a
# subordinator inside the clause
_GROUP_AFTER_SUBORDINATOR = folded_pattern(
    r"\b(?:after|before|when|while|since|because|where)\s+(?:they|both|the\s+two)\b[^,;]*$"
)
# "Clinton told a press conference on Tuesday that Washington's envoy had talked with ...":
# the one who reports a meeting is not a party to it; the parties are in the reported clause.
_REPORTED_THAT = folded_pattern(
    r"\b(?:said|says|told|tells|announced|announces|confirmed|confirms|revealed|reveals|"
    r"disclosed|discloses|stated|states|added|adds|noted|notes|reported|reports|claimed|"
    r"claims|insisted|insists)\b[^.;:]*?\bthat\s+|\b(?:said|says)\s+(?!that\b)"
)
_PRONOUN = re.compile(
    r"(?:(?:on|late|early|in|at|last)\s+[\w ]{0,25}?\s)?(?:he|she|they|we|i|there|it)\b",
    re.IGNORECASE,
)
# "held separate meetings with", "met separately with", "back-to-back talks with"
_SEPARATELY = folded_pattern(
    r"\b(?:separate(?:ly)?|respectively|back-to-back|a\s+series\s+of|bilateral\s+(?:meetings|talks))\b"
)
_SEPARATE_REACH = 25  # characters after a trigger where "separately" still qualifies it
_SEPARATELY_RUNS = 2  # runs of white space in a match of _SEPARATELY ("a series of")
_AT_THE_MEETING = re.compile(
    r"\s+(?:at|in)\s+the\s+(?:[\w'’-]+\s+){0,3}?(retreat|summit|talks|meeting|session|"
    r"audience|dinner|lunch|call|dialogue)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(?:I|[Ww]e)\b(?:\s+[\w'’]+){0,3}\s*$")
_CLAUSE_STOP = re.compile(r"[;.!?]|,\s+(?:and|but|where|which|who)\b")
# Trigger words that name a channel themselves ("met in person" is only implied by "met")
_NAMES_CHANNEL = re.compile(r"phone|call|video|virtual|online|in-person|in\s+person", re.IGNORECASE)
_TOPIC_VERB = re.compile(r"discussed|reviewed|exchanged", re.IGNORECASE)
_OFFICIALS_OF = folded_pattern(
    r"\b(?:leaders|ministers|counterparts|delegations|officials|presidents|prime\s+ministers|"
    r"heads\s+of\s+(?:state|government)|representatives|envoys)\s+(?:of|from)\s+(?:the\s+)?"
)
_NOMINAL = re.compile(r"\b(?:a|an|the|his|her|their|its)\s+(?:[\w-]+\s+)?$", re.IGNORECASE)
_NOMINAL_RUNS = 2  # runs of white space in a match of _NOMINAL: after each of its two words
_CHANNEL_REACH = 6  # sentences over which "held phone calls" sets the channel of "spoke with"
# "Foreign ministers from Japan, South Korea and China will meet": "from" names parties here.
_PARTIES_FROM = re.compile(
    r"\b(?:ministers|leaders|officials|delegations|delegates|envoys|representatives|"
    r"negotiators|diplomats)\s+from\s+(?:the\s+)?(?:[\w.'’ -]+(?:,\s+|\s+and\s+))*$",
    re.IGNORECASE,
)
_DESTINATION = re.compile(
    r"\b(?:travel|travels|travell?ed|travell?ing|fly|flies|flew|flying|head|heads|headed|"
    r"heading|visit|visits|visited|visiting|trip|journey|arrive[sd]?\s+in|arriving\s+in)\s+"
    r"(?:to\s+)?(?:the\s+)?(?P<place>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})"
)
_CAPITALISED_BEFORE = re.compile(r"(?<![.!?]\s)\b[A-Z][a-z]+\s+$")
_CAPITALISED_AFTER = re.compile(r"\s+[A-Z][a-z]")
_ANCHOR_REACH = 2  # sentences from an anchor to the event that names its people
_LOOKBACK = 12  # an event joins one of the last meetings assembled, not one pages back


@dataclass
class Event:
    sentence: int  # index into the body sentences
    trigger: Trigger
    people: list[int]
    countries: list[str]  # countries of unnamed parties: "his Japanese counterpart", "Japan and"
    regions: list[tuple[int, int]]  # the clause text the event's parties were read from
    headline: bool
    group: bool = False  # the subject is a body or a group ("G7 foreign ministers met")
    # countries of unnamed counterparts among the parties ("his Japanese counterpart"), each
    # once ("" for one of no known country), and how many counterparts there are in all
    counterparts: list[str] = field(default_factory=list)
    counterpart_count: int = 0
    trigger_text: str = ""  # the trigger's words, folded
    joined_noun: str | None = None  # "also present at the retreat": the meeting it names
    # "The President spoke today with ...": a readout's own principal, unnamed, is a party
    # for the state that issues the page (its newsroom country)
    issuer: bool = False

    @property
    def parties(self) -> int:
        return len(self.people) + len(self.countries) + int(self.issuer)


@dataclass
class Draft:
    """A meeting being assembled from its events."""

    events: list[Event] = field(default_factory=list)
    people: list[int] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    date: dt.date | None = None
    counterparts: list[str] = field(default_factory=list)  # countries of unnamed counterparts
    group: bool = False  # a body's or group's meeting: its people come from what follows
    statuses: set[str] = field(default_factory=set)
    formats: set[str] = field(default_factory=set)  # its events' (kept: asked at each event)
    issuer: bool = False  # the issuing state's unnamed principal takes part (see Event)

    @property
    def parties(self) -> int:
        return len(self.people) + len(self.countries) + int(self.issuer)

    @property
    def status(self) -> str:
        if "cancelled" in self.statuses:
            return "cancelled"
        return "held" if "held" in self.statuses else "planned"

    def absorb(self, event: Event) -> None:
        self.events.append(event)
        self.statuses.add(event.trigger.status)
        self.formats.add(event.trigger.format)
        self.people += [p for p in event.people if p not in self.people]
        self.countries += [c for c in event.countries if c not in self.countries]
        self.counterparts += [c for c in event.counterparts if c and c not in self.counterparts]
        self.issuer = self.issuer or event.issuer


def find_events(
    lexicon: Lexicon,
    text: str,
    sentences: list[Sentence],
    people: People,
    quoted: Spans,
    headline: int | None,
    triggers: list[list[Trigger]],
    speakers: Sequence[tuple[int, int, int]] = (),
) -> list[Event]:
    """Every meeting event in the body, with the people and countries of its clause;
    ``triggers`` are each sentence's meeting triggers, ``speakers`` the (start, end, person)
    of each attributed quote, for meetings a participant tells in the first person."""
    reader = _EventReader(lexicon, text, people, quoted, headline, speakers)
    return reader.read(sentences, triggers)


class _EventReader:
    """Reads events sentence by sentence, carrying what the text said just before: whom it is
    about ("she", "the two ministers", an elided subject) and by which channel ("held a series
    of phone calls ... also spoke with X")."""

    def __init__(
        self,
        lexicon: Lexicon,
        text: str,
        people: People,
        quoted: Spans,
        headline: int | None,
        speakers: Sequence[tuple[int, int, int]],
    ) -> None:
        self.lexicon, self.text, self.people, self.quoted = lexicon, text, people, quoted
        self.folded = fold(text)  # for the patterns that ignore case
        self.headline = headline
        self.speakers = sorted(speakers)
        self.speaker_starts = [start for start, _, _ in self.speakers]
        self.speaking_for_others = {i for i, p in enumerate(people.people) if p.speaks_for_others}
        self.embedded = Spans(people.embedded)
        self.sources: dict[int, bool] = {}  # mention start -> cited, not a party (read once)
        self.focus: list[int] = []  # the people the last sentence was about, subject first
        self.subject: list[int] = []  # the subject of the sentence being read
        self.channel: tuple[Format, int] | None = None  # last phone/video format, its sentence
        self.destinations: dict[int, _Destinations] = {}  # by where a sentence's subject starts
        self.separately: dict[int, int | None] = {}  # by sentence start (see _says_separately)

    def read(self, sentences: list[Sentence], triggers: list[list[Trigger]]) -> list[Event]:
        events: list[Event] = []
        for index, sentence in enumerate(sentences):
            self.subject = []
            events += self._sentence_events(index, sentence, triggers[index])
            if self.speakers:
                events += self._told_in_quotes(index, triggers[index])
            mentioned = self._parties_in(sentence.start, sentence.end)
            if mentioned or self.subject:
                # "On Tuesday he flies to Paris for talks with X. On Thursday he will receive
                # Y": "he" is still the subject before, not X
                self.focus = _unique([*self.subject, *mentioned])
        return events

    def _sentence_events(self, index: int, sentence: Sentence, found: list[Trigger]) -> list[Event]:
        triggers = [self._with_channel(t, index) for t in found if t.start not in self.quoted]
        if not triggers:
            return []
        # The subject ends at the first word that tells a meeting, not at a meeting noun in an
        # adverbial ("On Sunday, after the first plenary session, Lula hosted Li Qiang")
        # nor at "the visiting minister" when a verb of meeting follows ("the visiting minister
        # was received by X": the adjective names the subject)
        telling = [t for t in triggers if t.strength != "reference"]
        if len(telling) > 1 and self._adjective_visiting(telling[0]):
            telling = telling[1:]
        subject_end = (telling or triggers)[0].start
        subject_start = _reported_clause_start(self.folded, sentence.start, subject_end)
        subject = self._parties_in(subject_start, subject_end)
        if _GROUP_SUBJECT.match(self._last_clause(subject_start, subject_end)) or (
            not subject
            and _GROUP_AFTER_SUBORDINATOR.search(self.folded, subject_start, subject_end)
        ):
            # "X greeted him at the airport, and the two leaders held talks": the group is
            # the people of the sentence so far and those the text was about.
            subject = _unique([*subject, *self.focus])
        if not subject and _PRONOUN.match(self.text, subject_start, subject_end):
            # "Clinton said on Tuesday she had met ...", "X said there had been a frank
            # discussion": the reporter is the party
            subject = self._parties_in(sentence.start, subject_start)
        if not subject:
            subject = self._described_subject(subject_start, subject_end) or _resolve_subject(
                self.text[subject_start:subject_end],
                self.focus,
                self.people,
                self.people.named_before(subject_start),
            )
        self.subject = subject
        issuer = not subject and bool(
            _ISSUER_SUBJECT.match(
                _LEADING_SUBORDINATOR.sub("", self._subject_clause(subject_start, subject_end))
            )
        )
        group = self._is_group(sentence.start, subject_end)
        runs = SpaceRuns(self.text, sentence.start, sentence.end)
        # what the subject says of the parties, read once for all the meeting words after it
        opening: _Opening | None = None
        events = []
        for k, trigger in enumerate(triggers):
            object_end = triggers[k + 1].start if k + 1 < len(triggers) else sentence.end
            object_region = (trigger.start, object_end)
            # "... ahead of a visit to X": a later visit is not the subject's doing.
            inherits_subject = k == 0 or not (
                trigger.strength == "weak" and self._is_nominal(trigger, runs)
            )
            subject_region = (subject_start, subject_end) if inherits_subject else None
            # (a meeting word inside the subject, "talks" before "met", reads it afresh)
            reused = None
            if inherits_subject and trigger.start >= subject_end:
                if opening is None:
                    opening = _Opening.read(
                        self.lexicon, self.text, (subject_start, subject_end), self.people
                    )
                reused = opening
            objects = self._parties_in(*object_region)
            actors = _unique([*subject, *objects] if inherits_subject else objects)
            # A visit's host ("will travel to China for talks"); not for a meeting already
            # held, where a later journey in the same sentence usually leads to another one.
            hosts = trigger.status != "held" or trigger.strength == "weak"
            countries = _party_countries(
                self.lexicon,
                self.text,
                subject_region,
                (trigger.end, object_end),
                self.people,
                destinations=self._destinations(sentence, subject_region, trigger.end, object_end)
                if hosts
                else [],
                # "they discussed North Korea's threats": what is discussed is no party
                read_objects=not _TOPIC_VERB.match(self.text, trigger.start),
                opening=reused,
            )
            if (
                len(actors) == 1
                and not subject
                and set(countries) <= {self.people.people[actors[0]].country}
                and self.focus
                and self.focus[0] not in actors
                and trigger.strength == "strong"
            ):
                actors.insert(0, self.focus[0])  # "In a call with X, ...": the article's subject
            regions = [r for r in (subject_region, object_region) if r is not None]
            counterparts, counterpart_count = _counterparts(self.people, regions, reused)
            event = Event(
                index,
                trigger,
                actors,
                countries,
                regions,
                self.headline == index,
                group=group and inherits_subject,
                counterparts=counterparts,
                counterpart_count=counterpart_count,
                trigger_text=self.text[trigger.start : trigger.end].lower(),
                joined_noun=self._joined_noun(trigger) if trigger.strength == "join" else None,
                issuer=issuer and inherits_subject,
            )
            events += self._each_separately(event, subject, objects, sentence, runs)
        return events

    def _destinations(
        self, sentence: Sentence, subject: tuple[int, int] | None, start: int, end: int
    ) -> list[str]:
        """The countries that journeys head for ("will travel to China") from the subject, or
        from the meeting word's end ``start`` when it has none, to the end of its objects
        (``end``). From the subject, the sentence is scanned once: each of its meeting words
        reads that scan to a later end."""
        if subject is None:
            return _Destinations(self.lexicon, self.text, start, end).up_to(end)
        if subject[0] not in self.destinations:
            self.destinations[subject[0]] = _Destinations(
                self.lexicon, self.text, subject[0], sentence.end
            )
        return self.destinations[subject[0]].up_to(end)

    def _is_nominal(self, trigger: Trigger, runs: SpaceRuns) -> bool:
        """ "a visit", "the planned visit": a noun after a determiner, read in the last words
        before it (``runs`` are those of its sentence)."""
        window = runs.window(trigger.start, _NOMINAL_RUNS)
        return _NOMINAL.search(self.text, window, trigger.start) is not None

    def _adjective_visiting(self, trigger: Trigger) -> bool:
        return self.folded[trigger.start : trigger.end] == "visiting" and bool(
            _DETERMINER_BEFORE.search(self.folded, max(0, trigger.start - 8), trigger.start)
        )

    def _described_subject(self, start: int, end: int) -> list[int]:
        """ "Earlier in the day, the German minister held talks with X": a nationality and an
        office in place of a name stand for the person of that state the text was about."""
        described = _DESCRIBED_SUBJECT.search(self.text[start:end])  # "^": the clause start
        if described is None:
            return []
        place = self.lexicon.places.get(described.group("nationality"))
        if place is None or place.kind != "demonym":
            return []
        # the person the text was just about, else the last one named from that state
        candidates = chain(self.focus, self.people.named_before(start))
        return next(([p] for p in candidates if self.people.people[p].country == place.code), [])

    def _subject_clause(self, start: int, end: int) -> str:
        """The subject's clause: the last clause after a comma, else the whole subject."""
        return self._last_clause(start, end) or self.text[start:end].strip()

    def _last_clause(self, start: int, end: int) -> str:
        """The last clause of ``text[start:end]`` after a comma: "..., and the two leaders
        held talks" -> "the two leaders", without a leading "and", "after", "when" or
        "since"; empty when there is no comma."""
        text = self.text
        cut = max(text.rfind(",", start, end), text.rfind(";", start, end))
        if cut < 0:
            return ""  # one clause: its subject is read as a whole (see _resolve_subject)
        return _LEADING_SUBORDINATOR.sub("", text[cut + 1 : end].lstrip())

    def _told_in_quotes(self, index: int, found: list[Trigger]) -> list[Event]:
        """' "On Saturday I sat down with President Samia Suluhu Hassan in Arusha," Ruto
        said': a meeting the speaker tells in the first person, the speaker a party to it."""
        events = []
        for trigger in found:
            quote = self._quote_at(trigger.start)
            if quote is None or trigger.strength not in ("strong", "weak"):
                continue
            start, end, speaker = quote
            if not _FIRST_PERSON.search(self.text, start, trigger.start):
                continue
            stop = _CLAUSE_STOP.search(self.text, trigger.end, end)
            clause_end = stop.start() if stop else end
            others = [
                m.person
                for m in self.people.in_span(trigger.end, clause_end)
                if not self._is_source(m) and m.person != speaker
            ]
            if others:
                events.append(
                    Event(
                        index,
                        trigger,
                        _unique([speaker, *others]),
                        [],
                        [(start, clause_end)],
                        False,
                        trigger_text=self.text[trigger.start : trigger.end].lower(),
                    )
                )
        return events

    def _quote_at(self, position: int) -> tuple[int, int, int] | None:
        """The attributed quote around ``position``: quotes do not overlap, so it is the last
        one starting at or before it, found by bisection."""
        index = bisect_right(self.speaker_starts, position) - 1
        if index >= 0 and position < self.speakers[index][1]:
            return self.speakers[index]
        return None

    def _joined_noun(self, trigger: Trigger) -> str | None:
        named = _AT_THE_MEETING.match(self.text, trigger.end)
        return named.group(1).lower() if named else None

    def _each_separately(
        self,
        event: Event,
        subject: list[int],
        objects: list[int],
        sentence: Sentence,
        runs: SpaceRuns,
    ) -> list[Event]:
        """ "Cho held separate meetings Wednesday with Landau and Funakoshi": one meeting per
        person met, each with the subject."""
        others = [p for p in objects if p not in subject]
        states = [c for c in event.countries if c not in self._countries_of(subject)]
        if not subject or (len(others) < 2 and (others or len(states) < 2)):
            return [event]
        cue_end = min(event.trigger.end + _SEPARATE_REACH, sentence.end)
        if not self._says_separately(sentence, runs, cue_end):
            return [event]
        if others:
            return [replace(event, people=[*subject, other]) for other in others]
        # "held a series of bilateral meetings ..., meeting the leaders of Italy, Indonesia,
        # Portugal and Norway": one meeting per state, its people named in what follows
        return [replace(event, people=list(subject), countries=[state]) for state in states]

    def _says_separately(self, sentence: Sentence, runs: SpaceRuns, end: int) -> bool:
        """Whether the sentence says "separately" (or "a series of", ...) before ``end``.

        The sentence is searched once: its first such words are before ``end``, or else any
        before ``end`` are cut there ("separate|ly" read as "separate"), in its last words.
        (No such words stand inside others, so none ends before the end of the first.)
        """
        if sentence.start not in self.separately:
            found = _SEPARATELY.search(self.folded, sentence.start, sentence.end)
            self.separately[sentence.start] = found.end() if found else None
        first_end = self.separately[sentence.start]
        if first_end is not None and first_end <= end:
            return True
        window = runs.window(end, _SEPARATELY_RUNS)
        return _SEPARATELY.search(self.folded, window, end) is not None

    def _countries_of(self, people: list[int]) -> set[str | None]:
        return {self.people.people[p].country for p in people}

    def _parties_in(self, start: int, end: int) -> list[int]:
        """People named in [start, end), leaving out those quoted or cited as sources."""
        return _unique(
            m.person
            for m in self.people.in_span(start, end)
            if m.start not in self.quoted and not self._is_source(m)
        )

    def _is_source(self, mention: Mention) -> bool:
        """A spokesperson, someone cited ("..., Hebestreit said") or named inside another's
        apposition: no party to what the clause reports."""
        known = self.sources.get(mention.start)
        if known is None:
            known = self.sources[mention.start] = (
                mention.person in self.speaking_for_others
                or mention.start in self.embedded
                or _is_cited(self.text, mention)
            )
        return known

    def _with_channel(self, trigger: Trigger, index: int) -> Trigger:
        if trigger.format in ("phone", "virtual"):
            self.channel = (trigger.format, index)
        if trigger.format != "contact":
            return trigger
        if self.channel and index - self.channel[1] <= _CHANNEL_REACH:
            return replace(trigger, format=self.channel[0])
        return replace(trigger, format="unknown")

    def _is_group(self, start: int, end: int) -> bool:
        """A subject that is a body or a group: "The UN Security Council", "NATO defense
        ministers", "G7 foreign ministers". Not a person's sentence that names a body on the
        way ("President Lula used the last day of the BRICS summit to ..."): a body or group
        word must come before anyone named."""
        first_person = next(iter(self.people.in_span(start, end)), None)
        stop = first_person.start if first_person else end
        return bool(
            self.lexicon.organization_pattern.search(self.text, start, stop)
            or _GROUP_NOUN.search(self.folded, start, stop)
        )


class _Destinations:
    """The countries journeys head for ("will travel to China", "arrived in Japan") in
    ``text[start:end]``, as a scan of ``text[start:e]`` would find them for any ``e``.

    The journeys are found once. A scan cut at ``e`` finds the same ones up to the first that
    reaches past ``e`` (``_DESTINATION`` reads nothing after its match), and that one, cut
    short, is found again by scanning from where it starts: a sentence dense with meeting
    words is not scanned again for each of them.
    """

    def __init__(self, lexicon: Lexicon, text: str, start: int, end: int) -> None:
        self._lexicon, self._text = lexicon, text
        self._journeys = list(_DESTINATION.finditer(text, start, end))
        self._ends = [journey.end() for journey in self._journeys]
        self._countries: list[str] = []  # each once, in the order they are named
        self._named: list[int] = []  # how many of them the journeys up to each one name
        for journey in self._journeys:
            country = self._country(journey)
            if country is not None and country not in self._countries:
                self._countries.append(country)
            self._named.append(len(self._countries))

    def up_to(self, end: int) -> list[str]:
        """The countries of the journeys up to ``end`` (one named twice may be given once)."""
        count = bisect_right(self._ends, end)
        countries = self._countries[: self._named[count - 1]] if count else []
        if count < len(self._journeys) and self._journeys[count].start() < end:
            cut = _DESTINATION.finditer(self._text, self._journeys[count].start(), end)
            countries += [country for journey in cut if (country := self._country(journey))]
        return countries

    def _country(self, journey: re.Match[str]) -> str | None:
        place = self._lexicon.places.get(journey.group("place"))
        return place.code if place is not None and place.kind == "country" else None


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
    # "The G7 ministers met on Thursday": nobody named yet (in the order of their sentences)
    anchors: deque[tuple[int, Event]] = deque()
    cancellations: list[Event] = []  # called off, too small to stand alone

    def expire_anchors(before_sentence: int | None) -> None:
        """Anchors out of reach: a group's meeting stands alone ("The UN Security Council
        met ..."), its people read from the sentences after it; others are dropped. Events
        come in the order of their sentences, so the anchors out of reach are the first ones:
        those still in reach are not read again for every event ("met met met ...")."""
        while anchors and (
            before_sentence is None or before_sentence - anchors[0][1].sentence > _ANCHOR_REACH
        ):
            j, anchor = anchors.popleft()
            if anchor.group:
                draft = Draft(date=dates.get(j), group=True)
                draft.absorb(anchor)
                drafts.append(draft)

    for i, event in body:
        expire_anchors(event.sentence)
        target = _compatible(drafts, event, dates.get(i), person_countries)
        if target is None and event.trigger.strength == "join" and drafts:
            target = _joined_meeting(drafts, event)
        if target is not None:
            target.absorb(event)
            target.date = target.date or dates.get(i)
        elif _can_stand_alone(event):
            draft = Draft(date=dates.get(i))
            for j, anchor in anchors:
                draft.absorb(anchor)
                draft.date = draft.date or dates.get(j)
            draft.absorb(event)
            drafts.append(draft)
            anchors.clear()
        elif event.trigger.strength == "strong" and (
            event.parties == 0 or (event.group and not anchors and not _body_meeting(drafts))
        ):
            # "The GCC Ministerial Council held a session under the chairmanship of X": a
            # body's meeting, its people read from what follows (one per body meeting told)
            anchors.append((i, event))
        elif event.trigger.status == "cancelled" and event.people:
            cancellations.append(event)
    expire_anchors(None)
    for event in cancellations:
        # "The visit to Japan by Foreign Minister X has been cancelled. X was due in Tokyo
        # for talks with ...": a cancellation told before the plan it cancels
        target = next(
            (d for d in drafts if d.status == "planned" and set(event.people) <= set(d.people)),
            None,
        )
        if target is not None:
            target.absorb(event)
    for i, event in headline:
        target = _compatible(drafts, event, dates.get(i), person_countries)
        if target is not None and _confirms(target, event, person_countries):
            # a headline sums up the body ("Modi holds talks with Meloni, Prabowo and
            # Støre"): it confirms a meeting's people, it does not add to them
            target.absorb(event)
        elif not drafts and _can_stand_alone(event):
            draft = Draft(date=dates.get(i))
            draft.absorb(event)
            drafts.append(draft)
    drafts.sort(key=lambda d: d.events[0].sentence)
    return [d for d in drafts if d.group or d.parties >= 2]


def _body_meeting(drafts: list[Draft]) -> bool:
    """Whether the meeting told last is a body's, whose people are still being read."""
    return bool(drafts) and drafts[-1].group


def _confirms(draft: Draft, event: Event, person_countries: dict[int, str | None]) -> bool:
    """Whether a headline event names only people and states of this meeting."""
    states = set(draft.countries) | {person_countries.get(p) for p in draft.people}
    return set(event.people) <= set(draft.people) and set(event.countries) <= states


def _joined_meeting(drafts: list[Draft], event: Event) -> Draft | None:
    """The meeting that "also took part" adds to: the one its words name ("Also present at
    the retreat were ...": the retreat, not the audience planned for the next day), else the
    latest, if it was told just before."""
    named = event.joined_noun
    if named:
        for draft in reversed(drafts):
            if any(named in e.trigger_text for e in draft.events):
                return draft
    latest = drafts[-1]  # "The EU's foreign policy chief also took part."
    if event.sentence - latest.events[-1].sentence <= _ANCHOR_REACH:
        return latest
    return None


def _compatible(
    drafts: list[Draft], event: Event, day: dt.date | None, person_countries: dict[int, str | None]
) -> Draft | None:
    for draft in reversed(drafts[-_LOOKBACK:]):
        if day and draft.date and day != draft.date:
            continue
        if not _status_compatible(draft.status, event.trigger.status):
            continue
        if not _channel_compatible(draft, event):
            continue
        if event.people:
            if _people_compatible(draft, event, person_countries):
                return draft
        elif event.countries and _countries_compatible(draft, event, person_countries):
            return draft
    return None


def _channel_compatible(draft: Draft, event: Event) -> bool:
    """A phone call and a meeting in person of the same people are two meetings ("they spoke
    by phone two weeks after they met in Munich"); words that name no channel fit either."""
    channels = {"in_person", "phone", "virtual"}
    mine = draft.formats & channels
    theirs = event.trigger.format
    explicit = event.trigger.strength in ("strong", "weak") and theirs in channels
    return not (
        explicit and mine and theirs not in mine and _NAMES_CHANNEL.search(event.trigger_text)
    )


def _people_compatible(draft: Draft, event: Event, person_countries: dict[int, str | None]) -> bool:
    """Same people (one side may name fewer), or an event too small to be a meeting alone;
    never when each side has a state the other lacks ("Modi met Meloni" is not the meeting
    with the leader of Norway)."""
    mine, theirs = set(draft.people), set(event.people)
    my_states = set(draft.countries) | {person_countries.get(p) for p in mine}
    their_states = set(event.countries) | {person_countries.get(p) for p in theirs}
    my_states.discard(None)
    their_states.discard(None)
    if my_states - their_states and their_states - my_states:
        return False
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
    if event.trigger.strength == "strong" or event.headline:
        return event.parties >= 2
    return (
        event.trigger.strength == "weak"
        and len(event.people) >= 1
        and len(event.people) + event.counterpart_count >= 2
    )


def _reported_clause_start(text: str, start: int, end: int) -> int:
    """Where the subject of a meeting verb begins: after the last "X said that" before it."""
    position = start
    for match in _REPORTED_THAT.finditer(text, start, end):
        position = match.end()
    return position


def _resolve_subject(
    subject_text: str, focus: list[int], people: People, named_before: Iterator[int]
) -> list[int]:
    """ "he", "the two ministers", "the president": the people the text was just about. An
    office names the one who holds it ("The President spoke with King Abdullah" is not the
    King), and nobody when none of them does. An abbreviated office ("EAM") is how a readout
    calls its principal: its holder may have been named paragraphs before (``named_before``
    gives them, the last named first, read only then and only as far as needed)."""
    if _GROUP_SUBJECT.match(subject_text.strip()):
        return list(focus) if len(focus) >= 2 else []  # "the ministers" are not one person
    pronoun = _PRONOUN_SUBJECT.match(subject_text.strip())
    if pronoun is None or not focus:
        return []
    office = pronoun.group("office") or _OFFICE_ABBREVIATIONS.get(pronoun.group("abbreviation"))
    if office is None:
        return focus[:1]
    office = " ".join(office.lower().split())
    holders = [
        p
        for p in focus
        if office in fold(people.people[p].title or office)  # untitled may
    ]
    if not holders and pronoun.group("abbreviation"):
        named = (p for p in named_before if office in fold(people.people[p].title or ""))
        holders = list(islice(named, 1))  # the last one named
    if not holders:
        return []
    if "visiting" in pronoun.group(0).lower():
        # "the visiting minister": the guest, marked so when introduced, else the one named
        # after the host ("X held talks with his Ecuadorian counterpart Y")
        guests = [p for p in holders if people.people[p].visiting]
        return (guests or holders[-1:])[:1]
    return holders[:1]


def _party_countries(
    lexicon: Lexicon,
    text: str,
    subject: tuple[int, int] | None,
    objects: tuple[int, int],
    people: People,
    *,
    destinations: list[str],
    read_objects: bool = True,
    opening: _Opening | None = None,
) -> list[str]:
    """Countries that are parties in their own right, named people aside: "his Japanese
    counterpart", "Japan and India held talks", "met with a Chinese delegation", and the
    ``destinations`` of a visit. A country elsewhere in the clause is a place or a topic
    ("in Tokyo", "on Ukraine"), not a party. ``opening``, when given, is what ``subject``
    says, read before."""
    regions = [subject, objects] if subject else [objects]
    countries = [c for c in _counterparts(people, regions, opening)[0] if c]
    if subject is not None:
        countries += (opening or _Opening.read(lexicon, text, subject, people)).places
    countries += destinations
    if not read_objects:
        return _unique(countries)
    lead = _OBJECT_LEAD.match(text, objects[0], objects[1])
    position = lead.end() if lead else objects[0]
    for _ in range(2):  # "talks between Japan and India"
        party = lexicon.place_pattern.match(text, position, objects[1])
        if party is None or lexicon.places[party.group(0)].kind not in ("country", "demonym"):
            break
        countries.append(lexicon.places[party.group(0)].code)
        joiner = _AND.match(text, party.end(), objects[1])
        if joiner is None:
            break
        position = joiner.end()
    countries += _countries_listed(lexicon, text, *objects)
    return _unique(countries)


@dataclass
class _Opening:
    """What the subject of a sentence's meeting words, the stretch from the clause start to
    the first of them, says of the parties: read once, where each meeting word would read it
    again ("On Monday in Paris his Japanese counterpart and China ... met met met")."""

    span: tuple[int, int]
    # the countries of the unnamed counterparts that start in it, each once ("" for none),
    # how many there are, and the number (in ``People.counterparts``) of the last
    counterparts: list[str]
    counterpart_count: int
    last_counterpart: int
    places: list[str]  # the countries it names as parties ("Japan and India held talks")

    @classmethod
    def read(cls, lexicon: Lexicon, text: str, span: tuple[int, int], people: People) -> _Opening:
        qualifier_starts = people.title_starts()
        places = [
            lexicon.places[match.group(0)].code
            for match in lexicon.place_pattern.finditer(text, *span)
            if _is_subject_party(lexicon, text, match, qualifier_starts)
        ]
        numbers = people.counterpart_numbers_in([span])
        return cls(
            span,
            _unique(people.counterparts[n].country or "" for n in numbers),
            len(numbers),
            numbers[-1] if numbers else -1,
            _unique(places),
        )


def _counterparts(
    people: People, regions: list[tuple[int, int]], opening: _Opening | None
) -> tuple[list[str], int]:
    """The countries of the unnamed counterparts in ``regions`` (``people.counterpart_numbers_in``),
    each once and "" for none, and how many counterparts there are: those of the first
    region taken from ``opening`` when it was read from it and the others' all follow."""
    if opening is not None and regions and regions[0] == opening.span:
        rest = people.counterpart_numbers_in(regions[1:])
        if not rest or rest[0] > opening.last_counterpart:
            countries = [people.counterparts[n].country or "" for n in rest]
            count = opening.counterpart_count + len(rest)
            return _unique([*opening.counterparts, *countries]), count
    numbers = people.counterpart_numbers_in(regions)  # else read them all, in their order
    return _unique(people.counterparts[n].country or "" for n in numbers), len(numbers)


def _countries_listed(lexicon: Lexicon, text: str, start: int, end: int) -> list[str]:
    """ "meeting the leaders of Italy, Indonesia, Portugal and Norway", "counterparts from
    India and five other nations": the states of a list of unnamed officials."""
    listed = _OFFICIALS_OF.search(fold(text), start, end)
    if listed is None:
        return []
    countries: list[str] = []
    position = listed.end()
    while True:
        party = lexicon.place_pattern.match(text, position, end)
        if party is None or lexicon.places[party.group(0)].kind not in ("country", "demonym"):
            return countries
        countries.append(lexicon.places[party.group(0)].code)
        joiner = _AND.match(text, party.end(), end)
        if joiner is None:
            return countries
        position = joiner.end()


def _is_subject_party(
    lexicon: Lexicon, text: str, match: re.Match[str], qualifier_starts: set[int]
) -> bool:
    place = lexicon.places[match.group(0)]
    if place.kind not in ("country", "demonym") or match.group(0) in lexicon.ambiguous_places:
        return False
    lead = text[max(0, match.start() - 40) : match.start()]
    if _NOT_PARTY_BEFORE.search(lead) and not _PARTIES_FROM.search(lead):
        return False
    if not qualifier_starts.isdisjoint(range(match.end(), match.end() + 4)):
        return False  # "India's External Affairs Minister X": X stands for India
    after = text[match.end() : match.end() + 40]
    if after.startswith("-"):
        return False  # "India-Japan cooperation"
    if after.startswith(("'s", "’s")):  # "India's foreign minister", not "India's economy"
        return bool(_PARTY_NOUN.match(after[2:]))
    # "the South China Sea", "Japan Self-Defense Forces": part of a name, no party; but
    # "Indian Foreign Ministers" is a country before a title.
    inside_a_name = _CAPITALISED_BEFORE.search(text, max(0, match.start() - 20), match.start())
    next_word = _CAPITALISED_AFTER.match(after)
    return not (inside_a_name or (next_word and not find_titles(lexicon, after, 1, len(after))))


def _is_cited(text: str, mention: Mention) -> bool:
    """Someone cited for the news ("…, Hebestreit said"), not a party to it."""
    return bool(
        _SAID_AFTER.match(text, mention.end)
        or (
            _SAID_BEFORE.search(text, max(0, mention.start - 60), mention.start) is not None
            # "..., said Foreign Minister X." cites X; "said Prime Minister X met Y" reports
            and _CLAUSE_END_AFTER.match(text, mention.end) is not None
        )
    )


def _unique(items: Iterable[_T]) -> list[_T]:
    """The items in their first order, each once."""
    return list(dict.fromkeys(items))
