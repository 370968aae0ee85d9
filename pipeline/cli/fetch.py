"""``mirmine fetch``: PubMed records through NCBI E-utilities into one PubMed XML file."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from pipeline import __version__
from pipeline.fetch import (
    BATCH_SIZE, DATE_TYPES, DEFAULT_API_URL, DEFAULT_TOOL, EutilsClient, FetchError, FetchRequest, FetchSummary,
    Settings, eutils_date, fetch_pubmed, read_pmid_file,
)  # fmt: skip

from .app import app, fail


def date_option(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    try:
        return eutils_date(value)
    except ValueError as err:
        raise typer.BadParameter(str(err)) from err


@app.command()
def fetch(
    query: Optional[str] = typer.Argument(
        None, help="A PubMed query as typed in PubMed's search box, e.g. 'microRNA AND breast cancer AND resistance'. Leave out with --pmids.",
        show_default=False,
    ),
    out: Path = typer.Option(..., "--out", "-o", help="The PubMed XML file to write (a PubmedArticleSet); replaced when it exists.", show_default=False),
    since: Optional[str] = typer.Option(None, "--since", callback=date_option, help="Only records dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD).", show_default=False),
    until: Optional[str] = typer.Option(None, "--until", callback=date_option, help="Only records dated on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD).", show_default=False),
    date_type: str = typer.Option(
        "pdat", "--date-type", help="Which date --since/--until compare: pdat (publication), edat (added to PubMed: for new records since a date) or mdat (modified)."
    ),
    max_records: Optional[int] = typer.Option(None, "--max", min=1, help="Fetch at most N records (the first N the search lists).", show_default=False),
    pmids: Optional[Path] = typer.Option(
        None, "--pmids", help="Fetch these PMIDs instead of searching: a text file, one PMID a line (# comments allowed).", show_default=False
    ),
    api_url: str = typer.Option(DEFAULT_API_URL, "--api-url", help="The address of E-utilities (a mirror, or a test server)."),
    email: Optional[str] = typer.Option(
        None, "--email", envvar="NCBI_EMAIL", help="Your email, sent with each request as NCBI asks (env NCBI_EMAIL).", show_default=False
    ),
    tool: str = typer.Option(DEFAULT_TOOL, "--tool", help="The tool name sent with each request."),
    batch_size: int = typer.Option(BATCH_SIZE, "--batch-size", min=1, max=10_000, help="Records per efetch request."),
    restart: bool = typer.Option(False, "--restart", help="Drop the state of an unfinished fetch into --out and start from the search again."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors (no progress bar)."),
) -> None:
    """Fetch PubMed records (title, abstract, dates) through NCBI E-utilities into one PubMed XML file for mirmine run.

    Searches with esearch (or takes the PMIDs of --pmids) and fetches the records with efetch in batches, at most 3 requests a second, or 10 with an API key in the environment variable NCBI_API_KEY; a request that meets a rate limit (429), a server error or a cut or malformed answer is tried again after 1, 2 and 4 seconds. The file appears only when complete. An interrupted fetch keeps FILE.part and FILE.fetch.json beside --out: the same command run again fetches only the batches still missing (--restart starts over).

    Example: mirmine fetch "microRNA AND trastuzumab resistance" --since 2020 --out pubmed/trastuzumab.xml
    """
    request = _request(query, pmids, since, until, date_type, max_records, batch_size)
    if not api_url.startswith(("http://", "https://")):
        raise typer.BadParameter(f"{api_url!r} is not an http:// or https:// address", param_hint="--api-url")
    client = EutilsClient(Settings.from_env(api_url=api_url, email=email, tool=tool), user_agent=f"mirmine/{__version__}")
    try:
        with fetch_progress(not quiet and sys.stderr.isatty()) as on_progress:
            summary = fetch_pubmed(request, out, client, restart=restart, on_progress=on_progress)
    except FetchError as err:
        raise fail(str(err)) from err
    except OSError as err:
        raise fail(f"{err.filename or out}: {err.strerror or err}; check that the folder of --out is writable") from err
    if not quiet:
        _print_summary(summary, request)


def _request(
    query: Optional[str], pmids: Optional[Path], since: Optional[str], until: Optional[str], date_type: str,
    max_records: Optional[int], batch_size: int,
) -> FetchRequest:  # fmt: skip
    if date_type not in DATE_TYPES:
        raise typer.BadParameter(f"use {', '.join(DATE_TYPES)}", param_hint="--date-type")
    if (query is None) == (pmids is None):
        raise typer.BadParameter("give a QUERY or --pmids FILE (one of the two)", param_hint="QUERY")
    if pmids is not None and (since or until):
        raise typer.BadParameter("--since and --until filter a search; a --pmids list is fetched as it is", param_hint="--since")
    listed = None
    if pmids is not None:
        try:
            listed = read_pmid_file(pmids)
        except FetchError as err:
            raise fail(str(err)) from err
    return FetchRequest(query, listed, since, until, date_type, max_records, batch_size)


def _print_summary(summary: FetchSummary, request: FetchRequest) -> None:
    if summary.missing:
        shown = ", ".join(summary.missing[:10]) + (", ..." if len(summary.missing) > 10 else "")
        typer.echo(f"Note: {_count(len(summary.missing), 'PMID')} gave no record (deleted, or not in PubMed): {shown}", err=True)
    timing = f"{_count(summary.requests, 'request')} in {summary.seconds:.1f} s"
    if summary.count == 0 and request.pmids is None:
        typer.echo(f"mirmine fetch: the query matched no PubMed record; {summary.out} holds an empty PubmedArticleSet ({timing})")
        return
    if request.pmids is not None:
        source = f"{_count(summary.listed, 'PMID')} of --pmids" + (f" (of {summary.count}, --max)" if summary.listed < summary.count else "")
    else:
        source = f"the query matched {summary.count:,}" + (f", --max {request.max_records}" if summary.listed < summary.count else "")
    resumed = f"; resumed: {summary.resumed_from} were fetched before" if summary.resumed_from is not None else ""
    typer.echo(f"mirmine fetch: {_count(summary.records, 'record')} -> {summary.out} ({source}{resumed}; {timing})")


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@contextmanager
def fetch_progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar of PMIDs fetched on stderr when it is a terminal; nothing otherwise."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("records"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("fetch", total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update
