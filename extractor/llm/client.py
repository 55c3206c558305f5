"""One model call: instructor for a validated answer, tenacity for a flaky endpoint.

The two kinds of retry are kept apart. instructor re-asks the model, telling it what was
wrong, when its answer fails validation (a bounded number of times). tenacity repeats the
request, with exponential backoff and jitter, when the transport fails: timeouts, dropped
connections, 429 (honouring ``Retry-After``) and 5xx. A 400, 401, 403 or 404 is never
retried: asking again will not fix a bad request or a bad key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import instructor
import openai
import pydantic
from instructor.core import IncompleteOutputException, InstructorRetryException
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from extractor.errors import BackendError
from extractor.llm.config import PLACEHOLDER_KEY, LLMConfig
from extractor.llm.response import CompactMeetingsResponse, MeetingsResponse
from extractor.schema import Usage

logger = logging.getLogger("extractor.llm")
# instructor logs every failed attempt at ERROR; each failure here ends in one typed LLMError
# instead, so without a configured handler its lines would only be noise on stderr.
logging.getLogger("instructor").addHandler(logging.NullHandler())

_RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
_MODES = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
    # llama-cpp-python's server: response_format={"type": "json_object", "schema": ...}
    "json_object": instructor.Mode.JSON,
}


class LLMError(BackendError):
    """The model gave no valid answer for one document, after every allowed retry."""

    def __init__(self, message: str, *, prompt_tokens: int = 0, completion_tokens: int = 0):
        super().__init__(message)
        self.prompt_tokens = prompt_tokens
        self.completion_tokens = completion_tokens
        self.usage: Usage | None = None  # what the document cost, set by the backend


@dataclass(frozen=True)
class Answer:
    response: MeetingsResponse
    prompt_tokens: int  # summed over instructor's re-asks
    completion_tokens: int


class ModelClient:
    """Sync and async calls to one configured model."""

    def __init__(self, config: LLMConfig) -> None:
        self.config = config

    @cached_property
    def _sync(self) -> Any:
        client = openai.OpenAI(**self._client_options())
        return instructor.from_openai(client, mode=_MODES[self.config.mode])

    @cached_property
    def _async(self) -> Any:
        client = openai.AsyncOpenAI(**self._client_options())
        return instructor.from_openai(client, mode=_MODES[self.config.mode])

    def ask(self, messages: list[dict[str, Any]]) -> Answer:
        try:
            for attempt in Retrying(**self._retry_policy()):
                with attempt:
                    result = self._sync.chat.completions.create_with_completion(
                        **self._request(messages)
                    )
        except Exception as error:  # noqa: BLE001 - every failure becomes one typed error
            raise self._failure(error) from None
        return _answer(*result)

    async def aask(self, messages: list[dict[str, Any]]) -> Answer:
        try:
            async for attempt in AsyncRetrying(**self._retry_policy()):
                with attempt:
                    result = await self._async.chat.completions.create_with_completion(
                        **self._request(messages)
                    )
        except Exception as error:  # noqa: BLE001 - every failure becomes one typed error
            raise self._failure(error) from None
        return _answer(*result)

    def _client_options(self) -> dict[str, Any]:
        return {
            "base_url": self.config.base_url,
            "api_key": self.config.api_key or PLACEHOLDER_KEY,
            "timeout": self.config.timeout,
            "max_retries": 0,  # retries are tenacity's, below
        }

    def _request(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        compact = self.config.mode == "json_object"
        response_model = CompactMeetingsResponse if compact else MeetingsResponse
        request: dict[str, Any] = {
            "model": self.config.model,
            "messages": messages,
            "response_model": response_model,
            "max_retries": self.config.max_reasks,
            "temperature": 0,
            "max_tokens": self.config.max_output_tokens,
        }
        if compact:
            schema = response_model.model_json_schema()
            request["extra_body"] = {"response_format": {"type": "json_object", "schema": schema}}
        return request

    def _retry_policy(self) -> dict[str, Any]:
        return {
            "retry": retry_if_exception(lambda e: _transient(e) is not None),
            "wait": _wait(self.config),
            "stop": stop_after_attempt(self.config.max_transport_retries + 1),
            "before_sleep": _log_retry(self.config),
            "reraise": True,
        }

    def _failure(self, error: BaseException) -> LLMError:
        """One typed, key-free error for whatever went wrong."""
        usage = getattr(error, "total_usage", None)
        tokens = {
            "prompt_tokens": getattr(usage, "prompt_tokens", 0) or 0,
            "completion_tokens": getattr(usage, "completion_tokens", 0) or 0,
        }
        transient = _transient(error)
        if transient is not None:
            reason = f"gave up after {self.config.max_transport_retries + 1} attempts: " + (
                _describe(transient)
            )
        elif isinstance(error, IncompleteOutputException):
            reason = "the answer was cut off at the output token limit (finish_reason=length)"
        elif _in_chain(error, IndexError) is not None:
            reason = "the server's answer had no choices"
        elif (refused := _in_chain(error, openai.APIStatusError)) is not None:
            reason = f"the server refused the request: {_describe(refused)}"
        elif isinstance(error, InstructorRetryException):
            reason = (
                f"no valid answer after {self.config.max_reasks} re-asks: {_why_invalid(error)}"
            )
        else:
            reason = f"{type(error).__name__}: {error}"
        return LLMError(self.config.redact(f"model {self.config.model}: {reason}"), **tokens)


def _why_invalid(error: InstructorRetryException) -> str:
    """The last validation problem, in one line: "meetings.0.date: Input should be ..."."""
    cause = error.__cause__
    if isinstance(cause, pydantic.ValidationError):
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in cause.errors()[:3]]
        return "; ".join(problems)
    return f"{type(cause).__name__}: {str(cause)[:200]}" if cause else "unknown"


def _answer(response: MeetingsResponse, completion: Any) -> Answer:
    usage = getattr(response, "_total_usage", None) or getattr(completion, "usage", None)
    return Answer(
        response=response,
        prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
    )


def _server_message(error: openai.APIStatusError) -> str:
    """What the server said, shortened ("This model's maximum context length is 4096 ...")."""
    body = error.body if isinstance(error.body, dict) else {}
    message = body.get("message") or (body.get("error") or {}).get("message") or ""
    return " ".join(str(message).split())[:200]


def _in_chain(error: BaseException | None, kind: type[BaseException]) -> BaseException | None:
    """``error`` or what caused it, if of ``kind`` (instructor wraps the openai errors)."""
    for _ in range(5):
        if error is None or isinstance(error, kind):
            return error
        error = error.__cause__ or error.__context__
    return None


def _transient(error: BaseException | None) -> BaseException | None:
    """The transport fault behind ``error`` (instructor wraps them), if it is one."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, openai.APIConnectionError):  # includes timeouts
            return error
        if isinstance(error, openai.APIStatusError) and error.status_code in _RETRYABLE_STATUS:
            return error
        error = error.__cause__ or error.__context__
        seen += 1
    return None


def _retry_after(error: BaseException | None) -> float | None:
    response = getattr(error, "response", None)
    header = response.headers.get("retry-after") if response is not None else None
    try:
        return float(header) if header is not None else None
    except ValueError:
        return None  # an HTTP date; fall back to backoff


def _wait(config: LLMConfig) -> Callable[[RetryCallState], float]:
    backoff = wait_exponential_jitter(
        multiplier=config.backoff_initial, max=config.backoff_max, jitter=config.backoff_initial
    )

    def wait(state: RetryCallState) -> float:
        error = _transient(state.outcome.exception() if state.outcome else None)
        asked = _retry_after(error)
        return min(asked, config.retry_after_max) if asked is not None else backoff(state)

    return wait


def _log_retry(config: LLMConfig) -> Callable[[RetryCallState], None]:
    def log(state: RetryCallState) -> None:
        error = _transient(state.outcome.exception() if state.outcome else None)
        waited = state.next_action.sleep if state.next_action else 0.0
        logger.debug(
            config.redact(
                f"retry {state.attempt_number}/{config.max_transport_retries} after "
                f"{_describe(error)}; waiting {waited:.2f}s"
            )
        )

    return log


def _describe(error: BaseException | None) -> str:
    if isinstance(error, openai.APIStatusError):
        said = _server_message(error)
        return f"HTTP {error.status_code} {type(error).__name__}" + (f": {said}" if said else "")
    if isinstance(error, openai.APITimeoutError):
        return "timeout"
    if isinstance(error, openai.APIConnectionError):
        return "connection error"
    return type(error).__name__ if error else "unknown error"
