"""The review page's inline CSS and JavaScript (``report.py`` writes the page around them).

The script only adds to a page that reads without it: it filters and counts the findings, sorts them by a column,
lets a chart bar filter by its drug or gene, and copies a relation's full id from its short form.
"""

from __future__ import annotations

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
RELATION_COLOURS = {
    "targets": "#4c78a8",
    "regulates": "#72a0cf",
    "regulated_by": "#a0785a",
    "sensitizes": "#3b8a3e",
    "confers_resistance": "#c8413f",
    "associated": "#7a7a7a",
}
OTHER_COLOUR = "#b0b0b0"

# The marks copy displaCy's `ent` style (spacy/displacy/templates.py TPL_ENT) as classes instead of inline styles.
# At 1,400 px every column fits: long words and ids break inside their cell instead of widening the table.
CSS = """
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
#charts > summary { cursor: pointer; font-size: 1.15em; font-weight: bold; margin: 1em 0 0.4em; }
.charts { display: flex; flex-wrap: wrap; gap: 0.5em 1.5em; align-items: flex-start; }
.chart-box { margin: 0; max-height: 26em; overflow-y: auto; border: 1px solid #eee; padding: 0.3em; }
.chart-box figcaption { font-size: 0.9em; font-weight: bold; margin-bottom: 0.2em; }
svg.chart .bar-group { cursor: pointer; }
svg.chart .bar-group:hover rect, svg.chart .bar-group.selected rect { stroke: #222; stroke-width: 1.5; }
svg.chart text { font-size: 12px; fill: #222; }
svg.chart .drug-class { font-style: italic; }
svg.chart .bar-total { fill: #555; }
#filters { position: sticky; top: 0; z-index: 1; background: #fafafa; border: 1px solid #ddd; padding: 0.5em 0.7em;
  display: flex; flex-wrap: wrap; gap: 0.6em 1.2em; align-items: center; }
#filters select, #filters input { font-size: 0.95em; max-width: 16em; }
#visible-count { font-weight: bold; margin-left: auto; }
table { border-collapse: collapse; width: 100%; margin-top: 0.5em; font-size: 0.9em; }
th { text-align: left; background: #f0f0f0; border-bottom: 2px solid #ccc; padding: 0.35em 0.5em; white-space: nowrap; }
th.num { text-align: right; }
th button.sort { font: inherit; font-weight: bold; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; }
th[aria-sort="ascending"] button.sort::after { content: " \\25B2"; } th[aria-sort="descending"] button.sort::after { content: " \\25BC"; }
td { border-bottom: 1px solid #e4e4e4; padding: 0.35em 0.5em; vertical-align: top; overflow-wrap: anywhere; }
td.mirna, td.relation-cell { white-space: nowrap; }
td.partner { min-width: 6em; }
td.docs { font-size: 0.85em; width: 11em; } td.docs .doc { margin-bottom: 0.3em; }
.doc-id { font-family: ui-monospace, "DejaVu Sans Mono", monospace; word-break: break-all; }
.links { font-size: 0.9em; } .links a { margin-right: 0.4em; }
td.num { text-align: right; white-space: nowrap; }
td.evidence { width: 55%; }
tr.negated > td { color: #777; }
.relation { color: #fff; padding: 0.1em 0.45em; border-radius: 0.3em; white-space: nowrap; }
.kind { color: #777; font-size: 0.8em; }
.flag { display: inline-block; font-size: 0.8em; padding: 0 0.4em; border-radius: 0.3em; margin: 0 0.2em 0.2em 0; white-space: nowrap; }
.flag-negated { background: #f6c6c6; } .flag-hedged { background: #e6e0c0; }
details.evidence > summary { cursor: pointer; line-height: 2.4; }
details.evidence > summary .count { color: #555; font-size: 0.85em; white-space: nowrap; }
details.evidence[open] > summary .example { display: none; }
ol.evidence-list { margin: 0.3em 0 0.3em 1.2em; padding: 0; }
li.ev { margin-bottom: 0.6em; } li.ev.negated { color: #777; }
.ev-meta { font-size: 0.85em; color: #444; line-height: 1.5; }
.ev-meta .rule { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
code.rid { background: #eef2f7; border-radius: 0.25em; padding: 0 0.3em; cursor: copy; }
.sentence { line-height: 2.4; }
.cell-lines { color: #666; font-size: 0.85em; line-height: 1.4; }
mark.ent { padding: 0.4em 0.5em; margin: 0 0.2em; line-height: 1; border-radius: 0.35em; color: inherit; white-space: nowrap; }
mark.ent.pair { outline: 2px solid #333; }
mark.ent-other { background: #ddd; }
.ent-label { font-size: 0.75em; font-weight: bold; line-height: 1; border-radius: 0.35em; vertical-align: middle; margin-left: 0.4rem; }
"""

SCRIPT = """
(function () {
  "use strict";
  var table = document.getElementById("findings");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var words = rows.map(function (row) { return row.textContent.toLowerCase(); });
  var selects = {relation: "f-relation", drug: "f-drug", gene: "f-gene", mirna: "f-mirna"};
  Object.keys(selects).forEach(function (key) { selects[key] = document.getElementById(selects[key]); });
  var text = document.getElementById("f-text");
  var count = document.getElementById("visible-count");
  var bars = Array.prototype.slice.call(document.querySelectorAll("svg.chart .bar-group"));
  function apply() {
    var q = text.value.trim().toLowerCase(), shown = 0;
    rows.forEach(function (row, i) {
      var keep = Object.keys(selects).every(function (key) {
        return !selects[key].value || row.dataset[key] === selects[key].value;
      }) && (!q || words[i].indexOf(q) >= 0);
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " findings shown";
    bars.forEach(function (bar) {
      var select = selects[bar.dataset.kind];
      bar.classList.toggle("selected", select.value !== "" && bar.dataset.name === select.value);
    });
  }
  Object.keys(selects).forEach(function (key) { selects[key].addEventListener("change", apply); });
  text.addEventListener("input", apply);
  document.getElementById("f-reset").addEventListener("click", function () {
    Object.keys(selects).forEach(function (key) { selects[key].value = ""; });
    text.value = "";
    apply();
  });
  bars.forEach(function (bar) {
    bar.addEventListener("click", function () {
      var select = selects[bar.dataset.kind], wanted = select.value === bar.dataset.name ? "" : bar.dataset.name;
      if (wanted && !Array.prototype.some.call(select.options, function (o) { return o.value === wanted; })) { return; }
      select.value = wanted;
      apply();
      document.getElementById("review").scrollIntoView();
    });
  });
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function key(row, column) {
    var cell = row.cells[column];
    return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim().toLowerCase();
  }
  function sortBy(column) {
    var th = heads[column], ascending = th.getAttribute("aria-sort") !== "ascending";
    var numeric = th.classList.contains("num");
    heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.slice().sort(function (a, b) {
      var x = key(a, column), y = key(b, column);
      var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      order = ascending ? order : -order;
      return order || Number(a.dataset.order) - Number(b.dataset.order);
    }).forEach(function (row) { table.tBodies[0].appendChild(row); });
  }
  heads.forEach(function (th, column) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.title = "sort by " + th.textContent.trim();
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () { sortBy(column); });
  });
  function idAround(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element ? element.closest("code.rid") : null;
  }
  table.addEventListener("click", function (event) {
    var rid = idAround(event.target);
    if (!rid) { return; }
    var range = document.createRange(), selection = document.getSelection();
    range.selectNodeContents(rid);
    selection.removeAllRanges();
    selection.addRange(range);
  });
  // A relation id shows 8 hex digits; copying it (or a selection inside it) gives the whole id.
  document.addEventListener("copy", function (event) {
    var selection = document.getSelection();
    if (!selection || !selection.rangeCount || !event.clipboardData) { return; }
    var rid = idAround(selection.anchorNode);
    if (!rid || idAround(selection.focusNode) !== rid) { return; }
    event.clipboardData.setData("text/plain", rid.dataset.id);
    event.preventDefault();
  });
  apply();
})();
"""
