"""``extractor serve``: the HTTP service (``extractor.service``) on uvicorn."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import click

from extractor.cli.app import fail, verbose_option
from extractor.cli.llm_options import llm_config, llm_options
from extractor.errors import ExtractorError


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--db",
    "database",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite file of jobs and results [EXTRACTOR_DB, default: the user data directory].",
)
@click.option("--backend", help="Backend of requests that name none [EXTRACTOR_BACKEND, auto].")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Worker processes for the rules [EXTRACTOR_WORKERS, default: one per core].",
)
@click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    default="info",
    show_default=True,
)
@llm_options
@verbose_option
def serve(
    host: str,
    port: int,
    database: Path | None,
    backend: str | None,
    workers: int | None,
    log_level: str,
    **llm: Any,
) -> None:
    """Serve the HTTP API and the page for people: POST /v1/extract, POST /v1/jobs, the
    OpenAPI document at /docs. Jobs are kept in SQLite and finished after a restart.

    Keys: set EXTRACTOR_API_KEYS=key1,key2 to require 'Authorization: Bearer <key>'
    (never given as a flag: command lines are visible to every user of the machine)."""
    import uvicorn

    from extractor.service import ServiceSettings, create_app
    from extractor.service.logs import log_config

    try:
        settings = ServiceSettings.from_env(
            llm=llm_config(llm), database=database, backend=backend, workers=workers
        )
        app = create_app(settings)
    except ExtractorError as error:
        fail(str(error))
    except (sqlite3.Error, OSError) as error:
        where = database or os.environ.get("EXTRACTOR_DB") or "in the user data directory"
        fail(f"the database {where} cannot be used: {error}")
    click.echo(
        f"extractor: serving on http://{host}:{port} (backend {settings.backend}, "
        f"database {settings.database})",
        err=True,
    )
    uvicorn.run(app, host=host, port=port, log_level=log_level, log_config=log_config())
