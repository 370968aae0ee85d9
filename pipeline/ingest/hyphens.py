"""Lines of a PDF paragraph or table cell joined again: a word the typesetter broke at a line end is one word.

A hyphen at a line end is either put in to break a word (`resis-` / `tance`) or belongs to the text (`miR-` / `21`,
`miR-195-` / `5p`, `E-` / `cadherin`). The document's own spelling elsewhere decides first (`drug-resistant` written
whole, or `PIK3R2`); without it the shape of the two sides does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# Closing punctuation never starts a line after a space: a line starting with it goes on from the one above (`[77-79` /
# `]` in a narrow table cell).
CLOSING = ")]},;:."
# A word broken at a line end: a letter or digit, then a hyphen (or soft hyphen) as the last character.
LINE_END_HYPHEN = re.compile(r"([^\W_]+)[-\u00ad\u2010]$")
_PIECE = re.compile(r"[^\W_]+")
# Two pieces on either side of a hyphen inside a line; the lookahead lets `miR-195-5p` give both of its pairs.
_HYPHEN_PAIR = re.compile(r"(?<![^\W_])(?=([^\W_]+)[-\u2010]([^\W_]+))")


@dataclass(frozen=True, slots=True)
class HyphenEvidence:
    """How a document spells words elsewhere: piece pairs written with a hyphen (`drug-resistant`, `195-5p`)
    and whole words (`pik3r2`), lower-cased."""

    hyphenated: frozenset[str] = field(default_factory=frozenset)
    solid: frozenset[str] = field(default_factory=frozenset)


def hyphen_evidence(lines: Iterable[str]) -> HyphenEvidence:
    """The hyphenated piece pairs and the whole words of a document's lines."""
    hyphenated: set[str] = set()
    solid: set[str] = set()
    for line in lines:
        lowered = line.lower()
        hyphenated.update(f"{left}-{right}" for left, right in _HYPHEN_PAIR.findall(lowered))
        solid.update(_PIECE.findall(lowered))
    return HyphenEvidence(frozenset(hyphenated), frozenset(solid))


def join_lines(lines: list[str], hyphenated: set[str] | HyphenEvidence) -> str:
    """Lines of one paragraph joined with spaces, words broken at a line end joined again.

    ``hyphenated``: the document's spelling (``HyphenEvidence``), or only its hyphenated pairs as a set.
    """
    evidence = hyphenated if isinstance(hyphenated, HyphenEvidence) else HyphenEvidence(frozenset(hyphenated))
    text = lines[0]
    for line in lines[1:]:
        broken = LINE_END_HYPHEN.search(text)
        if line and line[0] in CLOSING:
            text += line
        elif broken is None or not line[:1].isalnum():
            text = f"{text} {line}"
        elif text.endswith("\u00ad"):
            text = text[:-1] + line
        elif _keeps_hyphen(broken.group(1), line, evidence):
            text += line
        else:
            text = text[:-1] + line
    return text


def _keeps_hyphen(left: str, line: str, evidence: HyphenEvidence) -> bool:
    """A real hyphen (`miR-21`, `drug-resistant` seen elsewhere) rather than one put in to break the word."""
    match = _PIECE.match(line)
    if match is None:
        return True
    right = match.group()
    pair = f"{left}-{right}".lower()
    if pair in evidence.hyphenated:
        return True
    if pair.replace("-", "") in evidence.solid:
        return False
    if right[0].isdigit():
        return True  # miR-/21, miR-195-/5p, Bcl-/2, IGF-/1R
    if left[-1].isdigit():
        # A symbol of letters and digits broken before a capital is one symbol (PIK3-/R2 is PIK3R2, as HGNC writes it
        # and the gene lexicon reads it); after a bare number the hyphen is real (5-/FU, 10-/fold, 5-/fluorouracil),
        # as it is before a lower-case word (HER2-/positive).
        return not (right[0].isupper() and not left.isdigit())
    if right[0].isupper():
        return True  # anti-/HER2, HLA-/DRB1
    # An abbreviation or a one-letter prefix keeps its hyphen (E-/cadherin, NF-/κB, miRNA-/mediated); an ordinary
    # word broken by the typesetter does not (resis-/tance, Resis-/tance).
    return len(left) == 1 or any(char.isupper() for char in left[1:])
