"""Text -> spaCy Doc: character normalization, the patched scispaCy tokenizer, sentences and abbreviations.

The pipeline always runs on ``normalize_chars(document.text)``, which keeps every character offset of the
original text, so spans found here slice the ingested text directly. Offsets are characters, end exclusive.
"""

from __future__ import annotations

import bisect
import functools
import re
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy
from scispacy.custom_tokenizer import combined_rule_tokenizer
from spacy.attrs import ORTH, SENT_START
from spacy.lang.en import English
from spacy.lang.tokenizer_exceptions import URL_PATTERN
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from pipeline.schema import Abbreviation

# --- characters -------------------------------------------------------------------------------------------

# One character to one character, so every offset into the normalized text is an offset into the original.
# Hyphen look-alikes become "-" (U+2010 in `miR‐126` would otherwise be split off as an infix);
# no-break and thin spaces become " " (spaCy makes a token of any space that is not U+0020).
_CHAR_MAP = str.maketrans(
    {
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2212": "-",  # minus sign
        "\ufe63": "-",  # small hyphen-minus
        "\uff0d": "-",  # fullwidth hyphen-minus
        "\u00a0": " ",  # no-break space
        "\u2007": " ",  # figure space
        "\u2009": " ",  # thin space
        "\u202f": " ",  # narrow no-break space
    }
)


def normalize_chars(text: str) -> str:
    """Map hyphen and space variants to ASCII, one character for one, so the length and all offsets are unchanged."""
    return text.translate(_CHAR_MAP)


# --- tokenizer --------------------------------------------------------------------------------------------

# Tokens no affix or infix rule may cut. miRNA names keep their arm and paralog number (`hsa-miR-125b-2-3p`:
# the digit-hyphen-digit infix would split off `-3p`) and their letter (`let-7g`: the unit suffix reads grams);
# 14-3-3 proteins keep their isoform (`14-3-3ζ`, `14-3-3sigma`). Anchored with \Z because spaCy calls `.match`.
# No `/` is allowed: `miR-221/222` must reach the infix rules so that the slash becomes its own token.
_PROTECTED_TOKEN = re.compile(
    r"(?:"
    r"(?:[a-z]{3}-)?"
    r"(?:(?:[Mm][Ii][Rr](?:[Nn][Aa])?|[Mm]icro[Rr][Nn][Aa])[Ss]?-?[0-9]+[a-z]?|[Ll][Ee][Tt]-?7[a-z]?)"
    r"(?:-[0-9])?"
    r"(?:-[35]p|\*)?"
    r"|14-3-3(?:[\u03b1-\u03c9]|beta|gamma|epsilon|eta|sigma|tau|theta|zeta)?"
    r")\Z"
)

# URLs as spaCy's English tokenizer knows them (scispaCy drops its url_match), plus bare DOIs: with `/` an infix,
# both would otherwise fall apart.
_URL_OR_DOI = re.compile("(?u)(?:" + URL_PATTERN + r")|^10\.[0-9]{4,9}/\S+$")

# scispaCy keeps `(` on `(S)-ibuprofen`-like tokens; an abbreviation closed before `/` or `-`
# (`(PI3K)/AKT`, `(MX)-resistant`) must lose it, or the abbreviation detector never sees the brackets.
_PREFIX_REPLACEMENTS = {
    r"^\((?![^\(\s]+\)\S+)": r"^\((?:(?=[^\W\d_][^\s()]+\)[/-])|(?![^\(\s]+\)\S+))",
    r"^\[(?![^\[\s]+\]\S+)": r"^\[(?:(?=[^\W\d_][^\s\[\]]+\][/-])|(?![^\[\s]+\]\S+))",
}

# scispaCy's digit-hyphen-digit infix, narrowed: not before a miRNA arm (`miR-155-5p/miR-21-3p` must keep both
# arms once `/` splits it) and not inside 14-3-3.
_DIGIT_INFIX = r"(?<=[0-9])[+\-\*^](?=[0-9-])"
_DIGIT_INFIX_NARROWED = (
    r"(?<=[0-9])[+\*^](?=[0-9-])"
    r"|(?<=[0-9])(?<!\b14(?=-3-3))(?<!\b14-3(?=-3))-(?=[0-9-])(?![35]p\b)"
)
# Compound words whose head is a name (`miR-21-mediated`, `trastuzumab-resistant`, `PIK3R2-knockdown`): scispaCy
# keeps hyphenated words whole, which would hide the name from every finder. Split before these common modifiers.
_COMPOUND_MODIFIERS = (
    "resistant", "resistance", "sensitive", "sensitivity", "sensitized", "refractory", "responsive", "mediated",
    "induced", "dependent", "independent", "treated", "targeted", "targeting", "based", "related", "associated",
    "regulated", "knockdown", "knockout", "silenced", "overexpressing", "expressing", "transfected", "deficient",
    "positive", "negative", "loaded", "specific", "derived", "containing", "driven", "activated", "inhibited",
)  # fmt: skip
_EXTRA_INFIXES = (
    r"(?<=[^\W_])-(?=(?:" + "|".join(_COMPOUND_MODIFIERS) + r")\b)",
    r"/",  # scispaCy removed it; `PI3K/AKT/mTOR`, `miR-21/PTEN`, `SKBR3/TR` and `miR-221/222` need it
    r"(?<=[^\W_][^\W_])\)(?=[/-])",  # the `)` of `(PI3K)/AKT`, `(MX)-resistant`; not `(S)-` or `protein(s)-`
    r"(?<=\))-(?=[^\W\d_])",  # the hyphen of `(MX)-resistant`
)

# A period after a unit ends a sentence (`10 μM. In`): lower-case units already lose it, these do not.
_EXTRA_SUFFIXES = (
    r"(?<=[μµnmpfk]M)\.$",  # molar
    r"(?<=[μµnmdc]L)\.$",  # litre
)

# Exceptions dropped from spaCy's list. `h.`, `s.`, `g.` ... and `°C.` are units at a sentence end in this literature.
# Whitespace exceptions (`\n`, `\t`) give the token the tokenizer makes anyway, but any exception hit stops spaCy
# caching the rest of the doc's words (the has_special guard in tokenizer.pyx): every text with a line break then
# tokenized about 3x slower.
_DROPPED_EXCEPTION = re.compile(r"^(?:[a-z]|°[CFKcfk])\.$|^\s+$")


def _replace_exactly(pattern: str, old: str, new: str) -> str:
    """Replace one known piece of a scispaCy pattern, failing loudly when a scispaCy release has changed it."""
    if old not in pattern:
        raise RuntimeError(f"scispaCy tokenizer pattern changed: {old!r} not found; update pipeline/preprocess.py")
    return pattern.replace(old, new)


def build_tokenizer(nlp: Language) -> Tokenizer:
    """scispaCy's combined rule tokenizer with the mirmine fixes (miRNA names, `/`, unit periods, 14-3-3)."""
    # scispaCy's own character classes make Python warn "Possible set union" on every compile; it is harmless
    # (the classes are meant literally) and a user cannot act on it, so it is silenced here and only here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Possible set union", category=FutureWarning)
        return _build_tokenizer(nlp)


def _build_tokenizer(nlp: Language) -> Tokenizer:
    if not hasattr(nlp, "tokenizer"):
        # Called by Language.__init__ (build_nlp): scispaCy reads the old tokenizer's token_match, which ours
        # replaces anyway; a bare tokenizer stands in.
        nlp.tokenizer = Tokenizer(nlp.vocab)
    base = combined_rule_tokenizer(nlp)
    prefix = base.prefix_search.__self__.pattern
    for old, new in _PREFIX_REPLACEMENTS.items():
        prefix = _replace_exactly(prefix, old, new)
    infix = _replace_exactly(base.infix_finditer.__self__.pattern, _DIGIT_INFIX, _DIGIT_INFIX_NARROWED)
    infix = "|".join((*_EXTRA_INFIXES, infix))
    suffix = "|".join((*_EXTRA_SUFFIXES, base.suffix_search.__self__.pattern))
    rules = {orth: tokens for orth, tokens in base.rules.items() if not _DROPPED_EXCEPTION.match(orth)}
    # Compiled-regex methods only: spaCy serializes their patterns, so to_disk()/spacy.load() round-trips.
    return Tokenizer(
        nlp.vocab,
        rules=rules,
        prefix_search=re.compile(prefix).search,
        suffix_search=re.compile(suffix).search,
        infix_finditer=re.compile(infix).finditer,
        token_match=_PROTECTED_TOKEN.match,
        url_match=_URL_OR_DOI.match,
    )


# --- sentences --------------------------------------------------------------------------------------------

_TERMINAL_PUNCT = frozenset({".", "?", "!"})
# Tokens that close the sentence they follow: `... cells.) The`, `... cells." The`.
_CLOSERS = frozenset({")", "]", "}", '"', "'", "*", "\u201d", "\u2019", "\u00bb"})
# Tokens that may open a sentence when the word after them is capitalized: `... cells. (A) In ...`;
# `*` is the italics mark of text converted from PDF (`... approach. *Cancers (Basel)* 2019`).
_OPENERS = frozenset({"(", "[", "{", '"', "'", "*", "\u201c", "\u2018", "\u00ab"})
# Words whose period never ends a sentence (`Fig. 2A`, `e.g. miR-21`, `vs. control`); case-sensitive on purpose:
# lower-case `no.` and `ca.` can end a sentence, `Ca` is calcium.
_NEVER_FINAL = frozenset(
    {
        "Fig", "Figs", "fig", "figs", "FIG", "Eq", "Eqs", "eq", "eqs", "Ref", "Refs", "ref", "refs",
        "No", "Nos", "Dr", "Drs", "Mr", "Mrs", "Ms", "Prof", "St", "Vol", "vol", "pp", "Suppl", "suppl",
        "e.g", "E.g", "i.e", "I.e", "cf", "Cf", "vs", "approx", "Approx", "ca", "viz", "resp", "Sec", "sec",
    }
)  # fmt: skip
# Words whose period ends a sentence only before a capital: `Zhang et al. In 2019` ends, `et al. 2019` does not.
_FINAL_BEFORE_CAPITAL = frozenset({"al", "etc"})
_LINE_FINAL = (".", "!", "?", ":", ";")

_GENERAL, _CAPITAL, _INITIAL = 1, 2, 3


def _may_end_sentence_or_line(text: str) -> bool:
    """Lexeme flag: the token is terminal punctuation, ends with a period, or holds a line break or a tab."""
    return text.endswith((".", "?", "!")) or "\n" in text or "\t" in text


def _looks_like_sentence_start(text: str) -> bool:
    """A capitalized word, a number, a Greek letter, or a lower-case-initial name such as `miR-124`, `mRNA`, `p53`."""
    first = text[0]
    if first.isupper() or first.isdigit() or "\u03b1" <= first <= "\u03c9":
        return True
    return first.islower() and any(char.isupper() or char.isdigit() for char in text[1:])


def _final_kind(text: str, previous: str | None) -> int:
    """How a sentence may end after this token: 0 it does not, else the kind of word it needs next.

    `previous` is the text of the token glued to the left of a bare `.` (`approx` `.`), if any.
    """
    if text in _TERMINAL_PUNCT:
        if text != "." or previous is None:
            return _GENERAL
        word = previous
    elif len(text) > 1 and text.endswith("."):
        word = text[:-1]
    else:
        return 0
    if word in _NEVER_FINAL:
        return 0
    if word in _FINAL_BEFORE_CAPITAL:
        return _CAPITAL
    if len(word) == 1 and word.isupper():
        return _INITIAL
    return _GENERAL


class SentenceSplitter:
    """Rule-based sentence boundaries: terminal punctuation, abbreviations, line breaks, table rows.

    Only the tokens around a `.`, `?`, `!`, line break or tab are looked at, which makes the component faster than
    spaCy's sentencizer. Starts set to True or False before the component runs (section boundaries) are kept.
    """

    def __init__(self, vocab: Vocab) -> None:
        # A lexeme flag marks the words that may end a sentence or a line, so one to_array call finds the few
        # tokens worth looking at (doc.text or a loop over all tokens would cost as much as the rest together).
        self.boundary_flag = vocab.add_flag(_may_end_sentence_or_line)

    def __call__(self, doc: Doc) -> Doc:
        n_tokens = len(doc)
        if n_tokens == 0:
            return doc
        starts = numpy.full(n_tokens, -1, dtype="int64")
        starts[0] = 1
        line_breaks: list[int] = []
        tabs: list[int] = []
        for i in doc.to_array(self.boundary_flag).nonzero()[0].tolist():
            # Each doc[i] builds a new Token object: the candidate's Token is made once and handed on.
            token = doc[i]
            text = token.text
            if "\n" in text:
                line_breaks.append(i)
            if "\t" in text:
                tabs.append(i)
            if not text.isspace():
                start = self._start_after(doc, token, text)
                if start is not None:
                    starts[start] = 1
        for k, i in enumerate(line_breaks):
            line_before = line_breaks[k - 1] if k > 0 else -1
            line_after = line_breaks[k + 1] if k + 1 < len(line_breaks) else n_tokens
            # Tab-separated table rows are one sentence each: a tab on either line rules out a continued sentence.
            first_tab = bisect.bisect_right(tabs, line_before)
            in_table = first_tab < len(tabs) and tabs[first_tab] < line_after
            if self._starts_after_line_break(doc, i, in_table):
                starts[i + 1] = 1
        # spaCy stores SENT_START as uint64: 1 start, -1 (wrapped) not a start, 0 not set.
        preset = doc.to_array(SENT_START).view("int64")
        doc.from_array([SENT_START], numpy.where(preset != 0, preset, starts).view("uint64"))
        return doc

    def _start_after(self, doc: Doc, token: Token, text: str) -> int | None:
        """The token that opens a new sentence after the possibly final `token` (whose text is `text`), if any."""
        # Each doc[k] builds a new Token object: every neighbour is fetched once and its text read once.
        i, n_tokens = token.i, len(doc)
        previous = doc[i - 1] if i > 0 else None
        if previous is not None and (previous.whitespace_ or previous.is_space):
            previous = None
        # `19. Sun YS, ...` at the start of a line numbers a list item; it does not end a sentence.
        if previous is not None and previous.is_digit and _starts_line(doc, i - 1):
            return None
        kind = _final_kind(text, None if previous is None else previous.text)
        if not kind:
            return None
        # Closing brackets and quotes glued to the sentence end still belong to it: `... cells.) The`.
        j, last = i + 1, token
        while j < n_tokens:
            following = doc[j]
            text = following.text
            if last.whitespace_ or text not in _CLOSERS:
                break
            j, last = j + 1, following
        else:
            return None  # nothing but closers up to the end of the doc
        if text.isspace():
            if "\n" in text:
                return None  # the line break decides
            j += 1
            if j >= n_tokens:
                return None
            text = doc[j].text
            if text.isspace():
                return None
        return j if self._may_follow(kind, doc, j, text) else None

    @staticmethod
    def _may_follow(kind: int, doc: Doc, j: int, text: str) -> bool:
        """Whether token j, whose text is `text`, can open a sentence after a final token of this kind."""
        if text in _OPENERS and j + 1 < len(doc):
            # `(A) The ...`, `'p53 signalling' ...`; not a citation or a number: `cells. [12] ...`, `(1) ...`.
            text = doc[j + 1].text
            if text.isspace() or text[0].isdigit():
                return False
            return text[0].isupper() if kind == _CAPITAL else _looks_like_sentence_start(text)
        if kind == _CAPITAL:
            return text[0].isupper()
        if kind == _INITIAL and len(text) == 2 and text[0].isupper() and text[1] == ".":
            # Chains of initials (`A. F., F. R. and A. N. were involved`) stay in one sentence.
            return False
        return _looks_like_sentence_start(text)

    @staticmethod
    def _starts_after_line_break(doc: Doc, i: int, in_table: bool) -> bool:
        """Whether a sentence starts after the line break at token i: always, unless the break falls inside a
        sentence (a page break): no final punctuation before it, a lower-case word after it, no table row."""
        if i == 0 or i + 1 >= len(doc):
            return False
        before, after = doc[i - 1].text, doc[i + 1].text
        return in_table or before.endswith(_LINE_FINAL) or not after[0].islower()


def _starts_line(doc: Doc, i: int) -> bool:
    """Whether token i is the first word of a line."""
    return i == 0 or (doc[i - 1].is_space and ("\n" in doc[i - 1].text or i == 1))


@Language.factory("mirmine_sentences")
def make_sentence_splitter(nlp: Language, name: str) -> SentenceSplitter:
    """Factory for the `mirmine_sentences` component."""
    return SentenceSplitter(nlp.vocab)


# --- abbreviations ----------------------------------------------------------------------------------------

if not Doc.has_extension("mirmine_abbreviations"):
    # (short, short_start, short_end, long, long_start, long_end) per occurrence, character offsets, by short_start.
    Doc.set_extension("mirmine_abbreviations", default=())

_MAX_INNER_TOKENS = 8
_GREEK_LETTER = re.compile(r"[\u0391-\u03a9\u03b1-\u03c9]\Z")


def _is_short_form(tokens: Sequence[str], text: str) -> bool:
    """scispaCy's short-form filter, also accepting a one-letter Greek token after the first (`GSK-3 β`)."""
    for position, token in enumerate(tokens):
        if not 2 <= len(token) < 10 and not (position > 0 and _GREEK_LETTER.match(token)):
            return False
    return text[0].isalpha() and sum(char.isalpha() for char in text) / len(text) >= 0.5


def _lower_each_char(text: str) -> str:
    """`text` with each character lowered on its own, so every offset still points at the same character.

    Outside ASCII, str.lower() may lengthen the text (`İ`) and lowers a word-final `Σ` to `ς`; here a character
    whose lower case is longer than one character is kept as it is.
    """
    if text.isascii():
        return text.lower()
    return "".join([lower if len(lower := char.lower()) == 1 else char for char in text])


def _long_form_start(long_text: str, short_text: str) -> int | None:
    """Schwartz & Hearst (2003), as in scispaCy: the offset in `long_text` where the long form of `short_text`
    starts, or None. Every letter and digit of the short form must appear in order, the first at a word start."""
    # One lowering and str.rfind per short-form character, rather than lowering and comparing character by
    # character: a kept `İ` matches no lowered letter or digit, just as its two-character lower case never did.
    lowered = _lower_each_char(long_text)
    long_index = len(long_text)  # where the last matched character is; the next one is looked for before it
    for short_index in range(len(short_text) - 1, -1, -1):
        current = short_text[short_index].lower()
        if not current.isalnum():
            continue
        long_index = lowered.rfind(current, 0, long_index)
        while short_index == 0 and long_index > 0 and long_text[long_index - 1].isalnum():
            long_index = lowered.rfind(current, 0, long_index)
        if long_index < 0:
            return None
    return long_index


def _balanced(orths: Sequence[int], open_orth: int, close_orth: int) -> bool:
    """Whether the round brackets among these tokens, given by orth id, are balanced."""
    depth = 0
    for orth in orths:
        if orth == open_orth:
            depth += 1
        elif orth == close_orth:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _tokens(doc: Doc, start: int, end: int) -> list[Token]:
    """The tokens start..end-1, each built once (Span.text and friends build them again on every call)."""
    return [doc[i] for i in range(start, end)]


def _text(tokens: Sequence[Token]) -> str:
    """The text of consecutive tokens as Span.text gives it: with the whitespace between them, not after them."""
    return "".join([token.text_with_ws for token in tokens[:-1]]) + tokens[-1].text


def _window_before(doc: Doc, open_at: int, max_tokens: int) -> list[Token]:
    """At most `max_tokens` tokens right before token `open_at`, not reaching back past the start of its sentence.

    Walks back over the tokens the window needs anyway: cheaper than reading every token's sentence start.
    """
    if doc[open_at].is_sent_start:
        return []
    window = []
    for i in range(open_at - 1, max(open_at - max_tokens, 0) - 1, -1):
        token = doc[i]
        window.append(token)
        if token.is_sent_start:
            break
    window.reverse()
    return window


def _long_form(window: Sequence[Token], window_text: str, start: int) -> tuple[str, int, int]:
    """The text and character offsets of the long form found at offset `start` of the window's text, widened to
    the whole token it starts in, as doc.char_span(..., alignment_mode="expand") would."""
    start_char = window[0].idx + start
    first = next(token for token in reversed(window) if token.idx <= start_char)
    text = window_text[first.idx - window[0].idx :]
    return text, first.idx, first.idx + len(text)


class AbbreviationDetector:
    """Abbreviation definitions (`adriamycin (ADR)`) by scispaCy's Schwartz-Hearst rules, and every later use.

    Reimplemented over token orth ids rather than wrapping scispaCy's component, which was the slowest stage
    (NOTES.md; it adds and removes Matcher patterns for every document), stores Spans in doc._ (E871 under
    n_process>1), rejects one-letter Greek tokens (`GSK-3 β`) and maps the long form back to tokens assuming one
    space between every two tokens. Candidates, filters and which definition wins follow scispaCy.

    Short and long forms are kept as token ranges, lists of Tokens and character offsets rather than Spans: each
    doc[i] builds a new Token object and a Span builds all of its Tokens again on every .text, which made Span
    handling most of this component's time.
    """

    def __init__(self, nlp: Language) -> None:
        self.open_orth = nlp.vocab.strings.add("(")
        self.close_orth = nlp.vocab.strings.add(")")
        self.slash_orth = nlp.vocab.strings.add("/")

    def __call__(self, doc: Doc) -> Doc:
        # Orth ids, not doc.text: building the text walks every token, and only the tokens around brackets count.
        orths = doc.to_array(ORTH)
        opens = (orths == self.open_orth).nonzero()[0].tolist()
        closes = (orths == self.close_orth).nonzero()[0].tolist()
        if not opens or not closes:
            doc._.mirmine_abbreviations = ()
            return doc
        definitions: list[tuple[int, int, str, tuple[str, int, int]]] = []
        seen_short: set[str] = set()
        seen_long: set[str] = set()
        for short_start, short_end, short_text, long in self._definitions(doc, orths, opens, closes):
            long_text = long[0]
            # As in scispaCy, the first definition of a short or a long form wins.
            if short_text in seen_short or long_text in seen_long:
                continue
            seen_short.add(short_text)
            seen_long.add(long_text)
            definitions.append((short_start, short_end, short_text, long))
        found: set[tuple[str, int, int, str, int, int]] = set()
        for short_start, short_end, short_text, long in definitions:
            for short in self._occurrences(doc, orths, short_start, short_end, short_text):
                found.add((*short, *long))
        doc._.mirmine_abbreviations = tuple(sorted(found, key=lambda record: (record[1], record[2], record[4])))
        return doc

    def _definitions(
        self, doc: Doc, orths: numpy.ndarray, opens: list[int], closes: list[int]
    ) -> Iterable[tuple[int, int, str, tuple[str, int, int]]]:
        """Each definition in document order: the short form's token range and text, and the long form's text
        and character offsets."""
        for open_at in opens:
            if open_at == 0:
                continue
            for close_at in closes[bisect.bisect_right(closes, open_at) :]:
                n_inner = close_at - open_at - 1
                if n_inner > _MAX_INNER_TOKENS:
                    break
                if n_inner > 0:
                    definition = self._definition(doc, orths, open_at, close_at)
                    if definition is not None:
                        yield definition

    def _definition(
        self, doc: Doc, orths: numpy.ndarray, open_at: int, close_at: int
    ) -> tuple[int, int, str, tuple[str, int, int]] | None:
        """The definition made by the brackets at tokens open_at and close_at, if any (see `_definitions`)."""
        n_inner = close_at - open_at - 1
        if n_inner > 3:
            # `ADR (adriamycin hydrochloride ...)`: the long form is inside, the short form the word before.
            if not _balanced(orths[open_at + 1 : close_at].tolist(), self.open_orth, self.close_orth):
                return None
            short_start, short_end = open_at - 1, open_at
        else:
            short_start, short_end = open_at + 1, close_at
            if n_inner == 3 and orths[open_at + 2] == self.slash_orth:
                # `(BCRP/ABCG2)`: the first name is the one defined; the second is usually a synonym.
                short_end = open_at + 2
        short = _tokens(doc, short_start, short_end)
        short_words = [token.text for token in short]
        short_text = _text(short)
        if not _is_short_form(short_words, short_text):
            return None
        if n_inner > 3:
            window = _tokens(doc, open_at + 1, close_at)
        else:
            # The long form is looked for inside the bracket's sentence, when sentences are set.
            length = sum(len(word) for word in short_words)
            window = _window_before(doc, open_at, min(length + 5, length * 2))
            if not window:
                return None
        window_text = _text(window)
        start = _long_form_start(window_text, short_text)
        if start is None:
            return None
        return short_start, short_end, short_text, _long_form(window, window_text, start)

    @staticmethod
    def _occurrences(
        doc: Doc, orths: numpy.ndarray, short_start: int, short_end: int, short_text: str
    ) -> Iterable[tuple[str, int, int]]:
        """Text and character offsets of every token span whose orth ids equal those of the short form."""
        pattern = orths[short_start:short_end]
        width = len(pattern)
        hits = (orths[: len(orths) - width + 1] == pattern[0]).nonzero()[0].tolist()
        if width == 1:
            # One token: its orth id gives it the short form's text, so only its offset is read.
            for hit in hits:
                start_char = doc[hit].idx
                yield short_text, start_char, start_char + len(short_text)
            return
        for hit in hits:
            if numpy.array_equal(orths[hit : hit + width], pattern):
                # Equal orth ids, but the whitespace between the tokens may differ from the short form's.
                tokens = _tokens(doc, hit, hit + width)
                text = _text(tokens)
                yield text, tokens[0].idx, tokens[0].idx + len(text)


@Language.factory("mirmine_abbreviations")
def make_abbreviation_detector(nlp: Language, name: str) -> AbbreviationDetector:
    """Factory for the `mirmine_abbreviations` component."""
    return AbbreviationDetector(nlp)


def abbreviations_from_doc(doc: Doc, text: str | None = None) -> list[Abbreviation]:
    """The doc's abbreviation occurrences as records; pass the original `text` to slice the strings from it."""
    records = []
    for short, short_start, short_end, long, long_start, long_end in doc._.mirmine_abbreviations:
        if text is not None:
            short, long = text[short_start:short_end], text[long_start:long_end]
        records.append(Abbreviation(short, short_start, short_end, long, long_start, long_end))
    return records


# --- the pipeline -----------------------------------------------------------------------------------------


def build_nlp(rules_dir: str | Path | None = None, extra_pipes: Sequence[str] = ()) -> Language:
    """A blank English pipeline: patched tokenizer, sentences, abbreviations, then `extra_pipes` in order.

    Each extra pipe is added by factory name and, when `rules_dir` is given, gets it as its `rules_dir` setting.
    """
    # English with our tokenizer from the start: spacy.blank("en") would first compile the default English
    # tokenizer's rules (0.17 s of every start) only for them to be replaced. The config still names spaCy's
    # Tokenizer, whose rules to_disk() saves, so spacy.load() gives this tokenizer back.
    nlp = English(create_tokenizer=build_tokenizer)
    nlp.add_pipe("mirmine_sentences")
    # After sentences: the long form of a definition is looked for inside the sentence of its bracket.
    nlp.add_pipe("mirmine_abbreviations")
    config: dict[str, Any] = {} if rules_dir is None else {"rules_dir": str(rules_dir)}
    for name in extra_pipes:
        nlp.add_pipe(name, config=config)
    return nlp


@functools.cache
def get_nlp(rules_dir: str | Path | None = None, extra_pipes: tuple[str, ...] = ()) -> Language:
    """The pipeline of `build_nlp`, built once per process (worker processes call this once each)."""
    return build_nlp(rules_dir, extra_pipes)
