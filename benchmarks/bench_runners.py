"""The pipelines ``bench`` compares, each as a runner inside its own measuring process: built in ``__init__`` (the
time ``build s`` reports), then one pass over every document per ``run_pass``.

Every runner that uses rules loads them with ``load_ruleset(spec["rules"])``: the folder ``run_bench`` was given.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .lexicons import PATTERN_BATCH, lexicon_entries, phrase_terms
from .measure import process_memory, workers_cpu_seconds

if TYPE_CHECKING:
    from spacy.language import Language

    from pipeline.ruleset import RuleSet

# miRNA names as one token pattern: what a spaCy user would write first (scispaCy splits `miR-21-5p`, so arms miss).
MIRNA_REGEX = r"^(?:hsa-)?(?:(?:miR|mir|MiR|miRNA|microRNA)-?\d+[a-z]?(?:-[35]p)?|let-7[a-z]?)$"


def read_documents(docs_file: str) -> list:
    """The ``Document`` records of the benchmark's JSON Lines file, read as ``mirmine run`` reads it."""
    from pipeline.ingest import read_jsonl
    from pipeline.schema import Document

    return [item for item in read_jsonl(docs_file) if isinstance(item, Document)]


def rules_of(spec: dict[str, Any]) -> RuleSet:
    """The rules of the folder the parent named (one object per folder per process)."""
    from pipeline.ruleset import load_ruleset

    return load_ruleset(spec["rules"])


class Runner:
    """One pipeline in its process: built in ``__init__``, one pass over every document per ``run_pass``."""

    def __init__(self, spec: dict[str, Any], documents: list) -> None:
        self.spec = spec
        self.documents = documents
        self.texts = [document.text for document in documents]

    def run_pass(self) -> dict[str, Any]:
        raise NotImplementedError

    def finish(self) -> dict[str, Any]:
        return {}


class Tokenizer(Runner):
    def __init__(self, spec: dict[str, Any], documents: list) -> None:
        super().__init__(spec, documents)
        import spacy
        from scispacy.custom_tokenizer import combined_rule_tokenizer

        self.nlp = spacy.blank("en")
        self.nlp.tokenizer = combined_rule_tokenizer(self.nlp)

    def run_pass(self) -> dict[str, Any]:
        tokenizer = self.nlp.tokenizer
        return {"tokens": sum(len(tokenizer(text)) for text in self.texts)}


class MirmineTokenizer(Runner):
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


def build_baseline(rules: RuleSet) -> Language:
    """The pipeline of (b): blank English, scispaCy tokenizer, sentencizer, EntityRuler with the lexicons of
    ``rules``, abbreviations."""
    import spacy
    from scispacy.abbreviation import AbbreviationDetector  # noqa: F401  (registers "abbreviation_detector")
    from scispacy.custom_tokenizer import combined_rule_tokenizer

    from pipeline.mentions import LEXICON_FILES

    nlp = spacy.blank("en")
    nlp.tokenizer = combined_rule_tokenizer(nlp)
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    entries = [entry for finder in LEXICON_FILES for entry in lexicon_entries(finder, rules)]
    patterns = [{"label": label.upper(), "pattern": term} for label, terms in phrase_terms(entries).items() for term in terms]
    for offset in range(0, len(patterns), PATTERN_BATCH):
        ruler.add_patterns(patterns[offset : offset + PATTERN_BATCH])
    ruler.add_patterns([{"label": "MIRNA", "pattern": [{"TEXT": {"REGEX": MIRNA_REGEX}}]}])
    nlp.add_pipe("abbreviation_detector", config={"make_serializable": True})
    return nlp


class Baseline(Runner):
    def __init__(self, spec: dict[str, Any], documents: list) -> None:
        super().__init__(spec, documents)
        self.nlp = build_baseline(rules_of(spec))
        self.patterns = len(self.nlp.get_pipe("entity_ruler"))

    def run_pass(self) -> dict[str, Any]:
        entities = abbreviations = 0
        for doc in self.nlp.pipe(self.texts):
            entities += len([(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents])
            abbreviations += len(doc._.abbreviations)
        return {"entities": entities, "abbreviations": abbreviations}

    def finish(self) -> dict[str, Any]:
        return {"patterns": self.patterns}


def _chunks(documents: list) -> list[list]:
    from pipeline.engine import CHUNK_DOCS

    return [documents[i : i + CHUNK_DOCS] for i in range(0, len(documents), CHUNK_DOCS)]


class Mirmine(Runner):
    def __init__(self, spec: dict[str, Any], documents: list) -> None:
        super().__init__(spec, documents)
        from pipeline.engine import extractor_for, process_chunk

        self.process_chunk = process_chunk
        self.rules = rules_of(spec)
        # Built here, as the engine builds it once per process. The model is passed as process_chunk passes it:
        # extractor_for is cached by its arguments as written.
        extractor_for(self.rules, None)
        self.chunks = _chunks(self.documents)

    def run_pass(self) -> dict[str, Any]:
        mentions = relations = errors = 0
        for chunk in self.chunks:
            result = self.process_chunk(chunk, self.rules)
            mentions += len(result.mentions)
            relations += len(result.relations)
            errors += len(result.errors)
        return {"mentions": mentions, "relations": relations, "errors": errors}


class Workers(Runner):
    def __init__(self, spec: dict[str, Any], documents: list) -> None:
        super().__init__(spec, documents)
        from pipeline.engine import extractor_for

        self.rules = rules_of(spec)
        extractor_for(self.rules, None)  # the pipeline the pool's workers inherit (engine caches it per process)
        self.chunks = _chunks(self.documents)
        self.worker_memory: list[dict[str, float]] = []
        self.pool = None

    def run_pass(self) -> dict[str, Any]:
        import multiprocessing

        from pipeline.engine import LocalPool

        # One pool for every pass, as one run keeps its workers and (c) keeps its pipeline: the first pass pays for
        # the fork and cold caches, later passes measure the workers warm.
        if self.pool is None:
            self.pool = LocalPool(self.spec["workers"], self.rules, None)
        before = workers_cpu_seconds()
        mentions = relations = errors = 0
        for result in self.pool.map(self.chunks):
            mentions += len(result.mentions)
            relations += len(result.relations)
            errors += len(result.errors)
        # The workers are idle but alive: their peak and their share of memory, read now.
        self.worker_memory.extend(process_memory(child.pid) for child in multiprocessing.active_children())
        # Live workers are not in RUSAGE_CHILDREN until reaped: their CPU time this pass, from /proc.
        after = workers_cpu_seconds()
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


class Run(Runner):
    def __init__(self, spec: dict[str, Any], documents: list) -> None:
        super().__init__(spec, documents)
        from pipeline.engine import extractor_for

        self.rules = rules_of(spec)
        extractor_for(self.rules, None)  # built once; run_corpus finds it cached, as a long-lived caller would
        self.passes = 0

    def run_pass(self) -> dict[str, Any]:
        from pipeline.engine import run_corpus

        out = Path(self.spec["tmp"]) / f"run-{os.getpid()}-{self.passes}"
        self.passes += 1
        try:
            summary = run_corpus([self.spec["docs_file"]], out, rules=self.rules, workers=self.spec["workers"])
        finally:
            shutil.rmtree(out, ignore_errors=True)
        return {"mentions": summary.mentions, "relations": summary.relations, "errors": len(summary.errors)}


RUNNERS: dict[str, type[Runner]] = {
    "tokenizer": Tokenizer,
    "mirmine_tokenizer": MirmineTokenizer,
    "baseline": Baseline,
    "mirmine": Mirmine,
    "workers": Workers,
    "run": Run,
}
