"""The LLM backend's flags, shared by the commands that run a backend."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from extractor.cli.app import fail
from extractor.errors import BackendUnavailable
from extractor.llm.config import MODES, STRATEGIES, check_base_url

if TYPE_CHECKING:
    from extractor.llm.config import LLMConfig


def llm_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Flags of the LLM backend; each overrides its environment variable (the API key has no
    flag on purpose: command lines end up in shell histories and process lists)."""
    options = [
        click.option("--model", help="Model name [EXTRACTOR_MODEL]."),
        click.option(
            "--base-url",
            callback=_base_url,
            help="OpenAI-compatible endpoint, http(s)://HOST[:PORT]/... [OPENAI_BASE_URL].",
        ),
        click.option(
            "--mode",
            type=click.Choice(MODES),
            help="Structured-output mode [EXTRACTOR_MODE, default tools].",
        ),
        click.option(
            "--strategy",
            type=click.Choice(STRATEGIES),
            help="guided: the model picks from the rules' numbered candidates; direct: it "
            "reads the article alone [EXTRACTOR_STRATEGY, default guided].",
        ),
        click.option(
            "--concurrency",
            type=click.IntRange(min=1),
            help="Requests in flight at once [default 8].",
        ),
        click.option("--timeout", type=click.FloatRange(min=0.1), help="Seconds per request."),
        click.option(
            "--few-shot",
            "few_shot_dir",
            type=click.Path(exists=True, file_okay=False, path_type=Path),
            help="Labelled articles (NAME.txt + NAME.json) to show the model as examples.",
        ),
        click.option(
            "--max-cost",
            type=click.FloatRange(min=0),
            help="US dollars this run may spend on the model; documents past it are left "
            "for --resume (needs the model's price: EXTRACTOR_PRICES).",
        ),
        click.option(
            "--no-cache",
            "no_cache",
            is_flag=True,
            default=None,
            help="Neither read nor write the response cache.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _base_url(context: click.Context, parameter: click.Parameter, value: str | None) -> str | None:
    """The endpoint; one that is not an http(s) URL is a usage error, in the words the
    variable's would be, before anything is read."""
    if value is None:
        return None
    try:
        return check_base_url(value, name="--base-url")
    except BackendUnavailable as error:
        fail(str(error))


def llm_config(flags: dict[str, Any]) -> LLMConfig:
    """The LLM settings: the environment's, with the flags given on top."""
    from extractor.llm.config import LLMConfig

    cache = False if flags.pop("no_cache", None) else None
    return LLMConfig.from_env(cache=cache, **flags)
