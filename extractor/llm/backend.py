"""The LLM backend: prompt, (cached) model call, chunk merging, grounding, usage and cost."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import cached_property
from typing import Self

from extractor.backends import BackendOutput, Capabilities
from extractor.document import Document
from extractor.errors import BackendUnavailable, LLMError
from extractor.llm import chunks
from extractor.llm.budget import CostBudget
from extractor.llm.cache import ResponseCache, cache_key, default_cache_dir
from extractor.llm.client import Answer, ModelClient
from extractor.llm.config import LLMConfig
from extractor.llm.costs import BATCH_DISCOUNT, cost_usd, price_of
from extractor.llm.examples import load_examples
from extractor.llm.grounding import ground
from extractor.llm.guided import GuidedResponse, candidate_list, meetings_from
from extractor.llm.prompts import (
    STRATEGY_PROMPTS,
    Prompt,
    body_text,
    count_tokens,
    prompt_folder,
    render,
)
from extractor.llm.response import AnswerModel, LLMMeeting, MeetingsResponse
from extractor.rules.backend import RulesBackend
from extractor.rules.reading import Reading
from extractor.schema import SCHEMA_VERSION, Usage


@dataclass
class _Spent:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0  # answered by the model, not the cache
    batch_prompt_tokens: int = 0  # answered by a provider batch (at the batch price)
    batch_completion_tokens: int = 0


@dataclass(frozen=True)
class Questions:
    """What one document asks the model: a prompt per chunk, and for the guided strategy the
    rules' reading the prompts list (to turn the answers' numbers back into values)."""

    prompts: list[Prompt]
    reading: Reading | None


def questions_for(
    document: Document,
    *,
    guided: bool,
    prompt_version: str,
    chunk_chars: int,
    examples: list[dict[str, str]] | None = None,
) -> Questions:
    """The prompts for ``document``: one per chunk of at most about ``chunk_chars``
    characters; ``guided`` lists the rules' candidates in each (the whole article's), and
    ``examples`` are few-shot pairs for the direct strategy."""
    pieces = chunks.split(body_text(document), chunk_chars)
    if not guided:
        return Questions(
            [render(document, p, version=prompt_version, examples=examples) for p in pieces],
            None,
        )
    reading = RulesBackend().read(document)
    return Questions(
        [
            render(
                document,
                piece,
                version=prompt_version,
                # a long article's chunk lists its own candidates only
                candidates=candidate_list(
                    reading, document.text, piece if len(pieces) > 1 else None
                ),
            )
            for piece in pieces
        ],
        reading,
    )


class LLMBackend:
    """Any OpenAI-compatible model, behind a response cache and a bounded number of requests
    in flight (``config.concurrency``) for the async batch path.

    ``config.strategy`` "direct" asks for meetings from the article alone; "guided" shows the
    model the rules' numbered candidates too (``extractor.llm.guided``). ``prompt_version``
    defaults to the strategy's own (``STRATEGY_PROMPTS``). Raises ``BackendUnavailable`` for a
    prompt version that does not exist, or few-shot examples with the guided strategy (they
    are direct answers)."""

    name = "llm"

    def __init__(self, config: LLMConfig, *, prompt_version: str | None = None) -> None:
        self.config = config
        self.prompt_version = prompt_version or STRATEGY_PROMPTS[config.strategy]
        prompt_folder(self.prompt_version)  # a missing version is refused now, not per document
        self.guided = config.strategy == "guided"
        if self.guided and config.few_shot_dir:
            raise BackendUnavailable(
                "few-shot examples are direct answers: use them with the direct strategy"
            )
        self.answer_model: type[AnswerModel] = GuidedResponse if self.guided else MeetingsResponse
        self.client = ModelClient(config, self.answer_model)
        self.budget = _budget(config)

    @property
    def capabilities(self) -> Capabilities:
        """Documents wait on the model, not the CPU: ``concurrency`` of them at once."""
        return Capabilities(concurrency=self.config.concurrency)

    @cached_property
    def cache(self) -> ResponseCache | None:
        """The response cache, opened on first use: a backend that is never asked (the
        rules answer every document) opens no file."""
        if not self.config.cache:
            return None
        return ResponseCache(self.config.cache_dir or default_cache_dir())

    def close(self) -> None:
        """Close the response cache and the HTTP connections, if they were opened. The
        backend may be used again: what it needs is opened anew."""
        cache = vars(self).pop("cache", None)
        if cache is not None:
            cache.close()
        self.client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @cached_property
    def _in_flight(self) -> asyncio.Semaphore:
        return asyncio.Semaphore(self.config.concurrency)

    def extract(self, document: Document) -> BackendOutput:
        spent = _Spent()
        questions = self.questions(document)
        answers: list[AnswerModel] = []
        for prompt in questions.prompts:
            answer = self.cached(prompt, spent)
            if answer is None:
                answer = self._record(prompt, spent, self._ask(prompt, document, spent))
            answers.append(answer)
        return self._output(document, questions, answers, spent)

    async def aextract(self, document: Document) -> BackendOutput:
        spent = _Spent()
        questions = self.questions(document)
        answers: list[AnswerModel] = []
        for prompt in questions.prompts:
            answer = self.cached(prompt, spent)
            if answer is None:
                async with self._in_flight:
                    asked = await self._aask(prompt, document, spent)
                answer = self._record(prompt, spent, asked)
            answers.append(answer)
        return self._output(document, questions, answers, spent)

    def questions(self, document: Document) -> Questions:
        """The prompts ``document`` asks (a prepared document): one per chunk."""
        examples = (
            list(load_examples(self.config.few_shot_dir, self.config.few_shot))
            if self.config.few_shot_dir
            else None
        )
        return questions_for(
            document,
            guided=self.guided,
            prompt_version=self.prompt_version,
            chunk_chars=self.config.chunk_chars,
            examples=examples,
        )

    def key(self, prompt: Prompt) -> str:
        """The response cache's key of ``prompt`` (the Batch API's custom id, too)."""
        return cache_key(
            endpoint=self.client.endpoint,
            model=str(self.config.model),
            schema_version=SCHEMA_VERSION,
            mode=self.config.mode,
            prompt=prompt.fingerprint,
        )

    def cached(self, prompt: Prompt, spent: _Spent | None = None) -> AnswerModel | None:
        """The cached answer to ``prompt``, if the cache holds one. With ``spent`` (the
        document it answers), an answer a provider batch gave is billed to it, once."""
        if self.cache is None:
            return None
        key = self.key(prompt)
        entry = self.cache.entry(key)
        if entry is None:
            return None
        answer, usage = entry
        if spent is not None and usage.get("batch") and not usage.get("billed"):
            self._bill_batch(key, spent)
        return self.answer_model.model_validate_json(answer)

    def _ask(self, prompt: Prompt, document: Document, spent: _Spent) -> Answer:
        reserved = self._reserve(prompt, document)
        self.client.preflight()  # once, before the first request
        try:
            answer = self.client.ask(prompt.messages(), label=document.origin)
        except LLMError as error:
            self._settle(reserved, error.prompt_tokens, error.completion_tokens)
            raise self._with_usage(error, spent) from None
        self._settle(reserved, answer.prompt_tokens, answer.completion_tokens)
        return answer

    async def _aask(self, prompt: Prompt, document: Document, spent: _Spent) -> Answer:
        reserved = self._reserve(prompt, document)
        if not self.client.preflown:  # once, before the first request, off the event loop
            await asyncio.to_thread(self.client.preflight)
        try:
            answer = await self.client.aask(prompt.messages(), label=document.origin)
        except LLMError as error:
            self._settle(reserved, error.prompt_tokens, error.completion_tokens)
            raise self._with_usage(error, spent) from None
        except BaseException:  # cancelled (Ctrl-C, a cancelled job): nothing was spent
            self._settle(reserved, 0, 0)
            raise
        self._settle(reserved, answer.prompt_tokens, answer.completion_tokens)
        return answer

    def _reserve(self, prompt: Prompt, document: Document) -> float:
        """The request's worst cost reserved in the budget, if there is one (raises
        ``BudgetExceeded`` when it does not fit)."""
        if self.budget is None:
            return 0.0
        tokens = sum(count_tokens(str(m["content"])) for m in prompt.messages())
        return self.budget.reserve(tokens, label=document.origin)

    def _settle(self, reserved: float, prompt_tokens: int, completion_tokens: int) -> None:
        if self.budget is not None:
            self.budget.settle(reserved, prompt_tokens, completion_tokens)

    def _record(self, prompt: Prompt, spent: _Spent, answer: Answer) -> AnswerModel:
        spent.prompt_tokens += answer.prompt_tokens
        spent.completion_tokens += answer.completion_tokens
        spent.requests += 1
        if self.cache is not None:
            self.cache.put(
                self.key(prompt),
                model=str(self.config.model),
                prompt_version=prompt.version,
                answer=answer.response.model_dump(mode="json"),
                usage={
                    "prompt_tokens": answer.prompt_tokens,
                    "completion_tokens": answer.completion_tokens,
                },
            )
        return answer.response

    def _output(
        self,
        document: Document,
        questions: Questions,
        answers: list[AnswerModel],
        spent: _Spent,
    ) -> BackendOutput:
        meetings: list[LLMMeeting] = []
        warnings: list[str] = []
        for answer in answers:
            if isinstance(answer, GuidedResponse):
                assert questions.reading is not None  # guided questions carry their reading
                picked, unknown = meetings_from(answer, questions.reading, document.text)
                meetings += picked
                warnings += unknown
            else:
                assert isinstance(answer, MeetingsResponse)
                meetings += answer.meetings
        grounded, dropped = ground(chunks.merge(meetings), document)
        return BackendOutput(
            grounded,
            warnings + dropped,
            backend=self.name,
            model=self.config.model,
            prompt_version=self.prompt_version,
            usage=self._usage(spent),
        )

    def _bill_batch(self, key: str, spent: _Spent) -> None:
        """A cached answer a provider batch gave, billed to this document (the cache marks
        it billed, so that no other document, nor a rerun, pays for it again)."""
        assert self.cache is not None
        tokens = self.cache.bill_batch_answer(key)
        if tokens is not None:
            spent.batch_prompt_tokens += tokens[0]
            spent.batch_completion_tokens += tokens[1]

    def _usage(self, spent: _Spent) -> Usage:
        model, prices = str(self.config.model), self.config.prices_file
        online = cost_usd(model, spent.prompt_tokens, spent.completion_tokens, prices)
        batched = spent.batch_prompt_tokens + spent.batch_completion_tokens
        batch = cost_usd(model, spent.batch_prompt_tokens, spent.batch_completion_tokens, prices)
        cost = (
            online
            if not batched or online is None or batch is None
            else (online + round(batch * BATCH_DISCOUNT, 8))
        )
        return Usage(
            prompt_tokens=spent.prompt_tokens + spent.batch_prompt_tokens,
            completion_tokens=spent.completion_tokens + spent.batch_completion_tokens,
            cost_usd=cost,
            cached=spent.requests == 0 and not batched,
        )

    def _with_usage(self, error: LLMError, spent: _Spent) -> LLMError:
        """The error, carrying what the failed document cost (re-asks and all)."""
        spent.prompt_tokens += error.prompt_tokens
        spent.completion_tokens += error.completion_tokens
        error.usage = self._usage(spent).model_copy(update={"cached": False})
        return error


def _budget(config: LLMConfig) -> CostBudget | None:
    """The run's cost budget (``config.max_cost``); raises ``BackendUnavailable`` when the
    model has no price to hold it to."""
    if config.max_cost is None:
        return None
    price = price_of(str(config.model), config.prices_file)
    if price is None:
        raise BackendUnavailable(
            f"--max-cost needs the price of model {config.model!r}: add it to a price table "
            '(EXTRACTOR_PRICES=prices.json, {"model": [input, output]} per million tokens)'
        )
    return CostBudget(config.max_cost, price, config.max_output_tokens)
