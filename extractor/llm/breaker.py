"""A circuit breaker for the model endpoint: fail fast while it is down.

Without one, each document spends its whole retry budget (about ten seconds of backoff)
before it fails or falls back to the rules, so a batch of 10,000 documents against a dead
endpoint takes a day. The breaker counts connection failures in a row (refused, reset,
timed out: no HTTP answer at all); at ``threshold`` of them it opens, and every request is
refused at once (``EndpointDown``) without touching the network. After ``probe_after``
seconds it lets one request through (half open): an answer closes it, a failure opens it
again for another ``probe_after``. Any HTTP answer, even an error status, counts as the
endpoint being up. This is the classic pattern (Nygard, *Release It!*, "Circuit Breaker").

One breaker serves one backend, that is one endpoint, across all its documents and
threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class EndpointDown(Exception):
    """The breaker is open: the request was not sent."""

    def __init__(self, failures: int, retry_in: float) -> None:
        super().__init__(f"{failures} connection failures in a row")
        self.failures, self.retry_in = failures, retry_in


class CircuitBreaker:
    """Closed, open or half open (see the module docstring); safe to share between threads
    and event loops. ``clock`` is a monotonic clock in seconds."""

    def __init__(
        self,
        *,
        threshold: int = 5,
        probe_after: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold, self.probe_after, self._clock = threshold, probe_after, clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def is_open(self) -> bool:
        """Whether requests are being refused (or waiting for a probe)."""
        with self._lock:
            return self._opened_at is not None

    def before_request(self) -> None:
        """Let a request go, or raise ``EndpointDown``: while open, until ``probe_after`` has
        passed; then one request (the probe) goes, and the others wait for its answer."""
        with self._lock:
            if self._opened_at is None:
                return
            waited = self._clock() - self._opened_at
            if waited >= self.probe_after and not self._probing:
                self._probing = True
                return
            raise EndpointDown(self._failures, max(0.0, self.probe_after - waited))

    def answered(self) -> None:
        """The endpoint answered (any HTTP status): closed again."""
        with self._lock:
            self._failures, self._opened_at, self._probing = 0, None, False

    def failed(self) -> None:
        """A connection failure: opens the breaker at ``threshold`` in a row, or at once
        when it was the probe's."""
        with self._lock:
            self._failures += 1
            if self._probing or self._failures >= self.threshold:
                self._opened_at, self._probing = self._clock(), False

    def open(self) -> None:
        """Open at once (the preflight found the endpoint down)."""
        with self._lock:
            self._failures = max(self._failures, self.threshold)
            self._opened_at, self._probing = self._clock(), False
