"""A run's documents with their mentions and relations as BioC XML, PubTator and brat standoff, for annotation tools.

A run keeps no document texts, so the export reads every document again from the run's inputs (``run.json``: path
and sha256 of each input file) and checks that each mention's text is still at its offsets. Offsets are character
offsets (Unicode code points) into ``Document.text`` as ingested, end exclusive; BioC and brat keep them as they are,
PubTator maps them onto its title + " " + abstract text (see ``pubtator_layout``).

Relations in the run carry the spans of their miRNA and partner mentions: an export links each one to the mentions
at those spans (``link_relations``). A relation with an argument that has no mention at its span (a hand-edited run)
is written without it where the format allows and listed in the result.

Every file is written to a temporary file and renamed over its target. ``mirmine-export.json`` in the output folder
records what was written (name and sha256), so a later export replaces its own files but never a file it did not
write or that was edited since (a curator's work in brat), unless ``force`` is given.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from pipeline import __version__
from pipeline.ingest import read_inputs
from pipeline.output import RUN_FILE, RelationRow, RunFolder, TableError, atomic_open, cell, file_sha256, write_json
from pipeline.schema import DRUG_TYPES, MENTION_TYPES, Document, InputError, Mention

STAGE = "export"
FORMATS = ("bioc", "pubtator", "brat")
BIOC_FILE = "mirmine.bioc.xml"
BIOC_KEY_FILE = "mirmine.key"
PUBTATOR_FILE = "mirmine.pubtator"
BRAT_ANNOTATION_CONF = "annotation.conf"
BRAT_VISUAL_CONF = "visual.conf"
MANIFEST_FILE = "mirmine-export.json"

# Partner types of each relation type in the annotation guidelines; brat's annotation.conf also gets any other
# pairing the exported relations hold, so that brat never flags what mirmine wrote.
RELATION_PARTNERS = {
    "targets": ("gene",),
    "sensitizes": DRUG_TYPES,
    "confers_resistance": DRUG_TYPES,
    "associated": DRUG_TYPES,
}
# Characters that end a line for str.splitlines() (and so for most readers of line-based formats), and the tab.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK_OR_TAB = re.compile(f"[{LINE_BREAKS}\t]")
# What XML 1.0 cannot hold (C0 controls other than tab and newline, lone surrogates, U+FFFE/FFFF); \r is in the
# set because an XML parser would read it back as \n.
_NOT_XML = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PMID_ID = re.compile(r"PMID:(\d+)")


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


# --------------------------------------------------------------------------------------------------------------
# The run folder
# --------------------------------------------------------------------------------------------------------------


@dataclass
class RunTables:
    """What an export needs from a run folder."""

    run_dir: Path
    inputs: list[tuple[str, str]]  # (path as recorded, sha256)
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
        inputs = [(str(entry["path"]), str(entry.get("sha256") or "")) for entry in info["inputs"]]
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


def locate_input(recorded: str, sha256: str, run_dir: Path, moved: dict[str, list[Path]]) -> tuple[Path | None, str]:
    """The file that holds an input of the run now, or None and what is wrong with it.

    A relative path is tried from the current folder (the run records paths as they were given), then from the run
    folder's parent (``mirmine run corpus/ --out output/`` started in the same folder), then every ``--inputs`` file
    of the same name; the first one with the sha256 the run recorded wins.
    """
    path = Path(recorded)
    candidates = [path] if path.is_absolute() else [path, run_dir.resolve().parent / path]
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
    for recorded, sha256 in run.inputs:
        path, problem = locate_input(recorded, sha256, run.run_dir, moved)
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


# --------------------------------------------------------------------------------------------------------------
# The export
# --------------------------------------------------------------------------------------------------------------


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
    run = read_run(run_dir)
    guard = _Guard(out_dir, force)
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


class _Guard:
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


class _Writer:
    """One output format: ``add`` writes a document (or returns why not), ``finish`` the files that describe them."""

    def __init__(self, out_dir: Path, guard: _Guard, stack: ExitStack, run: RunTables) -> None:
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


def _one_line(text: str) -> str:
    """Text for a single-line field: line breaks and tabs become spaces (same length, so offsets hold)."""
    return _BREAK_OR_TAB.sub(" ", text)


# --------------------------------------------------------------------------------------------------------------
# BioC XML
# --------------------------------------------------------------------------------------------------------------

BIOC_KEY = """\
mirmine BioC key: what the infons of mirmine.bioc.xml mean.

collection  source "mirmine"; date = the day of the run (yyyymmdd); infons mirmine_version (of the exporter),
            run_mirmine_version (of the run).
document    id = the mirmine doc_id (PMID:<n> for PubMed records, the file stem for .txt/.pdf); infons source (the
            input path as run.json records it), input_sha256, and pmid, doi, year when known.
passage     one per section of the document as mirmine read it: infon type = title|abstract|body|table|reference|
            other, name = the section heading (or "Table 1", a reference number) when there is one; offset = the
            section's start in the document text; text = the section text. Text outside every section, if any,
            is a passage of type other.
annotation  id T<n>, unique in the document (the n-th mention of the run's mentions.tsv for it); infons type =
            mirna|gene|drug|drug_class|cell_line, norm (the normalized name), identifier (miRBase, HGNC:, FPLX:,
            DrugBank or Cellosaurus id; empty when unknown), rule (the rule that found it), sentence_id; one
            location (offset, length) in document coordinates; text = the mention as written.
relation    at document level; id R<n>; infons type = targets|sensitizes|confers_resistance|associated, negated and
            hedged (true|false), rule, confidence, relation_id (stable across runs), sentence_id, mirna and partner
            (normalized names), partner_type, partner_id, cell_lines (;-joined); node role "mirna" and node role
            "partner" refer to the annotations at the spans the run gives for the two arguments (the miRNA of a
            "these miRNAs" relation is in the sentence before). When an argument has no annotation at its span
            (a hand-edited run) its node is left out and the infon unlinked names the role(s).
offsets     characters (Unicode code points) of the document text as mirmine ingested it, end exclusive.
            Characters XML cannot hold (control characters other than tab and newline) are written as spaces.
"""


class _BioCWriter(_Writer):
    def __init__(self, out_dir: Path, guard: _Guard, stack: ExitStack, run: RunTables) -> None:
        super().__init__(out_dir, guard, stack, run)
        self.path, self.key_path = self._claim(BIOC_FILE, BIOC_KEY_FILE)
        self.stack = stack
        self.xf = None

    def _open(self):
        """Start the collection file (on the first document, so that an export of nothing creates nothing)."""
        from lxml import etree

        handle = self.stack.enter_context(atomic_open(self.path))
        # lxml writes bytes: straight to the buffer under the text handle, which atomic_open flushes and renames.
        xf = self.stack.enter_context(etree.xmlfile(handle.buffer, encoding="utf-8"))
        xf.write_declaration(standalone=True)
        xf.write_doctype('<!DOCTYPE collection SYSTEM "BioC.dtd">')
        self.stack.enter_context(xf.element("collection"))
        for tag, text in (("source", "mirmine"), ("date", self.run.date), ("key", BIOC_KEY_FILE)):
            element = etree.Element(tag)
            element.text = text
            xf.write("\n", element)
        for key, value in (("mirmine_version", __version__), ("run_mirmine_version", self.run.version)):
            element = etree.Element("infon", key=key)
            element.text = value
            xf.write("\n", element)
        xf.write("\n")
        return xf

    def add(self, item: AnnotatedDocument) -> str:
        from bioc.biocxml.encoder import encode_document

        if self.xf is None:
            self.xf = self._open()
        self.xf.write(encode_document(bioc_document(item)), pretty_print=True)
        return ""

    def finish(self) -> None:
        with atomic_open(self.key_path) as handle:
            handle.write(BIOC_KEY)
        # The collection file is renamed into place when the export's ExitStack closes, after this.
        self.written += [self.path, self.key_path]


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(" ", text)


def bioc_document(item: AnnotatedDocument):
    """The document as a ``bioc.BioCDocument``: a passage per section, annotations in document coordinates."""
    from bisect import bisect_right

    from bioc import BioCAnnotation, BioCDocument, BioCLocation, BioCNode, BioCPassage, BioCRelation

    document = item.document
    text = document.text
    result = BioCDocument()
    result.id = document.doc_id
    result.infons["source"] = item.source
    result.infons["input_sha256"] = item.input_sha256
    for key in ("pmid", "doi", "year"):
        value = getattr(document, key)
        if value:
            result.infons[key] = str(value)
    spans = []
    covered = 0
    for section in sorted(document.sections, key=lambda s: (s.start, s.end)):
        if text[covered : section.start].strip():
            spans.append((covered, section.start, "other", ""))
        spans.append((section.start, section.end, section.label, section.name))
        covered = max(covered, section.end)
    if text[covered:].strip():
        spans.append((covered, len(text), "other", ""))
    passages = []
    for start, end, label, name in spans:
        passage = BioCPassage()
        passage.offset = start
        passage.text = _xml_text(text[start:end])
        passage.infons["type"] = label
        if name:
            passage.infons["name"] = name
        passages.append((start, end, passage))
        result.add_passage(passage)
    starts = [start for start, _, _ in passages]
    for at, mention in enumerate(item.mentions):
        annotation = BioCAnnotation()
        annotation.id = f"T{at + 1}"
        annotation.infons.update(
            type=mention.type, norm=mention.norm, identifier=mention.concept_id, rule=mention.rule,
            sentence_id=str(mention.sentence_id),
        )  # fmt: skip
        annotation.add_location(BioCLocation(mention.start, mention.end - mention.start))
        annotation.text = _xml_text(text[mention.start : mention.end])
        i = bisect_right(starts, mention.start) - 1
        if i >= 0 and mention.end <= passages[i][1]:
            passages[i][2].add_annotation(annotation)
        else:
            result.add_annotation(annotation)
    for at, linked in enumerate(item.relations):
        r = linked.relation
        relation = BioCRelation()
        relation.id = f"R{at + 1}"
        relation.infons.update(
            type=r.relation, negated=_bool(r.negated), hedged=_bool(r.hedged), rule=r.rule, confidence=r.confidence,
            relation_id=r.relation_id, sentence_id=str(r.sentence_id), mirna=r.mirna, partner=r.partner,
            partner_type=r.partner_type, partner_id=r.partner_id, cell_lines=r.cell_lines,
        )  # fmt: skip
        missing = []
        for role, ref in (("mirna", linked.mirna_at), ("partner", linked.partner_at)):
            if ref is None:
                missing.append(role)
            else:
                relation.add_node(BioCNode(f"T{ref + 1}", role))
        if missing:
            relation.infons["unlinked"] = ",".join(missing)
        result.add_relation(relation)
    return result


def _bool(value: bool) -> str:
    return "true" if value else "false"


def read_bioc(path: Path) -> tuple[list[MentionRecord], list[RelationRecord]]:
    """Mentions and relations of a BioC XML file, checking each annotation's text against its passage."""
    from bioc import biocxml

    mentions: list[MentionRecord] = []
    relations: list[RelationRecord] = []
    with path.open("rb") as handle:
        collection = biocxml.load(handle)
    for document in collection.documents:
        annotations = {}
        for passage in document.passages:
            for annotation in passage.annotations:
                annotations[annotation.id] = annotation
                _check_bioc_text(path, document.id, passage, annotation)
        for annotation in document.annotations:
            annotations[annotation.id] = annotation
        for annotation in annotations.values():
            span = annotation.total_span
            mentions.append(
                MentionRecord(
                    document.id, span.offset, span.end, annotation.text or "", annotation.infons.get("type", ""),
                    annotation.infons.get("norm", ""),
                )  # fmt: skip
            )
        for relation in [*document.relations, *(r for p in document.passages for r in p.relations)]:
            names = {}
            for role in ("mirna", "partner"):
                node = relation.get_node(role=role)
                names[role] = annotations[node.refid].infons.get("norm", "") if node else relation.infons.get(role, "")
            relations.append(
                RelationRecord(
                    document.id, relation.infons.get("type", ""), names["mirna"], names["partner"],
                    relation.infons.get("negated") == "true", relation.infons.get("hedged") == "true",
                )  # fmt: skip
            )
    return mentions, relations


def _check_bioc_text(path: Path, doc_id: str, passage, annotation) -> None:
    span = annotation.total_span
    found = (passage.text or "")[span.offset - passage.offset : span.end - passage.offset]
    if found != (annotation.text or ""):
        raise ValueError(f"{path}: {doc_id} {annotation.id}: text {annotation.text!r} but the passage has {found!r}")


# --------------------------------------------------------------------------------------------------------------
# PubTator
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PubTatorLayout:
    """How a document is cut into PubTator's title and abstract lines, and where its offsets go.

    PubTator offsets run over title + " " + abstract: the abstract starts at len(title) + 1. A PubMed-style record
    (title, blank line, abstract: the text mirmine builds from MEDLINE, PubMed XML and JSON Lines records) gives its
    title and abstract, so abstract offsets are one less than in the document (the two newlines become one space),
    as in PubTator's own files. Any other document (a full paper) gives its first line as the title and the rest as
    the abstract: the line break between them is the separator, so PubTator offsets equal the document offsets. Line
    breaks and tabs inside a line become spaces, which keeps every offset.
    """

    title: str
    abstract: str
    title_end: int  # end of the title in document offsets
    abstract_start: int  # start of the abstract in document offsets

    def offset(self, doc_offset: int) -> int:
        if doc_offset < self.abstract_start:
            return min(doc_offset, self.title_end)
        return len(self.title) + 1 + doc_offset - self.abstract_start

    @property
    def text(self) -> str:
        return f"{self.title} {self.abstract}"


def pubtator_layout(document: Document) -> PubTatorLayout:
    text = document.text
    sections = sorted(document.sections, key=lambda s: s.start)
    labels = [section.label for section in sections]
    parts = [text[section.start : section.end] for section in sections]
    if labels in (["title", "abstract"], ["title"], ["abstract"]) and text == "\n\n".join(parts) and sections[0].start == 0:
        title = sections[0] if labels[0] == "title" else None
        abstract = sections[-1] if labels[-1] == "abstract" else None
        return PubTatorLayout(
            title=_one_line(parts[0]) if title else "",
            abstract=_one_line(parts[-1]) if abstract else "",
            title_end=title.end if title else 0,
            abstract_start=abstract.start if abstract else len(text) + 1,
        )
    cut = text.find("\n")
    if cut < 0:
        return PubTatorLayout(_one_line(text), "", len(text), len(text) + 1)
    return PubTatorLayout(_one_line(text[:cut]), _one_line(text[cut + 1 :]), cut, cut + 1)


def pubtator_id(doc_id: str) -> str:
    """The PMID field: the number of a ``PMID:<n>`` doc_id, else the doc_id (``|`` and line breaks as ``_``)."""
    match = _PMID_ID.fullmatch(doc_id)
    return match.group(1) if match else re.sub(f"[|{LINE_BREAKS}\t]", "_", doc_id)


def pubtator_lines(item: AnnotatedDocument) -> list[str]:
    """A document in PubTator: title, abstract, one line per mention, one per distinct relation of the document.

    Mention lines: PMID, start, end, text, type, identifier = the normalized name (what relation lines refer to),
    and a 7th column with the concept id when there is one. Relation lines (document level, as in BioRED):
    PMID, relation type, the miRNA's and the partner's normalized names, and a 5th column ``negated``, ``hedged``
    or ``negated,hedged`` when it applies.
    """
    layout = pubtator_layout(item.document)
    pmid = pubtator_id(item.document.doc_id)
    text = layout.text
    lines = [f"{pmid}|t|{layout.title}", f"{pmid}|a|{layout.abstract}"]
    for mention in item.mentions:
        start, end = layout.offset(mention.start), layout.offset(mention.end)
        fields = [pmid, str(start), str(end), text[start:end], mention.type, mention.norm]
        lines.append("\t".join(fields + ([mention.concept_id] if mention.concept_id else [])))
    findings = sorted({(r.relation, r.mirna, r.partner, r.negated, r.hedged) for r in (x.relation for x in item.relations)})
    for relation, mirna, partner, negated, hedged in findings:
        flags = ",".join(name for name, on in (("negated", negated), ("hedged", hedged)) if on)
        lines.append("\t".join([pmid, relation, mirna, partner] + ([flags] if flags else [])))
    return lines


class _PubTatorWriter(_Writer):
    def __init__(self, out_dir: Path, guard: _Guard, stack: ExitStack, run: RunTables) -> None:
        super().__init__(out_dir, guard, stack, run)
        (self.path,) = self._claim(PUBTATOR_FILE)
        self.stack = stack
        self.handle = None
        self.separator = ""

    def add(self, item: AnnotatedDocument) -> str:
        if self.handle is None:
            self.handle = self.stack.enter_context(atomic_open(self.path))
        self.handle.write(self.separator + "\n".join(pubtator_lines(item)) + "\n")
        self.separator = "\n"
        return ""

    def finish(self) -> None:
        self.written.append(self.path)


_PUBTATOR_TEXT = re.compile(r"([^\t]*?)\|([ta])\|(.*)")


def read_pubtator(path: Path) -> tuple[list[MentionRecord], list[RelationRecord]]:
    """Mentions and relations of a PubTator file, offsets as written (into title + " " + abstract).

    A numeric PMID field gives the doc_id ``PMID:<n>``; any other is the doc_id itself. Each mention's text is
    checked against the title and abstract.
    """
    mentions: list[MentionRecord] = []
    relations: list[RelationRecord] = []
    texts: dict[str, dict[str, str]] = defaultdict(dict)
    with path.open(encoding="utf-8", newline="") as handle:
        lines = handle.read().split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        match = _PUBTATOR_TEXT.fullmatch(line)
        if match:
            texts[match.group(1)][match.group(2)] = match.group(3)
            continue
        fields = line.split("\t")
        pmid = fields[0]
        doc_id = f"PMID:{pmid}" if pmid.isdigit() else pmid
        if len(fields) >= 6:
            start, end = int(fields[1]), int(fields[2])
            full = f"{texts[pmid].get('t', '')} {texts[pmid].get('a', '')}"
            if full[start:end] != fields[3]:
                raise ValueError(f"{path}:{number}: text {fields[3]!r} but the title and abstract have {full[start:end]!r}")
            mentions.append(MentionRecord(doc_id, start, end, fields[3], fields[4], fields[5]))
        elif len(fields) in (4, 5):
            flags = fields[4].split(",") if len(fields) == 5 else []
            relations.append(RelationRecord(doc_id, fields[1], fields[2], fields[3], "negated" in flags, "hedged" in flags))
        else:
            raise ValueError(f"{path}:{number}: neither a title, abstract, mention nor relation line")
    return mentions, relations


# --------------------------------------------------------------------------------------------------------------
# brat standoff
# --------------------------------------------------------------------------------------------------------------

_BRAT_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
BRAT_COLORS = {
    "mirna": "#ffccaa", "gene": "#8fb2ff", "drug": "#7fe2ff", "drug_class": "#aaddee", "cell_line": "#e0ff00",
    "targets": "#3333aa", "sensitizes": "#007700", "confers_resistance": "#cc0000", "associated": "#777777",
}  # fmt: skip


def brat_fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of a span between line breaks (and tabs): brat spans cannot cross a line."""
    pieces = [(m.start() + start, m.end() + start) for m in re.finditer(f"[^{LINE_BREAKS}\t]+", text[start:end])]
    return pieces or [(start, end)]


def brat_ann(item: AnnotatedDocument) -> str:
    """The .ann file of a document: T (mentions), R (relations), A (Negated, Hedged) and # (notes) lines.

    The note of a mention holds its norm, concept id and rule; the note of a relation its relation_id, rule,
    confidence and sentence. A relation with an argument missing from its sentence cannot be an R line: it becomes
    an ``unlinked=`` part of the note of the argument that was found.
    """
    text = item.document.text
    lines = []
    notes: dict[str, list[str]] = defaultdict(list)
    for at, mention in enumerate(item.mentions, start=1):
        pieces = brat_fragments(text, mention.start, mention.end)
        spans = ";".join(f"{start} {end}" for start, end in pieces)
        lines.append(f"T{at}\t{mention.type} {spans}\t{' '.join(text[start:end] for start, end in pieces)}")
        notes[f"T{at}"].append(f"norm={mention.norm}; id={mention.concept_id}; rule={mention.rule}")
    attributes = []
    number = 0
    for linked in item.relations:
        r = linked.relation
        if linked.mirna_at is None or linked.partner_at is None:
            found = linked.partner_at if linked.mirna_at is None else linked.mirna_at
            if found is not None:
                lacking = "miRNA" if linked.mirna_at is None else "partner"
                notes[f"T{found + 1}"].append(
                    f"unlinked={r.relation} {r.mirna} -> {r.partner} (relation {r.relation_id}, no {lacking} mention in the sentence)"
                )
            continue
        number += 1
        lines.append(f"R{number}\t{r.relation} Arg1:T{linked.mirna_at + 1} Arg2:T{linked.partner_at + 1}")
        for name, on in (("Negated", r.negated), ("Hedged", r.hedged)):
            if on:
                attributes.append(f"A{len(attributes) + 1}\t{name} R{number}")
        notes[f"R{number}"].append(
            f"relation_id={r.relation_id}; rule={r.rule}; confidence={r.confidence}; sentence_id={r.sentence_id}"
        )
    lines += attributes
    lines += [
        f"#{n}\tAnnotatorNotes {target}\t{_one_line('; '.join(parts))}"
        for n, (target, parts) in enumerate(notes.items(), start=1)
    ]
    return "".join(line + "\n" for line in lines)


class _BratWriter(_Writer):
    def __init__(self, out_dir: Path, guard: _Guard, stack: ExitStack, run: RunTables) -> None:
        super().__init__(out_dir, guard, stack, run)
        self.names: set[str] = set()
        self.pairs: dict[str, set[str]] = {relation: set(types) for relation, types in RELATION_PARTNERS.items()}

    def file_name(self, doc_id: str) -> str:
        """A file stem for the document: its id with unsafe characters as ``_``, made unique (ignoring case)."""
        name = _BRAT_UNSAFE.sub("_", doc_id) or "document"
        if name.startswith("."):
            name = "_" + name[1:]
        if name.lower() in self.names:
            name = f"{name}-{hashlib.sha1(doc_id.encode('utf-8')).hexdigest()[:8]}"
        self.names.add(name.lower())
        return name

    def add(self, item: AnnotatedDocument) -> str:
        name = self.file_name(item.document.doc_id)
        paths = [self.out_dir / f"{name}.txt", self.out_dir / f"{name}.ann"]
        edited = [path for path in paths if self.guard.edited(path)]
        if edited:
            return self.guard.refusal(edited[0])
        with atomic_open(paths[0]) as handle:
            handle.write(item.document.text)
        with atomic_open(paths[1]) as handle:
            handle.write(brat_ann(item))
        self.written += paths
        self.guard.documents[name] = item.document.doc_id
        for linked in item.relations:
            self.pairs.setdefault(linked.relation.relation, set()).add(linked.relation.partner_type)
        return ""

    def finish(self) -> None:
        for name, content in ((BRAT_ANNOTATION_CONF, self.annotation_conf()), (BRAT_VISUAL_CONF, self.visual_conf())):
            path = self.out_dir / name
            if self.guard.edited(path):
                self.kept.append(path)
                continue
            with atomic_open(path) as handle:
                handle.write(content)
            self.written.append(path)

    def annotation_conf(self) -> str:
        relations = [
            f"{relation}\tArg1:mirna, Arg2:{'|'.join(t for t in MENTION_TYPES if t in types)}"
            for relation, types in self.pairs.items()
        ]
        return "\n".join(
            [
                "# mirmine export: entity, relation and attribute types (brat standoff configuration)",
                "[entities]",
                *MENTION_TYPES,
                "",
                "[relations]",
                "# The miRNA is always Arg1, the partner Arg2.",
                *relations,
                "# mirmine's mentions may overlap (a gene inside a drug class name): brat must allow it.",
                "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
                "",
                "[events]",
                "",
                "[attributes]",
                "Negated\tArg:<RELATION>",
                "Hedged\tArg:<RELATION>",
                "",
            ]
        )

    def visual_conf(self) -> str:
        names = {"mirna": "miRNA", "drug_class": "drug class", "cell_line": "cell line", "confers_resistance": "confers resistance"}
        labels = [f"{kind} | {names.get(kind, kind)}" for kind in (*MENTION_TYPES, *self.pairs)]
        drawing = [f"{kind}\tbgColor:{BRAT_COLORS.get(kind, '#dddddd')}" for kind in MENTION_TYPES]
        drawing += [f"{kind}\tcolor:{BRAT_COLORS.get(kind, '#555555')}" for kind in self.pairs]
        return "\n".join(
            [
                "# mirmine export: how brat draws mirmine's types",
                "[labels]",
                *labels,
                "Negated | negated | neg",
                "Hedged | hedged | hedge",
                "",
                "[drawing]",
                "SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken",
                "ARC_DEFAULT\tcolor:black, arrowHead:triangle-5",
                "ATTRIBUTE_DEFAULT\tglyph:*",
                *drawing,
                "Negated\tglyph:[not], dashArray:3-3",
                "Hedged\tglyph:[?]",
                "",
            ]
        )


_BRAT_NOTE_PART = re.compile(r"(\w+)=(.*)")


def read_brat(folder: Path) -> tuple[list[MentionRecord], list[RelationRecord]]:
    """Mentions and relations of a brat folder (every ``.txt`` with its ``.ann``), checking each span's text.

    The doc_id of a file comes from the folder's ``mirmine-export.json`` when it has one, else it is the file stem.
    A mention's text is the document text from its first fragment's start to its last fragment's end; its norm
    comes from its note.
    """
    try:
        documents = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8")).get("documents", {})
    except (OSError, ValueError):
        documents = {}
    mentions: list[MentionRecord] = []
    relations: list[RelationRecord] = []
    for txt in sorted(folder.glob("*.txt")):
        doc_id = documents.get(txt.stem, txt.stem)
        with txt.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
        with txt.with_suffix(".ann").open(encoding="utf-8", newline="") as handle:
            ann_lines = handle.read().split("\n")
        spans: dict[str, tuple[int, int, str]] = {}
        norms: dict[str, str] = {}
        found_relations: dict[str, tuple[str, str, str]] = {}
        flags: dict[str, set[str]] = defaultdict(set)
        for number, line in enumerate(ann_lines, start=1):
            if not line:
                continue
            where = f"{txt.with_suffix('.ann')}:{number}"
            fields = line.split("\t")
            kind = line[0]
            if kind == "T" and len(fields) == 3:
                label, _, locations = fields[1].partition(" ")
                pieces = [tuple(int(x) for x in piece.split(" ")) for piece in locations.split(";")]
                written = " ".join(text[start:end] for start, end in pieces)
                if written != fields[2]:
                    raise ValueError(f"{where}: text {fields[2]!r} but the .txt has {written!r} there")
                spans[fields[0]] = (pieces[0][0], pieces[-1][1], label)
            elif kind == "R" and len(fields) == 2:
                label, arg1, arg2 = fields[1].split(" ")
                found_relations[fields[0]] = (label, arg1.partition(":")[2], arg2.partition(":")[2])
            elif kind == "A" and len(fields) == 2:
                name, target = fields[1].split(" ")[:2]
                flags[target].add(name)
            elif kind == "#" and len(fields) == 3:
                target = fields[1].partition(" ")[2]
                for part in fields[2].split("; "):
                    match = _BRAT_NOTE_PART.fullmatch(part)
                    if match and match.group(1) == "norm":
                        norms[target] = match.group(2)
            else:
                raise ValueError(f"{where}: not a brat line mirmine writes (T, R, A or # with tab-separated fields)")
        for key, (start, end, label) in spans.items():
            mentions.append(MentionRecord(doc_id, start, end, text[start:end], label, norms.get(key, "")))
        for key, (label, arg1, arg2) in found_relations.items():
            relations.append(
                RelationRecord(
                    doc_id, label, norms.get(arg1, ""), norms.get(arg2, ""), "Negated" in flags[key], "Hedged" in flags[key]
                )
            )
    return mentions, relations


WRITERS: dict[str, type[_Writer]] = {"bioc": _BioCWriter, "pubtator": _PubTatorWriter, "brat": _BratWriter}
