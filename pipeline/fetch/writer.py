"""The output file: records appended batch by batch to ``FILE.part``, renamed to ``FILE`` once the set is closed.

``FILE`` is only ever the result of ``os.replace``: a reader sees a complete ``<PubmedArticleSet>`` or nothing.
The part file is trusted up to the size the state recorded after the last complete batch; anything after that
(a batch cut short by a kill) is cut off before the next append.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .state import StateError

HEADER = b'<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n'
FOOTER = b"</PubmedArticleSet>\n"


class PartFile:
    """``FILE.part``, holding ``size`` trusted bytes (0: not started)."""

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        self.size = size
        if size == 0:
            path.unlink(missing_ok=True)
            return
        actual = path.stat().st_size if path.is_file() else -1
        if actual < size:
            raise StateError(
                f"{path}: {'missing' if actual < 0 else f'{actual} bytes'}, where the fetch state recorded {size}; "
                "pass --restart to fetch again from the start"
            )
        if actual > size:
            os.truncate(path, size)

    def append(self, records: Iterable[bytes]) -> int:
        """Append records (one a line) and sync them to disk; returns the new trusted size."""
        with self.path.open("ab") as handle:
            if self.size == 0:
                handle.truncate(0)
                handle.write(HEADER)
            for record in records:
                handle.write(record + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
            self.size = handle.tell()
        return self.size

    def finish(self, out: Path) -> None:
        """Close the set and rename the part file to ``out`` (a fetch of no records gives an empty set)."""
        self.append(())
        with self.path.open("ab") as handle:
            handle.write(FOOTER)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(self.path, out)
        _sync_folder(out.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable; some file systems cannot open a folder, and then the rename is as durable as it gets."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

