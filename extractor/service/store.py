"""The service's SQLite file: jobs, their documents as sent, and each document's result line.

A result is written in the same statement that marks its document done, one document per
transaction, and only if it has none yet: a server killed at any moment loses at most the
documents in progress, and a restarted one runs exactly those (``pending``), never one that
already has its result. What a paid model answered for a document in progress when the
server died is still in the LLM backend's response cache, so its rerun pays nothing.

The schema is versioned by SQLite's ``PRAGMA user_version``: ``MIGRATIONS`` are applied in
order, each once, on opening (as simonw/llm keeps its log database, with a plain list of
steps rather than a library for three tables). The file is private to its owner (0600), like
the response cache: it holds the users' articles. No API key is ever written to it.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Self

from extractor.batch import ResultLine
from extractor.llm.cache import make_private_database, make_private_directory

JobState = Literal["queued", "running", "done", "cancelled"]
OPEN_STATES: tuple[JobState, ...] = ("queued", "running")

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'cancelled')),
        backend TEXT NOT NULL,
        include_text INTEGER NOT NULL DEFAULT 0,
        total INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        finished_at TEXT
    );
    CREATE INDEX jobs_by_state ON jobs (state, created_at);
    CREATE TABLE documents (
        job_id TEXT NOT NULL REFERENCES jobs (id),
        seq INTEGER NOT NULL,             -- 1-based place in the job, as sent
        input TEXT NOT NULL,              -- the document as sent, JSON
        result TEXT,                      -- its result line, once done
        meetings INTEGER,
        error_type TEXT,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        cost_usd REAL,
        PRIMARY KEY (job_id, seq)
    ) WITHOUT ROWID;
    """,
)


@dataclass(frozen=True)
class JobCounts:
    """What ``GET /v1/jobs/{id}`` reports of a job; ``cost_usd`` is None while no price is
    known for any of its documents."""

    id: str
    state: JobState
    backend: str
    created_at: str
    finished_at: str | None
    total: int
    done: int
    errors: int
    meetings: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None


@dataclass(frozen=True)
class PendingDocument:
    seq: int
    input: dict[str, object]


class JobStore:
    """One SQLite file shared by the request handlers and the job runner's thread (one
    connection, used under a lock; WAL so that readers never wait for the runner's writes).

    Raises ``sqlite3.Error`` when the file cannot be opened or written."""

    def __init__(self, path: Path) -> None:
        make_private_directory(path.parent)
        make_private_database(path)
        self.path = path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._migrate()

    @property
    def _db(self) -> sqlite3.Connection:
        """The connection, opened again after ``close`` (an app's lifespan may run twice)."""
        if self._connection is None:
            self._connection = sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None
            )
            self._connection.execute("PRAGMA journal_mode = WAL")
            # WAL and NORMAL: a committed result survives a killed process (not a power cut)
            self._connection.execute("PRAGMA synchronous = NORMAL")
            self._connection.execute("PRAGMA busy_timeout = 5000")
        return self._connection

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (it opens again on next use)."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def _migrate(self) -> None:
        with self._lock:
            (version,) = self._db.execute("PRAGMA user_version").fetchone()
            for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
                self._db.executescript(f"BEGIN; {step}; PRAGMA user_version = {number}; COMMIT;")

    # -- jobs -------------------------------------------------------------------------------

    def create_job(
        self, backend: str, inputs: Sequence[dict[str, object]], *, include_text: bool = False
    ) -> str:
        """A queued job of ``inputs`` (each a document as sent); its id (32 hex digits)."""
        job_id = uuid.uuid4().hex
        rows = (
            (job_id, seq, json.dumps(document, ensure_ascii=False))
            for seq, document in enumerate(inputs, start=1)
        )
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "INSERT INTO jobs (id, state, backend, include_text, total, created_at) "
                    "VALUES (?, 'queued', ?, ?, ?, ?)",
                    (job_id, backend, int(include_text), len(inputs), _now()),
                )
                self._db.executemany(
                    "INSERT INTO documents (job_id, seq, input) VALUES (?, ?, ?)", rows
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return job_id

    def open_jobs(self) -> int:
        """Jobs queued or running."""
        with self._lock:
            (count,) = self._db.execute(
                "SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')"
            ).fetchone()
        return int(count)

    def jobs_by_state(self) -> dict[str, int]:
        """The number of jobs in each state."""
        with self._lock:
            rows = self._db.execute("SELECT state, count(*) FROM jobs GROUP BY state").fetchall()
        return {state: int(count) for state, count in rows}

    def next_job(self) -> tuple[str, str, bool] | None:
        """The oldest job still open, as (id, backend, include_text): a running one first
        (a restarted server finishes what it had started)."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, backend, include_text FROM jobs WHERE state IN ('queued', 'running') "
                "ORDER BY state = 'running' DESC, created_at, rowid LIMIT 1"
            ).fetchone()
        return None if row is None else (row[0], row[1], bool(row[2]))

    def set_state(self, job_id: str, state: JobState, *, only_from: Sequence[JobState]) -> bool:
        """Move a job to ``state`` if it is in one of ``only_from``; whether it moved."""
        finished = _now() if state in ("done", "cancelled") else None
        marks = ", ".join("?" for _ in only_from)
        with self._lock:
            cursor = self._db.execute(
                f"UPDATE jobs SET state = ?, finished_at = coalesce(?, finished_at) "
                f"WHERE id = ? AND state IN ({marks})",
                (state, finished, job_id, *only_from),
            )
        return cursor.rowcount == 1

    def counts(self, job_id: str) -> JobCounts | None:
        """The job's state and counts, or None for an unknown id."""
        with self._lock:
            job = self._db.execute(
                "SELECT id, state, backend, created_at, finished_at, total FROM jobs WHERE id = ?",
                (job_id,),
            ).fetchone()
            if job is None:
                return None
            sums = self._db.execute(
                "SELECT count(result), count(error_type), coalesce(sum(meetings), 0), "
                "coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0), "
                "sum(cost_usd) FROM documents WHERE job_id = ?",
                (job_id,),
            ).fetchone()
        return JobCounts(*job, *sums)

    # -- documents --------------------------------------------------------------------------

    def pending(self, job_id: str, *, page: int = 256) -> Iterator[PendingDocument]:
        """The job's documents without a result, in order, read ``page`` at a time (a job of
        many long articles is never held whole)."""
        after = 0
        while True:
            with self._lock:
                rows = self._db.execute(
                    "SELECT seq, input FROM documents WHERE job_id = ? AND seq > ? "
                    "AND result IS NULL ORDER BY seq LIMIT ?",
                    (job_id, after, page),
                ).fetchall()
            if not rows:
                return
            for seq, text in rows:
                yield PendingDocument(seq, json.loads(text))
            after = rows[-1][0]

    def record(self, job_id: str, seq: int, line: ResultLine) -> bool:
        """Write a document's result line, unless it has one; whether it was written."""
        usage = line.usage
        with self._lock:
            cursor = self._db.execute(
                "UPDATE documents SET result = ?, meetings = ?, error_type = ?, "
                "prompt_tokens = ?, completion_tokens = ?, cost_usd = ? "
                "WHERE job_id = ? AND seq = ? AND result IS NULL",
                (
                    line.json,
                    line.meetings,
                    line.error.type if line.error else None,
                    usage.prompt_tokens if usage else None,
                    usage.completion_tokens if usage else None,
                    usage.cost_usd if usage else None,
                    job_id,
                    seq,
                ),
            )
        return cursor.rowcount == 1

    def finished_prefix(self, job_id: str, *, page: int = 256) -> Iterator[str]:
        """The job's result lines in input order, up to the first document not done yet."""
        expected = 1
        while True:
            with self._lock:
                rows = self._db.execute(
                    "SELECT seq, result FROM documents WHERE job_id = ? AND seq >= ? "
                    "ORDER BY seq LIMIT ?",
                    (job_id, expected, page),
                ).fetchall()
            for seq, result in rows:
                if result is None or seq != expected:
                    return
                yield result
                expected += 1
            if len(rows) < page:
                return

    def document_input(self, job_id: str, seq: int) -> dict[str, object] | None:
        """One document of a job as it was sent (None for none)."""
        with self._lock:
            row = self._db.execute(
                "SELECT input FROM documents WHERE job_id = ? AND seq = ?", (job_id, seq)
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def writable(self) -> bool:
        """Whether a write goes through (``/readyz``): a transaction begun for writing and
        rolled back."""
        try:
            with self._lock:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute("ROLLBACK")
        except sqlite3.Error:
            return False
        return True


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
