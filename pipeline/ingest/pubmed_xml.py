"""PubMed XML (PubmedArticleSet), streamed article by article."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.schema import Document, InputError

from .errors import STAGE
from .front_matter import parse_year
from .records import record_document
from .xml_safety import stream_elements

PUBMED_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")


def read_pubmed_xml(path: str | Path) -> Iterator[Document | InputError]:
    """One Document per PubmedArticle, streamed; entity declarations are refused and nothing is fetched."""
    path = Path(path)
    for article in stream_elements(path, PUBMED_RECORD_TAGS):
        yield _pubmed_article(path, article)


def _text_of(element) -> str:
    """All text inside an element, inline markup (<i>, <sup>) kept as text, whitespace collapsed."""
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _pubmed_article(path: Path, article) -> Document | InputError:
    source = f"{path}:{article.sourceline}"
    citation = article.find("MedlineCitation")
    if citation is None:
        citation = article.find("BookDocument")
    if citation is None:
        return InputError(source, "", STAGE, f"<{article.tag}> without MedlineCitation: not a PubMed record")
    pmid = _text_of(citation.find("PMID"))
    if not pmid.isdigit():
        return InputError(source, "", STAGE, f"<{article.tag}> without a numeric <PMID>: every record needs one")
    title = _text_of(citation.find(".//ArticleTitle")) or _text_of(citation.find(".//BookTitle"))
    abstract = "\n".join(_abstract_part(part) for part in citation.iterfind(".//Abstract/AbstractText"))
    if not (title or abstract.strip()):
        return InputError(source, f"PMID:{pmid}", STAGE, "PubMed record without ArticleTitle or AbstractText")
    return record_document(
        f"PMID:{pmid}", title, abstract, str(path), "pubmed_xml",
        pmid=pmid, doi=_pubmed_doi(article), year=_pubmed_year(citation),
        pmcid=_text_of(article.find('.//ArticleIdList/ArticleId[@IdType="pmc"]')) or None,
        journal=_text_of(citation.find(".//Journal/Title")) or _text_of(citation.find(".//MedlineTA")) or None,
    )


def _abstract_part(part) -> str:
    label = part.get("Label")
    text = _text_of(part)
    return f"{label}: {text}" if label else text


def _pubmed_doi(article) -> str | None:
    for path in ('.//ArticleIdList/ArticleId[@IdType="doi"]', './/ELocationID[@EIdType="doi"]'):
        doi = _text_of(article.find(path))
        if doi:
            return doi
    return None


def _pubmed_year(citation) -> int | None:
    for path in (".//PubDate/Year", ".//PubDate/MedlineDate", ".//ArticleDate/Year", ".//DateCompleted/Year"):
        year = parse_year(_text_of(citation.find(path)))
        if year:
            return year
    return None
