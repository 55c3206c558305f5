"""How the service is set up: the environment's settings, with ``extractor serve``'s flags on
top, as the CLI reads its own.

- ``EXTRACTOR_DB``: the SQLite file of jobs, documents and results (default: the user
  data directory's ``service.sqlite3``);
- ``EXTRACTOR_BACKEND``: the backend of a request or job that names none (default ``auto``);
- ``EXTRACTOR_API_KEYS``: comma-separated keys; when set, every route but ``/healthz`` needs
  ``Authorization: Bearer KEY``;
- ``EXTRACTOR_WORKERS``: worker processes for a backend that runs in them, the rules
  (default: one per core);
- ``EXTRACTOR_MAX_DOCUMENT_BYTES``: the largest body of ``POST /v1/extract`` (2,000,000);
- ``EXTRACTOR_MAX_JOB_BYTES``: the largest body of ``POST /v1/jobs`` (100,000,000);
- ``EXTRACTOR_MAX_JOB_DOCUMENTS``: the most documents in one job (10,000);
- ``EXTRACTOR_MAX_OPEN_JOBS``: jobs queued or running before ``POST /v1/jobs`` answers 429
  (32).

The LLM's own variables (``EXTRACTOR_MODEL``, ``OPENAI_BASE_URL``…) are read by
``LLMConfig.from_env``, as for the CLI. A value that cannot be used is an error naming the
variable, raised before the server starts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from extractor.errors import ConfigurationError
from extractor.llm.config import LLMConfig

DEFAULT_DB_NAME = "service.sqlite3"


def default_database() -> Path:
    """``service.sqlite3`` in the user data directory (platformdirs)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("extractor")) / DEFAULT_DB_NAME


@dataclass(frozen=True)
class ServiceSettings:
    """Everything the app needs to start; ``from_env`` reads it, tests build it directly.

    Sizes are in bytes of the request body as sent (UTF-8 JSON), not characters."""

    database: Path = field(default_factory=default_database)
    backend: str = "auto"
    api_keys: tuple[str, ...] = field(default=(), repr=False)
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    max_document_bytes: int = 2_000_000
    max_job_bytes: int = 100_000_000
    max_job_documents: int = 10_000
    max_open_jobs: int = 32
    llm: LLMConfig = field(default_factory=LLMConfig)

    @classmethod
    def from_env(cls, llm: LLMConfig | None = None, **overrides: Any) -> ServiceSettings:
        """The settings from the environment, ``overrides`` (flags; None means not given) on
        top. Raises ``ConfigurationError`` naming a variable whose value cannot be used."""
        read: dict[str, Any] = {"llm": llm or LLMConfig.from_env()}
        if value := _variable("EXTRACTOR_DB"):
            read["database"] = Path(value).expanduser()
        if value := _variable("EXTRACTOR_BACKEND"):
            read["backend"] = value
        if value := _variable("EXTRACTOR_API_KEYS"):
            read["api_keys"] = api_keys(value)
        for name, variable in _NUMBERS.items():
            if value := _variable(variable):
                read[name] = _positive(variable, value)
        settings = cls(**read)
        given = {name: value for name, value in overrides.items() if value is not None}
        return replace(settings, **given)


_NUMBERS = {
    "workers": "EXTRACTOR_WORKERS",
    "max_document_bytes": "EXTRACTOR_MAX_DOCUMENT_BYTES",
    "max_job_bytes": "EXTRACTOR_MAX_JOB_BYTES",
    "max_job_documents": "EXTRACTOR_MAX_JOB_DOCUMENTS",
    "max_open_jobs": "EXTRACTOR_MAX_OPEN_JOBS",
}


def api_keys(value: str) -> tuple[str, ...]:
    """The keys of a comma-separated list, trimmed; an empty entry is no key."""
    return tuple(key.strip() for key in value.split(",") if key.strip())


def _variable(name: str) -> str | None:
    return os.environ.get(name, "").strip() or None


def _positive(variable: str, value: str) -> int:
    try:
        number = int(value.replace("_", ""))
    except ValueError:
        number = 0
    if number < 1:
        raise ConfigurationError(f"{variable}={value!r}: expected a whole number of at least 1")
    return number
