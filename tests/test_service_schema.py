"""Property-based tests of every API route from the service's own OpenAPI document
(schemathesis): generated requests, valid and not, never get a 500, and every response
matches the status codes, content types and schemas the document declares."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from extractor.service import ServiceSettings, create_app

# The app without its lifespan: the job runner is not started (accepted jobs stay queued,
# which is all a route's answer depends on) and the rules run in the request's thread.
_APP = create_app(
    ServiceSettings(
        database=Path(tempfile.mkdtemp(prefix="extractor-schema-")) / "service.sqlite3",
        backend="rules",
        workers=1,
        max_document_bytes=200_000,
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", _APP)


@schemathesis.serializer("application/x-ndjson")
def _json_lines(context: object, value: object) -> bytes:
    """A job body of JSON Lines is declared as a string: sent as it was generated."""
    return str(value).encode("utf-8", "surrogatepass")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_route_answers_as_its_schema_says(case: schemathesis.Case) -> None:
    # A JSON Lines body is declared as a string: the schema cannot say which strings are JSON
    # Lines of documents, so a generated one is not expected to be accepted.
    ndjson = case.media_type == "application/x-ndjson"
    case.call_and_validate(excluded_checks=[positive_data_acceptance] if ndjson else None)
