"""``extractor export``: result lines as a table (CSV, Parquet, JSON Lines) or PLOVER events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from extractor.cli.app import EXIT_OUTPUT_FAILED, fail
from extractor.errors import ExtractorError

if TYPE_CHECKING:
    from extractor.export import Filters, Unit


@click.command()
@click.argument("results", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--to",
    "format_name",
    type=click.Choice(["csv", "parquet", "jsonl", "plover"]),
    default="csv",
    show_default=True,
    help="csv (spreadsheets, pandas), parquet (typed columns), jsonl, or plover (one PLOVER "
    "event per dyad).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--unit",
    type=click.Choice(["meeting", "participant", "dyad"]),
    default="meeting",
    show_default=True,
    help="One row per meeting, per participant, or per ordered pair of states (ICEWS-style).",
)
@click.option(
    "--status", "statuses", multiple=True, type=click.Choice(["held", "planned", "cancelled"])
)
@click.option(
    "--country", "countries", multiple=True, help="Keep meetings with this state (alpha-2)."
)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Meetings dated on or after.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Meetings dated on or before.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.0)
@click.option("--bom", is_flag=True, help="CSV with a UTF-8 byte order mark (for Excel).")
@click.option(
    "--dedupe",
    is_flag=True,
    help="One row per real meeting: reports of the same meeting (same parties, dates within "
    "a day) merged, with their source ids and the fields on which they disagree.",
)
def export(
    results: Path,
    format_name: str,
    output: Path,
    unit: str,
    statuses: tuple[str, ...],
    countries: tuple[str, ...],
    since: dt.datetime | None,
    until: dt.datetime | None,
    min_confidence: float,
    bom: bool,
    dedupe: bool,
) -> None:
    """Flatten a results file (extractor extract -o RESULTS.jsonl) into rows: a meeting, a
    participant or a dyad each, with CAMEO and PLOVER codes and ISO alpha-3 beside alpha-2."""
    from extractor.export import Filters, columns, rows
    from extractor.export.dedupe import MERGED_COLUMNS, merged_rows
    from extractor.export.dedupe import dedupe as dedupe_meetings
    from extractor.export.reading import ResultsFile
    from extractor.export.writers import (
        check_writable,
        write_csv,
        write_jsonl,
        write_parquet,
        write_plover,
    )

    if format_name == "plover":
        unit = "dyad"
    if dedupe and (unit != "meeting" or format_name == "plover"):
        fail("--dedupe merges meetings: use it with --unit meeting and a table format")
    filters = Filters(
        statuses=frozenset(statuses),
        countries=frozenset(c.upper() for c in countries),
        since=since.date() if since else None,
        until=until.date() if until else None,
        min_confidence=min_confidence,
    )
    source = ResultsFile(results)
    chosen = cast("Unit", unit)
    table = MERGED_COLUMNS if dedupe else columns(chosen)
    names = [name for name, _ in table]
    try:
        check_writable(output)
        selected = (
            merged_rows(dedupe_meetings(_kept(source, filters)))
            if dedupe
            else rows(source, chosen, filters)
        )
        if format_name == "csv":
            count = write_csv(selected, output, names, bom=bom)
        elif format_name == "jsonl":
            count = write_jsonl(selected, output, names)
        elif format_name == "parquet":
            count = write_parquet(selected, output, table)
        else:
            count = write_plover(selected, output)
    except ExtractorError as error:
        fail(str(error))
    except OSError as error:
        click.echo(f"extractor: error: {output}: cannot write it: {error.strerror}", err=True)
        raise SystemExit(EXIT_OUTPUT_FAILED) from None
    for message in source.skipped[:10]:
        click.echo(f"extractor: skipped {message}", err=True)
    if len(source.skipped) > 10:
        click.echo(f"extractor: skipped {len(source.skipped) - 10} more lines", err=True)
    what = "events" if format_name == "plover" else ("real meetings" if dedupe else f"{unit} rows")
    click.echo(f"extractor: {count} {what} written to {output}", err=True)


def _kept(results: Iterable[dict[str, Any]], filters: Filters) -> Iterator[dict[str, Any]]:
    """The results with only the meetings the filters keep, for ``--dedupe``."""
    for result in results:
        meetings = [m for m in result.get("meetings") or [] if filters.keep(m)]
        yield {**result, "meetings": meetings}
