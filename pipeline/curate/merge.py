"""Merging a run folder into the store.

A merge is one ``BEGIN IMMEDIATE`` transaction: a merge killed half-way leaves the store as it was. It adds new
evidence, updates changed evidence, and marks stale the evidence of the documents the run covered (the doc_ids in its
relations.tsv or mentions.tsv) that the run no longer produced; evidence of documents the run did not process is left
alone, so merging a new batch of papers never makes the old ones stale. A finding with no live evidence left is stale;
one whose evidence comes back is live again. Nothing is ever deleted, and a merge never writes a decision column: a
curator's correction stays on its finding (whose id is that of the triple as extracted); a new finding that is what a
curator corrected another one to says so in its change's detail.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, namedtuple
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pipeline.output import LIST_SEPARATOR, MENTIONS, RELATIONS, ROLLUP_COLUMNS, RUN_FILE, RunFolder, TableBuilder, TableError
from pipeline.output import TableRow

from .store import DEFAULT_WAIT_S, DOCUMENT_COLUMNS, LISTS, CurateError, Merge, finding_id, merge_row, open_store, utc_now, writing

MERGE_CACHE_KIB = 128 * 1024

EVIDENCE_COLUMNS = (
    "relation_id", "finding_id", "doc_id", "section", "sentence_id", "mirna", "relation", "partner", "partner_type",
    "partner_id", "cell_lines", "cancer", "direction", "negated", "hedged", "rule", "confidence", "sentence",
)  # fmt: skip
_EVIDENCE_CONTENT = EVIDENCE_COLUMNS[2:]
_FINDING_VALUES = (
    "partner_type", "partner_id", "targets", "cell_lines", "cancers", "years", "n_sentences", "n_docs", "doc_ids", "example",
)  # fmt: skip


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
            row.mirna, row.relation, row.partner, row.partner_type, row.partner_id, row.cell_lines, row.cancer, row.direction,
            int(row.negated), int(row.hedged), row.rule, float(row.confidence), row.sentence,
        )  # fmt: skip


def merge_run(db: Path, run_dir: Path, *, wait: float = DEFAULT_WAIT_S) -> Merge:
    """Merge the run folder ``run_dir`` into the store ``db`` (made if missing) in one transaction; return what it did."""
    run = _read_run(run_dir)
    with open_store(db, create=True, wait=wait) as conn, writing(conn):
        return merge_row(conn, _merge(conn, run))


def merge_into(conn: sqlite3.Connection, run_dir: Path) -> int:
    """Merge the run folder ``run_dir`` inside the caller's write transaction on ``conn`` (so that the caller can
    write more in the same transaction); return the merge's id."""
    return _merge(conn, _read_run(run_dir))


def _merge(conn: sqlite3.Connection, run: _Run) -> int:
    columns = ", ".join(EVIDENCE_COLUMNS)
    content = ", ".join(_EVIDENCE_CONTENT)
    incoming_content = ", ".join(f"i.{name}" for name in _EVIDENCE_CONTENT)
    # Inserting a batch into three indexes in random order thrashes SQLite's default 2 MB page cache.
    conn.execute(f"PRAGMA cache_size = -{MERGE_CACHE_KIB}")
    merge_id = conn.execute(
        "INSERT INTO merges (run_dir, run_json_sha256, run_time, merged_at) VALUES (?, ?, ?, ?)",
        (str(run.folder.path.resolve()), run.run_json_sha256, run.run_time, utc_now()),
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
    _keep_documents(conn, run.folder, merge_id)
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
    return merge_id


def _keep_documents(conn: sqlite3.Connection, folder: RunFolder, merge_id: int) -> None:
    """The run's documents.tsv rows (ids, title, journal, year) into the store's documents, the newest run winning."""
    columns = ", ".join(DOCUMENT_COLUMNS)
    try:
        conn.executemany(
            f"INSERT OR REPLACE INTO documents ({columns}, last_merge) VALUES ({', '.join('?' * len(DOCUMENT_COLUMNS))}, ?)",
            ((*(document[name] for name in DOCUMENT_COLUMNS), merge_id) for document in folder.documents()),
        )
    except TableError as err:
        raise CurateError(str(err)) from err


def _refresh_findings(conn: sqlite3.Connection, merge_id: int) -> Counter:
    """Roll up again the findings of every miRNA whose evidence this merge touched; record each change.

    Per miRNA, because a finding's ``targets`` column depends on the miRNA's other (``targets``) evidence.
    """
    counts: Counter = Counter()
    years = dict(conn.execute("SELECT doc_id, year FROM documents WHERE year != ''").fetchall())
    mirnas = [row[0] for row in conn.execute("SELECT DISTINCT mirna FROM evidence WHERE last_merge = ?", (merge_id,))]
    for mirna in mirnas:
        stored = {row["finding_id"]: row for row in conn.execute("SELECT * FROM findings WHERE mirna = ?", (mirna,))}
        for fid, row in _roll_up(conn, mirna, years):
            old = stored.pop(fid, None)
            values = _finding_values(row)
            if old is None:
                conn.execute(
                    f"INSERT INTO findings (finding_id, mirna, relation, partner, {', '.join(_FINDING_VALUES)}, "
                    f"first_merge, last_merge) VALUES ({', '.join('?' * (len(_FINDING_VALUES) + 6))})",
                    (fid, row.mirna, row.relation, row.partner, *values, merge_id, merge_id),
                )
                kind, detail = "added", _corrected_to(conn, fid, row)
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


def _roll_up(conn: sqlite3.Connection, mirna: str, years: dict[str, str]) -> Iterator[tuple[str, TableRow]]:
    """The findings of one miRNA from its live evidence, rolled up by ``output.TableBuilder`` as a run's table is;
    ``years``: doc_id -> publication year of the store's documents."""
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
    for row in table.rows(years):
        yield finding_id(row.mirna, row.relation, row.partner), row


# What the table roll-up reads of an evidence row.
_EvidenceRow = namedtuple("_EvidenceRow", ROLLUP_COLUMNS)


def _finding_values(row: TableRow) -> tuple:
    return tuple(LIST_SEPARATOR.join(getattr(row, name)) if name in LISTS else getattr(row, name) for name in _FINDING_VALUES)


def _describe(before: tuple, after: tuple) -> str:
    """What changed in a finding, for the diff: ``n_docs 1 -> 2; doc_ids +PMID:3``."""
    parts = []
    for name, old, new in zip(_FINDING_VALUES, before, after):
        if old == new:
            continue
        if name in LISTS:
            old_items, new_items = set(filter(None, old.split(LIST_SEPARATOR))), set(filter(None, new.split(LIST_SEPARATOR)))
            items = [f"+{item}" for item in sorted(new_items - old_items)] + [f"-{item}" for item in sorted(old_items - new_items)]
            parts.append(f"{name} {' '.join(items[:4])}" + (f" (+{len(items) - 4} more)" if len(items) > 4 else ""))
        elif name == "example":
            parts.append("new example")
        else:
            parts.append(f"{name} {old} -> {new}")
    return "; ".join(parts)


def _corrected_to(conn: sqlite3.Connection, fid: str, row: TableRow) -> str:
    """For a new finding: the findings a curator corrected to it (a new run now extracts what the curator said)."""
    earlier = conn.execute(
        "SELECT finding_id, status FROM findings WHERE mirna = ? AND finding_id != ? "
        "AND (corrected_relation != '' OR corrected_partner != '') "
        "AND (CASE corrected_relation WHEN '' THEN relation ELSE corrected_relation END) = ? "
        "AND (CASE corrected_partner WHEN '' THEN partner ELSE corrected_partner END) = ? ORDER BY finding_id",
        (row.mirna, fid, row.relation, row.partner),
    ).fetchall()
    return "; ".join(f"what a curator corrected {other['finding_id']} ({other['status']}) to" for other in earlier)
