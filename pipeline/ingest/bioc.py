"""BioC (a collection of documents made of passages, as MMIC, PubTator3 and PMC's BioC service write it): the XML
reader, streamed, and the one path from a BioC document to a Document and its annotations (``bioc_record``), which the
JSON reader (``bioc_json``) shares.

A document's passages are laid out at their ``offset`` (gaps filled with line breaks; a passage without one follows
the previous after a line break), so BioC's document offsets are Document offsets. A passage's infons give its
section (``bioc_text``: ``section_type`` and ``type``; no infons: ``abstract``); a table passage with an ``xml``
infon gets its rows back on lines of their own, changing only whitespace, so offsets stay true. Annotations become
``CorpusAnnotation``s (several locations: the span from the first to the last); relations and an annotation without a
location that carries a ``relation`` infon (MMIC's sentence label) become ``CorpusRelation``s.

MMIC writes its pair inline as HTML-escaped tags (``&lt;miRNA&gt;miR-21&lt;/miRNA&gt;``) and counts its offsets over
the unescaped text: such tags are dropped from the text and the offsets mapped, so the Document reads as the sentence
did. doc_id: ``PMCID:PMC<n>`` or ``PMID:<n>`` from the ``article-id_*`` infons, else from the document id (see
``records.corpus_doc_id``); an id seen before in the file gets ``#2``, ``#3``... (MMIC has one document per sentence).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import accumulate
from pathlib import Path
from typing import NamedTuple

from pipeline.schema import CorpusAnnotation, CorpusRecord, CorpusRelation, Document, InputError

from .bioc_text import PassageSections, bioc_metadata, table_text
from .errors import STAGE, IngestError
from .records import documents_of
from .xml_safety import stream_elements

FORMAT = "bioc"
ESCAPED_TAG = re.compile(r"&lt;/?[A-Za-z][\w-]*&gt;")
INLINE_TAG = re.compile(r"</?[A-Za-z][\w-]*>")
EMPTY_COLLECTION = "BioC collection without a document: nothing to read; export it again with its documents"


class BiocAnnotation(NamedTuple):
    """An annotation as BioC writes it: locations are (offset, length) pairs as written (text or numbers)."""

    ann_id: str
    infons: dict[str, str]
    locations: tuple[tuple[object, object], ...]
    text: str


class BiocRelation(NamedTuple):
    infons: dict[str, str]
    refids: tuple[str, ...]


class BiocPassage(NamedTuple):
    infons: dict[str, str]
    offset: object  # as written; None where the passage gives none
    text: str
    annotations: tuple[BiocAnnotation, ...]
    relations: tuple[BiocRelation, ...]


class BiocDocument(NamedTuple):
    """One BioC document, from XML or JSON; ``source`` names the file (and line) for error rows."""

    source: str
    raw_id: str
    infons: dict[str, str]
    passages: tuple[BiocPassage, ...]
    annotations: tuple[BiocAnnotation, ...]
    relations: tuple[BiocRelation, ...]


def read_bioc(path: str | Path) -> Iterator[Document | InputError]:
    """The documents of a BioC XML file (its annotations are read by ``read_bioc_records``)."""
    return documents_of(read_bioc_records(path))


def read_bioc_records(path: str | Path) -> Iterator[CorpusRecord | InputError]:
    """Each ``<document>`` with its annotations and relations; entity declarations are refused, nothing is fetched."""
    path = Path(path)
    documents = (_xml_document(path, element) for element in stream_elements(path, "document"))
    return bioc_records(path, documents, FORMAT)


def bioc_records(path: Path, documents: Iterable[BiocDocument], fmt: str) -> Iterator[CorpusRecord | InputError]:
    """The record of each BioC document (an InputError for one that cannot be read); an IngestError for none."""
    seen: Counter[str] = Counter()
    for document in documents:
        front = [document.infons, *(passage.infons for passage in document.passages[:1])]
        base_id, metadata = bioc_metadata(document.raw_id, front)
        seen[base_id] += 1
        doc_id = base_id + (f"#{seen[base_id]}" if seen[base_id] > 1 else "")
        try:
            yield bioc_record(path, document, doc_id, metadata, fmt)
        except IngestError as err:
            yield InputError(err.source, doc_id, STAGE, err.message)
    if not seen:
        raise IngestError(path, EMPTY_COLLECTION)


def _infons(element) -> dict[str, str]:
    return {infon.get("key", ""): (infon.text or "") for infon in element.findall("infon")}


def _xml_annotations(holder) -> tuple[BiocAnnotation, ...]:
    return tuple(
        BiocAnnotation(
            annotation.get("id", ""), _infons(annotation),
            tuple((loc.get("offset", ""), loc.get("length", "")) for loc in annotation.findall("location")),
            annotation.findtext("text") or "",
        )
        for annotation in holder.findall("annotation")
    )  # fmt: skip


def _xml_relations(holder) -> tuple[BiocRelation, ...]:
    return tuple(
        BiocRelation(_infons(relation), tuple(node.get("refid", "") for node in relation.findall("node")))
        for relation in holder.findall("relation")
    )


def _xml_document(path: Path, element) -> BiocDocument:
    passages = tuple(
        BiocPassage(_infons(p), p.findtext("offset"), p.findtext("text") or "", _xml_annotations(p), _xml_relations(p))
        for p in element.findall("passage")
    )
    return BiocDocument(
        f"{path}:{element.sourceline}", (element.findtext("id") or "").strip(), _infons(element), passages,
        _xml_annotations(element), _xml_relations(element),
    )  # fmt: skip


class _Layout:
    """Where each passage went in the Document's text: BioC offsets -> Document offsets."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.length = 0  # of the Document text so far
        self.shift = 0  # characters dropped (inline tags) before the next passage
        self.passages: list[tuple[int, int, int, list[int] | None]] = []  # (BioC start, BioC length, start, before)

    def next_offset(self) -> int:
        """The BioC offset of a passage that gives none: after the previous one and a line break."""
        if not self.passages:
            return 0
        bioc_start, bioc_length, _, _ = self.passages[-1]
        return bioc_start + bioc_length + 1

    def add(self, bioc_offset: int, text: str, before: list[int] | None, bioc_length: int) -> int:
        """Lay a passage out at its BioC offset (less the tag characters dropped before it); its Document start."""
        start = bioc_offset - self.shift
        if start < self.length:
            raise IngestError("", f"passage at offset {bioc_offset} overlaps the one before it; fix the offsets")
        self.pieces.append("\n" * (start - self.length) + text)
        self.passages.append((bioc_offset, bioc_length, start, before))
        self.length = start + len(text)
        self.shift += bioc_length - len(text)
        return start

    def offset(self, bioc: int, end: bool = False) -> int | None:
        """The Document offset of a BioC offset (``end``: an end offset, which may be the passage's end)."""
        for bioc_start, bioc_length, start, before in self.passages:
            local = bioc - bioc_start
            if 0 <= local < bioc_length or (end and local == bioc_length):
                return start + (before[local] if before is not None else local)
        return None

    @property
    def text(self) -> str:
        return "".join(self.pieces)


def _passage_text(raw: str) -> tuple[str, list[int] | None, int]:
    """(text, before, BioC length): the passage text with escaped inline tags dropped, ``before[i]`` the number of
    characters kept before position ``i`` of the unescaped text (so a BioC offset maps to a text offset); ``None``
    when nothing was dropped."""
    if not ESCAPED_TAG.search(raw):
        return raw, None, len(raw)
    unescaped = html.unescape(raw)
    keep = [True] * len(unescaped)
    for match in INLINE_TAG.finditer(unescaped):
        keep[match.start() : match.end()] = [False] * (match.end() - match.start())
    before = [0, *accumulate(keep)]
    return "".join(char for char, kept in zip(unescaped, keep) if kept), before, len(unescaped)


def _number(source: str, value: object, what: str) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError) as err:
        raise IngestError(source, f"{what} {value!r} is not a number; fix it") from err


def bioc_record(path: Path, document: BiocDocument, doc_id: str, metadata: dict, fmt: str) -> CorpusRecord:
    """The Document of a BioC document (passages at their offsets, sections from their infons) and its annotations."""
    source = document.source
    layout, sections = _Layout(), PassageSections()
    for passage in document.passages:
        given = passage.offset
        bioc_offset = layout.next_offset() if given is None else _number(source, given, "passage offset")
        text, kept, bioc_length = _passage_text(passage.text)
        text = table_text(text, passage.infons)
        try:
            start = layout.add(bioc_offset, text, kept, bioc_length)
        except IngestError as err:
            raise IngestError(source, err.message) from err
        sections.add(passage.infons, start, text)
    full = layout.text
    if not full.strip():
        raise IngestError(source, "BioC document without text in its passages: nothing to read; fix or remove it")
    annotations, relations = _annotations_and_relations(source, layout, full, document)
    found = sections.sections()
    title = next((full[s.start : s.end] for s in found if s.label == "title"), None)
    document_out = Document(doc_id, full, found, str(path), fmt, title=title, **metadata)
    return CorpusRecord(document_out, annotations, relations)


def _annotations_and_relations(
    source: str, layout: _Layout, full: str, document: BiocDocument
) -> tuple[tuple[CorpusAnnotation, ...], tuple[CorpusRelation, ...]]:
    holders = [(document.annotations, document.relations), *((p.annotations, p.relations) for p in document.passages)]
    located = tuple(a.ann_id for held, _ in holders for a in held if a.locations)
    annotations, relations = [], []
    for held, held_relations in holders:
        for annotation in held:
            if annotation.locations:
                annotations.append(_annotation(source, layout, full, annotation))
            elif "relation" in annotation.infons:
                relations.append(CorpusRelation("relation", located, annotation.infons["relation"]))
        for relation in held_relations:
            infons = relation.infons
            label = infons.get("label", infons.get("relation", ""))
            relations.append(CorpusRelation(infons.get("type", ""), relation.refids, label))
    return tuple(annotations), tuple(relations)


def _annotation(source: str, layout: _Layout, full: str, annotation: BiocAnnotation) -> CorpusAnnotation:
    spans = []
    for offset, length in annotation.locations:
        try:
            start, size = int(offset), int(length)  # type: ignore[call-overload]
        except (TypeError, ValueError) as err:
            message = f"annotation {annotation.ann_id}: location without a numeric offset and length"
            raise IngestError(source, message) from err
        spans.append((start, start + size))
    bioc_start, bioc_end = min(s for s, _ in spans), max(e for _, e in spans)
    start, end = layout.offset(bioc_start), layout.offset(bioc_end, end=True)
    written = annotation.text
    if start is None or end is None or start >= end or (len(spans) == 1 and full[start:end] != written):
        shown = full[start:end] if start is not None and end is not None else "nothing"
        raise IngestError(
            source, f"annotation {annotation.ann_id} {written!r} at {bioc_start}-{bioc_end}, but the text has "
            f"{shown!r} there; fix the offsets"
        )
    infons = annotation.infons
    concept = infons.get("identifier", infons.get("Identifier", ""))
    return CorpusAnnotation(start, end, written, infons.get("type", ""), concept, annotation.ann_id)
