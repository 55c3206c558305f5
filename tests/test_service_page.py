"""The service's page in a real browser: Playwright driving Debian's ``chromium`` (installed by
``.ci/run``) against a real ``extractor serve`` process. A screenshot of the result is kept
in ``test-artifacts/``."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest
from playwright.sync_api import Browser, Page

from tests.browser import ARTIFACTS, chromium, require_chromium
from tests.conftest import SEED
from tests.service_process import ServeProcess

require_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    folder = tmp_path_factory.mktemp("serve")
    process = ServeProcess(
        "--backend", "rules", "--workers", "1", "--db", str(folder / "s.db"), log=folder / "log"
    )
    yield process
    process.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    opened = browser.new_page(viewport={"width": 1400, "height": 1000})
    yield opened
    opened.close()


def test_the_seed_article_pasted_shows_both_participants_highlighted_at_their_evidence(
    server: ServeProcess, page: Page
) -> None:
    text = SEED.read_text(encoding="utf-8")
    expected = httpx2.post(f"{server.url}/v1/extract", json={"text": text}, timeout=30).json()
    evidence = {e["field"]: e for e in expected["meetings"][0]["evidence"]}

    page.goto(server.url + "/")
    page.fill("textarea#text", text)
    page.select_option("select#backend", "rules")
    page.click("button#submit")
    page.wait_for_selector("table.meeting")

    row = page.locator("table.meeting tr", has=page.locator("th", has_text="participants"))
    participants = row.locator("table.inner td:first-child").all_inner_texts()
    assert participants == ["Yoko Kamikawa", "Subrahmanyam Jaishankar"]
    article = page.locator("div.article").first
    assert article.text_content() == text  # the offsets below count in the article as sent
    for number, name in enumerate(["Yoko Kamikawa", "Subrahmanyam Jaishankar"]):
        field = f"participants[{number}].name"
        mark = page.locator(f'div.article mark[data-fields~="{field}"]')
        assert mark.count() == 1
        assert mark.text_content() == name
        assert mark.get_attribute("data-meeting") == "0"
        assert field in (mark.get_attribute("title") or "")
        start = mark.evaluate(_OFFSET_IN_ARTICLE)
        assert (start, start + len(name)) == (evidence[field]["start"], evidence[field]["end"])
        assert mark.evaluate("m => getComputedStyle(m).backgroundColor") != "rgba(0, 0, 0, 0)"

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "service-page-seed.png"), full_page=True)


def test_a_job_page_filters_documents(server: ServeProcess, page: Page) -> None:
    text = SEED.read_text(encoding="utf-8")
    body = [{"id": "seed", "text": text}, {"id": "quiet", "text": "The weather was mild."}]
    job = httpx2.post(f"{server.url}/v1/jobs", json=body, timeout=30).json()
    for _ in range(300):
        if httpx2.get(f"{server.url}{job['status_url']}", timeout=5).json()["state"] == "done":
            break
    page.goto(f"{server.url}/jobs/{job['id']}")
    assert page.locator("section.document").count() == 2
    page.select_option("select[name=status]", "held")
    page.fill("input[name=country]", "in")
    page.click("form.filters button")
    page.wait_for_url("**status=held**")
    assert page.locator("section.document h2").all_inner_texts() == ["1. seed"]
    assert page.locator("section.document mark").count() > 0


# The character offset of a mark within its article: the lengths of the text before it.
_OFFSET_IN_ARTICLE = """mark => {
  const article = mark.closest('div.article');
  const range = document.createRange();
  range.setStart(article, 0);
  range.setEndBefore(mark);
  return range.toString().length;
}"""
