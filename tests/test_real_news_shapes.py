"""The rule backend on shapes of real news text, one test per fault class of issue #10.

Every article here is written for the test, in the shape of a kind of page (wire copy,
ministry readout, roundup), with other names and wording than the labelled cases in
``fixtures/`` and ``shared/cases``: a rule that only learned those cases fails here.
"""

from __future__ import annotations

import datetime as dt

from extractor import extract
from extractor.guards import guard_records, has_two_parties
from extractor.schema import ExtractionResult, Meeting, Participant


def _extract(body: str, dateline: str = "11:30 GMT, June 12, 2025") -> ExtractionResult:
    return extract(f"Ministers meet\n{dateline}\n{body}\n")


def _people(meeting: Meeting) -> list[tuple[str, str | None, str | None]]:
    return [(p.name, p.title, p.country) for p in meeting.participants]


# -- 1. country binding -------------------------------------------------------------------


def test_country_binding_one_nationality_covers_a_list_of_offices() -> None:
    result = _extract(
        "Indonesian Foreign Minister Sugiono met Australian Prime Minister Anthony Albanese "
        "and Defence Minister Richard Marles in Canberra on Tuesday."
    )
    [meeting] = result.meetings
    assert ("Richard Marles", "Defence Minister", "AU") in _people(meeting)


def test_country_binding_same_office_twice_are_counterparts_not_one_delegation() -> None:
    result = _extract(
        "Kenyan Foreign Minister Musalia Mudavadi and Foreign Minister Penny Wong held talks "
        "in Canberra on Tuesday.",
        dateline="11:30 AEST, June 12, 2025",
    )
    [meeting] = result.meetings
    countries = {name: country for name, _, country in _people(meeting)}
    assert countries["Musalia Mudavadi"] == "KE"
    assert countries["Penny Wong"] != "KE"


def test_country_binding_an_office_names_its_state_under_a_foreign_dateline() -> None:
    result = _extract(
        "Tanaiste Micheal Martin met Qatari Prime Minister Mohammed bin Abdulrahman Al Thani "
        "in Doha on Sunday.",
        dateline="09:00 AST, June 12, 2025",
    )
    [meeting] = result.meetings
    assert ("Micheal Martin", "Tanaiste", "IE") in _people(meeting)


def test_country_binding_a_role_named_first_goes_to_the_name_given_later() -> None:
    result = _extract(
        "Foreign Minister Penny Wong will see the Brazilian President during the trip. On "
        "Monday she travels to Brasilia for talks with Luiz Inacio Lula da Silva.",
        dateline="11:30 AEST, June 12, 2025",
    )
    people = {
        name: (title, country) for m in result.meetings for name, title, country in _people(m)
    }
    assert people.get("Luiz Inacio Lula da Silva") == ("President", "BR")


# -- 2. styles versus offices --------------------------------------------------------------


def test_styles_are_neither_names_nor_offices() -> None:
    result = _extract(
        "H.E. Dr. Vivian Balakrishnan, Minister for Foreign Affairs of Singapore, received "
        "His Excellency Sheikh Abdullah bin Zayed Al Nahyan, the UAE's Foreign Minister, "
        "in Singapore on Monday."
    )
    [meeting] = result.meetings
    assert _people(meeting) == [
        ("Vivian Balakrishnan", "Minister for Foreign Affairs", "SG"),
        ("Abdullah bin Zayed Al Nahyan", "Foreign Minister", "AE"),
    ]


def test_styles_a_counterpart_holds_the_office_he_faces() -> None:
    result = _extract(
        "Defence Minister Gilberto Teodoro met his Japanese counterpart Gen Nakatani in "
        "Manila on Friday.",
        dateline="18:00 PHT, June 14, 2025",
    )
    [meeting] = result.meetings
    assert ("Gen Nakatani", "Defence Minister", "JP") in _people(meeting)


# -- 3. non-participants -------------------------------------------------------------------


def test_non_participants_a_principal_named_in_an_aides_apposition() -> None:
    result = _extract(
        "Jake Sullivan, national security adviser to U.S. President Joe Biden, and "
        "Chinese Foreign Minister Wang Yi held talks in Bangkok on Saturday."
    )
    [meeting] = result.meetings
    names = [name for name, _, _ in _people(meeting)]
    assert names == ["Jake Sullivan", "Wang Yi"]
    assert meeting.participants[0].country == "US"


def test_non_participants_the_one_who_reports_a_meeting() -> None:
    result = _extract(
        "Foreign Minister Ahmed Attaf told reporters on Sunday that Moroccan Foreign Minister "
        "Nasser Bourita had met Spanish Foreign Minister Jose Manuel Albares in Madrid."
    )
    [meeting] = result.meetings
    names = [name for name, _, _ in _people(meeting)]
    assert "Ahmed Attaf" not in names
    assert names == ["Nasser Bourita", "Jose Manuel Albares"]


# -- 4. passive and nominal meetings -------------------------------------------------------


def test_missed_meetings_passive_talks_held_between() -> None:
    result = _extract(
        "On Wednesday, consultations were held between Deputy Foreign Minister Andrey Rudenko "
        "and Vietnamese Deputy Foreign Minister Nguyen Minh Hang in Moscow.",
        dateline="12:00 MSK, June 12, 2025",
    )
    [meeting] = result.meetings
    assert [p.name for p in meeting.participants] == ["Andrey Rudenko", "Nguyen Minh Hang"]
    assert meeting.status == "held"


def test_missed_meetings_could_meet_is_planned() -> None:
    result = _extract(
        "Indian Prime Minister Narendra Modi and Chinese President Xi Jinping could meet in "
        "Kazan next week, officials said."
    )
    [meeting] = result.meetings
    assert meeting.status == "planned"


# -- 5. a second planned meeting in the next sentence ---------------------------------------


def test_meetings_merged_a_second_planned_meeting_next_sentence() -> None:
    result = _extract(
        "Foreign Minister Annalena Baerbock will see both the Polish and the Czech foreign "
        "ministers next week. On Monday she travels to Warsaw for talks with Radoslaw "
        "Sikorski. On Wednesday she will receive Jan Lipavsky in Berlin.",
        dateline="10:00 CEST, June 12, 2025",
    )
    assert len(result.meetings) == 2
    first, second = result.meetings
    assert first.date is not None and second.date is not None and first.date < second.date
    assert {p.name for p in second.participants} == {"Annalena Baerbock", "Jan Lipavsky"}


# -- 6. records without two parties ---------------------------------------------------------


def test_records_without_two_parties_are_dropped_with_a_warning() -> None:
    result = _extract("Foreign Minister Retno Marsudi held talks in Jakarta on Monday.")
    assert result.meetings == []


# -- 7. status ------------------------------------------------------------------------------


def test_status_a_denied_meeting_gives_no_record() -> None:
    result = _extract(
        "Foreign Minister Ali Sabry denied reports that he had met Indian External Affairs "
        "Minister S. Jaishankar in Colombo last week."
    )
    assert result.meetings == []


def test_status_a_cancellation_told_before_the_plan() -> None:
    result = _extract(
        "The visit to India by Foreign Minister Ali Sabry has been called off.\n\n"
        "Sabry was due in New Delhi from June 20 to 22 for talks with External Affairs "
        "Minister S. Jaishankar.",
        dateline="10:00 IST, June 12, 2025",
    )
    [meeting] = result.meetings
    assert meeting.status == "cancelled"


def test_status_a_held_meeting_never_carries_a_future_date() -> None:
    held = Meeting(status="held", participants=[], countries=["TR", "EG"], date="2025-06-20")
    [meeting], [warning] = guard_records([held], dt.date(2025, 6, 12))
    assert meeting.status == "planned"
    assert "after publication" in warning


def test_records_without_two_parties_one_person_needs_a_second_state() -> None:
    alone = Participant(name="Retno Marsudi", country="ID")
    assert not has_two_parties(Meeting(status="held", participants=[alone], countries=["ID"]))
    assert has_two_parties(Meeting(status="held", participants=[alone], countries=["ID", "MY"]))


# -- 11. quotes -----------------------------------------------------------------------------


def test_quotes_a_quote_left_open_runs_into_the_next_paragraph() -> None:
    result = _extract(
        "Prime Minister Luc Frieden met Belgian Prime Minister Bart De Wever in Brussels on "
        'Tuesday. After the talks, Frieden said: "Our borders are open every day.\n\n'
        '"We will keep them that way."'
    )
    [meeting] = result.meetings
    assert [q.text for q in meeting.quotes] == [
        "Our borders are open every day.",
        "We will keep them that way.",
    ]
    assert {q.speaker for q in meeting.quotes} == {"Luc Frieden"}


# -- more shapes: roundups, denials, blocs, hosts ---------------------------------------------


def test_meetings_merged_a_series_of_bilaterals_with_the_leaders_of_several_states() -> None:
    result = _extract(
        "Prime Minister Anthony Albanese held a series of bilateral meetings in Lima on "
        "Saturday, meeting the leaders of Chile, Peru and Vietnam.\n\n"
        "In his meeting with Chilean President Gabriel Boric, the two discussed critical "
        "minerals.\n\n"
        "With Vietnamese President Luong Cuong, Albanese reviewed maritime cooperation.",
        dateline="09:00 AEDT, November 17, 2024",
    )
    countries = sorted(tuple(sorted(m.countries)) for m in result.meetings)
    assert countries == [("AU", "CL"), ("AU", "PE"), ("AU", "VN")]
    by_country = {next(c for c in m.countries if c != "AU"): m for m in result.meetings}
    assert [p.name for p in by_country["CL"].participants] == ["Anthony Albanese", "Gabriel Boric"]
    assert all(m.date is not None and m.date.isoformat() == "2024-11-16" for m in result.meetings)


def test_status_a_meeting_inside_a_denied_report_gives_no_record() -> None:
    result = _extract(
        "Ankara on Friday rejected as groundless a newspaper report that Turkish intelligence "
        "chief Ibrahim Kalin had secretly met Syrian President Bashar al-Assad in Baghdad."
    )
    assert result.meetings == []


def test_status_a_question_about_a_meeting_gives_no_record() -> None:
    result = _extract(
        "Spokesperson Mao Ning was asked whether President Xi Jinping would meet Japanese Prime "
        "Minister Shigeru Ishiba at the summit and said she had nothing to announce."
    )
    assert result.meetings == []


def test_status_a_meeting_said_not_to_be_on_the_schedule_gives_no_record() -> None:
    result = _extract(
        "A meeting between Ukrainian President Volodymyr Zelensky and Hungarian Prime Minister "
        "Viktor Orban is not on the agenda, a spokesman said."
    )
    assert result.meetings == []


def test_missed_meetings_a_bloc_meeting_counts_its_member_states() -> None:
    result = _extract(
        "Quad foreign ministers will hold a video call on Thursday, the State Department said."
    )
    [meeting] = result.meetings
    assert sorted(meeting.countries) == ["AU", "IN", "JP", "US"]
    assert meeting.status == "planned" and meeting.format == "virtual"


def test_country_binding_officials_abroad_beside_the_newsroom_side_are_the_hosts() -> None:
    result = _extract(
        "Foreign Minister Penny Wong met Foreign Minister Vivian Balakrishnan in Singapore on "
        "Tuesday.",
        dateline="09:00 AEDT, June 12, 2025",
    )
    [meeting] = result.meetings
    assert {p.name: p.country for p in meeting.participants} == {
        "Penny Wong": "AU",
        "Vivian Balakrishnan": "SG",
    }


def test_styles_generational_suffixes_and_shared_family_names_keep_people_apart() -> None:
    result = _extract(
        "Defense Secretary Gilberto Teodoro Jr. met U.S. Secretary of State Marco Rubio in "
        "Manila on Tuesday. Later, Rubio called on President Ferdinand Marcos Jr. at "
        "Malacanang Palace."
    )
    names = {p.name for m in result.meetings for p in m.participants}
    assert {"Marco Rubio", "Ferdinand Marcos Jr"} <= names
    assert len(result.meetings) == 2


def test_styles_a_given_name_is_not_an_office() -> None:
    result = _extract(
        "Pakistani Foreign Minister Ishaq Dar met Afghanistan's acting Foreign Minister Amir Khan "
        "Muttaqi in Kabul on Saturday."
    )
    [meeting] = result.meetings
    assert ("Amir Khan Muttaqi", "acting Foreign Minister", "AF") in _people(meeting)


def test_page_noise_teaser_lines_name_no_meeting() -> None:
    result = _extract(
        "The finance ministry published its quarterly report on Monday.\n\n"
        "Also read: Sitharaman holds talks with British Chancellor Rachel Reeves in London"
    )
    assert result.meetings == []


def test_meetings_merged_a_meeting_told_in_the_first_person_inside_a_quote() -> None:
    result = _extract(
        "President Gustavo Petro hosted Ecuadorian President Daniel Noboa in Bogota on Monday."
        '\n\n"Last week I met President Dina Boluarte in Lima and we agreed to reopen the '
        'border crossings," Petro said.'
    )
    pairs = sorted(tuple(sorted(p.name for p in m.participants)) for m in result.meetings)
    assert ("Dina Boluarte", "Gustavo Petro") in pairs


def test_non_participants_a_leader_praised_in_a_quote_is_no_participant() -> None:
    result = _extract(
        "Prime Minister Kristen Michal met Finnish President Alexander Stubb in Tallinn on "
        'Monday. "President Volodymyr Zelensky has shown great courage," Michal said.'
    )
    [meeting] = result.meetings
    assert "Volodymyr Zelensky" not in {p.name for p in meeting.participants}


def test_dates_a_day_told_relative_to_the_meeting_before() -> None:
    result = _extract(
        "Foreign Minister Radoslaw Sikorski met Ukrainian Foreign Minister Andrii Sybiha in "
        "Kyiv on Tuesday.\n\nThe following day Sikorski held talks with Moldovan President "
        "Maia Sandu in Chisinau.",
        dateline="10:00 CEST, June 12, 2025",
    )
    first, second = result.meetings
    assert first.date is not None and first.date.isoformat() == "2025-06-10"
    assert second.date is not None and second.date.isoformat() == "2025-06-11"
    assert second.date_text == "The following day"


def test_dates_a_year_alone_does_not_date_a_meeting() -> None:
    result = _extract(
        "Prime Minister Mark Carney met British Prime Minister Keir Starmer in Ottawa on "
        "Sunday. The two leaders agreed to mark the 100th anniversary of a treaty next year."
    )
    [meeting] = result.meetings
    assert meeting.date is not None and meeting.date.isoformat() == "2025-06-08"


def test_place_here_is_the_city_the_story_was_filed_from() -> None:
    result = extract(
        "Menu\nWorld\nTurkish, Egyptian ministers hold talks\nBy Staff Reporter\n"
        "ANKARA, March 4 (AA) - Foreign Minister Hakan Fidan held talks here on Monday with "
        "Egyptian Foreign Minister Badr Abdelatty, who had earlier stopped in Istanbul.\n",
        published_at="2025-03-04T18:00:00+03:00",
    )
    [meeting] = result.meetings
    assert meeting.location is not None and meeting.location.city == "Ankara"


def test_missed_meetings_officials_who_will_join_others_for_talks() -> None:
    result = _extract(
        "Defence Minister Richard Marles hosted Japanese Defence Minister Gen Nakatani in "
        "Darwin on Monday.\n\nForeign Minister Penny Wong and Japanese Foreign Minister Takeshi "
        "Iwaya will join them for the next round of 2+2 consultations in Tokyo in December.",
        dateline="10:00 AEST, June 9, 2025",
    )
    planned = [m for m in result.meetings if m.status == "planned"]
    assert planned and {"Penny Wong", "Takeshi Iwaya"} <= {p.name for p in planned[0].participants}


def test_styles_a_body_and_chief_is_an_office() -> None:
    result = _extract(
        "European Council chief Antonio Costa spoke by telephone with Turkish President Recep "
        "Tayyip Erdogan on Monday."
    )
    [meeting] = result.meetings
    costa = next(p for p in meeting.participants if p.name == "Antonio Costa")
    assert costa.organization == "European Council" and costa.title == "chief"


def test_styles_a_name_before_a_particle_is_how_the_text_calls_him() -> None:
    result = _extract(
        "Brazilian President Luiz Inacio Lula da Silva met Kenyan President William Ruto at "
        'the Planalto Palace on Tuesday. "Africa is a priority for us," Lula told reporters.'
    )
    [meeting] = result.meetings
    assert [q.speaker for q in meeting.quotes] == ["Luiz Inacio Lula da Silva"]


def test_place_a_venue_then_its_city_and_a_ministry_that_speaks() -> None:
    result = _extract(
        "South Korean Ambassador Lee Seong-ho paid a courtesy call on External Affairs Minister "
        "S. Jaishankar at Jawaharlal Nehru Bhawan, New Delhi, on Tuesday, the State Department "
        "said."
    )
    [meeting] = result.meetings
    assert meeting.location is not None
    assert (meeting.location.city, meeting.location.venue) == (
        "New Delhi",
        "Jawaharlal Nehru Bhawan",
    )


def test_agreements_of_other_parties_are_not_the_meetings() -> None:
    result = _extract(
        "Prime Minister Kristersson met Finnish President Alexander Stubb in Stockholm on "
        "Monday, and the two leaders agreed to deepen defence cooperation in the Baltic.\n\n"
        "A day earlier, the EU and Norway agreed that herring quotas would be cut by a fifth.\n\n"
        "Stubb reached Stockholm on Sunday evening."
    )
    [meeting] = result.meetings
    assert meeting.agreements == ["deepen defence cooperation in the Baltic"]


def test_missed_meetings_a_meeting_noun_in_an_adverbial_does_not_end_the_subject() -> None:
    result = _extract(
        "On Sunday, after the first plenary session, President Gustavo Petro hosted Chinese "
        "Premier Li Qiang for a working dinner in Bogota."
    )
    [meeting] = result.meetings
    assert {p.name for p in meeting.participants} == {"Gustavo Petro", "Li Qiang"}


def test_status_a_day_used_to_meet_someone_is_a_meeting_held() -> None:
    result = _extract(
        "President Luiz Inacio Lula da Silva used the last day of the BRICS summit in Rio de "
        "Janeiro on Monday to meet South African President Cyril Ramaphosa."
    )
    [meeting] = result.meetings
    assert meeting.status == "held"
    assert sorted(meeting.countries) == ["BR", "ZA"]


def test_country_binding_a_credited_national_agency_is_the_newsroom() -> None:
    for page in (
        "Ukrinform\nPolitics\nMinisters meet\n12.09.2025 20:15\n",
        "Ministers meet\n12.09.2025 20:15\nKYIV (UKRINFORM) - ",
    ):
        result = extract(
            page + "Foreign Minister Andrii Sybiha met Dutch Foreign Minister Caspar Veldkamp "
            "in Kyiv on Friday.\n"
        )
        [meeting] = result.meetings
        assert {p.name: p.country for p in meeting.participants}["Andrii Sybiha"] == "UA", page


def test_place_the_lede_sets_the_gathering_for_meetings_that_name_no_city() -> None:
    result = _extract(
        "Prime Minister Narendra Modi held talks with world leaders on the sidelines of the "
        "G7 summit in Kananaskis on Tuesday.\n\nModi met Canadian Prime Minister Mark Carney "
        "and discussed trade.\n\nHe then held talks with Italian Prime Minister Giorgia Meloni."
    )
    cities = {m.location.city if m.location else None for m in result.meetings}
    assert cities == {"Kananaskis"}


def test_styles_two_people_and_their_states_respectively() -> None:
    result = _extract(
        "Paulo Rangel and Tete Antonio, the foreign ministers of Portugal and Angola "
        "respectively, held talks in Luanda on Friday with H.E. Sayyid Badr Albusaidi, Oman's "
        "Foreign Minister."
    )
    [meeting] = result.meetings
    assert _people(meeting)[:2] == [
        ("Paulo Rangel", "foreign minister", "PT"),
        ("Tete Antonio", "foreign minister", "AO"),
    ]
    assert "Badr Albusaidi" in {p.name for p in meeting.participants}


def test_non_participants_a_ceremony_attended_together_is_no_meeting() -> None:
    result = _extract(
        "President Miguel Diaz-Canel gave a speech in Santiago on Saturday. Army General Raul "
        "Castro attended the ceremony together with Prime Minister Manuel Marrero."
    )
    assert result.meetings == []


def test_status_an_alleged_meeting_is_no_record() -> None:
    result = extract(
        "Archive photo: Prime Minister Nikol Pashinyan and President Ilham Aliyev at their "
        "meeting in Moscow.\nYerevan denies secret talks\n10:00 AMT, June 12, 2025\n"
        "Telegram channels had reported the alleged meeting of Armenian Prime Minister Nikol "
        "Pashinyan and Azerbaijani President Ilham Aliyev over the weekend.\n"
    )
    assert result.meetings == []
    assert result.source.title == "Yerevan denies secret talks"


def test_country_binding_a_masthead_is_the_newsroom() -> None:
    result = extract(
        "The Kathmandu Post\nDahal and Modi hold talks\nMarch 4, 2024\n"
        "Prime Minister Pushpa Kamal Dahal held talks with Indian Prime Minister Narendra Modi "
        "at Hyderabad House in New Delhi on Monday.\n"
    )
    [meeting] = result.meetings
    assert {p.name: p.country for p in meeting.participants}["Pushpa Kamal Dahal"] == "NP"


def test_country_binding_an_office_named_first_then_with_its_holder() -> None:
    result = _extract(
        "The visiting Iranian president and Prime Minister Shehbaz Sharif agreed on Monday to "
        "raise trade. President Ebrahim Raisi met Prime Minister Shehbaz Sharif in Islamabad on "
        "Monday.",
        dateline="10:00 PKT, April 23, 2024",
    )
    countries = {p.name: p.country for m in result.meetings for p in m.participants}
    assert countries["Ebrahim Raisi"] == "IR"


def test_styles_an_office_of_a_state_by_its_long_name_then_its_holder() -> None:
    result = _extract(
        "The Prime Minister of the Kingdom of Spain, Pedro Sanchez, today held a telephone "
        "conversation with the President of the Arab Republic of Egypt, Abdel Fattah al-Sisi."
    )
    [meeting] = result.meetings
    assert {p.name for p in meeting.participants} == {"Pedro Sanchez", "Abdel Fattah al-Sisi"}
    assert meeting.format == "phone"


def test_country_binding_offices_that_name_their_state_and_counterparts_of_one_portfolio() -> None:
    result = _extract(
        "Secretary of State Marco Rubio and Foreign Minister Cho Tae-yul held talks in Seoul on "
        "Wednesday.",
        dateline="10:00 KST, June 12, 2025",
    )
    [meeting] = result.meetings
    assert {p.name: p.country for p in meeting.participants} == {
        "Marco Rubio": "US",
        "Cho Tae-yul": "KR",
    }


def test_participants_a_nationality_and_office_stand_for_the_person_named_before() -> None:
    result = _extract(
        "Swedish Foreign Minister Maria Malmer Stenergard met President Gabriel Boric in "
        "Santiago on Tuesday. Earlier in the day, the Swedish minister held talks with "
        "Foreign Minister Alberto van Klaveren.",
        dateline="18:00 CLT, June 12, 2025",
    )
    talks = next(m for m in result.meetings if "Alberto van Klaveren" in str(_people(m)))
    assert {p.name for p in talks.participants} == {
        "Maria Malmer Stenergard",
        "Alberto van Klaveren",
    }


def test_participants_a_name_after_an_introductory_clause_is_no_appositive() -> None:
    result = _extract(
        "Dutch Defence Minister Ruben Brekelmans held talks with President Alexander Stubb "
        "in Helsinki on Tuesday. After his talks with the President, Brekelmans told "
        "reporters that the two countries would deepen cooperation."
    )
    [meeting] = result.meetings
    assert ("Ruben Brekelmans", "Defence Minister", "NL") in _people(meeting)
    assert len(meeting.participants) == 2


def test_missed_meetings_two_leaders_sat_down_for_a_conversation() -> None:
    result = _extract(
        "Prime Minister Shehbaz Sharif and President Recep Tayyip Erdogan sat down for a "
        "brief conversation on the sidelines of the summit in Baku on Monday."
    )
    [meeting] = result.meetings
    assert {p.name for p in meeting.participants} == {"Shehbaz Sharif", "Recep Tayyip Erdogan"}


def test_styles_a_legislature_chair_is_an_office_of_a_state_not_a_company() -> None:
    result = _extract(
        "Lao National Assembly Chairman Saysomphone Phomvihane met Prime Minister Hun Manet "
        "in Phnom Penh on Tuesday.",
        dateline="10:00 ICT, June 12, 2025",
    )
    [meeting] = result.meetings
    assert ("Saysomphone Phomvihane", "National Assembly Chairman", "LA") in _people(meeting)


def test_place_in_this_capital_is_the_city_the_story_is_filed_from() -> None:
    result = _extract(
        "Santo Domingo, Jun 12 (Prensa Latina) Guatemalan President Bernardo Arevalo met "
        "Dominican President Luis Abinader on Wednesday. Arevalo also held talks in this capital "
        "with Foreign Minister Roberto Alvarez, after a stop in Havana.",
        dateline="12 Jun 2025, 14:20",
    )
    talks = next(m for m in result.meetings if "Roberto Alvarez" in str(_people(m)))
    assert talks.location is not None and talks.location.city == "Santo Domingo"


def test_dates_the_nth_instant_is_a_day_of_the_publication_month() -> None:
    result = _extract(
        "DHAKA, June 3, 2025 (BSS) - Foreign Adviser Touhid Hossain will hold talks with "
        "Japanese Foreign Minister Takeshi Iwaya in Tokyo on the 19th instant.",
        dateline="June 3, 2025",
    )
    [meeting] = result.meetings
    assert (meeting.status, meeting.date) == ("planned", dt.date(2025, 6, 19))


def test_status_a_meeting_that_will_not_go_ahead_keeps_its_scheduled_day() -> None:
    result = _extract(
        "VILNIUS, June 3 (BNS) - The meeting between Prime Minister Gintautas Paluckas and his "
        "Latvian counterpart Evika Silina, which was planned for the 17th in Riga, will not go "
        "ahead, the government said on Tuesday.",
        dateline="June 3, 2025",
    )
    [meeting] = result.meetings
    assert (meeting.status, meeting.date) == ("cancelled", dt.date(2025, 6, 17))


def test_dates_hours_earlier_and_earlier_that_day_count_from_the_meeting_before() -> None:
    result = _extract(
        "ROME, June 12 (ANSA) - Foreign Minister Antonio Tajani received his Maltese counterpart "
        "Ian Borg in Rome on Tuesday. Hours earlier, a phone call between Tajani and Tunisian "
        "Foreign Minister Mohamed Ali Nafti covered migration. The Maltese minister will travel "
        "on Friday to Naples.",
        dateline="June 12, 2025",
    )
    call = next(m for m in result.meetings if m.format == "phone")
    assert call.date == dt.date(2025, 6, 10)


def test_participants_the_visitor_by_nationality_is_the_last_one_named_from_that_state() -> None:
    result = _extract(
        "ATHENS, June 12 (ANA) - Foreign Minister Giorgos Gerapetritis received his Serbian "
        "counterpart Marko Djuric in Athens on Thursday. Gerapetritis also spoke by phone with "
        "Cypriot Foreign Minister Constantinos Kombos. The Serbian minister will be received by "
        "Prime Minister Kyriakos Mitsotakis on Friday.",
        dateline="June 12, 2025",
    )
    planned = next(m for m in result.meetings if m.status == "planned")
    assert {p.name for p in planned.participants} == {"Marko Djuric", "Kyriakos Mitsotakis"}


def test_styles_a_city_name_worn_as_a_given_name_after_a_title() -> None:
    result = _extract(
        "ASUNCION, June 12 (EFE) - Argentine President Javier Milei met Paraguayan President "
        "Santiago Pena in Asuncion on Wednesday.",
        dateline="June 12, 2025",
    )
    [meeting] = result.meetings
    assert ("Santiago Pena", "President", "PY") in _people(meeting)


def test_participants_a_readout_names_its_own_principal_by_office_alone() -> None:
    result = extract(
        "Readout of the Prime Minister's call with President Gabriel Boric of Chile\n"
        "3 March 2025\n"
        "The Prime Minister spoke today with President Gabriel Boric of Chile about the "
        "critical minerals partnership, a Downing Street spokesperson said.\n"
    )
    [meeting] = result.meetings
    assert _people(meeting) == [("Gabriel Boric", "President", "CL")]
    assert set(meeting.countries) == {"GB", "CL"}
    assert meeting.date == dt.date(2025, 3, 3)


def test_participants_the_office_named_alone_is_not_a_holder_of_another_office() -> None:
    result = _extract(
        "Sultan Haitham bin Tarik of Oman arrived in Washington on Monday. The President "
        "met Sultan Haitham at the White House on Tuesday.",
        dateline="June 12, 2025",
    )
    [meeting] = result.meetings
    [sultan] = meeting.participants
    assert sultan.name.startswith("Haitham") and sultan.country != "US"
    assert "US" in meeting.countries  # the unnamed President, of the White House's state


def test_styles_a_military_rank_spelt_out_is_a_style_not_part_of_the_name() -> None:
    result = _extract(
        "ACCRA, June 12 (GNA) - President John Mahama held talks with Captain Ibrahim "
        "Traore, President of Burkina Faso, in Ouagadougou on Wednesday.",
        dateline="June 12, 2025",
    )
    [meeting] = result.meetings
    assert ("Ibrahim Traore", "President", "BF") in _people(meeting)


def test_participants_a_role_given_to_someone_is_not_their_apposition() -> None:
    from extractor.ingest import document_from_text
    from extractor.rules.events import find_triggers
    from extractor.rules.lexicon import lexicon
    from extractor.rules.mentions import PersonFinder
    from extractor.rules.text import Spans, body_sentences

    document = document_from_text(
        "Ministers meet\nJune 12, 2025\nPresident John Mahama met President Bassirou Diomaye "
        "Faye in Dakar on Wednesday. Mahama appointed a retired colonel, Larry Gbevlo-Lartey, "
        "as his special envoy to the region.\n"
    )
    text = document.text
    sentences = body_sentences(document)
    triggers = [find_triggers(text, s.start, s.end) for s in sentences]
    people = PersonFinder(lexicon(), text, Spans([])).run(sentences, triggers)
    assert all("envoy" not in (p.title or "") for p in people.people)


def test_country_binding_a_description_in_apposition_gives_no_office_or_state() -> None:
    result = _extract(
        "The visiting Kenyan president and Prime Minister Narendra Modi agreed on Monday to "
        "expand defence ties. William Ruto, the first African head of state to visit India "
        "this year, arrived in New Delhi on Sunday. The two leaders held talks at Hyderabad "
        "House. Later, President Droupadi Murmu hosted a banquet for the guest.",
        dateline="18:00 IST, June 12, 2025",
    )
    talks = next(m for m in result.meetings if "Narendra Modi" in str(_people(m)))
    assert ("William Ruto", "president", "KE") in _people(talks)
    assert {p.name for p in talks.participants} == {"William Ruto", "Narendra Modi"}


def test_styles_an_office_of_several_portfolios_before_its_holder() -> None:
    result = _extract(
        "Dakar - The Minister of Foreign Affairs, African Integration and Senegalese Abroad, "
        "Yassine Fall, held talks on Monday in Dakar with the Mauritanian Minister of Foreign "
        "Affairs, Cooperation and Mauritanians Abroad, Mohamed Salem Ould Merzoug.",
        dateline="June 12, 2025",
    )
    [meeting] = result.meetings
    assert {p.name for p in meeting.participants} == {"Yassine Fall", "Mohamed Salem Ould Merzoug"}


def test_country_binding_an_office_of_a_body_is_held_for_the_body_not_the_host() -> None:
    result = _extract(
        "BRUSSELS, June 12 (BTA) - Foreign Minister Georg Georgiev was received at NATO "
        "headquarters in Brussels on Thursday by Secretary General Mark Rutte.",
        dateline="June 12, 2025",
    )
    [meeting] = result.meetings
    rutte = next(p for p in meeting.participants if p.name == "Mark Rutte")
    assert (rutte.country, rutte.organization) == (None, "NATO")


def test_styles_an_office_of_a_states_government_after_the_name() -> None:
    result = _extract(
        "President Masoud Pezeshkian held talks with Professor Muhammad Yunus, the Chief "
        "Adviser of Bangladesh's interim government, in Cairo on Thursday.",
        dateline="June 12, 2025",
    )
    [meeting] = result.meetings
    assert ("Muhammad Yunus", "Chief Adviser", "BD") in _people(meeting)


def test_status_no_date_fixed_for_any_meeting_gives_no_record() -> None:
    result = _extract(
        "The minister said no date had been fixed for any meeting between President John "
        "Mahama and President Bassirou Diomaye Faye.",
        dateline="June 12, 2025",
    )
    assert result.meetings == []


def test_styles_a_bare_office_and_its_portfolios_before_the_holder() -> None:
    result = _extract(
        "BEIJING, June 12 (Xinhua) -- Chinese Foreign Minister Wang Yi held talks with visiting "
        "Togolese Minister of Foreign Affairs and Regional Integration Robert Dussey here on "
        "Thursday.",
        dateline="June 12, 2025",
    )
    [meeting] = result.meetings
    assert ("Robert Dussey", "TG") in {(p.name, p.country) for p in meeting.participants}


def test_styles_the_chair_of_a_states_council_then_the_holder_after_a_comma() -> None:
    result = _extract(
        "President Isaias Afwerki received on Monday the Chairman of Sudan's Transitional "
        "Sovereignty Council, Abdel-Fattah Al-Burhan, in Asmara.",
        dateline="June 12, 2025",
    )
    [meeting] = result.meetings
    assert ("Abdel-Fattah Al-Burhan", "SD") in {(p.name, p.country) for p in meeting.participants}


def test_participants_the_visiting_minister_is_the_guest_named_after_the_host() -> None:
    result = _extract(
        "LIMA, June 12 (Andina) - Peru's Foreign Minister Elmer Schialer held a working meeting "
        "on Tuesday with his Chilean counterpart Alberto van Klaveren. Later that afternoon, the "
        "visiting minister was received by President Dina Boluarte at Government Palace.",
        dateline="June 12, 2025",
    )
    palace = next(m for m in result.meetings if "Dina Boluarte" in str(_people(m)))
    assert {p.name for p in palace.participants} == {"Alberto van Klaveren", "Dina Boluarte"}


def test_styles_a_title_that_is_also_a_given_name_leads_a_sentence() -> None:
    result = _extract(
        "His Highness the Amir Sheikh Tamim bin Hamad Al Thani received Dutch Foreign Minister "
        "Caspar Veldkamp in Doha on Monday.",
        dateline="June 12, 2025",
    )
    [meeting] = result.meetings
    assert "Tamim bin Hamad Al Thani" in {p.name for p in meeting.participants}


def test_styles_the_honourable_after_an_office_and_the_office_of_the_republic() -> None:
    result = _extract(
        "Prime Minister the Most Honourable Philip Davis received the Prime Minister of "
        "Grenada, the Honourable Dickon Mitchell, in Nassau on Monday. Earlier, Mitchell was "
        "received by President of the Republic Irfaan Ali in Georgetown.",
        dateline="June 12, 2025",
    )
    names = {p.name: p.title for m in result.meetings for p in m.participants}
    assert names["Dickon Mitchell"] == "Prime Minister"
    assert names["Irfaan Ali"] == "President of the Republic"


def test_participants_an_abbreviated_office_is_the_readouts_principal_named_before() -> None:
    result = _extract(
        "External Affairs Minister Dr. S. Jaishankar paid an official visit to Bahrain on "
        "June 10-11. On June 10, EAM held talks with Foreign Minister Abdullatif bin Rashid "
        "Al Zayani. Minister of State Pabitra Margherita also took part in the talks.\n\n"
        "On June 11, EAM called on His Majesty King Hamad bin Isa Al Khalifa at Sakhir Palace.",
        dateline="June 12, 2025",
    )
    king = next(m for m in result.meetings if "Hamad bin Isa Al Khalifa" in str(_people(m)))
    assert "S. Jaishankar" in {p.name for p in king.participants}


def test_country_binding_an_office_named_again_is_its_holder_not_a_role_for_another() -> None:
    result = _extract(
        "French President Emmanuel Macron held talks with Indonesian President Prabowo "
        'Subianto in Jakarta on Wednesday. "We share the same conviction," the French '
        "president said. Later, Prabowo spoke by phone with President Donald Trump about "
        "tariffs.",
        dateline="June 12, 2025",
    )
    countries = {p.name: p.country for m in result.meetings for p in m.participants}
    assert countries.get("Donald Trump") != "FR"
