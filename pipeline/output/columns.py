"""The run's tables as data: file name, columns, the order of the rows and the typed columns, one place each.

Every writer (the engine's parts and final merge, ``write_tsv``, the Parquet shards) and every reader (``RunFolder``)
takes these facts from the ``TableSpec`` of its table, so a column or a sort key is never written twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter, itemgetter


@dataclass(frozen=True)
class TableSpec:
    """One table of a run folder.

    ``order`` names the columns its rows are sorted by; ``ints``, ``floats`` and ``bools`` the columns that hold such
    values (read back typed, written typed to Parquet); ``lists`` the ``;``-joined ones. Every other column is text.
    """

    file: str
    columns: tuple[str, ...]
    order: tuple[str, ...] = ()
    ints: frozenset[str] = field(default_factory=frozenset)
    floats: frozenset[str] = field(default_factory=frozenset)
    bools: frozenset[str] = field(default_factory=frozenset)
    lists: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        unknown = set(self.order) | self.ints | self.floats | self.bools | self.lists
        unknown -= set(self.columns)
        if unknown:
            raise ValueError(f"{self.file}: {sorted(unknown)} are not among its columns")

    @cached_property
    def row_of(self) -> Callable[[object], tuple]:
        """A record (``Mention``, ``Relation``, ``TableRow``) as its row: the values of the columns, in order."""
        return attrgetter(*self.columns)

    @cached_property
    def key_of_row(self) -> Callable[[Sequence], tuple]:
        """The sort key of a row of typed values (a record's row); made in C."""
        return itemgetter(*map(self.columns.index, self.order))

    @cached_property
    def key_of_fields(self) -> Callable[[Sequence[str]], tuple]:
        """The same key of a row read back as text (a part file's line split at tabs): whole numbers compare as numbers."""
        positions = tuple((self.columns.index(name), name in self.ints) for name in self.order)
        return lambda fields: tuple(int(fields[i]) if is_int else fields[i] for i, is_int in positions)

    def sorted_rows(self, records: Iterable[object]) -> list[tuple]:
        """The rows of these records in the table's order."""
        return sorted(map(self.row_of, records), key=self.key_of_row)


MENTIONS = TableSpec(
    "mentions.tsv",
    ("doc_id", "section", "sentence_id", "start", "end", "text", "type", "norm", "concept_id", "rule"),
    order=("doc_id", "start", "end", "type", "norm", "rule"),
    ints=frozenset({"sentence_id", "start", "end"}),
)
RELATIONS = TableSpec(
    "relations.tsv",
    (
        "relation_id", "doc_id", "section", "sentence_id", "mirna", "relation", "direction", "partner", "partner_type",
        "partner_id", "cell_lines", "cancer", "negated", "hedged", "rule", "confidence",
        "mirna_start", "mirna_end", "partner_start", "partner_end", "sentence",
    ),  # fmt: skip
    order=("doc_id", "sentence_id", "mirna", "relation", "partner", "relation_id"),
    ints=frozenset({"sentence_id", "mirna_start", "mirna_end", "partner_start", "partner_end"}),
    floats=frozenset({"confidence"}),
    bools=frozenset({"negated", "hedged"}),
    lists=frozenset({"cell_lines", "cancer"}),
)
TABLE = TableSpec(
    "table.tsv",
    (
        "mirna", "relation", "partner", "partner_type", "partner_id", "targets", "cell_lines", "cancers", "years",
        "n_sentences", "n_docs", "doc_ids", "example",
    ),  # fmt: skip
    order=("mirna", "relation", "partner"),
    ints=frozenset({"n_sentences", "n_docs"}),
    lists=frozenset({"targets", "cell_lines", "cancers", "years", "doc_ids"}),
)
# One row per document read; `year` is text (empty where the input gives none).
DOCUMENTS = TableSpec(
    "documents.tsv",
    ("doc_id", "pmid", "pmcid", "doi", "title", "journal", "year", "source", "sha256", "n_mentions", "n_relations"),
    order=("doc_id",),
    ints=frozenset({"n_mentions", "n_relations"}),
)
ERRORS = TableSpec("errors.tsv", ("source", "doc_id", "stage", "error"), order=("source", "doc_id", "stage", "error"))

RUN_FILE = "run.json"
