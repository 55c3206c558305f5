"""``python -m extractor`` and the ``extractor`` command: the console entry point."""

from __future__ import annotations

import signal
import sys
from types import FrameType
from typing import NoReturn

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command ended by Ctrl-C


def run() -> None:
    """Run the command line. Ctrl-C before a batch has started (while modules load, the
    backend starts, inputs are listed) ends the command at once with status 130 and no
    traceback; a running batch installs its own handler, which finishes the documents in
    progress first (see ``extractor.cli``)."""
    signal.signal(signal.SIGINT, _interrupted)
    from extractor.cli import main

    main()


def _interrupted(signum: int, frame: FrameType | None) -> NoReturn:
    sys.stderr.write("extractor: interrupted\n")
    sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    run()
