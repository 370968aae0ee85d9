"""Files -> Documents: plain text, PDF, PubMed MEDLINE, PubMed XML, PMC JATS XML, JSON Lines and annotated corpora
(PubTator, BioC XML and JSON, the SCAI miRNA corpus), one reader per format.

Every reader yields ``schema.Document`` records (and an ``InputError`` for a bad record inside a multi-record file)
and raises ``IngestError`` when a whole file cannot be read; ``read_inputs`` turns those into ``InputError`` rows so
that one bad file never stops a batch. ``Section`` spans are character offsets into ``Document.text`` as ingested
(end exclusive). Plain text is kept exactly as decoded, except that line endings become ``\\n``; BioC text stays at
its offsets (only the whitespace between table cells changes); JATS text is built from the article's blocks.

Where things live: ``inputs`` (paths, folders, the READERS registry), ``detect`` (which format), one module per format
(``text``, ``pdf``, ``medline``, ``pubmed_xml``, ``jats``, ``jsonl``, ``pubtator``, ``bioc``, ``bioc_json``, ``scai``;
a corpus reader also gives each document's annotations, ``read_corpus``), ``bioc_text`` (the sections, table rows and
ids of BioC full text), ``pdf_layout``, ``pdf_tables`` and ``hyphens`` (the PDF reader's pages, tables and line
joining), ``records`` (title + abstract records), ``units`` and ``sections`` (sections of plain text), ``front_matter``
(title, DOI, year), ``xml_safety``, ``errors``.
"""

from .bioc_json import read_bioc_json
from .detect import detect_format
from .errors import IngestError
from .front_matter import FrontMatter, parse_year, read_front_matter
from .inputs import CORPUS_READERS, READERS, count_documents, read_corpus, read_inputs
from .jats import read_jats
from .jsonl import read_jsonl
from .medline import read_medline
from .hyphens import join_lines
from .pdf import read_pdf
from .pubmed_xml import read_pubmed_xml
from .pubtator import read_pubtator_records
from .records import record_document
from .sections import detect_sections
from .text import decode_text, normalize_newlines, read_text, text_document

__all__ = [
    "CORPUS_READERS",
    "READERS",
    "FrontMatter",
    "IngestError",
    "count_documents",
    "decode_text",
    "detect_format",
    "detect_sections",
    "join_lines",
    "normalize_newlines",
    "parse_year",
    "read_front_matter",
    "read_bioc_json",
    "read_corpus",
    "read_inputs",
    "read_jats",
    "read_jsonl",
    "read_medline",
    "read_pdf",
    "read_pubmed_xml",
    "read_pubtator_records",
    "read_text",
    "record_document",
    "text_document",
]
