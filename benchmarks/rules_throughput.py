"""Articles per second of the rule backend on one core, for ~3,000-character articles.

The corpus is built from the labelled fixtures: each article is a fixture's text (headline,
dateline, body, page noise) extended with body paragraphs of the next fixture until it
reaches about 3,000 characters, so the articles look like real wire copy of that size.
Each figure is the median of several timed runs; the whole path is timed, as a user runs it:
ingest (dateline, noise) and extraction.

    python benchmarks/rules_throughput.py [--articles 500] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from extractor.backends import get_backend
from extractor.ingest import document_from_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TARGET_CHARS = 3000


def build_corpus(count: int) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))]
    bodies = ["\n".join(t.split("\n")[2:]) for t in texts]
    corpus = []
    for i in range(count):
        article = texts[i % len(texts)]
        k = i + 1
        while len(article) < TARGET_CHARS:
            article += "\n" + bodies[k % len(bodies)][: TARGET_CHARS - len(article) + 200]
            k += 1
        corpus.append(article[: TARGET_CHARS + 200])
    return corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    corpus = build_corpus(args.articles)
    backend = get_backend("rules")
    backend.extract(document_from_text(corpus[0]))  # load the gazetteers before timing
    rates = []
    for _ in range(args.runs):
        started = time.perf_counter()
        for text in corpus:
            backend.extract(document_from_text(text))
        rates.append(len(corpus) / (time.perf_counter() - started))
    mean_chars = sum(map(len, corpus)) / len(corpus)
    print(f"rules backend, one core: {len(corpus)} articles of {mean_chars:,.0f} chars on average")
    print(
        f"  articles/s: median {statistics.median(rates):.0f} "
        f"(min {min(rates):.0f}, max {max(rates):.0f}, {args.runs} runs)"
    )


if __name__ == "__main__":
    main()
