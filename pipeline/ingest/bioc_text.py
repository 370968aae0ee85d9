"""BioC full text (PMC's BioC service, PubTator3): the section of each passage, table rows from the ``xml`` infon,
and a document's ids, DOI and year from its infons.

Sections: a passage's ``type`` decides for tables (``table_caption``, ``table``: one ``table`` section from the caption
through the rows, named ``Table <n>`` after the passage's ``id`` infon; ``table_foot`` a ``table`` section of its own),
figure captions (``other``, as the plain-text reader labels them, named ``Figure <n>``) and references
(``reference``, numbered); else ``section_type`` does (``TITLE``, ``ABSTRACT``, back matter such as ``ACK_FUND`` or
``COMP_INT``: ``other``; ``INTRO``, ``METHODS``, ``RESULTS``... and any other: ``body``); a passage without a
``section_type`` goes by its ``type`` (``title``, ``abstract``...; none at all: ``abstract``). A heading passage
(``title_1``, ``abstract_title_1``...) is a section of its own, and each passage after it in the same part is named
after it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from pipeline.schema import Section

from .front_matter import parse_year
from .jats import SKIPPED, table_rows
from .records import corpus_doc_id
from .xml_safety import parse_fragment

# section_type -> section label; any other section_type is body text.
SECTION_TYPES = {
    "TITLE": "title", "ABSTRACT": "abstract", "TABLE": "table", "FIG": "other", "REF": "reference",
    "ACK_FUND": "other", "AUTH_CONT": "other", "COMP_INT": "other", "ABBR": "other", "KEYWORD": "other",
    "SUPPL": "other", "REVIEW_INFO": "other",
}  # fmt: skip
# type -> section label where the type alone says it: floats and references, whatever their section_type.
FLOAT_TYPES = {
    "table": "table", "table_caption": "table", "table_title_caption": "table", "table_foot": "table",
    "table_footnote": "table", "fig_caption": "other", "fig_title_caption": "other", "fig_footnote": "other",
    "ref": "reference", "reference": "reference",
}  # fmt: skip
# type -> section label for a passage without a section_type; any other type is body text.
PASSAGE_TYPES = {"title": "title", "front": "title", "abstract": "abstract", "footnote": "other"}
# The parts of one table that make one section: its captions, then its rows.
TABLE_CAPTIONS = frozenset({"table_caption", "table_title_caption"})
TABLE_PARTS = TABLE_CAPTIONS | {"table"}
HEADING_TYPE = re.compile(r"(?:abstract_)?title_\d+|title", re.I)
TRAILING_NUMBER = re.compile(r"(\d+)[A-Za-z]?$")
# How far past the previous cell a table cell is looked for when it does not follow at once.
CELL_WINDOW = 300


def passage_label(infons: dict[str, str]) -> str:
    """The section label of a passage, from its infons."""
    kind = infons.get("type", "").strip().lower()
    zone = infons.get("section_type", "").strip().upper()
    if kind in FLOAT_TYPES:
        return FLOAT_TYPES[kind]
    if zone:
        return SECTION_TYPES.get(zone, "body")
    if not kind:
        return "abstract"
    return "abstract" if kind.startswith("abstract") else PASSAGE_TYPES.get(kind, "body")


class PassageSections:
    """The sections of one document's passages, added in order."""

    def __init__(self) -> None:
        self.spans: list[list] = []  # [label, start, end, name]
        self.heading = ""
        self.zone: str | None = None
        self.caption: str | None = None  # the id infon of the table whose caption came last
        self.counts: Counter[str] = Counter()

    def add(self, infons: dict[str, str], start: int, text: str) -> None:
        """The section of a passage laid out at ``start``; a blank passage has none."""
        kind = infons.get("type", "").strip().lower()
        zone = infons.get("section_type", "").strip().upper()
        if zone != self.zone:
            self.zone, self.heading = zone, ""
        if not text.strip():
            return
        # The section spans the passage's text without the whitespace around it (a PMC table ends with tabs).
        start, end = start + len(text) - len(text.lstrip()), start + len(text.rstrip())
        label = passage_label(infons)
        table_id, caption = infons.get("id", ""), self.caption
        self.caption = table_id if kind in TABLE_CAPTIONS else None
        if kind in TABLE_PARTS and caption == table_id:
            self.spans[-1][2] = end
            return
        if label == "table":
            name = self._float_name("Table", infons, kind != "table_foot")
        elif kind.startswith("fig"):
            name = self._float_name("Figure", infons, True)
        elif HEADING_TYPE.fullmatch(kind) and label != "title":
            # A references heading is no reference.
            label = "other" if label == "reference" else label
            name = self.heading = " ".join(text.split())
        elif label == "reference":
            self.counts["reference"] += 1
            name = str(self.counts["reference"])
        else:
            name = self.heading if label != "title" else ""
        self.spans.append([label, start, end, name])

    def _float_name(self, word: str, infons: dict[str, str], new: bool) -> str:
        """``Table 2`` after the number that ends the id infon (``Tab2``, ``T2``), else counted in order."""
        if new:
            self.counts[word] += 1
        number = TRAILING_NUMBER.search(infons.get("id", ""))
        return f"{word} {number.group(1) if number else self.counts[word]}"

    def sections(self) -> tuple[Section, ...]:
        return tuple(Section(label, start, end, name) for label, start, end, name in self.spans)


def table_text(text: str, infons: dict[str, str]) -> str:
    """A table passage's text with each row of its ``xml`` infon on a line of its own and its cells separated by
    tabs, as the table rules read them. Only whitespace between cells changes, one character for one, so BioC
    offsets stay true; without an ``xml`` infon (or one that does not parse) the text is kept as it is."""
    xml = infons.get("xml", "")
    if infons.get("type", "").strip().lower() != "table" or "<table" not in xml:
        return text
    table = parse_fragment(xml[xml.find("<table") : xml.rfind("</table>") + len("</table>")])
    if table is None:
        return text
    # BioC drops the text of citations in cells (`<xref>12</xref>`): each cell is looked for with and without it.
    variants = zip(table_rows(table), table_rows(table, SKIPPED | {"xref"}))
    chars = list(text)
    position, previous_end, previous_row, row_cells = 0, -1, -1, 0
    for row, (cells, bare_cells) in enumerate(variants):
        for cell, bare in zip(cells, bare_cells):
            span = _find_cell(text, (cell, bare), position)
            if span is None:
                continue
            if previous_end >= 0 and text[previous_end : span[0]].isspace():
                _mark_gap(chars, previous_end, span[0], row != previous_row, row_cells)
            row_cells = 1 if row != previous_row else row_cells + 1
            position = previous_end = span[1]
            previous_row = row
    return "".join(chars)


def _find_cell(text: str, variants: Sequence[str], position: int) -> tuple[int, int] | None:
    """Where a cell's text is, right after ``position`` or else in the next few hundred characters (a cell before it
    was not found); its words may be separated by any whitespace."""
    patterns = [r"\s+".join(map(re.escape, variant.split())) for variant in dict.fromkeys(variants) if variant.split()]
    for pattern in patterns:
        found = re.compile(rf"\s*({pattern})").match(text, position)
        if found:
            return found.span(1)
    for pattern in patterns:
        found = re.compile(rf"(?<!\S)({pattern})(?!\S)").search(text, position, position + CELL_WINDOW)
        if found:
            return found.span(1)
    return None


def _mark_gap(chars: list[str], start: int, end: int, new_row: bool, row_cells: int) -> None:
    """The whitespace between two cells becomes a line break (a new row; after a row of one cell, a tab first so
    that it still reads as a row) or holds a tab (the same row); the rest of it spaces."""
    gap = chars[start:end]
    if new_row:
        lead = "\t\n" if row_cells == 1 and len(gap) > 1 else "\n"
    elif "\n" in gap or "\t" not in gap:
        lead = "\t"
    else:
        return
    chars[start:end] = list(lead + " " * (len(gap) - len(lead)))


def bioc_metadata(raw_id: str, infons: Sequence[dict[str, str]]) -> tuple[str, dict]:
    """The doc_id of a BioC document (``PMCID:PMC<n>``, ``PMID:<n>``, else from its id) and its ``pmid``, ``pmcid``,
    ``doi``, ``year`` and ``journal``, from the ``article-id_*``, ``year`` and ``journal`` infons of the document and
    of its first passage."""

    def first(key: str) -> str:
        return next((str(given[key]).strip() for given in infons if str(given.get(key, "")).strip()), "")

    pmc = re.sub(r"^PMC", "", first("article-id_pmc"), flags=re.I)
    pmid = first("article-id_pmid")
    if pmc.isdigit():
        doc_id = f"PMCID:PMC{pmc}"
    elif pmid.isdigit():
        doc_id = f"PMID:{pmid}"
    else:
        doc_id = corpus_doc_id(raw_id)
    if not pmid.isdigit():
        pmid = doc_id[5:] if doc_id.startswith("PMID:") else ""
    metadata = {
        "pmid": pmid or None, "doi": first("article-id_doi") or None, "year": parse_year(first("year")),
        "pmcid": f"PMC{pmc}" if pmc.isdigit() else None, "journal": first("journal") or None,
    }  # fmt: skip
    return doc_id, metadata
