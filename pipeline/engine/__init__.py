"""Engine: inputs -> ``extract.Extractor`` -> the run's tables, with local forked workers or on Dask, resumable.

Documents are read lazily and sent in small chunks to worker processes (each with its extractor built once), which
return plain records. Results are written as they come into sorted part files under ``out_dir/.mirmine/parts``;
the final tables are a k-way merge of the parts, the same for any number of workers, and a run killed at any point
finishes with ``resume=True``.
"""

from .limits import DocumentTimeout, Limits, time_budget
from .out_dir import OtherRunError, check_out_dir
from .run import ENGINES, PART_DOCS, RunSummary, run_corpus, write_tables
from .state import STATE_DIR, DocIndex, RunState
from .workers import CHUNK_DOCS, REFRESH_DOCS, ChunkResult, DaskPool, LocalPool, extractor_for, process_chunk

__all__ = [
    "CHUNK_DOCS", "ENGINES", "PART_DOCS", "REFRESH_DOCS", "STATE_DIR", "ChunkResult", "DaskPool", "DocIndex",
    "DocumentTimeout", "Limits", "LocalPool", "OtherRunError", "RunState", "RunSummary", "check_out_dir",
    "extractor_for", "process_chunk", "run_corpus", "time_budget", "write_tables",
]  # fmt: skip
