"""Ray Data: extraction over a cluster (the ``ray`` extra, ``pip install 'extractor[ray]'``).

``extract_dataset(ds, backend=...)`` maps a ``ray.data.Dataset`` of articles (a text column,
an id column, an optional publication column, ISO 8601 text) to one of results, one row per
article: the contract's main fields as columns (``id``, ``backend``, ``meetings``,
``error_type``) and the whole result line (``result``, JSON). Rows come in the input's order
when Ray Data is told to keep it (``DataContext.execution_options.preserve_order``); the
``id`` column ties each to its article either way. Each block goes through the
same batch engine as ``extractor extract`` (``extractor.batch.run``), so a row gets exactly
the result the CLI gives it:

- a CPU-bound backend (the rules) runs as Ray tasks, one per block, as many at once as the
  cluster has CPUs; a task whose worker dies is retried by Ray (``max_retries``);
- a backend that waits on a model (``AsyncBackend``, the LLM) runs in an actor pool: each
  actor holds one backend (one client, one response cache) and has its async window of
  ``concurrency`` requests in flight; an actor that dies is restarted (``max_restarts``).

The backend is made in each worker from its registered name and options (``config`` for the
LLM): backends are not sent over the wire, and a worker makes its own once.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import count, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor import batch
from extractor.backends import AsyncBackend, Backend, get_backend
from extractor.document import Document
from extractor.errors import ConfigurationError
from extractor.ingest import InputFailure, row_item

if TYPE_CHECKING:
    import ray.data

_RETRIES = 3  # times Ray runs a block again after its worker died
_BLOCK_ROWS = 64  # articles per batch: a few hundred milliseconds of the rules' work


def extract_dataset(
    ds: ray.data.Dataset,
    *,
    backend: str = "rules",
    text_column: str = "text",
    id_column: str = "id",
    published_column: str | None = "published_at",
    include_text: bool = False,
    actors: int = 1,
    batch_size: int = _BLOCK_ROWS,
    **backend_options: Any,
) -> ray.data.Dataset:
    """A dataset of results, one row per row of ``ds``, in order (see the module docstring).

    ``backend`` is a registered name; ``backend_options`` go to its factory (``config=`` an
    ``LLMConfig``). ``actors`` is the size of the actor pool for a backend that waits on a
    model (each with the backend's own ``concurrency``). A row without text (or with a column
    missing) gets an error result, as in a batch. Raises ``BackendUnavailable`` at once for a
    backend that cannot be made here."""
    probe = get_backend(backend, **backend_options)  # refused now, not in every worker
    waits = isinstance(probe, AsyncBackend)
    columns = (text_column, id_column, published_column)
    settings = {
        "backend": backend,
        "options": tuple(sorted(backend_options.items())),
        "columns": columns,
        "include_text": include_text,
    }
    if waits:
        return ds.map_batches(
            _BlockActor,
            fn_constructor_kwargs=settings,
            batch_size=batch_size,
            batch_format="pandas",
            concurrency=actors,
            ray_remote_args_fn=_actor_retries,
        )
    return ds.map_batches(
        _extract_block,
        fn_kwargs=settings,
        batch_size=batch_size,
        batch_format="pandas",
        ray_remote_args_fn=_task_retries,
    )


def _task_retries() -> dict[str, Any]:
    return {"max_retries": _RETRIES}


def _actor_retries() -> dict[str, Any]:
    return {"max_restarts": _RETRIES, "max_task_retries": _RETRIES}


def _extract_block(block: Any, **settings: Any) -> dict[str, list[Any]]:
    """A block of articles (a pandas frame) as result columns, in a Ray task."""
    return _results(block, _backend(settings["backend"], settings["options"]), settings)


class _BlockActor:
    """An actor of the pool: one backend for every block it is given."""

    def __init__(self, **settings: Any) -> None:
        self.settings = settings
        self.backend = get_backend(settings["backend"], **dict(settings["options"]))

    def __call__(self, block: Any) -> dict[str, list[Any]]:
        return _results(block, self.backend, self.settings)


@cache
def _backend(name: str, options: tuple[tuple[str, Any], ...]) -> Backend:
    """This worker process's backend of that name, made once."""
    return get_backend(name, **dict(options))


def _results(block: Any, backend: Backend, settings: dict[str, Any]) -> dict[str, list[Any]]:
    text_column, id_column, published_column = settings["columns"]
    rows = block.to_dict("records")
    items = [_item(row, text_column, id_column, published_column) for row in rows]
    return _lines(items, backend, include_text=settings["include_text"])


def _lines(
    items: list[Document | InputFailure], backend: Backend, *, include_text: bool
) -> dict[str, list[Any]]:
    """The result columns of ``items``, in their order, from the batch engine."""
    out: dict[str, list[Any]] = {
        "id": [],
        "backend": [],
        "meetings": [],
        "error_type": [],
        "result": [],
    }
    for line in batch.run(items, backend, include_text=include_text):
        out["id"].append(line.id)
        out["backend"].append(line.backend)
        out["meetings"].append(line.meetings)
        out["error_type"].append(line.error.type if line.error else None)
        out["result"].append(line.json)
    return out


def _item(
    row: dict[str, Any], text_column: str, id_column: str, published_column: str | None
) -> Document | InputFailure:
    """One row as the document a JSON Lines row would give (or the failure naming it)."""
    given = row.get(id_column)
    fields = {
        "text": row.get(text_column),
        "id": None if given is None else str(given),
        "published_at": _as_text(row.get(published_column)) if published_column else None,
    }
    where = f"row {given}" if given is not None else "a row without id"
    return row_item(fields, where=where, fallback_id="", analyse=False)


def _as_text(value: object) -> str | None:
    """A publication moment as ISO text: a timestamp column's value too."""
    return None if value is None else value if isinstance(value, str) else str(value)


# -- extract --engine ray: files in, a folder of numbered parts out -----------------------------


@dataclass
class PartsRun:
    """What ``extract_to_parts`` did: parts written now, parts found already written (a
    rerun after a crash), documents extracted now."""

    written: int = 0
    skipped: int = 0
    documents: int = 0
    errors: int = 0


def extract_to_parts(
    items: Iterable[Document | InputFailure],
    folder: Path,
    *,
    backend: str,
    backend_options: dict[str, Any],
    include_text: bool = False,
    part_rows: int = 2000,
    parquet: bool = False,
) -> PartsRun:
    """Extract ``items`` (as ``read_target`` yields them) on Ray into ``folder``: the k-th
    ``part_rows`` documents give ``part-k.jsonl`` (or ``.parquet``), their results in input
    order. A part is written to a temporary name and renamed when whole, so a part that
    exists is complete: a rerun after a crash skips it and extracts only the rest, and no
    result is written twice. Raises ``BackendUnavailable`` for a backend that cannot be
    made."""
    get_backend(backend, **backend_options)
    _ray_data()
    folder.mkdir(parents=True, exist_ok=True)
    run = PartsRun()
    suffix = ".parquet" if parquet else ".jsonl"
    options = tuple(sorted(backend_options.items()))
    source = iter(items)
    for number in count():
        chunk = list(islice(source, part_rows))
        if not chunk:
            return run
        part = folder / f"part-{number:05d}{suffix}"
        if part.exists():
            run.skipped += 1
            continue
        rows = [{"position": i, "item": item} for i, item in enumerate(chunk)]
        ds = _ray_data().from_items(rows)
        done = (
            ds.map_batches(
                _extract_items,
                fn_kwargs={"backend": backend, "options": options, "include_text": include_text},
                batch_size=_BLOCK_ROWS,
                batch_format="pandas",
                ray_remote_args_fn=_task_retries,
            )
            .to_pandas()
            .sort_values("position")
        )
        _write_part(done, part, parquet=parquet)
        run.written += 1
        run.documents += len(done)
        run.errors += int(done["error_type"].notna().sum())
    return run


def _extract_items(block: Any, **settings: Any) -> dict[str, list[Any]]:
    """A block of documents (objects, with their place in the part) as result columns."""
    backend = _backend(settings["backend"], settings["options"])
    lines = _lines(list(block["item"]), backend, include_text=settings["include_text"])
    return {"position": list(block["position"]), **lines}


def _write_part(frame: Any, part: Path, *, parquet: bool) -> None:
    """The part's results, written whole under a temporary name, then renamed."""
    partial = part.with_name(part.name + ".partial")
    if parquet:
        frame.drop(columns=["position"]).to_parquet(partial, index=False)
    else:
        partial.write_text("".join(f"{line}\n" for line in frame["result"]), encoding="utf-8")
    os.replace(partial, part)


def parquet_documents(
    path: Path, *, published_at: dt.datetime | None = None
) -> Iterator[Document | InputFailure]:
    """The documents of a Parquet file whose rows are JSON Lines rows (``id``, ``text`` or
    ``html``, ``published_at``, ``url``, ``title``), read a row group at a time (pyarrow);
    a row that is not a document is a failure naming the file and the row."""
    import pyarrow.parquet as pq

    number = 0
    for group in pq.ParquetFile(path).iter_batches(batch_size=1024):
        for row in group.to_pylist():
            number += 1
            yield row_item(
                {**row, "published_at": _as_text(row.get("published_at"))},
                where=f"{path}:{number}",
                fallback_id=f"{path.stem}:{number}",
                path=str(path),
                line=number,
                published_at=published_at,
                analyse=False,
            )


def _ray_data() -> Any:
    """``ray.data``; raises ``ConfigurationError`` with the install command when the ``ray``
    extra is missing."""
    try:
        import ray.data
    except ImportError:
        raise ConfigurationError("--engine ray needs Ray: pip install 'extractor[ray]'") from None
    return ray.data
