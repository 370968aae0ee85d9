"""What the relation stage reads from a rule set, compiled once: the cues (``CueSet``) and the rules that make a
relation's rule id and confidence (rules/relation_rules.jsonl)."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache, lru_cache
from typing import NamedTuple

import ahocorasick

from pipeline.ruleset import (
    ANCHORED_ROLES,
    DECIDING_ROLES,
    ID_JOINER,
    CueRule,
    RelationRule,
    RuleError,
    RuleSet,
    necessary_substrings,
)

_ESCAPE = re.compile(r"\\.")
# How many answers of each anchored-cue question are kept (a few sentences' worth).
ANCHORED_CACHE = 4096
_UPPER_LETTER = re.compile(r"[A-Z]")
# Names, slashes and coordination that continue a chain of genes (`PI3K/AKT/mTOR`, `ERK1/2`, `AKT and ERK`).
_CHAIN = re.compile(r"(?:[\s/,\-]|§|\band\b|\bor\b|\d)*")


class Cue(NamedTuple):
    """A cue found in a sentence: its span in the masked sentence, its role and its rule id."""

    start: int
    end: int
    role: str
    id: str


class Passive(NamedTuple):
    """A passive about a mention: the role of its verb (``raise``, ``regulate`` or ``repress``), its rule id, where
    the verb starts and the passive ends, and whether it has its `is/was` (`PTEN was reduced`, not `PTEN decreased`)."""

    role: str
    id: str
    start: int
    end: int
    auxiliary: bool


class CueSet:
    """The relation cues, compiled once: searched roles as (id, regex), anchored roles as compiled regexes.

    Most cues are absent from most sentences: a searched rule runs only on a sentence that holds one of the
    substrings every match of it needs (``prefilter=False`` runs every rule, to test that the filter loses nothing).
    """

    def __init__(self, rules: tuple[CueRule, ...], prefilter: bool = True) -> None:
        self.searched: list[tuple[str, str, re.Pattern, tuple[str, ...] | None]] = []
        self.anchored: dict[str, list[tuple[str, re.Pattern]]] = defaultdict(list)
        # The gene as the subject of a passive: (rule id, pattern with a group `verb`, the verbs that raise the gene,
        # those that change it either way).
        self.passive: list[tuple[str, re.Pattern, re.Pattern, re.Pattern | None]] = []
        for rule in rules:
            # The masked sentence is lower case: a pattern written in lower case needs no IGNORECASE, which
            # makes Python's regex engine about 30 % slower (measured on 8,000 sentences).
            regex = rule.compiled(rule.pattern, re.IGNORECASE if _UPPER_LETTER.search(_ESCAPE.sub("", rule.pattern)) else 0)
            if rule.role == "gene_passive":
                changing = rule.compiled(rule.changing) if rule.changing else None
                self.passive.append((rule.id, regex, rule.compiled(rule.raising), changing))
            elif rule.role in ANCHORED_ROLES:
                self.anchored[rule.role].append((rule.id, regex))
            else:
                needs = necessary_substrings(rule.pattern) if prefilter else None
                self.searched.append((rule.role, rule.id, regex, needs))
        self.always = frozenset(index for index, (*_, needs) in enumerate(self.searched) if needs is None)
        # The anchored cues are asked about the same mention once per partner or per miRNA of its sentence: each
        # answer is kept for the sentences at hand (a sentence's masked text, its hash computed once, is the key).
        self.before = lru_cache(maxsize=ANCHORED_CACHE)(self._before)  # type: ignore[method-assign]
        self.after = lru_cache(maxsize=ANCHORED_CACHE)(self._after)  # type: ignore[method-assign]
        self.after_match = lru_cache(maxsize=ANCHORED_CACHE)(self._after_match)  # type: ignore[method-assign]
        self.passive_after = lru_cache(maxsize=ANCHORED_CACHE)(self._passive_after)  # type: ignore[method-assign]
        # The texts stripped (a cue's words, the gap between a cue and a gene) are short and the same again and again.
        self.strip = lru_cache(maxsize=ANCHORED_CACHE)(self.strip)  # type: ignore[method-assign]
        # One automaton of every needed substring, whose value is the rules that need it: one pass over a sentence
        # tells which rules may match (117 `in` tests a sentence before).
        self.needs = ahocorasick.Automaton()
        for index, (*_, needs) in enumerate(self.searched):
            for need in needs or ():
                self.needs.add_word(need, (*self.needs.get(need, ()), index))
        if len(self.needs):
            self.needs.make_automaton()

    def find(self, masked: str) -> list[Cue]:
        """Every cue, in order; a cue inside a longer cue (`regulates` in `negatively regulates`) is dropped."""
        candidates = set(self.always)
        if len(self.needs):
            for _, indexes in self.needs.iter(masked):
                candidates.update(indexes)
        # (start, -end, rule index) tuples sort as the cues sorted stably by (start, -end) in rule order; a Cue is
        # built for the kept ones alone.
        searched = self.searched
        spans = [(match.start(), -match.end(), index) for index in candidates for match in searched[index][2].finditer(masked)]
        spans.sort()
        kept, max_end = [], -1
        for start, minus_end, index in spans:
            end = -minus_end
            # Sorted by start, longest first: only a cue before this one can contain it, and then its end is past.
            if max_end < end or not any(
                other_start <= start and end <= -other_minus_end and -other_minus_end - other_start > end - start
                for other_start, other_minus_end, _ in spans
            ):
                role, cue_id, _, _ = self.searched[index]
                kept.append(Cue(start, end, role, cue_id))
            max_end = max(max_end, end)
        return kept

    def _before(self, role: str, masked: str, position: int) -> str | None:
        """Id of an anchored cue of ``role`` that ends right at ``position``."""
        window = masked[max(0, position - 60) : position]
        return next((cue_id for cue_id, regex in self.anchored[role] if regex.search(window)), None)

    def _after(self, role: str, masked: str, position: int) -> str | None:
        """Id of an anchored cue of ``role`` that starts right at ``position``."""
        window = masked[position : position + 80]
        return next((cue_id for cue_id, regex in self.anchored[role] if regex.match(window)), None)

    def _after_match(self, role: str, masked: str, position: int) -> tuple[str, re.Match] | None:
        """(id, match) of an anchored cue of ``role`` that starts right at ``position``."""
        window = masked[position : position + 120]
        for cue_id, regex in self.anchored[role]:
            found = regex.match(window)
            if found:
                return cue_id, found
        return None

    def activity_after(self, masked: str, position: int) -> str | None:
        """Id of a pathway, activity or phosphorylation word right after a mention (`AKT/mTOR pathway`), past the
        names and slashes of the same chain."""
        rest = masked[position : position + 80]
        at = _CHAIN.match(rest).end()
        return next((cue_id for cue_id, regex in self.anchored["gene_activity"] if regex.match(rest, at)), None)

    def strip(self, role: str, text: str) -> tuple[str, bool]:
        """``text`` without the words of the anchored cues of ``role``, and whether there were any."""
        found = False
        for _, regex in self.anchored[role]:
            text, count = regex.subn(" ", text)
            found = found or count > 0
        return text, found

    def _passive_after(self, masked: str, position: int) -> Passive | None:
        """The passive about the mention ending at ``position`` (`PTEN levels were reduced`), if one follows it."""
        for cue_id, regex, raising, changing in self.passive:
            found = regex.match(masked[position:])
            if found:
                verb = found.group("verb")
                role = "raise" if raising.match(verb) else "regulate" if changing and changing.match(verb) else "repress"
                auxiliary = "aux" in regex.groupindex and found.group("aux") is not None
                return Passive(role, cue_id, position + found.start("verb"), position + found.end(), auxiliary)
        return None


class RelationRules:
    """The rule set's cues and relation rules: a decided relation's confidence by the role of its cue, the table-row,
    coreference, loss and hedge rules."""

    def __init__(self, rules: RuleSet, prefilter: bool = True) -> None:
        self.cues = CueSet(rules.rules(CueRule), prefilter)
        relation_rules = rules.rules(RelationRule)
        self.confidence: dict[str, float] = {}
        for rule in (rule for rule in relation_rules if rule.kind == "confidence"):
            for role in rule.roles:
                if role in self.confidence:
                    raise rule.fail(f"role {role!r} already has a confidence rule")
                self.confidence[role] = rule.confidence
        missing = [role for role in DECIDING_ROLES if role not in self.confidence]
        if missing:
            raise RuleError(f"{rules.path(RelationRule.FILE)}: no confidence rule for role(s) {', '.join(missing)}")
        self.table_row, self.coreference, self.loss, self.hedge = (
            _one(rules, relation_rules, kind) for kind in ("table_row", "coreference", "loss", "hedge")
        )
        self.these_mirnas = re.compile(self.coreference.pattern, re.IGNORECASE)

    def with_loss(self, rule_id: str) -> str:
        """The rule id of a relation whose effect flipped because the sentence speaks of less of the miRNA."""
        return f"{rule_id}{ID_JOINER}{self.loss.id}"

    def coreferent(self, rule_id: str) -> str:
        """The rule id of a relation read through `these miRNAs`."""
        return f"{self.coreference.id}{ID_JOINER}{rule_id}"


def _one(rules: RuleSet, relation_rules: tuple[RelationRule, ...], kind: str) -> RelationRule:
    found = [rule for rule in relation_rules if rule.kind == kind]
    if len(found) != 1:
        raise RuleError(f"{rules.path(RelationRule.FILE)}: expected one rule of kind {kind}, found {len(found)}")
    return found[0]


@cache
def relation_rules(rules: RuleSet) -> RelationRules:
    """The relation rules of a rule set, compiled once per process."""
    return RelationRules(rules)
