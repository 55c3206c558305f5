"""Bad input or a bad environment for the small commands and ``eval``: one line naming the
input and the problem, and a documented exit status (1 input failed, 2 usage or
configuration, 74 output not writable), never a traceback nor a read without end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from extractor.cli import main

from .conftest import REPO, SEED

ARTICLE = "Ministers meet\n10:00 GMT, March 8, 2024\nAnna Able met Bert Baker in Rome.\n"
needs_dev = pytest.mark.skipif(
    not (os.path.exists("/dev/zero") and os.path.exists("/dev/full")), reason="Linux devices"
)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def corpus(tmp_path: Path) -> tuple[Path, Path]:
    """A corpus of one labelled article, and a predictions file for it."""
    directory = tmp_path / "corpus"
    directory.mkdir()
    (directory / "one.txt").write_text(ARTICLE)
    (directory / "one.json").write_text(json.dumps({"meetings": []}))
    predictions = tmp_path / "predictions.jsonl"
    predictions.write_text(json.dumps({"source": {"id": "one"}, "meetings": []}) + "\n")
    return directory, predictions


def one_error_line(result: Result) -> str:
    """The only line on stderr, which must be an error (no traceback before it)."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("extractor: error: "), result.stderr
    return lines[0]


@needs_dev
def test_the_prompt_reads_a_bounded_article() -> None:
    result = invoke("prompt", "/dev/zero")
    assert result.exit_code == 1
    assert "/dev/zero: more than the limit of 10,000,000 bytes" in one_error_line(result)


def test_the_prompt_takes_max_bytes(tmp_path: Path) -> None:
    result = invoke("prompt", str(SEED), "--max-bytes", "100")
    assert result.exit_code == 1
    assert f"{SEED}: more than the limit of 100 bytes" in one_error_line(result)


def test_the_prompt_reads_a_legacy_encoding_as_extract_does(tmp_path: Path) -> None:
    article = tmp_path / "latin.txt"
    article.write_bytes("Ministers meet in Génova\nAnna Able met Bert Baker.\n".encode("cp1252"))
    result = invoke("prompt", str(article))
    assert result.exit_code == 0, result.output
    assert "Ministers meet in Génova" in result.stdout


@needs_dev
@pytest.mark.parametrize(
    "command",
    [["schema"], ["backends"], ["prompt", str(SEED)], ["eval", "--fixtures", "fixtures"]],
    ids=lambda command: command[0],
)
def test_a_full_disk_on_stdout_is_status_74(command: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "extractor", *command],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            timeout=120,
        )
    assert done.returncode == 74, done.stderr
    assert "Traceback" not in done.stderr
    assert "extractor: error: cannot write to stdout: No space left on device" in done.stderr


@needs_dev
@pytest.mark.parametrize(
    ("flag", "path", "problem"),
    [
        ("--json", "/dev/full", "No space left on device"),
        ("--html", "/nonexistent-dir/x.html", "No such file or directory"),
    ],
)
def test_a_report_that_cannot_be_written_is_status_74(
    tmp_path: Path, flag: str, path: str, problem: str
) -> None:
    directory, predictions = corpus(tmp_path)
    result = invoke(
        "eval", "--fixtures", str(directory), "--predictions", str(predictions), flag, path
    )
    assert result.exit_code == 74
    assert f"{path}: cannot write it: {problem}" in one_error_line(result)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"[/]": 1}', "no 'figures' object"),
        ("[1, 2]", "a JSON list, not an object"),
        ('{"figures": {"participants.f1": "x"}}', "the figure 'participants.f1' is 'x'"),
        ('{"figures": {}, "cases": [{"id": "a"}]}', "'cases' is not a list of objects"),
        ("{not json", "not JSON"),
        (b"\xff\xfe\x00", "not JSON"),
    ],
)
def test_a_malformed_baseline_is_a_usage_error_naming_it(
    tmp_path: Path, content: str | bytes, problem: str
) -> None:
    directory, predictions = corpus(tmp_path)
    baseline = tmp_path / "bl.json"
    if isinstance(content, bytes):
        baseline.write_bytes(content)
    else:
        baseline.write_text(content)
    result = invoke(
        "eval",
        *("--fixtures", str(directory), "--predictions", str(predictions)),
        *("--baseline", str(baseline)),
    )
    assert result.exit_code == 2
    line = one_error_line(result)
    assert f"baseline {baseline}: " in line and problem in line


def test_an_unknown_figure_is_a_usage_error_listing_the_figures(tmp_path: Path) -> None:
    directory, predictions = corpus(tmp_path)
    result = invoke(
        "eval",
        *("--fixtures", str(directory), "--predictions", str(predictions)),
        *("--fail-under", "[/]=0.5"),
    )
    assert result.exit_code == 2
    line = one_error_line(result)
    assert "--fail-under '[/]=0.5': no figure '[/]'" in line
    assert "participants.f1" in line and "meeting_count.exact" in line


@pytest.mark.parametrize("threshold", ["nan", "inf", "high"])
def test_a_threshold_that_is_no_number_is_a_usage_error(tmp_path: Path, threshold: str) -> None:
    directory, predictions = corpus(tmp_path)
    result = invoke(
        "eval",
        *("--fixtures", str(directory), "--predictions", str(predictions)),
        *("--fail-under", f"participants={threshold}"),
    )
    assert result.exit_code == 2
    assert "expected FIELD=NUMBER" in one_error_line(result)


@needs_dev
def test_predictions_are_read_a_bounded_line_at_a_time(tmp_path: Path) -> None:
    directory, _ = corpus(tmp_path)
    result = invoke("eval", "--fixtures", str(directory), "--predictions", "/dev/zero")
    assert result.exit_code == 2
    assert "/dev/zero:1: not a result line (longer than 40,000,000 bytes)" in one_error_line(result)


def test_predictions_that_are_not_utf8_name_the_file_and_line(tmp_path: Path) -> None:
    directory, predictions = corpus(tmp_path)
    with predictions.open("ab") as handle:
        handle.write(b'{"source": {"id": "caf\xe9"}, "meetings": []}\n')
    result = invoke("eval", "--fixtures", str(directory), "--predictions", str(predictions))
    assert result.exit_code == 2
    assert f"{predictions}:2: not UTF-8 (byte 0xe9 at byte 23 of the line)" in one_error_line(
        result
    )
