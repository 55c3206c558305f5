"""Reliability, second round (issue #11): nothing lost, nothing looped, nothing silent.

One test (or a few) per class of fault found by trying the batch as a hostile user would:
an output read back as input, rows that used to end the batch, ids that repeat, two
processes on one output, outputs appended twice, unbounded reads, directory entries skipped
without a word, full disks, CR line endings, ids rewritten, Ctrl-C during start-up.
"""

from __future__ import annotations

import fcntl
import json
import os
import resource
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor import extract, extract_paths
from extractor.cli import main
from extractor.ingest import InputFailure, Target, read_target

from .conftest import REPO, SEED

ENV = {**os.environ, "PYTHONPATH": str(REPO)}
SEED_TEXT = SEED.read_text()


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "extractor", "extract", "--backend", "rules", "-q", *args]


def rows_file(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def lines_of(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def ids_of(path: Path) -> list[object]:
    return [line["source"]["id"] for line in lines_of(path)]  # type: ignore[index]


def invoke(*args: str, quiet: bool = True) -> tuple[int, str, str]:
    flags = ["--backend", "rules", *(["-q"] if quiet else [])]
    result = CliRunner().invoke(main, ["extract", *flags, *args])
    return result.exit_code, result.stdout, result.stderr


# 1. The output becomes input.


def test_an_output_inside_an_input_directory_is_never_read_back(tmp_path: Path) -> None:
    articles = tmp_path / "in"
    articles.mkdir()
    for name in ("a", "b"):
        (articles / f"{name}.txt").write_text(SEED_TEXT)
    out = articles / "out.jsonl"
    for extra in ([], ["--resume"], ["--append"]):
        run = subprocess.run(
            command(str(articles), "-o", str(out), *extra),
            env=ENV,
            timeout=60,  # reading its own output, a run never ended
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 0, run.stderr
    assert ids_of(out) == ["a", "b", "a", "b"]  # twice: once, nothing to resume, appended


def test_stdout_appended_into_an_input_directory_is_never_read_back(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(SEED_TEXT)
    out = tmp_path / "out.jsonl"
    for _ in range(2):
        with out.open("a") as stdout:
            run = subprocess.run(
                command(str(tmp_path)), env=ENV, stdout=stdout, timeout=60, check=False
            )
        assert run.returncode == 0
    assert ids_of(out) == ["a", "a"]


def test_an_output_that_is_one_of_the_inputs_is_refused(tmp_path: Path) -> None:
    feed = rows_file(tmp_path / "feed.jsonl", [{"id": "r1", "text": SEED_TEXT}])
    before = feed.read_bytes()
    for output in (str(feed), str(tmp_path / "." / "feed.jsonl")):
        code, _, stderr = invoke(str(feed), "-o", output, "--append")
        assert code == 2 and "cannot be an input too" in stderr
    link = tmp_path / "link.jsonl"
    link.symlink_to(feed)
    code, _, stderr = invoke(str(link), "--errors", str(feed))
    assert code == 2 and "cannot be an input too" in stderr
    assert feed.read_bytes() == before


# 2. One bad JSON Lines row ends the whole batch.

BAD_ROWS = [
    '{"id": ' + "7" * 5000 + ', "text": "x"}',  # an integer id of thousands of digits
    '{"id": "deep", "text": "x", "meta": ' + "[" * 100_000 + "]" * 100_000 + "}",
    '{"id": "lone\\ud800", "text": "Surrogates \\udc00 in text."}',
    '{"id": "fine", "text": ' + json.dumps(SEED_TEXT + " \ud800") + "}",
]


@pytest.mark.parametrize("flags", [[], ["--workers", "2"], ["--include-text"]])
def test_a_bad_row_gets_its_own_result_and_the_batch_goes_on(
    tmp_path: Path, flags: list[str]
) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join([*BAD_ROWS, json.dumps({"id": "last", "text": SEED_TEXT})]) + "\n")
    later = tmp_path / "later.txt"
    later.write_text(SEED_TEXT)
    out = tmp_path / "out.jsonl"
    run = subprocess.run(
        command(str(feed), str(later), "-o", str(out), *flags),
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in run.stderr
    results = lines_of(out)
    assert [r["source"]["id"] for r in results] == [  # type: ignore[index]
        "7" * 5000,  # kept as written, as a string
        "feed:2",  # too deep to read, its id too
        "lone\ufffd",
        "fine",
        "last",
        "later",
    ]
    errors = [r["error"] and r["error"]["type"] for r in results]  # type: ignore[index]
    assert errors == [None, "MalformedInput", None, None, None, None]
    assert run.returncode == 1  # the deep row failed; every other row was extracted
    assert results[4]["meetings"] and results[5]["meetings"]


def test_the_python_api_never_raises_for_one_bad_row(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join([*BAD_ROWS, json.dumps({"id": "last", "text": SEED_TEXT})]) + "\n")
    results = list(extract_paths([str(feed)], backend="rules"))
    assert [r.source.id for r in results][-1] == "last" and len(results) == 5
    assert all(r.to_json() for r in results)
    assert extract("Kamikawa met \ud800 Jaishankar.", backend="rules").to_json()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
# JSON text as users' feeds hold it, the hostile shapes included: lone surrogate escapes,
# integers longer than Python turns into an int, nesting deeper than the parser goes.
JSON_TOKENS = (
    JSON_VALUES.map(json.dumps)
    | st.text(alphabet=st.characters(categories=["Cs", "L", "Zs", "P"]), max_size=40).map(
        json.dumps
    )
    | st.integers(4300, 6000).map(lambda digits: "9" * digits)
    | st.integers(500, 3000).map(lambda depth: "[" * depth + "]" * depth)
)
JSON_ROWS = (
    st.builds(
        '{{"id": {}, "text": {}, "extra": {}}}'.format,
        JSON_TOKENS,
        JSON_TOKENS | st.just(json.dumps(SEED_TEXT)),
        JSON_TOKENS,
    )
    | JSON_TOKENS
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(JSON_ROWS, min_size=1, max_size=5))
def test_any_json_rows_give_one_result_each(rows: list[str]) -> None:
    """Rows built by hypothesis, of any shape: one result per row, each writable, in order."""
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        feed = Path(directory) / "feed.jsonl"
        feed.write_text("".join(row + "\n" for row in rows), encoding="utf-8")
        results = list(extract_paths([str(feed)], backend="rules"))
    assert [r.source.line for r in results] == list(range(1, len(rows) + 1))
    for result in results:
        json.loads(result.to_json())


# 3. --resume drops documents whose ids repeat.


def repeated_ids_inputs(tmp_path: Path) -> list[str]:
    """Inputs whose ids collide every way users make them collide: 7 documents, 3 ids."""
    for directory in ("x", "y"):
        (tmp_path / directory).mkdir()
        (tmp_path / directory / "a.txt").write_text(SEED_TEXT)  # same name, other folder
    (tmp_path / "x" / "a.html").write_text(f"<html><body><p>{SEED_TEXT}</p></body></html>")
    feed = rows_file(
        tmp_path / "a.jsonl",
        [
            {"id": "a", "text": SEED_TEXT},  # the row is named like its file
            {"id": "dup", "text": SEED_TEXT},
            {"id": "dup", "text": SEED_TEXT + " Again."},
        ],
    )
    return [str(tmp_path / "x"), str(tmp_path / "y" / "a.txt"), str(feed), str(tmp_path / "y")]


def test_resume_keys_on_the_input_not_on_its_id(tmp_path: Path) -> None:
    inputs = repeated_ids_inputs(tmp_path)
    out = tmp_path / "out.jsonl"
    first = CliRunner().invoke(main, ["extract", "--backend", "rules", *inputs, "-o", str(out)])
    code, stderr = first.exit_code, first.stderr
    assert code == 0
    complete = out.read_text().splitlines(keepends=True)
    assert len(complete) == 6  # y/a.txt named twice is read once, and says so
    assert "named twice; read once" in stderr
    assert "warning: the id 'a' is given to more than one input" in stderr
    for cut in range(len(complete)):
        out.write_text("".join(complete[:cut]))
        code, _, _ = invoke(*inputs, "-o", str(out), "--resume")
        assert code == 0
        assert out.read_text() == "".join(complete), f"resumed after {cut} lines"


# 4. Two processes on one output file.


def test_a_locked_output_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with out.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        code, _, stderr = invoke(str(SEED), "-o", str(out), "--append")
    assert code == 2 and "another extractor process is writing" in stderr
    assert out.read_text() == ""


def test_a_second_process_on_the_same_output_exits_and_the_first_writes_all(
    tmp_path: Path,
) -> None:
    feed = rows_file(
        tmp_path / "feed.jsonl", [{"id": f"r{i}", "text": SEED_TEXT} for i in range(400)]
    )
    out = tmp_path / "out.jsonl"
    first = subprocess.Popen(command(str(feed), "-o", str(out)), env=ENV)
    while not out.exists() or out.stat().st_size == 0:
        time.sleep(0.01)
    second = subprocess.run(
        command(str(feed), "-o", str(out), "--resume"),
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    assert first.wait() == 0
    assert second.returncode == 2 and "another extractor process" in second.stderr
    assert ids_of(out) == [f"r{i}" for i in range(400)]


# 5. -o appends silently.


def test_a_non_empty_output_needs_resume_append_or_force(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert invoke(str(SEED), "-o", str(out))[0] == 0
    code, _, stderr = invoke(str(SEED), "-o", str(out))
    assert code == 2 and all(flag in stderr for flag in ("--resume", "--append", "--force"))
    assert len(lines_of(out)) == 1
    assert invoke(str(SEED), "-o", str(out), "--append")[0] == 0 and len(lines_of(out)) == 2
    assert invoke(str(SEED), "-o", str(out), "--force")[0] == 0 and len(lines_of(out)) == 1
    assert invoke(str(SEED), "-o", str(out), "--force", "--append")[0] == 2


# 7. --max-bytes does not bound what is read.


def test_an_endless_input_is_refused_at_the_limit() -> None:
    code, stdout, _ = invoke("/dev/zero", "--max-bytes", "1000000")
    assert code == 1 and json.loads(stdout)["error"]["type"] == "InputTooLarge"


def test_an_over_long_row_is_refused_while_it_streams_past(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    with feed.open("w") as file:
        file.write(json.dumps({"id": "huge", "text": "x" * 30_000_000}) + "\n")
        file.write(json.dumps({"id": "next", "text": SEED_TEXT}) + "\n")
    tracemalloc.start()
    items = list(read_target(Target(str(feed), "feed"), max_bytes=100_000))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert isinstance(items[0], InputFailure) and "over the limit" in str(items[0].error)
    assert items[0].id == "feed:1" and not isinstance(items[1], InputFailure)
    assert peak < 5_000_000  # the 30 MB row was never held whole


# 8. Directory entries skipped without a word.


def test_every_directory_entry_not_read_is_listed_with_its_reason(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(SEED_TEXT)
    (tmp_path / "broken.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "loop").symlink_to(tmp_path)  # a symlinked directory that loops
    os.mkfifo(tmp_path / "feed.jsonl")  # reading it would block for ever
    code, stdout, stderr = invoke(str(tmp_path), quiet=False)
    assert code == 0 and [json.loads(line)["source"]["id"] for line in stdout.splitlines()] == [
        "good"
    ]
    assert "broken.txt (a broken symbolic link)" in stderr
    assert "loop (a symbolic link to a directory, not followed" in stderr
    assert "feed.jsonl (not a regular file" in stderr


def test_an_unreadable_directory_is_listed() -> None:
    """As an unprivileged user (root reads every directory: the test drops to nobody)."""
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="extractor-unreadable-"))
    try:
        top.chmod(0o755)
        (top / "closed").mkdir(mode=0)
        plan = subprocess.run(
            [
                sys.executable,
                "-c",
                "import os, sys; from extractor.ingest import plan_inputs\n"
                "if os.geteuid() == 0: os.setuid(65534)\n"
                "print([(s.path, s.reason) for s in plan_inputs([sys.argv[1]]).skipped])",
                str(top),
            ],
            env=ENV,
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        (top / "closed").rmdir()
        top.rmdir()
    assert plan.stdout.strip() == repr(
        [(str(top / "closed"), "cannot be listed (Permission denied)")]
    )


def test_a_run_that_reads_nothing_fails(tmp_path: Path) -> None:
    (tmp_path / "labels.json").write_text("{}")
    code, stdout, stderr = invoke(str(tmp_path))
    assert code == 1 and stdout == "" and "nothing to read" in stderr
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    code, stdout, _ = invoke(str(empty))
    assert code == 1 and json.loads(stdout)["error"]["type"] == "EmptyInput"


# 9. Write failures end in a raw traceback.


def test_a_full_device_is_a_clear_error() -> None:
    run = subprocess.run(
        command(str(SEED), "-o", "/dev/full", "--append"),
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 74 and "Traceback" not in run.stderr
    assert "/dev/full: cannot write (No space left on device)" in run.stderr
    stdout = subprocess.run(
        command(str(SEED)),
        env=ENV,
        stdout=open("/dev/full", "w"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    assert stdout.returncode == 74 and "Traceback" not in stdout.stderr


def _small_file_limit() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (30_000, 30_000))


def test_a_file_too_large_leaves_the_output_resumable(tmp_path: Path) -> None:
    feed = rows_file(
        tmp_path / "feed.jsonl", [{"id": f"r{i}", "text": SEED_TEXT} for i in range(30)]
    )
    out = tmp_path / "out.jsonl"
    limited = subprocess.run(
        command(str(feed), "-o", str(out)),
        env=ENV,
        capture_output=True,
        text=True,
        preexec_fn=_small_file_limit,
        check=False,
    )
    assert limited.returncode == 74 and "Traceback" not in limited.stderr
    assert "rerun with --resume" in limited.stderr
    assert 0 < out.stat().st_size <= 30_000
    assert out.read_text().endswith("\n")  # the line cut short was taken back
    assert invoke(str(feed), "-o", str(out), "--resume")[0] == 0
    assert ids_of(out) == [f"r{i}" for i in range(30)]


# 12. Line endings.


def test_cr_only_text_reads_as_lines_everywhere(tmp_path: Path) -> None:
    expected = extract(SEED_TEXT, backend="rules").meetings
    old_mac = SEED_TEXT.replace("\n", "\r")
    assert extract(old_mac, backend="rules").meetings == expected
    feed = rows_file(tmp_path / "feed.jsonl", [{"id": "mac", "text": old_mac}])
    [result] = list(extract_paths([str(feed)], backend="rules"))
    assert result.meetings == expected


# 13. Ids.


def test_a_given_id_is_kept_as_the_user_wrote_it(tmp_path: Path) -> None:
    feed = rows_file(
        tmp_path / "feed.jsonl",
        [
            {"id": 0, "text": SEED_TEXT},
            {"id": False, "text": SEED_TEXT},
            {"id": {"site": "x", "n": 1}, "text": SEED_TEXT},
            {"id": "r3", "text": ""},  # fails, and keeps its id
            {"id": "r4", "text": SEED_TEXT, "published_at": "soon"},
            {"id": None, "text": SEED_TEXT},
        ],
    )
    results = list(extract_paths([str(feed)], backend="rules"))
    assert [r.source.id for r in results] == [
        "0",
        "false",
        '{"site":"x","n":1}',
        "r3",
        "r4",
        "feed:6",
    ]
    assert [r.error is not None for r in results] == [False, False, False, True, True, False]


# 18. Ctrl-C during start-up; pool workers after their parent is killed.


@pytest.mark.parametrize("delay", [0.15, 0.3, 0.5])
def test_ctrl_c_during_start_up_exits_130_without_a_traceback(delay: float) -> None:
    process = subprocess.Popen(
        command(str(SEED)), env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert "Traceback" not in stderr
    # 0 when it had already finished; -SIGINT when the signal came as Python was exiting
    assert process.returncode in (0, 130, -signal.SIGINT)


def start_with_workers(tmp_path: Path, rows: int) -> tuple[subprocess.Popen[str], Path]:
    """A batch of ``rows`` articles through two worker processes, and its output file."""
    feed = rows_file(
        tmp_path / "feed.jsonl", [{"id": f"r{i}", "text": SEED_TEXT} for i in range(rows)]
    )
    out = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        command(str(feed), "-o", str(out), "--workers", "2"),
        env=ENV,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, out


def test_pool_workers_end_quietly_with_their_killed_parent(tmp_path: Path) -> None:
    process, out = start_with_workers(tmp_path, 3000)
    while not out.exists() or out.stat().st_size < 100_000:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    _, stderr = process.communicate(timeout=30)  # ends when the workers close stderr too
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr


# A crash between a failure's result line and its errors line; resuming a failed batch.


def test_resume_gives_every_failure_its_errors_line(tmp_path: Path) -> None:
    feed = rows_file(
        tmp_path / "feed.jsonl",
        [{"id": "ok", "text": SEED_TEXT}, {"id": "bad1"}, {"id": "bad2", "text": ""}],
    )
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    assert invoke(str(feed), "-o", str(out), "--errors", str(errors))[0] == 1
    complete = errors.read_text().splitlines(keepends=True)
    assert len(complete) == 2
    errors.write_text(complete[0][:25])  # killed: one line torn, one never written
    resumed = CliRunner().invoke(
        main, ["extract", str(feed), "-o", str(out), "--errors", str(errors), "--resume"]
    )
    assert resumed.exit_code == 1  # nothing was left to do, but the output holds two failures
    assert "3 already done (--resume), 2 of them failed" in resumed.stderr
    assert sorted(errors.read_text().splitlines(keepends=True)) == sorted(complete)
    retried = tmp_path / "retried.jsonl"
    assert invoke("--retry-errors", str(errors), "-o", str(retried))[0] == 1
    assert ids_of(retried) == ["bad1", "bad2"]


# Found by a second hostile pass: names, encodings, endings, numbers, devices, stdin.


def test_file_names_that_are_not_utf8_stay_apart_through_resume(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    for byte in (b"\xfe", b"\xff"):
        (Path(os.fsdecode(bytes(folder) + b"/x" + byte + b".txt"))).write_text(SEED_TEXT)
    empty = Path(os.fsdecode(bytes(folder) + b"/z\xfe.txt"))
    empty.write_text("")
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    assert invoke(str(folder), "-o", str(out), "--errors", str(errors))[0] == 1
    paths = [line["source"]["path"] for line in lines_of(out)]  # type: ignore[index]
    assert [Path(p).name for p in paths] == ["x\\xfe.txt", "x\\xff.txt", "z\\xfe.txt"]
    out.write_text(out.read_text().splitlines(keepends=True)[0])
    assert invoke(str(folder), "-o", str(out), "--resume")[0] == 1
    assert sorted(line["source"]["path"] for line in lines_of(out)) == sorted(paths)  # type: ignore[index]
    empty.write_text(SEED_TEXT)  # mended: the errors file still finds it
    retried = tmp_path / "retried.jsonl"
    assert invoke("--retry-errors", str(errors), "-o", str(retried))[0] == 0
    assert lines_of(retried)[0]["meetings"]


@pytest.mark.parametrize(
    ("encoding", "ending"),
    [("utf-8-sig", "\n"), ("utf-16", "\n"), ("utf-8", "\r"), ("utf-8", "\r\n")],
)
def test_json_lines_in_any_encoding_and_line_ending(
    tmp_path: Path, encoding: str, ending: str
) -> None:
    rows = [json.dumps({"id": name, "text": SEED_TEXT}) for name in ("a", "b")]
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes((ending.join(rows) + ending).encode(encoding))
    results = list(extract_paths([str(feed)], backend="rules"))
    assert [(r.source.id, r.source.line, r.error) for r in results] == [
        ("a", 1, None),
        ("b", 2, None),
    ]


def test_a_row_that_is_not_utf8_is_refused_alone(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(
        b'{"id": "latin", "text": "caf\xe9 talks"}\n'
        + json.dumps({"id": "fine", "text": SEED_TEXT}).encode()
        + b"\n"
    )
    results = list(extract_paths([str(feed)], backend="rules"))
    assert results[0].error is not None and "not UTF-8" in results[0].error.message
    assert results[1].source.id == "fine" and results[1].meetings


def test_numbers_as_ids_are_kept_as_written(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    ids = ["1e2", "-0", "0.1000", "1.5e400", "1.23456789012345678901", "NaN"]
    feed.write_text("".join(f'{{"id": {n}, "text": "Talks."}}\n' for n in ids))
    feed.write_text(feed.read_text() + '{"id": 7, "text": 7}\n')  # a number is not a text
    results = list(extract_paths([str(feed)], backend="rules"))
    assert [r.source.id for r in results] == [*ids, "7"]
    assert results[-1].error is not None and "'text'" in results[-1].error.message


def test_json_lines_on_stdin_are_streamed_row_by_row() -> None:
    rows = "".join(json.dumps({"id": f"r{n}", "text": SEED_TEXT}) + "\n" for n in range(40))
    result = CliRunner().invoke(
        main, ["extract", "-", "--backend", "rules", "-q", "--max-bytes", "10000"], input=rows
    )
    assert result.exit_code == 0, result.stderr  # 40 rows, 150 KB: only each row is bounded
    assert [json.loads(line)["source"]["id"] for line in result.stdout.splitlines()] == [
        f"r{n}" for n in range(40)
    ]


def test_force_on_a_device_writes_to_it() -> None:
    code, _, stderr = invoke(str(SEED), "-o", "/dev/null", "--force")
    assert code == 0, stderr


def test_the_output_cannot_be_the_errors_file_it_retries(tmp_path: Path) -> None:
    errors = tmp_path / "errors.jsonl"
    errors.write_text(json.dumps({"id": "a", "path": str(SEED), "line": None}) + "\n")
    before = errors.read_text()
    code, _, stderr = invoke("--retry-errors", str(errors), "-o", str(errors), "--force")
    assert code == 2 and "--retry-errors" in stderr and errors.read_text() == before


def test_stdout_appended_to_a_file_is_locked_too(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with out.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a running `extractor ... -o out.jsonl` holds it
        with out.open("a") as stdout:
            run = subprocess.run(
                command(str(SEED)), env=ENV, stdout=stdout, stderr=subprocess.PIPE, text=True
            )
    assert run.returncode == 2 and "<stdout>: another extractor process" in run.stderr
    assert out.read_text() == ""


def test_extract_paths_names_an_argument_that_is_not_paths(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="path 2 is NoneType"):
        list(extract_paths([str(SEED), None], backend="rules"))  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"extract_paths\(\[path\]\)"):
        list(extract_paths(str(SEED), backend="rules"))
    [result] = list(extract_paths([SEED], backend="rules"))  # a Path is a path
    assert result.meetings


def test_repeated_ids_are_told_a_few_times_then_counted(tmp_path: Path) -> None:
    feed = rows_file(tmp_path / "feed.jsonl", [{"id": "same", "text": "Talks."}] * 12)
    told = CliRunner().invoke(main, ["extract", str(feed), "--backend", "rules"])
    warnings = [line for line in told.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 6 and warnings[-1].endswith("6 more inputs repeat an id")
    assert f"again at {feed}:2)" in warnings[0]
    quiet = CliRunner().invoke(main, ["extract", str(feed), "--backend", "rules", "-q"])
    assert "warning" not in quiet.stderr and len(quiet.stdout.splitlines()) == 12


def test_a_refused_run_leaves_no_empty_output(tmp_path: Path) -> None:
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    errors.write_text("an earlier run's failures\n")
    code, _, stderr = invoke(str(SEED), "-o", str(out), "--errors", str(errors))
    assert code == 2 and "is not empty" in stderr and not out.exists()


def test_a_symbolic_link_that_loops_is_named_so(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(SEED_TEXT)
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    _, _, stderr = invoke(str(tmp_path), quiet=False)
    assert "a.txt (a symbolic link that loops)" in stderr


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def test_workers_killed_in_quick_succession_lose_nothing(tmp_path: Path) -> None:
    process, out = start_with_workers(tmp_path, 1500)
    while not out.exists() or out.stat().st_size == 0:
        time.sleep(0.01)
    for _ in range(6):  # as an out-of-memory killer on a busy machine might
        for worker in children(process.pid):
            os.kill(worker, signal.SIGKILL)
        time.sleep(0.03)
    _, stderr = process.communicate(timeout=120)
    assert "Traceback" not in stderr
    results = lines_of(out)
    assert [r["source"]["id"] for r in results] == [f"r{i}" for i in range(1500)]  # type: ignore[index]
    # A document in flight through several of the kills is given up with an error line of its
    # own (--retry-errors takes it again): every other one is extracted.
    failed = {r["error"]["type"] for r in results if r["error"]}  # type: ignore[index]
    assert failed <= {"WorkerDied"} and process.returncode == (1 if failed else 0)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_json_lines_on_stdin_with_a_byte_order_mark(encoding: str) -> None:
    rows = "".join(json.dumps({"id": name, "text": SEED_TEXT}) + "\n" for name in ("a", "b"))
    result = CliRunner().invoke(
        main, ["extract", "-", "--backend", "rules", "-q"], input=rows.encode(encoding)
    )
    assert [json.loads(line)["source"]["id"] for line in result.stdout.splitlines()] == ["a", "b"]


def test_a_prompts_directory_that_does_not_exist_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EXTRACTOR_PROMPTS_DIR", "/no/such/prompts")
    for backend in ("llm", "auto"):
        code, stdout, stderr = invoke(
            str(SEED), "--backend", backend, "--model", "m", "--base-url", "http://127.0.0.1:9/v1"
        )
        assert code == 2 and stdout == "" and "EXTRACTOR_PROMPTS_DIR" in stderr


def test_small_things_a_user_meets(tmp_path: Path) -> None:
    """Stdin named twice is read once; a title that is not a string is refused, not printed as
    Python would; ``extractor prompt -`` reads stdin."""
    _, stdout, stderr = invoke("-", "-", quiet=False)
    assert "- (named twice; read once)" in stderr and len(stdout.splitlines()) == 1
    feed = rows_file(tmp_path / "feed.jsonl", [{"id": "t", "text": SEED_TEXT, "title": ["x"]}])
    [result] = list(extract_paths([str(feed)], backend="rules"))
    assert result.error is not None and "'title' must be a string, not an array" in (
        result.error.message
    )
    shown = CliRunner().invoke(main, ["prompt", "-"], input=SEED_TEXT)
    assert shown.exit_code == 0 and "Kamikawa" in shown.stdout
