"""Page noise is marked so that nobody in it becomes a participant."""

from __future__ import annotations

from extractor.ingest import document_from_text
from extractor.ingest.noise import find_noise


def noise_text(text: str) -> list[str]:
    return [text[start:end] for start, end in find_noise(text)]


def test_popular_and_ranking_lists_are_noise(seed_text: str) -> None:
    [block] = noise_text(seed_text)
    assert block.startswith('"Politics" POPULAR ARTICLE')
    assert "Shigeru Ishiba Elected" in block
    assert block.endswith("Japan-S. Korea Exchange Festival Held in Seoul")


def test_body_prose_after_a_list_is_not_noise() -> None:
    paragraph = (
        "The two ministers also agreed to hold a strategic dialogue in the autumn, officials "
        "said, adding that preparations would start immediately and that both capitals were "
        "keen to keep the momentum of the talks going through the coming months of the year."
    )
    text = f"Body first.\nRelated\n- Other headline one\n- Other headline two\n{paragraph}\n"
    blocks = noise_text(text)
    assert blocks == ["Related\n- Other headline one\n- Other headline two"]


def test_captions_tags_and_share_bars_are_noise() -> None:
    text = (
        "Body sentence one.\n"
        "Photo: Prime Minister Fumio Kishida arrives in Seoul. (Reuters)\n"
        "Tags: Japan, South Korea, Yoon Suk Yeol\n"
        "Share this article: Facebook Twitter Email\n"
        "Body sentence two."
    )
    blocks = noise_text(text)
    assert len(blocks) == 1
    assert "Kishida" in blocks[0] and "Yoon" in blocks[0] and "Facebook" in blocks[0]


def test_the_dateline_and_wire_opener_are_marked_as_metadata() -> None:
    text = (
        "Ministers hold talks in Delhi\nMay 14, 2024 | 6:45 PM IST\n"
        "NEW DELHI, May 14 (Reuters) - Minister A met Minister B on Monday."
    )
    document = document_from_text(text)
    marked = [text[s:e] for s, e in document.noise or ()]
    assert marked == ["May 14, 2024 | 6:45 PM IST", "NEW DELHI, May 14 (Reuters) - "]


def test_captions_ending_in_a_photo_credit_are_noise() -> None:
    text = (
        "Body sentence one.\n"
        "The two delegations line up in Cairo on Sunday. REUTERS/Amr Nabil/Pool\n"
        "FILE - Ministers gather in Vienna in a file image.\n"
        "Officials pose before the dinner. Yonhap photo\n"
        "Body sentence two."
    )
    [block] = noise_text(text)
    assert block.startswith("The two delegations") and block.endswith("Yonhap photo")


def test_reporting_and_editing_trailers_are_noise() -> None:
    text = (
        "The two leaders will meet again in June.\n\n"
        "Reporting by Ana Silva in Brasilia; additional reporting by Lee Chen; Editing by Tom Ek\n"
    )
    assert noise_text(text) == [
        "Reporting by Ana Silva in Brasilia; additional reporting by Lee Chen; Editing by Tom Ek"
    ]


def test_a_body_sentence_naming_an_agency_is_not_a_caption() -> None:
    text = "The minister told Reuters/Ipsos pollsters that talks with Kyiv would resume soon."
    assert noise_text(text) == []
