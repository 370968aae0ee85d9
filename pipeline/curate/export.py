"""Exporting the chosen findings as .tsv, .csv, .xlsx or .parquet, with their decisions.

TSV and Parquet go through ``pipeline.output``'s writers; csv and xlsx are written here, their cells neutralized so
that a spreadsheet never runs one as a formula.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from pipeline.output import LIST_SEPARATOR, TABLE, TableRow, atomic_open, atomic_path, cell, table_view, write_parquet
from pipeline.output import write_tsv

from .store import DECISIONS, LISTS, CurateError, open_store, reading

EXPORT_STATUSES = ("accepted", "pending", "rejected", "stale")
DEFAULT_EXPORT_STATUSES = ("accepted", "pending")
EXPORT_FORMATS = {".tsv": "tsv", ".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
STATUS_COLUMNS = ("finding_id", "status", "stale", "curator", "decided_at", "note")
EXPORT_COLUMNS = TABLE.columns + STATUS_COLUMNS
VIEW_COLUMNS = {
    "drug": ("drug", "mirna", "effect", "targets", "cell_lines", "doc_ids"),
    "mirna": ("mirna", "drug", "effect", "targets", "cell_lines", "doc_ids"),
}
# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_findings(
    db: Path,
    out: Path,
    *,
    statuses: Iterable[str] = DEFAULT_EXPORT_STATUSES,
    by: str | None = None,
    force: bool = False,
) -> int:
    """Write the chosen findings to ``out`` (.tsv, .csv, .xlsx or .parquet, by its extension); return the rows written.

    ``statuses``: decisions to keep (accepted, pending, rejected); ``stale`` adds the stale findings, whatever their
    decision, which are left out otherwise. ``by`` ("drug" or "mirna") writes the review's "Table 1" shape instead.
    ``targets`` leaves out the genes whose ``targets`` finding a curator rejected.
    """
    kind = EXPORT_FORMATS.get(out.suffix.lower())
    if kind is None:
        raise CurateError(f"{out}: unknown file type; end the name with one of {', '.join(EXPORT_FORMATS)}")
    wanted = set(statuses)
    unknown = wanted - set(EXPORT_STATUSES)
    if unknown or not wanted:
        raise ValueError(f"statuses must be among {EXPORT_STATUSES}, not {sorted(unknown)}")
    if by is not None and by not in VIEW_COLUMNS:
        raise ValueError(f"by must be 'drug' or 'mirna', not {by!r}")
    if out.is_dir():
        raise CurateError(f"{out}: is a folder; pass a file name for --out")
    if out.exists() and not force:
        raise CurateError(f"{out}: exists; pass --force to replace it, or another --out")
    decisions = sorted(wanted & set(DECISIONS + ("pending",)))
    with open_store(db) as conn, reading(conn):
        rows = conn.execute(
            f"SELECT * FROM findings WHERE (stale = 0 AND status IN ({', '.join('?' * len(decisions))})) OR (stale = 1 AND ?) "
            "ORDER BY mirna, relation, partner",
            (*decisions, "stale" in wanted),
        ).fetchall()
        rejected_targets = {
            (row["mirna"], row["partner"])
            for row in conn.execute("SELECT mirna, partner FROM findings WHERE relation = 'targets' AND status = 'rejected'")
        }
    findings = [(_table_row(row, rejected_targets), tuple(row[name] for name in STATUS_COLUMNS)) for row in rows]
    if by is None:
        header = EXPORT_COLUMNS
        records = [(*(getattr(table_row, name) for name in TABLE.columns), *status) for table_row, status in findings]
    else:
        header = VIEW_COLUMNS[by] + STATUS_COLUMNS
        by_key = {(r.mirna, r.relation, r.partner): status for r, status in findings}
        records = []
        for line in table_view([r for r, _ in findings], by):
            mirna, partner = (line[1], line[0]) if by == "drug" else (line[0], line[1])
            records.append((*line, *by_key[(mirna, line[2], partner)]))
    _WRITERS[kind](out, header, records)
    return len(records)


def _table_row(row: sqlite3.Row, rejected_targets: set[tuple[str, str]]) -> TableRow:
    lists = {name: tuple(filter(None, row[name].split(LIST_SEPARATOR))) for name in LISTS}
    lists["targets"] = tuple(gene for gene in lists["targets"] if (row["mirna"], gene) not in rejected_targets)
    return TableRow(
        mirna=row["mirna"], relation=row["relation"], partner=row["partner"], partner_type=row["partner_type"],
        partner_id=row["partner_id"], n_sentences=row["n_sentences"], n_docs=row["n_docs"], example=row["example"],
        **{"cancers": (), "years": ()} | lists,  # a store gains cancers and years with schema 5 (next commit)
    )  # fmt: skip


def neutralize(text: str) -> str:
    """A spreadsheet cell that cannot run as a formula: a leading ``= + - @`` (or tab, CR) gets a single quote before it."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _cells(header: Sequence[str], record: Sequence[object]) -> list[object]:
    """Values for a typed format: counts stay numbers, ``stale`` a boolean, everything else text as in the TSV."""
    values: list[object] = []
    for name, value in zip(header, record):
        if name == "stale":
            values.append(bool(value))
        elif name in ("n_sentences", "n_docs"):
            values.append(int(value))
        else:
            values.append(cell(value))
    return values


def _write_tsv(out: Path, header: Sequence[str], records: Sequence[Sequence[object]]) -> None:
    write_tsv(out, header, (_cells(header, record) for record in records))


def _write_csv(out: Path, header: Sequence[str], records: Sequence[Sequence[object]]) -> None:
    with atomic_open(out) as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        for values in (_cells(header, record) for record in records):
            writer.writerow([neutralize(cell(value)) for value in values])


def _write_xlsx(out: Path, header: Sequence[str], records: Sequence[Sequence[object]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("findings")
    sheet.freeze_panes = "A2"
    sheet.append(list(header))
    for values in (_cells(header, record) for record in records):
        # openpyxl stores a string that starts with "=" as a formula; the control characters it refuses are dropped.
        sheet.append([neutralize(ILLEGAL_CHARACTERS_RE.sub("", v)) if isinstance(v, str) else v for v in values])
    with atomic_path(out) as tmp:
        workbook.save(tmp)


def _write_parquet(out: Path, header: Sequence[str], records: Sequence[Sequence[object]]) -> None:
    rows = [_cells(header, record) for record in records]
    write_parquet(out, header, rows, ints=("n_sentences", "n_docs"), bools=("stale",))


_WRITERS = {"tsv": _write_tsv, "csv": _write_csv, "xlsx": _write_xlsx, "parquet": _write_parquet}
