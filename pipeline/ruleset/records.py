"""The validated rule objects: one small frozen class per rule file, built from a JSONL line by ``Rule.from_json``.

Each class names its file (``FILE``) and its keys (its fields: a field without a default is required). The loader
checks every key's type, refuses unknown keys, and runs the class's own ``check``; every error names ``path:line``.
"""

from __future__ import annotations

import re
from dataclasses import MISSING, dataclass, fields
from typing import ClassVar, get_type_hints

from pipeline.schema import MENTION_TYPES

from .files import RuleError

MIRNA_KINDS = ("fragment", "name", "let7", "cluster", "slash_item", "ellipsis_item", "bare_item", "let7_item", "paren_list")
# What a relation cue says (rules/relation_cues.jsonl explains each role).
CUE_ROLES = (
    "resistance", "sensitivity", "sensitize", "up", "down", "associate", "expression_change", "method",
    "repress", "repress_weak", "raise", "regulate", "activate", "target_of", "target_list", "target_as", "neutral",
    "question", "gene_target_after", "utr_after", "effect_on",
    "gene_block_after", "gene_block_before", "gene_activity", "gene_descriptor", "gene_passive", "loss_before", "loss_after", "gain_before", "gain_after", "negation", "hedge",
)  # fmt: skip
# Roles matched at a position (right before or after a mention), not searched in the whole sentence.
ANCHORED_ROLES = (
    "target_of", "target_as", "gene_target_after", "utr_after", "gene_block_after", "gene_block_before", "gene_activity",
    "gene_descriptor", "gene_passive", "loss_before", "loss_after", "gain_before", "gain_after", "effect_on",
)  # fmt: skip
# Roles whose cue decides a relation, each with its confidence in rules/relation_rules.jsonl.
DECIDING_ROLES = (
    "sensitize", "up", "down", "associate", "expression_change", "target_of", "target_list", "target_as", "repress", "repress_weak",
    "raise", "regulate", "activate",
)  # fmt: skip
RELATION_RULE_KINDS = ("confidence", "table_row", "coreference", "loss", "hedge")
_TYPES = {str: "a string", int: "a whole number", float: "a number", bool: "true or false", tuple: "a list of strings"}


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One rule: its ``id`` (what the ``rule`` column of the output names), where it is written, and a free note."""

    # Set by each kind of rule in its class line: `class CueRule(Rule, file=..., choices={"role": CUE_ROLES})`.
    FILE: ClassVar[str] = ""  # the rule file
    GROUPS: ClassVar[tuple[str, ...]] = ()  # the named groups its ``pattern`` must have (the code reads them)
    REGEXES: ClassVar[tuple[str, ...]] = ()  # other keys that hold a regex, which must compile where given
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {}  # the values a key may take

    id: str
    where: str
    note: str = ""

    def __init_subclass__(
        cls, file: str = "", groups: tuple[str, ...] = (), regexes: tuple[str, ...] = (), choices: dict | None = None,
        **kwargs,
    ) -> None:  # fmt: skip
        super().__init_subclass__(**kwargs)
        cls.FILE, cls.GROUPS, cls.REGEXES, cls.CHOICES = file, groups, regexes, choices or {}

    @classmethod
    def from_json(cls, obj: dict, where: str) -> Rule:
        """The rule of one JSONL object, its keys and values checked; ``where`` is ``path:line``."""
        hints = get_type_hints(cls)
        keys = [f for f in fields(cls) if f.name != "where"]
        unknown = sorted(set(obj) - {f.name for f in keys})
        if unknown:
            raise RuleError(f"{where}: unknown key(s) {', '.join(unknown)}; a rule of {cls.FILE} has {', '.join(f.name for f in keys)}")
        missing = [f.name for f in keys if f.default is MISSING and f.name not in obj]
        if missing:
            raise RuleError(f"{where}: missing key(s) {', '.join(missing)}")
        values = {name: _checked(where, name, value, hints[name]) for name, value in obj.items()}
        rule = cls(where=where, **values)
        for name, allowed in cls.CHOICES.items():
            if getattr(rule, name) not in allowed:
                raise rule.fail(f"unknown {name} {getattr(rule, name)!r}; expected one of {', '.join(allowed)}")
        rule.check()
        return rule

    def check(self) -> None:
        """Raise RuleError (via ``self.fail``) when the values do not fit together; a ``pattern`` must compile, and
        so must every other regex key (``REGEXES``) that is given."""
        pattern = getattr(self, "pattern", None)
        if pattern is not None and self.GROUPS:
            self.compiled(pattern, groups=self.GROUPS)
        for key in self.REGEXES:
            if getattr(self, key):
                self.compiled(getattr(self, key))

    def fail(self, message: str) -> RuleError:
        return RuleError(f"{self.where}: rule {self.id!r}: {message}")

    def compiled(self, pattern: str, flags: int = 0, groups: tuple[str, ...] = ()) -> re.Pattern:
        """``pattern`` compiled, with the named ``groups`` it must have."""
        try:
            regex = re.compile(pattern, flags)
        except re.error as err:
            raise self.fail(f"not a valid regex ({err})") from err
        missing = [group for group in groups if group not in regex.groupindex]
        if missing:
            raise self.fail(f"the pattern needs a group named {' and '.join(missing)}")
        return regex


def _checked(where: str, name: str, value: object, hint: object) -> object:
    """The value of one key, as the field's type wants it (a JSON list becomes a tuple)."""
    kinds = [kind for kind in (str, bool, int, float, tuple) if kind in _hint_types(hint)]
    if value is None and type(None) in _hint_types(hint):
        return None
    for kind in kinds:
        if kind is tuple and isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
        if kind is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if kind is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if kind in (str, bool) and isinstance(value, kind):
            return value
    wanted = " or ".join(_TYPES[kind] for kind in kinds)
    raise RuleError(f"{where}: key {name!r} must be {wanted}, not {value!r}")


def _hint_types(hint: object) -> set:
    args = getattr(hint, "__args__", None)
    if getattr(hint, "__origin__", None) is tuple:
        return {tuple}
    return {getattr(arg, "__origin__", arg) for arg in args} if args else {hint}


@dataclass(frozen=True, kw_only=True)
class MirnaRule(Rule, file="mirna.jsonl", choices={"kind": MIRNA_KINDS}):
    """A piece of the miRNA grammar (a named ``fragment``, a whole name, a continuation, a bracketed list)."""

    kind: str
    pattern: str
    name: str = ""

    def check(self) -> None:
        if self.kind == "fragment" and not self.name:
            raise self.fail("a fragment needs a name (used as {NAME} in other patterns)")


@dataclass(frozen=True, kw_only=True)
class CueRule(Rule, file="relation_cues.jsonl", choices={"role": CUE_ROLES}):
    """A relation cue: a regex over the lower-cased sentence with every mention masked, and what it says (``role``).

    ``raising`` and ``changing`` (role ``gene_passive`` only): regexes over the passive verb that tell `was increased`
    (raises the gene) and `was regulated` (changes it either way) from `was reduced` (represses it).
    """

    role: str
    pattern: str
    raising: str = ""
    changing: str = ""

    def check(self) -> None:
        self.compiled(self.pattern, groups=("verb",) if self.role == "gene_passive" else ())
        if (self.role == "gene_passive") != bool(self.raising):
            raise self.fail("a gene_passive cue, and only one, has a `raising` pattern")
        if self.raising:
            self.compiled(self.raising)
        if self.changing:
            if self.role != "gene_passive":
                raise self.fail("only a gene_passive cue has a `changing` pattern")
            self.compiled(self.changing)


@dataclass(frozen=True, kw_only=True)
class RelationRule(Rule, file="relation_rules.jsonl", choices={"kind": RELATION_RULE_KINDS}):
    """How the relation stage turns cues into a relation's rule id and confidence (rules/relation_rules.jsonl).

    kind ``confidence``: the confidence of a relation decided by a cue of ``roles``; ``table_row``: the rule and
    confidence of a row of a ``Table N:`` block; ``coreference``: `these miRNAs` (``pattern``), read as the miRNAs of
    the previous sentence, its relations at most ``cap``; ``loss``: less of the miRNA flipped the effect, ``penalty``
    off; ``hedge``: a hedged sentence, ``penalty`` off but never below ``floor``.
    """

    kind: str
    roles: tuple[str, ...] = ()
    confidence: float | None = None
    cap: float | None = None
    penalty: float = 0.0
    floor: float = 0.0
    pattern: str = ""

    def check(self) -> None:
        needs = {
            "confidence": ("roles", "confidence"), "table_row": ("confidence",), "coreference": ("pattern", "cap"),
            "loss": ("penalty",), "hedge": ("penalty",),
        }[self.kind]  # fmt: skip
        absent = [name for name in needs if getattr(self, name) in (None, (), "", 0.0)]
        if absent:
            raise self.fail(f"a {self.kind} rule needs {', '.join(absent)}")
        unknown = [role for role in self.roles if role not in DECIDING_ROLES]
        if unknown:
            raise self.fail(f"roles {', '.join(unknown)} decide no relation; expected among {', '.join(DECIDING_ROLES)}")
        if self.pattern:
            self.compiled(self.pattern, re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class LexiconRule(Rule, file="lexicon_rules.jsonl", choices={"type": MENTION_TYPES}):
    """The rule id of lexicon hits of one mention type and row kind (`gene.symbol`, `drug.brand`), and of the short
    forms a document defines whose long form is such a mention (kind ``abbreviation``)."""

    type: str
    kind: str


@dataclass(frozen=True, kw_only=True)
class ContextRule(Rule, file="context.jsonl", choices={"type": MENTION_TYPES}):
    """A short term that is a mention only with support in the document: one of ``cues``, or a definition."""

    type: str
    term: str
    norm: str
    cues: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class NoteRule(
    Rule, file="note_rules.jsonl", choices={"action": ("defined_only", "needs_cue"), "scope": ("occurrence", "document")}
):
    """What a lexicon row's note ``flag`` means: ``defined_only``, or ``needs_cue``: ``pattern`` on either side within
    ``window``, ``after`` matched right after the term, or ``before`` found ending right before it (any one will do).
    ``scope=document``: one occurrence with its cue makes every occurrence of the same norm in the document count."""

    flag: str
    action: str
    type: str = ""
    window: int = 0
    pattern: str = ""
    after: str = ""
    before: str = ""
    scope: str = "occurrence"

    def check(self) -> None:
        if self.action == "needs_cue":
            if not (self.pattern or self.after or self.before) or self.window <= 0:
                raise self.fail("a needs_cue rule needs a pattern (or after, before) and a window above 0")
            for pattern in filter(None, (self.pattern, self.after, self.before)):
                self.compiled(pattern, re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class SublineRule(
    Rule, file="cell_sublines.jsonl", groups=("tag",), regexes=("requires",),
    choices={"position": ("suffix", "prefix", "glued")},
):
    """A derived subline written around a parent cell line: ``suffix`` after it, ``prefix`` before it, or ``glued``
    to it in one word (the pattern, searched in the text, then also has a group ``parent``); the group ``tag`` of the
    pattern becomes the suffix of the norm. ``requires``: a short pattern that every match of a glued one contains
    (`\\d[A-Z]`); a text without it is not searched (a pattern that starts at every word is slow on every text)."""

    position: str
    pattern: str
    requires: str = ""

    def check(self) -> None:
        super().check()
        self.compiled(self.pattern, groups=("tag", "parent") if self.position == "glued" else ("tag",))


@dataclass(frozen=True, kw_only=True)
class EnumerationRule(Rule, file="gene_enumerations.jsonl", groups=("item",)):
    """A slash enumeration after a gene symbol ending in a number (`CDK4/6`): ``pattern`` with a group ``item``."""

    pattern: str


@dataclass(frozen=True, kw_only=True)
class GlueRule(Rule, file="gene_glued.jsonl", groups=("symbol",), regexes=("requires",)):
    """A mark glued to an approved gene symbol in one word (`hPER2`, `FLNBv4`): ``pattern``, searched in the text,
    with a group ``symbol``; the word is a mention of that gene. ``requires``: a short pattern that every match
    contains (`v\\d`); a text without it is not searched."""

    pattern: str
    requires: str = ""


@dataclass(frozen=True, kw_only=True)
class CodeNameRule(Rule, file="drug_codes.jsonl", groups=("code",), regexes=("cue", "exclude")):
    """A research compound's code name that no lexicon lists (`SD-208`, `GW4869`, `CB 3717`): ``pattern`` with a group
    ``code``, searched in the text, and not matching ``exclude`` at its start (identifiers: `GSE12345`); it is a drug
    where a ``cue`` (a regex) stands within ``window`` characters of one of its occurrences on the same line, and then
    everywhere in the document."""

    pattern: str
    cue: str
    window: int
    exclude: str = ""


@dataclass(frozen=True, kw_only=True)
class DefinitionRule(Rule, file="definitions.jsonl", choices={"type": MENTION_TYPES}):
    """Words that make an unknown long form read like a name of ``type`` (`... receptor (X)`)."""

    type: str
    pattern: str

    def check(self) -> None:
        self.compiled(self.pattern)


@dataclass(frozen=True, kw_only=True)
class ModelLabel(Rule, file="model_labels.jsonl", choices={"type": MENTION_TYPES}):
    """`--model`: the entities of an NER ``label`` become candidates of a mention ``type``."""

    PREFIX: ClassVar[str] = "model."
    label: str
    type: str

    def check(self) -> None:
        if not self.id.startswith(self.PREFIX):
            raise self.fail(f"the id of a model label starts with {self.PREFIX!r} (a rule's mention wins over a model's by it)")


# Every rule file and the record class its lines load into.
RULE_CLASSES = (
    MirnaRule, CueRule, RelationRule, LexiconRule, ContextRule, NoteRule, SublineRule, EnumerationRule,
    GlueRule, CodeNameRule, DefinitionRule, ModelLabel,
)  # fmt: skip
