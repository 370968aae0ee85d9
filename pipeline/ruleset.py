"""Load rule files (JSONL rules, TSV lexicons) from ``rules/``, validated, with ``path:line`` in every error.

The folder ``rules/`` is shipped as the package data ``pipeline.rules``; a caller may pass another folder.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

RULES_PACKAGE = "pipeline.rules"
RULE_FILE_SUFFIXES = (".jsonl", ".tsv")


class RuleError(ValueError):
    """A rule file is missing, malformed, or yields no rules."""


def default_rules_dir() -> Path:
    """The ``rules/`` folder this package was installed with."""
    return Path(str(resources.files(RULES_PACKAGE)))


def rule_path(name: str, rules_dir: Path | None = None) -> Path:
    path = (rules_dir or default_rules_dir()) / name
    if not path.is_file():
        raise RuleError(f"{path}: rule file not found; restore it from the repository or pass --rules DIR")
    return path


def load_jsonl_rules(name: str, required: Iterable[str], rules_dir: Path | None = None) -> list[dict]:
    """Read one rule per line; each needs an ``id`` and the ``required`` keys. Blank and ``//`` lines are skipped."""
    path = rule_path(name, rules_dir)
    required = ("id", *required)
    rules: list[dict] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith("//"):
                continue
            try:
                rule = json.loads(stripped)
            except json.JSONDecodeError as err:
                raise RuleError(f"{path}:{line_no}: not valid JSON ({err.msg})") from err
            if not isinstance(rule, dict):
                raise RuleError(f"{path}:{line_no}: expected a JSON object, got {type(rule).__name__}")
            missing = [key for key in required if key not in rule]
            if missing:
                raise RuleError(f"{path}:{line_no}: missing key(s) {', '.join(missing)}")
            if rule["id"] in seen:
                raise RuleError(f"{path}:{line_no}: duplicate rule id {rule['id']!r}")
            seen.add(rule["id"])
            rule["_where"] = f"{path.name}:{line_no}"
            rules.append(rule)
    if not rules:
        raise RuleError(f"{path}: the file yields no rules")
    return rules


def load_tsv_lexicon(name: str, columns: Iterable[str], rules_dir: Path | None = None) -> list[dict]:
    """Read a TSV lexicon with a header row that has at least ``columns``; ``#`` lines are comments."""
    path = rule_path(name, rules_dir)
    columns = tuple(columns)
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [col for col in columns if col not in (reader.fieldnames or ())]
        if missing:
            raise RuleError(f"{path}:1: header lacks column(s) {', '.join(missing)}")
        rows = []
        for row in reader:
            if any(row.get(col) is None for col in columns):
                raise RuleError(f"{path}:{reader.line_num}: expected {len(reader.fieldnames)} tab-separated fields")
            rows.append(row)
    if not rows:
        raise RuleError(f"{path}: the lexicon has no entries")
    return rows


def rules_checksums(rules_dir: Path | None = None) -> dict[str, str]:
    """sha256 of every rule file, by file name: what ``run.json`` records and resume compares."""
    folder = rules_dir or default_rules_dir()
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.suffix in RULE_FILE_SUFFIXES
    }


# --- regex prefilters -------------------------------------------------------------------------------------

try:  # the regex parser of the standard library (re._parser from Python 3.11, sre_parse before)
    import re._parser as _sre_parse
    from re._constants import AT, ASSERT, ASSERT_NOT, BRANCH, LITERAL, MAX_REPEAT, MIN_REPEAT, SUBPATTERN
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse  # type: ignore[no-redef]
    from sre_constants import AT, ASSERT, ASSERT_NOT, BRANCH, LITERAL, MAX_REPEAT, MIN_REPEAT, SUBPATTERN  # type: ignore[no-redef]

_ZERO_WIDTH = {AT, ASSERT, ASSERT_NOT}


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
