"""The LLM endpoint down: how long ``extract --backend auto`` takes to fall back.

    python benchmarks/endpoint_down.py [--documents 1000]

Runs the real CLI on JSON Lines of the benchmark corpus's articles with ``--backend auto``,
a model configured at an address nobody listens on (a closed port on 127.0.0.1), and the
default retry policy. The preflight (``GET /models``) finds nothing there and opens the
circuit breaker, so every document goes to the rules at once with one warning; before the
breaker (issue #16), each document spent its retries first (24 documents took 27 s).
Prints the wall time, the documents per second and the warnings counted.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import build_corpus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    count = parser.parse_args().documents
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory() as folder:
        feed = Path(folder) / "feed.jsonl"
        feed.write_text(
            "".join(
                json.dumps({"id": str(n), "text": t}) + "\n"
                for n, t in enumerate(build_corpus(count))
            ),
            encoding="utf-8",
        )
        out = Path(folder) / "out.jsonl"
        env = {
            **os.environ,
            "EXTRACTOR_MODEL": "any-model",
            "OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1",
            "EXTRACTOR_CACHE_DIR": folder,
        }
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "extractor",
                "extract",
                str(feed),
                "--backend",
                "auto",
                "-o",
                str(out),
                "-q",
            ],
            env=env,
            check=True,
        )
        seconds = time.perf_counter() - started
        results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    fell_back = sum(r["backend"] == "rules" and len(r["warnings"]) >= 1 for r in results)
    print(
        f"| endpoint down, {count:,} documents on --backend auto | {seconds:.2f} s wall "
        f"({count / seconds:.0f} documents/s); {fell_back:,} fell back to the rules, "
        "each with a warning |"
    )


if __name__ == "__main__":
    main()
