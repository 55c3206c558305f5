"""The rule-based backend on small articles written for one behaviour each."""

from __future__ import annotations

import datetime as dt

from extractor import Meeting, extract

DATELINE = "10:00 GMT, March 8, 2024"  # a Friday


def meetings(body: str, *, headline: str = "Diplomacy news") -> list[Meeting]:
    result = extract(f"{headline}\n{DATELINE}\n{body}", backend="rules")
    assert result.error is None
    return result.meetings


def names(meeting: Meeting) -> list[str]:
    return [p.name for p in meeting.participants]


def test_phone_call_has_no_location() -> None:
    [meeting] = meetings(
        "German Chancellor Olaf Scholz spoke by phone with Turkish President Recep Tayyip "
        "Erdogan on Wednesday about the war in Gaza, his spokesman said."
    )
    assert meeting.format == "phone" and meeting.location is None
    assert meeting.date == dt.date(2024, 3, 6)
    assert [(p.name, p.country) for p in meeting.participants] == [
        ("Olaf Scholz", "DE"),
        ("Recep Tayyip Erdogan", "TR"),
    ]


def test_video_call() -> None:
    [meeting] = meetings(
        "Japanese Defense Minister Minoru Kihara held a video conference with Philippine "
        "Defense Secretary Gilberto Teodoro on Monday."
    )
    assert meeting.format == "virtual" and meeting.countries == ["JP", "PH"]


def test_planned_meeting_resolves_forward() -> None:
    [meeting] = meetings(
        "Indian Prime Minister Narendra Modi will meet Japanese Prime Minister Fumio Kishida "
        "in Tokyo on Tuesday, officials said."
    )
    assert meeting.status == "planned"
    assert meeting.date == dt.date(2024, 3, 12)
    assert meeting.location is not None and meeting.location.city == "Tokyo"


def test_cancelled_meeting() -> None:
    [meeting] = meetings(
        "Polish Foreign Minister Radoslaw Sikorski has called off a meeting with Hungarian "
        "Foreign Minister Peter Szijjarto that had been planned for Thursday in Budapest."
    )
    assert meeting.status == "cancelled"
    assert names(meeting) == ["Radoslaw Sikorski", "Peter Szijjarto"]


def test_negated_meetings_are_not_meetings() -> None:
    assert (
        meetings(
            "Chinese Foreign Minister Wang Yi will not meet Philippine Foreign Secretary Enrique "
            "Manalo in Vientiane, and no meeting is planned, officials said."
        )
        == []
    )


def test_a_speech_is_not_a_meeting() -> None:
    assert (
        meetings(
            "Brazilian President Luiz Inacio Lula da Silva told the UN General Assembly on Tuesday "
            'that "hunger is a political choice". U.S. President Joe Biden spoke later in the day.'
        )
        == []
    )


def test_unnamed_counterpart_still_gives_a_country() -> None:
    [meeting] = meetings(
        "Australian Foreign Minister Penny Wong met her Japanese counterpart in Canberra on "
        "Thursday to discuss maritime security."
    )
    assert names(meeting) == ["Penny Wong"]
    assert meeting.countries == ["AU", "JP"]
    assert "maritime" in meeting.topics and "security" in meeting.topics


def test_a_tour_gives_one_record_per_meeting() -> None:
    found = meetings(
        "Australian Foreign Minister Penny Wong met Indonesian Foreign Minister Retno Marsudi "
        "in Jakarta on Monday.\n"
        "She then flew to Manila, where she held talks with Philippine Foreign Secretary "
        "Enrique Manalo on Wednesday."
    )
    assert [(names(m), m.location.city if m.location else None, m.date) for m in found] == [
        (["Penny Wong", "Retno Marsudi"], "Jakarta", dt.date(2024, 3, 4)),
        (["Penny Wong", "Enrique Manalo"], "Manila", dt.date(2024, 3, 6)),
    ]


def test_quotes_are_attributed_to_participants_through_pronouns() -> None:
    [meeting] = meetings(
        "Japanese Foreign Minister Yoko Kamikawa met Indian External Affairs Minister "
        "Subrahmanyam Jaishankar in Tokyo on Thursday.\n"
        "Kamikawa stressed the partnership. “India is a vital partner,” she said.\n"
        '"We agreed on a lot," Jaishankar told reporters.'
    )
    assert [(q.speaker, q.text) for q in meeting.quotes] == [
        ("Yoko Kamikawa", "India is a vital partner"),
        ("Subrahmanyam Jaishankar", "We agreed on a lot"),
    ]


def test_people_in_quotes_and_sources_are_not_participants() -> None:
    [meeting] = meetings(
        "Kenyan President William Ruto met Ghanaian President Nana Akufo-Addo in Nairobi on "
        'Thursday. "As President Joe Biden said, we must act," Ruto said, according to '
        "presidential spokesman Hussein Mohamed."
    )
    assert names(meeting) == ["William Ruto", "Nana Akufo-Addo"]


def test_the_wire_opener_date_is_not_the_meeting_date() -> None:
    [meeting] = meetings(
        "NEW DELHI, March 8 (Reuters) - Brazilian Foreign Minister Mauro Vieira and Indian "
        "External Affairs Minister S. Jaishankar held talks in New Delhi on Wednesday."
    )
    assert meeting.date == dt.date(2024, 3, 6) and meeting.date_text == "on Wednesday"


def test_agreements_are_read_from_the_meeting_sentences() -> None:
    [meeting] = meetings(
        "Spanish Prime Minister Pedro Sanchez met Chinese Premier Li Qiang in Beijing on "
        "Monday. The two leaders agreed to expand trade in agricultural products and signed "
        "a memorandum on electric vehicles."
    )
    assert meeting.agreements == [
        "expand trade in agricultural products",
        "memorandum on electric vehicles",
    ]
    assert {"trade", "agriculture"} <= set(meeting.topics)


def test_untitled_full_names_next_to_a_meeting_verb_are_people() -> None:
    [meeting] = meetings(
        "Elon Musk met Narendra Modi in New Delhi on Monday, and the two discussed "
        "investment in electric vehicles. New Zealand's economy was not discussed."
    )
    assert names(meeting) == ["Elon Musk", "Narendra Modi"]
    assert meeting.location is not None and meeting.location.city == "New Delhi"


def test_a_us_dateline_places_an_unlisted_town_and_the_newsroom() -> None:
    result = extract(
        "Biden, Xi meet\nNov. 15, 2023 9:45 p.m. PT\n"
        "WOODSIDE, Calif. (AP) — President Joe Biden and Chinese President Xi Jinping met "
        "Wednesday at a country estate.\n",
        backend="rules",
    )
    [meeting] = result.meetings
    assert [(p.name, p.country) for p in meeting.participants] == [
        ("Joe Biden", "US"),
        ("Xi Jinping", "CN"),
    ]
    assert meeting.location is not None
    assert (meeting.location.city, meeting.location.country) == ("Woodside", "US")
    assert str(meeting.date) == "2023-11-15"


def test_the_hosts_of_a_planned_visit_represent_its_destination() -> None:
    [meeting] = meetings(
        "BERLIN, March 8 (Reuters) - German Chancellor Olaf Scholz will travel to China in "
        "April for talks with President Xi Jinping and Premier Li Qiang, a spokesperson said."
    )
    assert meeting.status == "planned" and meeting.date is None and meeting.date_text == "in April"
    assert [(p.name, p.country) for p in meeting.participants] == [
        ("Olaf Scholz", "DE"),
        ("Xi Jinping", "CN"),
        ("Li Qiang", "CN"),
    ]


def test_a_byline_without_a_dash_is_metadata_and_names_the_newsroom() -> None:
    result = extract(
        "Modi holds talks with Albanese\nNew Delhi, March 10 (PTI) Prime Minister Narendra "
        "Modi on Friday held talks with his Australian counterpart Anthony Albanese.\n",
        backend="rules",
        published_at="2023-03-10T18:00:00+05:30",
    )
    [meeting] = result.meetings
    assert [(p.name, p.country) for p in meeting.participants] == [
        ("Narendra Modi", "IN"),
        ("Anthony Albanese", "AU"),
    ]
    assert str(meeting.date) == "2023-03-10" and meeting.date_text == "on Friday"


def test_places_named_by_venues_and_events() -> None:
    [hosted] = meetings(
        "Australian Defence Minister Richard Marles hosted Japanese Defence Minister Minoru "
        "Kihara at RAAF Base Darwin on Monday."
    )
    assert hosted.location is not None
    assert (hosted.location.city, hosted.location.venue) == ("Darwin", "RAAF Base Darwin")
    [sidelines] = meetings(
        "Hungarian Foreign Minister Peter Szijjarto met Russian Foreign Minister Sergei Lavrov "
        "on the sidelines of the Antalya Diplomacy Forum on Saturday."
    )
    assert sidelines.location is not None and sidelines.location.city == "Antalya"


def test_hosting_an_event_and_a_past_meeting_aside_are_not_meetings() -> None:
    assert (
        meetings(
            "Saudi Foreign Minister Prince Faisal bin Farhan said the kingdom's bid to host the "
            "2030 World Expo showed the world's confidence in Saudi Arabia."
        )
        == []
    )
    assert (
        meetings(
            "Nigerian Finance Minister Wale Edun, a former banker who met U.S. President Joe Biden "
            "in 2021 as part of a business delegation, presented the budget on Tuesday."
        )
        == []
    )


def test_ministers_from_several_countries_are_parties_in_text_order() -> None:
    [meeting] = meetings(
        "Foreign ministers from Japan, South Korea and China will meet in Tokyo on Saturday "
        "to prepare for a trilateral summit, officials said."
    )
    assert meeting.status == "planned" and meeting.countries == ["JP", "KR", "CN"]
    assert meeting.location is not None and meeting.location.city == "Tokyo"


def test_officials_without_a_meeting_give_no_record() -> None:
    for text in (
        "U.S. Secretary of State Marco Rubio said in an interview with CBS on Sunday that "
        "talks with Iran had stalled.",
        "German Foreign Minister Johann Wadephul met with students at Tsinghua University "
        "during his visit to Beijing on Monday.",
        "The foreign ministers of India and Pakistan exchanged sharp words at the United "
        "Nations General Assembly on Saturday but did not meet.",
    ):
        assert meetings(text) == [], text
