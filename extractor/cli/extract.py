"""``extractor extract``: articles in, one JSON line per document out.

The command checks its arguments, opens (and locks) its output files, lists its inputs and
writes the lines the batch engine (``extractor.batch.run``) yields, with progress, warnings
and the exit status; the engine does the extracting.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from types import FrameType
from typing import Any

import click

from extractor import batch
from extractor.backends import Backend, close_backend, get_backend
from extractor.batch import (
    Existing,
    LineWriter,
    ResultLine,
    Resumed,
    StopSignal,
    input_key,
    repair_errors_file,
    resume_state,
    retry_targets,
    skip_done,
)
from extractor.cli.app import (
    EXIT_INPUT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OUTPUT_CLOSED,
    EXIT_OUTPUT_FAILED,
    drop_stdout,
    fail,
    max_bytes_option,
    verbose_option,
    write_file,
)
from extractor.cli.llm_options import llm_config, llm_options
from extractor.document import Document
from extractor.errors import ExtractorError, OutputClosed, OutputWriteError
from extractor.ingest import (
    STDIN,
    FileIdentity,
    InputPlan,
    descriptor_identity,
    file_identity,
    plan_inputs,
    read_target,
)
from extractor.ingest.given import parse_published_at

_SKIPPED_SHOWN = 5


@click.command()
@click.argument("paths", nargs=-1, metavar="PATH...")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write JSON Lines to this file instead of stdout (locked while the batch runs); "
    "with --engine ray, the folder of its parts.",
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
    default="auto",
    show_default=True,
    help="rules: offline patterns; llm: a model endpoint; auto: llm if configured; or a "
    "plugin's backend (extractor backends lists them).",
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
@max_bytes_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@click.option(
    "--summary",
    "summary_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the run's summary as JSON here (meetings by status, top states, dyads and "
    "people, undated meetings, warnings by kind, tokens and cost).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Processes for the rules backend, 0 for one per core (the LLM uses --concurrency).",
)
@click.option(
    "--batch-api",
    is_flag=True,
    help="Send the model's prompts as one provider batch first (half the price, answers "
    "within a day), then extract from its answers; a rerun takes up the batch in progress.",
)
@click.option(
    "--batch-poll",
    type=click.FloatRange(min=0.01),
    default=30.0,
    show_default=True,
    help="Seconds between looks at the batch's status.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="ray: run on a Ray cluster (pip install 'extractor[ray]'); -o names a folder of "
    "numbered parts, and a rerun skips the parts already written.",
)
@click.option(
    "--ray-address",
    help="The Ray cluster to join [RAY_ADDRESS; default: a local Ray on this machine].",
)
@click.option(
    "--ray-cpus",
    type=click.IntRange(min=1),
    help="CPUs of the local Ray that --engine ray starts without --ray-address [all].",
)
@click.option(
    "--part-rows",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    help="Documents in each of --engine ray's parts.",
)
@click.option(
    "--parts",
    "parts_format",
    type=click.Choice(["jsonl", "parquet"]),
    default="jsonl",
    show_default=True,
    help="The format of --engine ray's parts.",
)
@llm_options
@verbose_option
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
    summary_path: Path | None,
    workers: int,
    batch_api: bool,
    batch_poll: float,
    engine: str,
    ray_address: str | None,
    ray_cpus: int | None,
    part_rows: int,
    parts_format: str,
    **llm: Any,
) -> None:
    """Extract meetings from articles: text or HTML files, directories (recursive), JSON Lines
    files of {"id", "text" | "html", "published_at", "url", "title"} rows, or - for stdin.

    One result line per input document, in input order. Ctrl-C stops the batch and writes
    what finished (the rules finish the documents in progress; the LLM's are cancelled, with
    any retry wait); Ctrl-C again stops at once. Rerun with --resume to go on where it
    stopped. An --output or --errors file that already holds lines is refused unless
    --resume, --append or --force says what to do with it."""
    if engine == "ray":
        _extract_on_ray(
            paths,
            output,
            backend,
            published_at,
            include_text,
            max_bytes,
            llm,
            ray_address=ray_address,
            ray_cpus=ray_cpus,
            parquet=parts_format == "parquet",
            part_rows=part_rows,
            quiet=quiet,
        )
        return
    _check_batch_flags(paths, output, errors_path, retry_path, resume, append, force, pretty)
    try:
        chosen = get_backend(backend, config=llm_config(llm))
        moment = parse_published_at(published_at)
        outputs = _output_identities(output, errors_path)
        plan = (
            InputPlan(targets=retry_targets(retry_path))
            if retry_path
            else plan_inputs(paths, outputs=outputs)
        )
    except ExtractorError as error:
        fail(str(error))
    if not quiet:
        _report_skipped(plan)
    if not plan.targets and not retry_path:
        click.echo("extractor: error: nothing to read (no input is an article)", err=True)
        sys.exit(EXIT_INPUT_FAILED)
    existing = (
        Existing.OVERWRITE if force else Existing.APPEND if resume or append else Existing.REFUSE
    )
    try:
        writer = LineWriter(output, stream=sys.stdout, existing=existing)
    except ExtractorError as error:
        fail(str(error))
    try:
        errors = LineWriter(errors_path, existing=existing) if errors_path else None
        resumed = resume_state(output) if resume and output else Resumed(frozenset(), {})
        if resume and errors and errors_path:
            repair_errors_file(errors_path, resumed.failed, errors)
    except ExtractorError as error:
        writer.discard()  # a refused run leaves no empty output behind
        fail(str(error))
    done = resumed.done
    if batch_api:
        _through_the_batch_api(
            chosen, plan, done, output, max_bytes, moment, poll_every=batch_poll, quiet=quiet
        )
    documents = (
        item
        for target in skip_done(plan.targets, done)
        # left for the engine to analyse, in its worker processes when it has some
        for item in read_target(target, max_bytes=max_bytes, published_at=moment, analyse=False)
        if input_key(item.path, item.line) not in done
    )
    stop = StopSignal()
    lines = batch.run(
        documents,
        chosen,
        workers=workers or os.cpu_count() or 1,
        include_text=include_text,
        pretty=pretty,
        stop=stop,
    )
    lines.summary.skipped, lines.summary.skipped_failed = len(done), len(resumed.failed)
    lines.summary.detailed = not quiet or summary_path is not None  # printed or written
    repeats = _RepeatedIds(quiet=quiet)
    started = time.perf_counter()
    try:
        with _progress(plan, enabled=not quiet and sys.stderr.isatty()) as advance, ctrl_c(stop):
            for line in lines:
                writer.write(line.json)
                if line.error:
                    click.echo(f"extractor: {line.error.type}: {line.error.message}", err=True)
                    if errors and line.error_record:
                        errors.write(line.error_record)
                repeats.see(line)
                advance()
    except KeyboardInterrupt:
        pass  # the second Ctrl-C: what is still in progress is dropped, --resume redoes it
    except OutputClosed:
        drop_stdout()
        sys.exit(EXIT_OUTPUT_CLOSED)
    except OutputWriteError as error:
        again = " and rerun with --resume" if output else ""
        click.echo(
            f"extractor: error: {error}; the {lines.summary.documents - 1} results before it "
            f"are written whole: make room{again}",
            err=True,
        )
        sys.exit(EXIT_OUTPUT_FAILED)
    finally:
        writer.close()
        if errors:
            errors.close()
        close_backend(chosen)
    repeats.tell_the_rest()
    seconds = time.perf_counter() - started
    if not quiet or lines.stopped:
        click.echo(lines.summary.describe(seconds), err=True)
    if not quiet:
        for detail in lines.summary.details():
            click.echo(detail, err=True)
    if summary_path:
        summary = json.dumps(lines.summary.to_json(seconds), indent=2, ensure_ascii=False)
        write_file(summary_path, summary + "\n", what="--summary")
    if lines.stopped:
        click.echo("extractor: interrupted; rerun with --resume to go on", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if lines.summary.errors or resumed.failed:  # the whole output, not this run alone
        sys.exit(EXIT_INPUT_FAILED)


class _RepeatedIds:
    """Ids are the user's and may repeat (two rows with one id, ``a.txt`` beside ``a.html``):
    each input still gets its own line, and the user is told, the first few times by name and
    then how many more (never with ``-q``)."""

    def __init__(self, *, quiet: bool) -> None:
        self._seen: set[str] = set()
        self._quiet = quiet
        self.repeated = 0

    def see(self, line: ResultLine) -> None:
        if line.id not in self._seen:
            self._seen.add(line.id)
            return
        self.repeated += 1
        if not self._quiet and self.repeated <= _SKIPPED_SHOWN:
            click.echo(
                f"extractor: warning: the id {line.id!r} is given to more than one input "
                f"(again at {line.where}); each has its own result line",
                err=True,
            )

    def tell_the_rest(self) -> None:
        if not self._quiet and self.repeated > _SKIPPED_SHOWN:
            more = self.repeated - _SKIPPED_SHOWN
            click.echo(f"extractor: warning: {more} more inputs repeat an id", err=True)


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
        fail("give either PATH... or --retry-errors FILE")
    if resume + append + force > 1:
        fail("--resume, --append and --force exclude each other")
    if output and output.is_dir():
        fail(f"--output {output} is a folder: name a file (a folder is for --engine ray)")
    if resume and (output is None or pretty):
        fail("--resume needs -o FILE and one line per result (no --pretty)")
    if resume and STDIN in paths:
        fail("--resume cannot tell which documents of stdin are done; save them to a file")
    if output and errors_path and file_identity(output) == file_identity(errors_path):
        fail("--errors must name another file than --output")
    if output and retry_path and file_identity(output) == file_identity(retry_path):
        fail("--output must name another file than --retry-errors, which it would overwrite")


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


@contextmanager
def ctrl_c(stop: StopSignal) -> Iterator[None]:
    """Ctrl-C while the batch runs: the first sets ``stop`` (no new document starts; the
    engine writes what finishes), the second raises KeyboardInterrupt, for a user who will
    not wait. The handler that was there before comes back afterwards."""

    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = signal.signal(signal.SIGINT, handle)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


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


def _extract_on_ray(
    paths: tuple[str, ...],
    output: Path | None,
    backend: str,
    published_at: str | None,
    include_text: bool,
    max_bytes: int,
    llm: dict[str, Any],
    *,
    ray_address: str | None,
    ray_cpus: int | None,
    parquet: bool,
    part_rows: int,
    quiet: bool,
) -> None:
    """``extract --engine ray``: the inputs read here (as the local engine reads them, and
    Parquet files of JSON Lines rows first), their documents extracted on Ray, the results in
    numbered parts of the --output folder."""
    if output is None or not paths:
        fail("--engine ray needs PATH... and -o FOLDER for its numbered parts")
    if output.exists() and not output.is_dir():
        fail(f"--engine ray writes a folder of parts: {output} is a file")
    try:
        from extractor.ray import extract_to_parts, parquet_documents

        options = {"config": llm_config(llm)}
        moment = parse_published_at(published_at)
        tables = [Path(p) for p in paths if p.lower().endswith(".parquet")]
        plan = plan_inputs([p for p in paths if not p.lower().endswith(".parquet")])
        import ray

        ray.init(
            address=ray_address,
            num_cpus=None if ray_address else ray_cpus,  # a cluster has its own
            include_dashboard=False,
            log_to_driver=False,
        )
    except ExtractorError as error:
        fail(str(error))
    except ImportError:
        fail("--engine ray needs Ray: pip install 'extractor[ray]'")
    if not quiet:
        _report_skipped(plan)
    items = chain(
        (item for table in tables for item in parquet_documents(table, published_at=moment)),
        (
            item
            for target in plan.targets
            for item in read_target(target, max_bytes=max_bytes, published_at=moment, analyse=False)
        ),
    )
    started = time.perf_counter()
    try:
        run = extract_to_parts(
            items,
            output,
            backend=backend,
            backend_options=options,
            include_text=include_text,
            parquet=parquet,
            part_rows=part_rows,
        )
    except ExtractorError as error:
        fail(str(error))
    finally:
        ray.shutdown()
    click.echo(
        f"extractor: {run.documents} documents in {run.written} parts written to {output}, "
        f"{run.errors} errors, {time.perf_counter() - started:.2f} s"
        + (f"; {run.skipped} parts already there (skipped)" if run.skipped else ""),
        err=True,
    )
    if run.errors:
        sys.exit(EXIT_INPUT_FAILED)


def _through_the_batch_api(
    chosen: Backend,
    plan: InputPlan,
    done: frozenset[str],
    output: Path | None,
    max_bytes: int,
    moment: dt.datetime | None,
    *,
    poll_every: float,
    quiet: bool,
) -> None:
    """``--batch-api``: every prompt the cache lacks sent as one provider batch, its answers
    cached (``extractor.llm.batch_api``); the run that follows answers from them. The batch's
    state sits beside ``--output``, so that a rerun polls the same batch."""
    import openai  # here: the CLI starts without it

    from extractor.llm.backend import LLMBackend
    from extractor.llm.batch_api import prefill

    model = chosen if isinstance(chosen, LLMBackend) else getattr(chosen, "primary", None)
    if not isinstance(model, LLMBackend):
        fail("--batch-api needs a model: --backend llm, or auto with one configured")
    if output is None:
        fail("--batch-api needs -o FILE: the batch's state is kept beside it")
    documents = (
        item
        for target in skip_done(plan.targets, done)
        for item in read_target(target, max_bytes=max_bytes, published_at=moment, analyse=False)
        if isinstance(item, Document) and input_key(item.path, item.line) not in done
    )
    state = output.with_name(output.name + ".batch.json")
    try:
        outcome = prefill(documents, model, state, poll_every=poll_every)
    except (openai.APIError, ValueError) as error:
        fail(f"the Batch API: {model.config.redact(str(error))}")
    if not quiet:
        click.echo(
            f"extractor: batch {outcome.batch_id}: {outcome.status}; {outcome.sent} prompts sent"
            f"{' (taken up after a stop)' if outcome.resumed else ''}, {outcome.cached} answers "
            f"cached, {outcome.invalid} invalid and {outcome.missing} missing (asked online now)",
            err=True,
        )
