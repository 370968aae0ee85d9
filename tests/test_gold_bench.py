"""The relation gold of the bench abstracts (corpus/gold-bench/): the documents it covers are the documented random
draw, so nobody chose them by what mirmine finds in them."""

from __future__ import annotations

import json
import random
from pathlib import Path

from conftest import shared_file

GOLD_BENCH = Path(__file__).resolve().parents[1] / "corpus" / "gold-bench"
SEED, SIZE = 20261203, 150


def _sample() -> list[str]:
    header, *rows = (GOLD_BENCH / "sample.tsv").read_text(encoding="utf-8").splitlines()
    assert header == "doc_id"
    return rows


def test_the_sample_holds_150_distinct_pubmed_documents() -> None:
    rows = _sample()
    assert len(rows) == SIZE == len(set(rows))
    assert all(row.startswith("PMID:") and row[5:].isdigit() for row in rows)


def test_the_sample_is_the_documented_draw_from_the_bench_abstracts() -> None:
    bench = shared_file("bench", "mirna_abstracts.jsonl")
    with bench.open(encoding="utf-8") as handle:
        pmids = sorted({json.loads(line)["pmid"] for line in handle if line.strip()}, key=int)
    drawn = sorted(random.Random(SEED).sample(pmids, SIZE), key=int)
    assert _sample() == [f"PMID:{pmid}" for pmid in drawn]
