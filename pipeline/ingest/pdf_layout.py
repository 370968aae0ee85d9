"""A PDF's pages as pdfminer's layout analysis sees them: text boxes of lines, each line with its words, and rules.

Positions are PDF points from the bottom-left corner of the page. The reader (``pdf``) rebuilds paragraphs from the
boxes; the table finder (``pdf_tables``) works on the words and the horizontal rules.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from pathlib import Path

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTCurve, LTPage, LTRect, LTTextBox, LTTextLine
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.psexceptions import PSException

from .errors import IngestError, one_line

LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
DECRYPT_HINT = "decrypt it first (qpdf --decrypt --password=... in.pdf out.pdf)"
# Besides its own PSException family, pdfminer reports broken objects and streams in a damaged file as these.
PDFMINER_DAMAGE_ERRORS = (KeyError, IndexError, TypeError, ValueError, AssertionError, zlib.error)
# A drawn line or a rectangle this thin (points) is a rule; a taller rectangle gives its top and bottom edges.
RULE_THICKNESS = 2.0


@dataclass(frozen=True, slots=True)
class PdfWord:
    """A run of characters without white space in a line, with its horizontal extent."""

    text: str
    x0: float
    x1: float


@dataclass(frozen=True, slots=True)
class PdfLine:
    """One text line of a page, with its box and its words."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    words: tuple[PdfWord, ...] = ()

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True, slots=True)
class PdfRule:
    """A horizontal rule (a drawn line, or an edge of a rectangle) at height ``y``."""

    x0: float
    x1: float
    y: float


@dataclass(frozen=True, slots=True)
class PdfBox:
    """A group of lines that pdfminer's layout analysis put together; ``table`` holds the text of a table block."""

    lines: tuple[PdfLine, ...]
    table: str = ""

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
class PdfPage:
    """The text boxes and horizontal rules of one page, and its size."""

    width: float
    height: float
    boxes: tuple[PdfBox, ...]
    rules: tuple[PdfRule, ...] = ()

    def lines(self) -> list[PdfLine]:
        return [line for box in self.boxes for line in box.lines]


def read_layout(path: Path, data: bytes) -> list[PdfPage]:
    """The pages of a PDF file's bytes; ``IngestError`` for an encrypted or damaged file."""
    try:
        return [_page(page) for page in extract_pages(io.BytesIO(data), laparams=LAParams())]
    except PDFPasswordIncorrect as err:
        raise IngestError(path, f"encrypted PDF (password needed): {DECRYPT_HINT}") from err
    except PDFEncryptionError as err:
        raise IngestError(path, f"encrypted PDF ({one_line(err)}): {DECRYPT_HINT}") from err
    except (PSException, *PDFMINER_DAMAGE_ERRORS) as err:
        damage = f"{type(err).__name__}: {one_line(err)}"
        raise IngestError(path, f"truncated or damaged PDF ({damage}); export it again") from err


def _page(page: LTPage) -> PdfPage:
    boxes, rules = [], []
    for element in page:
        if isinstance(element, LTTextBox):
            lines = tuple(
                PdfLine(line.get_text().strip().translate(LIGATURES), *line.bbox, words=_words(line))
                for line in element
                if isinstance(line, LTTextLine) and line.get_text().strip()
            )
            if lines:
                boxes.append(PdfBox(lines))
        elif isinstance(element, LTCurve):
            rules.extend(_rules(element))
    return PdfPage(page.width, page.height, tuple(boxes), tuple(rules))


def _words(line: LTTextLine) -> tuple[PdfWord, ...]:
    """The words of a line: characters between spaces (pdfminer's inserted ones included)."""
    words: list[PdfWord] = []
    chars: list[LTChar] = []
    for item in [*line, None]:
        if isinstance(item, LTChar) and item.get_text().strip():
            chars.append(item)
            continue
        if chars:
            text = "".join(char.get_text() for char in chars).translate(LIGATURES)
            words.append(PdfWord(text, chars[0].x0, chars[-1].x1))
            chars = []
    return tuple(words)


def _rules(element: LTCurve) -> list[PdfRule]:
    """Horizontal rules of a drawn line or rectangle; vertical and sloping strokes give none."""
    x0, y0, x1, y1 = element.bbox
    if y1 - y0 <= RULE_THICKNESS and x1 - x0 > RULE_THICKNESS:
        return [PdfRule(x0, x1, (y0 + y1) / 2)]
    if isinstance(element, LTRect) and x1 - x0 > RULE_THICKNESS:
        return [PdfRule(x0, x1, y0), PdfRule(x0, x1, y1)]
    return []
