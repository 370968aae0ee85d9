"""PubMed records for a query or a PMID list: esearch with the history server, efetch in batches, one XML file.

A fresh search's batches are fetched from the history server (WebEnv, query_key, retstart); a batch the history
server cannot give back as listed (an expired WebEnv, other records), and every batch of a --pmids list or of a
resumed fetch, is fetched by its PMIDs. Each complete batch is appended to ``FILE.part`` and recorded in
``FILE.fetch.json`` before the next one is asked for (see ``state``).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .client import EutilsClient
from .errors import BadResponse, EutilsError, FetchError, HistoryMismatch
from .responses import ErrorDocument, Record, SearchResult, parse_efetch, parse_esearch
from .state import FetchState, load_state, part_path, remove_state, save_state, state_path
from .writer import PartFile

BATCH_SIZE = 200
ESEARCH_LIMIT = 10_000  # PubMed's esearch lists at most the first 10,000 PMIDs of a search
DATE_TYPES = ("pdat", "edat", "mdat")
# E-utilities take mindate and maxdate only as a pair: an open end is one of these.
OPEN_SINCE, OPEN_UNTIL = "1800", "3000"
_DATE = re.compile(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?")

EFETCH = {"db": "pubmed", "rettype": "abstract", "retmode": "xml"}

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FetchRequest:
    """What to fetch: a query (with optional dates, ``date_type`` pdat, edat or mdat) or a PMID list, and a cap."""

    query: str | None = None
    pmids: tuple[str, ...] | None = None
    since: str | None = None
    until: str | None = None
    date_type: str = "pdat"
    max_records: int | None = None
    batch_size: int = BATCH_SIZE

    def arguments(self) -> dict[str, str | int | None]:
        """What makes two fetches the same fetch (a rerun resumes only with equal arguments); not the batch size."""
        listed = hashlib.sha256("\n".join(self.pmids).encode()).hexdigest() if self.pmids is not None else None
        return {
            "query": self.query, "pmids_sha256": listed, "since": self.since, "until": self.until,
            "date_type": self.date_type if (self.since or self.until) else None, "max": self.max_records,
        }  # fmt: skip


@dataclass
class FetchSummary:
    """What a fetch did: ``count`` records matched, ``listed`` PMIDs asked for, ``records`` written to ``out``."""

    out: Path
    count: int
    listed: int
    records: int
    missing: list[str] = field(default_factory=list)
    resumed_from: int | None = None  # records already written when this run resumed a fetch
    requests: int = 0
    seconds: float = 0.0


def eutils_date(text: str) -> str:
    """A date as E-utilities take it (``2024``, ``2024/03``, ``2024/03/05``) from ``2024-03-05`` or ``2024/3/5``."""
    match = _DATE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    if (month and not 1 <= int(month) <= 12) or (day and not 1 <= int(day) <= 31):
        raise ValueError(f"{text!r} is not a date: month 1-12, day 1-31")
    return "/".join([year, *(f"{int(part):02d}" for part in (month, day) if part)])


def read_pmid_file(path: Path) -> tuple[str, ...]:
    """PMIDs one a line (``123`` or ``PMID:123``; blank lines and ``#`` comments skipped), first occurrence kept."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise FetchError(f"{path}: cannot read it ({getattr(err, 'strerror', None) or err}); --pmids takes a text file, one PMID a line") from err
    pmids: dict[str, None] = {}
    for number, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        pmid = text[5:].strip() if text.upper().startswith("PMID:") else text
        if not pmid.isdigit():
            raise FetchError(f"{path}:{number}: {line.strip()!r} is not a PMID; write one number a line")
        pmids[str(int(pmid))] = None
    if not pmids:
        raise FetchError(f"{path}: holds no PMID; --pmids takes a text file, one PMID a line")
    return tuple(pmids)


def fetch_pubmed(
    request: FetchRequest, out: Path, client: EutilsClient, *, restart: bool = False, on_progress: Progress | None = None
) -> FetchSummary:
    """Fetch the records of ``request`` into ``out`` (one PubmedArticleSet), resuming an unfinished fetch of the
    same arguments; raises FetchError, with what to do, when a request fails for good."""
    started, requests_before = time.perf_counter(), client.requests
    out = Path(out)
    if out.is_dir():
        raise FetchError(f"{out}: is a folder; --out takes the name of the XML file to write")
    out.parent.mkdir(parents=True, exist_ok=True)
    if restart:
        remove_state(out)
    state = load_state(out, request.arguments())
    resumed_from = state.records if state is not None else None
    history = None
    if state is None:
        state, history = _start(request, client)
        save_state(out, state)
    part = PartFile(part_path(out), state.part_bytes)
    if on_progress:
        on_progress(state.done, len(state.pmids))
    for start, stop in _batches(len(state.pmids), state.done, request.batch_size):
        label = _batch_label(state, start, stop, request.batch_size)
        try:
            records, from_history = _fetch_batch(client, state.pmids[start:stop], history, start, label)
        except EutilsError as err:
            raise FetchError(f"{err}; {_kept(out, state)}") from err
        history = history if from_history else None
        _write_batch(part, state, state.pmids[start:stop], records)
        state.done = stop
        save_state(out, state)
        if on_progress:
            on_progress(state.done, len(state.pmids))
    part.finish(out)
    remove_state(out)
    return FetchSummary(
        out, state.count, len(state.pmids), state.records, state.missing, resumed_from,
        client.requests - requests_before, time.perf_counter() - started,
    )  # fmt: skip


def _start(request: FetchRequest, client: EutilsClient) -> tuple[FetchState, SearchResult | None]:
    """A new state: the PMID list from --pmids, or from esearch (whose history the first batches use)."""
    arguments = request.arguments()
    if request.pmids is not None:
        pmids = list(request.pmids[: request.max_records])
        return FetchState(arguments, pmids, len(request.pmids)), None
    if not request.query:
        raise FetchError("nothing to fetch: give a QUERY or --pmids FILE")
    result = search_pubmed(request, client)
    return FetchState(arguments, list(result.pmids), result.count), result if result.webenv and result.query_key else None


def search_pubmed(request: FetchRequest, client: EutilsClient) -> SearchResult:
    """esearch with usehistory=y: the count, the PMIDs up to the cap (at most ESEARCH_LIMIT), the WebEnv."""
    wanted = min(request.max_records or ESEARCH_LIMIT, ESEARCH_LIMIT)
    params = {"db": "pubmed", "term": request.query or "", "usehistory": "y", "retstart": "0", "retmax": str(wanted)}
    if request.since or request.until:
        params.update(
            datetype=request.date_type, mindate=eutils_date(request.since or OPEN_SINCE),
            maxdate=eutils_date(request.until or OPEN_UNTIL),
        )  # fmt: skip
    result = client.call("esearch", params, parse_esearch, "esearch")
    if result.count > ESEARCH_LIMIT and (request.max_records is None or request.max_records > ESEARCH_LIMIT):
        raise FetchError(
            f"the query matches {result.count:,} records, and E-utilities list only the first {ESEARCH_LIMIT:,} of a "
            f"PubMed search: split it into date ranges with --since/--until, or take the first {ESEARCH_LIMIT:,} with --max {ESEARCH_LIMIT}"
        )
    return SearchResult(result.count, result.pmids[:wanted], result.webenv, result.query_key)


def _batches(total: int, done: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(start + size, total)) for start in range(done, total, size)]


def _batch_label(state: FetchState, start: int, stop: int, size: int) -> str:
    number, batches = start // size + 1, -(-len(state.pmids) // size)
    pmids = state.pmids[start] if stop - start == 1 else f"{state.pmids[start]}..{state.pmids[stop - 1]}"
    return f"efetch batch {number} of {batches} (records {start + 1}-{stop} of {len(state.pmids)}, PMIDs {pmids})"


def _fetch_batch(
    client: EutilsClient, pmids: Sequence[str], history: SearchResult | None, start: int, label: str
) -> tuple[list[Record], bool]:
    """The records of one batch, and whether the history server gave them (else they were fetched by PMIDs)."""
    if history is not None:
        try:
            return _by_history(client, pmids, history, start, label), True
        except HistoryMismatch:
            pass
    return _by_ids(client, pmids, label), False


def _by_history(client: EutilsClient, pmids: Sequence[str], history: SearchResult, start: int, label: str) -> list[Record]:
    params = {
        **EFETCH, "WebEnv": history.webenv or "", "query_key": history.query_key or "",
        "retstart": str(start), "retmax": str(len(pmids)),
    }  # fmt: skip

    def parse(body: bytes) -> list[Record]:
        try:
            records = parse_efetch(body)
        except ErrorDocument as err:
            raise HistoryMismatch(str(err)) from err
        if sorted(record.pmid for record in records) != sorted(pmids):
            raise HistoryMismatch("other records than the search listed")
        return records

    return client.call("efetch", params, parse, label)


def _by_ids(client: EutilsClient, pmids: Sequence[str], label: str) -> list[Record]:
    asked = set(pmids)

    def parse(body: bytes) -> list[Record]:
        records = parse_efetch(body)
        stray = [record.pmid for record in records if record.pmid not in asked]
        if stray:
            raise BadResponse(f"records of PMIDs not asked for ({', '.join(stray[:3])})")
        return records

    return client.call("efetch", {**EFETCH, "id": ",".join(pmids)}, parse, label)


def _write_batch(part: PartFile, state: FetchState, pmids: Sequence[str], records: list[Record]) -> None:
    """Append a batch's records (a PMID given twice is written once) and note the PMIDs that gave none."""
    by_pmid: dict[str, Record] = {}
    for record in records:
        by_pmid.setdefault(record.pmid, record)
    state.part_bytes = part.append(record.xml for record in by_pmid.values())
    state.records += len(by_pmid)
    state.missing += [pmid for pmid in pmids if pmid not in by_pmid]


def _kept(out: Path, state: FetchState) -> str:
    if state.records:
        return (
            f"the {state.records} records fetched so far are kept in {part_path(out)}: "
            "run the same command again to fetch the rest"
        )
    return f"nothing was written; the PMID list is kept in {state_path(out)}: run the same command again to go on from there"
