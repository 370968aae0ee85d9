"""XML safety for every XML reader: a DOCTYPE that declares entities is refused before any parser sees the file,
records are streamed with entities, DTDs and the network off (``stream_elements``), and so is an XML fragment held in
a string (``parse_fragment``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from .detect import XML_SKIPPABLE, sniff_text
from .errors import IngestError, one_line

# How much of an XML file is scanned for a DOCTYPE internal subset before parsing.
PROLOG_BYTES = 1024 * 1024
ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.I)
INTERNAL_SUBSET = re.compile(r"<!DOCTYPE[^>\[]*\[", re.I)


def refuse_entity_declarations(path: Path) -> None:
    """Refuse an internal DTD subset that declares entities (XXE, billion laughs) before any parser sees it."""
    with path.open("rb") as handle:
        head = handle.read(PROLOG_BYTES)
    text = sniff_text(path, head)
    # Entity values may contain markup, but every declaration comes before the root element starts.
    root = re.search(r"<[A-Za-z_]", XML_SKIPPABLE.sub(lambda m: " " * len(m.group()), text))
    prolog = text[: root.start()] if root else text
    if ENTITY_DECLARATION.search(prolog):
        raise IngestError(path, "XML declares entities in its DOCTYPE (XXE / billion laughs); refused: remove them")
    if root is None and INTERNAL_SUBSET.search(prolog):
        raise IngestError(path, "XML has an internal DTD subset too large to check; refused: remove it")


def stream_elements(path: Path, tags: str | tuple[str, ...]) -> Iterator[etree._Element]:
    """Each record element of an XML file, streamed and freed once the caller is done with it (a 30,000-record file
    stays small in memory); entity declarations are refused, nothing is fetched, malformed XML is an IngestError."""
    refuse_entity_declarations(path)
    with path.open("rb") as handle:
        elements = etree.iterparse(
            handle, events=("end",), tag=tags,
            resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
        )  # fmt: skip
        try:
            for _, element in elements:
                yield element
                element.clear(keep_tail=True)
                # The root has no parent to free siblings from (a comment before it is one).
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
        except etree.XMLSyntaxError as err:
            line = err.lineno or err.position[0]
            raise IngestError(path, f"malformed XML at line {line}: {one_line(err.msg)}; fix it or export it again") from err


def parse_fragment(text: str) -> etree._Element | None:
    """An XML fragment held in a string (a BioC ``xml`` infon), parsed with entities, DTDs and the network off;
    None for one that declares a DOCTYPE or entities, or is not well-formed."""
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        return None
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError:
        return None
