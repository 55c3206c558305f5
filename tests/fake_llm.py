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
from email.parser import BytesParser
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
class BatchDesk:
    """The provider Batch API of the fake server: ``/v1/files`` and ``/v1/batches``.

    A batch is ``in_progress`` for ``polls`` retrievals, then ends as ``fate`` says:
    ``completed`` (every request answered with ``answer``, except the ``failing`` custom ids,
    which go to the error file), ``expired`` (the first half answered, the rest in the error
    file as ``batch_expired``) or ``failed`` (no output at all). Uploads are counted."""

    answer: dict[str, Any] = field(
        default_factory=lambda: completion(json.dumps({"meetings": [SEED_MEETING]}))
    )
    polls: int = 2
    fate: str = "completed"
    failing: set[str] = field(default_factory=set)
    uploads: list[bytes] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)

    def upload(self, content_type: str, raw: bytes) -> dict[str, Any]:
        message = BytesParser().parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
        parts = message.get_payload()
        data = next(
            part.get_payload(decode=True)
            for part in parts  # type: ignore[union-attr]
            if part.get_param("name", header="content-disposition") == "file"
        )
        self.uploads.append(data)
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = data
        return {
            "id": file_id,
            "object": "file",
            "bytes": len(data),
            "created_at": 0,
            "filename": "batch.jsonl",
            "purpose": "batch",
            "status": "processed",
        }

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        batch_id = f"batch_{len(self.batches) + 1}"
        self.batches[batch_id] = {
            "id": batch_id,
            "object": "batch",
            "endpoint": body["endpoint"],
            "input_file_id": body["input_file_id"],
            "completion_window": "24h",
            "status": "validating",
            "created_at": 0,
            "seen": 0,
        }
        return self._public(batch_id)

    def retrieve(self, batch_id: str) -> dict[str, Any]:
        batch = self.batches[batch_id]
        batch["seen"] += 1
        if batch["status"] in ("validating", "in_progress"):
            batch["status"] = "in_progress"
            if batch["seen"] > self.polls:
                self._finish(batch)
        return self._public(batch_id)

    def _public(self, batch_id: str) -> dict[str, Any]:
        return {k: v for k, v in self.batches[batch_id].items() if k != "seen"}

    def _finish(self, batch: dict[str, Any]) -> None:
        if self.fate == "failed":
            batch["status"] = "failed"
            batch["errors"] = {"object": "list", "data": [{"code": "invalid", "message": "no"}]}
            return
        requests = [json.loads(line) for line in self.files[batch["input_file_id"]].splitlines()]
        answered = requests if self.fate == "completed" else requests[: len(requests) // 2]
        output, errors = [], []
        for request in requests:
            custom_id = request["custom_id"]
            if request in answered and custom_id not in self.failing:
                response = {"status_code": 200, "request_id": "r", "body": self.answer}
                output.append(
                    {"id": "b", "custom_id": custom_id, "response": response, "error": None}
                )
            else:
                code = "batch_expired" if request not in answered else "server_error"
                errors.append(
                    {
                        "id": "b",
                        "custom_id": custom_id,
                        "response": None,
                        "error": {"code": code, "message": code},
                    }
                )
        batch["status"] = "completed" if self.fate == "completed" else "expired"
        for kind, lines in (("output_file_id", output), ("error_file_id", errors)):
            if lines:
                file_id = f"file-{len(self.files) + 1}"
                self.files[file_id] = "".join(json.dumps(x) + "\n" for x in lines).encode()
                batch[kind] = file_id


@dataclass
class FakeLLM:
    default: Behaviour = field(default_factory=answer)
    script: deque[Behaviour] = field(default_factory=deque)
    requests: list[Request] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    desk: BatchDesk = field(default_factory=BatchDesk)

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

    def do_GET(self) -> None:
        """The Batch API's reads, and ``/models`` (what a preflight asks)."""
        desk, path = self.server_fake.desk, self.path.rstrip("/")
        with self.server_fake._lock:
            if path.endswith("/models"):
                self.reply(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
            elif "/batches/" in path:
                self.reply(200, desk.retrieve(path.rsplit("/", 1)[1]))
            elif path.endswith("/content"):
                data = desk.files[path.split("/")[-2]]
                self.reply_bytes(200, data, "application/octet-stream")
            else:
                self.reply(404, {"error": {"message": "no such path"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", 0))
        raw = self.rfile.read(length)
        fake = self.server_fake
        if self.path.endswith("/files"):
            with fake._lock:
                self.reply(200, fake.desk.upload(self.headers["content-type"], raw))
            return
        body = json.loads(raw or b"{}")
        if self.path.endswith("/batches"):
            with fake._lock:
                self.reply(200, fake.desk.create(body))
            return
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
