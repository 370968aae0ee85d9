"""Reading rule files: JSONL rules and TSV lexicons, with ``path:line`` in every error, and their checksums."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

RULES_PACKAGE = "pipeline.rules"
RULE_FILE_SUFFIXES = (".jsonl", ".tsv")


class RuleError(ValueError):
    """A rule file is missing, malformed, or yields no rules; the message names the file and line."""


def default_rules_dir() -> Path:
    """The ``rules/`` folder this package was installed with (shipped as the package data ``pipeline.rules``)."""
    return Path(str(resources.files(RULES_PACKAGE)))


def rule_file(folder: Path, name: str) -> Path:
    """``folder/name``, which must exist."""
    path = folder / name
    if not path.is_file():
        raise RuleError(
            f"{path}: rule file not found; copy it from the packaged rules ({default_rules_dir() / name}) "
            "into that folder, or pass another --rules folder"
        )
    return path


def read_jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) of every rule line; blank and ``//`` lines are skipped. A file with none is an error."""
    found = False
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
            found = True
            yield line_no, rule
    if not found:
        raise RuleError(f"{path}: the file yields no rules")


def read_tsv(path: Path, columns: Iterable[str]) -> list[dict[str, str]]:
    """Rows of a TSV lexicon with a header row that has at least ``columns``; ``#`` lines are comments."""
    columns = tuple(columns)
    numbers: list[int] = []  # the file's line number of each line the reader sees (comments are not given to it)

    def content(handle: Iterable[str]) -> Iterator[str]:
        for line_no, line in enumerate(handle, start=1):
            if not line.startswith("#"):
                numbers.append(line_no)
                yield line

    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(content(handle), delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [col for col in columns if col not in (reader.fieldnames or ())]
        if missing:
            raise RuleError(f"{path}:{numbers[0] if numbers else 1}: header lacks column(s) {', '.join(missing)}")
        rows = []
        for row in reader:
            if any(row.get(col) is None for col in columns):
                where = numbers[reader.line_num - 1]
                raise RuleError(f"{path}:{where}: expected {len(reader.fieldnames)} tab-separated fields")
            rows.append(row)
    if not rows:
        raise RuleError(f"{path}: the lexicon has no entries")
    return rows


def checksums(folder: Path) -> dict[str, str]:
    """sha256 of every rule file, by file name: what ``run.json`` records and resume compares."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.suffix in RULE_FILE_SUFFIXES
    }
