"""The patched scispaCy tokenizer: protected tokens (miRNA names, 14-3-3), URL/DOI match, prefix, infix and
suffix edits and dropped exceptions over scispaCy's combined rule tokenizer; build_tokenizer."""

from __future__ import annotations

import re
import warnings

from scispacy.custom_tokenizer import combined_rule_tokenizer
from spacy.lang.tokenizer_exceptions import URL_PATTERN
from spacy.language import Language
from spacy.tokenizer import Tokenizer

# Tokens no affix or infix rule may cut. miRNA names keep their arm and paralog number (`hsa-miR-125b-2-3p`:
# the digit-hyphen-digit infix would split off `-3p`) and their letter (`let-7g`: the unit suffix reads grams);
# 14-3-3 proteins keep their isoform (`14-3-3ζ`, `14-3-3sigma`). Anchored with \Z because spaCy calls `.match`.
# No `/` is allowed: `miR-221/222` must reach the infix rules so that the slash becomes its own token.
_PROTECTED_TOKEN = re.compile(
    r"(?:"
    r"(?:[a-z]{3}-)?"
    r"(?:(?:[Mm][Ii][Rr](?:[Nn][Aa])?|[Mm]icro[Rr][Nn][Aa])[Ss]?-?[0-9]+[a-z]?|[Ll][Ee][Tt]-?7[a-z]?)"
    r"(?:-[0-9])?"
    r"(?:-[35]p|\*)?"
    r"|14-3-3(?:[\u03b1-\u03c9]|beta|gamma|epsilon|eta|sigma|tau|theta|zeta)?"
    r")\Z"
)

# URLs as spaCy's English tokenizer knows them (scispaCy drops its url_match), plus bare DOIs: with `/` an infix,
# both would otherwise fall apart.
_URL_OR_DOI = re.compile("(?u)(?:" + URL_PATTERN + r")|^10\.[0-9]{4,9}/\S+$")

# scispaCy keeps `(` on `(S)-ibuprofen`-like tokens; an abbreviation closed before `/` or `-`
# (`(PI3K)/AKT`, `(MX)-resistant`) must lose it, or the abbreviation detector never sees the brackets.
_PREFIX_REPLACEMENTS = {
    r"^\((?![^\(\s]+\)\S+)": r"^\((?:(?=[^\W\d_][^\s()]+\)[/-])|(?![^\(\s]+\)\S+))",
    r"^\[(?![^\[\s]+\]\S+)": r"^\[(?:(?=[^\W\d_][^\s\[\]]+\][/-])|(?![^\[\s]+\]\S+))",
}

# scispaCy's digit-hyphen-digit infix, narrowed: not before a miRNA arm (`miR-155-5p/miR-21-3p` must keep both
# arms once `/` splits it) and not inside 14-3-3.
_DIGIT_INFIX = r"(?<=[0-9])[+\-\*^](?=[0-9-])"
_DIGIT_INFIX_NARROWED = (
    r"(?<=[0-9])[+\*^](?=[0-9-])"
    r"|(?<=[0-9])(?<!\b14(?=-3-3))(?<!\b14-3(?=-3))-(?=[0-9-])(?![35]p\b)"
)
# Compound words whose head is a name (`miR-21-mediated`, `trastuzumab-resistant`, `PIK3R2-knockdown`): scispaCy
# keeps hyphenated words whole, which would hide the name from every finder. Split before these common modifiers.
_COMPOUND_MODIFIERS = (
    "resistant", "resistance", "sensitive", "sensitivity", "sensitized", "refractory", "responsive", "mediated",
    "induced", "dependent", "independent", "treated", "targeted", "targeting", "based", "related", "associated",
    "regulated", "knockdown", "knockout", "silenced", "overexpressing", "expressing", "transfected", "deficient",
    "positive", "negative", "loaded", "specific", "derived", "containing", "driven", "activated", "inhibited",
)  # fmt: skip
_EXTRA_INFIXES = (
    r"(?<=[^\W_])-(?=(?:" + "|".join(_COMPOUND_MODIFIERS) + r")\b)",
    r"/",  # scispaCy removed it; `PI3K/AKT/mTOR`, `miR-21/PTEN`, `SKBR3/TR` and `miR-221/222` need it
    r"(?<=[^\W_][^\W_])\)(?=[/-])",  # the `)` of `(PI3K)/AKT`, `(MX)-resistant`; not `(S)-` or `protein(s)-`
    r"(?<=\))-(?=[^\W\d_])",  # the hyphen of `(MX)-resistant`
)

# A period after a unit ends a sentence (`10 μM. In`): lower-case units already lose it, these do not.
_EXTRA_SUFFIXES = (
    r"(?<=[μµnmpfk]M)\.$",  # molar
    r"(?<=[μµnmdc]L)\.$",  # litre
)

# Exceptions dropped from spaCy's list. `h.`, `s.`, `g.` ... and `°C.` are units at a sentence end in this literature.
# Whitespace exceptions (`\n`, `\t`) give the token the tokenizer makes anyway, but any exception hit stops spaCy
# caching the rest of the doc's words (the has_special guard in tokenizer.pyx): every text with a line break then
# tokenized about 3x slower.
_DROPPED_EXCEPTION = re.compile(r"^(?:[a-z]|°[CFKcfk])\.$|^\s+$")


def _replace_exactly(pattern: str, old: str, new: str) -> str:
    """Replace one known piece of a scispaCy pattern, failing loudly when a scispaCy release has changed it."""
    if old not in pattern:
        raise RuntimeError(
            f"scispaCy tokenizer pattern changed: {old!r} not found; update pipeline/preprocess/tokenizer.py"
        )
    return pattern.replace(old, new)


# Whitespace-separated chunks whose tokens the tokenizer keeps (spaCy's default is 10,000, then it stops caching:
# a worker that has read a few thousand abstracts runs every new chunk through the affix rules again). Measured on
# the 772 bench abstracts after 3,000 other abstracts: 0.88-1.05 s with 10,000, 0.40-0.46 s with 100,000; the
# cache costs a few MB (a worker's pipeline is rebuilt every REFRESH_DOCS documents anyway).
CACHE_CHUNKS = 100_000


def build_tokenizer(nlp: Language) -> Tokenizer:
    """scispaCy's combined rule tokenizer with the mirmine fixes (miRNA names, `/`, unit periods, 14-3-3)."""
    # scispaCy's own character classes make Python warn "Possible set union" on every compile; it is harmless
    # (the classes are meant literally) and a user cannot act on it, so it is silenced here and only here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Possible set union", category=FutureWarning)
        return _build_tokenizer(nlp)


def _build_tokenizer(nlp: Language) -> Tokenizer:
    if not hasattr(nlp, "tokenizer"):
        # Called by Language.__init__ (build_nlp): scispaCy reads the old tokenizer's token_match, which ours
        # replaces anyway; a bare tokenizer stands in.
        nlp.tokenizer = Tokenizer(nlp.vocab)
    base = combined_rule_tokenizer(nlp)
    prefix = base.prefix_search.__self__.pattern
    for old, new in _PREFIX_REPLACEMENTS.items():
        prefix = _replace_exactly(prefix, old, new)
    infix = _replace_exactly(base.infix_finditer.__self__.pattern, _DIGIT_INFIX, _DIGIT_INFIX_NARROWED)
    infix = "|".join((*_EXTRA_INFIXES, infix))
    suffix = "|".join((*_EXTRA_SUFFIXES, base.suffix_search.__self__.pattern))
    rules = {orth: tokens for orth, tokens in base.rules.items() if not _DROPPED_EXCEPTION.match(orth)}
    # Compiled-regex methods only: spaCy serializes their patterns, so to_disk()/spacy.load() round-trips.
    return Tokenizer(
        nlp.vocab,
        rules=rules,
        prefix_search=re.compile(prefix).search,
        suffix_search=re.compile(suffix).search,
        infix_finditer=re.compile(infix).finditer,
        token_match=_PROTECTED_TOKEN.match,
        url_match=_URL_OR_DOI.match,
        max_cache_size=CACHE_CHUNKS,
    )
