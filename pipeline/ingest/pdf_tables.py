"""Tables in a PDF: the lines under a `Table N` caption whose words keep columns apart, cut into rows and cells.

A table is written as the text path reads one (``relations.tables``): the caption, a blank line, then one line per
row with its cells separated by tabs, the header row first. Its columns are the channels of white space that no word
of the table crosses. The table ends at a line that bridges them (prose), at a wide vertical gap, at the next caption
or at the end of its page or column, and goes on where the next column or page starts with its header row again.
Rows are told apart by horizontal rules where the table rules every row, else by the extra space between rows, else
by a line with text in the first column.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace
from statistics import median

from .hyphens import HyphenEvidence, join_lines
from .pdf_layout import PdfLine, PdfPage, PdfRule, PdfWord
from .units import FIGURE_CAPTION

# A channel between two columns opens this wide in the table's first line and stays open while this wide, in font
# heights (the space between two words is about 0.25): a cell may run close to its neighbour.
COLUMN_GAP, CHANNEL_MIN = 0.75, 0.35
# Lines whose bottoms are this close, in font heights, stand side by side in one visual line.
SAME_LINE = 0.4
# White space this many font heights tall between two lines ends a table.
END_GAP = 2.5
# A line with one stretch of words wider than this share of the table is prose, not a row.
PROSE_WIDTH = 0.5
# Rows set apart by space: some gaps are this much taller than the smallest, and a row starts after one this much taller.
SPACED_ROWS, ROW_GAP = 1.3, 1.15
# A table rules its rows when this many gaps between its lines have a rule at least this share of its width.
RULED_GAPS, RULE_SHARE = 3, 0.2
# Lines of a caption's paragraph under its first line, before the table's header.
MAX_CAPTION_LINES = 4
# Pages and columns one table may run on to.
MAX_PARTS = 20
# A caption as the text path reads one (`Table 1:`, `Table 2.`), or as journals print it, the label then the title
# (`Table 1 miRNAs that ...`): the text path reads the rows under such a caption as a table too, only not the caption.
# A line of prose that starts with `Table 1 shows` is tried as well, and gives no table: prose bridges every column.
CAPTION = re.compile(r"^(?P<name>(?:supplementary\s+)?table\s+S?(?:\d+|[IVXL]+)[A-Za-z]?)(?:\s*[.:|—–-]|\s+\S|\s*$)", re.I)
CONTINUED = re.compile(r"\bcont(?:inued|'d|d)?\b", re.I)
CONTINUED_CAPTION = re.compile(r"^(?:supplementary\s+)?table\s+S?\w+\W*\s*cont(?:inued|'d|d)?\b", re.I)


@dataclass(frozen=True, slots=True)
class PdfTable:
    """A table of a page: its caption, its rows of cells, and the lines it takes from the pages."""

    page: int
    caption: str
    rows: tuple[tuple[str, ...], ...]
    first_part: tuple[PdfLine, ...]  # the caption and the table's lines on the caption's page
    lines: frozenset[PdfLine]  # every line it takes, on every page it runs on

    @property
    def name(self) -> str:
        return CAPTION.match(self.caption).group("name")

    @property
    def text(self) -> str:
        """The caption, a blank line, then one line per row with tab-separated cells."""
        return self.caption + "\n\n" + "\n".join("\t".join(row) for row in self.rows)


@dataclass(frozen=True, slots=True)
class _VisualLine:
    """The lines of one height inside a table's width, as one line of words from left to right."""

    lines: tuple[PdfLine, ...]
    words: tuple[PdfWord, ...]
    top: float
    bottom: float

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


@dataclass(frozen=True, slots=True)
class _Frame:
    """Where a table may stand: a page, a horizontal band and the height its lines start below."""

    page: int
    x0: float
    x1: float
    top: float


@dataclass(frozen=True, slots=True)
class _Part:
    """The visual lines of a table on one page or column and the column bounds they show."""

    lines: tuple[_VisualLine, ...]
    bounds: tuple[float, ...]
    runs_on: bool  # it reached the end of its frame


def find_tables(pages: list[PdfPage], evidence: HyphenEvidence) -> list[PdfTable]:
    """Every table under a `Table N` caption, in page order; a `Table N (continued)` joins the first `Table N`."""
    tables: list[PdfTable] = []
    taken: set[PdfLine] = set()
    captions = [(index, line) for index, page in enumerate(pages) for line in page.lines() if CAPTION.match(line.text)]
    # A `Table N (continued)` is read last: the table it continues takes it, with the rows under it, when it can.
    captions.sort(key=lambda found: CONTINUED_CAPTION.match(found[1].text) is not None)
    for index, caption in captions:
        if caption not in taken and (table := _read_table(pages, index, caption, evidence)) is not None:
            tables.append(table)
            taken |= table.lines
    return _join_continued(sorted(tables, key=lambda table: table.page))


def _read_table(pages: list[PdfPage], index: int, caption: PdfLine, evidence: HyphenEvidence) -> PdfTable | None:
    frame = _caption_frame(pages[index], index, caption)
    found = _first_part(_visual_lines(pages[index], frame))
    if found is None:
        return None
    legend, part = found
    frame = _column_of(part, frame, pages[index])
    rows = list(_rows(part, pages[index].rules, evidence))
    first = (caption, *(line for visual in legend + list(part.lines) for line in visual.lines))
    taken = set(first)
    for _ in range(MAX_PARTS):
        following = _continuation(pages, frame, part) if part.runs_on else None
        if following is None:
            break
        frame, part, skipped = following
        more = list(_rows(part, pages[frame.page].rules, evidence))
        rows += more[1:] if more[0] == rows[0] else more
        taken.update(skipped, (line for visual in part.lines for line in visual.lines))
    text = join_lines([caption.text] + [visual.text for visual in legend], evidence)
    return PdfTable(index, text, tuple(rows), first, frozenset(taken))


def _caption_frame(page: PdfPage, index: int, caption: PdfLine) -> _Frame:
    """The caption's column when text stands beside it in the other column, else the width of the page."""
    middle = page.width / 2
    top = caption.y0 + SAME_LINE * caption.height
    if caption.x0 < middle < caption.x1:
        return _Frame(index, 0, page.width, top)
    left = caption.x1 <= middle
    beside = [
        line
        for line in page.lines()
        if (line.x0 >= middle if left else line.x1 <= middle) and line.y0 < caption.y1 and line.y1 > caption.y0
    ]
    if not beside:
        return _Frame(index, 0, page.width, top)
    return _Frame(index, 0, middle, top) if left else _Frame(index, middle, page.width, top)


def _column_of(part: _Part, frame: _Frame, page: PdfPage) -> _Frame:
    """The half of the page a table stands in when it keeps to one (where it runs on is the other column)."""
    middle = page.width / 2
    x0 = min(word.x0 for line in part.lines for word in line.words)
    x1 = max(word.x1 for line in part.lines for word in line.words)
    if x1 <= middle:
        return replace(frame, x1=min(frame.x1, middle))
    return replace(frame, x0=max(frame.x0, middle)) if x0 >= middle else frame


def _visual_lines(page: PdfPage, frame: _Frame) -> list[_VisualLine]:
    """The lines of a frame from top to bottom, those of one height joined."""
    inside = [
        line for line in page.lines() if frame.x0 <= (line.x0 + line.x1) / 2 <= frame.x1 and line.y1 <= frame.top
    ]
    groups: list[list[PdfLine]] = []
    for line in sorted(inside, key=lambda line: -line.y0):
        if groups and groups[-1][0].y0 - line.y0 <= SAME_LINE * line.height:
            groups[-1].append(line)
        else:
            groups.append([line])
    return [
        _VisualLine(
            tuple(group),
            tuple(sorted((word for line in group for word in line.words), key=lambda word: word.x0)),
            max(line.y1 for line in group),
            min(line.y0 for line in group),
        )
        for group in groups
    ]


def _first_part(lines: list[_VisualLine]) -> tuple[list[_VisualLine], _Part] | None:
    """The caption's further lines and the table under them; None when no table of two rows stands there."""
    size = _font_size(lines)
    for start in range(min(MAX_CAPTION_LINES, len(lines) - 1) + 1):
        if start and lines[start - 1].bottom - lines[start].top > END_GAP * size:
            return None
        part = _grow(lines[start:], size)
        if part is not None:
            return lines[:start], part
    return None


def _font_size(lines: list[_VisualLine]) -> float:
    heights = [line.height for visual in lines[:12] for line in visual.lines]
    return median(heights) if heights else 0.0


def _spans(intervals: list[tuple[float, float]], gap: float) -> list[tuple[float, float]]:
    """Intervals merged where less than ``gap`` apart; what stays between them are the channels."""
    merged: list[tuple[float, float]] = []
    for x0, x1 in sorted(intervals):
        if merged and x0 - merged[-1][1] < gap:
            merged[-1] = (merged[-1][0], max(merged[-1][1], x1))
        else:
            merged.append((x0, x1))
    return merged


def _channels(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(left[1], right[0]) for left, right in zip(spans, spans[1:])]


def _grow(lines: list[_VisualLine], size: float) -> _Part | None:
    """The lines from the first that keep its columns apart; None for fewer than two such lines."""
    if not lines or not size:
        return None
    covered = _spans([(word.x0, word.x1) for word in lines[0].words], COLUMN_GAP * size)
    if len(covered) < 2:
        return None
    gap = CHANNEL_MIN * size
    taken = [lines[0]]
    runs_on = True
    for line in lines[1:]:
        if taken[-1].bottom - line.top > END_GAP * size or _is_caption(line.text):
            runs_on = False
            break
        words = [(word.x0, word.x1) for word in line.words]
        wider = _spans(covered + words, gap)
        channels = _channels(wider)
        kept = [c for c in _channels(covered) if any(c[0] <= x0 and x1 <= c[1] for x0, x1 in channels)]
        if len(kept) == len(covered) - 1:
            covered = wider
        elif not kept or _prose_like(words, covered, gap):
            runs_on = False
            break
        # A cell running over into the next column: the row is kept, the columns stay as they were.
        taken.append(line)
    return _Part(tuple(taken), _bounds(covered), runs_on) if len(taken) >= 2 else None


def _is_caption(text: str) -> bool:
    return CAPTION.match(text) is not None or FIGURE_CAPTION.match(text) is not None


def _prose_like(words: list[tuple[float, float]], covered: list[tuple[float, float]], gap: float) -> bool:
    width = covered[-1][1] - covered[0][0]
    return any(x1 - x0 > PROSE_WIDTH * width for x0, x1 in _spans(words, gap))


def _bounds(covered: list[tuple[float, float]]) -> tuple[float, ...]:
    """The middle of each channel: a word starting right of the n-th bound is in column n + 1."""
    return tuple((x0 + x1) / 2 for x0, x1 in _channels(covered))


def _continuation(pages: list[PdfPage], frame: _Frame, part: _Part) -> tuple[_Frame, _Part, list[PdfLine]] | None:
    """The table's part in the next column or page, when that starts with its header row again or with a
    `Table N (continued)` line; the lines of that caption line are given apart."""
    header = part.lines[0].text
    for following in _next_frames(pages, frame):
        lines = _visual_lines(pages[following.page], following)
        skipped = list(lines[0].lines) if lines and CONTINUED_CAPTION.match(lines[0].text) else []
        lines = lines[1:] if skipped else lines
        if lines and (skipped or lines[0].text == header):
            found = _grow(lines, _font_size(lines))
            return (following, found, skipped) if found is not None else None
    return None


def _next_frames(pages: list[PdfPage], frame: _Frame) -> Iterator[_Frame]:
    page = pages[frame.page]
    middle = page.width / 2
    if frame.x1 <= middle:
        yield _Frame(frame.page, middle, page.width, page.height)
    if frame.page + 1 < len(pages):
        following = pages[frame.page + 1]
        if frame.x1 - frame.x0 < page.width:
            yield _Frame(frame.page + 1, 0, following.width / 2, following.height)
        yield _Frame(frame.page + 1, 0, following.width, following.height)


def _rows(part: _Part, rules: tuple[PdfRule, ...], evidence: HyphenEvidence) -> Iterator[tuple[str, ...]]:
    """The rows of a part, each a tuple of cells."""
    lines = part.lines
    starts = _row_starts(lines, part.bounds, rules)
    for start, end in zip(starts, starts[1:] + [len(lines)]):
        yield _cells(lines[start:end], part.bounds, evidence)


def _row_starts(lines: tuple[_VisualLine, ...], bounds: tuple[float, ...], rules: tuple[PdfRule, ...]) -> list[int]:
    """The index of each row's first line: after a rule, else after extra space, else at a new first cell."""
    x0 = min(word.x0 for line in lines for word in line.words)
    x1 = max(word.x1 for line in lines for word in line.words)
    pairs = list(zip(lines, lines[1:]))
    ruled = [_ruled_between(above, below, rules, x0, x1) for above, below in pairs]
    if sum(ruled) >= RULED_GAPS:
        breaks = ruled
    else:
        steps = [above.bottom - below.bottom for above, below in pairs]
        unruled = [step for step, rule in zip(steps, ruled) if not rule]
        smallest = min(unruled, default=0.0)
        if unruled and max(unruled) > SPACED_ROWS * smallest:
            breaks = [rule or step > ROW_GAP * smallest for step, rule in zip(steps, ruled)]
        else:
            breaks = [rule or _opens_row(above, below, bounds) for (above, below), rule in zip(pairs, ruled)]
    return [0] + [index + 1 for index, brk in enumerate(breaks) if brk]


def _ruled_between(above: _VisualLine, below: _VisualLine, rules: tuple[PdfRule, ...], x0: float, x1: float) -> bool:
    slack = 0.2 * (above.top - above.bottom)
    return any(
        below.top - slack <= rule.y <= above.bottom + slack
        and min(rule.x1, x1) - max(rule.x0, x0) >= RULE_SHARE * (x1 - x0)
        for rule in rules
    )


def _opens_row(above: _VisualLine, below: _VisualLine, bounds: tuple[float, ...]) -> bool:
    """A line with text in the first column opens a row unless that cell goes on from the line above (which ends in
    a hyphen or a comma) or the line has nothing else and starts in lower case (`Lapatinib` / `ditosylate`)."""
    first = [word.text for word in below.words if word.x0 < bounds[0]]
    before = [word.text for word in above.words if word.x0 < bounds[0]]
    if not first or (before and before[-1][-1] in "-,"):
        return False
    return len(first) < len(below.words) or not first[0][:1].islower()


def _cells(lines: tuple[_VisualLine, ...], bounds: tuple[float, ...], evidence: HyphenEvidence) -> tuple[str, ...]:
    """A row's cells: each column's words line by line, the lines joined as a paragraph's are."""
    columns: list[list[str]] = [[] for _ in range(len(bounds) + 1)]
    for line in lines:
        parts: list[list[str]] = [[] for _ in columns]
        for word in line.words:
            parts[bisect_right(bounds, word.x0)].append(word.text)
        for column, words in zip(columns, parts):
            if words:
                column.append(" ".join(words))
    return tuple(join_lines(column, evidence) if column else "" for column in columns)


def _join_continued(tables: list[PdfTable]) -> list[PdfTable]:
    """A `Table N (continued)` is read as more rows of the first `Table N`, its repeated header left out."""
    joined: list[PdfTable] = []
    for table in tables:
        first = next((t for t in joined if t.name.lower() == table.name.lower()), None)
        if first is None or not CONTINUED.search(table.caption):
            joined.append(table)
            continue
        rows = table.rows[1:] if table.rows[0] == first.rows[0] else table.rows
        joined[joined.index(first)] = replace(first, rows=first.rows + rows, lines=first.lines | table.lines)
    return joined
