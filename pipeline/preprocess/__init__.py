"""Text -> spaCy Doc: character normalization, the patched scispaCy tokenizer, sentences and abbreviations.

Character normalization is one character for one, so it keeps every character offset of the original text: the
pipeline always runs on ``normalize_chars(document.text)`` and spans found here slice the ingested text directly.
Offsets are characters, end exclusive. Importing this package registers the spaCy factories `mirmine_sentences`
and `mirmine_abbreviations` and the Doc extension `mirmine_abbreviations`.
"""

from .abbreviations import AbbreviationDetector, abbreviations_from_doc, long_form_start, make_abbreviation_detector
from .chars import TEXT_KEY, doc_text, normalize_chars
from .nlp import build_nlp, get_nlp
from .sentences import SentenceSplitter, make_sentence_splitter
from .tokenizer import build_tokenizer

__all__ = [
    "TEXT_KEY",
    "AbbreviationDetector",
    "SentenceSplitter",
    "abbreviations_from_doc",
    "build_nlp",
    "build_tokenizer",
    "doc_text",
    "get_nlp",
    "long_form_start",
    "make_abbreviation_detector",
    "make_sentence_splitter",
    "normalize_chars",
]
