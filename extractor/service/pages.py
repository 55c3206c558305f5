"""The page for people: paste an article or upload a file, choose the backend, and read the
records beside the article, each value's evidence highlighted in it (one colour per meeting,
the field named on hover); a job's results browsable the same way, with filters.

Rendered on the server from the shared templates (``extractor.views``), the eval report's
own: a plain HTML form, no script, no external asset. The page runs the very extraction of
``POST /v1/extract`` (same backends, same extractor of single requests, same metrics).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import FastAPI, File, Form, Query, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from extractor.backends import REGISTRY
from extractor.errors import InputError
from extractor.ingest import row_document
from extractor.ingest.decode import decode_bytes
from extractor.service.middleware import KEY_COOKIE, is_key
from extractor.service.problems import ProblemError
from extractor.views import render, segments

if TYPE_CHECKING:
    from extractor.service.app import Service

_SHOWN_PER_PAGE = 20  # documents of a job on one page
# The most of a document's text a job's page shows: past the last evidence, a long page is cut
# (a job of 760 KB pages once made 105 MB of HTML). The results keep the whole text.
_SHOWN_CHARS = 20_000


@dataclass(frozen=True)
class JobFilters:
    """What a job's page shows: documents with a meeting of ``status``, with a participant
    or place of ``country`` (ISO alpha-2), or only those with warnings or errors."""

    status: str = ""
    country: str = ""
    problems: str = ""  # "", "warnings" or "errors"

    def keep(self, result: dict[str, Any]) -> bool:
        """Whether a result (JSON) passes the filters."""
        meetings = result.get("meetings") or []
        if self.status and not any(m.get("status") == self.status for m in meetings):
            return False
        if self.country and not any(self.country in _countries(m) for m in meetings):
            return False
        if self.problems == "warnings" and not result.get("warnings"):
            return False
        return not (self.problems == "errors" and not result.get("error"))


def _countries(meeting: dict[str, Any]) -> set[str]:
    found = set(meeting.get("countries") or [])
    found |= {p.get("country") for p in meeting.get("participants") or [] if p.get("country")}
    location = meeting.get("location") or {}
    return found | ({location["country"]} if location.get("country") else set())


def page_routes(app: FastAPI, service: Service) -> None:
    """Register ``GET /``, ``POST /``, ``GET /jobs/{job_id}`` and, for a server with keys,
    ``/login`` (HTML, not in the API's OpenAPI document)."""

    def backends() -> list[str]:
        return [entry.name for entry in REGISTRY.registrations()]

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home() -> HTMLResponse:
        return HTMLResponse(
            render(
                "service_page.html.jinja",
                backends=backends(),
                chosen=service.settings.backend,
                text="",
                published_at="",
                shown=None,
                problem=None,
            )
        )

    @app.post("/", response_class=HTMLResponse, include_in_schema=False)
    async def submit(
        text: Annotated[str, Form()] = "",
        backend: Annotated[str, Form()] = "",
        published_at: Annotated[str, Form()] = "",
        file: Annotated[UploadFile | None, File()] = None,
    ) -> HTMLResponse:
        chosen = backend or service.settings.backend
        context: dict[str, Any] = {
            "backends": backends(),
            "chosen": chosen,
            "text": text,
            "published_at": published_at,
            "shown": None,
            "problem": None,
        }
        try:
            article = await _article(text, file)
            name = service.backend_name(chosen, field="backend")
            row = {"text": article, "published_at": published_at.strip() or None}
            where = file.filename if file and file.filename else "the pasted article"
            document = row_document(row, where=where, fallback_id="", analyse=False)
        except (InputError, ProblemError) as error:
            context["problem"] = getattr(error, "detail", None) or str(error)
            return HTMLResponse(render("service_page.html.jinja", **context), status_code=422)
        line = await service.extractor.extract(name, document)
        service.metrics.observe(line)
        context["text"] = article
        context["shown"] = _shown(json.loads(line.json), document.text)
        return HTMLResponse(render("service_page.html.jinja", **context))

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form() -> Response:
        if not service.settings.api_keys:
            return RedirectResponse("/", status_code=303)
        return HTMLResponse(render("service_login.html.jinja", problem=None))

    @app.post("/login", response_class=HTMLResponse, include_in_schema=False)
    def login(key: Annotated[str, Form()] = "") -> Response:
        """Sign a browser in: the key, if it is one, comes back as an HttpOnly cookie that
        the key check reads (``middleware.BearerKeys``)."""
        keys = [known.encode("utf-8") for known in service.settings.api_keys]
        if not is_key(key.strip().encode("utf-8"), keys):
            page = render("service_login.html.jinja", problem="That is not a key of this server.")
            return HTMLResponse(page, status_code=401)
        signed_in = RedirectResponse("/", status_code=303)
        signed_in.set_cookie(KEY_COOKIE, key.strip(), httponly=True, samesite="strict")
        return signed_in

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(
        job_id: str,
        status: Annotated[str, Query()] = "",
        country: Annotated[str, Query()] = "",
        problems: Annotated[str, Query()] = "",
        page: Annotated[int, Query(ge=1)] = 1,
    ) -> HTMLResponse:
        counts = service.store.counts(job_id)
        if counts is None:
            raise ProblemError(404, f"no job {job_id!r} on this server")
        filters = JobFilters(
            status=status,
            country=country.strip().upper(),
            problems=problems if problems in ("warnings", "errors") else "",
        )
        matching = [
            (number, result)
            for number, line in enumerate(service.store.finished_prefix(job_id), start=1)
            if filters.keep(result := json.loads(line))
        ]
        first = (page - 1) * _SHOWN_PER_PAGE
        shown = [
            {
                "number": number,
                **_shown(result, _job_text(service, job_id, number, result), cut=True),
            }
            for number, result in matching[first : first + _SHOWN_PER_PAGE]
        ]
        return HTMLResponse(
            render(
                "service_job.html.jinja",
                job=counts.__dict__,
                filters=filters.__dict__,
                matching=len(matching),
                documents=shown,
                page=page,
                pages=max(1, -(-len(matching) // _SHOWN_PER_PAGE)),
            )
        )


async def _article(text: str, file: UploadFile | None) -> str:
    """The pasted text, or the uploaded file's (decoded as the CLI decodes files)."""
    if file is not None and file.filename:
        data = await file.read()
        return decode_bytes(data, name=file.filename)
    if not text.strip():
        raise InputError("paste an article or choose a file")
    return text


def _shown(result: dict[str, Any], text: str | None, *, cut: bool = False) -> dict[str, Any]:
    """What a template shows of a result: the record, and its text cut into highlighted
    segments; with ``cut``, a long text only to ``_SHOWN_CHARS`` past its last evidence
    (``cut_at`` then says where, for the page to tell)."""
    meetings = result.get("meetings") or []
    cut_at = None
    if cut and text is not None:
        evidence_ends = [e["end"] for m in meetings for e in m.get("evidence") or []]
        keep = max(evidence_ends, default=0) + _SHOWN_CHARS
        if len(text) > keep:
            text, cut_at = text[:keep], keep
    return {
        "result": result,
        "segments": segments(text, meetings) if text is not None else None,
        "cut_at": cut_at,
    }


def _job_text(service: Service, job_id: str, number: int, result: dict[str, Any]) -> str | None:
    """A job document's text, as the evidence offsets count it: the result's own when the
    job kept it, else read again from the input as sent (ingest is deterministic)."""
    if (text := (result.get("source") or {}).get("text")) is not None:
        return str(text)
    row = service.store.document_input(job_id, number)
    if row is None:
        return None
    try:
        return row_document(row, where=f"document {number}", fallback_id="", analyse=False).text
    except InputError:
        return None
