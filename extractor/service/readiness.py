"""Whether the configured model endpoint answers, for ``GET /readyz``: a server whose model
is down is alive but not ready, and a load balancer should send it no work."""

from __future__ import annotations

import openai

from extractor.llm.config import PLACEHOLDER_KEY, LLMConfig

_TIMEOUT = 3.0  # seconds: a probe, not a request; readiness checks are frequent


async def model_endpoint_answers(config: LLMConfig) -> str | None:
    """None when the endpoint answers ``GET /models``, else why not (for the 503's detail;
    it names the endpoint, never the key). A status other than 401/403 counts as answering:
    some OpenAI-compatible servers have no ``/models``."""
    client = openai.AsyncOpenAI(
        base_url=config.base_url,
        api_key=config.api_key or PLACEHOLDER_KEY,
        timeout=_TIMEOUT,
        max_retries=0,
    )
    where = config.base_url or "the OpenAI API"
    try:
        await client.models.list()
    except openai.AuthenticationError:
        return f"the model endpoint {where} refused the API key"
    except openai.PermissionDeniedError:
        return f"the model endpoint {where} refused the API key"
    except openai.APIStatusError:
        return None
    except (openai.APIConnectionError, openai.APITimeoutError) as error:
        return f"the model endpoint {where} does not answer ({type(error).__name__})"
    finally:
        await client.close()
    return None
