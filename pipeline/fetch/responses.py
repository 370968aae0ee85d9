"""Reading E-utilities answers: an esearch result, and the PubMed records of an efetch batch.

Answers are parsed with entities, DTDs and the network off; an answer that declares entities is refused, since
its entity references could not be written out as plain PubMed XML.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .errors import BadResponse

RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")


class ErrorDocument(BadResponse):
    """A well-formed answer that holds the service's ``<ERROR>`` instead of records."""


@dataclass(frozen=True)
class SearchResult:
    """What esearch found: how many records match, the first PMIDs, and where the history server keeps them."""

    count: int
    pmids: tuple[str, ...]
    webenv: str | None
    query_key: str | None


@dataclass(frozen=True)
class Record:
    """One PubMed record of an efetch answer, serialized on its own (UTF-8, no XML declaration)."""

    pmid: str
    xml: bytes


def _parse(body: bytes) -> etree._Element:
    if not body.strip():
        raise BadResponse("an empty body")
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as err:
        raise BadResponse(f"malformed XML: {' '.join(str(err.msg).split())[:120]}") from err
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise BadResponse("XML that declares entities")
    return root


def _error_text(root: etree._Element) -> str | None:
    error = root.find("ERROR")
    return " ".join("".join(error.itertext()).split()) if error is not None else None


def parse_esearch(body: bytes) -> SearchResult:
    """An ``<eSearchResult>``: Count, IdList, WebEnv and QueryKey; an ``<ERROR>`` without a Count is ErrorDocument."""
    root = _parse(body)
    if root.tag != "eSearchResult":
        raise BadResponse(f"<{root.tag}> where <eSearchResult> was expected")
    count_text = root.findtext("Count")
    if count_text is None:
        raise ErrorDocument(f"the service answered: {_error_text(root) or 'no <Count>'}")
    if not count_text.strip().isdigit():
        raise BadResponse(f"<Count> {count_text.strip()!r} is not a number")
    pmids = tuple(text.strip() for text in root.xpath("IdList/Id/text()"))
    if not all(pmid.isdigit() for pmid in pmids):
        raise BadResponse("an <Id> that is not a PMID")
    webenv = (root.findtext("WebEnv") or "").strip() or None
    query_key = (root.findtext("QueryKey") or "").strip() or None
    return SearchResult(int(count_text), pmids, webenv, query_key)


def parse_efetch(body: bytes) -> list[Record]:
    """The records of a ``<PubmedArticleSet>``, in their order; an ``<eFetchResult><ERROR>`` is ErrorDocument."""
    root = _parse(body)
    if root.tag == "eFetchResult":
        raise ErrorDocument(f"the service answered: {_error_text(root) or 'an eFetchResult without records'}")
    if root.tag != "PubmedArticleSet":
        raise BadResponse(f"<{root.tag}> where <PubmedArticleSet> was expected")
    records = []
    for element in root:
        if element.tag not in RECORD_TAGS:
            continue
        pmid = (element.findtext("MedlineCitation/PMID") or element.findtext("BookDocument/PMID") or "").strip()
        if not pmid.isdigit():
            raise BadResponse(f"a <{element.tag}> without a numeric <PMID>")
        records.append(Record(pmid, etree.tostring(element, encoding="UTF-8", xml_declaration=False, with_tail=False)))
    return records
