"""Section detection on plain text, second step: one pass over the units in reading order labels them by zone."""

from __future__ import annotations

from pipeline.schema import Section

from .units import (
    ABSTRACT_LABEL,
    BACK_MATTER,
    HEADING_MAX_WORDS,
    INNER_SENTENCE_END,
    LIST_MARKER,
    LOWERCASE_START,
    NUMBERED_HEADING,
    PROSE_MIN_WORDS,
    SENTENCE_END,
    TABLE_CAPTION,
    TITLE_MAX_WORDS,
    TITLE_MIN_WORDS,
    Kind,
    Unit,
    text_units,
)

# Units that sit between two parts of a paragraph split by a page or column break (floats and furniture);
# a lowercase-initial unit after them still continues the paragraph.
FLOATS = frozenset(
    {Kind.TABLE_CAPTION, Kind.TABLE_ROWS, Kind.FIGURE_CAPTION, Kind.FOOTNOTE, Kind.AFFILIATION, Kind.AUTHORS,
     Kind.BANNER}
)


def detect_sections(text: str) -> tuple[Section, ...]:
    """Labelled sections (title, abstract, body, table, reference, other) of a plain-text paper or abstract."""
    units = text_units(text)
    return _merge_adjacent(_Labeller(units).run(), text)


def _heading_like(unit: Unit) -> bool:
    """Short, no sentence punctuation at the end, and not the lowercase tail of a broken paragraph."""
    return (
        unit.kind in (Kind.SHORT, Kind.SECTION_HEADING)
        and 1 <= unit.words <= HEADING_MAX_WORDS
        and len(unit.text) <= 120
        and unit.text[-1] not in ".,;:"
        and not LOWERCASE_START.match(unit.text)
        and not INNER_SENTENCE_END.search(unit.text)
    )


def _text_like(unit: Unit) -> bool:
    return unit.kind in (Kind.PROSE, Kind.STRUCTURED) or (
        unit.kind is Kind.SHORT and unit.words >= PROSE_MIN_WORDS
    )


class _Labeller:
    """Turns unit kinds into section labels in one pass, following the zones of a paper."""

    FRONT, ABSTRACT, BODY, BACK, REFERENCES = "front", "abstract", "body", "back", "references"

    def __init__(self, units: list[Unit]) -> None:
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

    def _label(self, index: int, unit: Unit) -> None:
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

    def _front(self, index: int, unit: Unit) -> tuple[str, str] | None:
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

    def _body(self, index: int, unit: Unit) -> tuple[str, str] | None:
        kind = unit.kind
        if kind is Kind.SECTION_HEADING or (kind is Kind.ABSTRACT_LABEL and ABSTRACT_LABEL.fullmatch(unit.text)):
            return self._emit_heading(index, unit)
        if kind is Kind.SHORT and _heading_like(unit) and self._followed_by_text(index):
            return self._emit_heading(index, unit)
        if kind in (Kind.REFERENCES_HEADING, Kind.BACK_MATTER, Kind.KEYWORDS):
            return self._other_or_zone_change(index, unit)
        self._emit(index, "body", unit.start, unit.end, self.heading)
        return ("body", self.heading)

    def _back(self, index: int, unit: Unit) -> tuple[str, str] | None:
        if unit.kind is Kind.SECTION_HEADING:
            return self._emit_heading(index, unit)
        return self._other_or_zone_change(index, unit)

    def _references(self, index: int, unit: Unit) -> tuple[str, str] | None:
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

    def _other_or_zone_change(self, index: int, unit: Unit) -> tuple[str, str] | None:
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

    def _emit_heading(self, index: int, unit: Unit) -> tuple[str, str]:
        self.zone = self.BODY
        self.heading = unit.text
        self._emit(index, "body", unit.start, unit.end, self.heading)
        return ("body", self.heading)

    def _emit_title(self, index: int, unit: Unit) -> None:
        self.title_seen = True
        self._emit(index, "title", unit.start, unit.end)
        following = self.units[index + 1] if index + 1 < len(self.units) else None
        # A title wrapped onto a second line of the same block continues in lowercase.
        if following and following.block == unit.block and LOWERCASE_START.match(following.text):
            if following.kind is Kind.SHORT:
                self.forced[index + 1] = ("title", "")

    def _emit_abstract_label(self, index: int, unit: Unit) -> tuple[str, str] | None:
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
