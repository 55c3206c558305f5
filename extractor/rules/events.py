"""Meeting events: the words that say a meeting happened, will happen, or was called off.

These are the CAMEO/PLOVER "consult" verbs (meet, hold talks, host, visit, phone) with the
cues that set a meeting's status (planned: "will", "is scheduled to"; cancelled: "called
off", "postponed") and its format (phone, video, in person). A trigger under a negation
("won't meet", "no plans to meet", "declined to meet") is no event at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from extractor.folding import fold, folded_pattern

# "contact" ("spoke with", "talked with") is in person, by phone or by video depending on
# what the article said just before ("held a series of phone calls ... also spoke with X").
Format = Literal["in_person", "virtual", "phone", "unknown", "contact"]
Status = Literal["held", "planned", "cancelled"]

_PHONE = r"(?:tele)?phone"
_TALK_NOUNS = (
    r"(?:talks|talk|meeting|meetings|summit|discussions?|consultations|dialogue|conversation|"
    r"call|retreat|audience|session)"
)
Strength = Literal["strong", "weak", "join", "reference"]
# (pattern, format, strength): a strong trigger makes a meeting of the parties in its clause;
# a weak one ("visited", "hosted") only with two parties of its own, named or "his Japanese
# counterpart"; a join ("also took part") adds its people to the meeting being reported; a
# reference ("the meeting", "the talks") never makes a meeting, it only adds to one.
_TRIGGERS: tuple[tuple[str, Format, Strength], ...] = (
    (
        rf"\b(?:spoke|speak|speaks|speaking|talked|talk|talks|held\s+talks|conferred|chatted)\s+"
        rf"(?:[\w'’.-]+\s+){{0,6}}?(?:by|over\s+the|on\s+the|via|in\s+a)\s+{_PHONE}\b",
        "phone",
        "strong",
    ),
    (
        rf"\b{_PHONE}\s+(?:call|calls|conversation|conversations|talks|talk|discussion|discussions|"
        r"summit|meeting)\b",
        "phone",
        "strong",
    ),
    (r"\b(?:tele)?phoned\b|\bcalls?\s+with\b|\bin\s+a\s+call\b", "phone", "strong"),
    (
        r"\b(?:video\s*(?:conference|call|link|talks|meeting|summit|conferencing)|videoconference|"
        r"virtual(?:ly)?\s+(?:meeting|summit|talks|call|conference)|online\s+(?:meeting|summit|talks)|"
        r"(?:by|via|over)\s+video(?:\s*link)?)\b",
        "virtual",
        "strong",
    ),
    (r"\b(?:met|meet|meets|meeting)(?:\s+up)?\s+with\b", "in_person", "strong"),
    (
        r"\b(?:met|meets)\b|\bmeeting\s+(?:at|in)\b(?=\s+[A-Z])"
        # "..., meeting the leaders of Italy and Norway": the verb, not the noun
        r"|(?<=,\s)meeting\s+(?=(?:the|his|her|their|its)\s)",
        "in_person",
        "strong",
    ),
    (r"\bmeet\b", "in_person", "strong"),
    (
        # "sat down for an unscheduled 11-minute conversation"
        rf"\b(?:held|hold|holds|holding|had|have|has|(?:sat|sit|sits|sitting)\s+down\s+for)\s+"
        rf"(?:a\s+|an\s+|the\s+|their\s+|his\s+|her\s+)?"
        rf"(?:[\w\"“”'’-]+\s+){{0,3}}?{_TALK_NOUNS}\b",
        "unknown",
        "strong",
    ),
    (
        r"\b(?:talks|meeting|summit|discussions|dinner|lunch|luncheon|breakfast)\s+(?:with|between)\b"
        r"|\bmeeting\s+of\b"
        # "Scholz and Tusk agreed at talks in Berlin", "during their talks"
        r"|\b(?:at|during)\s+(?:their\s+|the\s+)?talks\b",
        "unknown",
        "strong",
    ),
    # Passive and nominal forms: "talks were held between X and Y", "the ASEAN Defence
    # Ministers' Meeting opened", "consultations will be held in Moscow".
    (
        rf"\b{_TALK_NOUNS}(?:\s+[\w'’-]+){{0,8}}?\s+(?:was|were|has\s+been|have\s+been|had\s+been|"
        r"will\s+be|is\s+to\s+be|are\s+to\s+be)\s+(?:also\s+)?held\b"
        r"|\b(?:meeting|summit|talks|dialogue|retreat|"
        r"conference|consultations)\s+(?:opened|convened|began|kicked\s+off|got\s+under\s*way|"
        r"took\s+place)\b",
        "unknown",
        "strong",
    ),
    (r"\bin-person\s+(?:talks?|meetings?)\b", "in_person", "strong"),
    # "a summit that was to bring together A, B and C"
    (r"\b(?:bring|brings|bringing|brought)\s+together\b", "in_person", "strong"),
    # "Wong and Kamikawa will join Marles and Kihara for the next round of consultations"
    (
        r"\b(?:join|joins|joined|joining)\b(?=[^.;]{0,80}?\bfor\s+(?:the\s+|a\s+)?"
        r"(?:[\w\"“”'+-]+\s+){0,5}?(?:talks|consultations|meeting|summit|dialogue)\b)",
        "in_person",
        "strong",
    ),
    (
        # "spoke today with", "talked again on Tuesday with": a time between verb and object
        r"\b(?:spoke|speaks|talked|talks|conferred|chatted)\s+"
        r"(?:(?:again|today|yesterday|tonight|separately|briefly|earlier\s+today|"
        r"this\s+(?:morning|afternoon|evening)|on\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day)\s+)?"
        r"with\b",
        "contact",
        "strong",
    ),
    (
        r"\b(?:hosted|hosts|host|hosting|received|receives|receive|receiving|welcomed|welcomes|"
        r"welcome)\b",
        "in_person",
        "weak",
    ),
    (
        r"\b(?:was|were)\s+joined\s+by|\b(?:joined|co-chaired|chaired)\b"
        # "attended the talks", not "attended the ceremony together with"
        r"|\b(?:attended|took\s+part\s+in|participated\s+in)\b(?=\s+(?:the\s+|a\s+|an\s+|their\s+)?"
        r"(?:[\w'’-]+\s+){0,3}?(?:talks|meetings?|summit|session|consultations|dialogue|dinner|"
        r"lunch|conference|retreat|call|discussions?|negotiations)\b)",
        "in_person",
        "weak",
    ),
    (
        r"\b(?:also\s+)?(?:took\s+part|participated|attended|joined(?=\s+(?:the|them|him|her)\b))"
        # "Also present was Foreign Minister X", "X and Y were also present in the meeting"
        r"|\b(?:also\s+present|present\s+(?:at|in)\s+the\s+(?:meeting|talks|call)|"
        r"also\s+in\s+attendance|accompanied\s+by)\b",
        "in_person",
        "join",
    ),
    (
        r"\b(?:(?:sat|sit|sits|sitting)\s+down\s+with|conferred\s+with|courtesy\s+call)\b",
        "in_person",
        "strong",
    ),
    (
        r"\b(?:visit|visits|visited|visiting|(?:call|calls|called|calling)\s+on)\b",
        "in_person",
        "weak",
    ),
    # "With Portuguese Prime Minister Luís Montenegro, Modi reviewed cooperation": what two
    # named people discussed together is a meeting of theirs (weak: two parties of its own)
    (r"\b(?:discussed|reviewed|exchanged\s+(?:views|opinions))\b", "unknown", "weak"),
    (r"\b(?:meeting|talks|summit|session)\b", "unknown", "reference"),
)
# The words a trigger can start with, checked first: the engine then tries the many branches
# below only there, which is several times faster than at every position of every sentence.
_TRIGGER_START = (
    r"\b(?=met\b|meet|talk|held\b|hold|had\b|have\b|has\b|spoke|speak|confer|chatted|phone|"
    r"telephone|calls?\b|in\s+a\s+call|video|virtual|online|(?:by|via|over)\s+video|"
    r"host(?:s|ed|ing)?\b|receiv|welcom|(?:was|were)\s+joined|join(?:s|ed|ing)?\b|attended|"
    r"took\b|participated|co-chaired|chaired|"
    r"also\s+(?:took|present|in\s+attendance|attended|participated|joined)|"
    r"(?:sat|sit|sits|sitting)\s+down|courtesy|visit|discussed|reviewed|exchanged|bring|"
    r"brought|present\b|accompanied|dinner|lunch|breakfast|"
    r"(?:at|during)\s+(?:their\s+|the\s+)?talks|call(?:s|ed|ing)?\b|summit|session|"
    r"discussions|meeting|consultations|dialogue|conversation|retreat|"
    r"conference\s+(?:opened|convened|began|kicked|got|took)|in-person)"
)
TRIGGER = folded_pattern(
    _TRIGGER_START
    + "(?:"
    + "|".join(f"(?P<t{i}>{p})" for i, (p, _, _) in enumerate(_TRIGGERS))
    + ")"
)
_NEGATION_BEFORE = folded_pattern(
    r"(?:\b(?:won'?t|will\s+not|would\s+not|wouldn'?t|did\s+not|didn'?t|does\s+not|doesn'?t|"
    r"do\s+not|don'?t|not|never|no\s+plans?\s+(?:to|for)|refused\s+to|declined\s+to|ruled\s+out|"
    r"rejected|without|no|nor|unlikely\s+to|rule\s+out|cannot|can'?t|den(?:y|ies|ied|ying))"
    r"\s+(?:\w+\s+){0,3})$"
)
# "dismissing President Trump's claim that talks with Iran were planned": a meeting inside a
# claim that is denied. Read further back, and only where such a verb is.
_DENIED_CLAIM = folded_pattern(
    r"\b(?:den(?:y|ies|ied|ying)|dismiss(?:es|ed|ing)?|reject(?:s|ed|ing)?|refut(?:es|ed|ing)|"
    r"dampen(?:s|ed|ing)?|play(?:s|ed|ing)?\s+down|pour(?:s|ed|ing)?\s+cold\s+water\s+on)"
    r"\b[^.;]{0,60}?\b(?:claims?|reports?|suggestions?|speculation|rumou?rs?)\b[^.;]{0,140}$"
    # "has made no arrangements for Prime Minister X to hold talks with ..."
    r"|\bno\s+(?:arrangements?|plans?|decision|date|agreement)\s+"
    r"(?:(?:has|had|have)\s+(?:yet\s+)?been\s+\w+\s+)?"
    r"(?:for|to|on|about)\b[^.;]{0,100}$"
    # A claim is not a fact, nor is a question: "had claimed that the two officials met",
    # "asked whether Li would meet Takaichi"
    r"|\b(?:claim(?:s|ed|ing)?|alleg(?:e|es|ed|ing))\s+that\b[^.;]{0,120}$"
    r"|\basked\s+(?:whether|if|about)\b[^.;]{0,120}$"
)
_DENIAL_CUE = re.compile("den|dismiss|reject|refut|dampen|down|cold|no |claim|alleg|asked")
# "a meeting between X and Y was not on the schedule", "talks are not planned"
_NEGATED_AFTER = folded_pattern(
    r"^(?:\s+[\w'’.-]+){0,14}?\s+(?:was|were|is|are|has\s+been|have\s+been)\s+(?:not|never)\s+"
    r"(?:on\s+the\s+(?:schedule|agenda|cards|table)|planned|scheduled|expected|envisaged|"
    r"arranged|foreseen)\b"
)
# Word stems that the cancellation and stall patterns cannot match without.
_CANCEL_CUE = re.compile(
    "call|cancel|postpon|scrap|put off|shelve|delay|suspend|pulled out|abandon"
)
_STALL_CUE = re.compile("stall|collaps|broke|falter|deadlock|impasse")
_NOT_CUE = re.compile(" not | never ")
_NEGATION_REACH = 48  # characters before a trigger where its negation or plan is read
_DENIAL_REACH = 220
_JOURNEY_REACH = 120
_NEGATED_REACH = 150  # "a meeting between <two titled names> is not on the agenda"
# Future markers reach up to seven words ahead ("will travel to China in April for talks");
# a bare "to" only right before the verb ("Modi to meet Kishida"), and not after a past
# journey ("flew to Tokyo to hold talks" reports talks that were held).
_PLANNED_BEFORE = folded_pattern(
    r"\b(?:will|shall|'ll|is\s+to|are\s+to|was\s+to|were\s+to|set\s+to|scheduled\s+to|expected\s+to|due\s+to|"
    r"due\s+(?:in|at)|could|might|may|flies|travels|heads|leaves\s+for|departs\s+for|"
    r"plans?\s+to|planning\s+to|slated\s+to|poised\s+to|going\s+to|intends?\s+to|would|"
    r"upcoming|planned|proposed|scheduled|expected|forthcoming|next|possible|potential|"
    r"preparing\s+for|arrangements?\s+for|ahead\s+of(?:\s+(?:a|an|the|his|her|their))?)\s+"
    r"(?:[\w'’-]+\s+){0,7}$|\bto\s+$"
    # "was due in New Delhi from June 20 to 22 for talks": a stay and its dates come between
    r"|\bdue\s+(?:in|at)\s+(?:[\w'’-]+\s+){0,10}$"
)
# Visits counted by a determiner refer to visits the text told: "Both visits will focus on
# trade" is no visit of its own.
_VISITS_TOLD = folded_pattern(r"\b(?:both|these|those|the\s+two|each\s+of\s+the)\s+$")
_PLANNED_AFTER = folded_pattern(
    r"^(?:\s+[\w'’.-]+){0,12}?\s+(?:is|are)\s+(?:set|scheduled|planned|due|expected|slated)\s+"
    r"(?:for|to)\b"
)
_NOT_ASSERTED = folded_pattern(r"\b(?:alleged|purported|rumou?red|reported|supposed)\b")
_PASSIVE_FUTURE = folded_pattern(r"\b(?:will|to)\s+be\b")
_PAST_JOURNEY = folded_pattern(
    r"\b(?:travell?ed|flew|went|came|arrived|headed|returned|visited|met|used|took|spent)\b"
)
_CANCEL_VERB = (
    r"(?:called\s+off|call\s+off|calls\s+off|cancel(?:l)?ed|cancels|cancel(?:l)?ing|"
    r"postponed|postpones|scrapped|scraps|put\s+off|shelved|indefinitely\s+delayed|delayed|"
    r"suspended|pulled\s+out\s+of|abandoned)"
)
# A cancellation belongs to the meeting it names: "called off a meeting with", "calls off
# Budapest talks", "the talks were postponed", "the cancellation of the summit". A sentence
# that cancels one thing and reports another ("talked by phone after Beijing called off
# in-person talks") cancels only the one named next to the verb.
_CANCELLED_BEFORE = folded_pattern(
    rf"\b(?:{_CANCEL_VERB}|cancel(?:l)?ation\s+of|postponement\s+of)\s+(?:[\w'’,-]+\s+){{0,12}}$"
)
# "The meeting between X and Y, which was scheduled for the 27th, will not go ahead": the
# meeting, subject of the clause, is called off (after its relative clause, within a sentence)
_NOT_GOING_AHEAD = folded_pattern(
    r"[^.;]{0,160}?\b(?:will|would|is\s+not\s+going\s+to|does|did)\s+not\s+"
    r"(?:go\s+ahead|take\s+place|happen)\b"
)
_CALLED_OFF_REACH = 200
_CANCEL_WORD = folded_pattern(rf"\b{_CANCEL_VERB}\b")
_CANCELLED_AFTER = folded_pattern(
    rf"^(?:\s+[\w'’.-]+){{0,10}}?\s+(?:was|were|has\s+been|have\s+been|had\s+been|is|are|"
    rf"was\s+being|will\s+be)\s+(?:\w+\s+)?{_CANCEL_VERB}\b"
)
_PERSON_OBJECTS_WITHOUT_NAME = folded_pattern(
    r"\b(?:met|meet|meets|meeting)\s+(?:with\s+)?(?:reporters|journalists|the\s+press|the\s+media|"
    r"students|supporters|voters|residents|families|workers|investors|fans|"
    r"members\s+of\s+the\s+public|(?:(?:its|their|the|a|an|this|that|his|her|our|all)\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:deadlines?|targets?|goals?|expectations|demands?|criteria|"
    r"requirements|needs|obligations|standards?|thresholds?|commitments?|conditions))\b"
)


# "bid to host the 2030 World Expo": hosting an event or a thing is no meeting of people.
_HOSTS_A_THING = folded_pattern(
    r"host(?:s|ed|ing)?\s+(?:the|a|an|its|their)\s+(?:\d{4}\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:Expo|Olympics?|World\s+Cup|Games|Championships?|Cup|Grand\s+Prix|tournament|games|"
    r"exhibition|festival|fair|event|concert|show|party|dinner\s+for\s+the\s+press)\b"
)


# "called on Russia to withdraw": an appeal, not a visit ("called on the premier to discuss
# trade" is one).
_APPEAL = folded_pattern(
    r"call(?:s|ed|ing)?\s+on\s+(?:[\w'’.-]+\s+){1,6}?to\s+(?!discuss|talk|review|explore|exchange|brief|"
    r"convey|deliver|present|pay)[a-z]+"
)


# "talks with Iran had stalled": negotiations in general, not one meeting.
_STALLED = folded_pattern(
    r"(?:\s+[\w'’.-]+){0,4}?\s+(?:had|have|has)?\s*(?:stalled|collapsed|broken\s+down|"
    r"broke\s+down|faltered|deadlocked|reached\s+an\s+impasse)\b"
)


@dataclass(frozen=True)
class Trigger:
    start: int
    end: int
    format: Format
    strength: Strength
    status: Status


def _channel_named(trigger: str) -> Format | None:
    lowered = trigger.lower()
    if "phone" in lowered:
        return "phone"
    if any(word in lowered for word in ("video", "virtual", "online")):
        return "virtual"
    return None


def _says_any(text: str, start: int, end: int, reach: int, cue: re.Pattern[str]) -> bool:
    """Whether ``text[start:end]`` (at most ``reach`` characters) holds one of the words of
    ``cue``: a search for plain words, many times cheaper than the pattern it guards."""
    return cue.search(text, start, min(end, start + reach)) is not None


def _denied_claim(text: str, start: int, position: int) -> bool:
    window_start = max(start, position - _DENIAL_REACH)
    if _DENIAL_CUE.search(text, window_start, position) is None:
        return False
    return _DENIED_CLAIM.search(text, window_start, position) is not None


def find_triggers(text: str, start: int, end: int) -> list[Trigger]:
    """Meeting triggers in ``text[start:end]`` (one sentence), negated ones left out."""
    text = fold(text)  # every cue here is matched regardless of case
    triggers: list[Trigger] = []
    for match in TRIGGER.finditer(text, start, end):
        if match.lastgroup is None:
            continue
        if _NOT_ASSERTED.search(match.group(0)):
            continue  # "had reported the alleged meeting": a meeting nobody confirms
        word = match.group(0)[:4]  # each exclusion below starts with one kind of trigger
        if (
            (word.startswith("me") and _PERSON_OBJECTS_WITHOUT_NAME.match(text, match.start(), end))
            or (word == "host" and _HOSTS_A_THING.match(text, match.start(), end))
            or (word == "call" and _APPEAL.match(text, match.start(), end))
            or (
                _says_any(text, match.end(), end, 70, _STALL_CUE)
                and _STALLED.match(text, match.end(), end)
            )
        ):
            continue
        before = text[max(start, match.start() - _NEGATION_REACH) : match.start()]
        if (
            _NEGATION_BEFORE.search(before)
            or _denied_claim(text, start, match.start())
            or (
                _says_any(text, match.end(), end, _NEGATED_REACH, _NOT_CUE)
                and _NEGATED_AFTER.match(text[match.end() : min(end, match.end() + _NEGATED_REACH)])
            )
        ):
            continue
        _, format_, strength = _TRIGGERS[int(match.lastgroup[1:])]
        if strength == "weak" and _VISITS_TOLD.search(before):
            strength = "reference"  # "Both visits will focus on trade": visits told before
        format_ = _channel_named(match.group(0)) or format_  # "held a phone call"
        planned = _PLANNED_BEFORE.search(text, max(start, match.start() - 64), match.start())
        if (
            planned
            and planned.group(0).startswith("to")
            and _PAST_JOURNEY.search(
                text, max(start, match.start() - _JOURNEY_REACH), match.start()
            )
        ):
            planned = None  # "travelled to Paris ..., using his first day to sit down with"
        cancelled = (
            _CANCEL_WORD.search(match.group(0))  # "has called off a meeting"
            or (
                _says_any(text, max(start, match.start() - 120), match.start(), 120, _CANCEL_CUE)
                and _CANCELLED_BEFORE.search(text, max(start, match.start() - 120), match.start())
            )
            or (
                _says_any(text, match.end(), min(end, match.end() + 80), 80, _CANCEL_CUE)
                and _CANCELLED_AFTER.match(text[match.end() : min(end, match.end() + 80)])
            )
            or (
                _says_any(text, match.end(), end, _CALLED_OFF_REACH, _NOT_CUE)
                and _NOT_GOING_AHEAD.match(text, match.end(), min(end, match.end() + 200))
            )
        )
        planned = (
            planned
            or _PASSIVE_FUTURE.search(match.group(0))  # "will be held"
            # "A working dinner with Macron is set for Wednesday evening"
            or _PLANNED_AFTER.match(text[match.end() : min(end, match.end() + _NEGATED_REACH)])
        )
        status: Status = "cancelled" if cancelled else ("planned" if planned else "held")
        triggers.append(Trigger(match.start(), match.end(), format_, strength, status))
    return triggers
