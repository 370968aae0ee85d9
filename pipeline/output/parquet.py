"""The one Parquet writer: rows of cells (as written in a TSV, or already typed) -> typed Parquet files, atomically.

pyarrow is imported when a Parquet file is asked for, never before: a TSV-only run does not pay for it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection, Sequence
from pathlib import Path

from .columns import TableSpec
from .files import atomic_path


def write_parquet(
    path: Path,
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    ints: Collection[str] = (),
    floats: Collection[str] = (),
    bools: Collection[str] = (),
) -> None:
    """One Parquet file of ``rows``: the named columns typed, every other column text; written whole or not at all."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = {}
    for i, name in enumerate(columns):
        values = [row[i] for row in rows]
        if name in ints:
            data[name] = pa.array([int(v) for v in values], pa.int64())
        elif name in floats:
            data[name] = pa.array([float(v) for v in values], pa.float64())
        elif name in bools:
            data[name] = pa.array([v if isinstance(v, bool) else v == "true" for v in values], pa.bool_())
        else:
            data[name] = pa.array(values, pa.string())
    with atomic_path(path) as tmp:
        pq.write_table(pa.table(data), tmp)


class ParquetShards:
    """A table's rows as Parquet files of at most ``shard_rows`` rows in a folder that appears whole at ``close``."""

    def __init__(self, folder: Path, table: TableSpec, shard_rows: int = 500_000) -> None:
        import pyarrow  # noqa: F401  (fail early, with an ImportError the CLI reports)

        self.folder, self.table, self.shard_rows = folder, table, shard_rows
        self.tmp = folder.with_name(f".{folder.name}.tmp")
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp.mkdir(parents=True)
        self.rows: list[Sequence[str]] = []
        self.shards = 0

    def add(self, row: Sequence[str]) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.shard_rows:
            self._flush()

    def _flush(self) -> None:
        table = self.table
        path = self.tmp / f"part-{self.shards:05d}.parquet"
        write_parquet(path, table.columns, self.rows, ints=table.ints, floats=table.floats, bools=table.bools)
        self.shards += 1
        self.rows = []

    def close(self) -> None:
        if self.rows or self.shards == 0:
            self._flush()
        shutil.rmtree(self.folder, ignore_errors=True)
        os.replace(self.tmp, self.folder)
