"""``mirmine export`` (a run for annotation tools: BioC, PubTator, brat) and ``mirmine report`` (the review page)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .app import app, fail


@app.command("export")
def export_annotations(
    run_dir: Path = typer.Argument(..., help="Folder of a run: its mentions.tsv, relations.tsv and run.json.", show_default=False),
    fmt: str = typer.Option(
        ..., "--format", "-f", show_default=False,
        help="bioc (BioC XML), pubtator (PubTator title/abstract format), brat (standoff .txt + .ann), graphml or sif (the findings as a network for Cytoscape).",
    ),  # fmt: skip
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

    graphml and sif write mirmine.graphml or mirmine.sif: the run's findings (non-negated relations rolled up as in table.tsv) as a network of typed miRNA, gene and drug nodes, from the run's tables alone. For the other formats the run stores no texts: each document is read again from the run's inputs, whose paths and sha256 run.json records (--inputs says where they are now). A missing or changed input, or a document whose text no longer holds its mentions at their offsets, gets an Error: line, the other documents are still exported, and the exit code is 1. A relation whose miRNA or partner has no mention at the span the relation names gets a Warning: line. bioc writes mirmine.bioc.xml (+ mirmine.key), pubtator mirmine.pubtator, brat a .txt and an .ann per document with annotation.conf and visual.conf. mirmine-export.json records what was written: a later export replaces those files, never one edited since (unless --force).

    Example: mirmine export output/ --format brat --out annotations/
    """
    from pipeline.export import FORMATS, ExportError, export_run

    if fmt not in FORMATS:
        raise typer.BadParameter(f"use --format {', '.join(FORMATS)}", param_hint="--format")
    try:
        result = export_run(run_dir, fmt, out, inputs or [], force=force)
    except ExportError as err:
        raise fail(str(err)) from err
    except OSError as err:
        raise fail(f"{err.filename or out}: {err.strerror or err}; check that the folder is writable") from err
    if fmt in ("graphml", "sif"):
        if not quiet:
            typer.echo(f"mirmine export: {result.nodes} nodes, {result.edges} edges (findings) -> {result.files[0]} ({fmt})")
        return
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




@app.command()
def report(
    run_dir: Path = typer.Argument(..., help="Folder of a run (its relations.tsv, and mentions.tsv for the highlights).", show_default=False),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="The HTML file to write. Default: RUN_DIR/report.html.", show_default=False),
    limit: int = typer.Option(
        5000, "--limit", min=0, help="Relations on the page at most, the first in relations.tsv order (the page says how many are left out); 0 for all."
    ),
) -> None:
    """Write a self-contained HTML review page of a run: one row per finding, its sentences with highlighted entities under it.

    Sorts by any column, filters by relation type, drug, gene and miRNA, and charts the relations per drug and per gene. The page loads nothing from the network (inline CSS and JavaScript) and opens from disk in any browser.

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
