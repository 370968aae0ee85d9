"""A run's tables as DataFrames: read from a run folder (``read_run``) or made in memory from texts (``extract_text``).

Both go through the same cells: ``extract_text`` formats its records as ``mirmine run`` writes them (``output.cell``)
and types them as ``read_run`` types a file, so the same text gives the same frames either way.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from pathlib import Path

import pandas as pd

from pipeline.engine import extractor_for
from pipeline.engine.workers import document_row
from pipeline.extract import Extractor
from pipeline.ingest import normalize_newlines, text_document
from pipeline.output import DOCUMENTS, MENTIONS, RELATIONS, TABLE, RunFolder, TableError, TableSpec, aggregate_table, cell
from pipeline.ruleset import load_ruleset
from pipeline.schema import Document, Relation

from .frames import frame

TABLES = {"mentions": MENTIONS, "relations": RELATIONS, "table": TABLE, "documents": DOCUMENTS}


class Result:
    """The tables of a run as pandas DataFrames, typed: ``mentions``, ``relations``, ``table``, ``documents``.

    Columns are those of the TSV tables (``pipeline.output``), in their order; whole numbers are ``int64`` (``Int64``
    where a value may be missing: ``year``), flags ``bool``, ``confidence`` ``float64``, ``;``-joined cells Python
    lists, everything else text. Each frame is made when first asked for.
    """

    def __init__(self, loaders: Mapping[str, Callable[[], pd.DataFrame]], source: str) -> None:
        self._loaders = dict(loaders)
        self.source = source

    def __repr__(self) -> str:
        return f"<mirmine.Result of {self.source}>"

    @cached_property
    def mentions(self) -> pd.DataFrame:
        """mentions.tsv: one row per mention."""
        return self._loaders["mentions"]()

    @cached_property
    def relations(self) -> pd.DataFrame:
        """relations.tsv: one row per (miRNA, partner) pair per sentence or table row."""
        return self._loaders["relations"]()

    @cached_property
    def table(self) -> pd.DataFrame:
        """table.tsv: one row per (mirna, relation, partner) over all documents, non-negated rows only."""
        return self._loaders["table"]()

    @cached_property
    def documents(self) -> pd.DataFrame:
        """documents.tsv: one row per document read."""
        return self._loaders["documents"]()


def read_run(run_dir: str | Path) -> Result:
    """The tables ``mirmine run --out RUN_DIR`` wrote, as DataFrames; a TableError when it is not such a folder.

    A column the table's header has beyond this version's (a newer run) is kept, as text, after the known ones.
    A run written before documents.tsv existed gives an empty ``documents`` frame.
    """
    folder = RunFolder(Path(run_dir)).check()
    if not folder.has(RELATIONS):
        raise TableError(f"{folder.file(RELATIONS)}: file not found; pass the folder that `mirmine run --out` wrote")
    loaders = {name: _file_loader(folder, spec) for name, spec in TABLES.items()}
    return Result(loaders, str(run_dir))


def _file_loader(folder: RunFolder, spec: TableSpec) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        if spec is DOCUMENTS and not folder.has(DOCUMENTS):
            return frame(spec.columns, [], spec)
        return read_table(folder.file(spec), spec)

    return load


def read_table(path: Path, spec: TableSpec) -> pd.DataFrame:
    """One TSV table of a run as a typed DataFrame: the spec's columns first, any other column of the file after them."""
    if not path.is_file():
        raise TableError(f"{path}: file not found; pass the folder of a run (`mirmine run --out DIR`)")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, [])
        missing = [name for name in spec.columns if name not in header]
        if missing:
            raise TableError(f"{path}: no column {', '.join(missing)} in the header; not a mirmine {spec.file}, run `mirmine run` again")
        rows = list(reader)
    ragged = next((i for i, row in enumerate(rows, start=2) if len(row) != len(header)), None)
    if ragged is not None:
        raise TableError(f"{path}:{ragged}: expected {len(header)} tab-separated cells")
    columns = [*spec.columns, *(name for name in header if name not in spec.columns)]
    order = [header.index(name) for name in columns]
    return frame(columns, ([row[i] for i in order] for row in rows), spec, str(path))


def extract_text(texts: str | Iterable[str] | Mapping[str, str]) -> Result:
    """Mentions, relations, table and documents of texts, in memory, by the per-document path of ``mirmine run``.

    ``texts``: one string (doc id ``text-1``), strings (``text-1``, ``text-2``, ...) or a dict of doc id -> text.
    Nothing is written; the spaCy pipeline is built once per process and kept.
    """
    documents = [_document(doc_id, text) for doc_id, text in _numbered(texts)]
    extractor = _extractor()
    extractions = [extractor(document) for document in documents]
    mentions = [m for extraction in extractions for m in extraction.mentions]
    relations = [r for extraction in extractions for r in extraction.relations]
    rows = {
        "mentions": MENTIONS.sorted_rows(mentions),
        "relations": RELATIONS.sorted_rows(relations),
        "table": [TABLE.row_of(row) for row in _table(relations, documents)],
        "documents": sorted(
            (document_row(d, len(e.mentions), len(e.relations)) for d, e in zip(documents, extractions)),
            key=DOCUMENTS.key_of_row,
        ),
    }
    loaders = {name: _rows_loader(TABLES[name], rows[name]) for name in TABLES}
    return Result(loaders, f"{len(documents)} text{'s' if len(documents) != 1 else ''}")


def _table(relations: Sequence[Relation], documents: Sequence[Document]) -> list:
    """table.tsv's rows of these relations, as the engine rolls them up (each document's year, as the engine takes it
    from documents.tsv)."""
    return aggregate_table(relations, {d.doc_id: str(d.year) for d in documents if d.year})


def _rows_loader(spec: TableSpec, rows: Sequence[Sequence[object]]) -> Callable[[], pd.DataFrame]:
    # Cells as the TSV writer makes them (confidence with two decimals, lists joined), then typed as a file is.
    return lambda: frame(spec.columns, ([cell(value) for value in row] for row in rows), spec)


def _numbered(texts: str | Iterable[str] | Mapping[str, str]) -> list[tuple[str, str]]:
    if isinstance(texts, str):
        return [("text-1", texts)]
    if isinstance(texts, Mapping):
        pairs = [(str(doc_id), text) for doc_id, text in texts.items()]
    else:
        pairs = [(f"text-{number}", text) for number, text in enumerate(texts, start=1)]
    wrong = next(((doc_id, text) for doc_id, text in pairs if not isinstance(text, str)), None)
    if wrong is not None:
        raise TypeError(f"{wrong[0]}: expected a text (str), not {type(wrong[1]).__name__}")
    return pairs


def _document(doc_id: str, text: str) -> Document:
    """A Document as ``mirmine run`` reads a .txt file of this text (sections, front matter), named ``doc_id``."""
    document = text_document(Path(f"{doc_id}.txt"), normalize_newlines(text), "txt")
    return dataclasses.replace(document, doc_id=doc_id, source=doc_id)


def _extractor() -> Extractor:
    """The process's extractor for the packaged rules: the one ``mirmine run`` would use in this process."""
    return extractor_for(load_ruleset())
