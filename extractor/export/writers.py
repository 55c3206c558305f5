"""Rows written as a file: CSV, JSON Lines, Parquet, or PLOVER events.

- CSV: UTF-8 (with a byte order mark when ``bom``, which Excel needs to read UTF-8), a header
  row, ISO 8601 dates, empty cells for null; read by pandas (``parse_dates``), R and
  spreadsheets alike.
- JSON Lines: one object per row, dates as ISO 8601 strings.
- Parquet (``pyarrow``, the ``parquet`` extra): every column typed (dates as ``date32``,
  ``published_at`` as a UTC timestamp, integers and floats as such).
- PLOVER: one JSON Lines event per dyad of a held or planned meeting, in the PLOVER data
  format's field names (``id``, ``date``, ``actor``, ``recipient``, ``event``, ``mode``,
  ``event_loc``, ``event_text``, ``quad_code``, ``coder``; PLOVER manual, "PLOVER JSON").

Each writer returns the number of rows (or events) it wrote.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from extractor.errors import ConfigurationError
from extractor.export.rows import ColumnType, Row

Format = Literal["csv", "jsonl", "parquet", "plover"]
FORMATS: tuple[Format, ...] = ("csv", "jsonl", "parquet", "plover")
_PARQUET_BATCH = 10_000  # rows per Parquet row group: bounded memory for any export


def write_csv(rows: Iterable[Row], path: Path, names: list[str], *, bom: bool = False) -> int:
    """Write ``rows`` as CSV with the header ``names``; the number of rows written."""
    count = 0
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(names)
        for row in rows:
            writer.writerow(["" if row[n] is None else _text(row[n]) for n in names])
            count += 1
    return count


def write_jsonl(rows: Iterable[Row], path: Path, names: list[str]) -> int:
    """Write ``rows`` as JSON Lines (dates as ISO 8601); the number of rows written."""
    count = 0
    with path.open("w", encoding="utf-8") as file:
        for row in rows:
            record = {n: None if row[n] is None else _json(row[n]) for n in names}
            file.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def write_parquet(
    rows: Iterable[Row], path: Path, columns: tuple[tuple[str, ColumnType], ...]
) -> int:
    """Raises ``ConfigurationError`` when ``pyarrow`` is not installed."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ConfigurationError(
            "Parquet needs pyarrow: pip install 'extractor[parquet]' (or pyarrow)"
        ) from None
    types = {
        "str": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "datetime": pa.timestamp("us", tz="UTC"),
    }
    schema = pa.schema([(name, types[kind]) for name, kind in columns])
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[Row] = []
        for row in rows:
            batch.append(row)
            if len(batch) == _PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count, batch = count + len(batch), []
        if batch or count == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


def write_plover(rows: Iterable[Row], path: Path, *, coded: dt.date | None = None) -> int:
    """One PLOVER event per dyad row that has an event code (a cancelled meeting has none)."""
    count = 0
    with path.open("w", encoding="utf-8") as file:
        for row in rows:
            if row["plover_event"] is None:
                continue
            file.write(json.dumps(plover_event(row, coded=coded), ensure_ascii=False) + "\n")
            count += 1
    return count


def plover_event(row: Row, *, coded: dt.date | None = None) -> dict[str, Any]:
    """The PLOVER record of one dyad row (see the module docstring)."""
    modes = row["plover_mode"].split("; ") if row["plover_mode"] else []
    return {
        "id": f"{row['source_id']}:{row['meeting_index']}:"
        f"{row['source_country']}-{row['target_country']}",
        "date": row["date"].isoformat() if row["date"] else None,
        "actor": [_entity(row["source_country_alpha3"], row["source_people"])],
        "recipient": [_entity(row["target_country_alpha3"], row["target_people"])],
        "event": [row["plover_event"]],
        "mode": modes,
        "context": ["diplomatic"] if row["plover_event"] == "AGREE" else [],
        "event_loc": {"place_name": row["city"], "country": row["location_country_alpha3"]},
        "event_text": [row["evidence"]] if row["evidence"] else [],
        "quad_code": 1,  # verbal cooperation, the quad of CONSULT and AGREE
        "cameo_code": row["cameo_code"],
        "cite_info": {"source_id": row["source_id"], "url": row["source_url"]},
        "coder": f"extractor {row['backend']}" + (f" {row['model']}" if row["model"] else ""),
        "coded_date": (coded or dt.date.today()).isoformat(),
    }


def _entity(code: str | None, people: str | None) -> dict[str, Any]:
    return {"code": code, "sector": "GOV", "entity_text": people}


def _text(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _json(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value


def check_writable(path: Path) -> None:
    """Raises ``ConfigurationError`` naming ``path`` when its folder does not exist."""
    if not path.parent.exists():
        raise ConfigurationError(f"{path}: the folder {path.parent} does not exist")
