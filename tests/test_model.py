"""`mirmine run --model NAME`: an installed NER model's entities as extra, normalized candidates.

No scispaCy model can be downloaded here, so the test trains a tiny one in seconds and saves it to a folder.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import spacy
from spacy.training import Example
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.extract import annotate, build_pipeline
from pipeline.mentions import ModelError, mentions_from_doc
from pipeline.schema import Document, Section

# The model learns to tag lower-case `ddp` (which the rules only accept as `DDP`) and an unknown compound.
TRAIN = [
    ("Cells were treated with ddp for 24 h.", [(24, 27, "CHEMICAL")]),
    ("Resistance to ddp rose in these cells.", [(14, 17, "CHEMICAL")]),
    ("We added ddp and measured apoptosis.", [(9, 12, "CHEMICAL")]),
    ("Cells were treated with zorbimab for 24 h.", [(24, 32, "CHEMICAL")]),
    ("The ddp dose was 5 uM in all wells.", [(4, 7, "CHEMICAL")]),
    ("Expression of the protein was unchanged.", []),
]
SENTENCE = "Cells were treated with ddp for 24 h."


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    random.seed(0)
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    ner.add_label("CHEMICAL")
    examples = [Example.from_dict(nlp.make_doc(text), {"entities": ents}) for text, ents in TRAIN]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(30):
        random.shuffle(examples)
        nlp.update(examples, sgd=optimizer, drop=0.0)
    assert [(e.text, e.label_) for e in nlp(SENTENCE).ents] == [("ddp", "CHEMICAL")]
    path = tmp_path_factory.mktemp("model") / "tiny_ner"
    nlp.to_disk(path)
    return path


def drug_mentions(nlp, text: str) -> list[tuple[str, str, str]]:
    document = Document("d", text, (Section("abstract", 0, len(text)),), source="t", format="txt")
    return [(m.text, m.norm, m.rule) for m in mentions_from_doc(annotate(document, nlp), document) if m.type == "drug"]


def test_a_model_entity_is_normalized_through_the_lexicon(tiny_model: Path) -> None:
    nlp = build_pipeline(model=str(tiny_model))
    assert drug_mentions(nlp, SENTENCE) == [("ddp", "cisplatin", "model.chemical")]


def test_without_the_model_the_rules_alone_decide(nlp) -> None:
    assert drug_mentions(nlp, SENTENCE) == []


def test_a_model_entity_that_does_not_normalize_is_dropped(tiny_model: Path) -> None:
    text = "Cells were treated with zorbimab for 24 h."
    assert [(e.text, e.label_) for e in spacy.load(tiny_model)(text).ents] == [("zorbimab", "CHEMICAL")]
    nlp = build_pipeline(model=str(tiny_model))
    assert drug_mentions(nlp, text) == []


def test_a_missing_model_is_a_clear_error() -> None:
    with pytest.raises(ModelError, match="cannot be loaded"):
        build_pipeline(model="en_no_such_model")


def test_run_with_model_records_it(tiny_model: Path, tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text(SENTENCE + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(tmp_path / "in.txt"), "--out", str(tmp_path / "out"), "--model", str(tiny_model)])
    assert result.exit_code == 0, result.stderr
    assert "\tmodel.chemical\n" in (tmp_path / "out" / "mentions.tsv").read_text(encoding="utf-8")
