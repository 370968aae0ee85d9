"""The export: the run's documents read again, each written by the writer of its format, and what was written recorded."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.output import RUN_FILE
from pipeline.schema import InputError

from .bioc import BioCWriter
from .brat import BratWriter
from .documents import STAGE, ExportError, UnlinkedRelation, annotated_documents, read_run, unlinked_relation
from .networks import NETWORK_FILES, network_from_run, write_network
from .pubtator import PubTatorWriter
from .writer import Guard, Writer

FORMATS = ("bioc", "pubtator", "brat", "graphml", "sif")
WRITERS: dict[str, type[Writer]] = {"bioc": BioCWriter, "pubtator": PubTatorWriter, "brat": BratWriter}


@dataclass
class ExportResult:
    """What an export wrote and what it could not."""

    format: str
    out_dir: Path
    run_documents: int = 0
    documents: int = 0
    mentions: int = 0
    relations: int = 0
    files: list[Path] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    unlinked: list[UnlinkedRelation] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    nodes: int = 0
    edges: int = 0


class _NothingToWrite(Exception):
    """No document could be exported: the output folder is left as it was."""


def export_run(
    run_dir: Path, fmt: str, out_dir: Path, inputs: Sequence[Path] = (), *, force: bool = False
) -> ExportResult:
    """Write the run's documents, mentions and relations into ``out_dir`` in ``fmt`` (bioc, pubtator or brat).

    A document that cannot be exported (its input missing or changed, its text not holding its mentions, its brat
    files edited since the last export) is an error in the result and the rest go on. When none can be exported,
    nothing is written. Files of the same names from an earlier export are replaced; other files are left alone.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    if fmt in NETWORK_FILES:
        return export_network(run_dir, fmt, out_dir, force=force)
    run = read_run(run_dir)
    guard = Guard(out_dir, force)
    result = ExportResult(format=fmt, out_dir=out_dir, run_documents=run.documents)
    exported: set[str] = set()
    try:
        with ExitStack() as stack:
            writer = WRITERS[fmt](out_dir, guard, stack, run)
            for item in annotated_documents(run, inputs):
                if isinstance(item, InputError):
                    result.errors.append(item)
                    continue
                doc_id = item.document.doc_id
                problem = writer.add(item)
                if problem:
                    result.errors.append(InputError(item.source, doc_id, STAGE, problem))
                    continue
                exported.add(doc_id)
                result.documents += 1
                result.mentions += len(item.mentions)
                result.relations += len(item.relations)
                result.unlinked.extend(filter(None, (unlinked_relation(doc_id, linked) for linked in item.relations)))
            if not any(not error.doc_id for error in result.errors):
                # Every input was found, so a document of the tables that none of them holds is lost for good.
                reported = {error.doc_id for error in result.errors}
                for doc_id in sorted((set(run.mentions) | set(run.relations)) - exported - reported - run.failed):
                    result.errors.append(
                        InputError(
                            str(run_dir / RUN_FILE), doc_id, STAGE,
                            "in the run's tables but in none of its inputs now; re-run `mirmine run` and export that run",
                        )  # fmt: skip
                    )
            if not result.documents:
                raise _NothingToWrite
            writer.finish()
    except _NothingToWrite:
        return result
    for path in writer.written:
        guard.wrote(path)
    guard.save(fmt, run_dir)
    result.files = list(writer.written)
    result.kept = list(writer.kept)
    return result


def export_network(run_dir: Path, fmt: str, out_dir: Path, *, force: bool = False) -> ExportResult:
    """Write the run's findings as a network (``graphml`` or ``sif``) into ``out_dir``; it needs no input files.

    The file is replaced only when an earlier export wrote it and it was not edited since (or with ``force``).
    """
    network = network_from_run(run_dir)
    guard = Guard(out_dir, force)
    path = out_dir / NETWORK_FILES[fmt]
    if guard.edited(path):
        raise ExportError(guard.refusal(path))
    write_network(path, network)
    guard.wrote(path)
    guard.save(fmt, run_dir)
    return ExportResult(format=fmt, out_dir=out_dir, files=[path], nodes=len(network.nodes), edges=len(network.edges))
