"""Every structured-output mode, against the fake server: asked, validated, re-asked.

The client drives instructor's handlers for the mode itself (see ``extractor/llm/client.py``);
these tests hold it to what instructor's own patched ``create`` sends, request for request.
"""

from __future__ import annotations

import asyncio
import json
import tomllib
from importlib.metadata import version
from pathlib import Path
from typing import Any

import instructor
import openai
import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from extractor.errors import LLMError
from extractor.llm.client import _MODES, ModelClient
from extractor.llm.config import MODES
from extractor.llm.response import MeetingsResponse, compact_variant

from .conftest import REPO
from .fake_llm import Behaviour, FakeLLM, raw, text
from .test_llm_faults import MEETING, config, run

MESSAGES: list[Any] = [
    {"role": "system", "content": "You extract records of meetings."},
    {"role": "user", "content": "Kamikawa met Jaishankar in Tokyo on Thursday."},
]


def answering(mode: str, meetings: list[dict[str, Any]], **options: Any) -> Behaviour:
    """These meetings, in the shape the mode expects: a tool call, JSON, or JSON in Markdown."""
    arguments = json.dumps({"meetings": meetings})
    if mode == "tools":
        return raw(arguments, **options)
    return text(f"```json\n{arguments}\n```" if mode == "md_json" else arguments, **options)


def unknown_topic(mode: str) -> Behaviour:
    return answering(mode, [{**MEETING, "topics": ["weather"]}])


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_validates_and_re_asks(tmp_path: Path, mode: str) -> None:
    with FakeLLM(default=answering(mode, [MEETING])).then(unknown_topic(mode)) as server:
        result = run(server, tmp_path, mode=mode)
    assert result.error is None and len(result.meetings) == 1
    assert len(server.requests) == 2
    assert "weather" in json.dumps(server.requests[1].body["messages"])  # told what was wrong
    assert result.usage is not None and result.usage.prompt_tokens == 200  # both calls counted


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_reports_a_cut_off_answer(tmp_path: Path, mode: str) -> None:
    cut = answering(mode, [MEETING], finish_reason="length")
    with FakeLLM(default=cut) as server, pytest.raises(LLMError, match="cut off") as failure:
        run(server, tmp_path, mode=mode)
    assert len(server.requests) == 1  # a re-ask would be cut off again
    assert failure.value.usage is not None and failure.value.usage.completion_tokens == 20


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("mode", MODES)
def test_requests_are_those_of_instructors_create(
    tmp_path: Path, mode: str, asynchronous: bool
) -> None:
    """The first request and the re-ask, byte for byte, as instructor's create sends them,
    from the sync client and the async one (which a batch uses)."""
    script = (unknown_topic(mode), answering(mode, [MEETING]))
    with FakeLLM().then(*script) as ours:
        client = ModelClient(config(ours, tmp_path, mode=mode))
        if asynchronous:
            asyncio.run(client.aask(MESSAGES))
        else:
            client.ask(MESSAGES)
    with FakeLLM().then(*script) as theirs:
        settings = config(theirs, tmp_path, mode=mode)
        compact = mode == "json_object"
        answer_model = compact_variant(MeetingsResponse) if compact else MeetingsResponse
        extra: dict[str, Any] = {}
        if compact:
            schema = answer_model.model_json_schema()
            extra["extra_body"] = {"response_format": {"type": "json_object", "schema": schema}}
        request: dict[str, Any] = {
            "model": settings.model,
            "messages": MESSAGES,
            "response_model": answer_model,
            "max_retries": settings.max_reasks,
            "temperature": 0,
            "max_tokens": settings.max_output_tokens,
            **extra,
        }
        if asynchronous:
            patched = instructor.from_openai(
                openai.AsyncOpenAI(base_url=theirs.url, api_key="k", max_retries=0),
                mode=_MODES[mode],
            )
            asyncio.run(patched.chat.completions.create(**request))
        else:
            instructor.from_openai(
                openai.OpenAI(base_url=theirs.url, api_key="k", max_retries=0), mode=_MODES[mode]
            ).chat.completions.create(**request)
    sent = [(r.path, r.raw) for r in ours.requests]
    assert len(sent) == 2 and sent == [(r.path, r.raw) for r in theirs.requests]


def test_instructor_is_pinned_to_the_minor_release_whose_internals_the_client_uses() -> None:
    """The client calls instructor's internal handlers (``instructor.v2``), which may change in
    any minor release: the requirement admits the installed, tested minor release only."""
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    [pinned] = [r for r in map(Requirement, dependencies) if r.name == "instructor"]
    installed = Version(version("instructor"))
    assert installed in pinned.specifier
    assert Version(f"{installed.major}.{installed.minor + 1}") not in pinned.specifier


def test_a_request_leaves_the_callers_messages_alone(tmp_path: Path) -> None:
    messages = [dict(m) for m in MESSAGES]
    with FakeLLM(default=answering("tools", [MEETING])).then(unknown_topic("tools")) as server:
        ModelClient(config(server, tmp_path)).ask(messages)
    assert messages == MESSAGES
