"""Errors as RFC 9457 problem details (``application/problem+json``): every 4xx names the
field and the problem, and nothing a client sends can make a 500.

``ProblemError`` is raised by the routes; the handlers installed by ``install`` turn it, a
request that fails validation (a wrong type, a missing field, malformed JSON) and any
HTTP error of the framework (404, 405) into a problem body.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from extractor.service.models import FieldProblem, Problem

PROBLEM_JSON = "application/problem+json"
logger = logging.getLogger("extractor.service")

_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


class ProblemError(Exception):
    """A request the service refuses: ``status``, a ``detail`` for people, the fields at
    fault, and headers to send (``Retry-After``, ``WWW-Authenticate``)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: Sequence[FieldProblem] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail
        self.errors = list(errors)
        self.headers = dict(headers or {})


def problem_response(
    status: int,
    detail: str,
    errors: Sequence[FieldProblem] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The response of a problem (also used by the middleware, below the routes)."""
    body = Problem(
        title=_TITLES.get(status, "Error"), status=status, detail=detail, errors=list(errors)
    )
    return JSONResponse(
        body.model_dump(), status_code=status, headers=dict(headers or {}), media_type=PROBLEM_JSON
    )


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route that may answer these problems (their bodies are set to
    the problem schema when the OpenAPI document is made)."""
    return {status: {"description": _TITLES.get(status, "Error")} for status in statuses}


def field_name(location: Sequence[str | int]) -> str:
    """``("body", 3, "text")`` as ``body[3].text``."""
    name = ""
    for part in location:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"


def validation_problems(errors: Sequence[Any]) -> tuple[int, list[FieldProblem]]:
    """The status and field problems of pydantic's errors: 400 for a body that is not JSON at
    all, 422 for JSON that is not the expected document."""
    problems = []
    status = 422
    for error in errors:
        if error.get("type") == "json_invalid":
            status = 400
            where = error.get("ctx", {}).get("error", "")
            problems.append(FieldProblem(field="body", problem=f"invalid JSON: {where}".strip()))
            continue
        location = [part for part in error.get("loc", ()) if part != "__root__"]
        problems.append(FieldProblem(field=field_name(location), problem=_plain(error)))
    return status, problems


_NOT_AN_OBJECT = {"dict_type", "model_type", "model_attributes_type"}


def _plain(error: Any) -> str:
    """pydantic's message, in the API's words where it speaks of Python (a "dictionary",
    an "instance of DocumentIn") or says less than it could (which fields exist)."""
    kind = error.get("type")
    if kind in _NOT_AN_OBJECT:
        return "must be a JSON object (send Content-Type: application/json)"
    if kind == "extra_forbidden":
        return "unknown field (a misspelling?); see the DocumentIn schema in /openapi.json"
    return str(error.get("msg", "invalid"))


def install(app: FastAPI) -> None:
    """Register the handlers that give every error as a problem."""

    async def refused(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ProblemError)
        return problem_response(error.status, error.detail, error.errors, error.headers)

    async def invalid(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        status, problems = validation_problems(error.errors())
        fields = ", ".join(problem.field for problem in problems)
        return problem_response(status, f"the request is not valid: {fields}", problems)

    async def http_error(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, HTTPException)
        headers = dict(error.headers or {})
        if error.status_code == 405:  # the methods of every route at the path, not the first's
            headers["Allow"] = ", ".join(_allowed_methods(app, request))
        if error.status_code == 400:  # FastAPI's own: a body it could not parse
            problem = "not JSON, or JSON nested too deeply to read"
            return problem_response(
                400, f"the body is {problem}", [FieldProblem(field="body", problem=problem)]
            )
        return problem_response(error.status_code, str(error.detail), headers=headers)

    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        logger.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem_response(500, f"unexpected {type(error).__name__}; see the server's log")

    app.add_exception_handler(ProblemError, refused)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)


def _allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """The methods the routes matching the request's path answer. Starlette names those of
    the first route only, and ``GET`` and ``DELETE /v1/jobs/{id}`` are two routes."""
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods)
