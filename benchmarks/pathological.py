"""Documents of the shapes that used to stall a batch, and how extraction time grows with their length.

Four shapes, each generated to any size from a fixed seed:

* ``no_punctuation``: one "sentence" with no full stop, of everyday words and names (a word list, a text dump);
* ``dense_mentions``: one miRNA, gene, drug or cell-line name every few words, with relation cue words between them;
* ``table_dump``: a ``Table 1:`` caption over tab-separated rows of names and numbers (a spreadsheet pasted as text);
* ``long_names``: relation cues right before long names of genes and lists of them (`potential targets of
  beta-site amyloid precursor protein-cleaving enzyme 1`): a cue pattern that repeats a group over a masked name
  backtracks there (one such pattern once took 15 s on one abstract).

``python -m pipeline.benchmarks.pathological [--sizes 10000 100000 1000000] [--json]`` times ``Extractor`` on each
shape and size in this process (best of ``--passes``) and reports seconds per MB beside the smallest size's: a step
whose cost grows faster than the text shows as a ratio above 1. Timings live here; the tests count operations.

Example: python -m pipeline.benchmarks.pathological --sizes 10000 100000 --json
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Sequence
from typing import Any

from .tables import number, table

SHAPES = ("no_punctuation", "dense_mentions", "table_dump", "long_names")
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)

_WORDS = (
    "the of and in to with was were cells expression levels by for that as on patients cancer tumour growth "
    "increased decreased analysis data study results group samples control treatment response high low"
).split()
_MIRNAS = ("miR-21", "miR-155", "miR-200c", "let-7a", "miR-34a-5p", "miR-221/222", "miR-17-92")
_GENES = ("PTEN", "AKT", "KRAS", "TP53", "ERBB2", "BCL2", "EGFR", "ABCB1", "MYC", "VEGFA")
_DRUGS = ("cisplatin", "gemcitabine", "doxorubicin", "5-FU", "tamoxifen", "paclitaxel", "trastuzumab")
_LINES = ("MCF-7", "HCT116", "PANC-1", "A549", "SW480", "HeLa")
_CUES = ("targets", "suppresses", "confers resistance to", "sensitizes cells to", "reverses", "promotes", "(AKT)")
_NAMES = _MIRNAS + _GENES + _DRUGS + _LINES
_LONG_NAMES = (
    "beta-site amyloid precursor protein-cleaving enzyme 1", "phosphatase and tensin homolog deleted on chromosome ten",
    "hypoxia-inducible factor-1alpha", "ATP-binding cassette sub-family G member 2", "programmed cell death protein 4",
)
_LONG_CUES = (
    "potential targets of", "a direct target of", "the 3'-UTR of", "as miR-21 targets", "was induced by", "sponges",
    "regulators of", "in response to", "and their target genes",
)


def pathological_text(shape: str, size: int, seed: int = 0) -> str:
    """A text of about ``size`` characters (never more) of one of the SHAPES."""
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}, not {shape!r}")
    rng = random.Random(f"{shape}-{seed}")
    if shape == "table_dump":
        head = "Table 1: miRNAs, genes and drugs in resistant cell lines\n\nmiRNA\tgene\tdrug\tline\tfold\tp\n"
        pieces, length = [head], len(head)
        while length < size:
            row = "\t".join(
                (rng.choice(_MIRNAS), rng.choice(_GENES), rng.choice(_DRUGS), rng.choice(_LINES),
                 f"{rng.uniform(0.1, 9.9):.2f}", f"{rng.uniform(0, 0.05):.3f}")
            ) + "\n"  # fmt: skip
            pieces.append(row)
            length += len(row)
        return "".join(pieces)[:size]
    words, length = [], 0
    if shape == "long_names":
        while length < size:
            names = ", ".join(rng.choice(_LONG_NAMES) for _ in range(rng.randint(1, 4)))
            word = f"{rng.choice(_MIRNAS)} {rng.choice(_LONG_CUES)} {names} {rng.choice(_WORDS)}."
            words.append(word)
            length += len(word) + 1
        return " ".join(words)[:size].rstrip()
    while length < size:
        if shape == "dense_mentions":
            word = rng.choice(_NAMES) if len(words) % 3 == 0 else rng.choice(_CUES + tuple(_WORDS[:8]))
        else:
            word = rng.choice(_NAMES) if rng.random() < 0.08 else rng.choice(_WORDS)
        words.append(word)
        length += len(word) + 1
    return " ".join(words)[:size].rstrip()


def time_shapes(sizes: Sequence[int], passes: int = 1, shapes: Sequence[str] = SHAPES) -> dict[str, Any]:
    """Seconds (best of ``passes``) of one ``Extractor`` call per shape and size, and seconds per MB."""
    from pipeline.extract import Extractor
    from pipeline.ingest import detect_sections
    from pipeline.schema import Document, Section

    extractor = Extractor()
    extractor(Document("warm", "miR-21 targets PTEN.", (Section("abstract", 0, 20),), "warm", "txt"))
    results: dict[str, Any] = {}
    for shape in shapes:
        rows = []
        for size in sizes:
            text = pathological_text(shape, size)
            best = float("inf")
            for _ in range(passes):
                # Sections as a plain-text file gets them: the labeller reads the whole text too.
                started = time.perf_counter()
                document = Document(f"{shape}-{size}", text, detect_sections(text), "generated", "txt")
                extraction = extractor(document)
                best = min(best, time.perf_counter() - started)
            rows.append({
                "chars": len(text), "seconds": best, "seconds_per_mb": best / len(text) * 1e6,
                "mentions": len(extraction.mentions), "relations": len(extraction.relations),
            })  # fmt: skip
        for row in rows:
            row["per_mb_vs_smallest"] = row["seconds_per_mb"] / rows[0]["seconds_per_mb"]
        results[shape] = rows
    return results


TARGET_RATIO = 2.0  # seconds per MB of any size within this factor of the smallest size's


def target(results: dict[str, Any]) -> dict[str, Any]:
    """Whether every shape keeps its seconds per MB within TARGET_RATIO of its smallest size's."""
    worst = max(row["per_mb_vs_smallest"] for rows in results.values() for row in rows)
    return {"target": f"seconds per MB within {TARGET_RATIO:g}x of the smallest size's", "measured": worst, "met": worst <= TARGET_RATIO}


def format_report(results: dict[str, Any]) -> str:
    header = ("shape", "chars", "seconds", "s per MB", "x smallest", "mentions", "relations")
    rows = [
        (shape, number(row["chars"]), f"{row['seconds']:.3f}", f"{row['seconds_per_mb']:.2f}",
         f"{row['per_mb_vs_smallest']:.2f}", number(row["mentions"]), number(row["relations"]))
        for shape, shape_rows in results.items() for row in shape_rows
    ]  # fmt: skip
    goal = target(results)
    verdict = "met" if goal["met"] else "NOT met"
    return f"{table(header, rows)}\n\n{goal['target']}: worst {goal['measured']:.2f}x, {verdict}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.benchmarks.pathological", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES), help="Text sizes in characters.")
    parser.add_argument("--passes", type=int, default=1, help="Runs of each text; the best counts.")
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=SHAPES, help="Which shapes to time.")
    parser.add_argument("--json", action="store_true", help="Print the results as JSON.")
    args = parser.parse_args(argv)
    results = time_shapes(sorted(args.sizes), args.passes, args.shapes)
    print(json.dumps({"shapes": results, "target": target(results)}, indent=2) if args.json else format_report(results))


if __name__ == "__main__":
    main()
