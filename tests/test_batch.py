"""Batches that survive crashes: SIGKILL, Ctrl-C, torn lines, resume, retrying failures."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor import batch
from extractor.backends import BackendOutput, Capabilities
from extractor.batch import ResultLine, StopSignal
from extractor.cli import main
from extractor.cli.extract import ctrl_c
from extractor.document import Document

from .conftest import REPO, SEED
from .fake_llm import SEED_MEETING, FakeLLM, answer


def jsonl_batch(path: Path, count: int) -> Path:
    text = SEED.read_text()
    rows = (
        json.dumps({"id": f"doc-{i:04d}", "text": text.replace("Thursday", f"Thursday {i}")})
        for i in range(count)
    )
    path.write_text("\n".join(rows) + "\n")
    return path


def result_lines(path: Path) -> list[dict[str, object]]:
    data = path.read_text()
    assert data == "" or data.endswith("\n"), "a torn last line"
    return [json.loads(line) for line in data.splitlines()]


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "extractor", "extract", "--backend", "rules", "-q", *args]


def colliding_inputs(directory: Path, rows: int) -> tuple[list[str], int]:
    """A batch whose ids collide every way users make them collide (rows that repeat ids,
    rows named like their file, files of one name in two folders, ``a.txt`` beside
    ``a.html``); the inputs to name, and how many documents they hold."""
    text = SEED.read_text()
    for folder in ("x", "y"):
        (directory / folder).mkdir()
        (directory / folder / "a.txt").write_text(text)
    (directory / "x" / "a.html").write_text(f"<html><body><p>{text}</p></body></html>")
    feed = directory / "a.jsonl"
    feed.write_text(
        "".join(
            json.dumps({"id": "a" if i % 7 == 0 else f"doc-{i // 2}", "text": f"{text} {i}"}) + "\n"
            for i in range(rows)
        )
    )
    return [str(directory / "x"), str(feed), str(directory / "y")], rows + 3


def kill_three_times_then_finish(
    inputs: list[str], out: Path, total: int, flags: list[str], env: dict[str, str]
) -> None:
    """Run the batch, SIGKILL it at three random points, then let a last --resume finish."""
    rng = random.Random(7)
    kills = 0
    for _ in range(3):
        process = subprocess.Popen(command(*inputs, "-o", str(out), "--resume", *flags), env=env)
        written = out.read_bytes().count(b"\n") if out.exists() else 0
        kill_after = written + 1 + rng.randrange((total - written) // 2)  # in what is left
        while process.poll() is None:
            if out.exists() and out.read_bytes().count(b"\n") >= kill_after:
                process.send_signal(signal.SIGKILL)
                kills += 1
                break
            time.sleep(0.002)
        process.wait()
    final = subprocess.run(
        command(*inputs, "-o", str(out), "--resume", *flags), env=env, check=False
    )
    assert final.returncode == 0
    assert kills == 3  # the batch really was killed three times, mid-way


def every_input_once(out: Path, total: int) -> None:
    sources = [(line["source"]["path"], line["source"]["line"]) for line in result_lines(out)]  # type: ignore[index]
    assert len(sources) == total and len(set(sources)) == total


@pytest.mark.parametrize("flags", [[], ["--workers", "2"]], ids=["one process", "workers"])
def test_sigkill_three_times_then_resume_gives_every_input_once(
    tmp_path: Path, flags: list[str]
) -> None:
    inputs, total = colliding_inputs(tmp_path, 500)
    out = tmp_path / "out.jsonl"
    kill_three_times_then_finish(inputs, out, total, flags, {**os.environ, "PYTHONPATH": str(REPO)})
    every_input_once(out, total)


def test_sigkill_three_times_through_the_llm_backend(tmp_path: Path) -> None:
    """The same through a model endpoint (the test's fake server, answering after 5 ms): no
    input lost or written twice, and no document that has its result asked for again."""
    inputs, total = colliding_inputs(tmp_path, 300)
    out = tmp_path / "out.jsonl"
    with FakeLLM(default=answer([SEED_MEETING], delay=0.005)) as server:
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "OPENAI_BASE_URL": server.url,
            "OPENAI_API_KEY": "test-key",
            "EXTRACTOR_MODEL": "fake",
            "EXTRACTOR_CACHE_DIR": str(tmp_path / "cache"),
        }
        kill_three_times_then_finish(inputs, out, total, ["--backend", "llm", "--no-cache"], env)
        requests = len(server.requests)
    every_input_once(out, total)
    in_flight = 3 * 2 * 8  # at most the window in flight at each kill (2 x concurrency 8)
    assert total <= requests <= total + in_flight


def test_a_torn_last_line_is_cut_and_redone(tmp_path: Path) -> None:
    batch = jsonl_batch(tmp_path / "batch.jsonl", 5)
    out = tmp_path / "out.jsonl"
    assert CliRunner().invoke(main, ["extract", str(batch), "-o", str(out), "-q"]).exit_code == 0
    lines = out.read_text().splitlines(keepends=True)
    out.write_text("".join(lines[:3]) + lines[3][:40])  # a crash in the middle of line 4
    result = CliRunner().invoke(main, ["extract", str(batch), "-o", str(out), "--resume"])
    assert result.exit_code == 0, result.output
    assert "3 already done" in result.stderr
    assert [line["source"]["id"] for line in result_lines(out)] == [  # type: ignore[index]
        "doc-0000",
        "doc-0001",
        "doc-0002",
        "doc-0003",
        "doc-0004",
    ]


def test_resume_refuses_a_file_that_is_not_results(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("hello\n")
    result = CliRunner().invoke(main, ["extract", str(SEED), "-o", str(out), "--resume"])
    assert result.exit_code == 2 and "not a result line" in result.stderr
    assert CliRunner().invoke(main, ["extract", str(SEED), "--resume"]).exit_code == 2


def test_failures_go_to_an_errors_file_and_can_be_retried(tmp_path: Path) -> None:
    articles = tmp_path / "in"
    articles.mkdir()
    (articles / "good.txt").write_text(SEED.read_text())
    (articles / "empty.txt").write_text("")
    rows = articles / "rows.jsonl"
    rows.write_text(json.dumps({"id": "ok", "text": SEED.read_text()}) + "\n{broken\n")
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    first = CliRunner().invoke(
        main, ["extract", str(articles), "-o", str(out), "--errors", str(errors), "-q"]
    )
    assert first.exit_code == 1
    failed = [json.loads(line) for line in errors.read_text().splitlines()]
    assert [(f["id"], f["line"], f["error"]["type"]) for f in failed] == [
        ("empty", None, "EmptyInput"),
        ("rows:2", 2, "MalformedInput"),
    ]
    (articles / "empty.txt").write_text(SEED.read_text())  # the inputs are mended
    rows.write_text(
        json.dumps({"id": "ok", "text": "x"})
        + "\n"
        + json.dumps({"id": "mended", "text": SEED.read_text()})
        + "\n"
    )
    retry_out = tmp_path / "retry.jsonl"
    second = CliRunner().invoke(
        main, ["extract", "--retry-errors", str(errors), "-o", str(retry_out), "-q"]
    )
    assert second.exit_code == 0, second.output
    assert [line["source"]["id"] for line in result_lines(retry_out)] == ["empty", "mended"]  # type: ignore[index]


def test_ctrl_c_stops_cleanly_with_a_summary(tmp_path: Path) -> None:
    batch = jsonl_batch(tmp_path / "batch.jsonl", 3000)
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "extractor",
            "extract",
            "--backend",
            "rules",
            str(batch),
            "-o",
            str(out),
        ],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    while process.poll() is None and not (out.exists() and out.read_bytes().count(b"\n") >= 100):
        time.sleep(0.002)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "interrupted; rerun with --resume" in stderr and "documents" in stderr
    written = result_lines(out)
    assert 0 < len(written) < 3000
    resumed = subprocess.run(command(str(batch), "-o", str(out), "--resume"), env=env, check=False)
    assert resumed.returncode == 0 and len(result_lines(out)) == 3000


class _Stuck:
    """A backend slow on its one document, which the first Ctrl-C lets it finish: only the
    second can stop the batch at once."""

    name = "stuck"
    capabilities = Capabilities()

    def __init__(self) -> None:
        self.started = threading.Event()

    def extract(self, document: Document) -> BackendOutput:
        self.started.set()
        time.sleep(20)
        return BackendOutput([])


def test_a_second_ctrl_c_stops_the_batch_at_once() -> None:
    backend = _Stuck()
    stop = StopSignal()

    def press_ctrl_c_twice() -> None:
        backend.started.wait(10)
        main = threading.main_thread().ident or 0
        # To the main thread: sent to the process, the signal may land on another thread (a
        # server left by an earlier test) and the main thread's sleep goes on. The second
        # press waits for the first to be handled: two at once would count as one.
        signal.pthread_kill(main, signal.SIGINT)
        while not stop.is_set():
            time.sleep(0.01)
        signal.pthread_kill(main, signal.SIGINT)

    lines = batch.run([Document(text="Talks.", id="one")], backend, stop=stop)
    written: list[ResultLine] = []
    presser = threading.Thread(target=press_ctrl_c_twice)
    presser.start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt), ctrl_c(stop):
        written.extend(lines)
    presser.join()
    assert lines.stopped and written == []
    assert time.monotonic() - started < 5
