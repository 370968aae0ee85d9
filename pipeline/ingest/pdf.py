"""PDF: the text layer rebuilt as paragraphs in reading order, without page furniture; then sections as for text."""

from __future__ import annotations

import io
import math
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTTextBox, LTTextLine
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.psexceptions import PSException

from pipeline.schema import Document

from .errors import IngestError, one_line
from .text import text_document
from .units import SENTENCE_END

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
        raise IngestError(path, f"encrypted PDF ({one_line(err)}): {DECRYPT_HINT}") from err
    except (PSException, *PDFMINER_DAMAGE_ERRORS) as err:
        damage = f"{type(err).__name__}: {one_line(err)}"
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
