"""The benchmark suite: one command, one table of measured figures.

    python benchmarks/run.py              # everything (several minutes)
    python benchmarks/run.py --quick      # smaller corpora and fewer runs
    python benchmarks/run.py --only llm   # one group: startup, rules, long or llm

Rules backend: the real CLI on JSON Lines corpora of ~3,000-character articles built from
the fixtures (1,000 and 10,000 articles), with one and two worker processes: articles per
second, peak memory (RSS of the main process), and in-process latency per article. Long
pages: one document of 1, 4 and 16 MB (4 MB at most with --quick) of those articles joined, as
a digest page or a scraped archive is, read by the rules in a process of its own: seconds,
seconds per MB (constant when the cost is linear in the length) and peak RSS; and one page of
1 MB dense with meeting words (one sentence of meetings, names and titles, repeated). LLM path:
200 articles against the fake server of the test suite (in a process of its own, as a real
endpoint is remote) answering one meeting after 200 ms, at several concurrencies, beside a
bare ``AsyncOpenAI`` loop sending the very request bodies our pipeline sent (captured from
it, so the ratio is our overhead and not a difference in payload); then a rerun answered
from the response cache. Every figure is the median of several runs; the machine is shared
and noisy, so ratios say more than absolute times.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import build_corpus, dense_page, long_page  # noqa: E402
from extractor.backends import get_backend  # noqa: E402
from extractor.ingest import document_from_text  # noqa: E402
from extractor.llm.config import LLMConfig  # noqa: E402
from extractor.pipeline import aextract_many  # noqa: E402
from tests.fake_llm import SEED_MEETING, FakeLLM, answer  # noqa: E402

Row = tuple[str, str]
GROUPS = ("startup", "rules", "long", "llm")


# The child reports its own peak memory: VmHWM belongs to the child's own address space,
# whereas ru_maxrss would also count the benchmark process it was forked from.
_PEAK_RSS = """
import atexit, runpy, sys
def report():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            print("peak-rss-kb", line.split()[1], file=sys.stderr)
atexit.register(report)
sys.argv = ["extractor", *sys.argv[1:]]
runpy.run_module("extractor", run_name="__main__")
"""


def run_cli(corpus: Path, workers: int) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `extractor extract` run on ``corpus``."""
    command = [
        sys.executable,
        "-c",
        _PEAK_RSS,
        "extract",
        str(corpus),
        "--backend",
        "rules",
        "-q",
        "--workers",
        str(workers),
        "-o",
        os.devnull,
    ]
    started = time.perf_counter()
    finished = subprocess.run(
        command,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if finished.returncode != 0:
        raise SystemExit(f"benchmark run failed: {finished.stderr[-500:]}")
    peak = [
        line.split()[1] for line in finished.stderr.splitlines() if line.startswith("peak-rss-kb")
    ]
    return elapsed, int(peak[-1]) / 1024 if peak else float("nan")


def rules_rows(sizes: list[int], runs: int, directory: Path, *, every_fixture: bool) -> list[Row]:
    rows: list[Row] = []
    texts = build_corpus(max(sizes), every_fixture=every_fixture)
    for size in sizes:
        corpus = directory / f"corpus-{size}.jsonl"
        corpus.write_text(
            "".join(json.dumps({"id": f"a{i}", "text": texts[i]}) + "\n" for i in range(size))
        )
        for workers in (1, 2):
            measured = [run_cli(corpus, workers) for _ in range(runs)]
            seconds = statistics.median(m[0] for m in measured)
            memory = max(m[1] for m in measured)
            rows.append(
                (
                    f"rules, {size:,} articles, --workers {workers}",
                    f"{size / seconds:,.0f} articles/s ({seconds:.2f} s, CLI start "
                    f"included); peak RSS {memory:.0f} MB",
                )
            )
    backend = get_backend("rules")
    documents = [document_from_text(t) for t in texts[:1000]]
    backend.extract(documents[0])
    latencies = []
    for document in documents:
        started = time.perf_counter()
        backend.extract(document)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    rows.append(
        (
            "rules, latency per article (1,000 articles, in process)",
            f"median {statistics.median(latencies):.2f} ms, "
            f"p95 {latencies[int(len(latencies) * 0.95)]:.2f} ms",
        )
    )
    return rows


# One long page read in a process of its own: the seconds of the extraction alone (start-up
# and reading the file aside) and the process's peak memory.
_TIMED_PAGE = """
import sys, time
from extractor import extract
text = open(sys.argv[1], encoding="utf-8").read()
started = time.perf_counter()
extract(text, backend="rules")
elapsed = time.perf_counter() - started
peak = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")]
print(elapsed, peak[0] if peak else "nan")
"""


def long_page_rows(sizes: list[int], runs: int, directory: Path) -> list[Row]:
    """Rules time against the length of one document: seconds per MB stays flat when the
    cost grows linearly (it once grew with meetings times sentences); then a page dense with
    meeting words (its cost once grew with their number squared)."""
    rows: list[Row] = []
    for megabytes in sizes:
        page = directory / f"page-{megabytes}mb.txt"
        page.write_text(long_page(megabytes), encoding="utf-8")
        seconds, peak_mb = _timed_page(page, runs)
        rows.append(
            (
                f"rules, one page of {megabytes} MB",
                f"{seconds:.2f} s, {seconds / megabytes:.2f} s/MB; peak RSS {peak_mb:.0f} MB",
            )
        )
    page = directory / "dense-1mb.txt"
    page.write_text(dense_page(1), encoding="utf-8")
    seconds, peak_mb = _timed_page(page, runs)
    rows.append(
        (
            "rules, one page of 1 MB dense with meeting words",
            f"{seconds:.2f} s; peak RSS {peak_mb:.0f} MB",
        )
    )
    return rows


def _timed_page(page: Path, runs: int) -> tuple[float, float]:
    """The median seconds of the rules on ``page``, each run in a process of its own, and
    the largest peak RSS in MB."""
    measured = []
    for _ in range(runs):
        finished = subprocess.run(
            [sys.executable, "-c", _TIMED_PAGE, str(page)],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=True,
        )
        seconds, peak_kb = finished.stdout.split()
        measured.append((float(seconds), float(peak_kb) / 1024))
    return statistics.median(m[0] for m in measured), max(m[1] for m in measured)


async def ours(texts: list[str], url: str, concurrency: int, cache: Path | None) -> float:
    config = LLMConfig(
        model="fake",
        strategy="direct",  # the overhead of our path over instructor's, on the same request
        base_url=url,
        api_key="benchmark",
        cache=cache is not None,
        cache_dir=cache,
        concurrency=concurrency,
        max_transport_retries=0,
    )
    backend = get_backend("llm", config=config)
    gc.collect()  # see bare()
    started = time.perf_counter()
    results = [r async for r in aextract_many(texts, backend=backend)]
    assert all(r.error is None for r in results), "a benchmark request failed"
    return time.perf_counter() - started


async def bare(bodies: list[dict[str, Any]], url: str, concurrency: int) -> float:
    """The floor: the same request bodies with the plain client, nothing else (its creation
    timed too, as ours creates its client on its first request).

    Both start with a full garbage collection: one costs about 0.1 s in this process (some
    200,000 objects), and would otherwise land in whichever run crosses the threshold, often
    paying for the garbage of the run before.
    """
    import openai

    gc.collect()
    started = time.perf_counter()
    client = openai.AsyncOpenAI(base_url=url, api_key="benchmark", max_retries=0)
    limit = asyncio.Semaphore(concurrency)

    async def one(body: dict[str, Any]) -> None:
        async with limit:
            await client.chat.completions.create(**body)

    await asyncio.gather(*(one(b) for b in bodies))
    return time.perf_counter() - started


def sent_bodies(texts: list[str]) -> list[dict[str, Any]]:
    """The request bodies our pipeline sends for ``texts``, as the fake server received them."""
    with FakeLLM(default=answer([SEED_MEETING])) as server:
        asyncio.run(ours(texts, server.url, 32, None))
    return [request.body for request in server.requests]


@contextmanager
def fake_server(delay: float) -> Iterator[str]:
    """The fake server in a process of its own (``python -m tests.fake_llm``): its URL."""
    command = [
        "-m",
        "tests.fake_llm",
        "--delay",
        str(delay),
        "--meetings",
        json.dumps([SEED_MEETING]),
    ]
    process = subprocess.Popen(
        [sys.executable, *command],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        yield process.stdout.readline().strip()
    finally:
        process.stdin.close()  # the server's signal to stop
        process.wait(timeout=30)


def llm_rows(count: int, concurrencies: list[int], runs: int, directory: Path) -> list[Row]:
    seed = (ROOT / "fixtures" / "seed-article.txt").read_text(encoding="utf-8")
    texts = [seed.replace("Thursday", f"Thursday ({i})") for i in range(count)]
    bodies = sent_bodies(texts)
    rows: list[Row] = []
    with fake_server(delay=0.2) as url:
        for concurrency in concurrencies:
            repeat = 1 if concurrency == 1 else runs  # 40 s a run at concurrency 1
            mine = statistics.median(
                asyncio.run(ours(texts, url, concurrency, None)) for _ in range(repeat)
            )
            floor = statistics.median(
                asyncio.run(bare(bodies, url, concurrency)) for _ in range(repeat)
            )
            rows.append(
                (
                    f"LLM, {count} articles at 200 ms, concurrency {concurrency}",
                    f"{mine:.2f} s; bare AsyncOpenAI {floor:.2f} s; overhead x{mine / floor:.2f}",
                )
            )
        cache = directory / "cache"
        first = asyncio.run(ours(texts, url, 32, cache))
        again = statistics.median(asyncio.run(ours(texts, url, 32, cache)) for _ in range(runs))
    rows.append(
        (
            f"LLM, rerun from the cache ({count} articles)",
            f"{count / again:,.0f} articles/s ({again:.2f} s vs {first:.2f} s first run, "
            f"x{first / again:.0f} faster)",
        )
    )
    return rows


def startup_rows(runs: int) -> list[Row]:
    seed = ROOT / "fixtures" / "seed-article.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rows = []
    for label, args in (
        ("extractor --help", ["--help"]),
        ("one article, rules", ["extract", str(seed), "--backend", "rules", "-q"]),
    ):
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "extractor", *args],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            times.append(time.perf_counter() - started)
        rows.append((f"start-up: {label}", f"{statistics.median(times):.2f} s wall"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="1,000 and 3,000 articles, pages of 1 and 4 MB, 1 run"
    )
    parser.add_argument("--only", choices=GROUPS, action="append", help="run only this group")
    parser.add_argument(
        "--corpus",
        choices=("fixed", "all"),
        default="fixed",
        help="rules corpus from the benchmark's fixed fixtures (default) or from every fixture",
    )
    args = parser.parse_args()
    groups = args.only or GROUPS
    runs = 1 if args.quick else 3
    sizes = [1000, 3000] if args.quick else [1000, 10000]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        if "startup" in groups:
            rows += startup_rows(runs * 2)
        if "rules" in groups:
            rows += rules_rows(sizes, runs, directory, every_fixture=args.corpus == "all")
        if "long" in groups:
            rows += long_page_rows([1, 4] if args.quick else [1, 4, 16], runs, directory)
        if "llm" in groups:
            rows += llm_rows(200, [8, 32] if args.quick else [1, 8, 32], runs, directory)
    width = max(len(label) for label, _ in rows)
    print(f"benchmarks ({os.cpu_count()} cores, Python {sys.version.split()[0]})")
    for label, figure in rows:
        print(f"  {label:<{width}}  {figure}")


if __name__ == "__main__":
    main()
