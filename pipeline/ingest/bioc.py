"""BioC XML (a ``<collection>`` of ``<document>``s, as MMIC, PubTator3 and PMC's BioC service write it), streamed.

A document's passages are laid out at their ``<offset>`` (gaps filled with line breaks; a passage without one follows
the previous after a line break), so BioC's document offsets are Document offsets. A passage's ``type`` infon gives
its section (``title``, ``abstract``, ``table``, ``ref``...; none: ``abstract``). Annotations become
``CorpusAnnotation``s (several locations: the span from the first to the last); ``<relation>``s and an annotation
without a location that carries a ``relation`` infon (MMIC's sentence label) become ``CorpusRelation``s.

MMIC writes its pair inline as HTML-escaped tags (``&lt;miRNA&gt;miR-21&lt;/miRNA&gt;``) and counts its offsets over
the unescaped text: such tags are dropped from the text and the offsets mapped, so the Document reads as the sentence
did. A document id seen before in the file gets ``#2``, ``#3``... (MMIC has one document per sentence).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path

from pipeline.schema import CorpusAnnotation, CorpusRecord, CorpusRelation, Document, InputError, Section

from .errors import STAGE, IngestError
from .records import corpus_doc_id, documents_of
from .xml_safety import stream_elements

FORMAT = "bioc"
# A passage's type infon -> its section; any other type is body text.
PASSAGE_SECTIONS = {
    "title": "title", "front": "title", "title_1": "title", "abstract": "abstract", "abstract_title_1": "abstract",
    "table": "table", "table_caption": "table", "table_foot": "table", "ref": "reference", "reference": "reference",
}  # fmt: skip
ESCAPED_TAG = re.compile(r"&lt;/?[A-Za-z][\w-]*&gt;")
INLINE_TAG = re.compile(r"</?[A-Za-z][\w-]*>")


def read_bioc(path: str | Path) -> Iterator[Document | InputError]:
    """The documents of a BioC XML file (its annotations are read by ``read_bioc_records``)."""
    return documents_of(read_bioc_records(path))


def read_bioc_records(path: str | Path) -> Iterator[CorpusRecord | InputError]:
    """Each ``<document>`` with its annotations and relations; entity declarations are refused, nothing is fetched."""
    path = Path(path)
    seen: Counter[str] = Counter()
    for element in stream_elements(path, "document"):
        raw_id = (element.findtext("id") or "").strip()
        seen[raw_id] += 1
        doc_id = corpus_doc_id(raw_id) + (f"#{seen[raw_id]}" if seen[raw_id] > 1 else "")
        try:
            yield _record(path, element, doc_id)
        except IngestError as err:
            yield InputError(err.source, doc_id, STAGE, err.message)


def _infons(element) -> dict[str, str]:
    return {infon.get("key", ""): (infon.text or "") for infon in element.findall("infon")}


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


def _record(path: Path, element, doc_id: str) -> CorpusRecord:
    source = f"{path}:{element.sourceline}"
    layout, sections, annotations, relations = _Layout(), [], [], []
    located = [element]
    for passage in element.findall("passage"):
        raw = passage.findtext("text") or ""
        offset_text = passage.findtext("offset")
        try:
            bioc_offset = int(offset_text) if offset_text is not None else layout.next_offset()
        except ValueError as err:
            raise IngestError(source, f"passage offset {offset_text!r} is not a number; fix it") from err
        text, kept, bioc_length = _passage_text(raw)
        try:
            start = layout.add(bioc_offset, text, kept, bioc_length)
        except IngestError as err:
            raise IngestError(source, err.message) from err
        passage_type = _infons(passage).get("type")
        label = PASSAGE_SECTIONS.get(passage_type.lower(), "body") if passage_type else "abstract"
        if text:
            sections.append(Section(label, start, start + len(text)))
        located.append(passage)
    full = layout.text
    for holder in located:
        for annotation in holder.findall("annotation"):
            infons = _infons(annotation)
            locations = annotation.findall("location")
            if not locations:
                if "relation" in infons:
                    ids = tuple(a.get("id", "") for h in located for a in h.findall("annotation") if a.findall("location"))
                    relations.append(CorpusRelation("relation", ids, infons["relation"]))
                continue
            annotations.append(_annotation(source, layout, full, annotation, infons, locations))
        for relation in holder.findall("relation"):
            infons = _infons(relation)
            ids = tuple(node.get("refid", "") for node in relation.findall("node"))
            relations.append(CorpusRelation(infons.get("type", ""), ids, infons.get("label", infons.get("relation", ""))))
    title = next((full[s.start : s.end] for s in sections if s.label == "title"), None)
    pmid = doc_id.split("#")[0][5:] if doc_id.startswith("PMID:") else None
    document = Document(doc_id, full, tuple(sections), str(path), FORMAT, pmid=pmid, title=title)
    return CorpusRecord(document, tuple(annotations), tuple(relations))


def _annotation(source: str, layout: _Layout, full: str, annotation, infons: dict, locations) -> CorpusAnnotation:
    spans = []
    for location in locations:
        try:
            offset, length = int(location.get("offset", "")), int(location.get("length", ""))
        except ValueError as err:
            raise IngestError(source, f"annotation {annotation.get('id')}: location without a numeric offset and length") from err
        spans.append((offset, offset + length))
    bioc_start, bioc_end = min(s for s, _ in spans), max(e for _, e in spans)
    start, end = layout.offset(bioc_start), layout.offset(bioc_end, end=True)
    written = annotation.findtext("text") or ""
    if start is None or end is None or start >= end or (len(spans) == 1 and full[start:end] != written):
        shown = full[start:end] if start is not None and end is not None else "nothing"
        raise IngestError(
            source, f"annotation {annotation.get('id')} {written!r} at {bioc_start}-{bioc_end}, but the text has "
            f"{shown!r} there; fix the offsets"
        )
    kind = infons.get("type", "")
    concept = infons.get("identifier", infons.get("Identifier", ""))
    return CorpusAnnotation(start, end, written, kind, concept, annotation.get("id", ""))
