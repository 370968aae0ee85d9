"""Lexicons: the entries of one or more TSV files by their match keys, and the walk that finds them in a text.

Which written forms may match is decided once, at load: long terms and terms with a digit match in any case; short
all-letter terms (`ER`, `SET`, `DDP`) only as written.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Sequence
from functools import cached_property
from itertools import compress
from sys import intern
from typing import NamedTuple

from .keys import KeyedText, code_name_keys, compact, greek_initial_keys, phrase_key, term_keys

LEXICON_COLUMNS = ("term", "norm", "concept_id", "source")
# When one key has entries of several kinds, the first kind in this order wins; a tie between norms is ambiguous.
KIND_PRIORITY = (
    "extra", "text", "symbol", "receptor", "generic", "family", "name", "cancer", "class", "line", "brand", "synonym",
    "cancer_synonym", "mesh", "cancer_mesh", "previous", "alias",
)
# The kinds of rules/diseases.tsv rows that name a cancer type (a descendant of DOID:162): its DO name, a DO synonym,
# a MeSH entry term. rules/build_diseases.py writes them, the `cancer` column of relations.tsv reads them.
CANCER_KINDS = ("cancer", "cancer_synonym", "cancer_mesh")


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


# `c-` and three letters or more: a cellular proto-oncogene (`c-Kit`, `c-Abl`, `c-Raf`, `c-Rel`).
_CELLULAR_ONCOGENE = re.compile(r"[cC]-[A-Za-z]{3,}")


def needs_exact_case(term: str, type_: str, kind: str) -> bool:
    """Whether a term only matches as written: all-letter symbols (`SET`, `IMPACT`, `PTEN`) and short abbreviations.

    Names (`epidermal growth factor receptor`) and terms with a digit (`Bcl-2`, `IGF1R`) match in any case.
    """
    letters = compact(term)
    if type_ in ("drug_class", "species") or kind == "name" or " " in term.strip():
        return False  # `Mice`, `Rats` open a title or a sentence
    if type_ == "gene" and _CELLULAR_ONCOGENE.fullmatch(term):
        return False  # `c-kit`, `C-KIT`, `c-Kit`: the cellular proto-oncogene is written in every case
    if any(char.isdigit() for char in letters):
        return len(letters) < 3
    if type_ == "cell_line" and kind == "line" and not letters.isupper():
        return False  # a Cellosaurus name in a line's mixed case (`DuCaP` written `DUCaP`): its cell-line cue decides
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
            if entry.type == "gene":
                keys |= greek_initial_keys(keys)  # `b-catenin`, `TNFa`: Greek written as its initial
            elif entry.type == "drug":
                keys |= code_name_keys(keys)  # `ZD 1839`, `STI 571`: a code name's letters and number apart
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
        # What the lexicon cache file was made from (``load_lexicon_files`` sets it): the merged walk table's cache key.
        self.cache_key = ""
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

    @cached_property
    def walk(self) -> WalkTable:
        """The walk table of this lexicon's keys alone, made when first asked: the finders walk one table of every
        lexicon (``load_merged_walk_table``), so a process that runs them never makes or loads this one."""
        return walk_table(self.keys)

    def __getstate__(self) -> dict:
        return {name: value for name, value in self.__dict__.items() if name not in ("_made", "walk")}

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


def _takes_plural(entry: Entry) -> bool:
    """Multi-word protein names are also written in the plural (`estrogen and progesterone receptors`), and disease
    names (`gliomas`, `breast cancers`)."""
    words = entry.term.split()
    if entry.type == "disease":
        return words[-1].isalpha() and words[-1].islower() and len(words[-1]) > 3 and not words[-1].endswith("s")
    return (
        entry.type == "gene" and entry.kind in ("name", "text", "extra", "receptor") and len(words) > 1
        and words[-1].isalpha() and words[-1].islower() and len(words[-1]) > 3 and not words[-1].endswith("s")
    )  # fmt: skip

