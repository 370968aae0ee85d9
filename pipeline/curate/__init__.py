"""The curated store: an SQLite file that collects runs and never loses a curator's decision.

``merge_run`` merges a run folder in one transaction (a merge killed half-way leaves the store as it was),
``decide`` records a decision (kept twice: on the finding and in the append-only ``decisions`` table), with an
optional correction of the finding's relation, partner or direction; ``decide_many`` a sheet of them
(``read_decision_sheet``) in one transaction,
``merge_changes`` is the diff of a merge, ``export_findings`` writes the chosen findings, and ``sample_findings``
with ``estimate_precision`` measures precision on a stratified sample. The store is in WAL mode: readers (export,
diff) never block a merge. Modules: store (schema, open, transactions, records), merge, decide (and diff), export,
sheets (a sheet of decisions read), precision (sample, Wilson interval), queries (what ``mirmine update`` remembers of each PubMed query),
serve (the review workbench: ``mirmine curate serve``, with browse, pages and page_assets; imported only by that command).
"""

from .decide import MIN_PREFIX, DecisionRequest, SheetResult, decide, decide_many, merge_changes, resolve_finding
from .export import DEFAULT_EXPORT_STATUSES, EXPORT_COLUMNS, EXPORT_FORMATS, EXPORT_STATUSES, ORIGINAL_COLUMNS
from .export import STATUS_COLUMNS, VIEW_COLUMNS, VIEW_ORIGINAL_COLUMNS, check_export_path, export_findings, neutralize
from .export import select_findings
from .merge import EVIDENCE_COLUMNS, merge_run
from .precision import PrecisionRow, SampledFinding, SampleDraw, allocate, checked_for_margin, estimate_precision
from .precision import sample_findings, wilson_half_width, wilson_interval
from .queries import QueryState, normalize_query, query_state, record_update
from .sheets import SHEET_FORMATS, read_decision_sheet
from .store import CHANGE_KINDS, CORRECTIONS, DECISIONS, DEFAULT_WAIT_S, SCHEMA_VERSION, STATUSES, Change, CurateError
from .store import Decision, Merge, finding_id, open_store

__all__ = [
    "CHANGE_KINDS", "CORRECTIONS", "DECISIONS", "DEFAULT_EXPORT_STATUSES", "DEFAULT_WAIT_S", "EVIDENCE_COLUMNS",
    "EXPORT_COLUMNS", "EXPORT_FORMATS", "EXPORT_STATUSES", "MIN_PREFIX", "ORIGINAL_COLUMNS", "SCHEMA_VERSION",
    "SHEET_FORMATS", "STATUSES", "STATUS_COLUMNS", "VIEW_COLUMNS", "VIEW_ORIGINAL_COLUMNS", "Change", "CurateError",
    "Decision", "DecisionRequest", "Merge", "PrecisionRow", "QueryState", "SampleDraw", "SampledFinding", "SheetResult",
    "allocate", "check_export_path", "checked_for_margin", "decide", "decide_many", "estimate_precision",
    "export_findings", "finding_id", "merge_changes", "merge_run", "neutralize", "normalize_query", "open_store",
    "query_state", "read_decision_sheet", "record_update", "resolve_finding", "sample_findings", "select_findings",
    "wilson_half_width", "wilson_interval",
]  # fmt: skip
