"""A tiny curated store for the review workbench's tests, and a way to read the page's forms.

The run (written directly, no spaCy): three named findings with documents (PubMed, PMC, DOI), a negated and a hedged
sentence, one sentence carrying hostile HTML, and FILLER more `targets` findings so that the list has two pages.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

from pipeline.curate import finding_id, merge_run
from pipeline.output import DOCUMENTS, RELATIONS, write_tsv

HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
FILLER = 55
RESISTANCE = finding_id("miR-21", "confers_resistance", "trastuzumab")
TARGETS = finding_id("miR-21", "targets", "PTEN")
SENSITIZES = finding_id("miR-221", "sensitizes", "tamoxifen")
ASSOCIATED = finding_id("miR-9", "associated", "cisplatin")
NAMED = (RESISTANCE, TARGETS, SENSITIZES, ASSOCIATED)
FILLERS = tuple(finding_id(f"miR-{300 + i}", "targets", f"GENE{i}") for i in range(FILLER))


def relation(relation_id: str, doc_id: str, mirna: str, kind: str, partner: str, partner_type: str, sentence: str, **more: str) -> tuple[str, ...]:
    values = {
        "relation_id": relation_id, "doc_id": doc_id, "section": "abstract", "sentence_id": "1", "mirna": mirna,
        "relation": kind, "direction": {"targets": "down", "confers_resistance": "down", "sensitizes": "up"}.get(kind, ""),
        "partner": partner, "partner_type": partner_type, "partner_id": "", "negated": "false", "hedged": "false",
        "rule": "cue.test", "confidence": "0.80", "mirna_start": "0", "mirna_end": "6", "partner_start": "20",
        "partner_end": "25", "sentence": sentence, **more,
    }  # fmt: skip
    return tuple(values.get(name, "") for name in RELATIONS.columns)


def run_rows(extra: tuple[tuple[str, ...], ...] = ()) -> list[tuple[str, ...]]:
    rows = [
        relation("a100000000000001", "PMID:101", "miR-21", "confers_resistance", "trastuzumab", "drug",
                 "High miR-21 confers trastuzumab resistance in SKBR3 cells.", cancer="breast cancer", confidence="0.90"),
        relation("a100000000000002", "PMID:102", "miR-21", "confers_resistance", "trastuzumab", "drug",
                 f"{HOSTILE} microRNA-21 also confers {HOSTILE} trastuzumab resistance.", cancer="breast cancer"),
        relation("a200000000000001", "PMID:101", "miR-21", "targets", "PTEN", "gene",
                 "miR-21 directly targets PTEN.", cancer="breast cancer", confidence="0.95"),
        relation("a300000000000001", "PMID:103", "miR-221", "sensitizes", "tamoxifen", "drug",
                 "miR-221 may sensitize cells to tamoxifen.", cancer="melanoma", hedged="true", confidence="0.55"),
        relation("a400000000000001", "PMID:103", "miR-9", "associated", "cisplatin", "drug",
                 "miR-9 is associated with cisplatin response.", confidence="0.60"),
        relation("a400000000000002", "PMID:104", "miR-9", "associated", "cisplatin", "drug",
                 "miR-9 did not change cisplatin response.", negated="true", confidence="0.60"),
    ]  # fmt: skip
    for i in range(FILLER):
        rows.append(relation(f"f{i:015d}", f"PMID:{200 + i}", f"miR-{300 + i}", "targets", f"GENE{i}", "gene",
                             f"miR-{300 + i} targets GENE{i}.", confidence="0.70"))  # fmt: skip
    return sorted([*rows, *extra])


def write_run(folder: Path, extra: tuple[tuple[str, ...], ...] = ()) -> Path:
    folder.mkdir(parents=True)
    rows = run_rows(extra)
    write_tsv(folder / "relations.tsv", RELATIONS.columns, rows)
    documents = []
    for doc_id in sorted({row[RELATIONS.columns.index("doc_id")] for row in rows}):
        pmid = doc_id[5:]
        values = {
            "doc_id": doc_id, "pmid": pmid, "pmcid": f"PMC{pmid}" if pmid == "101" else "", "doi": f"10.1000/test.{pmid}",
            "title": f"Paper {pmid}" if pmid != "102" else f"A title with {HOSTILE}", "journal": "Invented Oncology",
            "year": "2020", "source": "test", "sha256": "", "n_mentions": "0", "n_relations": "1",
        }  # fmt: skip
        documents.append([values[name] for name in DOCUMENTS.columns])
    write_tsv(folder / "documents.tsv", DOCUMENTS.columns, documents)
    (folder / "run.json").write_text(json.dumps({"test": folder.name, "extra": len(extra)}) + "\n", encoding="utf-8")
    return folder


def make_store(folder: Path) -> Path:
    db = folder / "curated.db"
    merge_run(db, write_run(folder / "run"))
    return db


def form_fields(html: str, fid: str) -> dict[str, str]:
    """The fields of a finding's decision form as the page fills them (hidden fields, note, correction choices)."""
    block = re.search(rf'<tbody class="finding" id="f-{fid}".*?</tbody>', html, re.DOTALL)
    assert block is not None, f"finding {fid} is not on the page"
    form = re.search(r'<form class="decide".*?</form>', block.group(0), re.DOTALL).group(0)
    fields = {name: unescape(value) for name, value in re.findall(r'<input [^>]*?name="(\w+)" value="([^"]*)"', form)}
    for name, options in re.findall(r'<select name="(\w+)">(.*?)</select>', form, re.DOTALL):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        fields[name] = unescape(chosen.group(1)) if chosen else ""
    return fields


def shown_ids(html: str) -> list[str]:
    """The finding ids on the page, in order."""
    return re.findall(r'<tbody class="finding" id="f-(\w+)"', html)
