"""Ray against the local process pool: the same articles, the same rules, the same results.

    python benchmarks/ray_engine.py [--documents 10000]

Times ``extractor extract FEED --backend rules`` with ``--workers 1`` and ``--workers 2``
(the local engine's process pool), and with ``--engine ray`` on a local Ray started with 1
and 2 CPUs (``--ray-cpus``; ``RAY_ADDRESS`` unset: the CLI starts Ray itself, so its start-up
is counted, as a user would see it). Every run reads the benchmark corpus's ~3,000-character
articles as JSON Lines. Prints the wall times, documents per second and Ray's overhead as a
ratio to the process pool with the same number of CPUs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import build_corpus  # noqa: E402


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    count = parser.parse_args().documents
    with tempfile.TemporaryDirectory() as folder:
        feed = Path(folder) / "feed.jsonl"
        texts = build_corpus(count)
        feed.write_text(
            "".join(json.dumps({"id": str(n), "text": t}) + "\n" for n, t in enumerate(texts)),
            encoding="utf-8",
        )
        base = [sys.executable, "-m", "extractor", "extract", str(feed), "--backend", "rules", "-q"]
        rows = []
        for cpus in (1, 2):
            pool_run = [*base, "--workers", str(cpus), "-o", f"{folder}/pool{cpus}.jsonl"]
            pool = timed(pool_run, dict(os.environ))
            parts = f"{folder}/ray{cpus}"
            ray_run = [*base, "--engine", "ray", "--ray-cpus", str(cpus), "-o", parts]
            on_ray = timed(ray_run, dict(os.environ))
            rows.append((cpus, pool, on_ray))
    print("| CPUs | --workers (process pool) | --engine ray (local) | Ray / pool |")
    print("| --- | --- | --- | --- |")
    for cpus, pool, on_ray in rows:
        print(
            f"| {cpus} | {pool:.1f} s ({count / pool:.0f} docs/s) | {on_ray:.1f} s "
            f"({count / on_ray:.0f} docs/s) | x{on_ray / pool:.2f} |"
        )


if __name__ == "__main__":
    main()
