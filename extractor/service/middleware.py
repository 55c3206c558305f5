"""What every request passes through before its route, as plain ASGI middleware (they see
the raw request, so a refused one costs nothing: no body read, no JSON parsed).

Outermost first: ``Measured`` counts every response and its latency by route template;
``BearerKeys`` refuses a request without one of the configured keys; ``BodyLimit`` refuses a
body over its route's limit (413), whether it declares its length or streams in chunks.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie
from typing import Any

from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from extractor.service.metrics import ServiceMetrics
from extractor.service.models import FieldProblem
from extractor.service.problems import problem_response


class Measured:
    """Counts each HTTP response by route template, method and status, and times it."""

    def __init__(
        self, app: ASGIApp, metrics: ServiceMetrics, paths: frozenset[str] = frozenset()
    ) -> None:
        self.app, self.metrics = app, metrics
        self.paths = paths  # fixed route paths: a request refused before routing counts there

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                route = self._route(scope)
                self.metrics.latency.labels(route).observe(time.perf_counter() - started)
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self.metrics.requests.labels(self._route(scope), scope["method"], str(status)).inc()

    def _route(self, scope: Scope) -> str:
        """The route template; a request refused before routing (401, 413) counts under its
        path when that is a fixed route's, else as "unmatched" (never a client's path)."""
        route = getattr(scope.get("route"), "path", None)
        if route:
            return str(route)
        return scope["path"] if scope["path"] in self.paths else "unmatched"


KEY_COOKIE = "extractor_key"


class BearerKeys:
    """With keys configured, every route but the ``open_paths`` needs
    ``Authorization: Bearer KEY``; a missing or wrong key is a 401 that does not say which.
    A browser, which cannot send that header from a form, signs in at ``/login`` and sends
    the key back as the ``extractor_key`` cookie (HttpOnly, SameSite=Strict); a page asked
    for without it is sent there.

    Keys are compared by ``is_key``. No key is ever logged or echoed."""

    def __init__(
        self, app: ASGIApp, keys: tuple[str, ...], open_paths: frozenset[str] = frozenset()
    ) -> None:
        self.app = app
        self.keys = [key.encode("utf-8") for key in keys]
        self.open_paths = open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.keys or scope["path"] in self.open_paths:
            await self.app(scope, receive, send)
            return
        if self._allowed(_header(scope, b"authorization")) or self._allowed_cookie(scope):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "GET" and b"text/html" in (_header(scope, b"accept") or b""):
            await RedirectResponse("/login", status_code=303)(scope, receive, send)
            return
        response = problem_response(
            401,
            "this server needs an API key: send 'Authorization: Bearer <key>'",
            headers={"WWW-Authenticate": 'Bearer realm="extractor"'},
        )
        await response(scope, receive, send)

    def _allowed(self, header: bytes | None) -> bool:
        scheme, _, given = (header or b"").partition(b" ")
        return scheme.lower() == b"bearer" and self.known(given.strip())

    def _allowed_cookie(self, scope: Scope) -> bool:
        cookies = SimpleCookie()
        try:
            cookies.load((_header(scope, b"cookie") or b"").decode("latin-1"))
        except CookieError:
            return False
        morsel = cookies.get(KEY_COOKIE)
        return morsel is not None and self.known(morsel.value.encode("utf-8"))

    def known(self, given: bytes) -> bool:
        return is_key(given, self.keys)


def is_key(given: bytes, keys: list[bytes]) -> bool:
    """Whether ``given`` is one of ``keys``, compared with each of them in constant time
    (``hmac.compare_digest``), so that the time taken tells nothing of how much was right."""
    if not given:
        return False
    matches = [hmac.compare_digest(given, key) for key in keys]
    return any(matches)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


class _TooLarge(BaseException):
    """Raised into the app from ``receive`` once a body passes its limit. A BaseException,
    so that the framework's handlers of ``Exception`` do not answer it with a 500 first."""


class BodyLimit:
    """Refuses (413) a request body longer than ``limit_of(path)`` bytes: at once when its
    ``Content-Length`` says so, otherwise as soon as the bytes received pass the limit."""

    def __init__(self, app: ASGIApp, limit_of: Callable[[str], int]) -> None:
        self.app, self.limit_of = app, limit_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_of(scope["path"])
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(limit)(scope, receive, send)
            return
        received = 0
        started = False

        async def counting() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting, sending)
        except _TooLarge:
            if not started:
                await _too_large(limit)(scope, receive, send)


def _too_large(limit: int) -> Any:
    return problem_response(
        413,
        f"the request body is over this route's limit of {limit:,} bytes",
        [FieldProblem(field="body", problem=f"over {limit:,} bytes")],
    )
