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
) -> None:
    """Extract miRNA, gene, drug and cell-line mentions and their relations, and write the run's tables.

    Writes mentions.tsv, relations.tsv, table.tsv, errors.tsv and run.json into --out. An input that cannot be read gets a row in errors.tsv and a line on stderr; the rest of the batch goes on. When no document at all can be read, nothing is written and the previous tables stay. The tables are the same for any number of workers; a run that was killed finishes with --resume.

    Example: mirmine run corpus/ ../exports/pubmed-miR-21.txt --out output/ --workers 4
    """
    import os

    from pipeline.engine import run_corpus
    from pipeline.mentions import ModelError

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
                inputs or [DEFAULT_CORPUS], out, model=model, workers=workers or os.cpu_count() or 1,
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
    from pipeline.output import TABLE_FILE, read_table, table_view

    if by not in ("drug", "mirna"):
        raise typer.BadParameter("use --by drug or --by mirna", param_hint="--by")
    path = run_dir / TABLE_FILE
    if not path.is_file():
        raise fail(f"{path}: file not found; run `mirmine run` first or pass the run folder")
    lines = table_view(read_table(path), by)
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


# --- mirmine export: BioC, PubTator, brat (pipeline/export.py) -----------------------------------------------


# --- mirmine report: the HTML review page (pipeline/report.py) -----------------------------------------------


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
    """Console entry point."""
    app()
