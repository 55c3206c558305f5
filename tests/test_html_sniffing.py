"""HTML pages are told from plain text the way browsers tell them (WHATWG MIME Sniffing): an
XML declaration, comments, processing instructions and a BOM before the first tag do not turn
a page into plain text, and a plain-text article that merely starts with "<" stays text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor import extract
from extractor.cli import main

HEADLINE = "Ministers meet in Tokyo"
PUBLISHED = "2024-03-08T14:07:00+09:00"
PAGE = (
    '<html xmlns="http://www.w3.org/1999/xhtml">\n<head><title>Site | Ministers meet</title>'
    f'<meta property="article:published_time" content="{PUBLISHED}"/></head>\n'
    f"<body><nav><a>Home</a><a>World</a></nav><article><h1>{HEADLINE}</h1>"
    "<p>Foreign Minister Yoko Kamikawa met India's External Affairs Minister Subrahmanyam "
    "Jaishankar on Thursday in Tokyo.</p><p>They agreed to promote cooperation.</p></article>"
    "</body></html>\n"
)
XHTML_PROLOG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 '
    'Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
)
SAVED_FROM = "<!-- saved from url=(0047)https://news.example.org/2024/03/08/tokyo-talks -->\n"
BOM = "\ufeff"

PAGES = [
    pytest.param("page.xhtml", XHTML_PROLOG + PAGE, id="xhtml with an XML declaration"),
    pytest.param("saved.html", SAVED_FROM + PAGE, id="page saved by a browser"),
    pytest.param(
        "bom.html",
        BOM + "<!-- generated -->\n<?page-builder v2?>\n<!DOCTYPE html>\n" + PAGE,
        id="BOM, comment, processing instruction, then doctype",
    ),
]


@pytest.mark.parametrize(("name", "page"), PAGES)
def test_a_page_with_a_prolog_is_read_as_html_by_the_cli(
    tmp_path: Path, name: str, page: str
) -> None:
    path = tmp_path / name
    path.write_text(page, encoding="utf-8")  # the BOM, when there is one, as UTF-8 bytes
    result = CliRunner().invoke(main, ["extract", str(path), "--include-text", "-q"])
    assert result.exit_code == 0, result.stderr
    source = json.loads(result.stdout)["source"]
    assert source["title"] == HEADLINE
    assert source["published_at"] == PUBLISHED
    assert "<" not in source["text"] and "Home" not in source["text"]


@pytest.mark.parametrize(("name", "page"), PAGES)
def test_a_page_with_a_prolog_is_read_as_html_by_the_api(name: str, page: str) -> None:
    result = extract(page, backend="rules")
    assert result.source.title == HEADLINE
    assert result.source.published_at is not None
    assert result.source.published_at.isoformat() == PUBLISHED
    assert [p.name for p in result.meetings[0].participants] == [
        "Yoko Kamikawa",
        "Subrahmanyam Jaishankar",
    ]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "<Kyodo> Ministers meet in Tokyo\nForeign Minister Yoko Kamikawa met India's "
            "External Affairs Minister Subrahmanyam Jaishankar on Thursday in Tokyo.\n",
            id="starts with <",
        ),
        pytest.param(
            "Ministers meet in Tokyo\nForeign Minister Yoko Kamikawa met India's External "
            "Affairs Minister Subrahmanyam Jaishankar on Thursday in Tokyo. Officials showed "
            "a page whose <html> tag named the wrong language.\n",
            id="mentions <html> later",
        ),
    ],
)
def test_plain_text_that_mentions_markup_stays_text(tmp_path: Path, text: str) -> None:
    assert extract(text, backend="rules").source.title == text.split("\n", 1)[0]
    path = tmp_path / "article.txt"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(path), "--include-text", "-q"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["source"]["text"] == text


@pytest.mark.parametrize(
    ("start", "html"),
    [
        ("  <HTML\n  lang='en'>", True),
        ("<!doctype html>", True),
        ("<?xml version='1.0'?><!-- a --> \n<!-- b --><body>", True),
        ("<!-- never closed <html>", False),
        ("<htmlish> is not a tag", False),
        ("< html>", False),
    ],
)
def test_sniffing_reads_openers_as_the_spec_lists_them(start: str, html: bool) -> None:
    from extractor.ingest.html import looks_like_html

    assert looks_like_html(start) is html


FRAGMENT = (
    "<p>Foreign Minister Yoko Kamikawa met India's External Affairs Minister Subrahmanyam "
    "Jaishankar on Thursday in Tokyo &amp; Osaka.</p>\n"
)


def test_a_text_file_holding_a_fragment_is_read_without_its_tags(tmp_path: Path) -> None:
    """trafilatura finds no article in a fragment; a text only sniffed as HTML is then read
    with its tags taken out, and the evidence points into that text."""
    path = tmp_path / "fragment.txt"
    path.write_text(FRAGMENT)
    result = CliRunner().invoke(
        main, ["extract", str(path), "--include-text", "--published-at", "2024-03-08", "-q"]
    )
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout)
    text = line["source"]["text"]
    assert text.startswith("Foreign Minister Yoko Kamikawa") and "Tokyo & Osaka." in text
    [meeting] = line["meetings"]
    assert [p["name"] for p in meeting["participants"]] == [
        "Yoko Kamikawa",
        "Subrahmanyam Jaishankar",
    ]
    for evidence in meeting["evidence"]:
        assert text[evidence["start"] : evidence["end"]] == evidence["text"]


def test_a_fragment_given_as_text_to_the_api_is_read_without_its_tags() -> None:
    result = extract(FRAGMENT, backend="rules")
    assert len(result.meetings) == 1


@pytest.mark.parametrize("name", ["fragment.html", "fragment.htm"])
def test_an_html_file_with_no_article_is_still_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(FRAGMENT)
    result = CliRunner().invoke(main, ["extract", str(path), "-q"])
    assert result.exit_code == 1
    assert "no article text found in the HTML page" in result.stderr


def test_a_text_of_nothing_but_tags_is_still_empty(tmp_path: Path) -> None:
    path = tmp_path / "tags.txt"
    path.write_text("<p><b></b></p>\n")
    result = CliRunner().invoke(main, ["extract", str(path), "-q"])
    assert result.exit_code == 1
    assert "no article text found" in result.stderr
