"""The record contract validates what any backend produces."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from extractor.cli import main
from extractor.schema import TOPICS, Meeting, Participant


def test_country_codes_must_be_iso_alpha2() -> None:
    assert Participant(name="A", country="jp").country == "JP"
    with pytest.raises(ValidationError, match="ISO 3166-1"):
        Participant(name="A", country="UK")


def test_topics_come_from_the_fixed_list() -> None:
    assert len(TOPICS) == 27
    with pytest.raises(ValidationError):
        Meeting(status="held", topics=["weather"])  # type: ignore[list-item]


@pytest.mark.parametrize("value", ["March 7", "2024/03/07", "07-03-2024", 1709769600])
def test_dates_must_be_iso(value: object) -> None:
    with pytest.raises(ValidationError):
        Meeting(status="held", date=value)  # type: ignore[arg-type]


def test_schema_command_prints_the_json_schema() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["properties"]["schema_version"]["const"] == "1"
    assert "Meeting" in schema["$defs"]
    assert "offsets" in json.dumps(schema) or "start" in schema["$defs"]["Evidence"]["properties"]
