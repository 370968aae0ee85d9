"""One-for-one character normalization: hyphen and space variants to ASCII, every offset kept.

The pipeline always runs on ``normalize_chars(document.text)``, which keeps every character offset of the
original text, so spans found on it slice the ingested text directly.
"""

from __future__ import annotations

from spacy.tokens import Doc

# The doc's text in user_data: the pipeline sets it before the components run (extract.annotate), so no component
# rebuilds it from the tokens (``Doc.text`` joins every token again on each access).
TEXT_KEY = "mirmine_text"

# One character to one character, so every offset into the normalized text is an offset into the original.
# Hyphen look-alikes become "-" (U+2010 in `miR‐126` would otherwise be split off as an infix);
# no-break and thin spaces become " " (spaCy makes a token of any space that is not U+0020).
_CHAR_MAP = str.maketrans(
    {
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2212": "-",  # minus sign
        "\ufe63": "-",  # small hyphen-minus
        "\uff0d": "-",  # fullwidth hyphen-minus
        "\u00a0": " ",  # no-break space
        "\u2007": " ",  # figure space
        "\u2009": " ",  # thin space
        "\u202f": " ",  # narrow no-break space
    }
)


def normalize_chars(text: str) -> str:
    """Map hyphen and space variants to ASCII, one character for one, so the length and all offsets are unchanged."""
    return text.translate(_CHAR_MAP)


def doc_text(doc: Doc) -> str:
    """The doc's text, built once per doc (``Doc.text`` joins every token again on each access)."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text
