"""Normalize: a written form -> its canonical name. The miRNA grammar (``mirna``), the match keys that make
spelling variants meet (``keys``), and the lexicons found by them in a text (``lexicon``), read from their TSV files
and cached on disk (``lexicon_files``). No spaCy here: the mention finders call these."""

from .keys import KeyedText, compact, greek_initials, key_text, phrase_key, term_keys
from .lexicon import CANCER_KINDS, KIND_PRIORITY, LEXICON_COLUMNS, Entry, EntryTable, Lexicon, LexiconMatch, WalkTable, key_matches
from .lexicon import merged_walk_table, needs_exact_case, walk_table
from .lexicon_files import NO_DRUGBANK_ID, WEAK_SHORT, load_lexicon_files, load_merged_walk_table, read_lexicon
from .mirna import MirnaGrammar, MirnaMatch, mirna_concept_id, mirna_grammar, mirna_norm, normalize_mirna

__all__ = [
    "CANCER_KINDS", "KIND_PRIORITY", "LEXICON_COLUMNS", "NO_DRUGBANK_ID", "WEAK_SHORT", "Entry", "EntryTable", "KeyedText", "Lexicon",
    "LexiconMatch", "MirnaGrammar", "MirnaMatch", "WalkTable", "compact", "greek_initials", "key_matches", "key_text",
    "load_lexicon_files", "load_merged_walk_table", "merged_walk_table", "mirna_concept_id", "mirna_grammar", "mirna_norm", "needs_exact_case",
    "normalize_mirna", "phrase_key", "read_lexicon", "term_keys", "walk_table",
]  # fmt: skip
