"""The curated store: an SQLite file that collects runs and never loses a curator's decision.

Two levels, one decision point:
- ``evidence``: one row per ``relations.tsv`` row, keyed by its ``relation_id`` (stable across runs).
- ``findings``: one row per (mirna, relation, partner), the shape of ``table.tsv``, rolled up from the live
  (not stale, not negated) evidence of every merged run with the rule of ``output.aggregate_table``. Curators decide
  on findings; a finding's id is ``finding_id(mirna, relation, partner)``, the same in every store.

A merge is one ``BEGIN IMMEDIATE`` transaction: a merge killed half-way leaves the store as it was. It adds new
evidence, updates changed evidence, and marks stale the evidence of the documents the run covered (the doc_ids in its
relations.tsv or mentions.tsv) that the run no longer produced; evidence of documents the run did not process is left
alone, so merging a new batch of papers never makes the old ones stale. A finding with no live evidence left is stale;
one whose evidence comes back is live again. Nothing is ever deleted, and a merge never writes a decision column.
Decisions are kept twice: the current one on the finding, every one in the append-only ``decisions`` table.
"""

from __future__ import annotations

import csv
import hashlib
import math
import random
import sqlite3
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from pipeline.output import (
    LIST_SEPARATOR,
    MENTIONS,
    RELATIONS,
    RUN_FILE,
    TABLE_COLUMNS,
    RunFolder,
    TableBuilder,
    TableError,
    TableRow,
    atomic_open,
    atomic_path,
    cell,
    table_view,
    tsv_line,
    write_parquet,
)

SCHEMA_VERSION = 1
DEFAULT_WAIT_S = 60.0
MERGE_CACHE_KIB = 128 * 1024
DECISIONS = ("accepted", "rejected")
EXPORT_STATUSES = ("accepted", "pending", "rejected", "stale")
DEFAULT_EXPORT_STATUSES = ("accepted", "pending")
EXPORT_FORMATS = {".tsv": "tsv", ".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
STATUS_COLUMNS = ("finding_id", "status", "stale", "curator", "decided_at", "note")
EXPORT_COLUMNS = TABLE_COLUMNS + STATUS_COLUMNS
VIEW_COLUMNS = {
    "drug": ("drug", "mirna", "effect", "targets", "cell_lines", "doc_ids"),
    "mirna": ("mirna", "drug", "effect", "targets", "cell_lines", "doc_ids"),
}
CHANGE_KINDS = ("added", "changed", "revived", "stale")
Z_95 = 1.959963984540054
TARGET_MARGIN = 0.05

EVIDENCE_COLUMNS = (
    "relation_id", "finding_id", "doc_id", "section", "sentence_id", "mirna", "relation", "partner", "partner_type",
    "partner_id", "cell_lines", "negated", "hedged", "rule", "confidence", "sentence",
)  # fmt: skip
_EVIDENCE_CONTENT = EVIDENCE_COLUMNS[2:]
_FINDING_VALUES = ("partner_type", "partner_id", "targets", "cell_lines", "n_sentences", "n_docs", "doc_ids", "example")
_LISTS = ("targets", "cell_lines", "doc_ids")
# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS merges (
        merge_id INTEGER PRIMARY KEY,
        run_dir TEXT NOT NULL,
        run_json_sha256 TEXT NOT NULL,
        run_time TEXT NOT NULL,
        merged_at TEXT NOT NULL,
        documents INTEGER NOT NULL DEFAULT 0,
        findings_added INTEGER NOT NULL DEFAULT 0,
        findings_changed INTEGER NOT NULL DEFAULT 0,
        findings_revived INTEGER NOT NULL DEFAULT 0,
        findings_staled INTEGER NOT NULL DEFAULT 0,
        evidence_added INTEGER NOT NULL DEFAULT 0,
        evidence_changed INTEGER NOT NULL DEFAULT 0,
        evidence_staled INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE IF NOT EXISTS findings (
        finding_id TEXT PRIMARY KEY,
        mirna TEXT NOT NULL, relation TEXT NOT NULL, partner TEXT NOT NULL,
        partner_type TEXT NOT NULL, partner_id TEXT NOT NULL, targets TEXT NOT NULL, cell_lines TEXT NOT NULL,
        n_sentences INTEGER NOT NULL, n_docs INTEGER NOT NULL, doc_ids TEXT NOT NULL, example TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
        curator TEXT NOT NULL DEFAULT '', decided_at TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',
        stale INTEGER NOT NULL DEFAULT 0,
        first_merge INTEGER NOT NULL REFERENCES merges, last_merge INTEGER NOT NULL REFERENCES merges,
        UNIQUE (mirna, relation, partner))""",
    # finding_id is not a foreign key: evidence of a negated sentence rolls up to no finding.
    """CREATE TABLE IF NOT EXISTS evidence (
        relation_id TEXT PRIMARY KEY, finding_id TEXT NOT NULL,
        doc_id TEXT NOT NULL, section TEXT NOT NULL, sentence_id INTEGER NOT NULL,
        mirna TEXT NOT NULL, relation TEXT NOT NULL, partner TEXT NOT NULL,
        partner_type TEXT NOT NULL, partner_id TEXT NOT NULL, cell_lines TEXT NOT NULL,
        negated INTEGER NOT NULL, hedged INTEGER NOT NULL, rule TEXT NOT NULL, confidence REAL NOT NULL,
        sentence TEXT NOT NULL,
        stale INTEGER NOT NULL DEFAULT 0,
        first_merge INTEGER NOT NULL REFERENCES merges, last_merge INTEGER NOT NULL REFERENCES merges)""",
    "CREATE INDEX IF NOT EXISTS evidence_by_finding ON evidence (mirna, relation, partner, doc_id, sentence_id)",
    "CREATE INDEX IF NOT EXISTS evidence_by_doc ON evidence (doc_id)",
    """CREATE TABLE IF NOT EXISTS changes (
        merge_id INTEGER NOT NULL REFERENCES merges, finding_id TEXT NOT NULL REFERENCES findings,
        kind TEXT NOT NULL CHECK (kind IN ('added', 'changed', 'revived', 'stale')), detail TEXT NOT NULL,
        PRIMARY KEY (merge_id, finding_id))""",
    """CREATE TABLE IF NOT EXISTS decisions (
        decision_id INTEGER PRIMARY KEY, finding_id TEXT NOT NULL REFERENCES findings,
        status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
        note TEXT NOT NULL, curator TEXT NOT NULL, decided_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS decisions_by_finding ON decisions (finding_id)",
    """CREATE TABLE IF NOT EXISTS samples (
        finding_id TEXT PRIMARY KEY REFERENCES findings, draw INTEGER NOT NULL, seed INTEGER NOT NULL,
        sampled_at TEXT NOT NULL)""",
    """CREATE TRIGGER IF NOT EXISTS decisions_are_kept BEFORE UPDATE ON decisions
        BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS decisions_are_not_deleted BEFORE DELETE ON decisions
        BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS findings_are_not_deleted BEFORE DELETE ON findings
        BEGIN SELECT RAISE(ABORT, 'findings are never deleted; they go stale'); END""",
)


class CurateError(Exception):
    """A store or a run folder that cannot be used; the message names the file and what to do."""


@dataclass(frozen=True, slots=True)
class Merge:
    """One merge of a run into the store and what it did."""

    merge_id: int
    run_dir: str
    run_json_sha256: str
    run_time: str
    merged_at: str
    documents: int
    findings_added: int
    findings_changed: int
    findings_revived: int
    findings_staled: int
    evidence_added: int
    evidence_changed: int
    evidence_staled: int

    @property
    def changed_anything(self) -> bool:
        return any(getattr(self, name) for name in self.__slots__ if name.startswith(("findings_", "evidence_")))


@dataclass(frozen=True, slots=True)
class Change:
    """What a merge did to one finding; ``status`` is the finding's current decision."""

    kind: str
    finding_id: str
    status: str
    mirna: str
    relation: str
    partner: str
    detail: str


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision as recorded; ``previous`` is the status it replaced, ``via`` the evidence id it was given by."""

    finding_id: str
    mirna: str
    relation: str
    partner: str
    status: str
    previous: str
    note: str
    curator: str
    decided_at: str
    via: str = ""


@dataclass(frozen=True, slots=True)
class SampledFinding:
    finding_id: str
    relation: str
    mirna: str
    partner: str
    example: str


@dataclass(frozen=True, slots=True)
class SampleDraw:
    """A draw from the pending findings: its number, the seed that repeats it, the pool size, the findings drawn."""

    draw: int
    seed: int
    pool: int
    findings: tuple[SampledFinding, ...]


@dataclass(frozen=True, slots=True)
class PrecisionRow:
    """Precision of one relation type (or ``all``) on the checked sampled findings, with its 95 % Wilson interval.

    ``more`` is how many more checked findings would narrow the interval to +/-5 % at the current estimate.
    """

    relation: str
    sampled: int
    checked: int
    accepted: int
    precision: float | None
    low: float
    high: float
    more: int


@lru_cache(maxsize=1 << 16)
def finding_id(mirna: str, relation: str, partner: str) -> str:
    """The short stable id of a (mirna, relation, partner) finding: the same in every store and every run."""
    return hashlib.sha1("\t".join((mirna, relation, partner)).encode("utf-8")).hexdigest()[:10]


# --- the store: open, check the schema, transactions ---------------------------------------------------------


@contextmanager
def open_store(db: Path, *, create: bool = False, wait: float = DEFAULT_WAIT_S) -> Iterator[sqlite3.Connection]:
    """A connection to the store at ``db`` (made when ``create``), its schema checked; SQLite errors become CurateError."""
    if db.is_dir():
        raise CurateError(f"{db}: is a folder; pass a file name for --db")
    if not create and not db.is_file():
        raise CurateError(f"{db}: file not found; make the store first with `mirmine curate merge RUN_DIR --db {db}`")
    try:
        conn = sqlite3.connect(db, timeout=wait, isolation_level=None)
    except sqlite3.Error as err:
        raise _store_error(db, err, wait) from err
    try:
        conn.row_factory = sqlite3.Row
        _prepare_waiting(conn, db, create, wait)
        yield conn
    except sqlite3.Error as err:
        raise _store_error(db, err, wait) from err
    finally:
        conn.close()


def _prepare_waiting(conn: sqlite3.Connection, db: Path, create: bool, wait: float) -> None:
    """``_prepare``, tried again while another process holds the file.

    Two merges into a new store race to create it: switching the journal to WAL takes the whole file, and SQLite
    answers "locked" at once, without its busy timeout, to the one that loses. It waits and finds the schema made.
    """
    deadline = time.monotonic() + wait
    while True:
        try:
            _prepare(conn, db, create)
            return
        except sqlite3.OperationalError as err:
            if ("locked" not in str(err) and "busy" not in str(err)) or time.monotonic() >= deadline:
                raise
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            time.sleep(0.05)


def _prepare(conn: sqlite3.Connection, db: Path, create: bool) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    version = _schema_version(conn, db)
    if version is None:
        if not create:
            _refuse_unmade_store(conn, db)
        # WAL: readers (export, diff) never block a merge, and a killed writer leaves only uncommitted frames behind.
        conn.execute("PRAGMA journal_mode = WAL")
        with _writing(conn):
            # Looked at again under the write lock: another merge may have made the store in the meantime.
            if _schema_version(conn, db) is None:
                _refuse_unmade_store(conn, db, empty_ok=True)
                for statement in _SCHEMA:
                    conn.execute(statement)
                conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                conn.execute("INSERT OR IGNORE INTO meta VALUES ('created_at', ?)", (_utc_now(),))
        version = _schema_version(conn, db)
    if version > SCHEMA_VERSION:
        raise CurateError(
            f"{db}: written by a newer mirmine (store schema {version}, this mirmine reads up to {SCHEMA_VERSION}); "
            "upgrade mirmine to use this store"
        )


def _refuse_unmade_store(conn: sqlite3.Connection, db: Path, empty_ok: bool = False) -> None:
    """A database without the meta table: another program's (refused), or an empty file (refused unless creating)."""
    if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise CurateError(f"{db}: an SQLite database but not a mirmine curated store (no meta table); pass another --db")
    if not empty_ok:
        raise CurateError(f"{db}: an empty store; merge a run first with `mirmine curate merge RUN_DIR --db {db}`")


def _schema_version(conn: sqlite3.Connection, db: Path) -> int | None:
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone() is None:
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None or not str(row[0]).isdigit():
        raise CurateError(f"{db}: its meta table has no schema_version; not a mirmine curated store, pass another --db")
    return int(row[0])


def _store_error(db: Path, err: sqlite3.Error, wait: float) -> CurateError:
    text = str(err)
    if "locked" in text or "busy" in text:
        return CurateError(
            f"{db}: the store is busy: another merge or decision held it for {wait:g} s; "
            "try again when it finishes, or wait longer with --wait SECONDS"
        )
    if "not a database" in text:
        return CurateError(f"{db}: not a mirmine curated store (SQLite: {text}); pass the --db file that `mirmine curate merge` made")
    if "malformed" in text:
        return CurateError(f"{db}: the store is damaged (SQLite: {text}); restore it from a backup")
    if "unable to open" in text:
        return CurateError(f"{db}: cannot open the store ({text}); check that its folder exists and is writable")
    return CurateError(f"{db}: {text}")


@contextmanager
def _writing(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: the write lock is taken up front (so two writers queue instead of deadlocking)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def _reading(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction: every query inside sees the same snapshot, even while a merge commits."""
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def _utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- merge -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Run:
    folder: RunFolder
    run_json_sha256: str
    run_time: str


def _read_run(run_dir: Path) -> _Run:
    """The run folder, its tables' headers checked before the store is touched."""
    if not run_dir.is_dir():
        raise CurateError(f"{run_dir}: not a folder; pass the --out folder of a `mirmine run`")
    folder = RunFolder(run_dir)
    for name in (RELATIONS.file, RUN_FILE):
        if not folder.has(name):
            raise CurateError(f"{folder.file(name)}: file not found; pass the --out folder of a `mirmine run`")
    try:
        folder.exact_header(RELATIONS)
        if folder.has(MENTIONS):
            folder.exact_header(MENTIONS)
    except TableError as err:
        raise CurateError(str(err)) from err
    run_json = folder.file(RUN_FILE)
    run_time = datetime.fromtimestamp(run_json.stat().st_mtime, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return _Run(folder, folder.info_sha256(), run_time)


def _evidence_records(folder: RunFolder) -> Iterator[tuple]:
    """relations.tsv rows as evidence tuples (EVIDENCE_COLUMNS order), one at a time."""
    for row in folder.relations():
        yield (
            row.relation_id, finding_id(row.mirna, row.relation, row.partner), row.doc_id, row.section, row.sentence_id,
            row.mirna, row.relation, row.partner, row.partner_type, row.partner_id, row.cell_lines, int(row.negated),
            int(row.hedged), row.rule, float(row.confidence), row.sentence,
        )  # fmt: skip


def merge_run(db: Path, run_dir: Path, *, wait: float = DEFAULT_WAIT_S) -> Merge:
    """Merge the run folder ``run_dir`` into the store ``db`` (made if missing) in one transaction; return what it did."""
    run = _read_run(run_dir)
    columns = ", ".join(EVIDENCE_COLUMNS)
    content = ", ".join(_EVIDENCE_CONTENT)
    incoming_content = ", ".join(f"i.{name}" for name in _EVIDENCE_CONTENT)
    with open_store(db, create=True, wait=wait) as conn, _writing(conn):
        # Inserting a batch into three indexes in random order thrashes SQLite's default 2 MB page cache.
        conn.execute(f"PRAGMA cache_size = -{MERGE_CACHE_KIB}")
        merge_id = conn.execute(
            "INSERT INTO merges (run_dir, run_json_sha256, run_time, merged_at) VALUES (?, ?, ?, ?)",
            (str(run.folder.path.resolve()), run.run_json_sha256, run.run_time, _utc_now()),
        ).lastrowid
        conn.execute(f"CREATE TEMP TABLE incoming ({columns}, PRIMARY KEY (relation_id))")
        conn.execute("CREATE TEMP TABLE covered (doc_id TEXT PRIMARY KEY)")
        placeholders = ", ".join("?" * len(EVIDENCE_COLUMNS))
        try:
            conn.executemany(f"INSERT OR REPLACE INTO incoming VALUES ({placeholders})", _evidence_records(run.folder))
        except TableError as err:
            raise CurateError(str(err)) from err
        conn.execute("INSERT OR IGNORE INTO covered SELECT doc_id FROM incoming")
        if run.folder.has(MENTIONS):
            # A document whose last relation went away still shows in mentions.tsv: its old evidence must go stale.
            conn.executemany("INSERT OR IGNORE INTO covered VALUES (?)", ((doc_id,) for doc_id in run.folder.doc_ids(MENTIONS)))
        added = conn.execute(
            f"INSERT INTO evidence ({columns}, first_merge, last_merge) SELECT {columns}, :m, :m FROM incoming "
            "WHERE relation_id NOT IN (SELECT relation_id FROM evidence) ORDER BY relation_id",
            {"m": merge_id},
        ).rowcount
        changed = conn.execute(
            f"UPDATE evidence SET ({content}) = ({incoming_content}), stale = 0, last_merge = :m "
            f"FROM incoming AS i WHERE i.relation_id = evidence.relation_id AND evidence.first_merge != :m "
            f"AND (evidence.stale = 1 OR ({', '.join(f'evidence.{name}' for name in _EVIDENCE_CONTENT)}) "
            f"IS NOT ({incoming_content}))",
            {"m": merge_id},
        ).rowcount
        staled = conn.execute(
            "UPDATE evidence SET stale = 1, last_merge = :m WHERE stale = 0 "
            "AND doc_id IN (SELECT doc_id FROM covered) AND relation_id NOT IN (SELECT relation_id FROM incoming)",
            {"m": merge_id},
        ).rowcount
        findings = _refresh_findings(conn, merge_id)
        documents = conn.execute("SELECT count(*) FROM covered").fetchone()[0]
        conn.execute(
            "UPDATE merges SET documents = ?, findings_added = ?, findings_changed = ?, findings_revived = ?, "
            "findings_staled = ?, evidence_added = ?, evidence_changed = ?, evidence_staled = ? WHERE merge_id = ?",
            (documents, findings["added"], findings["changed"], findings["revived"], findings["stale"],
             added, changed, staled, merge_id),
        )  # fmt: skip
        conn.execute("DROP TABLE temp.incoming")
        conn.execute("DROP TABLE temp.covered")
        return _merge_row(conn, merge_id)


def _refresh_findings(conn: sqlite3.Connection, merge_id: int) -> Counter:
    """Roll up again the findings of every miRNA whose evidence this merge touched; record each change.

    Per miRNA, because a finding's ``targets`` column depends on the miRNA's other (``targets``) evidence.
    """
    counts: Counter = Counter()
    mirnas = [row[0] for row in conn.execute("SELECT DISTINCT mirna FROM evidence WHERE last_merge = ?", (merge_id,))]
    for mirna in mirnas:
        stored = {row["finding_id"]: row for row in conn.execute("SELECT * FROM findings WHERE mirna = ?", (mirna,))}
        for fid, row in _roll_up(conn, mirna):
            old = stored.pop(fid, None)
            values = _finding_values(row)
            if old is None:
                conn.execute(
                    f"INSERT INTO findings (finding_id, mirna, relation, partner, {', '.join(_FINDING_VALUES)}, "
                    f"first_merge, last_merge) VALUES ({', '.join('?' * (len(_FINDING_VALUES) + 6))})",
                    (fid, row.mirna, row.relation, row.partner, *values, merge_id, merge_id),
                )
                kind, detail = "added", ""
            else:
                before = tuple(old[name] for name in _FINDING_VALUES)
                if before == values and not old["stale"]:
                    continue
                conn.execute(
                    f"UPDATE findings SET {', '.join(f'{name} = ?' for name in _FINDING_VALUES)}, stale = 0, "
                    "last_merge = ? WHERE finding_id = ?",
                    (*values, merge_id, fid),
                )
                kind, detail = ("revived" if old["stale"] else "changed"), _describe(before, values)
            conn.execute("INSERT INTO changes VALUES (?, ?, ?, ?)", (merge_id, fid, kind, detail))
            counts[kind] += 1
        for gone in (fid for fid, old in stored.items() if not old["stale"]):
            conn.execute("UPDATE findings SET stale = 1, last_merge = ? WHERE finding_id = ?", (merge_id, gone))
            conn.execute(
                "INSERT INTO changes VALUES (?, ?, 'stale', 'no evidence left in the documents the run covered')",
                (merge_id, gone),
            )
            counts["stale"] += 1
    return counts


def _roll_up(conn: sqlite3.Connection, mirna: str) -> Iterator[tuple[str, TableRow]]:
    """The findings of one miRNA from its live evidence, rolled up by ``output.TableBuilder`` as a run's table is."""
    rows = conn.cursor()
    rows.row_factory = None  # plain tuples: this loop sees every live evidence row of the miRNA
    rows.execute(
        f"SELECT {', '.join(_EvidenceRow._fields)} FROM evidence WHERE mirna = ? AND stale = 0 AND negated = 0 "
        "ORDER BY doc_id, sentence_id, relation_id",
        (mirna,),
    )
    table = TableBuilder()
    for fields in rows:
        table.add(_EvidenceRow._make(fields))
    for row in table.rows():
        yield finding_id(row.mirna, row.relation, row.partner), row


class _EvidenceRow(NamedTuple):
    """What the table roll-up reads of an evidence row (the columns ``TableBuilder.add`` uses)."""

    doc_id: str
    sentence_id: int
    mirna: str
    relation: str
    partner: str
    partner_type: str
    partner_id: str
    cell_lines: str
    negated: int
    sentence: str


def _finding_values(row: TableRow) -> tuple:
    return tuple(LIST_SEPARATOR.join(getattr(row, name)) if name in _LISTS else getattr(row, name) for name in _FINDING_VALUES)


def _describe(before: tuple, after: tuple) -> str:
    """What changed in a finding, for the diff: ``n_docs 1 -> 2; doc_ids +PMID:3``."""
    parts = []
    for name, old, new in zip(_FINDING_VALUES, before, after):
        if old == new:
            continue
        if name in _LISTS:
            old_items, new_items = set(filter(None, old.split(LIST_SEPARATOR))), set(filter(None, new.split(LIST_SEPARATOR)))
            items = [f"+{item}" for item in sorted(new_items - old_items)] + [f"-{item}" for item in sorted(old_items - new_items)]
            parts.append(f"{name} {' '.join(items[:4])}" + (f" (+{len(items) - 4} more)" if len(items) > 4 else ""))
        elif name == "example":
            parts.append("new example")
        else:
            parts.append(f"{name} {old} -> {new}")
    return "; ".join(parts)


def _merge_row(conn: sqlite3.Connection, merge_id: int) -> Merge:
    row = conn.execute("SELECT * FROM merges WHERE merge_id = ?", (merge_id,)).fetchone()
    return Merge(**{name: row[name] for name in Merge.__slots__})


# --- diff ------------------------------------------------------------------------------------------------


def merge_changes(db: Path, merge_id: int | None = None) -> tuple[Merge, list[Change]]:
    """The last merge (or merge ``merge_id``) and what it did to each finding, added first, then changed, revived, stale."""
    with open_store(db) as conn, _reading(conn):
        if merge_id is None:
            merge_id = conn.execute("SELECT max(merge_id) FROM merges").fetchone()[0]
            if merge_id is None:
                raise CurateError(f"{db}: no run merged yet; merge one with `mirmine curate merge RUN_DIR --db {db}`")
        elif conn.execute("SELECT 1 FROM merges WHERE merge_id = ?", (merge_id,)).fetchone() is None:
            last = conn.execute("SELECT max(merge_id) FROM merges").fetchone()[0] or 0
            raise CurateError(f"{db}: no merge {merge_id}; the merges are numbered 1 to {last}")
        rows = conn.execute(
            "SELECT c.kind, c.finding_id, f.status, f.mirna, f.relation, f.partner, c.detail "
            "FROM changes AS c JOIN findings AS f USING (finding_id) WHERE c.merge_id = ?",
            (merge_id,),
        ).fetchall()
        merge = _merge_row(conn, merge_id)
    changes = [Change(*row) for row in rows]
    changes.sort(key=lambda c: (CHANGE_KINDS.index(c.kind), c.mirna, c.relation, c.partner))
    return merge, changes


# --- decide ----------------------------------------------------------------------------------------------


def decide(db: Path, row_id: str, status: str, *, note: str = "", curator: str = "unknown", wait: float = DEFAULT_WAIT_S) -> Decision:
    """Record a curator's decision on a finding, given its id or the relation_id of one of its evidence rows."""
    if status not in DECISIONS:
        raise ValueError(f"status must be one of {DECISIONS}, not {status!r}")
    key = row_id.strip().lower()
    with open_store(db, wait=wait) as conn, _writing(conn):
        fid, via = key, ""
        if conn.execute("SELECT 1 FROM findings WHERE finding_id = ?", (key,)).fetchone() is None:
            evidence = conn.execute("SELECT finding_id, negated FROM evidence WHERE relation_id = ?", (key,)).fetchone()
            if evidence is None:
                raise CurateError(
                    f"{db}: no finding or evidence row with id {row_id!r}; "
                    "take the id from `mirmine curate diff`, `sample` or the finding_id column of `export`"
                )
            fid, via = evidence["finding_id"], key
        finding = conn.execute("SELECT * FROM findings WHERE finding_id = ?", (fid,)).fetchone()
        if finding is None:
            raise CurateError(f"{db}: evidence row {row_id} is a negated sentence and supports no finding; nothing to decide")
        decided_at = _utc_now()
        conn.execute(
            "INSERT INTO decisions (finding_id, status, note, curator, decided_at) VALUES (?, ?, ?, ?, ?)",
            (fid, status, note, curator, decided_at),
        )
        conn.execute(
            "UPDATE findings SET status = ?, note = ?, curator = ?, decided_at = ? WHERE finding_id = ?",
            (status, note, curator, decided_at, fid),
        )
    return Decision(
        fid, finding["mirna"], finding["relation"], finding["partner"], status, finding["status"], note, curator, decided_at, via
    )


# --- export ----------------------------------------------------------------------------------------------


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
    with open_store(db) as conn, _reading(conn):
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
        records = [(*(getattr(table_row, name) for name in TABLE_COLUMNS), *status) for table_row, status in findings]
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
    lists = {name: tuple(filter(None, row[name].split(LIST_SEPARATOR))) for name in _LISTS}
    lists["targets"] = tuple(gene for gene in lists["targets"] if (row["mirna"], gene) not in rejected_targets)
    return TableRow(
        mirna=row["mirna"], relation=row["relation"], partner=row["partner"], partner_type=row["partner_type"],
        partner_id=row["partner_id"], n_sentences=row["n_sentences"], n_docs=row["n_docs"], example=row["example"], **lists,
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
    with atomic_open(out) as handle:
        handle.write("\t".join(header) + "\n")
        handle.writelines(tsv_line(_cells(header, record)) for record in records)


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


# --- sample and precision --------------------------------------------------------------------------------


def sample_findings(db: Path, n: int, *, seed: int | None = None, wait: float = DEFAULT_WAIT_S) -> SampleDraw:
    """Draw ``n`` pending findings not sampled before, stratified by relation type; record them as sampled.

    Proportional allocation with at least one finding per relation type while ``n`` allows; the same store and
    seed give the same draw.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    with open_store(db, wait=wait) as conn, _writing(conn):
        pool: dict[str, list[sqlite3.Row]] = defaultdict(list)
        for row in conn.execute(
            "SELECT finding_id, relation, mirna, partner, example FROM findings "
            "WHERE status = 'pending' AND stale = 0 AND finding_id NOT IN (SELECT finding_id FROM samples) "
            "ORDER BY relation, finding_id"
        ):
            pool[row["relation"]].append(row)
        allocation = allocate({relation: len(rows) for relation, rows in pool.items()}, n)
        rng = random.Random(seed)
        drawn = [row for relation in sorted(allocation) for row in rng.sample(pool[relation], allocation[relation])]
        draw = (conn.execute("SELECT max(draw) FROM samples").fetchone()[0] or 0) + 1
        sampled_at = _utc_now()
        conn.executemany(
            "INSERT INTO samples VALUES (?, ?, ?, ?)", [(row["finding_id"], draw, seed, sampled_at) for row in drawn]
        )
    findings = tuple(SampledFinding(*(row[name] for name in SampledFinding.__slots__)) for row in drawn)
    return SampleDraw(draw if drawn else 0, seed, sum(len(rows) for rows in pool.values()), findings)


def allocate(sizes: dict[str, int], n: int) -> dict[str, int]:
    """How many to draw from each stratum: proportional to its size (largest remainder), at least one each if ``n`` allows."""
    total = sum(sizes.values())
    n = min(n, total)
    strata = sorted((name for name, size in sizes.items() if size), key=lambda name: (-sizes[name], name))
    if n < len(strata):
        return {name: 1 for name in strata[:n]}
    quota = {name: n * sizes[name] / total for name in strata}
    counts = {name: min(sizes[name], max(1, math.floor(quota[name]))) for name in strata}
    while sum(counts.values()) > n:
        over = max((name for name in strata if counts[name] > 1), key=lambda name: (counts[name] - quota[name], name))
        counts[over] -= 1
    while sum(counts.values()) < n:
        under = max((name for name in strata if counts[name] < sizes[name]), key=lambda name: (quota[name] - counts[name], name))
        counts[under] += 1
    return counts


def estimate_precision(db: Path) -> list[PrecisionRow]:
    """Precision per relation type and over all (last row, ``all``) from the decisions on sampled findings."""
    with open_store(db) as conn, _reading(conn):
        rows = conn.execute(
            "SELECT f.relation, f.status FROM samples AS s JOIN findings AS f USING (finding_id)"
        ).fetchall()
    by_relation: dict[str, Counter] = defaultdict(Counter)
    for relation, status in rows:
        by_relation[relation][status] += 1
        by_relation["all"][status] += 1
    relations = [*sorted(name for name in by_relation if name != "all"), "all"]
    return [_precision_row(name, by_relation[name]) for name in relations]


def _precision_row(relation: str, counts: Counter) -> PrecisionRow:
    accepted, checked = counts["accepted"], counts["accepted"] + counts["rejected"]
    estimate = accepted / checked if checked else None
    low, high = wilson_interval(accepted, checked)
    more = max(0, checked_for_margin(0.5 if estimate is None else estimate) - checked)
    return PrecisionRow(relation, sum(counts.values()), checked, accepted, estimate, low, high, more)


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion; (0, 1) when nothing was checked."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = wilson_half_width(p, n, z)
    return max(0.0, centre - half), min(1.0, centre + half)


def wilson_half_width(p: float, n: int, z: float = Z_95) -> float:
    return z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))


def checked_for_margin(p: float, margin: float = TARGET_MARGIN, z: float = Z_95) -> int:
    """The smallest number of checked findings whose Wilson half-width at estimate ``p`` is within ``margin``."""
    low, high = 1, 1
    while wilson_half_width(p, high, z) > margin:
        high *= 2
    while low < high:
        middle = (low + high) // 2
        if wilson_half_width(p, middle, z) > margin:
            low = middle + 1
        else:
            high = middle
    return high
