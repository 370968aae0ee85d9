"""How two sets of lexicon matches agree: the (doc, start, end) character spans of PhraseMatcher(LOWER) against the raw
``Lexicon.find`` matches, and the finder's kept mentions against PhraseMatcher's spans, with the most frequent forms
found by one only and a reason for each. Offsets are characters, end exclusive."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.normalize import Entry

N_EXAMPLES = 20
Span = tuple[int, int, int]
Form = tuple[str, str]  # (reason, lower-cased written form)

OVERLAP = "overlaps a span of the other (boundaries differ)"
_GREEK_NAMES = ("alpha", "beta", "gamma", "delta", "epsilon", "kappa", "lambda", "sigma", "theta", "zeta", "omega")


def _has_greek(written: str) -> bool:
    lower = written.lower()
    return any("\u0370" <= char <= "\u03ff" or char == "\u00b5" for char in written) or any(name in lower for name in _GREEK_NAMES)


def _inside_word(text: str, start: int, end: int) -> bool:
    """Whether the span cuts a run of letters and digits (`can|not`, `miR-21|in`)."""
    return (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum())


def _covered(texts: Sequence[str], spans: Iterable[Span]) -> list[bytearray]:
    """Per doc, 1 at every character some span covers."""
    marks = [bytearray(len(text)) for text in texts]
    for doc, start, end in spans:
        marks[doc][start:end] = b"\x01" * (end - start)
    return marks


def _walk_only_reason(text: str, start: int, end: int, terms_lower: set[str]) -> str:
    written = text[start:end]
    lower = written.lower()
    if lower in terms_lower:
        return "a term as written, inside a longer token (`Follow-Up`, `(5-FU)-chemo`)"
    if _has_greek(written):
        return "Greek letter written another way (`IFN-gamma` for `IFN-γ`)"
    if lower.endswith("s") and lower[:-1] in terms_lower:
        return "plural of a multi-word name"
    return "hyphen / space / punctuation variant (`Notch-1`, `SN38`)"


def _phrase_matcher_only_reason(text: str, start: int, end: int, term_key_set: set[str]) -> str:
    from pipeline.normalize import key_text

    if _inside_word(text, start, end):
        return "part of a word the tokenizer split (`can|not`)"
    if key_text(text[start:end]).key in term_key_set:
        return "glued to its neighbour in the text's key (`Pdcd4-3'-UTR` -> pdcd43)"
    return "the term's key differs from the written form's key"


class FormTally:
    """Occurrences of (reason, written form) pairs, with the first place each was seen."""

    def __init__(self) -> None:
        self.forms: Counter[Form] = Counter()
        self.first: dict[Form, Span] = {}

    def add(self, reason: str, texts: Sequence[str], doc: int, start: int, end: int) -> None:
        form = (reason, texts[doc][start:end].lower())
        self.forms[form] += 1
        self.first.setdefault(form, (doc, start, end))

    def summary(self, texts: Sequence[str], prefix: str) -> dict[str, Any]:
        reasons: Counter[str] = Counter()
        for (reason, _), count in self.forms.items():
            reasons[reason] += count
        return {
            prefix: sum(self.forms.values()),
            f"{prefix}_distinct_forms": len(self.forms),
            f"{prefix}_by_reason": dict(reasons.most_common()),
            f"{prefix}_examples": self.examples(texts),
        }

    def examples(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """Up to N_EXAMPLES distinct forms, most frequent first, taken in turn from each reason so every reason shows."""
        by_reason: dict[str, list[Form]] = {}
        for form, _ in self.forms.most_common():
            by_reason.setdefault(form[0], []).append(form)
        queues = sorted(by_reason.values(), key=lambda queue: -sum(self.forms[form] for form in queue))
        picked: list[Form] = []
        while len(picked) < N_EXAMPLES and any(queues):
            for queue in queues:
                if queue and len(picked) < N_EXAMPLES:
                    picked.append(queue.pop(0))
        return [self._example(texts, form) for form in picked]

    def _example(self, texts: Sequence[str], form: Form) -> dict[str, Any]:
        doc, start, end = self.first[form]
        text = texts[doc]
        context = f"{text[max(0, start - 30) : start]}[{text[start:end]}]{text[end : end + 30]}".replace("\n", " ")
        return {
            "text": text[start:end], "count": self.forms[form], "reason": form[0],
            "doc": doc, "start": start, "end": end, "context": context,
        }  # fmt: skip


def compare_spans(
    texts: Sequence[str], pm_spans: Iterable[Sequence[int]], ac_spans: Iterable[Sequence[int]], entries: Sequence[Entry]
) -> dict[str, Any]:
    """Counts of spans found by each matcher and by both, and the most frequent forms found by only one."""
    from pipeline.normalize import term_keys

    pm, ac = {tuple(span) for span in pm_spans}, {tuple(span) for span in ac_spans}
    pm_marks, ac_marks = _covered(texts, pm), _covered(texts, ac)
    terms_lower = {entry.term.lower() for entry in entries}
    term_key_set = {key for term in {entry.term for entry in entries} for key in term_keys(term)}
    result: dict[str, Any] = {"phrase_matcher_spans": len(pm), "walk_spans": len(ac), "both": len(pm & ac)}

    walk_only = FormTally()
    for doc, start, end in sorted(ac - pm):
        overlaps = any(pm_marks[doc][start:end])
        reason = OVERLAP if overlaps else _walk_only_reason(texts[doc], start, end, terms_lower)
        walk_only.add(reason, texts, doc, start, end)
    result.update(walk_only.summary(texts, "walk_only"))

    phrase_matcher_only = FormTally()
    for doc, start, end in sorted(pm - ac):
        overlaps = any(ac_marks[doc][start:end])
        reason = OVERLAP if overlaps else _phrase_matcher_only_reason(texts[doc], start, end, term_key_set)
        phrase_matcher_only.add(reason, texts, doc, start, end)
    result.update(phrase_matcher_only.summary(texts, "phrase_matcher_only"))
    return result


def _inner_match(ac_by_doc: dict[int, list[tuple[int, int]]], doc: int, start: int, end: int) -> tuple[int, int]:
    """The longest raw walk span inside a kept mention (the finder widens its hits to whole tokens)."""
    inside = [(s, e) for s, e in ac_by_doc.get(doc, ()) if start <= s and e <= end]
    return max(inside, key=lambda span: span[1] - span[0], default=(start, end))


def compare_kept(
    texts: Sequence[str], kept_spans: Iterable[Sequence[int]], pm_spans: Iterable[Sequence[int]],
    ac_spans: Iterable[Sequence[int]], entries: Sequence[Entry],
) -> dict[str, Any]:  # fmt: skip
    """How many of the finder's kept mentions a PhraseMatcher(LOWER) span finds too: the same span, an overlapping
    one, or none. A missed mention is classified (and shown) by the raw walk match inside it: `BRAF` in the
    token `BRAF-mutated`."""
    pm = {tuple(span) for span in pm_spans}
    pm_marks = _covered(texts, pm)
    ac_by_doc: dict[int, list[tuple[int, int]]] = {}
    for doc, start, end in ac_spans:
        ac_by_doc.setdefault(doc, []).append((start, end))
    terms_lower = {entry.term.lower() for entry in entries}
    kept = sorted({tuple(span) for span in kept_spans})
    same = overlapping = 0
    missed = FormTally()
    for doc, start, end in kept:
        if (doc, start, end) in pm:
            same += 1
        elif any(pm_marks[doc][start:end]):
            overlapping += 1
        else:
            inner_start, inner_end = _inner_match(ac_by_doc, doc, start, end)
            missed.add(_walk_only_reason(texts[doc], inner_start, inner_end, terms_lower), texts, doc, inner_start, inner_end)
    return {"kept": len(kept), "same_span": same, "overlapping": overlapping, **missed.summary(texts, "missed")}
