"""The store itself: its schema, opening and checking it, transactions, errors, and the records the stage returns.

Two levels, one decision point:
- ``evidence``: one row per ``relations.tsv`` row, keyed by its ``relation_id`` (stable across runs).
- ``findings``: one row per (mirna, relation, partner), the shape of ``table.tsv``, rolled up from the live
  (not stale, not negated) evidence of every merged run with the rule of ``output.aggregate_table``. Curators decide
  on findings; a finding's id is ``finding_id(mirna, relation, partner)``, the same in every store.

Decisions are kept twice: the current one on the finding, every one in the append-only ``decisions`` table; so is a
curator's correction of a finding's relation, partner or direction (schema 4), which never changes its id.
The PubMed queries that ``mirmine update`` keeps up to date are in ``queries`` and ``query_pmids`` (see ``queries``).
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from pipeline.schema import RELATION_DIRECTIONS

SCHEMA_VERSION = 5
DEFAULT_WAIT_S = 60.0
DECISIONS = ("accepted", "rejected")
# What `curate decide` records: a decision, or `pending` to take one back (schema 4).
STATUSES = (*DECISIONS, "pending")
# A curator's correction of a finding (schema 4), on the finding (its current one) and on each decision: '' is none,
# the finding's value as extracted. The finding keeps its id and its extracted mirna, relation and partner.
CORRECTIONS = ("corrected_relation", "corrected_partner", "corrected_direction")
CHANGE_KINDS = ("added", "changed", "revived", "stale")
# The findings columns that hold LIST_SEPARATOR-joined lists.
LISTS = ("targets", "cell_lines", "cancers", "years", "doc_ids")
# What the store keeps of each document a merged run read (schema 5, from its documents.tsv): the years and journals of
# a finding's documents in exports.
DOCUMENT_COLUMNS = ("doc_id", "pmid", "pmcid", "doi", "title", "journal", "year")
_DOCUMENTS_TABLE = """CREATE TABLE IF NOT EXISTS documents (
        doc_id TEXT PRIMARY KEY, pmid TEXT NOT NULL, pmcid TEXT NOT NULL, doi TEXT NOT NULL, title TEXT NOT NULL,
        journal TEXT NOT NULL, year TEXT NOT NULL, last_merge INTEGER NOT NULL REFERENCES merges)"""

# The queries `mirmine update` keeps up to date (schema 3): per query text (white space collapsed), the --since of its
# first update ('' for all of PubMed), the UTC date of its last complete update ('' before the first), and every
# PMID fetched for it with the merge that brought it in.
_QUERY_TABLES = (
    """CREATE TABLE IF NOT EXISTS queries (
        query TEXT PRIMARY KEY,
        since TEXT NOT NULL DEFAULT '',
        last_update TEXT NOT NULL DEFAULT '',
        first_update TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS query_pmids (
        query TEXT NOT NULL REFERENCES queries, pmid TEXT NOT NULL, merge_id INTEGER NOT NULL REFERENCES merges,
        PRIMARY KEY (query, pmid))""",
)

# Every decision ever made, append-only (the triggers): `pending` and the corrections came with schema 4.
_DECISIONS_TABLE = """CREATE TABLE IF NOT EXISTS {name} (
        decision_id INTEGER PRIMARY KEY, finding_id TEXT NOT NULL REFERENCES findings,
        status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected', 'pending')),
        note TEXT NOT NULL, curator TEXT NOT NULL, decided_at TEXT NOT NULL,
        corrected_relation TEXT NOT NULL DEFAULT '', corrected_partner TEXT NOT NULL DEFAULT '',
        corrected_direction TEXT NOT NULL DEFAULT '')"""
_DECISIONS_GUARDS = (
    "CREATE INDEX IF NOT EXISTS decisions_by_finding ON decisions (finding_id)",
    """CREATE TRIGGER IF NOT EXISTS decisions_are_kept BEFORE UPDATE ON decisions
        BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS decisions_are_not_deleted BEFORE DELETE ON decisions
        BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END""",
)
# Schema 4: SQLite cannot widen a CHECK, so the decisions table is copied into the new shape, every row kept with its
# decision_id (dropping the old table drops its triggers first, so the copy is not refused as a delete).
_DECISIONS_UPGRADE = (
    _DECISIONS_TABLE.format(name="decisions_v4"),
    "INSERT INTO decisions_v4 (decision_id, finding_id, status, note, curator, decided_at) "
    "SELECT decision_id, finding_id, status, note, curator, decided_at FROM decisions ORDER BY decision_id",
    "DROP TABLE decisions",
    "ALTER TABLE decisions_v4 RENAME TO decisions",
    *_DECISIONS_GUARDS,
)

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
        cancers TEXT NOT NULL DEFAULT '', years TEXT NOT NULL DEFAULT '', n_sentences INTEGER NOT NULL, n_docs INTEGER NOT NULL, doc_ids TEXT NOT NULL, example TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
        curator TEXT NOT NULL DEFAULT '', decided_at TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',
        corrected_relation TEXT NOT NULL DEFAULT '', corrected_partner TEXT NOT NULL DEFAULT '',
        corrected_direction TEXT NOT NULL DEFAULT '',
        stale INTEGER NOT NULL DEFAULT 0,
        first_merge INTEGER NOT NULL REFERENCES merges, last_merge INTEGER NOT NULL REFERENCES merges,
        UNIQUE (mirna, relation, partner))""",
    # finding_id is not a foreign key: evidence of a negated sentence rolls up to no finding.
    """CREATE TABLE IF NOT EXISTS evidence (
        relation_id TEXT PRIMARY KEY, finding_id TEXT NOT NULL,
        doc_id TEXT NOT NULL, section TEXT NOT NULL, sentence_id INTEGER NOT NULL,
        mirna TEXT NOT NULL, relation TEXT NOT NULL, partner TEXT NOT NULL,
        partner_type TEXT NOT NULL, partner_id TEXT NOT NULL, cell_lines TEXT NOT NULL,
        cancer TEXT NOT NULL DEFAULT '', direction TEXT NOT NULL DEFAULT '',
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
    _DECISIONS_TABLE.format(name="decisions"),
    *_DECISIONS_GUARDS,
    """CREATE TABLE IF NOT EXISTS samples (
        finding_id TEXT PRIMARY KEY REFERENCES findings, draw INTEGER NOT NULL, seed INTEGER NOT NULL,
        sampled_at TEXT NOT NULL)""",
    """CREATE TRIGGER IF NOT EXISTS findings_are_not_deleted BEFORE DELETE ON findings
        BEGIN SELECT RAISE(ABORT, 'findings are never deleted; they go stale'); END""",
    *_QUERY_TABLES,
    _DOCUMENTS_TABLE,
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
    correction: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision as recorded; ``previous`` is the status it replaced, ``via`` the evidence id it was given by.

    ``mirna``, ``relation``, ``partner`` are the finding as extracted; ``corrected_*`` the curator's correction after
    this decision ('' none).
    """

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
    corrected_relation: str = ""
    corrected_partner: str = ""
    corrected_direction: str = ""

    def describe_correction(self) -> str:
        """``relation confers_resistance, partner SHC1``; '' when the finding stands as extracted."""
        return describe_correction(self.corrected_relation, self.corrected_partner, self.corrected_direction)


def describe_correction(relation: str, partner: str, direction: str) -> str:
    """The words for a correction, as the CLI and the diff print it; '' for none."""
    parts = [f"{name} {value}" for name, value in (("relation", relation), ("partner", partner), ("direction", direction)) if value]
    return ", ".join(parts)


def shown_direction(corrected_relation: str, corrected_direction: str, extracted: str) -> str:
    """A finding's direction as exported: the correction; else the one a corrected relation implies (sensitizes: up,
    associated: none); else the extracted one."""
    if corrected_direction:
        return corrected_direction
    if corrected_relation in RELATION_DIRECTIONS:
        return RELATION_DIRECTIONS[corrected_relation]
    return extracted


def original_directions(conn: sqlite3.Connection) -> dict[str, str]:
    """The direction of each finding as extracted: the ``;``-joined directions of its non-negated live evidence (of
    all its evidence when it is stale); '' where the text gives none."""
    found: dict[str, dict[int, set[str]]] = {}
    for fid, stale, direction in conn.execute(
        "SELECT finding_id, stale, direction FROM evidence WHERE negated = 0 AND direction != '' "
        "GROUP BY finding_id, stale, direction"
    ):
        found.setdefault(fid, {}).setdefault(stale, set()).add(direction)
    return {fid: ";".join(sorted(by_stale.get(0) or by_stale.get(1) or ())) for fid, by_stale in found.items()}


def original_direction(conn: sqlite3.Connection, mirna: str, relation: str, partner: str) -> str:
    """``original_directions`` of one finding, found through the evidence index on (mirna, relation, partner)."""
    by_stale: dict[int, set[str]] = {}
    for stale, direction in conn.execute(
        "SELECT stale, direction FROM evidence WHERE mirna = ? AND relation = ? AND partner = ? AND negated = 0 "
        "AND direction != ''",
        (mirna, relation, partner),
    ):
        by_stale.setdefault(stale, set()).add(direction)
    return ";".join(sorted(by_stale.get(0) or by_stale.get(1) or ()))


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
        with writing(conn):
            # Looked at again under the write lock: another merge may have made the store in the meantime.
            if _schema_version(conn, db) is None:
                _refuse_unmade_store(conn, db, empty_ok=True)
                for statement in _SCHEMA:
                    conn.execute(statement)
                conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                conn.execute("INSERT OR IGNORE INTO meta VALUES ('created_at', ?)", (utc_now(),))
        version = _schema_version(conn, db)
    if version < SCHEMA_VERSION:
        _upgrade(conn, db)
        version = _schema_version(conn, db)
    if version > SCHEMA_VERSION:
        raise CurateError(
            f"{db}: written by a newer mirmine (store schema {version}, this mirmine reads up to {SCHEMA_VERSION}); "
            "upgrade mirmine to use this store"
        )


# What each schema version adds to the one before: statements run in one transaction when an older store is opened.
# Old decisions are kept as they are; the store's findings and evidence gain the new columns with their default.
_UPGRADES = {
    2: ("ALTER TABLE evidence ADD COLUMN direction TEXT NOT NULL DEFAULT ''",),  # issue 14: the `direction` column
    3: _QUERY_TABLES,  # issue 15: the queries `mirmine update` keeps up to date
    4: _DECISIONS_UPGRADE,  # issue 16: `pending` and corrections (and the findings' columns: _NEW_COLUMNS)
    5: (_DOCUMENTS_TABLE,),  # issue 15: the documents' journals and years (and _NEW_COLUMNS)
}
# Columns a schema version adds to findings or evidence (filled by the next merge); added where the table lacks them
# (a store made older by hand may have some already).
_NEW_COLUMNS = {
    4: [("findings", name) for name in CORRECTIONS],
    5: [("evidence", "cancer"), ("findings", "cancers"), ("findings", "years")],  # issue 15: cancer types and years
}


def _upgrade(conn: sqlite3.Connection, db: Path) -> None:
    """Bring a store written by an older mirmine to SCHEMA_VERSION, one version at a time, under the write lock."""
    with writing(conn):
        version = _schema_version(conn, db)
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for statement in _UPGRADES[target]:
                conn.execute(statement)
            _add_columns(conn, _NEW_COLUMNS.get(target, []))
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(target),))


def _add_columns(conn: sqlite3.Connection, columns: list[tuple[str, str]]) -> None:
    """Text columns (table, name) with default '', those their table lacks."""
    for table, name in columns:
        if name not in {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} TEXT NOT NULL DEFAULT ''")


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
def writing(conn: sqlite3.Connection) -> Iterator[None]:
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
def reading(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction: every query inside sees the same snapshot, even while a merge commits."""
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def merge_row(conn: sqlite3.Connection, merge_id: int) -> Merge:
    row = conn.execute("SELECT * FROM merges WHERE merge_id = ?", (merge_id,)).fetchone()
    return Merge(**{name: row[name] for name in Merge.__slots__})
