"""Feed documents to ``extract()`` and write the run: inputs -> tables in ``out_dir``.

Documents are read lazily and sent in small chunks to worker processes (forked, each with the pipeline built once),
which return plain records, never spaCy Docs. Results are written as they come, in sorted part files of a few
thousand documents under ``out_dir/.mirmine/parts``; each finished part is recorded in ``done.jsonl`` (appended and
fsynced after the part's files are renamed into place). The final tables are a k-way merge of the parts, so they
are the same for any number of workers, and a run killed at any point and restarted with ``resume=True`` skips the
documents of recorded parts (same doc_id, same text, same rules) and redoes the rest: none lost, none twice.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import shutil
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import IO

from pipeline import __version__
from pipeline.extract import build_pipeline, extract
from pipeline.ingest import count_documents, read_inputs
from pipeline.output import (
    ERROR_COLUMNS,
    ERRORS_FILE,
    MENTION_COLUMNS,
    MENTIONS_FILE,
    RELATION_COLUMNS,
    RELATIONS_FILE,
    RUN_FILE,
    TABLE_COLUMNS,
    TABLE_FILE,
    TableBuilder,
    relation_row,
    atomic_open,
    error_rows,
    MENTION_ORDER,
    RELATION_ORDER,
    mention_tuple,
    relation_tuple,
    tsv_line,
    table_rows,
    write_json,
    write_tsv,
)
from pipeline.ruleset import rules_checksums
from pipeline.schema import Document, InputError

STATE_DIR = ".mirmine"
CHUNK_DOCS = 32
PART_DOCS = int(os.environ.get("MIRMINE_PART_DOCS", "2000"))
MERGE_FAN_IN = 64  # part files open at once in the final merge


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

    @property
    def mentions(self) -> int:
        return sum(self.mentions_by_type.values())

    @property
    def relations(self) -> int:
        return sum(self.relations_by_type.values())


@dataclass
class ChunkResult:
    """What a worker sends back for a chunk of documents: plain records only.

    Mentions and relations travel as (sort key, TSV line) pairs: the line is the row of the part file, formatted
    in the worker, so the parent (one process for all workers) only sorts and writes. A tuple of strings pickles and
    loads 7 times faster than a frozen dataclass (0.015 against 0.11 ms an abstract, worker and parent), and with the
    cells formatted here the parent's CPU over a 2-worker run went from 0.57 to 0.32 ms an abstract.
    """

    docs: list[tuple[str, str, str]]  # (doc_id, sha256 of the text, source)
    mentions: list[tuple[tuple, str]]
    relations: list[tuple[tuple, str]]
    errors: list[InputError]


# --- workers ----------------------------------------------------------------------------------------------


# spaCy's vocabulary and tokenizer cache keep every new word they meet: over 100,000 abstracts that was 316,000
# strings and 153 MB more per process. A pipeline is rebuilt (the lexicons stay loaded) after this many documents:
# one process then peaked at 286 MB over 10,000 abstracts and at 288 MB over 100,000, for ~0.2 s per rebuild.
# `Language.memory_zone` frees the same memory but turns the tokenizer cache off inside the zone: 30 % slower.
REFRESH_DOCS = int(os.environ.get("MIRMINE_REFRESH_DOCS", "10000"))
_processed = Counter()


@cache
def _pipeline(rules_dir: Path | None, model: str | None):
    """The pipeline of this process, built once (forked workers inherit the parent's) and again every REFRESH_DOCS."""
    return build_pipeline(rules_dir, model)


def _fresh_pipeline(rules_dir: Path | None, model: str | None, documents: int):
    """The pipeline for the next ``documents`` documents of this process, rebuilt when the current one has done its share."""
    key = (rules_dir, model)
    if _processed[key] >= REFRESH_DOCS:
        _pipeline.cache_clear()
        _processed.clear()
    _processed[key] += documents
    return _pipeline(rules_dir, model)


def process_chunk(documents: list[Document], rules_dir: Path | None = None, model: str | None = None) -> ChunkResult:
    """Extract from a chunk of documents; a document that breaks a stage becomes an error row, not a crash."""
    nlp = _fresh_pipeline(rules_dir, model, len(documents))
    result = ChunkResult([], [], [], [])
    for document in documents:
        try:
            extraction = extract(document, nlp)
        except Exception as err:  # one document that breaks a stage must not cost the batch
            result.errors.append(InputError(document.source, document.doc_id, "extract", f"{type(err).__name__}: {err}"))
            continue
        result.docs.append((document.doc_id, document.sha256, document.source))
        for row in map(mention_tuple, extraction.mentions):
            result.mentions.append((MENTION_ORDER(row), tsv_line(row)))
        for row in map(relation_tuple, extraction.relations):
            result.relations.append((RELATION_ORDER(row), tsv_line(row)))
    return result


class _LocalPool:
    """N forked workers over chunks (results in completion order), or the calling process when N is 1."""

    def __init__(self, workers: int, rules_dir: Path | None, model: str | None) -> None:
        self.workers, self.rules_dir, self.model = workers, rules_dir, model
        _pipeline(rules_dir, model)  # built before the fork: workers share its pages and start at once
        self.pool = None
        if workers > 1:
            import multiprocessing

            self.pool = multiprocessing.get_context("fork").Pool(workers)

    def map(self, chunks: Iterable[list[Document]]) -> Iterator[ChunkResult]:
        if self.pool is None:
            for chunk in chunks:
                yield process_chunk(chunk, self.rules_dir, self.model)
            return
        from functools import partial

        task = partial(process_chunk, rules_dir=self.rules_dir, model=self.model)
        yield from self.pool.imap_unordered(task, chunks)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()


class _DaskPool:
    """The same work on Dask: a cluster at ``scheduler`` or a LocalCluster of ``workers`` processes.

    Chunks go out as futures (a bounded number in flight, so a huge input never sits in memory); each worker builds
    the pipeline once, on its first chunk (``_pipeline`` is cached per process), and returns plain records.
    """

    def __init__(self, workers: int, rules_dir: Path | None, model: str | None, scheduler: str | None) -> None:
        from distributed import Client, LocalCluster

        self.rules_dir, self.model = rules_dir, model
        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self.cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
            )
            self.client = Client(self.cluster)
        self.in_flight = 4 * max(1, len(self.client.scheduler_info().get("workers", {})) or workers)

    def map(self, chunks: Iterable[list[Document]]) -> Iterator[ChunkResult]:
        from distributed import as_completed

        pending = as_completed()
        for chunk in chunks:
            pending.add(self.client.submit(process_chunk, chunk, self.rules_dir, self.model, pure=False))
            if pending.count() >= self.in_flight:
                yield next(pending).result()
        for future in pending:
            yield future.result()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


# --- run state: parts and the record of finished documents ------------------------------------------------


class RunState:
    """The parts of a run and ``done.jsonl``, the record of which documents each finished part holds.

    ``done.jsonl`` and the parts' ``.done`` markers are the record; ``index`` is rebuilt from them at every start.
    """

    def __init__(self, out_dir: Path, fingerprint: str, resume: bool) -> None:
        self.dir = out_dir / STATE_DIR
        self.parts = self.dir / "parts"
        self.done_file = self.dir / "done.jsonl"
        self.fingerprint = fingerprint
        self.resumed = False
        if resume and self._fingerprint_matches():
            self.resumed = True
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
        self.parts.mkdir(parents=True, exist_ok=True)
        self.index = DocIndex(self.dir / "index.sqlite")
        if self.resumed:
            self._load_done()
        write_json(self.dir / "state.json", {"fingerprint": fingerprint, "mirmine_version": __version__})
        self.next_part = max((int(p.name.split("-")[1].split(".")[0]) for p in self.parts.glob("part-*.done")), default=-1) + 1
        self._latest: dict[str, int] | None = None

    def _fingerprint_matches(self) -> bool:
        try:
            return json.loads((self.dir / "state.json").read_text(encoding="utf-8"))["fingerprint"] == self.fingerprint
        except (OSError, ValueError, KeyError):
            return False

    def _load_done(self) -> None:
        try:
            handle = self.done_file.open(encoding="utf-8")
        except OSError:
            return
        with handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # the line a kill cut short: its part is not recorded, so its documents are redone
                if (self.parts / f"part-{record['part']:06d}.done").exists():
                    self.index.record_part(record["part"], record["docs"])

    def is_done(self, document: Document) -> bool:
        """Whether an earlier run of these rules finished this document with this text."""
        return self.resumed and self.index.sha_of(document.doc_id) == document.sha256

    def write_part(self, results: list[ChunkResult]) -> None:
        """Write one part (three sorted TSV files), then record it: a kill before the record loses only this part."""
        number = self.next_part
        self.next_part += 1
        stem = self.parts / f"part-{number:06d}"
        _write_lines(Path(f"{stem}.mentions.tsv"), (m for r in results for m in r.mentions))
        _write_lines(Path(f"{stem}.relations.tsv"), (x for r in results for x in r.relations))
        Path(f"{stem}.done").touch()
        docs = [[doc_id, sha] for r in results for doc_id, sha, _ in r.docs]
        with self.done_file.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"part": number, "docs": docs}) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.index.record_part(number, docs)

    def merged(self, kind: str, key: Callable[[list[str]], tuple], doc_at: int) -> Iterator[list[str]]:
        """Rows of every part for ``kind`` in the final order, each document's rows from its latest part only.

        At most MERGE_FAN_IN files are open at once: beyond that, groups of parts are merged into sorted files
        first (a run over PubMed has ~19,000 parts, more than a process may open). Ties keep the order of the
        parts at every level, so the result does not depend on the fan-in.
        """
        for old in self.dir.glob(f"merge-{kind}-*.tsv"):
            old.unlink()  # left by a run killed while merging
        streams: list[Iterator[list[str]]] = []
        for done in sorted(self.parts.glob("part-*.done")):
            number = int(done.name.split("-")[1].split(".")[0])
            streams.append(self._rows(Path(f"{self.parts}/part-{number:06d}.{kind}.tsv"), number, doc_at))
        written = 0
        while len(streams) > MERGE_FAN_IN:
            merged_streams = []
            for first in range(0, len(streams), MERGE_FAN_IN):
                path = self.dir / f"merge-{kind}-{written:06d}.tsv"
                written += 1
                _write_rows(path, heapq.merge(*streams[first : first + MERGE_FAN_IN], key=key))
                merged_streams.append(_read_rows(path))
            streams = merged_streams
        yield from heapq.merge(*streams, key=key)
        for path in self.dir.glob(f"merge-{kind}-*.tsv"):
            path.unlink()

    def _rows(self, path: Path, part: int, doc_at: int) -> Iterator[list[str]]:
        if self._latest is None:
            self._latest = self.index.redone()
        latest = self._latest
        for fields in _read_rows(path):
            if latest.get(fields[doc_at], part) == part:
                yield fields


class DocIndex:
    """The run's document indexes, on disk: the documents read so far (for duplicates) and the finished ones.

    A run over PubMed reads 38 million documents; as dicts in the parent process these indexes took 200 bytes a
    document (7.6 GB). In a scratch SQLite file (no journal, no syncs: it is rebuilt from ``done.jsonl`` at every
    start) they take a few MB of memory. ``copies`` counts the parts that hold a document: a document redone on
    resume (its text changed) is in two, and only the latest one's rows go into the tables. The pool's feeder
    thread asks about documents read while the main thread records parts: one lock around every statement.
    """

    def __init__(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE seen (doc_id TEXT PRIMARY KEY, source INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE done (doc_id TEXT PRIMARY KEY, part INTEGER NOT NULL, sha TEXT NOT NULL,
                               copies INTEGER NOT NULL DEFAULT 1) WITHOUT ROWID;
            BEGIN;
            """
        )
        self.sources: dict[str, int] = {}
        self.lock = threading.Lock()

    def first_source(self, doc_id: str, source: str) -> str | None:
        """Note that ``doc_id`` was read from ``source``; the source it was first read from if it was read before."""
        number = self.sources.setdefault(source, len(self.sources))
        with self.lock:
            try:
                self.db.execute("INSERT INTO seen VALUES (?, ?)", (doc_id, number))
                return None
            except sqlite3.IntegrityError:
                (first,) = self.db.execute("SELECT source FROM seen WHERE doc_id = ?", (doc_id,)).fetchone()
        return next(name for name, n in self.sources.items() if n == first)

    def record_part(self, part: int, docs: list[list[str]]) -> None:
        """Record that ``part`` holds these [doc_id, sha256] documents."""
        with self.lock:
            self.db.executemany(
                "INSERT INTO done (doc_id, part, sha) VALUES (?, ?, ?) ON CONFLICT (doc_id) DO UPDATE"
                " SET part = excluded.part, sha = excluded.sha, copies = copies + 1",
                [(doc_id, part, sha) for doc_id, sha in docs],
            )

    def sha_of(self, doc_id: str) -> str | None:
        with self.lock:
            row = self.db.execute("SELECT sha FROM done WHERE doc_id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def redone(self) -> dict[str, int]:
        """The latest part of each document that more than one part holds (none, unless a resume redid some)."""
        with self.lock:
            return dict(self.db.execute("SELECT doc_id, part FROM done WHERE copies > 1"))

    def close(self) -> None:
        with self.lock:
            self.db.execute("COMMIT")
            self.db.close()


def _read_rows(path: Path) -> Iterator[list[str]]:
    """The rows of a part or merge file, opened only when the first row is asked for."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield line.rstrip("\n").split("\t")


def _write_rows(path: Path, rows: Iterable[list[str]]) -> None:
    with atomic_open(path) as handle:
        handle.writelines(map(tsv_line, rows))


_first = itemgetter(0)


def _write_lines(path: Path, keyed_lines: Iterable[tuple[tuple, str]]) -> None:
    """Write the lines ordered by their keys (a stable sort: equal keys keep the order the workers gave)."""
    with atomic_open(path) as handle:
        handle.writelines(line for _, line in sorted(keyed_lines, key=_first))


# --- the run ----------------------------------------------------------------------------------------------


def run_corpus(
    inputs: Iterable[str | Path],
    out_dir: Path,
    *,
    rules_dir: Path | None = None,
    model: str | None = None,
    workers: int = 1,
    resume: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    formats: tuple[str, ...] = ("tsv",),
    on_error: Callable[[InputError], None] | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> RunSummary:
    """Read every input, extract from each document, write the tables; a bad input is recorded, not fatal.

    When no document could be read at all, nothing is written.
    """
    started = time.perf_counter()
    inputs = [Path(path) for path in inputs]
    workers = max(1, workers)
    summary = RunSummary(out_dir=out_dir, workers=workers)
    checksums = rules_checksums(rules_dir)
    fingerprint = hashlib.sha256(json.dumps([__version__, checksums, model or ""]).encode()).hexdigest()
    total = count_documents(inputs) if on_progress else None

    def record_error(error: InputError) -> None:
        summary.errors.append(error)
        if on_error is not None:
            on_error(error)

    if engine not in ("local", "dask"):
        raise ValueError(f"engine must be 'local' or 'dask', not {engine!r}")
    state = RunState(out_dir, fingerprint, resume)
    try:
        pool = _DaskPool(workers, rules_dir, model, scheduler) if engine == "dask" else _LocalPool(workers, rules_dir, model)
        built = time.perf_counter()
        sources: Counter = Counter()
        pending: list[ChunkResult] = []
        pending_docs = 0
        progressed = 0

        def chunks() -> Iterator[list[Document]]:
            nonlocal progressed
            chunk: list[Document] = []
            for item in read_inputs(inputs):
                if isinstance(item, InputError):
                    record_error(item)
                    continue
                first_source = state.index.first_source(item.doc_id, item.source)
                if first_source is not None:
                    record_error(_duplicate(item, first_source))
                    continue
                if state.is_done(item):
                    summary.skipped += 1
                    sources[item.source] += 1
                    progressed += 1
                    continue
                chunk.append(item)
                if len(chunk) >= CHUNK_DOCS:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk

        try:
            for result in pool.map(chunks()):
                for error in result.errors:
                    record_error(error)
                pending.append(result)
                pending_docs += len(result.docs)
                summary.documents += len(result.docs)
                progressed += len(result.docs) + len(result.errors)
                for _, _, source in result.docs:
                    sources[source] += 1
                if pending_docs >= PART_DOCS:
                    state.write_part(pending)
                    pending, pending_docs = [], 0
                if on_progress is not None:
                    on_progress(progressed, total)
            if pending:
                state.write_part(pending)
        finally:
            pool.close()
        extracted = time.perf_counter()

        summary.documents += summary.skipped
        if summary.documents == 0:
            # Nothing to show: keep whatever an earlier run wrote rather than replace it with empty tables.
            summary.seconds = extracted - started
            return summary
        rows = _write_tables(state, out_dir, summary, parquet="parquet" in formats)
        finished = time.perf_counter()
        summary.seconds = finished - started
        write_json(
            out_dir / RUN_FILE,
            {
                "mirmine_version": __version__,
                "inputs": [{"path": source, "sha256": _sha256(Path(source)), "documents": n} for source, n in sorted(sources.items())],
                "rules": checksums,
                "model": model or None,
                "workers": workers,
                "engine": engine,
                "resumed": {"skipped_documents": summary.skipped} if state.resumed else None,
                "counts": {
                    "documents": summary.documents,
                    "errors": len(summary.errors),
                    "mentions": dict(sorted(summary.mentions_by_type.items())),
                    "relations": dict(sorted(summary.relations_by_type.items())),
                    "rows": rows,
                },
                "timings_s": {
                    "build_pipeline": round(built - started, 3),
                    "extract": round(extracted - built, 3),
                    "write": round(finished - extracted, 3),
                    "total": round(summary.seconds, 3),
                },
            },
        )
        return summary

    finally:
        state.index.close()

def _write_tables(state: RunState, out_dir: Path, summary: RunSummary, parquet: bool = False) -> dict[str, int]:
    """The final tables: a merge of the parts, in the order the writers of output.py define.

    With ``parquet``, mentions and relations are also written as Parquet shards (``mentions.parquet/part-*.parquet``)
    beside the TSV tables, from the same merged stream.
    """
    counts = {}
    mention_key = _key(MENTION_COLUMNS, ("doc_id", "start", "end", "type", "norm", "rule"), ints=("start", "end"))
    relation_key = _key(RELATION_COLUMNS, ("doc_id", "sentence_id", "mirna", "relation", "partner", "relation_id"), ints=("sentence_id",))
    type_at, relation_at = MENTION_COLUMNS.index("type"), RELATION_COLUMNS.index("relation")
    summary.mentions_by_type.clear()
    summary.relations_by_type.clear()
    mention_shards = _ParquetShards(out_dir / "mentions.parquet", MENTION_COLUMNS) if parquet else None
    with atomic_open(out_dir / MENTIONS_FILE) as handle:
        counts[MENTIONS_FILE] = _stream(
            handle, MENTION_COLUMNS, state.merged("mentions", mention_key, MENTION_COLUMNS.index("doc_id")),
            summary.mentions_by_type, type_at, shards=mention_shards,
        )  # fmt: skip
    table = TableBuilder()  # rolled up as the sorted relations stream past: no relation is kept in memory
    relation_shards = _ParquetShards(out_dir / "relations.parquet", RELATION_COLUMNS) if parquet else None
    with atomic_open(out_dir / RELATIONS_FILE) as handle:
        counts[RELATIONS_FILE] = _stream(
            handle, RELATION_COLUMNS, state.merged("relations", relation_key, RELATION_COLUMNS.index("doc_id")),
            summary.relations_by_type, relation_at, each=lambda row: table.add(relation_row(row)), shards=relation_shards,
        )  # fmt: skip
    for shards in (mention_shards, relation_shards):
        if shards is not None:
            shards.close()
    counts[TABLE_FILE] = write_tsv(out_dir / TABLE_FILE, TABLE_COLUMNS, table_rows(table.rows()))
    counts[ERRORS_FILE] = write_tsv(out_dir / ERRORS_FILE, ERROR_COLUMNS, error_rows(summary.errors))
    return counts


class _ParquetShards:
    """Rows written as Parquet files of at most SHARD_ROWS rows, typed (ints, floats, booleans), into a fresh folder."""

    SHARD_ROWS = 500_000
    INTS = frozenset({"sentence_id", "start", "end"})
    FLOATS = frozenset({"confidence"})
    BOOLS = frozenset({"negated", "hedged"})

    def __init__(self, folder: Path, columns: tuple[str, ...]) -> None:
        import pyarrow  # noqa: F401  (fail early with an ImportError the CLI reports)

        self.folder, self.columns = folder, columns
        self.tmp = folder.with_name(f".{folder.name}.tmp")
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp.mkdir(parents=True)
        self.rows: list[list[str]] = []
        self.n = 0

    def add(self, row: list[str]) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.SHARD_ROWS:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        data = {}
        for i, name in enumerate(self.columns):
            values = [row[i] for row in self.rows]
            if name in self.INTS:
                data[name] = pa.array([int(v) for v in values], pa.int64())
            elif name in self.FLOATS:
                data[name] = pa.array([float(v) for v in values], pa.float64())
            elif name in self.BOOLS:
                data[name] = pa.array([v == "true" for v in values], pa.bool_())
            else:
                data[name] = pa.array(values, pa.string())
        pq.write_table(pa.table(data), self.tmp / f"part-{self.n:05d}.parquet")
        self.n += 1
        self.rows = []

    def close(self) -> None:
        if self.rows or self.n == 0:
            self._flush()
        shutil.rmtree(self.folder, ignore_errors=True)
        os.replace(self.tmp, self.folder)


def _stream(
    handle: IO[str], columns, rows: Iterator[list[str]], counter: Counter, count_at: int,
    each: Callable[[list[str]], None] | None = None, shards: _ParquetShards | None = None,
) -> int:  # fmt: skip
    handle.write("\t".join(columns) + "\n")
    n = 0
    for row in rows:
        handle.write("\t".join(row) + "\n")
        counter[row[count_at]] += 1
        if each is not None:
            each(row)
        if shards is not None:
            shards.add(row)
        n += 1
    return n


def _key(columns: tuple[str, ...], names: tuple[str, ...], ints: tuple[str, ...]) -> Callable[[list[str]], tuple]:
    positions = [(columns.index(name), name in ints) for name in names]
    return lambda fields: tuple(int(fields[i]) if is_int else fields[i] for i, is_int in positions)


def _duplicate(document: Document, first_source: str) -> InputError:
    return InputError(
        document.source,
        document.doc_id,
        "ingest",
        f"duplicate doc_id {document.doc_id} (first read from {first_source}); this copy is skipped",
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()
