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

Example: .venv/bin/python -m benchmarks.matchers --docs 200 --json
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from spacy.language import Language

    from pipeline.normalize import Entry

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "bench" / "mirna_abstracts.jsonl"
DEFAULT_LEXICONS = ("gene", "drug")
WARM_LEXICONS = ("gene", "drug", "cell_line")
FINDER_PIPE = {"gene": "mirmine_genes", "drug": "mirmine_drugs", "cell_line": "mirmine_cell_lines"}
FINDER_PIPES = ("mirmine_mirna", *FINDER_PIPE.values())
SYNTHETIC_DOCS = 500
N_EXAMPLES = 20
SPANS_KEY = "bench"
# Pattern docs handed to PhraseMatcher.add at a time: holding all 100,000 Docs at once costs ~0.5 GB and time.
PATTERN_BATCH = 1000
_CHILD_SNIPPET = "import sys; from benchmarks.matchers import child_main; child_main(sys.argv[1])"
_T = TypeVar("_T")


# --- measuring --------------------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports ``ru_maxrss`` in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Resident set size of this process now, in MB; the peak where ``/proc`` is missing (not Linux)."""
    try:
        resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return peak_rss_mb()
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def best_of(passes: int, run: Callable[[], _T]) -> tuple[float, _T]:
    """The shortest time of ``passes`` calls of ``run`` and the result of the last one."""
    best = float("inf")
    for _ in range(passes):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def timed_build(build: Callable[[], _T]) -> tuple[dict[str, float], _T]:
    """Time one build; ``rss_delta_mb`` is the RSS it leaves behind (peak growth misses a build that stays below
    an earlier peak, such as the one of reading the rows), ``peak_rss_mb`` the process's peak so far."""
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    built = build()
    seconds = time.perf_counter() - start
    gc.collect()
    return {"build_s": seconds, "rss_delta_mb": rss_mb() - before, "peak_rss_mb": peak_rss_mb()}, built


# --- documents and lexicons -------------------------------------------------------------------------------


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


def lexicon_entries(lexicon: str, max_terms: int | None = None) -> list[Entry]:
    """The rows of one finder's lexicon files; a seeded sample of ``max_terms`` of them when capped."""
    from pipeline.mentions import LEXICON_FILES
    from pipeline.normalize import read_lexicon

    entries = [entry for name, type_ in LEXICON_FILES[lexicon] for entry in read_lexicon(name, type_)]
    if max_terms is not None and len(entries) > max_terms:
        keep = sorted(random.Random(0).sample(range(len(entries)), max_terms))
        entries = [entries[index] for index in keep]
    return entries


def phrase_terms(entries: Iterable[Entry]) -> dict[str, list[str]]:
    """Distinct terms per mention type: one phrase pattern each, labelled with the type."""
    by_type: dict[str, dict[str, None]] = {}
    for entry in entries:
        by_type.setdefault(entry.type, {})[entry.term] = None
    return {type_: list(terms) for type_, terms in by_type.items()}


def blank_nlp() -> Language:
    """``spacy.blank("en")`` with the project tokenizer, nothing else (the patterns need only tokens)."""
    import spacy

    from pipeline.preprocess import build_tokenizer

    nlp = spacy.blank("en")
    nlp.tokenizer = build_tokenizer(nlp)
    return nlp


def read_texts(path: str) -> list[str]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


# --- child processes: one build each ----------------------------------------------------------------------


def _task_phrase_matcher(spec: dict[str, Any]) -> dict[str, Any]:
    from spacy.matcher import PhraseMatcher

    nlp = blank_nlp()
    terms = phrase_terms(lexicon_entries(spec["lexicon"], spec["max_terms"]))
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
    terms = phrase_terms(lexicon_entries(spec["lexicon"], spec["max_terms"]))
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

    entries = lexicon_entries(spec["lexicon"], spec["max_terms"])
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

    row, lexicons = timed_build(lambda: [load_lexicon_files(LEXICON_FILES[name]) for name in spec["lexicons"]])
    row.update(keys=sum(lexicon.n_keys for lexicon in lexicons), entries=sum(len(lexicon.entries) for lexicon in lexicons))
    return {"build": row}


def _task_nlp_start(spec: dict[str, Any]) -> dict[str, Any]:
    import pipeline.mentions  # noqa: F401  registers the finder factories
    from pipeline.preprocess import build_nlp

    row, nlp = timed_build(lambda: build_nlp(extra_pipes=tuple(spec["pipes"])))
    row["pipes"] = list(nlp.pipe_names)
    return {"build": row}


def _task_finder(spec: dict[str, Any]) -> dict[str, Any]:
    """The finder's kept mentions (after its case, stop-list, context and definition decisions), and its time."""
    import pipeline.mentions  # noqa: F401  registers the finder factories
    from pipeline.preprocess import build_nlp

    pipe = FINDER_PIPE[spec["lexicon"]]
    nlp = build_nlp(extra_pipes=(pipe,))
    texts = read_texts(spec["docs_file"])
    docs = list(nlp.pipe(texts, disable=[pipe]))
    finder = nlp.get_pipe(pipe)
    # One pass: the finder caches the doc's key in the doc and appends to its hits, so a second pass is not the same work.
    start = time.perf_counter()
    docs = [finder(doc) for doc in docs]
    finder_s = time.perf_counter() - start
    show = pipeline.mentions.SpanWriter()  # the hits as token-aligned spans, as `mirmine_spans` shows them
    docs = [show(doc) for doc in docs]
    spans = sorted(
        {(i, span.start_char, span.end_char) for i, doc in enumerate(docs) for span in doc.spans.get(pipeline.mentions.SPANS_KEY, [])
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
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"build": {"error": f"gave up after {timeout:.0f} s; cap the lexicon with --max-terms"}}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"build": {"error": f"exit {done.returncode}: {last}"}}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["build"]["process_s"] = time.perf_counter() - start
    return result


# --- agreement --------------------------------------------------------------------------------------------

Span = tuple[int, int, int]
Form = tuple[str, str]  # (reason, lower-cased written form)

OVERLAP = "overlaps a span of the other (boundaries differ)"
_GREEK_NAMES = ("alpha", "beta", "gamma", "delta", "epsilon", "kappa", "lambda", "sigma", "theta", "zeta", "omega")


def _has_greek(written: str) -> bool:
    lower = written.lower()
    return any("\u0370" <= char <= "\u03ff" or char == "\u00b5" for char in written) or any(name in lower for name in _GREEK_NAMES)


def _inside_word(text: str, start: int, end: int) -> bool:
    """Whether the span cuts a run of letters and digits (`can|not`, `miR-21|in`)."""
    return (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum())


def _covered(texts: Sequence[str], spans: Iterable[Span]) -> list[bytearray]:
    """Per doc, 1 at every character some span covers."""
    marks = [bytearray(len(text)) for text in texts]
    for doc, start, end in spans:
        marks[doc][start:end] = b"\x01" * (end - start)
    return marks


def _walk_only_reason(text: str, start: int, end: int, terms_lower: set[str]) -> str:
    written = text[start:end]
    lower = written.lower()
    if lower in terms_lower:
        return "a term as written, inside a longer token (`Follow-Up`, `(5-FU)-chemo`)"
    if _has_greek(written):
        return "Greek letter written another way (`IFN-gamma` for `IFN-γ`)"
    if lower.endswith("s") and lower[:-1] in terms_lower:
        return "plural of a multi-word name"
    return "hyphen / space / punctuation variant (`Notch-1`, `SN38`)"


def _phrase_matcher_only_reason(text: str, start: int, end: int, term_key_set: set[str]) -> str:
    from pipeline.normalize import key_text

    if _inside_word(text, start, end):
        return "part of a word the tokenizer split (`can|not`)"
    if key_text(text[start:end]).key in term_key_set:
        return "glued to its neighbour in the text's key (`Pdcd4-3'-UTR` -> pdcd43)"
    return "the term's key differs from the written form's key"


class FormTally:
    """Occurrences of (reason, written form) pairs, with the first place each was seen."""

    def __init__(self) -> None:
        self.forms: Counter[Form] = Counter()
        self.first: dict[Form, Span] = {}

    def add(self, reason: str, texts: Sequence[str], doc: int, start: int, end: int) -> None:
        form = (reason, texts[doc][start:end].lower())
        self.forms[form] += 1
        self.first.setdefault(form, (doc, start, end))

    def summary(self, texts: Sequence[str], prefix: str) -> dict[str, Any]:
        reasons: Counter[str] = Counter()
        for (reason, _), count in self.forms.items():
            reasons[reason] += count
        return {
            prefix: sum(self.forms.values()),
            f"{prefix}_distinct_forms": len(self.forms),
            f"{prefix}_by_reason": dict(reasons.most_common()),
            f"{prefix}_examples": self.examples(texts),
        }

    def examples(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """Up to N_EXAMPLES distinct forms, most frequent first, taken in turn from each reason so every reason shows."""
        by_reason: dict[str, list[Form]] = {}
        for form, _ in self.forms.most_common():
            by_reason.setdefault(form[0], []).append(form)
        queues = sorted(by_reason.values(), key=lambda queue: -sum(self.forms[form] for form in queue))
        picked: list[Form] = []
        while len(picked) < N_EXAMPLES and any(queues):
            for queue in queues:
                if queue and len(picked) < N_EXAMPLES:
                    picked.append(queue.pop(0))
        return [self._example(texts, form) for form in picked]

    def _example(self, texts: Sequence[str], form: Form) -> dict[str, Any]:
        doc, start, end = self.first[form]
        text = texts[doc]
        context = f"{text[max(0, start - 30) : start]}[{text[start:end]}]{text[end : end + 30]}".replace("\n", " ")
        return {
            "text": text[start:end], "count": self.forms[form], "reason": form[0],
            "doc": doc, "start": start, "end": end, "context": context,
        }  # fmt: skip


def compare_spans(
    texts: Sequence[str], pm_spans: Iterable[Sequence[int]], ac_spans: Iterable[Sequence[int]], entries: Sequence[Entry]
) -> dict[str, Any]:
    """Counts of spans found by each matcher and by both, and the most frequent forms found by only one."""
    from pipeline.normalize import term_keys

    pm, ac = {tuple(span) for span in pm_spans}, {tuple(span) for span in ac_spans}
    pm_marks, ac_marks = _covered(texts, pm), _covered(texts, ac)
    terms_lower = {entry.term.lower() for entry in entries}
    term_key_set = {key for term in {entry.term for entry in entries} for key in term_keys(term)}
    result: dict[str, Any] = {"phrase_matcher_spans": len(pm), "walk_spans": len(ac), "both": len(pm & ac)}

    walk_only = FormTally()
    for doc, start, end in sorted(ac - pm):
        overlaps = any(pm_marks[doc][start:end])
        reason = OVERLAP if overlaps else _walk_only_reason(texts[doc], start, end, terms_lower)
        walk_only.add(reason, texts, doc, start, end)
    result.update(walk_only.summary(texts, "walk_only"))

    phrase_matcher_only = FormTally()
    for doc, start, end in sorted(pm - ac):
        overlaps = any(ac_marks[doc][start:end])
        reason = OVERLAP if overlaps else _phrase_matcher_only_reason(texts[doc], start, end, term_key_set)
        phrase_matcher_only.add(reason, texts, doc, start, end)
    result.update(phrase_matcher_only.summary(texts, "phrase_matcher_only"))
    return result


def _inner_match(ac_by_doc: dict[int, list[tuple[int, int]]], doc: int, start: int, end: int) -> tuple[int, int]:
    """The longest raw walk span inside a kept mention (the finder widens its hits to whole tokens)."""
    inside = [(s, e) for s, e in ac_by_doc.get(doc, ()) if start <= s and e <= end]
    return max(inside, key=lambda span: span[1] - span[0], default=(start, end))


def compare_kept(
    texts: Sequence[str], kept_spans: Iterable[Sequence[int]], pm_spans: Iterable[Sequence[int]],
    ac_spans: Iterable[Sequence[int]], entries: Sequence[Entry],
) -> dict[str, Any]:  # fmt: skip
    """How many of the finder's kept mentions a PhraseMatcher(LOWER) span finds too: the same span, an overlapping
    one, or none. A missed mention is classified (and shown) by the raw walk match inside it: `BRAF` in the
    token `BRAF-mutated`."""
    pm = {tuple(span) for span in pm_spans}
    pm_marks = _covered(texts, pm)
    ac_by_doc: dict[int, list[tuple[int, int]]] = {}
    for doc, start, end in ac_spans:
        ac_by_doc.setdefault(doc, []).append((start, end))
    terms_lower = {entry.term.lower() for entry in entries}
    kept = sorted({tuple(span) for span in kept_spans})
    same = overlapping = 0
    missed = FormTally()
    for doc, start, end in kept:
        if (doc, start, end) in pm:
            same += 1
        elif any(pm_marks[doc][start:end]):
            overlapping += 1
        else:
            inner_start, inner_end = _inner_match(ac_by_doc, doc, start, end)
            missed.add(_walk_only_reason(texts[doc], inner_start, inner_end, terms_lower), texts, doc, inner_start, inner_end)
    return {"kept": len(kept), "same_span": same, "overlapping": overlapping, **missed.summary(texts, "missed")}


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


def load_documents(corpus: Path, limit: int | None, lexicons: Sequence[str], max_terms: int | None) -> tuple[list[str], bool]:
    """The benchmark documents, and whether they are synthetic (the corpus file is missing)."""
    if corpus.is_file():
        return read_corpus(corpus, limit), False
    terms = {name: [entry.term for entry in lexicon_entries(name, max_terms)] for name in lexicons}
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
        measured["agreement"] = _agreement(lexicon, read_texts(spec["docs_file"]), results, lexicon_entries(lexicon, args.max_terms))
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


def measure_starts(env: dict[str, str], args: argparse.Namespace) -> list[dict[str, Any]]:
    """Cold and warm ``load_lexicon_files`` per finder, all finders warm together, and a warm ``build_nlp``."""
    rows = []
    for name in WARM_LEXICONS:
        _progress(f"{name}: cold load")
        cold = run_child({"task": "cached_load", "lexicons": [name]}, env, args.timeout)["build"]
        rows.append({"what": f"load_lexicon_files {name}, cold (empty cache: read + build + write)", **cold})
    warm = [
        *((f"load_lexicon_files {name}, warm", {"task": "cached_load", "lexicons": [name]}) for name in WARM_LEXICONS),
        ("load_lexicon_files gene+drug+cell_line, warm", {"task": "cached_load", "lexicons": list(WARM_LEXICONS)}),
        ("build_nlp + all four finders, warm", {"task": "nlp_start", "pipes": list(FINDER_PIPES)}),
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
    lexicons = tuple(args.lexicons.split(","))
    texts, synthetic = load_documents(args.corpus, args.docs, lexicons, args.max_terms)
    with tempfile.TemporaryDirectory(prefix="mirmine-bench-") as tmp:
        docs_file = Path(tmp) / "docs.json"
        docs_file.write_text(json.dumps(texts), encoding="utf-8")
        env = {**os.environ, "MIRMINE_CACHE": str(Path(tmp) / "cache"), "PYTHONWARNINGS": "ignore"}
        spec = {"docs_file": str(docs_file), "max_terms": args.max_terms, "passes": args.passes}
        per_lexicon = {lexicon: measure_lexicon(lexicon, spec, env, args) for lexicon in lexicons}
        # A cache of their own: the finder processes above wrote theirs, and the cold rows must start from none.
        starts = measure_starts({**env, "MIRMINE_CACHE": str(Path(tmp) / "cache-starts")}, args)
    build = [
        {"lexicon": lexicon, "matcher": _MATCHER_NAMES[task], **result["build"]}
        for lexicon, measured in per_lexicon.items()
        for task, result in measured["results"].items()
        if task in _MATCHER_NAMES
    ]
    return {
        "corpus": str(args.corpus),
        "synthetic": synthetic,
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


# --- report -----------------------------------------------------------------------------------------------


def _number(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Columns padded to their widest cell: the first left-aligned, the numbers right-aligned."""
    cells = [list(headers), *[[_number(value) for value in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(cell.ljust(width) if i == 0 else cell.rjust(width) for i, (cell, width) in enumerate(zip(row, widths)))
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _build_table(rows: list[dict[str, Any]]) -> str:
    return _table(
        ("lexicon: matcher", "terms", "keys", "build s", "RSS delta MB", "peak RSS MB", "process s", "error"),
        (
            [f"{row['lexicon']}: {row['matcher']}", row.get("terms"), row.get("keys"), row.get("build_s"),
             row.get("rss_delta_mb"), row.get("peak_rss_mb"), row.get("process_s"), row.get("error", "")]
            for row in rows
        ),
    )  # fmt: skip


def _starts_table(rows: list[dict[str, Any]]) -> str:
    return _table(
        ("what", "keys", "load s", "RSS delta MB", "peak RSS MB", "process s", "error"),
        (
            [row["what"], row.get("keys"), row.get("build_s"), row.get("rss_delta_mb"), row.get("peak_rss_mb"),
             row.get("process_s"), row.get("error", "")]
            for row in rows
        ),
    )  # fmt: skip


def _matching_table(rows: list[dict[str, Any]]) -> str:
    return _table(
        ("step", "seconds", "docs/s"),
        ([row["step"], row["seconds"], round(row["docs_per_s"]) if row["docs_per_s"] else None] for row in rows),
    )


def format_report(result: dict[str, Any]) -> str:
    """The measurements as readable tables."""
    versions = ", ".join(f"{name} {version}" for name, version in result["versions"].items())
    source = f"{result['corpus']}{' (synthetic)' if result['synthetic'] else ''}"
    parts = [
        f"mirmine matcher benchmark: {result['docs']} docs ({result['chars']:,} chars) from {source};"
        f" best of {result['passes']} passes; {versions}",
        "",
        "Build (fresh process per row)",
        _build_table(result["build"]),
        "",
        "Cached load and start-up (fresh process per run)",
        _starts_table(result["starts"]),
        "",
        f"Matching {result['docs']} docs",
        _matching_table(result["matching"]),
    ]
    for agreement in result["agreement"]:
        parts += ["", *_agreement_lines(agreement)]
    parts += ["", *(f"note: {note}" for note in result["notes"])]
    return "\n".join(parts)


def _agreement_lines(agreement: dict[str, Any]) -> list[str]:
    lines = [
        f"Agreement, {agreement['lexicon']}: (doc, start, end) spans of PhraseMatcher(LOWER) vs raw Lexicon.find",
        _table(
            ("", "spans", "also found by the other", "only this one", "distinct forms"),
            [
                [name, agreement[f"{side}_spans"], agreement["both"], agreement[f"{side}_only"], agreement[f"{side}_only_distinct_forms"]]
                for name, side in (("PhraseMatcher(LOWER)", "phrase_matcher"), ("walk", "walk"))
            ],
        ),
    ]
    if "span_ruler_same_spans_as_phrase_matcher" in agreement:
        lines.append(f"SpanRuler spans identical to PhraseMatcher spans: {agreement['span_ruler_same_spans_as_phrase_matcher']}")
    for side, title in (("walk_only", "walk only"), ("phrase_matcher_only", "PhraseMatcher only")):
        lines += _reason_lines(title, agreement, side)
    if "finder_kept" in agreement:
        kept = agreement["finder_kept"]
        lines += [
            "",
            f"The {agreement['lexicon']} finder's kept mentions (after its decisions; abbreviation expansions left out):"
            f" {kept['kept']:,}; PhraseMatcher(LOWER) has the same span for {kept['same_span']:,}, an overlapping one for"
            f" {kept['overlapping']:,}, none for {kept['missed']:,} ({kept['missed_distinct_forms']:,} distinct forms)",
            *_reason_lines("kept mentions no PhraseMatcher span touches", kept, "missed"),
        ]
    return lines


def _reason_lines(title: str, counts: dict[str, Any], prefix: str) -> list[str]:
    lines = [f"{title}, by reason:"]
    lines += [f"  {count:>6,}  {reason}" for reason, count in counts[f"{prefix}_by_reason"].items()]
    lines.append(f"{title}, examples (occurrences, form, reason, context with the span in brackets):")
    lines += [
        f"  {example['count']:>5}x  {example['text']!r:<26} {example['reason'][:34]:<34}  ...{example['context']}..."
        for example in counts[f"{prefix}_examples"]
    ]
    return lines


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.matchers", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="JSONL with title and abstract per line")
    parser.add_argument("--docs", type=int, default=None, help="use only the first N documents")
    parser.add_argument("--json", action="store_true", help="print one JSON object with every number instead of tables")
    parser.add_argument("--max-terms", type=int, default=None, help="cap each lexicon at a seeded sample of N rows")
    parser.add_argument("--lexicons", default=",".join(DEFAULT_LEXICONS), help="comma-separated finders to compare")
    parser.add_argument("--passes", type=int, default=3, help="matching passes; the fastest counts")
    parser.add_argument("--warm-runs", type=int, default=3, help="fresh processes per warm-start row; the fastest counts")
    parser.add_argument("--skip-span-ruler", action="store_true", help="do not build the SpanRuler")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before a build process is given up")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    result = run(args)
    print(json.dumps(result, indent=2) if args.json else format_report(result))


if __name__ == "__main__":
    main()
