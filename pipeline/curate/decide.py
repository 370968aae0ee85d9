"""What a curator writes and reads between merges: a decision on a finding, and the diff of a merge."""

from __future__ import annotations

from pathlib import Path

from .store import (
    CHANGE_KINDS,
    DECISIONS,
    DEFAULT_WAIT_S,
    Change,
    CurateError,
    Decision,
    Merge,
    merge_row,
    open_store,
    reading,
    utc_now,
    writing,
)


def merge_changes(db: Path, merge_id: int | None = None) -> tuple[Merge, list[Change]]:
    """The last merge (or merge ``merge_id``) and what it did to each finding, added first, then changed, revived, stale."""
    with open_store(db) as conn, reading(conn):
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
        merge = merge_row(conn, merge_id)
    changes = [Change(*row) for row in rows]
    changes.sort(key=lambda c: (CHANGE_KINDS.index(c.kind), c.mirna, c.relation, c.partner))
    return merge, changes


def decide(db: Path, row_id: str, status: str, *, note: str = "", curator: str = "unknown", wait: float = DEFAULT_WAIT_S) -> Decision:
    """Record a curator's decision on a finding, given its id or the relation_id of one of its evidence rows."""
    if status not in DECISIONS:
        raise ValueError(f"status must be one of {DECISIONS}, not {status!r}")
    key = row_id.strip().lower()
    with open_store(db, wait=wait) as conn, writing(conn):
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
        decided_at = utc_now()
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
