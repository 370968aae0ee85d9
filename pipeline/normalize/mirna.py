"""miRNA names -> canonical names: the grammar of rules/mirna.jsonl, compiled once, and miRBase accessions.

miRNA norms follow CONTRACT.md: ``miR-<number><letter>[-<copy>][-<arm>]``, species prefix dropped,
``let-7<letter>`` kept as ``let-7``; enumerations expand into one name each; a cluster is ``miR-17~92``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from pipeline.ruleset import HeadScan, MirnaRule, RuleError, RuleSet, load_ruleset

from .lexicon import LEXICON_COLUMNS

_FRAGMENT_REF = re.compile(r"\{([A-Z]+)\}")
_PAREN_ITEM = re.compile(r"(?P<let>let-)?(?P<num>[1-9][0-9]*)(?P<letter>[a-k]|[a-z])?(?:-(?P<arm>[35]p))?")
_WHOLE_KINDS = ("cluster", "name", "let7")
_ITEM_KINDS = ("slash_item", "ellipsis_item", "bare_item")
_ARM_OR_STAR = re.compile(r"(?:-[35]p|\*)$")


@dataclass(frozen=True, slots=True)
class MirnaMatch:
    """One miRNA mention found in a text: span, norm and the id of the rule that found it."""

    start: int
    end: int
    norm: str
    rule: str


def mirna_norm(num: str, letter: str = "", copy: str = "", arm: str = "", star: bool = False, let: bool = False) -> str:
    """Build the canonical name from its parts (a letter written in capitals, `miR-181A`, is read in lower case)."""
    letter = letter.lower()
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

    def __init__(self, rules: Sequence[MirnaRule]) -> None:
        fragments = {rule.name: rule.pattern for rule in rules if rule.kind == "fragment"}
        by_kind: dict[str, tuple[str, re.Pattern]] = {}
        for rule in rules:
            if rule.kind == "fragment":
                continue
            pattern = _expanded(rule.pattern, fragments, rule)
            by_kind[rule.kind] = (rule.id, rule.compiled(pattern))
        missing = [kind for kind in (*_WHOLE_KINDS, *_ITEM_KINDS, "let7_item", "paren_list") if kind not in by_kind]
        if missing:
            where = rules[0].where.rsplit(":", 1)[0] if rules else MirnaRule.FILE
            raise RuleError(f"{where}: no rule of kind(s) {', '.join(missing)}")
        self._whole = [(by_kind[kind][0], HeadScan(by_kind[kind][1]), kind) for kind in _WHOLE_KINDS]
        # The items that may continue a miR name, tried in this order at each place of a list; a let-7 name has its own.
        self._items = [(by_kind[kind][1], by_kind[kind][0], kind) for kind in _ITEM_KINDS]
        self._let7_items = [(by_kind["let7_item"][1], by_kind["let7_item"][0], "let7_item")]
        self._paren_id, paren = by_kind["paren_list"]
        self._paren = HeadScan(paren)

    def find(self, text: str) -> list[MirnaMatch]:
        """All miRNA mentions in ``text``, ordered by offset, overlaps resolved (longest, then rule order)."""
        lowered = text.lower()
        if len(lowered) != len(text):
            lowered = None  # `İ` lower-cases to two characters: offsets in `lowered` would not be offsets in `text`
        head_positions: dict[tuple[str, ...], list[int]] = {}  # `mirna.name` and `mirna.cluster` share their heads
        candidates: list[tuple[int, int, int, MirnaMatch]] = []
        for priority, (rule_id, scan, kind) in enumerate(self._whole):
            for match in scan.find_all(text, lowered, head_positions):
                candidates.append((match.start(), -match.end(), priority, self._whole_match(match, rule_id, kind)))
        for match in self._paren.find_all(text, lowered, head_positions):
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
            norm = f"miR-{parts['num']}{(parts['letter'] or '').lower()}~{parts['num2']}{parts['letter2'] or ''}"
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
        """Add the items that continue a name: ``/222`` and ``/c``, ``, -155 and -222``, ``, 19a and 135b``.

        Each item continues the list the one before it left off (``miR-15b, -16, 21, -22``, ``miR-34a, 34b/c``); a slash
        item reuses the stem of the item right before it, and an arm on the last item of a slash run goes to the items of
        the run without one (``miR-30a/d-3p``). A let-7 name takes only let-7 items (``let-7a, 7b and -7c``).
        """
        found: list[MirnaMatch] = []
        for index, name in enumerate(names):
            found.append(name)
            if "~" in name.norm:
                continue
            kinds = self._let7_items if name.norm.startswith("let-") else self._items
            limit = names[index + 1].start if index + 1 < len(names) else len(text)
            last, position, run = name, name.end, len(found) - 1
            while (step := self._next_item(text, position, limit, kinds)) is not None:
                item, rule_id, kind = step
                if kind != "slash_item":
                    run = len(found)  # a slash run starts at the item right before its first slash
                last = self._continuation(item, _BASE.match(last.norm), rule_id, kind)
                found.append(last)
                position = item.end()
                if kind == "slash_item" and item.group("arm") and not item.group("arm_only"):
                    found[run:-1] = _shared_arm(found[run:-1], item.group("arm").lower())
        return found

    @staticmethod
    def _next_item(text: str, position: int, limit: int, kinds: list[tuple[re.Pattern, str, str]]):
        """The first item kind that matches at ``position`` (before ``limit``): (match, rule id, kind), else None."""
        for regex, rule_id, kind in kinds:
            if (item := regex.match(text, position, limit)) is not None:
                return item, rule_id, kind
        return None

    @staticmethod
    def _continuation(item: re.Match, base: re.Match | None, rule_id: str, kind: str) -> MirnaMatch:
        parts = item.groupdict()
        if parts.get("arm_only"):
            norm = mirna_norm(base.group("num"), base.group("letter") or "", base.group("copy") or "", parts["arm_only"])
            start = item.start("arm_only")
            # An elliptic arm is written with its hyphen (`miR-21-5p and -3p`); keep it in the span, as for "-155".
            return MirnaMatch(start - 1 if kind == "ellipsis_item" else start, item.end(), norm, rule_id)
        if parts.get("only_letter"):
            norm = mirna_norm(
                base.group("num"), parts["only_letter"], parts["copy"] or "", parts["arm"] or "", bool(parts["star"])
            )
            return MirnaMatch(item.start("only_letter"), item.end(), norm, rule_id)
        norm = mirna_norm(
            parts["num"], parts["letter"] or "", parts.get("copy") or "", parts["arm"] or "", bool(parts["star"]),
            let=kind == "let7_item",
        )
        start = item.start("num")
        # An elliptic item is written with its hyphen ("-155", "-7d"); keep it in the span.
        if kind in ("ellipsis_item", "let7_item") and item.string[start - 1] == "-":
            start -= 1
        return MirnaMatch(start, item.end(), norm, rule_id)


def _shared_arm(run: list[MirnaMatch], arm: str) -> list[MirnaMatch]:
    """The items of a slash run before its last one, with the arm that last one has (`miR-30a/d-3p`): only when none of
    them has an arm or a star of its own (`miR-21-5p/155-3p` keeps each arm)."""
    if any(_ARM_OR_STAR.search(item.norm) for item in run):
        return run
    return [replace(item, norm=f"{item.norm}-{arm}") for item in run]


_BASE = re.compile(r"miR-(?P<num>\d+)(?P<letter>[a-z])?(?:-(?P<copy>[1-9])(?![0-9p]))?")


def _expanded(pattern: str, fragments: dict[str, str], rule: MirnaRule, using: tuple[str, ...] = ()) -> str:
    """``pattern`` with each ``{NAME}`` replaced by its fragment, itself expanded (`{NOTQUANTITY}` uses `{QUANTITY}`)."""

    def fragment(ref: re.Match) -> str:
        name = ref.group(1)
        if name not in fragments:
            raise rule.fail(f"unknown fragment {{{name}}}")
        if name in using:
            raise rule.fail(f"fragment {{{name}}} uses itself")
        return _expanded(fragments[name], fragments, rule, (*using, name))

    return _FRAGMENT_REF.sub(fragment, pattern)


@cache
def mirna_grammar(rules: RuleSet) -> MirnaGrammar:
    """The grammar compiled from the rule set's ``mirna.jsonl``, once per process."""
    return MirnaGrammar(rules.rules(MirnaRule))


def normalize_mirna(surface: str, rules: RuleSet | None = None) -> list[str]:
    """The canonical names a written form stands for (``miR-221/222`` -> two); empty if it is not a miRNA."""
    return [match.norm for match in mirna_grammar(rules or load_ruleset()).find(surface)]


# --- miRBase ---------------------------------------------------------------------------------------------------

_COPY = re.compile(r"-[0-9]+$")


MIRBASE_FILE = "mirbase.tsv"


@cache
def _mirbase(rules: RuleSet) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Human precursor accessions by name, and the copy-numbered precursors of each base name."""
    by_name = {row["term"]: row["concept_id"] for row in rules.rows(MIRBASE_FILE, LEXICON_COLUMNS)}
    copies: dict[str, list[str]] = {}
    for name in by_name:
        if _COPY.search(name):
            copies.setdefault(_COPY.sub("", name), []).append(name)
    return by_name, {base: tuple(sorted(names)) for base, names in copies.items()}


def mirna_concept_id(norm: str, rules: RuleSet) -> str:
    """The miRBase precursor accession of a miRNA norm when it maps to one human precursor, else ""."""
    by_name, copies = _mirbase(rules)
    precursor = "hsa-" + _ARM_OR_STAR.sub("", norm).replace("miR-", "mir-")
    if precursor in by_name:
        return by_name[precursor]
    candidates = copies.get(precursor, ())
    return by_name[candidates[0]] if len(candidates) == 1 else ""
