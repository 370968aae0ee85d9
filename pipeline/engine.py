"""Feed documents to ``extract()`` and write the run: inputs -> tables in ``out_dir``."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import __version__
from pipeline.extract import build_pipeline, extract
from pipeline.ingest import read_inputs
from pipeline.output import RUN_FILE, write_json, write_tables
from pipeline.ruleset import rules_checksums
from pipeline.schema import Document, InputError, Mention, Relation


@dataclass
class RunSummary:
    """What a run did, for the one-line summary and ``run.json``."""

    out_dir: Path
    documents: int = 0
    mentions_by_type: Counter = field(default_factory=Counter)
    relations_by_type: Counter = field(default_factory=Counter)
    errors: list[InputError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def mentions(self) -> int:
        return sum(self.mentions_by_type.values())

    @property
    def relations(self) -> int:
        return sum(self.relations_by_type.values())


def run_corpus(
    inputs: Iterable[str | Path],
    out_dir: Path,
    *,
    rules_dir: Path | None = None,
    model: str | None = None,
    on_error: Callable[[InputError], None] | None = None,
) -> RunSummary:
    """Read every input, extract from each document, write the tables; a bad input is recorded, not fatal.

    When no document could be read at all, nothing is written.
    """
    started = time.perf_counter()
    inputs = [Path(path) for path in inputs]
    summary = RunSummary(out_dir=out_dir)
    nlp = build_pipeline(rules_dir, model)
    built = time.perf_counter()

    mentions: list[Mention] = []
    relations: list[Relation] = []
    documents_by_source: Counter = Counter()
    seen_ids: dict[str, str] = {}

    def record_error(error: InputError) -> None:
        summary.errors.append(error)
        if on_error is not None:
            on_error(error)

    for item in read_inputs(inputs):
        if isinstance(item, InputError):
            record_error(item)
            continue
        if item.doc_id in seen_ids:
            record_error(_duplicate(item, seen_ids[item.doc_id]))
            continue
        seen_ids[item.doc_id] = item.source
        try:
            extraction = extract(item, nlp)
        except Exception as err:  # one document that breaks a stage must not cost the batch
            record_error(InputError(item.source, item.doc_id, "extract", f"{type(err).__name__}: {err}"))
            continue
        summary.documents += 1
        documents_by_source[item.source] += 1
        mentions.extend(extraction.mentions)
        relations.extend(extraction.relations)
        summary.mentions_by_type.update(m.type for m in extraction.mentions)
        summary.relations_by_type.update(r.relation for r in extraction.relations)
    extracted = time.perf_counter()
    if summary.documents == 0:
        # Nothing to show: keep whatever an earlier run wrote rather than replace it with empty tables.
        summary.seconds = extracted - started
        return summary

    rows = write_tables(out_dir, mentions, relations, summary.errors)
    finished = time.perf_counter()
    summary.seconds = finished - started
    write_json(
        out_dir / RUN_FILE,
        {
            "mirmine_version": __version__,
            "inputs": [
                {"path": source, "sha256": _sha256(Path(source)), "documents": count}
                for source, count in sorted(documents_by_source.items())
            ],
            "rules": rules_checksums(rules_dir),
            "model": model or None,
            "counts": {
                "documents": summary.documents,
                "errors": len(summary.errors),
                "mentions": dict(sorted(summary.mentions_by_type.items())),
                "relations": dict(sorted(summary.relations_by_type.items())),
                "rows": rows,
            },
            "timings_s": {
                "build_pipeline": round(built - started, 3),
                "extract": round(extracted - built, 3),
                "write": round(finished - extracted, 3),
                "total": round(summary.seconds, 3),
            },
        },
    )
    return summary


def _duplicate(document: Document, first_source: str) -> InputError:
    return InputError(
        document.source,
        document.doc_id,
        "ingest",
        f"duplicate doc_id {document.doc_id} (first read from {first_source}); this copy is skipped",
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()
