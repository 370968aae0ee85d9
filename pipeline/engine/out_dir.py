"""The folder a run writes into: whose tables it already holds. A run replaces the tables of a run of the same inputs
(a re-run), never those of a run of other inputs unless told to (``force``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from pipeline.output import DOCUMENTS, MENTIONS, RELATIONS, RUN_FILE, TABLE


class OtherRunError(Exception):
    """The output folder holds the tables of a run of other inputs; the message names them and what to do."""


def input_arguments(inputs: Iterable[Path]) -> list[str]:
    """The inputs of a run as absolute paths, as ``run.json`` records them (``arguments``)."""
    return [str(Path(path).resolve()) for path in inputs]


def check_out_dir(out_dir: Path, inputs: Sequence[Path], force: bool = False) -> None:
    """Refuse (OtherRunError) to write over the tables of a run whose inputs this run does not cover."""
    if force:
        return
    uncovered = _uncovered_inputs(out_dir, [Path(path).resolve() for path in inputs])
    if uncovered:
        shown = ", ".join(uncovered[:3]) + (f" and {len(uncovered) - 3} more" if len(uncovered) > 3 else "")
        raise OtherRunError(
            f"{out_dir}: holds the tables of another run (of {shown}, which this run does not read); "
            "pass --force to replace them, or another --out"
        )


def _uncovered_inputs(out_dir: Path, current: list[Path]) -> list[str]:
    """The inputs of the run whose tables ``out_dir`` holds that are neither one of ``current`` nor inside one."""
    info_path = out_dir / RUN_FILE
    if not info_path.is_file():
        tables = [out_dir / table.file for table in (MENTIONS, RELATIONS, TABLE, DOCUMENTS)]
        return [str(path) for path in tables if path.is_file()]  # tables of an unknown run
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
        recorded = info.get("arguments") or [entry.get("absolute") or entry["path"] for entry in info["inputs"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return [f"{info_path} (unreadable)"]
    return [path for path in recorded if not any(_within(Path(path).resolve(), root) for root in current)]


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents

