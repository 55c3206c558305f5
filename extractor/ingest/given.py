"""Articles handed over by a Python caller: text, bytes, ``Document`` objects, a moment.

The command line reads files (``extractor.ingest.sources``); the Python API is given values,
which are checked here with the same care: an empty text or a value that is not an article is
a clear error naming what was given, and a ``Path`` is pointed to ``extract_paths``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import PurePath

from extractor.document import Document
from extractor.errors import InputError
from extractor.ingest.article import document_from_text
from extractor.ingest.decode import decode_bytes, normalise_newlines
from extractor.ingest.sources import InputFailure
from extractor.isodates import parse_iso_moment


def given_document(item: object, published_at: dt.datetime | None = None) -> Document:
    """A document from what a caller gave: a ``Document`` (its ``published_at`` replaced when
    one is given), article text or a whole HTML page as ``str``, or the same as ``bytes``
    (decoded as files are).

    Raises ``InputError`` for an empty or unreadable article and ``TypeError`` for anything
    else (a ``Path`` names ``extract_paths``, which reads files).
    """
    if isinstance(item, Document):
        return item.model_copy(update={"published_at": published_at}) if published_at else item
    if isinstance(item, bytes | bytearray):
        item = decode_bytes(bytes(item), name="<bytes>")
    if isinstance(item, PurePath):
        raise TypeError(
            f"extract() takes an article's text, not a path ({item}); "
            "use extract_paths([path]) to read files"
        )
    if not isinstance(item, str):
        raise TypeError(f"an article is a str, bytes or Document, not {type(item).__name__}")
    if not item.strip():
        raise InputError("<text>: the article text is empty")
    return document_from_text(normalise_newlines(item), published_at=published_at)


def given_items(
    items: Iterable[object], published_at: dt.datetime | None = None
) -> Iterator[Document | InputFailure]:
    """Each item as a document, or as a failure that names it (``result_id``): one per item,
    for the batch calls, which never raise for one document. Failures to read files
    (``InputFailure``) pass through."""
    for number, item in enumerate(items, start=1):
        if isinstance(item, InputFailure):
            yield item
            continue
        try:
            yield given_document(item, published_at)
        except (InputError, TypeError) as error:
            failure = error if isinstance(error, InputError) else InputError(str(error))
            yield InputFailure(result_id(item, number), None, failure)


def result_id(item: object, number: int) -> str:
    """The id a document's result carries whether it succeeds or fails: its own, else the
    one derived from its text (``Document.resolved_id``), else its place in the batch."""
    if isinstance(item, Document):
        return item.resolved_id
    if isinstance(item, str):
        return Document(text=normalise_newlines(item)).resolved_id
    return f"document-{number}"


def parse_published_at(value: dt.datetime | str | None) -> dt.datetime | None:
    """A publication moment given by a caller: a datetime, or an ISO 8601 string.

    Raises ``InputError`` naming the value when it is neither."""
    if value is None or isinstance(value, dt.datetime):
        return value
    try:
        return parse_iso_moment(value)
    except ValueError:
        raise InputError(f"published_at {value!r} is not an ISO 8601 date or datetime") from None
