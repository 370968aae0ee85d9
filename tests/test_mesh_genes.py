"""MeSH names of gene products for genes.tsv (rules/mesh_genes.py), on made-up MeSH rows."""

from __future__ import annotations

import pytest

from pipeline.rules.mesh_genes import descriptor_terms, mesh_gene_rows, mesh_targets, supplementary_names

BY_SYMBOL = {"GENEA": {"HGNC ID": "HGNC:1"}, "GENEB": {"HGNC ID": "HGNC:2"}, "GENEC": {"HGNC ID": "HGNC:3"}}
BY_UNIPROT = {"P00001": "GENEB", "P00002": "GENEC"}
MAPPINGS = [
    ["MESH", "D001", "Receptors, Frobnication", "HGNC", "1", "GENEA"],
    ["MESH", "C001", "GENEB protein, human", "UP", "P00001", "GENEB"],
    ["MESH", "C002", "GENEC protein, human", "UP", "P00002", "GENEC"],
    ["MESH", "C003", "genex protein, mouse", "UP", "Q99999", "Genex"],  # no human gene: left out
]
EQUIVALENCES = [["MESH", "D002", "Twiddlase"], ["MESH", "D003", "No_such_family"], ["BEL", "Twiddlase Family", "Twiddlase"]]
FAMILIES = {"Twiddlase"}
LABELS = [
    ["D001", "Receptors, Frobnication", "Frobnication Receptor|Receptor, Frobnication|FRB-1|Frobnicase", "D12.776.1"],
    ["D002", "Twiddlases", "Twiddlase", "D08.811.1"],
    ["D003", "Orphanases", "", "D08.811.2"],
    ["D900", "Frobnicase", "", "D27.505.1"],  # a drug class of the same name: no gene name
]
SUPP_LABELS = [
    ["C001", "GENEB protein, human", "twinkolin protein, human|twinkle protein, human|twinkolin protein, mouse", "D001"],
    ["C002", "GENEC protein, human", "Glowase, human", "D001"],
]


def rows(drug_terms=frozenset(), symbols=None):
    targets = mesh_targets(MAPPINGS, EQUIVALENCES, BY_SYMBOL, BY_UNIPROT, FAMILIES)
    return {row[0]: row for row in mesh_gene_rows(targets, LABELS, SUPP_LABELS, set(drug_terms), symbols or {})}


@pytest.mark.parametrize(
    ("term", "norm"),
    [("Frobnication Receptor", "GENEA"), ("twinkolin", "GENEB"), ("twinkolin protein", "GENEB"),
     ("twinkle protein", "GENEB"), ("Glowase", "GENEC")],
)
def test_mesh_name_of_a_human_gene_product_is_a_row(term, norm):
    assert rows()[term][1:] == (norm, BY_SYMBOL[norm]["HGNC ID"], "MeSH", "name")


@pytest.mark.parametrize(
    "term",
    [
        "Receptors, Frobnication",  # permuted
        "FRB-1",  # a symbol: HGNC's aliases judge those
        "GENEB protein",  # a symbol with the word protein
        "twinkle",  # a bare word that is no protein name without `protein`
        "twinkolin protein, mouse",  # another species
        "Frobnicase",  # MeSH also names a drug class so
    ],
)
def test_other_forms_are_no_rows(term):
    assert term not in rows()
    assert term.lower() not in {key.lower() for key in rows()}


@pytest.mark.parametrize("term", ["Twiddlases", "Twiddlase"])
def test_mesh_name_of_a_famplex_family_is_a_family_row(term):
    assert rows()[term][1:] == ("Twiddlase", "FPLX:Twiddlase", "MeSH", "family")


def test_a_family_famplex_does_not_hold_gives_no_row():
    assert "Orphanases" not in rows()


def test_an_hgnc_alias_of_another_gene_is_no_mesh_name():
    assert "twinkolin" not in rows(symbols={" twinkolin ": {"GENEC"}})
    assert "twinkolin" in rows(symbols={" twinkolin ": {"GENEB", "GENEC"}})


def test_a_drug_name_is_left_to_the_drug_lexicon():
    assert "Glowase" not in rows({"glowase"})


@pytest.mark.parametrize(
    ("name", "expected"),
    [("gankyrin protein, human", ["gankyrin protein", "gankyrin"]), ("wise protein, human", ["wise protein"]),
     ("p28 protein, human", ["p28 protein", "p28"]), ("frob protein, rat", [])],
)
def test_supplementary_names(name, expected):
    assert supplementary_names(name) == expected


def test_descriptor_terms_drop_permuted_and_bracketed_forms():
    assert descriptor_terms("Receptors, Frob", "Frob Receptor|Frob (FR) Receptor") == ["Frob Receptor"]
