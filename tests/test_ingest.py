"""Every kind of input gets a document or a clear per-input error; nothing is skipped silently."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from extractor.document import Document
from extractor.ingest import (
    InputFailure,
    document_from_text,
    plan_inputs,
    prepare,
    read_target,
)
from extractor.ingest.plan import NOT_AN_ARTICLE
from extractor.ingest.sources import STDIN, Target

ARTICLE = (
    "Ministers meet in Rome\n14:07 CET, March 8, 2024\n"
    "Italian Foreign Minister Antonio Tajani met French Foreign Minister Stéphane Séjourné "
    "in Rome on Thursday and agreed to deepen defence cooperation.\n"
)


def read(path: Path | str, **options: object) -> list[Document | InputFailure]:
    target = plan_inputs([str(path)]).targets[0]
    return list(read_target(target, **options))  # type: ignore[arg-type]


def only_failure(items: list[Document | InputFailure]) -> InputFailure:
    [item] = items
    assert isinstance(item, InputFailure), item
    return item


def test_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "rome.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    [document] = read(path)
    assert isinstance(document, Document)
    assert document.id == "rome" and document.title == "Ministers meet in Rome"
    assert document.published_at is not None and document.published_at.isoformat() == (
        "2024-03-08T14:07:00+01:00"
    )


def test_empty_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"  \n")
    failure = only_failure(read(path))
    assert type(failure.error).__name__ == "EmptyInput"
    assert str(path) in str(failure.error)


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(bytes(range(256)) * 40)
    failure = only_failure(read(path))
    assert type(failure.error).__name__ == "BinaryInput"
    assert "binary" in str(failure.error)


def test_latin1_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(ARTICLE.replace("Séjourné", "Séjourné").encode("latin-1"))
    [document] = read(path)
    assert isinstance(document, Document)
    assert "Séjourné" in document.text


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(ARTICLE.encode("utf-16"))
    [document] = read(path)
    assert isinstance(document, Document) and "Tajani" in document.text


def test_crlf_line_endings_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(ARTICLE.replace("\n", "\r\n").encode())
    [document] = read(path)
    assert isinstance(document, Document) and "\r" not in document.text


def test_jsonl_with_a_broken_line_loses_only_that_line(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    rows = [
        json.dumps({"id": "a", "text": ARTICLE}),
        '{"id": "b", "text": "unterminated',
        json.dumps(
            {"id": "c", "html": f"<html><body><article><p>{ARTICLE}</p></article></body></html>"}
        ),
        json.dumps({"id": "d"}),
        json.dumps({"id": "e", "text": ARTICLE, "published_at": "not a date"}),
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    items = read(path)
    assert [type(i).__name__ for i in items] == [
        "Document",
        "InputFailure",
        "Document",
        "InputFailure",
        "InputFailure",
    ]
    assert items[0].id == "a" and items[2].id == "c"
    broken = items[1]
    assert isinstance(broken, InputFailure)
    assert broken.id == "batch:2" and f"{path}:2" in str(broken.error)
    assert "'text' or 'html'" in str(items[3].error)  # type: ignore[union-attr]
    assert "ISO 8601" in str(items[4].error)  # type: ignore[union-attr]


def test_jsonl_row_published_at_is_used(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"text": "Body only.", "published_at": "2024-01-02T03:04:00Z"}))
    [document] = read(path)
    assert isinstance(document, Document)
    assert document.id == "rows:1"
    assert document.published_at is not None and document.published_at.year == 2024


def test_html_goes_through_a_main_text_extractor(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Site | Ministers meet</title>"
        '<meta property="article:published_time" content="2024-03-08T14:07:00+09:00"></head>'
        "<body><nav><a>Home</a><a>World</a></nav><article><h1>Ministers meet in Tokyo</h1>"
        "<p>Foreign Minister Yoko Kamikawa met India's External Affairs Minister Subrahmanyam "
        "Jaishankar on Thursday in Tokyo.</p><p>They agreed to promote cooperation.</p></article>"
        "<aside><h3>Most read</h3><ul><li>Biden meets Xi in California</li></ul></aside>"
        "</body></html>",
        encoding="utf-8",
    )
    [document] = read(path)
    assert isinstance(document, Document)
    assert document.text.startswith("Ministers meet in Tokyo\n")
    assert "Home" not in document.text and "Biden" not in document.text
    assert document.published_at is not None and document.published_at.utcoffset() is not None


def test_too_large_input_is_refused_with_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("x" * 2000)
    failure = only_failure(read(path, max_bytes=1000))
    assert "--max-bytes" in str(failure.error) and "1,000" in str(failure.error)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    failure = only_failure(read(tmp_path / "nowhere.txt"))
    assert type(failure.error).__name__ == "InputNotFound"


def test_a_file_that_disappears_after_listing_is_an_error_for_it_alone(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_text(ARTICLE)
    plan = plan_inputs([str(tmp_path)])
    (tmp_path / "b.txt").unlink()
    items = [item for target in plan.targets for item in read_target(target)]
    assert [type(i).__name__ for i in items] == ["Document", "InputFailure", "Document"]


def test_directories_are_read_recursively_in_order_and_skips_are_listed(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text(ARTICLE)
    (tmp_path / "sub" / "a.html").write_text("<html><body><p>x</p></body></html>")
    (tmp_path / "notes.json").write_text("{}")
    (tmp_path / ".hidden.txt").write_text(ARTICLE)
    plan = plan_inputs([str(tmp_path)])
    assert [t.id for t in plan.targets] == ["b", "sub/a"]
    assert [(Path(s.path).name, s.reason.split(" (")[0]) for s in plan.skipped] == [
        (".hidden.txt", "hidden"),
        ("notes.json", NOT_AN_ARTICLE),
    ]


def test_stdin_text_and_jsonl() -> None:
    [document] = list(read_target(Target(STDIN, "stdin"), stdin=io.BytesIO(ARTICLE.encode())))
    assert isinstance(document, Document) and document.path is None
    rows = (json.dumps({"id": "x", "text": ARTICLE}) + "\n").encode()
    [row] = list(read_target(Target(STDIN, "stdin"), stdin=io.BytesIO(rows)))
    assert isinstance(row, Document) and row.id == "x"


@pytest.mark.parametrize("size_mb", [5])
def test_a_multi_megabyte_article_is_read(tmp_path: Path, size_mb: int) -> None:
    path = tmp_path / "long.txt"
    body = ARTICLE * (size_mb * 1_000_000 // len(ARTICLE))
    path.write_text(body)
    [document] = read(path)
    assert isinstance(document, Document) and len(document.text) >= size_mb * 990_000


# -- The top of a real page (issue #10): furniture, captions, stamps, headline ------------


def _marked(document: Document) -> list[str]:
    return [document.text[start:end] for start, end in document.noise or ()]


def test_headline_skips_navigation_lines() -> None:
    text = (
        "Skip to main content\nSearch Box\nHome > News > Europe\nDiplomacy\n"
        "Lisbon and Rabat foreign ministers sign water accord\n"
        "Portugal's Foreign Minister Paulo Rangel signed a water accord with Morocco's "
        "Nasser Bourita in Lisbon on Monday.\n"
    )
    document = document_from_text(text)
    assert document.title == "Lisbon and Rabat foreign ministers sign water accord"
    assert _marked(document) == [
        "Skip to main content",
        "Search Box",
        "Home > News > Europe",
        "Diplomacy",
    ]


def test_headline_skips_photo_captions_and_credits_above_it() -> None:
    text = (
        "PHOTO: Two envoys walk past an honour guard in Hanoi. Vietnam News Agency/Handout\n"
        "A delegate arrives at the summit venue. AFP/Getty Images\n"
        "Hanoi hosts Laos premier for border talks\n"
        "Vietnamese Prime Minister Pham Minh Chinh hosted Lao Prime Minister Sonexay "
        "Siphandone in Hanoi on Friday.\n"
    )
    document = document_from_text(text)
    assert document.title == "Hanoi hosts Laos premier for border talks"
    assert _marked(document) == [
        "PHOTO: Two envoys walk past an honour guard in Hanoi. Vietnam News Agency/Handout",
        "A delegate arrives at the summit venue. AFP/Getty Images",
    ]


def test_headline_skips_bylines_and_a_site_tagline_before_the_section() -> None:
    text = (
        "Independent reporting from the Gulf since 1998\nMiddle East\n"
        "Oman's sultan receives Iranian envoy in Muscat\n"
        "By Rana Haddad\n"
        "Sultan Haitham bin Tarik received Iran's Foreign Minister in Muscat on Sunday.\n"
    )
    document = document_from_text(text)
    assert document.title == "Oman's sultan receives Iranian envoy in Muscat"
    assert "By Rana Haddad" in _marked(document)
    assert "Independent reporting from the Gulf since 1998" in _marked(document)


def test_headline_keeps_offsets_and_leaves_the_body_unmarked() -> None:
    body = "Chile's President Gabriel Boric met Peru's President Dina Boluarte in Lima on Friday."
    text = f"Go to Contents\nShare\nPrint\nBoric and Boluarte meet in Lima\n{body}\n"
    document = document_from_text(text)
    assert document.text == text
    assert body not in "".join(_marked(document))
    assert "Go to Contents" in _marked(document)


def test_headline_is_none_when_the_text_starts_with_body_prose() -> None:
    text = "Menu\nThe two presidents met in Lima on Friday, officials said.\nMore text.\n"
    assert document_from_text(text).title is None


def test_page_stamp_after_the_headline_dates_the_article() -> None:
    text = (
        "Print\nLanguage\nNepal, Bhutan leaders agree to expand hydropower trade\n"
        "First published: 14 Aug 2023 08:05 NPT | Last updated: 15 Aug 2023 10:00 NPT\n"
        "Nepal's Prime Minister met Bhutan's Prime Minister in Kathmandu on Sunday.\n"
    )
    document = document_from_text(text)
    assert document.published_at is not None
    assert document.published_at.isoformat() == "2023-08-14T08:05:00+05:45"
    assert "First published: 14 Aug 2023" in _marked(document)[-1]


def test_page_stamp_without_a_zone_stays_naive() -> None:
    text = (
        "Search\nKenya and Ethiopia sign transit deal\nWrite : 2016-11-02 07:45:10\n"
        "Kenyan President met the Ethiopian Prime Minister in Nairobi on Tuesday.\n"
    )
    document = document_from_text(text)
    assert document.published_at == dt.datetime(2016, 11, 2, 7, 45, 10)


def test_page_stamp_as_a_blog_date_line_above_the_headline() -> None:
    text = (
        "Saturday, 9 March 2019\nFiji and Tonga leaders talk fisheries in Suva\n"
        "Fiji's Prime Minister hosted the Tongan Prime Minister in Suva on Friday.\n"
    )
    document = document_from_text(text)
    assert document.title == "Fiji and Tonga leaders talk fisheries in Suva"
    assert document.published_at == dt.datetime(2019, 3, 9)


def test_wire_opener_day_without_a_year_dates_nothing() -> None:
    text = (
        "Indonesia, Malaysia agree on border patrols\n"
        "KUALA LUMPUR, Oct 3 (Bernama) -- Malaysia's Prime Minister and Indonesia's President "
        "held talks in Putrajaya on Thursday.\n"
    )
    document = document_from_text(text)
    assert document.published_at is None
    assert _marked(document) == ["KUALA LUMPUR, Oct 3 (Bernama) -- "]


def test_wire_opener_day_with_the_year_from_a_dated_address() -> None:
    text = (
        "Indonesia, Malaysia agree on border patrols\n"
        "KUALA LUMPUR, Oct 3 (Bernama) -- Malaysia's Prime Minister and Indonesia's President "
        "held talks in Putrajaya on Thursday.\n"
    )
    dated = Document(text=text, url="https://news.example.my/2019/10/03/border-patrols")
    undated = Document(text=text, url="https://news.example.my/2019/11/border-patrols")
    assert prepare(dated).published_at == dt.datetime(2019, 10, 3)
    assert prepare(undated).published_at is None  # another month: no year for this day


def test_wire_opener_that_prints_its_year_dates_an_unstamped_article() -> None:
    text = (
        "UAE, Jordan discuss regional security\n"
        "ABU DHABI, 21st June, 2023 (WAM) -- The UAE's Foreign Minister received Jordan's "
        "Foreign Minister in Abu Dhabi.\n"
    )
    assert document_from_text(text).published_at == dt.datetime(2023, 6, 21)


def test_wire_opener_loses_to_a_page_stamp() -> None:
    text = (
        "UAE, Jordan discuss regional security\nPosted on June 22, 2023 by desk\n"
        "ABU DHABI, 21st June, 2023 (WAM) -- The UAE's Foreign Minister received Jordan's "
        "Foreign Minister in Abu Dhabi.\n"
    )
    assert document_from_text(text).published_at == dt.datetime(2023, 6, 22)


def test_bare_filing_city_line_under_the_headline_is_the_opener() -> None:
    text = (
        "Pakistan rules out talks with Kabul envoy\nKARACHI\n"
        "Pakistan's foreign office said on Monday that no meeting was planned.\n"
    )
    document = document_from_text(text)
    assert document.opener is not None and document.opener.place == "KARACHI"
    assert "KARACHI" in _marked(document)


def _html_title(tmp_path: Path, head_title: str, heading: str) -> str | None:
    path = tmp_path / "post.html"
    path.write_text(
        f"<html><head><title>{head_title}</title></head><body>"
        "<h1 class='title'><a href='https://notes.example/'>Island Notes</a></h1>"
        f"<div class='post'><h3 class='post-title'>{heading}</h3>"
        "<p>Samoa's Prime Minister met New Zealand's Foreign Minister in Apia on Tuesday to "
        "talk about climate finance and seasonal workers, officials said afterwards.</p>"
        "<p>The two sides agreed to meet again before the end of the year in Wellington.</p>"
        "</div></body></html>",
        encoding="utf-8",
    )
    [document] = read(path)
    assert isinstance(document, Document)
    return document.title


def test_headline_of_a_blog_page_is_its_post_heading_not_the_site_name(tmp_path: Path) -> None:
    title = "Samoa and New Zealand talk climate finance in Apia"
    assert _html_title(tmp_path, f"Island Notes: {title}", title) == title


def test_headline_of_a_page_titled_story_then_site_stays_the_story(tmp_path: Path) -> None:
    title = "Samoa and New Zealand talk climate finance in Apia"
    assert _html_title(tmp_path, f"{title} | Island Notes", title) == title


def test_page_stamp_after_a_byline_name_and_story_highlights() -> None:
    from extractor.ingest import document_from_text

    for page in (
        "THE DAILY\nMinisters agree on trade\nAmina Yusuf\nPublished March 4, 2024 9:10am\n"
        "The ministers agreed on Monday to cut tariffs.\n",
        "You are in:\nHome > News\nMinisters agree on trade\nMonday 4 March 2024\n"
        "The ministers agreed on Monday to cut tariffs.\n",
        "Ministers agree on trade\nStory Highlights\n• The ministers agreed to cut tariffs.\n"
        "March 4, 2024\nThe ministers agreed on Monday to cut tariffs.\n",
    ):
        document = document_from_text(page)
        assert document.title == "Ministers agree on trade", page
        assert document.published_at is not None, page
        assert document.published_at.date().isoformat() == "2024-03-04", page


_BODY = "The ministers agreed on Monday to cut tariffs.\n"


@pytest.mark.parametrize(
    ("page", "headline", "day"),
    [
        pytest.param(
            "Ministers agree on trade\n08/03/2022 01:27 PM\n"
            "Taipei, Aug. 3 (CNA) The ministers agreed on Wednesday to cut tariffs.\n",
            "Ministers agree on trade",
            "2022-08-03",
            id="numeric stamp read in the order of the wire opener",
        ),
        pytest.param(
            "The Tribune\nNews feed\nPolitics\nElections\nMinisters agree on trade in Warsaw\n"
            "04.03.2024 10:15\n" + _BODY,
            "Ministers agree on trade in Warsaw",
            "2024-03-04",
            id="menu items after a guessed headline give way to the story headline",
        ),
        pytest.param(
            "Ministers agree on trade\n4/6/2025 9:30:00 AM\n(MENAFN- Oman News Agency (ONA)) "
            "MUSCAT, April 6 (ONA) -- The ministers agreed on Sunday to cut tariffs.\n",
            "Ministers agree on trade",
            "2025-04-06",
            id="wire opener after a syndicator's credit orders a numeric stamp",
        ),
        pytest.param(
            "Ministers agree on trade\nHome > News\n" + _BODY + "\nSPA: 3 March 2025\n\n"
            "Read also\n- Ministers meet in Riyadh\n",
            "Ministers agree on trade",
            "2025-03-03",
            id="a stamp closing the story dates a page with none at the top",
        ),
        pytest.param(
            "Ministers agree on trade\nThe Gazette\nPolitics | Economy | World\n"
            "The two ministers at their last meeting in Vienna, 2023 (file)\n"
            "Anna Berg, Gazette correspondent, Vienna\n12:40, 4 March 2024\n" + _BODY,
            "Ministers agree on trade",
            "2024-03-04",
            id="a file photo caption and a correspondent's line are no headline",
        ),
        pytest.param(
            "Ministers agree on trade\nHome | Politics\nThe two ministers in Quito. Photo: "
            "AGENCY/Press Office\n19:40 | Quito, Jun. 10.\n\n" + _BODY + "\nPublished: 6/10/2025\n",
            "Ministers agree on trade",
            "2025-06-10",
            id="a credited photo caption; a closing numeric stamp read as the top's month name",
        ),
    ],
)
def test_page_stamp_and_headline_of_real_page_tops(page: str, headline: str, day: str) -> None:
    from extractor.ingest import document_from_text

    document = document_from_text(page)
    assert document.title == headline
    assert document.published_at is not None
    assert document.published_at.date().isoformat() == day
