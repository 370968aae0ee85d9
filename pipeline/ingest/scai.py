"""The SCAI miRNA corpus XML (``<corpus>`` of ``<document origId=PMID>`` of ``<sentence>``s), streamed.

Each sentence carries its text and its entities, with inclusive, sentence-relative ``charOffset="a-b"`` (several
ranges ``a-b,c-d``: the span from the first to the last). A Document is the sentences in the order of their
``origId`` number (``PMID.s0`` is the title), each on its own line; entity offsets are mapped onto that text. Pairs
(``<pair e1 e2 interaction="True|False" type>``) become ``CorpusRelation``s of the two entity ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.schema import CorpusAnnotation, CorpusRecord, CorpusRelation, Document, InputError, Section

from .errors import STAGE, IngestError
from .records import corpus_doc_id, documents_of
from .xml_safety import stream_elements

FORMAT = "scai"
SENTENCE_NUMBER = re.compile(r"\.s(\d+)$")
CHAR_RANGE = re.compile(r"(\d+)-(\d+)")


def read_scai(path: str | Path) -> Iterator[Document | InputError]:
    """The documents of a SCAI corpus file (its annotations are read by ``read_scai_records``)."""
    return documents_of(read_scai_records(path))


def read_scai_records(path: str | Path) -> Iterator[CorpusRecord | InputError]:
    """Each ``<document>`` with its entities and pairs; entity declarations are refused, nothing is fetched."""
    path = Path(path)
    for element in stream_elements(path, "document"):
        origin = element.get("origId", "")
        doc_id = corpus_doc_id(origin, fallback=element.get("id", "document"))
        try:
            yield _record(path, element, doc_id, origin)
        except IngestError as err:
            yield InputError(err.source, doc_id, STAGE, err.message)


def _sentence_number(sentence) -> int:
    match = SENTENCE_NUMBER.search(sentence.get("origId", "") or sentence.get("id", ""))
    return int(match.group(1)) if match else 0


def _record(path: Path, element, doc_id: str, origin: str) -> CorpusRecord:
    sentences = sorted(element.findall("sentence"), key=_sentence_number)
    pieces, annotations, relations, offset = [], [], [], 0
    title_end = None
    for sentence in sentences:
        text = sentence.get("text", "")
        if _sentence_number(sentence) == 0:
            title_end = offset + len(text.rstrip())
        for entity in sentence.findall("entity"):
            annotations.append(_entity(f"{path}:{entity.sourceline}", entity, text, offset))
        for pair in sentence.findall("pair"):
            label = pair.get("interaction", "")
            relations.append(CorpusRelation(pair.get("type", ""), (pair.get("e1", ""), pair.get("e2", "")), label))
        pieces.append(text)
        offset += len(text) + 1
    full = "\n".join(pieces)
    sections = []
    if title_end is not None and title_end > 0:
        sections.append(Section("title", 0, title_end))
    body_start = full.find("\n") + 1 if title_end is not None else 0
    if body_start and body_start < len(full) or not title_end and full:
        sections.append(Section("abstract", body_start, len(full)))
    title = full[:title_end] if title_end else None
    document = Document(doc_id, full, tuple(sections), str(path), FORMAT, pmid=origin if origin.isdigit() else None,
                        title=title)  # fmt: skip
    return CorpusRecord(document, tuple(annotations), tuple(relations))


def _entity(source: str, entity, sentence_text: str, offset: int) -> CorpusAnnotation:
    ranges = [(int(a), int(b)) for a, b in CHAR_RANGE.findall(entity.get("charOffset", ""))]
    written = entity.get("text", "")
    if not ranges:
        raise IngestError(source, f"entity {entity.get('id')} without a charOffset a-b; fix it")
    start, end = min(a for a, _ in ranges), max(b for _, b in ranges) + 1
    if len(ranges) == 1 and sentence_text[start:end] != written:
        raise IngestError(
            source, f"entity {entity.get('id')} {written!r} at {start}-{end - 1}, but its sentence has "
            f"{sentence_text[start:end]!r} there; fix the offsets"
        )
    return CorpusAnnotation(offset + start, offset + end, written, entity.get("type", ""), "", entity.get("id", ""))
