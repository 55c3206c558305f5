"""Failing fast while the model endpoint is down: the circuit breaker and the preflight."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor import extract_many
from extractor.backends import get_backend
from extractor.llm.breaker import CircuitBreaker, EndpointDown
from tests.fake_llm import SEED_MEETING, FakeLLM, answer, drop
from tests.test_llm_faults import config

ARTICLE = (
    "Article {n}: French Foreign Minister Jean-Noel Barrot met German Foreign Minister "
    "Annalena Baerbock in Paris on Monday."
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_breaker_opens_after_failures_in_a_row_and_a_probe_closes_it() -> None:
    clock = Clock()
    breaker = CircuitBreaker(threshold=3, probe_after=10.0, clock=clock)
    for _ in range(2):
        breaker.before_request()
        breaker.failed()
    breaker.answered()  # an answer in between: the count starts again
    for _ in range(3):
        breaker.before_request()
        breaker.failed()
    with pytest.raises(EndpointDown) as down:
        breaker.before_request()
    assert down.value.failures == 3 and down.value.retry_in == 10.0
    clock.now = 10.0
    breaker.before_request()  # the probe goes
    with pytest.raises(EndpointDown):
        breaker.before_request()  # the others wait for its answer
    breaker.failed()  # the probe failed: open for another ten seconds
    clock.now = 15.0
    with pytest.raises(EndpointDown):
        breaker.before_request()
    clock.now = 20.0
    breaker.before_request()
    breaker.answered()
    assert not breaker.is_open
    breaker.before_request()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Down:
    """Stands in for a FakeLLM's url: an endpoint nobody listens on."""

    def __init__(self) -> None:
        self.url = f"http://127.0.0.1:{closed_port()}/v1"


def test_auto_falls_back_at_once_for_every_document_when_nothing_answers(
    tmp_path: Path,
) -> None:
    settings = config(_Down(), tmp_path, backoff_initial=0.5, backoff_max=5.0)  # type: ignore[arg-type]
    texts = [ARTICLE.format(n=n) for n in range(200)]
    results = list(extract_many(texts, backend="auto", config=settings, published_at="2024-05-10"))
    assert {r.backend for r in results} == {"rules"}
    assert all(len(r.warnings) == 1 and " is down (" in r.warnings[0] for r in results)
    assert all(len(r.meetings) == 1 for r in results)


def test_connection_failures_open_it_and_llm_fails_the_rest_at_once(tmp_path: Path) -> None:
    with FakeLLM(default=drop()) as server:  # answers GET /models, drops every request
        backend = get_backend("llm", config=config(server, tmp_path, concurrency=1))
        results = list(extract_many([ARTICLE.format(n=n) for n in range(30)], backend=backend))
    attempts = len(server.requests)
    assert attempts == 5  # four for the first document, one for the second, none after
    errors = [r.error for r in results]
    assert all(e is not None and e.type == "LLMError" for e in errors)
    assert all(" is down (5 connection failures in a row)" in e.message for e in errors[1:] if e)


def test_a_probe_after_the_wait_closes_it_when_the_endpoint_is_back(tmp_path: Path) -> None:
    with FakeLLM(default=answer([SEED_MEETING])).then(*[drop()] * 4) as server:
        settings = config(
            server,
            tmp_path,
            concurrency=1,
            max_transport_retries=3,
            breaker_threshold=4,
            breaker_probe_after=0.3,
        )
        backend = get_backend("auto", config=settings)

        def slowly() -> Iterator[str]:
            for n in range(12):
                yield ARTICLE.format(n=n)
                time.sleep(0.05)

        results = list(extract_many(slowly(), backend=backend, published_at="2024-05-10"))
    backends = [r.backend for r in results]
    assert backends[0] == "rules"  # four dropped attempts: it fell back, and the breaker opened
    assert backends[-1] == "llm"  # the probe found the endpoint back
    assert "rules" in backends[1:4]  # at once, while open: no request sent
    first_llm = backends.index("llm")
    assert set(backends[first_llm:]) == {"llm"}
    assert len(server.requests) == 4 + (len(backends) - first_llm)
