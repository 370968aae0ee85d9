"""PubTator (BioRED, BC5CDR, PubTator exports): a title line, an abstract line, then mention and relation lines.

PubTator offsets run over ``title + " " + abstract``. The Document's text is ``title + "\\n" + abstract``: the same
length, so every corpus offset is a Document offset, and the title ends at a line break. Lines:

    PMID|t|title
    PMID|a|abstract
    PMID<TAB>start<TAB>end<TAB>text<TAB>type<TAB>identifier[<TAB>more]     a mention
    PMID<TAB>type<TAB>argument<TAB>argument[<TAB>label]                    a relation (BioRED, BC5CDR's CID)

A record whose mention text is not the text at its offsets, or with a line of no known shape, is one ``InputError``
naming ``file:line``; the other records are read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.schema import CorpusAnnotation, CorpusRecord, CorpusRelation, Document, InputError, Section

from .errors import STAGE, IngestError
from .records import corpus_doc_id, documents_of
from .text import decode_text

TEXT_LINE = re.compile(r"([^\t|]+)\|([ta])\|(.*)")
FORMAT = "pubtator"


def read_pubtator(path: str | Path) -> Iterator[Document | InputError]:
    """The documents of a PubTator file (its annotations are read by ``read_pubtator_records``)."""
    return documents_of(read_pubtator_records(path))


def read_pubtator_records(path: str | Path) -> Iterator[CorpusRecord | InputError]:
    """Each record of a PubTator file with its mentions and relations, in file order."""
    path = Path(path)
    text, _ = decode_text(path, path.read_bytes())
    record: _Record | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        match = TEXT_LINE.fullmatch(line)
        if match:
            pmid, kind, value = match.groups()
            if record is not None and (pmid != record.pmid or kind == "t" or kind in record.texts):
                yield record.finish(path)
                record = None
            if record is None:
                record = _Record(pmid, number)
            record.texts[kind] = value
            continue
        fields = line.split("\t")
        if record is None or fields[0] != record.pmid:
            if record is not None:
                yield record.finish(path)
            record = None
            yield InputError(f"{path}:{number}", corpus_doc_id(fields[0]), STAGE, _NO_TEXT)
            continue
        record.lines.append((number, fields))
    if record is not None:
        yield record.finish(path)


_NO_TEXT = "an annotation line without its document's title and abstract lines (PMID|t|..., PMID|a|...) before it"


class _Record:
    """The lines of one PubTator document, read into a CorpusRecord when the next one starts."""

    def __init__(self, pmid: str, line: int) -> None:
        self.pmid, self.line = pmid, line
        self.texts: dict[str, str] = {}
        self.lines: list[tuple[int, list[str]]] = []

    def finish(self, path: Path) -> CorpusRecord | InputError:
        doc_id = corpus_doc_id(self.pmid)
        try:
            return self._record(path, doc_id)
        except IngestError as err:
            return InputError(err.source, doc_id, STAGE, err.message)

    def _record(self, path: Path, doc_id: str) -> CorpusRecord:
        title, abstract = self.texts.get("t", ""), self.texts.get("a", "")
        text = f"{title}\n{abstract}"
        sections = [Section("title", 0, len(title))] if title else []
        if abstract:
            sections.append(Section("abstract", len(title) + 1, len(text)))
        annotations, relations = [], []
        for number, fields in self.lines:
            if len(fields) >= 5 and fields[1].isdigit() and fields[2].isdigit():
                start, end = int(fields[1]), int(fields[2])
                if text[start:end].replace("\n", " ") != fields[3] or start >= end:
                    raise IngestError(
                        f"{path}:{number}", f"mention {fields[3]!r} at {start}-{end}, but the title and abstract have "
                        f"{text[start:end]!r} there; fix the offsets"
                    )
                concept = fields[5] if len(fields) > 5 else ""
                annotations.append(CorpusAnnotation(start, end, fields[3], fields[4], concept, str(len(annotations))))
            elif len(fields) >= 4 and not fields[1].isdigit():
                label = fields[4] if len(fields) > 4 else ""
                relations.append(CorpusRelation(fields[1], tuple(fields[2:4]), label))
            else:
                raise IngestError(f"{path}:{number}", "neither a mention nor a relation line of PubTator; fix or remove it")
        pmid = self.pmid if self.pmid.isdigit() else None
        document = Document(doc_id, text, tuple(sections), str(path), FORMAT, pmid=pmid, title=title or None)
        return CorpusRecord(document, tuple(annotations), tuple(relations))
