"""BioC JSON: a collection (``{"documents": [...]}``), a list of collections (PMC's BioC service), PubTator3's
``{"PubTator3": [documents]}``, one document, or several of these one after another (JSON Lines); read whole.

Each document goes the path of a BioC XML document (``bioc.bioc_record``): the same text, sections, doc_id and
annotations. PubTator3's ``pmid`` and ``pmcid`` fields count as ``article-id_pmid`` and ``article-id_pmc`` infons.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from pipeline.schema import CorpusRecord, Document, InputError

from .bioc import BiocAnnotation, BiocDocument, BiocPassage, BiocRelation, bioc_records
from .errors import IngestError
from .records import documents_of
from .text import decode_text

FORMAT = "bioc_json"
SHAPES = 'a BioC collection ({"documents": [...]}), a list of them, or PubTator3\'s {"PubTator3": [...]}'


def read_bioc_json(path: str | Path) -> Iterator[Document | InputError]:
    """The documents of a BioC JSON file (its annotations are read by ``read_bioc_json_records``)."""
    return documents_of(read_bioc_json_records(path))


def read_bioc_json_records(path: str | Path) -> Iterator[CorpusRecord | InputError]:
    """Each document of a BioC JSON file with its annotations and relations."""
    path = Path(path)
    text, _ = decode_text(path, path.read_bytes())
    documents = [_document(path, raw, number) for number, raw in enumerate(_raw_documents(path, text), start=1)]
    return bioc_records(path, documents, FORMAT)


def _values(path: Path, text: str) -> Iterator[object]:
    """Each JSON value of the text: one, or several one after another."""
    decoder, position = json.JSONDecoder(), 0
    text = text.lstrip("\ufeff")
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            return
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as err:
            raise IngestError(
                path, f"malformed JSON at line {err.lineno}, column {err.colno}: {err.msg}; fix it or export it again"
            ) from err
        yield value


def _raw_documents(path: Path, text: str) -> Iterator[dict]:
    for value in _values(path, text):
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, dict):
                raise IngestError(path, f"a JSON {type(item).__name__} where {SHAPES} belongs; export it again")
            if "passages" in item:
                yield item
            elif isinstance(item.get("documents"), list):
                yield from _objects(path, item["documents"])
            elif isinstance(item.get("PubTator3"), list):
                yield from _objects(path, item["PubTator3"])
            else:
                raise IngestError(path, f"JSON without documents or passages: not BioC; it should be {SHAPES}")


def _objects(path: Path, items: list) -> Iterator[dict]:
    for item in items:
        if not isinstance(item, dict):
            raise IngestError(path, f"a BioC document is a JSON object, not a {type(item).__name__}; export it again")
        yield item


def _infons(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(key): "" if item is None else str(item) for key, item in value.items()}


def _list(value: object) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _annotations(holder: dict) -> tuple[BiocAnnotation, ...]:
    return tuple(
        BiocAnnotation(
            str(item.get("id", "")), _infons(item.get("infons")),
            tuple((loc.get("offset"), loc.get("length")) for loc in _list(item.get("locations"))),
            str(item.get("text") or ""),
        )
        for item in _list(holder.get("annotations"))
    )  # fmt: skip


def _relations(holder: dict) -> tuple[BiocRelation, ...]:
    return tuple(
        BiocRelation(_infons(item.get("infons")), _refids(item))
        for item in _list(holder.get("relations"))
    )


def _refids(relation: dict) -> tuple[str, ...]:
    return tuple(str(node.get("refid", "")) for node in _list(relation.get("nodes")))


def _document(path: Path, raw: dict, number: int) -> BiocDocument:
    infons = _infons(raw.get("infons"))
    for field, key in (("pmid", "article-id_pmid"), ("pmcid", "article-id_pmc")):
        if raw.get(field) not in (None, "") and not infons.get(key):
            infons[key] = str(raw[field])
    passages = tuple(
        BiocPassage(
            _infons(item.get("infons")), item.get("offset"), str(item.get("text") or ""),
            _annotations(item), _relations(item),
        )
        for item in _list(raw.get("passages"))
    )  # fmt: skip
    return BiocDocument(
        f"{path}:document {number}", str(raw.get("id") or ""), infons, passages, _annotations(raw), _relations(raw)
    )
