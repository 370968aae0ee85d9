"""What every format's writer shares: the guard over the output folder, the writer base class, one-line text.

Every file is written to a temporary file and renamed over its target. ``mirmine-export.json`` in the output folder
records what was written (name and sha256), so a later export replaces its own files but never a file it did not
write or that was edited since (a curator's work in brat), unless ``force`` is given.
"""

from __future__ import annotations

import json
import re
from contextlib import ExitStack
from pathlib import Path

from pipeline import __version__
from pipeline.output import file_sha256, write_json

from .documents import AnnotatedDocument, ExportError, RunTables

MANIFEST_FILE = "mirmine-export.json"
# Characters that end a line for str.splitlines() (and so for most readers of line-based formats), and the tab.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK_OR_TAB = re.compile(f"[{LINE_BREAKS}\t]")


class Guard:
    """What earlier exports wrote into the folder (``mirmine-export.json``): only files still as written are replaced."""

    def __init__(self, out_dir: Path, force: bool) -> None:
        self.out_dir, self.force = out_dir, force
        self.path = out_dir / MANIFEST_FILE
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        data = data if isinstance(data, dict) else {}
        self.files: dict[str, str] = dict(data.get("files") or {})
        self.documents: dict[str, str] = dict(data.get("documents") or {})

    def edited(self, path: Path) -> bool:
        """Whether ``path`` holds something an earlier export did not write there (a curator's edits, another file)."""
        if self.force or not path.exists():
            return False
        try:
            return self.files.get(path.name) != file_sha256(path)
        except OSError:
            return True

    def refusal(self, path: Path) -> str:
        return (
            f"{path}: exists and is not the file an earlier `mirmine export` wrote there (edited since, e.g. by a "
            "curator, or another file); pass --force to replace it, or export into another folder"
        )

    def wrote(self, path: Path) -> None:
        self.files[path.name] = file_sha256(path)

    def save(self, fmt: str, run_dir: Path) -> None:
        write_json(
            self.path,
            {
                "mirmine_version": __version__,
                "format": fmt,
                "run": str(run_dir.resolve()),
                "files": dict(sorted(self.files.items())),
                "documents": dict(sorted(self.documents.items())),
            },
        )


class Writer:
    """One output format: ``add`` writes a document (or returns why not), ``finish`` the files that describe them."""

    def __init__(self, out_dir: Path, guard: Guard, stack: ExitStack, run: RunTables) -> None:
        self.out_dir, self.guard, self.run = out_dir, guard, run
        self.written: list[Path] = []
        self.kept: list[Path] = []

    def _claim(self, *names: str) -> list[Path]:
        """The paths of a whole-export file set; raise when one of them may not be replaced."""
        paths = [self.out_dir / name for name in names]
        for path in paths:
            if self.guard.edited(path):
                raise ExportError(self.guard.refusal(path))
        return paths

    def add(self, item: AnnotatedDocument) -> str:
        raise NotImplementedError

    def finish(self) -> None:
        """Called only when at least one document was added."""


def one_line(text: str) -> str:
    """Text for a single-line field: line breaks and tabs become spaces (same length, so offsets hold)."""
    return _BREAK_OR_TAB.sub(" ", text)
