"""The HTTP API: ``create_app(settings)`` gives the ASGI app that ``extractor serve`` runs
(any ASGI server can run it: ``uvicorn --factory extractor.service:create_app``).

Routes (the OpenAPI document at ``/openapi.json``, read at ``/docs``):

- ``POST /v1/extract``: one document in, its ``ExtractionResult`` out, the line the CLI
  writes. A document the backend fails on still gets its result, with ``error`` set.
- ``POST /v1/jobs``: many documents (a JSON array, or JSON Lines) in, ``202`` and the job's
  id out; the job runner (``extractor.service.runner``) runs them through the batch engine.
- ``GET /v1/jobs/{id}``, ``GET /v1/jobs/{id}/results`` (JSON Lines in input order, the
  finished prefix while it runs), ``DELETE /v1/jobs/{id}`` (cancel).
- ``GET /v1/backends``, ``GET /healthz``, ``GET /readyz``, ``GET /metrics``; the page for
  people at ``/`` (``extractor.service.pages``).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import Any

from fastapi import FastAPI, Query, Request, Response
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi_offline import FastAPIOffline
from pydantic import TypeAdapter, ValidationError

from extractor.backends import REGISTRY, Backend, get_backend
from extractor.batch import ResultLine
from extractor.errors import BackendUnavailable, InputError
from extractor.ingest import row_document
from extractor.ingest.given import result_id
from extractor.pipeline import failure_result
from extractor.schema import ExtractionResult
from extractor.service.extracting import RequestExtractor
from extractor.service.metrics import ServiceMetrics
from extractor.service.middleware import BearerKeys, BodyLimit, Measured
from extractor.service.models import (
    BackendInfo,
    DocumentIn,
    ExtractRequest,
    FieldProblem,
    JobAccepted,
    JobStatus,
    Problem,
)
from extractor.service.pages import page_routes
from extractor.service.problems import (
    PROBLEM_JSON,
    ProblemError,
    field_name,
    install,
    problems,
)
from extractor.service.readiness import model_endpoint_answers
from extractor.service.runner import JobRunner
from extractor.service.settings import ServiceSettings
from extractor.service.store import JobStore

NDJSON = "application/x-ndjson"
_SMALL_BODY = 64 * 1024  # routes that take no document
_TAKES_DOCUMENTS = (400, 413, 422)  # what a route that reads a body may answer
_DOCUMENT = TypeAdapter(DocumentIn)


class Service:
    """What the routes share: the settings, the store, the job runner, the extractor of
    single requests and the metrics; started and closed with the app."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.store = JobStore(settings.database)
        self.metrics = ServiceMetrics(self.store.jobs_by_state)
        self.extractor = RequestExtractor(self.make_backend, workers=settings.workers)
        self.runner = JobRunner(
            self.store, self.make_backend, workers=settings.workers, observe=self.metrics.observe
        )
        self.extractor.check(settings.backend)  # a default that cannot run stops the start

    def make_backend(self, name: str) -> Backend:
        """A new backend of that name, with the server's LLM settings."""
        return get_backend(name, config=self.settings.llm)

    def start(self) -> None:
        """Warm the default backend (its workers fork now, before any thread), then start
        the job runner."""
        self.extractor.warm(self.settings.backend)  # before any thread: its workers fork
        self.runner.start()

    def close(self) -> None:
        """Stop the runner (a running job stays running, for the next start), then the
        extractor and the store."""
        self.runner.close()
        self.extractor.close()
        self.store.close()

    def backend_name(self, given: str | None, *, field: str) -> str:
        """The backend a request names (the server's default if none); a name that is not
        registered, or a backend this server cannot run, is a 422 naming ``field``."""
        name = self.settings.backend if given is None else given
        try:
            self.extractor.check(name)
        except BackendUnavailable as error:
            raise ProblemError(
                422, str(error), errors=[FieldProblem(field=field, problem=str(error))]
            ) from None
        return name

    def available_backends(self) -> list[str]:
        """The registered backends this server can run (the LLM only with a model
        configured): the values the OpenAPI document allows for ``backend``."""
        available = []
        for name in REGISTRY.names():
            try:
                self.extractor.check(name)
            except BackendUnavailable:
                continue
            available.append(name)
        return available

    def limit_of(self, path: str) -> int:
        """The largest body, in bytes, the route at ``path`` takes."""
        if path == "/v1/extract" or path == "/":
            return self.settings.max_document_bytes
        if path == "/v1/jobs":
            return self.settings.max_job_bytes
        return _SMALL_BODY


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The service's ASGI app (settings from the environment when none are given).

    Raises ``ConfigurationError`` or ``BackendUnavailable`` for settings that cannot be used,
    and ``sqlite3.Error`` for a database that cannot be opened."""
    service = Service(settings or ServiceSettings.from_env())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service.start()
        try:
            yield
        finally:
            service.close()

    # fastapi-offline: FastAPI with /docs served from the package's own copy of Swagger UI,
    # not a CDN, so that it works on a machine without internet, as the rest does.
    app = FastAPIOffline(
        title="extractor",
        version=version("extractor"),
        summary="Typed records of meetings (who met whom, when, where, about what) from news.",
        lifespan=lifespan,
        redirect_slashes=False,  # "/v1/extract/" is a 404, not a redirect a POST cannot follow
        redoc_url=None,
    )
    app.state.service = service
    install(app)
    _routes(app, service)
    page_routes(app, service)
    app.openapi = lambda: _openapi(app, service)  # type: ignore[method-assign]
    app.add_middleware(BodyLimit, limit_of=service.limit_of)
    app.add_middleware(
        BearerKeys, keys=service.settings.api_keys, open_paths=frozenset({"/healthz", "/login"})
    )
    fixed = frozenset(
        path for route in app.routes if "{" not in (path := getattr(route, "path", "{"))
    )
    app.add_middleware(Measured, metrics=service.metrics, paths=fixed)
    return app


def _routes(app: FastAPI, service: Service) -> None:
    @app.post(
        "/v1/extract",
        tags=["extract"],
        responses={200: {"model": ExtractionResult}, **problems(*_TAKES_DOCUMENTS)},
        summary="Extract the meetings of one article",
    )
    async def extract(request: ExtractRequest) -> Response:
        """The article's meeting records: the ``ExtractionResult`` that ``extractor extract``
        writes for it. A request that is not a document is a 4xx; a document that cannot be
        read as an article (a page with no text in it) or that the backend fails on gets its
        result, with ``error`` set, as in a batch."""
        name = service.backend_name(request.backend, field="body.backend")
        try:
            # analysed by the backend's worker process, not in the server's
            document = row_document(request.row(), where="body", fallback_id="", analyse=False)
        except InputError as error:  # a page with no article in it: an error result
            failed_id = str(request.id or result_id(request.text or request.html or "", 1))
            line = ResultLine.of(failure_result(failed_id, None, error, backend=name))
        else:
            line = await service.extractor.extract(name, document)
        service.metrics.observe(line)
        return Response(line.json, media_type="application/json")

    @app.post(
        "/v1/jobs",
        status_code=202,
        tags=["jobs"],
        responses={202: {"model": JobAccepted}, **problems(*_TAKES_DOCUMENTS, 429)},
        openapi_extra={"requestBody": _JOB_BODY},
        summary="Submit many articles as a job",
    )
    async def create_job(
        request: Request,
        backend: str | None = Query(default=None, description="Default: the server's."),
        include_text: bool = Query(default=False, description="Add source.text to results."),
    ) -> JSONResponse:
        """Store the documents and queue them; every one gets a result, in order, even if
        the server restarts. The body is a JSON array of documents, or JSON Lines (one
        document per line). A full queue answers 429 with ``Retry-After``."""
        if service.store.open_jobs() >= service.settings.max_open_jobs:
            limit = service.settings.max_open_jobs
            raise ProblemError(
                429,
                f"{limit} job{' is' if limit == 1 else 's are'} queued or running; retry later",
                headers={"Retry-After": "30"},
            )
        name = service.backend_name(backend, field="query.backend")
        documents = _job_documents(await request.body(), service.settings.max_job_documents)
        job_id = service.store.create_job(name, documents, include_text=include_text)
        service.runner.wake()
        accepted = JobAccepted(
            id=job_id,
            total=len(documents),
            backend=name,
            status_url=f"/v1/jobs/{job_id}",
            results_url=f"/v1/jobs/{job_id}/results",
        )
        return JSONResponse(
            accepted.model_dump(), status_code=202, headers={"Location": accepted.status_url}
        )

    @app.get(
        "/v1/jobs/{job_id}",
        tags=["jobs"],
        responses=problems(404),
        summary="A job's state and counts",
    )
    def job_status(job_id: str) -> JobStatus:
        """The job's state and counts: documents, done, errors, meetings, tokens and cost."""
        return _status(service, job_id)

    @app.get(
        "/v1/jobs/{job_id}/results",
        tags=["jobs"],
        response_class=StreamingResponse,
        responses={
            200: {"content": {NDJSON: {"schema": {"type": "string"}}}},
            **problems(404),
        },
        summary="A job's result lines, in input order",
    )
    def job_results(job_id: str) -> StreamingResponse:
        """JSON Lines, one ``ExtractionResult`` per document in input order: all of them once
        the job is done, the finished prefix while it runs (header ``X-Job-State``)."""
        status = _status(service, job_id)
        lines = (f"{line}\n" for line in service.store.finished_prefix(job_id))
        return StreamingResponse(lines, media_type=NDJSON, headers={"X-Job-State": status.state})

    @app.delete(
        "/v1/jobs/{job_id}",
        tags=["jobs"],
        responses=problems(404, 409),
        summary="Cancel a job",
    )
    def cancel_job(job_id: str) -> JobStatus:
        """No document of the job starts after this; those done keep their results."""
        _status(service, job_id)
        if not service.store.set_state(job_id, "cancelled", only_from=("queued", "running")):
            state = _status(service, job_id).state
            raise ProblemError(409, f"job {job_id} is {state} already; nothing to cancel")
        service.runner.cancel(job_id)
        return _status(service, job_id)

    @app.get("/v1/backends", tags=["extract"], summary="The backends this server offers")
    def backends() -> list[BackendInfo]:
        """The registered backends, the server's default marked."""
        return [
            BackendInfo(
                name=entry.name,
                summary=entry.summary,
                default=entry.name == service.settings.backend,
            )
            for entry in REGISTRY.registrations()
        ]

    @app.head("/healthz", include_in_schema=False)  # what load balancers often send
    @app.get("/healthz", tags=["operations"], summary="Alive")
    def healthz() -> dict[str, str]:
        """Alive: the process answers (no key needed)."""
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["operations"],
        responses=problems(503),
        summary="Ready: the database is writable, the model endpoint answers",
    )
    async def readyz() -> dict[str, str]:
        """Ready: the database takes writes and, with a model configured, its endpoint answers."""
        if not service.store.writable():
            raise ProblemError(503, f"the database {service.settings.database} is not writable")
        if service.settings.llm.configured:
            problem = await model_endpoint_answers(service.settings.llm)
            if problem:
                raise ProblemError(503, problem)
        return {"status": "ready"}

    @app.get(
        "/metrics",
        tags=["operations"],
        response_class=Response,
        responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
        summary="Prometheus metrics",
    )
    def metrics() -> Response:
        """The Prometheus metrics, in the text format."""
        return Response(
            service.metrics.exposition(), media_type="text/plain; version=0.0.4; charset=utf-8"
        )


_JOB_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "array",
                "minItems": 1,
                "items": {"$ref": "#/components/schemas/DocumentIn"},
            }
        },
        NDJSON: {"schema": {"type": "string", "description": "One DocumentIn per line."}},
    },
}


def _status(service: Service, job_id: str) -> JobStatus:
    counts = service.store.counts(job_id)
    if counts is None:
        raise ProblemError(404, f"no job {job_id!r} on this server")
    return JobStatus(**counts.__dict__)


def _job_documents(body: bytes, limit: int) -> list[dict[str, Any]]:
    """The documents of a job body, validated: a JSON array, or JSON Lines. Every document at
    fault is named (``body[3].text``, 1-based: the array's place or the line's number)."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ProblemError(
            400, f"the body is not UTF-8 (byte {error.start})", errors=[_fault("body", "not UTF-8")]
        ) from None
    rows = list(_rows(text))
    if not rows:
        raise ProblemError(422, "the job has no documents", errors=[_fault("body", "empty")])
    if len(rows) > limit:  # 422, not 413: the schema says maxItems, it is not about bytes
        raise ProblemError(
            422,
            f"the job has {len(rows):,} documents; this server takes at most {limit:,} per job",
            errors=[_fault("body", f"over {limit:,} documents")],
        )
    documents: list[dict[str, Any]] = []
    faults: list[FieldProblem] = []
    for number, row in rows:
        if isinstance(row, _NotJSON):
            faults.append(_fault(f"body[{number}]", row.message))
            continue
        try:
            documents.append(_DOCUMENT.validate_python(row).row())
        except ValidationError as invalid:
            faults.extend(
                _fault(field_name(["body", number, *fault["loc"]]), fault["msg"])
                for fault in invalid.errors()
            )
    if faults:
        shown = ", ".join(fault.field for fault in faults[:5])
        more = f" and {len(faults) - 5} more" if len(faults) > 5 else ""
        raise ProblemError(
            422, f"documents at fault: {shown}{more}; nothing was queued", errors=faults
        )
    return documents


class _NotJSON:
    def __init__(self, message: str) -> None:
        self.message = message


def _rows(text: str) -> Iterator[tuple[int, object]]:
    """(number, value) of each document: the items of a JSON array, or the non-blank lines
    of JSON Lines (their line numbers)."""
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            array = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise ProblemError(
                400,
                f"the body is not a JSON array ({error.msg} at line {error.lineno} column "
                f"{error.colno})",
                errors=[_fault("body", "invalid JSON")],
            ) from None
        except RecursionError:
            raise ProblemError(
                400, "the body is JSON nested too deeply", errors=[_fault("body", "too deep")]
            ) from None
        yield from enumerate(array, start=1)
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            yield number, _NotJSON(f"invalid JSON ({error.msg} at column {error.colno})")
        except RecursionError:
            yield number, _NotJSON("JSON nested too deeply")


def _fault(field: str, problem: str) -> FieldProblem:
    return FieldProblem(field=field, problem=problem)


def _openapi(app: FastAPI, service: Service) -> dict[str, Any]:
    """FastAPI's document, with the schemas only referenced by hand (a job's documents), and
    what this server's settings decide: ``backend`` limited to the backends it can run
    (plugins add names at run time), the most documents in a job."""
    if app.openapi_schema is None:
        document = get_openapi(
            title=app.title, version=app.version, summary=app.summary, routes=app.routes
        )
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for model in (DocumentIn, Problem, FieldProblem):
            schemas.update(
                model.model_json_schema(ref_template="#/components/schemas/{model}").pop(
                    "$defs", {}
                )
            )
            schemas[model.__name__] = model.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
        _problem_bodies(document, keys=bool(service.settings.api_keys))
        backends = service.available_backends()
        choice = {"anyOf": [{"type": "string", "enum": backends}, {"type": "null"}]}
        schemas["ExtractRequest"]["properties"]["backend"].update(choice)
        jobs = document["paths"]["/v1/jobs"]["post"]
        array = jobs["requestBody"]["content"]["application/json"]["schema"]
        array["maxItems"] = service.settings.max_job_documents
        for parameter in jobs["parameters"]:
            if parameter["name"] == "backend":
                parameter["schema"].update(choice)
        app.openapi_schema = document
    return app.openapi_schema


def _problem_bodies(document: dict[str, Any], *, keys: bool) -> None:
    """Every error response of every operation as the problem body it is sent as (FastAPI
    documents its own 422 as JSON of another shape), and the 401 of every route a key
    guards."""
    problem = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in document["paths"].items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if keys and path != "/healthz":
                responses.setdefault("401", {"description": "No valid API key"})
            for status, response in responses.items():
                if int(status) >= 400:
                    response["content"] = problem
