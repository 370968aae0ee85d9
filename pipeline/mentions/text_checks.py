"""What the text around a lexicon hit says about it: an author's initials, a URL, a sentence or line start, a Title
Case or all-capitals line, a protein name it heads. Pure functions of the text (and of the Doc's sentence starts)."""

from __future__ import annotations

import re
import string
from typing import Callable

from spacy.tokens import Doc

from pipeline.normalize import KIND_PRIORITY, Entry, greek_initials

from .hits import LINES_KEY, URLS_KEY

KIND_RANK = {kind: rank for rank, kind in enumerate(KIND_PRIORITY)}
FINAL_NUMBER = re.compile(r"[0-9]+$")


def with_norm(entry: Entry, norm: str, concept_id: str | None = None) -> Entry:
    return entry._replace(norm=norm, concept_id=entry.concept_id if concept_id is None else concept_id)


# An author's initials in a reference or byline: a capitalized surname, then one to three capitals and `,` or `.`
# (`Giaquinto AN,`, `Xu B.`, `Network NCC.`).
_INITIALS_BEFORE = re.compile(r"[A-Z][a-z'\u2019-]+ $")
_INITIALS_AFTER = re.compile(r"[,.]")
URL = re.compile(r"(?:https?://|www\.)\S+|\bdoi\.org/\S+")
MAY_HAVE_URL = re.compile(r"http|www\.|doi\.org")  # a plain scan, much faster than URL on a text without any


_INITIALS_FOLLOW = re.compile(r" [A-Z]{1,3}[,.]|, [A-Z]\.")  # `Hartman-Frey C,`, `Ren, H.,` (not `Wnt, BMP,`)


def looks_like_author(text: str, start: int, end: int) -> bool:
    """Author initials (`Giaquinto AN,`) or a surname before them (`Hartman-Frey C,`, `Ren, H.,`), not a gene or drug."""
    written = text[start:end]
    if len(written) <= 3 and written.isalpha() and written.isupper():
        return (
            _INITIALS_AFTER.match(text, end) is not None
            and _INITIALS_BEFORE.search(text, max(0, start - 30), start) is not None
        )
    return written.istitle() and _INITIALS_FOLLOW.match(text, end) is not None


def case_variant_of_symbol(entry: Entry, cased: str, title_mid_sentence: bool) -> bool:
    """`Drosha` or `Shh` mid-sentence for an approved symbol of three letters or more, or `EpCAM` for one of four: a
    protein in its own case.

    Title case at a sentence start (`Impact of ...`) and all lower case (`impact`) stay words. An alias in capitals
    written in mixed case is another word (`ChIP` the assay, not CHIP for STUB1; `NETs`, not NETS for SPINK5); an
    alias that has its own lower case may vary it (`Bcl-XL` for `bcl-xL`, `beta-Catenin` for `beta-catenin`).
    """
    if len(entry.cased) < 3 or cased.lower() != entry.cased.lower():
        return False
    if entry.kind == "symbol" and title_mid_sentence and cased == cased.capitalize():
        return True  # three letters so are the mouse or rat gene (`Shh`, `Dbh`, `Btk`)
    if len(entry.cased) < 4:
        return False  # `CBs`, `LpA`: mixed case in three letters is an abbreviation of its own
    if entry.kind != "symbol" and (entry.kind not in ("alias", "previous", "text") or entry.cased.isupper()):
        return False
    return any(char.isupper() for char in cased[1:]) and any(char.islower() for char in cased)


def fits_case(entry: Entry, cased: str, title_mid_sentence: bool) -> bool:
    """Whether a written form (its ``compact`` case key) fits the entry's case rule: as written, in a case variant
    of a symbol, or with the entry's Greek letters as initials (`TNFa`, `IkBa`, `b-catenin` for `β-catenin`)."""
    if not entry.exact_case or entry.cased == cased or case_variant_of_symbol(entry, cased, title_mid_sentence):
        return True
    initials = greek_initials(entry.cased)
    return initials != entry.cased and (
        initials == cased or case_variant_of_symbol(entry._replace(cased=initials), cased, title_mid_sentence)
    )


def an_ion(text: str, start: int, end: int) -> bool:
    """`Ca2+`, `Zn2+` (or `Ca2 +`, as tokenized text writes it): an element and its charge, not the gene CA2
    (`Rb1+/-` and `Rb1 +/+` are genotypes, still the gene; `Ca2+/calmodulin` is the ion)."""
    return _ION.fullmatch(text, start, end) is not None and _CHARGE.match(text, end) is not None


_ION = re.compile(r"[A-Z][a-z]?[1-4]")
_CHARGE = re.compile(r" ?\+(?! ?/ ?[-+])")


def in_a_name(text: str, start: int, end: int) -> bool:
    """Whether a word stands next to a capitalized word, as in a product or method name (`miRNA Mini Kit`,
    `Gene Set Enrichment`, `Exo-Mia`): there a short word in title case is part of the name, not a mouse gene (`Shh`)."""
    return _CAPITALIZED_BEFORE.search(text, max(0, start - 40), start) is not None or (
        _CAPITALIZED_AFTER.match(text, end) is not None
    )


_CAPITALIZED_BEFORE = re.compile(r"\b[A-Z][\w-]* $|\b[A-Z]\w*-$")  # `Mini Kit`, `Exo-Mia`
_CAPITALIZED_AFTER = re.compile(r" [A-Z]")


def starts_sentence(doc: Doc, text: str, offset: int) -> bool:
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    if span is None or span[0].is_sent_start or span[0].i == 0:
        return True
    return _AFTER_HEADING.search(text, max(0, offset - 40), offset) is not None


# `RESULTS: Mice were ...`: a structured abstract's label starts a sentence that the splitter runs on into.
_AFTER_HEADING = re.compile(r"\b[A-Z]{3,}(?: [A-Z]{3,})*: *$")
# A drug's name as the first part of a protein or enzyme name (`AMP-activated protein kinase`, `leucine-rich repeat`,
# `S-adenosylmethionine-dependent methyltransferases`, `histone lysine-N-methyltransferase`, `thymidylate synthase`)
# names no drug; `cisplatin-resistant cells` and `doxorubicin increases` keep theirs.
PROTEIN_MODIFIER = re.compile(
    r"-(?:dependent|activated|binding|rich|gated)[ -](?:[\w-]+ ){0,2}?"
    r"(?:proteins?|kinases?|\w+ases?|repeats?|domains?|receptors?|channels?|cassettes?|transporters?|fingers?|motifs?)\b"
    r"|[ -](?:[A-Za-z]-)?(?!(?:in|de)creases?\b|(?:re)?leases?\b|(?:pur)?chases?\b|(?:dis)?eases?\b|phases?\b"
    r"|cases?\b|bases?\b|ceases?\b|erases?\b)[a-z]+ases?\b",
    re.IGNORECASE,
)


# A salt or counter-ion written after a drug's name (`otilonium bromide`, `perhexiline maleate`, `heparin sodium`).
# Not acetate, phosphate or sulfate: `ammonium acetate`, `pentose phosphate` and `pregnenolone sulfate` (an ester, a
# neurosteroid of its own) name other compounds.
SALT_SUFFIX = re.compile(
    r"\s+(?:(?:mono|di|tri)?(?:hydro)?(?:chloride|bromide|iodide)|sodium|potassium|calcium|maleate"
    r"|mesylate|tartrate|citrate|succinate|fumarate|besylate|tosylate|hyclate)$",
    re.IGNORECASE,
)


def crosses_a_boundary(written: str) -> bool:
    """A hit that runs over a sentence end (`HCs). A` keyed like the alias `hCS-A`) is no name.

    Brackets alone say nothing: `mammalian target of rapamycin (mTOR) inhibitor` gives `mTOR) inhibitor`.
    """
    return _SENTENCE_END.search(written) is not None


_SENTENCE_END = re.compile(r"[.;!?]\s+[A-Z]")


def title_case_line(text: str, offset: int) -> bool:
    """Whether the line around ``offset`` is a Title Case title (`Metformin Slows Tumour Growth in Obese Mice`)."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    words = re.findall(r"[A-Za-z][a-z]{3,}", text[line_start : line_end if line_end >= 0 else len(text)])
    return len(words) >= 4 and sum(word[0].isupper() for word in words) / len(words) >= 0.7


def line_is(doc: Doc, check: Callable[[str, int], bool], text: str, offset: int) -> bool:
    """``check`` of the line around ``offset``, once per line and document: each check reads the whole line (an
    abstract is one line of 1,700 characters), and every finder asks about the same lines."""
    answers = doc.user_data.setdefault(LINES_KEY, {})
    line_start = text.rfind("\n", 0, offset)
    key = f"{check.__name__}\t{line_start}"
    if key not in answers:
        answers[key] = check(text, offset)
    return answers[key]


def url_spans(doc: Doc, text: str) -> list[list[int]]:
    """[start, end] of every web address in the doc's text (no finder takes a hit inside one), once per doc."""
    stored = doc.user_data.get(URLS_KEY)
    if stored is None:
        found = URL.finditer(text) if MAY_HAVE_URL.search(text) else ()
        stored = doc.user_data[URLS_KEY] = [list(match.span()) for match in found]
    return stored


def inside(spans: list[list[int]], offset: int) -> bool:
    return any(start <= offset < end for start, end in spans)


def all_caps_line(text: str, offset: int) -> bool:
    """Whether the line around ``offset`` is written in capitals (a title or heading in upper case)."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    letters, capitals = letters_and_capitals(line)
    return letters >= 20 and capitals / letters > 0.6


_ASCII_LETTERS = string.ascii_letters.encode()
_ASCII_CAPITALS = string.ascii_uppercase.encode()
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def letters_and_capitals(line: str) -> tuple[int, int]:
    """``sum(map(str.isalpha, line)), sum(map(str.isupper, line))``, counted in C: ASCII by deleting the letters
    from the bytes and measuring what went, the few other characters one by one (a line can be a whole abstract)."""
    ascii_bytes = line.encode("ascii", "ignore")
    others = _NOT_ASCII.findall(line) if len(ascii_bytes) < len(line) else []
    letters = len(ascii_bytes) - len(ascii_bytes.translate(None, _ASCII_LETTERS)) + sum(map(str.isalpha, others))
    capitals = len(ascii_bytes) - len(ascii_bytes.translate(None, _ASCII_CAPITALS)) + sum(map(str.isupper, others))
    return letters, capitals


def longest_per_type(found: list[tuple[int, int, Entry, str]]) -> list[tuple[int, int, Entry, str]]:
    """Per type, the longest of overlapping hits (then the earliest, then the best kind)."""
    kept: list[tuple[int, int, Entry, str]] = []
    last_end: dict[str, int] = {}
    ordered = sorted(found, key=lambda f: (f[0], -(f[1] - f[0]), KIND_RANK.get(f[2].kind, 99), f[2].norm))
    for start, end, entry, rule in ordered:
        if start >= last_end.get(entry.type, -1):
            kept.append((start, end, entry, rule))
            last_end[entry.type] = end
    return kept
