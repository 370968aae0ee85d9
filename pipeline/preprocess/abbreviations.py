"""Abbreviation definitions by Schwartz-Hearst rules: the AbbreviationDetector component, its
`mirmine_abbreviations` factory, the `doc._.mirmine_abbreviations` extension and abbreviations_from_doc."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

import numpy
from spacy.attrs import IDX, ORTH
from spacy.language import Language
from spacy.tokens import Doc, Token

from pipeline.schema import Abbreviation

from .chars import doc_text

if not Doc.has_extension("mirmine_abbreviations"):
    # (short, short_start, short_end, long, long_start, long_end) per occurrence, character offsets, by short_start.
    Doc.set_extension("mirmine_abbreviations", default=())

_MAX_INNER_TOKENS = 8
_GREEK_LETTER = re.compile(r"[\u0391-\u03a9\u03b1-\u03c9]\Z")


def _is_short_form(tokens: Sequence[str], text: str) -> bool:
    """scispaCy's short-form filter, also accepting a one-letter Greek token after the first (`GSK-3 β`); a bracket
    opened and not closed inside is a genotype or a remark cut short (`(DAT(-/-))` is no definition of `DAT(-`)."""
    if text.count("(") != text.count(")"):
        return False
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


# A short form in brackets after a space: no space inside, a capital letter, at most ten characters (`carboplatin
# (CBDCA)`, `factor (TNF)-related`); a bracket inside a word is part of the name (`GABA(A)`, `poly(ADP-ribose)`).
_BRACKETED_SHORT_FORM = re.compile(r"(?<=\s)\((?=[^()\s]*[A-Z])[^()\s]{1,10}\)")


def long_form_start(long_text: str, short_text: str) -> int | None:
    """Schwartz & Hearst (2003), as in scispaCy: the offset in `long_text` where the long form of `short_text`
    starts, or None. Every letter and digit of the short form must appear in order, the first at a word start."""
    # One lowering and str.rfind per short-form character, rather than lowering and comparing character by
    # character: a kept `İ` matches no lowered letter or digit, just as its two-character lower case never did.
    lowered = _lower_each_char(long_text)
    if "(" in long_text:
        # `carboplatin (CBDCA) over cisplatin (CDDP)`: another short form in brackets inside the window is no part of
        # this long form, so none of this short form's characters is looked for in it (`tumor necrosis factor
        # (TNF)-related apoptosis-inducing ligand (TRAIL)` still finds every letter outside the brackets).
        for match in _BRACKETED_SHORT_FORM.finditer(long_text):
            lowered = lowered[: match.start()] + " " * (match.end() - match.start()) + lowered[match.end() :]
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
        self.comma_orth = nlp.vocab.strings.add(",")
        self.semicolon_orth = nlp.vocab.strings.add(";")
        self.colon_orth = nlp.vocab.strings.add(":")
        self.aside_orths = (self.comma_orth, self.semicolon_orth, self.colon_orth)  # `(SNP, n = 7)`, `(DEN: 10 mg/kg)`

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
            # Walked by index, not over a slice: a copy of every later bracket for each bracket was quadratic.
            for at in range(bisect.bisect_right(closes, open_at), len(closes)):
                close_at = closes[at]
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
        aside = self._short_then_aside(doc, orths, open_at, close_at)
        long_inside = n_inner > 3 and not aside
        if long_inside:
            # `ADR (adriamycin hydrochloride ...)`: the long form is inside, the short form the word before.
            if not _balanced(orths[open_at + 1 : close_at].tolist(), self.open_orth, self.close_orth):
                return None
            short_start, short_end = open_at - 1, open_at
        else:
            short_start, short_end = open_at + 1, open_at + 2 if aside else close_at
            if n_inner == 3 and orths[open_at + 2] == self.slash_orth:
                # `(BCRP/ABCG2)`: the first name is the one defined; the second is usually a synonym.
                short_end = open_at + 2
        short = _tokens(doc, short_start, short_end)
        short_words = [token.text for token in short]
        short_text = _text(short)
        if not _is_short_form(short_words, short_text):
            return None
        if long_inside:
            window = _tokens(doc, open_at + 1, close_at)
        else:
            # The long form is looked for inside the bracket's sentence, when sentences are set.
            length = sum(len(word) for word in short_words)
            window = _window_before(doc, open_at, min(length + 5, length * 2))
            if not window:
                return None
        window_text = _text(window)
        start = long_form_start(window_text, short_text)
        if start is None:
            return None
        return short_start, short_end, short_text, _long_form(window, window_text, start)

    def _short_then_aside(self, doc: Doc, orths: numpy.ndarray, open_at: int, close_at: int) -> bool:
        """`sodium nitroprusside (SNP, n = 7)`, `puromycin aminonucleoside (PAN; 180 mg/kg)`, `diethylnitrosamine (DEN:
        10 mg/kg)`: a short form with a capital, then `,`, `;` or `:` and an aside that starts with a number or a count
        `n`, not another name (`(PTEN, AKT)` lists genes) or a remark (`(SOX4; targeted by ...)`, where the long form is
        seldom right)."""
        if close_at - open_at < 4 or orths[open_at + 2] not in self.aside_orths:
            return False
        aside = doc[open_at + 3].text
        return (aside[:1].isdigit() or aside in ("n", "N")) and any(map(str.isupper, doc[open_at + 1].text))

    @staticmethod
    def _occurrences(
        doc: Doc, orths: numpy.ndarray, short_start: int, short_end: int, short_text: str
    ) -> Iterable[tuple[str, int, int]]:
        """Text and character offsets of every token span whose orth ids equal those of the short form (and, for a
        one-token short form, every token that starts with it glued to a word or a full stop: ``_glued_starts``)."""
        pattern = orths[short_start:short_end]
        width = len(pattern)
        hits = (orths[: len(orths) - width + 1] == pattern[0]).nonzero()[0].tolist()
        if width == 1:
            # One token: its orth id gives it the short form's text, so only its offset is read.
            starts = [doc[hit].idx for hit in hits] + _glued_starts(doc, short_text) + _capitalized(doc, orths, short_text)
            for start_char in starts:
                yield short_text, start_char, start_char + len(short_text)
            return
        for hit in hits:
            if numpy.array_equal(orths[hit : hit + width], pattern):
                # Equal orth ids, but the whitespace between the tokens may differ from the short form's.
                tokens = _tokens(doc, hit, hit + width)
                text = _text(tokens)
                yield text, tokens[0].idx, tokens[0].idx + len(text)


def _capitalized(doc: Doc, orths: numpy.ndarray, short_text: str) -> list[int]:
    """Where a short form defined in lower case (`dexamethasone (dex)`) starts a sentence with a capital (`Dex
    increased ...`): the same abbreviation. Elsewhere the capital may mean something else."""
    if not short_text.islower() or not short_text.isalpha():
        return []
    capital = doc.vocab.strings[short_text.capitalize()]  # the hash of a string (str in, int out): nothing is added
    return [doc[hit].idx for hit in (orths == capital).nonzero()[0].tolist() if doc[hit].is_sent_start]


def _glued_starts(doc: Doc, short_text: str) -> list[int]:
    """Where tokens start that hold a one-token short form glued to what follows: a word after a hyphen
    (`STZ-injected`, `AZT-treated`: the tokenizer splits only before common modifiers) or a sentence's full stop
    (`of AmB. The`). A number after the hyphen is part of another name (`GSK-3`), and so is a letter after it
    (`HCC-LM3`) when the rest carries a digit.

    Found in the doc's text (a short form glued to something is rare): each place where the short form is followed
    by a hyphen or a full stop is read as a token only when a token starts there.
    """
    text, width, starts = doc_text(doc), len(short_text), None
    found = []
    at = text.find(short_text)
    while at >= 0:
        if text[at + width : at + width + 1] in ("-", "."):
            if starts is None:
                starts = doc.to_array(IDX)
            index = int(numpy.searchsorted(starts, at))
            if index < len(starts) and starts[index] == at and _GLUED.fullmatch(doc[index].text, width):
                found.append(at)
        at = text.find(short_text, at + 1)
    return found


# What may follow a short form inside its token (matched from the end of the short form).
_GLUED = re.compile(r"(?:-[^\W\d_]+)+|\.")


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
