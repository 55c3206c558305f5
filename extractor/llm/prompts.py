"""Prompt templates (Jinja2, versioned by folder) rendered for one article, and their size.

The prompt carries the article without its page noise: lists of other headlines name people
who took no part in the meeting, and a model shown them may well list them.

The article is untrusted text between ``<article>`` and ``</article>`` (user.jinja). An
article holding ``</article>`` itself would close that block early and have what follows
read as instructions; so every article tag in the text is made inert before rendering (see
``_inert``). A text without one is sent exactly as it is.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined

from extractor.document import Document, outside
from extractor.errors import BackendUnavailable
from extractor.llm.cache import make_private_directory
from extractor.schema import TOPICS

DEFAULT_PROMPT = "extract-v1"
# The prompt version each strategy uses unless another is asked for (see extractor.llm.config).
STRATEGY_PROMPTS = {"direct": DEFAULT_PROMPT, "guided": "guided-v2"}
PROMPTS_DIR_VARIABLE = "EXTRACTOR_PROMPTS_DIR"
# The "<" of anything a reader could take for an article tag, opening or closing, in any case
# or spacing: "</article>", "</ARTICLE >", "< /article\n>", "<article id=x>".
_ARTICLE_TAG_START = re.compile(r"<(?=\s*/?\s*article\b)", re.IGNORECASE)
# What stands for it: FULLWIDTH LESS-THAN SIGN reads as "<" but opens no tag. One character
# for one, so a quotation the model copies across it is still a near-verbatim match, which
# grounding finds in the original text (a fuzzy match, as for any quote with a typo).
_INERT_TAG_START = "\uff1c"


@dataclass(frozen=True)
class Prompt:
    """The prompt for one article (or chunk): its template version and the values it is
    rendered from. The text is rendered on first use, so that an article answered from the
    response cache, which is keyed on ``fingerprint``, is never rendered at all."""

    version: str
    variables: dict[str, Any]

    @cached_property
    def system(self) -> str:
        return str(_templates(self.version)[0].render(self.variables)).strip()

    @cached_property
    def user(self) -> str:
        return str(_templates(self.version)[1].render(self.variables)).strip()

    @cached_property
    def fingerprint(self) -> str:
        """A digest of everything the rendered messages depend on: the templates' source and
        the values. Two prompts with the same fingerprint render the same messages."""
        payload = json.dumps([_template_digest(self.version), self.variables], sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def messages(self) -> list[dict[str, Any]]:
        return [{"role": "system", "content": self.system}, {"role": "user", "content": self.user}]


def render(
    document: Document,
    text: str,
    *,
    version: str = DEFAULT_PROMPT,
    examples: list[dict[str, str]] | None = None,
    candidates: str | None = None,
) -> Prompt:
    """The prompt for one article (or one chunk of it, given as ``text``); ``candidates`` is
    the guided strategy's numbered list of what the rules read in it."""
    _templates(version)  # a missing prompt version is an error now, not at first use
    published = document.published_at
    variables = {
        "published": published.isoformat() if published else None,
        "published_day": published.date().isoformat() if published else None,
        "weekday": published.strftime("%A") if published else None,
        "topics": list(TOPICS),
        "examples": examples or [],
        "text": _inert(text),
    }
    if candidates is not None:  # only then: a direct prompt's fingerprint stays as it was
        variables["candidates"] = _inert(candidates)
    return Prompt(version, variables)


def _inert(text: str) -> str:
    """``text`` with no tag that could end (or restart) the template's article block: done
    here rather than in the template, so that no prompt version can forget it."""
    return _ARTICLE_TAG_START.sub(_INERT_TAG_START, text)


def body_text(document: Document) -> str:
    """The article without its page noise, dateline and wire opener: what the model reads."""
    text = document.text
    kept = [text[start:end] for start, end in outside(sorted(document.noise or ()), 0, len(text))]
    lines = [line.strip() for line in "".join(kept).split("\n")]
    return "\n".join(line for line in lines if line)


@cache
def _templates(version: str) -> tuple[Any, Any]:
    system, user = _sources(version)
    environment = Environment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
    )
    return environment.from_string(system), environment.from_string(user)


@cache
def _template_digest(version: str) -> str:
    return hashlib.sha256("\0".join((version, *_sources(version))).encode("utf-8")).hexdigest()


@cache
def _sources(version: str) -> tuple[str, str]:
    folder = prompt_folder(version)
    return (
        folder.joinpath("system.jinja").read_text(encoding="utf-8"),
        folder.joinpath("user.jinja").read_text(encoding="utf-8"),
    )


def prompt_folder(version: str) -> Traversable:
    """The folder of prompt ``version``: in ``EXTRACTOR_PROMPTS_DIR`` when the user sets it and
    it holds that version, else in the package (``extractor/prompts/``).

    Only these two places are looked in. The package's own folder is found through
    importlib.resources, the same in a source checkout and an installed wheel, so no folder that
    merely happens to sit beside the package (a ``prompts/`` in site-packages, or in the
    directory Python was started from) is ever read by accident.
    """
    roots: list[Traversable] = []
    override = os.environ.get(PROMPTS_DIR_VARIABLE)
    if override:
        if not Path(override).is_dir():
            raise BackendUnavailable(f"{PROMPTS_DIR_VARIABLE}={override!r} is not a directory")
        roots.append(Path(override))
    roots.append(resources.files("extractor").joinpath("prompts"))
    for root in roots:
        folder = root.joinpath(version)
        if folder.joinpath("system.jinja").is_file():
            return folder
    where = f"{override} or the package" if override else "the package"
    raise BackendUnavailable(
        f"prompt version {version!r} not found (looked for {version}/system.jinja in {where})"
    )


# -- size ------------------------------------------------------------------------------------

_CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
_CL100K_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"


def count_tokens(text: str) -> int:
    """Tokens of ``text`` in OpenAI's cl100k_base encoding, counted by tiktoken offline.

    tiktoken downloads its encodings on first use; this machine and many users' have no
    internet, so the encoding ships with the package and is placed in tiktoken's own cache
    (keyed and hash-checked by tiktoken) before first use.
    """
    return len(_encoding().encode(text, disallowed_special=()))


@cache
def _encoding() -> Any:
    import tiktoken

    cache_dir = Path(os.environ.get("TIKTOKEN_CACHE_DIR") or _default_tiktoken_cache())
    cached = cache_dir / hashlib.sha1(_CL100K_URL.encode()).hexdigest()
    if not cached.exists():
        data = gzip.decompress(
            resources.files("extractor.llm").joinpath("data/cl100k_base.tiktoken.gz").read_bytes()
        )
        if hashlib.sha256(data).hexdigest() != _CL100K_SHA256:
            raise BackendUnavailable("the bundled cl100k_base encoding is corrupt")
        # Often the first to create the cache directory that the response cache shares.
        make_private_directory(cache_dir)
        cached.write_bytes(data)
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(cache_dir))
    return tiktoken.get_encoding("cl100k_base")


def _default_tiktoken_cache() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("extractor")) / "tiktoken"
