"""Lexicon matchers compared: spaCy's PhraseMatcher and SpanRuler against the lexicon walk mirmine uses.

What is measured, on the same documents in one run:

* Build. The gene and drug lexicons (the files of ``pipeline.mentions.LEXICON_FILES``, read with ``read_lexicon``)
  are compiled into (a) ``PhraseMatcher(attr="LOWER")`` with one pattern per distinct term, made by the project
  tokenizer (``nlp.tokenizer.pipe(terms)``, added in batches and, for comparison, in one ``add``); (b) a
  ``SpanRuler`` with the same phrase patterns; (c) ``pipeline.normalize.Lexicon(entries)``, the walk table built
  from scratch; (d) ``load_lexicon_files``, the cached load, from an empty cache (cold) and from a written cache
  (warm), and a warm ``build_nlp`` with every finder. Every build runs in a fresh Python process, so its time and
  memory are not coloured by what ran before: the resident memory it leaves (``/proc/self/statm`` before and after,
  once the imports are done and the rows are read) and the process's peak (``resource.getrusage``). A warm start is
  a new process that loads a cache an earlier one wrote; the cache is a temporary ``MIRMINE_CACHE`` folder, so the
  user's own cache is neither read nor written.
* Matching speed, best of ``--passes`` passes over all documents: the PhraseMatcher and SpanRuler on docs tokenized
  beforehand (tokenization is timed on its own: the pipeline tokenizes anyway), and ``key_text`` + ``Lexicon.find``
  for the walk (``key_text`` is computed once per doc and shared by every finder).
* Agreement: the (doc, start, end) character spans of PhraseMatcher(LOWER) matches against the raw ``Lexicon.find``
  matches (before the finder's case, stop-list and context decisions), with the most frequent forms found by one only;
  then the mentions the finder keeps after those decisions, and how many of them a PhraseMatcher span touches at all.

Documents are ``title + "\\n\\n" + abstract`` of each line of a JSONL corpus (default: ``../shared/bench/
mirna_abstracts.jsonl`` beside the repository), passed through ``normalize_chars`` as the pipeline does; when the
corpus is missing, sentences built from lexicon terms stand in. Times are seconds of wall clock (``perf_counter``),
RSS is MB (MiB), offsets are characters with the end exclusive.

``--rules DIR``: the lexicons, the cached loads and the finders come from the rules of DIR (default: the packaged
rules); the result records the folder.

Example: .venv/bin/python -m pipeline.benchmarks.matchers --docs 200 --json
"""


from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .lexicons import PATTERN_BATCH, lexicon_entries
from .matchers_agreement import compare_kept, compare_spans
from .matchers_report import format_report
from .matchers_tasks import FINDER_PIPE, read_texts, rules_of, run_child

if TYPE_CHECKING:
    from pipeline.normalize import Entry
    from pipeline.ruleset import RuleSet

__all__ = ["format_report", "main", "parse_args", "run"]

# The corpus beside the checkout this package was installed from (../shared/bench), as on CI and developers' machines.
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "bench" / "mirna_abstracts.jsonl"
DEFAULT_LEXICONS = ("gene", "drug")
WARM_LEXICONS = ("gene", "drug", "cell_line")
FINDER_PIPES = ("mirmine_mirna", *FINDER_PIPE.values())
SYNTHETIC_DOCS = 500


# --- documents --------------------------------------------------------------------------------------------


def read_corpus(path: Path, limit: int | None = None) -> list[str]:
    """``title + "\\n\\n" + abstract`` of each JSONL record, character-normalized like the pipeline's input."""
    from pipeline.preprocess import normalize_chars

    texts = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            texts.append(normalize_chars(f"{record.get('title') or ''}\n\n{record.get('abstract') or ''}"))
            if limit is not None and len(texts) >= limit:
                break
    return texts


_TEMPLATES = (
    "{gene} expression was reduced after treatment with {drug} in resistant cells.",
    "Knockdown of {gene} restored sensitivity to {drug}, whereas {gene2} had no effect.",
    "miR-21 targets {gene} and confers resistance to {drug} and {drug2}.",
    "The {gene}/{gene2} axis mediates {drug} resistance in vitro and in vivo.",
)


def synthetic_docs(genes: Sequence[str], drugs: Sequence[str], n: int, seed: int = 0) -> list[str]:
    """``n`` sentences with lexicon terms in them, for when no corpus is at hand (same seed, same sentences)."""
    rng = random.Random(seed)
    genes, drugs = genes or ["PTEN"], drugs or ["cisplatin"]
    return [
        rng.choice(_TEMPLATES).format(
            gene=rng.choice(genes), gene2=rng.choice(genes), drug=rng.choice(drugs), drug2=rng.choice(drugs)
        )
        for _ in range(n)
    ]


# --- the run ----------------------------------------------------------------------------------------------

_MATCHER_NAMES = {
    "phrase_matcher_one_add": "PhraseMatcher(LOWER), one add() of all pattern docs",
    "phrase_matcher": f"PhraseMatcher(LOWER), add() per {PATTERN_BATCH:,} patterns",
    "span_ruler": "SpanRuler(phrase, LOWER)",
    "walk": "Lexicon walk table, from scratch",
}
NOTES = (
    "Build rows: each in a fresh process; 'RSS delta' is the resident memory the build leaves (measured after the"
    " imports and after the rows are read), 'peak RSS' the whole process's peak.",
    "The spaCy matchers' build includes tokenizing every term; the walk table's includes computing term keys.",
    "The PhraseMatcher that matches is the batched one (the faster, leaner build); the one-add() row only builds.",
    "Warm rows: a new process loading a cache an earlier process wrote; 'process s' adds interpreter start and imports."
    " Their RSS delta includes the lexicon rows (Entry tuples), which the from-scratch build rows had read beforehand.",
    "Kept mentions: the finder's spans after its decisions, widened to whole tokens; a PhraseMatcher span 'touches'"
    " one when it overlaps it.",
)


def _progress(message: str) -> None:
    if sys.stderr.isatty():
        print(f"... {message}", file=sys.stderr, flush=True)


def _versions() -> dict[str, str]:
    versions = {"python": sys.version.split()[0]}
    for package in ("spacy", "scispacy", "pyahocorasick"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def load_documents(
    corpus: Path, limit: int | None, lexicons: Sequence[str], max_terms: int | None, rules: RuleSet
) -> tuple[list[str], bool]:
    """The benchmark documents, and whether they are synthetic (the corpus file is missing: then sentences made of
    the terms of ``rules``' lexicons)."""
    if corpus.is_file():
        return read_corpus(corpus, limit), False
    terms = {name: [entry.term for entry in lexicon_entries(name, rules, max_terms)] for name in lexicons}
    n = SYNTHETIC_DOCS if limit is None else min(limit, SYNTHETIC_DOCS)
    return synthetic_docs(terms.get("gene", []), terms.get("drug", []), n), True


def _lexicon_tasks(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    tasks: dict[str, dict[str, Any]] = {
        "phrase_matcher_one_add": {"task": "phrase_matcher", "build_only": True},
        "phrase_matcher": {"task": "phrase_matcher", "batch": PATTERN_BATCH},
        "span_ruler": {"task": "span_ruler"},
        "walk": {"task": "walk"},
    }
    if args.skip_span_ruler:
        del tasks["span_ruler"]
    if args.max_terms is None:
        tasks["finder"] = {"task": "finder"}  # the finder loads its full lexicon: no comparing it with a capped one
    return tasks


def measure_lexicon(lexicon: str, spec: dict[str, Any], env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    """Build rows, matching times and agreement for one finder's lexicon."""
    results = {}
    for name, task in _lexicon_tasks(args).items():
        _progress(f"{lexicon}: {name}")
        results[name] = run_child({**spec, **task, "lexicon": lexicon}, env, args.timeout)
    measured: dict[str, Any] = {"results": results}
    if "spans" in results["phrase_matcher"] and "spans" in results["walk"]:
        _progress(f"{lexicon}: agreement")
        entries = lexicon_entries(lexicon, rules_of(spec), args.max_terms)
        measured["agreement"] = _agreement(lexicon, read_texts(spec["docs_file"]), results, entries)
    return measured


def _agreement(lexicon: str, texts: list[str], results: dict[str, dict[str, Any]], entries: list[Entry]) -> dict[str, Any]:
    pm_spans, ac_spans = results["phrase_matcher"]["spans"], results["walk"]["spans"]
    agreement = {"lexicon": lexicon, **compare_spans(texts, pm_spans, ac_spans, entries)}
    if "spans" in results.get("finder", {}):
        agreement["finder_kept"] = compare_kept(texts, results["finder"]["spans"], pm_spans, ac_spans, entries)
    if "spans" in results.get("span_ruler", {}):
        ruler_spans = {tuple(span) for span in results["span_ruler"]["spans"]}
        agreement["span_ruler_same_spans_as_phrase_matcher"] = ruler_spans == {tuple(span) for span in pm_spans}
    return agreement


def measure_starts(env: dict[str, str], args: argparse.Namespace, rules: str) -> list[dict[str, Any]]:
    """Cold and warm ``load_lexicon_files`` per finder, all finders warm together, and a warm ``build_nlp``, with the
    rules of the folder ``rules``."""
    rows = []
    for name in WARM_LEXICONS:
        _progress(f"{name}: cold load")
        cold = run_child({"task": "cached_load", "lexicons": [name], "rules": rules}, env, args.timeout)["build"]
        rows.append({"what": f"load_lexicon_files {name}, cold (empty cache: read + build + write)", **cold})
    warm = [
        *((f"load_lexicon_files {name}, warm", {"task": "cached_load", "lexicons": [name], "rules": rules}) for name in WARM_LEXICONS),
        ("load_lexicon_files gene+drug+cell_line, warm", {"task": "cached_load", "lexicons": list(WARM_LEXICONS), "rules": rules}),
        ("build_nlp + all four finders, warm", {"task": "nlp_start", "pipes": list(FINDER_PIPES), "rules": rules}),
    ]
    for what, spec in warm:
        _progress(what)
        runs = [run_child(spec, env, args.timeout)["build"] for _ in range(args.warm_runs)]
        good = [run for run in runs if "error" not in run]
        best = min(good, key=lambda run: run["build_s"]) if good else runs[0]
        rows.append({"what": f"{what} (best of {args.warm_runs} processes)", **best, "all_build_s": [run.get("build_s") for run in runs]})
    return rows


def matching_rows(per_lexicon: dict[str, dict[str, Any]], n_docs: int) -> list[dict[str, Any]]:
    """Seconds and docs/s of each matching step, per lexicon and for all of them together."""
    rows: list[dict[str, Any]] = []

    def add(step: str, seconds: float | None) -> None:
        if seconds is not None:
            rows.append({"step": step, "seconds": seconds, "docs_per_s": n_docs / seconds if seconds else None})

    first = next(iter(per_lexicon.values()))["results"]
    tokenize_s, key_s = first["phrase_matcher"].get("tokenize_s"), first["walk"].get("key_s")
    add("tokenize (project tokenizer), shared by the spaCy matchers", tokenize_s)
    add("key_text, shared by the automata", key_s)
    pm_total = find_total = 0.0
    for lexicon, measured in per_lexicon.items():
        results = measured["results"]
        pm_s, find_s = results["phrase_matcher"].get("match_s"), results["walk"].get("find_s")
        add(f"{lexicon}: PhraseMatcher(LOWER) match", pm_s)
        add(f"{lexicon}: SpanRuler (writes doc.spans)", results.get("span_ruler", {}).get("match_s"))
        add(f"{lexicon}: walk find", find_s)
        if tokenize_s is not None and pm_s is not None:
            add(f"{lexicon}: tokenize + PhraseMatcher", tokenize_s + pm_s)
        if key_s is not None and find_s is not None:
            add(f"{lexicon}: key_text + walk find", key_s + find_s)
        add(f"{lexicon}: whole LexiconFinder (key_text + find + decisions), 1 pass", results.get("finder", {}).get("finder_s"))
        pm_total += pm_s or 0.0
        find_total += find_s or 0.0
    names = "+".join(per_lexicon)
    add(f"{names}: PhraseMatchers only (the pipeline tokenizes anyway)", pm_total)
    if key_s is not None:
        add(f"{names}: key_text + automata", key_s + find_total)
    if tokenize_s is not None:
        add(f"{names}: tokenize + PhraseMatchers", tokenize_s + pm_total)
    return rows


def _notes(args: argparse.Namespace, per_lexicon: dict[str, dict[str, Any]], n_docs: int, synthetic: bool) -> list[str]:
    notes = list(NOTES)
    if args.max_terms is not None:
        notes.append(
            f"Lexicons capped at a seeded sample of {args.max_terms:,} rows for the build, matching and agreement rows;"
            " the cold/warm load rows use the full lexicons, and the finder's kept mentions are not compared."
        )
    for lexicon, measured in per_lexicon.items():
        for task, result in measured["results"].items():
            if task not in _MATCHER_NAMES and "error" in result["build"]:
                notes.append(f"{lexicon} {task} failed: {result['build']['error']}")
    if synthetic:
        notes.append(f"Corpus {args.corpus} not found: {n_docs} synthetic sentences built from lexicon terms.")
    return notes


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement; the returned dict is what ``--json`` prints."""
    from pipeline.ruleset import load_ruleset

    lexicons = tuple(args.lexicons.split(","))
    rules = load_ruleset(args.rules)
    texts, synthetic = load_documents(args.corpus, args.docs, lexicons, args.max_terms, rules)
    with tempfile.TemporaryDirectory(prefix="mirmine-bench-") as tmp:
        docs_file = Path(tmp) / "docs.json"
        docs_file.write_text(json.dumps(texts), encoding="utf-8")
        env = {**os.environ, "MIRMINE_CACHE": str(Path(tmp) / "cache"), "PYTHONWARNINGS": "ignore"}
        spec = {"docs_file": str(docs_file), "max_terms": args.max_terms, "passes": args.passes, "rules": str(rules.folder)}
        per_lexicon = {lexicon: measure_lexicon(lexicon, spec, env, args) for lexicon in lexicons}
        # A cache of their own: the finder processes above wrote theirs, and the cold rows must start from none.
        starts = measure_starts({**env, "MIRMINE_CACHE": str(Path(tmp) / "cache-starts")}, args, str(rules.folder))
    build = [
        {"lexicon": lexicon, "matcher": _MATCHER_NAMES[task], **result["build"]}
        for lexicon, measured in per_lexicon.items()
        for task, result in measured["results"].items()
        if task in _MATCHER_NAMES
    ]
    return {
        "corpus": str(args.corpus),
        "synthetic": synthetic,
        "rules": str(rules.folder),
        "docs": len(texts),
        "chars": sum(len(text) for text in texts),
        "passes": args.passes,
        "max_terms": args.max_terms,
        "versions": _versions(),
        "build": build,
        "starts": starts,
        "matching": matching_rows(per_lexicon, len(texts)),
        "agreement": [measured["agreement"] for measured in per_lexicon.values() if "agreement" in measured],
        "notes": _notes(args, per_lexicon, len(texts), synthetic),
    }


# --- command line ---------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m pipeline.benchmarks.matchers", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="JSONL with title and abstract per line")
    parser.add_argument("--docs", type=int, default=None, help="use only the first N documents")
    parser.add_argument("--json", action="store_true", help="print one JSON object with every number instead of tables")
    parser.add_argument("--max-terms", type=int, default=None, help="cap each lexicon at a seeded sample of N rows")
    parser.add_argument("--lexicons", default=",".join(DEFAULT_LEXICONS), help="comma-separated finders to compare")
    parser.add_argument("--passes", type=int, default=3, help="matching passes; the fastest counts")
    parser.add_argument("--warm-runs", type=int, default=3, help="fresh processes per warm-start row; the fastest counts")
    parser.add_argument("--skip-span-ruler", action="store_true", help="do not build the SpanRuler")
    parser.add_argument(
        "--rules", type=Path, default=None, metavar="DIR", help="a folder of rule files (a copy of rules/); default the packaged rules"
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before a build process is given up")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    from pipeline.ruleset import RuleError

    args = parse_args(argv)
    try:
        result = run(args)
    except RuleError as err:
        sys.exit(f"Error: {err}")
    print(json.dumps(result, indent=2) if args.json else format_report(result))


if __name__ == "__main__":
    main()
