"""Surface form -> canonical name: the miRNA grammar (rules/mirna.jsonl), compiled once.

miRNA norms follow CONTRACT.md: ``miR-<number><letter>[-<copy>][-<arm>]``, species prefix dropped,
``let-7<letter>`` kept as ``let-7``; enumerations expand into one name each; a cluster is ``miR-17~92``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.ruleset import RuleError, load_jsonl_rules

MIRNA_RULES = "mirna.jsonl"
_FRAGMENT_REF = re.compile(r"\{([A-Z]+)\}")
_PAREN_ITEM = re.compile(r"(?P<let>let-)?(?P<num>[1-9][0-9]*)(?P<letter>[a-k]|[a-z])?(?:-(?P<arm>[35]p))?")
_WHOLE_KINDS = ("cluster", "name", "let7")


@dataclass(frozen=True, slots=True)
class MirnaMatch:
    """One miRNA mention found in a text: span, norm and the id of the rule that found it."""

    start: int
    end: int
    norm: str
    rule: str


def mirna_norm(num: str, letter: str = "", copy: str = "", arm: str = "", star: bool = False, let: bool = False) -> str:
    """Build the canonical name from its parts."""
    name = f"let-{num}{letter}" if let else f"miR-{num}{letter}"
    if copy:
        name += f"-{copy}"
    if arm:
        name += f"-{arm.lower()}"
    elif star:
        name += "*"
    return name


class MirnaGrammar:
    """Finds and normalizes miRNA names, enumerations, elliptic lists and clusters in a text."""

    def __init__(self, rules: list[dict]) -> None:
        fragments = {rule["name"]: rule["pattern"] for rule in rules if rule["kind"] == "fragment"}
        by_kind: dict[str, tuple[str, re.Pattern]] = {}
        for rule in rules:
            if rule["kind"] == "fragment":
                continue
            pattern = _FRAGMENT_REF.sub(lambda m, where=rule["_where"]: _fragment(fragments, m.group(1), where), rule["pattern"])
            try:
                by_kind[rule["kind"]] = (rule["id"], re.compile(pattern))
            except re.error as err:
                raise RuleError(f"{rule['_where']}: rule {rule['id']!r} is not a valid regex ({err})") from err
        missing = [kind for kind in (*_WHOLE_KINDS, "slash_item", "ellipsis_item", "paren_list") if kind not in by_kind]
        if missing:
            raise RuleError(f"{MIRNA_RULES}: no rule of kind(s) {', '.join(missing)}")
        self._whole = [by_kind[kind] + (kind,) for kind in _WHOLE_KINDS]
        self._slash_id, self._slash = by_kind["slash_item"]
        self._ellipsis_id, self._ellipsis = by_kind["ellipsis_item"]
        self._paren_id, self._paren = by_kind["paren_list"]

    def find(self, text: str) -> list[MirnaMatch]:
        """All miRNA mentions in ``text``, ordered by offset, overlaps resolved (longest, then rule order)."""
        candidates: list[tuple[int, int, int, MirnaMatch]] = []
        for priority, (rule_id, regex, kind) in enumerate(self._whole):
            for match in regex.finditer(text):
                candidates.append((match.start(), -match.end(), priority, self._whole_match(match, rule_id, kind)))
        for match in self._paren.finditer(text):
            for item in self._paren_items(match):
                candidates.append((item.start, -item.end, len(self._whole), item))
        kept: list[MirnaMatch] = []
        last_end = -1
        for _, _, _, found in sorted(candidates, key=lambda c: c[:3]):
            if found.start >= last_end:
                kept.append(found)
                last_end = found.end
        return self._with_continuations(text, kept)

    def _whole_match(self, match: re.Match, rule_id: str, kind: str) -> MirnaMatch:
        parts = match.groupdict()
        if kind == "cluster":
            norm = f"miR-{parts['num']}{parts['letter'] or ''}~{parts['num2']}{parts['letter2'] or ''}"
        else:
            norm = mirna_norm(
                parts["num"], parts["letter"] or "", parts["copy"] or "", parts["arm"] or "",
                bool(parts["star"]), let=kind == "let7",
            )
        return MirnaMatch(match.start(), match.end(), norm, rule_id)

    def _paren_items(self, match: re.Match) -> list[MirnaMatch]:
        offset = match.start("items")
        items = [m for m in _PAREN_ITEM.finditer(match.group("items"))]
        # A list of bare one-digit numbers is more often a set of references than miRNAs.
        if not any(m.group("let") or m.group("letter") or len(m.group("num")) > 1 for m in items):
            return []
        return [
            MirnaMatch(
                offset + m.start(), offset + m.end(),
                mirna_norm(m.group("num"), m.group("letter") or "", arm=m.group("arm") or "", let=bool(m.group("let"))),
                self._paren_id,
            )
            for m in items
        ]

    def _with_continuations(self, text: str, names: list[MirnaMatch]) -> list[MirnaMatch]:
        """Add the items that continue a name: ``/222`` and ``/c`` after it, then ``, -155 and -222``."""
        found: list[MirnaMatch] = []
        for index, name in enumerate(names):
            found.append(name)
            if name.norm.startswith("let-") or "~" in name.norm:
                continue
            limit = names[index + 1].start if index + 1 < len(names) else len(text)
            base = _BASE.match(name.norm)
            position = name.end
            for regex, rule_id, elliptic in ((self._slash, self._slash_id, False), (self._ellipsis, self._ellipsis_id, True)):
                while (item := regex.match(text, position, limit)) is not None:
                    found.append(self._continuation(item, base, rule_id, elliptic))
                    position = item.end()
        return found


    @staticmethod
    def _continuation(item: re.Match, base: re.Match, rule_id: str, elliptic: bool) -> MirnaMatch:
        parts = item.groupdict()
        if parts.get("arm_only"):
            norm = mirna_norm(base.group("num"), base.group("letter") or "", base.group("copy") or "", parts["arm_only"])
            return MirnaMatch(item.start("arm_only"), item.end(), norm, rule_id)
        if parts.get("only_letter"):
            norm = mirna_norm(base.group("num"), parts["only_letter"], arm=parts["arm"] or "", star=bool(parts["star"]))
            return MirnaMatch(item.start("only_letter"), item.end(), norm, rule_id)
        norm = mirna_norm(parts["num"], parts["letter"] or "", arm=parts["arm"] or "", star=bool(parts["star"]))
        # An elliptic item is written with its hyphen ("-155"); keep it in the span.
        start = item.start("num") - (1 if elliptic else 0)
        return MirnaMatch(start, item.end(), norm, rule_id)


_BASE = re.compile(r"miR-(?P<num>\d+)(?P<letter>[a-z])?(?:-(?P<copy>[1-9])(?![0-9p]))?")


def _fragment(fragments: dict[str, str], name: str, where: str) -> str:
    if name not in fragments:
        raise RuleError(f"{where}: unknown fragment {{{name}}}")
    return fragments[name]


@cache
def mirna_grammar(rules_dir: Path | None = None) -> MirnaGrammar:
    """The grammar compiled from ``rules/mirna.jsonl``, once per process."""
    return MirnaGrammar(load_jsonl_rules(MIRNA_RULES, ("kind", "pattern"), rules_dir))


def normalize_mirna(surface: str, rules_dir: Path | None = None) -> list[str]:
    """The canonical names a written form stands for (``miR-221/222`` -> two); empty if it is not a miRNA."""
    return [match.norm for match in mirna_grammar(rules_dir).find(surface)]
