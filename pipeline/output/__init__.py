"""Output: the run's tables (columns, sort keys and types in ``columns``), the TSV and Parquet writers, atomic files,
a run's sorted parts and their merge (``parts``), ``table.tsv``'s roll-up, and ``RunFolder``, the one reader of a run
folder, and how a count is written (``counted``). See output/README.md for the columns."""

from .columns import DOCUMENTS, ERRORS, MENTIONS, RELATIONS, RUN_FILE, TABLE, TableSpec
from .files import atomic_open, atomic_path, file_sha256, write_json
from .links import document_links
from .parquet import ParquetShards, write_parquet
from .parts import MERGE_FAN_IN, merge_parts, read_part, write_part
from .run_folder import RelationRow, RunFolder, relation_row
from .table import ROLLUP_COLUMNS, TableBuilder, TableRow, aggregate_table, mirna_sort_key, table_rows, table_view
from .tsv import LIST_SEPARATOR, TableError, TsvWriter, cell, read_rows, tsv_line, write_tsv
from .words import counted

__all__ = [
    "DOCUMENTS", "ERRORS", "LIST_SEPARATOR", "MENTIONS", "MERGE_FAN_IN", "ParquetShards", "RELATIONS", "ROLLUP_COLUMNS", "RUN_FILE", "RelationRow",
    "RunFolder", "TABLE", "TableBuilder", "TableError", "TableRow", "TableSpec", "TsvWriter",
    "aggregate_table", "atomic_open", "document_links", "atomic_path", "cell", "counted", "file_sha256", "merge_parts", "mirna_sort_key", "read_part",
    "read_rows", "relation_row", "table_rows", "table_view", "tsv_line", "write_json", "write_parquet", "write_part", "write_tsv",
]  # fmt: skip
