"""The review page: one self-contained HTML file of a run's findings, for a curator to read, sort and filter.

One table row per finding, a (miRNA, relation, partner) over the run, with its documents (PubMed / PMC / DOI links)
and its evidence folded under it: each relations.tsv row behind it with its short relation id, rule and sentence,
the sentence's mentions highlighted the way spaCy's displaCy ``ent`` style marks entities and the row's own pair
outlined. Select boxes filter the findings by relation type, drug, gene and miRNA; a column header sorts them; two
inline SVG charts count the relations per drug and per gene (``targets``, ``regulates``, ``regulated_by``). The page
loads nothing: its CSS and JavaScript (``report_assets``) are inline and a Content-Security-Policy forbids every
fetch, so it opens from disk on a machine without network. Without JavaScript it still reads: every finding is
shown and its evidence opens. Every piece of text from the run is HTML-escaped, and the policy lets only the page's
own script run.

The inputs are the run folder's relations.tsv, mentions.tsv and documents.tsv. The same run gives a byte-identical page.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from pipeline import __version__
from pipeline.output import MENTIONS, RELATIONS, RelationRow, RunFolder, TableError, atomic_open, document_links, mirna_sort_key
from pipeline.report_assets import CSS, ENTITY_COLOURS, OTHER_COLOUR, RELATION_COLOURS, SCRIPT
from pipeline.schema import DRUG_TYPES, GENE_RELATIONS, MENTION_TYPES, RELATION_TYPES, Mention

REPORT_FILE = "report.html"
DEFAULT_LIMIT = 5000
# More bars than this make a chart taller than a screen without telling more; the rest are counted in a note.
CHART_LIMIT = 50
ENTITY_LABELS = {
    "mirna": "miRNA", "gene": "gene", "drug": "drug", "drug_class": "drug class", "cell_line": "cell line",
    "disease": "disease", "species": "species",
}
SHORT_ID = 8  # hex digits of a relation id shown; the page keeps the whole id for hover and copy
COLUMNS = (  # the findings table: (header, class of its cells); "num" columns sort as numbers
    ("miRNA", "mirna"), ("relation", "relation-cell"), ("partner", "partner"), ("documents", "docs"),
    ("sentences", "num"), ("conf.", "num"), ("flags", "flags"), ("evidence", "evidence"),
)  # fmt: skip


class ReportError(Exception):
    """A run folder or one of its tables that cannot be turned into a page; the message names the file."""


def drug_of(row: RelationRow) -> str:
    """The partner when it is a drug or a drug class, else empty."""
    return row.partner if row.partner_type in DRUG_TYPES else ""


def _arrows(relation: str, directions: Iterable[str]) -> str:
    """The directions of a finding's evidence as arrows after its label (none where the text gives none)."""
    arrows = []
    for direction in ("down", "up"):
        if direction not in directions:
            continue
        arrow = "\u2193" if direction == "down" else "\u2191"
        if relation == "regulated_by":
            what = "the partner raises the miRNA" if direction == "up" else "the partner lowers the miRNA"
        else:
            what = f"more miRNA, partner {direction}"
        arrows.append(f'<span class="direction" title="{what}">{arrow}</span>')
    return (" " + "".join(arrows)) if arrows else ""


@dataclass(frozen=True, slots=True)
class Placed:
    """A mention located in a relation's sentence string: ``start``/``end`` index that string, end exclusive."""

    start: int
    end: int
    mention: Mention


@dataclass(slots=True)
class Finding:
    """One (miRNA, relation, partner) of the page with the relations.tsv rows behind it, in the table's order."""

    mirna: str
    relation: str
    partner: str
    partner_type: str
    partner_id: str
    evidence: list[RelationRow] = field(default_factory=list)

    @property
    def doc_ids(self) -> list[str]:
        return list(dict.fromkeys(row.doc_id for row in self.evidence))


def group_findings(rows: Iterable[RelationRow]) -> list[Finding]:
    """The rows as findings, ordered by miRNA (number order), relation type, then partner."""
    found: dict[tuple[str, str, str], Finding] = {}
    for row in rows:
        key = (row.mirna, row.relation, row.partner)
        if key not in found:
            found[key] = Finding(row.mirna, row.relation, row.partner, row.partner_type, row.partner_id)
        found[key].evidence.append(row)
    order = {relation: i for i, relation in enumerate(RELATION_TYPES)}
    return sorted(found.values(), key=lambda f: (mirna_sort_key(f.mirna), order.get(f.relation, len(order)), f.relation, f.partner))


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """What ``write_report`` wrote: the page, the relations of the run and how many of them are shown."""

    path: Path
    relations: int
    shown: int

    @property
    def left_out(self) -> int:
        return self.relations - self.shown


def write_report(run_dir: Path, out: Path | None = None, limit: int = DEFAULT_LIMIT) -> ReportSummary:
    """Write the review page of ``run_dir`` to ``out`` (default ``run_dir/report.html``); ``limit`` 0 keeps every row."""
    try:
        folder = RunFolder(run_dir).check()
        if not folder.has(RELATIONS):
            raise ReportError(
                f"{folder.file(RELATIONS)}: file not found; run `mirmine run --out {run_dir}` first or pass a run folder"
            )
        rows, chart_counts, total = read_relations(folder, limit)
        keys = {(row.doc_id, row.sentence_id) for row in rows}
        mentions = read_mentions(folder, keys) if folder.has(MENTIONS) else None
        shown = {row.doc_id for row in rows}
        links = {doc["doc_id"]: document_links(doc) for doc in folder.documents() if doc["doc_id"] in shown}
    except TableError as err:
        raise ReportError(str(err)) from err
    page = render_page(run_dir, rows, mentions, chart_counts, total, links)
    target = out if out is not None else run_dir / REPORT_FILE
    with atomic_open(target) as handle:
        handle.write(page)
    return ReportSummary(target, total, len(rows))


def read_relations(folder: RunFolder, limit: int = DEFAULT_LIMIT) -> tuple[list[RelationRow], Counter, int]:
    """The first ``limit`` rows of relations.tsv (0: all), (partner, partner type, relation) counts over every row of
    a drug, drug class or gene partner, and the row count."""
    rows: list[RelationRow] = []
    counts: Counter = Counter()
    total = 0
    for row in folder.relations():
        total += 1
        if row.partner_type in DRUG_TYPES or row.partner_type == "gene":
            counts[(row.partner, row.partner_type, row.relation)] += 1
        if not limit or len(rows) < limit:
            rows.append(row)
    return rows, counts, total


def read_mentions(folder: RunFolder, keys: set[tuple[str, int]]) -> dict[tuple[str, int], list[Mention]]:
    """Mentions of mentions.tsv per (doc_id, sentence_id), only for the sentences in ``keys``."""
    found: dict[tuple[str, int], list[Mention]] = defaultdict(list)
    for mention in folder.mentions():
        key = (mention.doc_id, mention.sentence_id)
        if key in keys:
            found[key].append(mention)
    return dict(found)


def _occurrences(text: str, needle: str) -> list[int]:
    positions, at = [], text.find(needle)
    while needle and at >= 0:
        positions.append(at)
        at = text.find(needle, at + 1)
    return positions


def place_mentions(sentence: str, mentions: Sequence[Mention]) -> list[Placed]:
    """Where the mentions of a sentence sit in relations.tsv's sentence string, in order, without overlaps.

    That string is the document slice with every whitespace run collapsed to one space, and the run keeps neither
    the document text nor the sentence's offsets. So every occurrence of a mention's text votes for a sentence start
    (mention start minus position), the start with most votes wins, and each mention takes the occurrence nearest to
    where that start puts it. A mention that lands far from there belongs elsewhere: a table section is one
    sentence, and a row's sentence string is only its own line.
    """
    occurrences = {index: _occurrences(sentence, " ".join(m.text.split())) for index, m in enumerate(mentions)}
    votes = Counter(mentions[index].start - at for index, ats in occurrences.items() for at in ats)
    if not votes:
        return []
    base = min(votes, key=lambda start: (-votes[start], start))
    # Collapsed whitespace (a blank line, a double space) shifts later mentions left by a few characters.
    slack = max(8, len(sentence) // 10)
    placed: list[Placed] = []
    order = sorted(range(len(mentions)), key=lambda i: (mentions[i].start, -mentions[i].end, mentions[i].type))
    for index in order:
        mention, expected = mentions[index], mentions[index].start - base
        length = len(" ".join(mention.text.split()))
        for at in sorted(occurrences[index], key=lambda at: (abs(at - expected), at)):
            if abs(at - expected) > slack:
                break
            if not any(at < other.end and other.start < at + length for other in placed):
                placed.append(Placed(at, at + length, mention))
                break
    return sorted(placed, key=lambda p: p.start)


def _place_pair(sentence: str, placed: list[Placed], mentions: Sequence[Mention], pair: set[tuple[int, int]]) -> list[Placed]:
    """``placed`` plus the row's own miRNA and partner (the mentions at its spans) when the offsets could not place
    them: found by text, whole words."""
    missing = pair - {(p.mention.start, p.mention.end) for p in placed}
    extra: list[Placed] = []
    for mention in mentions:
        if (mention.start, mention.end) not in missing:
            continue
        needle = " ".join(mention.text.split())
        for at in _occurrences(sentence, needle):
            end = at + len(needle)
            bounded = (at == 0 or not sentence[at - 1].isalnum()) and (end == len(sentence) or not sentence[end].isalnum())
            if bounded and not any(at < other.end and other.start < end for other in [*placed, *extra]):
                extra.append(Placed(at, end, mention))
                missing.discard((mention.start, mention.end))
                break
    return sorted([*placed, *extra], key=lambda p: p.start) if extra else placed


def render_sentence(sentence: str, placed: Sequence[Placed], pair: set[tuple[int, int]]) -> str:
    """The sentence as HTML, each placed mention a displaCy-style mark; the row's own pair (the mentions at the spans
    the relation names) gets the ``pair`` class."""
    parts, cursor = [], 0
    for item in placed:
        mention = item.mention
        kind = mention.type if mention.type in MENTION_TYPES else "other"
        classes = f"ent ent-{kind}" + (" pair" if (mention.start, mention.end) in pair else "")
        title = mention.norm + (f" \u00b7 {mention.concept_id}" if mention.concept_id else "") + f" \u00b7 {mention.rule}"
        label = ENTITY_LABELS.get(mention.type, mention.type)
        parts.append(escape(sentence[cursor : item.start]))
        parts.append(
            f'<mark class="{classes}" title="{escape(title)}">{escape(sentence[item.start : item.end])}'
            f'<span class="ent-label">{escape(label)}</span></mark>'
        )
        cursor = item.end
    parts.append(escape(sentence[cursor:]))
    return "".join(parts)


def render_chart(counts: Counter, kind: str = "drug") -> str:
    """An inline SVG of stacked horizontal bars: one group per partner, one segment per relation type.

    ``counts``: (partner, partner type, relation) -> relations; ``kind`` names the select a bar sets (drug or gene).
    """
    by_partner: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for (partner, partner_type, relation), n in counts.items():
        by_partner[(partner, partner_type)][relation] += n
    if not by_partner:
        return f'<p class="note">No relation with a {escape(kind)}.</p>'
    partners = sorted(by_partner, key=lambda key: (-sum(by_partner[key].values()), key))
    shown, hidden = partners[:CHART_LIMIT], partners[CHART_LIMIT:]
    relations = [*RELATION_TYPES, *sorted({r for c in by_partner.values() for r in c} - set(RELATION_TYPES))]
    label_width = min(200, 16 + 7 * max(len(name) for name, _ in shown))
    bar_width, bar_height, gap, top = 360, 18, 6, 4
    most = max(sum(by_partner[key].values()) for key in shown)
    height, width = top + len(shown) * (bar_height + gap), label_width + bar_width + 48
    lines = [
        f'<svg id="chart-{kind}" class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Relations per {kind}, by relation type">'
    ]
    for row, key in enumerate(shown):
        name, partner_type = key
        y = top + row * (bar_height + gap)
        total = sum(by_partner[key].values())
        summary = ", ".join(f"{relation} {by_partner[key][relation]}" for relation in relations if by_partner[key][relation])
        note = " (drug class)" if partner_type == "drug_class" else ""
        lines.append(
            f'<g class="bar-group" data-kind="{kind}" data-name="{escape(name)}">'
            f"<title>{escape(name + note)}: {total} ({escape(summary)})</title>"
        )
        lines.append(
            f'<text class="bar-label{" drug-class" if note else ""}" x="{label_width - 8}" y="{y + bar_height - 5}" '
            f'text-anchor="end">{escape(name)}</text>'
        )
        x = float(label_width)
        for relation in relations:
            n = by_partner[key][relation]
            if not n:
                continue
            w = bar_width * n / most
            colour = RELATION_COLOURS.get(relation, OTHER_COLOUR)
            lines.append(
                f'<rect class="bar" data-relation="{escape(relation)}" x="{x:.1f}" y="{y}" width="{w:.1f}" '
                f'height="{bar_height}" fill="{colour}"/>'
            )
            x += w
        lines.append(f'<text class="bar-total" x="{x + 6:.1f}" y="{y + bar_height - 5}">{total}</text></g>')
    lines.append("</svg>")
    if hidden:
        lines.append(f'<p class="note">{len(hidden)} more with fewer relations are not drawn.</p>')
    return "\n".join(lines)


def _legend(items: Iterable[tuple[str, str, str]]) -> str:
    return "".join(f'<span class="{cls}" style="background:{colour}">{escape(text)}</span>' for cls, colour, text in items)


def _options(element_id: str, label: str, everything: str, values: Sequence[tuple[str, str, int]]) -> str:
    """A labelled select: the empty value shows every finding, then one option per (value, text, findings)."""
    options = [f'<option value="">{escape(everything)}</option>']
    options.extend(f'<option value="{escape(value)}">{escape(text)} ({n})</option>' for value, text, n in values)
    return f'<label>{escape(label)} <select id="{element_id}">{"".join(options)}</select></label>'


def _links_html(links: Sequence[tuple[str, str]]) -> str:
    anchors = " ".join(f'<a href="{escape(url)}" rel="noopener" target="_blank">{escape(label)}</a>' for label, url in links)
    return f'<span class="links">{anchors}</span>' if anchors else ""


def _sentence_html(row: RelationRow, mentions: Sequence[Mention] | None, cache: dict) -> str:
    """The row's sentence with its mentions marked and its own pair outlined (plain text without mentions.tsv)."""
    if not mentions:
        return escape(row.sentence)
    pair = {(row.mirna_start, row.mirna_end), (row.partner_start, row.partner_end)}
    key = (row.doc_id, row.sentence_id, row.sentence)
    if key not in cache:
        cache[key] = place_mentions(row.sentence, mentions)
    return render_sentence(row.sentence, _place_pair(row.sentence, cache[key], mentions, pair), pair)


def _flags(rows: Sequence[RelationRow]) -> str:
    counts = (("negated", sum(r.negated for r in rows)), ("hedged", sum(r.hedged for r in rows)))
    whole = len(rows) > 1
    return "".join(
        f'<span class="flag flag-{name}">{name}{f" {n}/{len(rows)}" if whole else ""}</span>' for name, n in counts if n
    )


def _evidence_item(row: RelationRow, sentence: str, links: Sequence[tuple[str, str]]) -> str:
    """One relations.tsv row under its finding: short id (whole on hover and copy), document, rule, its sentence."""
    rid = escape(row.relation_id)
    # Rule ids are dotted words (`cue.direction.up+loss`): a narrow line should break them there, not mid-word.
    rule = "".join(escape(part) + ("<wbr>" if part in (".", "+") else "") for part in re.split(r"([.+])", row.rule))
    # The miRNA of a `these miRNAs` row is named in the previous sentence, so it has no mark in this one.
    coreferent = ' <span class="kind">miRNA as "these miRNAs"</span>' if row.rule.startswith("coref.") else ""
    cell_lines = (
        f'<div class="cell-lines">cell lines: {escape(row.cell_lines.replace(";", ", "))}</div>' if row.cell_lines else ""
    )
    return (
        f'<li class="ev{" negated" if row.negated else ""}" id="r-{rid}">'
        f'<div class="ev-meta"><code class="rid" title="relation_id {rid} (click and copy: the whole id)" data-id="{rid}">'
        f'{escape(row.relation_id[:SHORT_ID])}</code> <span class="doc-id">{escape(row.doc_id)}</span> {_links_html(links)}'
        f' \u00b7 {escape(row.section)} \u00b7 <span class="rule">{rule}</span> \u00b7 {escape(row.confidence)} {_flags([row])}'
        f"{coreferent}</div>"
        f'<div class="sentence">{sentence}</div>{cell_lines}</li>'
    )


def _finding_row(finding: Finding, order: int, mentions: dict, cache: dict, links: dict) -> str:
    """One finding as a table row: its names, documents, counts and flags, its evidence folded in the last cell."""
    rows = finding.evidence
    sentences = [_sentence_html(row, mentions.get((row.doc_id, row.sentence_id)), cache) for row in rows]
    items = "".join(_evidence_item(row, html, links.get(row.doc_id, ())) for row, html in zip(rows, sentences))
    doc_ids = finding.doc_ids
    documents = "".join(
        f'<div class="doc"><span class="doc-id">{escape(doc)}</span> {_links_html(links.get(doc, ()))}</div>' for doc in doc_ids
    )
    n_sentences = len({(row.doc_id, row.sentence_id) for row in rows})
    confidence = max((row.confidence for row in rows), key=float)
    kind = ENTITY_LABELS.get(finding.partner_type, finding.partner_type)
    partner_title = f' title="{escape(finding.partner_id)}"' if finding.partner_id else ""
    colour = RELATION_COLOURS.get(finding.relation, OTHER_COLOUR)
    relation_order = RELATION_TYPES.index(finding.relation) if finding.relation in RELATION_TYPES else len(RELATION_TYPES)
    number, _ = mirna_sort_key(finding.mirna)
    count = f"{len(rows)} relation{'s' if len(rows) > 1 else ''} in {len(doc_ids)} document{'s' if len(doc_ids) > 1 else ''}"
    drug = finding.partner if finding.partner_type in DRUG_TYPES else ""
    gene = finding.partner if finding.partner_type == "gene" else ""
    negated = all(row.negated for row in rows)
    return (
        f'<tr class="finding{" negated" if negated else ""}" id="f-{escape(rows[0].relation_id)}" data-order="{order}" '
        f'data-relation="{escape(finding.relation)}" data-drug="{escape(drug)}" data-gene="{escape(gene)}" '
        f'data-mirna="{escape(finding.mirna)}" data-partner="{escape(finding.partner)}">'
        f'<td class="mirna" data-sort="{number:010d} {escape(finding.mirna)}">{escape(finding.mirna)}</td>'
        f'<td class="relation-cell" data-sort="{relation_order}"><span class="relation" style="background:{colour}">'
        f"{escape(finding.relation)}</span>{_arrows(finding.relation, {row.direction for row in rows})}</td>"
        f'<td class="partner"{partner_title}>{escape(finding.partner)} <span class="kind">{escape(kind)}</span></td>'
        f'<td class="docs" data-sort="{len(doc_ids):06d} {escape(doc_ids[0])}">{documents}</td>'
        f'<td class="num">{n_sentences}</td><td class="num">{escape(confidence)}</td><td class="flags">{_flags(rows)}</td>'
        f'<td class="evidence"><details class="evidence"><summary><span class="example">{sentences[0]}</span> '
        f'<span class="count">{count}</span></summary><ol class="evidence-list">{items}</ol></details></td></tr>'
    )


def _filters(findings: Sequence[Finding]) -> str:
    relation_counts = Counter(f.relation for f in findings)
    relations = [(r, r, relation_counts[r]) for r in [*RELATION_TYPES, *sorted(set(relation_counts) - set(RELATION_TYPES))]]
    drug_counts = Counter((f.partner, f.partner_type) for f in findings if f.partner_type in DRUG_TYPES)
    drugs = [(drug, drug + (" (class)" if kind == "drug_class" else ""), n) for (drug, kind), n in sorted(drug_counts.items())]
    gene_counts = Counter(f.partner for f in findings if f.partner_type == "gene")
    mirna_counts = Counter(f.mirna for f in findings)
    return "\n".join((
        _options("f-relation", "relation", "every relation", relations),
        _options("f-drug", "drug", "every drug", drugs),
        _options("f-gene", "gene", "every gene", [(g, g, n) for g, n in sorted(gene_counts.items())]),
        _options("f-mirna", "miRNA", "every miRNA", [(m, m, mirna_counts[m]) for m in sorted(mirna_counts, key=mirna_sort_key)]),
        '<label>text <input id="f-text" type="search" placeholder="word in a finding"></label>',
        '<button id="f-reset" type="button">show all</button>',
        f'<output id="visible-count">{len(findings)} of {len(findings)} findings shown</output>',
    ))  # fmt: skip


def _charts(chart_counts: Counter, total: int) -> str:
    drugs = Counter({key: n for key, n in chart_counts.items() if key[1] in DRUG_TYPES})
    genes = Counter({key: n for key, n in chart_counts.items() if key[1] == "gene" and key[2] in GENE_RELATIONS})
    legend = _legend(("swatch", RELATION_COLOURS[r], r) for r in RELATION_TYPES)
    n_drugs, n_genes = len({key[0] for key in drugs}), len({key[0] for key in genes})
    return f"""<details id="charts" open><summary>Relations per drug and per gene</summary>
<p class="legend">{legend} <span class="hint">all {total} relations of the run; click a bar to show only its findings</span></p>
<div class="charts">
<figure class="chart-box"><figcaption>per drug ({n_drugs})</figcaption>{render_chart(drugs, "drug")}</figure>
<figure class="chart-box"><figcaption>per gene: targets, regulates, regulated_by ({n_genes})</figcaption>{render_chart(genes, "gene")}</figure>
</div></details>"""


def render_page(
    run_dir: Path,
    rows: Sequence[RelationRow],
    mentions: dict[tuple[str, int], list[Mention]] | None,
    chart_counts: Counter,
    total: int,
    links: dict[str, list[tuple[str, str]]] | None = None,
) -> str:
    """The whole page as one string; ``links``: the PubMed / PMC / DOI addresses of each document (documents.tsv)."""
    title = f"mirmine review: {run_dir.resolve().name or run_dir}"
    findings = group_findings(rows)
    notes = []
    if total > len(rows):
        notes.append(
            f'<p class="note" id="left-out">Showing the first {len(rows)} of {total} relations; '
            f"{total - len(rows)} are left out. Write the page again with a larger <code>--limit</code> (0 for all).</p>"
        )
    if mentions is None and rows:
        notes.append(f'<p class="note">{escape(str(run_dir / MENTIONS.file))} not found: the sentences are not highlighted.</p>')
    shown = f" ({len(rows)} shown) from {len({row.doc_id for row in rows})} documents: {len(findings)} findings" if rows else ""
    head = (
        f'<header><h1>{escape(title)}</h1><p class="summary">{total} relations{shown}'
        f' in <code>{escape(str(run_dir))}</code>; mirmine {escape(__version__)}.</p>{"".join(notes)}</header>'
    )
    if not rows:
        body = f'{head}<main><p id="empty" class="empty">This run found no relations: {escape(str(run_dir / RELATIONS.file))} has no rows.</p></main>'
        return _document(title, body, script="")
    legend_entities = _legend(("ent-swatch", ENTITY_COLOURS[t], ENTITY_LABELS[t]) for t in MENTION_TYPES)
    cache: dict = {}
    table_rows = "\n".join(_finding_row(f, i, mentions or {}, cache, links or {}) for i, f in enumerate(findings))
    headers = "".join(f'<th class="{cls}">{escape(name)}</th>' for name, cls in COLUMNS)
    body = f"""{head}
<main>
{_charts(chart_counts, total)}
<section id="review"><h2>Findings</h2>
<div id="filters">
{_filters(findings)}
</div>
<p class="legend">{legend_entities} <span class="hint">one row per miRNA, relation and partner; open its evidence for every sentence
(outlined: the row's miRNA and partner; hover a mark for its normalized name and id, a relation id for the whole id)</span></p>
<noscript><p class="note">Filters and sorting need JavaScript; every finding is shown.</p></noscript>
<table id="findings">
<thead><tr>{headers}</tr></thead>
<tbody>
{table_rows}
</tbody>
</table>
</section>
</main>"""
    return _document(title, body, script=SCRIPT)


def _document(title: str, body: str, script: str) -> str:
    # The policy blocks every fetch (the page must work offline, and a stray URL in a sentence is only text); only the
    # script whose hash is given may run, so even text that escaped escaping could not execute.
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    scripts = f"script-src 'sha256-{digest}'" if script else "script-src 'none'"
    policy = f"default-src 'none'; style-src 'unsafe-inline'; {scripts}; base-uri 'none'; form-action 'none'"
    entity_css = "\n".join(f".ent-{kind} {{ background: {colour}; }}" for kind, colour in ENTITY_COLOURS.items())
    script_tag = f"<script>{script}</script>" if script else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{escape(policy)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="mirmine {escape(__version__)}">
<title>{escape(title)}</title>
<style>{CSS}
{entity_css}
</style>
</head>
<body>
{body}
{script_tag}
</body>
</html>
"""
