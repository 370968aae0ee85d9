"""A run's sorted part files and their k-way merge into a table.

A part holds the rows of some documents for one table, each line written as the table writes it, sorted by the
table's key (``TableSpec.key_of_row`` in the workers, the same columns as ``key_of_fields`` here). The merge yields
every part's rows in the table's order with at most ``MERGE_FAN_IN`` files open at once.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from operator import itemgetter
from pathlib import Path

from .columns import TableSpec
from .files import atomic_open
from .tsv import tsv_line

MERGE_FAN_IN = 64  # part files open at once in the final merge

_first = itemgetter(0)


def write_part(path: Path, keyed_lines: Iterable[tuple[tuple, str]]) -> None:
    """Write the lines ordered by their keys (a stable sort: equal keys keep the order the workers gave)."""
    with atomic_open(path) as handle:
        handle.writelines(line for _, line in sorted(keyed_lines, key=_first))


def read_part(path: Path) -> Iterator[list[str]]:
    """The rows of a part or merge file, opened only when the first row is asked for."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield line.rstrip("\n").split("\t")


def merge_parts(streams: list[Iterator[list[str]]], table: TableSpec, scratch: Path) -> Iterator[list[str]]:
    """The rows of sorted ``streams`` (one a part, in part order) in the table's order.

    At most MERGE_FAN_IN files are open at once: beyond that, groups of streams are merged into sorted files in
    ``scratch`` first (a run over PubMed has ~19,000 parts, more than a process may open). Ties keep the order of the
    streams at every level, so the result does not depend on the fan-in.
    """
    kind, key = Path(table.file).stem, table.key_of_fields
    for old in scratch.glob(f"merge-{kind}-*.tsv"):
        old.unlink()  # left by a run killed while merging
    written = 0
    fan_in = MERGE_FAN_IN  # read at each merge: a test lowers it
    while len(streams) > fan_in:
        merged_streams = []
        for first in range(0, len(streams), fan_in):
            path = scratch / f"merge-{kind}-{written:06d}.tsv"
            written += 1
            with atomic_open(path) as handle:
                handle.writelines(map(tsv_line, heapq.merge(*streams[first : first + fan_in], key=key)))
            merged_streams.append(read_part(path))
        streams = merged_streams
    yield from heapq.merge(*streams, key=key)
    for path in scratch.glob(f"merge-{kind}-*.tsv"):
        path.unlink()
