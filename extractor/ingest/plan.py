"""What the command line names, listed before anything is read.

Listing is cheap (names and ``stat`` only), so a batch of a hundred thousand files is planned
in full before its first article is read, and every entry of a directory that is not read is
listed in ``InputPlan.skipped`` with the reason: nothing is left out without a word.

Files are told apart by what they are, not by how they are named: ``a.txt`` and ``./a.txt``
and a symbolic link to it are one file (read once), and a batch's own output file found in
one of its input directories is left out, since reading it back while appending to it would
never end.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from extractor.errors import OutputIsInput
from extractor.ingest.html import HTML_SUFFIXES
from extractor.utf8 import printable_path

ARTICLE_SUFFIXES = frozenset({".txt", ".text"}) | HTML_SUFFIXES
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
STDIN = "-"

FileIdentity = tuple[int, int] | str
"""(device, inode) of an existing file; the resolved path of one not created yet."""


def file_identity(path: str | os.PathLike[str]) -> FileIdentity:
    """What ``path`` is: the same for every name of one file (links, ``./``, ``..``)."""
    try:
        status = os.stat(path)
    except OSError:
        return os.path.realpath(path)
    return (status.st_dev, status.st_ino)


def descriptor_identity(descriptor: int) -> FileIdentity | None:
    """The identity of an open regular file (stdout redirected to a file); None otherwise."""
    try:
        status = os.fstat(descriptor)
    except OSError:
        return None
    return (status.st_dev, status.st_ino) if stat.S_ISREG(status.st_mode) else None


@dataclass(frozen=True)
class Target:
    """One thing to read: a file (article or JSON Lines) or stdin, with the id to give it."""

    path: str
    id: str
    lines: frozenset[int] | None = None  # JSON Lines: only these rows (a retry of failures)


@dataclass(frozen=True)
class Skipped:
    """A directory entry, or a repeated input, that is not read, and why."""

    path: str  # as results print names: see InputPlan.skip
    reason: str


@dataclass
class InputPlan:
    """What the command line asked for, listed before anything is read."""

    targets: list[Target] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def skip(self, path: str, reason: str) -> None:
        """List ``path`` as not read, printable as results print names (``printable_path``)."""
        self.skipped.append(Skipped(printable_path(path), reason))

    @property
    def has_streams(self) -> bool:
        """True when a target holds an unknown number of documents (JSONL, stdin)."""
        return any(
            t.path == STDIN or Path(t.path).suffix.lower() in JSONL_SUFFIXES for t in self.targets
        )


NOT_AN_ARTICLE = (
    "not a .txt, .text, .html, .htm, .xhtml, .jsonl or .ndjson file; "
    "name it on the command line to read it"
)
LISTED_TWICE = "named twice; read once"
OUTPUT_FILE = "the output or errors file of this run"
_SYMLINKED_DIRECTORY = (
    "a symbolic link to a directory, not followed (a link may loop back); "
    "name it on the command line to read it"
)


def plan_inputs(paths: Sequence[str], *, outputs: Collection[FileIdentity] = ()) -> InputPlan:
    """Expand directories (recursively, sorted) into the files to read.

    Files named on the command line are always read, whatever their suffix (a FIFO too: it is
    how ``<(command)`` passes a stream). Inside a directory only regular files with an article
    or JSON Lines suffix are read; hidden entries are left out, and so are the files in
    ``outputs`` (the batch's own output and errors files). Every other entry is listed in
    ``skipped`` with its reason.

    Raises ``OutputIsInput`` when a path named on the command line is one of ``outputs``.
    """
    plan = InputPlan()
    seen: set[FileIdentity] = set()
    for raw in paths:
        if raw == STDIN:
            _add(plan, seen, Target(STDIN, "stdin"), STDIN)  # stdin can be read once only
            continue
        path = Path(raw)
        if not path.is_dir():
            identity = file_identity(path)
            if identity in outputs:
                raise OutputIsInput(
                    f"{raw} is the output (or errors) file of this run; it cannot be an input too"
                )
            _add(plan, seen, Target(raw, path.stem), identity)
            continue
        for entry, reason in _walk(path):
            if reason is not None:
                plan.skip(str(entry), reason)
                continue
            identity = file_identity(entry)
            if identity in outputs:
                plan.skip(str(entry), OUTPUT_FILE)
                continue
            name = printable_path(str(entry.relative_to(path).with_suffix("")))
            target = Target(str(entry), name)  # its id, printed as its path is
            _add(plan, seen, target, identity)
    return plan


def _add(plan: InputPlan, seen: set[FileIdentity], target: Target, identity: FileIdentity) -> None:
    if identity in seen:
        plan.skip(target.path, LISTED_TWICE)
        return
    seen.add(identity)
    plan.targets.append(target)


def _broken_link(path: Path) -> str:
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "a symbolic link that loops"
    return "a broken symbolic link"


def _walk(directory: Path) -> Iterator[tuple[Path, str | None]]:
    """Every entry under ``directory``, depth first in name order, with the reason it is not
    read (None for a file to read). Symbolic links to files are read; links to directories
    are not followed, so no link can make the walk loop."""
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError as error:
        yield directory, f"cannot be listed ({error.strerror or error})"
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith("."):
            yield path, "hidden (its name starts with a dot)"
        elif entry.is_dir(follow_symlinks=False):
            yield from _walk(path)
        elif entry.is_symlink() and not path.exists():
            yield path, _broken_link(path)
        elif entry.is_symlink() and path.is_dir():
            yield path, _SYMLINKED_DIRECTORY
        elif not entry.is_file():
            yield path, "not a regular file (a FIFO, socket or device would block or never end)"
        elif path.suffix.lower() not in ARTICLE_SUFFIXES | JSONL_SUFFIXES:
            yield path, NOT_AN_ARTICLE
        else:
            yield path, None
