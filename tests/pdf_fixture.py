"""A minimal hand-written PDF writer for ingest tests: Helvetica text placed at x/y, page by page, and rules.

No PDF library is involved, so the bytes are exactly what the tests describe. The font's encoding maps
``LIGATURE_CODE`` to the glyph ``fi``: a ``\ufb01`` in the text becomes that byte, and pdfminer reads it back as U+FB01.
Tables are laid out as a word processor sets them: cells wrapped to their column's width at spaces and after hyphens
(Helvetica's widths from pdfminer's copy of the standard font metrics), optionally with horizontal rules.
"""

from __future__ import annotations

import re
from pathlib import Path

from pdfminer.fontmetrics import FONT_METRICS

PAGE_WIDTH = 612
PAGE_HEIGHT = 792
FONT_SIZE = 10
LEADING = 12
# A byte that WinAnsiEncoding leaves unused, re-mapped to the `fi` glyph through /Differences.
LIGATURE_CODE = 0x1F

# One placed line of text: (x, y, text), PDF points from the bottom-left corner.
Placed = tuple[float, float, str]
# One horizontal rule: (x0, x1, y).
Rule = tuple[float, float, float]
HELVETICA_WIDTHS = FONT_METRICS["Helvetica"][1]
# A place a word processor may break a line: after a run of spaces or after a hyphen.
BREAK_AFTER = re.compile(r"[^\s-]*(?:-+|\s+|$)")


def column(x: float, top: float, lines: list[str], gap_before: tuple[int, ...] = ()) -> list[Placed]:
    """Lines set top-down from ``top``; an index in ``gap_before`` gets one empty line before it (a new paragraph)."""
    placed: list[Placed] = []
    y = top
    for index, line in enumerate(lines):
        if index in gap_before:
            y -= LEADING
        placed.append((x, y, line))
        y -= LEADING
    return placed


def _escape(text: str) -> bytes:
    """A PDF literal string in the font's encoding."""
    out = bytearray()
    for char in text:
        if char == "\ufb01":
            out.append(LIGATURE_CODE)
        elif char in "\\()":
            out += b"\\" + char.encode("ascii")
        else:
            out += char.encode("cp1252")
    return bytes(out)


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The width of a line of Helvetica in points."""
    return sum(HELVETICA_WIDTHS.get(char, 556) for char in text) * size / 1000


def wrap(text: str, width: float) -> list[str]:
    """A cell's text in lines no wider than ``width``, broken at spaces and after hyphens (``miR-195-`` / ``5p``)."""
    lines: list[str] = []
    line = ""
    for piece in filter(None, BREAK_AFTER.findall(text)):
        if line and text_width((line + piece).rstrip()) > width:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    return [*lines, line.rstrip()] if line.strip() else lines


def table(
    columns: list[tuple[float, float]], top: float, rows: list[list[str]], row_gap: float = 0.0, bottom: bool = False
) -> tuple[list[Placed], float]:
    """A table set from ``top`` down, each column (x, width), cells wrapped and top-aligned (``bottom``: aligned to
    the row's last line); a row is ``row_gap`` points below the tallest cell of the row above.
    Returns the placed lines and the y of the table's last line."""
    placed: list[Placed] = []
    y = top
    for row in rows:
        cells = [wrap(cell, width) for cell, (_, width) in zip(row, columns)]
        height = max(len(lines) for lines in cells)
        for (x, _), lines in zip(columns, cells):
            placed += column(x, y - LEADING * (height - len(lines) if bottom else 0), lines)
        y -= LEADING * height + row_gap
    return placed, y + row_gap + LEADING


def _content_stream(lines: list[Placed], rules: list[Rule]) -> bytes:
    parts = [b"0.5 w"] + [b"%.2f %.2f m %.2f %.2f l S" % (x0, y, x1, y) for x0, x1, y in rules]
    parts += [b"BT", b"/F1 %d Tf" % FONT_SIZE]
    for x, y, text in lines:
        parts.append(b"1 0 0 1 %.2f %.2f Tm (%s) Tj" % (x, y, _escape(text)))
    parts.append(b"ET")
    return b"\n".join(parts)


def build_pdf(
    pages: list[list[Placed]], ligature: bool = True, rules: list[list[Rule]] | None = None,
    info: dict[str, str] | None = None, xmp: str | None = None,
) -> bytes:  # fmt: skip
    """The bytes of a PDF with one page per list of placed lines (an empty list gives a page without text) and,
    optionally, the horizontal rules drawn on each page, an information dictionary and an XMP metadata packet."""
    differences = b" /Differences [%d /fi]" % LIGATURE_CODE if ligature else b""
    font = (
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
        b"/Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding%s >> >>" % differences
    )
    n_pages = len(pages)
    page_ids = [4 + 2 * i for i in range(n_pages)]
    kids = b" ".join(b"%d 0 R" % pid for pid in page_ids)
    metadata_id = 4 + 2 * n_pages
    catalog_metadata = b" /Metadata %d 0 R" % metadata_id if xmp is not None else b""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R%s >>" % catalog_metadata,
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n_pages),
        font,
    ]
    for pid, lines, page_rules in zip(page_ids, pages, rules or [[] for _ in pages]):
        stream = _content_stream(lines, page_rules)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (PAGE_WIDTH, PAGE_HEIGHT, pid + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    if xmp is not None:
        packet = xmp.encode("utf-8")
        objects.append(b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream" % (len(packet), packet))
    trailer_info = b""
    if info is not None:
        entries = b" ".join(b"/%s (%s)" % (key.encode(), _escape(value)) for key, value in info.items())
        objects.append(b"<< %s >>" % entries)
        trailer_info = b" /Info %d 0 R" % len(objects)

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_info, xref_at)
    return bytes(out)


HEADER = "Journal of Tests 2024"
LEFT_X, RIGHT_X, FULL_X = 72, 320, 72
TITLE = "miR-21 confers trastuzumab resistance in breast cancer cells"

# Page 1: a full-width title, then two columns. The left column holds the abstract with a hyphenated
# word split across lines ("trastu-/zumab"), a miRNA name split after its hyphen ("miR-/21"), a compound
# that also occurs unbroken elsewhere ("drug-/resistant") and a ligature ("\ufb01nding").
PAGE_1_LEFT = [
    "Abstract: We studied the role of miR-",
    "21 in the resistance to trastu-",
    "zumab in SKBR3 cells. The drug-",
    "resistant cells showed high levels",
    "of miR-21 and low PTEN. This \ufb01nding",
    "suggests a new therapeutic target.",
]
PAGE_1_RIGHT = [
    "Introduction",
    "Breast cancer is the most common",
    "cancer in women. A drug-resistant",
    "tumour often relapses after therapy",
    "with the antibody trastuzumab and",
    "other HER2 targeted agents today.",
]
PAGE_2_LEFT = [
    "Methods",
    "SKBR3 cells were grown in medium",
    "with ten percent serum for six days",
    "and then treated with trastuzumab.",
]
PAGE_2_RIGHT = [
    "Results",
    "Cells that lacked miR-21 regained",
    "sensitivity to trastuzumab in all",
    "three independent experiments.",
]


def two_column_pages() -> list[list[Placed]]:
    """The placed lines of the two-page, two-column fixture paper."""
    top = 640
    page_1 = [(FULL_X, 750, HEADER), (FULL_X, 690, TITLE)]
    page_1 += column(LEFT_X, top, PAGE_1_LEFT)
    page_1 += column(RIGHT_X, top, PAGE_1_RIGHT, gap_before=(1,))
    page_1.append((300, 40, "1"))
    page_2 = [(FULL_X, 750, HEADER)]
    page_2 += column(LEFT_X, 700, PAGE_2_LEFT, gap_before=(1,))
    page_2 += column(RIGHT_X, 700, PAGE_2_RIGHT, gap_before=(1,))
    page_2.append((300, 40, "2"))
    return [page_1, page_2]


def write_two_column_pdf(path: Path) -> Path:
    """Write the two-page, two-column fixture paper (running header, page numbers, hyphenation, ligature)."""
    path.write_bytes(build_pdf(two_column_pages()))
    return path


def write_blank_pdf(path: Path) -> Path:
    """Write a one-page PDF with no text at all, like a scan without OCR."""
    path.write_bytes(build_pdf([[]]))
    return path


# A one-page paper with a table under a caption about drug resistance (miRNA | drug | change), set in three ways:
# rows apart by space; rows set solid (one leading throughout, so only the first column tells rows apart); and
# solid with a rule between every two rows and cells aligned to the bottom of their row, where only the rules tell
# rows apart. The miRNA column is narrow enough to break `miR-195-` / `5p`.
TABLE_TITLE = "MicroRNAs and drug resistance in breast cancer cells"
TABLE_INTRO = [
    "Several microRNAs change in breast cancer cells that resist",
    "chemotherapy or targeted drugs; Table 1 lists those we measured",
    "in the resistant sublines of this study.",
]
TABLE_CAPTION_TEXT = "Table 1: miRNAs associated with drug resistance in breast cancer cells."
TABLE_HEADER = ["miRNA", "Drug", "Change in resistant cells"]
TABLE_ROWS = [
    ["miR-21", "trastuzumab", "up"],
    ["miR-221, miR-195-5p", "tamoxifen", "up"],
    ["miR-451", "doxorubicin", "down"],
    ["let-7c", "cisplatin", "down"],
    ["miR-200c", "paclitaxel", "down"],
]
TABLE_OUTRO = [
    "The resistant sublines were kept in medium with the drug for six",
    "months before the measurements were made in all three replicates.",
]
TABLE_COLUMNS = [(72.0, 90.0), (180.0, 90.0), (290.0, 150.0)]
TABLE_LAYOUTS = ("spaced", "solid", "ruled")


def table_paper_text() -> str:
    """The table paper as plain text, in the shape the text path reads a table."""
    rows = "\n".join("\t".join(row) for row in [TABLE_HEADER, *TABLE_ROWS])
    return "\n\n".join(
        [TABLE_TITLE, " ".join(TABLE_INTRO), TABLE_CAPTION_TEXT, rows, " ".join(TABLE_OUTRO)]
    ) + "\n"


def table_page(
    caption: str, rows: list[list[str]], columns: list[tuple[float, float]], layout: str, top: float = 620.0
) -> tuple[list[Placed], list[Rule], float]:
    """A caption and its table (header row first) from ``top`` down in one of ``TABLE_LAYOUTS``: the placed lines,
    the rules and the y of the last line."""
    placed: list[Placed] = [(columns[0][0], top + 20, caption)]
    rules: list[Rule] = []
    row_gap = 6.0 if layout == "spaced" else 0.0
    y = top
    for row in rows:
        row_lines, bottom = table(columns, y, [row], bottom=layout == "ruled")
        placed += row_lines
        y = bottom - LEADING - row_gap
        if layout == "ruled":
            rules.append((columns[0][0] - 2, sum(columns[-1]) + 2, bottom - 3 - row_gap / 2))
    return placed, rules, y + LEADING + row_gap


def table_paper_pages(layout: str = "spaced") -> tuple[list[list[Placed]], list[list[Rule]]]:
    """The placed lines and rules of the one-page table paper in one of ``TABLE_LAYOUTS``."""
    placed = [(FULL_X, 720, TABLE_TITLE)] + column(LEFT_X, 690, TABLE_INTRO)
    lines, rules, last = table_page(TABLE_CAPTION_TEXT, [TABLE_HEADER, *TABLE_ROWS], TABLE_COLUMNS, layout)
    placed += lines + column(LEFT_X, last - 3 * LEADING, TABLE_OUTRO)
    return [placed], [rules]


def write_table_pdf(path: Path, layout: str = "spaced") -> Path:
    """Write the one-page table paper in one of ``TABLE_LAYOUTS``."""
    pages, rules = table_paper_pages(layout)
    path.write_bytes(build_pdf(pages, rules=rules))
    return path


# A two-column page: the left column holds prose, then a table whose caption wraps onto a second line and whose rows
# run to the foot of the column; the right column starts with the table's header again, its last rows, then prose.
SPLIT_CAPTION = ["Table 2: miRNAs that confer resistance to", "gemcitabine in pancreatic cancer cells."]
SPLIT_HEADER = ["miRNA", "Drug", "Cell line"]
SPLIT_ROWS = [
    ["miR-21", "gemcitabine", "PANC-1"],
    ["miR-155", "gemcitabine", "MIA PaCa-2"],
    ["miR-221", "gemcitabine", "AsPC-1"],
    ["miR-320a", "gemcitabine", "PANC-1"],
    ["miR-1246", "gemcitabine", "BxPC-3"],
]
SPLIT_LEFT_PROSE = [
    "Pancreatic cancer responds poorly to",
    "gemcitabine, and several microRNAs",
    "are raised in the resistant cells.",
]
SPLIT_RIGHT_PROSE = [
    "Knockdown of miR-21 restored the",
    "response of PANC-1 cells to the drug",
    "in every experiment we performed.",
]
SPLIT_COLUMNS = [(72.0, 70.0), (146.0, 70.0), (222.0, 70.0)]


def split_table_pages(continued: str = "") -> list[list[Placed]]:
    """The two-column page whose table runs from the foot of the left column into the right column; ``continued``
    is a line set above the repeated header (`Table 2 (continued)`)."""
    offset = RIGHT_X - LEFT_X
    right_columns = [(x + offset, width) for x, width in SPLIT_COLUMNS]
    placed = [(FULL_X, 740, "Gemcitabine resistance and microRNAs in pancreatic cancer")]
    placed += column(LEFT_X, 700, SPLIT_LEFT_PROSE)
    placed += column(LEFT_X, 400, SPLIT_CAPTION)
    if continued:
        placed.append((RIGHT_X, 712, continued))
    left_rows, _ = table(SPLIT_COLUMNS, 370, [SPLIT_HEADER, *SPLIT_ROWS[:3]], row_gap=6)
    right_rows, last = table(right_columns, 700, [SPLIT_HEADER, *SPLIT_ROWS[3:]], row_gap=6)
    placed += left_rows + right_rows + column(RIGHT_X, last - 3 * LEADING, SPLIT_RIGHT_PROSE)
    return [placed]


def write_split_table_pdf(path: Path, continued: str = "") -> Path:
    """Write the two-column page whose table runs on into the right column."""
    path.write_bytes(build_pdf(split_table_pages(continued)))
    return path


def column_table_pages() -> list[list[Placed]]:
    """A two-column page with a table inside the left column, prose above and below it, and prose beside it."""
    placed = [(FULL_X, 740, "Gemcitabine resistance and microRNAs in pancreatic cancer")]
    placed += column(LEFT_X, 700, SPLIT_LEFT_PROSE)
    placed += column(LEFT_X, 640, SPLIT_CAPTION)
    rows, last = table(SPLIT_COLUMNS, 610, [SPLIT_HEADER, *SPLIT_ROWS[:3]], row_gap=6)
    placed += rows + column(LEFT_X, last - 3 * LEADING, TWO_COLUMN_AFTER)
    placed += column(RIGHT_X, 700, SPLIT_RIGHT_PROSE * 4, gap_before=(3, 6, 9))
    return [placed]


TWO_COLUMN_AFTER = [
    "The same microRNAs were low in the",
    "parental cells that respond to the drug.",
]
