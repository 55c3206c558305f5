"""A backend, and another for any document it fails on: ``auto`` is the LLM, then the rules."""

from __future__ import annotations

import logging

from extractor.backends.base import (
    AsyncBackend,
    Backend,
    BackendOutput,
    Capabilities,
    close_backend,
)
from extractor.document import Document
from extractor.errors import BackendError

logger = logging.getLogger(__name__)


class FallbackBackend:
    """``primary``, and ``fallback`` for any document ``primary`` fails on after its retries.

    The fallback is never silent: the result's ``backend`` is the fallback's name, a warning
    names the primary's error, and ``usage`` keeps what the failed attempt cost.
    """

    def __init__(self, primary: AsyncBackend, fallback: Backend, *, name: str) -> None:
        self.primary, self.fallback, self.name = primary, fallback, name

    @property
    def capabilities(self) -> Capabilities:
        return self.primary.capabilities

    def extract(self, document: Document) -> BackendOutput:
        try:
            return self.primary.extract(document)
        except BackendError as error:
            return self._fall_back(document, error)

    async def aextract(self, document: Document) -> BackendOutput:
        try:
            return await self.primary.aextract(document)
        except BackendError as error:
            return self._fall_back(document, error)

    def close(self) -> None:
        close_backend(self.primary)
        close_backend(self.fallback)

    def _fall_back(self, document: Document, error: BackendError) -> BackendOutput:
        """The fallback's output, with the warning; logged too, for ``-v`` to show when it
        happens rather than only in the result line."""
        logger.debug(
            "%s: the %s backend failed, falling back to the %s: %s",
            document.origin,
            self.primary.name,
            self.fallback.name,
            error,
        )
        output = self.fallback.extract(document)
        output.warnings.insert(
            0, f"{self.primary.name} backend failed, used the {self.fallback.name}: {error}"
        )
        output.usage = error.usage
        return output
