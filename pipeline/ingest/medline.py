"""PubMed MEDLINE ("Save -> PubMed format", .txt or .nbib), streamed record by record."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from Bio import Medline

from pipeline.schema import Document, InputError

from .errors import STAGE, IngestError
from .front_matter import parse_year
from .records import record_document

# "10.1111/jcmm.15396 [doi]" inside LID or AID values.
MEDLINE_DOI = re.compile(r"(\S+)\s*\[doi\]")


class _LineTracker:
    """Feeds a file's lines to Bio.Medline as text and remembers the line where the current record began."""

    def __init__(self, path: Path, lines: Iterable[bytes]) -> None:
        self._path = path
        self._lines = lines
        self.line_no = 0
        self.record_start = 1
        self._after_blank = True

    def __iter__(self) -> Iterator[str]:
        for raw in self._lines:
            self.line_no += 1
            line = self._decode(raw)
            if not line.strip():
                # Bio.Medline only treats a bare newline as the end of a record.
                self._after_blank = True
                yield "\n"
                continue
            if self._after_blank:
                self.record_start = self.line_no
                self._after_blank = False
            yield line.rstrip("\r\n") + "\n"

    def _decode(self, raw: bytes) -> str:
        if self.line_no == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise IngestError(
                self._path, f"not UTF-8 at line {self.line_no}, byte {err.start + 1}: re-save it as UTF-8"
            ) from err


def read_medline(path: str | Path) -> Iterator[Document | InputError]:
    """One Document per PubMed MEDLINE record, streamed; a record without PMID becomes an InputError."""
    path = Path(path)
    with path.open("rb") as handle:
        tracker = _LineTracker(path, handle)
        for record in Medline.parse(tracker):
            yield _medline_document(path, record, f"{path}:{tracker.record_start}")


def _medline_field(record: dict, key: str) -> str:
    value = record.get(key, "")
    return " ".join(value) if isinstance(value, list) else value


def _medline_document(path: Path, record: dict, source: str) -> Document | InputError:
    pmid = _medline_field(record, "PMID").strip()
    if not pmid.isdigit():
        found = f"PMID {pmid!r}" if pmid else "no PMID"
        return InputError(source, "", STAGE, f"MEDLINE record with {found}: every record needs a 'PMID- <number>' line")
    title = _medline_field(record, "TI") or _medline_field(record, "BTI")
    abstract = _medline_field(record, "AB")
    if not (title or abstract):
        return InputError(source, f"PMID:{pmid}", STAGE, "MEDLINE record without TI or AB: nothing to read")
    doi = MEDLINE_DOI.search(_medline_field(record, "LID") + " " + _medline_field(record, "AID"))
    return record_document(
        f"PMID:{pmid}", title, abstract, str(path), "medline",
        pmid=pmid, doi=doi.group(1) if doi else None, year=parse_year(_medline_field(record, "DP")),
        pmcid=_medline_field(record, "PMC").strip() or None,
        journal=(_medline_field(record, "JT") or _medline_field(record, "TA")).strip() or None,
    )
