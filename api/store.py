"""The curated store (``mirmine curate merge``) read into DataFrames: its findings with their decisions, its evidence."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline import curate
from pipeline.curate.store import reading
from pipeline.output import RELATIONS, TABLE, TableSpec

from .frames import frame


class Store:
    """A curated store file, opened (and its schema checked) at each read: a merge may run between two reads."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        with curate.open_store(self.path):
            pass  # a missing file, a folder or another program's database is a CurateError now, not at the first read

    def __repr__(self) -> str:
        return f"<mirmine.Store {self.path}>"

    def findings(self, stale: bool = False) -> pd.DataFrame:
        """One row per (mirna, relation, partner) with its decision (``status``, ``curator``, ``decided_at``, ``note``);
        the findings no longer seen in any merged run (``stale``) only when asked for."""
        where = "" if stale else "WHERE NOT stale"
        found = self._frame(f"SELECT * FROM findings {where} ORDER BY mirna, relation, partner", TABLE)
        # The columns of `mirmine curate export`: table.tsv's, then the decision's; whatever else the store keeps after.
        first = [name for name in (*TABLE.columns, *curate.STATUS_COLUMNS) if name in found.columns]
        return found[first + [name for name in found.columns if name not in first]]

    def evidence(self, stale: bool = False) -> pd.DataFrame:
        """One row per relations.tsv row merged into the store, keyed by ``relation_id``, with its ``finding_id``."""
        where = "" if stale else "WHERE NOT stale"
        return self._frame(f"SELECT * FROM evidence {where} ORDER BY doc_id, sentence_id, relation_id", RELATIONS)

    def _frame(self, sql: str, spec: TableSpec) -> pd.DataFrame:
        with curate.open_store(self.path) as conn, reading(conn):
            cursor = conn.execute(sql)
            columns = [column[0] for column in cursor.description]
            rows = [tuple(row) for row in cursor]
        return frame(columns, rows, spec, str(self.path))


def open_store(path: str | Path) -> Store:
    """The curated store at ``path``; ``.findings()`` and ``.evidence()`` give its tables as DataFrames."""
    return Store(path)
