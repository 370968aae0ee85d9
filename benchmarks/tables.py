"""Plain-text tables of both benchmark reports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def number(value: Any, digits: int = 3) -> str:
    """A cell: ``-`` for a missing value, floats to ``digits`` places, ints with thousands separators."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Columns padded to their widest cell: the first left-aligned, the numbers right-aligned."""
    cells = [list(headers), *[[number(value) for value in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(cell.ljust(width) if i == 0 else cell.rjust(width) for i, (cell, width) in enumerate(zip(row, widths)))
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
