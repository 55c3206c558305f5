"""Direct speech: text between quotation marks, and who said it.

Only speech attributed by a speech verb counts ("...," she said / said Kamikawa / Wang told
reporters: "..."): a scare-quoted phrase ("a 'free and open Indo-Pacific'") is not a quote.
A pronoun speaker ("she said") is the person last named before the quote, and a quote with no
attribution of its own continues the previous quote of its paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.rules.mentions import People
from extractor.rules.text import SentenceIndex, Spans
from extractor.sentences import Sentence

_PAIRS = re.compile(r"“([^“”]{2,}?)”|\"([^\"\n]{2,}?)\"|«([^«»]{2,}?)»")
_SPEECH_VERB = (
    r"(?:said|says|told|tells|added|adds|stressed|stresses|emphasi[sz]ed|noted|notes|stated|"
    r"declared|remarked|insisted|explained|wrote|tweeted|posted|warned|urged|asked|replied|"
    r"responded|recalled|acknowledged|underlined|underscored|continued|concluded|affirmed|"
    r"according\s+to|quoted|quoting|saying)"
)
_AFTER = re.compile(rf"^[\s,.;:!?—–-]*(?:\w+\s+){{0,4}}?{_SPEECH_VERB}\b", re.IGNORECASE)
_BEFORE = re.compile(rf"\b{_SPEECH_VERB}\b[^.!?]*?[:,]?\s*(?:that\s+)?$", re.IGNORECASE)
_PRONOUN_AFTER = re.compile(r"^[\s,.;:!?—–-]*(?:he|she|they)\b", re.IGNORECASE)
# An opening mark after speech ('said: "...') with no closing mark in its paragraph.
_RUN_ON = re.compile(r"[:,]\s*[“\"](?P<words>[^“”\"\n]+)$")
_ATTRIBUTION_WINDOW = 120
_NAME_TO_VERB = 3  # characters between a speaker's name and the speech verb after it
_SENTENCE_STOP = re.compile(r"\n|[.!?](?=\s|$)|[“\"«]")
_TRAILING_PUNCTUATION = " ,;:"


@dataclass(frozen=True)
class QuotedText:
    """The words between a pair of quotation marks (without the marks)."""

    start: int
    end: int
    paragraph: int
    outer_start: int  # the opening mark
    outer_end: int  # just after the closing mark
    run_on: bool = False  # opened but not closed: the speech goes on in the next paragraph


@dataclass(frozen=True)
class AttributedQuote:
    person: int  # index into People.people
    start: int
    end: int


def find_quoted(text: str, sentences: list[Sentence]) -> list[QuotedText]:
    """Every quoted stretch in the body, found per paragraph so quotes may span sentences."""
    paragraphs: dict[int, tuple[int, int]] = {}
    for sentence in sentences:
        start, end = paragraphs.get(sentence.paragraph, (sentence.start, sentence.end))
        paragraphs[sentence.paragraph] = (min(start, sentence.start), max(end, sentence.end))
    quoted: list[QuotedText] = []
    for paragraph, (start, end) in sorted(paragraphs.items()):
        last_close = start
        for match in _PAIRS.finditer(text, start, end):
            group = next(i for i in (1, 2, 3) if match.group(i) is not None)
            q_start, q_end = match.start(group), match.end(group)
            while q_end > q_start and text[q_end - 1] in _TRAILING_PUNCTUATION:
                q_end -= 1
            quoted.append(QuotedText(q_start, q_end, paragraph, match.start(), match.end()))
            last_close = match.end()
        run_on = _RUN_ON.search(text, last_close, end) if _unclosed(text, last_close, end) else None
        if run_on and run_on.end() - run_on.start("words") > 1:
            # 'Mr Harris said: "I want to thank ... border.' and the next paragraph reopens
            # the quotation mark: a paragraph of speech left open, by the convention of
            # English typography
            quoted.append(
                QuotedText(run_on.start("words"), end, paragraph, run_on.start(), end, True)
            )
    return quoted


def _unclosed(text: str, start: int, end: int) -> bool:
    """A quotation mark opened and not closed after ``start`` (a cheap test before the
    pattern)."""
    return "“" in text[start:end] or text.count('"', start, end) % 2 == 1


def attribute_quotes(
    text: str, quoted: list[QuotedText], sentences: list[Sentence], people: People
) -> list[AttributedQuote]:
    """Quotes whose speaker is a known person; unattributable quotes are left out."""
    attributed: list[AttributedQuote] = []
    # (paragraph, person, left open) of the last attributed quote
    previous: tuple[int, int, bool] | None = None
    inside_quotes = Spans((q.outer_start, q.outer_end) for q in quoted)
    index = SentenceIndex(sentences)
    for quote in quoted:
        sentence = index.at(quote.start)
        speaker = _speaker(text, quote, sentence, people, inside_quotes)
        if speaker is None and previous is not None:
            same_paragraph = previous[0] == quote.paragraph
            # a paragraph left open carries its speaker into the quote reopening the next one
            reopened = previous[2] and text[quote.outer_start - 1 : quote.outer_start] == "\n"
            if same_paragraph or reopened:
                speaker = previous[1]
        if speaker is not None:
            attributed.append(AttributedQuote(speaker, quote.start, quote.end))
            previous = (quote.paragraph, speaker, quote.run_on)
    return attributed


def _speaker(
    text: str, quote: QuotedText, sentence: Sentence | None, people: People, inside_quotes: Spans
) -> int | None:
    close = quote.outer_end
    after_end = min(len(text), close + _ATTRIBUTION_WINDOW)
    stop = _SENTENCE_STOP.search(text, close, after_end)
    after_end = stop.start() if stop else after_end
    after = text[close:after_end]
    after_match = _AFTER.match(after)
    if after_match:
        named = people.in_span(close, after_end)
        if named:
            return named[0].person
        if _PRONOUN_AFTER.match(after):
            return _last_named_before(quote.outer_start, people, inside_quotes)
    before_start = sentence.start if sentence else max(0, quote.start - _ATTRIBUTION_WINDOW)
    before = text[before_start : max(before_start, quote.outer_start)]
    speech = _BEFORE.search(before)
    if speech:
        verb = before_start + speech.start()
        named = people.in_span(before_start, quote.outer_start)
        # "..., Cho said, to which Funakoshi replied: ...": the name just before the verb
        next_to_verb = [m for m in named if 0 <= verb - m.end <= _NAME_TO_VERB]
        if next_to_verb:
            return next_to_verb[-1].person
        if named:
            return named[0].person
        return _last_named_before(quote.outer_start, people, inside_quotes)
    return None


def _last_named_before(position: int, people: People, inside_quotes: Spans) -> int | None:
    """Whom "she said" refers to: the last person named outside quotation marks."""
    mention = people.last_before(position, skip=inside_quotes)
    return mention.person if mention else None
