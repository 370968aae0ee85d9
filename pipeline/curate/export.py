"""Exporting the chosen findings as .tsv, .csv, .xlsx or .parquet, with their decisions and corrections.

``select_findings`` gives the records every format is written from (the network formats too, by ``pipeline.export``).

TSV and Parquet go through ``pipeline.output``'s writers; csv and xlsx are written here, their cells neutralized so
that a spreadsheet never runs one as a formula.
"""

from __future__ import annotations

import csv
import re
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from pipeline.output import LIST_SEPARATOR, TABLE, TableRow, atomic_open, atomic_path, cell, mirna_sort_key, table_view
from pipeline.output import write_parquet, write_tsv

from .store import DECISIONS, LISTS, CurateError, open_store, original_directions, reading, shown_direction

EXPORT_STATUSES = ("accepted", "pending", "rejected", "stale")
DEFAULT_EXPORT_STATUSES = ("accepted", "pending")
EXPORT_FORMATS = {".tsv": "tsv", ".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
STATUS_COLUMNS = ("finding_id", "status", "stale", "curator", "decided_at", "note")
# After a curator's correction, `relation`, `partner` and `direction` are the corrected values and these the extracted
# ones (the same when nothing was corrected); `partner_id` is '' for a corrected partner (the id was the extracted
# partner's). `direction`: the correction, else the one a corrected relation implies (sensitizes: up), else the
# ;-joined directions of the finding's evidence.
ORIGINAL_COLUMNS = ("original_relation", "original_partner", "original_partner_id", "original_direction")
# `journals`: the journals of the finding's documents, as the merged runs' documents.tsv gave them.
EXPORT_COLUMNS = TABLE.columns + ("journals",) + STATUS_COLUMNS + ("direction", *ORIGINAL_COLUMNS)
VIEW_COLUMNS = {
    "drug": ("drug", "mirna", "effect", "targets", "cell_lines", "doc_ids"),
    "mirna": ("mirna", "drug", "effect", "targets", "cell_lines", "doc_ids"),
}
VIEW_ORIGINAL_COLUMNS = ("original_relation", "original_partner")
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
    ``targets`` leaves out the genes whose ``targets`` finding a curator rejected (and follows a corrected partner).
    """
    kind = EXPORT_FORMATS.get(out.suffix.lower())
    if kind is None:
        raise CurateError(f"{out}: unknown file type; end the name with one of {', '.join(EXPORT_FORMATS)}")
    if by is not None and by not in VIEW_COLUMNS:
        raise ValueError(f"by must be 'drug' or 'mirna', not {by!r}")
    check_export_path(out, force)
    findings = select_findings(db, statuses)
    if by is None:
        header = EXPORT_COLUMNS
        records = [tuple(finding[name] for name in header) for finding in findings]
    else:
        header, records = _view(findings, by)
    _WRITERS[kind](out, header, records)
    return len(records)


def check_export_path(out: Path, force: bool) -> None:
    """Refuse a folder, and an existing file without ``force``."""
    if out.is_dir():
        raise CurateError(f"{out}: is a folder; pass a file name for --out")
    if out.exists() and not force:
        raise CurateError(f"{out}: exists; pass --force to replace it, or another --out")


def select_findings(db: Path, statuses: Iterable[str] = DEFAULT_EXPORT_STATUSES) -> list[dict[str, object]]:
    """The chosen findings as export records (EXPORT_COLUMNS keys; lists as tuples, counts as ints, stale a bool),
    corrections applied, sorted by (mirna, relation, partner) as corrected."""
    wanted = set(statuses)
    unknown = wanted - set(EXPORT_STATUSES)
    if unknown or not wanted:
        raise ValueError(f"statuses must be among {EXPORT_STATUSES}, not {sorted(unknown)}")
    decisions = sorted(wanted & set(DECISIONS + ("pending",)))
    with open_store(db) as conn, reading(conn):
        rows = conn.execute(
            f"SELECT * FROM findings WHERE (stale = 0 AND status IN ({', '.join('?' * len(decisions))})) OR (stale = 1 AND ?)",
            (*decisions, "stale" in wanted),
        ).fetchall()
        fixes = _target_fixes(conn)
        directions = original_directions(conn)
        journals = dict(conn.execute("SELECT doc_id, journal FROM documents WHERE journal != ''").fetchall())
    findings = [_export_record(row, fixes, directions.get(row["finding_id"], "")) for row in rows]
    for finding in findings:
        finding["journals"] = tuple(sorted({journals[doc] for doc in finding["doc_ids"] if doc in journals}))
    findings.sort(key=lambda f: (f["mirna"], f["relation"], f["partner"], f["finding_id"]))
    return findings


def _target_fixes(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """(mirna, gene) of a ``targets`` finding a curator rejected or corrected -> the gene to list instead ('' none)."""
    fixes = {}
    for row in conn.execute(
        "SELECT mirna, partner, status, corrected_relation, corrected_partner FROM findings WHERE relation = 'targets' "
        "AND (status = 'rejected' OR corrected_relation != '' OR corrected_partner != '')"
    ):
        gone = row["status"] == "rejected" or row["corrected_relation"] not in ("", "targets")
        fixes[(row["mirna"], row["partner"])] = "" if gone else row["corrected_partner"] or row["partner"]
    return fixes


def _export_record(row: sqlite3.Row, fixes: dict[tuple[str, str], str], direction: str) -> dict[str, object]:
    lists = {name: tuple(filter(None, row[name].split(LIST_SEPARATOR))) for name in LISTS}
    targets = (fixes.get((row["mirna"], gene), gene) for gene in lists["targets"])
    lists["targets"] = tuple(dict.fromkeys(gene for gene in targets if gene))
    return {
        "mirna": row["mirna"], "relation": row["corrected_relation"] or row["relation"],
        "partner": row["corrected_partner"] or row["partner"], "partner_type": row["partner_type"],
        "partner_id": "" if row["corrected_partner"] else row["partner_id"], **lists,
        "n_sentences": row["n_sentences"], "n_docs": row["n_docs"], "example": row["example"],
        **{name: row[name] for name in STATUS_COLUMNS}, "stale": bool(row["stale"]),
        "direction": shown_direction(row["corrected_relation"], row["corrected_direction"], direction),
        "original_relation": row["relation"], "original_partner": row["partner"], "original_partner_id": row["partner_id"],
        "original_direction": direction,
    }  # fmt: skip


def _view(findings: list[dict[str, object]], by: str) -> tuple[tuple[str, ...], list[tuple]]:
    """The review's "Table 1" shape, each line with its finding's status and original columns."""
    lines = []
    for finding in findings:
        for line in table_view([TableRow(**{name: finding[name] for name in TABLE.columns})], by):
            extra = tuple(finding[name] for name in (*STATUS_COLUMNS, *VIEW_ORIGINAL_COLUMNS))
            lines.append((*line, *extra))
    if by == "drug":
        lines.sort(key=lambda line: (line[0], line[1], line[2]))
    else:
        lines.sort(key=lambda line: (mirna_sort_key(line[0]), line[1], line[2]))
    return VIEW_COLUMNS[by] + STATUS_COLUMNS + VIEW_ORIGINAL_COLUMNS, lines


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
    """A sheet to work in: bold frozen header with an auto-filter, columns as wide as their text (up to a limit), and
    each ``doc_ids`` cell a link to its PubMed records."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rows = []
    for values in (_cells(header, record) for record in records):
        # openpyxl stores a string that starts with "=" as a formula; the control characters it refuses are dropped.
        rows.append([neutralize(ILLEGAL_CHARACTERS_RE.sub("", v)) if isinstance(v, str) else v for v in values])
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("findings")
    for index, width in enumerate(column_widths(header, rows), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(header), 1))}{len(rows) + 1}"
    bold = Font(bold=True)
    sheet.append([_styled(WriteOnlyCell(sheet, value=name), font=bold) for name in header])
    links = header.index("doc_ids") if "doc_ids" in header else None
    for row in rows:
        link = pubmed_link(str(row[links])) if links is not None else ""
        if link:
            row[links] = _styled(WriteOnlyCell(sheet, value=row[links]), hyperlink=link, style="Hyperlink")
        sheet.append(row)
    with atomic_path(out) as tmp:
        workbook.save(tmp)


def _styled(cell: object, **attributes: object) -> object:
    for name, value in attributes.items():
        setattr(cell, name, value)
    return cell


def column_widths(header: Sequence[str], rows: Sequence[Sequence[object]], *, least: int = 8, most: int = 60) -> list[int]:
    """Spreadsheet column widths (characters) that fit the header and the longest cell, within [least, most]."""
    widths = [len(name) + 2 for name in header]  # + 2: room for the auto-filter's button
    for row in rows:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(cell(value)) + 1)
    return [min(max(width, least), most) for width in widths]


def pubmed_link(doc_ids: str, most: int = 80) -> str:
    """The PubMed address of the PMIDs among ``doc_ids`` (``PMID:1;PMID:2``, or ``,``-separated): the record of one,
    a search for several (the first ``most``, so the address stays within a spreadsheet's limit); '' for none."""
    pmids = [item.strip()[5:] for item in re.split("[;,]", doc_ids) if item.strip().startswith("PMID:")]
    pmids = [pmid for pmid in pmids if pmid.isdigit()][:most]
    if len(pmids) == 1:
        return f"https://pubmed.ncbi.nlm.nih.gov/{pmids[0]}/"
    return f"https://pubmed.ncbi.nlm.nih.gov/?term={'+OR+'.join(f'{pmid}%5Buid%5D' for pmid in pmids)}" if pmids else ""


def _write_parquet(out: Path, header: Sequence[str], records: Sequence[Sequence[object]]) -> None:
    rows = [_cells(header, record) for record in records]
    write_parquet(out, header, rows, ints=("n_sentences", "n_docs"), bools=("stale",))


_WRITERS = {"tsv": _write_tsv, "csv": _write_csv, "xlsx": _write_xlsx, "parquet": _write_parquet}
