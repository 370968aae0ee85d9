"""mirmine in a notebook: texts, run folders and the curated store as pandas DataFrames.

``extract_text(texts)`` runs the per-document path of ``mirmine run`` in memory, ``read_run(DIR)`` reads what a run
wrote, ``open_store(FILE).findings()`` the curated findings. A thin face over the package ``pipeline``; installed
under the name ``mirmine`` (the folder ``api/`` of the repository, mapped in pyproject.toml).
"""

from pipeline import __version__

from .frames import COLUMN_KINDS, column_kind
from .result import Result, extract_text, read_run
from .store import Store, open_store

__all__ = ["COLUMN_KINDS", "Result", "Store", "__version__", "column_kind", "extract_text", "open_store", "read_run"]
