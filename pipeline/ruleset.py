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
