"""The eval suite: score any backend's output (or any tool's) against hand-labelled articles.

Run it as ``extractor eval``; from Python, ``run_eval(Path("fixtures"))`` returns a
``Report`` whose ``figures()`` are the corpus scores.
"""

from evals.cases import Case, CorpusError, load_cases
from evals.run import Report, run_eval

__all__ = ["Case", "CorpusError", "Report", "load_cases", "run_eval"]
