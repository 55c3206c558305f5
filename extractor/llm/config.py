"""How the LLM backend reaches its model: read from the environment, overridden by flags.

| variable | meaning |
| --- | --- |
| ``EXTRACTOR_MODEL`` | model name; setting it is what makes ``--backend auto`` use the LLM |
| ``OPENAI_BASE_URL`` | an OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp, OpenAI) |
| ``OPENAI_API_KEY`` | the key (trimmed); never logged, never written to results, errors or caches |
| ``EXTRACTOR_MODE`` | tools (default), json_schema, json, md_json, json_object |
| ``EXTRACTOR_STRATEGY`` | guided (default: with the rules' candidates) or direct |
| ``EXTRACTOR_CACHE_DIR`` | where the response cache lives (default: the user cache directory) |
| ``EXTRACTOR_PRICES`` | a JSON file of prices per million tokens, ``{"model": [in, out]}`` |

An empty variable counts as unset. A value that cannot be used is an error naming the variable
and what it accepts, raised when the configuration is read, before any document: a misspelt
mode silently replaced by the default, or a price table found broken at the first answer (and
the LLM then abandoned for the rules), would hide the mistake. A flag given in ``overrides``
wins, and the variable it replaces is not read.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from extractor.errors import BackendUnavailable
from extractor.llm.costs import price_table

Mode = Literal["tools", "json_schema", "json", "md_json", "json_object"]
MODES: tuple[str, ...] = get_args(Mode)
# direct: the model reads the article and writes its meetings; guided: it is also shown the
# rules' numbered candidates and answers by their numbers (extractor.llm.guided).
Strategy = Literal["direct", "guided"]
STRATEGIES: tuple[str, ...] = get_args(Strategy)
# A key must still be sent to servers that need none (llama.cpp, Ollama): the openai client
# refuses to start without one.
PLACEHOLDER_KEY = "no-key"


@dataclass(frozen=True)
class LLMConfig:
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    mode: Mode = "tools"
    strategy: Strategy = "guided"
    timeout: float = 120.0  # seconds per request
    max_reasks: int = 2  # validation re-asks, instructor's
    max_transport_retries: int = 4  # timeouts, resets, 429, 5xx: tenacity's
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    retry_after_max: float = 120.0  # the longest Retry-After a server may ask for
    concurrency: int = 8
    cache: bool = True
    cache_dir: Path | None = None
    chunk_chars: int = 6000  # articles longer than this are split into overlapping chunks
    max_output_tokens: int = 1500
    # The circuit breaker (extractor.llm.breaker): this many connection failures in a row
    # stop all requests at once, for this many seconds before a probe.
    breaker_threshold: int = 5
    breaker_probe_after: float = 30.0
    max_cost: float | None = None  # US dollars for the whole run (extractor.llm.budget)
    prices_file: Path | None = None
    few_shot_dir: Path | None = None  # labelled articles to show the model as examples
    few_shot: int = 2  # how many, when few_shot_dir is set

    def __post_init__(self) -> None:
        # A key read from a file (or pasted) often comes with a line break or spaces around
        # it, which no key has; sent as they are, they make every request fail.
        if self.api_key is not None:
            object.__setattr__(self, "api_key", self.api_key.strip() or None)
        if self.base_url is not None:
            check_base_url(self.base_url, name="base_url")

    @classmethod
    def from_env(cls, **overrides: Any) -> LLMConfig:
        """The configuration the environment describes, with non-None ``overrides`` on top.

        Raises ``BackendUnavailable`` naming the variable whose value cannot be used."""
        given = {name: value for name, value in overrides.items() if value is not None}
        read = {
            name: parse(variable, os.environ[variable])
            for name, (variable, parse) in _VARIABLES.items()
            if name not in given and os.environ.get(variable)
        }
        return cls(**read, **given)

    def check_key(self) -> None:
        """Refuse a key that no HTTP header can carry (a line break, another control character
        or a non-ASCII one inside it). Sent, it fails in the HTTP library before any request,
        which looks like a connection error and would be retried for every document."""
        if self.api_key is not None and not (self.api_key.isascii() and self.api_key.isprintable()):
            raise BackendUnavailable(
                "the API key (OPENAI_API_KEY) holds a line break, a control character or a "
                "non-ASCII character, which no HTTP header can carry: set it again without it"
            )

    @property
    def configured(self) -> bool:
        """A model is named: the LLM backend can run (whether the server answers is another
        matter, found out per document)."""
        return bool(self.model)

    def redact(self, text: str) -> str:
        """``text`` with the API key replaced, for every message that leaves this process."""
        if self.api_key and len(self.api_key) >= 4:
            text = text.replace(self.api_key, "[redacted]")
        return text


def _text(variable: str, value: str) -> str:
    return value


def check_base_url(value: str, *, name: str) -> str:
    """``value`` if it is an http or https URL with a host; else raises ``BackendUnavailable``
    naming ``name`` (the flag or variable it came from). Anything else would be sent, fail in
    the HTTP library, and be retried as a connection error for every document."""
    if not _is_http_url(value):
        raise BackendUnavailable(
            f"{name}={value!r} is not an http or https URL with a host "
            "(such as http://localhost:8080/v1)"
        )
    return value


def _is_http_url(value: str) -> bool:
    if not value.isprintable() or any(character.isspace() for character in value):
        return False
    try:
        parts = urllib.parse.urlsplit(value)
        # .port raises ValueError for a port that is not a number from 0 to 65535
        return parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # also a malformed IPv6 host ("http://[::1")
        return False


def _url(variable: str, value: str) -> str:
    return check_base_url(value, name=variable)


def _mode(variable: str, value: str) -> Mode:
    if value not in MODES:
        raise BackendUnavailable(
            f"{variable}={value!r} is not a structured-output mode: choose one of "
            f"{', '.join(MODES)}"
        )
    return value  # type: ignore[return-value]  # one of MODES, the Literal's values


def _strategy(variable: str, value: str) -> Strategy:
    if value not in STRATEGIES:
        raise BackendUnavailable(
            f"{variable}={value!r} is not a strategy: choose one of {', '.join(STRATEGIES)}"
        )
    return value  # type: ignore[return-value]  # one of STRATEGIES, the Literal's values


def _directory(variable: str, value: str) -> Path:
    """A directory, created on first use when it does not exist yet."""
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise BackendUnavailable(f"{variable}={value!r} is not a directory")
    return path


def _prices(variable: str, value: str) -> Path:
    """A price table file, read now (and kept: ``price_table`` caches it)."""
    path = Path(value)
    try:
        price_table(path)
    except BackendUnavailable as error:
        raise BackendUnavailable(f"{variable}: {error}") from None
    return path


# The configuration's fields that the environment sets: the variable, and how its value is read.
_VARIABLES: dict[str, tuple[str, Callable[[str, str], Any]]] = {
    "model": ("EXTRACTOR_MODEL", _text),
    "base_url": ("OPENAI_BASE_URL", _url),
    "api_key": ("OPENAI_API_KEY", _text),
    "mode": ("EXTRACTOR_MODE", _mode),
    "strategy": ("EXTRACTOR_STRATEGY", _strategy),
    "cache_dir": ("EXTRACTOR_CACHE_DIR", _directory),
    "prices_file": ("EXTRACTOR_PRICES", _prices),
}
