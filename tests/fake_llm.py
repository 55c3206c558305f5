"""A fake OpenAI-compatible server on 127.0.0.1, scripted to misbehave, for tests and benchmarks.

Each request takes the next behaviour from ``script`` (then ``default``): a valid answer, an
HTTP error with headers, a hang, a dropped connection, invalid JSON, a schema-invalid answer,
``finish_reason="length"``, empty ``choices``, or a slow answer. Answers come as a tool call,
or as message text (``text``) for the JSON modes. Every request is recorded (path, headers,
body) so tests can count calls and look for leaked keys.

    with FakeLLM(default=answer(meetings=[...])) as server:
        config = LLMConfig(model="fake", base_url=server.url, ...)

Benchmarks run it in a process of its own, as a real endpoint is remote: a server thread in
the process being measured would compete with the client for the GIL and blur the figures.

    python -m tests.fake_llm --delay 0.2 [--meetings JSON]   # prints its URL, serves until
                                                             # its stdin is closed
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Behaviour = Callable[["_Handler", dict[str, Any]], None]


# The seed article's meeting, as a model that read it well would answer.
SEED_MEETING: dict[str, Any] = {
    "status": "held",
    "participants": [
        {"name": "Yoko Kamikawa", "title": "Foreign Minister", "country": "JP"},
        {"name": "Subrahmanyam Jaishankar", "title": "External Affairs Minister", "country": "IN"},
    ],
    "countries": ["JP", "IN"],
    "date_text": "on Thursday",
    "date": "2024-03-07",
    "location": {"city": "Tokyo", "country": "JP"},
    "format": "in_person",
    "topics": ["defense", "space"],
    "quotes": [
        {
            "speaker": "Yoko Kamikawa",
            "text": "Japan places particular importance on the relationship with India",
        }
    ],
}


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    raw: bytes = b""  # the body as it was sent


def completion(
    arguments: str,
    *,
    finish_reason: str = "tool_calls",
    prompt_tokens: int = 100,
    completion_tokens: int = 20,
) -> dict[str, Any]:
    """A chat completion carrying a tool call with these arguments (instructor's tools mode)."""
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": "fake",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "MeetingsResponse", "arguments": arguments},
                        }
                    ],
                },
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def text_completion(content: str, *, finish_reason: str = "stop", **options: Any) -> dict[str, Any]:
    """A chat completion answering in message text (instructor's JSON modes)."""
    body = completion("", finish_reason=finish_reason, **options)
    body["choices"][0]["message"] = {"role": "assistant", "content": content}
    return body


def answer(
    meetings: list[dict[str, Any]] | None = None, *, delay: float = 0.0, **options: Any
) -> Behaviour:
    """Answer with these meetings (after ``delay`` seconds)."""
    body = completion(json.dumps({"meetings": meetings or []}), **options)

    def behave(handler: _Handler, request: dict[str, Any]) -> None:
        if delay:
            time.sleep(delay)
        handler.reply(200, body)

    return behave


def raw(arguments: str, **options: Any) -> Behaviour:
    """Answer with tool-call arguments as given: invalid JSON, a schema break, ..."""
    body = completion(arguments, **options)
    return lambda handler, request: handler.reply(200, body)


def text(content: str, **options: Any) -> Behaviour:
    """Answer in message text, as given: JSON, JSON in a Markdown block, a schema break, ..."""
    body = text_completion(content, **options)
    return lambda handler, request: handler.reply(200, body)


def body(data: bytes, content_type: str = "text/html") -> Behaviour:
    """Answer 200 with these bytes as the whole body: an HTML error page from a proxy, a
    truncated JSON document, anything that is not a chat completion."""
    return lambda handler, request: handler.reply_bytes(200, data, content_type)


def status(code: int, headers: dict[str, str] | None = None) -> Behaviour:
    body = {"error": {"message": f"fake error {code}", "type": "fake", "code": code}}
    return lambda handler, request: handler.reply(code, body, headers or {})


def hang(seconds: float) -> Behaviour:
    """Accept the request and say nothing for ``seconds`` (longer than the client timeout)."""

    def behave(handler: _Handler, request: dict[str, Any]) -> None:
        time.sleep(seconds)
        handler.reply(200, completion('{"meetings": []}'))

    return behave


def drop() -> Behaviour:
    """Close the connection without an answer."""

    def behave(handler: _Handler, request: dict[str, Any]) -> None:
        handler.close_connection = True
        handler.connection.shutdown(socket.SHUT_RDWR)

    return behave


def empty_choices() -> Behaviour:
    body = {**completion("{}"), "choices": []}
    return lambda handler, request: handler.reply(200, body)


def trickle(body_behaviour: Behaviour, *, seconds: float) -> Behaviour:
    """A slow answer: headers at once, then the body a few bytes at a time over ``seconds``."""

    def behave(handler: _Handler, request: dict[str, Any]) -> None:
        handler.trickle = seconds
        body_behaviour(handler, request)

    return behave


def fault_mix(rate: float, *, seed: int, good: Behaviour, timeout: float) -> Behaviour:
    """Each request faults with probability ``rate``, drawing one of every fault kind: 429
    with and without Retry-After, 500/502/503, a hang past ``timeout``, a reset, invalid JSON,
    a schema-invalid answer, a truncated answer, a slow trickle."""
    rng = random.Random(seed)
    lock = threading.Lock()
    faults: list[Behaviour] = [
        status(429, {"retry-after": "0.01"}),
        status(429),
        status(500),
        status(502),
        status(503),
        hang(timeout * 2),
        drop(),
        raw("{not json"),
        raw(json.dumps({"meetings": [{"status": "held", "topics": ["weather"]}]})),
        raw('{"meetings": [', finish_reason="length"),
        trickle(good, seconds=timeout / 3),
    ]

    def behave(handler: _Handler, request: dict[str, Any]) -> None:
        with lock:
            chosen = rng.choice(faults) if rng.random() < rate else good
        chosen(handler, request)

    return behave


@dataclass
class FakeLLM:
    default: Behaviour = field(default_factory=answer)
    script: deque[Behaviour] = field(default_factory=deque)
    requests: list[Request] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = _Server(("127.0.0.1", 0), Handler)
        # A short poll: shutting down waits for it, and every test starts a server or two.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def then(self, *behaviours: Behaviour) -> FakeLLM:
        self.script.extend(behaviours)
        return self

    def __enter__(self) -> FakeLLM:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self) -> Behaviour:
        with self._lock:
            return self.script.popleft() if self.script else self.default


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # a batch opens many connections at once


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeLLM
    trickle: float = 0.0  # seconds over which to send the body, for slow answers

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", 0))
        raw = self.rfile.read(length)
        body = json.loads(raw or b"{}")
        fake = self.server_fake
        with fake._lock:
            fake.requests.append(Request(self.path, dict(self.headers), body, raw))
            fake.in_flight += 1
            fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
        try:
            fake._next()(self, body)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        finally:
            with fake._lock:
                fake.in_flight -= 1

    def reply(self, code: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self.reply_bytes(code, json.dumps(body).encode(), "application/json", headers)

    def reply_bytes(
        self,
        code: int,
        data: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(code)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not self.trickle:
            self.wfile.write(data)
            return
        pieces = [data[i : i + 64] for i in range(0, len(data), 64)]
        for piece in pieces:
            self.wfile.write(piece)
            self.wfile.flush()
            time.sleep(self.trickle / len(pieces))

    def log_message(self, format: str, *args: Any) -> None:
        return


def main() -> None:
    """Serve one answer, after ``--delay`` seconds, until stdin is closed (see the docstring)."""
    parser = argparse.ArgumentParser(description="A fake OpenAI-compatible server.")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--meetings", default="[]", help="the meetings answered, as JSON")
    args = parser.parse_args()
    with FakeLLM(default=answer(json.loads(args.meetings), delay=args.delay)) as server:
        print(server.url, flush=True)
        sys.stdin.read()  # the parent closes our stdin (or exits) to stop us


if __name__ == "__main__":
    main()
