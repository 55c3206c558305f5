"""200 documents through an endpoint that faults on 30% of requests.

Every document ends with a result or a clear error, the counts add up, and the requests stay
within the configured retry budget.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path

from extractor import ExtractionResult
from extractor.backends import get_backend
from extractor.llm.config import LLMConfig
from extractor.pipeline import aextract_many

from .conftest import SEED
from .fake_llm import FakeLLM, answer, fault_mix

MEETING = {
    "status": "held",
    "participants": [
        {"name": "Yoko Kamikawa", "country": "JP"},
        {"name": "Subrahmanyam Jaishankar", "country": "IN"},
    ],
    "countries": ["JP", "IN"],
}
DOCUMENTS = 200
TRANSPORT_RETRIES = 3
REASKS = 1
TIMEOUT = 0.4


def test_two_hundred_documents_through_thirty_percent_faults(tmp_path: Path) -> None:
    texts = [SEED.read_text().replace("Thursday", f"Thursday {i}") for i in range(DOCUMENTS)]
    good = answer([MEETING])
    with FakeLLM(default=fault_mix(0.3, seed=11, good=good, timeout=TIMEOUT)) as server:
        config = LLMConfig(
            model="fake",
            strategy="direct",
            base_url=server.url,
            api_key="k",
            cache=False,
            concurrency=16,
            timeout=TIMEOUT,
            max_transport_retries=TRANSPORT_RETRIES,
            max_reasks=REASKS,
            backoff_initial=0.01,
            backoff_max=0.05,
        )
        backend = get_backend("llm", config=config)

        async def run() -> list[ExtractionResult]:
            return [r async for r in aextract_many(texts, backend=backend)]

        results = asyncio.run(run())

    assert len(results) == DOCUMENTS
    assert [r.source.id for r in results] == [r.source.id for r in results]  # input order kept
    outcomes = Counter("ok" if r.error is None else r.error.type for r in results)
    assert outcomes["ok"] + outcomes["LLMError"] == DOCUMENTS, outcomes
    assert outcomes["ok"] >= DOCUMENTS * 0.8  # most faults are retried away
    for result in results:
        if result.error is None:
            assert [p.name for p in result.meetings[0].participants] == [
                "Yoko Kamikawa",
                "Subrahmanyam Jaishankar",
            ]
        else:
            # a clear, typed reason, naming the document
            assert result.error.message.startswith(f"{result.source.id}: model fake: ")
    # Each document may cost at most (re-asks + 1) answers, each after (retries + 1) attempts.
    budget = DOCUMENTS * (REASKS + 1) * (TRANSPORT_RETRIES + 1)
    assert DOCUMENTS <= len(server.requests) <= budget
    json.dumps([r.model_dump(mode="json") for r in results])  # every result serialises
