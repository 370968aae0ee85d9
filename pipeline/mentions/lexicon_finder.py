"""The lexicon finders (genes, drugs and drug classes, cell lines): one walk of the doc's key for all three, then the
decisions a curator would make about each hit. See rules/README.md, "How a lexicon hit becomes a mention"."""

from __future__ import annotations

import re
from functools import cached_property, lru_cache

from spacy.tokens import Doc

from pipeline.normalize import Entry, KeyedText, compact, phrase_key
from pipeline.ruleset import CodeNameRule, EnumerationRule, GlueRule, RuleSet, SublineRule

from .hits import CONCEPTS_KEY, add_hit, concept_key, doc_text, keyed, lexicon_matches
from .lexicons import (
    LEXICON_FILES,
    NoteCue,
    load_context,
    load_definition_words,
    load_lexicon,
    load_note_rules,
    load_walk_table,
    stop_key,
)
from .text_checks import (
    FINAL_NUMBER,
    KIND_RANK,
    PROTEIN_MODIFIER,
    SALT_SUFFIX,
    all_caps_line,
    an_ion,
    crosses_a_boundary,
    fits_case,
    in_a_name,
    inside,
    line_is,
    longest_per_type,
    looks_like_author,
    starts_sentence,
    title_case_line,
    url_spans,
    with_norm,
)

# Kinds that are weak evidence on their own: a document that defines the term as something else overrules them.
WEAK_KINDS = frozenset({"alias", "previous", "synonym", "brand"})
# How many answers about written forms and long forms each finder keeps (a corpus repeats the same few thousand).
FORM_CACHE = 1 << 14


def _gene_over_its_family(best: list[Entry]) -> list[Entry] | None:
    """Of a term that one FamPlex family and one gene share at the same rank (`IFN-beta`: family IFNB and IFNB1;
    `p70S6 kinase`, `Abl`, `ARF`), the gene: FamPlex grounds such a text to the member it usually names. None when
    the tie is of another kind (two genes share an alias: `CD25`)."""
    norms = {(e.norm, e.concept_id.split(":", 1)[0]) for e in best}
    if len(norms) != 2 or {source for _, source in norms} != {"FPLX", "HGNC"}:
        return None
    return [e for e in best if e.concept_id.startswith("HGNC:")]


def _compiled(pattern: str) -> re.Pattern | None:
    """An optional pattern of a rule, compiled (None when the rule has none)."""
    return re.compile(pattern) if pattern else None


def _around(text: str, start: int, end: int, window: int) -> tuple[str, str]:
    """The text within ``window`` characters before and after a span, on the span's line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before = text[max(line_start, start - window) : start]
    after = text[end : min(end + window, line_end if line_end >= 0 else len(text))]
    return before, after


def _closing_bracket(text: str, start: int, end: int) -> int:
    """The end of a hit, past the bracket that closes one the hit opened (`5-HT(2C)`, `NAD(P)H`): a match key holds
    no brackets, so a key match ends at the last letter or digit."""
    if text[end : end + 1] == ")" and text.count("(", start, end) > text.count(")", start, end):
        return end + 1
    return end


class _NamedGenes:
    """The norms of the genes a document names in full (`fumarate hydratase`), whose two-letter symbol (`FH`) then
    needs no context rule; worked out from the doc's lexicon matches only when a two-letter symbol asks."""

    def __init__(self, matches: list) -> None:
        self.matches = matches

    @cached_property
    def norms(self) -> frozenset[str]:
        return frozenset(e.norm for match in self.matches for e in match.entries if e.kind == "name")


class LexiconFinder:
    """Lexicon look-up (one walk of the doc's key for every finder), then the decisions a curator would make about each hit.

    A hit is kept when its written form fits the entry's case rule, the term is not stop-listed, one norm is
    best (by kind), and, for a short ambiguous term, the document supports it (context rules). A term that the
    document defines as an abbreviation follows its long form: every occurrence of `ADR` after `adriamycin (ADR)`
    is doxorubicin, and `BC` defined as breast cancer is no gene.
    """

    def __init__(self, finder: str, rules: RuleSet) -> None:
        self.finder = finder
        self.rules = rules
        self.types = {type_ for _, type_ in LEXICON_FILES[finder]}
        self.lexicon = load_lexicon(finder, rules)
        # Every finder's lexicon in one table, loaded with the first finder: the doc is walked once for them all.
        self.walk = load_walk_table(rules)
        self.context, self.stop = load_context(rules)
        self.note_rules = load_note_rules(rules)
        self.document_flags = frozenset(
            flag for (flag, type_), cue in self.note_rules.items()
            if cue.rule.scope == "document" and type_ in self.types | {""}
        )  # fmt: skip
        self.definition_words = load_definition_words(rules)
        self.abbreviation_rules = {type_: rules.lexicon_rule(type_, "abbreviation").id for type_ in self.types}
        self.sublines = (
            tuple(
                (rule.id, rule.position, re.compile(rule.pattern), _compiled(rule.requires))
                for rule in rules.rules(SublineRule)
            )
            if finder == "cell_line" else ()
        )  # fmt: skip
        self.enumerations = (
            tuple((rule.id, re.compile(rule.pattern)) for rule in rules.rules(EnumerationRule)) if finder == "gene" else ()
        )
        self.code_names = (
            tuple(
                (rule.id, re.compile(rule.pattern), _compiled(rule.exclude), re.compile(rule.cue), rule.window)
                for rule in rules.rules(CodeNameRule)
            )
            if finder == "drug" else ()
        )  # fmt: skip
        self.glued = (
            tuple(
                (rule.id, re.compile(rule.pattern), _compiled(rule.requires))
                for rule in rules.rules(GlueRule)
            )
            if finder == "gene" else ()
        )  # fmt: skip
        # Pure answers about a written form or a long form under this finder's rules, asked again for each of its
        # occurrences in every document: kept on the finder, which belongs to one rule set.
        self._name_like = lru_cache(maxsize=FORM_CACHE)(self._name_like)  # type: ignore[method-assign]
        self._fitting = lru_cache(maxsize=FORM_CACHE)(self._fitting)  # type: ignore[method-assign]
        self._long_form_entries = lru_cache(maxsize=FORM_CACHE)(self._long_form_entries)  # type: ignore[method-assign]

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        text_key = keyed(doc, text)
        definitions = self._definitions(doc)
        found = self._lexicon_hits(doc, text, text_key, definitions)
        for (short_start, short_end), (entry, rule) in self._defined_occurrences(doc, definitions, found).items():
            found.append((short_start, short_end, entry, rule))
        if self.sublines:
            found.extend(self._sublines(text, found))
            found.extend(self._glued_sublines(text))
        if self.glued:
            found.extend(self._glued_symbols(text, definitions))
        if self.code_names:
            found.extend(self._code_names(text, found))
        kept = longest_per_type(found)
        if self.enumerations:
            kept = longest_per_type(kept + self._enumerated(doc, text, kept, text_key))
        self._write(doc, kept)
        return doc

    def _lexicon_hits(
        self, doc: Doc, text: str, text_key: KeyedText, definitions: dict[str, tuple[str, int, int]]
    ) -> list[tuple[int, int, Entry, str]]:
        """(start, end, entry, rule id) of every lexicon hit this finder keeps, before definitions and derived forms."""
        found: list[tuple[int, int, Entry, str]] = []
        urls = url_spans(doc, text)
        in_protein_names: list[tuple[int, int]] = []
        # The drug finder sees every hit: one it cannot keep may still mark a protein name (`PROTEIN_MODIFIER`).
        matches = self.lexicon.find(text_key, None if "drug" in self.types else text, lexicon_matches(doc, self.walk))
        supported = self._document_support(text, matches)
        named = _NamedGenes(matches)
        # The drug finder reads a stop-listed hit too: it may still mark a protein name (`PROTEIN_MODIFIER`).
        skip_stopped = "drug" not in self.types
        # Short forms the document defines as something that reads like no name of this finder's types.
        foreign = {short for short, (long, _, _) in definitions.items() if not self._name_like(long)}
        for match in matches:
            if skip_stopped and all(map(self._stopped, match.entries)):
                continue  # `cancer`, `tumor`: every entry stop-listed, so `_choose` would refuse it after every check
            written = text[match.start : match.end]
            if written in foreign:
                continue  # the document defines it as something else (`pancreatic cancer (PC)`) or resolves it below
            if looks_like_author(text, match.start, match.end) or inside(urls, match.start) or crosses_a_boundary(written):
                continue
            if an_ion(text, match.start, match.end):
                continue
            if "drug" in self.types and PROTEIN_MODIFIER.match(text, match.end):
                in_protein_names.append((match.start, match.end))
                continue
            if not match.lower_ok and written.islower():
                continue  # `of`, `was`, `impact`: every entry of the key is a symbol that only counts as written
            if "cell_line" in self.types and written.islower() and sum(map(str.isalpha, written)) <= 3:
                continue  # `mg.kg-1`, `min-1`: a unit, not the line KG-1 (a longer name may drop its capitals: `skbr3`)
            # A term with a context rule of its own (`MRP`) is decided by that rule, not by generic note flags.
            ruled = any((e.type, written) in self.context for e in match.entries)
            mid_sentence = (
                written.istitle()
                and not starts_sentence(doc, text, match.start)
                and not line_is(doc, title_case_line, text, match.start)
                and not (len(written) == 3 and in_a_name(text, match.start, match.end))
            )
            short_letters = len(written) <= 8 and written.replace("-", "").isalpha()
            caps = short_letters and line_is(doc, all_caps_line, text, match.start)
            notes_at = None if ruled else (text, match.start, match.end, supported)
            chosen = self._choose(match.entries, written, caps, mid_sentence, text_key, notes_at, named)
            if chosen is not None:
                found.append((match.start, _closing_bracket(text, match.start, match.end), chosen[0], chosen[1]))
        if in_protein_names:
            # `adenosine` in `adenosine monophosphate-activated protein kinase` goes with the longer name.
            found = [f for f in found if not any(s <= f[0] and f[1] <= e for s, e in in_protein_names)]
        return found

    def _name_like(self, long_form: str) -> bool:
        """Whether a long form that no lexicon resolves still reads like a name of this finder's types."""
        return any(regex.search(long_form) for type_, regex in self.definition_words if type_ in self.types)

    def _stopped(self, entry: Entry) -> bool:
        return (entry.type, stop_key(entry.term)) in self.stop or (entry.type, stop_key(entry.norm)) in self.stop

    def _notes_allow(
        self, entry: Entry, text: str, start: int, end: int, supported: frozenset[str] = frozenset()
    ) -> bool:
        """Whether the row's note flags let this occurrence count (see rules/note_rules.jsonl); ``supported``: the
        norms that a cue elsewhere in the document supports for a rule of document scope."""
        for note in filter(None, entry.note.split(";")):
            found = self.note_rules.get((note, entry.type)) or self.note_rules.get((note, ""))
            if found is None:
                continue
            if found.rule.action == "defined_only":
                return False  # such a term only counts through the document's own definition
            if found.rule.scope == "document" and entry.norm in supported:
                continue
            if not self._cue_near(found, text, start, end):
                return False
        return True

    @staticmethod
    def _cue_near(cue: NoteCue, text: str, start: int, end: int) -> bool:
        """Whether a needs_cue rule's cue stands by the occurrence, in its window and on the same line."""
        before, after = _around(text, start, end, cue.rule.window)
        return bool(
            (cue.either is not None and cue.either.search(before + " " + after))
            or (cue.after is not None and cue.after.match(after))
            or (cue.before is not None and cue.before.search(before))
        )

    def _document_support(self, text: str, matches: list) -> frozenset[str]:
        """Norms of entries under a note rule of document scope that one of their occurrences supports with its cue."""
        if not self.document_flags:
            return frozenset()
        supported = set()
        for match in matches:
            for entry in match.entries:
                if entry.note and entry.type in self.types and self.document_flags.intersection(entry.note.split(";")):
                    if self._notes_allow(entry, text, match.start, match.end):
                        supported.add(entry.norm)
        return frozenset(supported)

    def _choose(
        self,
        entries: tuple[Entry, ...],
        written: str,
        all_caps_line: bool,
        title_mid_sentence: bool,
        text_key: KeyedText,
        notes_at: tuple[str, int, int, frozenset[str]] | None = None,
        named: _NamedGenes | None = None,
    ) -> tuple[Entry, str] | None:
        """The entry (and rule id) this occurrence stands for, or None. ``notes_at``: (text, start, end, supported)
        of the occurrence when the entries' note rules apply to it (checked last: they read the text around it);
        ``named``: the norms of the genes the document names in full."""
        cased, fitting = self._fitting(entries, written, title_mid_sentence)
        if notes_at is not None:
            fitting = [e for e in fitting if self._notes_allow(e, *notes_at)]
        if not fitting:
            return None
        if all_caps_line and len(cased) <= 6 and cased.isalpha():
            # `IMPACT OF MIR-21 ...`: in a line of capitals, case says nothing, whatever the document's cues say.
            return None
        rule = self.context.get((fitting[0].type, written))
        if rule is not None:
            if not any(cue in text_key.key for cue in rule.cue_keys):
                return None
            supported = [e for e in fitting if e.norm == rule.norm] or [with_norm(fitting[0], rule.norm)]
            return supported[0], rule.id
        if fitting[0].type == "gene" and len(cased) <= 2 and cased.isalpha() and fitting[0].kind != "extra":
            # Two capitals (`AC`, `TS`, `RB`) are too many things to be a gene without a context rule, unless
            # they are the symbol of a gene the document names in full (`fumarate hydratase` ... `FH`).
            fitting = [e for e in fitting if e.kind == "symbol" and named is not None and e.norm in named.norms]
            if not fitting:
                return None
        best_rank = min(KIND_RANK.get(e.kind, len(KIND_RANK)) for e in fitting)
        best = [e for e in fitting if KIND_RANK.get(e.kind, len(KIND_RANK)) == best_rank]
        if len({(e.type, e.norm) for e in best}) > 1:
            best = _gene_over_its_family(best)
            if best is None:
                return None  # an ambiguous term: several genes share it
        return best[0], best[0].rule

    def _fitting(self, entries: tuple[Entry, ...], written: str, title_mid_sentence: bool) -> tuple[str, tuple[Entry, ...]]:
        """The written form's case key, and the entries whose case rule it fits that no stop list holds."""
        cased = compact(written)
        return cased, tuple(e for e in entries if fits_case(e, cased, title_mid_sentence) and not self._stopped(e))

    def _definitions(self, doc: Doc) -> dict[str, tuple[str, int, int]]:
        """Short forms the document defines, by written short form: (long form, start, end) of the definition."""
        definitions: dict[str, tuple[str, int, int]] = {}
        for short, _, _, long, long_start, long_end in doc._.mirmine_abbreviations:
            definitions.setdefault(short, (long, long_start, long_end))
        return definitions

    def _defined_occurrences(
        self, doc: Doc, definitions: dict, found: list[tuple[int, int, Entry, str]]
    ) -> dict[tuple[int, int], tuple[Entry, str]]:
        """Every occurrence of a short form whose long form normalizes in this lexicon, or ends with a name this
        finder kept (``found``: its lexicon hits)."""
        resolved: dict[str, Entry | None] = {}
        text = doc_text(doc)
        for short, (long, long_start, long_end) in definitions.items():
            # The document says what its abbreviation means: `adriamycin (ADR)` makes ADR doxorubicin, and
            # `pancreatic cancer (PC)` makes PC no gene here, whatever a lexicon lists for PC.
            # Sorted into a new list: the long form's entries are remembered and shared.
            candidates = sorted(self._long_form_entries(long), key=lambda e: KIND_RANK.get(e.kind, len(KIND_RANK)))
            resolved[short] = candidates[0] if candidates else self._name_at_end(text, short, long_start, long_end, found)
        occurrences = {}
        for short, start, end, *_ in doc._.mirmine_abbreviations:
            entry = resolved.get(short)
            if entry is not None:
                occurrences[(start, end)] = (entry, self.abbreviation_rules[entry.type])
        return occurrences

    def _name_at_end(
        self, text: str, short: str, long_start: int, long_end: int, found: list[tuple[int, int, Entry, str]]
    ) -> Entry | None:
        """The name a long form that no lexicon holds ends with: the longest hit of ``found`` that ends where the long
        form ends and starts at or before it (`combined oral [contraceptives] (COCs)`) or inside it with the short
        form's first letter (`conversion of patients from cyclosporine (CsA)`, whose letters the detector matched
        across the clause). Not a name whose first letter is not the short form's (`cisplatin plus 5-fluorouracil
        (CF)` joins two drugs), nor one that a short form of this finder's own terms contradicts (`PH domain
        leucine-rich repeat protein phosphatase 2 (PHLPP2)` ends with the family `protein phosphatase 2`; PHLPP2
        stays the gene its symbol names)."""
        first = short[:1].lower()
        ends_here = [
            (start, entry) for start, end, entry, _ in found
            if end == long_end and start < long_end and (start <= long_start or text[start].lower() == first)
        ]  # fmt: skip
        if not ends_here:
            return None
        entry = min(ends_here, key=lambda hit: hit[0])[1]
        own = {e.norm for e in self.lexicon.lookup(short) if e.type in self.types}
        return entry if not own or entry.norm in own else None

    def _long_form_entries(self, long: str) -> list[Entry]:
        """This finder's entries of a long form, or of the drug named before its salt (`otilonium bromide (OB)`)."""
        entries = [e for e in self.lexicon.lookup(long) if e.type in self.types and not self._stopped(e)]
        salt = SALT_SUFFIX.search(long) if not entries and "drug" in self.types else None
        if salt is not None:
            entries = [e for e in self.lexicon.lookup(long[: salt.start()]) if e.type == "drug" and not self._stopped(e)]
        return entries

    def _sublines(self, text: str, found: list[tuple[int, int, Entry, str]]) -> list[tuple[int, int, Entry, str]]:
        """Derived sublines around each parent line: `SKBR3/TR` -> SK-BR-3/TR, `DOXR-MCF-7` -> MCF-7/DOXR."""
        derived = []
        for start, end, entry, _ in found:
            for rule_id, position, pattern, _ in self.sublines:
                if position == "glued":
                    continue  # `_glued_sublines`
                if position == "suffix":
                    match = pattern.match(text, end)
                    span = (start, match.end()) if match else None
                else:
                    match = pattern.search(text, max(0, start - 12), start)
                    span = (match.start(), end) if match else None
                if match is None or self._names_something(match.group("tag")):
                    continue  # `MCF-7/MDA-MB-231` names two lines, `A549-EGFR` a line and a gene: no subline
                norm = f"{entry.norm}/{match.group('tag')}"
                derived.append((span[0], span[1], with_norm(entry, norm, concept_id=""), rule_id))
        return derived

    def _glued_sublines(self, text: str) -> list[tuple[int, int, Entry, str]]:
        """Sublines written in one word with their parent (`HepG2ADM` -> Hep G2/ADM): the parent must be a hand-kept
        line that its note flags let count here, and neither the word nor the tag a cell line (`U87MG`, `HEK293T`).
        A gene symbol as the tag is read as the tag (`ADM`): a gene is not glued to a line's name."""
        derived = []
        for rule_id, position, pattern, requires in self.sublines:
            if position != "glued" or (requires is not None and not requires.search(text)):
                continue
            for match in pattern.finditer(text):
                if self.lexicon.lookup(match.group()) or self.lexicon.lookup(match.group("tag")):
                    continue
                parents = [
                    e for e in self.lexicon.lookup(match.group("parent"))
                    if e.kind == "extra" and self._notes_allow(e, text, match.start(), match.end())
                ]  # fmt: skip
                if parents:
                    norm = f"{parents[0].norm}/{match.group('tag')}"
                    derived.append((match.start(), match.end(), with_norm(parents[0], norm, concept_id=""), rule_id))
        return derived

    def _names_something(self, tag: str) -> bool:
        """Whether a subline's tag is itself a cell line or the approved symbol of a gene."""
        genes = load_lexicon("gene", self.rules).lookup(tag)
        return bool(self.lexicon.lookup(tag)) or any(e.kind == "symbol" and e.term == tag for e in genes)

    def _glued_symbols(self, text: str, definitions: dict) -> list[tuple[int, int, Entry, str]]:
        """Words made of an approved gene symbol and a glued mark (`hPER2`, `FLNBv4`; rules/gene_glued.jsonl): the
        symbol as written must be the approved one, the word no lexicon term and nothing the document defines."""
        derived = []
        for rule_id, pattern, requires in self.glued:
            if requires is not None and not requires.search(text):
                continue
            for match in pattern.finditer(text):
                word, symbol = match.group(), compact(match.group("symbol"))
                if word in definitions or len(symbol) < 3 or self.lexicon.lookup(word):
                    continue
                entries = [
                    e for e in self.lexicon.lookup(symbol)
                    if e.type == "gene" and e.kind == "symbol" and compact(e.term) == symbol and not self._stopped(e)
                ]  # fmt: skip
                if len({e.norm for e in entries}) == 1:
                    derived.append((match.start(), match.end(), entries[0], rule_id))
        return derived

    def _code_names(self, text: str, found: list[tuple[int, int, Entry, str]]) -> list[tuple[int, int, Entry, str]]:
        """Research compounds by their code name (`SD-208`, `CB 3717`; rules/drug_codes.jsonl): a code that no lexicon
        lists and no hit covers, with a drug cue by one of its occurrences; then every occurrence counts."""
        derived = []
        taken = [(start, end) for start, end, *_ in found]
        for rule_id, pattern, exclude, cue, window in self.code_names:
            spans: dict[str, list[tuple[int, int]]] = {}
            for match in pattern.finditer(text):
                start, end = match.span("code")
                if exclude is not None and exclude.match(text, start, end):
                    continue  # an identifier (`GSE12345`, `RTOG 9704`)
                if any(start < other_end and other_start < end for other_start, other_end in taken):
                    continue
                spans.setdefault(phrase_key(match.group("code")), []).append((start, end))
            for key, occurrences in spans.items():
                cued = [span for span in occurrences if cue.search(" ".join(_around(text, *span, window)))]
                if not cued or self._listed_anywhere(text[occurrences[0][0] : occurrences[0][1]]):
                    continue
                code = text[cued[0][0] : cued[0][1]]
                entry = Entry("drug", code, code, "", "code", rule_id, True, code)
                derived.extend((start, end, entry, rule_id) for start, end in occurrences)
        return derived

    def _listed_anywhere(self, word: str) -> bool:
        """Whether a lexicon of any finder lists the word (a cell line `SW 480`, a gene `GPR120`, a drug it rejected)."""
        return any(load_lexicon(finder, self.rules).lookup(word) for finder in LEXICON_FILES)

    def _enumerated(
        self, doc: Doc, text: str, found: list[tuple[int, int, Entry, str]], text_key: KeyedText
    ) -> list[tuple[int, int, Entry, str]]:
        """Genes a slash enumeration names after a symbol ending in a number: `CDK4/6` -> CDK6, `MMP-2/-9` -> MMP9."""
        items = []
        for start, end, entry, _ in found:
            written = text[start:end]
            number = FINAL_NUMBER.search(written)
            if entry.type != "gene" or number is None or " " in written:
                continue  # a name's own slash is its wording (`subtilisin/kexin type 1/3` is PC1/3, one enzyme)
            stem = written[: number.start()]
            for rule_id, pattern in self.enumerations:
                position = end
                while (match := pattern.match(text, position)) is not None:
                    form = stem + match.group("item")
                    # An alias is too weak a reading for a built form (`PCSK1/3` is one enzyme, not PCSK1 and FURIN).
                    entries = tuple(e for e in self.lexicon.lookup(form) if e.type == "gene" and e.kind not in WEAK_KINDS)
                    caps = bool(entries) and line_is(doc, all_caps_line, text, start)
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
            concepts.setdefault(concept_key(entry.type, entry.norm), entry.concept_id)
