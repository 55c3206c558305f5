"""A labelled corpus: any directory of ``NAME.txt`` or ``NAME.html`` articles, each beside its
hand label ``NAME.json`` (the contract's ``source`` + ``meetings``, plus free ``notes``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.errors import CorpusError
from extractor.ingest.plan import ARTICLE_SUFFIXES


@dataclass(frozen=True)
class Case:
    id: str
    article: Path
    label: dict[str, Any]

    @property
    def meetings(self) -> list[dict[str, Any]]:
        return list(self.label.get("meetings") or [])

    @property
    def published_at(self) -> str | None:
        source = self.label.get("source") or {}
        value = source.get("published_at")
        return str(value) if value else None


def load_cases(directory: Path) -> list[Case]:
    """Every labelled article in ``directory`` (recursively), sorted by id.

    An article without a label, or a label without an article, is an error rather than
    silently left out: a corpus that quietly shrinks gives scores nobody should trust.
    """
    if not directory.is_dir():
        raise CorpusError(f"{directory}: not a directory of labelled articles")
    articles = {p.with_suffix(""): p for p in directory.rglob("*") if p.suffix in ARTICLE_SUFFIXES}
    labels = {p.with_suffix(""): p for p in directory.rglob("*.json")}
    problems = [
        f"{a}: no label {a.with_suffix('.json').name}"
        for s, a in articles.items()
        if s not in labels
    ]
    problems += [
        f"{label}: no article beside it" for s, label in labels.items() if s not in articles
    ]
    if problems:
        raise CorpusError("; ".join(sorted(problems)))
    if not articles:
        raise CorpusError(f"{directory}: no labelled articles (NAME.txt or NAME.html + NAME.json)")
    return [_case(directory, stem, articles[stem], labels[stem]) for stem in sorted(articles)]


def _case(directory: Path, stem: Path, article: Path, label_path: Path) -> Case:
    try:
        label = json.loads(label_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise CorpusError(f"{label_path}: unreadable label ({error})") from None
    if not isinstance(label, dict) or not isinstance(label.get("meetings"), list):
        raise CorpusError(f"{label_path}: a label needs a 'meetings' list")
    return Case(id=str(stem.relative_to(directory)), article=article, label=label)
