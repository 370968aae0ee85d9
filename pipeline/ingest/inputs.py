"""Batches of paths: files and folders become Documents, and an unreadable file one ``InputError`` row."""

from __future__ import annotations

import os
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.schema import CorpusRecord, Document, InputError

from .bioc import read_bioc, read_bioc_records
from .bioc_json import read_bioc_json, read_bioc_json_records
from .detect import HEAD_BYTES, detect_format
from .errors import STAGE, IngestError
from .jats import read_jats
from .jsonl import read_jsonl
from .medline import read_medline
from .pdf import read_pdf
from .pubmed_xml import read_pubmed_xml
from .pubtator import read_pubtator, read_pubtator_records
from .scai import read_scai, read_scai_records
from .text import read_text

# The reader of each format that detect_format names.
READERS = {
    "txt": read_text,
    "pdf": read_pdf,
    "medline": read_medline,
    "pubmed_xml": read_pubmed_xml,
    "jats": read_jats,
    "jsonl": read_jsonl,
    "pubtator": read_pubtator,
    "bioc": read_bioc,
    "bioc_json": read_bioc_json,
    "scai": read_scai,
}
# The formats that carry annotations too, and the reader of their records (what `mirmine evaluate` scores against).
CORPUS_READERS = {
    "pubtator": read_pubtator_records, "bioc": read_bioc_records, "bioc_json": read_bioc_json_records,
    "scai": read_scai_records,
}  # fmt: skip
CORPUS_FORMATS_HINT = "PubTator (BioRED, BC5CDR), BioC XML (MMIC) or JSON, or the SCAI miRNA corpus XML"

# The start tags of one XML record: PubMed, JATS, BioC (an estimate: a JATS article may quote another).
RECORD_TAGS = (b"<PubmedArticle>", b"<article ", b"<article>", b"<document>")
# Folders that hold annotations, not inputs (corpus/gold/, corpus/gold-bench/).
SKIPPED_FOLDERS = frozenset({"gold", "gold-bench"})
EMPTY_FOLDER = "empty folder: no files to read (hidden files and gold/, gold-bench/ folders are left out)"
LINKED_FOLDER = "a link to a folder, not followed: pass that folder itself to read it"


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
                    counts["xml"] += sum(line.count(tag) for tag in RECORD_TAGS)
        except OSError:
            continue
        total += max(1, counts["medline"], counts["jsonl"], counts["xml"])
    return total


def _expand(paths: Iterable[str | Path]) -> Iterator[Path | InputError]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _folder_entries(path)
        elif path.is_symlink() and not path.exists():
            yield _skipped(path, _broken_link(path))
        elif path.exists():
            problem = _not_a_file(path)
            yield _skipped(path, problem) if problem else path
        else:
            yield InputError(str(path), path.stem, STAGE, "file not found: check the path")


def _folder_entries(folder: Path) -> list[Path | InputError]:
    """The files under ``folder`` in sorted order, and a row for each entry that is skipped for a reason a user can
    act on: a broken link, a link to a folder, a FIFO, a socket or a device, a folder that cannot be listed or holds
    nothing to read. Hidden files and folders and annotation folders (``gold/``,
    ``gold-bench/``) are left out without a row."""
    found: list[tuple[tuple[str, ...], Path | InputError]] = []

    def unlisted(err: OSError) -> None:
        where = Path(err.filename)
        reason = f"cannot list the folder ({err.strerror}); fix its permissions"
        found.append((_order(where, folder), _skipped(where, reason)))

    for root, dirs, files in os.walk(folder, onerror=unlisted):
        here = Path(root)
        # Pruning in place keeps os.walk out of .git, .venv and gold/ altogether; it never follows a linked folder.
        dirs[:] = [name for name in dirs if not name.startswith(".") and name not in SKIPPED_FOLDERS]
        visible = sorted(name for name in files if not name.startswith("."))
        for name in [name for name in dirs if (here / name).is_symlink()]:
            dirs.remove(name)
            found.append((_order(here / name, folder), _skipped(here / name, LINKED_FOLDER)))
        if not dirs and not visible:
            found.append((_order(here, folder), _skipped(here, EMPTY_FOLDER)))
        for name in visible:
            path = here / name
            if path.is_symlink() and not path.exists():
                item: Path | InputError = _skipped(path, _broken_link(path))
            else:
                problem = _not_a_file(path)
                item = _skipped(path, problem) if problem else path
            found.append((_order(path, folder), item))
    return [item for _, item in sorted(found, key=lambda entry: entry[0])]


def _broken_link(path: Path) -> str:
    return f"broken link: it points to {os.readlink(path)}, which does not exist; fix or remove the link"


def _order(path: Path, folder: Path) -> tuple[str, ...]:
    return path.relative_to(folder).parts


def _not_a_file(path: Path) -> str:
    """Why ``path`` is no file to read (a FIFO would block the run on opening it), or "" for a regular file."""
    try:
        mode = path.stat().st_mode
    except OSError as err:
        return _os_error_message(err)
    for test, what in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device")):  # fmt: skip
        if test(mode):
            return f"{what}, not a file: nothing to read; remove it from the inputs"
    return ""


def _skipped(path: Path, reason: str) -> InputError:
    return InputError(str(path), path.stem, STAGE, reason)


def read_corpus(path: str | Path) -> Iterator[CorpusRecord | InputError]:
    """The documents of an annotated corpus file with their annotations; ``IngestError`` if it is no such file."""
    path = Path(path)
    with path.open("rb") as handle:
        fmt = detect_format(path, handle.read(HEAD_BYTES))
    if fmt not in CORPUS_READERS:
        raise IngestError(path, f"{fmt} holds no annotations: a gold file is {CORPUS_FORMATS_HINT}")
    return CORPUS_READERS[fmt](path)


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
