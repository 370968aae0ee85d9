"""Sentence boundaries: the SentenceSplitter component and its `mirmine_sentences` factory."""

from __future__ import annotations

import bisect

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

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
