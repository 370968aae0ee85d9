"""A PubMed query kept up to date in the curated store: fetch what is new for it, run it, merge it (``mirmine update``).

The store remembers each query (``curate.queries``): the PMIDs fetched for it and the UTC date of its last complete
update. An update searches PubMed by entry date (``edat``) from the day *before* that date, so that a record added
later on that day, or dated in another time zone than UTC, is not missed; the PMIDs already fetched for the query
are dropped from the search's list before any efetch, so the overlap costs one esearch and nothing else. The first
update of a query searches all of PubMed, or from ``since``.

An update that finds something new keeps its files in a folder of its own, ``OUT/<query slug>/<UTC date>/``
(``-2``, ``-3`` for a second or third update that day): ``pubmed.xml`` (the records fetched), ``run/`` (the run's
tables) and, written last, ``update.json`` (what the update did). The store is written once, at the end, in one
transaction: the merge, the query's new PMIDs and its date. A failure before that (search, fetch, run, merge)
leaves the store as it was and removes the update's folder. An update that finds nothing new writes no folder and
merges nothing; it only moves the query's date forward.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from pipeline import __version__
from pipeline.curate import DEFAULT_WAIT_S, CurateError, Merge, QueryState, normalize_query, query_state, record_update
from pipeline.engine import CHUNK_DOCS, OtherRunError, RunSummary, run_corpus
from pipeline.fetch import ESEARCH_LIMIT, EutilsClient, FetchError, FetchRequest, FetchSummary, SearchResult
from pipeline.fetch import fetch_pubmed, search_pubmed
from pipeline.output import write_json
from pipeline.ruleset import RuleSet
from pipeline.schema import InputError

DATE_TYPE = "edat"  # the date a record was added to PubMed: what "new since the last update" means
SEARCH_OVERLAP = timedelta(days=1)
XML_FILE, RUN_DIR, UPDATE_FILE = "pubmed.xml", "run", "update.json"
_SLUG_CHARS = 48

Progress = Callable[[int, int], None]


class UpdateError(Exception):
    """An update that could not be made; the store is as it was, and the message says what to do."""


@dataclass
class UpdateSummary:
    """What an update did: the search (from ``searched_from``, None for all of PubMed) matched ``matched`` records,
    ``new`` of them not fetched before for the query, ``fetched`` fetched and run (``left`` left for the next update
    by ``max_records``); ``folder``, ``run`` and ``merge`` are None when nothing was new."""

    query: str
    searched_from: str | None
    matched: int
    new: int
    last_update: str
    fetched: int = 0
    left: int = 0
    missing: list[str] = field(default_factory=list)
    folder: Path | None = None
    run: RunSummary | None = None
    merge: Merge | None = None


def utc_today() -> date:
    """Today in UTC: the date an update records for its query."""
    return datetime.now(timezone.utc).date()


def query_slug(query: str) -> str:
    """The folder name of a query's updates: its words in lower case, then 8 hex digits of its hash (two queries
    with the same words, ``miR-21`` and ``miR-21[tiab]``, get two folders)."""
    words = re.sub(r"[^a-z0-9]+", "-", query.lower()).strip("-")[:_SLUG_CHARS].rstrip("-") or "query"
    return f"{words}-{hashlib.sha1(query.encode('utf-8')).hexdigest()[:8]}"


def search_start(state: QueryState | None) -> str | None:
    """The entry date (E-utilities form) the next search of a query starts from: the day before its last complete
    update; while it has none, the ``since`` of its first update; None (all of PubMed) for a new query."""
    if state is None:
        return None
    if state.last_update:
        return (date.fromisoformat(state.last_update) - SEARCH_OVERLAP).strftime("%Y/%m/%d")
    return state.since or None


def update_query(
    query: str,
    db: Path,
    out: Path,
    client: EutilsClient,
    *,
    since: str | None = None,
    max_records: int | None = None,
    rules: RuleSet | None = None,
    workers: int = 1,
    today: date | None = None,
    wait: float = DEFAULT_WAIT_S,
    on_error: Callable[[InputError], None] | None = None,
    on_fetch_progress: Progress | None = None,
    on_run_progress: Callable[[int, int | None], None] | None = None,
) -> UpdateSummary:
    """Fetch the records new for ``query`` since its last update in ``db`` (or from ``since``, E-utilities form),
    run them into a folder of their own under ``out`` and merge them into ``db`` with the query's new date; at most
    ``max_records`` new records (the rest wait for the next update). Raises UpdateError, the store unchanged."""
    text = normalize_query(query)
    if not text:
        raise UpdateError("the query is empty: give the PubMed query to keep up to date")
    if not db.parent.is_dir():
        raise UpdateError(f"{db.parent}: no such folder; --db names the store file in an existing folder")
    day = today or utc_today()
    state = _known(db, text)
    start = since or search_start(state)
    found = _search(text, start, client)
    known = state.pmids if state is not None else frozenset()
    new = [pmid for pmid in found.pmids if pmid not in known]
    wanted = new[:max_records] if max_records else new
    before = state.last_update if state is not None else ""
    complete = len(wanted) == len(new)
    summary = UpdateSummary(text, start, found.count, len(new), max(before, day.isoformat()) if complete else before)
    summary.left = len(new) - len(wanted)
    first_since = (since or "") if state is None else state.since
    if wanted:
        # A few records need no more workers than they make chunks.
        workers = max(1, min(workers, -(-len(wanted) // CHUNK_DOCS)))
        job = _Job(text, db, day, complete, first_since, rules, workers, wait, on_error, on_fetch_progress, on_run_progress)
        _fetch_run_merge(job, wanted, _new_folder(out / query_slug(text), day), client, summary)
    if summary.merge is None:  # nothing new, or nothing PubMed gave a record for: only the date moves on
        _record(db, text, day, complete, first_since, wait=wait)
    return summary


@dataclass(frozen=True)
class _Job:
    """What an update's fetch, run and merge need besides the PMIDs."""

    query: str
    db: Path
    day: date
    complete: bool
    since: str
    rules: RuleSet | None
    workers: int
    wait: float
    on_error: Callable[[InputError], None] | None
    on_fetch_progress: Progress | None
    on_run_progress: Callable[[int, int | None], None] | None


def _fetch_run_merge(job: _Job, pmids: Sequence[str], folder: Path, client: EutilsClient, summary: UpdateSummary) -> None:
    """Fetch ``pmids`` into ``folder``, run them, merge the run with the query's PMIDs and date; on any failure the
    folder is removed (the store was not written). A fetch that gave no record leaves no folder and no merge."""
    try:
        fetched = _fetch(pmids, folder / XML_FILE, client, job.on_fetch_progress)
        summary.fetched, summary.missing = fetched.records, fetched.missing
        if fetched.records:
            summary.run = _run(folder, fetched.records, job.rules, job.workers, job.on_error, job.on_run_progress)
            missing = set(fetched.missing)
            got = [pmid for pmid in pmids if pmid not in missing]
            summary.merge = _record(job.db, job.query, job.day, job.complete, job.since, got, folder / RUN_DIR, job.wait)
    except BaseException:
        _discard(folder)
        raise
    if summary.merge is None:
        _discard(folder)
        return
    summary.folder = folder
    write_json(folder / UPDATE_FILE, _update_info(summary, job.db, job.day, got))


def _discard(folder: Path) -> None:
    """Remove an update's folder, and its query's folder when that is left empty (a first update that failed)."""
    shutil.rmtree(folder, ignore_errors=True)
    try:
        folder.parent.rmdir()
    except OSError:  # other updates of the query are in it
        pass


def _known(db: Path, query: str) -> QueryState | None:
    try:
        return query_state(db, query)
    except CurateError as err:
        raise UpdateError(f"{err}; nothing was fetched") from err


def _search(query: str, start: str | None, client: EutilsClient) -> SearchResult:
    """The search's PMIDs, all of them (at most ESEARCH_LIMIT, which a larger result is refused for)."""
    request = FetchRequest(query, since=start, date_type=DATE_TYPE, max_records=ESEARCH_LIMIT)
    try:
        found = search_pubmed(request, client)
    except FetchError as err:
        raise UpdateError(f"{err}; nothing was fetched and the store is as it was") from err
    if found.count > ESEARCH_LIMIT:
        where = f"added to PubMed since {start}" if start else "in PubMed"
        raise UpdateError(
            f"the query matches {found.count:,} records {where}, and E-utilities list only the first {ESEARCH_LIMIT:,}: "
            "narrow the query, or start its first update later with --since DATE; nothing was fetched"
        )
    return found


def _new_folder(parent: Path, day: date) -> Path:
    """A new folder for this update's files, made here so that two updates on one day never share one."""
    try:
        parent.mkdir(parents=True, exist_ok=True)
        for number in itertools.count(1):
            folder = parent / (day.isoformat() if number == 1 else f"{day.isoformat()}-{number}")
            try:
                folder.mkdir()
                return folder
            except FileExistsError:
                continue
    except OSError as err:
        raise UpdateError(f"{err.filename or parent}: {err.strerror or err}; check that --out is a writable folder") from err
    raise AssertionError("unreachable")


def _fetch(pmids: Sequence[str], xml: Path, client: EutilsClient, on_progress: Progress | None) -> FetchSummary:
    try:
        return fetch_pubmed(FetchRequest(pmids=tuple(pmids)), xml, client, on_progress=on_progress)
    except FetchError as err:
        # fetch_pubmed's message ends with where it kept the records so far; an update removes them with its folder.
        cause = err.__cause__ if isinstance(err.__cause__, FetchError) else err
        raise UpdateError(f"{cause}; nothing was merged and the store is as it was: run the update again") from err


def _run(
    folder: Path, records: int, rules: RuleSet | None, workers: int,
    on_error: Callable[[InputError], None] | None, on_progress: Callable[[int, int | None], None] | None,
) -> RunSummary:  # fmt: skip
    try:
        run = run_corpus(
            [folder / XML_FILE], folder / RUN_DIR, rules=rules, workers=workers, on_error=on_error, on_progress=on_progress
        )
    except (OtherRunError, OSError) as err:
        raise UpdateError(
            f"the run of the fetched records failed ({err}); nothing was merged and the store is as it was"
        ) from err
    if run.documents == 0:
        why = f" ({run.errors[0].error})" if run.errors else ""
        raise UpdateError(
            f"none of the {records} records fetched could be read{why}; nothing was merged and the store is as it was"
        )
    return run


def _record(
    db: Path, query: str, day: date, complete: bool, since: str, pmids: Sequence[str] = (),
    run_dir: Path | None = None, wait: float = DEFAULT_WAIT_S,
) -> Merge | None:  # fmt: skip
    try:
        return record_update(db, query, day=day, complete=complete, since=since, pmids=pmids, run_dir=run_dir, wait=wait)
    except CurateError as err:
        removed = "; this update's files were removed" if run_dir is not None else ""
        raise UpdateError(f"{err}; the store is as it was{removed}: run the update again") from err


def _update_info(summary: UpdateSummary, db: Path, day: date, pmids: Sequence[str]) -> dict:
    merge = summary.merge
    return {
        "mirmine": __version__, "query": summary.query, "date": day.isoformat(), "date_type": DATE_TYPE,
        "searched_from": summary.searched_from or "", "matched": summary.matched, "new": summary.new,
        "fetched": summary.fetched, "left": summary.left, "pmids": list(pmids), "missing": summary.missing,
        "documents": summary.run.documents if summary.run else 0, "errors": len(summary.run.errors) if summary.run else 0,
        "store": str(db.resolve()), "merge_id": merge.merge_id if merge else None,
    }  # fmt: skip
