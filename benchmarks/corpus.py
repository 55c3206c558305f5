"""A corpus of ~3,000-character articles built from the labelled fixtures.

Each article is a fixture's text (headline, dateline, body, page noise) extended with body
paragraphs of the next fixtures until it reaches about 3,000 characters, so the articles look
like real wire copy of that size without being copies of one another.

The corpus is built from a fixed set of fixtures (the first two labelling batches and the seed
article, the set the speed targets were first measured on), so that figures stay comparable
as fixtures are added; ``--corpus all`` in ``run.py`` builds it from every fixture.

``long_page`` joins such articles into one document of a few megabytes: a digest page or a
scraped archive with a meeting or two per article.
"""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TARGET_CHARS = 3000


BENCHMARK_FIXTURES = ("a-*.txt", "b-*.txt", "seed-article.txt")


def build_corpus(count: int, *, every_fixture: bool = False) -> list[str]:
    """``count`` articles of about 3,000 characters, from the benchmark's fixed fixtures (or
    from every fixture with ``every_fixture``)."""
    patterns = ("*.txt",) if every_fixture else BENCHMARK_FIXTURES
    paths = sorted({p for pattern in patterns for p in FIXTURES.glob(pattern)})
    texts = [p.read_text(encoding="utf-8") for p in paths]
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


def long_page(megabytes: int) -> str:
    """One document of about ``megabytes`` million characters: the corpus's articles one
    after the other, a blank line between them."""
    target = megabytes * 1_000_000
    page: list[str] = []
    size = 0
    for article in build_corpus(target // TARGET_CHARS + 1):
        if size >= target:
            break
        page.append(article)
        size += len(article) + 2
    return "\n\n".join(page)


# One sentence (semicolons and "Mr." end none) thick with meeting words, titles, names and a
# dated relative clause: the text whose cost once grew with its meeting words squared
_DENSE_SENTENCE = (
    "Foreign Minister Penny Wong, who met Yoko Kamikawa in 2019, held talks and a meeting "
    "with Mr. Wang Yi; "
)


def dense_page(megabytes: int) -> str:
    """One paragraph of about ``megabytes`` million characters dense with meeting words."""
    return _DENSE_SENTENCE * (megabytes * 1_000_000 // len(_DENSE_SENTENCE))
