"""How a count is written for a person (the CLI's summaries, the review pages): `1 document`, `1,234 documents`."""

from __future__ import annotations


def counted(n: int, one: str, many: str | None = None) -> str:
    """``n`` with the word in the singular for one, else in ``many`` (default: the word and an s)."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"
