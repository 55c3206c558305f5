"""What the LLM path makes of a small model's answers: the schema it is held to, the status and
day recounted from the text, and the guided strategy's numbered candidates.

Against the fake server on 127.0.0.1 (``tests/fake_llm.py``), answering as the small local
model was measured to answer (``../shared/notes/local-models.md``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from extractor import extract
from extractor.backends import get_backend
from extractor.cli import main
from extractor.errors import BackendUnavailable
from extractor.ingest import document_from_text
from extractor.llm.client import ModelClient
from extractor.llm.config import MODES, LLMConfig
from extractor.llm.guided import GuidedResponse, candidate_list
from extractor.llm.response import MAX_ITEMS, MeetingsResponse, compact_variant
from extractor.rules.backend import RulesBackend

from .conftest import SEED
from .fake_llm import FakeLLM, answer, raw
from .test_llm_faults import config

PUBLISHED = "2024-03-08T10:00:00+00:00"  # a Friday
HELD_ON_THURSDAY = (
    "Ministers meet in Rome\n"
    "Italian Foreign Minister Antonio Tajani met French Foreign Minister Stephane Sejourne "
    "in Rome on Thursday and agreed to work together on migration.\n"
)
PLANNED_NEXT_WEEK = (
    "Leaders to meet\n"
    "Brazilian President Luiz Inacio Lula da Silva will meet Argentine President Javier Milei "
    "in Brasilia on March 14, the foreign ministry said.\n"
)


def run(text: str, server: FakeLLM, tmp_path: Path, **overrides: Any) -> Any:
    backend = get_backend("llm", config=config(server, tmp_path, **overrides))
    return extract(text, backend=backend, published_at=PUBLISHED)


def meeting(**fields: Any) -> dict[str, Any]:
    return {"status": "held", "participants": [], **fields}


# -- the schema sent to the model ----------------------------------------------------------


@pytest.mark.parametrize("answer_model", [MeetingsResponse, GuidedResponse])
def test_the_schema_sent_holds_countries_to_codes_and_lists_to_a_length(
    answer_model: type[Any],
) -> None:
    schema = json.dumps(compact_variant(answer_model).model_json_schema())
    assert '"pattern": "^[A-Z]{2}$"' in schema  # a grammar cannot write "China"
    listed = "meetings" if answer_model is MeetingsResponse else "added"
    meetings = compact_variant(answer_model).model_json_schema()["properties"][listed]
    assert meetings["maxItems"] == 8  # nor repeat a meeting until cut off
    assert '"description"' not in schema


def test_the_compact_schema_keeps_a_participants_title() -> None:
    """Compacting drops the schema's "title" annotations, not the field named title (which
    a small model could then never fill)."""
    schema = compact_variant(MeetingsResponse).model_json_schema()
    participant = schema["$defs"]["Participant"]["properties"]
    assert {"name", "title", "country", "organization"} <= participant.keys()
    assert "title" not in schema["$defs"]["Participant"]  # the annotation is gone


def test_list_lengths_are_asked_not_validated(tmp_path: Path) -> None:
    """A server without grammars may send more; they are kept, not re-asked."""
    many = [
        meeting(participants=[{"name": "Antonio Tajani"}, {"name": "Stephane Sejourne"}])
        for _ in range(MAX_ITEMS["meetings"] + 2)
    ]
    with FakeLLM(default=answer(many)) as server:
        result = run(HELD_ON_THURSDAY, server, tmp_path)
    assert len(server.requests) == 1 and result.error is None
    assert len(result.meetings) == 1  # the repeats are one meeting (chunks.merge)


# -- status and day recounted from the text ------------------------------------------------


def test_a_held_meeting_answered_as_planned_is_recounted_from_its_sentence(
    tmp_path: Path,
) -> None:
    said = meeting(
        status="planned",
        participants=[{"name": "Antonio Tajani"}, {"name": "Stephane Sejourne"}],
        date_text="on Thursday",
    )
    with FakeLLM(default=answer([said])) as server:
        result = run(HELD_ON_THURSDAY, server, tmp_path)
    (found,) = result.meetings
    assert found.status == "held"
    assert found.date == dt.date(2024, 3, 7)  # the Thursday before, not the one after
    assert any("recounted as 'held'" in w for w in result.warnings)


def test_a_planned_meeting_answered_as_held_is_recounted(tmp_path: Path) -> None:
    said = meeting(
        participants=[{"name": "Luiz Inacio Lula da Silva"}, {"name": "Javier Milei"}],
        date_text="on March 14",
    )
    with FakeLLM(default=answer([said])) as server:
        result = run(PLANNED_NEXT_WEEK, server, tmp_path)
    assert result.meetings[0].status == "planned"
    assert result.meetings[0].date == dt.date(2024, 3, 14)


def test_a_cancelled_meeting_is_never_recounted(tmp_path: Path) -> None:
    text = (
        "Talks called off\nThe talks between Foreign Minister Antonio Tajani and "
        "Stephane Sejourne planned for March 14 were called off.\n"
    )
    said = meeting(
        status="cancelled",
        participants=[{"name": "Antonio Tajani"}, {"name": "Stephane Sejourne"}],
        date_text="March 14",
    )
    with FakeLLM(default=answer([said])) as server:
        result = run(text, server, tmp_path)
    assert result.meetings[0].status == "cancelled"
    assert not any("recounted" in w for w in result.warnings)


def test_a_day_without_its_phrase_is_grounded_or_dropped(tmp_path: Path) -> None:
    people = [{"name": "Antonio Tajani"}, {"name": "Stephane Sejourne"}]
    publication_day = meeting(participants=people, date="2024-03-08")
    with FakeLLM(default=answer([publication_day])) as server:
        result = run(HELD_ON_THURSDAY, server, tmp_path)
    assert result.meetings[0].date is None  # no phrase of the article says March 8
    assert any("date 2024-03-08" in w for w in result.warnings)

    thursday = meeting(participants=people, date="2024-03-07")
    with FakeLLM(default=answer([thursday])) as server:
        result = run(HELD_ON_THURSDAY, server, tmp_path)
    (found,) = result.meetings
    assert (found.date, found.date_text) == (dt.date(2024, 3, 7), "on Thursday")
    assert any(e.field == "date_text" for e in found.evidence)


# -- the guided strategy -------------------------------------------------------------------


def test_the_candidate_list_numbers_what_the_rules_read() -> None:
    document = document_from_text(SEED.read_text(), name="seed")
    listed = candidate_list(RulesBackend().read(document), document.text)
    assert "P1 Yoko Kamikawa | Foreign Minister | JP" in listed
    assert "P2 Subrahmanyam Jaishankar | External Affairs Minister | IN" in listed
    assert 'D1 "on Thursday" = 2024-03-07 if held, 2024-03-14 if planned' in listed
    assert "L1 Tokyo, JP" in listed
    assert 'Q1 P1: "Japan places particular importance' in listed
    assert "M1 held: P1, P2 | D1 | L1 | in_person" in listed


def guided(checked: list[dict[str, Any]], added: list[dict[str, Any]] | None = None) -> Any:
    """The fake model's answer in the guided strategy's shape."""
    return raw(json.dumps({"checked": checked, "added": added or []}))


def test_a_kept_draft_is_the_rules_record_with_the_models_corrections(tmp_path: Path) -> None:
    check = {"draft": "M1", "verdict": "keep", "topics": ["space"], "quotes": []}
    with FakeLLM(default=guided([check])) as server:
        result = run(SEED.read_text(), server, tmp_path, strategy="guided")
    sent = json.dumps(server.requests[0].body)
    assert "P1 Yoko Kamikawa" in sent and "M1 held: P1, P2" in sent
    (found,) = result.meetings
    people = [(p.name, p.title, p.country) for p in found.participants]
    assert people == [
        ("Yoko Kamikawa", "Foreign Minister", "JP"),
        ("Subrahmanyam Jaishankar", "External Affairs Minister", "IN"),
    ]
    assert (found.date, found.date_text) == (dt.date(2024, 3, 7), "on Thursday")
    assert found.location is not None and found.location.city == "Tokyo"
    assert found.topics == ["space"]  # corrected
    assert found.quotes[0].speaker == "Yoko Kamikawa"  # the draft's, kept
    assert result.prompt_version == "guided-v2" and not result.warnings


def test_a_dropped_draft_is_left_out_and_an_unchecked_one_kept(tmp_path: Path) -> None:
    with FakeLLM(default=guided([{"draft": "M1", "verdict": "drop"}])) as server:
        assert run(SEED.read_text(), server, tmp_path, strategy="guided").meetings == []
    with FakeLLM(default=guided([])) as server:
        result = run(SEED.read_text(), server, tmp_path, strategy="guided")
    assert [p.name for p in result.meetings[0].participants] == [
        "Yoko Kamikawa",
        "Subrahmanyam Jaishankar",
    ]


def test_an_added_meeting_names_candidates_and_gets_the_rules_spelling(tmp_path: Path) -> None:
    added = {
        "status": "held",
        "participants": ["P2", "P1"],
        "date": "D1",
        "place": "L1",
        "format": "in_person",
        "quotes": ["Q1"],
    }
    drop = {"draft": "M1", "verdict": "drop"}
    with FakeLLM(default=guided([drop], [added])) as server:
        result = run(SEED.read_text(), server, tmp_path, strategy="guided")
    (found,) = result.meetings
    people = [(p.name, p.title, p.country) for p in found.participants]
    assert people == [
        ("Subrahmanyam Jaishankar", "External Affairs Minister", "IN"),
        ("Yoko Kamikawa", "Foreign Minister", "JP"),
    ]
    assert (found.date, found.date_text) == (dt.date(2024, 3, 7), "on Thursday")
    assert found.location is not None and found.location.city == "Tokyo"
    assert found.quotes[0].speaker == "Yoko Kamikawa"


def test_an_added_meeting_gets_what_it_left_empty_from_the_draft_with_its_people(
    tmp_path: Path,
) -> None:
    added = {"status": "held", "participants": ["P1", "P2"]}
    drop = {"draft": "M1", "verdict": "drop"}
    with FakeLLM(default=guided([drop], [added])) as server:
        result = run(SEED.read_text(), server, tmp_path, strategy="guided")
    (found,) = result.meetings
    assert found.date == dt.date(2024, 3, 7) and found.format == "in_person"
    assert found.location is not None and found.location.city == "Tokyo"


def test_guided_references_outside_the_list_and_invented_people_are_dropped(
    tmp_path: Path,
) -> None:
    added = {
        "status": "held",
        "participants": ["P1", "P9"],
        "new_participants": [{"name": "Joe Nobody"}, {"name": "Subrahmanyam Jaishankar"}],
        "date": "D7",
    }
    checks = [{"draft": "M1", "verdict": "drop"}, {"draft": "M4", "verdict": "keep"}]
    with FakeLLM(default=guided(checks, [added])) as server:
        result = run(SEED.read_text(), server, tmp_path, strategy="guided")
    (found,) = result.meetings
    assert [p.name for p in found.participants] == ["Yoko Kamikawa", "Subrahmanyam Jaishankar"]
    assert any("dropped P9" in w for w in result.warnings)
    assert any("dropped D7" in w for w in result.warnings)
    assert any("M4, not in the drafts" in w for w in result.warnings)
    assert any("Joe Nobody" in w for w in result.warnings)


def test_few_shot_examples_are_refused_with_the_guided_strategy(tmp_path: Path) -> None:
    settings = LLMConfig(model="m", strategy="guided", few_shot_dir=tmp_path)
    with pytest.raises(BackendUnavailable, match="direct strategy"):
        get_backend("llm", config=settings)


def test_an_unknown_strategy_in_the_environment_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_STRATEGY", "clever")
    with pytest.raises(BackendUnavailable, match="EXTRACTOR_STRATEGY='clever'"):
        LLMConfig.from_env()


def test_the_prompt_command_shows_the_guided_prompt() -> None:
    result = CliRunner().invoke(main, ["prompt", str(SEED), "--strategy", "guided"])
    assert result.exit_code == 0, result.output
    assert "P1 Yoko Kamikawa" in result.output and "M1 held: P1, P2" in result.output


# -- the local model command ---------------------------------------------------------------


def test_local_model_refuses_a_file_that_is_not_gguf(tmp_path: Path) -> None:
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"<html>not a model</html>")
    result = CliRunner().invoke(main, ["local-model", "--model-file", str(fake)])
    assert result.exit_code == 2
    assert "not a GGUF model file" in result.output


def test_a_topic_no_word_of_the_article_names_is_left_out(tmp_path: Path) -> None:
    said = meeting(
        participants=[{"name": "Yoko Kamikawa"}, {"name": "Subrahmanyam Jaishankar"}],
        topics=["defense", "health", "space"],
    )
    with FakeLLM(default=answer([said])) as server:
        result = run(SEED.read_text(), server, tmp_path)
    assert result.meetings[0].topics == ["defense", "space"]  # nothing in it is about health


def test_each_chunk_of_a_long_article_lists_its_own_candidates(tmp_path: Path) -> None:
    first = (
        "Italian Foreign Minister Antonio Tajani met French Foreign Minister Stephane "
        "Sejourne in Rome on Thursday."
    )
    filler = " ".join(f"Sentence number {i} says nothing much." for i in range(12))
    last = (
        "Spanish Foreign Minister Jose Manuel Albares met Portuguese Foreign Minister Paulo Rangel."
    )
    text = f"Two meetings\n{first} {filler} {last}\n"
    with FakeLLM(default=answer([])) as server:
        run(text, server, tmp_path, strategy="guided", chunk_chars=300)
    lists = [request.body["messages"][1]["content"] for request in server.requests]
    assert len(lists) > 2
    assert "P1 Antonio Tajani" in lists[0] and "Albares" not in lists[0]
    assert "Albares |" in lists[-1] and "P1 Antonio Tajani" not in lists[-1]
    assert "P3 Jose Manuel Albares" in lists[-1]  # numbered as in the whole article's list


def test_the_guided_strategy_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXTRACTOR_STRATEGY")
    backend = get_backend("llm", config=LLMConfig.from_env(model="m"))
    assert backend.prompt_version == "guided-v2"  # type: ignore[attr-defined]


def test_a_date_phrase_written_twice_is_grounded_where_its_candidate_stands(
    tmp_path: Path,
) -> None:
    """ "on Wednesday" dates two meetings in two sentences: the second meeting's phrase is
    the second one, and its status is read from its own sentence ("is scheduled to meet")."""
    text = (
        "Ministers meet\nSouth Korean Foreign Minister Yun Byung-se met Chinese Foreign Minister "
        "Wang Yi in Beijing on Wednesday. Later on Wednesday, Yun is scheduled to meet "
        "Chinese Premier Li Keqiang.\n"
    )
    reading = RulesBackend().read(document_from_text(text, name="two"))
    number = {person.name: f"P{n}" for n, person in enumerate(reading.people, start=1)}
    later = text.index("Later")
    second = [f"D{n}" for n, d in enumerate(reading.dates, start=1) if d.start > later]
    drafts = [{"draft": f"M{n}", "verdict": "drop"} for n in range(1, len(reading.meetings) + 1)]
    added = [
        {"status": "held", "participants": [number["Yun Byung-se"], number["Wang Yi"]]},
        {
            "status": "planned",
            "participants": [number["Yun Byung-se"], number["Li Keqiang"]],
            "date": second[0],
        },
    ]
    with FakeLLM(default=guided(drafts, added)) as server:
        result = run(text, server, tmp_path, strategy="guided")
    planned = next(m for m in result.meetings if "Li Keqiang" in {p.name for p in m.participants})
    (evidence,) = [e for e in planned.evidence if e.field == "date_text"]
    assert evidence.start == text.index("on Wednesday", later)
    assert planned.status == "planned"
    assert not any("recounted" in w for w in result.warnings)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("answer_model", [MeetingsResponse, GuidedResponse])
def test_every_mode_sends_the_constrained_schema(mode: str, answer_model: type[Any]) -> None:
    settings = LLMConfig(model="m", mode=mode)  # type: ignore[arg-type]
    request = ModelClient(settings, answer_model).request([{"role": "user", "content": "x"}])
    # in the request's parameters (tools, response_format) or in its system prompt (json modes)
    sent = json.dumps(request) + "".join(m["content"] for m in request["messages"])
    assert "^[A-Z]{2}$" in sent and '"maxItems": 8' in sent


def test_a_meeting_placed_in_a_city_is_in_person_unless_said_otherwise(tmp_path: Path) -> None:
    people = [{"name": "Antonio Tajani"}, {"name": "Stephane Sejourne"}]
    placed = meeting(participants=people, location={"city": "Rome"})
    by_phone = meeting(participants=people, location={"city": "Rome"}, format="phone")
    with FakeLLM(default=answer([placed])) as server:
        assert run(HELD_ON_THURSDAY, server, tmp_path).meetings[0].format == "in_person"
    with FakeLLM(default=answer([by_phone])) as server:
        assert run(HELD_ON_THURSDAY, server, tmp_path).meetings[0].format == "phone"


def test_a_status_is_not_recounted_from_a_sentence_about_someone_else(tmp_path: Path) -> None:
    """The phrase's sentence tells another event: its tense says nothing of this meeting."""
    text = (
        "Calls\nEgyptian Foreign Minister Sameh Shoukry spoke by phone with Jordanian Foreign "
        "Minister Ayman Safadi. UN chief Antonio Guterres will visit the region on Sunday.\n"
    )
    said = meeting(
        participants=[{"name": "Sameh Shoukry"}, {"name": "Ayman Safadi"}],
        date_text="on Sunday",
        format="phone",
    )
    with FakeLLM(default=answer([said])) as server:
        result = run(text, server, tmp_path)
    assert result.meetings[0].status == "held"
    assert not any("recounted" in w for w in result.warnings)


def test_a_kept_check_of_a_draft_the_list_lacks_is_read_as_an_added_meeting(
    tmp_path: Path,
) -> None:
    """No drafts listed (the rules know no "had lunch"), and the model writes the meeting it
    found as a check of "M1": it is the meeting, not a reference to drop."""
    text = (
        "Lunch\nSpanish Foreign Minister Jose Manuel Albares and Moroccan Foreign Minister "
        "Nasser Bourita had lunch in Madrid on Monday.\n"
    )
    check = {"draft": "M1", "verdict": "keep", "status": "held", "participants": ["P1", "P2"]}
    with FakeLLM(default=guided([check])) as server:
        result = run(text, server, tmp_path, strategy="guided")
    (found,) = result.meetings
    assert [p.country for p in found.participants] == ["ES", "MA"]
