"""JSON Lines: one record a line, with an abstract or the text of a whole paper."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.schema import Document, InputError, Section

from .errors import STAGE
from .front_matter import read_front_matter
from .records import record_document
from .sections import detect_sections
from .text import normalize_newlines


def read_jsonl(path: str | Path) -> Iterator[Document | InputError]:
    """One Document per line (``id``/``pmid``, ``title``, ``abstract``/``text``); a bad line becomes an InputError."""
    path = Path(path)
    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            if raw.strip():
                yield _jsonl_document(path, f"{path}:{line_no}", raw)


def _jsonl_document(path: Path, source: str, raw: bytes) -> Document | InputError:
    try:
        record = json.loads(raw)
    except UnicodeDecodeError:
        return InputError(source, "", STAGE, "line is not UTF-8: re-save the file as UTF-8")
    except json.JSONDecodeError as err:
        problem = f"{err.msg}, column {err.colno}"
        return InputError(source, "", STAGE, f"line is not valid JSON ({problem}): fix or remove it")
    if not isinstance(record, dict):
        return InputError(source, "", STAGE, f"line is a JSON {type(record).__name__}, not an object: fix or remove it")
    pmid = _present(record.get("pmid"))
    doc_id = f"PMID:{pmid}" if pmid else _present(record.get("id"))
    if not doc_id:
        return InputError(source, "", STAGE, "record has no 'id' or 'pmid': add one so results can be traced back")
    fields = {key: record.get(key) for key in ("title", "abstract", "text", "doi", "pmcid", "journal")}
    not_text = next((key for key, value in fields.items() if value is not None and not isinstance(value, str)), None)
    if not_text:
        return InputError(source, doc_id, STAGE, f"field {not_text!r} is not a string: {fields[not_text]!r}")
    year = _present(record.get("year"))
    if year and not re.fullmatch(r"\d{4}", year):
        return InputError(source, doc_id, STAGE, f"year {year!r} is not a four-digit year: fix or remove it")
    title = (fields["title"] or "").strip()
    body = (fields["abstract"] or fields["text"] or "").strip()
    if not (title or body):
        return InputError(source, doc_id, STAGE, "record has no text: give it a 'title' and an 'abstract' or 'text'")
    meta = {
        "pmid": pmid, "doi": _present(fields["doi"]), "year": int(year) if year else None,
        "pmcid": _present(fields["pmcid"]), "journal": _present(fields["journal"]),
    }  # fmt: skip
    if fields["abstract"] or not fields["text"]:
        return record_document(doc_id, title, body, str(path), "jsonl", **meta)
    return _full_text_record(doc_id, title, normalize_newlines(body), str(path), meta)


def _present(value: object) -> str | None:
    """A JSON scalar as stripped text, or None when it is missing or empty."""
    text = "" if value is None else str(value).strip()
    return text or None


def _full_text_record(doc_id: str, title: str, body: str, source: str, meta: dict) -> Document:
    """A record whose ``text`` may be a whole paper: its sections are detected, after the title when one is given."""
    prefix = f"{title}\n\n" if title else ""
    shift = len(prefix)
    body_sections = detect_sections(body)
    sections = tuple(
        Section(section.label, section.start + shift, section.end + shift, section.name) for section in body_sections
    )
    if title:
        sections = (Section("title", 0, len(title)),) + sections
    front = read_front_matter(body, body_sections)
    return Document(
        doc_id=doc_id,
        text=prefix + body,
        sections=sections,
        source=source,
        format="jsonl",
        title=title or front.title,
        **{**meta, "doi": meta["doi"] or front.doi, "year": meta["year"] or front.year},
    )
