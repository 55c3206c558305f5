"""The provider Batch API (OpenAI's ``/v1/files`` + ``/v1/batches``): half the price, answers
within a day. Work in progress (issue #16): the prompts of many documents are sent as one
batch and its answers put in the response cache, so that the ordinary run that follows
answers every document from the cache, through the very validation and grounding of the
online path; an answer that is missing or fails validation is asked online then (retries and
re-asks bounded as always).

``prefill(documents, backend, state)`` builds the request body of every prompt the cache
does not hold (``ModelClient.request``, as the online path sends it; the cache key is the
request's ``custom_id``), uploads them, creates the batch and writes ``state`` (a small JSON
file) before it waits: a process killed while it polls is taken up by the next call with the
same ``state``, which polls the batch it names instead of paying for a second one.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai
from openai.types.chat import ChatCompletion

from extractor.document import Document
from extractor.ingest import prepare
from extractor.llm.backend import LLMBackend

_DONE = frozenset({"completed", "expired", "failed", "cancelled"})


@dataclass
class Prefilled:
    """What a batch put in the cache: requests sent, answers cached, answers that failed
    validation or never came (left for the online run), and the batch's final status."""

    batch_id: str | None = None
    status: str = "nothing to ask"
    sent: int = 0
    cached: int = 0
    invalid: int = 0
    missing: int = 0
    resumed: bool = False


def prefill(
    documents: Iterable[Document],
    backend: LLMBackend,
    state: Path,
    *,
    poll_every: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Prefilled:
    """Ask the Batch API for every prompt of ``documents`` not in ``backend``'s response
    cache, wait for the batch (``poll_every`` seconds between looks), and cache each valid
    answer (see the module docstring). Raises ``openai.APIError`` when the provider refuses
    the upload or the batch."""
    if backend.cache is None:
        raise ValueError("the Batch API fills the response cache: run with the cache on")
    client = openai.OpenAI(**backend.client.client_options())
    outcome = Prefilled()
    if state.exists():
        saved = json.loads(state.read_text(encoding="utf-8"))
        outcome.batch_id, outcome.resumed, outcome.sent = saved["batch"], True, saved["sent"]
        versions: dict[str, str] = saved["versions"]
    else:
        lines, versions = _requests(documents, backend)
        if not lines:
            return outcome
        upload = client.files.create(
            file=("batch.jsonl", "".join(lines).encode("utf-8")), purpose="batch"
        )
        batch = client.batches.create(
            input_file_id=upload.id, endpoint="/v1/chat/completions", completion_window="24h"
        )
        outcome.batch_id, outcome.sent = batch.id, len(lines)
        _write_state(state, {"batch": batch.id, "sent": len(lines), "versions": versions})
    assert outcome.batch_id is not None
    batch = client.batches.retrieve(outcome.batch_id)
    while batch.status not in _DONE:
        sleep(poll_every)
        batch = client.batches.retrieve(outcome.batch_id)
    outcome.status = batch.status
    answered = 0
    if batch.output_file_id:
        for line in client.files.content(batch.output_file_id).text.splitlines():
            answered += 1
            if _cache_answer(json.loads(line), backend, versions):
                outcome.cached += 1
            else:
                outcome.invalid += 1
    outcome.missing = outcome.sent - answered
    state.unlink()
    return outcome


def _requests(
    documents: Iterable[Document], backend: LLMBackend
) -> tuple[list[str], dict[str, str]]:
    """The batch's lines (one request body per prompt the cache lacks) and each custom id's
    prompt version (for the cache)."""
    lines: list[str] = []
    versions: dict[str, str] = {}
    for document in documents:
        for prompt in backend.questions(prepare(document)).prompts:
            key = backend.key(prompt)
            if key in versions or backend.cached(prompt) is not None:
                continue
            versions[key] = prompt.version
            body = backend.client.request(prompt.messages())
            request = {"custom_id": key, "method": "POST", "url": "/v1/chat/completions"}
            lines.append(json.dumps({**request, "body": body}, ensure_ascii=False) + "\n")
    return lines, versions


def _cache_answer(line: dict[str, Any], backend: LLMBackend, versions: dict[str, str]) -> bool:
    """Cache one batch answer if it is a valid one; whether it was."""
    response = line.get("response") or {}
    if response.get("status_code") != 200 or line.get("custom_id") not in versions:
        return False
    try:
        completion = ChatCompletion.model_validate(response["body"])
        answer = backend.client.parse(completion)
    except Exception:  # noqa: BLE001 - an invalid answer is asked again online
        return False
    key = str(line["custom_id"])
    assert backend.cache is not None
    backend.cache.put(
        key,
        model=str(backend.config.model),
        prompt_version=versions[key],
        answer=answer.model_dump(mode="json"),
        usage={
            "prompt_tokens": completion.usage.prompt_tokens if completion.usage else 0,
            "completion_tokens": completion.usage.completion_tokens if completion.usage else 0,
            "batch": True,
        },
    )
    return True


def _write_state(path: Path, state: dict[str, Any]) -> None:
    """The state, written whole (a temporary file renamed) before the long wait."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(state), encoding="utf-8")
    os.replace(partial, path)
