"""The measuring processes of ``matchers``: one build (and its matching) per fresh interpreter, started with
``python -c`` importing ``pipeline.benchmarks.matchers_tasks`` in the system's temporary folder, so neither the
caller's folder nor what ran before colours its time and memory. Each task loads the rules of the folder its spec
names (``load_ruleset(spec["rules"])``)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .lexicons import lexicon_entries, phrase_terms
from .measure import best_of, timed_build

if TYPE_CHECKING:
    from spacy.language import Language

    from pipeline.ruleset import RuleSet

FINDER_PIPE = {"gene": "mirmine_genes", "drug": "mirmine_drugs", "cell_line": "mirmine_cell_lines"}
SPANS_KEY = "bench"
_CHILD_SNIPPET = "import sys; from pipeline.benchmarks.matchers_tasks import child_main; child_main(sys.argv[1])"


def rules_of(spec: dict[str, Any]) -> RuleSet:
    """The rules of the folder the spec names (default: the packaged rules)."""
    from pipeline.ruleset import load_ruleset

    return load_ruleset(spec.get("rules"))


def blank_nlp() -> Language:
    """``spacy.blank("en")`` with the project tokenizer, nothing else (the patterns need only tokens)."""
    import spacy

    from pipeline.preprocess import build_tokenizer

    nlp = spacy.blank("en")
    nlp.tokenizer = build_tokenizer(nlp)
    return nlp


def read_texts(path: str) -> list[str]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _task_phrase_matcher(spec: dict[str, Any]) -> dict[str, Any]:
    from spacy.matcher import PhraseMatcher

    nlp = blank_nlp()
    terms = phrase_terms(lexicon_entries(spec["lexicon"], rules_of(spec), spec["max_terms"]))
    batch = spec.get("batch") or max(1, sum(len(texts) for texts in terms.values()))

    def build() -> PhraseMatcher:
        matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for label, texts in terms.items():
            for offset in range(0, len(texts), batch):
                matcher.add(label, list(nlp.tokenizer.pipe(texts[offset : offset + batch])))
        return matcher

    build_row, matcher = timed_build(build)
    build_row["terms"] = sum(len(texts) for texts in terms.values())
    if spec.get("build_only"):
        return {"build": build_row}
    texts = read_texts(spec["docs_file"])
    tokenize_s, docs = best_of(spec["passes"], lambda: list(nlp.tokenizer.pipe(texts)))
    match_s, matches = best_of(spec["passes"], lambda: [matcher(doc) for doc in docs])
    spans = sorted(
        {(i, doc[start:end].start_char, doc[start:end].end_char) for i, (doc, found) in enumerate(zip(docs, matches))
         for _, start, end in found}
    )  # fmt: skip
    return {"build": build_row, "tokenize_s": tokenize_s, "match_s": match_s, "spans": spans}


def _task_span_ruler(spec: dict[str, Any]) -> dict[str, Any]:
    nlp = blank_nlp()
    terms = phrase_terms(lexicon_entries(spec["lexicon"], rules_of(spec), spec["max_terms"]))
    patterns = [{"label": label, "pattern": text} for label, texts in terms.items() for text in texts]

    def build() -> Any:
        ruler = nlp.add_pipe("span_ruler", config={"phrase_matcher_attr": "LOWER", "spans_key": SPANS_KEY})
        ruler.add_patterns(patterns)
        return ruler

    build_row, ruler = timed_build(build)
    texts = read_texts(spec["docs_file"])
    tokenized = list(nlp.tokenizer.pipe(texts))
    match_s, docs = best_of(spec["passes"], lambda: [ruler(doc) for doc in tokenized])
    spans = sorted({(i, span.start_char, span.end_char) for i, doc in enumerate(docs) for span in doc.spans[SPANS_KEY]})
    build_row["terms"] = len(patterns)
    return {"build": build_row, "match_s": match_s, "spans": spans}


def _task_walk(spec: dict[str, Any]) -> dict[str, Any]:
    from pipeline.normalize import Lexicon, key_text

    entries = lexicon_entries(spec["lexicon"], rules_of(spec), spec["max_terms"])
    build_row, lexicon = timed_build(lambda: Lexicon(entries))
    texts = read_texts(spec["docs_file"])
    key_s, keyed = best_of(spec["passes"], lambda: [key_text(text) for text in texts])
    find_s, found = best_of(spec["passes"], lambda: [lexicon.find(text_key) for text_key in keyed])
    spans = sorted({(i, match.start, match.end) for i, matches in enumerate(found) for match in matches})
    build_row.update(terms=len({entry.term for entry in entries}), entries=len(entries), keys=lexicon.n_keys)
    return {"build": build_row, "key_s": key_s, "find_s": find_s, "spans": spans}


def _task_cached_load(spec: dict[str, Any]) -> dict[str, Any]:
    from pipeline.mentions import LEXICON_FILES
    from pipeline.normalize import load_lexicon_files

    rules = rules_of(spec)
    row, lexicons = timed_build(lambda: [load_lexicon_files(LEXICON_FILES[name], rules) for name in spec["lexicons"]])
    row.update(keys=sum(lexicon.n_keys for lexicon in lexicons), entries=sum(len(lexicon.entries) for lexicon in lexicons))
    return {"build": row}


def _task_nlp_start(spec: dict[str, Any]) -> dict[str, Any]:
    import pipeline.mentions  # noqa: F401  registers the finder factories
    from pipeline.preprocess import build_nlp

    rules = rules_of(spec)
    row, nlp = timed_build(lambda: build_nlp(rules, extra_pipes=tuple(spec["pipes"])))
    row["pipes"] = list(nlp.pipe_names)
    return {"build": row}


def _task_finder(spec: dict[str, Any]) -> dict[str, Any]:
    """The finder's kept mentions (after its case, stop-list, context and definition decisions), and its time."""
    from pipeline.mentions import SPANS_KEY as SHOWN_KEY  # importing pipeline.mentions registers the finder factories
    from pipeline.mentions import SpanWriter
    from pipeline.preprocess import build_nlp

    pipe = FINDER_PIPE[spec["lexicon"]]
    nlp = build_nlp(rules_of(spec), extra_pipes=(pipe,))
    texts = read_texts(spec["docs_file"])
    docs = list(nlp.pipe(texts, disable=[pipe]))
    finder = nlp.get_pipe(pipe)
    # One pass: the finder caches the doc's key in the doc and appends to its hits, so a second pass is not the same work.
    start = time.perf_counter()
    docs = [finder(doc) for doc in docs]
    finder_s = time.perf_counter() - start
    show = SpanWriter()  # the hits as token-aligned spans, as `mirmine_spans` shows them
    docs = [show(doc) for doc in docs]
    spans = sorted(
        {(i, span.start_char, span.end_char) for i, doc in enumerate(docs) for span in doc.spans.get(SHOWN_KEY, [])
         if not span.id_.endswith(".abbreviation")}
    )  # fmt: skip
    return {"build": {}, "finder_s": finder_s, "spans": spans}


_TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "phrase_matcher": _task_phrase_matcher,
    "span_ruler": _task_span_ruler,
    "walk": _task_walk,
    "cached_load": _task_cached_load,
    "nlp_start": _task_nlp_start,
    "finder": _task_finder,
}


def child_main(spec_json: str) -> None:
    """Entry point of a measuring process: run one task, write its result as one JSON line on stdout."""
    spec = json.loads(spec_json)
    print(json.dumps(_TASKS[spec["task"]](spec)))


def run_child(spec: dict[str, Any], env: dict[str, str], timeout: float) -> dict[str, Any]:
    """Run one task in a fresh interpreter; ``process_s`` is its wall time including start-up and imports."""
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD_SNIPPET, json.dumps(spec)],
            cwd=tempfile.gettempdir(), env=env, capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"build": {"error": f"gave up after {timeout:.0f} s; cap the lexicon with --max-terms"}}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"build": {"error": f"exit {done.returncode}: {last}"}}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["build"]["process_s"] = time.perf_counter() - start
    return result


