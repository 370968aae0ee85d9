"""Measuring precision: a stratified sample of the pending findings, and the Wilson interval of the decisions on it."""

from __future__ import annotations

import math
import random
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from .store import DEFAULT_WAIT_S, open_store, reading, utc_now, writing

Z_95 = 1.959963984540054
TARGET_MARGIN = 0.05


@dataclass(frozen=True, slots=True)
class SampledFinding:
    """A finding drawn for a check, with what a curator needs to judge it: its triple and example sentence."""

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
    ``corrected``: the checked findings a curator accepted with a correction of their relation, partner or direction;
    the extraction got them wrong, so they count against precision (they are not in ``accepted``).
    """

    relation: str
    sampled: int
    checked: int
    accepted: int
    precision: float | None
    low: float
    high: float
    more: int
    corrected: int = 0


def sample_findings(db: Path, n: int, *, seed: int | None = None, wait: float = DEFAULT_WAIT_S) -> SampleDraw:
    """Draw ``n`` pending findings not sampled before, stratified by relation type; record them as sampled.

    Proportional allocation with at least one finding per relation type while ``n`` allows; the same store and
    seed give the same draw.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    with open_store(db, wait=wait) as conn, writing(conn):
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
        sampled_at = utc_now()
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
    with open_store(db) as conn, reading(conn):
        rows = conn.execute(
            "SELECT f.relation, f.status, (f.corrected_relation != '' OR f.corrected_partner != '' "
            "OR f.corrected_direction != '') FROM samples AS s JOIN findings AS f USING (finding_id)"
        ).fetchall()
    by_relation: dict[str, Counter] = defaultdict(Counter)
    for relation, status, corrected in rows:
        outcome = "corrected" if status == "accepted" and corrected else status
        by_relation[relation][outcome] += 1
        by_relation["all"][outcome] += 1
    relations = [*sorted(name for name in by_relation if name != "all"), "all"]
    return [_precision_row(name, by_relation[name]) for name in relations]


def _precision_row(relation: str, counts: Counter) -> PrecisionRow:
    accepted, checked = counts["accepted"], counts["accepted"] + counts["corrected"] + counts["rejected"]
    estimate = accepted / checked if checked else None
    low, high = wilson_interval(accepted, checked)
    more = max(0, checked_for_margin(0.5 if estimate is None else estimate) - checked)
    return PrecisionRow(relation, sum(counts.values()), checked, accepted, estimate, low, high, more, counts["corrected"])


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
