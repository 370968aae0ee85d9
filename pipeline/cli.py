"""The ``mirmine`` command line: each command parses its arguments and calls one stage function.

Exit codes: 0 ok, 1 a detected error (one ``Error:`` line on stderr), 2 a usage error.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from pipeline import __version__
from pipeline.ruleset import RuleError
from pipeline.schema import InputError

app = typer.Typer(
    name="mirmine",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DEFAULT_CORPUS = Path("corpus")
DEFAULT_OUT = Path("output")


def fail(message: str) -> typer.Exit:
    """Print one ``Error:`` line on stderr and return the exit-1 exception for the caller to raise."""
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=1)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"mirmine {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Text mining of miRNA / drug-resistance findings from papers and PubMed exports.

    Example: mirmine run corpus/ --out output/
    """


@app.command()
def run(
    inputs: Optional[list[Path]] = typer.Argument(
        None,
        help="Files or folders: .txt, .pdf, PubMed MEDLINE (.txt/.nbib), PubMed XML, JSON Lines. Default: corpus/.",
        show_default=False,
    ),
    out: Path = typer.Option(DEFAULT_OUT, "--out", "-o", help="Folder for the tables and run.json."),
    workers: int = typer.Option(0, "--workers", "-w", help="Worker processes; 0 means one per core."),
    resume: bool = typer.Option(False, "--resume", help="Skip documents a killed or earlier run into --out already finished."),
    engine: str = typer.Option("local", "--engine", help="local (forked workers) or dask (a Dask cluster)."),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", help="With --engine dask: the address of a running scheduler (tcp://HOST:PORT); default a LocalCluster."
    ),
    output_format: str = typer.Option("tsv", "--format", help="tsv, or parquet for Parquet shards beside the TSV tables."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 if any input could not be processed."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors (no progress bar)."),
    model: Optional[str] = typer.Option(
        None, "--model", help="An installed spaCy NER model (e.g. en_ner_bc5cdr_md) or its path: its entities become extra candidates."
    ),
    rules: Optional[Path] = typer.Option(
        None, "--rules", help="A folder of rule files (a copy of rules/, edited) used by every stage instead of the packaged rules."
    ),
) -> None:
    """Extract miRNA, gene, drug and cell-line mentions and their relations, and write the run's tables.

    Writes mentions.tsv, relations.tsv, table.tsv, errors.tsv and run.json into --out. An input that cannot be read gets a row in errors.tsv and a line on stderr; the rest of the batch goes on. When no document at all can be read, nothing is written and the previous tables stay. The tables are the same for any number of workers; a run that was killed finishes with --resume.

    Example: mirmine run corpus/ ../exports/pubmed-miR-21.txt --out output/ --workers 4
    """
    import os

    from pipeline.engine import run_corpus
    from pipeline.mentions import ModelError
    from pipeline.ruleset import load_ruleset

    def report(error: InputError) -> None:
        named = error.doc_id and error.doc_id != Path(error.source).stem
        where = f"{error.source} ({error.doc_id})" if named else error.source
        typer.echo(f"Error: {where}: {error.error}", err=True)

    if engine not in ("local", "dask"):
        raise typer.BadParameter("use --engine local or --engine dask", param_hint="--engine")
    if output_format not in ("tsv", "parquet"):
        raise typer.BadParameter("use --format tsv or --format parquet", param_hint="--format")
    show_progress = not quiet and sys.stderr.isatty()
    with _progress(show_progress) as on_progress:
        try:
            summary = run_corpus(
                inputs or [DEFAULT_CORPUS], out, rules=load_ruleset(rules), model=model, workers=workers or os.cpu_count() or 1,
                resume=resume, engine=engine, scheduler=scheduler, formats=("tsv", output_format),
                on_error=report, on_progress=on_progress,
            )  # fmt: skip
        except (RuleError, ModelError) as err:
            raise fail(str(err)) from err
        except OSError as err:
            raise fail(f"{err.filename or out}: {err.strerror or err}; check that the folder is writable") from err
    if summary.documents == 0:
        raise fail("no document could be read from the inputs; nothing was written")
    if not quiet:
        by_type = ", ".join(f"{kind} {n}" for kind, n in sorted(summary.mentions_by_type.items())) or "none"
        resumed = f" ({summary.skipped} already done)" if summary.skipped else ""
        typer.echo(
            f"mirmine: {summary.documents} documents{resumed}, {summary.mentions} mentions ({by_type}), "
            f"{summary.relations} relations, {len(summary.errors)} errors -> {out}/ in {summary.seconds:.1f} s"
        )
    if strict and summary.errors:
        raise fail(f"{len(summary.errors)} input(s) could not be processed (--strict); see {out / 'errors.tsv'}")


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int | None], None] | None]:
    """A progress bar on stderr (documents, docs/s, time left) when it is a terminal; nothing otherwise."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (
        TextColumn("documents"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} docs/s"), TimeRemainingColumn(),
    )  # fmt: skip
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("run", total=None, rate="-")
        started = time.perf_counter()

        def update(done: int, total: int | None) -> None:
            rate = done / max(time.perf_counter() - started, 1e-9)
            progress.update(task, completed=done, total=total, rate=f"{rate:,.0f}")

        yield update


@app.command()
def evaluate(
    gold: Path = typer.Option(Path("corpus/gold"), "--gold", help="Folder with the gold mentions.tsv, relations.tsv and table.tsv."),
    pred: Path = typer.Option(DEFAULT_OUT, "--pred", help="Folder of a run (its mentions.tsv and relations.tsv)."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores, misses and false hits as JSON."),
    details: bool = typer.Option(True, "--details/--summary", help="List every miss and false hit, or only the scores."),
) -> None:
    """Score a run against a gold set: mentions per type, relations strict and lenient per relation type and tier.

    Lists every miss and false hit (relations with their sentence). Only documents that the gold set covers are scored.

    Example: mirmine evaluate --gold corpus/gold --pred output/
    """
    import json

    from pipeline import evaluate as ev

    try:
        gold_mentions = ev.read_gold_mentions(gold)
        pred_mentions, examples = ev.read_pred_mentions(pred)
        gold_relations = ev.read_gold_relations(gold)
        relations = ev.score_relations(gold_relations, ev.read_pred_relations(pred), ev.read_gold_table(gold))
    except ev.GoldError as err:
        raise fail(f"{err}; run `mirmine run` first or pass --gold/--pred") from err
    mentions = ev.score_mentions(gold_mentions, pred_mentions, examples)
    if as_json:
        typer.echo(json.dumps({"mentions": mentions.as_dict(), "relations": relations.as_dict()}, indent=2, ensure_ascii=False))
        return
    _print_scores("mentions", [*mentions.by_type.items(), ("all", mentions.overall)])
    typer.echo("")
    _print_scores("relations", list(relations.strict.items()), lenient=relations.lenient)
    for tier, scores in relations.by_tier.items():
        typer.echo("")
        _print_scores(f"{tier} tier", list(scores.items()))
    score = relations.table_pairs
    typer.echo(f"\ntable pairs  recall {score.recall:.3f} ({score.tp}/{score.tp + score.fn}), precision {score.precision:.3f}")
    if details:
        for title, rows in (("mention misses", mentions.misses), ("mention false hits", mentions.false_hits)):
            if rows:
                typer.echo(f"\n{title} ({len(rows)}):")
            for doc_id, kind, norm in rows:
                written = mentions.examples.get((doc_id, kind, norm), "")
                typer.echo(f"  {doc_id}\t{kind}\t{norm}" + (f"\t({written})" if written and written != norm else ""))
        for title, rows in (("relation misses", relations.misses), ("relation false hits", relations.false_hits)):
            if rows:
                typer.echo(f"\n{title} ({len(rows)}):")
            for doc_id, mirna, relation, partner, sentence in rows:
                typer.echo(f"  {doc_id}\t{mirna}\t{relation}\t{partner}\n      {sentence[:200]}")


def _print_scores(title: str, rows: list, lenient: dict | None = None) -> None:
    header = f"{title:<18} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"
    typer.echo(header + (f" {'lenient P':>10} {'R':>6}" if lenient else ""))
    for name, score in rows:
        line = f"{name:<18} {score.precision:>6.3f} {score.recall:>6.3f} {score.f1:>6.3f} {score.tp:>5} {score.fp:>5} {score.fn:>5}"
        if lenient:
            line += f" {lenient[name].precision:>10.3f} {lenient[name].recall:>6.3f}"
        typer.echo(line)


@app.command()
def table(
    run_dir: Path = typer.Argument(DEFAULT_OUT, help="Folder of a run (its table.tsv)."),
    by: str = typer.Option("drug", "--by", help="Group by drug (the review's Table 1 shape) or by mirna."),
) -> None:
    """Print the curated table in the review's "Table 1" shape: drug, miRNAs with their effect, targets, cell lines, documents.

    Example: mirmine table output/ --by drug
    """
    from pipeline.output import TABLE, RunFolder, TableError, table_view

    if by not in ("drug", "mirna"):
        raise typer.BadParameter("use --by drug or --by mirna", param_hint="--by")
    folder = RunFolder(run_dir)
    if not folder.has(TABLE):
        raise fail(f"{folder.file(TABLE)}: file not found; run `mirmine run` first or pass the run folder")
    try:
        lines = table_view(folder.table(), by)
    except TableError as err:
        raise fail(str(err)) from err
    headers = ("drug", "miRNA") if by == "drug" else ("miRNA", "drug")
    header = (*headers, "effect", "targets", "cell lines", "documents")
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h) for i, h in enumerate(header)]
    widths = [min(w, 40) for w in widths]
    typer.echo("  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip())
    previous = None
    for line in lines:
        shown = ("" if line[0] == previous else line[0], *line[1:])
        previous = line[0]
        typer.echo("  ".join(cell[:w].ljust(w) for cell, w in zip(shown, widths)).rstrip())


@app.command()
def bench(
    docs: Optional[int] = typer.Option(
        None, "--docs", help="Documents to run: default 2000 generated abstracts, or every record of --corpus (more cycles it)."
    ),
    corpus: Optional[Path] = typer.Option(
        None, "--corpus", help="JSON Lines of real abstracts (title and abstract, or text, per line) instead of generated ones."
    ),
    workers: int = typer.Option(0, "--workers", "-w", help="Workers of the multi-process rows (d) and (e); 0 means one per core."),
    passes: int = typer.Option(3, "--passes", help="Interleaved passes over the documents; the table shows the best."),
    scale: bool = typer.Option(False, "--scale", help="Also time mirmine on 10,000 and 100,000 generated abstracts (slow: minutes)."),
    profile: bool = typer.Option(
        False, "--profile", help="Also run one pass of mirmine under cProfile: time per stage, slowest functions."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with every number and the environment."),
) -> None:
    """Benchmark on the same documents: (a) scispaCy's tokenizer, (b) the spaCy-docs baseline, (c) mirmine, (d) mirmine in all workers.

    Reports docs/s, words/s, the ratios c/b, c/a and d/c, peak RSS per process and the time to the first document; each pipeline runs in its own process, the passes interleaved. Needs a source checkout (benchmarks/ beside pipeline/).

    Example: mirmine bench --docs 2000 --json
    """
    import json

    bench_module = _checkout_benchmarks()
    show_progress = sys.stderr.isatty()
    try:
        result = bench_module.run_bench(
            docs, corpus, workers or None, passes, json=as_json, scale=scale, profile=profile,
            on_progress=(lambda message: typer.echo(f"... {message}", err=True)) if show_progress else None,
        )  # fmt: skip
    except (bench_module.BenchError, RuleError) as err:
        raise fail(str(err)) from err
    typer.echo(json.dumps(result, indent=2) if as_json else bench_module.format_report(result))


# --- mirmine curate: the curated store (pipeline/curate.py) ---------------------------------------------------

# curate.py needs only the standard library and output.py: importing it here is cheap and gives the option defaults.
from pipeline.curate import DECISIONS, DEFAULT_EXPORT_STATUSES, DEFAULT_WAIT_S, EXPORT_FORMATS, EXPORT_STATUSES  # noqa: E402

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
    row_id: str = typer.Argument(..., help="A finding id (from diff, export or sample), or the relation_id of one of its evidence rows."),
    status: str = typer.Argument(..., help="accepted or rejected."),
    db: Path = typer.Option(..., "--db", help=_DB_HELP),
    note: str = typer.Option("", "--note", help="Why, or where the evidence is; shown beside the decision in the export."),
    curator: Optional[str] = typer.Option(None, "--curator", help="Who decides; default $USER, else unknown."),
    wait: float = typer.Option(DEFAULT_WAIT_S, "--wait", min=0, help=_WAIT_HELP),
) -> None:
    """Record a curator's decision on a finding (accepted or rejected) with a note, the curator and the UTC time.

    The decision is on the finding (miRNA, relation, partner), whichever of its evidence ids is given. Earlier decisions stay in the store's history; a later merge never changes a decision, so a rejected finding stays rejected when a run finds it again.

    Example: mirmine curate decide --db curated.db 3f2a9c01be accepted --note "Fig. 3B, MCF-7/TamR"
    """
    import os

    from pipeline.curate import decide

    if status not in DECISIONS:
        raise typer.BadParameter(f"use {' or '.join(DECISIONS)}, not {status!r}", param_hint="STATUS")
    with _curate_errors():
        decision = decide(db, row_id, status, note=note, curator=curator or os.environ.get("USER") or "unknown", wait=wait)
    via = f" (evidence {decision.via} belongs to this finding)" if decision.via else ""
    typer.echo(
        f"{decision.status} {decision.finding_id}: {decision.mirna} {decision.relation} {decision.partner}{via}; "
        f"was {decision.previous}; by {decision.curator} at {decision.decided_at}"
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
    typer.echo(
        f"merge {merge.merge_id}: {merge.run_dir} (run.json {merge.run_json_sha256[:12]}, written {merge.run_time}), "
        f"merged {merge.merged_at}, {merge.documents} documents"
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
    _print_columns(header, [(c.kind, c.finding_id, c.status, c.mirna, c.relation, c.partner, c.detail) for c in changes])


@curate_app.command("export")
def curate_export(
    db: Path = typer.Option(..., "--db", help=_DB_HELP),
    out: Path = typer.Option(..., "--out", "-o", help=f"File to write; its extension picks the format: {', '.join(EXPORT_FORMATS)}."),
    status: str = typer.Option(
        ",".join(DEFAULT_EXPORT_STATUSES), "--status",
        help=f"Comma-separated, from {', '.join(EXPORT_STATUSES)}; stale adds the findings no run supports any more, whatever their decision.",
    ),  # fmt: skip
    by: Optional[str] = typer.Option(None, "--by", help="drug or mirna: the review's Table 1 shape instead of one row per finding."),
    force: bool = typer.Option(False, "--force", help="Replace --out when it exists."),
) -> None:
    """Write the curated table: table.tsv's columns plus finding_id, status, stale, curator, decided_at and note.

    Accepted and pending findings by default. In .csv and .xlsx a cell that a spreadsheet would run as a formula gets a leading single quote; .tsv and .parquet keep the text as it is. The file is written whole or not at all, and an existing file is replaced only with --force.

    Example: mirmine curate export --db curated.db --out curated.xlsx --status accepted --by drug
    """
    from pipeline.curate import export_findings

    if out.suffix.lower() not in EXPORT_FORMATS:
        raise typer.BadParameter(f"end the file name with one of {', '.join(EXPORT_FORMATS)}", param_hint="--out")
    statuses = [name.strip() for name in status.split(",") if name.strip()]
    if not statuses or set(statuses) - set(EXPORT_STATUSES):
        raise typer.BadParameter(f"use a comma-separated list of {', '.join(EXPORT_STATUSES)}", param_hint="--status")
    if by not in (None, "drug", "mirna"):
        raise typer.BadParameter("use --by drug or --by mirna", param_hint="--by")
    with _curate_errors():
        count = export_findings(db, out, statuses=statuses, by=by, force=force)
    typer.echo(f"wrote {count} row{'' if count == 1 else 's'} ({', '.join(statuses)}) -> {out}")


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
        f"decide each with `mirmine curate decide --db {db} ID accepted|rejected`, then `mirmine curate precision --db {db}`"
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
    header = ("relation", "sampled", "checked", "accepted", "precision", "95% interval", "more for ±5%")
    _print_columns(
        header,
        [
            (row.relation, str(row.sampled), str(row.checked), str(row.accepted),
             "-" if row.precision is None else f"{row.precision:.3f}", f"{row.low:.3f}-{row.high:.3f}", str(row.more))
            for row in rows
        ],
    )  # fmt: skip
    undecided = rows[-1].sampled - rows[-1].checked
    if undecided:
        typer.echo(f"\n{undecided} sampled findings are not decided yet")


def _print_columns(header: tuple[str, ...], rows: list[tuple[str, ...]], width: int = 40) -> None:
    """Aligned columns; every column but the last cut at ``width`` characters."""
    widths = [min(width, max(len(h), *(len(row[i]) for row in rows))) for i, h in enumerate(header)]
    widths[-1] = 0
    for line in (header, *rows):
        typer.echo("  ".join(text[:w].ljust(w) if w else text for text, w in zip(line, widths)).rstrip())


# --- mirmine export: BioC, PubTator, brat (pipeline/export.py) -----------------------------------------------


@app.command("export")
def export_annotations(
    run_dir: Path = typer.Argument(..., help="Folder of a run: its mentions.tsv, relations.tsv and run.json.", show_default=False),
    fmt: str = typer.Option(
        ..., "--format", "-f", help="bioc (BioC XML), pubtator (PubTator title/abstract format) or brat (standoff .txt + .ann).",
        show_default=False,
    ),
    out: Path = typer.Option(
        ..., "--out", "-o", help="Folder to write into (created when missing); files an earlier export wrote there are replaced.",
        show_default=False,
    ),
    inputs: Optional[list[Path]] = typer.Option(
        None, "--inputs", show_default=False,
        help="Where the run's input files are now, if they moved: a file or a folder (searched recursively), matched by file name and sha256. Repeat for more.",
    ),
    force: bool = typer.Option(
        False, "--force", help="Also replace files in --out that no export wrote or that were edited since (e.g. curated brat .ann files)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
) -> None:
    """Write a run's documents with their mentions and relations as BioC XML, PubTator or brat standoff, for annotation tools.

    The run stores no texts: each document is read again from the run's inputs, whose paths and sha256 run.json records (--inputs says where they are now). A missing or changed input, or a document whose text no longer holds its mentions at their offsets, gets an Error: line, the other documents are still exported, and the exit code is 1. A relation whose miRNA or partner has no mention at the span the relation names gets a Warning: line. bioc writes mirmine.bioc.xml (+ mirmine.key), pubtator mirmine.pubtator, brat a .txt and an .ann per document with annotation.conf and visual.conf. mirmine-export.json records what was written: a later export replaces those files, never one edited since (unless --force).

    Example: mirmine export output/ --format brat --out annotations/
    """
    from pipeline.export import FORMATS, ExportError, export_run

    if fmt not in FORMATS:
        raise typer.BadParameter("use --format bioc, --format pubtator or --format brat", param_hint="--format")
    try:
        result = export_run(run_dir, fmt, out, inputs or [], force=force)
    except ExportError as err:
        raise fail(str(err)) from err
    except OSError as err:
        raise fail(f"{err.filename or out}: {err.strerror or err}; check that the folder is writable") from err
    for error in result.errors:
        where = f"{error.source} ({error.doc_id})" if error.doc_id else error.source
        typer.echo(f"Error: {where}: {error.error}", err=True)
    if not quiet:
        # PubTator relations are document-level (by normalized names), so they need no mention to hang on.
        consequence = {"bioc": "its BioC relation has no node for it", "brat": "brat gets no R line, a note on the other argument"}.get(fmt)
        if consequence:
            for unlinked in result.unlinked[:20]:
                typer.echo(f"Warning: {unlinked.describe()}; {consequence}", err=True)
            if len(result.unlinked) > 20:
                typer.echo(f"Warning: ... and {len(result.unlinked) - 20} more such relations", err=True)
        for path in result.kept:
            typer.echo(f"Note: {path} was edited since the last export: kept it (--force replaces it)", err=True)
    if result.documents == 0:
        raise fail(f"{run_dir}: no document could be exported; nothing was written to {out}")
    if not quiet:
        typer.echo(
            f"mirmine export: {result.documents} of {result.run_documents} documents, {result.mentions} mentions, "
            f"{result.relations} relations ({len(result.unlinked)} with an argument not found) -> {out}/ ({fmt})"
        )
    if result.errors:
        lost = max(result.run_documents - result.documents, 1)
        raise fail(f"{lost} of the run's {result.run_documents} documents were not exported (errors above); the other {result.documents} are in {out}/")


# --- mirmine report: the HTML review page (pipeline/report.py) -----------------------------------------------
@app.command()
def report(
    run_dir: Path = typer.Argument(..., help="Folder of a run (its relations.tsv, and mentions.tsv for the highlights).", show_default=False),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="The HTML file to write. Default: RUN_DIR/report.html.", show_default=False),
    limit: int = typer.Option(
        5000, "--limit", min=0, help="Rows on the page at most, the first in relations.tsv order (the page says how many are left out); 0 for all."
    ),
) -> None:
    """Write a self-contained HTML review page of a run: every relation with its sentence and highlighted entities.

    Filters by relation type, drug and miRNA, and a chart of the relations per drug. The page loads nothing from the network (inline CSS and JavaScript) and opens from disk in any browser.

    Example: mirmine report output/ --out output/report.html
    """
    from pipeline.report import ReportError, write_report

    try:
        summary = write_report(run_dir, out, limit=limit)
    except ReportError as err:
        raise fail(str(err)) from err
    except OSError as err:
        raise fail(f"{err.filename or out or run_dir}: {err.strerror or err}; check that the folder is writable") from err
    left_out = f", {summary.left_out} left out (--limit)" if summary.left_out else ""
    typer.echo(f"mirmine: {summary.shown} of {summary.relations} relations{left_out} -> {summary.path}")



def _checkout_benchmarks():
    """``benchmarks.bench`` of this checkout: the console script does not put the checkout on ``sys.path``, and pysbd
    (a scispaCy dependency) installs a top-level ``benchmarks`` package of its own that would shadow it."""
    import importlib

    import pipeline

    checkout = Path(pipeline.__file__).resolve().parent.parent
    if not (checkout / "benchmarks" / "bench.py").is_file():
        raise fail(f"{checkout / 'benchmarks'}: not found; the benchmark ships with a source checkout of mirmine, run it from a clone")
    loaded = sys.modules.get("benchmarks")
    if loaded is not None and Path(getattr(loaded, "__file__", "") or ".").resolve().parent != checkout / "benchmarks":
        for name in [name for name in sys.modules if name == "benchmarks" or name.startswith("benchmarks.")]:
            del sys.modules[name]
    if str(checkout) not in sys.path:
        sys.path.insert(0, str(checkout))
    return importlib.import_module("benchmarks.bench")


def main() -> None:
    """Console entry point.

    After the command, the exit handlers run and the streams are flushed, then the process ends without the
    interpreter's final teardown: freeing the lexicons and the spaCy vocabulary object by object took 0.3 s of every
    `mirmine run`, a sixth of the time to the first document. Every file was already written and renamed.
    """
    try:
        app()
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        if not isinstance(exit_.code, (int, type(None))):
            print(exit_.code, file=sys.stderr)
    import atexit
    import os
    import threading

    if threading.active_count() > 1:
        sys.exit(code)  # a thread still running (a Dask client, say): let the interpreter end it the usual way
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # `mirmine table | head`: the reader has gone, nothing to flush to
            pass
    os._exit(code)
