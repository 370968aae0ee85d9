"""``RuleSet``: the rules of one folder, loaded once per process and read by every stage.

``load_ruleset(folder)`` gives the same object for the same folder; each rule file is read and validated the first
time a stage asks for it. A spaCy pipeline names its rules in its config (``spacy_config``), so a component
receives a RuleSet, never a path to parse again.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, cached_property
from pathlib import Path
from typing import TypeVar

from .files import RuleError, checksums, default_rules_dir, read_jsonl, read_tsv, rule_file
from .records import RULE_CLASSES, LexiconRule, Rule

R = TypeVar("R", bound=Rule)
# A composed rule id joins the ids of its parts with "+": `coref.these_mirnas+cue.direction.up+loss`.
ID_JOINER = "+"


class RuleSet:
    """The rules of one folder (default: the packaged ``rules/``). Compare and hash by folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __repr__(self) -> str:
        return f"RuleSet({str(self.folder)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RuleSet) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)

    def __reduce__(self):
        # A RuleSet sent to another process (a Dask worker) is the same folder's rules, loaded there once.
        return load_ruleset, (self.folder,)

    def path(self, name: str) -> Path:
        """A rule file of this folder, which must exist."""
        return rule_file(self.folder, name)

    def checksums(self) -> dict[str, str]:
        """sha256 of every rule file, by name."""
        return checksums(self.folder)

    def rules(self, kind: type[R]) -> tuple[R, ...]:
        """Every rule of one file, validated (``kind`` is the record class, which names its file)."""
        return self._rules[kind]

    @cached_property
    def _rules(self) -> _RuleFiles:
        return _RuleFiles(self)

    def rows(self, name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
        """The rows of a TSV file of this folder (a lexicon, the stop list) with at least ``columns``, read anew at
        each call: the callers keep what they build from them (a lexicon's rows would hold 100 MB)."""
        return read_tsv(self.path(name), columns)

    @cached_property
    def lexicon_rules(self) -> dict[tuple[str, str], LexiconRule]:
        """The rule of each (mention type, row kind) of the lexicons."""
        return _unique(self.rules(LexiconRule), lambda rule: (rule.type, rule.kind), "type and kind")

    def lexicon_rule(self, type_: str, kind: str, where: str = "") -> LexiconRule:
        """The rule of lexicon hits of this type and kind; ``where`` names the row that needs it, for the error."""
        rule = self.lexicon_rules.get((type_, kind))
        if rule is None:
            raise RuleError(
                f"{where or self.path(LexiconRule.FILE)}: no rule for {type_} rows of kind {kind!r}; "
                f"add one to {self.path(LexiconRule.FILE)}"
            )
        return rule

    @cached_property
    def by_id(self) -> dict[str, Rule]:
        """Every rule of every JSONL file by id (an id is unique in its file; across files the first file wins)."""
        found: dict[str, Rule] = {}
        for kind in RULE_CLASSES:
            for rule in self.rules(kind):
                found.setdefault(rule.id, rule)
        return found

    def resolve(self, rule_id: str) -> list[Rule]:
        """The rules a rule id of the output names: one, or each part of a composed id. RuleError if any is unknown."""
        parts = rule_id.split(ID_JOINER)
        unknown = [part for part in parts if part not in self.by_id]
        if unknown:
            raise RuleError(f"rule id {rule_id!r}: {', '.join(map(repr, unknown))} is defined in no file of {self.folder}")
        return [self.by_id[part] for part in parts]

    def locate(self, rule_id: str) -> str:
        """Where the rule (each part of a composed id) is written: `relation_cues.jsonl:21 + relation_rules.jsonl:23`."""
        try:
            rules = self.resolve(rule_id)
        except RuleError:
            return f"not defined in {self.folder}"
        return " + ".join(Path(rule.where.rsplit(":", 1)[0]).name + ":" + rule.where.rsplit(":", 1)[1] for rule in rules)


class _RuleFiles(dict):
    """Rule files read on first use, by record class."""

    def __init__(self, ruleset: RuleSet) -> None:
        super().__init__()
        self.ruleset = ruleset

    def __missing__(self, kind: type[Rule]) -> tuple[Rule, ...]:
        path = self.ruleset.path(kind.FILE)
        rules = tuple(kind.from_json(obj, f"{path}:{line}") for line, obj in read_jsonl(path))
        _unique(rules, lambda rule: rule.id, "rule id")
        self[kind] = rules
        return rules


def _unique(rules: Iterable[R], key, what: str) -> dict:
    found: dict = {}
    for rule in rules:
        value = key(rule)
        if value in found:
            raise RuleError(f"{rule.where}: duplicate {what} {value!r} (first at {found[value].where})")
        found[value] = rule
    return found


@cache
def _load(folder: Path) -> RuleSet:
    if not folder.is_dir():
        raise RuleError(f"{folder}: not a folder of rules; pass --rules the folder that holds the rule files")
    return RuleSet(folder)


def load_ruleset(folder: str | Path | None = None) -> RuleSet:
    """The rules of ``folder`` (default: the packaged rules), one object per folder per process."""
    return _load(Path(folder).resolve() if folder else default_rules_dir().resolve())
