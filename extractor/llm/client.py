"""One model call: instructor for a validated answer, tenacity for a flaky endpoint.

The two kinds of retry are kept apart. instructor re-asks the model, telling it what was
wrong, when its answer fails validation (a bounded number of times). tenacity repeats the
request, with exponential backoff and jitter, when the transport fails: timeouts, dropped
connections, 429 (honouring ``Retry-After``) and 5xx. A 400, 401, 403 or 404 is never
retried: asking again will not fix a bad request or a bad key.

instructor's own handlers for the configured mode do the structured-output work: the mode's
request handler adds the tools, ``response_format`` or schema instructions to the request,
its response parser validates the answer, its re-ask handler tells the model what was wrong.
The loop around them is ours rather than instructor's patched ``create``, because that one
prepares the response model again on every call (a fresh pydantic subclass, whose JSON
Schema is then generated anew) and walks the model for async validators several times: about
10 ms of CPU per request, which a batch with many requests in flight pays one request after
another. Here the response model is prepared once per mode, and a valid answer costs one
``model_validate_json``.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any, Literal

import openai
import pydantic
from instructor.core import IncompleteOutputException, ResponseParsingError
from instructor.v2 import Mode as InstructorMode
from instructor.v2 import ModeHandlers, Provider, mode_registry
from instructor.v2.core.response_model import prepare_response_model
from openai.types.chat import ChatCompletion
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from extractor.errors import LLMError
from extractor.llm.breaker import CircuitBreaker, EndpointDown
from extractor.llm.config import PLACEHOLDER_KEY, LLMConfig, Mode
from extractor.llm.response import AnswerModel, MeetingsResponse, compact_variant

logger = logging.getLogger("extractor.llm")

_OPENAI_URL = "https://api.openai.com/v1"  # the openai client's default base URL
PREFLIGHT_SECONDS = 3.0  # the preflight is a probe: a live endpoint lists its models at once
_RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
_MODES = {
    "tools": InstructorMode.TOOLS,
    "json_schema": InstructorMode.JSON_SCHEMA,
    "json": InstructorMode.JSON,
    "md_json": InstructorMode.MD_JSON,
    # llama-cpp-python's server: response_format={"type": "json_object", "schema": ...}
    "json_object": InstructorMode.JSON,
}
# What instructor re-asks on: the answer is not JSON, breaks the schema, or holds no tool call.
_INVALID = (pydantic.ValidationError, json.JSONDecodeError, ResponseParsingError)

# A conversation yields the requests to send and is sent back their completions.
_Conversation = Generator[dict[str, Any], ChatCompletion, "Answer"]


@dataclass(frozen=True)
class Answer:
    response: AnswerModel  # of the client's ``response_model``
    prompt_tokens: int  # summed over the re-asks
    completion_tokens: int


@dataclass
class _Tally:
    """Tokens spent so far on one question, re-asks included (a failure costs too)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0

    def add(self, completion: ChatCompletion) -> None:
        self.prompt_tokens += getattr(completion.usage, "prompt_tokens", 0) or 0
        self.completion_tokens += getattr(completion.usage, "completion_tokens", 0) or 0


class _NoChoices(Exception):
    """The server answered 200 with an empty ``choices`` list."""


class _NotACompletion(Exception):
    """The server answered 200 with a body that is not a chat completion: not JSON (an HTML
    page from a proxy or a web server at the wrong address) or JSON of another shape."""


class _StillInvalid(Exception):
    """The answer failed validation after the last allowed re-ask (the cause says why)."""


@dataclass(frozen=True)
class _Structured:
    """instructor's handlers for one mode and the response model they validate against."""

    handlers: ModeHandlers
    model: type[AnswerModel]  # wrapped by instructor, once
    fixed: dict[str, Any]  # request parameters that do not depend on the messages
    per_request: bool  # the mode's request handler writes the schema into the messages


# Modes whose instructor request handler writes the schema into the system prompt, so it runs
# for every request; in the others it only adds parameters (tools and tool_choice, or a
# response_format), which are built once. Its TOOLS handler would otherwise prepare the
# response model (and walk it for async validators) on every call.
_SCHEMA_IN_MESSAGES = frozenset({"json", "md_json", "json_object"})


@cache
def _structured(mode: Mode, answer_model: type[AnswerModel]) -> _Structured:
    contract = compact_variant(answer_model) if mode == "json_object" else answer_model
    handlers = mode_registry.get_handlers(Provider.OPENAI, _MODES[mode])
    model: type[AnswerModel] = prepare_response_model(contract)  # type: ignore[assignment]
    fixed: dict[str, Any] = {}
    if mode not in _SCHEMA_IN_MESSAGES:
        _, added = handlers.request_handler(response_model=model, kwargs={"messages": []})
        fixed = {k: v for k, v in added.items() if k != "messages"}
    if mode == "json_object":
        schema = contract.model_json_schema()
        fixed["extra_body"] = {"response_format": {"type": "json_object", "schema": schema}}
    return _Structured(handlers, model, fixed, per_request=mode in _SCHEMA_IN_MESSAGES)


class ModelClient:
    """Sync and async calls to one configured model, answering with ``response_model``."""

    def __init__(
        self, config: LLMConfig, response_model: type[AnswerModel] = MeetingsResponse
    ) -> None:
        config.check_key()  # now, not as a failed request per document
        self.config = config
        self._structured = _structured(config.mode, response_model)
        self.breaker = CircuitBreaker(
            threshold=config.breaker_threshold, probe_after=config.breaker_probe_after
        )
        self._preflight = threading.Lock()
        self._preflown = False

    @cached_property
    def endpoint(self) -> str:
        """The base URL the requests go to, resolved as the openai client resolves it (the
        configured one, else ``OPENAI_BASE_URL``, else OpenAI's) and written with a final
        slash, as it writes it. Worked out without making a client: an answer from the cache
        needs none, and making one costs a TLS context (about 17 ms)."""
        base = self.config.base_url or os.environ.get("OPENAI_BASE_URL") or _OPENAI_URL
        return base.rstrip("/") + "/"

    @cached_property
    def _sync(self) -> openai.OpenAI:
        return openai.OpenAI(**self.client_options())

    @cached_property
    def _async(self) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(**self.client_options())

    def close(self) -> None:
        """Close the sync client's connection pool, if it was opened. (The async client's
        belongs to the event loop that used it, and goes with it.)"""
        sync = vars(self).pop("_sync", None)
        if sync is not None:
            sync.close()

    def request(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        """The parameters of ``chat.completions.create`` for ``messages``: ours, and what the
        mode's instructor handler adds (tools and tool_choice, a response_format, the schema
        in the system prompt). Our messages are plain text, so instructor's multimodal
        message conversion, an identity for them, is skipped."""
        structured = self._structured
        request: dict[str, Any] = {
            "model": self.config.model,
            "messages": list(messages),  # a re-ask extends the list: not the caller's
            "temperature": 0,
            "max_tokens": self.config.max_output_tokens,
            **structured.fixed,
        }
        if structured.per_request:
            _, request = structured.handlers.request_handler(
                response_model=structured.model, kwargs=request
            )
        return request

    def ask(self, messages: list[dict[str, Any]], *, label: str = "") -> Answer:
        """The validated answer to ``messages``; ``label`` names the document in the retry log
        lines, which a batch interleaves."""
        tally = _Tally()
        conversation = self._conversation(messages, tally)
        try:
            request = next(conversation)
            while True:
                request = conversation.send(self._send(request, label))
        except StopIteration as done:
            answer: Answer = done.value
            return answer
        except Exception as error:  # noqa: BLE001 - every failure becomes one typed error
            raise self._failure(error, tally) from None

    async def aask(self, messages: list[dict[str, Any]], *, label: str = "") -> Answer:
        """``ask``, for the event loop."""
        tally = _Tally()
        conversation = self._conversation(messages, tally)
        try:
            request = next(conversation)
            while True:
                request = conversation.send(await self._asend(request, label))
        except StopIteration as done:
            answer: Answer = done.value
            return answer
        except Exception as error:  # noqa: BLE001 - every failure becomes one typed error
            raise self._failure(error, tally) from None

    def parse(self, completion: ChatCompletion) -> AnswerModel:
        """The validated answer in ``completion`` (one the Batch API returned), as the online
        path validates it; raises what the mode's parser raises for an invalid one (no
        re-ask: the online run asks again)."""
        structured = self._structured
        answer: AnswerModel = structured.handlers.response_parser(
            response=completion, response_model=structured.model, strict=True
        )
        return answer

    @property
    def preflown(self) -> bool:
        """Whether the preflight was made (later requests need no thread to check)."""
        return self._preflown

    def preflight(self) -> None:
        """Once per client, before its first request: ``GET /models`` with a short timeout.
        An endpoint that does not answer at all opens the breaker at once, so that a batch
        against a dead endpoint fails (or falls back) at once for every document rather
        than after each one's retries. Any HTTP answer counts as up."""
        with self._preflight:
            if self._preflown:
                return
            self._preflown = True
            # any answer, a refused key too, shows what it means at the first real request
            if probe_endpoint(self.config) == "no answer":
                self.breaker.open()

    def _send(self, request: dict[str, Any], label: str) -> ChatCompletion:
        """``request`` sent, and sent again on a transport fault (tenacity's policy), each
        attempt through the breaker."""

        def send() -> object:
            with self._watched():
                return self._sync.chat.completions.create(**request)

        retrying = Retrying(**self._retry_policy, before_sleep=_log_retry(self.config, label))
        try:
            return _completion(retrying(send))
        except json.JSONDecodeError as error:
            raise _NotACompletion(f"not JSON ({error})") from None

    async def _asend(self, request: dict[str, Any], label: str) -> ChatCompletion:
        """``request`` sent, and sent again on a transport fault (tenacity's policy), each
        attempt through the breaker."""

        async def send() -> object:  # tenacity awaits coroutine functions only
            with self._watched():
                return await self._async.chat.completions.create(**request)

        retrying = AsyncRetrying(**self._retry_policy, before_sleep=_log_retry(self.config, label))
        try:
            return _completion(await retrying(send))
        except json.JSONDecodeError as error:
            raise _NotACompletion(f"not JSON ({error})") from None

    @contextmanager
    def _watched(self) -> Iterator[None]:
        """One attempt, past the breaker (``EndpointDown`` while it is open) and told to it:
        no HTTP answer is a failure, any answer (an error status too) the endpoint up."""
        self.breaker.before_request()
        try:
            yield
        except (openai.APIConnectionError, openai.APITimeoutError):
            self.breaker.failed()
            raise
        except openai.APIStatusError:
            self.breaker.answered()
            raise
        self.breaker.answered()

    def _conversation(self, messages: list[dict[str, Any]], tally: _Tally) -> _Conversation:
        """Ask, validate, and re-ask with what was wrong, at most ``max_reasks`` times: the
        same steps for the sync and async calls, which only send the requests."""
        handlers, model = self._structured.handlers, self._structured.model
        request = self.request(messages)
        reasks = 0
        while True:
            completion = yield request
            tally.add(completion)
            if not completion.choices:
                raise _NoChoices
            try:
                # strict, as instructor's create validates; a cut-off answer raises
                # IncompleteOutputException, which no re-ask would mend.
                response = handlers.response_parser(
                    response=completion, response_model=model, strict=True
                )
            except _INVALID as error:
                if reasks == self.config.max_reasks:
                    raise _StillInvalid from error
                reasks += 1
                request = handlers.reask_handler(
                    kwargs=request, response=completion, exception=error
                )
            else:
                return Answer(response, tally.prompt_tokens, tally.completion_tokens)

    def client_options(self) -> dict[str, Any]:
        """What the openai clients are made with (``client_options``)."""
        return client_options(self.config)

    @cached_property
    def _retry_policy(self) -> dict[str, Any]:
        """tenacity's settings, built once: they hold no state of their own (each call gets
        its own ``Retrying`` for that, with a log of its retries that names its document)."""
        return {
            "retry": retry_if_exception(lambda e: _transient(e) is not None),
            "wait": _wait(self.config),
            "stop": stop_after_attempt(self.config.max_transport_retries + 1),
            "reraise": True,
        }

    def _failure(self, error: BaseException, tally: _Tally) -> LLMError:
        """One typed, key-free error for whatever went wrong, carrying what was spent."""
        transient = _transient(error)
        if isinstance(error, EndpointDown):
            reason = (
                f"{self.endpoint} is down ({error}); not asked: the next try is in "
                f"{error.retry_in:.0f} s"
            )
        elif transient is not None:
            reason = f"gave up after {self.config.max_transport_retries + 1} attempts: " + (
                _describe(transient)
            )
        elif isinstance(error, IncompleteOutputException):
            reason = "the answer was cut off at the output token limit (finish_reason=length)"
        elif isinstance(error, _NoChoices):
            reason = "the server's answer had no choices"
        elif isinstance(error, _NotACompletion):
            reason = f"{self.endpoint} answered with a body that is not a chat completion: {error}"
        elif isinstance(error, openai.APIStatusError):
            reason = f"the server refused the request: {_describe(error)}"
        elif isinstance(error, _StillInvalid):
            reason = (
                f"no valid answer after {self.config.max_reasks} re-asks: "
                f"{_why_invalid(error.__cause__)}"
            )
        else:
            reason = f"{type(error).__name__}: {error}"
        return LLMError(
            self.config.redact(f"model {self.config.model}: {reason}"),
            prompt_tokens=tally.prompt_tokens,
            completion_tokens=tally.completion_tokens,
        )


def client_options(config: LLMConfig) -> dict[str, Any]:
    """What the openai clients are made with: endpoint, key, timeout, no retries of their
    own (tenacity's are ours)."""
    return {
        "base_url": config.base_url,
        "api_key": config.api_key or PLACEHOLDER_KEY,
        "timeout": config.timeout,
        "max_retries": 0,
    }


Probe = Literal["answers", "no answer", "refuses the key"]


def probe_endpoint(config: LLMConfig) -> Probe:
    """``GET /models`` with a short timeout (``PREFLIGHT_SECONDS``): the backend's preflight
    and the service's ``/readyz``. Any HTTP status but 401/403 counts as answering (some
    OpenAI-compatible servers have no ``/models``)."""
    probe = openai.OpenAI(**{**client_options(config), "timeout": PREFLIGHT_SECONDS})
    try:
        probe.models.list()
    except (openai.APIConnectionError, openai.APITimeoutError):
        return "no answer"
    except (openai.AuthenticationError, openai.PermissionDeniedError):
        return "refuses the key"
    except openai.APIError:
        return "answers"
    finally:
        probe.close()
    return "answers"


def _completion(body: object) -> ChatCompletion:
    """The chat completion the openai client parsed; for a body it could not parse (served as
    text/html, or JSON of another shape) it hands back the text or the value, not an error."""
    if isinstance(body, ChatCompletion):
        return body
    raise _NotACompletion(repr(" ".join(str(body).split())[:120]))


def _why_invalid(cause: BaseException | None) -> str:
    """The last validation problem, in one line: "meetings.0.date: Input should be ..."."""
    if isinstance(cause, pydantic.ValidationError):
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in cause.errors()[:3]]
        return "; ".join(problems)
    return f"{type(cause).__name__}: {str(cause)[:200]}" if cause else "unknown"


def _server_message(error: openai.APIStatusError) -> str:
    """What the server said, shortened ("This model's maximum context length is 4096 ...")."""
    body = error.body if isinstance(error.body, dict) else {}
    message = body.get("message") or (body.get("error") or {}).get("message") or ""
    return " ".join(str(message).split())[:200]


def _transient(error: BaseException | None) -> BaseException | None:
    """``error`` if it is a transport fault, worth sending the same request again."""
    if isinstance(error, openai.APIConnectionError):  # includes timeouts
        return error
    if isinstance(error, openai.APIStatusError) and error.status_code in _RETRYABLE_STATUS:
        return error
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


def _log_retry(config: LLMConfig, label: str) -> Callable[[RetryCallState], None]:
    """A log line per retry, naming the document it is for (``label``) when one is given."""
    where = f"{label}: " if label else ""

    def log(state: RetryCallState) -> None:
        error = _transient(state.outcome.exception() if state.outcome else None)
        waited = state.next_action.sleep if state.next_action else 0.0
        logger.debug(
            config.redact(
                f"{where}retry {state.attempt_number}/{config.max_transport_retries} after "
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
