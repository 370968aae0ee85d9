"""XML safety for every XML reader: a DOCTYPE that declares entities is refused before any parser sees the file."""

from __future__ import annotations

import re
from pathlib import Path

from .detect import XML_SKIPPABLE, sniff_text
from .errors import IngestError

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
