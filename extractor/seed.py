"""The seed article, shipped inside the package.

It is the article ``extractor prompt`` renders when given none, so it must be there in an
installed copy, where no ``fixtures/`` folder exists. It is read through importlib.resources
(https://docs.python.org/3/library/importlib.resources.html), which finds package data in a
source checkout, an installed wheel or a zip alike. The labelled copy the evaluation scores,
``fixtures/seed-article.txt``, is the same text (a test keeps the two identical).
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable


def seed_article_path() -> Traversable:
    """Where the packaged seed article is; ``read_text(encoding="utf-8")`` reads it."""
    return resources.files("extractor") / "data" / "seed-article.txt"
