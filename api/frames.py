"""Table cells -> typed pandas DataFrames: one kind per column name, the same in every table and in the store.

A column's kind comes from ``COLUMN_KINDS`` (its name means the same thing wherever it appears), else from the
``TableSpec`` of its table (``ints``, ``floats``, ``bools``, ``lists``), else it is text. A column neither knows
(one a newer mirmine wrote) stays text: a notebook never fails on a column it has not heard of.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pandas as pd

from pipeline.output import LIST_SEPARATOR, TableError, TableSpec

INT, NULLABLE_INT, FLOAT, BOOL, LIST, INT_LIST, TEXT = "int", "nullable_int", "float", "bool", "list", "int_list", "text"

# The typed columns of the run's tables and of the store's findings, by name. A new typed column needs one entry here
# (or its TableSpec set): `cancer` (relations.tsv), `cancers` and `years` (table.tsv) are typed as soon as they appear.
COLUMN_KINDS = {
    **dict.fromkeys(("sentence_id", "start", "end", "mirna_start", "mirna_end", "partner_start", "partner_end"), INT),
    **dict.fromkeys(("n_sentences", "n_docs", "n_mentions", "n_relations", "first_merge", "last_merge"), INT),
    "year": NULLABLE_INT,  # empty where the input gives none
    "confidence": FLOAT,
    **dict.fromkeys(("negated", "hedged", "stale"), BOOL),
    **dict.fromkeys(("cell_lines", "targets", "doc_ids", "cancer", "cancers"), LIST),
    "years": INT_LIST,
}
DTYPES = {INT: "int64", NULLABLE_INT: "Int64", FLOAT: "float64", BOOL: "bool", LIST: "object", INT_LIST: "object"}
_FLAGS = {"true": True, "false": False, "1": True, "0": False, 1: True, 0: False, True: True, False: False}


def column_kind(name: str, spec: TableSpec | None = None) -> str:
    """How the column ``name`` (of the table ``spec``, if any) is typed: one of the kinds above."""
    if name in COLUMN_KINDS:
        return COLUMN_KINDS[name]
    if spec is not None:
        for names, kind in ((spec.ints, INT), (spec.floats, FLOAT), (spec.bools, BOOL), (spec.lists, LIST)):
            if name in names:
                return kind
    return TEXT


def frame(
    columns: Sequence[str], rows: Iterable[Sequence[object]], spec: TableSpec | None = None, where: str = "the table"
) -> pd.DataFrame:
    """A DataFrame of ``rows`` (cells as a TSV holds them, or as SQLite gives them), each column typed by its kind.

    A cell that does not fit its column's kind raises TableError naming ``where``, the column and the value.
    """
    values = list(zip(*rows)) or [()] * len(columns)
    data = {name: _typed(name, list(cells), column_kind(name, spec), where) for name, cells in zip(columns, values)}
    return pd.DataFrame(data, columns=list(columns))


def _typed(name: str, cells: list, kind: str, where: str) -> pd.Series:
    convert = _CONVERTERS.get(kind)
    if convert is None:
        return pd.Series(["" if cell is None else str(cell) for cell in cells], dtype=_text_dtype(), name=name)
    try:
        typed = [convert(cell) for cell in cells]
    except (ValueError, KeyError, TypeError) as err:
        bad = next(cell for cell in cells if not _fits(convert, cell))
        raise TableError(f"{where}: column {name}: {bad!r} is not {_WHAT[kind]}") from err
    return pd.Series(typed, dtype=DTYPES[kind], name=name)


def _fits(convert: Callable[[object], object], cell: object) -> bool:
    try:
        convert(cell)
    except (ValueError, KeyError, TypeError):
        return False
    return True


def _text_dtype() -> object:
    """Text columns hold Python str: pandas' own default for text (``str`` from pandas 3, ``object`` before)."""
    return pd.Series(["a"]).dtype


def _split(cell: object) -> list[str]:
    return [item for item in str(cell or "").split(LIST_SEPARATOR) if item]


def _nullable_int(cell: object) -> object:
    return pd.NA if cell is None or cell == "" else int(cell)


_CONVERTERS: dict[str, Callable[[object], object]] = {
    INT: int,
    NULLABLE_INT: _nullable_int,
    FLOAT: float,
    BOOL: _FLAGS.__getitem__,
    LIST: _split,
    INT_LIST: lambda cell: [int(item) for item in _split(cell)],
}
_WHAT = {
    INT: "a whole number", NULLABLE_INT: "a whole number or empty", FLOAT: "a number", BOOL: "true or false",
    LIST: "a list", INT_LIST: f"a {LIST_SEPARATOR}-joined list of whole numbers",
}  # fmt: skip
