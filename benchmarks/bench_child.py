"""Inside a measuring process of ``bench``: the entry points the parent starts with ``python -c`` (``bench_launch``).

``child_main`` builds one pipeline (a runner of ``bench_runners``) and answers ``pass`` and ``quit`` on stdin, or
makes one measurement of its own (``scale``, ``profile``); ``first_document_main`` times a fresh process to its
first extraction. Every one of them uses the rules folder the parent names. Module-level imports are the standard
library and this package's light modules only, so the time of ``import pipeline.extract`` is measured as such.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

from .bench_runners import RUNNERS, read_documents, rules_of
from .measure import cpu_seconds, load_average, peak_rss_mb, quiet_warnings


def child_main(spec_json: str) -> None:
    """A measuring process: build one pipeline, then answer ``pass`` and ``quit`` on stdin with one JSON line each."""
    spec = json.loads(spec_json)
    channel = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # whatever a library prints goes to stderr; stdout carries only the replies
    quiet_warnings()
    if spec["name"] in ("scale", "profile"):
        reply = scale_run(spec) if spec["name"] == "scale" else profile_run(spec)
        channel.write(json.dumps(reply) + "\n")
        return
    documents = read_documents(spec["docs_file"])
    started = time.perf_counter()
    runner = RUNNERS[spec["name"]](spec, documents)
    build_s = time.perf_counter() - started
    channel.write(json.dumps({
        "build_s": build_s, "docs": len(runner.texts), "words": sum(len(text.split()) for text in runner.texts),
        "chars": sum(len(text) for text in runner.texts),
    }) + "\n")  # fmt: skip
    for line in sys.stdin:
        if line.strip() == "pass":
            cpu, start = cpu_seconds(), time.perf_counter()
            counts = runner.run_pass()
            seconds = time.perf_counter() - start
            own, children = (after - before for after, before in zip(cpu_seconds(), cpu))
            children += counts.pop("worker_cpu_s", 0.0)
            channel.write(json.dumps({"seconds": seconds, "cpu_s": own, "children_cpu_s": children, "counts": counts}) + "\n")
        elif line.strip() == "quit":
            finished = runner.finish()  # first: it reaps the workers that RUSAGE_CHILDREN reports on
            children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            channel.write(json.dumps({"peak_rss_mb": peak_rss_mb(), "children_peak_rss_mb": children or None, **finished}) + "\n")
            return


def first_document_main(t0: float, path: str, rules_folder: str) -> None:
    """A fresh process: import, build the extractor, extract the first document of ``path``; times on stdout."""
    quiet_warnings()
    from pipeline.extract import Extractor
    from pipeline.ruleset import load_ruleset

    imported = time.perf_counter()
    extractor = Extractor(load_ruleset(rules_folder))
    built = time.perf_counter()
    from pipeline.ingest import read_jsonl

    document = next(iter(read_jsonl(path)))
    extraction = extractor(document)
    done = time.perf_counter()
    print(json.dumps({
        "import_s": imported - t0, "build_s": built - imported, "first_extract_s": done - built, "in_process_s": done - t0,
        "mentions": len(extraction.mentions),
    }))  # fmt: skip


def scale_run(spec: dict[str, Any]) -> dict[str, Any]:
    """(c) over the first ``n`` documents of a generated JSON Lines file, read lazily; only time inside ``process_chunk()`` counts."""
    from itertools import islice

    from pipeline.engine import CHUNK_DOCS, REFRESH_DOCS, extractor_for, process_chunk
    from pipeline.ingest import read_jsonl

    rules = rules_of(spec)
    extractor_for(rules, None)
    n, window = spec["n"], max(CHUNK_DOCS, spec["n"] // 10 // CHUNK_DOCS * CHUNK_DOCS)
    extract_s = window_s = 0.0
    windows = []
    words = done = 0
    load_start, cpu_start = load_average(), cpu_seconds()[0]
    started = time.perf_counter()
    documents = islice(read_jsonl(spec["docs_file"]), n)
    # The engine's own path: chunks through process_chunk, which rebuilds the pipeline every REFRESH_DOCS documents.
    while chunk := list(islice(documents, CHUNK_DOCS)):
        words += sum(len(document.text.split()) for document in chunk)
        start = time.perf_counter()
        process_chunk(chunk, rules)
        took = time.perf_counter() - start
        extract_s += took
        window_s += took
        done += len(chunk)
        if done % window == 0:
            windows.append(window / window_s)
            window_s = 0.0
    nlp = extractor_for(rules, None).nlp
    return {
        "docs": n, "words": words, "extract_s": extract_s, "wall_s": time.perf_counter() - started,
        "docs_per_s": n / extract_s, "words_per_s": words / extract_s, "docs_per_s_by_tenth": windows,
        "peak_rss_mb": peak_rss_mb(), "strings": len(nlp.vocab.strings), "lexemes": len(nlp.vocab),
        "pipeline_rebuilt_every": REFRESH_DOCS,
        "cores_used": (cpu_seconds()[0] - cpu_start) / (time.perf_counter() - started),
        "load_average_1min": {"start": load_start, "end": load_average()},
    }  # fmt: skip


def profile_run(spec: dict[str, Any]) -> dict[str, Any]:
    """One warm pass of (c) under cProfile: the slowest functions, and the cumulative time of each stage."""
    import cProfile
    import pstats

    from pipeline.extract import Extractor

    extractor = Extractor(rules_of(spec))
    documents = read_documents(spec["docs_file"])
    for document in documents:  # warm: the tokenizer cache and lazily built rules, as in the best pass
        extractor(document)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for document in documents:
        extractor(document)
    profiler.disable()
    wall = time.perf_counter() - start
    table = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    stages = _profile_stages(extractor, table)
    extract_total = _cumulative(table, Extractor.__call__) or sum(row[2] for row in table.values())
    rows = sorted(table.items(), key=lambda item: item[1][2], reverse=True)[: spec.get("top", 30)]
    return {
        "docs": len(documents), "wall_s_under_profiler": wall, "extract_cumulative_s": extract_total,
        "stages": [{"stage": name, "cumulative_s": s, "share": s / extract_total if extract_total else None} for name, s in stages],
        "top_tottime": [
            {"function": _where(key), "calls": row[1], "tottime_s": row[2], "cumtime_s": row[3]} for key, row in rows
        ],
    }  # fmt: skip


def _profile_stages(extractor: Any, table: dict) -> list[tuple[str, float]]:
    """Cumulative seconds of each stage of ``extract``: the tokenizer, each component class, mentions, relations."""
    from pipeline.mentions import mentions_from_doc
    from pipeline.relations import relations_from_sentences, table_relations

    nlp = extractor.nlp
    stages = [("tokenizer (nlp.make_doc)", _cumulative(table, type(nlp).make_doc))]
    # cProfile keys time by function, so components of one class (the three lexicon finders) share one row.
    by_class: dict[type, list[str]] = {}
    for name, component in nlp.pipeline:
        by_class.setdefault(type(component), []).append(name)
    for component_class, names in by_class.items():
        stages.append((f"{' + '.join(names)} ({component_class.__name__})", _cumulative(table, component_class.__call__)))
    stages += [
        ("mentions_from_doc", _cumulative(table, mentions_from_doc)),
        ("relations_from_sentences", _cumulative(table, relations_from_sentences)),
        ("table_relations", _cumulative(table, table_relations)),
    ]
    return stages


def _cumulative(table: dict, function: Any) -> float:
    code = getattr(function, "__code__", None)
    if code is None:
        return 0.0
    key = (code.co_filename, code.co_firstlineno, code.co_name)
    return table[key][3] if key in table else 0.0


def _where(key: tuple[str, int, str]) -> str:
    """``file:line(name)`` of a profiled function, its path from site-packages or from the folder of ``pipeline``."""
    import pipeline

    filename, line, name = key
    for marker in ("site-packages/", str(Path(pipeline.__file__).resolve().parent.parent) + "/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
    return f"{filename}:{line}({name})" if line else name
