"""The service benchmark: ``extractor serve`` as a user runs it, measured from outside.

    python benchmarks/service.py            # 2,000 requests, then a 500-document LLM job
    python benchmarks/service.py --quick    # 400 requests, a 100-document job

1. Rules, one article per request: ``POST /v1/extract`` with the benchmark corpus's
   ~3,000-character articles (``benchmarks/corpus.py``), 32 connections kept alive, run
   twice: as fast as the server answers (closed loop: each connection sends its next request
   when the last is answered, so the latency includes the queue 32 clients make), and at an
   offered rate of 300 requests/s (open loop: requests start on a fixed schedule, at most 32
   in flight), which is the issue's target load. Requests/s, p50/p95/p99 latency, errors and
   the peak RSS of the server and of its worker processes (``VmHWM``, each process's own).
2. LLM, one job: 500 documents through ``POST /v1/jobs`` with ``--backend llm`` against the
   test suite's fake server (a process of its own) answering after 200 ms; the wall time from
   submitting to the last result, against the ideal (documents x 200 ms / concurrency).

The load generator is aiohttp (already installed: instructor depends on it) in this process;
it shares the machine's two cores with the server, as any client on the same machine would.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import build_corpus  # noqa: E402
from benchmarks.run import fake_server  # noqa: E402
from tests.service_process import ServeProcess  # noqa: E402

CONNECTIONS = 32
TARGET_RATE = 300.0  # requests/s, the target
LLM_DELAY = 0.2  # seconds per fake model answer


async def closed_loop(url: str, bodies: list[bytes]) -> tuple[float, list[float], int]:
    """Every body once, ``CONNECTIONS`` clients each sending its next request when its last
    is answered: (wall seconds, latencies in seconds, errors)."""
    queue = iter(bodies)
    latencies: list[float] = []
    errors = 0

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        for body in queue:
            started = time.perf_counter()
            ok = await _post(session, url, body)
            latencies.append(time.perf_counter() - started)
            errors += not ok

    async with _session() as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session) for _ in range(CONNECTIONS)))
        return time.perf_counter() - started, latencies, errors


async def open_loop(url: str, bodies: list[bytes], rate: float) -> tuple[float, list[float], int]:
    """Every body once, request i started at i / ``rate`` seconds (later only when
    ``CONNECTIONS`` are in flight): latencies count from the scheduled start, so a server that
    falls behind is charged for the wait (no coordinated omission)."""
    slots = asyncio.Semaphore(CONNECTIONS)
    latencies: list[float] = []
    errors = 0

    async def one(session: aiohttp.ClientSession, body: bytes, due: float) -> None:
        nonlocal errors
        async with slots:
            ok = await _post(session, url, body)
        latencies.append(time.perf_counter() - due)
        errors += not ok

    async with _session() as session:
        started = time.perf_counter()
        tasks = []
        for number, body in enumerate(bodies):
            due = started + number / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            tasks.append(asyncio.create_task(one(session, body, due)))
        await asyncio.gather(*tasks)
        return time.perf_counter() - started, latencies, errors


def _session() -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=CONNECTIONS)
    return aiohttp.ClientSession(connector=connector, headers={"content-type": "application/json"})


async def _post(session: aiohttp.ClientSession, url: str, body: bytes) -> bool:
    try:
        async with session.post(url, data=body) as response:
            await response.read()
            return response.status == 200
    except aiohttp.ClientError:
        return False


def peak_rss_mb(server: ServeProcess) -> tuple[float, float]:
    """Peak RSS (MB) of the server process and the largest of its worker processes."""
    own = _vm_hwm(server.process.pid)
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    workers = [_vm_hwm(int(pid)) for pid in children.read_text().split()]
    return own, max(workers, default=0.0)


def _vm_hwm(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(share) - 1]


def rules_rows(count: int, directory: Path) -> list[tuple[str, str]]:
    bodies = [json.dumps({"text": text}).encode() for text in build_corpus(count)]
    server = ServeProcess(
        "--backend", "rules", "--db", str(directory / "rules.db"), log=directory / "rules.log"
    )
    rows = []
    try:
        url = f"{server.url}/v1/extract"
        asyncio.run(closed_loop(url, bodies[:100]))  # warm: connections, caches
        for name, run in (
            ("closed loop, 32 clients", closed_loop(url, bodies)),
            (f"open loop, {TARGET_RATE:.0f}/s offered", open_loop(url, bodies, TARGET_RATE)),
        ):
            seconds, latencies, errors = asyncio.run(run)
            ms = [1000 * latency for latency in latencies]
            rows.append(
                (
                    f"rules, {count:,} requests of one article, {name}",
                    f"{count / seconds:.0f} requests/s; p50/p95/p99 {percentile(ms, 50):.1f} / "
                    f"{percentile(ms, 95):.1f} / {percentile(ms, 99):.1f} ms; {errors} errors",
                )
            )
        own, worker = peak_rss_mb(server)
        rows.append(("rules, peak RSS: server / largest worker", f"{own:.0f} / {worker:.0f} MB"))
    finally:
        server.stop()
    return rows


def llm_rows(count: int, concurrency: int, directory: Path) -> list[tuple[str, str]]:
    rows = []
    with fake_server(LLM_DELAY) as model_url:
        env = {
            "EXTRACTOR_MODEL": "fake",
            "OPENAI_BASE_URL": model_url,
            "EXTRACTOR_STRATEGY": "direct",  # the fake server answers meetings, not numbers
        }
        options = ("--backend", "llm", "--concurrency", str(concurrency), "--no-cache")
        server = ServeProcess(
            *options, "--db", str(directory / "llm.db"), env=env, log=directory / "llm.log"
        )
        try:
            texts = build_corpus(count)
            body = "\n".join(json.dumps({"id": str(n), "text": t}) for n, t in enumerate(texts))
            seconds = asyncio.run(_job_seconds(server.url, body))
        finally:
            server.stop()
    ideal = count * LLM_DELAY / concurrency
    rows.append(
        (
            f"LLM job, {count} documents at {LLM_DELAY * 1000:.0f} ms, concurrency {concurrency}",
            f"{seconds:.2f} s (ideal {ideal:.2f} s, x{seconds / ideal:.2f})",
        )
    )
    return rows


async def _job_seconds(url: str, body: str) -> float:
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        async with session.post(f"{url}/v1/jobs", data=body) as response:
            job = await response.json()
        while True:
            async with session.get(f"{url}/v1/jobs/{job['id']}") as response:
                status = await response.json()
            if status["state"] == "done":
                seconds = time.perf_counter() - started
                break
            await asyncio.sleep(0.02)
        assert status["done"] == status["total"] and status["errors"] == 0, status
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs")
    arguments = parser.parse_args()
    requests, documents = (400, 100) if arguments.quick else (2000, 500)
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        rows = rules_rows(requests, directory)
        for concurrency in (8, 32):
            rows += llm_rows(documents, concurrency, directory)
    print("| benchmark | measured |\n| --- | --- |")
    for name, figure in rows:
        print(f"| {name} | {figure} |")


if __name__ == "__main__":
    main()
