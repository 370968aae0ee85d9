"""Abstract records (MEDLINE, PubMed XML, JSON Lines): a title and an abstract become one Document."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from pipeline.schema import CorpusRecord, Document, InputError, Section


def record_document(
    doc_id: str,
    title: str,
    abstract: str,
    source: str,
    fmt: str,
    *,
    pmid: str | None = None,
    doi: str | None = None,
    year: int | None = None,
    pmcid: str | None = None,
    journal: str | None = None,
) -> Document:
    """A Document whose text is the title, a blank line and the abstract, with one section for each."""
    title, abstract = title.strip(), abstract.strip()
    parts = [(label, part) for label, part in (("title", title), ("abstract", abstract)) if part]
    sections = []
    offset = 0
    for label, part in parts:
        sections.append(Section(label, offset, offset + len(part)))
        offset += len(part) + 2
    return Document(
        doc_id=doc_id,
        text="\n\n".join(part for _, part in parts),
        sections=tuple(sections),
        source=source,
        format=fmt,
        pmid=pmid,
        doi=doi,
        year=year,
        title=title or None,
        pmcid=pmcid,
        journal=journal,
    )


def documents_of(records: Iterable[CorpusRecord | InputError]) -> Iterator[Document | InputError]:
    """The Documents of an annotated corpus's records (what `mirmine run` reads), its error rows as they are."""
    for record in records:
        yield record.document if isinstance(record, CorpusRecord) else record


def corpus_doc_id(raw: str, fallback: str = "document") -> str:
    """The doc_id of an annotated corpus's document id: ``PMID:<n>`` for a number, ``PMCID:PMC<n>``, else as written."""
    raw = raw.strip()
    if raw.isdigit():
        return f"PMID:{raw}"
    if re.fullmatch(r"PMC\d+", raw):
        return f"PMCID:{raw}"
    return raw or fallback
