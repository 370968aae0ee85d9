"""brat standoff: a .txt and an .ann per document, annotation.conf and visual.conf for the folder; its reader."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

from pipeline.output import atomic_open
from pipeline.schema import DRUG_TYPES, MENTION_TYPES

from .documents import AnnotatedDocument, MentionRecord, RelationRecord, RunTables
from .writer import LINE_BREAKS, MANIFEST_FILE, Guard, Writer, one_line

BRAT_ANNOTATION_CONF = "annotation.conf"
BRAT_VISUAL_CONF = "visual.conf"

# Partner types of each relation type in the annotation guidelines; brat's annotation.conf also gets any other
# pairing the exported relations hold, so that brat never flags what mirmine wrote.
RELATION_PARTNERS = {
    "targets": ("gene",),
    "regulates": ("gene",),
    "regulated_by": ("gene", *DRUG_TYPES),
    "sensitizes": DRUG_TYPES,
    "confers_resistance": DRUG_TYPES,
    "associated": DRUG_TYPES,
}
_BRAT_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
BRAT_COLORS = {
    "mirna": "#ffccaa", "gene": "#8fb2ff", "drug": "#7fe2ff", "drug_class": "#aaddee", "cell_line": "#e0ff00",
    "disease": "#ff9561", "species": "#e4e7d2",
    "targets": "#3333aa", "regulates": "#6666cc", "regulated_by": "#996633", "sensitizes": "#007700", "confers_resistance": "#cc0000", "associated": "#777777",
}  # fmt: skip


def brat_fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of a span between line breaks (and tabs): brat spans cannot cross a line."""
    pieces = [(m.start() + start, m.end() + start) for m in re.finditer(f"[^{LINE_BREAKS}\t]+", text[start:end])]
    return pieces or [(start, end)]


def brat_ann(item: AnnotatedDocument) -> str:
    """The .ann file of a document: T (mentions), R (relations), A (Negated, Hedged, Direction) and # (notes) lines.

    The note of a mention holds its norm, concept id and rule; the note of a relation its relation_id, rule,
    confidence and sentence. A relation with an argument that has no mention at its span cannot be an R line: it
    becomes an ``unlinked=`` part of the note of the argument that was found.
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
                    f"unlinked={r.relation} {r.mirna} -> {r.partner} (relation {r.relation_id}, no {lacking} mention at its span)"
                )
            continue
        number += 1
        lines.append(f"R{number}\t{r.relation} Arg1:T{linked.mirna_at + 1} Arg2:T{linked.partner_at + 1}")
        for name, on in (("Negated", r.negated), ("Hedged", r.hedged)):
            if on:
                attributes.append(f"A{len(attributes) + 1}\t{name} R{number}")
        if r.direction:
            attributes.append(f"A{len(attributes) + 1}\tDirection R{number} {r.direction}")
        notes[f"R{number}"].append(
            f"relation_id={r.relation_id}; rule={r.rule}; confidence={r.confidence}; sentence_id={r.sentence_id}"
        )
    lines += attributes
    lines += [
        f"#{n}\tAnnotatorNotes {target}\t{one_line('; '.join(parts))}"
        for n, (target, parts) in enumerate(notes.items(), start=1)
    ]
    return "".join(line + "\n" for line in lines)


class BratWriter(Writer):
    def __init__(self, out_dir: Path, guard: Guard, stack: ExitStack, run: RunTables) -> None:
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
                "Direction\tArg:<RELATION>, Value:down|up",
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
                "Direction | direction | dir",
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
