"""Where a curator reads a document: its PubMed record, its PMC article and its DOI, from a documents.tsv row."""

from __future__ import annotations

_LINKS = (
    ("PubMed", "pmid", "https://pubmed.ncbi.nlm.nih.gov/{}/"),
    ("PMC", "pmcid", "https://www.ncbi.nlm.nih.gov/pmc/articles/{}/"),
    ("DOI", "doi", "https://doi.org/{}"),
)


def document_links(document: dict) -> list[tuple[str, str]]:
    """(label, address) of a documents.tsv row: its PubMed record, its PMC article and its DOI, where it has them."""
    return [(label, address.format(document[key])) for label, key, address in _LINKS if document.get(key)]
