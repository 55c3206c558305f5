"""The rule-based backend: a document in, meeting records with evidence out.

The steps, each in its own module: sentences (``text``), quotations (``quotes``), people
(``mentions``), meeting events and their merging (``events``, ``drafts``), then per meeting
its date (``extractor.dates``), place (``places``), topics and agreements (``content``).
Every value that comes from the text carries its span as evidence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise

from extractor.backends import BackendOutput, Capabilities
from extractor.dates import AnchoredPhrase, DatePhrase, find_anchored_phrase, find_date_phrases
from extractor.document import Document, WireOpener
from extractor.folding import fold, folded_pattern
from extractor.guards import has_two_parties
from extractor.rules.clauses import Clauses
from extractor.rules.content import find_agreements, find_topics, talks_about_content
from extractor.rules.context import filed_from, home_country
from extractor.rules.drafts import Draft, Event, find_events, merge_events
from extractor.rules.events import Trigger, find_triggers
from extractor.rules.lexicon import Lexicon, lexicon
from extractor.rules.mentions import Mention, People, Person, PersonFinder
from extractor.rules.places import FoundPlace, find_location
from extractor.rules.quotes import AttributedQuote, attribute_quotes, find_quoted
from extractor.rules.reading import Reading, read_candidates
from extractor.rules.text import Spans, StartIndex, body_sentences
from extractor.schema import Evidence, Location, Meeting, Participant, Quote
from extractor.sentences import Sentence


@dataclass
class _Article:
    """Everything read from one document, shared by the per-meeting steps."""

    document: Document
    lexicon: Lexicon
    sentences: list[Sentence]
    people: People
    quoted: Spans
    quotes: list[AttributedQuote]
    headline: int | None
    triggers: list[list[Trigger]]  # each sentence's meeting triggers
    published: dt.date | None
    opener: WireOpener | None  # "NEW DELHI, May 14 (Reuters) -", read once
    filed_from: FoundPlace | None  # the wire dateline's city
    event_dates: dict[tuple[int, int], DatePhrase | None] = field(default_factory=dict)
    # the last phrase dating a meeting in a subject before its meeting words, by span and
    # whether the meeting is planned (see _read_event_date)
    opening_dates: dict[tuple[int, int, bool], DatePhrase | None] = field(default_factory=dict)
    places: dict[tuple[int, int], FoundPlace | None] = field(default_factory=dict)
    sentence_clauses: dict[int, Clauses] = field(default_factory=dict)
    anchored_days: dict[int, AnchoredPhrase | None] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.document.text

    @cached_property
    def home(self) -> str | None:
        """The newsroom's country, for officials named without one (read only when needed)."""
        return home_country(
            self.lexicon, self.document, self.sentences, self.opener, self.filed_from
        )

    @cached_property
    def setting(self) -> FoundPlace | None:
        """The city of the gathering the article's lede sets its meetings at ("on the margins
        of the G20 summit in Rio de Janeiro", or "here" under a filing city): the place of the
        meetings that name none."""
        folded = fold(self.text)
        for sentence in self.sentences[:_SETTING_SENTENCES]:
            if self.filed_from is not None and _HERE.search(
                self.text, sentence.start, sentence.end
            ):
                return self.filed_from  # "who arrived here on Wednesday to attend the summit"
            gathering = _GATHERING_IN.search(folded, sentence.start, sentence.end)
            if gathering is None:
                continue
            city = self.lexicon.place_pattern.match(self.text, gathering.end())
            place = self.lexicon.places[city.group(0)] if city else None
            if city is not None and place is not None and place.kind in ("capital", "city"):
                return FoundPlace(place.name, place.code, None, *city.span(), city.group(0))
        return None

    @cached_property
    def embedded(self) -> Spans:
        """Where people are named only as someone else's principal or sender."""
        return Spans(self.people.embedded)

    @cached_property
    def names(self) -> frozenset[str]:
        """Every form of every person's name: capitalised words that are not places."""
        return frozenset(key for person in self.people.people for key in person.keys)

    @cached_property
    def quote_index(self) -> StartIndex:
        """The attributed quotes by where they start."""
        return StartIndex(quote.start for quote in self.quotes)

    def quotes_in(self, spans: list[tuple[int, int]]) -> list[AttributedQuote]:
        """The attributed quotes that start inside one of ``spans``, in the order of
        ``quotes``: each meeting of a long page reads only its own."""
        return [self.quotes[number] for number in self.quote_index.numbers_in(spans)]

    def clauses(self, index: int) -> Clauses:
        """The clauses of the ``index``-th sentence (read once: asked of each meeting word)."""
        if index not in self.sentence_clauses:
            sentence = self.sentences[index]
            self.sentence_clauses[index] = Clauses(self.text, sentence.start, sentence.end)
        return self.sentence_clauses[index]

    def anchored_day(self, index: int) -> AnchoredPhrase | None:
        """The day the ``index``-th sentence tells relative to another meeting ("later that
        day"), read once: the meetings of a sentence share it."""
        if index not in self.anchored_days:
            sentence = self.sentences[index]
            self.anchored_days[index] = find_anchored_phrase(
                self.text, sentence.start, sentence.end
            )
        return self.anchored_days[index]

    def place_in(self, start: int, end: int) -> FoundPlace | None:
        """The meeting place stated in ``text[start:end]`` (each span is read once: the
        meetings of an article share their sentences)."""
        if (start, end) not in self.places:
            self.places[start, end] = find_location(
                self.lexicon, self.text, start, end, not_places=self.names
            )
        return self.places[start, end]


# "met Prabowo Subianto, who took office last month": that date is not the meeting's.
_RELATIVE_CLAUSE = re.compile(
    r",\s+(?:who|which|whose|when)\b[^,;]*$|\bsince\s+\w+\s+[^,;]*$", re.IGNORECASE
)  # "who took office last month", "their first since Wong took office in May"
# "held talks here", and as Spanish- and Portuguese-language agencies write it in English,
# "in this capital" (Prensa Latina, EFE): the city the story is filed from
_HERE = re.compile(r"\bhere\b(?!\s+(?:is|are|was|were)\b)|\b(?:in|to)\s+this\s+(?:capital|city)\b")
_SCHEDULING_CLAUSE = re.compile(
    r",\s+(?:which|that)\s+(?:was|were|had\s+been|has\s+been|is|are)\s+"
    r"(?:originally\s+|initially\s+|first\s+)?(?:scheduled|planned|set|slated|due|expected)\b"
)
_SETTING_SENTENCES = 3  # the lede: where an article sets its gathering
_GATHERING_IN = folded_pattern(
    r"\b(?:summit|conference|forum|sidelines|margins|gathering|ministerial|assembly|meeting)"
    r"\b[^.;]{0,60}?\bin\s+(?:the\s+)?(?=[A-Z])"
)
_SUBJECT_REACH = 80  # characters before a verb of agreeing where its subject is read
_CLAUSE_BOUNDARY = re.compile(r"[,;:]\s+(?:and\s+|but\s+)?|\s(?:and|but)\s+(?=[a-z])")
_GROUP_SUBJECT_WORDS = re.compile(
    r"\b(?:they|both|the\s+two|the\s+(?:ministers|leaders|sides|delegations|officials))\b",
    re.IGNORECASE,
)
_YEAR_ALONE = re.compile(r"(?:last|next|this|later\s+this|earlier\s+this)\s+year", re.I)
_REPORTING_BEFORE = re.compile(
    r"\b(?:said|says|told\s+(?:\w+\s+){0,2}|announced|reported|added|statement|confirmed)\s*$",
    re.IGNORECASE,
)
_GROUP_KIND = re.compile(
    r"\b(foreign|defen[cs]e|finance|trade|economy|economic|energy|health|agriculture|environment|"
    r"climate|interior|justice|education|transport|digital|leaders)\b",
    re.IGNORECASE,
)
_LEADER_TITLE = re.compile(
    r"president|prime\s+minister|chancellor|premier|king|queen|emir|sultan|taoiseach|leader",
    re.IGNORECASE,
)
_BODY_HEAD_TITLE = re.compile(
    r"secretary[\s-]general|director[\s-]general|high\s+representative|policy\s+chief|"
    r"managing\s+director|president\s+of\s+the",
    re.IGNORECASE,
)


class RulesBackend:
    """Offline, deterministic extraction from gazetteers and patterns."""

    name = "rules"
    capabilities = Capabilities(process_safe=True)  # CPU-bound: worker processes help

    def extract(self, document: Document) -> BackendOutput:
        sentences = body_sentences(document)
        triggers = [find_triggers(document.text, s.start, s.end) for s in sentences]
        if not any(triggers):  # no word of meeting at all, as in most news: nothing to read
            return BackendOutput([], [], backend=self.name)
        article = _read(document, sentences, triggers)
        return BackendOutput(_meetings_of(article), [], backend=self.name)

    def read(self, document: Document) -> Reading:
        """Everything the rules read in ``document``: its candidate people, date phrases,
        places and quotes with their spans, and the meeting records ``extract`` makes of
        them (for the LLM's guided strategy)."""
        sentences = body_sentences(document)
        triggers = [find_triggers(document.text, s.start, s.end) for s in sentences]
        article = _read(document, sentences, triggers)
        return read_candidates(
            article.lexicon,
            article.text,
            sentences,
            article.people.people,
            article.quotes,
            article.published,
            _meetings_of(article) if any(triggers) else [],
        )


def _meetings_of(article: _Article) -> list[Meeting]:
    """The meeting records of an article read by ``_read``."""
    events = find_events(
        article.lexicon,
        article.text,
        article.sentences,
        article.people,
        article.quoted,
        article.headline,
        article.triggers,
        [(q.start, q.end, q.person) for q in article.quotes],
    )
    events = [event for event in events if not _background(article, event)]
    phrases = [_event_date(article, event) for event in events]
    dates = {i: phrase.date if phrase else None for i, phrase in enumerate(phrases)}
    person_countries = {i: p.country for i, p in enumerate(article.people.people)}
    drafts = merge_events(events, dates, person_countries)
    meetings = _Meetings(drafts, _sentences_of(article, drafts))
    days = [_anchored_day(article, draft) for draft in drafts]  # "later that day"
    told = [(_meeting(article, meetings, k, day), day) for k, day in enumerate(days)]
    told = [(m, anchored) for m, anchored in told if has_two_parties(m)]  # before sharing
    _carry_context(told)
    return [m for m, _ in told]


@dataclass
class _Meetings:
    """The article's meetings as merged, with what each record reads of the others, worked
    out once for all of them: a digest page of a thousand meetings must not be read again
    for each one."""

    drafts: list[Draft]
    sentences: list[list[int]]  # each draft's sentences (see _sentences_of)

    @cached_property
    def held(self) -> int:
        """How many of the meetings were held."""
        return sum(draft.status == "held" for draft in self.drafts)


def _background(article: _Article, event: Event) -> bool:
    """ "Edun, a former banker who met U.S. President Joe Biden in 2021, ...": a meeting in a
    relative clause, dated years before the article, is a biographical aside, not news."""
    if article.published is None:
        return False
    clauses = article.clauses(event.sentence)
    year = clauses.latest_year(event.trigger.end)
    return (
        year is not None
        and year < article.published.year
        and clauses.in_relative_clause(event.trigger.start)
    )


def _anchored_day(article: _Article, draft: Draft) -> AnchoredPhrase | None:
    """ "Later in the day", "the following day": a day told relative to the meeting before,
    read in the sentences that tell this one."""
    for index in sorted({event.sentence for event in draft.events}):
        found = article.anchored_day(index)
        if found is not None:
            return found
    return None


def _carry_context(told: list[tuple[Meeting, AnchoredPhrase | None]]) -> None:
    """ "On the sidelines of the G20 in Rio on Monday, Modi met Meloni. He also met Prabowo":
    a meeting that states no day or place of its own shares those of the one reported just
    before it, when both are of the same kind (held, in person); a day told relative to it
    ("the following day") is counted from its day."""
    for (previous, _), (meeting, anchored) in pairwise(told):
        if meeting.date is None and anchored is not None and previous.date is not None:
            meeting.date = previous.date + dt.timedelta(days=anchored.days)
            meeting.date_text = anchored.text
        if meeting.status != previous.status:
            continue
        if meeting.date is None and meeting.date_text is None and previous.date is not None:
            meeting.date, meeting.date_text = previous.date, previous.date_text
        if (
            meeting.location is None
            and previous.location is not None
            and meeting.format == previous.format == "in_person"
        ):
            meeting.location = previous.location.model_copy()


def _read(document: Document, sentences: list[Sentence], triggers: list[list[Trigger]]) -> _Article:
    text = document.text
    quoted_texts = find_quoted(text, sentences)
    quoted = Spans((q.start, q.end) for q in quoted_texts)
    headline = (
        0
        if sentences and document.title and sentences[0].text.startswith(document.title[:40])
        else None
    )
    opener = document.opener
    people = PersonFinder(lexicon(), text, quoted).run(sentences, triggers, headline=headline)
    return _Article(
        document=document,
        lexicon=lexicon(),
        sentences=sentences,
        people=people,
        quoted=quoted,
        quotes=attribute_quotes(text, quoted_texts, sentences, people),
        headline=headline,
        triggers=triggers,
        published=document.published_at.date() if document.published_at else None,
        opener=opener,
        filed_from=filed_from(lexicon(), opener),
    )


def _meeting(
    article: _Article, meetings: _Meetings, k: int, anchored: AnchoredPhrase | None
) -> Meeting:
    """The record of the ``k``-th draft; ``anchored`` is the day it is told relative to the
    meeting before ("later that day"), if any."""
    evidence: list[Evidence] = []
    draft, sentences = meetings.drafts[k], meetings.sentences[k]
    taking_part = set(draft.people)
    if draft.group:
        taking_part |= _attendees(article, draft, sentences)
    taking_part |= _named_counterparts(article, draft, taking_part, sentences)
    people = sorted(taking_part, key=lambda i: article.people.people[i].start)
    # "The Prime Minister spoke today with ...": the readout's unnamed principal, by event
    issued = [
        (event.trigger.start, state)
        for event in draft.events
        if event.issuer and (state := _issuing_state(article, event)) is not None
    ]
    countries = _countries(article, draft, people, issued)
    if draft.group:
        countries = _ordered_union(countries, _bloc_members(article, draft, countries))
    participants = [
        _participant(article, article.people.people[i], k, evidence) for k, i in enumerate(people)
    ]
    status = draft.status
    date_phrase = _meeting_date(
        article,
        draft,
        sentences,
        counted_from_before=anchored is not None and k > 0,
    )
    format_ = _format(draft)
    only_held = status == "held" and meetings.held == 1
    filed_from = article.filed_from if only_held else None
    place = (
        None
        if format_ in ("phone", "virtual")
        else _location(article, draft, sentences, filed_from)
    )
    _assign_missing_countries(
        participants, countries, article, place.country if place else None, {s for _, s in issued}
    )
    if format_ == "unknown" and place is not None:
        format_ = "in_person"
    spans = [(article.sentences[i].start, article.sentences[i].end) for i in sentences]
    agreements = _agreements(article, spans, evidence, countries)
    quotes = _quotes(article, people, _quote_spans(article, meetings, k), evidence)
    if date_phrase:
        evidence.append(_evidence(article, "date_text", date_phrase.start, date_phrase.end))
    if place:
        evidence.append(_evidence(article, "location", place.start, place.end))
    first = draft.events[0].trigger
    evidence.append(_evidence(article, "status", first.start, first.end))
    location = (
        Location(city=place.city, country=place.country, venue=place.venue) if place else None
    )
    return Meeting(
        status=status,
        participants=participants,
        countries=_ordered_union([p.country for p in participants if p.country], countries),
        date=date_phrase.date if date_phrase else None,
        date_text=date_phrase.text if date_phrase else None,
        location=location,
        format=format_,
        topics=find_topics(
            article.lexicon, article.text, _content_spans(article, draft, sentences)
        ),
        agreements=agreements,
        quotes=quotes,
        summary=_summary(participants, status, format_, location, date_phrase),
        evidence=evidence,
        confidence=_confidence(participants, date_phrase, place, draft),
    )


def _sentences_of(article: _Article, drafts: list[Draft]) -> list[list[int]]:
    """The sentences that talk about each meeting: its events' sentences and those after them,
    up to the next sentence with another meeting's event. The lede before any event and the
    headline belong to an article's only meeting. (One pass over the sentences for all the
    meetings.)"""
    owner: dict[int, int] = {}
    for number, other in enumerate(drafts):
        for event in other.events:
            owner.setdefault(event.sentence, number)
    chosen: list[list[int]] = [[] for _ in drafts]
    current: int | None = 0 if len(drafts) == 1 else None
    for index in range(len(article.sentences)):
        current = owner.get(index, current)
        if current is not None:
            chosen[current].append(index)
    if len(drafts) == 1 and article.headline is not None and article.headline not in chosen[0]:
        chosen[0].insert(0, article.headline)
    return chosen


def _quote_spans(article: _Article, meetings: _Meetings, k: int) -> list[tuple[int, int]]:
    """Where the ``k``-th meeting's quotes are read: its sentences; but the sentences that
    merely follow a meeting told on the side (planned, called off, or one held before the
    article's lead meeting: "since they met in Munich on Feb. 16") still quote the lead
    meeting's people."""
    drafts = meetings.drafts
    draft, lead = drafts[k], drafts[0]
    told = {event.sentence for event in draft.events}
    chosen = [i for i in meetings.sentences[k] if not _told_aside(draft, lead) or i in told]
    if k == 0:
        for other, sentences in zip(drafts[1:], meetings.sentences[1:], strict=True):
            if _told_aside(other, lead):
                others_told = {event.sentence for event in other.events}
                chosen += [i for i in sentences if i not in others_told]
    return [(article.sentences[i].start, article.sentences[i].end) for i in sorted(set(chosen))]


def _told_aside(draft: Draft, lead: Draft) -> bool:
    """A meeting told beside the article's lead one: planned, called off, or held before it."""
    return draft is not lead and (
        draft.status != "held"
        or (draft.date is not None and lead.date is not None and draft.date < lead.date)
    )


def _content_spans(article: _Article, draft: Draft, sentences: list[int]) -> list[tuple[int, int]]:
    """Where a meeting's topics are read: its own sentences, and those of its sentences that
    say what was discussed or decided, not the background paragraphs."""
    own = {event.sentence for event in draft.events}
    spans = []
    for index in sentences:
        sentence = article.sentences[index]
        if index in own or talks_about_content(article.text, sentence.start, sentence.end):
            spans.append((sentence.start, sentence.end))
    return spans


def _attendees(article: _Article, draft: Draft, sentences: list[int]) -> set[int]:
    """Who took part in a body's or group's meeting ("The UN Security Council met ..."): the
    officials the sentences about it name, spokespeople and former office holders aside; for
    "NATO defense ministers" or "G7 leaders", only officials of that kind."""
    # the subjects of the group's events, each once: a sentence's meeting words share theirs
    group_text = " ".join(article.text[start:end] for start, end in _group_subjects(draft.events))
    kind = _GROUP_KIND.search(group_text)
    attendees: set[int] = set()
    for mention in _mentions_in(article, sentences):
        person = article.people.people[mention.person]
        if person.former or not person.title or person.speaks_for_others:
            continue
        if kind and not _fits_group(person.title, kind.group(1)):
            continue
        attendees.add(mention.person)
    return attendees


def _bloc_members(article: _Article, draft: Draft, countries: list[str]) -> list[str]:
    """ "The ASEAN Defence Ministers' Meeting opened, chaired by ...", "G7 foreign ministers
    will hold a video call": a bloc's meeting whose members the article does not name is a
    meeting of its member states (on the day of the article). A meeting that names two or
    more states itself says who came, and is left as it is."""
    if len(countries) >= 2:
        return []
    for start, end in _group_subjects(draft.events):
        for match in article.lexicon.organization_pattern.finditer(article.text, start, end):
            body = article.lexicon.organizations[match.group(0)]
            if body.members:
                return body.members_on(article.published)
    return []


def _group_subjects(events: list[Event]) -> list[tuple[int, int]]:
    """The first regions (the subjects) of the events of a body or group, in their order,
    each once: the meeting words of one sentence share its subject."""
    return list(
        dict.fromkeys(event.regions[0] for event in events if event.group and event.regions)
    )


def _fits_group(title: str, kind: str) -> bool:
    if kind.lower() == "leaders":
        return bool(_LEADER_TITLE.search(title))
    stem = kind.lower()[:5]  # "defen" covers defense and defence
    return stem in title.lower() or bool(_BODY_HEAD_TITLE.search(title))


def _named_counterparts(
    article: _Article, draft: Draft, people: set[int], sentences: list[int]
) -> set[int]:
    """ "hosted his Japanese counterpart ... Japan's Defence Minister Minoru Kihara said": an
    unnamed counterpart is the first official of that state the meeting's sentences name."""
    represented = {article.people.people[i].country for i in people}
    missing = [c for c in draft.counterparts if c not in represented]
    found: set[int] = set()
    for mention in _mentions_in(article, sentences):
        person = article.people.people[mention.person]
        if person.country in missing and person.title and not person.former:
            found.add(mention.person)
            missing.remove(person.country)
    return found


def _mentions_in(article: _Article, sentences: list[int]) -> list[Mention]:
    """Mentions in these sentences, outside quotation marks and outside another person's
    apposition ("the greetings of King Salman"), in text order."""
    embedded = article.embedded
    return [
        mention
        for index in sentences
        for mention in article.people.in_span(
            article.sentences[index].start, article.sentences[index].end
        )
        if mention.start not in article.quoted and mention.start not in embedded
    ]


def _countries(
    article: _Article, draft: Draft, people: list[int], issued: list[tuple[int, str]]
) -> list[str]:
    """The meeting's states in the order the text gives them: its people's, those its events
    name, and the issuing state of a readout's unnamed principal (``issued``: the position of
    the event that tells it, and the state)."""
    found: list[tuple[int, str]] = []
    for i in people:
        person = article.people.people[i]
        if person.country:
            found.append((person.start, person.country))
    for event in draft.events:
        found += [(event.trigger.start, country) for country in event.countries]
    found += [(position - 1, state) for position, state in issued]  # the principal first
    # A stable sort: countries of one event keep the order the text gives them.
    return _ordered_union([c for _, c in sorted(found, key=lambda item: item[0])], [])


def _issuing_state(article: _Article, event: Event) -> str | None:
    """The state whose unnamed principal ("The Prime Minister") a readout tells of: the
    newsroom's, else the state of a seat of government the sentence cites ("a Downing Street
    spokesperson said", "the White House said")."""
    if article.home is not None:
        return article.home
    sentence = article.sentences[event.sentence]
    seat = article.lexicon.venue_pattern.search(article.text, sentence.start, sentence.end)
    return article.lexicon.venues[seat.group(0)][1] if seat else None


def _participant(
    article: _Article, person: Person, k: int, evidence: list[Evidence]
) -> Participant:
    evidence.append(_evidence(article, f"participants[{k}].name", person.start, person.end))
    if person.title_span:
        evidence.append(_evidence(article, f"participants[{k}].title", *person.title_span))
    return Participant(
        name=person.name,
        title=person.title,
        country=person.country,
        organization=person.organization,
    )


def _assign_missing_countries(
    participants: list[Participant],
    countries: list[str],
    article: _Article,
    host: str | None,
    issuers: set[str],
) -> None:
    """By elimination first: when exactly one of the meeting's countries is nobody's yet, it
    belongs to the one participant without a country ("Foreign Minister Kamikawa met India's
    ..." under the headline "Japanese, Indian Foreign Ministers Meet"), or to several when the
    newsroom's own country is already represented (the hosts of a visit: "Scholz will travel
    to China for talks with President Xi and Premier Li"). Officials still without one are
    the newsroom's own, unless the meeting is held in a state not yet represented: then,
    beside the newsroom's side or when the newsroom is unknown, they are the host's; with
    neither side represented, the first is the newsroom's and the others the host's.
    ``issuers`` are states represented by a readout's unnamed principal."""
    missing = [p for p in participants if p.country is None and p.organization is None]
    if not missing:
        return
    home = article.home
    represented = {p.country for p in participants} | issuers  # "The President met X"
    free = [c for c in countries if c not in represented]
    # (only beside someone whose state is known: a lone official and a state the text names
    # are two parties, "Albanese met the leader of Peru", not one)
    counted = len(missing) < len(participants)
    if len(free) == 1 and counted and (len(missing) == 1 or home in represented | {None}):
        for participant in missing:
            participant.country = free[0]
        return
    abroad = host and home and host != home and host not in represented
    if abroad and home not in represented and len(missing) >= 2:
        # "Foreign Minister Wong met Foreign Minister Balakrishnan in Singapore" in an
        # Australian paper: the subject is the newsroom's side, the others the hosts
        missing[0].country = home
        for participant in missing[1:]:
            participant.country = host
        return
    if host and host not in represented and (home in (None, host) or home in represented):
        # "Wong met Foreign Secretary Enrique Manalo in Manila" in an Australian paper: the
        # newsroom's side is there already, so the officials without a country are the host's;
        # so are they when the newsroom is unknown ("President Yoon ... in Seoul") or is the
        # host's own ("Pistorius ... was welcomed in Kyiv by Zelensky" in a Kyiv paper)
        for participant in missing:
            participant.country = host
        return
    for participant in missing:
        if home and participant.title:
            participant.country = home


def _event_date(article: _Article, event: Event) -> DatePhrase | None:
    """The date phrase of an event's own clause, a dated one first (computed once)."""
    key = (event.sentence, event.trigger.start)
    if key not in article.event_dates:
        article.event_dates[key] = _read_event_date(article, event)
    return article.event_dates[key]


def _read_event_date(article: _Article, event: Event) -> DatePhrase | None:
    """The date phrase nearest the trigger: the first after it in its clause, else the last
    before it. A phrase that dates the reporting ("said on Friday") is not the meeting's."""
    future = event.trigger.status != "held"
    regions = event.regions
    opening: DatePhrase | None = None
    if len(regions) > 1 and regions[0][1] <= event.trigger.start:
        # A subject before the meeting word, shared by the sentence's meeting words: its
        # phrases all come before each of them, so only its last one counts, read once
        opening = _opening_date(article, regions[0], future)
        regions = regions[1:]
    phrases = [
        phrase
        for start, end in regions
        for phrase in find_date_phrases(
            article.text, start, end, published=article.published, future=future
        )
        if _dates_the_event(article, phrase, event.trigger.start)
    ]
    after = [p for p in phrases if p.start >= event.trigger.start]
    before = [p for p in phrases if p.start < event.trigger.start]
    return after[0] if after else (before[-1] if before else opening)


def _opening_date(article: _Article, span: tuple[int, int], future: bool) -> DatePhrase | None:
    """The last phrase in ``span`` that dates a meeting told after it (computed once: where
    the meeting word is after a phrase, it plays no part in whether the phrase dates it)."""
    key = (*span, future)
    if key not in article.opening_dates:
        phrases = find_date_phrases(article.text, *span, published=article.published, future=future)
        dating = [p for p in phrases if _dates_the_event(article, p)]
        article.opening_dates[key] = dating[-1] if dating else None
    return article.opening_dates[key]


def _meeting_date(
    article: _Article, draft: Draft, sentences: list[int], *, counted_from_before: bool
) -> DatePhrase | None:
    undated: DatePhrase | None = None
    for event in draft.events:
        phrase = _event_date(article, event)
        if phrase and phrase.date:
            return phrase
        undated = undated or phrase
    if undated:
        return undated
    if counted_from_before:
        return None  # "held earlier that day": counted from the meeting before (_carry_context)
    # Else a date in the sentences that tell the meeting or come right after them (not one
    # paragraphs later, which dates something else), and not the reporting's day
    future = draft.status != "held"
    told = {event.sentence for event in draft.events}
    near = [i for i in sentences if i in told or i - 1 in told]
    for index in near:
        sentence = article.sentences[index]
        for phrase in find_date_phrases(
            article.text, sentence.start, sentence.end, published=article.published, future=future
        ):
            if _dates_the_event(article, phrase):
                return phrase
    return None


def _dates_the_event(article: _Article, phrase: DatePhrase, trigger: int | None = None) -> bool:
    """Not the day of the reporting ("said on Friday"), of a relative clause ("who took
    office last month"), nor a year alone ("mark 50 years of ties next year"), which dates
    the facts around a meeting rather than the meeting; unless the meeting word ``trigger``
    (a position) is inside that clause ("since they met in person on Feb. 16")."""
    text, start = article.text, phrase.start
    clause = _RELATIVE_CLAUSE.search(text, max(0, start - 40), start)
    if clause and (
        (trigger is not None and clause.start() < trigger < start)
        or _SCHEDULING_CLAUSE.match(text, clause.start())
    ):
        clause = None  # ", which was scheduled for the 27th": a clause that dates the meeting
    return not (
        _REPORTING_BEFORE.search(text, max(0, start - 30), start)
        or clause
        or (phrase.date is None and _YEAR_ALONE.fullmatch(phrase.text))
    )


def _format(draft: Draft) -> str:
    formats = {event.trigger.format for event in draft.events}
    for candidate in ("phone", "virtual", "in_person"):
        if candidate in formats:
            return candidate
    return "unknown"


def _location(
    article: _Article,
    draft: Draft,
    sentences: list[int],
    filed_from: FoundPlace | None,
) -> FoundPlace | None:
    """Where the meeting was: the city the story was filed from when the events say "here";
    a city in the events' own sentences; else the filing city (for an article's only held
    meeting); else a country the events name; else a city, then a country, anywhere in the
    meeting's sentences."""

    def places(spans: list[tuple[int, int]]) -> Iterator[FoundPlace]:
        for start, end in spans:
            place = article.place_in(start, end)
            if place is not None:
                yield place

    # each region once: the meeting words of a sentence share its subject
    own = list(dict.fromkeys(region for event in draft.events for region in event.regions))
    if article.filed_from is not None and any(
        _HERE.search(article.text, *region) for region in own
    ):
        return article.filed_from  # "held talks here": the city the story was filed from
    own += [
        (article.sentences[e.sentence].start, article.sentences[e.sentence].end)
        for e in draft.events
    ]
    near = _first_city(places(own))
    if near is not None and near.city:
        return near
    if article.setting is not None and draft.status == "held":
        return article.setting  # "on the sidelines of the D-8 summit in Cairo"
    if filed_from is not None:
        return filed_from
    if near is not None:
        return near  # the meeting's own country
    return _first_city(
        places([(article.sentences[i].start, article.sentences[i].end) for i in sentences])
    )


def _first_city(places: Iterator[FoundPlace]) -> FoundPlace | None:
    """The first place with a city, else the first place (read only as far as needed)."""
    first_place = None
    for place in places:
        if place.city:
            return place
        first_place = first_place or place
    return first_place


def _agreements(
    article: _Article,
    spans: list[tuple[int, int]],
    evidence: list[Evidence],
    countries: list[str],
) -> list[str]:
    agreements: list[str] = []
    for start, end in spans:
        for agreement in find_agreements(article.text, start, end):
            if agreement.start in article.quoted or _others_agreed(
                article, start, agreement.verb, countries
            ):
                continue
            if agreement.text not in agreements:
                evidence.append(
                    _evidence(
                        article, f"agreements[{len(agreements)}]", agreement.start, agreement.end
                    )
                )
                agreements.append(agreement.text)
    return agreements


def _quotes(
    article: _Article, people: list[int], spans: list[tuple[int, int]], evidence: list[Evidence]
) -> list[Quote]:
    quotes: list[Quote] = []
    for quote in article.quotes_in(spans):
        if quote.person not in people:
            continue
        evidence.append(_evidence(article, f"quotes[{len(quotes)}].text", quote.start, quote.end))
        quotes.append(
            Quote(
                speaker=article.people.people[quote.person].name,
                text=article.text[quote.start : quote.end],
            )
        )
    return quotes


def _others_agreed(article: _Article, start: int, verb: int, countries: list[str]) -> bool:
    """ "A day earlier, the EU and Norway agreed that ...": an agreement whose subject names
    states or bodies, none of them the meeting's, and none of its people, is another one."""
    window = max(start, verb - _SUBJECT_REACH)
    # the verb's own clause starts after the last boundary ("..., and agreed")
    ends = [b.end() for b in _CLAUSE_BOUNDARY.finditer(article.text, window, verb)]
    subject = (ends[-1] if ends else window, verb)
    if article.people.in_span(*subject) or _GROUP_SUBJECT_WORDS.search(article.text, *subject):
        return False
    lexicon = article.lexicon
    named = {
        lexicon.places[m.group(0)].code
        for m in lexicon.place_pattern.finditer(article.text, *subject)
        if lexicon.places[m.group(0)].kind in ("country", "demonym")
    }
    bodies = lexicon.organization_pattern.search(article.text, *subject)
    return bool(named or bodies) and not named & set(countries)


def _evidence(article: _Article, field_name: str, start: int, end: int) -> Evidence:
    return Evidence(field=field_name, start=start, end=end, text=article.text[start:end])


def _summary(
    participants: list[Participant],
    status: str,
    format_: str,
    location: Location | None,
    date_phrase: DatePhrase | None,
) -> str:
    names = [p.name for p in participants] or ["Officials"]
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    verb = {"phone": "spoke by phone", "virtual": "met by video"}.get(format_, "met")
    if status == "planned":
        verb = "are to " + {"phone": "speak by phone", "virtual": "meet by video"}.get(
            format_, "meet"
        )
    elif status == "cancelled":
        verb = "called off a meeting"
    where = (
        f" in {location.city or location.venue}"
        if location and (location.city or location.venue)
        else ""
    )
    when = f" on {date_phrase.date.isoformat()}" if date_phrase and date_phrase.date else ""
    return f"{who} {verb}{where}{when}."


def _confidence(
    participants: list[Participant],
    date_phrase: DatePhrase | None,
    place: FoundPlace | None,
    draft: Draft,
) -> float:
    score = 0.4
    score += 0.2 if len(participants) >= 2 else 0.0
    score += 0.1 if date_phrase and date_phrase.date else 0.0
    score += 0.1 if place else 0.0
    score += 0.1 if participants and all(p.country or p.organization for p in participants) else 0.0
    score += 0.05 if any(e.trigger.strength == "strong" for e in draft.events) else 0.0
    return round(min(score, 0.95), 2)


def _ordered_union(first: list[str], second: list[str]) -> list[str]:
    result: list[str] = []
    for item in [*first, *second]:
        if item not in result:
            result.append(item)
    return result
