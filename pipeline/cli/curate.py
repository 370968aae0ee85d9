"""``mirmine curate ...``: the curated store (``pipeline.curate``) from the command line, one stage call a command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

# The store needs only the standard library and pipeline.output: importing it here is cheap and gives the defaults.
from pipeline.curate import DEFAULT_EXPORT_STATUSES, DEFAULT_WAIT_S, EXPORT_FORMATS, EXPORT_STATUSES, STATUSES, Change, Merge
from pipeline.output import counted
from pipeline.schema import RELATION_TYPES

from .app import app, fail, print_columns

curate_app = typer.Typer(
    name="curate",
    no_args_is_help=True,
    help=(
        "The curated store: merge runs into one SQLite file, decide on findings, see what changed, export, "
        "and estimate precision from a checked sample. A merge never overwrites a decision.\n\n"
        "Example: mirmine curate merge output/ --db curated.db"
    ),
)
app.add_typer(curate_app, name="curate")

# The network files `curate export` writes through pipeline.export.networks (imported when asked for).
_NETWORKS = (".graphml", ".sif")
_DB_HELP = "The curated store, an SQLite file (`mirmine curate merge` makes it)."
_WAIT_HELP = "Seconds to wait while another merge or decision holds the store, then give up with an error."


@contextmanager
def _curate_errors() -> Iterator[None]:
    from pipeline.curate import CurateError

    try:
        yield
    except CurateError as err:
        raise fail(str(err)) from err


@curate_app.command("merge")
def curate_merge(
    run_dir: Path = typer.Argument(..., help="Folder of a run: its relations.tsv, run.json (and mentions.tsv)."),
    db: Path = typer.Option(..., "--db", help=_DB_HELP),
    wait: float = typer.Option(DEFAULT_WAIT_S, "--wait", min=0, help=_WAIT_HELP),
) -> None:
    """Merge a run into the curated store, in one transaction: new evidence and findings, updated counts, stale marks.

    Findings (one per miRNA, relation, partner) are rolled up from the evidence of every merged run. Evidence of the documents this run covered that it no longer produces goes stale, and so does a finding left with none; documents the run did not process are left alone, so a new batch never makes the old ones stale. Nothing is deleted, decisions are never overwritten, and merging the same run again changes nothing.

    Example: mirmine curate merge output/ --db curated.db
    """
    from pipeline.curate import merge_run

    with _curate_errors():
        merge = merge_run(db, run_dir, wait=wait)
    what = (
        f"findings {merge.findings_added} added, {merge.findings_changed} changed, {merge.findings_revived} revived, "
        f"{merge.findings_staled} stale; evidence {merge.evidence_added} added, {merge.evidence_changed} changed, "
        f"{merge.evidence_staled} stale"
    )
    if not merge.changed_anything:
        what = "nothing new (the store already holds this run's content)"
    typer.echo(f"merge {merge.merge_id}: {run_dir} ({merge.documents} documents) -> {db}: {what}")


@curate_app.command("decide")
def curate_decide(
    row_id: Optional[str] = typer.Argument(
        None, metavar="ID", show_default=False,
        help="A finding id (from diff, export or sample), the relation_id of one of its evidence rows, or 6+ leading hex digits of either.",
    ),  # fmt: skip
    status: Optional[str] = typer.Argument(None, metavar="STATUS", show_default=False, help="accepted, rejected, or pending to take a decision back."),
    db: Path = typer.Option(..., "--db", help=_DB_HELP),
    note: str = typer.Option("", "--note", help="Why, or where the evidence is; shown beside the decision in the export."),
    relation: Optional[str] = typer.Option(
        None, "--relation", show_default=False,
        help=f"Correct the relation to this one ({', '.join(RELATION_TYPES)}); the extracted one, or '', takes a correction back.",
    ),  # fmt: skip
    partner: Optional[str] = typer.Option(
        None, "--partner", show_default=False, help="Correct the partner (e.g. SHC1); the extracted one, or '', takes a correction back."
    ),
    direction: Optional[str] = typer.Option(
        None, "--direction", show_default=False, help="Correct the direction: down or up; '' takes a correction back."
    ),
    sheet: Optional[Path] = typer.Option(
        None, "--from", show_default=False,
        help="A .tsv, .csv or .xlsx sheet of finding_id, status, note (and relation, partner, direction) to apply in one transaction instead of ID STATUS.",
    ),  # fmt: skip
    curator: Optional[str] = typer.Option(None, "--curator", help="Who decides; default $USER, else unknown."),
    wait: float = typer.Option(DEFAULT_WAIT_S, "--wait", min=0, help=_WAIT_HELP),
) -> None:
    """Record a curator's decision on a finding (accepted, rejected or pending) with a note, the curator and the UTC time, and correct its relation, partner or direction.

    The decision is on the finding (miRNA, relation, partner), whichever of its evidence ids, or 6+ leading hex digits of one, is given. A correction keeps the finding's id: the export shows the corrected values beside the extracted ones. Earlier decisions stay in the store's history; a later merge never changes a decision or a correction. --from applies a whole sheet in one transaction: one bad row (unknown or ambiguous id, bad status or relation, missing column) and nothing is applied; rows that change nothing are skipped.

    Example: mirmine curate decide --db curated.db 3f2a9c accepted --partner SHC1 --note "Fig. 3B, MCF-7/TamR"
    """
    import os

    who = curator or os.environ.get("USER") or "unknown"
    if sheet is not None:
        if row_id is not None or status is not None or note or relation is not None or partner is not None or direction is not None:
            raise typer.BadParameter(
                "give either ID STATUS (with --note, --relation, --partner, --direction) or --from FILE", param_hint="--from"
            )
        _decide_sheet(db, sheet, who, wait)
        return
    if row_id is None or status is None:
        raise typer.BadParameter("give a finding id and a status (or --from FILE)", param_hint="ID STATUS")
    if status not in STATUSES:
        raise typer.BadParameter(f"use {', '.join(STATUSES)}, not {status!r}", param_hint="STATUS")
    from pipeline.curate import decide

    with _curate_errors():
        decision = decide(
            db, row_id, status, note=note, curator=who, relation=relation, partner=partner, direction=direction, wait=wait
        )
    via = f" (evidence {decision.via} belongs to this finding)" if decision.via else ""
    corrected = f", corrected: {decision.describe_correction()}" if decision.describe_correction() else ""
    typer.echo(
        f"{decision.status} {decision.finding_id}: {decision.mirna} {decision.relation} {decision.partner}{via}{corrected}; "
        f"was {decision.previous}; by {decision.curator} at {decision.decided_at}"
    )


def _decide_sheet(db: Path, sheet: Path, curator: str, wait: float) -> None:
    from pipeline.curate import decide_many, read_decision_sheet

    with _curate_errors():
        result = decide_many(db, read_decision_sheet(sheet), curator=curator, wait=wait)
    count = len(result.decisions)
    corrected = sum(1 for decision in result.decisions if decision.describe_correction())
    typer.echo(
        f"{sheet}: {counted(count, 'decision')} recorded ({corrected} with a correction), "
        f"{counted(result.unchanged, 'row')} unchanged; by {curator} -> {db}"
    )


@curate_app.command("diff")
def curate_diff(
    db: Path = typer.Option(..., "--db", help=_DB_HELP),
    merge_id: Optional[int] = typer.Option(None, "--merge", min=1, help="Show merge N (numbered from 1) instead of the last one."),
    as_json: bool = typer.Option(False, "--json", help="Print the merge and its changes as JSON."),
) -> None:
    """Show what the last merge did: findings added, changed (and how), revived, and made stale, with their decisions.

    Example: mirmine curate diff --db curated.db
    """
    import json
    from dataclasses import asdict

    from pipeline.curate import merge_changes

    with _curate_errors():
        merge, changes = merge_changes(db, merge_id)
    if as_json:
        typer.echo(json.dumps({"merge": asdict(merge), "changes": [asdict(c) for c in changes]}, indent=2, ensure_ascii=False))
        return
    print_diff(merge, changes)


def print_diff(merge: Merge, changes: list[Change]) -> None:
    """The diff of a merge as `mirmine curate diff` prints it (`mirmine update` prints the same)."""
    typer.echo(
        f"merge {merge.merge_id}: {merge.run_dir} (run.json {merge.run_json_sha256[:12]}, written {merge.run_time}), "
        f"merged {merge.merged_at}, {counted(merge.documents, 'document')}"
    )
    typer.echo(
        f"findings: {merge.findings_added} added, {merge.findings_changed} changed, {merge.findings_revived} revived, "
        f"{merge.findings_staled} stale; evidence: {merge.evidence_added} added, {merge.evidence_changed} changed, "
        f"{merge.evidence_staled} stale"
    )
    if not changes:
        earlier = f"; `mirmine curate diff --merge {merge.merge_id - 1}` shows the merge before" if merge.merge_id > 1 else ""
        typer.echo(f"no finding changed{earlier}")
        return
    typer.echo("")
    header = ("change", "finding", "status", "miRNA", "relation", "partner", "what changed")
    rows = [
        (c.kind, c.finding_id, c.status, c.mirna, c.relation, c.partner,
         "; ".join(filter(None, (c.detail, c.correction and f"a curator corrected it: {c.correction}"))))
        for c in changes
    ]  # fmt: skip
    print_columns(header, rows)


@curate_app.command("export")
def curate_export(
    db: Path = typer.Option(..., "--db", help=_DB_HELP),
    out: Path = typer.Option(
        ..., "--out", "-o", help=f"File to write; its extension picks the format: {', '.join([*EXPORT_FORMATS, *_NETWORKS])}."
    ),
    status: str = typer.Option(
        ",".join(DEFAULT_EXPORT_STATUSES), "--status",
        help=f"Comma-separated, from {', '.join(EXPORT_STATUSES)}; stale adds the findings no run supports any more, whatever their decision.",
    ),  # fmt: skip
    by: Optional[str] = typer.Option(None, "--by", help="drug or mirna: the review's Table 1 shape instead of one row per finding."),
    force: bool = typer.Option(False, "--force", help="Replace --out when it exists."),
) -> None:
    """Write the curated table: table.tsv's columns plus finding_id, status, stale, curator, decided_at, note, direction and the original (extracted) relation, partner, partner id and direction; or the findings as a network.

    Accepted and pending findings by default. relation, partner and direction are the curated values (a curator's correction where there is one). In .csv and .xlsx a cell that a spreadsheet would run as a formula gets a leading single quote; .tsv and .parquet keep the text as it is. .xlsx has a frozen, filtered header, fitted column widths and PubMed links on doc_ids. .graphml and .sif write the findings as a network (typed miRNA, gene and drug nodes; edges with relation, direction, status and evidence count) for Cytoscape. The file is written whole or not at all, and an existing file is replaced only with --force.

    Example: mirmine curate export --db curated.db --out curated.xlsx --status accepted --by drug
    """
    suffix = out.suffix.lower()
    if suffix not in EXPORT_FORMATS and suffix not in _NETWORKS:
        raise typer.BadParameter(f"end the file name with one of {', '.join([*EXPORT_FORMATS, *_NETWORKS])}", param_hint="--out")
    statuses = [name.strip() for name in status.split(",") if name.strip()]
    if not statuses or set(statuses) - set(EXPORT_STATUSES):
        raise typer.BadParameter(f"use a comma-separated list of {', '.join(EXPORT_STATUSES)}", param_hint="--status")
    if by not in (None, "drug", "mirna"):
        raise typer.BadParameter("use --by drug or --by mirna", param_hint="--by")
    if by is not None and suffix in _NETWORKS:
        raise typer.BadParameter(f"--by shapes a table; a {suffix} network has one edge per finding", param_hint="--by")
    with _curate_errors():
        if suffix in _NETWORKS:
            count, what = _export_network(db, out, statuses, force), "edge"
        else:
            from pipeline.curate import export_findings

            count, what = export_findings(db, out, statuses=statuses, by=by, force=force), "row"
    typer.echo(f"wrote {count} {what}{'' if count == 1 else 's'} ({', '.join(statuses)}) -> {out}")


def _export_network(db: Path, out: Path, statuses: list[str], force: bool) -> int:
    from pipeline.curate import check_export_path, select_findings
    from pipeline.export.networks import network_from_findings, write_network

    check_export_path(out, force)
    network = network_from_findings(select_findings(db, statuses))
    write_network(out, network)
    return len(network.edges)


@curate_app.command("sample")
def curate_sample(
    db: Path = typer.Option(..., "--db", help=_DB_HELP),
    n: int = typer.Option(100, "--n", min=1, help="How many pending findings to draw."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random seed: the same store and seed draw the same findings. Default: a new one, printed."),
    as_json: bool = typer.Option(False, "--json", help="Print the draw as JSON."),
    wait: float = typer.Option(DEFAULT_WAIT_S, "--wait", min=0, help=_WAIT_HELP),
) -> None:
    """Draw a random sample of pending findings to check, stratified by relation type, and mark them as sampled.

    Each relation type gets its share of the sample (at least one while --n allows). Findings sampled before are not drawn again, so a second draw adds to the sample. Check each with `mirmine curate decide`, then run `mirmine curate precision`.

    Example: mirmine curate sample --db curated.db --n 100 --seed 7
    """
    import json
    from dataclasses import asdict

    from pipeline.curate import sample_findings

    with _curate_errors():
        draw = sample_findings(db, n, seed=seed, wait=wait)
    if as_json:
        typer.echo(json.dumps(asdict(draw), indent=2, ensure_ascii=False))
        return
    if not draw.findings:
        typer.echo("no pending finding left to sample: every live pending finding is in the sample already")
        return
    for finding in draw.findings:
        typer.echo(f"{finding.finding_id}  {finding.relation}  {finding.mirna}  {finding.partner}\n    {finding.example}")
    counts = {}
    for finding in draw.findings:
        counts[finding.relation] = counts.get(finding.relation, 0) + 1
    by_relation = ", ".join(f"{relation} {count}" for relation, count in sorted(counts.items()))
    typer.echo(
        f"\nsampled {len(draw.findings)} of {draw.pool} pending findings (draw {draw.draw}, seed {draw.seed}): {by_relation}; "
        f"decide each with `mirmine curate decide --db {db} ID accepted|rejected|pending`, then `mirmine curate precision --db {db}`"
    )


@curate_app.command("precision")
def curate_precision(
    db: Path = typer.Option(..., "--db", help=_DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the estimates as JSON."),
) -> None:
    """Precision per relation type and overall from the decisions on the sampled findings, with 95 % Wilson intervals.

    The last column says how many more checked findings would narrow the interval to +/-5 % at the current estimate (0 when it is already that narrow).

    Example: mirmine curate precision --db curated.db --json
    """
    import json
    from dataclasses import asdict

    from pipeline.curate import estimate_precision

    with _curate_errors():
        rows = estimate_precision(db)
    if not rows[-1].sampled:
        raise fail(f"{db}: no finding sampled yet; draw a sample with `mirmine curate sample --db {db} --n 100` and decide on it")
    if as_json:
        typer.echo(json.dumps({"confidence": 0.95, "margin": 0.05, "precision": [asdict(row) for row in rows]}, indent=2))
        return
    header = ("relation", "sampled", "checked", "accepted", "corrected", "precision", "95% interval", "more for ±5%")
    print_columns(
        header,
        [
            (row.relation, str(row.sampled), str(row.checked), str(row.accepted), str(row.corrected),
             "-" if row.precision is None else f"{row.precision:.3f}", f"{row.low:.3f}-{row.high:.3f}", str(row.more))
            for row in rows
        ],
    )  # fmt: skip
    if rows[-1].corrected:
        typer.echo("\ncorrected: accepted with a correction of relation, partner or direction; the extraction was wrong")
    undecided = rows[-1].sampled - rows[-1].checked
    if undecided:
        typer.echo(f"\n{undecided} sampled findings are not decided yet")


@curate_app.command("serve")
def curate_serve(
    db: Path = typer.Option(..., "--db", help=_DB_HELP),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="Port to listen on; 0 takes any free one (the URL is printed)."),
    host: str = typer.Option(
        "127.0.0.1", "--host",
        help="Address to listen on. Only this machine can reach the default; another address lets others read and decide (a warning is printed).",
    ),  # fmt: skip
    curator: Optional[str] = typer.Option(None, "--curator", help="Who decides in this browser session; default $USER, else unknown."),
) -> None:
    """Review the findings in a browser: the pending findings with their evidence, filters, sorting, keys for accept and reject, corrections, notes, and precision on a checked sample.

    Every action is recorded in the store exactly as `mirmine curate decide` records it (append-only, with the curator and the UTC time), one transaction each. A decision made on a page loaded before someone else's newer decision on the same finding is refused; reload to see it. A merge while the server runs shows on the next reload. Ctrl-C stops the server.

    Example: mirmine curate serve --db curated.db --curator ann
    """
    import os

    from pipeline.curate.serve import LOOPBACK, bind, check_store, make_app, run_server, url_of

    who = curator or os.environ.get("USER") or "unknown"
    with _curate_errors():
        check_store(db)
    if host not in LOOPBACK:
        typer.echo(
            f"Warning: listening on {host}: anyone who can reach this machine on port {port} can read the store and record "
            "decisions; the default, 127.0.0.1, keeps it to this machine.",
            err=True,
        )
    app = make_app(db, who, hosts=LOOPBACK if host in LOOPBACK else ("*",))
    try:
        sock = bind(host, port)
    except OSError as err:
        raise fail(f"cannot listen on {host}:{port} ({err.strerror or err}); pick another --port, or 0 for any free one") from err
    typer.echo(f"Reviewing {db} as {who} at {url_of(sock)} (Ctrl-C stops)")
    try:
        run_server(app, sock)
    finally:
        sock.close()
