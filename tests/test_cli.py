"""The command line: JSON Lines in input order, a summary, honest exit statuses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import main

from .conftest import SEED


def run(*args: str, input: str | None = None) -> tuple[int, list[dict[str, object]], str]:
    result = CliRunner().invoke(main, list(args), input=input)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.exit_code, lines, result.stderr


def test_extract_one_file() -> None:
    code, [line], stderr = run("extract", str(SEED))
    assert code == 0
    assert line["backend"] == "rules" and line["source"]["id"] == "seed-article"
    assert "1 documents, 1 meetings, 0 errors" in stderr


def test_a_batch_with_bad_inputs_writes_every_result_in_order(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / "a-seed.txt")
    (tmp_path / "b-empty.txt").write_text("")
    (tmp_path / "c-binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "d-rows.jsonl").write_text(
        json.dumps({"id": "row-ok", "text": SEED.read_text()}) + "\n{broken\n"
    )
    out = tmp_path / "out.jsonl"
    code, _, stderr = run("extract", str(tmp_path), "-o", str(out))
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["source"]["id"] for line in lines] == [
        "a-seed",
        "b-empty",
        "c-binary",
        "row-ok",
        "d-rows:2",
    ]
    assert [line["error"]["type"] if line["error"] else None for line in lines] == [
        None,
        "EmptyInput",
        "BinaryInput",
        None,
        "MalformedInput",
    ]
    assert code == 1
    assert "5 documents, 2 meetings, 3 errors" in stderr
    assert "b-empty.txt: the input is empty" in stderr


def test_stdin_and_published_at_override() -> None:
    text = SEED.read_text().replace("14:07 JST, March 8, 2024", "")
    code, [line], _ = run("extract", "-", "--published-at", "2024-03-08T10:00:00+09:00", input=text)
    assert code == 0
    assert line["meetings"][0]["date"] == "2024-03-07"


def test_include_text_makes_offsets_self_contained() -> None:
    _, [line], _ = run("extract", str(SEED), "--include-text", "-q")
    text = line["source"]["text"]
    for evidence in line["meetings"][0]["evidence"]:
        assert text[evidence["start"] : evidence["end"]] == evidence["text"]


def test_pretty_output_is_indented_json() -> None:
    result = CliRunner().invoke(main, ["extract", str(SEED), "--pretty", "-q"])
    assert result.stdout.startswith("{\n  ")
    assert json.loads(result.stdout)["schema_version"] == "1"


def test_llm_backend_without_a_model_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXTRACTOR_MODEL", raising=False)
    code, lines, stderr = run("extract", str(SEED), "--backend", "llm")
    assert code == 2 and lines == []
    assert "no model configured" in stderr and "EXTRACTOR_MODEL" in stderr


def test_bad_published_at_is_a_usage_error() -> None:
    code, _, stderr = run("extract", str(SEED), "--published-at", "yesterday")
    assert code == 2 and "ISO 8601" in stderr


def test_missing_path_is_a_per_input_error() -> None:
    code, [line], _ = run("extract", "does/not/exist.txt")
    assert code == 1 and line["error"]["type"] == "InputNotFound"


def test_prompt_command_prints_the_prompt_and_its_size() -> None:
    result = CliRunner().invoke(main, ["prompt", str(SEED)])
    assert result.exit_code == 0
    assert "Yoko Kamikawa" in result.stdout and "Ishiba" not in result.stdout  # noise removed
    assert "tokens: system" in result.stderr


def test_workers_give_the_same_results_errors_and_summary(tmp_path: Path) -> None:
    rows = [json.dumps({"id": f"d{i}", "text": SEED.read_text()}) for i in range(40)]
    rows[7] = '{"id": "broken", "text": '  # a row that is no JSON
    rows[21] = json.dumps({"id": "empty", "text": "  "})
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(rows) + "\n")
    runs = []
    for workers in ("1", "2", "0"):  # 0: one per core
        out, errors = tmp_path / f"out{workers}.jsonl", tmp_path / f"errors{workers}.jsonl"
        command = ["extract", str(batch), "--backend", "rules", "--workers", workers]
        result = CliRunner().invoke(main, [*command, "-o", str(out), "--errors", str(errors)])
        summary = next(line for line in result.stderr.splitlines() if " documents, " in line)
        runs.append(
            (result.exit_code, summary.rsplit(",", 1)[0], out.read_text(), errors.read_text())
        )
    assert runs[0] == runs[1] == runs[2]
    exit_code, summary, results, errors_file = runs[1]
    assert exit_code == 1 and summary == "extractor: 40 documents, 38 meetings, 2 errors"
    assert [json.loads(line)["source"]["id"] for line in results.splitlines()][6:9] == [
        "d6",
        "batch:8",
        "d8",
    ]
    assert [json.loads(line)["line"] for line in errors_file.splitlines()] == [8, 22]
