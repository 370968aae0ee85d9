"""Format detection from a file's first bytes: byte-order marks, binary magic numbers, sniffing, the XML root name."""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path

from .errors import EMPTY_FILE, IngestError

# How much of a file format detection looks at; enough for any prolog, first JSON line or MEDLINE record start.
HEAD_BYTES = 64 * 1024
UNKNOWN_FORMAT_HINT = (
    "convert it to plain text (.txt), PDF, PubMed MEDLINE/XML, PMC JATS XML, JSON Lines, PubTator or BioC XML/JSON"
)

# Magic numbers of files that are never text inputs, with a name for the error message.
BINARY_MAGIC = (
    (b"PK\x03\x04", "zip archive, .docx or .xlsx"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document"),
)
# Byte-order marks and the codec each one announces.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0 control characters that never occur in text files (tab, newlines, form feed and escape are allowed).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
# A file that starts like XML: a declaration, a doctype, a comment or an element (not "<https://...>" in text).
XML_START = re.compile(r"\A\s*<(?:\?xml|!DOCTYPE|!--|[A-Za-z_][\w.-]*(?::[\w.-]+)?[\s/>])")
XML_SKIPPABLE = re.compile(r"<\?.*?\?>|<!--.*?-->", re.S)
XML_DOCTYPE_NAME = re.compile(r"<!DOCTYPE\s+([\w.:-]+)")
XML_FIRST_ELEMENT = re.compile(r"<([A-Za-z_][\w.:-]*)")
PUBMED_ROOTS = frozenset({"PubmedArticleSet", "PubmedArticle", "PubmedBookArticle"})
# PMC full text: one JATS article (the OA service) or E-utilities' set of them.
JATS_ROOTS = frozenset({"article", "pmc-articleset"})
# Annotated corpora: BioC XML (MMIC, PubTator3, PMC's BioC service) and the SCAI miRNA corpus.
CORPUS_ROOTS = {"collection": "bioc", "corpus": "scai"}
# BioC JSON: a collection (an object with "documents"), a list of collections (PMC's BioC service), PubTator3's
# {"PubTator3": [documents]}, or one document; a key as written, not one quoted inside a JSON string.
BIOC_JSON_START = re.compile(r"\A\s*[\[{]")
BIOC_JSON_KEY = re.compile(r'(?<!\\)"(?:documents|PubTator3|passages)"\s*:\s*\[')
# PubTator's first line: "PMID|t|title" (or the abstract line of a record without a title).
PUBTATOR_LINE = re.compile(r"[^\t|]+\|[ta]\|")
# A MEDLINE tag line ("PMID- 123", "TI  - Title"); a PMID line near the top marks a PubMed export.
MEDLINE_TAG = re.compile(r"^[A-Z][A-Z0-9]{1,3} {0,3}- ", re.M)
MEDLINE_PMID = re.compile(r"^PMID- ", re.M)
MEDLINE_LOOKAHEAD_LINES = 20


def detect_format(path: Path, head: bytes) -> str:
    """The input format of a file from its first bytes: txt, pdf, medline, pubmed_xml, jats, jsonl, pubtator, bioc,
    bioc_json or scai."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    for magic, what in BINARY_MAGIC:
        if head.startswith(magic):
            raise IngestError(path, f"binary file ({what}): unknown format; {UNKNOWN_FORMAT_HINT}")
    text = sniff_text(path, head)
    if not text.strip():
        raise IngestError(path, EMPTY_FILE)
    if XML_START.match(text):
        return _xml_format(path, text)
    if BIOC_JSON_START.match(text.lstrip("\ufeff")) and BIOC_JSON_KEY.search(text):
        return "bioc_json"
    lines = [line for line in text.splitlines() if line.strip()][:MEDLINE_LOOKAHEAD_LINES]
    if _is_json_object_line(lines[0], complete=len(lines) > 1 or len(head) < HEAD_BYTES):
        return "jsonl"
    if PUBTATOR_LINE.match(lines[0].lstrip("\ufeff")):
        return "pubtator"
    top = "\n".join(lines)
    if MEDLINE_PMID.search(top):
        return "medline"
    if path.suffix.lower() == ".nbib" and MEDLINE_TAG.match(lines[0]):
        return "medline"
    return "txt"


def sniff_text(path: Path, head: bytes) -> str:
    """The head decoded well enough to look at its structure; raise for binary content."""
    for bom, codec in BOMS:
        if head.startswith(bom):
            return head.decode(codec, errors="replace")
    if b"\x00" in head:
        raise IngestError(path, f"binary file (contains NUL bytes): unknown format; {UNKNOWN_FORMAT_HINT}")
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        # Legacy 8-bit text: latin-1 keeps the ASCII structure; read_text works out the real encoding.
        text = head.decode("latin-1")
    if len(CONTROL_CHARS.findall(text)) > max(2, len(text) // 100):
        raise IngestError(path, f"binary file (control bytes): unknown format; {UNKNOWN_FORMAT_HINT}")
    return text


def _xml_format(path: Path, text: str) -> str:
    root = _xml_root_name(text)
    if root in PUBMED_ROOTS:
        return "pubmed_xml"
    if root in JATS_ROOTS:
        return "jats"
    if root in CORPUS_ROOTS:
        return CORPUS_ROOTS[root]
    raise IngestError(
        path, f"unknown format: XML with root element <{root or '?'}>; the XML read is PubMed XML "
        "(<PubmedArticleSet>), PMC JATS (<article>, <pmc-articleset>), BioC (<collection>) and the SCAI corpus "
        "(<corpus>)"
    )


def _xml_root_name(text: str) -> str | None:
    rest = XML_SKIPPABLE.sub("", text)
    doctype = XML_DOCTYPE_NAME.search(rest)
    if doctype:
        return doctype.group(1)
    element = XML_FIRST_ELEMENT.search(rest)
    return element.group(1) if element else None


def _is_json_object_line(line: str, complete: bool) -> bool:
    stripped = line.strip().lstrip("\ufeff")
    if not stripped.startswith("{"):
        return False
    if not complete:
        # The first line runs past the head: judge by its start.
        return stripped.startswith('{"')
    try:
        return isinstance(json.loads(stripped), dict)
    except json.JSONDecodeError:
        # A broken first line still announces JSON Lines; read_jsonl reports it by line.
        return stripped.endswith("}")
