"""The eval suite: score any backend's output (or any tool's) against hand-labelled articles.

Run it as ``extractor eval``; from Python, ``run_eval(Path("fixtures"))`` returns a
``Report`` whose ``figures()`` are the corpus scores.
"""

from extractor.errors import CorpusError
from extractor.evals.cases import Case, load_cases
from extractor.evals.run import Report, run_eval

__all__ = ["Case", "CorpusError", "Report", "load_cases", "run_eval"]
