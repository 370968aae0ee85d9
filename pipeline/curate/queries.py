"""The PubMed queries ``mirmine update`` keeps up to date: what the store remembers of each, and one update recorded.

A query is known by its text with white space collapsed (case is kept: PubMed reads ``AND`` and ``and`` apart).
For each the store keeps the ``--since`` of its first update, the UTC date of its last complete update, and every
PMID fetched for it with the merge that brought it in. ``record_update`` writes an update's merge and the query's
PMIDs and date in one transaction: the store has all of an update or none of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .merge import merge_into
from .store import DEFAULT_WAIT_S, Merge, merge_row, open_store, reading, utc_now, writing


@dataclass(frozen=True)
class QueryState:
    """What the store remembers of a query: ``since`` ('' all of PubMed), ``last_update`` (ISO date, '' none yet)."""

    query: str
    since: str
    last_update: str
    first_update: str
    pmids: frozenset[str]


def normalize_query(text: str) -> str:
    """The text a query is known by in the store: white space collapsed, case kept."""
    return " ".join(text.split())


def query_state(db: Path, query: str) -> QueryState | None:
    """What ``db`` remembers of ``query`` (normalized); None when the store or the query is not there yet."""
    if not db.exists():
        return None
    with open_store(db) as conn, reading(conn):
        row = conn.execute("SELECT * FROM queries WHERE query = ?", (query,)).fetchone()
        if row is None:
            return None
        pmids = frozenset(pmid for (pmid,) in conn.execute("SELECT pmid FROM query_pmids WHERE query = ?", (query,)))
    return QueryState(row["query"], row["since"], row["last_update"], row["first_update"], pmids)


def record_update(
    db: Path,
    query: str,
    *,
    day: date,
    complete: bool,
    since: str = "",
    pmids: Sequence[str] = (),
    run_dir: Path | None = None,
    wait: float = DEFAULT_WAIT_S,
) -> Merge | None:
    """In one transaction on ``db`` (made if missing): merge ``run_dir`` (when given), remember ``pmids`` as fetched
    for ``query`` and, when the update took everything new (``complete``), set its last update to ``day``.

    ``since`` is kept only for a query seen for the first time. Returns the merge, or None without a run.
    """
    with open_store(db, create=True, wait=wait) as conn, writing(conn):
        merge_id = merge_into(conn, run_dir) if run_dir is not None else None
        conn.execute(
            "INSERT OR IGNORE INTO queries (query, since, last_update, first_update) VALUES (?, ?, '', ?)",
            (query, since, utc_now()),
        )
        if complete:
            # Never backwards: a clock set back, or an older update finishing last, keeps the later date.
            conn.execute(
                "UPDATE queries SET last_update = :day WHERE query = :query AND last_update < :day",
                {"day": day.isoformat(), "query": query},
            )
        if merge_id is not None:
            conn.executemany(
                "INSERT OR IGNORE INTO query_pmids (query, pmid, merge_id) VALUES (?, ?, ?)",
                ((query, pmid, merge_id) for pmid in pmids),
            )
        return merge_row(conn, merge_id) if merge_id is not None else None
