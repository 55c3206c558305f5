"""People in the text: who is named, with which title, for which country or body.

A person is *introduced* by a title next to a name ("Foreign Minister Yoko Kamikawa",
"Wang Yi, China's foreign minister", "his Japanese counterpart, Yoko Kamikawa"); the country
or body comes from the words qualifying the title ("India's", "U.S.", "IMF", "of Brazil").
Later mentions ("Kamikawa", "Mr. Wang", even a one-letter typo "Blinkin") are tied back to the
person introduced. People named inside quotation marks are not introduced: a leader praised in
a quote did not take part in the meeting.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise

from extractor.folding import fold
from extractor.rules.events import Trigger
from extractor.rules.lexicon import (
    NAME_TOKEN,
    UPPER,
    Lexicon,
    Place,
    find_titles,
    title_starts_at,
)
from extractor.rules.text import SpaceRuns, Spans, StartIndex
from extractor.sentences import Sentence

_CORPORATE_TITLES = frozenset(
    {
        "ceo",
        "cfo",
        "coo",
        "chief executive",
        "chief executive officer",
        "chairman",
        "chairwoman",
        "chairperson",
        "founder",
        "co-founder",
        "chief operating officer",
        "president and ceo",
    }
)
# Offices of international bodies, written without the body's name ("Secretary General Mark
# Rutte"): their holder speaks for the body the sentence names, never for a state.
_BODY_OFFICES = frozenset(
    {
        "secretary general",
        "secretary-general",
        "director-general",
        "director general",
        "high representative",
    }
)
# The portfolios an office of several lists after its first, up to the comma before the
# holder's name: ", African Cooperation and Moroccan Expatriates" (ministries of North and
# West Africa name them all). The last word is one a portfolio ends with.
_PORTFOLIO_WORDS = r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3}"
_PORTFOLIO_END = (
    r"(?:Cooperation|Affairs|Abroad|Expatriates|Integration|Development|Trade|Diaspora|"
    r"Communities|Relations|Commerce|Investment|Planning|Tourism|Culture|Worship|Industry|"
    r"Economy|Finance|Security|Defence|Defense|Justice|Education|Health|Nationals)"
)
_PORTFOLIO_LIST = re.compile(
    rf",\s+(?:{_PORTFOLIO_WORDS},\s+)*{_PORTFOLIO_WORDS}\s+and\s+(?:the\s+)?"
    rf"(?:[A-Z][\w'’-]*\s+){{0,2}}{_PORTFOLIO_END}(?=,\s)"
)
# "Minister of Foreign Affairs and Regional Integration Robert Dussey": one more portfolio
_AND_PORTFOLIO = re.compile(rf"\s+and\s+(?:[A-Z][\w'’-]*\s+){{0,3}}?{_PORTFOLIO_END}(?=\s+[A-Z])")
# A bare office and the portfolios it names, then the holder: "Minister of African
# Integration and Foreign Affairs Yassine Fall".
_OF_PORTFOLIOS = re.compile(
    rf"\s+(?:of|for)\s+(?:[A-Z][\w'’-]*\s+){{0,3}}?(?:and\s+(?:[A-Z][\w'’-]*\s+){{0,3}}?)?"
    rf"{_PORTFOLIO_END}(?=\s+[A-Z])"
)
_APPOSITIVE_LEADS = ("the", "a", "an", "his", "her", "their", "its")
_OF_THE_REPUBLIC = re.compile(r"\s+of\s+the\s+Republic(?=\s+[A-Z])")
_STATE_GOVERNMENT = re.compile(
    r"['’]s\s+(?:[\w-]+\s+){0,3}(?i:government|administration|cabinet|council)\b"
)
_OF_PLACE = re.compile(r"\s+(?:of|for|at)\s+(?:the\s+)?")
# What may follow an office that follows its holder's name ("X, Pakistan's foreign minister,
# said"; "X, the Governor of the Bank of England"), unlike a verb ("Amir, Tánaiste discuss")
_APPOSITION_END = re.compile(
    r"\s*(?:[,;.:)\"”]|$|\s*(?:and|who|whose|said|says|told|of|for|at|to)\b)"
)
_STYLED_OF = re.compile(
    rf"\s+of\s+(?:the\s+)?[{UPPER}][\w'’-]*(?:\s+(?:of\s+(?:the\s+)?|and\s+)?[{UPPER}][\w'’-]*){{0,6}}"
)
_POSTED_TO = re.compile(r"\s+to\s+(?:the\s+)?")
_RANK = re.compile(
    r"(?:Senator|Sen\.|Dr\.?|General|Gen\.|Admiral|Professor|Prof\.|Ambassador|Colonel|Col\.)\s+"
    r"(?=[A-Z])"
)
_NAME_GAP = re.compile(r"\s+|,\s+")
# A speech verb straight after a name: the name is a subject ("..., Pistorius said").
_SPEECH_AFTER_NAME = re.compile(r"\s+(?:said|says|told|tells|added|wrote|announced)\b")
_LEFT_NAME = re.compile(
    rf"({NAME_TOKEN}(?:(?:\s+|\s+\w{{1,4}}[\s-]|-){NAME_TOKEN}){{0,6}})\s*,\s*(?:the\s+|a\s+|an\s+)?$"
)
_OF_PROPER_NOUN = re.compile(rf"\s+of\s+(?:the\s+)?[{UPPER}]")
_TITLE_ADJECTIVES = re.compile(
    r"\s+(?:new|newly\s+(?:elected|appointed)|incoming|outgoing|acting|interim|caretaker|"
    r"current|top|visiting)$",
    re.IGNORECASE,
)
# "I sat down with President X", "we met Japanese Prime Minister X" inside a quote
_MET_IN_FIRST_PERSON = re.compile(
    r"\b(?:I|[Ww]e)\s+(?:[\w'’]+\s+){0,3}?(?:met(?:\s+with)?|sat\s+down\s+with|spoke\s+(?:with|to)|"
    r"talked\s+(?:with|to)|(?:held|had)\s+talks\s+with|received|hosted|welcomed|called\s+on)\s+"
    r"(?:the\s+|his\s+|her\s+)?(?:[A-Z][\w'’.-]*\s+){0,2}$"
)
_PORTFOLIO = re.compile(
    r"(?P<foreign>foreign|external|secretary\s+of\s+state)|(?P<defence>defen[cs]e)"
    r"|(?P<finance>financ|treasury|exchequer)|(?P<trade>trade|commerce)"
)
_ADJECTIVE_REACH = 24  # characters: "newly appointed" and its space
_FORMER_REACH = 16  # characters: "erstwhile " or "the late " and the spaces after
_GENERATIONAL_SUFFIXES = frozenset({"Jr", "Sr", "II", "III", "IV"})
_LEFT_NAME_REACH = 90  # characters: seven name words and their joiners
_COUNTERPART = re.compile(
    r"\b(?:his|her|their|its)\s+(?:(?P<qual>[\w.'’ -]{2,30}?)\s+)?counterparts?\b"
    r"(?:\s*,?\s+(?P<name_at>))?",
    re.IGNORECASE,
)
_COMPANY = re.compile(rf"((?:[{UPPER}][\w&.-]*\s+){{0,2}}[{UPPER}][\w&.-]*)(?:'s|’s)?\s+$")
_COMPANY_RUNS = 3  # runs of white space in a match of _COMPANY: after each of its words
_UNTITLED_WORD = rf"[{UPPER}][a-zà-ÿā-ž'’-]+"
# "Tamim bin Hamad Al Thani", "Ursula von der Leyen": particles inside a bare name
_NAME_PARTICLE = r"(?:bin|bint|ibn|al|el|van|von|der|den|de|da|di|du|la|le|dos|das)"
_UNTITLED_NAME = rf"{_UNTITLED_WORD}(?:\s+(?:{_NAME_PARTICLE}\s+){{0,2}}{_UNTITLED_WORD}){{1,5}}"
_NAME_LIST = rf"(?P<names>{_UNTITLED_NAME}(?:\s*(?:,|and)\s+{_UNTITLED_NAME})?)"
_NAMES_BEFORE = re.compile(rf"(?:^|[,;]\s+|\b(?:and|when|after|as)\s+){_NAME_LIST}\s+(?:also\s+)?$")
# The runs of white space a match of _NAMES_BEFORE holds at most: one after the comma or word
# that leads it, three in each of the five joins of a name (before and after two particles),
# two around the comma or "and" between two names, and two around "also"
_NAMES_BEFORE_RUNS = 1 + 3 * 5 + 2 + 3 * 5 + 2
_NAMES_AFTER = re.compile(rf"\s+(?:with\s+|between\s+|of\s+)?{_NAME_LIST}\b(?!\s*[{UPPER}])")
# A bare name where a clause puts a person: after one of these words, or opening a sentence,
# and followed by a comma or a lower-case word ("Friedrich Merz, who ...", "by Emmanuel
# Macron in the morning", "where Donald Tusk received him").
_BARE_NAME = re.compile(rf"{_UNTITLED_NAME}(?=\s*[,;.]|\s+[a-z(])")
_LEAD_WORD = re.compile(r"\b(?:by|with|and|between|where|when|whom|as)\s+$")
_RESPECTIVELY = re.compile(
    rf"(?P<a>{_UNTITLED_NAME})\s+and\s+(?P<b>{_UNTITLED_NAME}),\s+(?:the\s+)?"
    rf"(?P<title>[a-z][a-z -]{{2,40}}?)\s+(?:of|for)\s+(?:the\s+)?"
    rf"(?P<first>[{UPPER}][\w'’ -]*?)\s+and\s+(?:the\s+)?(?P<second>[{UPPER}][\w'’ -]*?),?"
    rf"\s+respectively\b"
)
_SINGULAR = re.compile(r"s$")  # "foreign ministers" of two states: each a "foreign minister"
_NAME_LIST_SPLIT = re.compile(r"\s*(?:,|\band\b)\s*")
_SPOKESPERSON = re.compile(r"spokes|press\s+secretary", re.IGNORECASE)
# "Japanese Prime Minister X and Foreign Minister Y": one nationality for a list of offices.
_GROUP_JOINER = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)")
_DEFINITE_ROLE = re.compile(
    r"\b(?:the|both\s+the|and\s+the)\s+(?:(?:visiting|new|incoming|outgoing|acting)\s+)?$",
    re.IGNORECASE,
)
_DEFINITE_ROLE_RUNS = 3  # runs of white space in a match: after each word ("both the new ")
_VISITING = re.compile(r"\bvisiting\s+$", re.IGNORECASE)
_AIDE_APPOSITION = re.compile(
    # (not ", as his special envoy to X": a role given to someone, not their apposition; not
    # ", the first foreign head of state to visit X": a description, and a principal's office)
    r", (?!as\s|the\s+(?:first|second|third|last|latest|only)\s)"
    r"(?P<role>(?:the\s+)?(?:[a-z][\w-]*\s+){0,3}(?:adviser|advisor|aide|envoy|"
    r"representative|assistant|counsell?or|spokes(?:man|woman|person)|chief\s+of\s+staff|"
    r"head(?!\s+of\s+(?:state|government))|chief|director|secretary))\s+(?:to|of|for)\s+"
)
# The words a sender's message or envoy cannot be written without (tested once per document:
# most name none).
_SENDER_WORDS = (
    "envoy",
    "represent",
    "emissary",
    "messenger",
    "greetings",
    "regards",
    "wishes",
    "message",
    "letter",
    "invitation",
    "condolences",
    "behalf",
)
_ENVOY_OF = re.compile(
    r"\bas\s+(?:a|an|the|his|her)\s+(?:[a-z]+\s+){0,2}(?:envoy|representative|emissary|"
    r"messenger)\s+(?:of|from)\s+"
    # "conveyed the greetings of King Salman", "a letter from President X", "on behalf of"
    r"|\b(?:greetings|regards|wishes|message|letter|invitation|condolences)\s+(?:of|from)\s+"
    r"|\bon\s+behalf\s+of\s+"
)
_CLAUSE_END = re.compile(r",|;|\s[—–]\s")
_ROLE_REACH = 600  # characters from an office named alone to its holder's name
_STYLE_FRAGMENT = re.compile(r"[A-Z]\.\s*")  # "E. " of a cut "H.E."
_EDIT_DISTANCE_MIN_LENGTH = 5
_TOKEN = re.compile(r"\S+")
_LONGEST_NAME = 7  # words; "Nana Addo Dankwa Akufo-Addo" is four


@dataclass
class Person:
    name: str
    title: str | None
    country: str | None
    organization: str | None
    start: int
    end: int
    title_span: tuple[int, int] | None = None
    former: bool = False
    keys: set[str] = field(default_factory=set)
    visiting: bool = False  # "the visiting Foreign Minister X": never the newsroom's own

    @property
    def speaks_for_others(self) -> bool:
        """A spokesperson or press secretary: cited for the news, never a party to it."""
        return bool(self.title and _SPOKESPERSON.search(self.title))


@dataclass(frozen=True)
class _Role:
    """An office named without its holder: "the French President"."""

    title: str
    title_span: tuple[int, int]
    country: str
    sentence_end: int


@dataclass(frozen=True)
class Mention:
    person: int  # index into People.people
    start: int
    end: int


@dataclass(frozen=True)
class Counterpart:
    """An unnamed party: "met his Japanese counterpart"; only its country is known."""

    country: str | None
    start: int
    end: int


@dataclass
class People:
    people: list[Person] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    counterparts: list[Counterpart] = field(default_factory=list)
    # "Bonne, diplomatic adviser to French President Emmanuel Macron": where people are named
    # only to say whom another person serves; they take no part in what the clause reports
    embedded: list[tuple[int, int]] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)
    _key_index: dict[str, int] = field(default_factory=dict)
    _title_starts: set[int] | None = None
    _counterpart_index: StartIndex | None = None

    def in_span(self, start: int, end: int) -> list[Mention]:
        """Mentions inside [start, end), in text order (``mentions`` is sorted by start)."""
        first = bisect_left(self._starts, start)
        last = bisect_left(self._starts, end)
        return [m for m in self.mentions[first:last] if m.end <= end]

    def last_before(self, position: int, *, skip: Spans) -> Mention | None:
        """The last mention ending before ``position`` that is not inside ``skip``."""
        for number in range(bisect_left(self._starts, position) - 1, -1, -1):
            mention = self.mentions[number]  # (read in place: a slice would copy them all)
            if mention.end <= position and mention.start not in skip:
                return mention
        return None

    def named_before(self, position: int) -> Iterator[int]:
        """The people named before ``position``, the last named first, each once: read
        backwards from ``position`` only as far as the caller asks, not the whole list."""
        seen: set[int] = set()
        for number in range(bisect_left(self._starts, position) - 1, -1, -1):
            person = self.mentions[number].person
            if person not in seen:
                seen.add(person)
                yield person

    def sort(self) -> None:
        self.mentions.sort(key=lambda m: m.start)
        self._starts = [m.start for m in self.mentions]

    def counterpart_numbers_in(self, spans: list[tuple[int, int]]) -> list[int]:
        """The positions in ``counterparts`` of the unnamed counterparts that start inside one
        of ``spans``, in order (indexed once, when first asked): each event of a long page
        reads only its own clause's."""
        if not self.counterparts:
            return []  # as in most articles
        if self._counterpart_index is None:
            self._counterpart_index = StartIndex(c.start for c in self.counterparts)
        return self._counterpart_index.numbers_in(spans)

    def title_starts(self) -> set[int]:
        """Where the titles of the people begin (read once, when first asked)."""
        if self._title_starts is None:
            self._title_starts = {p.title_span[0] for p in self.people if p.title_span}
        return self._title_starts

    def key_index(self) -> dict[str, int]:
        """Each form of a name, and the first person known by it (kept up to date by ``add``
        and ``add_keys``: it is looked up for every name introduced)."""
        return self._key_index

    def add(self, person: Person) -> None:
        self.people.append(person)
        self.add_keys(len(self.people) - 1, person.keys)

    def add_keys(self, index: int, keys: set[str]) -> None:
        self.people[index].keys |= keys
        for key in keys:
            if self._key_index.get(key, index) >= index:
                self._key_index[key] = index


class PersonFinder:
    """Finds people in one document's sentences."""

    def __init__(self, lexicon: Lexicon, text: str, quoted: Spans) -> None:
        self.lexicon = lexicon
        self.text = text
        self.quoted = quoted
        self.result = People()
        self.roles: list[_Role] = []  # "the French President": offices named before a name
        self._names_senders = any(word in text for word in _SENDER_WORDS)
        self._name_forms: dict[str, set[str]] = {}
        self._titled_at: dict[int, list[int]] = {}  # title start -> the people it titles
        self._runs: dict[int, SpaceRuns] = {}  # by sentence start
        self._bodies: dict[int, str | None] = {}  # the first body each sentence names

    def run(
        self,
        sentences: Iterable[Sentence],
        triggers: list[list[Trigger]],
        *,
        headline: int | None = None,
    ) -> People:
        """Introduce people (the headline last: its abbreviated titles, "FM Cho", are not the
        titles as written in the body), then tie every later mention back to them."""
        sentences = list(sentences)
        order = [i for i in range(len(sentences)) if i != headline]
        for index in order + ([headline] if headline is not None else []):
            self._introduce(sentences[index])
        for index in order:
            self._introduce_untitled(sentences[index], triggers[index])
            self._introduce_aides(sentences[index])
            if "respectively" in sentences[index].text:
                self._introduce_respectively(sentences[index])
        self._fill_roles()
        keys = self.result.key_index()
        if keys:
            linker = _Linker(keys, self.lexicon.non_name_words)
            for sentence in sentences:
                runs = self.lexicon.capitalized_run.finditer(
                    self.text, sentence.start, sentence.end
                )
                for match in runs:
                    self.result.mentions += linker.link(match)
            self._keep_introductions()
        self.result.sort()
        return self.result

    # -- introductions -------------------------------------------------------------------

    def _introduce(self, sentence: Sentence) -> None:
        titled_counterparts: dict[int, str | None] = {}
        counterparts = (
            _COUNTERPART.finditer(self.text, sentence.start, sentence.end)
            if "counterpart" in sentence.text
            else ()
        )
        named_counterparts: list[tuple[int, int]] = []  # (person, where "his ..." starts)
        for match in counterparts:
            if not self._is_quoted(match.start()):
                person = self._introduce_counterpart(match, titled_counterparts)
                if person is not None:
                    named_counterparts.append((person, match.start()))
        titles = find_titles(self.lexicon, self.text, sentence.start, sentence.end)
        places = self._places_by_end(sentence) if titles else {}
        # where the last qualified name ends, its country and its office
        shared: tuple[int, str | None, str] | None = None
        previous_end: int | None = None  # where the title before ends
        for title_span in titles:
            office = fold(self.text[title_span[0] : title_span[1]])
            given_name = (
                office in self.lexicon.given_name_titles
                and previous_end is not None
                and not self.text[previous_end : title_span[0]].strip(" ")
            )
            previous_end = title_span[1]
            if given_name:
                continue  # "Foreign Minister Amir Khan Muttaqi": a given name, not an emir
            if self._is_quoted(title_span[0]) and not _MET_IN_FIRST_PERSON.search(
                self.text, max(sentence.start, title_span[0] - 80), title_span[0]
            ):
                continue  # a leader praised in a quote, not one the speaker says they met
            inherited = None
            if shared and _GROUP_JOINER.fullmatch(self.text, shared[0], title_span[0]):
                # "Japanese Prime Minister X and Foreign Minister Y" is one delegation; but
                # "Brazilian Foreign Minister X and Foreign Minister Y" are counterparts
                inherited = shared[1] if _portfolio(office) != _portfolio(shared[2]) else None
            introduced = self._introduce_at_title(
                sentence, title_span, places, titled_counterparts, inherited
            )
            shared = (*introduced, office) if introduced and introduced[1] else None
        for person, position in named_counterparts:
            self._take_counterpart_title(person, sentence.start, position, titles)

    def _take_counterpart_title(
        self, person: int, start: int, position: int, titles: list[tuple[int, int]]
    ) -> None:
        """ "Foreign Minister Yun met his Chinese counterpart Wang Yi": a counterpart holds
        the office of the official whose counterpart they are (the last one titled before
        "his" in the sentence, among the sentence's ``titles``: not every person of the
        document)."""
        counterpart = self.result.people[person]
        if counterpart.title is not None:
            return
        titled = [
            self.result.people[i]
            for title_start, _ in titles
            if start <= title_start < position
            for i in self._titled_at.get(title_start, ())
            if self.result.people[i].title
        ]
        if titled:
            counterpart.title = max(titled, key=lambda p: p.title_span or (0, 0)).title

    def _introduce_at_title(
        self,
        sentence: Sentence,
        title_span: tuple[int, int],
        places: dict[int, tuple[int, Place]],
        titled_counterparts: dict[int, str | None],
        inherited: str | None,
    ) -> tuple[int, str | None] | None:
        """Introduce the person a title names; returns where the name ends and the country
        the title's words gave, or None when the title names nobody."""
        title_start, position = title_span
        title = self.text[title_start:position]
        qualifier_start, country, organization = self._qualifier(sentence, title_start, places)
        qualified = country is not None
        country = country or titled_counterparts.get(title_start)
        of_place = _OF_PLACE.match(self.text, position)
        if of_place:
            place, organization_after, after = self._place_or_body_at(of_place.end())
            if place or organization_after:
                country = country or (place.code if place else None)
                organization = organization or organization_after
                position = after
                government = _STATE_GOVERNMENT.match(self.text, position)
                if place and government:
                    position = government.end()  # "of Bangladesh's interim government"
            else:
                # "the President of the Arab Republic of Egypt, Abdel Fattah Al-Sisi": a
                # state or body by a longer name, then its holder after a comma
                styled = _STYLED_OF.match(self.text, position, sentence.end)
                if styled and self.text.startswith(", ", styled.end()):
                    country = country or self._country_in(styled.start(), styled.end())
                    position = styled.end()
                elif republic := _OF_THE_REPUBLIC.match(self.text, position, sentence.end):
                    # "President of the Republic Katerina Sakellaropoulou": the office's full
                    # style, the state left to the newsroom or the host
                    title_span = (title_start, republic.end())
                    title = self.text[title_start : republic.end()]
                    position = republic.end()
        portfolios = (
            (
                _PORTFOLIO_LIST.match(self.text, position, sentence.end)
                or _AND_PORTFOLIO.match(self.text, position, sentence.end)
            )
            if " of " in title
            else None
        ) or (
            _OF_PORTFOLIOS.match(self.text, position, sentence.end)
            if title in ("Minister", "Secretary", "Cabinet Secretary")
            else None
        )
        if portfolios:
            # "Minister of Foreign Affairs, African Cooperation and Moroccan Expatriates, Nasser
            # Bourita": the rest of the office's portfolios, then its holder
            position = portfolios.end()
            title_span = (title_start, position)
            title = self.text[title_start:position]
        posted_to = _POSTED_TO.match(self.text, position)
        if posted_to:
            # "Ambassador of Japan to Pakistan Akamatsu Shuichi", "ambassador to the UN, X":
            # where an envoy is posted says nothing of whom they represent
            place, body, after = self._place_or_body_at(posted_to.end())
            if place or body:
                position = after
        if organization is None and title.lower() in _CORPORATE_TITLES:
            organization = self._company(sentence, qualifier_start)
        elif organization is None and country is None and fold(title) in _BODY_OFFICES:
            # "received at NATO headquarters by Secretary General Mark Rutte": the office of
            # a body, held for the body the sentence names
            organization = self._body_in(sentence)
        if country is None and organization is None:
            country = self.lexicon.office_countries.get(fold(title)) or inherited  # "Taoiseach"
        appositive = qualifier_start < title_start or self._is_appositive(
            title, sentence, qualifier_start
        )
        name_span = self._name_right(position, sentence.end, appositive=appositive)
        of_proper_noun = (
            _OF_PROPER_NOUN.match(self.text, name_span[1]) if name_span is not None else None
        )
        if of_proper_noun is not None:
            state = self.lexicon.place_pattern.match(self.text, of_proper_noun.end() - 1)
            place = self.lexicon.places[state.group(0)] if state else None
            if place is not None and place.kind == "country":
                country = country or place.code  # "King Abdullah II of Jordan"
            else:
                name_span = None  # "the General Security of Military Information Agreement"
        if (
            name_span is not None
            and qualifier_start == title_start
            and "," in self.text[position : name_span[0]]
            and _SPEECH_AFTER_NAME.match(self.text, name_span[1])
        ):
            # "after his talks with the President, Pistorius said": a clause ends at the
            # comma and the name is the next one's subject, not the title's holder
            name_span = None
        if name_span is None and _APPOSITION_END.match(self.text, position, sentence.end):
            # "Ishaq Dar, Pakistan's foreign minister." but not "Amir, Tánaiste discuss Gaza"
            name_span = self._name_left(sentence, qualifier_start)
        if name_span is None:
            possessive = "'s" in self.text[qualifier_start:title_start].replace("’", "'")
            if country and (
                possessive
                or self._search_before(
                    _DEFINITE_ROLE, _DEFINITE_ROLE_RUNS, sentence, qualifier_start
                )
            ):  # "the French President", "Germany's new chancellor"
                self.roles.append(_Role(title, title_span, country, sentence.end))
            return None
        former = bool(
            self.lexicon.former_pattern.search(
                self.text, max(sentence.start, qualifier_start - _FORMER_REACH), qualifier_start
            )
        )
        self._add(name_span, title, title_span, country, organization, former)
        if _VISITING.search(self.text, max(sentence.start, qualifier_start - 12), qualifier_start):
            self.result.people[self._find_index(name_span)].visiting = True
        return name_span[1], country if qualified or inherited else None

    def _qualifier(
        self, sentence: Sentence, title_start: int, places: dict[int, tuple[int, Place]]
    ) -> tuple[int, str | None, str | None]:
        """The country or body just before a title: "India's", "Japanese", "U.S.", "IMF"."""
        word_end = _words_end(self.text, sentence.start, title_start)
        if word_end == title_start:  # no space before the title: no qualifier
            return title_start, None, None
        # "Afghanistan's acting Foreign Minister", "Germany's new chancellor"
        adjective = _TITLE_ADJECTIVES.search(
            self.text, max(sentence.start, word_end - _ADJECTIVE_REACH), word_end
        )
        if adjective:
            word_end = adjective.start()
        ending = self.text[max(sentence.start, word_end - 2) : word_end]
        end = word_end - len(ending) + len(_bare_name(ending))  # "India's" ends at "India"
        if end in places:
            place_start, place = places[end]
            return place_start, place.code, None
        for organization_match in self.lexicon.organization_pattern.finditer(
            self.text, max(sentence.start, end - 80), end
        ):
            if organization_match.end() == end:
                body = self.lexicon.organizations[organization_match.group(0)]
                return organization_match.start(), None, body.name
        return title_start, None, None

    def _places_by_end(self, sentence: Sentence) -> dict[int, tuple[int, Place]]:
        """Country names and demonyms of a sentence, by where they end."""
        found: dict[int, tuple[int, Place]] = {}
        for match in self.lexicon.place_pattern.finditer(self.text, sentence.start, sentence.end):
            place = self.lexicon.places[match.group(0)]
            if place.kind in ("country", "demonym"):
                found[match.end()] = (match.start(), place)
        return found

    def _place_or_body_at(self, position: int) -> tuple[Place | None, str | None, int]:
        place_match = self.lexicon.place_pattern.match(self.text, position)
        if place_match:
            return self.lexicon.places[place_match.group(0)], None, place_match.end()
        body_match = self.lexicon.organization_pattern.match(self.text, position)
        if body_match:
            body = self.lexicon.organizations[body_match.group(0)]
            return None, body.name, body_match.end()
        return None, None, position

    def _body_in(self, sentence: Sentence) -> str | None:
        """The first body the sentence names (read once for all its offices)."""
        if sentence.start not in self._bodies:
            found = self.lexicon.organization_pattern.search(
                self.text, sentence.start, sentence.end
            )
            self._bodies[sentence.start] = (
                self.lexicon.organizations[found.group(0)].name if found else None
            )
        return self._bodies[sentence.start]

    def _company(self, sentence: Sentence, qualifier_start: int) -> str | None:
        match = self._search_before(_COMPANY, _COMPANY_RUNS, sentence, qualifier_start)
        if match is None:
            return None
        words = [w for w in match.group(1).split() if w not in self.lexicon.non_name_words]
        return " ".join(words) or None

    def _is_appositive(self, title: str, sentence: Sentence, qualifier_start: int) -> bool:
        """Lower-case or "the ..." titles take their name after a comma, as do qualified
        ones ("Qatar's Emir, Sheikh Tamim ..."; tested by the caller)."""
        word_end = _words_end(self.text, sentence.start, qualifier_start)
        word = self.text[max(sentence.start, word_end - 5) : word_end]
        return title[:1].islower() or (
            word_end < qualifier_start and word.lower().endswith(_APPOSITIVE_LEADS)
        )

    def _name_right(self, position: int, limit: int, *, appositive: bool) -> tuple[int, int] | None:
        gap = _NAME_GAP.match(self.text, position, limit)
        if gap is None or ("," in gap.group(0) and not appositive):
            return None
        position = self._after_styles(gap.end(), limit)
        rank = _RANK.match(self.text, position, limit)
        if rank:  # "Foreign Minister Senator Mohammad Ishaq Dar": a rank worn as a style
            position = rank.end()
        return self._clean_name(position, limit)

    def _after_styles(self, position: int, limit: int) -> int:
        """Past the styles before a name ("His Highness Sheikh", "H.E. Mr.", "Dr"): courtesy
        forms, not part of the name nor an office. A lone initial left of a style ("E. Mr."
        after a cut inside "H.E.") goes with it."""
        while True:
            style = self.lexicon.honorific_pattern.match(self.text, position, limit)
            if style is None:
                fragment = _STYLE_FRAGMENT.match(self.text, position, limit)
                if fragment is None or not self.lexicon.honorific_pattern.match(
                    self.text, fragment.end(), limit
                ):
                    return position
                position = fragment.end()
                continue
            position = _skip_spaces(self.text, style.end(), limit)

    def _name_left(self, sentence: Sentence, qualifier_start: int) -> tuple[int, int] | None:
        window = max(sentence.start, qualifier_start - _LEFT_NAME_REACH)
        match = _LEFT_NAME.search(self.text, window, qualifier_start)
        if match is None or match.end() != qualifier_start:
            return None
        return self._name_ending_at(match.start(1), match.end(1))

    def _name_ending_at(self, start: int, end: int) -> tuple[int, int] | None:
        """The name that ends a run of name-like words ("Tuesday with Ishaq Dar", "On Friday
        Emmanuel Bonne"): it starts after the last word that cannot be part of a name."""
        position = start = self._after_styles(start, end)  # "His Excellency Sheikh ..."
        for word in _TOKEN.finditer(self.text, start, end):
            token = word.group(0)
            if token in self.lexicon.non_name_words or (
                token.islower() and token not in self.lexicon.name_particles
            ):
                position = word.end()
        position = _skip_spaces(self.text, position, end)
        if position >= end:
            return None
        return self._clean_name(self._after_styles(position, end), end)

    def _clean_name(self, start: int, limit: int) -> tuple[int, int] | None:
        """The name starting at ``start``, cut before any word that is not a name."""
        match = self.lexicon.name_pattern.match(self.text, start, limit)
        if match is None:
            return None
        end = start
        tokens = list(_TOKEN.finditer(match.group(0)))
        for number, token in enumerate(tokens):
            word = _bare_name(token.group(0).rstrip(",;:"))
            homograph = number == 0 and (
                word in self.lexicon.surname_homographs
                or self._city_as_given_name(word, tokens[1:2])
            )
            if (word.rstrip(".") in self.lexicon.non_name_words and not homograph) or (
                title_starts_at(self.lexicon, self.text, start + token.start())
                and not (token.start() == 0 and word.lower() in self.lexicon.given_name_titles)
            ):
                break  # "his counterpart Foreign Minister X": a title starts here
            end = start + token.start() + len(word)
            if token.group(0) != word:  # a possessive or a comma ends the name
                break
        if end == start:
            return None
        while end > start and self.text[end - 1] in ".’'" and not _is_initial(self.text, end):
            end -= 1
        return start, end

    def _city_as_given_name(self, word: str, following: list[re.Match[str]]) -> bool:
        """ "President Santiago Peña", "Mayor Florence ...": a city's name first, then a name
        word, is a given name."""
        place = self.lexicon.places.get(word)
        if place is None or place.kind not in ("capital", "city") or not following:
            return False
        surname = _bare_name(following[0].group(0).rstrip(",;:"))
        return surname not in self.lexicon.non_name_words and surname[:1].isupper()

    def _introduce_untitled(self, sentence: Sentence, triggers: list[Trigger]) -> None:
        """ "Elon Musk met Narendra Modi": full names right next to a meeting verb are people,
        even when no title introduces them (business people, or leaders the article names
        bare). Only names of two to four words count, and only where the verb is."""
        runs = self._space_runs(sentence)
        for trigger in triggers:
            if trigger.strength not in ("strong", "weak") or self._is_quoted(trigger.start):
                continue
            lead_start = self._names_window(sentence, trigger, runs)
            lead = self.text[lead_start : trigger.start]  # so that ^ is the sentence start
            before = _NAMES_BEFORE.search(lead)
            after = _NAMES_AFTER.match(self.text, trigger.end, sentence.end)
            found = []
            if before:
                found.append((lead_start + before.start("names"), before.group("names")))
            if after:
                found.append((after.start("names"), after.group("names")))
            for offset, names in found:
                for name in _NAME_LIST_SPLIT.split(names):
                    start = self.text.index(name, offset)
                    self._add_untitled(start, start + len(name))
        if any(t.strength in ("strong", "weak") for t in triggers):
            # "Friedrich Merz, who won the vote, was welcomed ... by Emmanuel Macron": bare
            # names where a clause puts a person, anywhere in a sentence that tells a meeting
            for name in _BARE_NAME.finditer(self.text, sentence.start, sentence.end):
                opens = name.start() == sentence.start
                if opens or _LEAD_WORD.search(
                    self.text, max(sentence.start, name.start() - 9), name.start()
                ):
                    self._add_untitled(name.start(), name.end())

    def _space_runs(self, sentence: Sentence) -> SpaceRuns:
        """The runs of white space of ``sentence``, found once for all its titles and
        meeting words."""
        if sentence.start not in self._runs:
            self._runs[sentence.start] = SpaceRuns(self.text, sentence.start, sentence.end)
        return self._runs[sentence.start]

    def _search_before(
        self, pattern: re.Pattern[str], runs: int, sentence: Sentence, position: int
    ) -> re.Match[str] | None:
        """``pattern`` searched in ``sentence`` up to ``position``, where it ends ($); as its
        matches start with a word and hold at most ``runs`` runs of white space, only the
        last words before ``position`` are read."""
        window = self._space_runs(sentence).window(position, runs)
        return pattern.search(self.text, window, position)

    def _names_window(self, sentence: Sentence, trigger: Trigger, runs: SpaceRuns) -> int:
        """Where names before ``trigger`` can start: within the words ``_NAMES_BEFORE`` can
        hold, not anywhere from the sentence start. Past the sentence start, the window opens
        on the white space before those words, where ^ finds no name."""
        window = runs.window(trigger.start, _NAMES_BEFORE_RUNS)
        return window - 1 if window > sentence.start else window

    def _add_untitled(self, start: int, end: int) -> None:
        start = self._after_styles(start, end)  # "Sheikh Tamim bin Hamad Al Thani"
        name = self.text[start:end]
        words = [w for w in name.split() if w[:1].isupper()]
        if not 2 <= len(words) <= 4 or self._find(name) is not None or "'" in name or "’" in name:
            return  # "Taiwan's Tsai", "New Zealand's": possessives are not names
        if name in self.lexicon.places or name in self.lexicon.organizations:
            return
        if any(
            w in self.lexicon.non_name_words
            or w in self.lexicon.places
            or w in self.lexicon.organizations
            or find_titles(self.lexicon, w, 0, len(w))
            for w in words
        ):
            return
        self._add((start, end), None, None, None, None, False)

    def _introduce_aides(self, sentence: Sentence) -> None:
        """ "Emmanuel Bonne, diplomatic adviser to French President Emmanuel Macron, ...": the
        name before the comma is the person, the lower-case role is their title, and the
        country is the principal's; the principal is named only inside the apposition."""
        appositions = _AIDE_APPOSITION.finditer(self.text, sentence.start, sentence.end)
        for match in appositions:
            name_span = self._name_left_of(sentence.start, match.start())
            if name_span is None or self._is_quoted(match.start()):
                continue
            clause_end = _CLAUSE_END.search(self.text, match.end(), sentence.end)
            end = clause_end.start() if clause_end else sentence.end
            country = self._country_in(match.end(), end)
            title_end = match.end("role")
            if not title_starts_at(self.lexicon, self.text, match.end()) and not country:
                title_end = end  # "head of the Communist Party's International Department"
            self._add(
                name_span,
                self.text[match.start("role") : title_end],
                (match.start("role"), title_end),
                country,
                None,
                False,
            )
            self.result.embedded.append((match.end(), end))
        senders = (
            _ENVOY_OF.finditer(self.text, sentence.start, sentence.end)
            if self._names_senders
            else ()
        )
        for match in senders:
            # "who came to Moscow as a special envoy of President X": X sent the envoy;
            # "conveyed the greetings of King Salman": the king is not in the room
            clause_end = _CLAUSE_END.search(self.text, match.end(), sentence.end)
            self.result.embedded.append(
                (match.end(), clause_end.start() if clause_end else sentence.end)
            )

    def _introduce_respectively(self, sentence: Sentence) -> None:
        """ "Paulo Rangel and Téte António, the foreign ministers of Portugal and Angola
        respectively": two people, one office, two states, in the same order."""
        for match in _RESPECTIVELY.finditer(self.text, sentence.start, sentence.end):
            states = [self.lexicon.places.get(match.group(group)) for group in ("first", "second")]
            codes = [s.code for s in states if s and s.kind in ("country", "demonym")]
            if len(codes) != 2:
                continue
            title = _SINGULAR.sub("", match.group("title"))
            title_span = (match.start("title"), match.start("title") + len(title))
            for group, code in zip(("a", "b"), codes, strict=True):
                span = (match.start(group), match.end(group))
                self._add(span, title, title_span, code, None, False)

    def _name_left_of(self, start: int, comma: int) -> tuple[int, int] | None:
        """The name that ends at ``comma`` (a ", role" apposition follows it)."""
        match = _LEFT_NAME.search(self.text, max(start, comma - _LEFT_NAME_REACH), comma + 2)
        if match is None or match.end() != comma + 2:
            return None
        return self._name_ending_at(match.start(1), match.end(1))

    def _country_in(self, start: int, end: int) -> str | None:
        for match in self.lexicon.place_pattern.finditer(self.text, start, end):
            place = self.lexicon.places[match.group(0)]
            if place.kind in ("country", "demonym"):
                return place.code
        return None

    def _keep_introductions(self) -> None:
        """A name is the person introduced at that very place, whoever else shares a form of
        it ("Sultan Ibrahim" after "Prime Minister Anwar Ibrahim")."""
        introduced = {(p.start, p.end): i for i, p in enumerate(self.result.people)}
        self.result.mentions = [
            m
            if introduced.get((m.start, m.end), m.person) == m.person
            else Mention(introduced[m.start, m.end], m.start, m.end)
            for m in self.result.mentions
        ]

    def _fill_roles(self) -> None:
        """ "is due to see both the French President and the German Chancellor. On Tuesday
        he flies to Paris for talks with Emmanuel Macron": offices named without a name are
        given, in order, to the people named next without any title, within a few
        sentences (news names a role first and its holder soon after, in the same order).
        The office where it is named becomes a mention of its holder: "The visiting Iranian
        president and Prime Minister X agreed" names two parties."""
        if not self.roles:
            return
        people = self.result.people
        offices = _Offices(people)
        open_roles = []
        for office in self.roles:
            if offices.named_before(office):
                continue  # "the French president said": the one named before, not a new role
            holder = offices.titled_holder(office)
            if holder is None:
                open_roles.append(office)
            else:
                offices.give_state(holder, office.country)
                self.result.mentions.append(Mention(holder, *office.title_span))
        untitled = sorted(
            (i for i, p in enumerate(people) if p.title is None and p.country is None),
            key=lambda i: people[i].start,
        )
        roles = iter(open_roles)
        role = next(roles, None)
        for index in untitled:
            person = people[index]
            while role is not None and person.start - role.sentence_end > _ROLE_REACH:
                role = next(roles, None)
            if role is None:
                return
            if person.start >= role.sentence_end:
                person.title, person.title_span, person.country = (
                    role.title,
                    role.title_span,
                    role.country,
                )
                self.result.mentions.append(Mention(index, *role.title_span))
                role = next(roles, None)

    def _introduce_counterpart(
        self, match: re.Match[str], titled_counterparts: dict[int, str | None]
    ) -> int | None:
        """ "his Hungarian counterpart(, Foreign Minister)? Péter Szijjártó" or an unnamed one;
        returns the person when a name follows.

        When a title follows, the title introduces the person; the counterpart's country is
        left in ``titled_counterparts`` for it."""
        qualifier = match.group("qual") or ""
        place_match = self.lexicon.place_pattern.search(qualifier)
        country = self.lexicon.places[place_match.group(0)].code if place_match else None
        name_span = None
        if match.group("name_at") is not None:
            if title_starts_at(self.lexicon, self.text, match.end()):
                titled_counterparts[match.end()] = country
                return None
            name_span = self._clean_name(match.end(), min(len(self.text), match.end() + 80))
        if name_span and self.text[name_span[0] : name_span[1]] not in self.lexicon.places:
            self._add(name_span, None, None, country, None, False)
            return self._find_index(name_span)
        self.result.counterparts.append(Counterpart(country, match.start(), match.end()))
        return None

    def _add(
        self,
        span: tuple[int, int],
        title: str | None,
        title_span: tuple[int, int] | None,
        country: str | None,
        organization: str | None,
        former: bool,
    ) -> None:
        span = (self._after_styles(span[0], span[1]), span[1])
        name = self.text[span[0] : span[1]]
        if not name or name in self.lexicon.places or name in self.lexicon.organizations:
            return
        existing = self._find(name)
        if existing is not None and not _same_person(self.result.people[existing], name, title):
            existing = None  # "Wang Jiarui" is not "Wang Yi", though both are "Wang"
        if existing is not None:
            person = self.result.people[existing]
            person.title = person.title or title
            if person.title_span is None and title_span is not None:
                person.title_span = title_span
                self._titled_at.setdefault(title_span[0], []).append(existing)
            person.country = person.country or country
            person.organization = person.organization or organization
            if len(name) > len(person.name):  # "Kamikawa" first, "Yoko Kamikawa" later
                person.name, person.start, person.end = name, span[0], span[1]
                self.result.add_keys(existing, self._keys(name))
            return
        self.result.add(
            Person(
                name,
                title,
                country,
                organization,
                span[0],
                span[1],
                title_span,
                former,
                self._keys(name),
            )
        )
        if title_span is not None:
            self._titled_at.setdefault(title_span[0], []).append(len(self.result.people) - 1)

    def _find_index(self, span: tuple[int, int]) -> int:
        """The person a name just added belongs to."""
        found = self._find(self.text[self._after_styles(span[0], span[1]) : span[1]])
        return len(self.result.people) - 1 if found is None else found

    def _find(self, name: str) -> int | None:
        """The person known by ``name`` or by one of its forms. When forms lead to different
        people (a page of several stories: "Mohammed bin Abdulrahman Al Thani" and a
        "Mohammed bin Salman" share forms), the longest form decides, then the first named:
        never the order of a set, which changes from one run to the next."""
        keys = self.result.key_index()
        if name in keys:
            return keys[name]
        known = [key for key in self._keys(name) if key in keys]
        if not known:
            return None
        return min((-len(key), keys[key]) for key in known)[1]

    def _keys(self, name: str) -> set[str]:
        """The forms a later mention may take: full name, surname, family-name-first (each
        name's forms worked out once)."""
        keys = self._name_forms.get(name)
        if keys is None:
            keys = self._name_forms[name] = self._forms(name)
        return set(keys)

    def _forms(self, name: str) -> set[str]:
        keys = {name}
        tokens = name.split()
        while len(tokens) > 2 and tokens[-1].rstrip(".") in _GENERATIONAL_SUFFIXES:
            tokens.pop()  # "Ferdinand R. Marcos Jr.": the surname is "Marcos", not "Jr"
            keys.add(" ".join(tokens))
        if len(tokens) > 1:
            last = tokens[-1]
            if len(last.rstrip(".")) > 1:
                keys.add(last)
            if tokens[0] in self.lexicon.family_name_first or any(
                t.lower() in ("bin", "ibn", "bint") for t in tokens
            ):
                keys.add(tokens[0])
            if len(tokens) > 2:
                keys.add(f"{tokens[0]} {tokens[-1]}")
            for before, particle in pairwise(tokens[1:]):
                # "Luiz Inacio Lula da Silva" is "Lula", "Andrés Manuel López Obrador" is
                # "López Obrador": the name before a particle, the last two of four words
                if particle in self.lexicon.name_particles:
                    keys.add(before)
            if len(tokens) >= 4 and tokens[-2] not in self.lexicon.name_particles:
                keys.add(f"{tokens[-2]} {tokens[-1]}")
        return keys

    # -- later mentions ------------------------------------------------------------------

    def _is_quoted(self, position: int) -> bool:
        return position in self.quoted


class _Offices:
    """The people of a document by office, for giving offices named alone their holders:
    each role is settled by looking up its office (and positions by bisection), not by
    reading every person of the document, which on a long page is quadratic."""

    def __init__(self, people: list[Person]) -> None:
        self.people = people
        # (office, state) -> where the first person holding it for that state is named
        self.first_named: dict[tuple[str, str], int] = {}
        # office -> (where named, number) of the people holding it without a state
        self.stateless: dict[str, list[tuple[int, int]]] = {}
        untitled = []  # where the people without office or state are named
        for number, person in enumerate(people):
            if person.title is not None and person.country is not None:
                self._note_named(person.title, person.country, person.start)
            elif person.title:
                self.stateless.setdefault(fold(person.title), []).append((person.start, number))
            elif person.title is None and person.country is None:
                untitled.append(person.start)
        for holders in self.stateless.values():
            holders.sort()
        self.untitled = sorted(untitled)

    def named_before(self, office: _Role) -> bool:
        """Whether someone named before the office holds it for its state already."""
        first = self.first_named.get((fold(office.title), office.country))
        return first is not None and first < office.title_span[0]

    def titled_holder(self, office: _Role) -> int | None:
        """ "The visiting Iranian president ... President Ebrahim Raisi": the same office given
        later with a name and no nationality, within reach, is the role's holder (the first
        such person introduced); unless a name without any title comes first ("The visiting
        Iranian president ... Ebrahim Raisi, ..., arrived": that name is the nearer holder)."""
        reach = office.sentence_end
        holders = self.stateless.get(fold(office.title), [])
        within = holders[
            bisect_left(holders, (reach, -1)) : bisect_left(holders, (reach + _ROLE_REACH + 1, -1))
        ]
        holder = min((n for _, n in within if self.people[n].country is None), default=None)
        if holder is None:
            return None
        untitled = bisect_left(self.untitled, reach)
        if untitled < len(self.untitled) and self.untitled[untitled] < self.people[holder].start:
            return None
        return holder

    def give_state(self, holder: int, state: str) -> None:
        """The holder of a role holds it for the role's state."""
        person = self.people[holder]
        person.country = state
        if person.title is not None:
            self._note_named(person.title, state, person.start)

    def _note_named(self, title: str, state: str, start: int) -> None:
        key = (fold(title), state)
        self.first_named[key] = min(self.first_named.get(key, start), start)


class _Linker:
    """Ties runs of capitalised words to the people already introduced: the longest known
    form first ("Yoko Kamikawa", then "Kamikawa"), then a one-letter typo of a surname.

    Most words of a run start no known name; only a word that begins a known name of several
    words makes the linker try the longer spans.
    """

    def __init__(self, keys: dict[str, int], non_name_words: frozenset[str]) -> None:
        self.keys = keys
        self.non_name_words = non_name_words
        self.longest = min(_LONGEST_NAME, max(len(key.split()) for key in keys))
        self.first_words = frozenset(key.split()[0] for key in keys if len(key.split()) > 1)
        self.words: dict[str, tuple[int | None, int]] = {}  # word -> (person, name length)
        # one-word names by first letter: (number in the order of ``keys``, name, person)
        self.surnames: dict[str, list[tuple[int, str, int]]] = {}
        for number, (key, person) in enumerate(keys.items()):
            if " " not in key:
                self.surnames.setdefault(key[0], []).append((number, key, person))
        self._by_form: dict[str, dict[str, list[tuple[int, int]]]] = {}  # see _surnames_by_form

    def link(self, match: re.Match[str]) -> list[Mention]:
        text, base, run = match.string, match.start(), match.group(0)
        if len(run.split()) == 1:  # most runs are one word: "The", "Japan", "Kamikawa"
            mention = self._one_word(base, run)
            return [mention] if mention else []
        tokens = [(base + t.start(), base + t.end()) for t in _TOKEN.finditer(run)]
        found: list[Mention] = []
        i = 0
        while i < len(tokens):
            start, end = tokens[i]
            word = text[start:end]
            linked = self._longer_name(text, tokens, i) if word in self.first_words else None
            if linked is not None:
                mention, i = linked
                found.append(mention)
                continue
            one = self._one_word(start, word)
            if one is not None:
                found.append(one)
            i += 1
        return found

    def _one_word(self, start: int, word: str) -> Mention | None:
        known = self.words.get(word)
        if known is None:  # each word of a document is looked up once
            candidate = _bare_name(word.rstrip(",.;:"))
            person = self.keys.get(candidate)
            if person is None:
                person = self._near_miss(candidate)
            known = self.words[word] = (person, len(candidate))
        person, length = known
        return Mention(person, start, start + length) if person is not None else None

    def _longer_name(
        self, text: str, tokens: list[tuple[int, int]], i: int
    ) -> tuple[Mention, int] | None:
        """The longest known name of two words or more starting at token ``i``, and the
        token after it."""
        start = tokens[i][0]
        for j in range(min(len(tokens), i + self.longest), i + 1, -1):
            candidate = _bare_name(text[start : tokens[j - 1][1]].rstrip(",.;:"))
            person = self.keys.get(candidate)
            if person is not None:
                return Mention(person, start, start + len(candidate)), j
        return None

    def _near_miss(self, word: str) -> int | None:
        """A one-letter typo of a known surname with the same first letter ("Blinkin" for
        "Blinken"), the first such name known. Looked up by the word's own forms one edit
        away, not by comparing it with every surname: a long page names thousands."""
        if (
            len(word) < _EDIT_DISTANCE_MIN_LENGTH
            or word in self.non_name_words
            or word[0] not in self.surnames
        ):
            return None
        surnames = self._surnames_by_form(word[0])
        found = [known for form in _edits(word) for known in surnames.get(form, ())]
        return min(found)[1] if found else None

    def _surnames_by_form(self, initial: str) -> dict[str, list[tuple[int, int]]]:
        """The one-word names starting with ``initial``, each under the forms it shares with
        the words one edit away from it (see _edits), with its number and its person (worked
        out when a word with that initial first needs them)."""
        by_form = self._by_form.get(initial)
        if by_form is None:
            by_form = self._by_form[initial] = {}
            for number, key, person in self.surnames[initial]:
                for form in _edits(key):
                    by_form.setdefault(form, []).append((number, person))
        return by_form


def _portfolio(office: str) -> str:
    """The portfolio an office belongs to, so that "U.S. Secretary of State X and Foreign
    Minister Y" read as counterparts (both foreign affairs), not one delegation."""
    match = _PORTFOLIO.search(office)
    return match.lastgroup or office if match else office


def _same_person(known: Person, name: str, title: str | None) -> bool:
    """Whether a name can be a person already known: the words of one name are among the
    words of the other ("Kamikawa", "Yoko Kamikawa"; "Wang" and "Wang Yi"; not "Wang
    Jiarui"), and two offices, if given, share a word ("Minister Kamikawa" is "Foreign
    Minister Yoko Kamikawa"; "Sultan Ibrahim" is not "Prime Minister Anwar Ibrahim")."""
    known_words, words = set(known.name.split()), set(name.split())
    if not (known_words <= words or words <= known_words):
        return False
    if title and known.title and len(words) == 1:
        return bool(set(fold(title).split()) & set(fold(known.title).split()))
    return True


def _bare_name(word: str) -> str:
    """ "Kamikawa's" -> "Kamikawa": a possessive ending is not part of the name."""
    if word.endswith(("'s", "’s")):
        return word[:-2]
    return word[:-1] if word.endswith(("'", "’")) else word


def _words_end(text: str, start: int, position: int) -> int:
    """Where the words of ``text[start:position]`` end, the white space after them left out
    (read back from ``position`` only: each title of a long sentence reads its own lead)."""
    while position > start and text[position - 1].isspace():
        position -= 1
    return position


def _skip_spaces(text: str, position: int, limit: int) -> int:
    while position < limit and text[position].isspace():
        position += 1
    return position


def _is_initial(text: str, end: int) -> bool:
    """True for the period of an initial such as "S." in "S. Jaishankar"."""
    return (
        end >= 2
        and text[end - 1] == "."
        and text[end - 2].isupper()
        and (end < 3 or not text[end - 3].isalpha())
    )


_GAP = " "  # a letter changed or added, in the forms of _edits (no word holds a space)


def _edits(word: str) -> list[str]:
    """The forms by which two words one edit apart with the same first letter find each
    other: a letter after the first replaced by a gap ("Blinken" and "Blinkin" both give
    "Blink n"), and a gap put after any letter ("Blinkn", a letter short, gives "Blink n"
    too). Two such words share a form, and two words that share a form are one edit apart
    (the gap stands at the same place in both)."""
    return [
        *(word[:i] + _GAP + word[i + 1 :] for i in range(1, len(word))),
        *(word[:i] + _GAP + word[i:] for i in range(1, len(word) + 1)),
    ]
