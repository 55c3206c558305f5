"""Many documents: the engine that runs a backend over them (``run``), the lines it yields,
the summary it counts, and the output files that survive crashes."""

from extractor.batch.engine import BatchRun, StopSignal, run
from extractor.batch.lines import ResultLine, error_record, input_key
from extractor.batch.output import (
    Existing,
    LineWriter,
    Resumed,
    repair_errors_file,
    resume_state,
    retry_targets,
    skip_done,
)
from extractor.batch.summary import Summary
from extractor.batch.workers import WorkerPool, worker_died

__all__ = [
    "BatchRun",
    "Existing",
    "LineWriter",
    "ResultLine",
    "Resumed",
    "StopSignal",
    "Summary",
    "WorkerPool",
    "error_record",
    "input_key",
    "repair_errors_file",
    "resume_state",
    "retry_targets",
    "run",
    "skip_done",
    "worker_died",
]
