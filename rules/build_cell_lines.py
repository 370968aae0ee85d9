"""The rows of rules/cellosaurus.tsv: Cellosaurus cell-line names that read as names of cell lines and as nothing else.

Called by rules/build_lexicons.py with the Cellosaurus labels (accession -> recommended name) and the match keys that
other lexicons already own. Cellosaurus holds 167,000 lines of every kind (human and animal cancer lines, hybridomas,
stem-cell and patient lines, knockout clones): most names are codes no abstract writes, and thousands are short
capitals that are also words, gene symbols or abbreviations (`PC`, `OK`, `CAD`, `HEL`). Only names a text can be
trusted to mean the line are kept, and even these count only next to a cell-line cue (rules/note_rules.jsonl, the flag
the loader sets on kind `line`).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from pathlib import Path

from pipeline.normalize import compact, term_keys

KIND = "line"
SOURCE = "Cellosaurus"
CELLOSAURUS_NOTES = [
    "norm: the Cellosaurus recommended name (without a bracketed note); concept_id: the Cellosaurus accession.",
    "Kept: names with a digit or in a line's mixed case (HepaRG), 3+ characters, at most three words; left out:",
    "catalogue codes (Coriell GM12878, hPSCreg BIONi010-A), capitals or words alone (PC, OK, Horse), names that a",
    "gene, drug or hand-kept term keys as, keys two accessions share, and sublines (K562/Adr: cell_sublines.jsonl).",
    "Kind line: the loader flags every row cellosaurus (a cell-line cue must stand next to it: note_rules.jsonl).",
]

# `ANA-1 [Mouse macrophage]`: Cellosaurus tells same-named lines apart with a bracketed note, which no text writes.
DISAMBIGUATION = re.compile(r"\s*\[[^\]]*\]$")
# `H9c2(2-1)`: a clone written right after the name; texts mostly write the name alone.
CLONE_SUFFIX = re.compile(r"(?<=[A-Za-z0-9])\([^()\s]+\)$")
# Codes that are catalogue numbers, not names a text uses: Coriell repository numbers (`GM12878`, `AG09861`: 43,000
# names), hPSCreg and HipSci stem-cell codes (`BIONi010-A`, `HPSI0613i-focm_2`).
CATALOGUE_CODE = re.compile(r"[A-Z]{2}\d{5}|[A-Z]{2,8}[ie]\d{2,4}-[A-Z](?:-\d+)?|HPSI\d+[ip]-\w+")
# What a name may hold: letters, digits, and the separators names use; at most three pieces apart.
NAME_CHARACTERS = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ./+-]*")
MAX_WORDS = 3
MIN_CHARACTERS = 3
# Letters alone are a name only in the mixed case of a line name (`HepaRG`, `LoVo`): capitals alone are acronyms
# (`PC`, `EPC`, `MEF`, `OK`), a capitalised word is a word or a surname (`Horse`, `Penny`).
CAMEL_CASE = re.compile(r"[a-z][A-Z]")


def read_cellosaurus(raw: bytes) -> dict[str, str]:
    """Accession -> recommended name from the zstd-compressed Cellosaurus JSON (`{"CVCL_0001": {"label": ...}}`).

    Decompressing needs the `zstandard` package: a build-time need only (pyproject's `test` extra), as the runtime
    reads the generated TSV.
    """
    import zstandard  # noqa: PLC0415 - only this build step needs it

    data = json.loads(zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw)).read())
    if not isinstance(data, dict) or not all(str(key).startswith("CVCL_") for key in list(data)[:100]):
        raise ValueError("not a map of Cellosaurus accessions")
    return {accession: record["label"] for accession, record in data.items() if not record.get("deprecated")}


def hand_kept_terms(rules_dir: Path, names: Iterable[str]) -> list[str]:
    """The terms of hand-kept lexicons (the `term` column of each, comment lines skipped)."""
    terms = []
    for name in names:
        lines = [line for line in (rules_dir / name).read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
        column = lines[0].split("\t").index("term")
        terms += [line.split("\t")[column] for line in lines[1:] if line.strip()]
    return terms


def name_forms(label: str) -> list[str]:
    """The written forms of a Cellosaurus name: the name without its bracketed note, and without a clone suffix."""
    name = DISAMBIGUATION.sub("", label).strip()
    forms = [name]
    unclone = CLONE_SUFFIX.sub("", name)
    if unclone != name:
        forms.append(unclone)
    return forms


def reads_as_name(term: str) -> bool:
    """Whether a written form can be trusted to name a cell line (digits or a line's mixed case, short, no code)."""
    letters = compact(term)
    if not NAME_CHARACTERS.fullmatch(term) or len(term.split()) > MAX_WORDS or len(letters) < MIN_CHARACTERS:
        return False
    if CATALOGUE_CODE.fullmatch(term) or "cell line" in term.lower():
        return False
    if not any(char.isalpha() for char in letters):
        return False
    if letters.isalpha():
        return bool(CAMEL_CASE.search(letters)) and len(letters) >= 4
    return True


def is_subline(term: str, parents: set[str]) -> bool:
    """`K562/Adr`, `HepG2/Adm`: a parent line, a slash and a tag. A text writes such a line as it likes (`K562/ADR`,
    `ADR-K562`, `HepG2ADM`): rules/cell_sublines.jsonl builds it on the parent, which keeps the tag as written."""
    head, slash, _ = term.partition("/")
    return bool(slash) and bool(term_keys(head) & parents)


def cellosaurus_rows(labels: dict[str, str], taken: Iterable[str]) -> list[tuple[str, str, str, str, str]]:
    """(term, norm, concept_id, source, kind) rows for the Cellosaurus names (accession -> name) worth a row.

    ``taken``: terms other lexicons hold (gene and drug terms, the hand-kept cell lines); a name that shares a key
    is left out, and so is a key two accessions share (`PC3` is PC-3 and another line): it names neither for sure.
    """
    taken = {key for term in taken for key in term_keys(term)}
    owners: dict[str, set[str]] = {}
    for accession, label in labels.items():
        for form in name_forms(label):
            for key in term_keys(form):
                owners.setdefault(key, set()).add(accession)
    # A parent is a line a text can name alone: one of these names, or a term another lexicon holds.
    parents = {
        key for label in labels.values() for form in name_forms(label) if reads_as_name(form) for key in term_keys(form)
    }
    parents |= taken
    rows = []
    for accession, label in labels.items():
        norm = name_forms(label)[0]
        for form in name_forms(label):
            keys = term_keys(form)
            if not keys or not reads_as_name(form) or keys & taken or is_subline(form, parents):
                continue
            if any(len(owners[key]) > 1 for key in keys):
                continue
            rows.append((form, norm, accession, SOURCE, KIND))
    return rows
