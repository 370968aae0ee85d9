"""Fetch: PubMed records through NCBI E-utilities into one PubMed XML file that ``mirmine run`` reads.

``fetch_pubmed`` runs esearch (history server) or takes a PMID list, then efetch in batches, with request spacing
(``ratelimit``), retries with exponential backoff (``client``), a resumable sidecar state (``state``) and an output
file that appears only complete (``writer``). ``responses`` reads the answers; ``pubmed`` puts it together.
"""

from .client import DEFAULT_API_URL, DEFAULT_TOOL, EutilsClient, Settings, error_message
from .errors import BadResponse, EutilsError, FetchError
from .pubmed import BATCH_SIZE, DATE_TYPES, ESEARCH_LIMIT, FetchRequest, FetchSummary, eutils_date, fetch_pubmed, read_pmid_file, search_pubmed
from .ratelimit import RATE_WITH_KEY, RATE_WITHOUT_KEY, RateLimiter, rate_for
from .responses import Record, SearchResult, parse_efetch, parse_esearch
from .state import FetchState, StateError, part_path, state_path

__all__ = [
    "BATCH_SIZE", "DATE_TYPES", "DEFAULT_API_URL", "DEFAULT_TOOL", "ESEARCH_LIMIT", "RATE_WITHOUT_KEY", "RATE_WITH_KEY",
    "BadResponse", "EutilsClient", "EutilsError", "FetchError", "FetchRequest", "FetchState", "FetchSummary", "RateLimiter",
    "Record", "SearchResult", "Settings", "StateError", "error_message", "eutils_date", "fetch_pubmed", "parse_efetch",
    "parse_esearch", "part_path", "rate_for", "read_pmid_file", "search_pubmed", "state_path",
]  # fmt: skip
