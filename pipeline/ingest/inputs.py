"""Batches of paths: files and folders become Documents, and an unreadable file one ``InputError`` row."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.schema import Document, InputError

from .detect import HEAD_BYTES, detect_format
from .errors import STAGE, IngestError
from .jsonl import read_jsonl
from .medline import read_medline
from .pdf import read_pdf
from .pubmed_xml import read_pubmed_xml
from .text import read_text

# The reader of each format that detect_format names.
READERS = {
    "txt": read_text,
    "pdf": read_pdf,
    "medline": read_medline,
    "pubmed_xml": read_pubmed_xml,
    "jsonl": read_jsonl,
}

# Folders that hold annotations, not inputs (corpus/gold/).
SKIPPED_FOLDERS = frozenset({"gold"})


def read_inputs(paths: Iterable[str | Path]) -> Iterator[Document | InputError]:
    """Documents from files and folders (recursive, sorted); one ``InputError`` per unreadable file or record."""
    for item in _expand(paths):
        if isinstance(item, InputError):
            yield item
        else:
            yield from _read_file(item)


def count_documents(paths: Iterable[str | Path]) -> int:
    """A quick estimate of how many documents the inputs hold, for a progress bar (not a parse)."""
    total = 0
    for item in _expand(paths):
        if isinstance(item, InputError):
            continue
        try:
            with item.open("rb") as handle:
                head = handle.read(4096)
                if head.startswith(b"%PDF-") or not head:
                    total += 1
                    continue
                handle.seek(0)
                counts = Counter()
                for line in handle:
                    if line.startswith(b"PMID-"):
                        counts["medline"] += 1
                    elif line.lstrip().startswith(b"{"):
                        counts["jsonl"] += 1
                    counts["xml"] += line.count(b"<PubmedArticle>")
        except OSError:
            continue
        total += max(1, counts["medline"], counts["jsonl"], counts["xml"])
    return total


def _expand(paths: Iterable[str | Path]) -> Iterator[Path | InputError]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _folder_files(path)
        elif path.exists():
            yield path
        else:
            yield InputError(str(path), path.stem, STAGE, "file not found: check the path")


def _folder_files(folder: Path) -> list[Path]:
    """Files under ``folder`` in sorted order, leaving out hidden files and folders and annotation folders."""
    found = []
    for root, dirs, files in os.walk(folder):
        # Pruning in place keeps os.walk out of .git, .venv and gold/ altogether.
        dirs[:] = [name for name in dirs if not name.startswith(".") and name not in SKIPPED_FOLDERS]
        found.extend(Path(root) / name for name in files if not name.startswith("."))
    return sorted((path for path in found if path.is_file()), key=lambda p: p.relative_to(folder).parts)


def _read_file(path: Path) -> Iterator[Document | InputError]:
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
        fmt = detect_format(path, head)
        yield from READERS[fmt](path)
    except IngestError as err:
        yield InputError(err.source, path.stem, STAGE, err.message)
    except OSError as err:
        yield InputError(str(path), path.stem, STAGE, _os_error_message(err))


def _os_error_message(err: OSError) -> str:
    if isinstance(err, PermissionError):
        return "permission denied: cannot read the file; fix its permissions (chmod +r) or run as its owner"
    if isinstance(err, IsADirectoryError):
        return "is a directory, not a file: pass the folder itself to read what is inside"
    return f"cannot read the file ({err.strerror or err}); check that it exists and is readable"
