"""``extractor view``: the batch page, looked at in a real chromium (its DOM, its filters, a
screenshot kept in ``test-artifacts/``)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser import ARTIFACTS, chromium, require_chromium
from tests.conftest import FIXTURES, SEED

require_chromium()

PAIR = ["seed-article.txt", "e-sco-astana-jaishankar-five-sideline-bilaterals.txt"]


@pytest.fixture(scope="module")
def view_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("view")
    results = folder / "r.jsonl"
    quiet = folder / "quiet.txt"
    quiet.write_text("Markets were calm on Monday.\n", encoding="utf-8")
    inputs = [str(FIXTURES / name) for name in PAIR] + [str(quiet)]
    # the seed's text comes from the results, the others' from their files, read again
    subprocess.run(
        [sys.executable, "-m", "extractor", "extract", *inputs, "-o", str(results), "-q"],
        check=True,
    )
    lines = results.read_text(encoding="utf-8").splitlines()
    seed = json.loads(lines[0])
    seed["source"]["text"] = SEED.read_text(encoding="utf-8")
    results.write_text("\n".join([json.dumps(seed), *lines[1:]]) + "\n", encoding="utf-8")
    page = folder / "view.html"
    subprocess.run(
        [sys.executable, "-m", "extractor", "view", str(results), "-o", str(page)], check=True
    )
    return page


@pytest.fixture
def page(view_page: Path) -> Iterator[Page]:
    with chromium() as browser:
        opened = browser.new_page(viewport={"width": 1400, "height": 1000})
        opened.goto(view_page.as_uri())
        yield opened


def test_documents_come_most_records_first_with_their_evidence(page: Page) -> None:
    titles = page.locator("section.document h2").all_inner_texts()
    assert [t.split(" ")[0] for t in titles] == [
        "e-sco-astana-jaishankar-five-sideline-bilaterals",
        "seed-article",
        "quiet",
    ]
    seed = page.locator("section.document", has=page.locator("h2", has_text="seed-article"))
    name = seed.locator('mark[data-fields~="participants[0].name"]')
    assert name.text_content() == "Yoko Kamikawa"
    assert name.get_attribute("title") == "meeting 1: participants[0].name"
    sco = page.locator("section.document").first
    assert sco.locator("mark[data-meeting='4']").count() > 0  # five meetings, five colours
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "batch-view.png"), full_page=False)


def test_filters_and_search_hide_documents(page: Page) -> None:
    shown = page.locator("section.document:visible")
    assert shown.count() == 3
    page.fill("#country", "jp")
    assert page.locator("#shown").text_content() == "1 shown"
    page.fill("#country", "")
    page.fill("#person", "guterres")
    assert [t.split(" ")[0] for t in shown.locator("h2").all_inner_texts()] == [
        "e-sco-astana-jaishankar-five-sideline-bilaterals"
    ]
    page.fill("#person", "")
    page.fill("#search", "markets were calm")
    assert page.locator("#shown").text_content() == "1 shown"
    page.fill("#search", "")
    page.select_option("#status", "planned")
    assert page.locator("#shown").text_content() == "0 shown"


def test_every_evidence_span_is_highlighted_once_and_whole(page: Page, view_page: Path) -> None:
    results = [
        json.loads(line)
        for line in (view_page.parent / "r.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    for result in results:
        expected = {
            f"{index}:{e['field']}": e["text"]
            for index, meeting in enumerate(result["meetings"])
            for e in meeting["evidence"]
        }
        section = page.locator(
            "section.document", has=page.locator("h2", has_text=result["source"]["id"])
        )
        marks = section.locator("div.article mark").evaluate_all(
            "marks => marks.map(m => [m.dataset.evidence.split(' '), m.textContent])"
        )
        shown: dict[str, str] = {}
        for tokens, text in marks:
            for token in tokens:
                shown[token] = shown.get(token, "") + text
        assert len(shown) == len(expected) == sum(len(m["evidence"]) for m in result["meetings"])
        assert shown == expected  # each span once, whole, under its own meeting and field
