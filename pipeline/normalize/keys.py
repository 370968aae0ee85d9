"""Match keys: lexicon terms and document text are compared through one key function, so spelling variants meet."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress
from operator import add

# Lexicon terms and document text are compared through one key function, so spelling variants meet:
# the key is a sequence of lower-cased alphanumeric "pieces" separated by single spaces and wrapped in spaces
# (" gsk 3beta "), so a key is only ever found as a run of whole pieces (no boundary check per candidate).
# Hyphens, slashes and other punctuation separate pieces like spaces do; Greek letters are spelled out and glued
# to the piece before them (`GSK-3 β`, `GSK-3β`, `GSK3beta` all key as "gsk3beta"), as is a lone capital after a
# lone Greek letter (`NF- κ B` -> "nf kappab"); a hyphen before a number glues (`IGF-1R` -> "igf1r"), and one between
# a number and a lone letter (`IGF1-R` -> "igf1r"). Terms get
# variants for their junctions (`E-cadherin` -> "e cadherin", "ecadherin"), so the text needs none.

_PIECE = re.compile(r"[^\W_]+")
_PIECE_SPLIT = re.compile(r"([^\W_]+)")
_HYPHENS = "-\u2010\u2011\u2012\u2013\u2212"
_GREEK_LETTERS = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "µ": "mu", "ν": "nu", "ξ": "xi",
    "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega",
}  # fmt: skip
_GREEK_WORDS = frozenset(_GREEK_LETTERS.values())
_GREEK_PREFIXES = tuple(sorted(_GREEK_WORDS))
_GREEK_CHAR = re.compile("[" + "".join(_GREEK_LETTERS) + "".join(k.upper() for k in _GREEK_LETTERS) + "]")
_HYPHEN_CHAR = re.compile("[" + re.escape(_HYPHENS) + "]")
_GREEK_TRANSLATION = str.maketrans({**_GREEK_LETTERS, **{k.upper(): v for k, v in _GREEK_LETTERS.items() if k.upper() != k}})


def _spell_greek(text: str) -> str:
    """``text.translate(_GREEK_TRANSLATION)``, for a long text: translate() with words for characters builds its
    result one character at a time (95 us for an abstract), a substitution at the few Greek letters takes 5."""
    return _GREEK_CHAR.sub(lambda match: _GREEK_TRANSLATION[ord(match.group())], text)


_MAX_JUNCTIONS = 4


@dataclass(frozen=True, slots=True)
class KeyedText:
    """A text's match key with the original span of every piece (character offsets, end exclusive)."""

    key: str
    piece_key_starts: tuple[int, ...]
    piece_starts: tuple[int, ...]
    piece_ends: tuple[int, ...]


def _pieces(text: str) -> list[tuple[int, int, str]]:
    """(start, end, key word) per piece, Greek spelled out and glued as the key rules say."""
    return list(zip(*_piece_columns(text)))


def _piece_columns(text: str) -> tuple[list[int], list[int], list[str]]:
    """The starts, the ends and the key words of the pieces, as three lists.

    Built from one ``re.split`` and C-level maps (no match object per piece): a document's key is computed once per
    document, and before this it took as long as the tokenizer.
    """
    parts = _PIECE_SPLIT.split(text)  # separator, piece, separator, piece, ..., separator
    if len(parts) == 1:
        return [], [], []
    offsets = list(accumulate(map(len, parts), initial=0))
    starts, ends = offsets[1:-1:2], offsets[2:-1:2]
    # Pieces hold no spaces, nor do the spelled-out Greek letters: lower-casing them all at once is exact.
    joined = " ".join(parts[1::2])
    if _GREEK_CHAR.search(text) is not None:
        joined = _spell_greek(joined)
    words = joined.lower().split(" ")
    # Pieces glue only after a hyphen or at a Greek letter: look at those places alone (most pieces are plain words).
    candidates = {bisect_right(starts, position) for position in _hyphen_positions(text)}
    if not _GREEK_WORDS.isdisjoint(words):
        greek = [index for index, word in enumerate(words) if word in _GREEK_WORDS]
        candidates.update(greek, (index + 1 for index in greek))
    glued: set[int] = set()
    for index in sorted(candidates):
        if 0 < index < len(starts) and _glues(text, starts, ends, words, glued, index):
            glued.add(index)
    if not glued:
        return starts, ends, words
    # Glue from the back, so a piece that takes the next one (`14-3-3`) already holds it when it joins its own
    # predecessor; then drop the glued pieces in one pass (a deletion each shifted the whole list: a text of many
    # hyphenated names, a table dump, took time in the square of its length).
    for index in sorted(glued, reverse=True):
        ends[index - 1] = ends[index]
        words[index - 1] += words[index]
    kept = [index not in glued for index in range(len(words))]
    return list(compress(starts, kept)), list(compress(ends, kept)), list(compress(words, kept))


def _hyphen_positions(text: str) -> list[int]:
    return [match.start() for match in _HYPHEN_CHAR.finditer(text)]


def _glues(text: str, starts: list[int], ends: list[int], words: list[str], glued: set[int], index: int) -> bool:
    """Whether piece ``index`` joins the piece (or glued pieces) before it."""
    start, end = starts[index], ends[index]
    prev_end = ends[index - 1]
    gap = text[prev_end:start]
    if len(gap) > 3 or gap.strip(" " + _HYPHENS) != "":
        return False
    word, prev_word = words[index], words[index - 1]
    first = index - 1
    while first in glued:
        first -= 1
    greek = word in _GREEK_WORDS
    last_greek = prev_word in _GREEK_WORDS
    # `GSK-3 β`, `TGF- β`, `14-3-3 ζ`, `PKC α`: a lone Greek letter belongs to the symbol before it (one
    # ending in a digit, written in capitals, or joined by a hyphen), not to a word (`the β-catenin`).
    # `NF- κ B`: a lone capital after a lone Greek letter belongs to it as well.
    return (
        (greek and (any(char in _HYPHENS for char in gap) or prev_word[-1].isdigit() or text[starts[first] : prev_end].isupper()))
        or (last_greek and len(word) == 1 and text[start].isupper() and gap == " ")
        # `IGF-1R`, `Bcl-2`, `HER-2`, `14-3-3`: a hyphen before a number is spelling, not a separator
        # (but `PIK3R2-knockdown` keeps its hyphen: the piece after it is a word; and a symbol with a number of
        # its own takes no long or lettered number: `IL1B-31T/C`, `FOXP3-924` name a position in the gene;
        # `NKX2-1`, `L4-5` glue as before).
        or (gap in _HYPHENS and word[0].isdigit() and not (_letters_and_digits(prev_word) and _position(word)))
        # `IGF1-R`, `CD40-L`: so is a hyphen between a number and a lone letter.
        or (gap in _HYPHENS and prev_word[-1].isdigit() and end - start == 1 and word.isalpha())
    )


def _letters_and_digits(word: str) -> bool:
    return not word.isdigit() and not word.isalpha() and any(char.isdigit() for char in word)


def _position(word: str) -> bool:
    """A number of three digits or more, or one with letters after it (`924`, `31TT`, `232Thr`): a position, not a part
    (`RP11-61I13.3` names a clone: `61i13` glues)."""
    return _POSITION.fullmatch(word) is not None


_POSITION = re.compile(r"\d{3,}[a-z]*|\d+[a-z]+")


def key_text(text: str) -> KeyedText:
    """The match key of a document text (already ``normalize_chars``-ed or not: hyphens separate either way)."""
    starts, ends, words = _piece_columns(text)
    if not words:
        return KeyedText("  ", (), (), ())
    # Word k starts after the k words before it and a space before each (all in C: map, accumulate, add).
    key_starts = tuple(map(add, accumulate(map(len, words[:-1]), initial=0), range(1, len(words) + 1)))
    return KeyedText(" " + " ".join(words) + " ", key_starts, tuple(starts), tuple(ends))


def term_keys(term: str) -> set[str]:
    """The keys a lexicon term matches as: its own key and its junction variants, each wrapped in spaces."""
    words = [word for _, _, word in _pieces(term)]
    if not words:
        return set()
    # A junction is the space between two pieces where one has a digit or the second is Greek: the text may write
    # it as a hyphen or not at all (`SK-BR-3`/`SKBR3`, `NF-κB`/`NFκB`, `TGF-β`/`TGFβ`). Letters alone stay apart:
    # gluing them (`JAM-A` -> "jama") would match words and journal names.
    slots = [
        index for index, (before, after) in enumerate(zip(words, words[1:]))
        if any(char.isdigit() for char in before + after) or after.startswith(_GREEK_PREFIXES)
    ]  # fmt: skip
    keys = set()
    if len(slots) > _MAX_JUNCTIONS:
        slots = []
    for choice in range(1 << len(slots)):
        glued = {slot for bit, slot in enumerate(slots) if choice >> bit & 1}
        key = words[0]
        for index, word in enumerate(words[1:]):
            key += ("" if index in glued else " ") + word
        keys.add(f" {key} ")
    return keys


# A text that lost its Greek letters writes their Latin initial (`b-catenin`, `TGF-b1`, `IFN-g`, `TNFa`, `NF-kB`,
# `IkBa`): a gene term with a spelled-out Greek letter also keys with the initial, glued to a piece before it
# (`tnfalpha` -> "tnfa") or, except alpha (`a` is an article), as a piece of its own ("beta catenin" -> "b catenin";
# a final one also apart: `IFN-g` for "ifngamma").
# The letter ends its piece, or a number or one letter follows it; a variant shorter than four characters
# (`ERa`, `GR b`) would be a word or a stray initial, so it is no key.
_INITIAL_GREEK = "alpha|beta|gamma|delta|kappa"
_GLUED_GREEK = re.compile(rf"(?<=[a-z0-9])(?:{_INITIAL_GREEK})(?=\d*[a-z]?(?: |{_INITIAL_GREEK}))")
_LONE_GREEK = re.compile(r"(?<= )(?:beta|gamma|delta|kappa)(?=\d*[a-z]? )")
_FINAL_GREEK = re.compile(r"(?<=[a-z0-9])(?:beta|gamma|delta|kappa)(?= )")
_CASED_GREEK = re.compile(_INITIAL_GREEK)
_MIN_INITIAL_KEY = 4


def greek_initial_keys(keys: set[str]) -> set[str]:
    """The keys of these term keys with their Greek letters written as initials (`tnfalpha` -> "tnfa")."""
    variants = set()
    for key in keys:
        lone = _LONE_GREEK.sub(_initial, key)
        for initial in (_GLUED_GREEK.sub(_initial, lone), _FINAL_GREEK.sub(lambda m: " " + m.group()[0], lone)):
            if initial != key and len(initial.replace(" ", "")) >= _MIN_INITIAL_KEY:
                variants.add(initial)
    return variants


def greek_initials(cased: str) -> str:
    """A case key (``compact``) with its Greek letters as initials: `TNFalpha` -> `TNFa`, `IkappaBalpha` -> `IkBa`."""
    return _CASED_GREEK.sub(_initial, cased)


def _initial(match: re.Match) -> str:
    return match.group()[0]


def compact(text: str) -> str:
    """Case-kept form of a written term for case checks: pieces, Greek spelled, no separators."""
    if text.isascii() and text.isalnum():
        return text  # one piece, no Greek letter: most written forms of lexicon hits (`PTEN`, `of`, `HCT116`)
    return "".join(match.group().translate(_GREEK_TRANSLATION) for match in _PIECE.finditer(text))


@lru_cache(maxsize=1 << 16)
def phrase_key(phrase: str) -> str:
    """The match key of a short phrase, remembered: every finder looks up the same long forms and list items."""
    return key_text(phrase).key


# A drug's code name keyed as one piece (`ZD1839`, `STI571`, `AZD9291`, and `STI-571`: a hyphen before a number glues)
# is also written with its letters and its number apart (`ZD 1839`, `STI 571`): that key is added for drug terms.
_CODE_NAME = re.compile(r" ([a-z]{2,5})([0-9]{3,}[a-z]?) ")


def code_name_keys(keys: set[str]) -> set[str]:
    """The keys of these term keys with a code name's letters and number apart (" zd1839 " -> " zd 1839 ")."""
    return {f" {match.group(1)} {match.group(2)} " for key in keys if (match := _CODE_NAME.fullmatch(key))}
