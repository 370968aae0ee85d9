"""The preprocessing pipeline: build_nlp (patched tokenizer, sentences, abbreviations, extra pipes) and get_nlp."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from spacy.lang.en import English
from spacy.language import Language

from pipeline.ruleset import RuleSet
from pipeline.ruleset.spacy_config import rules_config

from . import abbreviations, sentences  # noqa: F401  (register the factories build_nlp adds by name)
from .tokenizer import build_tokenizer


def build_nlp(rules: RuleSet | None = None, extra_pipes: Sequence[str] = ()) -> Language:
    """A blank English pipeline: patched tokenizer, sentences, abbreviations, then `extra_pipes` in order.

    Each extra pipe is added by factory name and, when ``rules`` is given, gets them as its ``rules`` setting (a
    config block naming the folder; the component receives the RuleSet).
    """
    # English with our tokenizer from the start: spacy.blank("en") would first compile the default English
    # tokenizer's rules (0.17 s of every start) only for them to be replaced. The config still names spaCy's
    # Tokenizer, whose rules to_disk() saves, so spacy.load() gives this tokenizer back.
    nlp = English(create_tokenizer=build_tokenizer)
    nlp.add_pipe("mirmine_sentences")
    # After sentences: the long form of a definition is looked for inside the sentence of its bracket.
    nlp.add_pipe("mirmine_abbreviations")
    config: dict[str, Any] = {} if rules is None else {"rules": rules_config(rules)}
    for name in extra_pipes:
        nlp.add_pipe(name, config=config)
    return nlp


@functools.cache
def get_nlp(rules: RuleSet | None = None, extra_pipes: tuple[str, ...] = ()) -> Language:
    """The pipeline of `build_nlp`, built once per process (worker processes call this once each)."""
    return build_nlp(rules, extra_pipes)
