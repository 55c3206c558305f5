"""The record contract (schema_version "1"): what every backend returns, one result per document.

Field names are fixed by the contract in DESIGN.md: adding fields is fine, renaming is a
breaking change. Validation lives here, not in the backends, so a rule break (an unknown
topic, a made-up country code, a date that is not ISO) is rejected the same way whoever
produced the value.

Character offsets: every ``start``/``end`` in a result indexes ``Document.text``, the text
the backend read. For plain text that is the decoded input with line endings normalised to
``\\n``; for HTML it is the main text that trafilatura extracted from the page (headline
first); for a JSON Lines row it is the row's ``text`` (or its ``html``, extracted as above).
``extractor extract --include-text`` writes that text into ``source.text`` so that a result
is self-contained.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)

from extractor.iso3166 import ALPHA2_CODES
from extractor.utf8 import EncodableStr, PathStr

SCHEMA_VERSION = "1"

Topic = Literal[
    "defense",
    "security",
    "trade",
    "economy",
    "investment",
    "energy",
    "climate",
    "environment",
    "space",
    "cyber",
    "technology",
    "health",
    "education",
    "culture",
    "tourism",
    "migration",
    "development",
    "infrastructure",
    "supply_chain",
    "agriculture",
    "maritime",
    "nuclear",
    "human_rights",
    "humanitarian",
    "regional_conflict",
    "diplomacy",
    "people_exchange",
]

TOPICS: tuple[str, ...] = get_args(Topic)

MeetingStatus = Literal["held", "planned", "cancelled"]
MeetingFormat = Literal["in_person", "virtual", "phone", "unknown"]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _country_code(value: str) -> str:
    code = value.strip().upper()
    if code not in ALPHA2_CODES:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


def _iso_date(value: Any) -> Any:
    """Accept only dates and 'YYYY-MM-DD' strings: no timestamps, no '7 March'. Strings are
    parsed here, so that strict validation (as instructor uses) accepts them too."""
    if isinstance(value, str):
        if not _ISO_DATE.match(value.strip()):
            raise ValueError(f"{value!r} is not an ISO date (YYYY-MM-DD)")
        return dt.date.fromisoformat(value.strip())
    if isinstance(value, (int, float)):
        raise ValueError(f"{value!r} is not an ISO date (YYYY-MM-DD)")
    return value


CountryCode = Annotated[str, AfterValidator(_country_code)]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]

# A publication moment, ISO 8601: with its UTC offset when the article or the caller gave
# one, without it (local time, offset unknown) when only a day or a local time was given.
# RFC 3339's "date-time" format needs the offset, so the schema states the ISO 8601 shape;
# schemathesis found a date-only ``published_at`` answered as a moment without offset.
Moment = Annotated[
    dt.datetime,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$",
            "description": "ISO 8601; without a UTC offset when none was known.",
        }
    ),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)


class Participant(_Model):
    """A named person who took part, as the article presents them."""

    name: str = Field(description="Fullest form of the name the article gives.")
    title: str | None = Field(
        default=None,
        description="Office as written at first mention, without the country word "
        "('External Affairs Minister', not \"India's External Affairs Minister\").",
    )
    country: CountryCode | None = Field(
        default=None, description="ISO 3166-1 alpha-2 code of the state the person represents."
    )
    organization: str | None = Field(
        default=None,
        description="International body or company the person speaks for, if any.",
    )


class Location(_Model):
    """Where a meeting took place; null for calls."""

    city: str | None = Field(default=None, description="City as written in the article.")
    country: CountryCode | None = Field(default=None, description="ISO 3166-1 alpha-2 code.")
    venue: str | None = Field(default=None, description="Named building or place, if any.")


class Quote(_Model):
    speaker: str = Field(description="Name of the participant who said it.")
    text: str = Field(description="Direct speech as it stands between the quotation marks.")


class Evidence(_Model):
    """Where a value was read: ``Document.text[start:end] == text``."""

    field: str = Field(description="Path of the value, e.g. 'participants[0].name'.")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Meeting(_Model):
    status: MeetingStatus
    participants: list[Participant] = Field(default_factory=list)
    countries: list[CountryCode] = Field(
        default_factory=list, description="Every state represented, in order of first mention."
    )
    date: IsoDate | None = Field(default=None, description="The meeting day, ISO 8601.")
    date_text: str | None = Field(default=None, description="The date phrase as written.")
    location: Location | None = None
    format: MeetingFormat = "unknown"
    topics: list[Topic] = Field(default_factory=list)
    agreements: list[str] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    summary: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)


class Source(_Model):
    id: EncodableStr
    path: PathStr | None = None
    line: int | None = Field(default=None, description="Row number in a JSON Lines input.")
    url: EncodableStr | None = None
    title: EncodableStr | None = None
    published_at: Moment | None = None
    text: EncodableStr | None = Field(
        default=None, description="The text evidence offsets refer to (only with --include-text)."
    )


class Usage(_Model):
    """Tokens a document cost, summed over re-asks and chunks, and their price."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = Field(default=None, description="None when the price is unknown.")
    cached: bool = Field(default=False, description="Answered from the response cache.")


class ErrorInfo(_Model):
    """Why a document could not be processed; the batch carries on without it."""

    type: str
    message: EncodableStr


class ExtractionResult(_Model):
    schema_version: Literal["1"] = "1"
    source: Source
    meetings: list[Meeting] = Field(default_factory=list)
    backend: str
    model: str | None = None
    prompt_version: str | None = None
    usage: Usage | None = None
    warnings: list[str] = Field(default_factory=list)
    error: ErrorInfo | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self, *, pretty: bool = False) -> str:
        """One JSON document; a single line unless ``pretty``."""
        return self.model_dump_json(indent=2 if pretty else None)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of one result line, as printed by ``extractor schema``."""
    schema = ExtractionResult.model_json_schema()
    schema["$id"] = f"https://extractor.invalid/schema/v{SCHEMA_VERSION}.json"
    schema["title"] = "Meeting extraction result"
    return schema
