"""Registers the LLM backend, and ``auto``: the LLM with the rules for what it fails on when
a model is configured, else the rules (see ``extractor.backends.registry``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from extractor.backends import REGISTRY, AsyncBackend, Backend, FallbackBackend, Register
from extractor.errors import BackendUnavailable

if TYPE_CHECKING:
    from extractor.llm.config import LLMConfig


def register_backends(register: Register) -> None:
    register("llm", _llm, summary="any OpenAI-compatible model endpoint (EXTRACTOR_MODEL)")
    register(
        "auto", _auto, summary="llm when a model is configured (the rules for what it fails on)"
    )


def _configured(config: object) -> LLMConfig:
    from extractor.llm.config import LLMConfig

    if config is not None and not isinstance(config, LLMConfig):
        raise TypeError(f"config is an LLMConfig, not {type(config).__name__}")
    return config or LLMConfig.from_env()


def _llm(
    *, config: LLMConfig | None = None, prompt_version: str | None = None, **options: Any
) -> Backend:
    """The LLM backend with ``config`` (default: the environment's) and a prompt version of
    ``extractor/prompts/`` or ``EXTRACTOR_PROMPTS_DIR`` (default: the strategy's)."""
    from extractor.llm.backend import LLMBackend

    config = _configured(config)
    if not config.configured:
        raise BackendUnavailable(
            "no model configured for the LLM backend: set EXTRACTOR_MODEL (or --model), and "
            "OPENAI_BASE_URL (or --base-url) for a server other than OpenAI"
        )
    return LLMBackend(config, prompt_version=prompt_version)


def _auto(*, config: LLMConfig | None = None, **options: Any) -> Backend:
    config = _configured(config)
    rules = REGISTRY.create("rules", **options)
    if not config.configured:
        return rules
    llm = _llm(config=config, **options)
    assert isinstance(llm, AsyncBackend)
    return FallbackBackend(llm, rules, name="auto")
