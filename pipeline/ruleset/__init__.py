"""Rules as data: the one loader of a rules folder (``load_ruleset``) and the validated rule objects every stage uses.

A ``RuleSet`` reads each rule file of its folder once, checks it (``path:line`` in every error) and hands out small
frozen records; a rule's ``id`` is what the ``rule`` column of the output names, and ``RuleSet.resolve`` finds the
rule (or the parts of a composed id) behind any such value. ``patterns`` reads what a rule's regex needs.
"""

from .files import RuleError, default_rules_dir
from .patterns import HeadScan, necessary_substrings
from .records import ANCHORED_ROLES, CUE_ROLES, DECIDING_ROLES, RULE_CLASSES, CodeNameRule, ContextRule, CueRule
from .records import DefinitionRule, EnumerationRule, GlueRule, LexiconRule, MirnaRule, ModelLabel, NoteRule, RelationRule
from .records import Rule, SublineRule
from .ruleset import ID_JOINER, RuleSet, load_ruleset

__all__ = [
    "ANCHORED_ROLES", "CUE_ROLES", "DECIDING_ROLES", "ID_JOINER", "RULE_CLASSES", "CodeNameRule", "ContextRule", "CueRule",
    "DefinitionRule", "EnumerationRule", "GlueRule", "HeadScan", "LexiconRule", "MirnaRule", "ModelLabel", "NoteRule",
    "RelationRule", "Rule", "RuleError", "RuleSet", "SublineRule", "default_rules_dir", "load_ruleset",
    "necessary_substrings",
]  # fmt: skip
