"""Typed errors, all of them here: one tree under ``ExtractorError``. Every one carries a
message that names the input (or file, or setting) and the problem.

The batch path turns them into a result's ``error`` field (``type`` is the class name) so that
one bad input never stops the others; the single-document Python API raises them.

    ExtractorError
    ├── InputError                 an input could not be read as an article
    │   ├── EmptyInput, BinaryInput, InputTooLarge, MalformedInput, InputNotFound,
    │   │   InputUnreadable
    │   └── OutputIsInput          an input is the batch's own output file
    ├── BackendError               a backend failed on one document (``usage``: what it cost)
    │   ├── BackendUnavailable     the backend cannot run here (unknown, not configured)
    │   ├── WorkerDied             a worker process died while extracting the document
    │   └── LLMError               the model gave no valid answer after every retry
    ├── BatchFileError             an output, errors or retry file that cannot be used
    │   ├── OutputBusy             another process is writing the output file
    │   ├── OutputWriteError       a result could not be written (disk full)
    │   └── OutputClosed           the reader of stdout went away
    ├── CorpusError                a labelled corpus that cannot be scored
    ├── ConfigurationError         a setting of the service that cannot be used
    └── BudgetExceeded             a document left unsent: the cost budget would be passed
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from extractor.schema import Usage


class ExtractorError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(ExtractorError):
    """An input could not be read as an article."""


class EmptyInput(InputError):
    pass


class BinaryInput(InputError):
    pass


class InputTooLarge(InputError):
    pass


class MalformedInput(InputError):
    """A JSON Lines row or JSON file that is not a valid document."""


class InputNotFound(InputError):
    pass


class InputUnreadable(InputError):
    """An input that exists but cannot be read (permissions, an I/O error)."""


class OutputIsInput(InputError):
    """An input named on the command line is the file the batch writes to."""


class BackendError(ExtractorError):
    """A backend failed on one document. ``usage`` is what the failed attempt cost (tokens,
    price), for backends that pay per request; None otherwise."""

    def __init__(self, message: str, *, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.usage = usage


class WorkerDied(BackendError):
    """The worker process extracting a document died, twice (out of memory, or killed)."""


class BackendUnavailable(BackendError):
    """The requested backend cannot run here (unknown, not installed, not configured)."""


class LLMError(BackendError):
    """The model gave no valid answer for one document, after every allowed retry.

    ``prompt_tokens`` and ``completion_tokens`` count what the failed question spent, re-asks
    included; the backend turns them into ``usage`` with the document's price."""

    def __init__(self, message: str, *, prompt_tokens: int = 0, completion_tokens: int = 0):
        super().__init__(message)
        self.prompt_tokens = prompt_tokens
        self.completion_tokens = completion_tokens


class BatchFileError(ExtractorError):
    """An output, errors or retry file that cannot be used."""


class OutputBusy(BatchFileError):
    """Another process holds the lock of an output file."""


class OutputWriteError(BatchFileError):
    """Writing a result failed (disk full, file too large); the lines before it are whole."""


class OutputClosed(BatchFileError):
    """The reader of stdout went away (``extractor extract ... | head``)."""


class CorpusError(ExtractorError):
    """A corpus directory that cannot be scored; the message names the file and the problem."""


class ConfigurationError(ExtractorError):
    """A setting (an environment variable or flag of ``extractor serve``) that cannot be used;
    the message names it and what it accepts."""


class BudgetExceeded(ExtractorError):
    """A document not sent to the model because the cost budget (``--max-cost``) would be
    passed. Not a ``BackendError``: ``auto`` does not give it to the rules, and ``--resume``
    takes it up again, as a document that was never done."""
