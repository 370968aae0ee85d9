"""What the lexicon finders load once per process and rule set: the lexicons, the walk table of all their keys, and
the rules that judge a hit (context rules, stop list, note rules, definition words)."""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from pipeline.normalize import CANCER_KINDS, Lexicon, WalkTable, key_text, load_lexicon_files, load_merged_walk_table
from pipeline.ruleset import ContextRule, DefinitionRule, NoteRule, RuleSet

# The lexicon files of each finder, with the mention type of their rows.
LEXICON_FILES = {
    "gene": (("genes.tsv", "gene"), ("genes_extra.tsv", "gene"), ("receptor_subtypes.tsv", "gene")),
    "drug": (("drugs.tsv", "drug"), ("drugs_extra.tsv", "drug"), ("drug_classes.tsv", "drug_class")),
    "cell_line": (("cell_lines.tsv", "cell_line"), ("cellosaurus.tsv", "cell_line")),
    "disease": (("diseases.tsv", "disease"), ("diseases_extra.tsv", "disease"), ("species.tsv", "species")),
}
STOPLIST_FILE = "stoplist.tsv"


class Support(NamedTuple):
    """A context rule as a finder applies it: the norm it gives and the match keys of the cues that support it."""

    id: str
    norm: str
    cue_keys: tuple[str, ...]


@cache
def load_lexicon(finder: str, rules: RuleSet) -> Lexicon:
    """The lexicon of one finder, loaded once per process (from the lexicon cache when it is current)."""
    return load_lexicon_files(LEXICON_FILES[finder], rules)


@cache
def cancer_norms(rules: RuleSet) -> frozenset[str]:
    """The disease norms that are cancer types: those of a cancer row of the disease lexicon (a hand-kept row or a
    document's abbreviation of a cancer has the same norm)."""
    lexicon = load_lexicon("disease", rules)
    return frozenset(entry.norm for entry in lexicon.entries if entry.kind in CANCER_KINDS)


@cache
def load_walk_table(rules: RuleSet) -> WalkTable:
    """One walk table for every finder's lexicon: a document is walked once, each finder takes its own keys."""
    return load_merged_walk_table(tuple(load_lexicon(finder, rules) for finder in LEXICON_FILES), rules)


@cache
def load_context(rules: RuleSet) -> tuple[dict[tuple[str, str], Support], dict[tuple[str, str], str]]:
    """Context rules by (type, term) and the stop list as {(type, match key of the term or norm): reason}."""
    by_term = {}
    for rule in rules.rules(ContextRule):
        own = set(key_text(rule.term).key.split())
        # A cue made only of the term itself (`ER+` for ER keys as " er ") would let every occurrence support itself.
        cue_keys = tuple(key for key in (key_text(cue).key for cue in rule.cues) if not set(key.split()) <= own)
        by_term[(rule.type, rule.term)] = Support(rule.id, rule.norm, cue_keys)
    stop = {
        (row["type"], stop_key(row["term"])): row["reason"]
        for row in rules.rows(STOPLIST_FILE, ("term", "type", "reason"))
    }
    return by_term, stop


@cache
def stop_key(text: str) -> str:
    """How the stop list compares terms and norms: their match key (`Growth_factor` is `growth factor`)."""
    return key_text(text).key.strip()


class NoteCue(NamedTuple):
    """A note rule as a finder applies it, its cue patterns compiled (None where the rule has none)."""

    rule: NoteRule
    either: re.Pattern | None
    after: re.Pattern | None
    before: re.Pattern | None


@cache
def load_note_rules(rules: RuleSet) -> dict[tuple[str, str], NoteCue]:
    """Note rules (with their compiled cue patterns) by (flag, type); a rule without a type applies to every type
    ("")."""

    def compiled(pattern: str) -> re.Pattern | None:
        return re.compile(pattern, re.IGNORECASE) if pattern else None

    return {
        (rule.flag, rule.type): NoteCue(rule, compiled(rule.pattern), compiled(rule.after), compiled(rule.before))
        for rule in rules.rules(NoteRule)
    }


@cache
def load_definition_words(rules: RuleSet) -> tuple[tuple[str, re.Pattern], ...]:
    """(type, regex) pairs: long forms that read like a name of that type (rules/definitions.jsonl)."""
    return tuple((rule.type, re.compile(rule.pattern)) for rule in rules.rules(DefinitionRule))
