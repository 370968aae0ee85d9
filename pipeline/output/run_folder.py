"""The one reader of a run folder (``mirmine run --out DIR``): its tables and ``run.json``, typed, with checked headers.

Export, report, curate, evaluate and ``mirmine table`` read runs through ``RunFolder``; a table that cannot be read
is a ``TableError`` naming the file (and line) and what to do.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.schema import InputError, Mention

from .columns import DOCUMENTS, ERRORS, MENTIONS, RELATIONS, RUN_FILE, TABLE, TableSpec
from .files import file_sha256
from .table import TableRow
from .tsv import LIST_SEPARATOR, TableError, read_rows


@dataclass(frozen=True, slots=True)
class RelationRow:
    """One row of relations.tsv as read back: a ``schema.Relation`` without the sentence offsets the TSV does not keep.

    Whole numbers and flags are typed; ``cell_lines`` and ``cancer`` stay ``;``-joined and ``confidence`` keeps its written text.
    """

    relation_id: str
    doc_id: str
    section: str
    sentence_id: int
    mirna: str
    relation: str
    direction: str
    partner: str
    partner_type: str
    partner_id: str
    cell_lines: str
    cancer: str
    negated: bool
    hedged: bool
    rule: str
    confidence: str
    mirna_start: int
    mirna_end: int
    partner_start: int
    partner_end: int
    sentence: str


def relation_row(fields: Sequence[str]) -> RelationRow:
    """A relations.tsv row from its cells as written by this run (RELATIONS column order), typed like
    ``RunFolder.relations`` but unchecked: the engine streams its own rows through it."""
    return RelationRow(**_typed_cells(RELATIONS, dict(zip(RELATIONS.columns, fields)), int, "true".__eq__, str))


class RunFolder:
    """A run folder: what ``mirmine run`` wrote into ``--out``. Tables are read when asked for, one row at a time."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def check(self) -> RunFolder:
        """This folder, if it is one; a TableError that says what to pass otherwise."""
        if not self.path.exists():
            raise TableError(f"{self.path}: folder not found; pass the folder that `mirmine run --out` wrote")
        if not self.path.is_dir():
            raise TableError(f"{self.path}: not a folder; pass the folder that `mirmine run --out` wrote")
        return self

    def file(self, table: TableSpec | str) -> Path:
        """The path of one of the run's files (a table's spec, or a file name such as ``run.json``)."""
        return self.path / (table if isinstance(table, str) else table.file)

    def has(self, table: TableSpec | str) -> bool:
        return self.file(table).is_file()

    def info(self) -> dict:
        """``run.json``: version, inputs with sha256, rule checksums, counts, timings."""
        path = self.file(RUN_FILE)
        if not path.is_file():
            raise TableError(f"{path}: file not found; pass the folder of a run (`mirmine run --out DIR`)")
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as err:
            raise TableError(f"{path}: not valid JSON ({err}); re-run `mirmine run`") from err
        if not isinstance(info, dict):
            raise TableError(f"{path}: not a run.json (a JSON object); re-run `mirmine run`")
        return info

    def info_sha256(self) -> str:
        return file_sha256(self.file(RUN_FILE))

    def exact_header(self, table: TableSpec) -> None:
        """Check that the table's header is this version's, column for column (a store keys its rows by position)."""
        path = self.file(table)
        if not path.is_file():
            raise TableError(f"{path}: file not found; pass the --out folder of a `mirmine run`")
        with path.open(encoding="utf-8", newline="") as handle:
            header = handle.readline().rstrip("\r\n").split("\t")
        if header != list(table.columns):
            raise TableError(
                f"{path}: not a mirmine {table.file} of this version (its header should be: {', '.join(table.columns)}); "
                "run `mirmine run` again"
            )

    def mentions(self) -> Iterator[Mention]:
        """mentions.tsv as Mention records."""
        for row in self._typed(MENTIONS):
            yield Mention(**row)

    def relations(self) -> Iterator[RelationRow]:
        """relations.tsv as RelationRow records."""
        for row in self._typed(RELATIONS):
            yield RelationRow(**row)

    def documents(self) -> Iterator[dict]:
        """documents.tsv as dicts of its columns, the counts as whole numbers (none for a run written before it)."""
        if self.has(DOCUMENTS):
            yield from self._typed(DOCUMENTS)

    def errors(self) -> Iterator[InputError]:
        """errors.tsv as InputError records (none when the run wrote no errors.tsv)."""
        if self.has(ERRORS):
            for _, row in read_rows(self.file(ERRORS), ERRORS.columns):
                yield InputError(**row)

    def table(self) -> list[TableRow]:
        """table.tsv as TableRow records."""
        rows = []
        for row in self._typed(TABLE):
            for name in TABLE.lists:
                row[name] = tuple(filter(None, row[name].split(LIST_SEPARATOR)))
            rows.append(TableRow(**row))
        return rows

    def _typed(self, table: TableSpec) -> Iterator[dict]:
        """The table's rows with whole numbers and flags typed; other cells as written."""
        path = self.file(table)
        for line, row in read_rows(path, table.columns):
            where = f"{path}:{line}"
            yield _typed_cells(
                table, row, lambda value: _whole_number(where, value), lambda value: _flag(where, value),
                lambda value: _number_text(where, value),
            )  # fmt: skip

    def doc_ids(self, table: TableSpec) -> Iterator[str]:
        """The doc_id of every row of a table, read fast (a store asks which documents a large run covered)."""
        at = table.columns.index("doc_id")
        with self.file(table).open(encoding="utf-8", newline="") as handle:
            next(handle, None)
            for line in handle:
                yield line.split("\t", at + 1)[at]


def _typed_cells(
    table: TableSpec, row: dict, whole_number: Callable[[str], int], flag: Callable[[str], bool], number: Callable[[str], str]
) -> dict:
    """Whole numbers and flags typed; a decimal number is checked but keeps its written text (``confidence``)."""
    for name in table.ints:
        row[name] = whole_number(row[name])
    for name in table.bools:
        row[name] = flag(row[name])
    for name in table.floats:
        row[name] = number(row[name])
    return row


def _whole_number(where: str, value: str) -> int:
    try:
        return int(value)
    except ValueError as err:
        raise TableError(f"{where}: {value!r} is not a whole number; run `mirmine run` again") from err


def _flag(where: str, value: str) -> bool:
    if value not in ("true", "false"):
        raise TableError(f"{where}: expected true or false, not {value!r}; run `mirmine run` again")
    return value == "true"


def _number_text(where: str, value: str) -> str:
    try:
        float(value)
    except ValueError as err:
        raise TableError(f"{where}: {value!r} is not a number; run `mirmine run` again") from err
    return value
