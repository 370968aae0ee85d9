"""Surface form -> canonical name: the miRNA grammar (rules/mirna.jsonl), compiled once.

miRNA norms follow CONTRACT.md: ``miR-<number><letter>[-<copy>][-<arm>]``, species prefix dropped,
``let-7<letter>`` kept as ``let-7``; enumerations expand into one name each; a cluster is ``miR-17~92``.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from sys import intern
import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate, compress
from operator import add
from pathlib import Path
from typing import NamedTuple

from pipeline.ruleset import RuleError, load_jsonl_rules, load_tsv_lexicon, rule_path

try:  # the regex parser of the standard library (re._parser from Python 3.11, sre_parse before)
    import re._parser as _sre_parse
    from re._constants import ASSERT, ASSERT_NOT, AT, BRANCH, IN, LITERAL, MAX_REPEAT, MAXREPEAT, MIN_REPEAT, SUBPATTERN
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse  # type: ignore[no-redef]
    from sre_constants import ASSERT, ASSERT_NOT, AT, BRANCH, IN, LITERAL, MAX_REPEAT, MAXREPEAT, MIN_REPEAT, SUBPATTERN  # type: ignore[no-redef]

MIRNA_RULES = "mirna.jsonl"
_FRAGMENT_REF = re.compile(r"\{([A-Z]+)\}")
_PAREN_ITEM = re.compile(r"(?P<let>let-)?(?P<num>[1-9][0-9]*)(?P<letter>[a-k]|[a-z])?(?:-(?P<arm>[35]p))?")
_WHOLE_KINDS = ("cluster", "name", "let7")


@dataclass(frozen=True, slots=True)
class MirnaMatch:
    """One miRNA mention found in a text: span, norm and the id of the rule that found it."""

    start: int
    end: int
    norm: str
    rule: str


def mirna_norm(num: str, letter: str = "", copy: str = "", arm: str = "", star: bool = False, let: bool = False) -> str:
    """Build the canonical name from its parts."""
    name = f"let-{num}{letter}" if let else f"miR-{num}{letter}"
    if copy:
        name += f"-{copy}"
    if arm:
        name += f"-{arm.lower()}"
    elif star:
        name += "*"
    return name


class MirnaGrammar:
    """Finds and normalizes miRNA names, enumerations, elliptic lists and clusters in a text."""

    def __init__(self, rules: list[dict]) -> None:
        fragments = {rule["name"]: rule["pattern"] for rule in rules if rule["kind"] == "fragment"}
        by_kind: dict[str, tuple[str, re.Pattern]] = {}
        for rule in rules:
            if rule["kind"] == "fragment":
                continue
            pattern = _FRAGMENT_REF.sub(lambda m, where=rule["_where"]: _fragment(fragments, m.group(1), where), rule["pattern"])
            try:
                by_kind[rule["kind"]] = (rule["id"], re.compile(pattern))
            except re.error as err:
                raise RuleError(f"{rule['_where']}: rule {rule['id']!r} is not a valid regex ({err})") from err
        missing = [kind for kind in (*_WHOLE_KINDS, "slash_item", "ellipsis_item", "paren_list") if kind not in by_kind]
        if missing:
            raise RuleError(f"{MIRNA_RULES}: no rule of kind(s) {', '.join(missing)}")
        self._whole = [(by_kind[kind][0], _HeadScan(by_kind[kind][1]), kind) for kind in _WHOLE_KINDS]
        self._slash_id, self._slash = by_kind["slash_item"]
        self._ellipsis_id, self._ellipsis = by_kind["ellipsis_item"]
        self._paren_id, paren = by_kind["paren_list"]
        self._paren = _HeadScan(paren)

    def find(self, text: str) -> list[MirnaMatch]:
        """All miRNA mentions in ``text``, ordered by offset, overlaps resolved (longest, then rule order)."""
        lowered = text.lower()
        if len(lowered) != len(text):
            lowered = None  # `İ` lower-cases to two characters: offsets in `lowered` would not be offsets in `text`
        head_positions: dict[tuple[str, ...], list[int]] = {}  # `mirna.name` and `mirna.cluster` share their heads
        candidates: list[tuple[int, int, int, MirnaMatch]] = []
        for priority, (rule_id, scan, kind) in enumerate(self._whole):
            for match in scan.find_all(text, lowered, head_positions):
                candidates.append((match.start(), -match.end(), priority, self._whole_match(match, rule_id, kind)))
        for match in self._paren.find_all(text, lowered, head_positions):
            for item in self._paren_items(match):
                candidates.append((item.start, -item.end, len(self._whole), item))
        kept: list[MirnaMatch] = []
        last_end = -1
        for _, _, _, found in sorted(candidates, key=lambda c: c[:3]):
            if found.start >= last_end:
                kept.append(found)
                last_end = found.end
        return self._with_continuations(text, kept)

    def _whole_match(self, match: re.Match, rule_id: str, kind: str) -> MirnaMatch:
        parts = match.groupdict()
        if kind == "cluster":
            norm = f"miR-{parts['num']}{parts['letter'] or ''}~{parts['num2']}{parts['letter2'] or ''}"
        else:
            norm = mirna_norm(
                parts["num"], parts["letter"] or "", parts["copy"] or "", parts["arm"] or "",
                bool(parts["star"]), let=kind == "let7",
            )
        return MirnaMatch(match.start(), match.end(), norm, rule_id)

    def _paren_items(self, match: re.Match) -> list[MirnaMatch]:
        offset = match.start("items")
        items = [m for m in _PAREN_ITEM.finditer(match.group("items"))]
        # A list of bare one-digit numbers is more often a set of references than miRNAs.
        if not any(m.group("let") or m.group("letter") or len(m.group("num")) > 1 for m in items):
            return []
        return [
            MirnaMatch(
                offset + m.start(), offset + m.end(),
                mirna_norm(m.group("num"), m.group("letter") or "", arm=m.group("arm") or "", let=bool(m.group("let"))),
                self._paren_id,
            )
            for m in items
        ]

    def _with_continuations(self, text: str, names: list[MirnaMatch]) -> list[MirnaMatch]:
        """Add the items that continue a name: ``/222`` and ``/c`` after it, then ``, -155 and -222``."""
        found: list[MirnaMatch] = []
        for index, name in enumerate(names):
            found.append(name)
            if name.norm.startswith("let-") or "~" in name.norm:
                continue
            limit = names[index + 1].start if index + 1 < len(names) else len(text)
            base = _BASE.match(name.norm)
            position = name.end
            for regex, rule_id, elliptic in ((self._slash, self._slash_id, False), (self._ellipsis, self._ellipsis_id, True)):
                while (item := regex.match(text, position, limit)) is not None:
                    found.append(self._continuation(item, base, rule_id, elliptic))
                    position = item.end()
        return found


    @staticmethod
    def _continuation(item: re.Match, base: re.Match, rule_id: str, elliptic: bool) -> MirnaMatch:
        parts = item.groupdict()
        if parts.get("arm_only"):
            norm = mirna_norm(base.group("num"), base.group("letter") or "", base.group("copy") or "", parts["arm_only"])
            return MirnaMatch(item.start("arm_only"), item.end(), norm, rule_id)
        if parts.get("only_letter"):
            norm = mirna_norm(base.group("num"), parts["only_letter"], arm=parts["arm"] or "", star=bool(parts["star"]))
            return MirnaMatch(item.start("only_letter"), item.end(), norm, rule_id)
        norm = mirna_norm(parts["num"], parts["letter"] or "", arm=parts["arm"] or "", star=bool(parts["star"]))
        # An elliptic item is written with its hyphen ("-155"); keep it in the span.
        start = item.start("num") - (1 if elliptic else 0)
        return MirnaMatch(start, item.end(), norm, rule_id)


_BASE = re.compile(r"miR-(?P<num>\d+)(?P<letter>[a-z])?(?:-(?P<copy>[1-9])(?![0-9p]))?")


# --- the head scan ----------------------------------------------------------------------------------------
# A whole-name rule starts with a lookbehind (`(?<![A-Za-z0-9])`), which keeps Python's regex engine from its fast
# scan for a first character: `finditer` tries the rule at every position of the text, and most of an abstract
# holds no miRNA. Every match of `mirna.name` holds `mir` or `microrna` (in any case) where its stem starts, which
# is the match start or, after a species prefix (`hsa-`), at most 5 characters and a hyphen later. Trying the rule
# at those few positions alone finds the same matches and took `find` from 0.19 to 0.06 ms per abstract (772 real
# abstracts). The heads, the distance and the character before a head are read from the parsed rule, never written
# by hand; a rule the analysis cannot read is scanned whole.

_MIN_HEAD = 3  # a shorter head (the `7` of let-7) is in too many places to narrow the scan
_ZERO_WIDTH = {AT, ASSERT, ASSERT_NOT}


class _HeadScan:
    """A rule's regex, tried only where a match can start: at a head, or up to ``lead`` characters before one.

    Every match holds one of ``heads`` (lower case) at some place of the rule; what the match has before that place
    is at most ``lead`` characters long and, when not empty, ends with one of ``lead_ends`` (None: any character).
    Without heads the rule is scanned with plain ``finditer``.
    """

    def __init__(self, regex: re.Pattern) -> None:
        self.regex = regex
        self.heads: tuple[str, ...] = ()
        self.lead = 0
        self.lead_ends: frozenset[str] | None = None
        parsed = _parse(regex)
        try:
            place = _head_place(parsed) if parsed is not None else None
            if place is not None:
                before = _sre_parse.SubPattern(parsed.state, parsed.data[:place[1]])
                self.heads, self.lead, self.lead_ends = place[0], before.getwidth()[1], _end_chars(before.data)
        except Exception:  # the parser's private structures of another Python version: scan the whole text
            self.heads, self.lead, self.lead_ends = (), 0, None

    def find_all(self, text: str, lowered: str | None, head_positions: dict[tuple[str, ...], list[int]]) -> list[re.Match]:
        """The matches ``regex.finditer(text)`` yields, trying the regex only where a match can start.

        ``lowered`` is ``text.lower()`` of the same length (None: scan the whole text); ``head_positions`` keeps the
        head positions of one text for the rules that share its heads.
        """
        if lowered is None or not self.heads:
            return list(self.regex.finditer(text))
        positions = head_positions.get(self.heads)
        if positions is None:
            positions = head_positions[self.heads] = _positions(lowered, self.heads)
        starts = positions
        if self.lead:
            starts = []
            for position in positions:
                if position and (self.lead_ends is None or text[position - 1] in self.lead_ends):
                    starts.extend(range(max(0, position - self.lead), position))
                starts.append(position)
            starts = sorted(set(starts))
        match = self.regex.match  # `match(text, pos)` still sees the text before `pos`, as the lookbehind needs
        matches: list[re.Match] = []
        end = 0
        for start in starts:
            if start >= end and (found := match(text, start)) is not None:
                matches.append(found)
                end = found.end()  # `finditer` goes on after a match: it never overlaps the next one
        return matches


def _positions(lowered: str, heads: tuple[str, ...]) -> list[int]:
    """Every position where one of the heads starts, in order (`str.find` skips text at C speed)."""
    positions = []
    for head in heads:
        position = lowered.find(head)
        while position >= 0:
            positions.append(position)
            position = lowered.find(head, position + 1)
    return sorted(positions)


def _parse(regex: re.Pattern):
    """The parsed pattern of a rule without IGNORECASE, else None.

    With IGNORECASE `k` would also match the Kelvin sign, which ``str.lower()`` leaves as it is: no head is safe.
    """
    if regex.flags & re.IGNORECASE:
        return None
    try:
        return _sre_parse.parse(regex.pattern)
    except Exception:  # a Python version whose parser this analysis does not know: scan the whole text
        return None


def _head_place(parsed) -> tuple[tuple[str, ...], int] | None:
    """The best heads of the parsed rule and the index in its top-level sequence where they start; None if unknown.

    For each place of a bounded width after the match start: the literal texts one of which must follow it. The
    place whose shortest head is the longest wins (the rarer text), the first one on a tie.
    """
    best: tuple[tuple[str, ...], int] | None = None
    for index in range(len(parsed.data)):
        if _sre_parse.SubPattern(parsed.state, parsed.data[:index]).getwidth()[1] >= MAXREPEAT:
            break
        heads = _heads(parsed.data[index:])
        if not heads or min(map(len, heads)) < _MIN_HEAD:
            continue
        # A head that starts with another head adds no position: `mirna` is found as `mir`.
        heads = tuple(sorted(h for h in heads if not any(h != other and h.startswith(other) for other in heads)))
        if best is None or min(map(len, heads)) > min(map(len, best[0])):
            best = heads, index
    return best


def _heads(items) -> set[str] | None:
    """The lower-case literal texts one of which every match of the parsed sequence starts with; None if none."""
    head: list[str] = []
    for op, av in items:
        char = _folded_char(op, av)
        if char is not None:
            head.append(char)
            continue
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the literals on either side are adjacent in the text
        tails = None
        if op is SUBPATTERN and not av[1] & re.IGNORECASE:
            tails = _heads(av[-1])
        elif op is BRANCH:
            branches = [_heads(branch) for branch in av[1]]
            tails = None if any(branch is None for branch in branches) else set().union(*branches)
        if tails:
            return {"".join(head) + tail for tail in tails}
        break
    return {"".join(head)} if head else None


def _folded_char(op, av) -> str | None:
    """The lower-case letter of an item that matches one ASCII letter in one or both cases (`m`, `M`, `[Mm]`), else None.

    ASCII only: ``str.lower()`` maps it one to one whatever stands around it (not so the Greek capital sigma).
    """
    chars = _literal_chars(op, av)
    if chars is None or not all(char.isascii() for char in chars):
        return None
    folded = {char.lower() for char in chars}
    if len(folded) == 1 and len(char := folded.pop()) == 1:
        return char
    return None


def _literal_chars(op, av) -> set[str] | None:
    """The characters a literal or a class of literals (`[Mm]`) matches; None for any other item."""
    if op is LITERAL:
        return {chr(av)}
    if op is IN and all(member is LITERAL for member, _ in av):
        return {chr(code) for _, code in av}
    return None


def _end_chars(items) -> frozenset[str] | None:
    """The characters a non-empty match of the parsed sequence can end with; None if any character may."""
    found = _end_chars_and_empty(items)
    return None if found is None else frozenset(found[0])


def _end_chars_and_empty(items) -> tuple[set[str], bool] | None:
    """(the last characters of its non-empty matches, whether it may match empty) of a parsed sequence, or None."""
    chars: set[str] = set()
    for op, av in reversed(items):
        if op in _ZERO_WIDTH:
            continue
        literal = _literal_chars(op, av)
        if literal is not None:
            return chars | literal, False
        if op is SUBPATTERN:
            item = None if av[1] & re.IGNORECASE else _end_chars_and_empty(av[-1])
        elif op is BRANCH:
            branches = [_end_chars_and_empty(branch) for branch in av[1]]
            item = None if any(b is None for b in branches) else (set().union(*(b[0] for b in branches)), any(b[1] for b in branches))
        elif op in (MAX_REPEAT, MIN_REPEAT):
            inner = _end_chars_and_empty(av[2])
            item = None if inner is None else (inner[0], av[0] == 0 or inner[1])
        else:
            return None
        if item is None:
            return None
        chars |= item[0]
        if not item[1]:
            return chars, False
    return chars, True


def _fragment(fragments: dict[str, str], name: str, where: str) -> str:
    if name not in fragments:
        raise RuleError(f"{where}: unknown fragment {{{name}}}")
    return fragments[name]


@cache
def mirna_grammar(rules_dir: Path | None = None) -> MirnaGrammar:
    """The grammar compiled from ``rules/mirna.jsonl``, once per process."""
    return MirnaGrammar(load_jsonl_rules(MIRNA_RULES, ("kind", "pattern"), rules_dir))


def normalize_mirna(surface: str, rules_dir: Path | None = None) -> list[str]:
    """The canonical names a written form stands for (``miR-221/222`` -> two); empty if it is not a miRNA."""
    return [match.norm for match in mirna_grammar(rules_dir).find(surface)]


# --- match keys -------------------------------------------------------------------------------------------
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
    # Glue from the back, so a piece that takes the next one (`14-3-3`) already holds it when it joins its own
    # predecessor; a few deletions from C-level lists instead of a Python loop over every piece.
    for index in sorted(glued, reverse=True):
        ends[index - 1] = ends[index]
        words[index - 1] += words[index]
        del starts[index], ends[index], words[index]
    return starts, ends, words


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
        # (but `PIK3R2-knockdown` keeps its hyphen: the piece after it is a word).
        or (gap in _HYPHENS and word[0].isdigit())
        # `IGF1-R`, `CD40-L`: so is a hyphen between a number and a lone letter.
        or (gap in _HYPHENS and prev_word[-1].isdigit() and end - start == 1 and word.isalpha())
    )


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


def compact(text: str) -> str:
    """Case-kept form of a written term for case checks: pieces, Greek spelled, no separators."""
    return "".join(match.group().translate(_GREEK_TRANSLATION) for match in _PIECE.finditer(text))


# --- lexicons ---------------------------------------------------------------------------------------------
# A lexicon maps the keys of its terms to entries. Which written forms may match is decided once, at load:
# long terms and terms with a digit match in any case; short all-letter terms (`ER`, `SET`, `DDP`) only as written.

LEXICON_COLUMNS = ("term", "norm", "concept_id", "source")
# When one key has entries of several kinds, the first kind in this order wins; a tie between norms is ambiguous.
KIND_PRIORITY = ("extra", "text", "symbol", "generic", "family", "name", "class", "line", "brand", "synonym", "previous", "alias")


class Entry(NamedTuple):
    """One lexicon row: a written term and what it normalizes to (a tuple: 170,000 of them load from cache)."""

    type: str
    term: str
    norm: str
    concept_id: str
    kind: str
    rule: str
    exact_case: bool
    cased: str
    note: str = ""


class LexiconMatch(NamedTuple):
    """A span of the text whose key is a term key, with the entries that key stands for (a tuple: quick to make)."""

    start: int
    end: int
    entries: tuple[Entry, ...]
    # Whether any entry can fit a text written all in lower case (`of`, `was` only key like the aliases `OF`, `WAS`).
    lower_ok: bool = True


def needs_exact_case(term: str, type_: str, kind: str) -> bool:
    """Whether a term only matches as written: all-letter symbols (`SET`, `IMPACT`, `PTEN`) and short abbreviations.

    Names (`epidermal growth factor receptor`) and terms with a digit (`Bcl-2`, `IGF1R`) match in any case.
    """
    letters = compact(term)
    if type_ == "drug_class" or kind == "name" or " " in term.strip():
        return False
    if any(char.isdigit() for char in letters):
        return len(letters) < 3
    if type_ in ("gene", "cell_line"):
        return True
    return len(letters) <= 4 or letters.isupper()


class EntryTable(Sequence):
    """Lexicon rows kept as columns, an ``Entry`` made only when one is read (a hit or a look-up).

    Every worker loads 170,000 rows at start: as columns they pickle as a few long strings and arrays, which load
    in a few splits instead of 170,000 object constructions (0.28 s of each start).
    """

    _SEP = "\x1f"  # the unit separator: in no lexicon term

    def __init__(self, entries: Sequence[Entry]) -> None:
        kinds: dict[tuple, int] = {}
        self._kind_codes = array("I", (kinds.setdefault((e.type, e.kind, e.rule, e.note, e.exact_case), len(kinds)) for e in entries))
        self._kinds = tuple(kinds)
        self._terms = [e.term for e in entries]
        self._cased = ["" if e.cased == e.term else e.cased for e in entries]  # most terms are their own case key
        self._norms = [e.norm for e in entries]
        self._concept_ids = [e.concept_id for e in entries]

    def __len__(self) -> int:
        return len(self._terms)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        type_, kind, rule, note, exact_case = self._kinds[self._kind_codes[index]]
        term = self._terms[index]
        return Entry(type_, term, self._norms[index], self._concept_ids[index], kind, rule, exact_case, self._cased[index] or term, note)

    def __getstate__(self) -> dict:
        join = self._SEP.join
        return {
            "kinds": self._kinds, "kind_codes": self._kind_codes,
            "columns": tuple(join(column) for column in (self._terms, self._cased, self._norms, self._concept_ids)),
        }  # fmt: skip

    def __setstate__(self, state: dict) -> None:
        self._kinds, self._kind_codes = state["kinds"], state["kind_codes"]
        terms, cased, norms, concept_ids = (column.split(self._SEP) for column in state["columns"])
        # Norms and ids repeat (a gene has several names): one string object each, as when the rows were read.
        self._terms, self._cased = terms, cased
        self._norms, self._concept_ids = list(map(intern, norms)), list(map(intern, concept_ids))


_MADE_ENTRIES_LIMIT = 50_000  # keys whose entries a process keeps made (a few MB; texts use a few thousand)

# --- the walk ---------------------------------------------------------------------------------------------
# Keys are whole pieces wrapped in spaces, so a key is found in a text only as a run of its pieces: from each piece,
# the walk looks up the run of one piece, then two, ... in a table of every key and every leading run of a key
# (" epidermal growth "), and stops at the first run that is neither. Most pieces stop at once: 250 look-ups for an
# abstract, a few more for each lexicon hit. This replaced one Aho-Corasick automaton per lexicon: their three walks
# over every character of the key took 0.25 ms an abstract inside the pipeline (0.07 timed alone: cache misses),
# the one walk of a table of the three lexicons takes 0.07 alone; the gene and drug automata pickled to 25 and 35 MB,
# their tables to 6 and 4.
_IS_KEY, _GOES_ON = 2, 1  # walk-table bits: the run is a key; a longer key starts with it


class WalkTable(NamedTuple):
    """The bits of every key and leading run of a key: runs of one piece by the bare piece (``firsts``: the first
    look-up of every piece is one C-level ``map`` over the text's pieces), longer runs as written in the key."""

    firsts: dict[str, int]
    runs: dict[str, int]


def walk_table(keys: Iterable[str]) -> WalkTable:
    """The walk table of these keys."""
    firsts: dict[str, int] = {}
    runs: dict[str, int] = {}
    for key in keys:
        words = key.split()
        for length in range(1, len(words) + 1):
            bits = _IS_KEY if length == len(words) else _GOES_ON
            if length == 1:
                firsts[words[0]] = firsts.get(words[0], 0) | bits
            else:
                run = " " + " ".join(words[:length]) + " "
                runs[run] = runs.get(run, 0) | bits
    return WalkTable(firsts, runs)


def merged_walk_table(*tables: WalkTable) -> WalkTable:
    """One walk table for the keys of several lexicons (one walk of a text serves them all)."""
    return WalkTable(*(_merged_bits([getattr(table, part) for table in tables]) for part in WalkTable._fields))


def _merged_bits(parts: list[dict[str, int]]) -> dict[str, int]:
    largest = max(parts, key=len)
    merged = dict(largest)
    for part in parts:
        if part is not largest:
            for run, bits in part.items():
                merged[run] = merged.get(run, 0) | bits
    return merged


def key_matches(keyed: KeyedText, table: WalkTable) -> list[tuple[int, int, str]]:
    """(end piece, first piece, key) of every run of the text's pieces that is a key of ``table``, ordered by end,
    then longest first (the order of an Aho-Corasick automaton over the key)."""
    key, starts = keyed.key, keyed.piece_key_starts
    if not starts:
        return []
    words, firsts, runs = key[1:-1].split(" "), table.firsts, table.runs
    # The run of pieces i..j-1 is key[starts[i] - 1 : bounds[j]]: from the space before piece i to the one after j-1.
    bounds = (*starts, len(key))
    matches = []
    # The pieces that start a key (~40 of an abstract's 250), picked in C.
    for first in compress(range(len(words)), map(firsts.get, words)):
        begin, end = starts[first] - 1, first + 1
        bits = firsts[words[first]]
        if bits & _IS_KEY:
            matches.append((end, first, key[begin : bounds[end]]))
        while bits & _GOES_ON and end < len(words):
            end += 1
            run = key[begin : bounds[end]]
            bits = runs.get(run)
            if bits is None:
                break
            if bits & _IS_KEY:
                matches.append((end, first, run))
    matches.sort()
    return matches


class Lexicon:
    """Terms of one or more TSV files, by their ``key_text`` keys, and the walk table that finds them in a text."""

    def __init__(self, entries: list[Entry]) -> None:
        by_key: dict[str, list[int]] = {}
        for index, entry in enumerate(entries):
            keys = term_keys(entry.term)
            if _takes_plural(entry):
                keys |= term_keys(entry.term + "s")
            for key in keys:
                by_key.setdefault(key, []).append(index)
        # Key i has the entries indexes[firsts[i]:firsts[i + 1]]; lower_ok[i] says whether any of them may match a
        # lower-case text.
        self.keys: dict[str, int] = {}
        self.firsts, self.indexes = array("I", [0]), array("I")
        lower_ok = bytearray()
        for key, indexes in by_key.items():
            self.keys[key] = len(self.keys)
            self.indexes.extend(indexes)
            self.firsts.append(len(self.indexes))
            lower_ok.append(any(not entries[i].exact_case or not any(map(str.isupper, entries[i].cased)) for i in indexes))
        self.lower_ok = bytes(lower_ok)
        self.walk = walk_table(self.keys)
        self.entries = EntryTable(entries)
        self._made: dict[int, tuple[Entry, ...]] = {}

    @property
    def n_keys(self) -> int:
        return len(self.keys)

    def _entries_of(self, value: int) -> tuple[Entry, ...]:
        """The entries of key ``value``, made once per process for the keys texts use (the same few thousand)."""
        made = self._made.get(value)
        if made is None:
            if len(self._made) >= _MADE_ENTRIES_LIMIT:
                self._made.clear()
            made = self._made[value] = tuple(
                map(self.entries.__getitem__, self.indexes[self.firsts[value] : self.firsts[value + 1]])
            )
        return made

    def __getstate__(self) -> dict:
        return {name: value for name, value in self.__dict__.items() if name != "_made"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _made={})

    def find(
        self, keyed: KeyedText, text: str | None = None, matches: list[tuple[int, int, str]] | None = None
    ) -> list[LexiconMatch]:
        """Every span of the text whose key is a term key (overlaps included), in the order of their ends.

        ``matches``: the text's ``key_matches`` under a walk table that holds this lexicon's keys (the finders walk
        the text once for every lexicon); by default the lexicon's own. Given the ``text`` that was keyed, a span
        written all in lower case is left out when every entry of its key only counts as written in capitals (`of`,
        `was`, `impact`: 30 of the 38 gene hits of an average abstract).
        """
        if matches is None:
            matches = key_matches(keyed, self.walk)
        found = []
        keys, lower_oks, piece_starts, piece_ends = self.keys, self.lower_ok, keyed.piece_starts, keyed.piece_ends
        for end_piece, first_piece, key in matches:
            value = keys.get(key)
            if value is None:
                continue  # another lexicon's key
            start, stop = piece_starts[first_piece], piece_ends[end_piece - 1]
            lower_ok = lower_oks[value]
            if not lower_ok and text is not None and text[start:stop].islower():
                continue
            found.append(LexiconMatch(start, stop, self._entries_of(value), bool(lower_ok)))
        return found

    def lookup(self, phrase: str) -> tuple[Entry, ...]:
        """Entries whose term has exactly this key (a whole phrase, e.g. an abbreviation's long form)."""
        value = self.keys.get(phrase_key(phrase))
        return () if value is None else self._entries_of(value)


@lru_cache(maxsize=1 << 16)
def phrase_key(phrase: str) -> str:
    """The match key of a short phrase, remembered: every finder looks up the same long forms and list items."""
    return key_text(phrase).key


def _takes_plural(entry: Entry) -> bool:
    """Multi-word protein names are also written in the plural (`estrogen and progesterone receptors`)."""
    words = entry.term.split()
    return (
        entry.type == "gene" and entry.kind in ("name", "text", "extra") and len(words) > 1
        and words[-1].isalpha() and words[-1].islower() and len(words[-1]) > 3 and not words[-1].endswith("s")
    )  # fmt: skip


# Weak short terms: an alias or previous symbol of three characters or fewer written without punctuation, all
# letters (`CDF` for LIF, `TNM`) or with a digit (`T4` for CD4, `R2`, `M1`, `E1A`, `19A`: tumour stages, statistics,
# alleles, viral genes), is a mention only with a gene cue nearby (rules/note_rules.jsonl, note `weak-short`).
# Punctuation makes a form distinctive (`P-gp`), and a digit form that is also a FamPlex text or the symbol of the
# same gene (`p53` for TP53, `p21` for CDKN1A) is the usual name of that gene.
WEAK_SHORT = "weak-short"
_STRONG_KINDS = frozenset({"symbol", "text"})


def _weak_short(term: str, norm: str, kind: str, strong: frozenset[tuple[str, str]]) -> bool:
    letters = compact(term)
    if kind not in ("alias", "previous") or len(letters) > 3 or not term.isalnum():
        return False
    if letters.isalpha():
        return True
    return any(char.isalpha() for char in letters) and (letters.lower(), norm) not in strong


# A generated drug row without a DrugBank id (a MeSH-only chemical: `arsenic`, `5-methylcytosine`, `mucins`,
# `dimethylhydrazine`, `tricarboxylic acid`) is more often an exposure, a reagent, a metabolite or a protein than a
# drug: it counts only with a drug cue nearby (rules/note_rules.jsonl, note `no-drugbank-id`).
NO_DRUGBANK_ID = "no-drugbank-id"


def _note(row: dict, *flags: str) -> str:
    return ";".join(filter(None, (row.get("note") or "", *flags)))


def _word_and_number(term: str) -> bool:
    """`at 10`: a common English word and a number apart, which text writes every day (`at >10-fold`).

    Joined by a hyphen they are a name (`HER-2`, `CA-125`).
    """
    from spacy.lang.en.stop_words import STOP_WORDS

    words = term.lower().split()
    return len(words) == 2 and any(word.isdigit() for word in words) and any(
        len(word) > 1 and word in STOP_WORDS for word in words
    )


def read_lexicon(name: str, type_: str, rules_dir: Path | None = None, rule_prefix: str | None = None) -> list[Entry]:
    """Entries of one TSV lexicon; ``kind`` defaults to the file's role when the column is absent."""
    rows = load_tsv_lexicon(name, LEXICON_COLUMNS, rules_dir)
    prefix = rule_prefix or type_
    strong = frozenset(
        (compact(row["term"]).lower(), row["norm"]) for row in rows if (row.get("kind") or "extra") in _STRONG_KINDS
    )
    entries = []
    for row in rows:
        kind = row.get("kind") or "extra"
        row_type = row.get("type") or type_
        if not any(char.isalpha() for char in row["term"]) or (kind != "extra" and _word_and_number(row["term"])):
            continue  # `2.19`, `219`, `AT 10`: a number (and a word) is never a name, whatever a source lists
        weak_short = _weak_short(row["term"], row["norm"], kind, strong)
        unverified = row_type == "drug" and kind != "extra" and not row["concept_id"].startswith("DB")
        cased = compact(row["term"])
        # Every worker holds these 170,000 entries: the repeated values are one object each (pickle keeps that).
        entries.append(
            Entry(
                type=intern(row_type),
                term=row["term"],
                norm=intern(row["norm"]),
                concept_id=intern(row["concept_id"]),
                kind=intern(kind),
                rule=intern(f"{prefix}.{kind}"),
                exact_case=needs_exact_case(row["term"], row_type, kind),
                cased=row["term"] if cased == row["term"] else cased,
                note=intern(_note(row, WEAK_SHORT if weak_short else "", NO_DRUGBANK_ID if unverified else "")),
            )
        )
    return entries


# This module's source as it was imported: read at call time instead, a process that imported an older version
# would write its lexicon under the newer version's cache key.
_SOURCE = Path(__file__).read_bytes()


def load_lexicon_files(files: tuple[tuple[str, str], ...], rules_dir: Path | None = None) -> Lexicon:
    """The lexicon of these (file, type) pairs, from the cache when it was built from the same rules and code.

    Building the gene and drug automata takes seconds; loading them takes about one. The cache key is the sha256
    of every rule file and of this module, so an edited lexicon or a changed key function never loads stale data.
    """
    digest = hashlib.sha256(_SOURCE)
    for name, type_ in files:
        digest.update(f"{name}\t{type_}\n".encode())
        digest.update(rule_path(name, rules_dir).read_bytes())
    # One cache file per lexicon and rules folder: older versions of it are removed when a new one is written.
    tag = hashlib.sha256(repr((files, str(Path(rules_dir).resolve()) if rules_dir else "")).encode()).hexdigest()[:8]
    cache_file = _cache_dir() / f"lexicon-{tag}-{digest.hexdigest()[:24]}.pickle"
    try:
        with cache_file.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        pass  # no cache yet, or one from another version: build
    entries: list[Entry] = []
    for name, type_ in files:
        entries.extend(read_lexicon(name, type_, rules_dir))
    lexicon = Lexicon(entries)
    _write_cache(cache_file, lexicon)
    return lexicon


def _cache_dir() -> Path:
    if os.environ.get("MIRMINE_CACHE"):
        return Path(os.environ["MIRMINE_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mirmine"


def _write_cache(path: Path, lexicon: Lexicon) -> None:
    """Write atomically and remove older versions of the same lexicon; a cache that cannot be written (read-only
    home) only costs the next start its time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(lexicon, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tag = path.name.rsplit("-", 1)[0]
        for old in path.parent.glob(f"{tag}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        Path(tmp).unlink(missing_ok=True) if "tmp" in locals() else None


# --- miRBase ----------------------------------------------------------------------------------------------

_ARM_OR_STAR = re.compile(r"(?:-[35]p|\*)$")
_COPY = re.compile(r"-[0-9]+$")


@cache
def _mirbase(rules_dir: Path | None = None) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Human precursor accessions by name, and the copy-numbered precursors of each base name."""
    by_name = {row["term"]: row["concept_id"] for row in load_tsv_lexicon("mirbase.tsv", LEXICON_COLUMNS, rules_dir)}
    copies: dict[str, list[str]] = {}
    for name in by_name:
        if _COPY.search(name):
            copies.setdefault(_COPY.sub("", name), []).append(name)
    return by_name, {base: tuple(sorted(names)) for base, names in copies.items()}


def mirna_concept_id(norm: str, rules_dir: Path | None = None) -> str:
    """The miRBase precursor accession of a miRNA norm when it maps to one human precursor, else ""."""
    by_name, copies = _mirbase(rules_dir)
    precursor = "hsa-" + _ARM_OR_STAR.sub("", norm).replace("miR-", "mir-")
    if precursor in by_name:
        return by_name[precursor]
    candidates = copies.get(precursor, ())
    return by_name[candidates[0]] if len(candidates) == 1 else ""
