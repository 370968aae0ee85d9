"""spaCy components that find mentions, and ``mentions_from_doc``: hits -> ``schema.Mention`` records.

Every finder records its hits through ``add_hit`` in ``doc.user_data[HITS_KEY]`` (overlaps allowed) as
``[start, end, type, norm, rule id]`` with the exact character offsets of what matched. Overlaps are resolved once,
on those offsets, in ``mentions_from_doc``. The ``mirmine_spans`` component, last in ``extract.build_pipeline``,
shows the hits as ``doc.spans[SPANS_KEY]`` with ``label_`` = type, ``kb_id_`` = norm and ``id_`` = rule (a span is
token-aligned: the tokenizer keeps `PTEN-PI3K` whole); the per-document path of ``extract`` reads the hits alone.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_right
from functools import cache
from pathlib import Path
from typing import Callable

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.normalize import (
    KIND_PRIORITY,
    Entry,
    KeyedText,
    Lexicon,
    WalkTable,
    compact,
    key_matches,
    key_text,
    load_lexicon_files,
    merged_walk_table,
    mirna_concept_id,
    mirna_grammar,
)
from pipeline.ruleset import RuleError, load_jsonl_rules, load_tsv_lexicon
from pipeline.schema import Document, Mention

SPANS_KEY = "mirmine"
HITS_KEY = "mirmine_hits"
CONCEPTS_KEY = "mirmine_concepts"
KEYED_KEY = "mirmine_keyed"
MATCHES_KEY = "mirmine_lexicon_matches"
TEXT_KEY = "mirmine_text"
LINES_KEY = "mirmine_lines"

# The lexicon files of each finder, with the mention type of their rows.
LEXICON_FILES = {
    "gene": (("genes.tsv", "gene"), ("genes_extra.tsv", "gene")),
    "drug": (("drugs.tsv", "drug"), ("drugs_extra.tsv", "drug"), ("drug_classes.tsv", "drug_class")),
    "cell_line": (("cell_lines.tsv", "cell_line"),),
}
# Which type keeps a span that several finders claim, first wins (`insulin`, `epidermal growth factor` are genes
# before drugs); a mention inside a cell line is part of its name.
TYPE_PRIORITY = ("mirna", "cell_line", "gene", "drug", "drug_class")
# Kinds that are weak evidence on their own: a document that defines the term as something else overrules them.
WEAK_KINDS = frozenset({"alias", "previous", "synonym", "brand"})
_KIND_RANK = {kind: rank for rank, kind in enumerate(KIND_PRIORITY)}


@Language.factory("mirmine_mirna", default_config={"rules_dir": None})
def make_mirna_finder(nlp: Language, name: str, rules_dir: str | None) -> MirnaFinder:
    return MirnaFinder(Path(rules_dir) if rules_dir else None)


class MirnaFinder:
    """Runs the miRNA grammar over the doc text; enumerations give one hit per miRNA."""

    def __init__(self, rules_dir: Path | None = None) -> None:
        self.rules_dir = rules_dir
        self.grammar = mirna_grammar(rules_dir)

    def __call__(self, doc: Doc) -> Doc:
        concepts = doc.user_data.setdefault(CONCEPTS_KEY, {})
        for match in self.grammar.find(doc_text(doc)):
            add_hit(doc, match.start, match.end, "mirna", match.norm, match.rule)
            concepts[_concept_key("mirna", match.norm)] = mirna_concept_id(match.norm, self.rules_dir)
        return doc


def add_hit(doc: Doc, start: int, end: int, label: str, norm: str, rule: str) -> None:
    """Record a hit: its exact character offsets, type, norm and rule id.

    A list of lists in user_data, so a Doc still serializes (nlp.pipe with n_process > 1); no Span is built: the
    records need none, and building one per hit (and reading its attributes back) cost a fifth of the finders' time.
    """
    doc.user_data.setdefault(HITS_KEY, []).append([start, end, label, norm, rule])


def hits_of(doc: Doc) -> list[list]:
    """The doc's hits as the finders recorded them, in order."""
    return doc.user_data.get(HITS_KEY, [])


@Language.factory("mirmine_spans")
def make_span_writer(nlp: Language, name: str) -> SpanWriter:
    return SpanWriter()


class SpanWriter:
    """Shows the finders' hits as ``doc.spans[SPANS_KEY]``: one token-aligned span per hit, for spaCy users and displaCy.

    Put it after the finders. The span widens to whole tokens (`PTEN-PI3K` is one token); the mention records keep
    the characters that matched.
    """

    def __call__(self, doc: Doc) -> Doc:
        spans = (
            doc.char_span(start, end, label=label, kb_id=norm, span_id=rule, alignment_mode="expand")
            for start, end, label, norm, rule in hits_of(doc)
        )
        doc.spans[SPANS_KEY] = [span for span in spans if span is not None]
        return doc


@Language.factory("mirmine_genes", default_config={"rules_dir": None})
def make_gene_finder(nlp: Language, name: str, rules_dir: str | None) -> LexiconFinder:
    return LexiconFinder("gene", Path(rules_dir) if rules_dir else None)


@Language.factory("mirmine_drugs", default_config={"rules_dir": None})
def make_drug_finder(nlp: Language, name: str, rules_dir: str | None) -> LexiconFinder:
    return LexiconFinder("drug", Path(rules_dir) if rules_dir else None)


@Language.factory("mirmine_cell_lines", default_config={"rules_dir": None})
def make_cell_line_finder(nlp: Language, name: str, rules_dir: str | None) -> LexiconFinder:
    return LexiconFinder("cell_line", Path(rules_dir) if rules_dir else None)


@cache
def load_lexicon(finder: str, rules_dir: Path | None = None) -> Lexicon:
    """The lexicon of one finder, loaded once per process (from the lexicon cache when it is current)."""
    return load_lexicon_files(LEXICON_FILES[finder], rules_dir)


@cache
def load_walk_table(rules_dir: Path | None = None) -> WalkTable:
    """One walk table for every finder's lexicon: a document is walked once, each finder takes its own keys."""
    return merged_walk_table(*(load_lexicon(finder, rules_dir).walk for finder in LEXICON_FILES))


def lexicon_matches(doc: Doc, table: WalkTable) -> list[tuple[int, int, str]]:
    """The runs of the doc's pieces that are a key of some finder's lexicon (``key_matches``), once per doc."""
    stored = doc.user_data.get(MATCHES_KEY)
    if stored is None:
        stored = doc.user_data[MATCHES_KEY] = key_matches(keyed(doc), table)
    return stored


@cache
def load_context(rules_dir: Path | None = None) -> tuple[dict, dict]:
    """Context rules by (type, term) and the stop list as {(type, match key of the term or norm): reason}."""
    rules = load_jsonl_rules("context.jsonl", ("type", "term", "norm", "cues"), rules_dir)
    for rule in rules:
        own = set(key_text(rule["term"]).key.split())
        # A cue made only of the term itself (`ER+` for ER keys as " er ") would let every occurrence support itself.
        rule["cue_keys"] = tuple(
            key for key in (key_text(cue).key for cue in rule["cues"]) if not set(key.split()) <= own
        )
    by_term = {(rule["type"], rule["term"]): rule for rule in rules}
    stop = {
        (row["type"], stop_key(row["term"])): row["reason"]
        for row in load_tsv_lexicon("stoplist.tsv", ("term", "type", "reason"), rules_dir)
    }
    return by_term, stop


@cache
def stop_key(text: str) -> str:
    """How the stop list compares terms and norms: their match key (`Growth_factor` is `growth factor`)."""
    return key_text(text).key.strip()


@cache
def load_enumerations(rules_dir: Path | None = None) -> tuple[tuple[str, re.Pattern], ...]:
    """(rule id, compiled pattern) of the gene enumeration grammar (`CDK4/6` -> CDK4, CDK6)."""
    compiled = []
    for rule in load_jsonl_rules("gene_enumerations.jsonl", ("pattern",), rules_dir):
        try:
            pattern = re.compile(rule["pattern"])
        except re.error as err:
            raise RuleError(f"{rule['_where']}: rule {rule['id']!r} is not a valid regex ({err})") from err
        if "item" not in pattern.groupindex:
            raise RuleError(f"{rule['_where']}: pattern needs a group named item")
        compiled.append((rule["id"], pattern))
    return tuple(compiled)


@cache
def load_note_rules(rules_dir: Path | None = None) -> dict[tuple[str, str], dict]:
    """Note rules by (note, type); a rule without a type applies to every type ("")."""
    rules = {}
    for rule in load_jsonl_rules("note_rules.jsonl", ("note", "action"), rules_dir):
        if rule["action"] not in ("defined_only", "needs_cue"):
            raise RuleError(f"{rule['_where']}: action must be defined_only or needs_cue, not {rule['action']!r}")
        if rule["action"] == "needs_cue":
            rule["regex"] = re.compile(rule["pattern"], re.IGNORECASE)
        rules[(rule["note"], rule.get("type", ""))] = rule
    return rules


@cache
def load_definition_words(rules_dir: Path | None = None) -> tuple[tuple[str, re.Pattern], ...]:
    """(type, regex) pairs: long forms that read like a name of that type (rules/definitions.jsonl)."""
    return tuple(
        (rule["type"], re.compile(rule["pattern"]))
        for rule in load_jsonl_rules("definitions.jsonl", ("type", "pattern"), rules_dir)
    )


@cache
def load_sublines(rules_dir: Path | None = None) -> tuple[tuple[str, str, re.Pattern], ...]:
    """(rule id, position, compiled pattern) of the derived-subline grammar."""
    compiled = []
    for rule in load_jsonl_rules("cell_sublines.jsonl", ("position", "pattern"), rules_dir):
        if rule["position"] not in ("suffix", "prefix"):
            raise RuleError(f"{rule['_where']}: position must be suffix or prefix, not {rule['position']!r}")
        compiled.append((rule["id"], rule["position"], re.compile(rule["pattern"])))
    return tuple(compiled)


def doc_text(doc: Doc) -> str:
    """The doc's text, built once per doc (``Doc.text`` joins every token again on each access)."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def keyed(doc: Doc, text: str | None = None) -> KeyedText:
    """The doc's match key, computed once per doc and shared by every finder."""
    # Kept in user_data as plain lists, so a Doc still serializes (nlp.pipe with n_process > 1).
    stored = doc.user_data.get(KEYED_KEY)
    if stored is not None:
        return KeyedText(*stored)
    found = key_text(doc_text(doc) if text is None else text)
    doc.user_data[KEYED_KEY] = [found.key, *(list(part) for part in (found.piece_key_starts, found.piece_starts, found.piece_ends))]
    return found


def _concept_key(type_: str, norm: str) -> str:
    """user_data key of a norm's concept id (a string: msgpack turns tuple keys into unhashable lists)."""
    return f"{type_}\t{norm}"


class LexiconFinder:
    """Lexicon look-up (one walk of the doc's key for every finder), then the decisions a curator would make about each hit.

    A hit is kept when its written form fits the entry's case rule, the term is not stop-listed, one norm is
    best (by kind), and, for a short ambiguous term, the document supports it (context rules). A term that the
    document defines as an abbreviation follows its long form: every occurrence of `ADR` after `adriamycin (ADR)`
    is doxorubicin, and `BC` defined as breast cancer is no gene.
    """

    def __init__(self, finder: str, rules_dir: Path | None = None) -> None:
        self.finder = finder
        self.types = {type_ for _, type_ in LEXICON_FILES[finder]}
        self.lexicon = load_lexicon(finder, rules_dir)
        # Every finder's lexicon in one table, loaded with the first finder: the doc is walked once for them all.
        self.walk = load_walk_table(rules_dir)
        self.context, self.stop = load_context(rules_dir)
        self.note_rules = load_note_rules(rules_dir)
        self.definition_words = load_definition_words(rules_dir)
        self.sublines = load_sublines(rules_dir) if finder == "cell_line" else ()
        self.enumerations = load_enumerations(rules_dir) if finder == "gene" else ()

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        text_key = keyed(doc, text)
        definitions = self._definitions(doc)
        found: list[tuple[int, int, Entry, str]] = []
        urls = [m.span() for m in _URL.finditer(text)] if _MAY_HAVE_URL.search(text) else []
        in_protein_names: list[tuple[int, int]] = []
        # The drug finder sees every hit: one it cannot keep may still mark a protein name (`_PROTEIN_MODIFIER`).
        matches = lexicon_matches(doc, self.walk)
        for match in self.lexicon.find(text_key, None if "drug" in self.types else text, matches):
            written = text[match.start : match.end]
            if written in definitions and not self._name_like(definitions[written][0]):
                continue  # the document defines it as something else (`pancreatic cancer (PC)`) or resolves it below
            if _looks_like_author(text, match.start, match.end) or _inside(urls, match.start) or _crosses_a_boundary(written):
                continue
            if "drug" in self.types and _PROTEIN_MODIFIER.match(text, match.end):
                in_protein_names.append((match.start, match.end))
                continue
            if not match.lower_ok and written.islower():
                continue  # `of`, `was`, `impact`: every entry of the key is a symbol that only counts as written
            # A term with a context rule of its own (`MRP`) is decided by that rule, not by generic note flags.
            ruled = any((e.type, written) in self.context for e in match.entries)
            mid_sentence = (
                written.istitle()
                and not _starts_sentence(doc, text, match.start)
                and not _line_is(doc, _title_case_line, text, match.start)
            )
            short_letters = len(written) <= 8 and written.replace("-", "").isalpha()
            caps = short_letters and _line_is(doc, _all_caps_line, text, match.start)
            notes_at = None if ruled else (text, match.start, match.end)
            chosen = self._choose(match.entries, written, caps, mid_sentence, text_key, notes_at)
            if chosen is not None:
                found.append((match.start, match.end, chosen[0], chosen[1]))
        if in_protein_names:
            # `adenosine` in `adenosine monophosphate-activated protein kinase` goes with the longer name.
            found = [f for f in found if not any(s <= f[0] and f[1] <= e for s, e in in_protein_names)]
        for (short_start, short_end), (entry, rule) in self._defined_occurrences(doc, definitions).items():
            found.append((short_start, short_end, entry, rule))
        if self.sublines:
            found.extend(self._sublines(text, found))
        kept = _longest_per_type(found)
        if self.enumerations:
            kept = _longest_per_type(kept + self._enumerated(doc, text, kept, text_key))
        self._write(doc, kept)
        return doc

    def _name_like(self, long_form: str) -> bool:
        """Whether a long form that no lexicon resolves still reads like a name of this finder's types."""
        return any(regex.search(long_form) for type_, regex in self.definition_words if type_ in self.types)

    def _stopped(self, entry: Entry) -> bool:
        return (entry.type, stop_key(entry.term)) in self.stop or (entry.type, stop_key(entry.norm)) in self.stop

    def _notes_allow(self, entry: Entry, text: str, start: int, end: int) -> bool:
        """Whether the row's note flags let this occurrence count (see rules/note_rules.jsonl)."""
        for note in filter(None, entry.note.split(";")):
            rule = self.note_rules.get((note, entry.type)) or self.note_rules.get((note, ""))
            if rule is None:
                continue
            if rule["action"] == "defined_only":
                return False  # such a term only counts through the document's own definition
            window = rule["window"]
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", end)
            around = text[max(line_start, start - window) : start] + " " + text[end : min(end + window, line_end if line_end >= 0 else len(text))]
            if not rule["regex"].search(around):
                return False
        return True

    def _choose(
        self,
        entries: tuple[Entry, ...],
        written: str,
        all_caps_line: bool,
        title_mid_sentence: bool,
        text_key: KeyedText,
        notes_at: tuple[str, int, int] | None = None,
    ) -> tuple[Entry, str] | None:
        """The entry (and rule id) this occurrence stands for, or None. ``notes_at``: (text, start, end) of the
        occurrence when the entries' note rules apply to it (checked last: they read the text around it)."""
        cased = compact(written)
        fitting = [
            e for e in entries
            if (not e.exact_case or e.cased == cased or _case_variant_of_symbol(e, cased, title_mid_sentence))
            and not self._stopped(e)
        ]  # fmt: skip
        if notes_at is not None:
            fitting = [e for e in fitting if self._notes_allow(e, *notes_at)]
        if not fitting:
            return None
        if all_caps_line and len(cased) <= 6 and cased.isalpha():
            # `IMPACT OF MIR-21 ...`: in a line of capitals, case says nothing, whatever the document's cues say.
            return None
        rule = self.context.get((fitting[0].type, written))
        if rule is not None:
            if not any(cue in text_key.key for cue in rule["cue_keys"]):
                return None
            supported = [e for e in fitting if e.norm == rule["norm"]] or [_with_norm(fitting[0], rule["norm"])]
            return supported[0], rule["id"]
        if fitting[0].type == "gene" and len(cased) <= 2 and cased.isalpha() and fitting[0].kind != "extra":
            return None  # two capitals (`AC`, `TS`, `RB`) are too many things to be a gene without a context rule
        best_rank = min(_KIND_RANK.get(e.kind, len(_KIND_RANK)) for e in fitting)
        best = [e for e in fitting if _KIND_RANK.get(e.kind, len(_KIND_RANK)) == best_rank]
        if len({(e.type, e.norm) for e in best}) > 1:
            return None  # an ambiguous term: several genes share it
        return best[0], best[0].rule

    def _definitions(self, doc: Doc) -> dict[str, tuple[str, int, int]]:
        """Short forms the document defines, by written short form: (long form, start, end) of the definition."""
        definitions: dict[str, tuple[str, int, int]] = {}
        for short, _, _, long, long_start, long_end in doc._.mirmine_abbreviations:
            definitions.setdefault(short, (long, long_start, long_end))
        return definitions

    def _defined_occurrences(self, doc: Doc, definitions: dict) -> dict[tuple[int, int], tuple[Entry, str]]:
        """Every occurrence of a short form whose long form normalizes in this lexicon."""
        resolved: dict[str, Entry | None] = {}
        for short, (long, _, _) in definitions.items():
            # The document says what its abbreviation means: `adriamycin (ADR)` makes ADR doxorubicin, and
            # `pancreatic cancer (PC)` makes PC no gene here, whatever a lexicon lists for PC.
            candidates = [e for e in self.lexicon.lookup(long) if e.type in self.types and not self._stopped(e)]
            candidates.sort(key=lambda e: _KIND_RANK.get(e.kind, len(_KIND_RANK)))
            resolved[short] = candidates[0] if candidates else None
        occurrences = {}
        for short, start, end, *_ in doc._.mirmine_abbreviations:
            entry = resolved.get(short)
            if entry is not None:
                occurrences[(start, end)] = (entry, f"{entry.type}.abbreviation")
        return occurrences

    def _sublines(self, text: str, found: list[tuple[int, int, Entry, str]]) -> list[tuple[int, int, Entry, str]]:
        """Derived sublines around each parent line: `SKBR3/TR` -> SK-BR-3/TR, `DOXR-MCF-7` -> MCF-7/DOXR."""
        derived = []
        for start, end, entry, _ in found:
            for rule_id, position, pattern in self.sublines:
                if position == "suffix":
                    match = pattern.match(text, end)
                    span = (start, match.end()) if match else None
                else:
                    match = pattern.search(text, max(0, start - 12), start)
                    span = (match.start(), end) if match else None
                if match is None or self.lexicon.lookup(match.group("tag")):
                    continue  # `MCF-7/MDA-MB-231` names two lines, not a subline
                norm = f"{entry.norm}/{match.group('tag')}"
                derived.append((span[0], span[1], _with_norm(entry, norm, concept_id=""), rule_id))
        return derived

    def _enumerated(
        self, doc: Doc, text: str, found: list[tuple[int, int, Entry, str]], text_key: KeyedText
    ) -> list[tuple[int, int, Entry, str]]:
        """Genes a slash enumeration names after a symbol ending in a number: `CDK4/6` -> CDK6, `MMP-2/-9` -> MMP9."""
        items = []
        for start, end, entry, _ in found:
            written = text[start:end]
            number = _FINAL_NUMBER.search(written)
            if entry.type != "gene" or number is None:
                continue
            stem = written[: number.start()]
            for rule_id, pattern in self.enumerations:
                position = end
                while (match := pattern.match(text, position)) is not None:
                    form = stem + match.group("item")
                    # An alias is too weak a reading for a built form (`PCSK1/3` is one enzyme, not PCSK1 and FURIN).
                    entries = tuple(e for e in self.lexicon.lookup(form) if e.type == "gene" and e.kind not in WEAK_KINDS)
                    caps = bool(entries) and _line_is(doc, _all_caps_line, text, start)
                    chosen = self._choose(entries, form, caps, False, text_key) if entries else None
                    if chosen is None:
                        break  # `CDK4/99`: no such gene, and nothing after it continues the list
                    items.append((match.start("item"), match.end("item"), chosen[0], rule_id))
                    position = match.end()
        return items

    def _write(self, doc: Doc, found: list[tuple[int, int, Entry, str]]) -> None:
        concepts = doc.user_data.setdefault(CONCEPTS_KEY, {})
        for start, end, entry, rule in found:
            add_hit(doc, start, end, entry.type, entry.norm, rule)
            concepts.setdefault(_concept_key(entry.type, entry.norm), entry.concept_id)


_FINAL_NUMBER = re.compile(r"[0-9]+$")


def _with_norm(entry: Entry, norm: str, concept_id: str | None = None) -> Entry:
    return entry._replace(norm=norm, concept_id=entry.concept_id if concept_id is None else concept_id)


# An author's initials in a reference or byline: a capitalized surname, then one to three capitals and `,` or `.`
# (`Giaquinto AN,`, `Xu B.`, `Network NCC.`).
_INITIALS_BEFORE = re.compile(r"[A-Z][a-z'\u2019-]+ $")
_INITIALS_AFTER = re.compile(r"[,.]")
_URL = re.compile(r"(?:https?://|www\.)\S+|\bdoi\.org/\S+")
_MAY_HAVE_URL = re.compile(r"http|www\.|doi\.org")  # a plain scan, much faster than _URL on a text without any


_INITIALS_FOLLOW = re.compile(r" [A-Z]{1,3}[,.]")


def _looks_like_author(text: str, start: int, end: int) -> bool:
    """Author initials (`Giaquinto AN,`) or a surname before them (`Hartman-Frey C,`), not a gene or drug."""
    written = text[start:end]
    if len(written) <= 3 and written.isalpha() and written.isupper():
        return (
            _INITIALS_AFTER.match(text, end) is not None
            and _INITIALS_BEFORE.search(text, max(0, start - 30), start) is not None
        )
    return written.istitle() and _INITIALS_FOLLOW.match(text, end) is not None


def _case_variant_of_symbol(entry: Entry, cased: str, title_mid_sentence: bool) -> bool:
    """`Drosha` mid-sentence or `EpCAM` for an approved symbol of four letters or more: a protein in its own case.

    Title case at a sentence start (`Impact of ...`) and all lower case (`impact`) stay words. An alias in capitals
    written in mixed case is another word (`ChIP` the assay, not CHIP for STUB1; `NETs`, not NETS for SPINK5); an
    alias that has its own lower case may vary it (`Bcl-XL` for `bcl-xL`, `beta-Catenin` for `beta-catenin`).
    """
    if len(entry.cased) < 4 or cased.lower() != entry.cased.lower():
        return False
    if entry.kind == "symbol":
        if title_mid_sentence and cased == cased.capitalize():
            return True
    elif entry.kind not in ("alias", "previous", "text") or entry.cased.isupper():
        return False
    return any(char.isupper() for char in cased[1:]) and any(char.islower() for char in cased)


def _starts_sentence(doc: Doc, text: str, offset: int) -> bool:
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    if span is None or span[0].is_sent_start or span[0].i == 0:
        return True
    return _AFTER_HEADING.search(text, max(0, offset - 40), offset) is not None


# `RESULTS: Mice were ...`: a structured abstract's label starts a sentence that the splitter runs on into.
_AFTER_HEADING = re.compile(r"\b[A-Z]{3,}(?: [A-Z]{3,})*: *$")
# A drug's name as the first part of a protein or enzyme name (`AMP-activated protein kinase`, `leucine-rich repeat`,
# `S-adenosylmethionine-dependent methyltransferases`, `histone lysine-N-methyltransferase`, `thymidylate synthase`)
# names no drug; `cisplatin-resistant cells` and `doxorubicin increases` keep theirs.
_PROTEIN_MODIFIER = re.compile(
    r"-(?:dependent|activated|binding|rich|gated)[ -](?:[\w-]+ ){0,2}?"
    r"(?:proteins?|kinases?|\w+ases?|repeats?|domains?|receptors?|channels?|cassettes?|transporters?|fingers?|motifs?)\b"
    r"|[ -](?:[A-Za-z]-)?(?!(?:in|de)creases?\b|(?:re)?leases?\b|(?:pur)?chases?\b|(?:dis)?eases?\b|phases?\b"
    r"|cases?\b|bases?\b|ceases?\b|erases?\b)[a-z]+ases?\b",
    re.IGNORECASE,
)


def _crosses_a_boundary(written: str) -> bool:
    """A hit that runs over a sentence end (`HCs). A` keyed like the alias `hCS-A`) is no name.

    Brackets alone say nothing: `mammalian target of rapamycin (mTOR) inhibitor` gives `mTOR) inhibitor`.
    """
    return _SENTENCE_END.search(written) is not None


_SENTENCE_END = re.compile(r"[.;!?]\s+[A-Z]")


def _title_case_line(text: str, offset: int) -> bool:
    """Whether the line around ``offset`` is a Title Case title (`Metformin Slows Tumour Growth in Obese Mice`)."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    words = re.findall(r"[A-Za-z][a-z]{3,}", text[line_start : line_end if line_end >= 0 else len(text)])
    return len(words) >= 4 and sum(word[0].isupper() for word in words) / len(words) >= 0.7


def _line_is(doc: Doc, check: Callable[[str, int], bool], text: str, offset: int) -> bool:
    """``check`` of the line around ``offset``, once per line and document: each check reads the whole line (an
    abstract is one line of 1,700 characters), and every finder asks about the same lines."""
    answers = doc.user_data.setdefault(LINES_KEY, {})
    line_start = text.rfind("\n", 0, offset)
    key = f"{check.__name__}\t{line_start}"
    if key not in answers:
        answers[key] = check(text, offset)
    return answers[key]


def _inside(spans: list[tuple[int, int]], offset: int) -> bool:
    return any(start <= offset < end for start, end in spans)


def _all_caps_line(text: str, offset: int) -> bool:
    """Whether the line around ``offset`` is written in capitals (a title or heading in upper case)."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    letters, capitals = _letters_and_capitals(line)
    return letters >= 20 and capitals / letters > 0.6


_ASCII_LETTERS = string.ascii_letters.encode()
_ASCII_CAPITALS = string.ascii_uppercase.encode()
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def _letters_and_capitals(line: str) -> tuple[int, int]:
    """``sum(map(str.isalpha, line)), sum(map(str.isupper, line))``, counted in C: ASCII by deleting the letters
    from the bytes and measuring what went, the few other characters one by one (a line can be a whole abstract)."""
    ascii_bytes = line.encode("ascii", "ignore")
    others = _NOT_ASCII.findall(line) if len(ascii_bytes) < len(line) else []
    letters = len(ascii_bytes) - len(ascii_bytes.translate(None, _ASCII_LETTERS)) + sum(map(str.isalpha, others))
    capitals = len(ascii_bytes) - len(ascii_bytes.translate(None, _ASCII_CAPITALS)) + sum(map(str.isupper, others))
    return letters, capitals


def _longest_per_type(found: list[tuple[int, int, Entry, str]]) -> list[tuple[int, int, Entry, str]]:
    """Per type, the longest of overlapping hits (then the earliest, then the best kind)."""
    kept: list[tuple[int, int, Entry, str]] = []
    last_end: dict[str, int] = {}
    ordered = sorted(found, key=lambda f: (f[0], -(f[1] - f[0]), _KIND_RANK.get(f[2].kind, 99), f[2].norm))
    for start, end, entry, rule in ordered:
        if start >= last_end.get(entry.type, -1):
            kept.append((start, end, entry, rule))
            last_end[entry.type] = end
    return kept


@Language.factory("mirmine_model_entities", default_config={"model": "", "rules_dir": None})
def make_model_entities(nlp: Language, name: str, model: str, rules_dir: str | None) -> ModelEntities:
    return ModelEntities(model, Path(rules_dir) if rules_dir else None)


class ModelError(RuntimeError):
    """A --model pipeline that cannot be loaded or has no entity recognizer."""


# The finder whose lexicon normalizes a candidate of each type.
_FINDER_OF_TYPE = {"gene": "gene", "drug": "drug", "drug_class": "drug", "cell_line": "cell_line"}


class ModelEntities:
    """Entities of an installed spaCy NER model (a scispaCy one, say) as extra mention candidates.

    The model runs on the doc's text; each entity whose label rules/model_labels.jsonl maps to a type is looked up
    in that type's lexicon (or read by the miRNA grammar) and kept only if it normalizes, with rule `model.<LABEL>`.
    """

    def __init__(self, model: str, rules_dir: Path | None = None) -> None:
        import spacy

        try:
            self.model = spacy.load(model)
        except OSError as err:
            raise ModelError(
                f"model {model!r} cannot be loaded: install its package (pip install ...) or pass the path of a saved pipeline"
            ) from err
        if not self.model.has_pipe("ner"):
            raise ModelError(f"model {model!r} has no 'ner' component: its entities are what --model adds")
        rules = load_jsonl_rules("model_labels.jsonl", ("label", "type"), rules_dir)
        self.types = {rule["label"]: rule["type"] for rule in rules}
        self.rules_dir = rules_dir
        self.stop = load_context(rules_dir)[1]

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        concepts = doc.user_data.setdefault(CONCEPTS_KEY, {})
        for ent in self.model(text).ents:
            type_ = self.types.get(ent.label_)
            if type_ is None:
                continue
            for start, end, norm, concept_id, found_type in self._normalize(text, ent.start_char, ent.end_char, type_):
                add_hit(doc, start, end, found_type, norm, f"model.{ent.label_}")
                concepts.setdefault(_concept_key(found_type, norm), concept_id)
        return doc

    def _normalize(self, text: str, start: int, end: int, type_: str) -> list[tuple[int, int, str, str, str]]:
        if type_ == "mirna":
            return [
                (start + m.start, start + m.end, m.norm, mirna_concept_id(m.norm, self.rules_dir), "mirna")
                for m in mirna_grammar(self.rules_dir).find(text[start:end])
            ]
        entries = [
            e for e in load_lexicon(_FINDER_OF_TYPE[type_], self.rules_dir).lookup(text[start:end])
            if (e.type, stop_key(e.term)) not in self.stop and (e.type, stop_key(e.norm)) not in self.stop
        ]  # fmt: skip
        if not entries:
            return []
        best = min(entries, key=lambda e: _KIND_RANK.get(e.kind, len(_KIND_RANK)))
        return [(start, end, best.norm, best.concept_id, best.type)]


def mentions_from_doc(doc: Doc, document: Document, sentence_starts: list[int] | None = None) -> list[Mention]:
    """Convert the doc's hits into mention records, ordered by offset, with overlaps between types resolved.

    A span that several finders claim goes to the first type of TYPE_PRIORITY. A mention inside a longer mention of
    another type is part of that name (`TR` in `SKBR3/TR`, `epidermal growth factor` in `epidermal growth factor
    receptor`), except a gene inside a drug class: `CDK4/6 inhibitor` names CDK4 and CDK6. ``sentence_starts``:
    the character offset of each sentence, when the caller has them already.
    """
    # One mention per (span, type, norm); when a rule and a --model candidate agree, the rule names it.
    by_mention: dict[tuple[int, int, str, str], str] = {}
    for start, end, label, norm, rule in sorted(hits_of(doc), key=_rule_order):
        by_mention.setdefault((start, end, label, norm), rule)
    spans = sorted(
        ((*key, rule) for key, rule in by_mention.items()),
        key=lambda s: (s[0], s[1], TYPE_PRIORITY.index(s[2]), s[3]),
    )
    claimed: dict[tuple[int, int], str] = {}
    for start, end, label, _, _ in spans:
        claimed.setdefault((start, end), label)
    by_extent = [(start, end, label) for start, end, label, _, _ in spans]
    extent_starts = [start for start, _, _ in by_extent]
    longest = max((end - start for start, end, _ in by_extent), default=0)
    concepts = doc.user_data.get(CONCEPTS_KEY, {})
    if sentence_starts is None:
        sentence_starts = [sent.start_char for sent in doc.sents]
    mentions: list[Mention] = []
    for start, end, label, norm, rule in spans:
        if claimed[(start, end)] != label:
            continue
        if _inside_another(by_extent, extent_starts, longest, start, end, label):
            continue  # part of a longer name of another type
        section = document.section_at(start)
        mentions.append(
            Mention(
                doc_id=document.doc_id,
                section=section.label if section else "other",
                sentence_id=_index_at(sentence_starts, start),
                start=start,
                end=end,
                text=document.text[start:end],
                type=label,
                norm=norm,
                concept_id=concepts.get(_concept_key(label, norm), ""),
                rule=rule,
            )
        )
    return mentions


def _inside_another(
    by_extent: list[tuple[int, int, str]], extent_starts: list[int], longest: int, start: int, end: int, label: str
) -> bool:
    """Whether the mention lies inside a longer span of another type (a gene inside a drug class counts as its own).

    Spans are sorted by start: one that holds the mention starts at or before it, and no earlier than the longest
    span's length before its end, so only that stretch of the list is read (reading all of it was quadratic).
    """
    index = bisect_right(extent_starts, start) - 1
    while index >= 0 and extent_starts[index] >= end - longest:
        other_start, other_end, other = by_extent[index]
        index -= 1
        if end <= other_end and (other_start, other_end) != (start, end) and other != label:
            if not (label == "gene" and other == "drug_class"):
                return True
    return False


def _rule_order(hit: list) -> tuple[bool, str]:
    """Rules before --model candidates, then by rule id."""
    rule = hit[4]
    return rule.startswith("model."), rule


def _index_at(starts: list[int], offset: int) -> int:
    """Index of the last start at or before ``offset`` (starts are sorted)."""
    return max(bisect_right(starts, offset) - 1, 0)
