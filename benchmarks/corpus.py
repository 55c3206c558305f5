"""A corpus of ~3,000-character articles built from the labelled fixtures.

Each article is a fixture's text (headline, dateline, body, page noise) extended with body
paragraphs of the next fixtures until it reaches about 3,000 characters, so the articles look
like real wire copy of that size without being copies of one another.
"""

from __future__ import annotations

from pathlib import Path

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
