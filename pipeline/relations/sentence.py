"""A sentence as the relation rules read it: lower-cased, every mention masked, its cues found once."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.preprocess import normalize_chars
from pipeline.schema import Mention

from .rules import Cue, RelationRules

MASK = "§"  # every character of a mention becomes this, so words inside a name are never cues


class SentenceView:
    """A sentence with its mentions, its masked lower-cased text and its cues; offsets local to the sentence."""

    def __init__(self, text: str, start: int, mentions: Sequence[Mention], rules: RelationRules) -> None:
        self.start = start
        self.text = text
        self.mentions = mentions
        self.masked = _masked(normalize_chars(text).lower(), [(m.start - start, m.end - start) for m in mentions])
        self.rules = rules
        self.cue_set = rules.cues
        self.cues = rules.cues.find(self.masked)
        # What the classifier works out once per sentence rather than once per partner (its direction words ...).
        self.memo: dict[str, object] = {}

    def local(self, mention: Mention) -> tuple[int, int]:
        return mention.start - self.start, mention.end - self.start

    def of_role(self, *roles: str) -> list[Cue]:
        return [cue for cue in self.cues if cue.role in roles]


def _masked(lowered: str, spans: list[tuple[int, int]]) -> str:
    """``lowered`` with every character of the spans (clipped to it) replaced by MASK, joined from slices."""
    pieces: list[str] = []
    done = 0
    for start, end in sorted(spans):
        start, end = max(start, done, 0), min(end, len(lowered))
        if start < end:
            pieces.append(lowered[done:start])
            pieces.append(MASK * (end - start))
            done = end
    pieces.append(lowered[done:])
    return "".join(pieces)
