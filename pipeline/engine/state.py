"""The state of a run in ``OUT/.mirmine``: its sorted part files (written and merged by ``output.parts``),
``done.jsonl`` (which documents each finished part holds) and the document index on disk.

Each finished part is recorded in ``done.jsonl`` (appended and fsynced after the part's files are renamed into
place), so a run killed at any point and restarted with resume skips the documents of recorded parts (same doc_id,
same text, same rules) and redoes the rest: none lost, none twice.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pipeline.output.parts as parts
from pipeline import __version__
from pipeline.output import DOCUMENTS, MENTIONS, RELATIONS, TableSpec, write_json
from pipeline.schema import Document

from .workers import ChunkResult

STATE_DIR = ".mirmine"


class RunState:
    """The parts of a run and ``done.jsonl``, the record of which documents each finished part holds.

    ``done.jsonl`` and the parts' ``.done`` markers are the record; ``index`` is rebuilt from them at every start.
    """

    def __init__(self, out_dir: Path, fingerprint: str, resume: bool) -> None:
        self.dir = out_dir / STATE_DIR
        self.parts = self.dir / "parts"
        self.done_file = self.dir / "done.jsonl"
        self.fingerprint = fingerprint
        self.resumed = False
        if resume and self._fingerprint_matches():
            self.resumed = True
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
        self.parts.mkdir(parents=True, exist_ok=True)
        self.index = DocIndex(self.dir / "index.sqlite")
        if self.resumed:
            self._load_done()
        write_json(self.dir / "state.json", {"fingerprint": fingerprint, "mirmine_version": __version__})
        self.next_part = max((int(p.name.split("-")[1].split(".")[0]) for p in self.parts.glob("part-*.done")), default=-1) + 1
        self._latest: dict[str, int] | None = None

    def _fingerprint_matches(self) -> bool:
        try:
            return json.loads((self.dir / "state.json").read_text(encoding="utf-8"))["fingerprint"] == self.fingerprint
        except (OSError, ValueError, KeyError):
            return False

    def _load_done(self) -> None:
        try:
            handle = self.done_file.open(encoding="utf-8")
        except OSError:
            return
        with handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # the line a kill cut short: its part is not recorded, so its documents are redone
                if (self.parts / f"part-{record['part']:06d}.done").exists():
                    self.index.record_part(record["part"], record["docs"])

    def is_done(self, document: Document) -> bool:
        """Whether an earlier run of these rules finished this document with this text."""
        return self.resumed and self.index.sha_of(document.doc_id) == document.sha256

    def write_part(self, results: list[ChunkResult]) -> None:
        """Write one part (a sorted TSV file per table), then record it: a kill before the record loses only this part."""
        number = self.next_part
        self.next_part += 1
        stem = self.parts / f"part-{number:06d}"
        parts.write_part(Path(f"{stem}.{Path(MENTIONS.file).stem}.tsv"), (m for r in results for m in r.mentions))
        parts.write_part(Path(f"{stem}.{Path(RELATIONS.file).stem}.tsv"), (x for r in results for x in r.relations))
        parts.write_part(Path(f"{stem}.{Path(DOCUMENTS.file).stem}.tsv"), (d for r in results for d in r.documents))
        Path(f"{stem}.done").touch()
        docs = [[doc_id, sha] for r in results for doc_id, sha, _ in r.docs]
        with self.done_file.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"part": number, "docs": docs}) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.index.record_part(number, docs)

    def merged(self, table: TableSpec) -> Iterator[list[str]]:
        """Rows of every part for ``table`` in its order, each document's rows from its latest part only."""
        kind, doc_at = Path(table.file).stem, table.columns.index("doc_id")
        streams = []
        for done in sorted(self.parts.glob("part-*.done")):
            number = int(done.name.split("-")[1].split(".")[0])
            streams.append(self._rows(Path(f"{self.parts}/part-{number:06d}.{kind}.tsv"), number, doc_at))
        return parts.merge_parts(streams, table, self.dir)

    def _rows(self, path: Path, part: int, doc_at: int) -> Iterator[list[str]]:
        if self._latest is None:
            self._latest = self.index.redone()
        latest = self._latest
        for fields in parts.read_part(path):
            if latest.get(fields[doc_at], part) == part:
                yield fields


class DocIndex:
    """The run's document indexes, on disk: the documents read so far (for duplicates) and the finished ones.

    A run over PubMed reads 38 million documents; as dicts in the parent process these indexes took 200 bytes a
    document (7.6 GB). In a scratch SQLite file (no journal, no syncs: it is rebuilt from ``done.jsonl`` at every
    start) they take a few MB of memory. ``copies`` counts the parts that hold a document: a document redone on
    resume (its text changed) is in two, and only the latest one's rows go into the tables. The pool's feeder
    thread asks about documents read while the main thread records parts: one lock around every statement.
    """

    def __init__(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE seen (doc_id TEXT PRIMARY KEY, source INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE done (doc_id TEXT PRIMARY KEY, part INTEGER NOT NULL, sha TEXT NOT NULL,
                               copies INTEGER NOT NULL DEFAULT 1) WITHOUT ROWID;
            BEGIN;
            """
        )
        self.sources: dict[str, int] = {}
        self.lock = threading.Lock()

    def first_source(self, doc_id: str, source: str) -> str | None:
        """Note that ``doc_id`` was read from ``source``; the source it was first read from if it was read before."""
        number = self.sources.setdefault(source, len(self.sources))
        with self.lock:
            try:
                self.db.execute("INSERT INTO seen VALUES (?, ?)", (doc_id, number))
                return None
            except sqlite3.IntegrityError:
                (first,) = self.db.execute("SELECT source FROM seen WHERE doc_id = ?", (doc_id,)).fetchone()
        return next(name for name, n in self.sources.items() if n == first)

    def record_part(self, part: int, docs: list[list[str]]) -> None:
        """Record that ``part`` holds these [doc_id, sha256] documents."""
        with self.lock:
            self.db.executemany(
                "INSERT INTO done (doc_id, part, sha) VALUES (?, ?, ?) ON CONFLICT (doc_id) DO UPDATE"
                " SET part = excluded.part, sha = excluded.sha, copies = copies + 1",
                [(doc_id, part, sha) for doc_id, sha in docs],
            )

    def sha_of(self, doc_id: str) -> str | None:
        with self.lock:
            row = self.db.execute("SELECT sha FROM done WHERE doc_id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def redone(self) -> dict[str, int]:
        """The latest part of each document that more than one part holds (none, unless a resume redid some)."""
        with self.lock:
            return dict(self.db.execute("SELECT doc_id, part FROM done WHERE copies > 1"))

    def close(self) -> None:
        with self.lock:
            self.db.execute("COMMIT")
            self.db.close()
