"""Front-matter metadata of plain text (title, DOI, year), and the year of a date string."""

from __future__ import annotations

import re
from typing import NamedTuple

from pipeline.schema import Section

# A DOI as printed or linked ("DOI - 10.1111/jcmm.15396", "<https://doi.org/10.1515/x-2024-0066>").
DOI = re.compile(r"\b10\.\d{4,9}/[^\s<>\"'\]]+")
DOI_TRAILING = ".,;:)"
# Where a publication year is written in front matter, most telling first.
YEAR_CUES = (
    re.compile(r"publication\s+(?:year|date)\b.*?\b((?:19|20)\d{2})\b", re.I),
    re.compile(r"\b(?:published|epub|available\s+online)\b.*?\b((?:19|20)\d{2})\b", re.I),
    re.compile(r"(?:©|\(c\)|copyright)\s*(?:©\s*)?((?:19|20)\d{2})\b", re.I),
    re.compile(r"\baccepted\b.*?\b((?:19|20)\d{2})\b", re.I),
    re.compile(r"\breceived\b.*?\b((?:19|20)\d{2})\b", re.I),
)
YEAR = re.compile(r"\b(1[89]\d{2}|20\d{2})\b")


class FrontMatter(NamedTuple):
    """Metadata read off the front matter of a plain-text paper."""

    title: str | None
    doi: str | None
    year: int | None


def read_front_matter(text: str, sections: tuple[Section, ...]) -> FrontMatter:
    """Title, DOI and year from the title and the metadata lines before the body."""
    front = []
    for section in sections:
        if section.label in ("body", "table", "reference"):
            break
        front.append(section)
    title = next((" ".join(text[s.start: s.end].split()) for s in front if s.label == "title"), None)
    metadata = "\n".join(text[s.start: s.end] for s in front if s.label == "other")
    doi = DOI.search(metadata)
    return FrontMatter(title, doi.group().rstrip(DOI_TRAILING) if doi else None, _year_from_cues(metadata))


def _year_from_cues(metadata: str) -> int | None:
    for cue in YEAR_CUES:
        found = cue.search(metadata)
        if found:
            return int(found.group(1))
    return None


def parse_year(value: str | None) -> int | None:
    """The first plausible four-digit year in a date string ("2019 Nov-Dec" -> 2019)."""
    found = YEAR.search(value or "")
    return int(found.group(1)) if found else None
