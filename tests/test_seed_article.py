"""The article the product was specified from: the first thing it must get right."""

from __future__ import annotations

import datetime as dt

from extractor import extract


def test_seed_article_gives_the_one_meeting_it_reports(seed_text: str) -> None:
    result = extract(seed_text, backend="rules")

    assert result.error is None
    assert result.source.published_at == dt.datetime.fromisoformat("2024-03-08T14:07:00+09:00")
    assert len(result.meetings) == 1
    meeting = result.meetings[0]
    assert [(p.name, p.title, p.country) for p in meeting.participants] == [
        ("Yoko Kamikawa", "Foreign Minister", "JP"),
        ("Subrahmanyam Jaishankar", "External Affairs Minister", "IN"),
    ]
    assert meeting.countries == ["JP", "IN"]
    assert meeting.date == dt.date(2024, 3, 7)
    assert meeting.date_text == "on Thursday"
    assert meeting.location is not None
    assert (meeting.location.city, meeting.location.country) == ("Tokyo", "JP")
    assert meeting.format == "in_person"
    assert meeting.status == "held"
    assert {"defense", "security", "space", "cyber"} <= set(meeting.topics)
    assert [(q.speaker, q.text[:40]) for q in meeting.quotes] == [
        ("Yoko Kamikawa", "Japan places particular importance on th")
    ]


def test_nobody_from_the_page_noise_lists_is_a_participant(seed_text: str) -> None:
    result = extract(seed_text, backend="rules")
    named = {p.name for m in result.meetings for p in m.participants}
    for noise_name in ("Ishiba", "Takaichi", "Koizumi", "Harris", "Trump"):
        assert not any(noise_name in name for name in named)


def test_every_evidence_span_matches_the_text(seed_text: str) -> None:
    result = extract(seed_text, backend="rules")
    evidence = result.meetings[0].evidence
    assert {e.field for e in evidence} >= {"participants[0].name", "date_text", "location"}
    for span in evidence:
        assert seed_text[span.start : span.end] == span.text
