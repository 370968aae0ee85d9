"""mirmine's throughput, memory and start-up against scispaCy's tokenizer and the pipeline the spaCy docs lead to.

What runs, on the same documents, in one run (``mirmine bench``; the numbers of ``--json`` are the same):

* (a) ``tokenizer``: ``spacy.blank("en")`` with scispaCy's ``combined_rule_tokenizer``, nothing else: the floor.
  ``mirmine_tokenizer`` (reference row): mirmine's patched tokenizer (``build_tokenizer``) on ``normalize_chars(text)``.
* (b) ``baseline``: what a spaCy user writes from the spaCy and scispaCy docs: ``spacy.blank("en")``, scispaCy's
  tokenizer, the rule ``sentencizer``, an ``entity_ruler`` (``phrase_matcher_attr: LOWER``) with one phrase pattern
  per distinct term of the lexicons mirmine uses (``pipeline.mentions.LEXICON_FILES``: genes, drugs, drug classes,
  cell lines; labels GENE, DRUG, DRUG_CLASS, CELL_LINE; added in batches of ``PATTERN_BATCH``) plus one token pattern
  with a miRNA ``REGEX``, and scispaCy's ``abbreviation_detector`` (``make_serializable=True``), run with
  ``nlp.pipe(texts)``; each doc's entities and abbreviations are read out as tuples, as a user would.
* (c) ``mirmine``: ``pipeline.engine.process_chunk`` over chunks of ``CHUNK_DOCS`` documents in one process, the
  engine's per-document work: the ``pipeline.extract.Extractor`` (tokenizer, sentences, abbreviations, every finder,
  mentions, relations, tables) and the rows of the part files made from its records.
* (d) ``workers``: the same ``process_chunk`` in ``--workers`` forked processes, through the engine's own pool
  (``pipeline.engine.LocalPool``, as ``run_corpus`` feeds it; one pool for every pass, forked in the first):
  documents go to the workers pickled and rows come back. No reading or writing: (d)/(c) is the speed-up of the same
  work spread over processes.
* (e) ``run``: ``pipeline.engine.run_corpus`` with ``--workers`` workers over a JSON Lines file of the same documents,
  into a fresh folder per pass: what ``mirmine run`` does, reading, ingest, extraction, part files, the merged
  tables and ``run.json`` included.

Every pipeline lives in its own Python process (started once, in a fresh interpreter that imports
``pipeline.benchmarks``, in the run's temporary folder), which builds it once (``build s``: from the documents read
to the pipeline ready, the pipeline's own imports included; spaCy is imported before), then waits.
The passes are interleaved: for each pass, (a), (a'), (b), (c), (d), (e) run one after the other over all documents,
so a slow moment of the machine hits every pipeline alike. docs/s is documents / wall seconds of the pass
(``perf_counter``); the table shows the best pass and the first one (the first pass meets every word for the first
time, like a real corpus; later passes find them in spaCy's caches); ``--json`` has every pass. words are the
whitespace-separated tokens of the document texts. Peak RSS is ``getrusage(RUSAGE_SELF).ru_maxrss`` of the process at
its end (lexicons, pipeline, documents and all passes); for (d) and (e) the workers' peak is ``RUSAGE_CHILDREN``
(the largest worker that ran), and for (d) also each live worker's ``VmHWM`` and proportional set size (PSS: shared
pages split between the processes that share them; forked workers share the parent's pipeline pages, so their RSS
counts those pages in full).

Time to the first document, each in a fresh process, the lexicon cache a temporary ``MIRMINE_CACHE``: ``cli``, the
wall time of ``python -m pipeline run ONE.jsonl --out TMP -q --workers 1`` from launch to exit (warm cache), and
``in_process`` (warm and cold cache): launch to the first extraction, split into interpreter start (and exit),
``import pipeline.extract``, ``Extractor(rules)`` and the first extraction. The cold start runs first and
fills the temporary cache that every later process loads.

``--scale``: (c) on the first 10,000 and on all 100,000 abstracts of a generated JSON Lines file (written first),
each in a fresh process that reads the documents lazily and keeps none; docs/s counts only the time inside
``process_chunk()``, and the peak RSS is the pipeline's as the vocabulary grows. ``--profile``: one warm pass of
the ``Extractor`` under cProfile: the cumulative time of each stage and the functions with the most own time
(cProfile inflates Python-heavy code against C).

``cores used`` is the CPU seconds (user + system) of the process and its workers per wall second of the best pass:
about 1 for one process, up to the number of workers when they keep every core busy; less means waiting, on the
parent that feeds them or on another program using the machine (the load average is in the header).

``--rules DIR``: every measuring process loads the rules of DIR (default: the packaged rules) with
``load_ruleset``: the lexicons of the baseline (b), (c), (d), (e), the first-document, scale and profile processes;
the result records the folder. The generated documents always come from the packaged lexicons, so runs with other
rules measure the same text.

Example: .venv/bin/python -m pipeline.benchmarks.bench --docs 500 --passes 2 --json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from .bench_documents import DEFAULT_DOCS, corpus_records, write_records
from .bench_launch import Child, first_document_times, one_shot, scale_runs
from .bench_report import format_report
from .errors import BenchError
from .measure import load_average

__all__ = ["BenchError", "format_report", "main", "parse_args", "run_bench"]

PIPELINES = {
    "tokenizer": "(a) scispaCy tokenizer alone",
    "mirmine_tokenizer": "    mirmine tokenizer alone",
    "baseline": "(b) spaCy-docs baseline",
    "mirmine": "(c) mirmine, one process",
    "workers": "(d) mirmine, {workers} workers",
    "run": "(e) mirmine run, {workers} workers",
}
TARGETS = {
    "c_over_b": 3.0,
    "c_docs_per_s": 1000.0,
    "d_over_c": 1.8,
    "worker_peak_rss_mb": 400.0,
    "first_document_s": 2.0,
    "scale_drift": 0.10,
}


# --- the run ----------------------------------------------------------------------------------------------


def run_bench(
    docs: int | None = None,
    corpus: str | Path | None = None,
    workers: int | None = None,
    passes: int = 3,
    json: bool = False,
    scale: bool = False,
    profile: bool = False,
    seed: int = 0,
    on_progress: Callable[[str], None] | None = None,
    rules: str | Path | None = None,
) -> dict[str, Any]:
    """Every measurement as one dict (what ``--json`` prints); ``format_report`` makes the tables.

    ``docs``: how many documents (default ``DEFAULT_DOCS`` generated, or every record of ``corpus``; more than the
    corpus holds cycles it). ``rules``: the folder of rule files every measuring process loads (default: the
    packaged rules). ``json`` is accepted for symmetry with the command line and changes nothing here.
    """
    del json  # the caller decides how to print
    load_before = load_average()
    if passes < 1:
        raise BenchError(f"passes must be at least 1, not {passes}")
    if docs is not None and docs < 1:
        raise BenchError(f"docs must be at least 1, not {docs}")
    folder = rules_folder(rules)
    workers = workers or os.cpu_count() or 1
    progress = on_progress or (lambda message: None)
    records, described = corpus_records(Path(corpus) if corpus else None, docs, seed)
    with tempfile.TemporaryDirectory(prefix="mirmine-bench-") as tmp_name:
        tmp = Path(tmp_name)
        docs_file = tmp / "docs.jsonl"
        write_records(docs_file, records)
        one_doc = tmp / "one.jsonl"
        with docs_file.open(encoding="utf-8") as handle:
            one_doc.write_text(handle.readline(), encoding="utf-8")
        cache = tmp / "cache"
        env = {**os.environ, "MIRMINE_CACHE": str(cache), "PYTHONWARNINGS": "ignore"}
        # First: a cold start, which also fills the run's lexicon cache, so every build below loads it warm.
        progress("time to the first document")
        first = first_document_times(one_doc, env, cache, tmp, folder)
        spec = {"docs_file": str(docs_file), "workers": workers, "tmp": str(tmp), "rules": str(folder)}
        pass_timeout = 600 + 0.5 * described["docs"]
        built, results = _measure_pipelines(spec, env, tmp, passes, pass_timeout, progress)
        scaled = scale_runs(env, tmp, seed, folder, progress) if scale else None
        profile_spec = {"docs_file": str(docs_file), "rules": str(folder)}
        profiled = one_shot("profile", profile_spec, env, tmp, pass_timeout * 3) if profile else None
    measured = {"first_document": first, "scale": scaled, "profile": profiled}
    return _result(described, folder, passes, workers, built, results, measured, load_before)


def rules_folder(rules: str | Path | None) -> Path:
    """The folder of rules every measuring process loads (default: the packaged rules), checked before any starts."""
    from pipeline.ruleset import load_ruleset

    ruleset = load_ruleset(rules)  # a RuleError when it is no folder
    if not ruleset.checksums():
        raise BenchError(
            f"{ruleset.folder}: no rule files (.tsv, .jsonl) in this folder; pass --rules a folder that holds them"
            " (a copy of the packaged rules/, edited)"
        )
    # Every JSONL rule file read and validated here: a missing or malformed one is a RuleError naming its path and
    # line before any process starts, not the last line of a measuring process's traceback.
    ruleset.by_id  # noqa: B018
    return ruleset.folder


def _measure_pipelines(
    spec: dict[str, Any], env: dict[str, str], tmp: Path, passes: int, pass_timeout: float, progress: Callable[[str], None]
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Build every pipeline of ``PIPELINES`` in its process, run the interleaved passes; what each process built
    (``build_s``, documents, words) and each pipeline's row."""
    children: dict[str, Child] = {}
    built: dict[str, dict[str, Any]] = {}
    results: dict[str, dict[str, Any]] = {}
    try:
        for name in PIPELINES:  # one at a time, so no build competes with another for the cores
            progress(f"build {name}")
            children[name] = Child(name, spec, env, tmp)
            built[name] = children[name].reply(900)
        replies: dict[str, list[dict[str, Any]]] = {name: [] for name in PIPELINES}
        for number in range(passes):
            for name, child in children.items():
                progress(f"pass {number + 1}/{passes}: {name}")
                replies[name].append(child.ask("pass", pass_timeout))
        for name, child in children.items():
            ended = child.ask("quit", 120)
            results[name] = _pipeline_result(name, built[name], replies[name], ended, spec["workers"])
    finally:
        for child in children.values():
            child.close()
    return built, results


def _result(
    described: dict[str, Any], folder: Path, passes: int, workers: int, built: dict[str, dict[str, Any]],
    results: dict[str, dict[str, Any]], measured: dict[str, Any], load_before: float | None,
) -> dict[str, Any]:  # fmt: skip
    words = built["mirmine"]["words"]
    n_read = max(1, built["mirmine"]["docs"])
    found = results["mirmine"]["counts"]
    described.update(
        words=words, chars=built["mirmine"]["chars"], words_per_doc=words / n_read,
        mirmine_mentions_per_doc=found["mentions"] / n_read, mirmine_relations_per_doc=found["relations"] / n_read,
    )  # fmt: skip
    environment = _environment()
    environment["load_average_1min"] = {"start": load_before, "end": environment["load_average_1min"]}
    result = {
        "environment": environment,
        "corpus": described,
        "rules": str(folder),
        "passes": passes,
        "workers": workers,
        "pipelines": results,
        "ratios": _ratios(results),
        "ratios_first_pass": _ratios(results, "docs_per_s_first_pass"),
        "first_document": measured["first_document"],
        "scale": measured["scale"],
        "profile": measured["profile"],
    }
    result["targets"] = _targets(result)
    result["notes"] = _notes(result, built)
    return result


def _pipeline_result(
    name: str, built: dict[str, Any], replies: list[dict[str, Any]], ended: dict[str, Any], workers: int
) -> dict[str, Any]:
    docs, words = built["docs"], built["words"]
    seconds = [reply["seconds"] for reply in replies]
    best = min(replies, key=lambda reply: reply["seconds"])
    row = {
        "label": PIPELINES[name].format(workers=workers).strip(),
        "build_s": built["build_s"],
        "pass_seconds": seconds,
        "docs_per_s": docs / best["seconds"],
        "docs_per_s_median": docs / statistics.median(seconds),
        "docs_per_s_first_pass": docs / seconds[0],
        "words_per_s": words / best["seconds"],
        # CPU seconds of the process and its workers per wall second in the best pass: about 1 for one process, about
        # the number of workers when they keep every core busy; less means waiting (for the parent, for another
        # program on the machine).
        "cores_used": (best["cpu_s"] + best["children_cpu_s"]) / best["seconds"],
        "pass_cpu_seconds": [reply["cpu_s"] + reply["children_cpu_s"] for reply in replies],
        "peak_rss_mb": ended["peak_rss_mb"],
        "counts": best["counts"],
    }
    if name in ("workers", "run"):
        row["worker_peak_rss_mb"] = ended.get("children_peak_rss_mb")
    if name == "workers":
        row["worker_vmhwm_mb"] = ended.get("worker_vmhwm_mb")
        row["worker_pss_mb"] = ended.get("worker_pss_mb")
    if name == "baseline":
        row["patterns"] = ended.get("patterns")
    return row


def _ratios(results: dict[str, dict[str, Any]], key: str = "docs_per_s") -> dict[str, float]:
    """Ratios of docs/s (``key``: best pass, or ``docs_per_s_first_pass``): c/b, c/a, d/c, and e/c (the whole run
    against extraction in one process).

    (c) and (d) keep their pipelines (and (d) its workers) from pass to pass; (e), a whole `run_corpus`, forks fresh
    workers every pass, whose caches are as cold as a first pass: compare e/c on first passes.
    """
    rate = {name: row[key] for name, row in results.items()}
    return {
        "c/b": rate["mirmine"] / rate["baseline"],
        "c/a": rate["mirmine"] / rate["tokenizer"],
        "d/c": rate["workers"] / rate["mirmine"],
        "e/c": rate["run"] / rate["mirmine"],
    }


def _environment() -> dict[str, Any]:
    versions = {"python": platform.python_version()}
    for package in ("mirmine", "spacy", "scispacy", "pyahocorasick", "numpy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    cpu = ""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "")
    except OSError:
        pass
    return {
        **versions, "cpu_count": os.cpu_count(), "cpu": cpu, "platform": platform.platform(), "executable": sys.executable,
        "load_average_1min": load_average(),
    }  # fmt: skip


def _targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets against what was measured (best-pass numbers; the scale run's own numbers)."""
    pipelines, ratios, first = result["pipelines"], result["ratios"], result["ratios_first_pass"]
    worker_rss, first_s = pipelines["workers"]["worker_peak_rss_mb"], result["first_document"]["cli_run_warm_s"]
    rows = [
        ("mirmine one process >= 3x the baseline's docs/s (c/b)", ratios["c/b"], TARGETS["c_over_b"], ">="),
        ("mirmine one process >= 1,000 docs/s per core (c)", pipelines["mirmine"]["docs_per_s"], TARGETS["c_docs_per_s"], ">="),
        (f"{result['workers']} workers >= 1.8x one process (d/c; 1st passes {first['d/c']:.2f})", ratios["d/c"], TARGETS["d_over_c"], ">="),
        ("peak RSS per worker <= 400 MB (d, RUSAGE_CHILDREN)", worker_rss, TARGETS["worker_peak_rss_mb"], "<="),
        ("first document out <= 2 s from launch (mirmine run, warm cache)", first_s, TARGETS["first_document_s"], "<="),
    ]
    if result["scale"]:
        ratio = result["scale"]["ratio"]
        what = f"docs/s at 100,000 within 10 % of docs/s at 10,000 (|ratio - 1|; ratio {ratio:.3f})"
        rows.append((what, abs(ratio - 1), TARGETS["scale_drift"], "<="))
    return [
        {"target": what, "measured": value, "limit": limit, "met": _met(value, limit, op)} for what, value, limit, op in rows
    ]


def _met(value: float | None, limit: float, op: str) -> bool | None:
    if value is None:
        return None
    return value >= limit if op == ">=" else value <= limit


def _notes(result: dict[str, Any], built: dict[str, dict[str, Any]]) -> list[str]:
    notes = []
    corpus = result["corpus"]
    if corpus.get("cycled"):
        notes.append(
            f"--docs {corpus['docs']:,} exceeds the corpus's {corpus['records']:,} records: it is cycled, so later copies"
            " meet words the tokenizer has cached (faster than new text)."
        )
    if len({row["docs"] for row in built.values()}) > 1:
        read = ", ".join(f"{name} {row['docs']}" for name, row in built.items())
        notes.append(f"The processes did not all read the same number of documents: {read}")
    pipelines = result["pipelines"]
    if pipelines["mirmine"]["counts"].get("mentions") != pipelines["workers"]["counts"].get("mentions"):
        notes.append("(c) and (d) found different numbers of mentions: the workers do not do the same work.")
    if result["workers"] != 2:
        notes.append(f"The worker target is for 2 workers; this run used {result['workers']}.")
    return notes


# --- command line ---------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m pipeline.benchmarks.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=None, help=f"documents (default {DEFAULT_DOCS} generated, or the whole --corpus)")
    parser.add_argument("--corpus", type=Path, default=None, help="JSON Lines with title and abstract (or text) per line")
    parser.add_argument("--workers", type=int, default=None, help="workers of (d) and (e); default one per CPU")
    parser.add_argument("--passes", type=int, default=3, help="interleaved passes; the table shows the best")
    parser.add_argument("--scale", action="store_true", help="also (c) at 10,000 and 100,000 generated documents (slow)")
    parser.add_argument("--profile", action="store_true", help="also one pass of (c) under cProfile")
    parser.add_argument(
        "--rules", type=Path, default=None, metavar="DIR",
        help="a folder of rule files (a copy of rules/, edited) for every measuring process; default the packaged rules",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    from pipeline.ruleset import RuleError

    args = parse_args(argv)
    progress = (lambda message: print(f"... {message}", file=sys.stderr, flush=True)) if sys.stderr.isatty() else None
    try:
        result = run_bench(
            args.docs, args.corpus, args.workers, args.passes, scale=args.scale, profile=args.profile,
            on_progress=progress, rules=args.rules,
        )  # fmt: skip
    except (BenchError, RuleError) as err:
        sys.exit(f"Error: {err}")
    print(json.dumps(result, indent=2) if args.json else format_report(result))


if __name__ == "__main__":
    main()
