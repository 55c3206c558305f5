"""Whether the configured model endpoint answers, for ``GET /readyz``: a server whose model
is down is alive but not ready, and a load balancer should send it no work."""

from __future__ import annotations

import asyncio

from extractor.llm.client import probe_endpoint
from extractor.llm.config import LLMConfig


async def model_endpoint_answers(config: LLMConfig) -> str | None:
    """None when the endpoint answers (``probe_endpoint``, the backend's preflight), else
    why not, for the 503's detail: it names the endpoint, never the key."""
    found = await asyncio.to_thread(probe_endpoint, config)
    where = config.base_url or "the OpenAI API"
    if found == "no answer":
        return f"the model endpoint {where} does not answer"
    if found == "refuses the key":
        return f"the model endpoint {where} refused the API key"
    return None
