"""A cost budget (``--max-cost``): the spend stays under it and stops within one request of it;
the documents left unsent are done by ``--resume`` later, each once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import main
from extractor.errors import BudgetExceeded
from extractor.llm.budget import CostBudget
from tests.fake_llm import SEED_MEETING, FakeLLM, answer

PRICE = (1000.0, 1000.0)  # dollars per million tokens: 100 + 20 tokens cost $0.12


def test_reservations_hold_the_worst_case_and_settle_to_the_real_cost() -> None:
    budget = CostBudget(1.0, PRICE, max_output_tokens=100)
    first = budget.reserve(300, label="a")  # (300 + 100) tokens: $0.40 at worst
    second = budget.reserve(300, label="b")
    with pytest.raises(BudgetExceeded, match=r"c: not sent: the --max-cost budget of \$1\.0000"):
        budget.reserve(300, label="c")  # 0.40 + 0.40 + 0.40 > 1.00
    budget.settle(first, 100, 20)  # it cost $0.12
    budget.settle(second, 100, 20)
    assert budget.spent == pytest.approx(0.24)
    budget.reserve(300, label="c")  # 0.24 + 0.40 fits now


def test_a_run_stops_at_its_budget_and_resume_does_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"fake-model": list(PRICE)}))
    feed = tmp_path / "feed.jsonl"
    rows = [
        {"id": f"d{n}", "text": f"Article {n}. The Japanese and Indian ministers met on Thursday."}
        for n in range(20)
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out.jsonl"
    with FakeLLM(default=answer([SEED_MEETING], prompt_tokens=100, completion_tokens=20)) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("EXTRACTOR_MODEL", "fake-model")
        monkeypatch.setenv("EXTRACTOR_PRICES", str(prices))
        monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path / "cache"))
        command = ["extract", str(feed), "--backend", "llm", "-o", str(out), "--concurrency", "1"]
        # a request costs $0.12; at worst (its ~700-token prompt and the 1,500-token output
        # cap) it is reserved at about $2.2: a $3.40 budget sends about ten
        first = CliRunner().invoke(main, [*command, "--max-cost", "3.4"])
        results = [json.loads(line) for line in out.read_text().splitlines()]
        sent = [r for r in results if not r["error"]]
        left = [r for r in results if r["error"]]
        assert len(results) == 20 and sent and left
        assert {r["error"]["type"] for r in left} == {"BudgetExceeded"}
        spent = sum(r["usage"]["cost_usd"] for r in sent)
        assert spent <= 3.4  # never past the budget
        assert 3.4 - spent < 2.5  # and it stopped within one request's worst case of it
        assert first.exit_code == 1 and "over budget" in first.stderr
        asked_before = len(server.requests)
        assert asked_before == len(sent)

        again = CliRunner().invoke(main, [*command, "--resume", "--max-cost", "100"])
    assert again.exit_code == 0, again.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    done = [line for line in lines if not line["error"]]
    assert sorted(r["source"]["id"] for r in done) == sorted(r["id"] for r in rows)  # each once
    assert len(server.requests) - asked_before == len(left)  # only the unsent were asked
