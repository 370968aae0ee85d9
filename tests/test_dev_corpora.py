"""Mentions on the development corpora of ../shared/dev (BioRED, BC5CDR, SCAI, MMIC): the figures `mirmine evaluate`
gives, pinned, so that a rule change that loses quality on literature fails here. Skipped without ../shared (a
user's clone); CI has it and runs them. The corpora are read here, never copied into the repository."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from conftest import shared_file

from pipeline.evaluate import CorpusGold, default_type_map, score_corpus_mentions
from pipeline.evaluate.corpus import Span
from pipeline.extract import Extractor
from pipeline.ingest import read_corpus
from pipeline.schema import CorpusRecord

CORPORA = {
    "biored": (("dev", "biored", "Train.PubTator"), ("dev", "biored", "Dev.PubTator")),
    "bc5cdr": (("dev", "bc5cdr", "CDR_TrainingSet.PubTator.txt"), ("dev", "bc5cdr", "CDR_DevelopmentSet.PubTator.txt")),
    "scai": (("dev", "scai", "miRNA-Train-Corpus.xml"),),
    "mmic": (("dev", "mmic", "train_set_bioc_entity.xml"),),
}  # fmt: skip

# (corpus, type mapping row, match) -> (precision, recall), as `mirmine evaluate` printed them on these files. MMIC marks
# one miRNA a sentence, so its precision is no measure; SCAI spans an enumeration as one mention (`tiled`).
PINNED = {
    ("biored", "GeneOrGeneProduct -> gene", "overlap"): (0.953, 0.846),
    ("biored", "GeneOrGeneProduct -> gene", "exact"): (0.888, 0.795),
    ("biored", "GeneOrGeneProduct -> gene+mirna", "overlap"): (0.953, 0.853),  # BioRED tags miRNAs as genes
    ("biored", "CellLine -> cell_line", "overlap"): (0.991, 0.848),
    ("biored", "CellLine -> cell_line", "exact"): (0.963, 0.824),
    ("biored", "ChemicalEntity -> drug", "overlap"): (0.924, 0.618),
    ("bc5cdr", "Chemical -> drug", "overlap"): (0.980, 0.778),
    ("bc5cdr", "Chemical@CID -> drug", "overlap"): (0.679, 0.905),  # P: drug against CID chemicals only
    ("bc5cdr", "Chemical@CID -> drug+drug_class", "overlap"): (0.651, 0.924),
    ("scai", "Specific_miRNAs -> mirna", "overlap"): (0.991, 0.996),
    ("scai", "Specific_miRNAs -> mirna", "exact"): (0.809, 0.896),
    ("scai", "Specific_miRNAs -> mirna", "tiled"): (0.973, 0.974),
    ("scai", "Genes/Proteins -> gene", "overlap"): (0.796, 0.843),  # SCAI leaves transporters untagged
    ("mmic", "miRNA -> mirna", "overlap"): (0.729, 0.999),
}


def _gold_and_spans(name: str, extractor: Extractor) -> tuple[CorpusGold, dict[str, list[Span]]]:
    gold = CorpusGold(Path(name))
    spans: dict[str, set[Span]] = defaultdict(set)
    for parts in CORPORA[name]:
        for record in read_corpus(shared_file(*parts)):
            assert isinstance(record, CorpusRecord), record
            gold.records[record.document.doc_id] = record
            gold.texts[record.document.doc_id] = record.document.text
            for m in extractor(record.document).mentions:
                spans[m.type].add(Span(m.doc_id, m.start, m.end, m.text, m.rule))
    return gold, {kind: sorted(found, key=lambda s: (s.doc_id, s.start, s.end)) for kind, found in spans.items()}


@pytest.fixture(scope="module")
def dev_run(extractor: Extractor) -> Callable[[str], tuple[CorpusGold, dict[str, list[Span]]]]:
    """A corpus read and extracted once per module, when a test first asks for it."""
    return cache(lambda name: _gold_and_spans(name, extractor))


@pytest.mark.parametrize(("corpus", "label", "match"), sorted(PINNED))
def test_mentions_on_the_development_corpora_hold_their_pinned_figures(
    corpus: str, label: str, match: str, dev_run: Callable
) -> None:
    gold, spans = dev_run(corpus)
    (mapping,) = [m for m in default_type_map(gold) if m.row == label]
    score = score_corpus_mentions(gold, spans, [mapping], match).rows[label]
    assert (score.precision, score.recall) == pytest.approx(PINNED[corpus, label, match], abs=0.0006)
