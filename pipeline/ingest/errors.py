"""What every reader shares about failure: the stage name of error rows, ``IngestError`` and its messages."""

from __future__ import annotations

from pathlib import Path

STAGE = "ingest"
EMPTY_FILE = "empty file: nothing to read; remove it or add text"


class IngestError(ValueError):
    """A whole input file that cannot be read; ``message`` says what is wrong and what to do."""

    def __init__(self, source: str | Path, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = str(source)
        self.message = message


def one_line(message: object) -> str:
    """A third-party error message on one line, for an errors.tsv cell."""
    return " ".join(str(message).split())
