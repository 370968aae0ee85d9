"""PDF: the text layer rebuilt as paragraphs in reading order, without page furniture; then sections as for text,
and title, DOI, journal and year from the PDF's metadata where it has them (``pdf_meta``).

Tables under a `Table N:` caption are found on the page (``pdf_tables``) and written as the text path reads them
(caption, then one tab-separated line per row), in the place of their caption; their lines are not also body text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from pipeline.schema import Document

from .errors import IngestError
from .hyphens import LINE_END_HYPHEN, hyphen_evidence, join_lines
from .pdf_layout import PdfBox, PdfLine, PdfPage, read_layout
from .pdf_meta import read_pdf_metadata
from .pdf_tables import PdfTable, find_tables
from .text import text_document
from .units import SENTENCE_END

# Running headers and footers sit in these top and bottom shares of the page height.
MARGIN_BAND = 0.1
# A line in the margin band that recurs (digits ignored) on this share of pages, and on two at least, is furniture.
FURNITURE_PAGE_SHARE = 0.3
PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
# A page is laid out in two columns when boxes wholly right of the middle hold this share of its characters.
RIGHT_COLUMN_SHARE = 0.15
# A line that stops this far short of its box's right edge may end a paragraph.
SHORT_LINE_SHARE = 0.75
MIN_TEXT_CHARS = 20


def read_pdf(path: str | Path) -> Iterator[Document]:
    """One Document from a PDF's text layer: paragraphs rebuilt in reading order, then sections as for text."""
    path = Path(path)
    data = path.read_bytes()
    # pdfminer quietly salvages what it can from a cut file; a missing end marker is the reliable sign.
    if b"%%EOF" not in data[-2048:]:
        raise IngestError(path, "truncated or damaged PDF: no %%EOF marker at the end; download or export it again")
    text = _rebuild_pdf_text(read_layout(path, data))
    if len(re.sub(r"\s", "", text)) < MIN_TEXT_CHARS:
        raise IngestError(path, "no text layer (a scanned PDF?): run OCR first, e.g. ocrmypdf in.pdf out.pdf")
    document = text_document(path, text, "pdf")
    meta = read_pdf_metadata(data)
    # What the publisher wrote about the paper outranks what the first lines of its text look like.
    yield replace(
        document, title=meta.title or document.title, doi=meta.doi or document.doi, journal=meta.journal,
        year=meta.year or document.year,
    )


def _rebuild_pdf_text(pages: list[PdfPage]) -> str:
    """Paragraphs and table blocks in reading order, without running headers, footers or page numbers."""
    furniture = _furniture_keys(pages)
    pages = [_without_furniture(page, furniture) for page in pages]
    evidence = hyphen_evidence(line.text for page in pages for line in page.lines())
    tables = find_tables(pages, evidence)
    taken = {line for table in tables for line in table.lines}
    blocks: list[str] = []
    for index, page in enumerate(pages):
        boxes = [PdfBox(kept) for box in page.boxes if (kept := tuple(ln for ln in box.lines if ln not in taken))]
        boxes += [_table_box(table) for table in tables if table.page == index]
        for box in _reading_order(boxes, page):
            if box.table:
                blocks.append(box.table)
            else:
                blocks.extend(join_lines([line.text for line in part], evidence) for part in _box_paragraphs(box))
    return "\n\n".join(blocks)


def _table_box(table: PdfTable) -> PdfBox:
    """A table as one box where its caption and rows stand on the caption's page, for the reading order."""
    return PdfBox(table.first_part, table.text)


def _in_margin(line: PdfLine, page: PdfPage) -> bool:
    return line.y0 >= page.height * (1 - MARGIN_BAND) or line.y1 <= page.height * MARGIN_BAND


def _furniture_key(text: str) -> str:
    """Digits and spacing ignored, so "Page 3" and "Page 4" or "2024;7:11" and "2024;7:12" compare equal."""
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text)).strip().lower()


def _furniture_keys(pages: list[PdfPage]) -> set[str]:
    pages_with: Counter[str] = Counter()
    for page in pages:
        keys = {
            _furniture_key(line.text) for box in page.boxes for line in box.lines if _in_margin(line, page)
        }
        pages_with.update(keys)
    needed = max(2, math.ceil(FURNITURE_PAGE_SHARE * len(pages)))
    return {key for key, count in pages_with.items() if count >= needed}


def _is_furniture(line: PdfLine, page: PdfPage, furniture: set[str]) -> bool:
    return _in_margin(line, page) and (PAGE_NUMBER.match(line.text) is not None or _furniture_key(line.text) in furniture)


def _without_furniture(page: PdfPage, furniture: set[str]) -> PdfPage:
    boxes = (tuple(line for line in box.lines if not _is_furniture(line, page, furniture)) for box in page.boxes)
    return PdfPage(page.width, page.height, tuple(PdfBox(lines) for lines in boxes if lines), page.rules)


def _reading_order(boxes: list[PdfBox], page: PdfPage) -> list[PdfBox]:
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


def _box_paragraphs(box: PdfBox) -> list[list[PdfLine]]:
    """A text box cut where a short line ends a sentence or stands alone as a heading."""
    width = box.x1 - box.x0
    paragraphs: list[list[PdfLine]] = [[]]
    lines = sorted(box.lines, key=lambda line: -line.y1)
    for line, following in zip(lines, lines[1:] + [None]):
        paragraphs[-1].append(line)
        if following is not None and _ends_paragraph(line, following, box.x0 + SHORT_LINE_SHARE * width):
            paragraphs.append([])
    return paragraphs


def _ends_paragraph(line: PdfLine, following: PdfLine, short_edge: float) -> bool:
    if line.x1 >= short_edge or LINE_END_HYPHEN.search(line.text):
        return False
    if SENTENCE_END.search(line.text) or line.text.endswith(":"):
        return True
    return len(line.text.split()) <= 8 and following.text[:1].isupper()
