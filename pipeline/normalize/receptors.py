"""Receptors named by their ligand and subtype: the written forms of a row of rules/receptor_subtypes.tsv.

The literature names a receptor by its ligand and subtype in a few regular ways (IUPHAR/BPS nomenclature and its
variants): `AT1 receptor`, `AT1R`, `5-HT(2C) receptor`, `D2 dopamine receptor`, `dopamine D2 receptor`, `angiotensin
II type 1a receptor`, `adenosine receptor A2A`, `mu opioid receptor`, `GH receptor`. HGNC lists only some of them as
aliases. Each row gives the ligand's words, the abbreviation the subtype follows and the subtype (each with
`|`-separated alternatives); every form below is written for every combination, as a lexicon row of kind ``receptor``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import product

RECEPTOR_FILE = "receptor_subtypes.tsv"
RECEPTOR_COLUMNS = ("norm", "concept_id", "ligand", "abbreviation", "subtype", "source")
RECEPTOR_KIND = "receptor"

# {l}: the ligand's words, {a}: the abbreviation, {s}: the subtype (may be empty: `mu opioid receptor`, `GH receptor`).
FORMS = (
    "{a}{s} receptor", "{a} {s} receptor", "{a}({s}) receptor",
    "{l} {a}{s} receptor", "{l} {a}({s}) receptor", "{a}{s} {l} receptor", "{l} receptor {a}{s}",
    "{l} {s} receptor", "{l} type {s} receptor", "{l} subtype {s} receptor", "{l} receptor type {s}",
    "{l} receptor subtype {s}", "{l} receptor {s}",
)  # fmt: skip
# With a subtype only: `AT1R`, `5-HT2CR` (`GHR`, `TSHR` are the genes' own symbols).
SUBTYPE_FORMS = ("{a}{s}R",)
# Alone, the subtype's abbreviation names the receptor only when it is distinctive: led by a Latin capital or digit,
# with a digit and four letters and digits or more (`AT1a`, `5-HT2C`, `P2X7`, `PAR1`). `D2`, `H1`, `M3` (vitamin D2,
# histone H1, M3 macrophages), `AT2` and `NK1` (alveolar type 2 cells, natural killer cells) and Greek-led `β1`
# (integrin β1) are not; HGNC lists some of them as aliases, which count with a gene cue as any alias does.
BARE_FORMS = ("{a}{s}", "{a}({s})")
_DISTINCTIVE = re.compile(r"(?=.*\d)(?=(?:.*[^\W_]){4})[A-Z0-9][\w()-]*")


def receptor_rows(rows: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    """Lexicon rows (term, norm, concept_id, source, kind) of every written form of these receptor rows."""
    found = []
    for row in rows:
        seen = set()
        options = (row[column].split("|") for column in ("ligand", "abbreviation", "subtype"))
        for ligand, abbreviation, subtype in product(*options):
            for term in _forms(ligand, abbreviation, subtype):
                if term not in seen:
                    seen.add(term)
                    found.append(
                        {"term": term, "norm": row["norm"], "concept_id": row["concept_id"], "source": row["source"],
                         "kind": RECEPTOR_KIND}
                    )  # fmt: skip
    return found


def _forms(ligand: str, abbreviation: str, subtype: str) -> Iterable[str]:
    # Without a subtype, a form needs the abbreviation (`mu opioid receptor`): `opioid receptor` is the family.
    templates = FORMS + SUBTYPE_FORMS if subtype else [form for form in FORMS if "{a}" in form and "({s})" not in form]
    for template in templates:
        yield " ".join(template.format(l=ligand, a=abbreviation, s=subtype).split())
    if subtype:
        for template in BARE_FORMS:
            term = template.format(a=abbreviation, s=subtype)
            if abbreviation.isascii() and _DISTINCTIVE.fullmatch(term):
                yield term
