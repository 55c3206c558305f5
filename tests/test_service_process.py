"""``extractor serve`` as a real process: the record the CLI gives, and a server killed with
SIGKILL in the middle of a job, then restarted on the same database."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx2

from tests.conftest import SEED
from tests.fake_llm import SEED_MEETING, FakeLLM, answer
from tests.service_process import ServeProcess


def test_the_served_seed_record_is_the_one_extractor_extract_writes(tmp_path: Path) -> None:
    cli = subprocess.run(
        [sys.executable, "-m", "extractor", "extract", str(SEED), "--backend", "rules"],
        capture_output=True,
        text=True,
        check=True,
    )
    expected = json.loads(cli.stdout)
    server = ServeProcess(
        "--backend", "rules", "--db", str(tmp_path / "s.db"), log=tmp_path / "log"
    )
    try:
        response = httpx2.post(
            f"{server.url}/v1/extract",
            json={"text": SEED.read_text(encoding="utf-8")},
            timeout=30,
        )
    finally:
        server.stop()
    served = response.json()
    for field in ("meetings", "warnings", "backend", "error", "schema_version"):
        assert served[field] == expected[field], field
    assert served["source"]["published_at"] == expected["source"]["published_at"]


def test_a_killed_server_finishes_every_job_on_restart_without_paying_twice(
    tmp_path: Path,
) -> None:
    documents = [
        {"id": f"doc-{n}", "text": f"Article {n}. Foreign ministers met in Paris on Monday."}
        for n in range(1, 31)
    ]
    body = "\n".join(json.dumps(d) for d in documents)
    with FakeLLM(default=answer([SEED_MEETING], delay=0.15)) as model:
        env = {
            "EXTRACTOR_MODEL": "fake",
            "OPENAI_BASE_URL": model.url,
            "OPENAI_API_KEY": "sk-kill-test",
            "EXTRACTOR_CACHE_DIR": str(tmp_path / "cache"),
        }
        # The rules are the default: their worker processes, forked at start, must die with
        # the server, or they would keep its port and the restart could not listen on it.
        options = ("--backend", "rules", "--db", str(tmp_path / "jobs.db"), "--concurrency", "2")
        server = ServeProcess(*options, env=env, log=tmp_path / "log")
        jobs_url = f"{server.url}/v1/jobs?backend=llm"
        accepted = httpx2.post(jobs_url, content=body, timeout=10).json()
        second = httpx2.post(jobs_url, content=body, timeout=10).json()
        status_url = f"{server.url}/v1/jobs/{accepted['id']}"
        deadline = time.monotonic() + 60
        while httpx2.get(status_url, timeout=5).json()["done"] < 8:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        workers = _children(server.process.pid)
        assert workers, "the rules' worker processes should have started with the server"
        server.kill()  # the server alone, in the middle of the first job, requests in flight
        deadline = time.monotonic() + 10
        while alive := [pid for pid in workers if _alive(pid)]:
            assert time.monotonic() < deadline, f"workers outlived their server: {alive}"
            time.sleep(0.1)
        before = _done_ids(tmp_path / "jobs.db", accepted["id"])
        requests_before = len(model.requests)
        assert 8 <= len(before) < 30

        server = ServeProcess(*options, env=env, log=tmp_path / "log", port=server.port)
        try:
            for job in (accepted, second):
                deadline = time.monotonic() + 120
                url = f"{server.url}/v1/jobs/{job['id']}"
                while (status := httpx2.get(url, timeout=5).json())["state"] != "done":
                    assert time.monotonic() < deadline, status
                    time.sleep(0.1)
                assert (status["total"], status["done"], status["errors"]) == (30, 30, 0)
                lines = httpx2.get(f"{url}/results", timeout=10).text.splitlines()
                ids = [json.loads(line)["source"]["id"] for line in lines]
                assert ids == [d["id"] for d in documents]  # each once, in input order
        finally:
            server.stop()

    asked = Counter(_article_number(request.raw) for request in model.requests)
    assert set(asked) == set(range(1, 31))
    for number in before:  # done before the kill: never asked again, by either job
        assert asked[number] == 1, (number, asked[number])
    # The second job has the same articles: every answer came from the response cache, and
    # only the documents in flight at the kill could be asked twice.
    assert len(model.requests) - requests_before <= 30 - len(before) + 2


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie waiting for init to reap it does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return "\nState:\tZ" not in status


def _done_ids(database: Path, job_id: str) -> set[int]:
    import sqlite3

    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT seq FROM documents WHERE job_id = ? AND result IS NOT NULL", (job_id,)
        ).fetchall()
    return {seq for (seq,) in rows}


def _article_number(raw: bytes) -> int:
    text = raw.decode("utf-8")
    start = text.index("Article ") + len("Article ")
    return int(text[start : text.index(".", start)])


def test_the_access_log_leaves_query_strings_out(tmp_path: Path) -> None:
    """A key a client put in the URL must not reach the log operators keep."""
    log = tmp_path / "log"
    server = ServeProcess(
        "--backend", "rules", "--db", str(tmp_path / "s.db"), "--log-level", "info", log=log
    )
    try:
        httpx2.get(f"{server.url}/healthz?api_key=sk-in-the-url-1234", timeout=10)
    finally:
        server.stop()
    text = log.read_text()
    assert '"GET /healthz HTTP/1.1" 200' in text
    assert "sk-in-the-url-1234" not in text
