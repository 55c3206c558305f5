"""The HTML report: one self-contained page that people read.

The scores table comes first, then every case: the article with the evidence spans of the
prediction marked, and gold beside predicted for every meeting, misses and extras coloured.
"""

from __future__ import annotations

import html
import json
from typing import Any

from extractor.evals.run import CaseResult, Report
from extractor.evals.scoring import LIST_FIELDS, VALUE_FIELDS, FieldDiff

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d1d1f;max-width:1400px}
h1{font-size:1.5rem}h2{font-size:1.1rem;margin:0}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;
vertical-align:top;text-align:left}th{background:#f4f4f6}td.num{text-align:right}
section.case{border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1.5rem 0}
.grid{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem}
pre{white-space:pre-wrap;word-break:break-word}
.article{white-space:pre-wrap;background:#fafafa;padding:.75rem;border-radius:4px;
max-height:32rem;overflow:auto;font-size:13px}
mark{background:#fff3a3;border-radius:2px}
.miss{background:#ffd9d9}.extra{background:#ffe7c2}.ok{background:#ddf5dd}
.tag{display:inline-block;padding:0 .35rem;margin:.1rem;border-radius:3px}
.bad{color:#b00020;font-weight:600}.meta{color:#666}
"""


def to_html(report: Report) -> str:
    figures = report.figures()
    support = report.supports()
    rows = [_score_row(name, figures, support) for name in ("detection", "meetings", *LIST_FIELDS)]
    rows += [_accuracy_row(name, figures, support) for name in (*VALUE_FIELDS, "published_at")]
    index = "".join(
        f'<a href="#{html.escape(r.case.id)}" class="tag {"miss" if r.errors else "ok"}">'
        f"{html.escape(r.case.id)} ({r.errors})</a>"
        for r in report.cases
    )
    cases = "".join(_case(result) for result in report.cases)
    warnings = "".join(f"<li>{html.escape(w)}</li>" for w in report.warnings)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>extractor eval: {html.escape(report.source)}</title><style>{_STYLE}</style>"
        f"</head><body><h1>extractor eval</h1><p class=meta>{html.escape(report.source)} on "
        f"{html.escape(report.fixtures)}, {len(report.cases)} cases. Colours: "
        '<span class="tag ok">right</span><span class="tag miss">missed (in gold only)</span>'
        '<span class="tag extra">extra (predicted only)</span>; <mark>marked</mark> text is '
        "the prediction's evidence.</p>"
        "<table><tr><th>field</th><th>precision</th><th>recall</th><th>F1 / accuracy</th>"
        f"<th>support</th></tr>{''.join(rows)}</table>"
        + (f"<ul class=bad>{warnings}</ul>" if warnings else "")
        + f"<p>Cases (errors): {index}</p>{cases}</body></html>"
    )


def _score_row(name: str, figures: dict[str, float | None], support: dict[str, int]) -> str:
    cells = "".join(
        f"<td class=num>{_percent(figures[f'{name}.{k}'])}</td>"
        for k in ("precision", "recall", "f1")
    )
    return f"<tr><td>{name}</td>{cells}<td class=num>{support[name]}</td></tr>"


def _accuracy_row(name: str, figures: dict[str, float | None], support: dict[str, int]) -> str:
    value = _percent(figures[f"{name}.accuracy"])
    return (
        f"<tr><td>{name}</td><td></td><td></td><td class=num>{value}</td>"
        f"<td class=num>{support[name]}</td></tr>"
    )


def _case(result: CaseResult) -> str:
    case_id = html.escape(result.case.id)
    predicted = result.predicted.get("meetings") or []
    gold = result.case.meetings
    parts = []
    aligned_p = {p for p, _ in result.score.alignment}
    aligned_g = {g for _, g in result.score.alignment}
    for (p, g), diffs, checks in zip(
        result.score.alignment, result.score.diffs, result.score.value_checks, strict=True
    ):
        parts.append(f"<h3>meeting: predicted #{p + 1} ↔ gold #{g + 1}</h3>")
        parts.append(_pair_table(diffs, checks))
    for j, meeting in enumerate(gold):
        if j not in aligned_g:
            parts.append(f"<h3 class=bad>missed gold meeting #{j + 1}</h3>{_dump(meeting, 'miss')}")
    for i, meeting in enumerate(predicted):
        if i not in aligned_p:
            parts.append(
                f"<h3 class=bad>extra predicted meeting #{i + 1}</h3>{_dump(meeting, 'extra')}"
            )
    if not gold and not predicted:
        parts.append("<p class=ok>No meeting in gold, none predicted.</p>")
    error = result.predicted.get("error")
    if error:
        parts.append(f"<p class=bad>error: {html.escape(json.dumps(error))}</p>")
    notes = result.case.label.get("notes")
    notes_html = f"<p class=meta>Label notes: {html.escape(str(notes))}</p>" if notes else ""
    return (
        f'<section class=case id="{case_id}"><h2>{case_id} — {result.errors} errors</h2>'
        f"{notes_html}<div class=grid><div class=article>{_marked_text(result)}</div>"
        f"<div>{''.join(parts)}</div></div></section>"
    )


def _pair_table(diffs: dict[str, FieldDiff], checks: dict[str, tuple[Any, Any, bool]]) -> str:
    rows = []
    for name, diff in diffs.items():
        cells = "".join(f'<span class="tag ok">{html.escape(v)}</span>' for v in diff.matched)
        cells += "".join(f'<span class="tag miss">{html.escape(v)}</span>' for v in diff.missed)
        cells += "".join(f'<span class="tag extra">{html.escape(v)}</span>' for v in diff.extra)
        rows.append(f"<tr><td>{name}</td><td colspan=2>{cells or '–'}</td></tr>")
    for name, (predicted, gold, correct) in checks.items():
        css = "ok" if correct else "miss"
        rows.append(
            f"<tr><td>{name}</td><td class={css}>gold: {html.escape(str(gold))}</td>"
            f"<td class={css}>predicted: {html.escape(str(predicted))}</td></tr>"
        )
    return f"<table>{''.join(rows)}</table>"


def _dump(meeting: dict[str, Any], css: str) -> str:
    shown = {k: v for k, v in meeting.items() if k not in ("evidence", "summary")}
    text = html.escape(json.dumps(shown, ensure_ascii=False, indent=1))
    return f'<pre class="{css}">{text}</pre>'


def _marked_text(result: CaseResult) -> str:
    if result.text is None:
        return "<span class=meta>(article text not in the predictions)</span>"
    text = result.text
    spans = sorted(
        (e["start"], e["end"], e["field"])
        for meeting in result.predicted.get("meetings") or []
        for e in meeting.get("evidence") or []
        if 0 <= e.get("start", -1) < e.get("end", -1) <= len(text)
    )
    out, cursor = [], 0
    for start, end, field_name in spans:
        if start < cursor:
            continue
        out.append(html.escape(text[cursor:start]))
        out.append(f'<mark title="{html.escape(field_name)}">{html.escape(text[start:end])}</mark>')
        cursor = end
    out.append(html.escape(text[cursor:]))
    return "".join(out)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"
