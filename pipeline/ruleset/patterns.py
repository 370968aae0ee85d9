"""What a rule's regex needs, read from its parsed pattern: the literal heads a match starts at, and the literal
substrings every match holds.

Both make a rule cheap to try where it cannot match: ``HeadScan`` runs the miRNA grammar only near its heads
(`mir`, `microrna`, `let`), ``necessary_substrings`` lets the relation stage skip cues whose words a sentence lacks.
Both read the parser's private structures, and answer "no help" (scan everything) whenever the analysis fails:
never a wrong answer.
"""

from __future__ import annotations

import re

try:  # the regex parser of the standard library (re._parser from Python 3.11, sre_parse before)
    import re._parser as _sre_parse
    from re._constants import ASSERT, ASSERT_NOT, AT, BRANCH, IN, LITERAL, MAX_REPEAT, MAXREPEAT, MIN_REPEAT, SUBPATTERN
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse  # type: ignore[no-redef]
    from sre_constants import ASSERT, ASSERT_NOT, AT, BRANCH, IN, LITERAL, MAX_REPEAT, MAXREPEAT, MIN_REPEAT, SUBPATTERN  # type: ignore[no-redef]

_ZERO_WIDTH = {AT, ASSERT, ASSERT_NOT}


# --- the head scan --------------------------------------------------------------------------------------------
# A whole-name rule starts with a lookbehind (`(?<![A-Za-z0-9])`), which keeps Python's regex engine from its fast
# scan for a first character: `finditer` tries the rule at every position of the text, and most of an abstract
# holds no miRNA. Every match of `mirna.name` holds `mir` or `microrna` (in any case) where its stem starts, which
# is the match start or, after a species prefix (`hsa-`), at most 5 characters and a hyphen later. Trying the rule
# at those few positions alone finds the same matches and took `find` from 0.19 to 0.06 ms per abstract (772 real
# abstracts). The heads, the distance and the character before a head are read from the parsed rule, never written
# by hand; a rule the analysis cannot read is scanned whole.

_MIN_HEAD = 3  # a shorter head (the `7` of let-7) is in too many places to narrow the scan


class HeadScan:
    """A rule's regex, tried only where a match can start: at a head, or up to ``lead`` characters before one.

    Every match holds one of ``heads`` (lower case) at some place of the rule; what the match has before that place
    is at most ``lead`` characters long and, when not empty, ends with one of ``lead_ends`` (None: any character).
    Without heads the rule is scanned with plain ``finditer``.
    """

    def __init__(self, regex: re.Pattern) -> None:
        self.regex = regex
        self.heads: tuple[str, ...] = ()
        self.lead = 0
        self.lead_ends: frozenset[str] | None = None
        parsed = _parse(regex)
        try:
            place = _head_place(parsed) if parsed is not None else None
            if place is not None:
                before = _sre_parse.SubPattern(parsed.state, parsed.data[:place[1]])
                self.heads, self.lead, self.lead_ends = place[0], before.getwidth()[1], _end_chars(before.data)
        except Exception:  # the parser's private structures of another Python version: scan the whole text
            self.heads, self.lead, self.lead_ends = (), 0, None

    def find_all(self, text: str, lowered: str | None, head_positions: dict[tuple[str, ...], list[int]]) -> list[re.Match]:
        """The matches ``regex.finditer(text)`` yields, trying the regex only where a match can start.

        ``lowered`` is ``text.lower()`` of the same length (None: scan the whole text); ``head_positions`` keeps the
        head positions of one text for the rules that share its heads.
        """
        if lowered is None or not self.heads:
            return list(self.regex.finditer(text))
        positions = head_positions.get(self.heads)
        if positions is None:
            positions = head_positions[self.heads] = _positions(lowered, self.heads)
        starts = positions
        if self.lead:
            starts = []
            for position in positions:
                if position and (self.lead_ends is None or text[position - 1] in self.lead_ends):
                    starts.extend(range(max(0, position - self.lead), position))
                starts.append(position)
            starts = sorted(set(starts))
        match = self.regex.match  # `match(text, pos)` still sees the text before `pos`, as the lookbehind needs
        matches: list[re.Match] = []
        end = 0
        for start in starts:
            if start >= end and (found := match(text, start)) is not None:
                matches.append(found)
                end = found.end()  # `finditer` goes on after a match: it never overlaps the next one
        return matches


def _positions(lowered: str, heads: tuple[str, ...]) -> list[int]:
    """Every position where one of the heads starts, in order (`str.find` skips text at C speed)."""
    positions = []
    for head in heads:
        position = lowered.find(head)
        while position >= 0:
            positions.append(position)
            position = lowered.find(head, position + 1)
    return sorted(positions)


def _parse(regex: re.Pattern):
    """The parsed pattern of a rule without IGNORECASE, else None.

    With IGNORECASE `k` would also match the Kelvin sign, which ``str.lower()`` leaves as it is: no head is safe.
    """
    if regex.flags & re.IGNORECASE:
        return None
    try:
        return _sre_parse.parse(regex.pattern)
    except Exception:  # a Python version whose parser this analysis does not know: scan the whole text
        return None


def _head_place(parsed) -> tuple[tuple[str, ...], int] | None:
    """The best heads of the parsed rule and the index in its top-level sequence where they start; None if unknown.

    For each place of a bounded width after the match start: the literal texts one of which must follow it. The
    place whose shortest head is the longest wins (the rarer text), the first one on a tie.
    """
    best: tuple[tuple[str, ...], int] | None = None
    for index in range(len(parsed.data)):
        if _sre_parse.SubPattern(parsed.state, parsed.data[:index]).getwidth()[1] >= MAXREPEAT:
            break
        heads = _heads(parsed.data[index:])
        if not heads or min(map(len, heads)) < _MIN_HEAD:
            continue
        # A head that starts with another head adds no position: `mirna` is found as `mir`.
        heads = tuple(sorted(h for h in heads if not any(h != other and h.startswith(other) for other in heads)))
        if best is None or min(map(len, heads)) > min(map(len, best[0])):
            best = heads, index
    return best


def _heads(items) -> set[str] | None:
    """The lower-case literal texts one of which every match of the parsed sequence starts with; None if none."""
    head: list[str] = []
    for op, av in items:
        char = _folded_char(op, av)
        if char is not None:
            head.append(char)
            continue
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the literals on either side are adjacent in the text
        tails = None
        if op is SUBPATTERN and not av[1] & re.IGNORECASE:
            tails = _heads(av[-1])
        elif op is BRANCH:
            branches = [_heads(branch) for branch in av[1]]
            tails = None if any(branch is None for branch in branches) else set().union(*branches)
        if tails:
            return {"".join(head) + tail for tail in tails}
        break
    return {"".join(head)} if head else None


def _folded_char(op, av) -> str | None:
    """The lower-case letter of an item that matches one ASCII letter in one or both cases (`m`, `M`, `[Mm]`), else None.

    ASCII only: ``str.lower()`` maps it one to one whatever stands around it (not so the Greek capital sigma).
    """
    chars = _literal_chars(op, av)
    if chars is None or not all(char.isascii() for char in chars):
        return None
    folded = {char.lower() for char in chars}
    if len(folded) == 1 and len(char := folded.pop()) == 1:
        return char
    return None


def _literal_chars(op, av) -> set[str] | None:
    """The characters a literal or a class of literals (`[Mm]`) matches; None for any other item."""
    if op is LITERAL:
        return {chr(av)}
    if op is IN and all(member is LITERAL for member, _ in av):
        return {chr(code) for _, code in av}
    return None


def _end_chars(items) -> frozenset[str] | None:
    """The characters a non-empty match of the parsed sequence can end with; None if any character may."""
    found = _end_chars_and_empty(items)
    return None if found is None else frozenset(found[0])


def _end_chars_and_empty(items) -> tuple[set[str], bool] | None:
    """(the last characters of its non-empty matches, whether it may match empty) of a parsed sequence, or None."""
    chars: set[str] = set()
    for op, av in reversed(items):
        if op in _ZERO_WIDTH:
            continue
        literal = _literal_chars(op, av)
        if literal is not None:
            return chars | literal, False
        if op is SUBPATTERN:
            item = None if av[1] & re.IGNORECASE else _end_chars_and_empty(av[-1])
        elif op is BRANCH:
            branches = [_end_chars_and_empty(branch) for branch in av[1]]
            item = None if any(b is None for b in branches) else (set().union(*(b[0] for b in branches)), any(b[1] for b in branches))
        elif op in (MAX_REPEAT, MIN_REPEAT):
            inner = _end_chars_and_empty(av[2])
            item = None if inner is None else (inner[0], av[0] == 0 or inner[1])
        else:
            return None
        if item is None:
            return None
        chars |= item[0]
        if not item[1]:
            return chars, False
    return chars, True


# --- necessary substrings -------------------------------------------------------------------------------------


def necessary_substrings(pattern: str, min_length: int = 3) -> tuple[str, ...] | None:
    """Strings one of which is in every text the pattern matches (lower case), or None when none is known.

    `\\b(?:down-?regulat\\w*|suppress\\w*)` gives ("regulat", "suppress"): a sentence without either cannot match, and
    a substring test costs far less than running the regex over the sentence. Only mandatory literal runs count
    (optional parts, character classes and repeats that may be absent add nothing), so the answer is never wrong;
    when the analysis finds nothing at least ``min_length`` long, or the parser is unavailable, it says None.
    """
    try:
        found = _factors(_sre_parse.parse(pattern))
    except Exception:  # a pattern or a Python version this analysis does not know: no prefilter, never a wrong one
        return None
    if not found or min(map(len, found)) < min_length:
        return None
    return tuple(sorted(found))


def _factors(items) -> set[str] | None:
    """The best necessary set of one sequence: its longest literal run, or the best set of a mandatory part."""
    candidates: list[set[str]] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            candidates.append({"".join(run).lower()})
            run.clear()

    for op, av in items:
        if op is LITERAL:
            run.append(chr(av))
            continue
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the literals on either side are adjacent in the text
        close_run()
        if op is SUBPATTERN:
            inner = _factors(av[-1])
        elif op is BRANCH:
            branches = [_factors(branch) for branch in av[1]]
            inner = None if any(branch is None for branch in branches) else set().union(*branches)
        elif op in (MAX_REPEAT, MIN_REPEAT) and av[0] >= 1:
            inner = _factors(av[2])
        else:
            inner = None
        if inner:
            candidates.append(inner)
    close_run()
    return max(candidates, key=lambda found: min(map(len, found)), default=None)
