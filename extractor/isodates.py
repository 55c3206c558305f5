"""ISO 8601 publication moments, read one way wherever they come from.

A moment arrives from a caller (``published_at=``), a JSON Lines row, a page's meta tags or
JSON-LD, or a dateline; each used to be read by hand, and not alike (one stripped spaces,
another did not). Python's ``datetime.fromisoformat`` reads the common ISO 8601 forms since
3.11, "Z" included (https://docs.python.org/3/library/datetime.html#datetime.datetime.fromisoformat);
RFC 3339 (section 5.6) also allows a lower-case "z", which it does not read, so that one is
written in capitals first. A date alone is midnight with no zone, as ``fromisoformat`` gives.
"""

from __future__ import annotations

import datetime as dt


def parse_iso_moment(value: str) -> dt.datetime:
    """The moment ``value`` writes ("2024-03-08T14:07:00+09:00", "2024-03-08 05:07Z",
    "2024-03-08"), spaces around it ignored. Raises ``ValueError`` for anything else."""
    value = value.strip()
    if value.endswith("z"):
        value = value[:-1] + "Z"
    return dt.datetime.fromisoformat(value)


def find_iso_moment(value: str) -> dt.datetime | None:
    """``parse_iso_moment``, or None for a value that is not an ISO 8601 moment."""
    try:
        return parse_iso_moment(value)
    except ValueError:
        return None
