"""What the model is asked to return: the contract's meetings, described for a model.

The field descriptions are the contract rules from DESIGN.md, written where the model reads
them (the JSON Schema sent with every request); participants, places and quotes are the
contract's own models. Validation reuses the contract's own types, so
an unknown topic, a made-up country code or a date that is not ISO fails here, and instructor
re-asks the model with the validation error.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from pydantic import BaseModel, Field, model_validator

from extractor.llm.normalise import mend_meeting
from extractor.schema import (
    CountryCode,
    IsoDate,
    Location,
    MeetingFormat,
    MeetingStatus,
    Participant,
    Quote,
    Topic,
)


class LLMMeeting(BaseModel):
    # No docstring: pydantic would send it to the model as the schema's description.
    # Names with offices written into them, and country names and demonyms, are mended before
    # validation (``extractor.llm.normalise``), so that only what cannot be mended costs a
    # re-ask.
    @model_validator(mode="before")
    @classmethod
    def _mend(cls, data: Any) -> Any:
        return mend_meeting(data)

    status: MeetingStatus = Field(
        description="held (it took place), planned (it will), cancelled (called off/postponed)."
    )
    participants: list[Participant] = Field(
        default_factory=list,
        description="Named people who took part. Never people named only in lists of other "
        "headlines, captions or links.",
    )
    countries: list[CountryCode] = Field(
        default_factory=list, description="ISO codes of every state represented."
    )
    date_text: str | None = Field(
        default=None, description="The date phrase exactly as written, e.g. 'on Thursday'."
    )
    date: IsoDate | None = Field(
        default=None, description="The meeting day as YYYY-MM-DD, or null if not one day."
    )
    location: Location | None = Field(default=None, description="Null for calls.")
    format: MeetingFormat = Field(
        default="unknown", description="in_person, virtual (video), phone or unknown."
    )
    topics: list[Topic] = Field(default_factory=list, description="Only from the allowed list.")
    agreements: list[str] = Field(
        default_factory=list, description="What the parties agreed, in the article's words."
    )
    quotes: list[Quote] = Field(
        default_factory=list, description="Direct speech in quotation marks by a participant."
    )


class MeetingsResponse(BaseModel):
    """Every distinct meeting the article reports; an empty list when it reports none."""

    meetings: list[LLMMeeting] = Field(
        default_factory=list,
        description="One entry per distinct meeting. A speech, statement, press conference "
        "or interview alone is not a meeting.",
    )

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """pydantic's schema, generated once per class and arguments.

        instructor asks for it on every request in the JSON modes and generating it takes
        milliseconds of CPU, which many requests in flight pay one after another. Each caller
        gets its own copy, free to change it.
        """
        return json.loads(_schema_json(cls, args, tuple(sorted(kwargs.items()))))  # type: ignore[no-any-return]

    @classmethod
    def _shape_schema(cls, schema: dict[str, Any]) -> dict[str, Any]:
        """The schema as sent to the model (a hook for subclasses)."""
        return schema


class CompactMeetingsResponse(MeetingsResponse):
    """The same answer, with a JSON Schema stripped of descriptions, titles and defaults.

    For ``json_object`` mode (llama-cpp-python's server), where the schema goes both into the
    prompt and into ``response_format``: the server's grammar already enforces the shape and the
    system prompt already teaches the rules, so the descriptions only cost context (about 650
    tokens here), which small local models do not have.
    """

    @classmethod
    def _shape_schema(cls, schema: dict[str, Any]) -> dict[str, Any]:
        return _compact(schema)  # type: ignore[no-any-return]


@cache
def _schema_json(
    model: type[MeetingsResponse], args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]
) -> str:
    schema = super(MeetingsResponse, model).model_json_schema(*args, **dict(kwargs))
    return json.dumps(model._shape_schema(schema))


def _compact(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: _compact(v) for k, v in node.items() if k not in ("description", "title", "default")
        }
    if isinstance(node, list):
        return [_compact(item) for item in node]
    return node
