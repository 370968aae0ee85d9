"""Section detection on plain text, first step: the text cut into units, each with a kind judged from its own text.

The text is cut into blank-line-separated blocks; a block is cut further into units (each line of a
line-structured block, each list item, each run of tab-separated rows). Every unit gets a kind from its own
text (heading, caption, prose, author list ...), then one pass in reading order (``sections``) turns kinds into
labels according to where we are: front matter, abstract, body, back matter or references.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """What a unit of text is, judged from the unit alone."""

    TABLE_CAPTION = "table caption"
    TABLE_ROWS = "table rows"
    FIGURE_CAPTION = "figure caption"
    REFERENCES_HEADING = "references heading"
    ABSTRACT_LABEL = "abstract label"  # "Abstract: text" or a bare "Abstract"
    KEYWORDS = "keywords"
    BACK_MATTER = "back matter"  # "Funding: ...", "Acknowledgments"
    SECTION_HEADING = "section heading"  # Introduction, Methods ...
    STRUCTURED = "structured abstract"  # "Background: ...", "Results: ..."
    FOOTNOTE = "footnote"  # corresponding author, e-mail
    BANNER = "banner"  # licence, bare links, site furniture: other anywhere
    FRONT_BANNER = "front banner"  # journal name, article type, history dates: other before the body
    KEY_VALUE = "key - value"
    KEY_ONLY = "key -"  # a "Key -" line whose value is on the next lines
    AFFILIATION = "affiliation"
    AUTHORS = "authors"
    TERM_LIST = "term list"  # unlabelled keyword line
    PROSE = "prose"
    SHORT = "short"  # anything else: heading, title, fragment



# A list item starts with a bullet or a number: "- ", "• ", "12. ", "3) ", "[7] ".
LIST_MARKER = re.compile(r"^\s*(?:[-•*–]\s+|\[(\d{1,4})\]\s*|(\d{1,4})[.)]\s+)")
# "Table 1: caption" (not "Table 1 shows ..."); the name is what the section is called.
TABLE_CAPTION = re.compile(
    r"^(?P<name>(?:supplementary\s+)?table\s+S?(?:\d+|[IVXL]+)[A-Za-z]?)\s*(?:[.:|—–-]|$)", re.I
)
FIGURE_CAPTION = re.compile(
    r"^(?:supplementary\s+)?(?:fig(?:ure)?s?\.?|scheme)\s*S?\d+[A-Za-z]?\s*(?:[.:|—–-]|$)", re.I
)
REFERENCES_HEADING = re.compile(
    r"^(?:\d+\.?\s+)?(?:references?(?:\s+cited)?|bibliography|literature\s+cited|works\s+cited|reference\s+list)\s*:?$",
    re.I,
)
# "Abstract: text" / "Abstract—text" / a bare "Abstract"; the label itself is not abstract text.
ABSTRACT_LABEL = re.compile(r"^(?:abstract|summary)(?:\s*[:.—–-]\s*|\s*$)", re.I)
KEYWORDS_LABEL = re.compile(r"^(?:key\s*words?|index\s+terms|abbreviations?|mesh\s+terms?)\s*(?:[:.—–-]|$)", re.I)
# Back-matter statements, as "Label: text" or as a heading of their own.
BACK_MATTER = re.compile(
    r"^(?:acknowledge?ments?|funding(?:\s+(?:information|sources?|statement))?|research\s+funding"
    r"|financial\s+(?:support|disclosures?)|conflicts?\s+of\s+interests?(?:\s+statement)?"
    r"|competing\s+(?:financial\s+)?interests?|declaration\s+of\s+(?:competing\s+)?interests?|disclosures?"
    r"|authors?(?:'s|')?\s+contributions?|credit\s+authorship(?:\s+contribution)?\s+statement|research\s+ethics"
    r"|ethic(?:s|al)\s+(?:approval|statement|considerations)[^:]{0,60}|informed\s+consent(?:\s+statement)?"
    r"|consent\s+for\s+publication|data\s+(?:and\s+materials?\s+)?availability(?:\s+statement)?"
    r"|availability\s+of\s+data[^:]{0,60}|supplementary\s+(?:materials?|data|information)"
    r"|use\s+of\s+(?:large\s+language\s+models|artificial\s+intelligence|ai\b)[^:]{0,80}|publisher'?s\s+note"
    r"|institutional\s+review\s+board\s+statement)\s*(?::|$)",
    re.I,
)
# Headings that open the body of a paper, optionally numbered ("2.1 Methods", "I. INTRODUCTION").
SECTION_HEADING = re.compile(
    r"^(?:(?:\d+(?:\.\d+)*|[IVX]+)\.?\s+)?(?:introduction|background|(?:materials?\s+and\s+)?methods?"
    r"(?:\s+and\s+materials?)?|methodology|experimental(?:\s+(?:procedures|section))?|results?(?:\s+and\s+discussion)?"
    r"|discussion|conclusions?|concluding\s+remarks|summary\s+and\s+conclusions?|case\s+(?:report|presentation)"
    r"|limitations|future\s+(?:directions|perspectives))\s*$",
    re.I,
)
# A numbered heading ("3.2 Cell culture") opens the body even when its words are not a known section name.
NUMBERED_HEADING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+[A-Z]")
# Labels of a structured abstract ("Background/aim:", "Materials and methods:"); they stay in the abstract.
_ABSTRACT_PART = (
    r"(?:background|introduction|context|objectives?|aims?|purpose|rationale|hypothes[ie]s|materials\s+and\s+methods"
    r"|methods?|methodology|design|setting|patients|participants|subjects|interventions?|measurements"
    r"|main\s+outcome\s+measures?|results?|findings|conclusions?|interpretation|significance|implications?"
    r"|trial\s+registration|importance|observations?)"
)
STRUCTURED_LABEL = re.compile(rf"^{_ABSTRACT_PART}(?:\s*(?:/|,|and|&)\s*{_ABSTRACT_PART})*\s*:\s*\S", re.I)
# Corresponding-author and contact footnotes.
FOOTNOTE = re.compile(
    r"^[*†‡§¶#\d\s]*(?:corresponding\s+authors?|correspondence(?:\s+to)?|address\s+(?:for\s+)?correspondence"
    r"|e-?mail(?:\s+address(?:es)?)?\s*:|present\s+address|these\s+authors\s+contributed|equal\s+contribution)",
    re.I,
)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# Banners that are never content, wherever they appear.
BANNERS = (
    # licence and copyright lines, which may run to a paragraph
    re.compile(
        r"^(?:©|\(c\)\s|copyright\b)"
        r"|\b(?:creative\s+commons|all\s+rights\s+reserved|distributed\s+under\s+the\s+terms)\b",
        re.I,
    ),
    # an "Open Access" badge (the words inside a sentence are content)
    re.compile(r"^\S*open[- ]?access\S*(?:\s+\S+){0,3}$", re.I),
    # bare links and identifiers
    re.compile(r"^<?(?:https?://|www\.|doi\s*:|pmid\s*:|pmcid\s*:)\S*>?\.?$", re.I),
    # author identifiers
    re.compile(r"\borcid\b", re.I),
    # furniture of the web pages that abstracts are copied from
    re.compile(
        r"\b(?:sign\s+in|log\s+in|click\s+here|contact\s+us|already\s+have\s+an\s+account|subscribe|cookies?"
        r"|available\s+to\s+\w+\s+users|download\s+(?:the\s+)?pdf|privacy\s+policy|terms\s+of\s+(?:use|service))\b",
        re.I,
    ),
)
# Front-matter banners: harmless words inside a body, so they count only before it.
FRONT_BANNERS = (
    # the type of article
    re.compile(
        r"^(?:(?:original|research|review|short|brief|rapid|invited|special)\s+)?(?:article|paper|report"
        r"|communication|review|letter|editorial|commentary|perspective|case\s+report|mini[- ]?review)s?$",
        re.I,
    ),
    # publication history
    re.compile(
        r"^(?:received|accepted|revised|published|available\s+online|first\s+published|epub|online\s+first)\b", re.I
    ),
)
# A journal's name ("Turkish Journal of Biology"): short, no sentence end.
JOURNAL_WORD = re.compile(r"\b(?:journal|proceedings|annals|bulletin|transactions|archives)\b", re.I)
# "Key - value" metadata lines of abstract portals ("Publication year - 2020", "Author(s) -").
KEY_VALUE = re.compile(r"^(?P<key>[^\W\d_][\w()'./]*(?:[\s-][\w()'./]+){0,3})\s+[-–—](?:\s+(?P<value>.*))?$")
AFFILIATION_WORD = re.compile(
    r"\b(?:universit\w*|department|dept\.|facult(?:y|ies|ad|é)|institut\w*|college|school\s+of|hospital\w*"
    r"|laborator(?:y|ies)|centre|center|academy|clinic|ministry)\b",
    re.I,
)
# Small words that stay lowercase inside names, titles and affiliations.
FUNCTION_WORDS = frozenset(
    "a an and at de del della der des di do dos du e el en et for from für in la le of on the to und van von y".split()
)
# Lowercase particles inside personal names ("Ludwig van Beethoven", "Maria de la Cruz").
NAME_PARTICLES = frozenset("al bin ben da das de del della den der di do dos du el la le van von y".split())
AUTHOR_SEPARATOR = re.compile(r",|;|\band\b|&")
AUTHOR_MARKS = " *†‡§¶#0123456789,."
AUTHOR_INITIAL = re.compile(r"^(?:[^\W\d_]\.){1,3}$|^[^\W\d_]\.-[^\W\d_]\.$")
# A sentence ends here, possibly followed by closing quotes or brackets.
SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
# A sentence boundary inside a unit: "... cells. The ..."
INNER_SENTENCE_END = re.compile(r"[a-z0-9%)\]][.!?]\s+[A-Z]")
# The unit starts with an ordinary lowercase word ("matrix.", "and data ..."), not a name such as "miRNAs" or "p53".
LOWERCASE_START = re.compile(r"^[a-z][a-z'’]*(?=[\s,.;:)]|$)")

PROSE_MIN_WORDS = 12
PROSE_ANY_WORDS = 40
HEADING_MAX_WORDS = 12
TITLE_MIN_WORDS = 3
TITLE_MAX_WORDS = 40
# Banner rules look only at units shorter than this; a licence paragraph may be long.
BANNER_MAX_WORDS = 40
LICENCE_MAX_WORDS = 100


@dataclass(frozen=True, slots=True)
class Unit:
    """A stretch of text classified as one thing; ``start``/``end`` exclude surrounding whitespace."""

    start: int
    end: int
    text: str
    block: int
    kind: Kind
    words: int


def text_units(text: str) -> list[Unit]:
    """The units of a text in reading order, each with the kind its own text shows."""
    units = []
    for block_no, block in enumerate(_blocks(text)):
        for start, end, is_table in _split_block(block):
            unit_text = text[start:end]
            kind = Kind.TABLE_ROWS if is_table else _classify(unit_text)
            units.append(Unit(start, end, unit_text, block_no, kind, len(unit_text.split())))
    return units


def _blocks(text: str) -> list[list[tuple[int, str]]]:
    """Runs of non-blank lines, each line with its start offset."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            current.append((offset, line))
        elif current:
            blocks.append(current)
            current = []
        offset += len(line) + 1
    if current:
        blocks.append(current)
    return blocks


def _span(lines: list[tuple[int, str]]) -> tuple[int, int]:
    first_offset, first = lines[0]
    last_offset, last = lines[-1]
    return first_offset + len(first) - len(first.lstrip()), last_offset + len(last.rstrip())


def _split_block(block: list[tuple[int, str]]) -> Iterator[tuple[int, int, bool]]:
    """Unit spans of a block: tab-separated row runs, list items, a wrapped paragraph, or single lines."""
    runs: list[tuple[bool, list[tuple[int, str]]]] = []
    for line in block:
        has_tab = "\t" in line[1].strip()
        if runs and runs[-1][0] == has_tab:
            runs[-1][1].append(line)
        else:
            runs.append((has_tab, [line]))
    for has_tab, run in runs:
        if has_tab and len(run) >= 2:
            yield (*_span(run), True)
        elif _is_list(run):
            yield from ((*_span(item), False) for item in _list_items(run))
        elif len(run) >= 2 and _is_wrapped_paragraph(run):
            yield (*_span(run), False)
        else:
            yield from ((*_span([line]), False) for line in run)


def _is_list(run: list[tuple[int, str]]) -> bool:
    marked = sum(1 for _, line in run if LIST_MARKER.match(line))
    return len(run) >= 2 and LIST_MARKER.match(run[0][1]) is not None and marked >= 2


def _list_items(run: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Lines grouped into items; a line without a marker continues the item above it (a wrapped reference)."""
    items: list[list[tuple[int, str]]] = []
    for line in run:
        if LIST_MARKER.match(line[1]) or not items:
            items.append([line])
        else:
            items[-1].append(line)
    return items


def _is_wrapped_paragraph(run: list[tuple[int, str]]) -> bool:
    """Hard-wrapped prose: every line but the last about as long as the longest, none very long."""
    lengths = [len(line.strip()) for _, line in run]
    longest = max(lengths)
    return 40 <= longest <= 100 and min(lengths[:-1]) >= 0.6 * longest


# Units a label or heading says what they are, in the order they are tried (most specific first): the pattern, whether
# it counts only on a unit of a heading's length, and the kind.
_LABELLED_KINDS = (
    (TABLE_CAPTION, False, Kind.TABLE_CAPTION),
    (FIGURE_CAPTION, False, Kind.FIGURE_CAPTION),
    (REFERENCES_HEADING, True, Kind.REFERENCES_HEADING),
    (ABSTRACT_LABEL, False, Kind.ABSTRACT_LABEL),
    (KEYWORDS_LABEL, False, Kind.KEYWORDS),
    (BACK_MATTER, False, Kind.BACK_MATTER),
    (SECTION_HEADING, True, Kind.SECTION_HEADING),
    (STRUCTURED_LABEL, False, Kind.STRUCTURED),
)


def _classify(text: str) -> Kind:
    """The kind of a unit from its own text; the order of the checks matters (most specific first)."""
    words = len(text.split())
    short = words <= HEADING_MAX_WORDS
    for pattern, only_short, kind in _LABELLED_KINDS:
        if (short or not only_short) and pattern.match(text):
            return kind
    if FOOTNOTE.match(text) or (EMAIL.search(text) and words < 80):
        return Kind.FOOTNOTE
    if _is_banner(text, words):
        return Kind.BANNER
    if _is_front_banner(text, words):
        return Kind.FRONT_BANNER
    key_value = KEY_VALUE.match(text)
    if key_value and _is_metadata_key(key_value.group("key")) and not (
        words >= PROSE_MIN_WORDS and SENTENCE_END.search(text)
    ):
        return Kind.KEY_VALUE if key_value.group("value") else Kind.KEY_ONLY
    if _is_affiliation(text, words):
        return Kind.AFFILIATION
    if _is_author_list(text):
        return Kind.AUTHORS
    if _is_term_list(text):
        return Kind.TERM_LIST
    if _is_prose(text, words):
        return Kind.PROSE
    return Kind.SHORT


def _is_metadata_key(key: str) -> bool:
    """"Publication year", "H-Index", not "MiR-21" (a title such as "MiR-21 - a new target")."""
    return key[0].isupper() and not any(char.isdigit() for char in key)


def _is_banner(text: str, words: int) -> bool:
    if words <= LICENCE_MAX_WORDS and BANNERS[0].search(text):
        return True
    return words < BANNER_MAX_WORDS and any(pattern.search(text) for pattern in BANNERS[1:])


def _is_front_banner(text: str, words: int) -> bool:
    if words >= BANNER_MAX_WORDS:
        return False
    if any(pattern.search(text) for pattern in FRONT_BANNERS):
        return True
    return words <= 9 and JOURNAL_WORD.search(text) is not None and not SENTENCE_END.search(text)


def _is_prose(text: str, words: int) -> bool:
    if words >= PROSE_ANY_WORDS:
        return True
    return words >= PROSE_MIN_WORDS and bool(SENTENCE_END.search(text) or INNER_SENTENCE_END.search(text))


def _content_words(text: str) -> list[str]:
    return [word for word in re.findall(r"[^\W\d_][\w'’-]*", text) if word.lower() not in FUNCTION_WORDS]


def _lowercase_share(text: str) -> float:
    """The share of content words that start lowercase: high in prose, near zero in names and addresses."""
    words = _content_words(text)
    return sum(1 for word in words if word[0].islower()) / len(words) if words else 0.0


def _is_affiliation(text: str, words: int) -> bool:
    """An address line: an institution word, several comma-separated parts, capitalised words only."""
    return (
        AFFILIATION_WORD.search(text) is not None
        and text.count(",") >= 2
        and words <= 60
        and _lowercase_share(text) <= 0.2
        and (not text.endswith(".") or words <= 40)
    )


def _is_author_list(text: str) -> bool:
    """Names separated by commas and "and", each one to five capitalised words or initials."""
    parts = [part.strip(AUTHOR_MARKS + " ") for part in AUTHOR_SEPARATOR.split(text)]
    parts = [part for part in parts if part]
    if len(parts) < 2 or not all(_is_person_name(part) for part in parts):
        return False
    marked = re.search(r"[*†‡§¶]|[^\W\d_]\d", text) is not None
    has_initials = any(AUTHOR_INITIAL.match(word) for part in parts for word in part.split())
    return len(parts) >= 3 or marked or has_initials


def _is_person_name(part: str) -> bool:
    words = part.split()
    if not 1 <= len(words) <= 5:
        return False
    return all(
        AUTHOR_INITIAL.match(word) or (word[0].isupper() and not any(c.isdigit() for c in word))
        or word in NAME_PARTICLES
        for word in words
    )


def _is_term_list(text: str) -> bool:
    """An unlabelled keyword line: three or more short phrases separated by commas or semicolons."""
    parts = [part.strip() for part in re.split(r"[;,]", text)]
    return (
        len(parts) >= 3
        and all(0 < len(part.split()) <= 5 for part in parts)
        and not SENTENCE_END.search(text)
        and not INNER_SENTENCE_END.search(text)
    )
