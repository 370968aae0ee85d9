"""``mirmine update``: a PubMed query kept up to date in the curated store (fetch what is new, run, merge, diff)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from pipeline import __version__
from pipeline.curate import DEFAULT_WAIT_S
from pipeline.fetch import DEFAULT_API_URL, DEFAULT_TOOL, EutilsClient, Settings
from pipeline.output import counted

from .app import app, fail
from .curate import print_diff
from .fetch import date_option, fetch_progress
from .run import RULES_HELP, print_error, run_progress

DEFAULT_UPDATES = Path("updates")


@app.command()
def update(
    query: str = typer.Argument(
        ..., help="A PubMed query as typed in PubMed's search box; the store knows it by this text (white space collapsed): give the same text each time.",
        show_default=False,
    ),  # fmt: skip
    db: Path = typer.Option(
        ..., "--db", help="The curated store (made if missing): it remembers each query, the date of its last update and the PMIDs fetched for it.",
        show_default=False,
    ),  # fmt: skip
    out: Path = typer.Option(
        DEFAULT_UPDATES, "--out", "-o", help="Folder that keeps every update's files: OUT/<query slug>/<UTC date>/ holds pubmed.xml, run/ and update.json."
    ),
    since: Optional[str] = typer.Option(
        None, "--since", callback=date_option, show_default=False,
        help="Search the records added to PubMed on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD): on a query's first update instead of all of PubMed, "
        "later to look further back than the day before its last update.",
    ),  # fmt: skip
    max_records: Optional[int] = typer.Option(
        None, "--max", min=1, show_default=False,
        help="Fetch at most N new records; the rest wait for the next update (the query's date then stays where it was).",
    ),  # fmt: skip
    api_url: str = typer.Option(DEFAULT_API_URL, "--api-url", help="The address of E-utilities (a mirror, or a test server)."),
    email: Optional[str] = typer.Option(
        None, "--email", envvar="NCBI_EMAIL", help="Your email, sent with each request as NCBI asks (env NCBI_EMAIL).", show_default=False
    ),
    tool: str = typer.Option(DEFAULT_TOOL, "--tool", help="The tool name sent with each request."),
    workers: int = typer.Option(0, "--workers", "-w", min=0, help="Worker processes of the run; 0 means one per core."),
    rules: Optional[Path] = typer.Option(None, "--rules", help=RULES_HELP),
    wait: float = typer.Option(
        DEFAULT_WAIT_S, "--wait", min=0, help="Seconds to wait while another merge or decision holds the store, then give up with an error."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors (no progress bars, no diff)."),
) -> None:
    """Keep a PubMed query up to date in the curated store: fetch the records new since its last update, run them, merge them, print the diff.

    The first update of a query fetches every record it matches (or those added to PubMed since --since). Each later one searches by the date records were added to PubMed (edat), from the day before the query's last update, and fetches only the PMIDs not fetched for the query before: run twice in a row, the second fetches nothing. The records and the run's tables are kept in a folder of their own under --out. The merge, the query's new PMIDs and its date are written to the store in one transaction after the fetch and the run succeeded, so a failure leaves the store as it was. When nothing is new, nothing is fetched, run or merged: only the query's date moves on. The diff is the one `mirmine curate diff` prints.

    Example: mirmine update "microRNA AND trastuzumab resistance" --db curated.db --out updates/
    """
    import os

    from pipeline.curate import CurateError, merge_changes
    from pipeline.ruleset import RuleError, load_ruleset
    from pipeline.update import UpdateError, update_query

    if not api_url.startswith(("http://", "https://")):
        raise typer.BadParameter(f"{api_url!r} is not an http:// or https:// address", param_hint="--api-url")
    if not query.split():
        raise typer.BadParameter("give the PubMed query to keep up to date", param_hint="QUERY")
    client = EutilsClient(Settings.from_env(api_url=api_url, email=email, tool=tool), user_agent=f"mirmine/{__version__}")
    bars = not quiet and sys.stderr.isatty()
    try:
        with fetch_progress(bars) as on_fetch, run_progress(bars) as on_run:
            summary = update_query(
                query, db, out, client, since=since, max_records=max_records, rules=load_ruleset(rules),
                workers=workers or os.cpu_count() or 1, wait=wait, on_error=print_error,
                on_fetch_progress=on_fetch, on_run_progress=on_run,
            )  # fmt: skip
        changes = merge_changes(db, summary.merge.merge_id) if summary.merge is not None and not quiet else None
    except (UpdateError, RuleError, CurateError) as err:
        raise fail(str(err)) from err
    except OSError as err:
        raise fail(f"{err.filename or out}: {err.strerror or err}; check that --out and the folder of --db are writable") from err
    if quiet:
        return
    if summary.missing:
        shown = ", ".join(summary.missing[:10]) + (", ..." if len(summary.missing) > 10 else "")
        typer.echo(f"Note: {counted(len(summary.missing), 'PMID')} gave no record (deleted from PubMed?): {shown}", err=True)
    if changes is not None:
        print_diff(*changes)
        typer.echo("")
    typer.echo(_summary_line(summary, db, max_records))


def _summary_line(summary, db: Path, max_records: Optional[int]) -> str:
    searched = f"records added to PubMed since {summary.searched_from}" if summary.searched_from else "all of PubMed"
    if summary.merge is None:
        matched = f"matched {summary.matched:,}, all fetched before" if summary.matched else "matched no record"
        if summary.missing:
            matched = f"matched {summary.matched:,}; {counted(len(summary.missing), 'new PMID')} gave no record"
        return (
            f"mirmine update: nothing new for {summary.query!r} (the search of {searched} {matched}); "
            f"nothing run or merged; last update {summary.last_update} in {db}"
        )
    run = summary.run
    known = f", {summary.matched - summary.new:,} fetched before" if summary.matched > summary.new else ""
    errors = f", {counted(len(run.errors), 'error')} (see {run.out_dir / 'errors.tsv'})" if run.errors else ""
    left = (
        f"; {counted(summary.left, 'more new record')} wait for the next update (--max {max_records}), so the query's date "
        f"stays {summary.last_update or 'unset'}" if summary.left else f"; last update {summary.last_update}"
    )  # fmt: skip
    return (
        f"mirmine update: {counted(summary.fetched, 'new record')} for {summary.query!r} (the search of {searched} matched "
        f"{summary.matched:,}{known}) -> {summary.folder}/: {counted(run.documents, 'document')}, "
        f"{counted(run.relations, 'relation')}{errors}; merge {summary.merge.merge_id} into {db}{left}"
    )

