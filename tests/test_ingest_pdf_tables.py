"""Line-end hyphens in PDFs: names broken at a line end are whole again."""

from __future__ import annotations

from pathlib import Path

import pytest
from pdf_fixture import LEFT_X, build_pdf, column

from pipeline.ingest import join_lines, read_pdf
from pipeline.ingest.hyphens import HyphenEvidence, hyphen_evidence
from pipeline.schema import Document


def pdf_document(path: Path, pages, rules=None) -> Document:
    path.write_bytes(build_pdf(pages, rules=rules))
    return next(read_pdf(path))


# ------------------------------------------------------------------------------------------------ hyphens


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(["levels of miR-195-", "5p rose"], "levels of miR-195-5p rose", id="mirna-arm"),
        pytest.param(["levels of miR-", "195-5p rose"], "levels of miR-195-5p rose", id="mirna-number"),
        pytest.param(["the Let-", "7c family"], "the Let-7c family", id="let-7"),
        pytest.param(["targets PIK3-", "R2 in"], "targets PIK3R2 in", id="gene-symbol-broken-before-a-capital"),
        pytest.param(["and MAP2-", "K1 in"], "and MAP2K1 in", id="gene-symbol-letters-after-digit"),
        pytest.param(["the resis-", "tance to"], "the resistance to", id="word"),
        pytest.param(["Resis-", "tance to"], "Resistance to", id="capitalised-word"),
        pytest.param(["with 5-", "FU and"], "with 5-FU and", id="number-before-a-capital-keeps"),
        pytest.param(["a 10-", "fold rise"], "a 10-fold rise", id="number-before-a-word-keeps"),
        pytest.param(["in HER2-", "positive cells"], "in HER2-positive cells", id="symbol-before-a-word-keeps"),
        pytest.param(["low E-", "cadherin"], "low E-cadherin", id="one-letter-prefix-keeps"),
        pytest.param(["the NF-", "κB pathway"], "the NF-κB pathway", id="abbreviation-keeps"),
        pytest.param(["a miRNA-", "mediated loss"], "a miRNA-mediated loss", id="mixed-case-keeps"),
        pytest.param(["refs [77–79", "] and"], "refs [77–79] and", id="closing-bracket-glues"),
    ],
)
def test_join_lines_joins_a_name_broken_at_a_line_end(lines: list[str], expected: str) -> None:
    assert join_lines(lines, HyphenEvidence()) == expected


@pytest.mark.parametrize(
    ("lines", "seen", "expected"),
    [
        pytest.param(["targets PIK3-", "R2 in"], ["PIK3-R2 was low"], "targets PIK3-R2 in", id="hyphen-seen-keeps"),
        pytest.param(["low E-", "cadherin"], ["Ecadherin was low"], "low Ecadherin", id="whole-word-seen-joins"),
        pytest.param(["the drug-", "resistant"], ["drug-resistant cells"], "the drug-resistant", id="compound-seen"),
    ],
)
def test_the_documents_own_spelling_decides_first(lines: list[str], seen: list[str], expected: str) -> None:
    assert join_lines(lines, hyphen_evidence(seen)) == expected


def test_hyphen_evidence_keeps_every_pair_of_a_name() -> None:
    evidence = hyphen_evidence(["miR-195-5p and PIK3R2"])
    assert {"mir-195", "195-5p"} <= evidence.hyphenated and "pik3r2" in evidence.solid


BROKEN_NAMES = [
    "Breast cancer cells that resist tamoxifen",
    "We found that miR-195-",
    "5p directly targets PIK3-",
    "R2 in MCF-7 cells and that its loss",
    "leads to tamoxifen resis-",
    "tance with a 10-",
    "fold rise of PIK3R2 protein.",
]


@pytest.fixture(scope="module")
def broken_names(tmp_path_factory: pytest.TempPathFactory, extractor):
    path = tmp_path_factory.mktemp("hyphens") / "names.pdf"
    document = pdf_document(path, [column(LEFT_X, 700, BROKEN_NAMES, gap_before=(1,))])
    return document, extractor(document)


@pytest.mark.parametrize(
    "snippet",
    ["miR-195-5p directly targets PIK3R2 in", "tamoxifen resistance with a 10-fold rise"],
)
def test_a_pdf_paragraph_joins_broken_names(broken_names, snippet: str) -> None:
    assert snippet in broken_names[0].text


def test_names_broken_at_a_line_end_are_found_whole(broken_names) -> None:
    _, extraction = broken_names
    mentions = {(m.type, m.norm) for m in extraction.mentions}
    assert {("mirna", "miR-195-5p"), ("gene", "PIK3R2")} <= mentions
    assert ("mirna", "miR-195") not in mentions
    assert ("miR-195-5p", "targets", "PIK3R2") in {(r.mirna, r.relation, r.partner) for r in extraction.relations}
