"""How the LLM backend reaches its model: read from the environment, overridden by flags.

| variable | meaning |
| --- | --- |
| ``EXTRACTOR_MODEL`` | model name; setting it is what makes ``--backend auto`` use the LLM |
| ``OPENAI_BASE_URL`` | an OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp, OpenAI) |
| ``OPENAI_API_KEY`` | the key (trimmed); never logged, never written to results, errors or caches |
| ``EXTRACTOR_MODE`` | tools (default), json_schema, json, md_json, json_object |
| ``EXTRACTOR_CACHE_DIR`` | where the response cache lives (default: the user cache directory) |
| ``EXTRACTOR_PRICES`` | a JSON file of prices per million tokens, ``{"model": [in, out]}`` |
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, get_args

from extractor.errors import BackendUnavailable

Mode = Literal["tools", "json_schema", "json", "md_json", "json_object"]
MODES: tuple[str, ...] = get_args(Mode)
# A key must still be sent to servers that need none (llama.cpp, Ollama): the openai client
# refuses to start without one.
PLACEHOLDER_KEY = "no-key"


@dataclass(frozen=True)
class LLMConfig:
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    mode: Mode = "tools"
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
    prices_file: Path | None = None
    few_shot_dir: Path | None = None  # labelled articles to show the model as examples
    few_shot: int = 2  # how many, when few_shot_dir is set

    def __post_init__(self) -> None:
        # A key read from a file (or pasted) often comes with a line break or spaces around
        # it, which no key has; sent as they are, they make every request fail.
        if self.api_key is not None:
            object.__setattr__(self, "api_key", self.api_key.strip() or None)

    @classmethod
    def from_env(cls, **overrides: Any) -> LLMConfig:
        """The configuration the environment describes, with non-None ``overrides`` on top."""
        env = os.environ
        mode = env.get("EXTRACTOR_MODE", "tools")
        config = cls(
            model=env.get("EXTRACTOR_MODEL") or None,
            base_url=env.get("OPENAI_BASE_URL") or None,
            api_key=env.get("OPENAI_API_KEY") or None,
            mode=mode if mode in MODES else "tools",  # type: ignore[arg-type]
            cache_dir=Path(env["EXTRACTOR_CACHE_DIR"]) if env.get("EXTRACTOR_CACHE_DIR") else None,
            prices_file=Path(env["EXTRACTOR_PRICES"]) if env.get("EXTRACTOR_PRICES") else None,
        )
        return replace(config, **{k: v for k, v in overrides.items() if v is not None})

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
