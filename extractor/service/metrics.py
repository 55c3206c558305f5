"""The service's Prometheus metrics (``GET /metrics``), kept with the ``prometheus-client``
library in a registry of the app's own (two apps in one process, as tests make, never count
into each other).

Requests are labelled by route template (``/v1/jobs/{job_id}``), never by the path a client
sent, so that the number of series stays bounded; the jobs by state are read from the store
at each scrape, so they are right after a restart too. Names follow Prometheus' conventions
(https://prometheus.io/docs/practices/naming/): a unit suffix, ``_total`` on counters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from extractor.batch import ResultLine

# Seconds; the rules answer in milliseconds, a model in tens of seconds.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


class ServiceMetrics:
    """Counters and histograms of one app; ``jobs_by_state`` is called at each scrape."""

    def __init__(self, jobs_by_state: Callable[[], dict[str, int]]) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "extractor_http_requests",
            "HTTP requests answered, by route template, method and status code.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "extractor_http_request_duration_seconds",
            "Time from a request's arrival to its response's start, by route template.",
            ["route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.documents = Counter(
            "extractor_documents",
            "Documents extracted (requests and jobs), by backend.",
            ["backend"],
            registry=self.registry,
        )
        self.meetings = Counter(
            "extractor_meetings", "Meeting records extracted.", registry=self.registry
        )
        self.errors = Counter(
            "extractor_document_errors",
            "Documents whose result is an error, by error type.",
            ["type"],
            registry=self.registry,
        )
        self.tokens = Counter(
            "extractor_tokens",
            "Model tokens spent, by kind (prompt, completion).",
            ["kind"],
            registry=self.registry,
        )
        self.cost = Counter(
            "extractor_cost_usd",
            "Model cost in US dollars, where a price is known.",
            registry=self.registry,
        )
        self.registry.register(_JobsCollector(jobs_by_state))

    def observe(self, line: ResultLine) -> None:
        """Count one document's result line."""
        self.documents.labels(line.backend).inc()
        self.meetings.inc(line.meetings)
        if line.error is not None:
            self.errors.labels(line.error.type).inc()
        if line.usage is not None:
            self.tokens.labels("prompt").inc(line.usage.prompt_tokens)
            self.tokens.labels("completion").inc(line.usage.completion_tokens)
            if line.usage.cost_usd:
                self.cost.inc(line.usage.cost_usd)

    def exposition(self) -> bytes:
        """The metrics in Prometheus' text format (version 0.0.4)."""
        return generate_latest(self.registry)


class _JobsCollector(Collector):
    def __init__(self, jobs_by_state: Callable[[], dict[str, int]]) -> None:
        self._jobs_by_state = jobs_by_state

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "extractor_jobs", "Jobs in the store, by state.", labels=["state"]
        )
        counts = self._jobs_by_state()
        for state in ("queued", "running", "done", "cancelled"):
            family.add_metric([state], counts.get(state, 0))
        yield family
