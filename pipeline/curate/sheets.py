"""Reading a sheet of decisions (.tsv, .csv or .xlsx) for ``decide_many``: one request per row, named by file and row.

Columns are found by their header: ``finding_id``, ``status`` and ``note`` must be there; ``relation``, ``partner``
and ``direction`` are corrections where present (an empty cell keeps the finding's current one); other columns are
left alone, so a file written by ``mirmine curate export`` (edited in a spreadsheet) can be read back as it is.
Rows are numbered as a spreadsheet shows them: the header is row 1. Empty rows are skipped.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

from .decide import DecisionRequest, check_status
from .store import CurateError

SHEET_FORMATS = (".tsv", ".csv", ".xlsx")
REQUIRED_COLUMNS = ("finding_id", "status", "note")
CORRECTION_COLUMNS = ("relation", "partner", "direction")
# What `export` puts before a cell that a spreadsheet would run as a formula; taken off again when read back.
_NEUTRAL_PREFIXES = tuple("'" + start for start in ("=", "+", "-", "@", "\t", "\r"))


def read_decision_sheet(path: Path) -> list[DecisionRequest]:
    """The decisions of a sheet, every row checked for its id, status and columns; raise CurateError naming the row."""
    suffix = path.suffix.lower()
    if suffix not in SHEET_FORMATS:
        raise CurateError(f"{path}: unknown file type; give a {', '.join(SHEET_FORMATS)} file of finding_id, status, note")
    if not path.is_file():
        raise CurateError(f"{path}: file not found; give the sheet of decisions to apply")
    rows = _xlsx_rows(path) if suffix == ".xlsx" else _text_rows(path, "\t" if suffix == ".tsv" else ",")
    header = next(rows, None)
    if header is None:
        raise CurateError(f"{path}: row 1: empty file; the first row must name the columns {', '.join(REQUIRED_COLUMNS)}")
    names = [_text(name).strip().lower() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise CurateError(f"{path}: row 1: no column {', '.join(missing)}; the header must name {', '.join(REQUIRED_COLUMNS)}")
    index = {name: names.index(name) for name in (*REQUIRED_COLUMNS, *CORRECTION_COLUMNS) if name in names}
    requests = []
    for number, row in enumerate(rows, start=2):
        cells = [_text(value) for value in row]
        if not any(value.strip() for value in cells):
            continue
        requests.append(_request(cells, index, f"{path}: row {number}"))
    return requests


def _request(cells: Sequence[str], index: dict[str, int], where: str) -> DecisionRequest:
    def value(name: str) -> str | None:
        if name not in index:
            return None
        return cells[index[name]] if index[name] < len(cells) else ""

    row_id = (value("finding_id") or "").strip()
    if not row_id:
        raise CurateError(f"{where}: no finding_id")
    status = check_status((value("status") or "").strip().lower(), where)
    # An empty correction cell keeps the current correction: only what a curator wrote changes the finding.
    corrections = {name: (value(name) or None) for name in CORRECTION_COLUMNS}
    return DecisionRequest(row_id, status, (value("note") or "").strip(), **corrections, where=where)


def _text(value: object) -> str:
    """A cell as text, the quote that export put before a formula-like cell taken off."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's number in an id column: 1234567890.0 is the id 1234567890
    text = "" if value is None else str(value)
    return text[1:] if text.startswith(_NEUTRAL_PREFIXES) else text


def _text_rows(path: Path, delimiter: str) -> Iterator[list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            # TSV as mirmine writes it (no quoting); CSV as spreadsheets write it (quoted fields).
            quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
            yield from csv.reader(handle, delimiter=delimiter, quoting=quoting)
    except UnicodeDecodeError as err:
        raise CurateError(f"{path}: not UTF-8 text ({err.reason}); save the sheet as UTF-8") from err
    except csv.Error as err:
        raise CurateError(f"{path}: not a readable {'TSV' if delimiter == chr(9) else 'CSV'} file ({err})") from err


def _xlsx_rows(path: Path) -> Iterator[tuple]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError) as err:
        raise CurateError(f"{path}: not a readable .xlsx workbook ({err})") from err
    try:
        # The first sheet: `curate export` writes its findings there.
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()
