"""The server's log configuration: uvicorn's own, with query strings left out of the access
log. A client that puts a key in the URL (``?api_key=…``) must not have it written to a log
that operators ship and keep; the path alone says which route was asked."""

from __future__ import annotations

import copy
import logging
from typing import Any


class WithoutQueryStrings(logging.Filter):
    """Drops the query string of the path in uvicorn's access log records, whose arguments
    are (client address, method, path with query, HTTP version, status code)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            record.args = (client, method, str(path).split("?", 1)[0], version, status)
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's default logging configuration, with ``WithoutQueryStrings`` on its access
    handler (for ``uvicorn.run(log_config=...)``)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["without_query_strings"] = {"()": WithoutQueryStrings}
    config["handlers"]["access"]["filters"] = ["without_query_strings"]
    return config
