"""``extractor eval``: score a backend, or predictions made elsewhere, against labels.

The command is the eval package's (``extractor.evals``) door on the ``extractor`` group: it
reads options, writes the reports and prints, and gates on a baseline with its exit status.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from extractor.backends import get_backend
from extractor.cli.app import EXIT_INPUT_FAILED, fail, printing, verbose_option, write_file
from extractor.cli.llm_options import llm_config, llm_options
from extractor.errors import ExtractorError

if TYPE_CHECKING:
    from rich.console import Console

    from extractor.evals.compare import Comparison


@click.command(name="eval")
@click.option(
    "--fixtures",
    type=click.Path(path_type=Path),
    default=Path("fixtures"),
    show_default=True,
    help="Directory of NAME.txt|html articles + NAME.json labels.",
)
@click.option("--backend", default="rules", show_default=True, help="A registered backend's name.")
@verbose_option
@click.option(
    "--predictions",
    type=click.Path(path_type=Path),
    help="Score these result lines (JSON Lines) instead of running a backend.",
)
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write the JSON report.")
@click.option("--html", "html_out", type=click.Path(path_type=Path), help="Write the HTML report.")
@click.option(
    "--compare",
    "compared",
    nargs=2,
    type=click.Path(path_type=Path),
    help="Compare two JSON reports (A B) instead of scoring: per-figure changes and the cases "
    "that changed, in the terminal and as --json / --html.",
)
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
@llm_options
def evaluate(
    fixtures: Path,
    backend: str,
    predictions: Path | None,
    published_at_from_label: bool,
    json_out: Path | None,
    html_out: Path | None,
    compared: tuple[Path, Path] | None,
    baseline: Path | None,
    tolerance: float,
    fail_under: tuple[str, ...],
    **llm: Any,
) -> None:
    """Score a backend, or predictions made elsewhere, against hand-labelled articles; or
    compare two reports (--compare A.json B.json)."""
    from rich.console import Console
    from rich.text import Text

    if compared:
        _compare_reports(compared, json_out, html_out)
        return

    from extractor.evals import run_eval
    from extractor.evals.compare import compare, failures_under, load_baseline, parse_threshold
    from extractor.evals.report_html import to_html
    from extractor.evals.report_json import to_json
    from extractor.evals.report_text import print_report

    try:
        thresholds = [parse_threshold(t) for t in fail_under]
        before = load_baseline(baseline) if baseline else None
        report = run_eval(
            fixtures,
            backend=backend if predictions else get_backend(backend, config=llm_config(llm)),
            predictions=predictions,
            published_at_from_label=published_at_from_label,
        )
    except (ExtractorError, ValueError, OSError) as error:
        fail(str(error))
    document = to_json(report)  # the reports are written first: printing cannot lose them
    if json_out:
        report_json = json.dumps(document, indent=1, ensure_ascii=False)
        write_file(json_out, report_json, what="the JSON report")
    if html_out:
        write_file(html_out, to_html(report), what="the HTML report")
    with printing():
        print_report(report, Console())
    # Case ids and figure names are the user's text: printed as they are, not read as Rich
    # markup ("[/bold]" would raise MarkupError) or ":emoji:" codes.
    console = Console(stderr=True, markup=False, emoji=False)
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


def _compare_reports(
    reports: tuple[Path, Path], json_out: Path | None, html_out: Path | None
) -> None:
    """``--compare A B``: the figures of both, the change, and the cases that changed."""
    from rich.console import Console
    from rich.table import Table

    from extractor.evals.compare import compare, load_baseline
    from extractor.views import render

    try:
        before, after = (load_baseline(path) for path in reports)
    except ValueError as error:
        fail(str(error))
    comparison = compare(after, before)
    document = comparison.to_json(before, after)
    if json_out:
        write_file(json_out, json.dumps(document, indent=1, ensure_ascii=False), what="--json")
    if html_out:
        write_file(html_out, render("eval_compare.html.jinja", comparison=document), what="--html")
    table = Table(title=f"A: {reports[0]}  B: {reports[1]}")
    for column in ("figure", "A", "B", "change"):
        table.add_column(column, justify="left" if column == "figure" else "right")
    for row in document["figures"]:
        change = row["change"]
        table.add_row(
            row["figure"],
            _figure(row["a"]),
            _figure(row["b"]),
            "" if not change else f"{change:+.3f}",
        )
    with printing():
        console = Console(markup=False, emoji=False)
        console.print(table)
        for title, cases in (
            ("worse", document["worse_cases"]),
            ("better", document["better_cases"]),
        ):
            for case in cases:
                console.print(f"{title} in B: {case['id']} ({case['a']} -> {case['b']} errors)")


def _figure(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"
