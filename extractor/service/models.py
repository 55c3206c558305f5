"""What the HTTP API takes and gives, as pydantic models: they validate requests (a wrong type
or a missing field is a 422 naming it) and they are the OpenAPI document's schemas.

A document is the JSON Lines row of ``extractor extract``: ``{"id", "text" | "html",
"published_at", "url", "title"}``; the result is the contract's ``ExtractionResult``, the very
line the CLI writes.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from extractor.isodates import parse_iso_moment
from extractor.seed import seed_article_path
from extractor.utf8 import EncodableStr

_SEED_EXAMPLE: dict[str, Any] = {
    "id": "seed",
    "text": seed_article_path().read_text(encoding="utf-8"),
}


def _only(field: str, other: str) -> dict[str, Any]:
    return {
        "required": [field],
        "properties": {field: {"type": "string", "pattern": "\\S"}, other: {"type": "null"}},
    }


# What ``_one_article`` checks, said in the schema too, so that a generated client (and
# schemathesis) knows a document needs exactly one of them, not blank.
_ONE_ARTICLE: dict[str, Any] = {"oneOf": [_only("text", "html"), _only("html", "text")]}


class DocumentIn(BaseModel):
    """One article: its plain ``text`` or its whole ``html`` page (one of them, not empty),
    with what is known about it. A field the service does not know is refused (422), unlike
    in the CLI's JSON Lines rows: a misspelt ``publishedAt`` would otherwise be dropped
    without a word, and every relative date of the article read against the wrong day."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [_SEED_EXAMPLE], **_ONE_ARTICLE}
    )

    id: EncodableStr | None = Field(
        default=None,
        max_length=1000,
        description="Your id for the document; the result's source.id. Derived from the text "
        "when absent.",
    )
    text: EncodableStr | None = Field(default=None, description="The article as plain text.")
    html: EncodableStr | None = Field(
        default=None, description="The whole HTML page; its main text is extracted."
    )
    published_at: str | None = Field(
        default=None,
        description='ISO 8601 date or datetime of publication; relative dates ("on '
        'Thursday") are resolved against it. Read from the article when absent.',
        examples=["2024-03-08T14:07:00+09:00"],
        json_schema_extra={
            "anyOf": [
                {"type": "string", "format": "date-time"},
                {"type": "string", "format": "date"},
                {"type": "null"},
            ]
        },
    )
    url: EncodableStr | None = Field(default=None, max_length=10_000)
    title: EncodableStr | None = Field(default=None, max_length=10_000)

    @field_validator("published_at")
    @classmethod
    def _iso_8601(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            parse_iso_moment(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO 8601 date or datetime") from None
        return value

    @model_validator(mode="after")
    def _one_article(self) -> DocumentIn:
        given = [name for name in ("text", "html") if getattr(self, name) is not None]
        if not given:
            raise ValueError("give the article as 'text' or as 'html'")
        if len(given) == 2:
            raise ValueError("give the article as 'text' or as 'html', not both")
        if not (self.text or self.html or "").strip():
            raise ValueError(f"'{given[0]}' is empty")
        return self

    def row(self) -> dict[str, Any]:
        """The document as a JSON Lines row (what ``row_document`` reads, and what a job
        stores)."""
        return self.model_dump(exclude_none=True, include=set(DocumentIn.model_fields))


class ExtractRequest(DocumentIn):
    """One article to extract now, and the backend to use (the server's default if absent)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{**_SEED_EXAMPLE, "backend": "rules"}], **_ONE_ARTICLE}
    )

    backend: str | None = Field(
        default=None, description="A registered backend (GET /v1/backends); default: the server's."
    )


class JobAccepted(BaseModel):
    """A job the server has stored: it will run every document, even across a restart."""

    id: str = Field(description="The job's id (32 hex digits).")
    state: Literal["queued"] = "queued"
    total: int = Field(description="Documents in the job.")
    backend: str
    status_url: str
    results_url: str


class JobStatus(BaseModel):
    """A job's state and counts; ``cost_usd`` is null while no price is known."""

    id: str
    state: Literal["queued", "running", "done", "cancelled"]
    backend: str
    created_at: str
    finished_at: str | None
    total: int = Field(description="Documents in the job.")
    done: int = Field(description="Documents with a result (errors included).")
    errors: int = Field(description="Documents whose result is an error.")
    meetings: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None


class BackendInfo(BaseModel):
    name: str
    summary: str
    default: bool


class FieldProblem(BaseModel):
    field: str = Field(description='Where: "body", "body.published_at", "body[3].text".')
    problem: str


class Problem(BaseModel):
    """An error, as RFC 9457 problem details (``application/problem+json``)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] = Field(default_factory=list)
