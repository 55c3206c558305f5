"""The provider Batch API against the fake server's ``/v1/files`` and ``/v1/batches``: the
answers fill the response cache, the run that follows asks nothing online, a killed poller
is taken up without a second upload, and what a batch did not answer is asked online."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

from extractor import Document, extract_many
from extractor.backends import get_backend
from extractor.llm.batch_api import prefill
from tests.fake_llm import SEED_MEETING, FakeLLM, answer
from tests.test_llm_faults import config

ARTICLE = "Article {n}: Japanese Foreign Minister Yoko Kamikawa met India's External Affairs "
ARTICLE += "Minister Subrahmanyam Jaishankar in Tokyo on Thursday."


def documents(count: int) -> list[Document]:
    return [
        Document(text=ARTICLE.format(n=n), id=f"d{n}", published_at="2024-03-08T14:07:00+09:00")
        for n in range(count)
    ]


def feed_of(folder: Path, count: int) -> Path:
    """A JSON Lines file of ``count`` articles, for the command line."""
    feed = folder / "feed.jsonl"
    rows = (
        {"id": f"d{n}", "text": ARTICLE.format(n=n), "published_at": "2024-03-08"}
        for n in range(count)
    )
    feed.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return feed


def chat_requests(server: FakeLLM) -> int:
    return sum(r.path.endswith("/chat/completions") for r in server.requests)


def test_two_hundred_documents_through_one_batch_then_nothing_online(tmp_path: Path) -> None:
    with FakeLLM(default=answer([SEED_MEETING])) as server:
        backend = get_backend("llm", config=config(server, tmp_path, cache=True))
        done = prefill(documents(200), backend, tmp_path / "state.json", poll_every=0.01)
        assert (done.status, done.sent, done.cached, done.missing) == ("completed", 200, 200, 0)
        assert len(server.desk.uploads) == 1 and not (tmp_path / "state.json").exists()
        results = list(extract_many(documents(200), backend=backend))
        assert chat_requests(server) == 0  # every answer came from the batch, via the cache
    assert all(len(r.meetings) == 1 and r.error is None for r in results)
    assert {p.name for p in results[0].meetings[0].participants} == {
        "Yoko Kamikawa",
        "Subrahmanyam Jaishankar",
    }


def test_an_expired_batch_leaves_the_rest_to_the_online_run(tmp_path: Path) -> None:
    with FakeLLM(default=answer([SEED_MEETING])) as server:
        server.desk.fate = "expired"
        backend = get_backend("llm", config=config(server, tmp_path, cache=True))
        done = prefill(documents(10), backend, tmp_path / "state.json", poll_every=0.01)
        assert (done.status, done.cached, done.missing) == ("expired", 5, 5)
        results = list(extract_many(documents(10), backend=backend))
        assert chat_requests(server) == 5  # only what the batch did not answer
    assert all(r.error is None for r in results)


def test_a_poller_killed_is_taken_up_without_a_second_upload(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with FakeLLM(default=answer([SEED_MEETING])) as server:
        server.desk.polls = 10_000  # the batch stays in progress while the first poller runs
        script = textwrap.dedent(
            f"""
            import sys
            sys.path.insert(0, {str(Path.cwd())!r})
            from pathlib import Path
            from extractor.backends import get_backend
            from extractor.llm.batch_api import prefill
            from tests.test_llm_faults import config
            from tests.test_llm_batch_api import documents

            class Server:
                url = {server.url!r}

            settings = config(Server(), Path({str(tmp_path)!r}), cache=True)
            backend = get_backend("llm", config=settings)
            prefill(documents(20), backend, Path({str(state)!r}), poll_every=0.05)
            """
        )
        poller = subprocess.Popen([sys.executable, "-c", script])
        deadline = time.monotonic() + 60
        while not state.exists():
            assert time.monotonic() < deadline and poller.poll() is None
            time.sleep(0.05)
        time.sleep(0.3)
        poller.kill()
        poller.wait(10)
        assert len(server.desk.uploads) == 1
        server.desk.polls = 0  # the provider finishes the batch meanwhile
        backend = get_backend("llm", config=config(server, tmp_path, cache=True))
        done = prefill(documents(20), backend, state, poll_every=0.01)
        assert done.resumed and (done.status, done.cached) == ("completed", 20)
        assert len(server.desk.uploads) == 1  # the batch of the killed poller, not a new one
        results = list(extract_many(documents(20), backend=backend))
        assert chat_requests(server) == 0
    assert json.dumps([r.error for r in results]) == json.dumps([None] * 20)


def test_extract_batch_api_from_the_command_line(tmp_path: Path, monkeypatch: Any) -> None:
    from click.testing import CliRunner

    from extractor.cli import main

    feed = feed_of(tmp_path, 20)
    out = tmp_path / "out.jsonl"
    with FakeLLM(default=answer([SEED_MEETING])) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("EXTRACTOR_MODEL", "fake-model")
        monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path / "cache"))
        command = ["extract", str(feed), "--backend", "llm", "--batch-api", "--batch-poll", "0.01"]
        result = CliRunner().invoke(main, [*command, "-o", str(out)])
        assert result.exit_code == 0, result.stderr
        assert "batch batch_1: completed; 20 prompts sent, 20 answers cached" in result.stderr
        assert len(server.desk.uploads) == 1 and chat_requests(server) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["source"]["id"] for r in lines] == [f"d{n}" for n in range(20)]
    assert all(len(r["meetings"]) == 1 for r in lines)
    assert not (tmp_path / "out.jsonl.batch.json").exists()


def test_a_batch_answer_is_billed_once_at_the_batch_price(tmp_path: Path) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"fake-model": [1000.0, 1000.0]}))  # $ per million tokens
    with FakeLLM(default=answer([SEED_MEETING])) as server:
        # the fake's batch answers report 100 prompt and 20 completion tokens
        settings = config(server, tmp_path, cache=True, prices_file=prices)
        backend = get_backend("llm", config=settings)
        prefill(documents(3), backend, tmp_path / "state.json", poll_every=0.01)
        first = list(extract_many(documents(3), backend=backend))
        again = list(extract_many(documents(3), backend=backend))
    for result in first:
        assert result.usage is not None and not result.usage.cached
        assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (100, 20)
        assert result.usage.cost_usd == 0.06  # 120 tokens at $1,000 per million, halved
    for result in again:  # answered from the cache: paid for already
        assert result.usage is not None and result.usage.cached
        assert result.usage.cost_usd == 0.0


def test_a_failed_batch_leaves_every_document_to_the_online_run(tmp_path: Path) -> None:
    with FakeLLM(default=answer([SEED_MEETING])) as server:
        server.desk.fate = "failed"
        backend = get_backend("llm", config=config(server, tmp_path, cache=True))
        done = prefill(documents(4), backend, tmp_path / "state.json", poll_every=0.01)
        assert (done.status, done.cached, done.missing) == ("failed", 0, 4)
        results = list(extract_many(documents(4), backend=backend))
        assert chat_requests(server) == 4
    assert all(r.error is None and len(r.meetings) == 1 for r in results)


def test_two_hundred_documents_and_a_sigkill_while_polling_submit_once(tmp_path: Path) -> None:
    feed = feed_of(tmp_path, 200)
    out = tmp_path / "out.jsonl"
    state = tmp_path / "out.jsonl.batch.json"
    with FakeLLM(default=answer([SEED_MEETING])) as server:
        env = {
            **os.environ,
            "OPENAI_BASE_URL": server.url,
            "EXTRACTOR_MODEL": "fake-model",
            "EXTRACTOR_CACHE_DIR": str(tmp_path / "cache"),
            "EXTRACTOR_STRATEGY": "direct",
        }
        command = [sys.executable, "-m", "extractor", "extract", str(feed), "--backend", "llm"]
        command += ["--batch-api", "--batch-poll", "0.05", "-o", str(out)]
        server.desk.polls = 10_000  # in progress until the provider is told otherwise
        first = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not state.exists():
            assert time.monotonic() < deadline and first.poll() is None
            time.sleep(0.05)
        time.sleep(0.3)
        first.kill()  # SIGKILL while it polls
        first.wait(10)
        server.desk.polls = 0
        again = subprocess.run(command, env=env, capture_output=True, text=True)
        assert again.returncode == 0, again.stderr
        assert "(taken up after a stop)" in again.stderr
        assert len(server.desk.uploads) == 1 and chat_requests(server) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["source"]["id"] for r in lines] == [f"d{n}" for n in range(200)]
    assert all(len(r["meetings"]) == 1 and r["error"] is None for r in lines)
