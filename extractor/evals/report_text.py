"""The terminal report: one compact table of the corpus figures.

Case ids, prediction ids and paths are the user's text, and Rich reads "[...]" in a str as
markup ("[/bold]case" raises MarkupError, "[red]" vanishes) and ":name:" as an emoji, so they
are given to Rich only inside ``Text`` objects, which it prints as they are.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from extractor.evals.run import Report
from extractor.evals.scoring import LIST_FIELDS, VALUE_FIELDS


def print_report(report: Report, console: Console) -> None:
    """The figures as a table, then the failed documents and the warnings of the run."""
    figures = report.figures()
    support = report.supports()
    title = f"{report.source} on {report.fixtures} ({len(report.cases)} cases)"
    table = Table(title=Text(title, style="table.title"))
    table.add_column("field")
    for column in ("precision", "recall", "F1 / accuracy", "support"):
        table.add_column(column, justify="right")
    for name in ("detection", "meetings", *LIST_FIELDS):
        table.add_row(
            name,
            _percent(figures[f"{name}.precision"]),
            _percent(figures[f"{name}.recall"]),
            _percent(figures[f"{name}.f1"]),
            str(support[name]),
        )
    for name in (*VALUE_FIELDS, "published_at"):
        table.add_row(name, "", "", _percent(figures[f"{name}.accuracy"]), str(support[name]))
    table.add_row(
        "meeting count",
        "",
        "",
        f"exact {_percent(figures['meeting_count.exact'])}, "
        f"mean error {figures['meeting_count.mean_abs_error']:.2f}",
        str(len(report.cases)),
    )
    console.print(table)
    failed = [r.case.id for r in report.cases if r.predicted.get("error")]
    if failed:
        console.print(
            Text.assemble((f"{len(failed)} documents failed:", "red"), f" {', '.join(failed[:10])}")
        )
    for warning in report.warnings:
        console.print(Text.assemble(("warning:", "yellow"), f" {warning}"))


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"
