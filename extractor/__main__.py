"""``python -m extractor``: the same command line as ``extractor``."""

from extractor.cli import main

main()
