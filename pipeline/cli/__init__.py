"""The ``mirmine`` command line (Typer): thin commands grouped by topic, each calling one stage function.

``app`` and ``main`` (the console entry point) live in ``app``; importing this package registers every command.
"""

from pipeline.cli import curate, evaluate, export, fetch, run, update  # noqa: F401  (each module registers its commands on app)

from .app import app, fail, main

__all__ = ["app", "fail", "main"]
