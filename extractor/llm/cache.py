"""A SQLite cache of model answers, so that a rerun costs nothing.

The key is everything the answer depends on: the endpoint, model, prompt version, schema
version, mode and the exact prompt text (which holds the article and its publication date).
The endpoint is part of it: one model name on two servers may be two different models, and an
answer must never come from a server that was not asked (one that would refuse the key, or is
down). The key is a digest, so an endpoint URL that carries credentials is not stored. The
value is the validated answer before grounding, with the usage it cost; nothing in it
identifies the user's key or endpoint credentials.

The articles and answers are the user's, so the cache is private: a directory it creates is
readable by its owner only (0700), and so is the database with its -wal and -shm files (0600).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any, Self

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    answer TEXT NOT NULL,
    usage TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (datetime('now'))
)
"""


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("extractor"))


def make_private_directory(directory: Path) -> None:
    """``directory``, and the parents it lacks, created readable by their owner only. One that
    already exists is left as it is: it may be shared on purpose (``EXTRACTOR_CACHE_DIR=.``)."""
    for missing in reversed([d for d in (directory, *directory.parents) if not d.exists()]):
        missing.mkdir(mode=0o700, exist_ok=True)  # the umask can only take more away


def make_private_database(path: Path) -> None:
    """The database file created (or made) 0600 before SQLite opens it: SQLite gives the -wal
    and -shm files it creates the database's mode. Ones left by an older version are set too."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for file in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        with contextlib.suppress(FileNotFoundError):
            file.chmod(0o600)


def cache_key(*, endpoint: str, model: str, schema_version: str, mode: str, prompt: str) -> str:
    """The key of one answer: who answered (endpoint and model), how it was asked, and the
    prompt's fingerprint."""
    payload = json.dumps([endpoint, model, schema_version, mode, prompt])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ResponseCache:
    """One SQLite file, safe to share between the threads of a batch.

    Its connection is open until ``close`` (or the end of a ``with`` block): the backend that
    opens it closes it when it is closed itself. An unclosed connection keeps the -wal file
    unmerged and, from Python 3.13, is reported as a ``ResourceWarning``
    (https://docs.python.org/3/library/sqlite3.html#sqlite3.Connection.close).
    """

    def __init__(self, directory: Path) -> None:
        make_private_directory(directory)
        self.path = directory / "responses.sqlite3"
        make_private_database(self.path)
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(self.path, check_same_thread=False)
        with self._lock, self._connection:
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute(_SCHEMA)

    def get(self, key: str) -> str | None:
        """The answer stored under ``key``, as the JSON it was stored as."""
        with self._lock:
            row = self._connection.execute(
                "SELECT answer FROM answers WHERE key = ?", (key,)
            ).fetchone()
        return str(row[0]) if row else None

    def entry(self, key: str) -> tuple[str, dict[str, Any]] | None:
        """The answer stored under ``key`` and its usage (tokens; ``batch`` and ``billed``
        for a provider batch's answer), in one read."""
        with self._lock:
            row = self._connection.execute(
                "SELECT answer, usage FROM answers WHERE key = ?", (key,)
            ).fetchone()
        return (str(row[0]), dict(json.loads(row[1]))) if row else None

    def put(
        self,
        key: str,
        *,
        model: str,
        prompt_version: str,
        answer: dict[str, Any],
        usage: dict[str, int | bool],
    ) -> None:
        with self._lock, self._connection:
            self._connection.execute(
                "INSERT OR REPLACE INTO answers (key, model, prompt_version, answer, usage) "
                "VALUES (?, ?, ?, ?, ?)",
                (key, model, prompt_version, json.dumps(answer), json.dumps(usage)),
            )

    def bill_batch_answer(self, key: str) -> tuple[int, int] | None:
        """The (prompt, completion) tokens of an answer a provider batch gave, the first time
        it is read, then marked billed; None for any other answer, or when billed already.
        So a batch's cost shows in the results of the run it was made for, once."""
        with self._lock, self._connection:
            row = self._connection.execute(
                "SELECT usage FROM answers WHERE key = ?", (key,)
            ).fetchone()
            usage = json.loads(row[0]) if row else {}
            if not usage.get("batch") or usage.get("billed"):
                return None
            self._connection.execute(
                "UPDATE answers SET usage = ? WHERE key = ?",
                (json.dumps({**usage, "billed": True}), key),
            )
        return int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))

    def close(self) -> None:
        """Close the connection; closing it again does nothing (sqlite3's own rule)."""
        with self._lock:
            self._connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
