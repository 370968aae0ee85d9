"""The review page: one self-contained HTML file of a run's relations, for a curator to read and filter.

Each relation is a table row with its sentence, the sentence's mentions highlighted the way spaCy's displaCy
``ent`` style marks entities (a coloured box with the label). Select boxes filter the rows by relation type, drug
and miRNA; an inline SVG chart counts the relations per drug. The page loads nothing: its CSS and JavaScript are
inline and a Content-Security-Policy forbids every fetch, so it opens from disk on a machine without network.
Every piece of text from the run is HTML-escaped, and the policy lets only the page's own script run.

The inputs are the run folder's relations.tsv and mentions.tsv. The same run gives a byte-identical page.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from pipeline import __version__
from pipeline.output import MENTIONS, RELATIONS, RelationRow, RunFolder, TableError, atomic_open, document_links, mirna_sort_key
from pipeline.schema import DRUG_TYPES, MENTION_TYPES, RELATION_TYPES, Mention

REPORT_FILE = "report.html"
DEFAULT_LIMIT = 5000
# More bars than this make the chart taller than a screen without telling more; the rest are counted in a note.
CHART_LIMIT = 50

# displaCy's colour scheme for its own labels, given to ours: dark text stays readable on every background.
ENTITY_COLOURS = {
    "mirna": "#feca74",
    "gene": "#7aecec",
    "drug": "#aa9cfc",
    "drug_class": "#ddd5ff",
    "cell_line": "#bfeeb7",
    "disease": "#ff9561",
    "species": "#e4e7d2",
}
ENTITY_LABELS = {
    "mirna": "miRNA", "gene": "gene", "drug": "drug", "drug_class": "drug class", "cell_line": "cell line",
    "disease": "disease", "species": "species",
}
RELATION_COLOURS = {
    "targets": "#4c78a8",
    "regulates": "#72a0cf",
    "regulated_by": "#a0785a",
    "sensitizes": "#3b8a3e",
    "confers_resistance": "#c8413f",
    "associated": "#7a7a7a",
}
OTHER_COLOUR = "#b0b0b0"


class ReportError(Exception):
    """A run folder or one of its tables that cannot be turned into a page; the message names the file."""


def drug_of(row: RelationRow) -> str:
    """The partner when it is a drug or a drug class, else empty."""
    return row.partner if row.partner_type in DRUG_TYPES else ""


def _arrow(relation: str, direction: str) -> str:
    """The direction of a relation as an arrow after its label (none where the text gives none)."""
    if direction not in ("down", "up"):
        return ""
    arrow = "\u2193" if direction == "down" else "\u2191"
    if relation == "regulated_by":
        what = "the partner raises the miRNA" if direction == "up" else "the partner lowers the miRNA"
    else:
        what = f"more miRNA, partner {direction}"
    return f' <span class="direction" title="{what}">{arrow}</span>'


@dataclass(frozen=True, slots=True)
class Placed:
    """A mention located in a relation's sentence string: ``start``/``end`` index that string, end exclusive."""

    start: int
    end: int
    mention: Mention


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """What ``write_report`` wrote: the page, the relations of the run and how many of them are rows."""

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
    """The first ``limit`` rows of relations.tsv (0: all), (drug, relation) counts over every row, and the row count."""
    rows: list[RelationRow] = []
    counts: Counter = Counter()
    total = 0
    for row in folder.relations():
        total += 1
        if row.partner_type in DRUG_TYPES:
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


def render_chart(counts: Counter) -> str:
    """An inline SVG of stacked horizontal bars: one group per drug, one segment per relation type."""
    by_drug: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for (drug, partner_type, relation), n in counts.items():
        by_drug[(drug, partner_type)][relation] += n
    if not by_drug:
        return '<p class="note">No relation with a drug or drug class.</p>'
    drugs = sorted(by_drug, key=lambda key: (-sum(by_drug[key].values()), key))
    shown, hidden = drugs[:CHART_LIMIT], drugs[CHART_LIMIT:]
    relations = [*RELATION_TYPES, *sorted({r for c in by_drug.values() for r in c} - set(RELATION_TYPES))]
    label_width = min(220, 16 + 7 * max(len(drug) for drug, _ in shown))
    bar_width, bar_height, gap, top = 520, 18, 6, 4
    most = max(sum(by_drug[key].values()) for key in shown)
    height = top + len(shown) * (bar_height + gap)
    width = label_width + bar_width + 48
    lines = [
        f'<svg id="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Relations per drug, by relation type">'
    ]
    for row, key in enumerate(shown):
        drug, partner_type = key
        y = top + row * (bar_height + gap)
        total = sum(by_drug[key].values())
        summary = ", ".join(f"{relation} {by_drug[key][relation]}" for relation in relations if by_drug[key][relation])
        kind = " (drug class)" if partner_type == "drug_class" else ""
        lines.append(f'<g class="bar-group" data-drug="{escape(drug)}"><title>{escape(drug + kind)}: {total} ({escape(summary)})</title>')
        lines.append(
            f'<text class="bar-label{" drug-class" if kind else ""}" x="{label_width - 8}" y="{y + bar_height - 5}" '
            f'text-anchor="end">{escape(drug)}</text>'
        )
        x = float(label_width)
        for relation in relations:
            n = by_drug[key][relation]
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
        lines.append(f'<p class="note">{len(hidden)} more drugs with fewer relations are not drawn.</p>')
    return "\n".join(lines)


def _legend(items: Iterable[tuple[str, str, str]]) -> str:
    return "".join(f'<span class="{cls}" style="background:{colour}">{escape(text)}</span>' for cls, colour, text in items)


def _options(element_id: str, label: str, everything: str, values: Sequence[tuple[str, str, int]]) -> str:
    """A labelled select: the empty value shows every row, then one option per (value, text, rows)."""
    options = [f'<option value="">{escape(everything)}</option>']
    options.extend(f'<option value="{escape(value)}">{escape(text)} ({n})</option>' for value, text, n in values)
    return f'<label>{escape(label)} <select id="{element_id}">{"".join(options)}</select></label>'


def _links_html(links: Sequence[tuple[str, str]]) -> str:
    anchors = " ".join(f'<a href="{escape(url)}" rel="noopener" target="_blank">{escape(label)}</a>' for label, url in links)
    return f'<div class="links">{anchors}</div>' if anchors else ""


def _row(row: RelationRow, mentions: Sequence[Mention] | None, cache: dict, links: Sequence[tuple[str, str]] = ()) -> str:
    pair = {(row.mirna_start, row.mirna_end), (row.partner_start, row.partner_end)}
    if mentions:
        key = (row.doc_id, row.sentence_id, row.sentence)
        if key not in cache:
            cache[key] = place_mentions(row.sentence, mentions)
        sentence = render_sentence(row.sentence, _place_pair(row.sentence, cache[key], mentions, pair), pair)
    else:
        sentence = escape(row.sentence)
    flags = "".join(
        f'<span class="flag flag-{name}">{name}</span>' for name, on in (("negated", row.negated), ("hedged", row.hedged)) if on
    )
    partner_kind = ENTITY_LABELS.get(row.partner_type, row.partner_type)
    partner_title = f' title="{escape(row.partner_id)}"' if row.partner_id else ""
    cell_lines = (
        f'<div class="cell-lines">cell lines: {escape(row.cell_lines.replace(";", ", "))}</div>' if row.cell_lines else ""
    )
    relation_colour = RELATION_COLOURS.get(row.relation, OTHER_COLOUR)
    # The miRNA of a `these miRNAs` row is named in the previous sentence, so it has no mark in this one.
    coreferent = '<div class="kind">as "these miRNAs"</div>' if row.rule.startswith("coref.") else ""
    # Rule ids are dotted words (`cue.direction.up+loss`): a narrow column should break them there, not mid-word.
    rule = "".join(escape(part) + ("<wbr>" if part in (".", "+") else "") for part in re.split(r"([.+])", row.rule))
    return (
        f'<tr class="rel{" negated" if row.negated else ""}" id="r-{escape(row.relation_id)}" '
        f'data-relation="{escape(row.relation)}" data-drug="{escape(drug_of(row))}" data-mirna="{escape(row.mirna)}">'
        f'<td class="doc">{escape(row.doc_id)}{_links_html(links)}</td><td>{escape(row.section)}</td>'
        f'<td class="mirna">{escape(row.mirna)}{coreferent}</td>'
        f'<td><span class="relation" style="background:{relation_colour}">{escape(row.relation)}</span>{_arrow(row.relation, row.direction)}</td>'
        f'<td class="partner"{partner_title}>{escape(row.partner)} <span class="kind">{escape(partner_kind)}</span></td>'
        f"<td>{flags}</td><td class=\"rule\">{rule}</td><td class=\"num\">{escape(row.confidence)}</td>"
        f'<td class="sentence">{sentence}{cell_lines}</td></tr>'
    )


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
    documents = len({row.doc_id for row in rows})
    notes = []
    if total > len(rows):
        notes.append(
            f'<p class="note" id="left-out">Showing the first {len(rows)} of {total} relations; '
            f"{total - len(rows)} are left out. Write the page again with a larger <code>--limit</code> (0 for all).</p>"
        )
    if mentions is None and rows:
        notes.append(f'<p class="note">{escape(str(run_dir / MENTIONS.file))} not found: the sentences are not highlighted.</p>')
    head = (
        f'<header><h1>{escape(title)}</h1><p class="summary">{total} relations'
        + (f" ({len(rows)} shown) from {documents} documents" if rows else "")
        + f' in <code>{escape(str(run_dir))}</code>; mirmine {escape(__version__)}.</p>{"".join(notes)}</header>'
    )
    if not rows:
        body = f'{head}<main><p id="empty" class="empty">This run found no relations: {escape(str(run_dir / RELATIONS.file))} has no rows.</p></main>'
        return _document(title, body, script="")
    relation_counts = Counter(row.relation for row in rows)
    relation_values = [(r, r, relation_counts[r]) for r in [*RELATION_TYPES, *sorted(set(relation_counts) - set(RELATION_TYPES))]]
    drug_counts = Counter((drug_of(row), row.partner_type) for row in rows if drug_of(row))
    drug_values = [
        (drug, drug + (" (class)" if kind == "drug_class" else ""), n) for (drug, kind), n in sorted(drug_counts.items())
    ]
    mirna_counts = Counter(row.mirna for row in rows)
    mirna_values = [(m, m, mirna_counts[m]) for m in sorted(mirna_counts, key=mirna_sort_key)]
    legend_relations = _legend(("swatch", RELATION_COLOURS[r], r) for r in RELATION_TYPES)
    legend_entities = _legend(("ent-swatch", ENTITY_COLOURS[t], ENTITY_LABELS[t]) for t in MENTION_TYPES)
    cache: dict = {}
    links = links or {}
    table_rows = "\n".join(
        _row(row, (mentions or {}).get((row.doc_id, row.sentence_id)), cache, links.get(row.doc_id, ())) for row in rows
    )
    drugs_in_chart = len({drug for drug, _, _ in chart_counts})
    body = f"""{head}
<main>
<section id="chart-section"><h2>Relations per drug</h2>
<p class="legend">{legend_relations} <span class="hint">all {total} relations of the run, {drugs_in_chart} drugs; click a bar to filter the rows by its drug</span></p>
{render_chart(chart_counts)}
</section>
<section id="review"><h2>Relations</h2>
<div id="filters">
{_options("f-relation", "relation", "every relation", relation_values)}
{_options("f-drug", "drug", "every drug", drug_values)}
{_options("f-mirna", "miRNA", "every miRNA", mirna_values)}
<label>text <input id="f-text" type="search" placeholder="word in a row"></label>
<button id="f-reset" type="button">show all</button>
<output id="visible-count">{len(rows)} of {len(rows)} relations shown</output>
</div>
<p class="legend">{legend_entities} <span class="hint">outlined: the miRNA and partner of the row; hover a mark for its normalized name and id</span></p>
<noscript><p class="note">The filters need JavaScript; every row is shown.</p></noscript>
<table id="relations">
<thead><tr><th>document</th><th>section</th><th>miRNA</th><th>relation</th><th>partner</th><th>flags</th><th>rule</th><th>conf.</th><th>sentence</th></tr></thead>
<tbody>
{table_rows}
</tbody>
</table>
</section>
</main>"""
    return _document(title, body, script=_SCRIPT)


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
<style>{_CSS}
{entity_css}
</style>
</head>
<body>
{body}
{script_tag}
</body>
</html>
"""


# The marks copy displaCy's `ent` style (spacy/displacy/templates.py TPL_ENT) as classes instead of inline styles.
_CSS = """
body { font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; margin: 0 0 0.3em; } h2 { font-size: 1.15em; margin: 1.2em 0 0.4em; }
code { font-size: 0.95em; }
.summary { margin: 0.2em 0; color: #444; }
.note { background: #fff6d5; border-left: 4px solid #e0b000; padding: 0.4em 0.8em; }
.empty { font-size: 1.1em; padding: 1em; background: #f2f2f2; }
.legend { margin: 0.3em 0; font-size: 0.85em; }
.legend .swatch { color: #fff; padding: 0.15em 0.5em; border-radius: 0.3em; margin-right: 0.4em; }
.legend .ent-swatch { padding: 0.15em 0.5em; border-radius: 0.35em; margin-right: 0.4em; }
.hint { color: #666; }
#chart .bar-group { cursor: pointer; }
#chart .bar-group:hover rect, #chart .bar-group.selected rect { stroke: #222; stroke-width: 1.5; }
#chart text { font-size: 12px; fill: #222; }
#chart .drug-class { font-style: italic; }
#chart .bar-total { fill: #555; }
#filters { position: sticky; top: 0; z-index: 1; background: #fafafa; border: 1px solid #ddd; padding: 0.5em 0.7em;
  display: flex; flex-wrap: wrap; gap: 0.6em 1.2em; align-items: center; }
#filters select, #filters input { font-size: 0.95em; }
#visible-count { font-weight: bold; margin-left: auto; }
table { border-collapse: collapse; width: 100%; margin-top: 0.5em; font-size: 0.9em; }
th { text-align: left; background: #f0f0f0; border-bottom: 2px solid #ccc; padding: 0.35em 0.5em; }
td { border-bottom: 1px solid #e4e4e4; padding: 0.35em 0.5em; vertical-align: top; }
td.doc, td.rule { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.85em; }
td.doc { word-break: break-all; } td.mirna { white-space: nowrap; }
td.doc .links { font-family: system-ui, sans-serif; font-size: 0.9em; margin-top: 0.2em; } td.doc .links a { margin-right: 0.4em; }
td.num { text-align: right; }
td.sentence { min-width: 28em; line-height: 2.5; }
tr.negated td { color: #777; }
.relation { color: #fff; padding: 0.1em 0.45em; border-radius: 0.3em; white-space: nowrap; }
.kind { color: #777; font-size: 0.8em; }
.flag { display: inline-block; font-size: 0.8em; padding: 0 0.4em; border-radius: 0.3em; margin: 0 0.2em 0.2em 0; }
.flag-negated { background: #f6c6c6; } .flag-hedged { background: #e6e0c0; }
.cell-lines { color: #666; font-size: 0.85em; line-height: 1.4; }
mark.ent { padding: 0.45em 0.6em; margin: 0 0.25em; line-height: 1; border-radius: 0.35em; color: inherit; white-space: nowrap; }
mark.ent.pair { outline: 2px solid #333; }
mark.ent-other { background: #ddd; }
.ent-label { font-size: 0.8em; font-weight: bold; line-height: 1; border-radius: 0.35em; vertical-align: middle; margin-left: 0.5rem; }
"""

_SCRIPT = """
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("#relations tbody tr"));
  var words = rows.map(function (row) { return row.textContent.toLowerCase(); });
  var relation = document.getElementById("f-relation");
  var drug = document.getElementById("f-drug");
  var mirna = document.getElementById("f-mirna");
  var text = document.getElementById("f-text");
  var count = document.getElementById("visible-count");
  var bars = Array.prototype.slice.call(document.querySelectorAll("#chart .bar-group"));
  function apply() {
    var r = relation.value, d = drug.value, m = mirna.value, q = text.value.trim().toLowerCase(), shown = 0;
    rows.forEach(function (row, i) {
      var keep = (!r || row.dataset.relation === r) && (!d || row.dataset.drug === d) &&
        (!m || row.dataset.mirna === m) && (!q || words[i].indexOf(q) >= 0);
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " relations shown";
    bars.forEach(function (bar) { bar.classList.toggle("selected", d !== "" && bar.dataset.drug === d); });
  }
  [relation, drug, mirna].forEach(function (select) { select.addEventListener("change", apply); });
  text.addEventListener("input", apply);
  document.getElementById("f-reset").addEventListener("click", function () {
    relation.value = ""; drug.value = ""; mirna.value = ""; text.value = ""; apply();
  });
  bars.forEach(function (bar) {
    bar.addEventListener("click", function () {
      var wanted = drug.value === bar.dataset.drug ? "" : bar.dataset.drug;
      if (wanted && !Array.prototype.some.call(drug.options, function (o) { return o.value === wanted; })) { return; }
      drug.value = wanted;
      apply();
      document.getElementById("review").scrollIntoView();
    });
  });
  apply();
})();
"""
