"""A PDF's own metadata (XMP, information dictionary) gives documents.tsv its title, DOI, journal and year.

The PDFs are written by tests/pdf_fixture.py with metadata made up here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pdf_fixture import build_pdf, two_column_pages

from pipeline.engine import run_corpus
from pipeline.ingest.pdf import read_pdf
from pipeline.ingest.pdf_meta import PdfMetadata, read_pdf_metadata
from pipeline.output import RunFolder

XMP_ELEMENTS = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">miR-21 confers trastuzumab resistance in invented cells</rdf:li></rdf:Alt></dc:title>
<prism:doi>10.1000/invented.2024.17</prism:doi>
<prism:publicationName>Journal of Invented Oncology</prism:publicationName>
<prism:coverDate>2024-03-01</prism:coverDate>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""
XMP_ATTRIBUTES = """<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:prism="http://prismstandard.org/namespaces/basic/3.0/"
 prism:doi="10.1000/invented.55" prism:publicationName="Invented Letters" prism:publicationDate="2019-11-30"/>
</rdf:RDF></x:xmpmeta>"""


@pytest.mark.parametrize(
    ("info", "xmp", "expected"),
    [
        pytest.param(None, XMP_ELEMENTS, PdfMetadata(
            "miR-21 confers trastuzumab resistance in invented cells", "10.1000/invented.2024.17", "Journal of Invented Oncology", 2024,
        ), id="xmp-elements"),
        pytest.param(None, XMP_ATTRIBUTES, PdfMetadata(None, "10.1000/invented.55", "Invented Letters", 2019), id="xmp-attributes"),
        pytest.param(
            {"Title": "A study of miR-200c in invented tumours", "Subject": "Invented Reports, 12 (2021) 1-9. doi:10.1000/ir.12.1",
             "CreationDate": "D:20230105120000Z"},
            None, PdfMetadata("A study of miR-200c in invented tumours", "10.1000/ir.12.1", None, None),
            id="information-dictionary-no-year-from-creation-date",
        ),
        pytest.param({"Title": "Microsoft Word - draft3.docx"}, None, PdfMetadata(), id="a-file-name-is-no-title"),
        pytest.param(None, "<x:xmpmeta><unclosed", PdfMetadata(), id="malformed-xmp-gives-nothing"),
        pytest.param(None, None, PdfMetadata(), id="no-metadata"),
    ],
)
def test_pdf_metadata_fields(info, xmp, expected) -> None:
    assert read_pdf_metadata(build_pdf(two_column_pages(), info=info, xmp=xmp)) == expected


def test_metadata_outranks_the_text_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "paper.pdf"
    path.write_bytes(build_pdf(two_column_pages(), xmp=XMP_ELEMENTS))
    document = next(read_pdf(path))
    assert (document.title, document.doi, document.journal, document.year) == (
        "miR-21 confers trastuzumab resistance in invented cells", "10.1000/invented.2024.17", "Journal of Invented Oncology", 2024,
    )


def test_a_pdf_without_metadata_keeps_what_its_text_says(tmp_path: Path) -> None:
    path = tmp_path / "paper.pdf"
    path.write_bytes(build_pdf(two_column_pages(), info={"Title": "Microsoft Word - draft3.docx"}))
    document = next(read_pdf(path))
    assert document.title and "Microsoft" not in document.title
    assert document.journal is None


def test_documents_table_shows_the_pdf_metadata(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "paper.pdf").write_bytes(build_pdf(two_column_pages(), xmp=XMP_ELEMENTS))
    run_corpus([source], tmp_path / "out")
    (row,) = list(RunFolder(tmp_path / "out").documents())
    assert (row["doc_id"], row["doi"], row["journal"], row["year"]) == ("paper", "10.1000/invented.2024.17", "Journal of Invented Oncology", "2024")
