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
  engine's per-document work: ``extract()`` (tokenizer, sentences, abbreviations, every finder, mentions, relations,
  tables) and the rows of the part files made from its records.
* (d) ``workers``: the same ``process_chunk`` in ``--workers`` forked processes, through the engine's own pool
  (``pipeline.engine._LocalPool``, as ``run_corpus`` feeds it; one pool for every pass, forked in the first):
  documents go to the workers pickled and rows come back. No reading or writing: (d)/(c) is the speed-up of the same
  work spread over processes.
* (e) ``run``: ``pipeline.engine.run_corpus`` with ``--workers`` workers over a JSON Lines file of the same documents,
  into a fresh folder per pass: what ``mirmine run`` does, reading, ingest, extraction, part files, the merged
  tables and ``run.json`` included.

Every pipeline lives in its own Python process (started once, in a fresh interpreter, from this repository), which
builds it once (``build s``: from the documents read to the pipeline ready, the pipeline's own imports included; spaCy
is imported before), then waits.
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
``in_process`` (warm and cold cache): launch to the first ``extract()`` result, split into interpreter start (and
exit), ``import pipeline.extract``, ``build_pipeline()`` and the first ``extract()``. The cold start runs first and
fills the temporary cache that every later process loads.

``--scale``: (c) on the first 10,000 and on all 100,000 abstracts of a generated JSON Lines file (written first),
each in a fresh process that reads the documents lazily and keeps none; docs/s counts only the time inside
``process_chunk()``, and the peak RSS is the pipeline's as the vocabulary grows. ``--profile``: one warm pass of
``extract()`` under cProfile: the cumulative time of each stage and the functions with the most own time (cProfile inflates
Python-heavy code against C).

``cores used`` is the CPU seconds (user + system) of the process and its workers per wall second of the best pass:
about 1 for one process, up to the number of workers when they keep every core busy; less means waiting, on the
parent that feeds them or on another program using the machine (the load average is in the header).

Example: .venv/bin/python -m benchmarks.bench --docs 500 --passes 2 --json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.matchers import PATTERN_BATCH, _table, lexicon_entries, peak_rss_mb, phrase_terms

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DOCS = 2000
SCALE_SIZES = (10_000, 100_000)
# miRNA names as one token pattern: what a spaCy user would write first (scispaCy splits `miR-21-5p`, so arms miss).
MIRNA_REGEX = r"^(?:hsa-)?(?:(?:miR|mir|MiR|miRNA|microRNA)-?\d+[a-z]?(?:-[35]p)?|let-7[a-z]?)$"
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
_CHILD = "import sys; from benchmarks.bench import child_main; child_main(sys.argv[1])"
_FIRST_DOC = (
    "import time; t0 = time.perf_counter(); import sys; "
    "from benchmarks.bench import first_document_main; first_document_main(t0, sys.argv[1])"
)


class BenchError(RuntimeError):
    """A benchmark that cannot run: a missing or empty corpus, a measuring process that failed."""


# --- documents --------------------------------------------------------------------------------------------


def corpus_records(corpus: Path | None, docs: int | None, seed: int = 0) -> tuple[Iterator[dict[str, str]], dict[str, Any]]:
    """The benchmark's records (``id``, ``title``, ``abstract`` or ``text``) and what they are.

    A corpus file is JSON Lines with ``title`` and ``abstract`` (or ``text``) per line; ``docs`` beyond its size
    cycles it (ids get ``#2``, ``#3``...), and ``None`` takes it whole. Without a file, ``docs`` (default
    ``DEFAULT_DOCS``) generated abstracts.
    """
    if corpus is None:
        from benchmarks.corpus import generate_abstracts

        n = DEFAULT_DOCS if docs is None else docs
        records = ({"id": f"PMID:{r['pmid']}", "title": r["title"], "abstract": r["abstract"]} for r in generate_abstracts(n, seed))
        return records, {"source": "generated (benchmarks/corpus.py)", "seed": seed, "records": n, "docs": n, "cycled": False}
    records = list(_read_corpus(corpus))
    n = len(records) if docs is None else docs
    described = {"source": str(corpus), "records": len(records), "docs": n, "cycled": n > len(records)}
    return (_cycled(records, n), described)


def _read_corpus(path: Path) -> Iterator[dict[str, str]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as err:
        raise BenchError(f"{path}: {err.strerror or err}; pass a JSON Lines file with title and abstract per line") from err
    found = False
    with handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as err:
                raise BenchError(f"{path}:{line_no}: not JSON ({err}); the corpus must be JSON Lines") from err
            text_fields = {key: record[key] for key in ("title", "abstract", "text") if isinstance(record.get(key), str)}
            if not any(value.strip() for value in text_fields.values()):
                raise BenchError(f"{path}:{line_no}: no title, abstract or text; every line needs one")
            ident = record.get("pmid") or record.get("id") or line_no
            found = True
            yield {"id": f"PMID:{ident}" if record.get("pmid") else str(ident), **text_fields}
    if not found:
        raise BenchError(f"{path}: no records; the corpus must be JSON Lines with title and abstract per line")


def _cycled(records: list[dict[str, str]], n: int) -> Iterator[dict[str, str]]:
    for index in range(n):
        record = records[index % len(records)]
        turn = index // len(records)
        yield record if turn == 0 else {**record, "id": f"{record['id']}#{turn + 1}"}


def write_records(path: Path, records: Iterator[dict[str, str]]) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


# --- the measuring processes ------------------------------------------------------------------------------


def _documents(docs_file: str) -> list:
    from pipeline.ingest import read_jsonl
    from pipeline.schema import Document

    return [item for item in read_jsonl(docs_file) if isinstance(item, Document)]


class _Runner:
    """One pipeline in its process: built in ``__init__``, one pass over every document per ``run_pass``."""

    def __init__(self, spec: dict[str, Any], documents: list) -> None:
        self.spec = spec
        self.documents = documents
        self.texts = [document.text for document in documents]

    def run_pass(self) -> dict[str, Any]:
        raise NotImplementedError

    def finish(self) -> dict[str, Any]:
        return {}


class _Tokenizer(_Runner):
    def __init__(self, spec: dict[str, Any], documents: list) -> None:
        super().__init__(spec, documents)
        import spacy
        from scispacy.custom_tokenizer import combined_rule_tokenizer

        self.nlp = spacy.blank("en")
        self.nlp.tokenizer = combined_rule_tokenizer(self.nlp)

    def run_pass(self) -> dict[str, Any]:
        tokenizer = self.nlp.tokenizer
        return {"tokens": sum(len(tokenizer(text)) for text in self.texts)}


class _MirmineTokenizer(_Runner):
    def __init__(self, spec: dict[str, Any], documents: list) -> None:
        super().__init__(spec, documents)
        import spacy

        from pipeline.preprocess import build_tokenizer, normalize_chars

        self.normalize = normalize_chars
        self.nlp = spacy.blank("en")
        self.nlp.tokenizer = build_tokenizer(self.nlp)

    def run_pass(self) -> dict[str, Any]:
        tokenizer, normalize = self.nlp.tokenizer, self.normalize
        return {"tokens": sum(len(tokenizer(normalize(text))) for text in self.texts)}


def build_baseline() -> Any:
    """The pipeline of (b): blank English, scispaCy tokenizer, sentencizer, EntityRuler with the lexicons, abbreviations."""
    import spacy
    from scispacy.abbreviation import AbbreviationDetector  # noqa: F401  (registers "abbreviation_detector")
    from scispacy.custom_tokenizer import combined_rule_tokenizer

    from pipeline.mentions import LEXICON_FILES

    nlp = spacy.blank("en")
    nlp.tokenizer = combined_rule_tokenizer(nlp)
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    entries = [entry for finder in LEXICON_FILES for entry in lexicon_entries(finder)]
    patterns = [{"label": label.upper(), "pattern": term} for label, terms in phrase_terms(entries).items() for term in terms]
    for offset in range(0, len(patterns), PATTERN_BATCH):
        ruler.add_patterns(patterns[offset : offset + PATTERN_BATCH])
    ruler.add_patterns([{"label": "MIRNA", "pattern": [{"TEXT": {"REGEX": MIRNA_REGEX}}]}])
    nlp.add_pipe("abbreviation_detector", config={"make_serializable": True})
    return nlp


class _Baseline(_Runner):
    def __init__(self, spec: dict[str, Any], documents: list) -> None:
        super().__init__(spec, documents)
        self.nlp = build_baseline()
        self.patterns = len(self.nlp.get_pipe("entity_ruler"))

    def run_pass(self) -> dict[str, Any]:
        entities = abbreviations = 0
        for doc in self.nlp.pipe(self.texts):
            entities += len([(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents])
            abbreviations += len(doc._.abbreviations)
        return {"entities": entities, "abbreviations": abbreviations}

    def finish(self) -> dict[str, Any]:
        return {"patterns": self.patterns}


class _Mirmine(_Runner):
    def __init__(self, spec: dict[str, Any], documents: list) -> None:
        super().__init__(spec, documents)
        from pipeline.engine import CHUNK_DOCS, _pipeline, process_chunk

        self.process_chunk = process_chunk
        _pipeline(None, None)  # built here, as the engine builds it once per process
        self.chunks = [self.documents[i : i + CHUNK_DOCS] for i in range(0, len(self.documents), CHUNK_DOCS)]

    def run_pass(self) -> dict[str, Any]:
        mentions = relations = errors = 0
        for chunk in self.chunks:
            result = self.process_chunk(chunk)
            mentions += len(result.mentions)
            relations += len(result.relations)
            errors += len(result.errors)
        return {"mentions": mentions, "relations": relations, "errors": errors}


class _Workers(_Runner):
    def __init__(self, spec: dict[str, Any], documents: list) -> None:
        super().__init__(spec, documents)
        from pipeline.engine import CHUNK_DOCS, _pipeline

        _pipeline(None, None)  # the pipeline the pool's workers inherit (engine caches it per process)
        self.chunks = [self.documents[i : i + CHUNK_DOCS] for i in range(0, len(self.documents), CHUNK_DOCS)]
        self.worker_memory: list[dict[str, float]] = []
        self.pool = None

    def run_pass(self) -> dict[str, Any]:
        import multiprocessing

        from pipeline.engine import _LocalPool

        # One pool for every pass, as one run keeps its workers and (c) keeps its pipeline: the first pass pays for
        # the fork and cold caches, later passes measure the workers warm.
        if self.pool is None:
            self.pool = _LocalPool(self.spec["workers"], None, None)
        before = _workers_cpu_seconds()
        mentions = relations = errors = 0
        for result in self.pool.map(self.chunks):
            mentions += len(result.mentions)
            relations += len(result.relations)
            errors += len(result.errors)
        # The workers are idle but alive: their peak and their share of memory, read now.
        self.worker_memory.extend(_process_memory(child.pid) for child in multiprocessing.active_children())
        # Live workers are not in RUSAGE_CHILDREN until reaped: their CPU time this pass, from /proc.
        after = _workers_cpu_seconds()
        worker_cpu = sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
        return {"mentions": mentions, "relations": relations, "errors": errors, "worker_cpu_s": worker_cpu}

    def finish(self) -> dict[str, Any]:
        if self.pool is not None:
            self.pool.close()
        memory = [m for m in self.worker_memory if m]
        return {
            "worker_vmhwm_mb": max((m["vmhwm_mb"] for m in memory), default=None),
            "worker_pss_mb": max((m["pss_mb"] for m in memory if "pss_mb" in m), default=None),
        }


class _Run(_Runner):
    def __init__(self, spec: dict[str, Any], documents: list) -> None:
        super().__init__(spec, documents)
        from pipeline.engine import _pipeline

        _pipeline(None, None)  # built once; run_corpus finds it cached, as a long-lived caller would
        self.passes = 0

    def run_pass(self) -> dict[str, Any]:
        from pipeline.engine import run_corpus

        out = Path(self.spec["tmp"]) / f"run-{os.getpid()}-{self.passes}"
        self.passes += 1
        try:
            summary = run_corpus([self.spec["docs_file"]], out, workers=self.spec["workers"])
        finally:
            shutil.rmtree(out, ignore_errors=True)
        return {"mentions": summary.mentions, "relations": summary.relations, "errors": len(summary.errors)}


_RUNNERS: dict[str, type[_Runner]] = {
    "tokenizer": _Tokenizer,
    "mirmine_tokenizer": _MirmineTokenizer,
    "baseline": _Baseline,
    "mirmine": _Mirmine,
    "workers": _Workers,
    "run": _Run,
}


def _workers_cpu_seconds() -> dict[int, float]:
    """User + system CPU seconds of each live child process, read from /proc (Linux)."""
    import multiprocessing

    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for child in multiprocessing.active_children():
        try:
            fields = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[child.pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15)
    return seconds


def _process_memory(pid: int | None) -> dict[str, float]:
    """Peak RSS (VmHWM) and PSS of a live process, in MB; empty where /proc has no such fields."""
    memory: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                memory["vmhwm_mb"] = int(line.split()[1]) / 1024
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                memory["pss_mb"] = int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return memory


def _quiet_warnings() -> None:
    import warnings

    import spacy  # noqa: F401  (spaCy sets its own warning filters on import: ours must come after, to win)

    # scispaCy's W036 (its abbreviation matcher has no global patterns) fires on every doc; "Possible set union" on compile.
    warnings.simplefilter("ignore")


def child_main(spec_json: str) -> None:
    """A measuring process: build one pipeline, then answer ``pass`` and ``quit`` on stdin with one JSON line each."""
    spec = json.loads(spec_json)
    channel = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # whatever a library prints goes to stderr; stdout carries only the replies
    _quiet_warnings()
    if spec["name"] in ("scale", "profile"):
        reply = _scale(spec) if spec["name"] == "scale" else _profile(spec)
        channel.write(json.dumps(reply) + "\n")
        return
    documents = _documents(spec["docs_file"])
    started = time.perf_counter()
    runner = _RUNNERS[spec["name"]](spec, documents)
    build_s = time.perf_counter() - started
    channel.write(json.dumps({
        "build_s": build_s, "docs": len(runner.texts), "words": sum(len(text.split()) for text in runner.texts),
        "chars": sum(len(text) for text in runner.texts),
    }) + "\n")  # fmt: skip
    for line in sys.stdin:
        if line.strip() == "pass":
            cpu, start = _cpu_seconds(), time.perf_counter()
            counts = runner.run_pass()
            seconds = time.perf_counter() - start
            own, children = (after - before for after, before in zip(_cpu_seconds(), cpu))
            children += counts.pop("worker_cpu_s", 0.0)
            channel.write(json.dumps({"seconds": seconds, "cpu_s": own, "children_cpu_s": children, "counts": counts}) + "\n")
        elif line.strip() == "quit":
            finished = runner.finish()  # first: it reaps the workers that RUSAGE_CHILDREN reports on
            children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            channel.write(json.dumps({"peak_rss_mb": peak_rss_mb(), "children_peak_rss_mb": children or None, **finished}) + "\n")
            return


def _cpu_seconds() -> tuple[float, float]:
    """User + system CPU seconds of this process and of its finished children (the pool's workers, once joined)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def first_document_main(t0: float, path: str) -> None:
    """A fresh process: import, build the pipeline, extract the first document of ``path``; times on stdout."""
    _quiet_warnings()
    from pipeline.extract import build_pipeline, extract

    imported = time.perf_counter()
    nlp = build_pipeline()
    built = time.perf_counter()
    from pipeline.ingest import read_jsonl

    document = next(iter(read_jsonl(path)))
    extraction = extract(document, nlp)
    done = time.perf_counter()
    print(json.dumps({
        "import_s": imported - t0, "build_s": built - imported, "first_extract_s": done - built, "in_process_s": done - t0,
        "mentions": len(extraction.mentions),
    }))  # fmt: skip


def _scale(spec: dict[str, Any]) -> dict[str, Any]:
    """(c) over the first ``n`` documents of a generated JSON Lines file, read lazily; only time inside ``process_chunk()`` counts."""
    from itertools import islice

    from pipeline.engine import CHUNK_DOCS, REFRESH_DOCS, _pipeline, process_chunk
    from pipeline.ingest import read_jsonl

    _pipeline(None, None)
    n, window = spec["n"], max(CHUNK_DOCS, spec["n"] // 10 // CHUNK_DOCS * CHUNK_DOCS)
    extract_s = window_s = 0.0
    windows = []
    words = done = 0
    load_start, cpu_start = _load_average(), _cpu_seconds()[0]
    started = time.perf_counter()
    documents = islice(read_jsonl(spec["docs_file"]), n)
    # The engine's own path: chunks through process_chunk, which rebuilds the pipeline every REFRESH_DOCS documents.
    while chunk := list(islice(documents, CHUNK_DOCS)):
        words += sum(len(document.text.split()) for document in chunk)
        start = time.perf_counter()
        process_chunk(chunk)
        took = time.perf_counter() - start
        extract_s += took
        window_s += took
        done += len(chunk)
        if done % window == 0:
            windows.append(window / window_s)
            window_s = 0.0
    nlp = _pipeline(None, None)
    return {
        "docs": n, "words": words, "extract_s": extract_s, "wall_s": time.perf_counter() - started,
        "docs_per_s": n / extract_s, "words_per_s": words / extract_s, "docs_per_s_by_tenth": windows,
        "peak_rss_mb": peak_rss_mb(), "strings": len(nlp.vocab.strings), "lexemes": len(nlp.vocab),
        "pipeline_rebuilt_every": REFRESH_DOCS,
        "cores_used": (_cpu_seconds()[0] - cpu_start) / (time.perf_counter() - started),
        "load_average_1min": {"start": load_start, "end": _load_average()},
    }  # fmt: skip


def _profile(spec: dict[str, Any]) -> dict[str, Any]:
    """One warm pass of (c) under cProfile: the slowest functions, and the cumulative time of each stage."""
    import cProfile
    import pstats

    from pipeline import extract as extract_module
    from pipeline.mentions import mentions_from_doc
    from pipeline.relations import relations_from_sentences

    nlp = extract_module.build_pipeline()
    documents = _documents(spec["docs_file"])
    for document in documents:  # warm: the tokenizer cache and lazily built rules, as in the best pass
        extract_module.extract(document, nlp)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for document in documents:
        extract_module.extract(document, nlp)
    profiler.disable()
    wall = time.perf_counter() - start
    stats = pstats.Stats(profiler)
    table = stats.stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in table.values())

    def where(key: tuple[str, int, str]) -> str:
        filename, line, name = key
        for marker in ("site-packages/", str(REPO_ROOT) + "/"):
            if marker in filename:
                filename = filename.split(marker, 1)[1]
        return f"{filename}:{line}({name})" if line else name

    def cumulative(function: Any) -> float:
        code = getattr(function, "__code__", None)
        if code is None:
            return 0.0
        key = (code.co_filename, code.co_firstlineno, code.co_name)
        return table[key][3] if key in table else 0.0

    stages = [("tokenizer (nlp.make_doc)", cumulative(type(nlp).make_doc))]
    # cProfile keys time by function, so components of one class (the three lexicon finders) share one row.
    by_class: dict[type, list[str]] = {}
    for name, component in nlp.pipeline:
        by_class.setdefault(type(component), []).append(name)
    for component_class, names in by_class.items():
        stages.append((f"{' + '.join(names)} ({component_class.__name__})", cumulative(component_class.__call__)))
    stages += [
        ("mentions_from_doc", cumulative(mentions_from_doc)),
        ("relations_from_sentences", cumulative(relations_from_sentences)),
        ("table_relations", cumulative(extract_module.table_relations)),
    ]
    extract_total = cumulative(extract_module.extract) or total
    rows = sorted(table.items(), key=lambda item: item[1][2], reverse=True)[: spec.get("top", 30)]
    return {
        "docs": len(documents), "wall_s_under_profiler": wall, "extract_cumulative_s": extract_total,
        "stages": [{"stage": name, "cumulative_s": s, "share": s / extract_total if extract_total else None} for name, s in stages],
        "top_tottime": [
            {"function": where(key), "calls": row[1], "tottime_s": row[2], "cumtime_s": row[3]} for key, row in rows
        ],
    }  # fmt: skip


class _Child:
    """A measuring process seen from the parent: one request, one JSON reply line, each with a deadline."""

    def __init__(self, name: str, spec: dict[str, Any], env: dict[str, str], tmp: Path) -> None:
        self.name = name
        self.log = (tmp / f"{name}.log").open("w+", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-c", _CHILD, json.dumps({"name": name, **spec})],
            cwd=REPO_ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True,
        )  # fmt: skip

    def reply(self, timeout: float) -> dict[str, Any]:
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            self.log.flush()
            self.log.seek(0)
            tail = " | ".join(self.log.read().strip().splitlines()[-3:]) or "no output"
            self.close()
            why = "no reply" if ready else f"no reply within {timeout:.0f} s"
            raise BenchError(f"the {self.name} process failed ({why}): {tail}")
        return json.loads(line)

    def ask(self, request: str, timeout: float) -> dict[str, Any]:
        self.process.stdin.write(request + "\n")
        self.process.stdin.flush()
        return self.reply(timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.log.close()


def _one_shot(name: str, spec: dict[str, Any], env: dict[str, str], tmp: Path, timeout: float) -> dict[str, Any]:
    child = _Child(name, spec, env, tmp)
    try:
        return child.reply(timeout)
    finally:
        child.close()


def _timed_process(command: list[str], env: dict[str, str], timeout: float) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as err:
        raise BenchError(f"{' '.join(command[:4])} ... took over {timeout:.0f} s") from err
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise BenchError(f"{' '.join(command[:4])} ... exited {done.returncode}: {last}")
    return seconds, done.stdout


def first_document_times(one_doc: Path, env: dict[str, str], cold_cache: Path, tmp: Path) -> dict[str, Any]:
    """Launch-to-first-result times: in a process (cold and warm lexicon cache) and ``mirmine run`` (warm)."""
    snippet = [sys.executable, "-c", _FIRST_DOC, str(one_doc)]
    cold_s, cold_out = _timed_process(snippet, {**env, "MIRMINE_CACHE": str(cold_cache)}, 600)
    warm_s, warm_out = _timed_process(snippet, env, 600)
    out = tmp / "first-document-run"
    cli_s, _ = _timed_process([sys.executable, "-m", "pipeline", "run", str(one_doc), "--out", str(out), "-q", "--workers", "1"], env, 600)
    shutil.rmtree(out, ignore_errors=True)
    cold, warm = json.loads(cold_out.splitlines()[-1]), json.loads(warm_out.splitlines()[-1])
    return {
        "cli_run_warm_s": cli_s,
        "in_process_warm_s": warm_s,
        "in_process_cold_s": cold_s,
        "warm": {**warm, "interpreter_s": max(0.0, warm_s - warm["in_process_s"])},
        "cold": {**cold, "interpreter_s": max(0.0, cold_s - cold["in_process_s"])},
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
) -> dict[str, Any]:
    """Every measurement as one dict (what ``--json`` prints); ``format_report`` makes the tables.

    ``docs``: how many documents (default ``DEFAULT_DOCS`` generated, or every record of ``corpus``; more than the
    corpus holds cycles it). ``json`` is accepted for symmetry with the command line and changes nothing here.
    """
    del json  # the caller decides how to print
    load_before = _load_average()
    if passes < 1:
        raise BenchError(f"passes must be at least 1, not {passes}")
    if docs is not None and docs < 1:
        raise BenchError(f"docs must be at least 1, not {docs}")
    workers = workers or os.cpu_count() or 1
    progress = on_progress or (lambda message: None)
    records, described = corpus_records(Path(corpus) if corpus else None, docs, seed)
    with tempfile.TemporaryDirectory(prefix="mirmine-bench-") as tmp_name:
        tmp = Path(tmp_name)
        docs_file = tmp / "docs.jsonl"
        write_records(docs_file, records)
        one_doc = tmp / "one.jsonl"
        one_doc.write_text(docs_file.open(encoding="utf-8").readline(), encoding="utf-8")
        cache = tmp / "cache"
        env = {**os.environ, "MIRMINE_CACHE": str(cache), "PYTHONWARNINGS": "ignore"}
        # First: a cold start, which also fills the run's lexicon cache, so every build below loads it warm.
        progress("time to the first document")
        first = first_document_times(one_doc, env, cache, tmp)
        spec = {"docs_file": str(docs_file), "workers": workers, "tmp": str(tmp)}
        n_docs = described["docs"]
        pass_timeout = 600 + 0.5 * n_docs
        children: dict[str, _Child] = {}
        built: dict[str, dict[str, Any]] = {}
        results: dict[str, dict[str, Any]] = {}
        try:
            for name in PIPELINES:  # one at a time, so no build competes with another for the cores
                progress(f"build {name}")
                children[name] = _Child(name, spec, env, tmp)
                built[name] = children[name].reply(900)
            replies: dict[str, list[dict[str, Any]]] = {name: [] for name in PIPELINES}
            for number in range(passes):
                for name, child in children.items():
                    progress(f"pass {number + 1}/{passes}: {name}")
                    replies[name].append(child.ask("pass", pass_timeout))
            for name, child in children.items():
                ended = child.ask("quit", 120)
                results[name] = _pipeline_result(name, built[name], replies[name], ended, workers)
        finally:
            for child in children.values():
                child.close()
        scaled = _scale_runs(env, tmp, seed, progress) if scale else None
        profiled = _one_shot("profile", {"docs_file": str(docs_file)}, env, tmp, pass_timeout * 3) if profile else None
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
        "passes": passes,
        "workers": workers,
        "pipelines": results,
        "ratios": _ratios(results),
        "ratios_first_pass": _ratios(results, "docs_per_s_first_pass"),
        "first_document": first,
        "scale": scaled,
        "profile": profiled,
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


def _scale_runs(env: dict[str, str], tmp: Path, seed: int, progress: Callable[[str], None]) -> dict[str, Any]:
    from benchmarks.corpus import write_jsonl

    # Written first, so the measuring process holds neither the generator's lexicons nor the documents (each smaller
    # run reads a prefix of the file: the same documents the generator streams).
    progress(f"scale: writing {max(SCALE_SIZES):,} generated documents")
    docs_file = write_jsonl(tmp / "scale.jsonl", max(SCALE_SIZES), seed)
    runs = {}
    for n in SCALE_SIZES:
        progress(f"scale: {n:,} generated documents")
        runs[str(n)] = _one_shot("scale", {"n": n, "docs_file": str(docs_file)}, env, tmp, 900 + 0.05 * n)
    small, large = (runs[str(n)]["docs_per_s"] for n in SCALE_SIZES)
    return {"runs": runs, "ratio": large / small, "sizes": list(SCALE_SIZES)}


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
        "load_average_1min": _load_average(),
    }  # fmt: skip


def _load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


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


# --- report -----------------------------------------------------------------------------------------------


def _load_text(load: dict[str, float | None]) -> str:
    return " -> ".join("-" if value is None else f"{value:.2f}" for value in (load["start"], load["end"]))


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def format_report(result: dict[str, Any]) -> str:
    """The measurements as readable tables."""
    env, corpus = result["environment"], result["corpus"]
    source = corpus["source"] + (f", seed {corpus['seed']}" if "seed" in corpus else "")
    cycled = f", cycled from {corpus['records']:,} records" if corpus.get("cycled") else ""
    lines = [
        f"mirmine benchmark: {corpus['docs']:,} documents ({source}{cycled}); {corpus['words']:,} words"
        f" ({corpus['words_per_doc']:.0f} per document), {corpus['chars']:,} characters; mirmine finds"
        f" {corpus['mirmine_mentions_per_doc']:.1f} mentions and {corpus['mirmine_relations_per_doc']:.2f} relations per document",
        f"python {env['python']}, spaCy {env['spacy']}, scispaCy {env['scispacy']}, mirmine {env['mirmine']};"
        f" {env['cpu_count']} CPUs ({env['cpu'] or 'unknown'}), load average {_load_text(env['load_average_1min'])};"
        f" {result['passes']} interleaved passes, {result['workers']} workers",
        "",
    ]
    rows = []
    for name, row in result["pipelines"].items():
        memory = _mb(row["peak_rss_mb"])
        if row.get("worker_peak_rss_mb") is not None:
            memory += f" (workers {_mb(row['worker_peak_rss_mb'])}"
            memory += f", PSS {_mb(row['worker_pss_mb'])})" if row.get("worker_pss_mb") is not None else ")"
        rows.append([
            row["label"], round(row["build_s"], 2), round(row["docs_per_s"]), round(row["docs_per_s_first_pass"]),
            round(row["words_per_s"]), round(row["cores_used"], 2), memory,
        ])  # fmt: skip
    headers = ("pipeline", "build s", "docs/s best", "docs/s 1st pass", "words/s best", "cores used", "peak RSS MB")
    lines.append(_table(headers, rows))
    ratios, first_ratios = result["ratios"], result["ratios_first_pass"]
    lines += [
        "",
        f"ratios of best docs/s: c/b {ratios['c/b']:.2f}   c/a {ratios['c/a']:.3f}   d/c {ratios['d/c']:.2f}   (e/c {ratios['e/c']:.2f})",
        f"ratios of 1st passes:  c/b {first_ratios['c/b']:.2f}   c/a {first_ratios['c/a']:.3f}"
        f"   d/c {first_ratios['d/c']:.2f}   (e/c {first_ratios['e/c']:.2f})",
        "(d) is extraction only and keeps its workers from pass to pass, as (c) keeps its pipeline; (e) is `mirmine run`:",
        "reading, extraction and writing, with fresh workers every pass whose caches start cold: compare e/c on 1st passes.",
        "",
    ]
    first = result["first_document"]
    warm, cold = first["warm"], first["cold"]
    lines += [
        "time to the first document (fresh process, from launch):",
        f"  mirmine run ONE.jsonl --workers 1 (warm lexicon cache), to exit: {first['cli_run_warm_s']:.2f} s",
        f"  in a process, warm cache: {first['in_process_warm_s']:.2f} s = interpreter start and exit {warm['interpreter_s']:.2f}"
        f" + import {warm['import_s']:.2f} + build_pipeline {warm['build_s']:.2f} + first extract {warm['first_extract_s']:.3f}",
        f"  in a process, cold cache: {first['in_process_cold_s']:.2f} s = interpreter start and exit {cold['interpreter_s']:.2f}"
        f" + import {cold['import_s']:.2f} + build_pipeline {cold['build_s']:.2f} + first extract {cold['first_extract_s']:.3f}",
    ]
    if result["scale"]:
        scale = result["scale"]
        lines += ["", "scale: (c) over generated documents read lazily from a file, a fresh process each (time inside process_chunk() only)"]
        lines.append(_table(
            ("documents", "docs/s", "words/s", "docs/s first tenth", "docs/s last tenth", "peak RSS MB", "strings", "load"),
            ([f"{run['docs']:,}", round(run["docs_per_s"]), round(run["words_per_s"]), round(run["docs_per_s_by_tenth"][0]),
              round(run["docs_per_s_by_tenth"][-1]), round(run["peak_rss_mb"]), run["strings"],
              _load_text(run["load_average_1min"]) if "load_average_1min" in run else "-"] for run in scale["runs"].values()),
        ))  # fmt: skip
        lines.append(f"docs/s at {scale['sizes'][1]:,} / docs/s at {scale['sizes'][0]:,}: {scale['ratio']:.3f}")
    if result["profile"]:
        lines += ["", *_profile_lines(result["profile"])]
    lines += ["", "targets:"]
    for target in result["targets"]:
        measured = "-" if target["measured"] is None else f"{target['measured']:,.3g}"
        verdict = {True: "met", False: "NOT met", None: "not measured"}[target["met"]]
        lines.append(f"  {verdict:<12} {target['target']}: {measured} (limit {target['limit']:g})")
    lines += [f"note: {note}" for note in result["notes"]]
    return "\n".join(lines)


def _profile_lines(profile: dict[str, Any]) -> list[str]:
    lines = [
        f"profile of (c), one warm pass over {profile['docs']:,} documents under cProfile"
        f" ({profile['wall_s_under_profiler']:.2f} s wall; extract() cumulative {profile['extract_cumulative_s']:.2f} s):",
        _table(
            ("stage", "cumulative s", "share"),
            ([stage["stage"], round(stage["cumulative_s"], 3), f"{(stage['share'] or 0):.0%}"] for stage in profile["stages"]),
        ),
        "",
        _table(
            ("function (by own time)", "calls", "tottime s", "cumtime s"),
            (
                [row["function"][-90:], row["calls"], round(row["tottime_s"], 3), round(row["cumtime_s"], 3)]
                for row in profile["top_tottime"]
            ),
        ),
    ]  # fmt: skip
    return lines


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=None, help=f"documents (default {DEFAULT_DOCS} generated, or the whole --corpus)")
    parser.add_argument("--corpus", type=Path, default=None, help="JSON Lines with title and abstract (or text) per line")
    parser.add_argument("--workers", type=int, default=None, help="workers of (d) and (e); default one per CPU")
    parser.add_argument("--passes", type=int, default=3, help="interleaved passes; the table shows the best")
    parser.add_argument("--scale", action="store_true", help="also (c) at 10,000 and 100,000 generated documents (slow)")
    parser.add_argument("--profile", action="store_true", help="also one pass of (c) under cProfile")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    progress = (lambda message: print(f"... {message}", file=sys.stderr, flush=True)) if sys.stderr.isatty() else None
    try:
        result = run_bench(args.docs, args.corpus, args.workers, args.passes, scale=args.scale, profile=args.profile, on_progress=progress)
    except BenchError as err:
        sys.exit(f"Error: {err}")
    print(json.dumps(result, indent=2) if args.json else format_report(result))


if __name__ == "__main__":
    main()
