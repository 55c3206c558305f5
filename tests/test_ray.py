"""``extractor.ray.extract_dataset`` on a local Ray (``ray.init(num_cpus=2)``): the results of
the in-process batch, every document once even when a worker process is killed mid-run."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ray = pytest.importorskip("ray")  # the ``ray`` extra, installed with the test extras

from benchmarks.corpus import build_corpus  # noqa: E402
from extractor import Document, extract_many  # noqa: E402
from extractor.ray import extract_dataset  # noqa: E402


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def articles(count: int) -> list[dict[str, Any]]:
    return [
        {"id": f"a{n}", "text": text, "published_at": "2024-03-08T14:07:00+09:00"}
        for n, text in enumerate(build_corpus(count))
    ]


def test_five_hundred_documents_give_the_in_process_results(local_ray: None) -> None:
    rows = articles(500)
    rows[7]["text"] = "   "  # an empty article: its error result, as a JSON Lines row's
    got = extract_dataset(ray.data.from_items(rows), backend="rules").to_pandas()
    documents = [
        Document(text=r["text"], id=r["id"], published_at=r["published_at"])
        if r["text"].strip()
        else r["text"]
        for r in rows
    ]
    expected = {
        (r.source.id if r.source.id != "" else None): r.to_json()
        for r in extract_many(documents, backend="rules")
    }
    assert len(got) == 500 and got["id"].is_unique
    by_id = dict(zip(got["id"], got["result"], strict=True))
    for row in rows:
        if row["text"].strip():
            assert by_id[row["id"]] == expected[row["id"]], row["id"]
    empty = got[got["id"] == "a7"].iloc[0]
    assert empty["error_type"] == "MalformedInput"
    assert got["meetings"].sum() > 100


def _map_workers() -> list[int]:
    """The pids of the Ray worker processes running our map tasks."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"MapBatches(_extract_block)" in title or b"ray::ReadRange->MapBatches" in title:
            found.append(int(entry.name))
    return found


def test_a_worker_killed_mid_run_is_retried_and_every_document_comes_once(
    local_ray: None,
) -> None:
    rows = articles(1200)
    outcome: dict[str, Any] = {}

    def run() -> None:
        outcome["frame"] = extract_dataset(
            ray.data.from_items(rows), backend="rules", batch_size=32
        ).to_pandas()

    worker = threading.Thread(target=run)
    worker.start()
    killed = None
    deadline = time.monotonic() + 60
    while killed is None and worker.is_alive() and time.monotonic() < deadline:
        pids = _map_workers()
        if pids:
            killed = pids[0]
            os.kill(killed, signal.SIGKILL)
        time.sleep(0.05)
    worker.join(300)
    assert killed is not None, "no map task was seen running"
    frame = outcome["frame"]
    assert sorted(frame["id"]) == sorted(r["id"] for r in rows)  # each once, none lost
    assert frame["error_type"].isna().all()


def test_extract_on_ray_writes_parts_and_a_rerun_writes_only_the_missing(
    local_ray: None, tmp_path: Path
) -> None:
    import json
    import subprocess
    import sys

    feed = tmp_path / "feed.jsonl"
    rows = articles(250)
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    local = tmp_path / "local.jsonl"
    base = [sys.executable, "-m", "extractor", "extract", str(feed), "--backend", "rules", "-q"]
    subprocess.run([*base, "-o", str(local)], check=True)
    parts = tmp_path / "parts"
    # joins the test's local Ray (--ray-address auto) rather than starting one per run
    on_ray = [*base, "--engine", "ray", "--ray-address", "auto", "--part-rows", "100"]
    on_ray += ["-o", str(parts)]
    first = subprocess.run(on_ray, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    names = sorted(p.name for p in parts.iterdir())
    assert names == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    joined = "".join((parts / name).read_text(encoding="utf-8") for name in names)
    assert joined == local.read_text(encoding="utf-8")  # the local engine's lines, in order
    (parts / "part-00001.jsonl").unlink()  # as if the run had died before writing it
    again = subprocess.run(on_ray, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert "1 parts written" in again.stderr and "2 parts already there" in again.stderr
    rejoined = "".join((parts / name).read_text(encoding="utf-8") for name in names)
    assert rejoined == joined


def test_parquet_in_and_parquet_parts_out(local_ray: None, tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    import pandas as pd

    rows = articles(60)
    table = tmp_path / "feed.parquet"
    pd.DataFrame(rows).to_parquet(table, index=False)
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    local = tmp_path / "local.jsonl"
    base = [sys.executable, "-m", "extractor", "extract", "--backend", "rules", "-q"]
    subprocess.run([*base, str(feed), "-o", str(local)], check=True)
    parts = tmp_path / "parts"
    on_ray = [*base, str(table), "--engine", "ray", "--ray-address", "auto"]
    done = subprocess.run(
        [*on_ray, "--parts", "parquet", "-o", str(parts)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    frame = pd.read_parquet(parts / "part-00000.parquet")
    assert list(frame["id"]) == [r["id"] for r in rows]
    expected = [json.loads(line) for line in local.read_text(encoding="utf-8").splitlines()]
    got = [json.loads(line) for line in frame["result"]]
    assert [g["meetings"] for g in got] == [e["meetings"] for e in expected]
