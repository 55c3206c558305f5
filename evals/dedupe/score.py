"""Score ``extractor.export.dedupe`` on the hand-labelled multi-article set beside this file.

    python evals/dedupe/score.py

The articles are read and extracted by the rules backend, their meeting records merged, and
the merge scored pair by pair: two records are the same real meeting in the labels
(``labels.json``: each article's real meetings) or not, and merged or not. A record is matched
to its article's labelled meeting of the same states and the same people; one that
matches none (an extraction error) is counted apart, not scored. Prints precision, recall
and F1 of "same meeting" over record pairs, and the merged meetings with their conflicts.
"""

from __future__ import annotations

import json
import sys
from itertools import combinations
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from extractor import Document, extract_many  # noqa: E402
from extractor.export.dedupe import dedupe  # noqa: E402


def results() -> list[dict[str, Any]]:
    published = json.loads((HERE / "feed-published.json").read_text(encoding="utf-8"))
    documents = [
        Document(
            text=(HERE / "articles" / f"{name}.txt").read_text(encoding="utf-8"),
            id=name,
            published_at=moment,
        )
        for name, moment in published.items()
    ]
    return [r.model_dump(mode="json") for r in extract_many(documents, backend="rules")]


def gold_of(result: dict[str, Any], meeting: dict[str, Any], labels: dict[str, Any]) -> str | None:
    """The labelled real meeting an extracted record is, if any."""
    states = sorted(meeting.get("countries") or [])
    words = " ".join(p["name"] for p in meeting.get("participants") or []).lower()
    for key in labels["reports"].get(result["source"]["id"], []):
        real = labels["meetings"][key]
        if real["states"] == states and all(n.lower() in words for n in real["people"]):
            return str(key)
    return None


def main() -> dict[str, Any]:
    labels = json.loads((HERE / "labels.json").read_text(encoding="utf-8"))
    found = results()
    merged = dedupe(found)
    home_of = {member: number for number, m in enumerate(merged) for member in m.members}
    records = []  # (source id, gold meeting, merged meeting)
    unmatched = 0
    for result in found:
        for index, meeting in enumerate(result.get("meetings") or []):
            gold = gold_of(result, meeting, labels)
            if gold is None:
                unmatched += 1
                continue
            records.append((result["source"]["id"], gold, home_of[(result["source"]["id"], index)]))
    tp = fp = fn = 0
    for (_, gold_a, merged_a), (_, gold_b, merged_b) in combinations(records, 2):
        same_gold, same_merged = gold_a == gold_b, merged_a == merged_b
        tp += same_gold and same_merged
        fp += same_merged and not same_gold
        fn += same_gold and not same_merged
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    figures = {
        "records": len(records),
        "unmatched_records": unmatched,
        "real_meetings": len(labels["meetings"]),
        "merged_meetings": len(merged),
        "pair_precision": precision,
        "pair_recall": recall,
        "pair_f1": f1,
    }
    print(json.dumps(figures, indent=1))
    for meeting in merged:
        print(meeting.values["date"], meeting.states, meeting.source_ids, meeting.conflicts)
    return figures


if __name__ == "__main__":
    main()
