"""``extractor view``: a batch of results as one self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from extractor.cli.app import fail, write_file
from extractor.errors import ExtractorError


@click.command()
@click.argument("results", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def view(results: Path, output: Path) -> None:
    """Write RESULTS (extractor extract -o RESULTS.jsonl) as one HTML page: each document's
    text with its evidence highlighted beside its records, most records first, with filters
    by status, country, person, warnings and errors, and a search box. Texts come from the
    results (--include-text) or from the source files, read again."""
    from extractor.export.reading import ResultsFile
    from extractor.export.view import build_view

    source = ResultsFile(results)
    try:
        page = build_view(source, title=results.name)
    except ExtractorError as error:
        fail(str(error))
    write_file(output, page, what="--output")
    for message in source.skipped:
        click.echo(f"extractor: skipped {message}", err=True)
    click.echo(f"extractor: wrote {output}", err=True)
