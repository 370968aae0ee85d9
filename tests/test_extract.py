"""The per-document path on documents that used to stall a batch: its work grows with the length of the text."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pipeline.benchmarks.pathological import SHAPES, pathological_text
from pipeline.ingest import detect_sections
from pipeline.relations.records import MAX_SENTENCE_CHARS, sentence_pieces
from pipeline.ruleset import load_ruleset
from pipeline.schema import DEFAULT_MAX_CHARS, Document, Mention

PIPELINE = str(Path(__file__).resolve().parent.parent / "pipeline")


def lines_run(extractor, text: str) -> int:
    """How many lines of mirmine's own code one extraction of ``text`` runs: an operation count, not a time."""
    document = Document("grown", text, detect_sections(text), source="generated", format="txt")
    count = 0

    def line(frame, event, arg):
        nonlocal count
        count += event == "line"
        return line

    def call(frame, event, arg):
        return line if frame.f_code.co_filename.startswith(PIPELINE) else None

    sys.settrace(call)
    try:
        extractor(document)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("shape", SHAPES)
def test_the_work_on_a_pathological_document_grows_with_its_length(extractor, shape: str) -> None:
    """Four times the text runs about four times the lines (a cost in the square of the length would run sixteen)."""
    small, large = (lines_run(extractor, pathological_text(shape, size)) for size in (3_000, 12_000))
    assert small > 1_000 and large / small < 6, (small, large)


def mention(start: int, end: int) -> Mention:
    return Mention("d", "body", 0, start, end, "x" * (end - start), "gene", "X", "", "test")


def test_a_real_sentence_is_one_piece() -> None:
    assert sentence_pieces("a b c", 0, 5, [mention(0, 1)]) == [((0, 5), [mention(0, 1)])]


def test_an_overlong_sentence_is_cut_at_spaces_outside_mentions_into_bounded_pieces() -> None:
    text = " ".join(["word"] * 3_000)  # 14,999 characters, no full stop
    names = [mention(at, at + 9) for at in range(0, len(text) - 9, 500)]  # a mention over "word word"
    pieces = sentence_pieces(text, 0, len(text), names)
    spans = [span for span, _ in pieces]
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))  # no character lost or read twice
    assert all(end - start <= MAX_SENTENCE_CHARS for start, end in spans)
    assert all(not any(m.start < end < m.end for m in names) for _, end in spans)  # no mention cut
    assert sum(len(found) for _, found in pieces) == len(names)


def test_a_document_over_max_chars_is_refused_before_spacy_sees_it() -> None:
    """spaCy's own limit (E088, which tells a user to change nlp.max_length) is the same number and never reached."""
    from pipeline.engine import extractor_for
    from pipeline.extract import DocumentTooLong

    extractor = extractor_for(load_ruleset(), None, 1_000)
    text = "miR-21 targets PTEN. " * 60  # 1,260 characters
    with pytest.raises(DocumentTooLong, match="1,260 characters, more than 1,000"):
        extractor(Document("long", text, detect_sections(text), source="generated", format="txt"))
    assert extractor.nlp.max_length == 1_000
    assert extractor(Document("short", text[:999], detect_sections(text[:999]), source="generated", format="txt")).mentions


def test_the_default_limit_lets_spacy_read_a_text_longer_than_its_own_default(extractor) -> None:
    assert extractor.nlp.max_length == DEFAULT_MAX_CHARS > 1_000_000
