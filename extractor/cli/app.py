"""The ``extractor`` group, what every command shares: exit statuses, usage errors, logging.

Results go to stdout (or ``-o``) as JSON Lines, one per input document in input order;
everything meant for people (progress, skipped files, the summary, errors) goes to stderr, so
the output can be piped. Exit statuses: 0 every input processed; 1 some input failed (the
others are still written) or there was nothing to read; 2 a usage or configuration error;
74 the output could not be written (disk full); 130 Ctrl-C; 141 the reader of stdout left.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, NoReturn

import click

from extractor.ingest import DEFAULT_MAX_BYTES

EXIT_INPUT_FAILED = 1
EXIT_USAGE = 2
EXIT_OUTPUT_FAILED = 74  # EX_IOERR of sysexits.h
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_OUTPUT_CLOSED = 141  # 128 + SIGPIPE, what a shell reports for a command whose reader left


def fail(message: str) -> NoReturn:
    """A usage or configuration error: one line on stderr, exit status 2."""
    click.echo(f"extractor: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


@contextmanager
def printing() -> Iterator[None]:
    """Around what a command prints on stdout: a full disk (``> /dev/full``) is one line and
    status 74, a reader that left (``| head``) is status 141, instead of a traceback. stdout
    is flushed inside, so that a failure shows here rather than in Python's flush at exit."""
    try:
        try:
            yield
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        drop_stdout()
        sys.exit(EXIT_OUTPUT_CLOSED)
    except OSError as error:
        drop_stdout()
        click.echo(f"extractor: error: cannot write to stdout: {_reason(error)}", err=True)
        sys.exit(EXIT_OUTPUT_FAILED)


def write_file(path: Path, text: str, *, what: str) -> None:
    """Write ``text`` to ``path``; a file that cannot be written is one line naming it (and
    ``what`` it is, the flag that named it) and status 74."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        click.echo(f"extractor: error: {what} {path}: cannot write it: {_reason(error)}", err=True)
        sys.exit(EXIT_OUTPUT_FAILED)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def drop_stdout() -> None:
    """Point stdout at /dev/null once writing to it failed, so that the text still in its
    buffer does not fail again, with a traceback, when Python flushes it at exit."""
    with suppress(OSError, ValueError):  # no descriptor at all (a test runner's buffer)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _verbose(context: click.Context, parameter: click.Parameter, value: bool) -> None:
    if value:
        configure_logging()


def verbose_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``-v``, before the command (``extractor -v extract``) or after it (``extractor extract
    -v``)."""
    return click.option(
        "-v",
        "--verbose",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_verbose,
        help="Log retries and model calls to stderr (keys redacted).",
    )(command)


def max_bytes_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--max-bytes``: the most an article (or a JSON Lines row) may hold, and be read."""
    return click.option(
        "--max-bytes",
        type=click.IntRange(min=1),
        default=DEFAULT_MAX_BYTES,
        show_default=True,
        help="Refuse an article larger than this, or a JSON Lines row longer.",
    )(command)


def configure_logging() -> None:
    """Our own log lines (retries, fallbacks, skipped files) at debug on stderr. (instructor's
    retry loop, which logged every failed attempt as an error, is not used: see
    extractor/llm/client.py.)"""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("extractor: %(name)s: %(message)s"))
    handler.addFilter(_Redact())
    handler.set_name("extractor-cli")
    logger = logging.getLogger("extractor")
    logger.handlers = [h for h in logger.handlers if h.get_name() != "extractor-cli"]
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


class _Redact(logging.Filter):
    """The API key never reaches a log line, whatever logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        from extractor.llm.config import LLMConfig

        # not from_env(), which refuses unusable settings: a log line must never fail
        key = LLMConfig(api_key=os.environ.get("OPENAI_API_KEY"))
        record.msg = key.redact(record.getMessage())
        record.args = None
        return True


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="extractor")
@verbose_option
def main() -> None:
    """Typed records of meetings (who met whom, when, where, about what) from news text."""
