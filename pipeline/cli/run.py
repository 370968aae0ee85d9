"""``mirmine run``: inputs -> the run's tables, with a progress bar on a terminal and a one-line summary."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from pipeline.output import counted
from pipeline.schema import DEFAULT_DOC_TIMEOUT, DEFAULT_MAX_CHARS, InputError

from .app import app, fail

DEFAULT_CORPUS = Path("corpus")
DEFAULT_OUT = Path("output")
RULES_HELP = "A folder of rule files (a copy of rules/, edited) used by every stage instead of the packaged rules."


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
    force: bool = typer.Option(False, "--force", help="Replace the tables in --out even when another run of other inputs wrote them."),
    engine: str = typer.Option("local", "--engine", help="local (forked workers) or dask (a Dask cluster)."),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", help="With --engine dask: the address of a running scheduler (tcp://HOST:PORT); default a LocalCluster."
    ),
    output_format: str = typer.Option("tsv", "--format", help="tsv, or parquet for Parquet shards beside the TSV tables."),
    max_chars: int = typer.Option(
        DEFAULT_MAX_CHARS, "--max-chars", min=1, help="Characters a document may have; a longer one becomes a row of errors.tsv."
    ),
    doc_timeout: float = typer.Option(
        DEFAULT_DOC_TIMEOUT, "--doc-timeout", min=0,
        help="Seconds one document may take; a slower one is stopped and becomes a row of errors.tsv (0: no limit).",
    ),  # fmt: skip
    strict: bool = typer.Option(False, "--strict", help="Exit 1 if any input could not be processed."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors (no progress bar)."),
    model: Optional[str] = typer.Option(
        None, "--model", help="An installed spaCy NER model (e.g. en_ner_bc5cdr_md) or its path: its entities become extra candidates."
    ),
    rules: Optional[Path] = typer.Option(None, "--rules", help=RULES_HELP),
) -> None:
    """Extract miRNA, gene, drug and cell-line mentions and their relations, and write the run's tables.

    Writes mentions.tsv, relations.tsv, table.tsv, errors.tsv and run.json into --out. An input that cannot be read, and a document over --max-chars or --doc-timeout, gets a row in errors.tsv and a line on stderr; the rest of the batch goes on. When no document at all can be read, only errors.tsv is written and the tables of an earlier run stay. The tables of a run of other inputs in --out are replaced only with --force. The tables are the same for any number of workers; a run that was killed finishes with --resume.

    Example: mirmine run corpus/ ../exports/pubmed-miR-21.txt --out output/ --workers 4
    """
    import os

    from pipeline.engine import ENGINES, Limits, OtherRunError, run_corpus
    from pipeline.mentions import ModelError
    from pipeline.ruleset import RuleError, load_ruleset

    if engine not in ENGINES:
        raise typer.BadParameter(f"use --engine {' or --engine '.join(ENGINES)}", param_hint="--engine")
    if output_format not in ("tsv", "parquet"):
        raise typer.BadParameter("use --format tsv or --format parquet", param_hint="--format")
    others = _files_of_other_commands(out)
    with run_progress(not quiet and sys.stderr.isatty()) as on_progress:
        try:
            summary = run_corpus(
                inputs or [DEFAULT_CORPUS], out, rules=load_ruleset(rules), model=model, workers=workers or os.cpu_count() or 1,
                resume=resume, engine=engine, scheduler=scheduler, formats=("tsv", output_format),
                limits=Limits(max_chars, doc_timeout), force=force, on_error=print_error, on_progress=on_progress,
            )  # fmt: skip
        except (RuleError, ModelError, OtherRunError) as err:
            raise fail(str(err)) from err
        except OSError as err:
            raise fail(f"{err.filename or out}: {err.strerror or err}; check that the folder is writable") from err
    if summary.documents == 0:
        kept = f"; the tables of an earlier run in {out} were left as they were" if (out / "mentions.tsv").is_file() else ""
        raise fail(f"no document could be read from the inputs: each is named above and in {out / 'errors.tsv'}{kept}")
    for warning in others:
        typer.echo(f"Warning: {warning}", err=True)
    if not quiet:
        _print_summary(summary, out)
    if strict and summary.errors:
        raise fail(f"{len(summary.errors)} input(s) could not be processed (--strict); see {out / 'errors.tsv'}")


def print_error(error: InputError) -> None:
    named = error.doc_id and error.doc_id != Path(error.source).stem
    where = f"{error.source} ({error.doc_id})" if named else error.source
    typer.echo(f"Error: {where}: {error.error}", err=True)


def _files_of_other_commands(out: Path) -> list[str]:
    """What other commands left in ``out`` that a run makes out of date: the review page, an export."""
    from pipeline.export import MANIFEST_FILE
    from pipeline.report import REPORT_FILE

    warnings = []
    if (out / REPORT_FILE).is_file():
        warnings.append(f"{out / REPORT_FILE} shows the tables this run replaced: run `mirmine report {out}` again")
    if (out / MANIFEST_FILE).is_file():
        warnings.append(
            f"{out} holds files `mirmine export` wrote ({MANIFEST_FILE} lists them): they show the tables this run "
            f"replaced; export again"
        )
    return warnings


# What each file of a run holds, for the summary: (file, what one row of it is, its plural, what it says).
_WRITTEN = (
    ("mentions.tsv", "mention", "mentions", "each miRNA, gene, drug, drug class, cell line, disease and species found, with the rule that found it"),
    ("relations.tsv", "relation", "relations", "each (miRNA, partner) pair of a sentence or table row, with the cue that decided it"),
    ("table.tsv", "finding", "findings", "one row per (miRNA, relation, partner) over all documents"),
    ("errors.tsv", "input or document", "inputs or documents", "could not be processed"),
)




def _print_summary(summary, out: Path) -> None:
    by_type = ", ".join(f"{kind} {n}" for kind, n in sorted(summary.mentions_by_type.items())) or "none"
    resumed = f" ({summary.skipped} already done)" if summary.skipped else ""
    typer.echo(
        f"mirmine: {counted(summary.documents, 'document')}{resumed}, "
        f"{counted(summary.mentions, 'mention')} ({by_type}), "
        f"{counted(summary.relations, 'relation')}, {counted(len(summary.errors), 'error')} "
        f"-> {out}/ in {summary.seconds:.1f} s"
    )
    width = max(len(str(out / name)) for name, *_ in _WRITTEN)
    for name, one, many, what in _WRITTEN:
        rows = summary.rows.get(name, 0)
        separator = ":" if name != "errors.tsv" else ""
        typer.echo(f"  {str(out / name).ljust(width)}  {rows:>7,} {one if rows == 1 else many}{separator} {what}")
    typer.echo(f"  {str(out / 'run.json').ljust(width)}  {'':>7} the inputs, rules, counts and timings of this run")


@contextmanager
def run_progress(enabled: bool) -> Iterator[Callable[[int, int | None], None] | None]:
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
    rules: Optional[Path] = typer.Option(None, "--rules", help=RULES_HELP),
) -> None:
    """Benchmark on the same documents: (a) scispaCy's tokenizer, (b) the spaCy-docs baseline, (c) mirmine, (d) mirmine in all workers.

    Reports docs/s, words/s, the ratios c/b, c/a and d/c, peak RSS per process and the time to the first document; each pipeline runs in its own process, the passes interleaved. With --rules, mirmine and the baseline use that folder's rules and lexicons.

    Example: mirmine bench --docs 2000 --json
    """
    import json

    from pipeline.benchmarks import bench as bench_module
    from pipeline.ruleset import RuleError

    show_progress = sys.stderr.isatty()
    try:
        result = bench_module.run_bench(
            docs, corpus, workers or None, passes, json=as_json, scale=scale, profile=profile, rules=rules,
            on_progress=(lambda message: typer.echo(f"... {message}", err=True)) if show_progress else None,
        )  # fmt: skip
    except (bench_module.BenchError, RuleError) as err:
        raise fail(str(err)) from err
    typer.echo(json.dumps(result, indent=2) if as_json else bench_module.format_report(result))
