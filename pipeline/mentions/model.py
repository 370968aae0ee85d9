"""``--model``: the entities of an installed spaCy NER model (a scispaCy one, say) as extra mention candidates."""

from __future__ import annotations

from spacy.tokens import Doc

from pipeline.normalize import mirna_concept_id, mirna_grammar
from pipeline.ruleset import ModelLabel, RuleSet

from .hits import CONCEPTS_KEY, add_hit, concept_key, doc_text
from .lexicons import load_context, load_lexicon, stop_key
from .text_checks import KIND_RANK


class ModelError(RuntimeError):
    """A --model pipeline that cannot be loaded or has no entity recognizer."""


# The finder whose lexicon normalizes a candidate of each type.
_FINDER_OF_TYPE = {
    "gene": "gene", "drug": "drug", "drug_class": "drug", "cell_line": "cell_line", "disease": "disease", "species": "disease",
}


class ModelEntities:
    """Entities of an installed spaCy NER model (a scispaCy one, say) as extra mention candidates.

    The model runs on the doc's text; each entity whose label rules/model_labels.jsonl maps to a type is looked up
    in that type's lexicon (or read by the miRNA grammar) and kept only if it normalizes; its rule is the id of that
    label's rule (`model.chemical`).
    """

    def __init__(self, model: str, rules: RuleSet) -> None:
        import spacy

        try:
            self.model = spacy.load(model)
        except OSError as err:
            raise ModelError(
                f"model {model!r} cannot be loaded: install its package (pip install ...) or pass the path of a saved pipeline"
            ) from err
        if not self.model.has_pipe("ner"):
            raise ModelError(f"model {model!r} has no 'ner' component: its entities are what --model adds")
        self.labels = {rule.label: rule for rule in rules.rules(ModelLabel)}
        self.rules = rules
        self.stop = load_context(rules)[1]

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        concepts = doc.user_data.setdefault(CONCEPTS_KEY, {})
        for ent in self.model(text).ents:
            label = self.labels.get(ent.label_)
            if label is None:
                continue
            for start, end, norm, concept_id, found_type in self._normalize(text, ent.start_char, ent.end_char, label.type):
                add_hit(doc, start, end, found_type, norm, label.id)
                concepts.setdefault(concept_key(found_type, norm), concept_id)
        return doc

    def _normalize(self, text: str, start: int, end: int, type_: str) -> list[tuple[int, int, str, str, str]]:
        if type_ == "mirna":
            return [
                (start + m.start, start + m.end, m.norm, mirna_concept_id(m.norm, self.rules), "mirna")
                for m in mirna_grammar(self.rules).find(text[start:end])
            ]
        entries = [
            e for e in load_lexicon(_FINDER_OF_TYPE[type_], self.rules).lookup(text[start:end])
            if (e.type, stop_key(e.term)) not in self.stop and (e.type, stop_key(e.norm)) not in self.stop
        ]  # fmt: skip
        if not entries:
            return []
        best = min(entries, key=lambda e: KIND_RANK.get(e.kind, len(KIND_RANK)))
        return [(start, end, best.norm, best.concept_id, best.type)]
