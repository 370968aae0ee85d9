"""A run: inputs -> chunks -> workers -> parts -> the tables and ``run.json`` in ``out_dir``.

Documents are read lazily and sent in chunks to the workers; results are written as they come into sorted parts
(``state.RunState``), and the final tables are a k-way merge of the parts, so they are the same for any number of
workers. A bad input is an error row, never the end of the batch.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pipeline import __version__
from pipeline.ingest import count_documents, read_inputs
from pipeline.output import (
    DOCUMENTS,
    ERRORS,
    MENTIONS,
    RELATIONS,
    RUN_FILE,
    TABLE,
    ParquetShards,
    TableBuilder,
    TableSpec,
    TsvWriter,
    atomic_open,
    file_sha256,
    relation_row,
    table_rows,
    write_json,
    write_tsv,
)
from pipeline.ruleset import RuleSet, load_ruleset
from pipeline.schema import Document, InputError

from .limits import Limits
from .out_dir import check_out_dir, input_arguments
from .state import RunState
from .workers import CHUNK_DOCS, ChunkResult, DaskPool, LocalPool

# The layout of a run's parts (one file per table and part); a resume never mixes parts of two layouts.
PARTS_FORMAT = 2

PART_DOCS = int(os.environ.get("MIRMINE_PART_DOCS", "2000"))
ENGINES = ("local", "dask")


@dataclass
class RunSummary:
    """What a run did, for the one-line summary and ``run.json``."""

    out_dir: Path
    documents: int = 0
    skipped: int = 0
    mentions_by_type: Counter = field(default_factory=Counter)
    relations_by_type: Counter = field(default_factory=Counter)
    errors: list[InputError] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 1
    rows: dict[str, int] = field(default_factory=dict)  # rows written, by file name

    @property
    def mentions(self) -> int:
        return sum(self.mentions_by_type.values())

    @property
    def relations(self) -> int:
        return sum(self.relations_by_type.values())


class _Batch:
    """The documents of one run on their way: read into chunks (duplicates and finished documents left out), and
    their results gathered into parts, with the counts the summary and the progress bar show."""

    def __init__(
        self, inputs: list[Path], state: RunState, summary: RunSummary, on_error: Callable[[InputError], None] | None
    ) -> None:
        self.inputs, self.state, self.summary, self.on_error = inputs, state, summary, on_error
        self.sources: Counter = Counter()
        self.progressed = 0
        self.pending: list[ChunkResult] = []
        self.pending_docs = 0

    def error(self, error: InputError) -> None:
        self.summary.errors.append(error)
        if self.on_error is not None:
            self.on_error(error)

    def chunks(self) -> Iterator[list[Document]]:
        chunk: list[Document] = []
        for item in read_inputs(self.inputs):
            if isinstance(item, InputError):
                self.error(item)
                continue
            first_source = self.state.index.first_source(item.doc_id, item.source)
            if first_source is not None:
                self.error(_duplicate(item, first_source))
                continue
            if self.state.is_done(item):
                self.summary.skipped += 1
                self.sources[item.source] += 1
                self.progressed += 1
                continue
            chunk.append(item)
            if len(chunk) >= CHUNK_DOCS:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def collect(self, result: ChunkResult) -> None:
        for error in result.errors:
            self.error(error)
        self.pending.append(result)
        self.pending_docs += len(result.docs)
        self.summary.documents += len(result.docs)
        self.progressed += len(result.docs) + len(result.errors)
        for _, _, source in result.docs:
            self.sources[source] += 1
        if self.pending_docs >= PART_DOCS:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.state.write_part(self.pending)
        self.pending, self.pending_docs = [], 0


def run_corpus(
    inputs: Iterable[str | Path],
    out_dir: Path,
    *,
    rules: RuleSet | None = None,
    model: str | None = None,
    workers: int = 1,
    resume: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    formats: tuple[str, ...] = ("tsv",),
    limits: Limits = Limits(),
    force: bool = False,
    on_error: Callable[[InputError], None] | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> RunSummary:
    """Read every input, extract from each document with ``rules`` (default: the packaged rules), write the tables;
    a bad input, or a document over a limit, is an errors.tsv row, not the end of the run.

    ``out_dir`` may hold the tables of a run of the same inputs (they are replaced), not those of a run of other
    inputs unless ``force`` (OtherRunError). When no document could be read at all, only errors.tsv is written:
    the tables of an earlier run stay.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    started = time.perf_counter()
    rules = rules if rules is not None else load_ruleset()
    inputs = [Path(path) for path in inputs]
    check_out_dir(out_dir, inputs, force)
    workers = max(1, workers)
    summary = RunSummary(out_dir=out_dir, workers=workers)
    checksums = rules.checksums()
    fingerprint = hashlib.sha256(json.dumps([__version__, PARTS_FORMAT, checksums, model or ""]).encode()).hexdigest()
    total = count_documents(inputs) if on_progress else None
    state = RunState(out_dir, fingerprint, resume)
    try:
        if engine == "dask":
            pool = DaskPool(workers, rules, model, scheduler, limits)
        else:
            pool = LocalPool(workers, rules, model, limits)
        built = time.perf_counter()
        batch = _Batch(inputs, state, summary, on_error)
        try:
            for result in pool.map(batch.chunks()):
                batch.collect(result)
                if on_progress is not None:
                    on_progress(batch.progressed, total)
            batch.flush()
        finally:
            pool.close()
        extracted = time.perf_counter()
        summary.documents += summary.skipped
        summary.seconds = extracted - started
        if summary.documents == 0:
            # Nothing to show: the tables an earlier run wrote stay; errors.tsv says why nothing could be read.
            summary.rows = {ERRORS.file: write_tsv(out_dir / ERRORS.file, ERRORS.columns, ERRORS.sorted_rows(summary.errors))}
            return summary
        rows = summary.rows = write_tables(state, out_dir, summary, parquet="parquet" in formats)
        finished = time.perf_counter()
        summary.seconds = finished - started
        timings = {"build_pipeline": built - started, "extract": extracted - built, "write": finished - extracted}
        info = _run_info(summary, batch.sources, inputs, rules, checksums, model, engine, state.resumed, rows, timings)
        write_json(out_dir / RUN_FILE, info)
        return summary
    finally:
        state.index.close()


def _run_info(
    summary: RunSummary, sources: Counter, inputs: list[Path], rules: RuleSet, checksums: dict[str, str],
    model: str | None, engine: str, resumed: bool, rows: dict[str, int], timings: dict[str, float],
) -> dict:  # fmt: skip
    """What ``run.json`` records: version, the inputs given (absolute) and each file read (its path as given and
    absolute, sha256, documents), the rules folder and its checksums, counts, timings."""
    return {
        "mirmine_version": __version__,
        "arguments": input_arguments(inputs),
        "inputs": [
            {"path": source, "absolute": str(Path(source).resolve()), "sha256": _input_sha256(Path(source)), "documents": count}
            for source, count in sorted(sources.items())
        ],
        "rules": checksums,
        "rules_folder": str(rules.folder),
        "model": model or None,
        "workers": summary.workers,
        "engine": engine,
        "resumed": {"skipped_documents": summary.skipped} if resumed else None,
        "counts": {
            "documents": summary.documents,
            "errors": len(summary.errors),
            "mentions": dict(sorted(summary.mentions_by_type.items())),
            "relations": dict(sorted(summary.relations_by_type.items())),
            "rows": rows,
        },
        "timings_s": {name: round(seconds, 3) for name, seconds in {**timings, "total": summary.seconds}.items()},
    }


def write_tables(state: RunState, out_dir: Path, summary: RunSummary, parquet: bool = False) -> dict[str, int]:
    """The final tables: a merge of the parts, in each table's order (``output.columns``).

    With ``parquet``, mentions and relations are also written as Parquet shards (``mentions.parquet/part-*.parquet``)
    beside the TSV tables, from the same merged stream.
    """
    summary.mentions_by_type.clear()
    summary.relations_by_type.clear()
    counts = {MENTIONS.file: _merge_into(state, out_dir, MENTIONS, summary.mentions_by_type, parquet)}
    years: dict[str, str] = {}  # doc_id -> year, for table.tsv's years: the one thing kept of each document
    doc_id_at, year_at = DOCUMENTS.columns.index("doc_id"), DOCUMENTS.columns.index("year")
    with atomic_open(out_dir / DOCUMENTS.file) as handle:
        writer = TsvWriter(handle, DOCUMENTS.columns)
        for row in state.merged(DOCUMENTS):
            writer.write(row)
            if row[year_at]:
                years[row[doc_id_at]] = row[year_at]
    counts[DOCUMENTS.file] = writer.rows
    table = TableBuilder()  # rolled up as the sorted relations stream past: no relation is kept in memory
    counts[RELATIONS.file] = _merge_into(
        state, out_dir, RELATIONS, summary.relations_by_type, parquet, each=lambda row: table.add(relation_row(row))
    )
    counts[TABLE.file] = write_tsv(out_dir / TABLE.file, TABLE.columns, table_rows(table.rows(years)))
    counts[ERRORS.file] = write_tsv(out_dir / ERRORS.file, ERRORS.columns, ERRORS.sorted_rows(summary.errors))
    return counts


def _merge_into(
    state: RunState, out_dir: Path, table: TableSpec, counter: Counter, parquet: bool,
    each: Callable[[list[str]], None] | None = None,
) -> int:  # fmt: skip
    """Write one table from the merged parts (and its Parquet shards); count its rows by type or relation."""
    count_at = table.columns.index("type" if table is MENTIONS else "relation")
    shards = ParquetShards(out_dir / f"{Path(table.file).stem}.parquet", table) if parquet else None
    with atomic_open(out_dir / table.file) as handle:
        rows = _stream(handle, table, state.merged(table), counter, count_at, each, shards)
    if shards is not None:
        shards.close()
    return rows


def _stream(
    handle: IO[str], table: TableSpec, rows: Iterator[list[str]], counter: Counter, count_at: int,
    each: Callable[[list[str]], None] | None, shards: ParquetShards | None,
) -> int:  # fmt: skip
    writer = TsvWriter(handle, table.columns)
    for row in rows:
        writer.write(row)
        counter[row[count_at]] += 1
        if each is not None:
            each(row)
        if shards is not None:
            shards.add(row)
    return writer.rows


def _duplicate(document: Document, first_source: str) -> InputError:
    return InputError(
        document.source,
        document.doc_id,
        "ingest",
        f"duplicate doc_id {document.doc_id} (first read from {first_source}); this copy is skipped",
    )


def _input_sha256(path: Path) -> str:
    """The input's sha256, or "" when it cannot be read again (a file removed during the run)."""
    try:
        return file_sha256(path)
    except OSError:
        return ""
