"""The same input gives the same bytes out, in every process: Python salts ``str`` hashes per
process (PYTHONHASHSEED), so nothing a result holds may follow the order of a set."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import FIXTURES, REPO

# A page of three stories whose people share forms of their names ("Mohammed bin ..."):
# which person a form leads to once followed the order of a set of name forms.
PAGE = [
    FIXTURES / "f-quote-paragraph-break-anadolu-fidan-doha.txt",
    FIXTURES / "f-mixed-spa-caption-first-crown-prince-meloni-call.txt",
    REPO / "evals" / "heldout" / "h" / "h-neg-dpa-merkel-maas-written-statement-khashoggi.txt",
]
PROGRAM = (
    "import sys; from extractor import extract\n"
    "page = '\\n\\n'.join(open(path, encoding='utf-8').read() for path in sys.argv[1:])\n"
    "print(extract(page, backend='rules').to_json())"
)


def test_results_do_not_depend_on_the_hash_seed() -> None:
    outputs = {
        subprocess.run(
            [sys.executable, "-c", PROGRAM, *map(str, PAGE)],
            env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "2", "5", "9")
    }
    assert len(outputs) == 1
