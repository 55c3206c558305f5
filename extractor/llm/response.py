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
from typing import Any, ClassVar

from pydantic import BaseModel, Field, PrivateAttr, model_validator

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


# The fields both strategies' answers have, described once (``extractor.llm.guided``).
def status_field() -> Any:
    return Field(
        description="held (it took place), planned (it will), cancelled (called off/postponed)."
    )


def format_field() -> Any:
    return Field(default="unknown", description="in_person, virtual (video), phone or unknown.")


def topics_field() -> Any:
    return Field(default_factory=list, description="Only from the allowed list.")


def agreements_field() -> Any:
    return Field(
        default_factory=list, description="What the parties agreed, in the article's words."
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

    status: MeetingStatus = status_field()
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
    format: MeetingFormat = format_field()
    topics: list[Topic] = topics_field()
    agreements: list[str] = agreements_field()
    quotes: list[Quote] = Field(
        default_factory=list, description="Direct speech in quotation marks by a participant."
    )
    # Where the date phrase stands in the article, when the guided strategy's candidate says
    # so: "on Wednesday" may date two meetings in two sentences, and grounding would otherwise
    # take its first occurrence (and read the status from the wrong sentence).
    _date_span: tuple[int, int] | None = PrivateAttr(default=None)

    @property
    def date_span(self) -> tuple[int, int] | None:
        """Offsets of the date phrase in ``Document.text`` when known, else None."""
        return self._date_span

    def dated_at(self, span: tuple[int, int] | None) -> LLMMeeting:
        """A copy whose date phrase is known to stand at ``span``."""
        copy = self.model_copy()
        copy._date_span = span
        return copy


# The most of each list one answer may hold, written into the schema sent to the model (not
# validated: a longer list from a server without grammars is kept). Under a grammar
# (llama.cpp's json_object and tools modes) they end a small model's loops: measured with
# Qwen2.5-Coder-1.5B, the same meeting was repeated until the output token limit.
MAX_ITEMS = {
    "meetings": 8,
    "added": 8,  # the guided strategy's meetings beside its drafts
    "checked": 16,  # its drafts checked (those past the bound stay as the rules have them)
    "participants": 12,
    "countries": 12,
    "topics": 6,
    "agreements": 6,
    "quotes": 6,
}
# A country as two capitals in the schema sent to the model, so that a grammar cannot let a
# name ("China") or a demonym through. An enum of the 249 codes would also stop an unknown pair
# ("XX"), but costs 758 prompt tokens (cl100k) where the schema goes into the prompt, against
# about 10; an unknown pair is refused by validation and re-asked.
COUNTRY_PATTERN = "^[A-Z]{2}$"


class AnswerModel(BaseModel):
    """What a model answers: its JSON Schema is generated once, and constrained for the model
    (``MAX_ITEMS``, ``COUNTRY_PATTERN``); ``compact_variant`` strips it for small contexts."""

    compact: ClassVar[bool] = False

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """pydantic's schema, constrained, generated once per class and arguments.

        instructor asks for it on every request in the JSON modes and generating it takes
        milliseconds of CPU, which many requests in flight pay one after another. Each caller
        gets its own copy, free to change it.
        """
        return json.loads(_schema_json(cls, args, tuple(sorted(kwargs.items()))))  # type: ignore[no-any-return]


class MeetingsResponse(AnswerModel):
    """Every distinct meeting the article reports; an empty list when it reports none."""

    meetings: list[LLMMeeting] = Field(
        default_factory=list,
        description="One entry per distinct meeting. A speech, statement, press conference "
        "or interview alone is not a meeting.",
    )


@cache
def compact_variant(model: type[AnswerModel]) -> type[AnswerModel]:
    """``model`` with a JSON Schema stripped of descriptions, titles and defaults.

    For ``json_object`` mode (llama-cpp-python's server), where the schema goes both into the
    prompt and into ``response_format``: the server's grammar already enforces the shape and the
    system prompt already teaches the rules, so the descriptions only cost context (about 650
    tokens for ``MeetingsResponse``), which small local models do not have.
    """
    return type(f"Compact{model.__name__}", (model,), {"compact": True, "__doc__": model.__doc__})


@cache
def _schema_json(
    model: type[AnswerModel], args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]
) -> str:
    schema = _constrained(super(AnswerModel, model).model_json_schema(*args, **dict(kwargs)))
    return json.dumps(_compact(schema) if model.compact else schema)


def _constrained(node: Any) -> Any:
    """The schema with ``MAX_ITEMS`` on its lists and ``COUNTRY_PATTERN`` on its countries."""
    if isinstance(node, list):
        return [_constrained(item) for item in node]
    if not isinstance(node, dict):
        return node
    shaped = {key: _constrained(value) for key, value in node.items()}
    for name, field_schema in shaped.get("properties", {}).items():
        if name in MAX_ITEMS and field_schema.get("type") == "array":
            field_schema["maxItems"] = MAX_ITEMS[name]
        if name == "countries":
            field_schema["items"] = _two_capitals(field_schema["items"])
        elif name == "country":
            shaped["properties"][name] = _two_capitals(field_schema)
    return shaped


def _two_capitals(node: dict[str, Any]) -> dict[str, Any]:
    """A string schema (or a nullable one, ``anyOf`` string and null) held to two capitals."""
    if node.get("type") == "string":
        return {**node, "pattern": COUNTRY_PATTERN}
    if "anyOf" in node:
        return {**node, "anyOf": [_two_capitals(branch) for branch in node["anyOf"]]}
    return node


def _compact(node: Any) -> Any:
    """Descriptions, titles and defaults taken out; a property that happens to be named
    ``title`` (the participant's office) is kept."""
    if isinstance(node, dict):
        return {
            key: (
                {name: _compact(value) for name, value in node[key].items()}
                if key == "properties"
                else _compact(node[key])
            )
            for key in node
            if key not in ("description", "title", "default")
        }
    if isinstance(node, list):
        return [_compact(item) for item in node]
    return node
