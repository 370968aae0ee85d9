"""Write the run's tables (fixed columns, deterministic order) and aggregate ``table.tsv``.

Every file is written to a temporary file beside its target and renamed over it, so a reader never
sees a half-written table and an interrupted run leaves the previous one intact.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import IO

from pipeline.schema import DRUG_TYPES, InputError, Mention, Relation

MENTION_COLUMNS = ("doc_id", "section", "sentence_id", "start", "end", "text", "type", "norm", "concept_id", "rule")
RELATION_COLUMNS = (
    "relation_id", "doc_id", "section", "sentence_id", "mirna", "relation", "partner", "partner_type",
    "partner_id", "cell_lines", "negated", "hedged", "rule", "confidence", "sentence",
)
TABLE_COLUMNS = (
    "mirna", "relation", "partner", "partner_type", "partner_id", "targets", "cell_lines",
    "n_sentences", "n_docs", "doc_ids", "example",
)
ERROR_COLUMNS = ("source", "doc_id", "stage", "error")

MENTIONS_FILE = "mentions.tsv"
RELATIONS_FILE = "relations.tsv"
TABLE_FILE = "table.tsv"
ERRORS_FILE = "errors.tsv"
RUN_FILE = "run.json"
LIST_SEPARATOR = ";"
_UMASK = os.umask(0o022)
os.umask(_UMASK)


@contextmanager
def atomic_open(path: Path) -> Iterator[IO[str]]:
    """Open a temporary file beside ``path`` for writing; rename it over ``path`` only if the block succeeds."""
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as handle:
        yield handle


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` for a writer that wants a file name (openpyxl, pyarrow); synced and renamed
    over ``path`` only if the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp_name)
        # mkstemp creates 0600; a table is as readable as any file the user writes.
        os.chmod(tmp_name, 0o666 & ~_UMASK)
        fd = os.open(tmp_name, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def cell(value: object) -> str:
    """One TSV cell: booleans as true/false, lists ;-joined, no tab or line break inside."""
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


def write_tsv(path: Path, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a header and rows atomically; return the number of rows."""
    count = 0
    with atomic_open(path) as handle:
        handle.write("\t".join(columns) + "\n")
        for row in rows:
            handle.write(tsv_line(row))
            count += 1
    return count


# A record as its table row (a plain tuple, made in C), and the order of each table's rows.
mention_tuple = attrgetter(*MENTION_COLUMNS)
relation_tuple = attrgetter(*RELATION_COLUMNS)
MENTION_ORDER = itemgetter(*map(MENTION_COLUMNS.index, ("doc_id", "start", "end", "type", "norm", "rule")))
RELATION_ORDER = itemgetter(*map(RELATION_COLUMNS.index, ("doc_id", "sentence_id", "mirna", "relation", "partner", "relation_id")))


def mention_rows(mentions: Iterable[Mention]) -> list[tuple]:
    return sorted(map(mention_tuple, mentions), key=MENTION_ORDER)


def relation_rows(relations: Iterable[Relation]) -> list[tuple]:
    return sorted(map(relation_tuple, relations), key=RELATION_ORDER)


def error_rows(errors: Iterable[InputError]) -> list[tuple]:
    return sorted((e.source, e.doc_id, e.stage, e.error) for e in errors)


@dataclass(frozen=True, slots=True)
class TableRow:
    """One row of ``table.tsv``: a (mirna, relation, partner) finding over all documents."""

    mirna: str
    relation: str
    partner: str
    partner_type: str
    partner_id: str
    targets: tuple[str, ...]
    cell_lines: tuple[str, ...]
    n_sentences: int
    n_docs: int
    doc_ids: tuple[str, ...]
    example: str


def aggregate_table(relations: Iterable[Relation]) -> list[TableRow]:
    """Roll non-negated relations up to one row per (mirna, relation, partner), sorted.

    Works on Relation records or on relations.tsv rows read back (anything with the same attribute names).
    """
    table = TableBuilder()
    # A stable sort: within a sentence the relations keep their order, as a run's sorted relations.tsv has them.
    for relation in sorted(relations, key=lambda r: (r.doc_id, r.sentence_id)):
        table.add(relation)
    return table.rows()


@dataclass(slots=True)
class _Finding:
    """What table.tsv keeps of one (mirna, relation, partner) while the relations go past."""

    partner_type: str
    partner_id: str
    example: str
    doc_ids: list[str]
    cell_lines: set[str]
    n_sentences: int
    last_sentence: tuple[str, int]


class TableBuilder:
    """table.tsv rolled up from relations that arrive sorted by (doc_id, sentence_id), one at a time.

    Only what a row shows is kept (its documents, cell lines, the first sentence as its example), never the
    relations themselves: a run over all of PubMed holds its findings, not its millions of relation rows.
    ``targets`` lists the genes the same miRNA targets in the finding's documents.
    """

    def __init__(self) -> None:
        self._findings: dict[tuple[str, str, str], _Finding] = {}
        self._targets: dict[tuple[str, str], set[str]] = defaultdict(set)

    def add(self, r: Relation) -> None:
        if r.negated:
            return
        if r.relation == "targets":
            self._targets[(r.mirna, r.doc_id)].add(r.partner)
        sentence = (r.doc_id, r.sentence_id)
        found = self._findings.get((r.mirna, r.relation, r.partner))
        if found is None:
            # The first relation in (doc_id, sentence_id) order gives the partner's type, id and the example.
            found = _Finding(r.partner_type, r.partner_id, r.sentence, [r.doc_id], set(), 1, sentence)
            self._findings[(r.mirna, r.relation, r.partner)] = found
        elif sentence != found.last_sentence:
            found.n_sentences += 1
            found.last_sentence = sentence
            if r.doc_id != found.doc_ids[-1]:
                found.doc_ids.append(r.doc_id)
        # A Relation holds its cell lines as a tuple, a row read back from relations.tsv as one ";"-joined cell.
        lines = r.cell_lines.split(LIST_SEPARATOR) if isinstance(r.cell_lines, str) else r.cell_lines
        found.cell_lines.update(filter(None, lines))

    def rows(self) -> list[TableRow]:
        return [
            TableRow(
                mirna=mirna,
                relation=relation,
                partner=partner,
                partner_type=found.partner_type,
                partner_id=found.partner_id,
                targets=tuple(sorted(set().union(*(self._targets.get((mirna, d), ()) for d in found.doc_ids)))),
                cell_lines=tuple(sorted(found.cell_lines)),
                n_sentences=found.n_sentences,
                n_docs=len(found.doc_ids),
                doc_ids=tuple(found.doc_ids),
                example=found.example,
            )
            for (mirna, relation, partner), found in sorted(self._findings.items())
        ]


def table_rows(rows: Iterable[TableRow]) -> list[tuple]:
    return [tuple(getattr(row, column) for column in TABLE_COLUMNS) for row in rows]


def write_json(path: Path, data: dict) -> None:
    with atomic_open(path) as handle:
        json.dump(data, handle, indent=2, sort_keys=True, ensure_ascii=False)
        handle.write("\n")


def write_tables(
    out_dir: Path,
    mentions: Iterable[Mention],
    relations: Sequence[Relation],
    errors: Iterable[InputError],
) -> dict[str, int]:
    """Write the four tables of a run into ``out_dir``; return the rows written per file."""
    return {
        MENTIONS_FILE: write_tsv(out_dir / MENTIONS_FILE, MENTION_COLUMNS, mention_rows(mentions)),
        RELATIONS_FILE: write_tsv(out_dir / RELATIONS_FILE, RELATION_COLUMNS, relation_rows(relations)),
        TABLE_FILE: write_tsv(out_dir / TABLE_FILE, TABLE_COLUMNS, table_rows(aggregate_table(relations))),
        ERRORS_FILE: write_tsv(out_dir / ERRORS_FILE, ERROR_COLUMNS, error_rows(errors)),
    }


def read_table(path: Path) -> list[TableRow]:
    """Rows of a run's table.tsv."""
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    lists = ("targets", "cell_lines", "doc_ids")
    return [
        TableRow(
            **{
                column: (tuple(filter(None, row[column].split(LIST_SEPARATOR))) if column in lists else row[column])
                for column in TABLE_COLUMNS
                if column not in ("n_sentences", "n_docs")
            },
            n_sentences=int(row["n_sentences"]),
            n_docs=int(row["n_docs"]),
        )
        for row in rows
    ]


def table_view(rows: Sequence[TableRow], by: str) -> list[tuple[str, ...]]:
    """The review's "Table 1" shape: per drug its miRNAs (by="drug"), or per miRNA its drugs (by="mirna").

    Each line: group, other side, effect, targets of that miRNA, cell lines, documents. Target rows themselves show
    only in the targets column.
    """
    if by not in ("drug", "mirna"):
        raise ValueError(f"by must be 'drug' or 'mirna', not {by!r}")
    drug_rows = [row for row in rows if row.partner_type in DRUG_TYPES]
    if by == "drug":
        ordered = sorted(drug_rows, key=lambda r: (r.partner, r.mirna, r.relation))
        return [
            (r.partner, r.mirna, r.relation, ", ".join(r.targets), ", ".join(r.cell_lines), ", ".join(r.doc_ids))
            for r in ordered
        ]
    ordered = sorted(drug_rows, key=lambda r: (_mirna_key(r.mirna), r.partner, r.relation))
    return [
        (r.mirna, r.partner, r.relation, ", ".join(r.targets), ", ".join(r.cell_lines), ", ".join(r.doc_ids))
        for r in ordered
    ]


def _mirna_key(norm: str) -> tuple:
    """miR-21 before miR-126: number order, then the rest of the name."""
    import re

    match = re.match(r"(?:miR|let)-(\d+)", norm)
    return (int(match.group(1)) if match else 10**9, norm)


# --- reading a run's tables back ----------------------------------------------------------------------------


class TableError(ValueError):
    """A run table that cannot be read back; the message names the file (and line) and what to do."""


@dataclass(frozen=True, slots=True)
class RelationRow:
    """One row of relations.tsv as read back: a schema.Relation without the sentence offsets the TSV does not keep."""

    relation_id: str
    doc_id: str
    section: str
    sentence_id: int
    mirna: str
    relation: str
    partner: str
    partner_type: str
    partner_id: str
    cell_lines: str
    negated: bool
    hedged: bool
    rule: str
    confidence: str
    sentence: str


def relation_row(fields: Sequence[str]) -> RelationRow:
    """A relations.tsv row, as written (its cells in RELATION_COLUMNS order), typed."""
    cells = dict(zip(RELATION_COLUMNS, fields))
    return RelationRow(
        **{**cells, "sentence_id": int(cells["sentence_id"]), "negated": cells["negated"] == "true", "hedged": cells["hedged"] == "true"}
    )


def read_rows(
    path: Path, columns: Sequence[str], what: str = "a mirmine run table", fix: str = "run `mirmine run` again"
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: cell}) of a TSV table, after checking that its header names every column.

    ``what`` and ``fix`` name the table and what to do when its header is wrong (a run table by default).
    """
    import csv

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


def _whole_number(path: Path, line: int, value: str) -> int:
    try:
        return int(value)
    except ValueError as err:
        raise TableError(f"{path}:{line}: {value!r} is not a whole number; run `mirmine run` again") from err


def read_relation_rows(path: Path) -> Iterator[RelationRow]:
    """The rows of a run's relations.tsv, typed."""
    for line, row in read_rows(path, RELATION_COLUMNS):
        yield RelationRow(
            **{
                **row,
                "sentence_id": _whole_number(path, line, row["sentence_id"]),
                "negated": row["negated"] == "true",
                "hedged": row["hedged"] == "true",
            }
        )


def read_mention_rows(path: Path) -> Iterator[Mention]:
    """The rows of a run's mentions.tsv as Mention records."""
    for line, row in read_rows(path, MENTION_COLUMNS):
        yield Mention(
            **{
                **row,
                "sentence_id": _whole_number(path, line, row["sentence_id"]),
                "start": _whole_number(path, line, row["start"]),
                "end": _whole_number(path, line, row["end"]),
            }
        )
