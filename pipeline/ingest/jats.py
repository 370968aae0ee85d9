"""PMC Open Access JATS XML (an ``<article>``, or a ``<pmc-articleset>`` of them), streamed article by article.

A Document's text is built from the article's content, one block a paragraph, blocks separated by a blank line:
the title (``title``); the abstract, its headings included (``abstract``); the body, each heading a block of its own
so a reader sees it (``body``, every block named after the heading it falls under); each table as a ``Table 1:
caption`` line followed by its rows, cells joined by tabs, one row a line (``table``, named after its label: the
block the table rules read in plain text), its footnotes a ``table`` block of their own; figure and
supplementary-material captions (``other``, as the plain-text reader labels them, named after their label);
acknowledgements, notes and footnotes (``other``); appendices (``body``); the references heading (``other``) and the
references, one block each (``reference``, named after the reference's label). A float inside a paragraph follows
that paragraph. Inline markup stays as text (citations too); TeX alternatives of formulas, graphics, keywords, authors
and sub-articles are left out; whitespace runs become one space. An article without a ``<body>`` is an error row. doc_id: ``PMCID:PMC<n>``, else ``PMID:<n>``, else the file stem (a second
article of the same id in a file: ``#2``...).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from pipeline.schema import Document, InputError, Section

from .errors import STAGE, IngestError
from .front_matter import parse_year
from .xml_safety import stream_elements

FORMAT = "jats"
# Elements whose text never reaches the Document: TeX twins of MathML formulas, pictures, nested articles.
SKIPPED = frozenset({"tex-math", "graphic", "inline-graphic", "media", "sub-article", "response", "object-id"})
# Floats: taken out of the paragraph that holds them and written as blocks of their own after it.
FLOATS = frozenset({"table-wrap", "fig", "supplementary-material"})
# Elements that hold blocks (paragraphs, floats, sections), walked for them.
CONTAINERS = frozenset(
    {"sec", "app", "app-group", "boxed-text", "list", "list-item", "disp-quote", "def-list", "def-item", "def",
     "statement", "glossary", "table-wrap-group", "fig-group", "notes", "fn-group", "fn", "ack", "back", "body",
     "abstract", "trans-abstract", "floats-group", "bio", "sec-meta", "question-wrap", "answer", "question"}
)  # fmt: skip
# Inline elements that stand for a break between words (a cell's `<break/>`, paragraphs inside a cell or caption).
WORD_BREAKS = frozenset({"p", "break", "title", "label", "list-item", "td", "th", "caption", "term", "def"})
# Back-matter parts and their section label; anything else at the back is `other`.
BACK_LABELS = {"app-group": "body", "app": "body"}
# Parts of an element citation that are links, not text a reader reads.
CITATION_LINKS = frozenset({"pub-id", "ext-link", "uri", "comment", "object-id"})
# Which publication date says the year, most telling first.
DATE_TYPES = ("epub", "ppub", "pub", "collection", "epub-ppub")


def read_jats(path: str | Path) -> Iterator[Document | InputError]:
    """One Document per ``<article>`` (streamed); entity declarations are refused and nothing is fetched."""
    path = Path(path)
    seen: Counter[str] = Counter()
    for article in stream_elements(path, "article"):
        yield _article_document(path, article, seen)
    if not seen:
        raise IngestError(
            path, "no JATS <article> in it (an <article> in an XML namespace is not read): export the article from "
            "PMC again (the OA service or E-utilities efetch db=pmc)"
        )


def local_name(element) -> str:
    """The tag without its namespace; "" for a comment or a processing instruction."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def inline_text(element, skipped: frozenset[str] = SKIPPED) -> str:
    """The text of an element and its inline markup, whitespace collapsed; ``skipped`` elements and floats give
    nothing (their tails stay)."""
    parts: list[str] = []
    _collect(element, parts, skipped)
    return " ".join("".join(parts).split())


def _collect(element, parts: list[str], skipped: frozenset[str]) -> None:
    parts.append(element.text or "")
    for child in element:
        name = local_name(child)
        if name and name not in skipped and name not in FLOATS:
            spaced = name in WORD_BREAKS
            parts.append(" " if spaced else "")
            _collect(child, parts, skipped)
            parts.append(" " if spaced else "")
        parts.append(child.tail or "")


def table_rows(table, skipped: frozenset[str] = SKIPPED) -> list[list[str]]:
    """The rows of an XHTML ``<table>`` (thead, tbody, tfoot in document order), each a list of cell texts; a cell
    spanning columns is followed by empty cells, so every row keeps its width."""
    rows = []
    for row in table.iter("{*}tr"):
        cells: list[str] = []
        for cell in row:
            if local_name(cell) in ("td", "th"):
                cells.append(inline_text(cell, skipped))
                span = cell.get("colspan", "1")
                cells.extend([""] * (int(span) - 1 if span.isdigit() and 1 < int(span) <= 100 else 0))
        if any(cells):
            rows.append(cells)
    return rows


def row_line(cells: list[str]) -> str:
    """A table row as one line of tab-separated cells; a row of one cell ends with a tab, so it still reads as a row."""
    return "\t".join(cells) if len(cells) > 1 else f"{cells[0]}\t"


class _Builder:
    """The Document text, one block after another, and the section of each block."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.length = 0
        self.sections: list[Section] = []

    def add(self, label: str, text: str, name: str = "") -> None:
        if not text:
            return
        if self.pieces:
            self.pieces.append("\n\n")
            self.length += 2
        self.pieces.append(text)
        self.sections.append(Section(label, self.length, self.length + len(text), name))
        self.length += len(text)

    @property
    def text(self) -> str:
        return "".join(self.pieces)


class _ArticleText:
    """Walks one article's front, body, back and floats into a _Builder."""

    def __init__(self) -> None:
        self.out = _Builder()

    def front(self, meta) -> None:
        if meta is None:
            return
        title = meta.find("title-group/article-title")
        self.out.add("title", inline_text(title) if title is not None else "")
        for abstract in meta.findall("abstract"):
            # A bare "Abstract" heading says nothing; "Author summary" and the like name a second abstract.
            heading = abstract.find("title")
            heading_text = inline_text(heading) if heading is not None else ""
            if heading_text.lower() == "abstract":
                heading_text = ""
            self.out.add("abstract", heading_text, heading_text)
            self.blocks(abstract, "abstract", heading_text)

    def blocks(self, element, label: str, heading: str) -> None:
        """The blocks inside a container, in document order."""
        for child in element:
            name = local_name(child)
            if not name or name in SKIPPED or name in ("title", "label", "caption"):
                continue
            if name in ("sec", "app", "boxed-text", "ack", "notes", "glossary", "bio"):
                self.section(child, label, heading)
            elif name == "ref-list":
                self.references(child)
            elif name == "p":
                self.paragraph(child, label, heading)
            elif name in FLOATS:
                self.float_block(child)
            elif name in CONTAINERS or _holds_blocks(child):
                self.blocks(child, label, heading)
            else:
                self.out.add(label, inline_text(child), heading)

    def section(self, sec, label: str, heading: str) -> None:
        title = " ".join(inline_text(sec.find(part)) for part in ("label", "title") if sec.find(part) is not None)
        title = title.strip()
        if title:
            heading = title
            self.out.add(label, title, heading)
        self.blocks(sec, label, heading)

    def paragraph(self, p, label: str, heading: str) -> None:
        self.out.add(label, inline_text(p), heading)
        for element in _floats_inside(p):
            self.float_block(element)

    def float_block(self, element) -> None:
        """A table as its ``Table 1: caption`` line and its rows, then its footnotes; a figure as its caption."""
        name = local_name(element)
        label_element = element.find("label")
        label = inline_text(label_element) if label_element is not None else ""
        caption_element = element.find("caption")
        caption = inline_text(caption_element) if caption_element is not None else ""
        first_line = f"{label}: {caption}" if label and caption else label or caption
        if name != "table-wrap":
            self.out.add("other", first_line, label)
            return
        rows = [row_line(cells) for table in element.iter("{*}table") for cells in table_rows(table)]
        self.out.add("table", "\n".join([first_line, *rows] if first_line else rows), label)
        for foot in element.iter("table-wrap-foot"):
            self.out.add("table", inline_text(foot), label)

    def references(self, ref_list) -> None:
        heading = ref_list.find("title")
        if heading is not None:
            self.out.add("other", inline_text(heading), inline_text(heading))
        for number, ref in enumerate(ref_list.iter("ref"), start=1):
            marker = ref.find("label")
            written = inline_text(marker) if marker is not None else ""
            text = " ".join(part for part in (written, _citation_text(ref)) if part)
            self.out.add("reference", text, written.strip("[]().") or str(number))

    def back(self, back) -> None:
        for child in back:
            name = local_name(child)
            if name == "ref-list":
                self.references(child)
            elif name:
                self.section(child, BACK_LABELS.get(name, "other"), "")


def _holds_blocks(element) -> bool:
    return any(local_name(child) in ("p", "sec", *FLOATS, *CONTAINERS) for child in element)


def _floats_inside(p) -> list:
    """The floats a paragraph holds, outermost only (a figure inside a boxed table is its table's)."""
    found = []
    for element in p.iter("table-wrap", "fig", "supplementary-material"):
        if not any(ancestor in found for ancestor in element.iterancestors()):
            found.append(element)
    return found


def _citation_text(ref) -> str:
    """A reference as printed: a mixed citation as written, an element citation as its parts joined by periods."""
    mixed = ref.find(".//mixed-citation")
    if mixed is None:
        mixed = ref.find(".//citation")
    if mixed is not None:
        return inline_text(mixed)
    element = ref.find(".//element-citation")
    if element is None:
        return inline_text(ref, SKIPPED | {"label"})
    parts = []
    for part in element:
        name = local_name(part)
        if name == "person-group":
            parts.append(_person_group(part))
        elif name and name not in CITATION_LINKS:
            parts.append(inline_text(part))
    return ". ".join(part.rstrip(".") for part in parts if part) + "."


def _person_group(group) -> str:
    """``Smith J, Doe A``: each name as surname and given names, a collaboration as written."""
    names = []
    for person in group:
        kind = local_name(person)
        if kind == "name":
            names.append(" ".join(inline_text(part) for part in person if local_name(part)))
        elif kind in ("collab", "string-name"):
            names.append(inline_text(person))
    return ", ".join(name for name in names if name)


def _article_document(path: Path, article, seen: Counter[str]) -> Document | InputError:
    source = f"{path}:{article.sourceline}"
    meta = article.find("front/article-meta")
    ids = _article_ids(meta)
    doc_id = f"PMCID:{ids['pmc']}" if ids.get("pmc") else f"PMID:{ids['pmid']}" if ids.get("pmid") else path.stem
    seen[doc_id] += 1
    if seen[doc_id] > 1:
        doc_id += f"#{seen[doc_id]}"
    walker = _ArticleText()
    walker.front(meta)
    before = len(walker.out.sections)
    body = article.find("body")
    if body is not None:
        walker.blocks(body, "body", "")
    if len(walker.out.sections) == before:
        return InputError(
            source, doc_id, STAGE, "JATS <article> without a <body>: no full text in it (PMC holds some articles as "
            "scanned pages or a PDF only); read its abstract from PubMed instead (mirmine fetch)"
        )
    back = article.find("back")
    if back is not None:
        walker.back(back)
    for floats in article.findall("floats-group"):
        walker.blocks(floats, "other", "")
    title = next((walker.out.text[s.start : s.end] for s in walker.out.sections if s.label == "title"), None)
    return Document(
        doc_id, walker.out.text, tuple(walker.out.sections), str(path), FORMAT,
        pmid=ids.get("pmid"), doi=ids.get("doi"), year=_article_year(meta), title=title, pmcid=ids.get("pmc"),
        journal=inline_text(journal) if (journal := article.find("front/journal-meta//journal-title")) is not None else None,
    )  # fmt: skip


def _article_ids(meta) -> dict[str, str]:
    ids: dict[str, str] = {}
    if meta is None:
        return ids
    for element in meta.findall("article-id"):
        kind, value = element.get("pub-id-type", ""), inline_text(element)
        if kind in ("pmc", "pmcid"):
            number = re.sub(r"^PMC", "", value, flags=re.I)
            if number.isdigit():
                ids.setdefault("pmc", f"PMC{number}")
        elif kind == "pmid" and value.isdigit():
            ids.setdefault("pmid", value)
        elif kind == "doi" and value:
            ids.setdefault("doi", value)
    return ids


def _article_year(meta) -> int | None:
    if meta is None:
        return None

    def rank(date) -> int:
        kind = date.get("pub-type") or date.get("date-type") or ""
        return DATE_TYPES.index(kind) if kind in DATE_TYPES else len(DATE_TYPES)

    for date in sorted(meta.findall("pub-date"), key=rank):
        year = parse_year(date.findtext("year"))
        if year:
            return year
    return None
