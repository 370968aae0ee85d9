"""Rules in a spaCy config: a component's ``rules`` setting names a folder, and spaCy hands the component its RuleSet.

``{"@misc": "mirmine.rules.v1", "folder": "/path/to/rules"}`` (``folder`` null: the packaged rules) survives
``nlp.to_disk()`` / ``spacy.load()``. Kept apart from the loader, which needs no spaCy: importing this registers it.
"""

from __future__ import annotations

from spacy.util import registry

from .ruleset import RuleSet, load_ruleset

RULES_FACTORY = "mirmine.rules.v1"
DEFAULT_RULES_CONFIG = {"@misc": RULES_FACTORY, "folder": None}


@registry.misc(RULES_FACTORY)
def rules_from_config(folder: str | None = None) -> RuleSet:
    """The rules a pipeline's config names: ``[components.NAME.rules] @misc = "mirmine.rules.v1" folder = ...``."""
    return load_ruleset(folder)


def rules_config(rules: RuleSet) -> dict:
    """The config block that gives a component these rules (a path in the config; the component gets the RuleSet)."""
    return {"@misc": RULES_FACTORY, "folder": None if rules == load_ruleset() else str(rules.folder)}
