"""The ``mirmine`` command line: each command parses its arguments and calls one stage function.

Exit codes: 0 ok, 1 a detected error (one ``Error:`` line on stderr), 2 a usage error.
"""

from __future__ import annotations

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
    strict: bool = typer.Option(False, "--strict", help="Exit 1 if any input could not be processed."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    model: Optional[str] = typer.Option(
        None, "--model", help="An installed spaCy NER model (e.g. en_ner_bc5cdr_md) or its path: its entities become extra candidates."
    ),
) -> None:
    """Extract miRNA mentions and relations from documents and write the run's tables.

    Writes mentions.tsv, relations.tsv, table.tsv, errors.tsv and run.json into --out. An input that
    cannot be read gets a row in errors.tsv and a line on stderr; the rest of the batch goes on.

    Example: mirmine run corpus/ ../exports/pubmed-miR-21.txt --out output/
    """
    from pipeline.engine import run_corpus
    from pipeline.mentions import ModelError

    def report(error: InputError) -> None:
        named = error.doc_id and error.doc_id != Path(error.source).stem
        where = f"{error.source} ({error.doc_id})" if named else error.source
        typer.echo(f"Error: {where}: {error.error}", err=True)

    try:
        summary = run_corpus(inputs or [DEFAULT_CORPUS], out, model=model, on_error=report)
    except (RuleError, ModelError) as err:
        raise fail(str(err)) from err
    except OSError as err:
        raise fail(f"{err.filename or out}: {err.strerror or err}; check that the folder is writable") from err
    if summary.documents == 0:
        raise fail("no document could be read from the inputs; nothing was written")
    if not quiet:
        by_type = ", ".join(f"{kind} {n}" for kind, n in sorted(summary.mentions_by_type.items())) or "none"
        typer.echo(
            f"mirmine: {summary.documents} documents, {summary.mentions} mentions ({by_type}), "
            f"{summary.relations} relations, {len(summary.errors)} errors -> {out}/ in {summary.seconds:.1f} s"
        )
    if strict and summary.errors:
        raise fail(f"{len(summary.errors)} input(s) could not be processed (--strict); see {out / 'errors.tsv'}")


@app.command()
def evaluate(
    gold: Path = typer.Option(Path("corpus/gold"), "--gold", help="Folder with the gold mentions.tsv."),
    pred: Path = typer.Option(DEFAULT_OUT, "--pred", help="Folder of a run (its mentions.tsv)."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores, misses and false hits as JSON."),
    details: bool = typer.Option(True, "--details/--summary", help="List every miss and false hit, or only the scores."),
) -> None:
    """Score a run against a gold set: precision, recall and F1 per mention type, with every miss and false hit.

    Only documents that the gold set covers are scored.

    Example: mirmine evaluate --gold corpus/gold --pred output/
    """
    import json

    from pipeline.evaluate import GoldError, read_gold_mentions, read_pred_mentions, score_mentions

    try:
        gold_mentions = read_gold_mentions(gold)
        pred_mentions, examples = read_pred_mentions(pred)
    except GoldError as err:
        raise fail(f"{err}; run `mirmine run` first or pass --gold/--pred") from err
    report = score_mentions(gold_mentions, pred_mentions, examples)
    if as_json:
        typer.echo(json.dumps({"mentions": report.as_dict()}, indent=2, ensure_ascii=False))
        return
    typer.echo(f"{'mentions':<12} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}")
    for kind, score in [*report.by_type.items(), ("all", report.overall)]:
        typer.echo(
            f"{kind:<12} {score.precision:>6.3f} {score.recall:>6.3f} {score.f1:>6.3f} "
            f"{score.tp:>5} {score.fp:>5} {score.fn:>5}"
        )
    if details:
        for title, rows in (("misses", report.misses), ("false hits", report.false_hits)):
            if rows:
                typer.echo(f"\n{title} ({len(rows)}):")
            for doc_id, kind, norm in rows:
                written = report.examples.get((doc_id, kind, norm), "")
                typer.echo(f"  {doc_id}\t{kind}\t{norm}" + (f"\t({written})" if written and written != norm else ""))


def main() -> None:
    """Console entry point."""
    app()
