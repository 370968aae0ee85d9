"""What a curator writes and reads between merges: decisions on findings (one, or a sheet of them in one transaction),
corrections of a finding's relation, partner or direction, and the diff of a merge.

A finding is named by its id, the relation_id of one of its evidence rows, or a prefix of at least
``MIN_PREFIX`` hex digits of either that names one finding. A correction is kept on the finding and in its
decision; the finding keeps its id and its extracted (mirna, relation, partner), so a later merge finds it again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.schema import DRUG_TYPES, GENE_RELATIONS, RELATION_TYPES

from .store import (
    CHANGE_KINDS,
    CORRECTIONS,
    DEFAULT_WAIT_S,
    STATUSES,
    Change,
    CurateError,
    Decision,
    Merge,
    describe_correction,
    merge_row,
    open_store,
    original_direction,
    reading,
    shown_direction,
    utc_now,
    writing,
)

MIN_PREFIX = 6
CORRECTED_DIRECTIONS = ("down", "up")
_HEX = frozenset("0123456789abcdef")
# The relations a correction may give a finding by its partner's type (the guidelines: regulated_by also takes a drug
# that changes the miRNA's level); a partner of another type takes any.
_DRUG_RELATIONS = (*(name for name in RELATION_TYPES if name not in GENE_RELATIONS), "regulated_by")
_PARTNER_RELATIONS = {"gene": GENE_RELATIONS, **{kind: _DRUG_RELATIONS for kind in DRUG_TYPES}}
_ID_SOURCES = "take the id from `mirmine curate diff`, `sample` or the finding_id column of `export`"


@dataclass(frozen=True, slots=True)
class DecisionRequest:
    """One decision to record. ``relation``, ``partner``, ``direction``: a correction (None keeps the current one,
    '' or the extracted value takes it back). ``where`` names the request in errors (a sheet's file and row)."""

    row_id: str
    status: str
    note: str = ""
    relation: str | None = None
    partner: str | None = None
    direction: str | None = None
    where: str = ""


class StaleDecisionError(CurateError):
    """A decision made on an out-of-date view of a finding: another decision was recorded since."""

    def __init__(self, finding_id: str, expected: int, latest: sqlite3.Row) -> None:
        self.finding_id, self.expected, self.version = finding_id, expected, latest["decision_id"]
        self.status, self.curator, self.decided_at = latest["status"], latest["curator"], latest["decided_at"]
        super().__init__(
            f"finding {finding_id} was decided ({self.status}) by {self.curator} at {self.decided_at} since you loaded it; "
            "reload to see that decision"
        )


@dataclass(frozen=True, slots=True)
class SheetResult:
    """What ``decide_many`` recorded, and how many requests it left out because they changed nothing."""

    decisions: tuple[Decision, ...]
    unchanged: int


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
            "SELECT c.kind, c.finding_id, f.status, f.mirna, f.relation, f.partner, c.detail, "
            f"{', '.join(f'f.{name}' for name in CORRECTIONS)} "
            "FROM changes AS c JOIN findings AS f USING (finding_id) WHERE c.merge_id = ?",
            (merge_id,),
        ).fetchall()
        merge = merge_row(conn, merge_id)
    changes = [Change(*row[:7], correction=describe_correction(*row[7:])) for row in rows]
    changes.sort(key=lambda c: (CHANGE_KINDS.index(c.kind), c.mirna, c.relation, c.partner))
    return merge, changes


def decide(
    db: Path,
    row_id: str,
    status: str,
    *,
    note: str = "",
    curator: str = "unknown",
    relation: str | None = None,
    partner: str | None = None,
    direction: str | None = None,
    wait: float = DEFAULT_WAIT_S,
    expected_version: int | None = None,
) -> Decision:
    """Record a curator's decision (accepted, rejected, or pending to take one back) on a finding, given its id, the
    relation_id of one of its evidence rows, or a unique prefix of 6+ hex digits; with an optional correction.

    ``expected_version``: the finding's ``decision_version`` the curator saw; when another decision came since, nothing
    is recorded and StaleDecisionError says whose it was (checked in the decision's own transaction).
    """
    request = DecisionRequest(row_id, status, note, relation, partner, direction, where=str(db))
    with open_store(db, wait=wait) as conn, writing(conn):
        if expected_version is not None:
            _check_version(conn, resolve_finding(conn, row_id, str(db))[0], expected_version)
        decision = _record(conn, request, curator, utc_now(), force=True)
    assert decision is not None  # force: a decision is recorded even when it changes nothing
    return decision


def decide_many(
    db: Path, requests: Sequence[DecisionRequest], *, curator: str = "unknown", wait: float = DEFAULT_WAIT_S
) -> SheetResult:
    """Record many decisions in one transaction: all of them, or (on the first bad request) none.

    A request that would leave its finding as it is (same status, note and correction) is left out, so applying the
    same sheet twice records nothing the second time.
    """
    decided_at = utc_now()
    recorded: list[Decision] = []
    with open_store(db, wait=wait) as conn, writing(conn):
        for request in requests:
            decision = _record(conn, request, curator, decided_at, force=False)
            if decision is not None:
                recorded.append(decision)
    return SheetResult(tuple(recorded), len(requests) - len(recorded))


def fitting_relations(partner_type: str) -> tuple[str, ...]:
    """The relations a correction may give a finding whose partner is of this type."""
    return tuple(_PARTNER_RELATIONS.get(partner_type, RELATION_TYPES))


def decision_version(conn: sqlite3.Connection, fid: str) -> int:
    """The decision_id of the finding's latest decision (0 before any): what a form shows to catch a newer decision."""
    return conn.execute("SELECT coalesce(max(decision_id), 0) FROM decisions WHERE finding_id = ?", (fid,)).fetchone()[0]


def _check_version(conn: sqlite3.Connection, fid: str, expected: int) -> None:
    if decision_version(conn, fid) != expected:
        latest = conn.execute(
            "SELECT decision_id, status, curator, decided_at FROM decisions WHERE finding_id = ? ORDER BY decision_id DESC",
            (fid,),
        ).fetchone()
        if latest is None:  # the expected decision is not there at all: a different store
            raise CurateError(f"finding {fid} has no decision {expected}; reload the page")
        raise StaleDecisionError(fid, expected, latest)


def check_status(status: str, where: str) -> str:
    """The status, checked: accepted, rejected or pending."""
    if status not in STATUSES:
        raise CurateError(f"{where}: status {status!r} is not one of {', '.join(STATUSES)}")
    return status


def _record(conn: sqlite3.Connection, request: DecisionRequest, curator: str, decided_at: str, *, force: bool) -> Decision | None:
    where = request.where
    status = check_status(request.status.strip().lower(), where)
    fid, via = resolve_finding(conn, request.row_id, where)
    finding = conn.execute("SELECT * FROM findings WHERE finding_id = ?", (fid,)).fetchone()
    corrected = _corrections(conn, finding, request)
    note = request.note
    if not force and (status, note, corrected) == (finding["status"], finding["note"], tuple(finding[n] for n in CORRECTIONS)):
        return None
    columns = ("status", "note", "curator", "decided_at", *CORRECTIONS)
    values = (status, note, curator, decided_at, *corrected)
    conn.execute(
        f"INSERT INTO decisions (finding_id, {', '.join(columns)}) VALUES (?, {', '.join('?' * len(columns))})", (fid, *values)
    )
    conn.execute(f"UPDATE findings SET {', '.join(f'{name} = ?' for name in columns)} WHERE finding_id = ?", (*values, fid))
    return Decision(
        fid, finding["mirna"], finding["relation"], finding["partner"], status, finding["status"], note, curator, decided_at,
        via, *corrected,
    )  # fmt: skip


def _corrections(conn: sqlite3.Connection, finding: sqlite3.Row, request: DecisionRequest) -> tuple[str, str, str]:
    """The finding's correction after the request: each given value checked, '' where it equals the extracted one."""
    where = request.where
    relation, partner, direction = (finding[name] for name in CORRECTIONS)
    if request.relation is not None:
        relation = request.relation.strip()
        if relation and relation not in RELATION_TYPES:
            raise CurateError(f"{where}: relation {relation!r} is not one of {', '.join(RELATION_TYPES)}")
        fitting = _PARTNER_RELATIONS.get(finding["partner_type"], RELATION_TYPES)
        if relation and relation not in fitting:
            raise CurateError(
                f"{where}: relation {relation!r} does not fit the {finding['partner_type']} {finding['partner']}; use one of "
                f"{', '.join(fitting)}"
            )
        relation = "" if relation == finding["relation"] else relation
    if request.partner is not None:
        partner = " ".join(request.partner.split())
        partner = "" if partner == finding["partner"] else partner
    if request.direction is not None:
        given = request.direction.strip().lower()
        extracted = original_direction(conn, finding["mirna"], finding["relation"], finding["partner"])
        # The direction an export shows read back changes nothing; the one the finding shows uncorrected (extracted, or
        # implied by a corrected relation: sensitizes is up) takes a correction back.
        if given != shown_direction(relation, direction, extracted):
            uncorrected = shown_direction(relation, "", extracted)
            if given and given != uncorrected and given not in CORRECTED_DIRECTIONS:
                raise CurateError(f"{where}: direction {given!r} is not one of {', '.join(CORRECTED_DIRECTIONS)}")
            direction = "" if given == uncorrected else given
    return relation, partner, direction


def resolve_finding(conn: sqlite3.Connection, row_id: str, where: str) -> tuple[str, str]:
    """(finding id, the evidence id it was named by or '') for a finding id, a relation_id or a unique hex prefix."""
    key = row_id.strip().lower()
    if conn.execute("SELECT 1 FROM findings WHERE finding_id = ?", (key,)).fetchone() is not None:
        return key, ""
    evidence = conn.execute("SELECT finding_id FROM evidence WHERE relation_id = ?", (key,)).fetchone()
    if evidence is not None:
        return _supported(conn, key, evidence["finding_id"], where), key
    if not key or not set(key) <= _HEX:
        raise CurateError(f"{where}: no finding or evidence row with id {row_id!r}; {_ID_SOURCES}")
    if len(key) < MIN_PREFIX:
        raise CurateError(f"{where}: id {row_id!r} is too short; give a whole id or at least {MIN_PREFIX} hex digits of one")
    # Hex ids sort below "g": the range reads the primary-key index instead of scanning.
    span = {"low": key, "high": key + "g"}
    matches = {
        row[0]: "" for row in conn.execute("SELECT finding_id FROM findings WHERE finding_id >= :low AND finding_id < :high", span)
    }
    for relation_id, fid in conn.execute(
        "SELECT relation_id, finding_id FROM evidence WHERE relation_id >= :low AND relation_id < :high ORDER BY relation_id", span
    ):
        matches.setdefault(fid, relation_id)
    if not matches:
        raise CurateError(f"{where}: no finding or evidence row with id {row_id!r} or an id starting so; {_ID_SOURCES}")
    if len(matches) > 1:
        raise CurateError(f"{where}: id prefix {row_id!r} is ambiguous: {_describe_matches(conn, matches)}; give more digits")
    (fid, via), = matches.items()
    return _supported(conn, via or fid, fid, where), via


def _supported(conn: sqlite3.Connection, named: str, fid: str, where: str) -> str:
    if conn.execute("SELECT 1 FROM findings WHERE finding_id = ?", (fid,)).fetchone() is None:
        raise CurateError(f"{where}: evidence row {named} is a negated sentence and supports no finding; nothing to decide")
    return fid


def _describe_matches(conn: sqlite3.Connection, matches: dict[str, str], shown: int = 8) -> str:
    """``3f2a9c01be (miR-21 targets PTEN), evidence 3f2a9c77d0e1 of 77aa01b2c3 (...)``, the first ``shown`` of them."""
    parts = []
    for fid, via in sorted(matches.items(), key=lambda item: item[1] or item[0])[:shown]:
        row = conn.execute("SELECT mirna, relation, partner FROM findings WHERE finding_id = ?", (fid,)).fetchone()
        triple = " ".join(row) if row is not None else "negated, no finding"
        parts.append(f"{'evidence ' + via + ' of ' if via else ''}{fid} ({triple})")
    more = f" and {len(matches) - shown} more" if len(matches) > shown else ""
    return f"{len(matches)} findings match: {', '.join(parts)}{more}"
