"""The curated store: an SQLite file that collects runs and never loses a curator's decision.

``merge_run`` merges a run folder in one transaction (a merge killed half-way leaves the store as it was),
``decide`` records a decision (kept twice: on the finding and in the append-only ``decisions`` table),
``merge_changes`` is the diff of a merge, ``export_findings`` writes the chosen findings, and ``sample_findings``
with ``estimate_precision`` measures precision on a stratified sample. The store is in WAL mode: readers (export,
diff) never block a merge. Modules: store (schema, open, transactions, records), merge, decide (and diff), export,
precision (sample, Wilson interval), queries (what ``mirmine update`` remembers of each PubMed query).
"""

from .decide import decide, merge_changes
from .export import DEFAULT_EXPORT_STATUSES, EXPORT_COLUMNS, EXPORT_FORMATS, EXPORT_STATUSES, STATUS_COLUMNS
from .export import VIEW_COLUMNS, export_findings, neutralize
from .merge import EVIDENCE_COLUMNS, merge_run
from .precision import PrecisionRow, SampledFinding, SampleDraw, allocate, checked_for_margin, estimate_precision
from .precision import sample_findings, wilson_half_width, wilson_interval
from .queries import QueryState, normalize_query, query_state, record_update
from .store import CHANGE_KINDS, DECISIONS, DEFAULT_WAIT_S, SCHEMA_VERSION, Change, CurateError, Decision, Merge
from .store import finding_id, open_store

__all__ = [
    "CHANGE_KINDS", "DECISIONS", "DEFAULT_EXPORT_STATUSES", "DEFAULT_WAIT_S", "EVIDENCE_COLUMNS", "EXPORT_COLUMNS",
    "EXPORT_FORMATS", "EXPORT_STATUSES", "SCHEMA_VERSION", "STATUS_COLUMNS", "VIEW_COLUMNS", "Change", "CurateError",
    "Decision", "Merge", "PrecisionRow", "QueryState", "SampleDraw", "SampledFinding", "allocate",
    "checked_for_margin", "decide", "estimate_precision", "export_findings", "finding_id", "merge_changes",
    "merge_run", "neutralize", "normalize_query", "open_store", "query_state", "record_update", "sample_findings",
    "wilson_half_width", "wilson_interval",
]  # fmt: skip
