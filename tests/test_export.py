"""Exports for annotation tools: BioC XML, PubTator and brat, each read back and compared with the run's tables."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import pytest
from bioc import biocxml
from bioc import pubtator as bioc_pubtator
from bioc import validate as bioc_validate
from bioc.brat import decoder as brat_decoder
from bioc.brat import validator as brat_validator
from typer.testing import CliRunner

from pipeline import export
from pipeline.cli import app
from pipeline.export import (
    BIOC_FILE,
    PUBTATOR_FILE,
    MentionRecord,
    RelationRecord,
    export_run,
    link_relations,
    read_bioc,
    read_brat,
    read_pubtator,
)
from pipeline.output import MENTIONS, RELATIONS, RelationRow, cell, write_json, write_tsv
from pipeline.schema import RELATION_DIRECTIONS, RELATION_TYPES, Mention

runner = CliRunner()
READERS = {
    "bioc": lambda out: read_bioc(out / BIOC_FILE),
    "pubtator": lambda out: read_pubtator(out / PUBTATOR_FILE),
    "brat": read_brat,
}
FORMATS = list(READERS)


def comparable(mentions) -> Counter:
    """Mentions as (doc_id, start, end, text, type, norm), text as mentions.tsv writes it (line breaks as spaces)."""
    return Counter((m.doc_id, int(m.start), int(m.end), cell(m.text), m.type, m.norm) for m in mentions)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def run_relations(run_dir: Path) -> list[RelationRecord]:
    return [
        RelationRecord(r["doc_id"], r["relation"], r["mirna"], r["partner"], r["negated"] == "true", r["hedged"] == "true")
        for r in rows(run_dir / "relations.tsv")
    ]


# --- the bundled corpus, exported once per format ------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_exports(corpus_run: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[export.ExportResult, Path]]:
    exports = {}
    for fmt in FORMATS:
        out = tmp_path_factory.mktemp(f"export_{fmt}")
        exports[fmt] = (export_run(corpus_run, fmt, out), out)
    return exports


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_document_of_the_corpus_run_is_exported(corpus_exports, fmt: str) -> None:
    result, _ = corpus_exports[fmt]
    assert (result.documents, result.run_documents, result.errors) == (3, 3, [])


@pytest.mark.parametrize("fmt", FORMATS)
def test_mentions_read_back_equal_the_runs(corpus_run: Path, corpus_exports, fmt: str) -> None:
    _, out = corpus_exports[fmt]
    mentions, _ = READERS[fmt](out)
    expected = comparable(MentionRecord(r["doc_id"], r["start"], r["end"], r["text"], r["type"], r["norm"]) for r in rows(corpus_run / "mentions.tsv"))
    assert len(mentions) > 500
    assert comparable(mentions) == expected


def test_bioc_relations_read_back_equal_the_runs(corpus_run: Path, corpus_exports) -> None:
    _, out = corpus_exports["bioc"]
    _, relations = read_bioc(out / BIOC_FILE)
    assert len(relations) > 100
    assert Counter(relations) == Counter(run_relations(corpus_run))


def test_pubtator_relations_are_the_runs_per_document(corpus_run: Path, corpus_exports) -> None:
    _, out = corpus_exports["pubtator"]
    _, relations = read_pubtator(out / PUBTATOR_FILE)
    assert len(relations) == len(set(relations))
    assert set(relations) == set(run_relations(corpus_run))


def test_brat_relations_read_back_equal_the_runs(corpus_run: Path, corpus_exports) -> None:
    _, out = corpus_exports["brat"]
    _, relations = read_brat(out)
    assert len(relations) > 100
    assert Counter(relations) == Counter(run_relations(corpus_run))


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_bioc_package_reads_and_validates_each_format(corpus_exports, fmt: str) -> None:
    _, out = corpus_exports[fmt]
    problems: list[str] = []
    if fmt == "bioc":
        with (out / BIOC_FILE).open("rb") as handle:
            collection = biocxml.load(handle)
        bioc_validate(collection, onerror=lambda message, *_: problems.append(message))
        count = len(collection.documents)
    elif fmt == "pubtator":
        with (out / PUBTATOR_FILE).open(encoding="utf-8") as handle:
            documents = bioc_pubtator.load(handle)
        for document in documents:
            bioc_pubtator.validate(document, onerror=problems.append)
        # Its relation check looks up the normalized names; only the text check concerns offsets.
        problems = [p for p in problems if "Annotation text" in p]
        count = len(documents)
    else:
        count = 0
        for txt in out.glob("*.txt"):
            document = brat_decoder.loads(txt.read_text(encoding="utf-8"), txt.with_suffix(".ann").read_text(encoding="utf-8"), txt.stem)
            brat_validator.validate(document, onerror=problems.append)
            count += 1
    assert (count, problems) == (3, [])


def test_brat_configuration_declares_every_type(corpus_exports) -> None:
    _, out = corpus_exports["brat"]
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    assert all(f"\n{kind}\n" in conf for kind in ("mirna", "gene", "drug", "drug_class", "cell_line"))
    assert all(f"\n{kind}\tArg1:mirna, Arg2:" in conf for kind in RELATION_TYPES)
    assert "Negated\tArg:<RELATION>" in conf and "Direction\tArg:<RELATION>, Value:down|up" in conf
    assert (out / "visual.conf").is_file()


def test_a_relations_direction_is_exported(corpus_exports) -> None:
    """brat: a `Direction` attribute on the relation; BioC: a `direction` infon; none where the run gives none."""
    _, brat_out = corpus_exports["brat"]
    ann = "".join(path.read_text(encoding="utf-8") for path in brat_out.glob("*.ann"))
    assert re.search(r"^A\d+\tDirection R\d+ down$", ann, re.MULTILINE) and not re.search(r"Direction R\d+ \n", ann)
    _, bioc_out = corpus_exports["bioc"]
    text = "".join(path.read_text(encoding="utf-8") for path in bioc_out.glob("*.xml"))
    assert re.search(r'<infon key="type">targets</infon>\s*<infon key="direction">down</infon>', text)
    assert re.search(r'<infon key="type">associated</infon>\s*<infon key="negated">', text)


# --- small runs made by hand ----------------------------------------------------------------------------------


class Link(NamedTuple):
    """A relation of a hand-made run: its type and the positions, in the run's mention list, of its two mentions."""

    relation: str
    mirna: int
    partner: int
    rule: str = "test"


def make_run(
    folder: Path,
    files: dict[str, str],
    mentions: list[tuple[str, int, str, str, str]],
    relations: Sequence[Link] = (),
    occurrences: dict[int, int] | None = None,
    unmentioned: frozenset[int] = frozenset(),
) -> Path:
    """A run folder over input files written into ``folder/inputs``, its tables as ``mirmine run`` writes them.

    mentions: (doc_id, sentence_id, surface, type, norm), found in the document text (the n-th time: ``occurrences``
    by position in the list). relations: each gets the spans, names and types of the mentions its Link points to, and
    the doc and sentence of its partner. ``unmentioned``: positions of mentions that give a relation its span but are
    left out of mentions.tsv, as in a hand-edited run.
    """
    from pipeline.ingest import read_inputs

    inputs = folder / "inputs"
    inputs.mkdir(parents=True)
    for name, content in files.items():
        (inputs / name).write_text(content, encoding="utf-8")
    texts = {doc.doc_id: doc.text for doc in read_inputs([inputs])}
    found: list[Mention] = []
    for i, (doc_id, sentence_id, surface, kind, norm) in enumerate(mentions):
        start = -1
        for _ in range((occurrences or {}).get(i, 0) + 1):
            start = texts[doc_id].index(surface, start + 1)
        concept = "DB00072" if norm == "trastuzumab" else ""
        found.append(Mention(doc_id, "abstract", sentence_id, start, start + len(surface), surface, kind, norm, concept, "test"))
    relation_rows = []
    for i, link in enumerate(relations):
        mirna, partner = found[link.mirna], found[link.partner]
        relation_rows.append((
            f"r{i}", partner.doc_id, "abstract", partner.sentence_id, mirna.norm, link.relation,
            RELATION_DIRECTIONS.get(link.relation, ""), partner.norm, partner.type,
            "", "", "", False, i % 2 == 1, link.rule, 0.9, mirna.start, mirna.end, partner.start, partner.end, "s",
        ))  # fmt: skip
    run_dir = folder / "run"
    written = [MENTIONS.row_of(mention) for i, mention in enumerate(found) if i not in unmentioned]
    write_tsv(run_dir / "mentions.tsv", MENTIONS.columns, written)
    write_tsv(run_dir / "relations.tsv", RELATIONS.columns, relation_rows)
    write_tsv(run_dir / "errors.tsv", ("source", "doc_id", "stage", "error"), [])
    recorded = [{"path": str(inputs / name), "sha256": hashlib.sha256((inputs / name).read_bytes()).hexdigest()} for name in sorted(files)]
    write_json(run_dir / "run.json", {"mirmine_version": "test", "inputs": recorded, "counts": {"documents": len(texts)}})
    return run_dir


# A line break inside a mention, as a PDF's hyphenation leaves it.
BROKEN = "Loss of microRNA-\n21 restores trastuzumab sensitivity in SK-BR-3 cells.\n"


@pytest.fixture
def broken_run(tmp_path: Path) -> Path:
    return make_run(
        tmp_path,
        {"broken.txt": BROKEN},
        [("broken", 1, "microRNA-\n21", "mirna", "miR-21"), ("broken", 1, "trastuzumab", "drug", "trastuzumab")],
        [Link("sensitizes", 0, 1)],
    )


def test_brat_splits_a_mention_at_its_line_break(broken_run: Path, tmp_path: Path) -> None:
    export_run(broken_run, "brat", tmp_path / "brat")
    ann = (tmp_path / "brat" / "broken.ann").read_text(encoding="utf-8").splitlines()
    assert ann[0] == "T1\tmirna 8 17;18 20\tmicroRNA- 21"
    assert "R1\tsensitizes Arg1:T1 Arg2:T2" in ann
    assert (tmp_path / "brat" / "broken.txt").read_text(encoding="utf-8") == BROKEN


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_mention_with_a_line_break_reads_back(broken_run: Path, tmp_path: Path, fmt: str) -> None:
    export_run(broken_run, fmt, tmp_path / fmt)
    mentions, relations = READERS[fmt](tmp_path / fmt)
    assert comparable(mentions)[("broken", 8, 20, "microRNA- 21", "mirna", "miR-21")] == 1
    assert relations == [RelationRecord("broken", "sensitizes", "miR-21", "trastuzumab", False, False)]


PMID_RECORD = {"pmid": "123", "title": "miR-21 and trastuzumab.", "abstract": "miR-21 confers\ntrastuzumab resistance."}


@pytest.fixture
def pmid_run(tmp_path: Path) -> Path:
    return make_run(
        tmp_path,
        {"records.jsonl": json.dumps(PMID_RECORD) + "\n"},
        [
            ("PMID:123", 1, "miR-21", "mirna", "miR-21"),
            ("PMID:123", 1, "trastuzumab", "drug", "trastuzumab"),
            ("PMID:123", 2, "miR-21", "mirna", "miR-21"),
            ("PMID:123", 2, "trastuzumab", "drug", "trastuzumab"),
        ],
        [Link("confers_resistance", 2, 3)],
        occurrences={2: 1, 3: 1},
    )


def test_pubtator_writes_a_pubmed_record_with_pubtators_offsets(pmid_run: Path, tmp_path: Path) -> None:
    export_run(pmid_run, "pubtator", tmp_path)
    # The abstract starts at len(title) + 1 = 24; in the document it starts after a blank line, at 25.
    assert (tmp_path / PUBTATOR_FILE).read_text(encoding="utf-8") == (
        "123|t|miR-21 and trastuzumab.\n"
        "123|a|miR-21 confers trastuzumab resistance.\n"
        "123\t0\t6\tmiR-21\tmirna\tmiR-21\n"
        "123\t11\t22\ttrastuzumab\tdrug\ttrastuzumab\tDB00072\n"
        "123\t24\t30\tmiR-21\tmirna\tmiR-21\n"
        "123\t39\t50\ttrastuzumab\tdrug\ttrastuzumab\tDB00072\n"
        "123\tconfers_resistance\tmiR-21\ttrastuzumab\n"
    )


def test_pubtator_reads_a_pmid_back_as_its_doc_id(pmid_run: Path, tmp_path: Path) -> None:
    export_run(pmid_run, "pubtator", tmp_path)
    mentions, relations = read_pubtator(tmp_path / PUBTATOR_FILE)
    assert {m.doc_id for m in mentions} == {"PMID:123"}
    assert relations == [RelationRecord("PMID:123", "confers_resistance", "miR-21", "trastuzumab", False, False)]


def test_bioc_keeps_a_pmid_doc_id_and_gives_the_pmid_as_infon(pmid_run: Path, tmp_path: Path) -> None:
    export_run(pmid_run, "bioc", tmp_path)
    with (tmp_path / BIOC_FILE).open("rb") as handle:
        (document,) = biocxml.load(handle).documents
    assert (document.id, document.infons["pmid"], [p.infons["type"] for p in document.passages]) == (
        "PMID:123", "123", ["title", "abstract"],
    )  # fmt: skip


def test_bioc_writes_a_character_xml_cannot_hold_as_a_space(tmp_path: Path) -> None:
    # A form feed (a PDF page break) is text to mirmine but not XML 1.0.
    run_dir = make_run(tmp_path, {"page.txt": "miR-21 confers\x0ccisplatin resistance.\n"}, [("page", 1, "cisplatin", "drug", "cisplatin")])
    export_run(run_dir, "bioc", tmp_path / "out")
    mentions, _ = read_bioc(tmp_path / "out" / BIOC_FILE)
    with (tmp_path / "out" / BIOC_FILE).open("rb") as handle:
        (document,) = biocxml.load(handle).documents
    assert document.passages[0].text.startswith("miR-21 confers cisplatin")
    assert mentions == [MentionRecord("page", 15, 24, "cisplatin", "drug", "cisplatin")]


TWO_DOCS = {"a.txt": "miR-21 confers cisplatin resistance.\n", "b.txt": "miR-155 targets SOCS1.\n"}
TWO_MENTIONS = [("a", 1, "miR-21", "mirna", "miR-21"), ("b", 1, "miR-155", "mirna", "miR-155")]


@pytest.fixture
def two_doc_run(tmp_path: Path) -> Path:
    return make_run(tmp_path, TWO_DOCS, TWO_MENTIONS)


def test_a_changed_input_is_an_error_and_the_rest_is_exported(two_doc_run: Path, tmp_path: Path) -> None:
    (tmp_path / "inputs" / "b.txt").write_text("miR-155 was edited since.\n", encoding="utf-8")
    result = runner.invoke(app, ["export", str(two_doc_run), "--format", "brat", "--out", str(tmp_path / "out")])
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert result.exit_code == 1
    assert "b.txt" in errors[0] and "changed since the run" in errors[0]
    assert sorted(p.name for p in (tmp_path / "out").glob("*.txt")) == ["a.txt"]


@pytest.mark.parametrize(
    ("where", "expected"),
    [("none", "input not found"), ("folder", ""), ("file", ""), ("other copy", "input changed since the run")],
    ids=["moved-without-inputs", "inputs-folder", "inputs-file", "inputs-same-name-other-content"],
)
def test_inputs_say_where_moved_inputs_are(two_doc_run: Path, tmp_path: Path, where: str, expected: str) -> None:
    moved = tmp_path / "elsewhere" / "deep"
    moved.mkdir(parents=True)
    shutil.move(tmp_path / "inputs" / "a.txt", moved / "a.txt")
    if where == "other copy":
        (moved / "a.txt").write_text("another text\n", encoding="utf-8")
    given = {"none": [], "folder": [tmp_path / "elsewhere"], "file": [moved / "a.txt"], "other copy": [moved]}[where]
    result = export_run(two_doc_run, "pubtator", tmp_path / "out", given)
    assert [e.error.split(";")[0].split(" (")[0] for e in result.errors] == ([expected] if expected else [])
    assert result.documents == (1 if expected else 2)


def test_a_relative_input_path_is_found_from_the_run_folders_parent(two_doc_run: Path, tmp_path: Path) -> None:
    info = json.loads((two_doc_run / "run.json").read_text(encoding="utf-8"))
    for entry in info["inputs"]:
        entry["path"] = str(Path(entry["path"]).relative_to(tmp_path))
    write_json(two_doc_run / "run.json", info)
    assert export_run(two_doc_run, "bioc", tmp_path / "out").documents == 2


def test_an_export_started_in_another_folder_finds_the_inputs_by_their_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    (project / "papers").mkdir(parents=True)
    elsewhere.mkdir()
    (project / "papers" / "a.txt").write_text(TWO_DOCS["a.txt"], encoding="utf-8")
    monkeypatch.chdir(project)
    assert runner.invoke(app, ["run", "papers", "--out", "runs/one", "-q"]).exit_code == 0
    info = json.loads((project / "runs/one/run.json").read_text(encoding="utf-8"))
    assert info["arguments"] == [str(project / "papers")]
    assert [(e["path"], e["absolute"]) for e in info["inputs"]] == [("papers/a.txt", str(project / "papers/a.txt"))]
    monkeypatch.chdir(elsewhere)  # neither papers/a.txt from here nor from the run folder's parent (runs/)
    assert export_run(project / "runs/one", "bioc", elsewhere / "out").documents == 1


def test_a_text_that_no_longer_holds_its_mentions_is_an_error(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path, TWO_DOCS, TWO_MENTIONS)
    table = (run_dir / "mentions.tsv").read_text(encoding="utf-8")
    (run_dir / "mentions.tsv").write_text(table.replace("\tmiR-21\tmirna", "\tmiR-22\tmirna"), encoding="utf-8")
    result = export_run(run_dir, "bioc", tmp_path / "out")
    assert [(e.doc_id, "'miR-22' at 0..6 reads 'miR-21'" in e.error) for e in result.errors] == [("a", True)]
    assert result.documents == 1


def test_no_exportable_document_writes_nothing_and_exits_1(two_doc_run: Path, tmp_path: Path) -> None:
    shutil.rmtree(tmp_path / "inputs")
    result = runner.invoke(app, ["export", str(two_doc_run), "--format", "bioc", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "nothing was written" in result.stderr.splitlines()[-1]
    assert not (tmp_path / "out").exists()


def test_a_folder_that_is_not_a_run_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", str(tmp_path), "--format", "bioc", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and result.stderr.startswith("Error:") and "run.json" in result.stderr


def test_an_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    assert runner.invoke(app, ["export", str(tmp_path), "--format", "xml", "--out", str(tmp_path)]).exit_code == 2


# --- the output folder: replaced files, curated files, atomic writes ---------------------------------------------


def test_a_second_export_replaces_the_files_of_the_first(two_doc_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_run(two_doc_run, "brat", out)
    (out / "a.ann").unlink()
    result = export_run(two_doc_run, "brat", out)
    assert (result.errors, (out / "a.ann").is_file()) == ([], True)


def test_a_curated_ann_file_is_kept_unless_forced(two_doc_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_run(two_doc_run, "brat", out)
    curated = (out / "a.ann").read_text(encoding="utf-8") + "T9\tgene 27 36\tresistance\n"
    (out / "a.ann").write_text(curated, encoding="utf-8")
    kept = export_run(two_doc_run, "brat", out)
    assert [(e.doc_id, "--force" in e.error) for e in kept.errors] == [("a", True)]
    assert (out / "a.ann").read_text(encoding="utf-8") == curated
    forced = export_run(two_doc_run, "brat", out, force=True)
    assert (forced.errors, "T9" in (out / "a.ann").read_text(encoding="utf-8")) == ([], False)


def test_a_file_no_export_wrote_is_not_replaced(two_doc_run: Path, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / PUBTATOR_FILE).write_text("someone's file\n", encoding="utf-8")
    with pytest.raises(export.ExportError, match="--force"):
        export_run(two_doc_run, "pubtator", tmp_path / "out")
    assert (tmp_path / "out" / PUBTATOR_FILE).read_text(encoding="utf-8") == "someone's file\n"


def test_a_failed_export_keeps_the_previous_file(two_doc_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    export_run(two_doc_run, "pubtator", out)
    before = (out / PUBTATOR_FILE).read_bytes()
    calls = []

    def broken(item):
        calls.append(item)
        if len(calls) == 2:
            raise KeyboardInterrupt  # an export interrupted half-way
        return ["1|t|", "1|a|"]

    # Patched where the PubTator writer looks it up.
    monkeypatch.setattr(export.pubtator, "pubtator_lines", broken)
    with pytest.raises(KeyboardInterrupt):
        export_run(two_doc_run, "pubtator", out)
    assert (out / PUBTATOR_FILE).read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["mirmine-export.json", PUBTATOR_FILE]


def test_brat_file_names_stay_apart_and_read_back_as_doc_ids(tmp_path: Path) -> None:
    records = [{"id": doc_id, "title": "miR-21 study.", "abstract": "miR-21 confers cisplatin resistance."} for doc_id in ("a:b", "a_b")]
    run_dir = make_run(
        tmp_path, {"records.jsonl": "".join(json.dumps(r) + "\n" for r in records)},
        [("a:b", 1, "miR-21", "mirna", "miR-21"), ("a_b", 1, "miR-21", "mirna", "miR-21")],
    )  # fmt: skip
    export_run(run_dir, "brat", tmp_path / "brat")
    mentions, _ = read_brat(tmp_path / "brat")
    assert len(list((tmp_path / "brat").glob("*.txt"))) == 2
    assert sorted(m.doc_id for m in mentions) == ["a:b", "a_b"]


# --- linking relations to mentions ---------------------------------------------------------------------------


def mention(start: int, kind: str, norm: str, sentence_id: int = 1) -> Mention:
    return Mention("d", "abstract", sentence_id, start, start + len(norm), norm, kind, norm, "", "test")


def relation(mirna_span: tuple[int, int], partner_span: tuple[int, int], partner_type: str = "drug") -> RelationRow:
    return RelationRow(
        "r", "d", "abstract", 1, "miR-21", "sensitizes", "up", "DOX", partner_type, "", "", "", False, False, "test", "0.9",
        *mirna_span, *partner_span, "s",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("mentions", "spans", "expected"),
    [
        ([mention(0, "mirna", "miR-21"), mention(20, "drug", "DOX"), mention(60, "drug", "DOX")], ((0, 6), (60, 63)), (0, 2)),
        ([mention(0, "mirna", "miR-21"), mention(20, "drug", "DOX"), mention(30, "mirna", "miR-21")], ((0, 6), (20, 23)), (0, 1)),
        ([mention(0, "mirna", "miR-21", sentence_id=0), mention(40, "drug", "DOX")], ((0, 6), (40, 43)), (0, 1)),
        ([mention(0, "mirna", "miR-21"), mention(20, "gene", "DOX")], ((0, 6), (20, 23)), (0, None)),
        ([mention(0, "mirna", "miR-21"), mention(20, "drug", "DOX")], ((0, 6), (21, 24)), (0, None)),
        ([mention(0, "mirna", "miR-21"), mention(20, "drug", "DOX")], ((0, 5), (20, 23)), (None, 1)),
    ],
    ids=[
        "repeated-partner-not-the-closest", "repeated-mirna-not-the-closest", "mirna-in-the-sentence-before",
        "partner-span-holds-another-type", "no-partner-mention-at-its-span", "no-mirna-mention-at-its-span",
    ],
)  # fmt: skip
def test_a_relation_links_to_the_mentions_at_its_spans(mentions: list[Mention], spans: tuple, expected: tuple) -> None:
    (linked,) = link_relations(mentions, [relation(*spans)])
    assert (linked.mirna_at, linked.partner_at) == expected


def linked_spans(fmt: str, out: Path) -> Counter:
    """(miRNA span, partner span) of each relation an export links (BioC nodes, brat R lines), as its mentions' spans."""
    pairs = []
    if fmt == "bioc":
        with (out / BIOC_FILE).open("rb") as handle:
            collection = biocxml.load(handle)
        for document in collection.documents:
            annotations = [*document.annotations, *(a for passage in document.passages for a in passage.annotations)]
            spans = {a.id: (a.total_span.offset, a.total_span.end) for a in annotations}
            for r in document.relations:
                pairs.append(tuple(spans[r.get_node(role=role).refid] for role in ("mirna", "partner")))
        return Counter(pairs)
    for ann in out.glob("*.ann"):
        spans, arcs = {}, []
        for line in ann.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if line.startswith("T"):
                locations = fields[1].partition(" ")[2].replace(";", " ").split(" ")
                spans[fields[0]] = (int(locations[0]), int(locations[-1]))
            elif line.startswith("R"):
                arcs.append([arg.partition(":")[2] for arg in fields[1].split(" ")[1:]])
        pairs += [(spans[arg1], spans[arg2]) for arg1, arg2 in arcs]
    return Counter(pairs)


# The same miRNA and the same drug twice in one sentence: each relation names which occurrence it means.
REPEATED = "Cisplatin raised miR-21, and miR-21 in turn conferred resistance to cisplatin.\n"
REPEATED_MENTIONS = [
    ("repeated", 1, "Cisplatin", "drug", "cisplatin"),  # 0..9
    ("repeated", 1, "miR-21", "mirna", "miR-21"),  # 17..23
    ("repeated", 1, "miR-21", "mirna", "miR-21"),  # 29..35
    ("repeated", 1, "cisplatin", "drug", "cisplatin"),  # 68..77
]


@pytest.mark.parametrize("fmt", ["bioc", "brat"])
def test_a_relation_links_to_the_occurrences_at_its_spans_not_the_closest(tmp_path: Path, fmt: str) -> None:
    # The closest cisplatin to the second miR-21 is the first word; the run says the relation is about the last one.
    links = [Link("regulated_by", 1, 0), Link("confers_resistance", 2, 3)]
    run_dir = make_run(tmp_path, {"repeated.txt": REPEATED}, REPEATED_MENTIONS, links, occurrences={2: 1})
    export_run(run_dir, fmt, tmp_path / "out")
    assert linked_spans(fmt, tmp_path / "out") == Counter({((17, 23), (0, 9)): 1, ((29, 35), (68, 77)): 1})


COREF = "miR-221 and miR-222 were raised in tamoxifen-resistant cells. These miRNAs conferred tamoxifen resistance.\n"
COREF_MENTIONS = [
    ("coref", 0, "miR-221", "mirna", "miR-221"),  # 0..7
    ("coref", 0, "miR-222", "mirna", "miR-222"),  # 12..19
    ("coref", 0, "tamoxifen", "drug", "tamoxifen"),  # 35..44
    ("coref", 1, "tamoxifen", "drug", "tamoxifen"),  # 85..94
]


@pytest.mark.parametrize("fmt", ["bioc", "brat"])
def test_a_these_mirnas_relation_links_to_the_mirna_of_the_sentence_before(tmp_path: Path, fmt: str) -> None:
    """`these miRNAs` (rule coref.*) names the miRNAs of the previous sentence: the arc goes there, not nowhere."""
    links = [Link("confers_resistance", at, 3, "coref.these_mirnas+cue") for at in (0, 1)]
    run_dir = make_run(tmp_path, {"coref.txt": COREF}, COREF_MENTIONS, links, occurrences={3: 1})
    result = export_run(run_dir, fmt, tmp_path / "out")
    assert result.unlinked == []
    assert linked_spans(fmt, tmp_path / "out") == Counter({((0, 7), (85, 94)): 1, ((12, 19), (85, 94)): 1})


def test_every_relation_of_the_corpus_run_is_linked(corpus_exports) -> None:
    assert not corpus_exports["brat"][0].unlinked


# --- a relation whose partner has no mention at its span (a hand-edited run) ---------------------------------------

UNLINKED = "miR-21 conferred cisplatin resistance in A549 cells, while miR-200c restored sensitivity to paclitaxel.\n"


@pytest.fixture
def unlinked_run(tmp_path: Path) -> Path:
    """Two relations; the partner of the second (r1, miR-200c sensitizes paclitaxel) is not in mentions.tsv."""
    return make_run(
        tmp_path,
        {"unlinked.txt": UNLINKED},
        [
            ("unlinked", 1, "miR-21", "mirna", "miR-21"),
            ("unlinked", 1, "cisplatin", "drug", "cisplatin"),
            ("unlinked", 1, "miR-200c", "mirna", "miR-200c"),
            ("unlinked", 1, "paclitaxel", "drug", "paclitaxel"),
        ],
        [Link("confers_resistance", 0, 1), Link("sensitizes", 2, 3)],
        unmentioned=frozenset({3}),
    )


def export_with_cli(run_dir: Path, fmt: str, out: Path):
    """``mirmine export`` as a user runs it (stderr apart); a relation without a mention is no error."""
    result = runner.invoke(app, ["export", str(run_dir), "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    return result


def test_bioc_relation_without_its_partner_mention_keeps_the_mirna_node_and_names_the_missing_one(
    unlinked_run: Path, tmp_path: Path
) -> None:
    export_with_cli(unlinked_run, "bioc", tmp_path / "out")
    with (tmp_path / "out" / BIOC_FILE).open("rb") as handle:
        (document,) = biocxml.load(handle).documents
    ids = {a.text: a.id for passage in document.passages for a in passage.annotations}
    (unlinked,) = (r for r in document.relations if r.infons["relation_id"] == "r1")
    assert ([(node.role, node.refid) for node in unlinked.nodes], unlinked.infons.get("unlinked")) == (
        [("mirna", ids["miR-200c"])], "partner",
    )  # fmt: skip


def test_brat_relation_without_its_partner_mention_is_a_note_on_its_mirna_not_an_arc(
    unlinked_run: Path, tmp_path: Path
) -> None:
    export_with_cli(unlinked_run, "brat", tmp_path / "out")
    ann = [line.split("\t") for line in (tmp_path / "out" / "unlinked.ann").read_text(encoding="utf-8").splitlines()]
    ids = {fields[2]: fields[0] for fields in ann if fields[0].startswith("T")}
    arcs = [fields[1] for fields in ann if fields[0].startswith("R")]
    notes = {fields[1].split(" ")[1]: fields[2] for fields in ann if fields[0].startswith("#")}
    assert arcs == [f"confers_resistance Arg1:{ids['miR-21']} Arg2:{ids['cisplatin']}"]
    assert "unlinked=sensitizes miR-200c -> paclitaxel (relation r1," in notes[ids["miR-200c"]]


@pytest.mark.parametrize("fmt", ["bioc", "brat"])
def test_export_warns_of_a_relation_without_its_partner_mention(unlinked_run: Path, tmp_path: Path, fmt: str) -> None:
    result = export_with_cli(unlinked_run, fmt, tmp_path / "out")
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1
    assert "miR-200c sensitizes paclitaxel (relation r1)" in warnings[0] and "partner paclitaxel" in warnings[0]
