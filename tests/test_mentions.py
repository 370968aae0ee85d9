"""The mention components on real spaCy objects, and spans -> Mention records."""

from __future__ import annotations

import json

import pytest
import spacy
from spacy.tokens import Doc

from pipeline.extract import annotate
from pipeline.mentions import SPANS_KEY, load_context, mentions_from_doc
from pipeline.ruleset import load_ruleset
from pipeline.schema import Document, Section


def make_document(text: str, label: str = "abstract") -> Document:
    return Document("doc1", text, (Section(label, 0, len(text)),), source="test", format="txt")


def test_the_finder_works_in_anyone_pipeline() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("mirmine_mirna")
    nlp.add_pipe("mirmine_spans")
    doc = nlp("Both miR-21 and let-7a were measured.")
    assert [(span.text, span.label_, span.kb_id_, span.id_) for span in doc.spans[SPANS_KEY]] == [
        ("miR-21", "mirna", "miR-21", "mirna.name"),
        ("let-7a", "mirna", "let-7a", "mirna.let7"),
    ]


def test_the_finders_are_found_by_name_without_importing_mirmine() -> None:
    """spaCy finds the components through the package's `spacy_factories` entry points (pyproject.toml)."""
    import subprocess
    import sys

    script = (
        "import spacy; nlp = spacy.blank('en')\n"
        "for name in ('mirmine_mirna', 'mirmine_spans'): nlp.add_pipe(name)\n"
        "doc = nlp('miR-21 rose.'); print([(s.text, s.id_) for s in doc.spans['mirmine']])"
    )
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd="/")
    assert found.stdout.strip() == "[('miR-21', 'mirna.name')]"


def test_the_full_pipeline_shows_its_mentions_as_token_spans(nlp) -> None:
    doc = nlp("miR-21 targets PTEN/AKT in MCF-7 cells treated with doxorubicin.")
    assert sorted((span.start_char, span.text, span.label_, span.kb_id_) for span in doc.spans[SPANS_KEY]) == [
        (0, "miR-21", "mirna", "miR-21"),
        (15, "PTEN", "gene", "PTEN"),
        (20, "AKT", "gene", "AKT"),
        (27, "MCF-7", "cell_line", "MCF-7"),
        (52, "doxorubicin", "drug", "doxorubicin"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("miR\u2010126 reduces resistance", [("miR\u2010126", "miR-126")]),
        ("MicroRNA-221/222 confers", [("MicroRNA-221", "miR-221"), ("222", "miR-222")]),
        ("the miR-21/PTEN/AKT axis", [("miR-21", "miR-21")]),
        ("miR-21-mediated resistance", [("miR-21", "miR-21")]),
        ("miR\u201017\u201392 cluster", [("miR\u201017\u201392", "miR-17~92")]),
    ],
    ids=["unicode-hyphen", "enumeration", "slash-chain", "compound-word", "cluster-unicode"],
)
def test_mention_offsets_point_into_the_text_as_ingested(nlp, text: str, expected) -> None:
    document = make_document(text)
    mentions = mentions_from_doc(annotate(document, nlp), document)
    assert [(document.text[m.start : m.end], m.norm) for m in mentions if m.type == "mirna"] == expected


def test_a_mention_carries_section_sentence_and_rule(nlp) -> None:
    text = "A title on miR-21\n\nThe abstract. It names miR-155 here."
    document = Document(
        "doc1", text, (Section("title", 0, 17), Section("abstract", 19, len(text))), source="t", format="txt"
    )
    mentions = mentions_from_doc(annotate(document, nlp), document)
    assert [(m.norm, m.section, m.sentence_id, m.rule) for m in mentions] == [
        ("miR-21", "title", 0, "mirna.name"),
        ("miR-155", "abstract", 2, "mirna.name"),
    ]


def test_a_section_start_always_starts_a_sentence(nlp) -> None:
    text = "miR-21 rises in resistant cells miR-155 falls in them."
    document = Document(
        "doc1", text, (Section("abstract", 0, 32), Section("body", 32, len(text))), source="t", format="txt"
    )
    doc = annotate(document, nlp)
    assert [sent.start_char for sent in doc.sents] == [0, 32]


def test_exact_offsets_survive_doc_serialization(nlp) -> None:
    # nlp.pipe with n_process > 1 sends Docs through msgpack: the exact offsets in user_data must come back.
    document = make_document("Signalling through PTEN-PI3K was blunted in PaCa-2,BxPC-3 cells.")
    restored = Doc(nlp.vocab).from_bytes(annotate(document, nlp).to_bytes())
    found = {(document.text[m.start : m.end], m.norm) for m in mentions_from_doc(restored, document)}
    assert {("PTEN", "PTEN"), ("PI3K", "PI3K"), ("BxPC-3", "BxPC-3")} <= found


def test_a_context_cue_made_of_the_term_itself_is_dropped(tmp_path) -> None:
    rule = {"id": "gene.context.ar", "type": "gene", "term": "AR", "norm": "AR", "cues": ["AR+", "AR-positive", "androgen"]}
    (tmp_path / "context.jsonl").write_text(json.dumps(rule) + "\n", encoding="utf-8")
    (tmp_path / "stoplist.tsv").write_text("term\ttype\treason\nCI\tgene\tconfidence interval\n", encoding="utf-8")
    by_term, _ = load_context(load_ruleset(tmp_path))
    assert by_term[("gene", "AR")].cue_keys == (" ar positive ", " androgen ")


@pytest.mark.parametrize(
    "line",
    [
        "EFFECT OF MIR-21 ON CISPLATIN RESISTANCE IN A549 CELLS",
        "Effect of miR-21 on cisplatin resistance in A549 cells",
        "ΑΝΤΙ-TNF-Α THERAPY ÉTUDE: ß-CATENIN, ǅ, Ⓐ, İ and 5 µM",
        "",
    ],
    ids=["capitals", "sentence-case", "non-ascii", "empty"],
)
def test_letters_and_capitals_are_counted_as_python_counts_them(line: str) -> None:
    from pipeline.mentions.text_checks import letters_and_capitals

    assert letters_and_capitals(line) == (sum(map(str.isalpha, line)), sum(map(str.isupper, line)))
