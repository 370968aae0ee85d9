"""Files -> Documents: plain text, PDF, PubMed MEDLINE, PubMed XML and JSON Lines, one reader per format.

Every reader yields ``Document`` records (and an ``InputError`` for a bad record inside a multi-record file) and
raises ``IngestError`` when a whole file cannot be read; ``read_inputs`` turns those into ``InputError`` rows so that
one bad file never stops a batch. ``Section`` spans are character offsets into ``Document.text`` as ingested
(end exclusive); the text is kept exactly as decoded, except that line endings become ``\\n``.
"""

from __future__ import annotations

import codecs
import io
import json
import math
import os
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import NamedTuple

from Bio import Medline
from charset_normalizer import from_bytes
from lxml import etree
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTTextBox, LTTextLine
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.psexceptions import PSException

from .schema import Document, InputError, Section

STAGE = "ingest"
# How much of a file format detection looks at; enough for any prolog, first JSON line or MEDLINE record start.
HEAD_BYTES = 64 * 1024
# How much of an XML file is scanned for a DOCTYPE internal subset before parsing.
PROLOG_BYTES = 1024 * 1024

EMPTY_FILE = "empty file: nothing to read; remove it or add text"
UNKNOWN_FORMAT_HINT = "convert it to plain text (.txt), PDF, PubMed MEDLINE/XML or JSON Lines"


class IngestError(ValueError):
    """A whole input file that cannot be read; ``message`` says what is wrong and what to do."""

    def __init__(self, source: str | Path, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = str(source)
        self.message = message


# --------------------------------------------------------------------------------------------------------------
# Batches of paths
# --------------------------------------------------------------------------------------------------------------

# Folders that hold annotations, not inputs (corpus/gold/).
SKIPPED_FOLDERS = frozenset({"gold"})


def read_inputs(paths: Iterable[str | Path]) -> Iterator[Document | InputError]:
    """Documents from files and folders (recursive, sorted); one ``InputError`` per unreadable file or record."""
    for item in _expand(paths):
        if isinstance(item, InputError):
            yield item
        else:
            yield from _read_file(item)


def count_documents(paths: Iterable[str | Path]) -> int:
    """A quick estimate of how many documents the inputs hold, for a progress bar (not a parse)."""
    total = 0
    for item in _expand(paths):
        if isinstance(item, InputError):
            continue
        try:
            with item.open("rb") as handle:
                head = handle.read(4096)
                if head.startswith(b"%PDF-") or not head:
                    total += 1
                    continue
                handle.seek(0)
                counts = Counter()
                for line in handle:
                    if line.startswith(b"PMID-"):
                        counts["medline"] += 1
                    elif line.lstrip().startswith(b"{"):
                        counts["jsonl"] += 1
                    counts["xml"] += line.count(b"<PubmedArticle>")
        except OSError:
            continue
        total += max(1, counts["medline"], counts["jsonl"], counts["xml"])
    return total


def _expand(paths: Iterable[str | Path]) -> Iterator[Path | InputError]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _folder_files(path)
        elif path.exists():
            yield path
        else:
            yield InputError(str(path), path.stem, STAGE, "file not found: check the path")


def _folder_files(folder: Path) -> list[Path]:
    """Files under ``folder`` in sorted order, leaving out hidden files and folders and annotation folders."""
    found = []
    for root, dirs, files in os.walk(folder):
        # Pruning in place keeps os.walk out of .git, .venv and gold/ altogether.
        dirs[:] = [name for name in dirs if not name.startswith(".") and name not in SKIPPED_FOLDERS]
        found.extend(Path(root) / name for name in files if not name.startswith("."))
    return sorted((path for path in found if path.is_file()), key=lambda p: p.relative_to(folder).parts)


def _read_file(path: Path) -> Iterator[Document | InputError]:
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
        fmt = detect_format(path, head)
        yield from READERS[fmt](path)
    except IngestError as err:
        yield InputError(err.source, path.stem, STAGE, err.message)
    except OSError as err:
        yield InputError(str(path), path.stem, STAGE, _os_error_message(err))


def _one_line(message: object) -> str:
    """A third-party error message on one line, for an errors.tsv cell."""
    return " ".join(str(message).split())


def _os_error_message(err: OSError) -> str:
    if isinstance(err, PermissionError):
        return "permission denied: cannot read the file; fix its permissions (chmod +r) or run as its owner"
    if isinstance(err, IsADirectoryError):
        return "is a directory, not a file: pass the folder itself to read what is inside"
    return f"cannot read the file ({err.strerror or err}); check that it exists and is readable"


# --------------------------------------------------------------------------------------------------------------
# Format detection
# --------------------------------------------------------------------------------------------------------------

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
# A MEDLINE tag line ("PMID- 123", "TI  - Title"); a PMID line near the top marks a PubMed export.
MEDLINE_TAG = re.compile(r"^[A-Z][A-Z0-9]{1,3} {0,3}- ", re.M)
MEDLINE_PMID = re.compile(r"^PMID- ", re.M)
MEDLINE_LOOKAHEAD_LINES = 20


def detect_format(path: Path, head: bytes) -> str:
    """The input format of a file from its first bytes: txt, pdf, medline, pubmed_xml or jsonl."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    for magic, what in BINARY_MAGIC:
        if head.startswith(magic):
            raise IngestError(path, f"binary file ({what}): unknown format; {UNKNOWN_FORMAT_HINT}")
    text = _sniff_text(path, head)
    if not text.strip():
        raise IngestError(path, EMPTY_FILE)
    if XML_START.match(text):
        return _xml_format(path, text)
    lines = [line for line in text.splitlines() if line.strip()][:MEDLINE_LOOKAHEAD_LINES]
    if _is_json_object_line(lines[0], complete=len(lines) > 1 or len(head) < HEAD_BYTES):
        return "jsonl"
    top = "\n".join(lines)
    if MEDLINE_PMID.search(top):
        return "medline"
    if path.suffix.lower() == ".nbib" and MEDLINE_TAG.match(lines[0]):
        return "medline"
    return "txt"


def _sniff_text(path: Path, head: bytes) -> str:
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
    raise IngestError(
        path, f"unknown format: XML with root element <{root or '?'}>; only PubMed XML (<PubmedArticleSet>) is read"
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


# --------------------------------------------------------------------------------------------------------------
# Plain text
# --------------------------------------------------------------------------------------------------------------

# Above this mess ratio (charset-normalizer's chaos) a decoding is garbled, not text.
MAX_CHAOS = 0.1
# When legacy 8-bit candidates decode differently and one of these is among them, it wins: the common
# encodings of Western-language papers saved on Windows or old Macs.
PREFERRED_LEGACY = ("cp1252", "latin_1", "iso8859_15", "mac_roman")
ASCII_PRINTABLE = bytes(range(32, 127))


def read_text(path: str | Path) -> Iterator[Document]:
    """One Document from a plain-text file: decoded, line endings normalised, sections and front matter found."""
    path = Path(path)
    text, encoding = decode_text(path, path.read_bytes())
    text = normalize_newlines(text)
    if not text.strip():
        raise IngestError(path, EMPTY_FILE)
    yield text_document(path, text, "txt", encoding)


def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding: a BOM, then UTF-8, then a confident legacy guess; else raise."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec.replace("-sig", "")
            except UnicodeDecodeError as err:
                raise IngestError(path, f"not valid {codec} at byte {err.start}: re-save it as UTF-8") from err
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _guess_legacy_encoding(data)
    if encoding is None:
        raise IngestError(path, "not UTF-8 and the encoding cannot be told with confidence: re-save it as UTF-8")
    return data.decode(encoding), encoding


def _guess_legacy_encoding(data: bytes) -> str | None:
    """A single-byte or CJK encoding that decodes ``data`` cleanly, or None when candidates disagree."""
    matches = [match for match in from_bytes(data) if _ascii_compatible(match.encoding)]
    if not matches:
        return None
    best_chaos = min(match.chaos for match in matches)
    if best_chaos > MAX_CHAOS:
        return None
    top = [match for match in matches if match.chaos <= best_chaos + 0.01]
    best_coherence = max(match.coherence for match in top)
    top = [match for match in top if match.coherence >= best_coherence - 0.05]
    if len({str(match) for match in top}) == 1:
        return top[0].encoding
    names = {match.encoding for match in top}
    return next((name for name in PREFERRED_LEGACY if name in names), None)


def _ascii_compatible(encoding: str) -> bool:
    """Whether ASCII bytes mean ASCII in ``encoding`` (rules out UTF-16 without a BOM and EBCDIC)."""
    try:
        return ASCII_PRINTABLE.decode(encoding) == ASCII_PRINTABLE.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False


def normalize_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``; nothing else changes, so offsets stay true to the text."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_document(path: Path, text: str, fmt: str, encoding: str = "utf-8") -> Document:
    """A Document for a whole paper or abstract in plain text, with its sections and front-matter metadata."""
    sections = detect_sections(text)
    front = read_front_matter(text, sections)
    return Document(
        doc_id=path.stem,
        text=text,
        sections=sections,
        source=str(path),
        format=fmt,
        doi=front.doi,
        year=front.year,
        title=front.title,
        encoding=encoding,
    )


# --------------------------------------------------------------------------------------------------------------
# Section detection on plain text
#
# The text is cut into blank-line-separated blocks; a block is cut further into units (each line of a
# line-structured block, each list item, each run of tab-separated rows). Every unit gets a kind from its own
# text (heading, caption, prose, author list ...), then one pass in reading order turns kinds into labels
# according to where we are: front matter, abstract, body, back matter or references.
# --------------------------------------------------------------------------------------------------------------


class Kind(Enum):
    """What a unit of text is, judged from the unit alone."""

    TABLE_CAPTION = "table caption"
    TABLE_ROWS = "table rows"
    FIGURE_CAPTION = "figure caption"
    REFERENCES_HEADING = "references heading"
    ABSTRACT_LABEL = "abstract label"  # "Abstract: text" or a bare "Abstract"
    KEYWORDS = "keywords"
    BACK_MATTER = "back matter"  # "Funding: ...", "Acknowledgments"
    SECTION_HEADING = "section heading"  # Introduction, Methods ...
    STRUCTURED = "structured abstract"  # "Background: ...", "Results: ..."
    FOOTNOTE = "footnote"  # corresponding author, e-mail
    BANNER = "banner"  # licence, bare links, site furniture: other anywhere
    FRONT_BANNER = "front banner"  # journal name, article type, history dates: other before the body
    KEY_VALUE = "key - value"
    KEY_ONLY = "key -"  # a "Key -" line whose value is on the next lines
    AFFILIATION = "affiliation"
    AUTHORS = "authors"
    TERM_LIST = "term list"  # unlabelled keyword line
    PROSE = "prose"
    SHORT = "short"  # anything else: heading, title, fragment


# Units that sit between two parts of a paragraph split by a page or column break (floats and furniture);
# a lowercase-initial unit after them still continues the paragraph.
FLOATS = frozenset(
    {Kind.TABLE_CAPTION, Kind.TABLE_ROWS, Kind.FIGURE_CAPTION, Kind.FOOTNOTE, Kind.AFFILIATION, Kind.AUTHORS,
     Kind.BANNER}
)

# A list item starts with a bullet or a number: "- ", "• ", "12. ", "3) ", "[7] ".
LIST_MARKER = re.compile(r"^\s*(?:[-•*–]\s+|\[(\d{1,4})\]\s*|(\d{1,4})[.)]\s+)")
# "Table 1: caption" (not "Table 1 shows ..."); the name is what the section is called.
TABLE_CAPTION = re.compile(
    r"^(?P<name>(?:supplementary\s+)?table\s+S?(?:\d+|[IVXL]+)[A-Za-z]?)\s*(?:[.:|—–-]|$)", re.I
)
FIGURE_CAPTION = re.compile(
    r"^(?:supplementary\s+)?(?:fig(?:ure)?s?\.?|scheme)\s*S?\d+[A-Za-z]?\s*(?:[.:|—–-]|$)", re.I
)
REFERENCES_HEADING = re.compile(
    r"^(?:\d+\.?\s+)?(?:references?(?:\s+cited)?|bibliography|literature\s+cited|works\s+cited|reference\s+list)\s*:?$",
    re.I,
)
# "Abstract: text" / "Abstract—text" / a bare "Abstract"; the label itself is not abstract text.
ABSTRACT_LABEL = re.compile(r"^(?:abstract|summary)(?:\s*[:.—–-]\s*|\s*$)", re.I)
KEYWORDS_LABEL = re.compile(r"^(?:key\s*words?|index\s+terms|abbreviations?|mesh\s+terms?)\s*(?:[:.—–-]|$)", re.I)
# Back-matter statements, as "Label: text" or as a heading of their own.
BACK_MATTER = re.compile(
    r"^(?:acknowledge?ments?|funding(?:\s+(?:information|sources?|statement))?|research\s+funding"
    r"|financial\s+(?:support|disclosures?)|conflicts?\s+of\s+interests?(?:\s+statement)?"
    r"|competing\s+(?:financial\s+)?interests?|declaration\s+of\s+(?:competing\s+)?interests?|disclosures?"
    r"|authors?(?:'s|')?\s+contributions?|credit\s+authorship(?:\s+contribution)?\s+statement|research\s+ethics"
    r"|ethic(?:s|al)\s+(?:approval|statement|considerations)[^:]{0,60}|informed\s+consent(?:\s+statement)?"
    r"|consent\s+for\s+publication|data\s+(?:and\s+materials?\s+)?availability(?:\s+statement)?"
    r"|availability\s+of\s+data[^:]{0,60}|supplementary\s+(?:materials?|data|information)"
    r"|use\s+of\s+(?:large\s+language\s+models|artificial\s+intelligence|ai\b)[^:]{0,80}|publisher'?s\s+note"
    r"|institutional\s+review\s+board\s+statement)\s*(?::|$)",
    re.I,
)
# Headings that open the body of a paper, optionally numbered ("2.1 Methods", "I. INTRODUCTION").
SECTION_HEADING = re.compile(
    r"^(?:(?:\d+(?:\.\d+)*|[IVX]+)\.?\s+)?(?:introduction|background|(?:materials?\s+and\s+)?methods?"
    r"(?:\s+and\s+materials?)?|methodology|experimental(?:\s+(?:procedures|section))?|results?(?:\s+and\s+discussion)?"
    r"|discussion|conclusions?|concluding\s+remarks|summary\s+and\s+conclusions?|case\s+(?:report|presentation)"
    r"|limitations|future\s+(?:directions|perspectives))\s*$",
    re.I,
)
# A numbered heading ("3.2 Cell culture") opens the body even when its words are not a known section name.
NUMBERED_HEADING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+[A-Z]")
# Labels of a structured abstract ("Background/aim:", "Materials and methods:"); they stay in the abstract.
_ABSTRACT_PART = (
    r"(?:background|introduction|context|objectives?|aims?|purpose|rationale|hypothes[ie]s|materials\s+and\s+methods"
    r"|methods?|methodology|design|setting|patients|participants|subjects|interventions?|measurements"
    r"|main\s+outcome\s+measures?|results?|findings|conclusions?|interpretation|significance|implications?"
    r"|trial\s+registration|importance|observations?)"
)
STRUCTURED_LABEL = re.compile(rf"^{_ABSTRACT_PART}(?:\s*(?:/|,|and|&)\s*{_ABSTRACT_PART})*\s*:\s*\S", re.I)
# Corresponding-author and contact footnotes.
FOOTNOTE = re.compile(
    r"^[*†‡§¶#\d\s]*(?:corresponding\s+authors?|correspondence(?:\s+to)?|address\s+(?:for\s+)?correspondence"
    r"|e-?mail(?:\s+address(?:es)?)?\s*:|present\s+address|these\s+authors\s+contributed|equal\s+contribution)",
    re.I,
)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# Banners that are never content, wherever they appear.
BANNERS = (
    # licence and copyright lines, which may run to a paragraph
    re.compile(
        r"^(?:©|\(c\)\s|copyright\b)"
        r"|\b(?:creative\s+commons|all\s+rights\s+reserved|distributed\s+under\s+the\s+terms)\b",
        re.I,
    ),
    # an "Open Access" badge (the words inside a sentence are content)
    re.compile(r"^\S*open[- ]?access\S*(?:\s+\S+){0,3}$", re.I),
    # bare links and identifiers
    re.compile(r"^<?(?:https?://|www\.|doi\s*:|pmid\s*:|pmcid\s*:)\S*>?\.?$", re.I),
    # author identifiers
    re.compile(r"\borcid\b", re.I),
    # furniture of the web pages that abstracts are copied from
    re.compile(
        r"\b(?:sign\s+in|log\s+in|click\s+here|contact\s+us|already\s+have\s+an\s+account|subscribe|cookies?"
        r"|available\s+to\s+\w+\s+users|download\s+(?:the\s+)?pdf|privacy\s+policy|terms\s+of\s+(?:use|service))\b",
        re.I,
    ),
)
# Front-matter banners: harmless words inside a body, so they count only before it.
FRONT_BANNERS = (
    # the type of article
    re.compile(
        r"^(?:(?:original|research|review|short|brief|rapid|invited|special)\s+)?(?:article|paper|report"
        r"|communication|review|letter|editorial|commentary|perspective|case\s+report|mini[- ]?review)s?$",
        re.I,
    ),
    # publication history
    re.compile(
        r"^(?:received|accepted|revised|published|available\s+online|first\s+published|epub|online\s+first)\b", re.I
    ),
)
# A journal's name ("Turkish Journal of Biology"): short, no sentence end.
JOURNAL_WORD = re.compile(r"\b(?:journal|proceedings|annals|bulletin|transactions|archives)\b", re.I)
# "Key - value" metadata lines of abstract portals ("Publication year - 2020", "Author(s) -").
KEY_VALUE = re.compile(r"^(?P<key>[^\W\d_][\w()'./]*(?:[\s-][\w()'./]+){0,3})\s+[-–—](?:\s+(?P<value>.*))?$")
AFFILIATION_WORD = re.compile(
    r"\b(?:universit\w*|department|dept\.|facult(?:y|ies|ad|é)|institut\w*|college|school\s+of|hospital\w*"
    r"|laborator(?:y|ies)|centre|center|academy|clinic|ministry)\b",
    re.I,
)
# Small words that stay lowercase inside names, titles and affiliations.
FUNCTION_WORDS = frozenset(
    "a an and at de del della der des di do dos du e el en et for from für in la le of on the to und van von y".split()
)
# Lowercase particles inside personal names ("Ludwig van Beethoven", "Maria de la Cruz").
NAME_PARTICLES = frozenset("al bin ben da das de del della den der di do dos du el la le van von y".split())
AUTHOR_SEPARATOR = re.compile(r",|;|\band\b|&")
AUTHOR_MARKS = " *†‡§¶#0123456789,."
AUTHOR_INITIAL = re.compile(r"^(?:[^\W\d_]\.){1,3}$|^[^\W\d_]\.-[^\W\d_]\.$")
# A sentence ends here, possibly followed by closing quotes or brackets.
SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
# A sentence boundary inside a unit: "... cells. The ..."
INNER_SENTENCE_END = re.compile(r"[a-z0-9%)\]][.!?]\s+[A-Z]")
# The unit starts with an ordinary lowercase word ("matrix.", "and data ..."), not a name such as "miRNAs" or "p53".
LOWERCASE_START = re.compile(r"^[a-z][a-z'’]*(?=[\s,.;:)]|$)")

PROSE_MIN_WORDS = 12
PROSE_ANY_WORDS = 40
HEADING_MAX_WORDS = 12
TITLE_MIN_WORDS = 3
TITLE_MAX_WORDS = 40
# Banner rules look only at units shorter than this; a licence paragraph may be long.
BANNER_MAX_WORDS = 40
LICENCE_MAX_WORDS = 100


@dataclass(frozen=True, slots=True)
class _Unit:
    """A stretch of text classified as one thing; ``start``/``end`` exclude surrounding whitespace."""

    start: int
    end: int
    text: str
    block: int
    kind: Kind
    words: int


class FrontMatter(NamedTuple):
    """Metadata read off the front matter of a plain-text paper."""

    title: str | None
    doi: str | None
    year: int | None


def detect_sections(text: str) -> tuple[Section, ...]:
    """Labelled sections (title, abstract, body, table, reference, other) of a plain-text paper or abstract."""
    units = _units(text)
    return _merge_adjacent(_Labeller(units).run(), text)


def _units(text: str) -> list[_Unit]:
    units = []
    for block_no, block in enumerate(_blocks(text)):
        for start, end, is_table in _split_block(block):
            unit_text = text[start:end]
            kind = Kind.TABLE_ROWS if is_table else _classify(unit_text)
            units.append(_Unit(start, end, unit_text, block_no, kind, len(unit_text.split())))
    return units


def _blocks(text: str) -> list[list[tuple[int, str]]]:
    """Runs of non-blank lines, each line with its start offset."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            current.append((offset, line))
        elif current:
            blocks.append(current)
            current = []
        offset += len(line) + 1
    if current:
        blocks.append(current)
    return blocks


def _span(lines: list[tuple[int, str]]) -> tuple[int, int]:
    first_offset, first = lines[0]
    last_offset, last = lines[-1]
    return first_offset + len(first) - len(first.lstrip()), last_offset + len(last.rstrip())


def _split_block(block: list[tuple[int, str]]) -> Iterator[tuple[int, int, bool]]:
    """Unit spans of a block: tab-separated row runs, list items, a wrapped paragraph, or single lines."""
    runs: list[tuple[bool, list[tuple[int, str]]]] = []
    for line in block:
        has_tab = "\t" in line[1].strip()
        if runs and runs[-1][0] == has_tab:
            runs[-1][1].append(line)
        else:
            runs.append((has_tab, [line]))
    for has_tab, run in runs:
        if has_tab and len(run) >= 2:
            yield (*_span(run), True)
        elif _is_list(run):
            yield from ((*_span(item), False) for item in _list_items(run))
        elif len(run) >= 2 and _is_wrapped_paragraph(run):
            yield (*_span(run), False)
        else:
            yield from ((*_span([line]), False) for line in run)


def _is_list(run: list[tuple[int, str]]) -> bool:
    marked = sum(1 for _, line in run if LIST_MARKER.match(line))
    return len(run) >= 2 and LIST_MARKER.match(run[0][1]) is not None and marked >= 2


def _list_items(run: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Lines grouped into items; a line without a marker continues the item above it (a wrapped reference)."""
    items: list[list[tuple[int, str]]] = []
    for line in run:
        if LIST_MARKER.match(line[1]) or not items:
            items.append([line])
        else:
            items[-1].append(line)
    return items


def _is_wrapped_paragraph(run: list[tuple[int, str]]) -> bool:
    """Hard-wrapped prose: every line but the last about as long as the longest, none very long."""
    lengths = [len(line.strip()) for _, line in run]
    longest = max(lengths)
    return 40 <= longest <= 100 and min(lengths[:-1]) >= 0.6 * longest


def _classify(text: str) -> Kind:
    """The kind of a unit from its own text; the order of the checks matters (most specific first)."""
    words = len(text.split())
    short = words <= HEADING_MAX_WORDS
    if TABLE_CAPTION.match(text):
        return Kind.TABLE_CAPTION
    if FIGURE_CAPTION.match(text):
        return Kind.FIGURE_CAPTION
    if short and REFERENCES_HEADING.match(text):
        return Kind.REFERENCES_HEADING
    if ABSTRACT_LABEL.match(text):
        return Kind.ABSTRACT_LABEL
    if KEYWORDS_LABEL.match(text):
        return Kind.KEYWORDS
    if BACK_MATTER.match(text):
        return Kind.BACK_MATTER
    if short and SECTION_HEADING.match(text):
        return Kind.SECTION_HEADING
    if STRUCTURED_LABEL.match(text):
        return Kind.STRUCTURED
    if FOOTNOTE.match(text) or (EMAIL.search(text) and words < 80):
        return Kind.FOOTNOTE
    if _is_banner(text, words):
        return Kind.BANNER
    if _is_front_banner(text, words):
        return Kind.FRONT_BANNER
    key_value = KEY_VALUE.match(text)
    if key_value and _is_metadata_key(key_value.group("key")) and not (
        words >= PROSE_MIN_WORDS and SENTENCE_END.search(text)
    ):
        return Kind.KEY_VALUE if key_value.group("value") else Kind.KEY_ONLY
    if _is_affiliation(text, words):
        return Kind.AFFILIATION
    if _is_author_list(text):
        return Kind.AUTHORS
    if _is_term_list(text):
        return Kind.TERM_LIST
    if _is_prose(text, words):
        return Kind.PROSE
    return Kind.SHORT


def _is_metadata_key(key: str) -> bool:
    """"Publication year", "H-Index", not "MiR-21" (a title such as "MiR-21 - a new target")."""
    return key[0].isupper() and not any(char.isdigit() for char in key)


def _is_banner(text: str, words: int) -> bool:
    if words <= LICENCE_MAX_WORDS and BANNERS[0].search(text):
        return True
    return words < BANNER_MAX_WORDS and any(pattern.search(text) for pattern in BANNERS[1:])


def _is_front_banner(text: str, words: int) -> bool:
    if words >= BANNER_MAX_WORDS:
        return False
    if any(pattern.search(text) for pattern in FRONT_BANNERS):
        return True
    return words <= 9 and JOURNAL_WORD.search(text) is not None and not SENTENCE_END.search(text)


def _is_prose(text: str, words: int) -> bool:
    if words >= PROSE_ANY_WORDS:
        return True
    return words >= PROSE_MIN_WORDS and bool(SENTENCE_END.search(text) or INNER_SENTENCE_END.search(text))


def _content_words(text: str) -> list[str]:
    return [word for word in re.findall(r"[^\W\d_][\w'’-]*", text) if word.lower() not in FUNCTION_WORDS]


def _lowercase_share(text: str) -> float:
    """The share of content words that start lowercase: high in prose, near zero in names and addresses."""
    words = _content_words(text)
    return sum(1 for word in words if word[0].islower()) / len(words) if words else 0.0


def _is_affiliation(text: str, words: int) -> bool:
    """An address line: an institution word, several comma-separated parts, capitalised words only."""
    return (
        AFFILIATION_WORD.search(text) is not None
        and text.count(",") >= 2
        and words <= 60
        and _lowercase_share(text) <= 0.2
        and (not text.endswith(".") or words <= 40)
    )


def _is_author_list(text: str) -> bool:
    """Names separated by commas and "and", each one to five capitalised words or initials."""
    parts = [part.strip(AUTHOR_MARKS + " ") for part in AUTHOR_SEPARATOR.split(text)]
    parts = [part for part in parts if part]
    if len(parts) < 2 or not all(_is_person_name(part) for part in parts):
        return False
    marked = re.search(r"[*†‡§¶]|[^\W\d_]\d", text) is not None
    has_initials = any(AUTHOR_INITIAL.match(word) for part in parts for word in part.split())
    return len(parts) >= 3 or marked or has_initials


def _is_person_name(part: str) -> bool:
    words = part.split()
    if not 1 <= len(words) <= 5:
        return False
    return all(
        AUTHOR_INITIAL.match(word) or (word[0].isupper() and not any(c.isdigit() for c in word))
        or word in NAME_PARTICLES
        for word in words
    )


def _is_term_list(text: str) -> bool:
    """An unlabelled keyword line: three or more short phrases separated by commas or semicolons."""
    parts = [part.strip() for part in re.split(r"[;,]", text)]
    return (
        len(parts) >= 3
        and all(0 < len(part.split()) <= 5 for part in parts)
        and not SENTENCE_END.search(text)
        and not INNER_SENTENCE_END.search(text)
    )


def _heading_like(unit: _Unit) -> bool:
    """Short, no sentence punctuation at the end, and not the lowercase tail of a broken paragraph."""
    return (
        unit.kind in (Kind.SHORT, Kind.SECTION_HEADING)
        and 1 <= unit.words <= HEADING_MAX_WORDS
        and len(unit.text) <= 120
        and unit.text[-1] not in ".,;:"
        and not LOWERCASE_START.match(unit.text)
        and not INNER_SENTENCE_END.search(unit.text)
    )


def _text_like(unit: _Unit) -> bool:
    return unit.kind in (Kind.PROSE, Kind.STRUCTURED) or (
        unit.kind is Kind.SHORT and unit.words >= PROSE_MIN_WORDS
    )


class _Labeller:
    """Turns unit kinds into section labels in one pass, following the zones of a paper."""

    FRONT, ABSTRACT, BODY, BACK, REFERENCES = "front", "abstract", "body", "back", "references"

    def __init__(self, units: list[_Unit]) -> None:
        self.units = units
        self.zone = self.FRONT
        self.heading = ""
        self.title_seen = False
        self.key_open = False  # a "Key -" line whose value lines follow
        self.table = ""  # name of the table whose rows may follow
        self.carry: tuple[str, str] | None = None  # label and name that a lowercase-initial unit continues
        self.forced: dict[int, tuple[str, str]] = {}
        self.reference_number = 0
        self.last_reference_marked = False
        self.sections: list[tuple[int, Section]] = []

    def run(self) -> list[Section]:
        for index, unit in enumerate(self.units):
            self._label(index, unit)
        if not any(section.label in ("abstract", "body") for _, section in self.sections):
            self._fall_back_to_abstract()
        return [section for _, section in self.sections]

    def _emit(self, index: int, label: str, start: int, end: int, name: str = "") -> None:
        self.sections.append((index, Section(label, start, end, name)))

    def _label(self, index: int, unit: _Unit) -> None:
        if index in self.forced:
            label, name = self.forced[index]
            self._emit(index, label, unit.start, unit.end, name)
            return
        if unit.kind is Kind.TABLE_CAPTION:
            self.table = TABLE_CAPTION.match(unit.text).group("name")
            self._emit(index, "table", unit.start, unit.end, self.table)
            return
        if unit.kind is Kind.TABLE_ROWS:
            self._emit(index, "table", unit.start, unit.end, self.table)
            return
        self.table = ""
        if unit.kind is Kind.FIGURE_CAPTION:
            self._emit(index, "other", unit.start, unit.end)
            return
        if self.zone == self.REFERENCES:
            # Reference entries are full of names and links; only the reference rules apply here.
            self.carry = self._references(index, unit)
            return
        if unit.kind in FLOATS:
            self._emit(index, "other", unit.start, unit.end)
            return
        if self.carry and LOWERCASE_START.match(unit.text):
            self._emit(index, self.carry[0], unit.start, unit.end, self.carry[1])
            return
        handler = {self.FRONT: self._front, self.ABSTRACT: self._front, self.BODY: self._body, self.BACK: self._back}
        self.carry = handler[self.zone](index, unit)

    # Each zone handler emits the unit's sections and returns what a following lowercase unit would continue.

    def _front(self, index: int, unit: _Unit) -> tuple[str, str] | None:
        kind = unit.kind
        if self.key_open and kind in (Kind.SHORT, Kind.AUTHORS, Kind.TERM_LIST, Kind.FRONT_BANNER):
            self._emit(index, "other", unit.start, unit.end)
            return None
        self.key_open = kind is Kind.KEY_ONLY
        if self.zone == self.FRONT and not self.title_seen and kind in (Kind.SHORT, Kind.PROSE):
            if self._title_like(index):
                self._emit_title(index, unit)
                return None
        if kind is Kind.ABSTRACT_LABEL:
            return self._emit_abstract_label(index, unit)
        if kind in (Kind.PROSE, Kind.STRUCTURED):
            self.zone = self.ABSTRACT
            self._emit(index, "abstract", unit.start, unit.end)
            return ("abstract", "")
        if kind is Kind.SECTION_HEADING or (kind is Kind.SHORT and self._opens_body(index)):
            return self._emit_heading(index, unit)
        return self._other_or_zone_change(index, unit)

    def _body(self, index: int, unit: _Unit) -> tuple[str, str] | None:
        kind = unit.kind
        if kind is Kind.SECTION_HEADING or (kind is Kind.ABSTRACT_LABEL and ABSTRACT_LABEL.fullmatch(unit.text)):
            return self._emit_heading(index, unit)
        if kind is Kind.SHORT and _heading_like(unit) and self._followed_by_text(index):
            return self._emit_heading(index, unit)
        if kind in (Kind.REFERENCES_HEADING, Kind.BACK_MATTER, Kind.KEYWORDS):
            return self._other_or_zone_change(index, unit)
        self._emit(index, "body", unit.start, unit.end, self.heading)
        return ("body", self.heading)

    def _back(self, index: int, unit: _Unit) -> tuple[str, str] | None:
        if unit.kind is Kind.SECTION_HEADING:
            return self._emit_heading(index, unit)
        return self._other_or_zone_change(index, unit)

    def _references(self, index: int, unit: _Unit) -> tuple[str, str] | None:
        if unit.kind is Kind.SECTION_HEADING:
            return self._emit_heading(index, unit)
        if unit.kind in (Kind.BACK_MATTER, Kind.REFERENCES_HEADING) or unit.words < 3:
            return self._other_or_zone_change(index, unit)
        marker = LIST_MARKER.match(unit.text)
        broken = self.last_reference_marked or LOWERCASE_START.match(unit.text)
        if marker is None and self.reference_number and broken:
            # A reference broken by a page break: the unmarked piece belongs to the reference above.
            number = self.reference_number
        else:
            explicit = marker and (marker.group(1) or marker.group(2))
            number = int(explicit) if explicit else self.reference_number + 1
            self.reference_number = number
            self.last_reference_marked = marker is not None
        self._emit(index, "reference", unit.start, unit.end, str(number))
        return ("reference", str(number))

    def _other_or_zone_change(self, index: int, unit: _Unit) -> tuple[str, str] | None:
        """Label a unit other; the abstract label, references heading and back matter move to their zone."""
        self._emit(index, "other", unit.start, unit.end)
        if unit.kind is Kind.ABSTRACT_LABEL:
            self.zone = self.ABSTRACT
        elif unit.kind is Kind.REFERENCES_HEADING:
            self.zone = self.REFERENCES
        elif unit.kind is Kind.BACK_MATTER:
            # Funding or ethics notes printed before the abstract do not end the front matter.
            if self.zone != self.FRONT:
                self.zone = self.BACK
            return None if BACK_MATTER.fullmatch(unit.text) else ("other", "")
        elif self.zone == self.BACK and unit.kind in (Kind.PROSE, Kind.SHORT):
            return ("other", "")
        return None

    def _emit_heading(self, index: int, unit: _Unit) -> tuple[str, str]:
        self.zone = self.BODY
        self.heading = unit.text
        self._emit(index, "body", unit.start, unit.end, self.heading)
        return ("body", self.heading)

    def _emit_title(self, index: int, unit: _Unit) -> None:
        self.title_seen = True
        self._emit(index, "title", unit.start, unit.end)
        following = self.units[index + 1] if index + 1 < len(self.units) else None
        # A title wrapped onto a second line of the same block continues in lowercase.
        if following and following.block == unit.block and LOWERCASE_START.match(following.text):
            if following.kind is Kind.SHORT:
                self.forced[index + 1] = ("title", "")

    def _emit_abstract_label(self, index: int, unit: _Unit) -> tuple[str, str] | None:
        label = ABSTRACT_LABEL.match(unit.text)
        label_end = unit.start + len(label.group().rstrip())
        self._emit(index, "other", unit.start, label_end)
        self.zone = self.ABSTRACT
        rest = unit.start + label.end()
        if rest >= unit.end:
            return None
        self._emit(index, "abstract", rest, unit.end)
        return ("abstract", "")

    def _title_like(self, index: int) -> bool:
        unit = self.units[index]
        if not TITLE_MIN_WORDS <= unit.words <= TITLE_MAX_WORDS:
            return False
        if INNER_SENTENCE_END.search(unit.text) or LOWERCASE_START.match(unit.text):
            return False
        if unit.text[-1] in ",;:":
            return False
        if not SENTENCE_END.search(unit.text):
            return index + 1 < len(self.units)
        # A title ending with a period (as PubMed writes them) is one sentence right before the abstract.
        following = self.units[index + 1] if index + 1 < len(self.units) else None
        return following is not None and _text_like(following)

    def _opens_body(self, index: int) -> bool:
        """A heading before the body: numbered, or after the abstract and followed by prose."""
        unit = self.units[index]
        if not _heading_like(unit) or not self._followed_by_text(index):
            return False
        return NUMBERED_HEADING.match(unit.text) is not None or self.zone == self.ABSTRACT

    def _followed_by_text(self, index: int) -> bool:
        """The next unit is prose, or a sub-heading that is itself followed by prose."""
        following = self.units[index + 1: index + 3]
        if not following:
            return False
        if _text_like(following[0]):
            return True
        return len(following) == 2 and _heading_like(following[0]) and _text_like(following[1])

    def _fall_back_to_abstract(self) -> None:
        """With no abstract or body found, sentence-like units labelled other are the abstract."""
        for position, (index, section) in enumerate(self.sections):
            unit = self.units[index]
            if section.label == "other" and unit.kind is Kind.SHORT and unit.words >= 3 and SENTENCE_END.search(
                unit.text
            ):
                self.sections[position] = (index, Section("abstract", section.start, section.end))


def _merge_adjacent(sections: list[Section], text: str) -> tuple[Section, ...]:
    """Join neighbours with the same label and name that only whitespace separates."""
    merged: list[Section] = []
    for section in sections:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and (previous.label, previous.name) == (section.label, section.name)
            and not text[previous.end: section.start].strip()
        ):
            merged[-1] = Section(section.label, previous.start, section.end, section.name)
        else:
            merged.append(section)
    return tuple(merged)


# --------------------------------------------------------------------------------------------------------------
# Front-matter metadata of plain text
# --------------------------------------------------------------------------------------------------------------

# A DOI as printed or linked ("DOI - 10.1111/jcmm.15396", "<https://doi.org/10.1515/x-2024-0066>").
DOI = re.compile(r"\b10\.\d{4,9}/[^\s<>\"'\]]+")
DOI_TRAILING = ".,;:)"
# Where a publication year is written in front matter, most telling first.
YEAR_CUES = (
    re.compile(r"publication\s+(?:year|date)\b.*?\b((?:19|20)\d{2})\b", re.I),
    re.compile(r"\b(?:published|epub|available\s+online)\b.*?\b((?:19|20)\d{2})\b", re.I),
    re.compile(r"(?:©|\(c\)|copyright)\s*(?:©\s*)?((?:19|20)\d{2})\b", re.I),
    re.compile(r"\baccepted\b.*?\b((?:19|20)\d{2})\b", re.I),
    re.compile(r"\breceived\b.*?\b((?:19|20)\d{2})\b", re.I),
)
YEAR = re.compile(r"\b(1[89]\d{2}|20\d{2})\b")


def read_front_matter(text: str, sections: tuple[Section, ...]) -> FrontMatter:
    """Title, DOI and year from the title and the metadata lines before the body."""
    front = []
    for section in sections:
        if section.label in ("body", "table", "reference"):
            break
        front.append(section)
    title = next((" ".join(text[s.start: s.end].split()) for s in front if s.label == "title"), None)
    metadata = "\n".join(text[s.start: s.end] for s in front if s.label == "other")
    doi = DOI.search(metadata)
    return FrontMatter(title, doi.group().rstrip(DOI_TRAILING) if doi else None, _year_from_cues(metadata))


def _year_from_cues(metadata: str) -> int | None:
    for cue in YEAR_CUES:
        found = cue.search(metadata)
        if found:
            return int(found.group(1))
    return None


def parse_year(value: str | None) -> int | None:
    """The first plausible four-digit year in a date string ("2019 Nov-Dec" -> 2019)."""
    found = YEAR.search(value or "")
    return int(found.group(1)) if found else None


# --------------------------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------------------------

LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
# Running headers and footers sit in these top and bottom shares of the page height.
MARGIN_BAND = 0.1
# A line in the margin band that recurs (digits ignored) on this share of pages, and on two at least, is furniture.
FURNITURE_PAGE_SHARE = 0.3
PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
# A page is laid out in two columns when boxes wholly right of the middle hold this share of its characters.
RIGHT_COLUMN_SHARE = 0.15
# A line that stops this far short of its box's right edge may end a paragraph.
SHORT_LINE_SHARE = 0.75
# A word broken at a line end: letters, then a hyphen (or soft hyphen) as the last character.
LINE_END_HYPHEN = re.compile(r"([^\W\d_][\w]*)[-\u00ad\u2010]$")
HYPHENATED_WORD = re.compile(r"\b[^\W\d_]+[-\u2010][^\W\d_]+\b")
MIN_TEXT_CHARS = 20
DECRYPT_HINT = "decrypt it first (qpdf --decrypt --password=... in.pdf out.pdf)"
# Besides its own PSException family, pdfminer reports broken objects and streams in a damaged file as these.
PDFMINER_DAMAGE_ERRORS = (KeyError, IndexError, TypeError, ValueError, AssertionError, zlib.error)


@dataclass(frozen=True, slots=True)
class _PdfLine:
    """One text line of a page, with its box in PDF points (origin bottom left)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True, slots=True)
class _PdfBox:
    """A group of lines that pdfminer's layout analysis put together."""

    lines: tuple[_PdfLine, ...]

    @property
    def x0(self) -> float:
        return min(line.x0 for line in self.lines)

    @property
    def x1(self) -> float:
        return max(line.x1 for line in self.lines)

    @property
    def top(self) -> float:
        return max(line.y1 for line in self.lines)


@dataclass(frozen=True, slots=True)
class _PdfPage:
    """The text boxes of one page and its size."""

    width: float
    height: float
    boxes: tuple[_PdfBox, ...]


def read_pdf(path: str | Path) -> Iterator[Document]:
    """One Document from a PDF's text layer: paragraphs rebuilt in reading order, then sections as for text."""
    path = Path(path)
    data = path.read_bytes()
    # pdfminer quietly salvages what it can from a cut file; a missing end marker is the reliable sign.
    if b"%%EOF" not in data[-2048:]:
        raise IngestError(path, "truncated or damaged PDF: no %%EOF marker at the end; download or export it again")
    pages = _pdf_layout(path, data)
    text = _rebuild_pdf_text(pages)
    if len(re.sub(r"\s", "", text)) < MIN_TEXT_CHARS:
        raise IngestError(path, "no text layer (a scanned PDF?): run OCR first, e.g. ocrmypdf in.pdf out.pdf")
    yield text_document(path, text, "pdf")


def _pdf_layout(path: Path, data: bytes) -> list[_PdfPage]:
    pages = []
    try:
        for page in extract_pages(io.BytesIO(data), laparams=LAParams()):
            boxes = []
            for element in page:
                if not isinstance(element, LTTextBox):
                    continue
                lines = tuple(
                    _PdfLine(line.get_text().strip().translate(LIGATURES), *line.bbox)
                    for line in element
                    if isinstance(line, LTTextLine) and line.get_text().strip()
                )
                if lines:
                    boxes.append(_PdfBox(lines))
            pages.append(_PdfPage(page.width, page.height, tuple(boxes)))
    except PDFPasswordIncorrect as err:
        raise IngestError(path, f"encrypted PDF (password needed): {DECRYPT_HINT}") from err
    except PDFEncryptionError as err:
        raise IngestError(path, f"encrypted PDF ({_one_line(err)}): {DECRYPT_HINT}") from err
    except (PSException, *PDFMINER_DAMAGE_ERRORS) as err:
        damage = f"{type(err).__name__}: {_one_line(err)}"
        raise IngestError(path, f"truncated or damaged PDF ({damage}); export it again") from err
    return pages


def _rebuild_pdf_text(pages: list[_PdfPage]) -> str:
    """Paragraphs in reading order, one per block, without running headers, footers or page numbers."""
    furniture = _furniture_keys(pages)
    paragraphs: list[list[str]] = []
    for page in pages:
        boxes = [_without_furniture(box, page, furniture) for box in page.boxes]
        for box in _reading_order([box for box in boxes if box is not None], page):
            paragraphs.extend([line.text for line in part] for part in _box_paragraphs(box))
    hyphenated = {
        word.lower() for paragraph in paragraphs for line in paragraph for word in HYPHENATED_WORD.findall(line)
    }
    return "\n\n".join(join_lines(paragraph, hyphenated) for paragraph in paragraphs)


def _in_margin(line: _PdfLine, page: _PdfPage) -> bool:
    return line.y0 >= page.height * (1 - MARGIN_BAND) or line.y1 <= page.height * MARGIN_BAND


def _furniture_key(text: str) -> str:
    """Digits and spacing ignored, so "Page 3" and "Page 4" or "2024;7:11" and "2024;7:12" compare equal."""
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text)).strip().lower()


def _furniture_keys(pages: list[_PdfPage]) -> set[str]:
    pages_with: Counter[str] = Counter()
    for page in pages:
        keys = {
            _furniture_key(line.text) for box in page.boxes for line in box.lines if _in_margin(line, page)
        }
        pages_with.update(keys)
    needed = max(2, math.ceil(FURNITURE_PAGE_SHARE * len(pages)))
    return {key for key, count in pages_with.items() if count >= needed}


def _without_furniture(box: _PdfBox, page: _PdfPage, furniture: set[str]) -> _PdfBox | None:
    kept = tuple(
        line
        for line in box.lines
        if not (_in_margin(line, page) and (PAGE_NUMBER.match(line.text) or _furniture_key(line.text) in furniture))
    )
    return _PdfBox(kept) if kept else None


def _reading_order(boxes: list[_PdfBox], page: _PdfPage) -> list[_PdfBox]:
    """Top to bottom on one-column pages; on two-column pages full-width boxes, then the left, then the right column."""
    middle = page.width / 2
    left = [box for box in boxes if box.x1 <= middle]
    right = [box for box in boxes if box.x0 >= middle]
    total = sum(len(line.text) for box in boxes for line in box.lines) or 1
    right_chars = sum(len(line.text) for box in right for line in box.lines)
    by_top = lambda items: sorted(items, key=lambda box: -box.top)  # noqa: E731
    if right_chars / total < RIGHT_COLUMN_SHARE:
        return by_top(boxes)
    full = [box for box in boxes if box.x0 < middle < box.x1]
    columns_top = max(box.top for box in left + right)
    above = [box for box in full if box.top > columns_top]
    below = [box for box in full if box.top <= columns_top]
    return by_top(above) + by_top(left) + by_top(right) + by_top(below)


def _box_paragraphs(box: _PdfBox) -> list[list[_PdfLine]]:
    """A text box cut where a short line ends a sentence or stands alone as a heading."""
    width = box.x1 - box.x0
    paragraphs: list[list[_PdfLine]] = [[]]
    lines = sorted(box.lines, key=lambda line: -line.y1)
    for line, following in zip(lines, lines[1:] + [None]):
        paragraphs[-1].append(line)
        if following is not None and _ends_paragraph(line, following, box.x0 + SHORT_LINE_SHARE * width):
            paragraphs.append([])
    return paragraphs


def _ends_paragraph(line: _PdfLine, following: _PdfLine, short_edge: float) -> bool:
    if line.x1 >= short_edge or LINE_END_HYPHEN.search(line.text):
        return False
    if SENTENCE_END.search(line.text) or line.text.endswith(":"):
        return True
    return len(line.text.split()) <= 8 and following.text[:1].isupper()


def join_lines(lines: list[str], hyphenated: set[str]) -> str:
    """Lines of one paragraph joined with spaces, words broken at a line end joined again."""
    text = lines[0]
    for line in lines[1:]:
        broken = LINE_END_HYPHEN.search(text)
        if broken is None or not line[:1].isalnum():
            text = f"{text} {line}"
        elif text.endswith("\u00ad"):
            text = text[:-1] + line
        elif _keeps_hyphen(broken.group(1), line, hyphenated):
            text += line
        else:
            text = text[:-1] + line
    return text


def _keeps_hyphen(left: str, line: str, hyphenated: set[str]) -> bool:
    """A real hyphen ("miR-21", "drug-resistant" seen elsewhere) rather than one put in to break the word."""
    if line[0].isdigit() or line[0].isupper():
        return True
    right = re.match(r"[^\W\d_]+", line)
    return right is not None and f"{left}-{right.group()}".lower() in hyphenated


# --------------------------------------------------------------------------------------------------------------
# Abstract records (MEDLINE, PubMed XML, JSON Lines)
# --------------------------------------------------------------------------------------------------------------


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
    )


# --------------------------------------------------------------------------------------------------------------
# PubMed MEDLINE ("Save -> PubMed format", .txt or .nbib)
# --------------------------------------------------------------------------------------------------------------

# "10.1111/jcmm.15396 [doi]" inside LID or AID values.
MEDLINE_DOI = re.compile(r"(\S+)\s*\[doi\]")


class _LineTracker:
    """Feeds a file's lines to Bio.Medline as text and remembers the line where the current record began."""

    def __init__(self, path: Path, lines: Iterable[bytes]) -> None:
        self._path = path
        self._lines = lines
        self.line_no = 0
        self.record_start = 1
        self._after_blank = True

    def __iter__(self) -> Iterator[str]:
        for raw in self._lines:
            self.line_no += 1
            line = self._decode(raw)
            if not line.strip():
                # Bio.Medline only treats a bare newline as the end of a record.
                self._after_blank = True
                yield "\n"
                continue
            if self._after_blank:
                self.record_start = self.line_no
                self._after_blank = False
            yield line.rstrip("\r\n") + "\n"

    def _decode(self, raw: bytes) -> str:
        if self.line_no == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise IngestError(
                self._path, f"not UTF-8 at line {self.line_no}, byte {err.start + 1}: re-save it as UTF-8"
            ) from err


def read_medline(path: str | Path) -> Iterator[Document | InputError]:
    """One Document per PubMed MEDLINE record, streamed; a record without PMID becomes an InputError."""
    path = Path(path)
    with path.open("rb") as handle:
        tracker = _LineTracker(path, handle)
        for record in Medline.parse(tracker):
            yield _medline_document(path, record, f"{path}:{tracker.record_start}")


def _medline_field(record: dict, key: str) -> str:
    value = record.get(key, "")
    return " ".join(value) if isinstance(value, list) else value


def _medline_document(path: Path, record: dict, source: str) -> Document | InputError:
    pmid = _medline_field(record, "PMID").strip()
    if not pmid.isdigit():
        found = f"PMID {pmid!r}" if pmid else "no PMID"
        return InputError(source, "", STAGE, f"MEDLINE record with {found}: every record needs a 'PMID- <number>' line")
    title = _medline_field(record, "TI") or _medline_field(record, "BTI")
    abstract = _medline_field(record, "AB")
    if not (title or abstract):
        return InputError(source, f"PMID:{pmid}", STAGE, "MEDLINE record without TI or AB: nothing to read")
    doi = MEDLINE_DOI.search(_medline_field(record, "LID") + " " + _medline_field(record, "AID"))
    return record_document(
        f"PMID:{pmid}", title, abstract, str(path), "medline",
        pmid=pmid, doi=doi.group(1) if doi else None, year=parse_year(_medline_field(record, "DP")),
    )


# --------------------------------------------------------------------------------------------------------------
# PubMed XML (PubmedArticleSet)
# --------------------------------------------------------------------------------------------------------------

ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.I)
INTERNAL_SUBSET = re.compile(r"<!DOCTYPE[^>\[]*\[", re.I)
PUBMED_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")


def read_pubmed_xml(path: str | Path) -> Iterator[Document | InputError]:
    """One Document per PubmedArticle, streamed; entity declarations are refused and nothing is fetched."""
    path = Path(path)
    _refuse_entity_declarations(path)
    with path.open("rb") as handle:
        articles = etree.iterparse(
            handle, events=("end",), tag=PUBMED_RECORD_TAGS,
            resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
        )
        try:
            for _, element in articles:
                yield _pubmed_article(path, element)
                # Free what is parsed so far: a 30,000-record file stays small in memory.
                element.clear(keep_tail=True)
                while element.getprevious() is not None:
                    del element.getparent()[0]
        except etree.XMLSyntaxError as err:
            line = err.lineno or err.position[0]
            message = f"malformed XML at line {line}: {_one_line(err.msg)}; fix it or export it again"
            raise IngestError(path, message) from err


def _refuse_entity_declarations(path: Path) -> None:
    """Refuse an internal DTD subset that declares entities (XXE, billion laughs) before any parser sees it."""
    with path.open("rb") as handle:
        head = handle.read(PROLOG_BYTES)
    text = _sniff_text(path, head)
    # Entity values may contain markup, but every declaration comes before the root element starts.
    root = re.search(r"<[A-Za-z_]", XML_SKIPPABLE.sub(lambda m: " " * len(m.group()), text))
    prolog = text[: root.start()] if root else text
    if ENTITY_DECLARATION.search(prolog):
        raise IngestError(path, "XML declares entities in its DOCTYPE (XXE / billion laughs); refused: remove them")
    if root is None and INTERNAL_SUBSET.search(prolog):
        raise IngestError(path, "XML has an internal DTD subset too large to check; refused: remove it")


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


# --------------------------------------------------------------------------------------------------------------
# JSON Lines
# --------------------------------------------------------------------------------------------------------------


def read_jsonl(path: str | Path) -> Iterator[Document | InputError]:
    """One Document per line (``id``/``pmid``, ``title``, ``abstract``/``text``); a bad line becomes an InputError."""
    path = Path(path)
    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            if raw.strip():
                yield _jsonl_document(path, f"{path}:{line_no}", raw)


def _jsonl_document(path: Path, source: str, raw: bytes) -> Document | InputError:
    try:
        record = json.loads(raw)
    except UnicodeDecodeError:
        return InputError(source, "", STAGE, "line is not UTF-8: re-save the file as UTF-8")
    except json.JSONDecodeError as err:
        problem = f"{err.msg}, column {err.colno}"
        return InputError(source, "", STAGE, f"line is not valid JSON ({problem}): fix or remove it")
    if not isinstance(record, dict):
        return InputError(source, "", STAGE, f"line is a JSON {type(record).__name__}, not an object: fix or remove it")
    pmid = _present(record.get("pmid"))
    doc_id = f"PMID:{pmid}" if pmid else _present(record.get("id"))
    if not doc_id:
        return InputError(source, "", STAGE, "record has no 'id' or 'pmid': add one so results can be traced back")
    fields = {key: record.get(key) for key in ("title", "abstract", "text", "doi")}
    not_text = next((key for key, value in fields.items() if value is not None and not isinstance(value, str)), None)
    if not_text:
        return InputError(source, doc_id, STAGE, f"field {not_text!r} is not a string: {fields[not_text]!r}")
    year = _present(record.get("year"))
    if year and not re.fullmatch(r"\d{4}", year):
        return InputError(source, doc_id, STAGE, f"year {year!r} is not a four-digit year: fix or remove it")
    title = (fields["title"] or "").strip()
    body = (fields["abstract"] or fields["text"] or "").strip()
    if not (title or body):
        return InputError(source, doc_id, STAGE, "record has no text: give it a 'title' and an 'abstract' or 'text'")
    meta = {"pmid": pmid, "doi": _present(fields["doi"]), "year": int(year) if year else None}
    if fields["abstract"] or not fields["text"]:
        return record_document(doc_id, title, body, str(path), "jsonl", **meta)
    return _full_text_record(doc_id, title, normalize_newlines(body), str(path), meta)


def _present(value: object) -> str | None:
    """A JSON scalar as stripped text, or None when it is missing or empty."""
    text = "" if value is None else str(value).strip()
    return text or None


def _full_text_record(doc_id: str, title: str, body: str, source: str, meta: dict) -> Document:
    """A record whose ``text`` may be a whole paper: its sections are detected, after the title when one is given."""
    prefix = f"{title}\n\n" if title else ""
    shift = len(prefix)
    body_sections = detect_sections(body)
    sections = tuple(
        Section(section.label, section.start + shift, section.end + shift, section.name) for section in body_sections
    )
    if title:
        sections = (Section("title", 0, len(title)),) + sections
    front = read_front_matter(body, body_sections)
    return Document(
        doc_id=doc_id,
        text=prefix + body,
        sections=sections,
        source=source,
        format="jsonl",
        title=title or front.title,
        **{**meta, "doi": meta["doi"] or front.doi, "year": meta["year"] or front.year},
    )


READERS = {
    "txt": read_text,
    "pdf": read_pdf,
    "medline": read_medline,
    "pubmed_xml": read_pubmed_xml,
    "jsonl": read_jsonl,
}
