"""The Typer app, the one way a command fails, and the console entry point.

Exit codes: 0 ok, 1 a detected error (one ``Error:`` line on stderr), 2 a usage error.
"""

from __future__ import annotations

import sys

import typer

from pipeline import __version__

app = typer.Typer(
    name="mirmine",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str) -> typer.Exit:
    """Print one ``Error:`` line on stderr and return the exit-1 exception for the caller to raise."""
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=1)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"mirmine {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Text mining of miRNA / drug-resistance findings from papers and PubMed exports.

    Example: mirmine run corpus/ --out output/
    """


def print_columns(header: tuple[str, ...], rows: list[tuple[str, ...]], width: int = 40) -> None:
    """Aligned columns; every column but the last cut at ``width`` characters."""
    widths = [min(width, max(len(h), *(len(row[i]) for row in rows))) for i, h in enumerate(header)]
    widths[-1] = 0
    for line in (header, *rows):
        typer.echo("  ".join(text[:w].ljust(w) if w else text for text, w in zip(line, widths)).rstrip())


def main() -> None:
    """Console entry point.

    After the command, the exit handlers run and the streams are flushed, then the process ends without the
    interpreter's final teardown: freeing the lexicons and the spaCy vocabulary object by object took 0.3 s of every
    `mirmine run`, a sixth of the time to the first document. Every file was already written and renamed.
    """
    try:
        app()
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        if not isinstance(exit_.code, (int, type(None))):
            print(exit_.code, file=sys.stderr)
    import atexit
    import os
    import threading

    if threading.active_count() > 1:
        sys.exit(code)  # a thread still running (a Dask client, say): let the interpreter end it the usual way
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # `mirmine table | head`: the reader has gone, nothing to flush to
            pass
    os._exit(code)
