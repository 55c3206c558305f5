"""Typed errors. Every one of them carries a message that names the input and the problem.

The batch path turns them into a result's ``error`` field (``type`` is the class name) so that
one bad input never stops the others; the single-document Python API raises them.
"""

from __future__ import annotations


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


class BackendError(ExtractorError):
    """A backend failed on one document."""


class BackendUnavailable(BackendError):
    """The requested backend cannot run here (not built, not configured)."""
