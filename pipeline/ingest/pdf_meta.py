"""What a PDF says about itself: its document information dictionary and its XMP metadata -> title, DOI, journal,
year, for documents.tsv.

Publishers write XMP (`dc:title`, `prism:doi`, `prism:publicationName`, `prism:coverDate`); word processors write the
information dictionary, whose `Title` is often a file name (`Microsoft Word - draft3.docx`): such a title is no title.
A PDF's creation date is not its publication year and is never read as one. Metadata that cannot be read costs the
document nothing but these fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO

from lxml import etree
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.utils import decode_text

from .front_matter import DOI, DOI_TRAILING, parse_year
from .xml_safety import parse_fragment

# A title a tool made up: a file name, an application's prefix, a placeholder.
NOT_A_TITLE = re.compile(r"^(?:microsoft word\s*-|untitled\b)|\.(?:docx?|pdf|tex|rtf|odt)$|^[\w.-]+$", re.IGNORECASE)
MIN_TITLE_WORDS = 3
# XMP fields by local name (their namespaces' versions differ: PRISM 2.0, 2.1, 3.0), most telling first.
XMP_DOI = ("doi",)
XMP_JOURNAL = ("publicationName",)
XMP_YEAR = ("coverDate", "publicationDate", "coverDisplayDate")
# Information-dictionary keys where publishers put a DOI or a citation line with one.
INFO_DOI_KEYS = ("doi", "WPS-ARTICLEDOI", "Subject", "Keywords")


@dataclass(frozen=True, slots=True)
class PdfMetadata:
    """The fields a PDF's metadata gives (None where it gives none)."""

    title: str | None = None
    doi: str | None = None
    journal: str | None = None
    year: int | None = None


def read_pdf_metadata(data: bytes) -> PdfMetadata:
    """Title, DOI, journal and year from the PDF's XMP metadata, else its information dictionary."""
    try:
        document = PDFDocument(PDFParser(BytesIO(data)))
        info = _info(document)
        xmp = _xmp(document)
    except Exception:  # noqa: BLE001  (pdfminer raises many kinds on odd files; the text path reports those)
        return PdfMetadata()
    title = _xmp_text(xmp, ("title",)) or info.get("Title")
    doi_text = _xmp_text(xmp, XMP_DOI) or " ".join(info.get(key, "") for key in INFO_DOI_KEYS)
    doi = DOI.search(doi_text or "")
    return PdfMetadata(
        title=title if title and _reads_as_title(title) else None,
        doi=doi.group().rstrip(DOI_TRAILING) if doi else None,
        journal=_xmp_text(xmp, XMP_JOURNAL),
        year=parse_year(_xmp_text(xmp, XMP_YEAR)),
    )


def _reads_as_title(title: str) -> bool:
    return len(title.split()) >= MIN_TITLE_WORDS and not NOT_A_TITLE.search(title.strip())


def _info(document: PDFDocument) -> dict[str, str]:
    """The information dictionary's text values (PDFDocEncoding or UTF-16 decoded), later ones winning."""
    values: dict[str, str] = {}
    for entries in document.info:
        for key, value in entries.items():
            value = resolve1(value)
            if isinstance(value, bytes):
                value = decode_text(value)
            if isinstance(value, str) and value.strip():
                values[key] = " ".join(value.split())
    return values


def _xmp(document: PDFDocument) -> etree._Element | None:
    """The catalog's XMP packet, parsed with entities, DTDs and the network off (None when absent or unreadable)."""
    stream = resolve1(document.catalog.get("Metadata"))
    if not isinstance(stream, PDFStream):
        return None
    packet = stream.get_data().decode("utf-8", errors="replace")
    # The packet is wrapped in <?xpacket?> processing instructions, which a fragment parser takes as they are.
    return parse_fragment(packet.strip().lstrip("\ufeff"))


def _xmp_text(xmp: etree._Element | None, names: tuple[str, ...]) -> str | None:
    """The text of the first XMP field of these local names, written as an element (an `rdf:Alt` or `rdf:Seq` gives
    its first item) or as an attribute of `rdf:Description` (`prism:doi="10.1000/x"`)."""
    if xmp is None:
        return None
    for name in names:
        for element in xmp.iter(f"{{*}}{name}"):
            text = " ".join("".join(element.itertext()).split())
            if text:
                return text
        for element in xmp.iter():
            for key, value in element.attrib.items():
                if key.rpartition("}")[2] == name and value.strip():
                    return " ".join(value.split())
    return None
