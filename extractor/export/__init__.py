"""What analysts do next with results: flat typed rows (one per meeting, participant or dyad),
their event-data codes (CAMEO, PLOVER, ISO alpha-3), and the files that hold them."""

from extractor.export.codes import EventCode, alpha3, dyad_code
from extractor.export.dedupe import MergedMeeting, dedupe, merged_rows
from extractor.export.rows import UNITS, Filters, Unit, columns, rows
from extractor.export.writers import (
    FORMATS,
    Format,
    plover_event,
    write_csv,
    write_jsonl,
    write_parquet,
    write_plover,
)

__all__ = [
    "FORMATS",
    "UNITS",
    "EventCode",
    "Filters",
    "Format",
    "MergedMeeting",
    "Unit",
    "alpha3",
    "columns",
    "dedupe",
    "dyad_code",
    "merged_rows",
    "plover_event",
    "rows",
    "write_csv",
    "write_jsonl",
    "write_parquet",
    "write_plover",
]
