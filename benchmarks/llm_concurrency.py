"""Wall time of a batch through the LLM backend against a fake server with a fixed latency.

Starts the fake OpenAI-compatible server of the test suite on 127.0.0.1, in a process of its
own (each request takes ``--latency`` seconds), then extracts ``--articles`` different articles
with the async batch path at ``--concurrency`` requests in flight, cache off. With perfect
overlap the wall time is articles / concurrency * latency; the ratio to that ideal is our
overhead.

    python benchmarks/llm_concurrency.py [--articles 64] [--concurrency 16] [--latency 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import fake_server, ours  # noqa: E402


def articles(count: int) -> list[str]:
    seed = (ROOT / "fixtures" / "seed-article.txt").read_text(encoding="utf-8")
    return [seed.replace("Thursday", f"Thursday ({i})") for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=64)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    texts = articles(args.articles)
    with fake_server(delay=args.latency) as url:
        times = [asyncio.run(ours(texts, url, args.concurrency, None)) for _ in range(args.runs)]
    ideal = args.articles / args.concurrency * args.latency
    median = statistics.median(times)
    print(
        f"LLM batch: {args.articles} articles, concurrency {args.concurrency}, "
        f"{args.latency * 1000:.0f} ms per request, cache off"
    )
    print(
        f"  wall time: median {median:.2f} s (min {min(times):.2f}, max {max(times):.2f}, "
        f"{args.runs} runs); ideal {ideal:.2f} s; ratio {median / ideal:.2f}"
    )


if __name__ == "__main__":
    main()
