"""The ``extractor`` command: a thin layer over the Python API and the batch engine.

``main`` is the group (``extractor.cli.app``); each command lives in a module of its own and
is added here.
"""

from extractor.cli.app import main
from extractor.cli.evaluate import evaluate
from extractor.cli.export import export
from extractor.cli.extract import extract
from extractor.cli.serve import serve
from extractor.cli.tools import backends, local_model, prompt, schema
from extractor.cli.view import view

for _command in (extract, export, view, evaluate, serve, backends, prompt, schema, local_model):
    main.add_command(_command)

__all__ = ["main"]
