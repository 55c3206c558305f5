"""Few-shot examples for the prompt, drawn from a directory of labelled articles.

The shortest labelled articles are taken (they cost the fewest tokens), alternating between
articles with meetings and articles without, so the model sees both what to extract and when
to return nothing. The label is shown in the answer's own shape.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from extractor.errors import BackendUnavailable
from extractor.ingest import document_from_text
from extractor.llm.prompts import body_text
from extractor.llm.response import LLMMeeting

_ANSWER_FIELDS = set(LLMMeeting.model_fields)


@cache
def load_examples(directory: Path, count: int) -> tuple[dict[str, str], ...]:
    """``count`` examples ``{"article", "answer"}`` from ``directory``'s NAME.txt + NAME.json."""
    pairs = []
    for label_path in sorted(directory.glob("*.json")):
        article = label_path.with_suffix(".txt")
        if not article.is_file():
            continue
        try:
            label = json.loads(label_path.read_text(encoding="utf-8"))
            text = body_text(document_from_text(article.read_text(encoding="utf-8")))
        except (OSError, ValueError) as error:
            raise BackendUnavailable(f"{label_path}: unusable few-shot example ({error})") from None
        meetings = [{k: v for k, v in m.items() if k in _ANSWER_FIELDS} for m in label["meetings"]]
        pairs.append((len(text), bool(meetings), text, json.dumps({"meetings": meetings})))
    with_meetings = sorted(p for p in pairs if p[1])
    without = sorted(p for p in pairs if not p[1])
    chosen: list[tuple[int, bool, str, str]] = []
    while len(chosen) < count and (with_meetings or without):
        for pool in (with_meetings, without):
            if pool and len(chosen) < count:
                chosen.append(pool.pop(0))
    if count and not chosen:
        raise BackendUnavailable(f"{directory}: no labelled articles (NAME.txt + NAME.json)")
    return tuple({"article": text, "answer": answer} for _, _, text, answer in chosen)
