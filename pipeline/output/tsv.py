"""The one TSV writer and reader: cells, lines, tables with a header, and rows read back with their line numbers.

All tables are UTF-8, tab-separated, one header row, ``\\n`` line ends; a cell never holds a tab or a line break.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from .files import atomic_open

LIST_SEPARATOR = ";"


class TableError(ValueError):
    """A run table or folder that cannot be read back; the message names the file (and line) and what to do."""


def cell(value: object) -> str:
    """One TSV cell: booleans as true/false, floats with two decimals, lists ;-joined, no tab or line break inside."""
    kind = type(value)
    if kind is int:
        return str(value)  # the commonest cells, after plain text: offsets and sentence numbers
    if kind is str and "\t" not in value and "\n" not in value and "\r" not in value:
        return value
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = f"{value:.2f}"
    elif isinstance(value, (tuple, list)):
        text = LIST_SEPARATOR.join(str(item) for item in value)
    elif value is None:
        text = ""
    else:
        text = str(value)
    # Table rows keep their tabs in the document text; in a TSV cell they would shift every column.
    return " ".join(text.replace("\t", " ").splitlines()) if ("\t" in text or "\n" in text or "\r" in text) else text


def tsv_line(row: Iterable[object]) -> str:
    """A row as one line of a TSV file."""
    return "\t".join(map(cell, row)) + "\n"


class TsvWriter:
    """Rows of one table into an open text handle: the header first, then one ``tsv_line`` per row, counted."""

    def __init__(self, handle: IO[str], columns: Sequence[str]) -> None:
        self.handle = handle
        self.rows = 0
        handle.write("\t".join(columns) + "\n")

    def write(self, row: Iterable[object]) -> None:
        self.handle.write(tsv_line(row))
        self.rows += 1


def write_tsv(path: Path, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a header and rows atomically; return the number of rows."""
    with atomic_open(path) as handle:
        writer = TsvWriter(handle, columns)
        for row in rows:
            writer.write(row)
    return writer.rows


def read_rows(
    path: Path, columns: Sequence[str], what: str = "a mirmine run table", fix: str = "run `mirmine run` again"
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: cell}) of a TSV table, after checking that its header names every column.

    ``what`` and ``fix`` name the table and what to do when its header is wrong (a run table by default).
    """
    if not path.is_file():
        raise TableError(f"{path}: file not found; pass the folder of a run (`mirmine run --out DIR`)")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [column for column in columns if column not in (reader.fieldnames or ())]
        if missing:
            raise TableError(f"{path}: no column {', '.join(missing)} in the header; not {what}, {fix}")
        for row in reader:
            if None in row or None in row.values():
                raise TableError(f"{path}:{reader.line_num}: expected {len(reader.fieldnames or ())} tab-separated cells")
            yield reader.line_num, {column: row[column] for column in columns}
