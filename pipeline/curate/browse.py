"""What the review workbench (``serve``) shows: a page of findings chosen by filters, sorted and paged, with their
evidence sentences, documents and decision versions; read in one snapshot of the store, nothing kept between calls.

Filters come from a query string. A finding's ``direction`` is the one an export shows (the correction, else the one a
corrected relation implies, else its evidence's); ``confidence`` the highest of its live evidence; ``negated`` and
``hedged`` say whether any sentence of its (miRNA, relation, partner) is negated or hedged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from pipeline.output.links import document_links
from pipeline.schema import DRUG_TYPES

from .decide import decision_version
from .store import DOCUMENT_COLUMNS, open_store, original_direction, reading, shown_direction

PAGE_SIZE = 50
EVIDENCE_SHOWN = 20
STATUS_FILTERS = ("pending", "accepted", "rejected", "stale", "all")
# The sortable columns and the SQL each sorts by (f: findings); finding_id breaks ties so paging is stable.
_SAME_TRIPLE = "e.mirna = f.mirna AND e.relation = f.relation AND e.partner = f.partner"
_CONFIDENCE = f"(SELECT max(e.confidence) FROM evidence AS e WHERE {_SAME_TRIPLE} AND e.negated = 0 AND e.stale = 0)"
_DIRECTION = (
    "coalesce(nullif(f.corrected_direction, ''), (SELECT group_concat(DISTINCT e.direction) FROM evidence AS e "
    f"WHERE {_SAME_TRIPLE} AND e.negated = 0 AND e.direction != ''), '')"
)
SORTS = {
    "id": "f.finding_id", "mirna": "f.mirna", "relation": "coalesce(nullif(f.corrected_relation, ''), f.relation)",
    "direction": _DIRECTION, "partner": "coalesce(nullif(f.corrected_partner, ''), f.partner)", "cancers": "f.cancers",
    "n_docs": "f.n_docs", "n_sentences": "f.n_sentences", "confidence": _CONFIDENCE, "status": "f.status",
}  # fmt: skip
_FLAG_SQL = f"EXISTS (SELECT 1 FROM evidence AS e WHERE {_SAME_TRIPLE} AND e.{{flag}} = 1)"


@dataclass(frozen=True, slots=True)
class Filters:
    """The query string of a page: which findings, in which order, which page. '' is no filter."""

    status: str = "pending"
    relation: str = ""
    mirna: str = ""
    drug: str = ""
    gene: str = ""
    cancer: str = ""
    q: str = ""
    min_confidence: str = ""
    negated: str = ""
    hedged: str = ""
    sample: str = ""
    sort: str = "mirna"
    page: int = 1

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> Filters:
        """Filters from a query string; unknown or malformed values fall back to the defaults."""
        given = {f.name: str(params.get(f.name, "")).strip() for f in fields(cls) if params.get(f.name) is not None}
        page = given.pop("page", "1")
        chosen = cls(**given, page=max(1, int(page)) if page.isdigit() else 1)
        if chosen.status not in STATUS_FILTERS:
            chosen = replace(chosen, status="pending")
        if chosen.sort.lstrip("-") not in SORTS:
            chosen = replace(chosen, sort="mirna")
        try:
            float(chosen.min_confidence or 0)
        except ValueError:
            chosen = replace(chosen, min_confidence="")
        return chosen

    def query(self, **changes: object) -> dict[str, str]:
        """The query-string values of these filters with ``changes``, leaving out defaults."""
        chosen = replace(self, **changes)
        default = Filters()
        return {f.name: str(getattr(chosen, f.name)) for f in fields(self) if getattr(chosen, f.name) != getattr(default, f.name)}


@dataclass(frozen=True, slots=True)
class Evidence:
    """One sentence behind a finding, with its document's title and links."""

    relation_id: str
    doc_id: str
    section: str
    sentence: str
    mirna: str
    partner: str
    negated: bool
    hedged: bool
    confidence: float
    title: str = ""
    journal: str = ""
    year: str = ""
    links: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """A finding as a row of the page: the store's columns plus what the page computes."""

    row: dict
    direction: str
    extracted_direction: str
    confidence: float | None
    version: int
    evidence: tuple[Evidence, ...]
    more_evidence: int

    def __getitem__(self, name: str) -> object:
        return self.row[name]


@dataclass(frozen=True, slots=True)
class FindingsPage:
    """One page of findings, how many match in all, and the counts per status of the whole store."""

    filters: Filters
    findings: tuple[Finding, ...]
    total: int
    counts: dict[str, int] = field(default_factory=dict)
    sampled_pending: int = 0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def browse(db: Path, filters: Filters) -> FindingsPage:
    """The findings page for ``filters``, read in one snapshot of the store."""
    where, args = _where(filters)
    key = filters.sort.lstrip("-")
    order = f"{SORTS[key]} {'DESC' if filters.sort.startswith('-') else 'ASC'}, f.finding_id"
    with open_store(db) as conn, reading(conn):
        total = conn.execute(f"SELECT count(*) FROM findings AS f WHERE {where}", args).fetchone()[0]
        rows = conn.execute(
            f"SELECT f.*, {_CONFIDENCE} AS confidence FROM findings AS f WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            (*args, PAGE_SIZE, (filters.page - 1) * PAGE_SIZE),
        ).fetchall()
        findings = tuple(_finding(conn, row) for row in rows)
        counts = _counts(conn)
        sampled = conn.execute(
            "SELECT count(*) FROM samples JOIN findings USING (finding_id) WHERE status = 'pending' AND stale = 0"
        ).fetchone()[0]
    return FindingsPage(filters, findings, total, counts, sampled)


def count_findings(db: Path, filters: Filters) -> int:
    """How many findings the filters choose."""
    where, args = _where(filters)
    with open_store(db) as conn:
        return conn.execute(f"SELECT count(*) FROM findings AS f WHERE {where}", args).fetchone()[0]


def finding_state(db: Path, fid: str) -> dict | None:
    """The finding's row with its current decision version and the direction the page shows, or None."""
    with open_store(db) as conn, reading(conn):
        row = conn.execute("SELECT * FROM findings WHERE finding_id = ?", (fid,)).fetchone()
        if row is None:
            return None
        extracted = original_direction(conn, row["mirna"], row["relation"], row["partner"])
        shown = shown_direction(row["corrected_relation"], row["corrected_direction"], extracted)
        return {**dict(row), "version": decision_version(conn, fid), "shown_direction": shown}


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    counts = {status: 0 for status in STATUS_FILTERS}
    for status, stale, count in conn.execute("SELECT status, stale, count(*) FROM findings GROUP BY status, stale"):
        counts["stale" if stale else status] += count
        counts["all"] += count
    return counts


def _where(filters: Filters) -> tuple[str, list[object]]:
    """The SQL condition on findings (alias f) for the filters, and its arguments."""
    clauses, args = [], []
    if filters.status == "stale":
        clauses.append("f.stale = 1")
    elif filters.status != "all":
        clauses.append("f.stale = 0 AND f.status = ?")
        args.append(filters.status)
    if filters.relation:
        clauses.append("coalesce(nullif(f.corrected_relation, ''), f.relation) = ?")
        args.append(filters.relation)
    if filters.mirna:
        clauses.append("f.mirna LIKE ?")
        args.append(f"%{filters.mirna}%")
    for kind, types in (("drug", DRUG_TYPES), ("gene", ("gene",))):
        if getattr(filters, kind):
            clauses.append(
                f"f.partner_type IN ({', '.join('?' * len(types))}) AND (f.partner LIKE ? OR f.corrected_partner LIKE ?)"
            )
            args.extend([*types, f"%{getattr(filters, kind)}%", f"%{getattr(filters, kind)}%"])
    if filters.cancer:
        clauses.append("f.cancers LIKE ?")
        args.append(f"%{filters.cancer}%")
    if filters.q:
        clauses.append(
            "(f.finding_id LIKE ? OR f.mirna LIKE ? OR f.partner LIKE ? OR f.corrected_partner LIKE ? OR f.note LIKE ? "
            f"OR EXISTS (SELECT 1 FROM evidence AS e WHERE {_SAME_TRIPLE} AND e.sentence LIKE ?))"
        )
        args.extend([f"{filters.q.lower()}%", *[f"%{filters.q}%"] * 5])
    if filters.min_confidence:
        clauses.append(f"{_CONFIDENCE} >= ?")
        args.append(float(filters.min_confidence))
    for flag in ("negated", "hedged"):
        if getattr(filters, flag) in ("yes", "no"):
            clauses.append(("" if getattr(filters, flag) == "yes" else "NOT ") + _FLAG_SQL.format(flag=flag))
    if filters.sample:
        clauses.append("f.finding_id IN (SELECT finding_id FROM samples)")
    return " AND ".join(clauses) or "1", args


def _finding(conn: sqlite3.Connection, row: sqlite3.Row) -> Finding:
    extracted = original_direction(conn, row["mirna"], row["relation"], row["partner"])
    shown = shown_direction(row["corrected_relation"], row["corrected_direction"], extracted)
    evidence = conn.execute(
        "SELECT * FROM evidence WHERE mirna = ? AND relation = ? AND partner = ? AND stale = ? "
        "ORDER BY negated, doc_id, sentence_id, relation_id",
        (row["mirna"], row["relation"], row["partner"], row["stale"]),
    ).fetchall()
    documents = _documents(conn, {e["doc_id"] for e in evidence[:EVIDENCE_SHOWN]})
    shown_evidence = tuple(_evidence(e, documents.get(e["doc_id"])) for e in evidence[:EVIDENCE_SHOWN])
    return Finding(
        {name: row[name] for name in row.keys()}, shown, extracted, row["confidence"], decision_version(conn, row["finding_id"]), shown_evidence,
        max(0, len(evidence) - EVIDENCE_SHOWN),
    )  # fmt: skip


def _documents(conn: sqlite3.Connection, doc_ids: set[str]) -> dict[str, dict]:
    if not doc_ids:
        return {}
    marks = ", ".join("?" * len(doc_ids))
    rows = conn.execute(f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM documents WHERE doc_id IN ({marks})", sorted(doc_ids))
    return {row["doc_id"]: dict(row) for row in rows}


def _evidence(row: sqlite3.Row, document: dict | None) -> Evidence:
    # A PubMed record's id is its PMID even when the run kept no documents.tsv row for it.
    known = document or ({"pmid": row["doc_id"][5:]} if row["doc_id"].startswith("PMID:") else {})
    return Evidence(
        row["relation_id"], row["doc_id"], row["section"], row["sentence"], row["mirna"], row["partner"],
        bool(row["negated"]), bool(row["hedged"]), row["confidence"], known.get("title", ""), known.get("journal", ""),
        known.get("year", ""), tuple(document_links(known)),
    )  # fmt: skip
