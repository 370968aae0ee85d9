"""The run's documents read again: its tables, its inputs found again, each document checked and its relations linked.

A run keeps no document texts, so the export reads every document again from the run's inputs (``run.json``: path
and sha256 of each input file) and checks that each mention's text is still at its offsets. Offsets are character
offsets (Unicode code points) into ``Document.text`` as ingested, end exclusive; BioC and brat keep them as they are,
PubTator maps them onto its title + " " + abstract text (see ``pubtator_layout``).

Relations in the run carry the spans of their miRNA and partner mentions: an export links each one to the mentions
at those spans (``link_relations``). A relation with an argument that has no mention at its span (a hand-edited run)
is written without it where the format allows and listed in the result.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from pipeline.ingest import read_inputs
from pipeline.output import RUN_FILE, RelationRow, RunFolder, TableError, cell, file_sha256
from pipeline.schema import Document, InputError, Mention

STAGE = "export"


class ExportError(ValueError):
    """A problem with the run folder, the output folder or ``--inputs`` that stops the whole export."""


class MentionRecord(NamedTuple):
    """A mention as an exported file gives it back; ``text`` is the file's text for the span."""

    doc_id: str
    start: int
    end: int
    text: str
    type: str
    norm: str


class RelationRecord(NamedTuple):
    """A relation as an exported file gives it back: its type and the normalized names of its arguments."""

    doc_id: str
    relation: str
    mirna: str
    partner: str
    negated: bool
    hedged: bool


@dataclass(frozen=True, slots=True)
class LinkedRelation:
    """A relation with the positions (in the document's mention list) of its miRNA and partner mentions, if found."""

    relation: RelationRow
    mirna_at: int | None
    partner_at: int | None


@dataclass(frozen=True, slots=True)
class UnlinkedRelation:
    """A relation with an argument that has no mention at the span the relation names."""

    doc_id: str
    relation_id: str
    sentence_id: int
    mirna: str
    relation: str
    partner: str
    missing: tuple[str, ...]  # "mirna", "partner" or both

    def describe(self) -> str:
        names = {"mirna": f"miRNA {self.mirna}", "partner": f"partner {self.partner}"}
        lacking = " and ".join(names[role] for role in self.missing)
        return (
            f"{self.doc_id} sentence {self.sentence_id}: {self.mirna} {self.relation} {self.partner} "
            f"(relation {self.relation_id}): no mention of the {lacking} at the span the relation names"
        )


@dataclass(frozen=True, slots=True)
class AnnotatedDocument:
    """A document read again, with the run's mentions (annotation ``T<i+1>`` is ``mentions[i]``) and relations."""

    document: Document
    source: str
    input_sha256: str
    mentions: tuple[Mention, ...]
    relations: tuple[LinkedRelation, ...]



# --------------------------------------------------------------------------------------------------------------
# The run folder
# --------------------------------------------------------------------------------------------------------------


@dataclass
class RunTables:
    """What an export needs from a run folder."""

    run_dir: Path
    inputs: list[tuple[str, str, str]]  # (path as given to the run, sha256, absolute path or "")
    mentions: dict[str, list[Mention]]
    relations: dict[str, list[RelationRow]]
    failed: set[str]  # documents the run could not extract from
    documents: int
    date: str  # the day of the run (run.json's time), yyyymmdd
    version: str  # mirmine's version in the run


def read_run(run_dir: Path) -> RunTables:
    """The inputs, mentions and relations of a run folder; raise ExportError when it is not one."""
    folder = RunFolder(run_dir)
    try:
        info = folder.info()
        inputs = [
            (str(entry["path"]), str(entry.get("sha256") or ""), str(entry.get("absolute") or ""))
            for entry in info["inputs"]
        ]
    except (KeyError, TypeError) as err:
        raise ExportError(f"{folder.file(RUN_FILE)}: not a run.json with an `inputs` list ({err}); re-run `mirmine run`") from err
    except TableError as err:
        raise ExportError(str(err)) from err
    mentions: dict[str, list[Mention]] = defaultdict(list)
    relations: dict[str, list[RelationRow]] = defaultdict(list)
    try:
        for mention in folder.mentions():
            mentions[mention.doc_id].append(mention)
        for relation in folder.relations():
            relations[relation.doc_id].append(relation)
        failed = {error.doc_id for error in folder.errors() if error.stage != "ingest"}
    except TableError as err:
        raise ExportError(str(err)) from err
    counted = info.get("counts", {}).get("documents") if isinstance(info.get("counts"), dict) else None
    return RunTables(
        run_dir=run_dir,
        inputs=inputs,
        mentions=dict(mentions),
        relations=dict(relations),
        failed=failed,
        documents=counted if isinstance(counted, int) else len(set(mentions) | set(relations)),
        date=time.strftime("%Y%m%d", time.localtime(folder.file(RUN_FILE).stat().st_mtime)),
        version=str(info.get("mirmine_version", "")),
    )


# --------------------------------------------------------------------------------------------------------------
# Finding the inputs again
# --------------------------------------------------------------------------------------------------------------


def index_inputs(paths: Iterable[Path]) -> dict[str, list[Path]]:
    """Files under the ``--inputs`` paths (folders recursively, hidden ones left out), by file name."""
    found: dict[str, list[Path]] = defaultdict(list)
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(name for name in dirs if not name.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        found[name].append(Path(root) / name)
        elif path.is_file():
            found[path.name].append(path)
        else:
            raise ExportError(f"{path}: not found; pass --inputs the file or folder that holds the run's inputs now")
    return dict(found)


def locate_input(
    recorded: str, sha256: str, run_dir: Path, moved: dict[str, list[Path]], absolute: str = ""
) -> tuple[Path | None, str]:
    """The file that holds an input of the run now, or None and what is wrong with it.

    The absolute path the run recorded is tried first (so an export works from any folder); a relative path as given
    then from the current folder and from the run folder's parent (``mirmine run corpus/ --out output/`` started in
    the same folder), then every ``--inputs`` file of the same name; the first one with the sha256 the run recorded
    wins.
    """
    path = Path(recorded)
    candidates = [Path(absolute)] if absolute else []
    candidates += [path] if path.is_absolute() else [path, run_dir.resolve().parent / path]
    candidates += moved.get(path.name, [])
    checked: set[Path] = set()
    changed: list[Path] = []
    for candidate in candidates:
        if not candidate.is_file() or candidate.resolve() in checked:
            continue
        checked.add(candidate.resolve())
        try:
            if not sha256 or file_sha256(candidate) == sha256:
                return candidate, ""
        except OSError:
            continue
        changed.append(candidate)
    if changed:
        return None, (
            f"input changed since the run ({changed[0]} has another sha256 than run.json records); "
            "pass --inputs with the file the run read, or re-run `mirmine run` and export that run"
        )
    where = "" if path.is_absolute() else " (a relative path: tried from the current folder and from the run folder's parent)"
    return None, f"input not found{where}; pass --inputs with its new location (the file or a folder that holds it)"


def annotated_documents(run: RunTables, inputs: Sequence[Path] = ()) -> Iterator[AnnotatedDocument | InputError]:
    """Every document of the run read again from its input with its mentions and linked relations, else an error.

    A missing or changed input gives one error and the rest go on; so does a document whose text no longer holds
    its mentions at their offsets. Documents the run could not extract from, and second copies of a doc_id, are
    left out as the run left them out.
    """
    moved = index_inputs(inputs)
    seen: set[str] = set()
    for recorded, sha256, absolute in run.inputs:
        path, problem = locate_input(recorded, sha256, run.run_dir, moved, absolute)
        if path is None:
            yield InputError(recorded, "", STAGE, problem)
            continue
        for document in read_inputs([path]):
            # An input with the recorded bytes fails where the run failed, and errors.tsv has those already.
            if isinstance(document, InputError) or document.doc_id in seen or document.doc_id in run.failed:
                continue
            seen.add(document.doc_id)
            mentions = run.mentions.get(document.doc_id, [])
            problem = check_mentions(document, mentions)
            if problem:
                yield InputError(recorded, document.doc_id, STAGE, problem)
                continue
            yield AnnotatedDocument(
                document=document,
                source=recorded,
                input_sha256=sha256,
                mentions=tuple(mentions),
                relations=tuple(link_relations(mentions, run.relations.get(document.doc_id, []))),
            )


def check_mentions(document: Document, mentions: Iterable[Mention]) -> str:
    """Why the document's text does not hold these mentions at their offsets, or "" when it does."""
    for mention in mentions:
        found = document.text[mention.start : mention.end]
        # mentions.tsv writes line breaks and tabs inside a mention as spaces (output.cell).
        if mention.end > len(document.text) or cell(found) != mention.text:
            return (
                f"mention {mention.text!r} at {mention.start}..{mention.end} reads {found!r} in the text read now: "
                "the input is not read the way the run read it (another mirmine version?); "
                "re-run `mirmine run` on it and export that run"
            )
    return ""


def link_relations(mentions: Sequence[Mention], relations: Iterable[RelationRow]) -> Iterator[LinkedRelation]:
    """Each relation with its miRNA and partner mentions: the mentions at the spans the relation names."""
    at_span = {(mention.start, mention.end, mention.type): at for at, mention in enumerate(mentions)}
    for relation in relations:
        yield LinkedRelation(
            relation,
            at_span.get((relation.mirna_start, relation.mirna_end, "mirna")),
            at_span.get((relation.partner_start, relation.partner_end, relation.partner_type)),
        )


def unlinked_relation(doc_id: str, linked: LinkedRelation) -> UnlinkedRelation | None:
    missing = tuple(role for role, at in (("mirna", linked.mirna_at), ("partner", linked.partner_at)) if at is None)
    if not missing:
        return None
    r = linked.relation
    return UnlinkedRelation(doc_id, r.relation_id, r.sentence_id, r.mirna, r.relation, r.partner, missing)
