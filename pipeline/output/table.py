"""``table.tsv``: the relations rolled up to one row per (miRNA, relation, partner), and the review's "Table 1" view."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pipeline.schema import DRUG_TYPES, Relation

from .columns import TABLE
from .tsv import LIST_SEPARATOR


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
    cancers: tuple[str, ...]
    years: tuple[str, ...]
    n_sentences: int
    n_docs: int
    doc_ids: tuple[str, ...]
    example: str


def aggregate_table(relations: Iterable[Relation], years: Mapping[str, str] | None = None) -> list[TableRow]:
    """Roll non-negated relations up to one row per (mirna, relation, partner), sorted.

    Works on Relation records or on relations.tsv rows read back (anything with the same attribute names).
    ``years``: the publication year of each document (doc_id -> year) where known.
    """
    table = TableBuilder()
    # A stable sort: within a sentence the relations keep their order, as a run's sorted relations.tsv has them.
    for relation in sorted(relations, key=lambda r: (r.doc_id, r.sentence_id)):
        table.add(relation)
    return table.rows(years)


@dataclass(slots=True)
class _Finding:
    """What table.tsv keeps of one (mirna, relation, partner) while the relations go past."""

    partner_type: str
    partner_id: str
    example: str
    doc_ids: list[str]
    cell_lines: set[str]
    cancers: set[str]
    n_sentences: int
    last_sentence: tuple[str, int]


# The columns of relations.tsv the roll-up reads: a row read back from a store needs these and no more.
ROLLUP_COLUMNS = (
    "doc_id", "sentence_id", "mirna", "relation", "partner", "partner_type", "partner_id", "cell_lines", "cancer",
    "negated", "sentence",
)  # fmt: skip


class TableBuilder:
    """table.tsv rolled up from relations that arrive sorted by (doc_id, sentence_id), one at a time.

    Only what a row shows is kept (its documents, cell lines, cancers, the first sentence as its example), never the
    relations themselves: a run over all of PubMed holds its findings, not its millions of relation rows.
    ``targets`` lists the genes the same miRNA targets in the finding's documents; ``cancers`` the cancer of each of
    its relations (its sentence's, else its document's); ``years`` those of its documents.
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
            found = _Finding(r.partner_type, r.partner_id, r.sentence, [r.doc_id], set(), set(), 1, sentence)
            self._findings[(r.mirna, r.relation, r.partner)] = found
        elif sentence != found.last_sentence:
            found.n_sentences += 1
            found.last_sentence = sentence
            if r.doc_id != found.doc_ids[-1]:
                found.doc_ids.append(r.doc_id)
        found.cell_lines.update(filter(None, _items(r.cell_lines)))
        found.cancers.update(filter(None, _items(r.cancer)))

    def rows(self, years: Mapping[str, str] | None = None) -> list[TableRow]:
        """The table's rows, sorted; ``years``: doc_id -> publication year, where known."""
        years = years or {}
        return [
            TableRow(
                mirna=mirna,
                relation=relation,
                partner=partner,
                partner_type=found.partner_type,
                partner_id=found.partner_id,
                targets=tuple(sorted(set().union(*(self._targets.get((mirna, d), ()) for d in found.doc_ids)))),
                cell_lines=tuple(sorted(found.cell_lines)),
                cancers=tuple(sorted(found.cancers)),
                years=tuple(sorted({years[d] for d in found.doc_ids if years.get(d)})),
                n_sentences=found.n_sentences,
                n_docs=len(found.doc_ids),
                doc_ids=tuple(found.doc_ids),
                example=found.example,
            )
            for (mirna, relation, partner), found in sorted(self._findings.items())
        ]


def _items(value: str | tuple[str, ...]) -> Iterable[str]:
    """A list column's items: a Relation holds them as a tuple, a row read back from relations.tsv as one ";"-joined
    cell."""
    return value.split(LIST_SEPARATOR) if isinstance(value, str) else value


def table_rows(rows: Iterable[TableRow]) -> list[tuple]:
    """Rows of table.tsv in column order."""
    return list(map(TABLE.row_of, rows))


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
    ordered = sorted(drug_rows, key=lambda r: (mirna_sort_key(r.mirna), r.partner, r.relation))
    return [
        (r.mirna, r.partner, r.relation, ", ".join(r.targets), ", ".join(r.cell_lines), ", ".join(r.doc_ids))
        for r in ordered
    ]


def mirna_sort_key(norm: str) -> tuple:
    """miR-21 before miR-126: number order, then the rest of the name."""
    match = _MIRNA_NUMBER.match(norm)
    return (int(match.group(1)) if match else 10**9, norm)


_MIRNA_NUMBER = re.compile(r"(?:miR|let)-(\d+)")
