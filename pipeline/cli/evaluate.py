"""``mirmine evaluate`` (a run against a gold set) and ``mirmine table`` (a run's table in the review's shape)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .app import app, fail
from .run import DEFAULT_OUT


@app.command()
def evaluate(
    gold: Path = typer.Option(
        Path("corpus/gold"), "--gold",
        help="Gold set: a folder with mirmine's mentions.tsv, relations.tsv and table.tsv, or an annotated corpus file (PubTator, BioC XML or JSON, SCAI XML).",
    ),
    pred: Path = typer.Option(DEFAULT_OUT, "--pred", help="Folder of a run (its mentions.tsv and relations.tsv)."),
    types: Optional[str] = typer.Option(
        None, "--types",
        help="For a corpus file: which corpus type is scored as which mirmine type, e.g. GeneOrGeneProduct=gene,CellLine=cell_line; Chemical@CID=drug takes only chemicals in a CID relation; drug+drug_class scores either type. Default: the known corpora's types found in the file.",
    ),
    match: str = typer.Option(
        "overlap", "--match",
        help="For a corpus file: spans match by overlap, exactly, or tiled (exact, and a corpus span of an enumeration is found by mirmine's spans of its items from its start to its end).",
    ),
    errors: int = typer.Option(20, "--errors", min=0, help="For a corpus file: list this many misses and false hits of each type, with their context."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores, misses and false hits as JSON."),
    details: bool = typer.Option(True, "--details/--summary", help="List the misses and false hits, or only the scores."),
    rules: Optional[Path] = typer.Option(
        None, "--rules",
        help="The rules folder in which each false hit's rule is looked up (file:line); default: the folder the run used (run.json), else the packaged rules.",
    ),
) -> None:  # fmt: skip
    """Score a run against a gold set: mentions per type, relations strict and lenient per relation type and tier.

    Lists every miss and false hit (relations with their sentence); each false hit names the rule that made it and where that rule is written. Only documents that the gold set covers are scored. A corpus file (BioRED or BC5CDR PubTator, MMIC BioC XML, SCAI XML) is scored by mention spans per type: run mirmine on the same file first. Its miRNA–gene relations are scored too where it has them: MMIC's labelled pair of each sentence, SCAI's True pairs of each document, each beside a co-occurrence baseline.

    Example: mirmine evaluate --gold corpus/gold --pred output/

    Example: mirmine run Dev.PubTator --out runs/biored && mirmine evaluate --gold Dev.PubTator --pred runs/biored
    """
    from pipeline.evaluate import MATCHES

    if match not in MATCHES:
        raise typer.BadParameter(f"use --match {', '.join(MATCHES[:-1])} or {MATCHES[-1]}", param_hint="--match")
    if gold.is_file():
        _evaluate_corpus(gold, pred, types, match, errors if details else 0, as_json, rules)
        return
    if types is not None:
        raise typer.BadParameter("--types applies to an annotated corpus file, not to a gold folder", param_hint="--types")
    _evaluate_folder(gold, pred, as_json, details, rules)


def _evaluate_folder(gold: Path, pred: Path, as_json: bool, details: bool, rules: Path | None) -> None:
    import json

    from pipeline import evaluate as ev

    try:
        # A gold folder of relations alone (corpus/gold-bench) has no mentions.tsv: mentions are then not scored.
        with_mentions = (gold / ev.GOLD_MENTIONS_FILE).exists() or not (gold / ev.GOLD_RELATIONS_FILE).exists()
        if with_mentions:
            gold_mentions = ev.read_gold_mentions(gold)
            pred_mentions, examples, mention_rules = ev.read_pred_mentions(pred)
        gold_relations = ev.read_gold_relations(gold)
        documents = ev.read_gold_documents(gold)
        if documents is None and with_mentions:
            documents = {doc_id for doc_id, _, _ in gold_mentions} | {key[0] for key in gold_relations}
        relations = ev.score_relations(gold_relations, ev.read_pred_relations(pred), ev.read_gold_table(gold), documents)
    except ev.GoldError as err:
        raise fail(f"{err}; run `mirmine run` first or pass --gold/--pred") from err
    mentions = ev.score_mentions(gold_mentions, pred_mentions, examples, mention_rules) if with_mentions else None
    if as_json:
        scores = ({"mentions": mentions.as_dict()} if mentions else {}) | {"relations": relations.as_dict()}
        typer.echo(json.dumps(scores, indent=2, ensure_ascii=False))
        return
    if mentions:
        _print_scores("mentions", [*mentions.by_type.items(), ("all", mentions.overall)])
        if mentions.unscored:
            typer.echo(f"not scored (the gold set has no mention of these types): {', '.join(mentions.unscored)}")
        typer.echo("")
    _print_scores("relations", list(relations.strict.items()), lenient=relations.lenient)
    for tier, scores in relations.by_tier.items():
        typer.echo("")
        _print_scores(f"{tier} tier", list(scores.items()))
    if relations.unscored:
        typer.echo(f"\nnot scored (the gold set has no row of these types): {', '.join(relations.unscored)}")
    if relations.direction_checked:
        agrees, checked = relations.direction_agrees, relations.direction_checked
        typer.echo(f"\ndirection  {agrees}/{checked} strict matches give the gold's direction ({agrees / checked:.3f})")
    score = relations.table_pairs
    if score is not None:
        typer.echo(f"\ntable pairs  recall {score.recall:.3f} ({score.tp}/{score.tp + score.fn}), precision {score.precision:.3f}")
    if details:
        _print_errors(mentions, relations, _rules_of_run(pred, rules))


def _evaluate_corpus(gold: Path, pred: Path, types: str | None, match: str, errors: int, as_json: bool, rules) -> None:
    """Mention spans of a run against an annotated corpus file, per type mapping."""
    import json

    from pipeline import evaluate as ev

    try:
        corpus = ev.read_corpus_gold(gold)
        mappings = ev.parse_type_map(types) if types is not None else ev.default_type_map(corpus)
        spans = ev.read_pred_spans(pred, corpus.records)
    except ValueError as err:  # GoldError is a ValueError too
        hint = "" if isinstance(err, ev.GoldError) else "; e.g. --types GeneOrGeneProduct=gene,CellLine=cell_line"
        raise fail(f"{err}{hint}") from err
    if not mappings:
        raise fail(f"{gold}: none of its types ({', '.join(sorted(corpus.types()))}) has a default mapping; pass --types")
    if not any(spans.values()):
        raise fail(f"{pred} has no mention in the documents of {gold}: run `mirmine run {gold} --out {pred}` first")
    report = ev.score_corpus_mentions(corpus, spans, mappings, match)
    pairs = _score_pairs(corpus, pred)
    if as_json:
        data = report.as_dict(corpus.texts, errors) | ({"relations": pairs.as_dict(errors)} if pairs else {})
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for skipped in corpus.skipped:
        typer.echo(f"Warning: {skipped.source}: {skipped.doc_id} not scored: {skipped.error}", err=True)
    typer.echo(f"mentions of {len(corpus.records)} documents of {gold.name}, {match} match")
    width = max(len("corpus type -> type"), *(len(row) for row in report.rows))
    typer.echo(f"{'corpus type -> type':<{width}} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'found':>6} {'pred':>6} {'right':>6}")
    for name, score in [*report.rows.items(), ("all (one row per corpus type)", report.overall)]:
        typer.echo(
            f"{name:<{width}} {score.precision:>6.3f} {score.recall:>6.3f} {score.f1:>6.3f} "
            f"{score.gold:>6} {score.found:>6} {score.pred:>6} {score.right:>6}"
        )
    located = _rules_of_run(pred, rules) if errors else None
    if errors:
        _print_corpus_errors(report, corpus.texts, errors, located)
    if pairs:
        _print_pairs(pairs, errors, located)


def _print_corpus_errors(report, texts: dict[str, str], limit: int, rules) -> None:
    from pipeline.evaluate.corpus import context

    for title, listing in (("misses", report.misses), ("false hits", report.false_hits)):
        for row, spans in listing.items():
            if not spans:
                continue
            typer.echo(f"\n{row}: {title} ({min(limit, len(spans))} of {len(spans)})")
            for span in spans[:limit]:
                where = f"\t[{span.rule} @ {rules.locate(span.rule)}]" if span.rule else ""
                typer.echo(f"  {span.doc_id}\t{span.text}{where}\n      {context(texts, span)}")


def _score_pairs(corpus, pred: Path):
    """The run's miRNA–gene relations against the corpus's, if it has relations of a known convention, else None."""
    from pipeline import evaluate as ev

    convention = ev.pair_convention(corpus)
    if convention is None:
        return None
    try:
        relations, mentions = ev.read_pred_pairs(pred, corpus.records)
    except ev.GoldError as err:
        # The mention scores stand without relations.tsv (a run of an older version): say why the section is missing.
        typer.echo(f"Warning: miRNA–gene relations not scored: {err}", err=True)
        return None
    return ev.score_gene_pairs(corpus, relations, mentions, convention)


def _print_pairs(report, limit: int, rules) -> None:
    """Scores beside the co-occurrence baseline, counts by relation label and by reason, then the errors."""
    score, baseline = report.score, report.baseline
    typer.echo(f"\nmiRNA–gene relations ({report.title}): {score.tp + score.fn} gold, {score.tp + score.fp} predicted")
    if report.skipped:
        typer.echo(f"  ({report.skipped} gold relations not of one miRNA and one gene annotation left out)")
    typer.echo(f"{'':<14} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5} {'tn':>5}")
    # The baseline calls every marked pair positive: it has no true negative.
    no_tn = "-" if report.tn is None else 0
    for name, row, tn in (("mirmine", score, report.tn), ("co-occurrence", baseline, no_tn)):
        typer.echo(
            f"{name:<14} {row.precision:>6.3f} {row.recall:>6.3f} {row.f1:>6.3f} {row.tp:>5} {row.fp:>5} {row.fn:>5} "
            f"{'-' if tn is None else tn:>5}"
        )
    labels = [f"{label} {count.predicted} (right {count.right})" for label, count in report.by_relation().items()]
    typer.echo(f"predicted by relation: {', '.join(labels) or 'none'}")
    listings = (("misses", "fn"), ("false hits", "fp"))
    for title, outcome in listings:
        reasons = "".join(f", {why} {n}" for why, n in report.reasons(outcome).items())
        typer.echo(f"{title}: {len(report.pairs[outcome])}{reasons}")
    for title, outcome in listings:
        pairs = report.pairs[outcome]
        if limit and pairs:
            typer.echo(f"\nmiRNA–gene relations: {title} ({min(limit, len(pairs))} of {len(pairs)})")
        for pair in pairs[:limit]:
            found = "".join(f"\t{label}" for label in pair.relations)
            where = "".join(f"\t[{rule} @ {rules.locate(rule)}]" for rule in pair.rules)
            typer.echo(f"  {pair.doc_id}\t{pair.mirna}\t{pair.gene}\t{pair.reason}{found}{where}")
            typer.echo(f"      {pair.sentence[:200]}")


def _rules_of_run(pred: Path, rules: Path | None):
    """The rules to look false hits up in: ``--rules``, else the folder the run recorded (if it is still there)."""
    from pipeline.output import RunFolder, TableError
    from pipeline.ruleset import RuleError, load_ruleset

    if rules is None:
        try:
            recorded = RunFolder(pred).info().get("rules_folder")
        except TableError:
            recorded = None
        rules = Path(recorded) if recorded and Path(recorded).is_dir() else None
    try:
        return load_ruleset(rules)
    except RuleError as err:
        raise fail(str(err)) from err


def _print_errors(mentions, relations, rules) -> None:
    """Every miss and false hit; a false hit with its rule and where that rule is written."""
    listings = (("mention misses", mentions.misses), ("mention false hits", mentions.false_hits)) if mentions else ()
    for title, rows in listings:
        if rows:
            typer.echo(f"\n{title} ({len(rows)}):")
        for key in rows:
            doc_id, kind, norm = key
            written = mentions.examples.get(key, "")
            rule = mentions.rules.get(key, "")
            where = f"\t[{rule} @ {rules.locate(rule)}]" if rule and title.endswith("false hits") else ""
            typer.echo(f"  {doc_id}\t{kind}\t{norm}" + (f"\t({written})" if written and written != norm else "") + where)
    if relations.misses:
        typer.echo(f"\nrelation misses ({len(relations.misses)}):")
    for doc_id, mirna, relation, partner, evidence in relations.misses:
        typer.echo(f"  {doc_id}\t{mirna}\t{relation}\t{partner}\n      {evidence[:200]}")
    if relations.false_hits:
        typer.echo(f"\nrelation false hits ({len(relations.false_hits)}):")
    for doc_id, mirna, relation, partner, sentence, rule in relations.false_hits:
        where = f"\t[{rule} @ {rules.locate(rule)}]" if rule else ""
        typer.echo(f"  {doc_id}\t{mirna}\t{relation}\t{partner}{where}\n      {sentence[:200]}")


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


