"""Every name, quote, place and date phrase a model returns is looked up in the article.

A value found in the text gets its evidence span (offsets into ``Document.text``); a value not
found is dropped and named in the result's warnings. A model must not add people who are not
in the article, and page noise does not count as the article: a name that appears only in a
list of other headlines is not grounded.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz import fuzz

from extractor.dates import find_date_phrases
from extractor.document import Document, outside
from extractor.llm.recount import status_from_text
from extractor.llm.response import LLMMeeting
from extractor.rules.content import find_topics
from extractor.rules.lexicon import lexicon
from extractor.schema import Evidence, Location, Meeting, MeetingStatus, Participant, Quote

_QUOTE_FUZZ = 90  # a quote may differ from the article by a typo or a quotation mark


@dataclass
class GroundedText:
    """The article with page noise blanked out (same length, so offsets still hold)."""

    document: Document
    searchable: str = field(init=False)

    def __post_init__(self) -> None:
        text = self.document.text
        pieces, cursor = [], 0
        for start, end in outside(sorted(self.document.noise or ()), 0, len(text)):
            pieces += [" " * (start - cursor), text[start:end]]
            cursor = end
        pieces.append(" " * (len(text) - cursor))
        self.searchable = "".join(pieces)

    @cached_property
    def folded(self) -> str:
        """The searchable text in one case, for values the model wrote in another (only
        computed when a value is not found as written)."""
        folded = self.searchable.casefold()
        # Case folding may change lengths ("ß" -> "ss"); offsets must not move.
        return folded if len(folded) == len(self.searchable) else self.searchable.lower()

    @cached_property
    def topics(self) -> frozenset[str]:
        """The topics a keyword of the rules' lexicon names anywhere in the article (offices
        such as "Defense Minister" aside): a topic the model gives that no word of the
        article names is not grounded, and is left out (measured: Qwen2.5-Coder-1.5B added
        "security", "trade", "economy" to most meetings, at 33% precision)."""
        return frozenset(find_topics(lexicon(), self.searchable, [(0, len(self.searchable))]))

    def find(self, value: str) -> tuple[int, int] | None:
        """Where ``value`` stands in the article: exactly, then ignoring case and spacing."""
        value = value.strip()
        if not value:
            return None
        position = self.searchable.find(value)
        if position != -1:
            return position, position + len(value)
        if len(self.folded) == len(self.searchable):
            position = self.folded.find(value.casefold())
            if position != -1:
                return position, position + len(value)
        words = [re.escape(word) for word in value.split()]
        pattern = r"(?<!\w)" + r"[\s\u00a0]+".join(words) + r"(?!\w)"
        match = re.search(pattern, self.searchable, re.IGNORECASE)
        return (match.start(), match.end()) if match else None

    def find_quote(self, value: str) -> tuple[int, int] | None:
        """A quotation: exactly, else the best near-verbatim stretch of the article."""
        span = self.find(value.strip(" \"'“”‘’"))
        if span is not None or len(value) < 12:
            return span
        alignment = fuzz.partial_ratio_alignment(value, self.searchable, score_cutoff=_QUOTE_FUZZ)
        if alignment is None:
            return None
        return alignment.dest_start, alignment.dest_end

    def span_text(self, span: tuple[int, int]) -> str:
        return self.document.text[span[0] : span[1]]


def ground(meetings: list[LLMMeeting], document: Document) -> tuple[list[Meeting], list[str]]:
    """Contract meetings from a model's answer, with evidence; ungrounded values dropped."""
    article = GroundedText(document)
    grounded: list[Meeting] = []
    warnings: list[str] = []
    for number, meeting in enumerate(meetings, start=1):
        result = _ground_meeting(meeting, article, warnings, number)
        if result.participants or len(result.countries) >= 2:
            grounded.append(result)
        else:
            warnings.append(f"meeting {number}: dropped, no participant found in the article")
    return grounded, warnings


def _ground_meeting(
    meeting: LLMMeeting, article: GroundedText, warnings: list[str], number: int
) -> Meeting:
    grounder = _MeetingGrounder(article, warnings, number)
    participants = grounder.participants(meeting)
    quotes = grounder.quotes(meeting, participants)
    location = grounder.location(meeting)
    status, date, date_text = grounder.date(meeting)
    countries = [*(p.country for p in participants if p.country), *meeting.countries]
    return Meeting(
        status=status,
        participants=participants,
        countries=list(dict.fromkeys(countries)),
        date=date,
        date_text=date_text,
        location=location,
        # a meeting the article places is met in person unless said otherwise, as the rules
        # read it (small models answer "unknown" for most: measured format accuracy 0%)
        format="in_person" if meeting.format == "unknown" and location else meeting.format,
        topics=[t for t in dict.fromkeys(meeting.topics) if t in article.topics],
        agreements=meeting.agreements,
        quotes=quotes,
        evidence=grounder.evidence,
        confidence=0.5,
    )


@dataclass
class _MeetingGrounder:
    """Grounds the values of one meeting, collecting evidence and warnings."""

    article: GroundedText
    warnings: list[str]
    number: int
    evidence: list[Evidence] = field(default_factory=list)

    def participants(self, meeting: LLMMeeting) -> list[Participant]:
        kept: list[Participant] = []
        for person in meeting.participants:
            span = self.article.find(person.name) or _surname(self.article, person.name)
            if span is None:
                self._drop(f"participant {person.name!r}", "not found in the article")
                continue
            self._note(f"participants[{len(kept)}].name", span)
            kept.append(person.model_copy())
        return kept

    def quotes(self, meeting: LLMMeeting, participants: list[Participant]) -> list[Quote]:
        kept: list[Quote] = []
        for quote in meeting.quotes:
            span = self.article.find_quote(quote.text)
            speaker = _participant_named(quote.speaker, participants)
            if span is None or speaker is None:
                why = "not found in the article" if span is None else "not said by a participant"
                self._drop(f"quote {quote.text[:40]!r}", why)
                continue
            self._note(f"quotes[{len(kept)}].text", span)
            kept.append(Quote(speaker=speaker, text=self.article.span_text(span)))
        return kept

    def location(self, meeting: LLMMeeting) -> Location | None:
        if meeting.location is None:
            return None
        city = self._grounded("location", meeting.location.city)
        venue = self._grounded("location", meeting.location.venue)
        if city is None and venue is None and meeting.location.country is None:
            return None
        return Location(city=city, country=meeting.location.country, venue=venue)

    def date(self, meeting: LLMMeeting) -> tuple[MeetingStatus, dt.date | None, str | None]:
        """The status, day and date phrase of ``meeting``. The date phrase must be in the
        article; the status is then read again from its sentence (``status_from_text``, with
        a warning when it differs from the model's), and the day counted from the publication
        day by the resolver the rules use, rather than trusted from the model."""
        if meeting.date_text is None:
            return meeting.status, *self._phrase_of(meeting)
        span = meeting.date_span or self.article.find(meeting.date_text)
        if span is None:
            self._drop(f"date {meeting.date_text!r}", "not found in the article")
            return meeting.status, None, None
        self._note("date_text", span)
        text = self.article.document.text
        published = self.article.document.published_at
        day = published.date() if published else None
        surnames = [p.name.split()[-1] for p in meeting.participants if p.name.split()]
        status = status_from_text(text, span, meeting.status, day, surnames)
        if status != meeting.status:
            self.warnings.append(
                f"meeting {self.number}: status {meeting.status!r} recounted as {status!r} "
                f"from the sentence of {text[span[0] : span[1]]!r}"
            )
        phrases = find_date_phrases(text, span[0], span[1], published=day, future=status != "held")
        resolved = next((p.date for p in phrases if p.date), None)
        return status, resolved or meeting.date, self.article.span_text(span)

    def _phrase_of(self, meeting: LLMMeeting) -> tuple[dt.date | None, str | None]:
        """A day the model gave without its phrase, grounded in the first date phrase of
        the article that fixes that day; dropped, with a warning, when none does (small
        models answer the publication day for a meeting the article dates otherwise)."""
        if meeting.date is None:
            return None, None
        document = self.article.document
        published = document.published_at
        for phrase in find_date_phrases(
            self.article.searchable,
            0,
            len(self.article.searchable),
            published=published.date() if published else None,
            future=meeting.status != "held",
        ):
            if phrase.date == meeting.date:
                self._note("date_text", (phrase.start, phrase.end))
                return phrase.date, self.article.span_text((phrase.start, phrase.end))
        self._drop(f"date {meeting.date.isoformat()}", "no date phrase of the article fixes it")
        return None, None

    def _grounded(self, field_name: str, value: str | None) -> str | None:
        if value is None:
            return None
        span = self.article.find(value)
        if span is None:
            self._drop(f"{field_name} {value!r}", "not found in the article")
            return None
        self._note(field_name, span)
        return value

    def _note(self, field_name: str, span: tuple[int, int]) -> None:
        self.evidence.append(
            Evidence(
                field=field_name, start=span[0], end=span[1], text=self.article.span_text(span)
            )
        )

    def _drop(self, what: str, why: str) -> None:
        self.warnings.append(f"meeting {self.number}: dropped {what}, {why}")


def _surname(article: GroundedText, name: str) -> tuple[int, int] | None:
    """ "Subrahmanyam Jaishankar" where the article writes "S. Jaishankar": the surname."""
    words = name.split()
    return article.find(words[-1]) if len(words) > 1 and len(words[-1]) > 3 else None


def _participant_named(speaker: str, participants: list[Participant]) -> str | None:
    wanted = speaker.casefold()
    for participant in participants:
        name = participant.name.casefold()
        if wanted == name or wanted in name.split() or name in wanted:
            return participant.name
    return None
