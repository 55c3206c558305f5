"""The LLM configuration read from the environment: a value that cannot be used is an error
that names its variable, raised before any document is read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import main
from extractor.errors import BackendUnavailable
from extractor.llm.config import MODES, LLMConfig

from .conftest import SEED


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in (
        "EXTRACTOR_MODEL",
        "EXTRACTOR_MODE",
        "EXTRACTOR_CACHE_DIR",
        "EXTRACTOR_PRICES",
        "OPENAI_BASE_URL",
    ):
        monkeypatch.delenv(variable, raising=False)


def test_an_unknown_mode_is_an_error_naming_the_variable_and_the_choices(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EXTRACTOR_MODE", "json-schema")
    with pytest.raises(BackendUnavailable) as raised:
        LLMConfig.from_env()
    assert "EXTRACTOR_MODE='json-schema'" in str(raised.value)
    assert all(mode in str(raised.value) for mode in MODES)


def test_a_flag_replaces_the_variable_without_reading_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_MODE", "json-schema")
    assert LLMConfig.from_env(mode="json").mode == "json"
    monkeypatch.setenv("EXTRACTOR_MODE", "md_json")
    assert LLMConfig.from_env().mode == "md_json"
    monkeypatch.setenv("EXTRACTOR_MODE", "")  # empty is unset
    assert LLMConfig.from_env().mode == "tools"


def test_the_cache_directory_must_be_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path / "not yet"))
    assert LLMConfig.from_env().cache_dir == tmp_path / "not yet"  # created on first use
    (tmp_path / "a file").write_text("")
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path / "a file"))
    with pytest.raises(BackendUnavailable, match=r"^EXTRACTOR_CACHE_DIR=.*a file' is not a dir"):
        LLMConfig.from_env()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "No such file"),
        ("{not json", "Invalid JSON"),
        ("[1, 2]", "Input should be an object"),
        ('{"m": [1.0]}', "m.1: Field required"),
        ('{"m": [1.0, 2.0, 3.0]}', "m: Tuple should have at most 2 items"),
        ('{"m": [-1.0, 2.0]}', "m.0: Input should be greater than or equal to 0"),
        ('{"m": ["cheap", 2.0]}', "m.0: Input should be a valid number"),
    ],
)
def test_a_price_table_that_cannot_be_used_is_an_error_naming_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | None, problem: str
) -> None:
    prices = tmp_path / "prices.json"
    if content is not None:
        prices.write_text(content)
    monkeypatch.setenv("EXTRACTOR_PRICES", str(prices))
    with pytest.raises(BackendUnavailable) as raised:
        LLMConfig.from_env()
    message = str(raised.value)
    assert message.startswith(f"EXTRACTOR_PRICES: {prices}: not a price table")
    assert problem in message


def test_a_good_price_table_is_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"my-model": [1, 2.5]}))
    monkeypatch.setenv("EXTRACTOR_PRICES", str(prices))
    assert LLMConfig.from_env().prices_file == prices


def test_the_command_line_stops_before_reading_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_MODEL", "some-model")
    monkeypatch.setenv("EXTRACTOR_MODE", "tool")
    result = CliRunner().invoke(main, ["extract", str(SEED)])
    assert result.exit_code == 2
    assert "extractor: error: EXTRACTOR_MODE='tool' is not a structured-output mode" in (
        result.stderr
    )
    assert result.stdout == ""


NOT_ENDPOINTS = [
    "not a url",
    "ftp://x",
    "http://",
    "localhost:8080",
    "http://a b/v1",
    "http://x:port",
]


@pytest.mark.parametrize("url", NOT_ENDPOINTS)
def test_a_base_url_that_is_no_http_endpoint_is_an_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    with pytest.raises(BackendUnavailable, match=r"OPENAI_BASE_URL=.* is not an http or https URL"):
        LLMConfig.from_env()
    with pytest.raises(BackendUnavailable, match=r"base_url=.* is not an http or https URL"):
        LLMConfig(base_url=url)


@pytest.mark.parametrize("url", NOT_ENDPOINTS)
def test_a_base_url_flag_that_is_no_http_endpoint_is_a_usage_error(url: str) -> None:
    result = CliRunner().invoke(
        main, ["extract", str(SEED), "--backend", "llm", "--model", "m", "--base-url", url]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"extractor: error: --base-url={url!r} is not an http or https URL with a host "
        "(such as http://localhost:8080/v1)\n"
    )


@pytest.mark.parametrize(
    "url", ["http://localhost:8080/v1", "https://api.openai.com/v1", "http://[::1]:11434/v1"]
)
def test_http_endpoints_are_taken(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    assert LLMConfig.from_env().base_url == url
