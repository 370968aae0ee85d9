"""The finders' hits on a Doc: recorded in ``doc.user_data`` as plain lists, shown as ``doc.spans`` by ``SpanWriter``.

Every finder records its hits through ``add_hit`` in ``doc.user_data[HITS_KEY]`` (overlaps allowed) as
``[start, end, type, norm, rule id]`` with the exact character offsets of what matched; overlaps are resolved once,
in ``mentions_from_doc``. What several finders compute once per doc (its text, its match key, the lexicon walk, the
answers about its lines) is kept in user_data too, as plain values, so a Doc still serializes.
"""

from __future__ import annotations

from spacy.tokens import Doc

from pipeline.normalize import KeyedText, WalkTable, key_matches, key_text
from pipeline.preprocess import doc_text

SPANS_KEY = "mirmine"
HITS_KEY = "mirmine_hits"
CONCEPTS_KEY = "mirmine_concepts"
KEYED_KEY = "mirmine_keyed"
MATCHES_KEY = "mirmine_lexicon_matches"
LINES_KEY = "mirmine_lines"
URLS_KEY = "mirmine_urls"


def add_hit(doc: Doc, start: int, end: int, label: str, norm: str, rule: str) -> None:
    """Record a hit: its exact character offsets, type, norm and rule id.

    A list of lists in user_data, so a Doc still serializes (nlp.pipe with n_process > 1); no Span is built: the
    records need none, and building one per hit (and reading its attributes back) cost a fifth of the finders' time.
    """
    doc.user_data.setdefault(HITS_KEY, []).append([start, end, label, norm, rule])


def hits_of(doc: Doc) -> list[list]:
    """The doc's hits as the finders recorded them, in order."""
    return doc.user_data.get(HITS_KEY, [])


class SpanWriter:
    """Shows the finders' hits as ``doc.spans[SPANS_KEY]``: one token-aligned span per hit, for spaCy users and displaCy.

    Put it after the finders. The span widens to whole tokens (`PTEN-PI3K` is one token); the mention records keep
    the characters that matched.
    """

    def __call__(self, doc: Doc) -> Doc:
        spans = (
            doc.char_span(start, end, label=label, kb_id=norm, span_id=rule, alignment_mode="expand")
            for start, end, label, norm, rule in hits_of(doc)
        )
        doc.spans[SPANS_KEY] = [span for span in spans if span is not None]
        return doc


def lexicon_matches(doc: Doc, table: WalkTable) -> list[tuple[int, int, str]]:
    """The runs of the doc's pieces that are a key of some finder's lexicon (``key_matches``), once per doc."""
    stored = doc.user_data.get(MATCHES_KEY)
    if stored is None:
        stored = doc.user_data[MATCHES_KEY] = key_matches(keyed(doc), table)
    return stored


def keyed(doc: Doc, text: str | None = None) -> KeyedText:
    """The doc's match key, computed once per doc and shared by every finder."""
    # Kept in user_data as plain lists, so a Doc still serializes (nlp.pipe with n_process > 1).
    stored = doc.user_data.get(KEYED_KEY)
    if stored is not None:
        return KeyedText(*stored)
    found = key_text(doc_text(doc) if text is None else text)
    doc.user_data[KEYED_KEY] = [found.key, *(list(part) for part in (found.piece_key_starts, found.piece_starts, found.piece_ends))]
    return found


def concept_key(type_: str, norm: str) -> str:
    """user_data key of a norm's concept id (a string: msgpack turns tuple keys into unhashable lists)."""
    return f"{type_}\t{norm}"
