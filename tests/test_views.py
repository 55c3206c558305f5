"""The shared HTML views (extractor.views): evidence highlighting, the macros every page uses,
escaping of untrusted text, and the eval report rendered through them."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from typing import Any

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.api import extract
from extractor.evals import run_eval
from extractor.evals.report_html import to_html
from extractor.views import PALETTE, Segment, colour, environment, render, segments

FIELDS = ("participants[0].name", "participants[1].title", "date", "location")


def macro(call: str, **context: object) -> str:
    """One call of the shared macros, rendered through the package's environment."""
    template = environment().from_string('{% import "macros.html.jinja" as m %}' + call)
    return template.render(**context)


class _Runs(HTMLParser):
    """The text of an ``article`` div as runs: (text, the data-meeting of the enclosing
    <mark> or None, its data-fields or None)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[tuple[str, str | None, str | None]] = []
        self.mark: dict[str, str | None] | None = None
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "mark":
            self.mark = dict(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self.mark = None

    def handle_data(self, data: str) -> None:
        mark = self.mark or {}
        self.runs.append((data, mark.get("data-meeting"), mark.get("data-fields")))


def runs(page: str) -> _Runs:
    [article] = re.findall(r'<div class="article">(.*?)</div>', page, flags=re.DOTALL)
    parser = _Runs()
    parser.feed(article)
    parser.close()
    return parser


def per_character(parsed: _Runs) -> list[str | None]:
    """The data-meeting every character of the article is shown under."""
    return [meeting for text, meeting, _ in parsed.runs for _ in text]


# --- segments --------------------------------------------------------------------------------

spans = st.lists(
    st.tuples(st.integers(-3, 45), st.integers(-3, 45), st.sampled_from(FIELDS)), max_size=6
)


@given(st.text(max_size=40), st.lists(spans, max_size=4))
def test_segments_give_back_the_text_and_say_what_covers_each_character(
    text: str, meetings_spans: list[list[tuple[int, int, str]]]
) -> None:
    meetings = [
        {"evidence": [{"field": f, "start": s, "end": e, "text": ""} for s, e, f in evidence]}
        for evidence in meetings_spans
    ]
    cut = segments(text, meetings)
    assert "".join(segment.text for segment in cut) == text
    assert all(segment.text for segment in cut)  # no empty segment
    for before, after in pairwise(cut):
        assert (before.meeting, before.fields) != (after.meeting, after.fields)
    position = 0
    for segment in cut:
        for offset in range(position, position + len(segment.text)):
            covering = [
                (m, f)
                for m, evidence in enumerate(meetings_spans)
                for s, e, f in evidence
                if 0 <= s < e <= len(text) and s <= offset < e
            ]
            assert segment.meeting == min((m for m, _ in covering), default=None)
            assert set(segment.fields) == {f for _, f in covering}
            assert len(segment.fields) == len(set(segment.fields))
        position += len(segment.text)


def test_overlapping_meetings_colour_the_earlier_and_list_both_fields() -> None:
    text = "Anna Able met Bert Baker."
    meetings = [
        {"evidence": [{"field": "participants[0].name", "start": 0, "end": 9, "text": ""}]},
        {
            "evidence": [
                {"field": "participants[1].name", "start": 5, "end": 24, "text": ""},
                {"field": "status", "start": 10, "end": 13, "text": "met"},
            ]
        },
    ]
    assert segments(text, meetings) == [
        Segment("Anna ", 0, ("participants[0].name",), ("0:participants[0].name",)),
        Segment(
            "Able",
            0,
            ("participants[0].name", "participants[1].name"),
            ("0:participants[0].name", "1:participants[1].name"),  # which meeting's field
        ),
        Segment(" ", 1, ("participants[1].name",), ("1:participants[1].name",)),
        Segment(
            "met", 1, ("participants[1].name", "status"), ("1:participants[1].name", "1:status")
        ),
        Segment(" Bert Baker", 1, ("participants[1].name",), ("1:participants[1].name",)),
        Segment(".", None, ()),
    ]


def test_a_meeting_without_evidence_keeps_its_index() -> None:
    meetings: list[dict[str, Any]] = [
        {"evidence": []},
        {"evidence": [{"field": "date", "start": 0, "end": 2, "text": "on"}]},
    ]
    assert segments("on Monday", meetings) == [
        Segment("on", 1, ("date",), ("1:date",)),
        Segment(" Monday", None, ()),
    ]


@pytest.mark.parametrize(
    "evidence",
    [
        {"field": "date", "start": -1, "end": 3},
        {"field": "date", "start": 2, "end": 99},
        {"field": "date", "start": 3, "end": 3},
        {"field": "date", "start": 4, "end": 2},
        {"field": "date", "start": "0", "end": "3"},
        {"field": "date", "start": True, "end": 3},
        {"field": "date", "start": 0.0, "end": 3},
        {"field": "date"},
        "not an object",
    ],
    ids=[
        "negative",
        "past the end",
        "empty",
        "reversed",
        "strings",
        "bool",
        "float",
        "none",
        "str",
    ],
)
def test_unusable_spans_are_ignored(evidence: object) -> None:
    assert segments("on Monday", [{"evidence": [evidence]}]) == [Segment("on Monday")]


def test_odd_meetings_and_an_empty_text() -> None:
    odd: list[Any] = ["a string", {"evidence": "0-3"}, {"evidence": None}, {}]
    assert segments("on Monday", odd) == [Segment("on Monday")]
    assert segments("", [{"evidence": [{"field": "date", "start": 0, "end": 0}]}]) == []


def test_the_palette_is_light_distinct_and_cycles() -> None:
    assert len(PALETTE) == 8 and len(set(PALETTE)) == 8
    for hex_colour in PALETTE:
        red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        assert 0.299 * red + 0.587 * green + 0.114 * blue > 190  # dark text stays readable
    assert colour(0) == PALETTE[0] and colour(len(PALETTE) + 2) == PALETTE[2]
    with pytest.raises(ValueError, match="negative"):
        colour(-1)


# --- templates -------------------------------------------------------------------------------


def test_the_base_page_is_self_contained_with_a_class_per_colour() -> None:
    page = environment().from_string('{% extends "base.html.jinja" %}').render()
    assert page.startswith("<!doctype html>\n") and "<meta charset=utf-8>" in page
    assert "<script" not in page and "http" not in page and "<link" not in page
    for index, background in enumerate(PALETTE):
        assert f".m{index}{{background:{background}}}" in page


def test_render_refuses_unknown_templates_and_missing_variables() -> None:
    with pytest.raises(jinja2.TemplateNotFound):
        render("nowhere.html.jinja")
    with pytest.raises(jinja2.UndefinedError):
        render("eval_report.html.jinja", source="x")


def test_article_marks_carry_meeting_fields_and_colour_class() -> None:
    cut = [
        Segment("Anna", 0, ("participants[0].name",), ("0:participants[0].name",)),
        Segment(" met ", None, ()),
        Segment("Bert", 9, ("participants[1].name", "date"), ("9:participants[1].name", "9:date")),
    ]
    assert macro("{{ m.article(segs) }}", segs=cut) == (
        '<div class="article"><mark class="m0" data-meeting="0" '
        'data-fields="participants[0].name" data-evidence="0:participants[0].name" '
        'title="meeting 1: participants[0].name">Anna</mark>'
        ' met <mark class="m1" data-meeting="9" data-fields="participants[1].name date" '
        'data-evidence="9:participants[1].name 9:date" '
        'title="meeting 10: participants[1].name, date">Bert</mark></div>'
    )


def test_article_text_and_field_names_are_escaped() -> None:
    text = 'Hello <script>alert("x")</script> & Anna Able met <b>Bert</b>.'
    start = text.index("<script>")
    meetings = [
        {
            "evidence": [
                {"field": 'x"><script>', "start": start, "end": start + 12},
                {"field": "participants[0].name", "start": text.index("Anna"), "end": 50},
            ]
        }
    ]
    page = macro("{{ m.article(segments(text, meetings)) }}", text=text, meetings=meetings)
    assert "<script" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page and "&amp; " in page
    assert 'data-fields="x&#34;&gt;&lt;script&gt;"' in page
    parsed = runs(page)
    assert set(parsed.tags) == {"mark"}
    assert "".join(piece for piece, _, _ in parsed.runs) == text  # nothing lost or added


def test_values_in_a_meeting_table_are_escaped() -> None:
    hostile = "<script>alert(1)</script>"
    meeting = {
        "status": hostile,
        "participants": [{"name": hostile, "title": '"><img src=x>'}, hostile],
        "location": {"city": hostile, "country": None},
        "agreements": [hostile],
        "quotes": [{"speaker": "A", "text": hostile}],
        hostile: hostile,
    }
    page = macro("{{ m.meeting_table(meeting, 0) }}{{ m.legend([meeting]) }}", meeting=meeting)
    assert "<script" not in page and "<img" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 8 + 2  # table, legend


def test_a_meeting_table_shows_the_record_as_the_contract_writes_it() -> None:
    meeting = {
        "status": "held",
        "participants": [
            {"name": "Anna Able", "title": "Foreign Minister", "country": "IT"},
            {"name": "Bert Baker", "organization": "UN"},
        ],
        "countries": ["IT", "FR"],
        "date": "2024-03-07",
        "date_text": "on Thursday",
        "location": {"city": "Rome", "country": "IT", "venue": None},
        "format": "in_person",
        "topics": ["trade", "energy"],
        "agreements": ["a memorandum on biofuels"],
        "quotes": [{"speaker": "Anna Able", "text": "We agree."}],
        "evidence": [{"field": "date", "start": 0, "end": 2, "text": "on"}],
    }
    page = macro("{{ m.meeting_table(meeting, 2) }}", meeting=meeting)
    assert page.startswith('<table class="meeting">')
    assert '<th class="head" colspan="2"><span class="swatch m2"></span>Meeting 3</th>' in page
    rows = dict(re.findall(r"<tr><th>(\w+)</th><td>(.*?)</td></tr>\n", page, flags=re.DOTALL))
    assert list(rows) == [
        "status", "format", "date", "date_text", "location", "participants", "countries",
        "topics", "agreements", "quotes",
    ]  # fmt: skip
    assert rows["status"] == "held" and rows["date"] == "2024-03-07"
    assert rows["countries"] == "IT, FR" and rows["topics"] == "trade, energy"
    assert rows["agreements"] == "<ul><li>a memorandum on biofuels</li></ul>"
    cells = re.findall(r"<td>(.*?)</td>", page)
    assert cells[cells.index("Anna Able") :][:3] == ["Anna Able", "Foreign Minister", "IT"]
    assert "Rome" in cells and "UN" in cells and "We agree." in cells
    assert "evidence" not in page


def test_a_hand_label_without_some_fields_shows_only_the_fields_it_has() -> None:
    label = {"status": "held", "participants": [{"name": "Anna Able"}], "date": None}
    page = macro('{{ m.meeting_table(label, 0, label="Gold meeting", swatch=false) }}', label=label)
    assert "Gold meeting 1</th>" in page and "swatch" not in page
    assert re.findall(r"<tr><th>(\w+)</th><td>", page) == ["status", "date", "participants"]
    assert '<tr><th>date</th><td><span class="none">–</span></td></tr>' in page


def test_the_legend_names_each_meeting_in_its_colour() -> None:
    meetings = [{"participants": [{"name": "Anna Able"}, {"name": "Bert Baker"}]}, {}]
    page = macro("{{ m.legend(meetings) }}", meetings=meetings)
    assert '<li><span class="swatch m0"></span>Meeting 1: Anna Able, Bert Baker</li>' in page
    assert '<li><span class="swatch m1"></span>Meeting 2</li>' in page


def test_the_seed_article_is_marked_with_its_participants_evidence(seed_text: str) -> None:
    result = extract(seed_text, backend="rules").model_dump(mode="json")
    [meeting] = result["meetings"]
    page = macro(
        "{{ m.article(segments(text, meetings)) }}", text=seed_text, meetings=result["meetings"]
    )
    parsed = runs(page)
    assert "".join(piece for piece, _, _ in parsed.runs) == seed_text
    shown_under = per_character(parsed)
    people = [e for e in meeting["evidence"] if e["field"].startswith("participants[")]
    assert {e["text"] for e in people} >= {"Yoko Kamikawa", "Subrahmanyam Jaishankar"}
    for evidence in people:
        assert seed_text[evidence["start"] : evidence["end"]] == evidence["text"]
        assert set(shown_under[evidence["start"] : evidence["end"]]) == {"0"}
        assert f'data-meeting="0" data-fields="{evidence["field"]}"' in page
    assert None in shown_under  # text no evidence covers stays plain


# --- the eval report -------------------------------------------------------------------------

ARTICLE = "Anna Able met Bert Baker in Rome on Thursday. Carl Cole met <Dora> Dunn.\n"


def _report_corpus(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    people = [{"name": "Anna Able"}, {"name": "Bert Baker"}]
    gold = [
        {"status": "held", "participants": people, "location": {"city": "Rome"}},
        {"status": "held", "participants": [{"name": "Eve Evans"}, {"name": "Finn Fox"}]},
    ]
    (corpus / "case.txt").write_text(ARTICLE)
    (corpus / "case.json").write_text(json.dumps({"meetings": gold, "notes": "a <note>"}))

    def evidence(field: str, phrase: str) -> dict[str, Any]:
        start = ARTICLE.index(phrase)
        return {"field": field, "start": start, "end": start + len(phrase), "text": phrase}

    predicted = [
        {
            "status": "held",
            "participants": people,
            "location": {"city": "Rome", "country": "IT"},
            "evidence": [
                evidence("participants[0].name", "Anna Able"),
                evidence("participants[1].name", "Bert Baker"),
            ],
        },
        {
            "status": "held",
            "participants": [{"name": "Carl Cole"}, {"name": "<Dora> Dunn"}],
            "evidence": [evidence("participants[1].name", "<Dora> Dunn")],
        },
    ]
    row = {"source": {"id": "case", "text": ARTICLE}, "meetings": predicted}
    rows = tmp_path / "predictions.jsonl"
    rows.write_text(json.dumps(row) + "\n")
    return corpus, rows


def test_the_eval_report_colours_each_predicted_meeting_and_tabulates_misses(
    tmp_path: Path,
) -> None:
    corpus, rows = _report_corpus(tmp_path)
    page = to_html(run_eval(corpus, predictions=rows))
    assert page.startswith("<!doctype html>") and "http" not in page
    assert page.count("<script") == 1 and "<script src" not in page  # our inline script only
    assert "<title>extractor eval: file:" in page and "<pre" not in page
    assert 'id="case"' in page and "Label notes: a &lt;note&gt;" in page
    parsed = runs(page)
    assert "".join(piece for piece, _, _ in parsed.runs) == ARTICLE
    marked = {(piece, meeting) for piece, meeting, _ in parsed.runs if meeting is not None}
    assert marked == {("Anna Able", "0"), ("Bert Baker", "0"), ("<Dora> Dunn", "1")}
    assert '<mark class="m1" data-meeting="1" data-fields="participants[1].name"' in page
    assert "&lt;Dora&gt; Dunn" in page and "<Dora>" not in page
    # the legend, the aligned pair and its field table, as before
    assert '<span class="swatch m1"></span>Meeting 2: Carl Cole, &lt;Dora&gt; Dunn' in page
    assert "meeting: predicted #1 ↔ gold #1" in page
    assert '<span class="tag ok">Anna Able</span>' in page
    # the missed gold meeting and the extra predicted one, as record tables
    missed = page.split("missed gold meeting #2</h3>")[1].split("</table>")[0]
    assert 'class="miss"><table class="meeting">' in missed and "Gold meeting 2</th>" in missed
    assert "<td>Eve Evans</td>" in missed and "swatch" not in missed
    extra = page.split("extra predicted meeting #2</h3>")[1].split("</table>\n</td>")[0]
    assert '<span class="swatch m1"></span>Predicted meeting 2</th>' in extra
    assert "<td>Carl Cole</td>" in extra and "<td>&lt;Dora&gt; Dunn</td>" in extra


def test_the_eval_report_without_article_text_says_so(tmp_path: Path) -> None:
    corpus, rows = _report_corpus(tmp_path)
    row = json.loads(rows.read_text())
    del row["source"]["text"]
    row["error"] = {"type": "Boom", "message": "<oops>"}
    rows.write_text(json.dumps(row))
    page = to_html(run_eval(corpus, predictions=rows))
    assert "(article text not in the predictions)" in page and "data-meeting" not in page
    assert (
        "error: {&#34;type&#34;: &#34;Boom&#34;, &#34;message&#34;: &#34;&lt;oops&gt;&#34;}" in page
    )
