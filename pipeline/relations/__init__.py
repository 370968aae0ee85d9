"""Relations: which miRNA targets or regulates which gene, which gene or drug regulates which miRNA, and which miRNA
sensitizes to or confers resistance to which drug, read from sentences and from the rows of tables inside documents
-> ``schema.Relation`` records, each with its direction (what more of the miRNA does to the partner).

Rules, not a statistical model: the cues are data (rules/relation_cues.jsonl) and every relation names the cue that
decided it in its ``rule`` column, its confidence set by rules/relation_rules.jsonl. Per sentence, with every mention
masked so that words inside a name are never cues:
- a drug (or drug class) gets a relation from its frame (`resistance`, `sensitivity`, `sensitizes ... to`) and the
  direction word of that frame (`confers`, `reverses`, `increases`), or `associated` when the sentence links the
  miRNA to the frame without a direction (`involved in`, `biomarkers for`, `downregulated in X-resistant cells`);
- a gene gets `targets` from the nearest repressing cue before it with only filler between (`targeting`,
  `suppresses`, `decreasing the expression of`) or the inverse wordings (`X is a target of miR-Y`), and `regulates`
  from a raising or neutral cue (`upregulates`, `regulates`, `activates`) or a change of its pathway, activity or
  phosphorylation; axis and modifier wording gives nothing (`the miR-Y/X axis`, `p53-dependent`, `via AKT`);
- a gene or drug that acts on the miRNA gives `regulated_by` (``regulators``: `HIF-1a induced miR-210`, `miR-210 was
  induced by HIF-1a`, `HOTAIR sponges miR-613`);
- less of the miRNA flips the effect (`miR-X downregulation promotes resistance` sensitizes, `knockdown of miR-X
  increased Y` targets);
- the agent is the nearest miRNA (with the miRNAs coordinated with it) before the cue, or after it in the passive;
  `these miRNAs` (and `this miRNA` or `It` after a sentence with one miRNA) stands for the miRNAs of the sentence before.
Each relation then gets the cancer types of its sentence, else of its document (``cancers``).
"""

from .agents import Finding
from .cancers import with_cancers
from .classify import PARTNER_TYPES, classify_sentence
from .records import COREF_NORM, relations_from_sentences, to_relations
from .rules import Cue, CueSet, RelationRules, relation_rules
from .sentence import MASK, SentenceView
from .tables import table_relations

__all__ = [
    "COREF_NORM", "MASK", "PARTNER_TYPES", "Cue", "CueSet", "Finding", "RelationRules", "SentenceView",
    "classify_sentence", "relation_rules", "relations_from_sentences", "table_relations", "to_relations", "with_cancers",
]  # fmt: skip
