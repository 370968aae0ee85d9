"""The review workbench's HTML, rendered on the server: every value from the store (papers' sentences, titles, notes,
names) goes through ``html.escape``; the page reads and works without JavaScript (plain links and POSTed forms), and
a small script adds the keys (j/k next and previous finding, a accept, r reject, n note).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape
from urllib.parse import urlencode

from pipeline.output import counted
from pipeline.schema import RELATION_TYPES

from .browse import PAGE_SIZE, STATUS_FILTERS, Evidence, Filters, Finding, FindingsPage
from .decide import CORRECTED_DIRECTIONS, fitting_relations
from .page_assets import SCRIPT, STYLE
from .precision import TARGET_MARGIN, PrecisionRow

COLUMNS = (
    ("id", "id"), ("mirna", "miRNA"), ("relation", "relation"), ("direction", "direction"), ("partner", "partner"),
    ("cancers", "cancer(s)"), ("n_docs", "docs"), ("n_sentences", "sentences"), ("confidence", "confidence"),
    ("status", "status"),
)  # fmt: skip
# The buttons of a finding's form, in order: the first is what Enter in the note field presses.
BUTTONS = (("keep", "Save note", ""), ("accepted", "Accept", "a"), ("rejected", "Reject", "r"), ("pending", "Back to pending", ""))
FLAG_CHOICES = (("", "either"), ("yes", "yes"), ("no", "no"))
KEYS = (
    '<p class="keys">Keys: <kbd>j</kbd> / <kbd>k</kbd> next / previous finding, <kbd>a</kbd> accept, <kbd>r</kbd> reject, '
    "<kbd>n</kbd> note (Enter saves it, Esc leaves it). Each decision is recorded with your name and the time.</p>"
)


def h(value: object) -> str:
    """Text (or a value) as HTML text or an attribute value."""
    return escape("" if value is None else str(value), quote=True)


def layout(title: str, body: str, *, curator: str, store: str, nonce: str, active: str = "findings") -> str:
    """A whole page: head with the style, the top bar, ``body``, and the keys' script (run only with ``nonce``)."""
    tabs = "".join(
        f'<a href="{href}"{" class=active" if name == active else ""}>{label}</a>'
        for name, href, label in (("findings", "/", "Findings"), ("precision", "/precision", "Precision"))
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{h(title)} · mirmine review</title><style>{STYLE}</style></head><body>"
        f'<header><strong>mirmine review</strong><span class="store" title="the curated store">{h(store)}</span>'
        f'<nav>{tabs}</nav><span class="curator">deciding as <b>{h(curator)}</b></span></header>'
        f'<main>{body}</main><script nonce="{h(nonce)}">{SCRIPT}</script></body></html>'
    )


def message_page(title: str, message: str, *, back: str = "/", curator: str, store: str, nonce: str) -> str:
    """An error or notice page: what happened and a link back."""
    body = f'<section class="message"><h1>{h(title)}</h1><p>{h(message)}</p><p><a href="{h(back)}">Reload the page</a></p></section>'
    return layout(title, body, curator=curator, store=store, nonce=nonce)


def findings_page(page: FindingsPage, *, token: str, curator: str, store: str, nonce: str) -> str:
    """The findings list: status tabs, filters, the sortable table of one page with each finding's evidence and form."""
    filters = page.filters
    body = [_status_tabs(page), _filter_form(filters), _summary(page), KEYS]
    if page.findings:
        body.append(_table(page, token))
    else:
        body.append('<p class="empty">No finding matches these filters.</p>')
    body.append(_pager(page))
    title = f"{filters.status} findings"
    return layout(title, "".join(body), curator=curator, store=store, nonce=nonce)


def link(filters: Filters, **changes: object) -> str:
    """The address of the findings list with these filters changed."""
    query = urlencode(filters.query(**changes))
    return f"/?{query}" if query else "/"


def _status_tabs(page: FindingsPage) -> str:
    tabs = []
    for status in STATUS_FILTERS:
        active = " class=active" if status == page.filters.status else ""
        tabs.append(f'<a href="{h(link(page.filters, status=status, page=1))}"{active}>{status} <span>{page.counts.get(status, 0)}</span></a>')
    sample = ""
    if page.sampled_pending:
        sample = f'<a class="sample" href="{h(link(Filters(), sample="1"))}">sample to check <span>{page.sampled_pending}</span></a>'
    return f'<nav class="status">{"".join(tabs)}{sample}</nav>'


def _filter_form(filters: Filters) -> str:
    relation = _select("relation", (("", "any"), *((name, name) for name in RELATION_TYPES)), filters.relation)
    texts = "".join(
        f'<label>{label} <input name="{name}" value="{h(getattr(filters, name))}" size="{size}"></label>'
        for name, label, size in (("mirna", "miRNA", 9), ("drug", "drug", 10), ("gene", "gene", 8), ("cancer", "cancer", 10),
                                  ("q", "text", 14), ("min_confidence", "min confidence", 4))
    )  # fmt: skip
    flags = "".join(
        f"<label>{flag} {_select(flag, FLAG_CHOICES, getattr(filters, flag))}</label>" for flag in ("negated", "hedged")
    )
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{h(getattr(filters, name))}">'
        for name in ("status", "sort", "sample") if getattr(filters, name)
    )  # fmt: skip
    return (
        f'<form class="filters" method="get" action="/">{hidden}<label>relation {relation}</label>{texts}{flags}'
        f'<button type="submit">Filter</button> <a href="{h(link(Filters(), status=filters.status))}">clear</a></form>'
    )


def _select(name: str, choices: Iterable[tuple[str, str]], chosen: str, **attributes: str) -> str:
    extra = "".join(f' {key}="{h(value)}"' for key, value in attributes.items())
    options = "".join(
        f'<option value="{h(value)}"{" selected" if value == chosen else ""}>{h(label)}</option>' for value, label in choices
    )
    return f'<select name="{h(name)}"{extra}>{options}</select>'


def _summary(page: FindingsPage) -> str:
    first = (page.filters.page - 1) * PAGE_SIZE + 1
    last = first + len(page.findings) - 1
    shown = f"{first}–{last} of {page.total}" if page.findings else f"0 of {page.total}"
    sample = " in the checked sample" if page.filters.sample else ""
    return f'<p class="summary" id="summary">Findings {shown}{sample} ({h(page.filters.status)}), page {page.filters.page} of {page.pages}</p>'


def _pager(page: FindingsPage) -> str:
    filters, parts = page.filters, []
    if filters.page > 1:
        parts.append(f'<a rel="prev" href="{h(link(filters, page=filters.page - 1))}">← previous 50</a>')
    if filters.page < page.pages:
        parts.append(f'<a rel="next" href="{h(link(filters, page=filters.page + 1))}">next 50 →</a>')
    return f'<nav class="pager">{" ".join(parts)}</nav>'


def _table(page: FindingsPage, token: str) -> str:
    filters, heads = page.filters, []
    for key, label in COLUMNS:
        current = filters.sort.lstrip("-") == key
        descending = filters.sort.startswith("-")
        target = f"-{key}" if current and not descending else key
        arrow = (" ▼" if descending else " ▲") if current else ""
        sort = ' aria-sort="descending"' if current and descending else ' aria-sort="ascending"' if current else ""
        heads.append(f'<th{sort}><a href="{h(link(filters, sort=target, page=1))}">{label}{arrow}</a></th>')
    back = urlencode(filters.query())
    ids = [finding["finding_id"] for finding in page.findings]
    rows = []
    for index, finding in enumerate(page.findings):
        following = ids[index + 1] if index + 1 < len(ids) else ids[index - 1] if index else ""
        rows.append(_finding_rows(finding, token, back, following))
    return f'<table id="findings"><thead><tr>{"".join(heads)}</tr></thead>{"".join(rows)}</table>'


def _finding_rows(finding: Finding, token: str, back: str, following: str) -> str:
    fid = finding["finding_id"]
    relation = finding["corrected_relation"] or finding["relation"]
    partner = finding["corrected_partner"] or finding["partner"]
    confidence = "" if finding.confidence is None else f"{finding.confidence:.2f}"
    status = finding["status"] + (" · stale" if finding["stale"] else "")
    cells = (
        f'<td class="id"><code>{h(fid)}</code></td><td>{h(finding["mirna"])}</td>'
        f"<td>{_corrected(relation, finding['relation'])}</td><td>{_corrected(finding.direction, finding.extracted_direction)}</td>"
        f'<td>{_corrected(partner, finding["partner"])} <small>{h(finding["partner_type"])}</small></td>'
        f'<td>{h(finding["cancers"].replace(";", "; "))}</td><td class="num">{finding["n_docs"]}</td>'
        f'<td class="num">{finding["n_sentences"]}</td><td class="num">{confidence}</td>'
        f'<td class="status {h(finding["status"])}">{h(status)}{_decided(finding)}</td>'
    )
    return (
        f'<tbody class="finding" id="f-{h(fid)}" data-id="{h(fid)}" data-status="{h(finding["status"])}">'
        f'<tr class="head">{cells}</tr><tr class="body"><td colspan="{len(COLUMNS)}">{_evidence_list(finding)}'
        f"{_decide_form(finding, token, back, following)}</td></tr></tbody>"
    )


def _corrected(shown: str, extracted: str) -> str:
    """A value, and when a curator's correction changed it, the extracted one struck out beside it ('–' for none)."""
    if shown == extracted:
        return h(shown) or "–"
    return f'<ins title="a curator\'s correction">{h(shown) or "none"}</ins> <del title="as extracted">{h(extracted) or "none"}</del>'


def _decided(finding: Finding) -> str:
    if not finding["curator"]:
        return ""
    note = f'<br><span class="note">“{h(finding["note"])}”</span>' if finding["note"] else ""
    return f'<br><small>by {h(finding["curator"])} at {h(finding["decided_at"])}</small>{note}'


def _evidence_list(finding: Finding) -> str:
    sentences = len(finding.evidence) + finding.more_evidence
    documents = finding["n_docs"]
    items = "".join(_evidence_item(item) for item in finding.evidence)
    more = f'<p class="more">and {finding.more_evidence} more sentences</p>' if finding.more_evidence else ""
    example = highlight(finding["example"], finding["mirna"], finding["partner"])
    return (
        f'<details class="evidence"><summary><span class="example">{example}</span> '
        f"<small>({counted(sentences, 'sentence')} in {counted(documents, 'document')})</small></summary>"
        f"<ol>{items}</ol>{more}</details>"
    )



def _evidence_item(item: Evidence) -> str:
    flags = "".join(f' <span class="flag">{name}</span>' for name, on in (("negated", item.negated), ("hedged", item.hedged)) if on)
    links = " ".join(f'<a href="{h(address)}" target="_blank" rel="noopener noreferrer">{h(label)}</a>' for label, address in item.links)
    source = " · ".join(h(part) for part in (item.title, item.journal, item.year) if part)
    return (
        f'<li><q>{highlight(item.sentence, item.mirna, item.partner)}</q>{flags}<br><small><code>{h(item.doc_id)}</code> '
        f"{h(item.section)} · confidence {item.confidence:.2f}{' · ' + source if source else ''} {links}</small></li>"
    )


def _decide_form(finding: Finding, token: str, back: str, following: str) -> str:
    fid = finding["finding_id"]
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{h(value)}">'
        for name, value in (("csrf", token), ("finding_id", fid), ("version", finding.version), ("back", back), ("next", following))
    )  # fmt: skip
    buttons = "".join(
        f'<button type="submit" name="status" value="{value}" class="{value}">{label}{f" <kbd>{key}</kbd>" if key else ""}</button>'
        for value, label, key in BUTTONS
        if value != finding["status"] or value != "pending"  # a pending finding has no decision to take back
    )
    return (
        f'<form class="decide" method="post" action="/decide">{hidden}'
        f'<label>note <input name="note" value="{h(finding["note"])}" size="40" maxlength="2000"></label>{buttons}'
        f"{_correction_fields(finding)}</form>"
    )


def _correction_fields(finding: Finding) -> str:
    relation = finding["corrected_relation"] or finding["relation"]
    choices = dict.fromkeys((relation, *fitting_relations(finding["partner_type"])))
    relations = _select("relation", ((name, name) for name in choices), relation)
    uncorrected = finding.extracted_direction
    directions = dict.fromkeys((finding.direction, uncorrected, *CORRECTED_DIRECTIONS))
    direction = _select("direction", ((name, name or "none") for name in directions), finding.direction)
    partner = finding["corrected_partner"] or finding["partner"]
    corrected = " open" if any(finding[name] for name in ("corrected_relation", "corrected_partner", "corrected_direction")) else ""
    return (
        f'<details class="correct"{corrected}><summary>Correct relation, partner or direction</summary>'
        f"<label>relation {relations}</label> <label>partner "
        f'<input name="partner" value="{h(partner)}" size="14"></label> <label>direction {direction}</label> '
        '<button type="submit" name="status" value="accepted" class="accepted">Accept corrected</button> '
        '<button type="submit" name="status" value="keep">Save correction</button>'
        f' <small>extracted: {h(finding["relation"])} {h(finding["partner"])} {h(uncorrected) or "(no direction)"}</small></details>'
    )


def highlight(sentence: str, *names: str) -> str:
    """The sentence as HTML, each of ``names`` marked where it occurs (a miRNA also as microRNA-21, miR21, hsa-miR-21)."""
    patterns = [_name_pattern(name) for name in names if name]
    if not patterns:
        return h(sentence)
    found = re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)
    parts, last = [], 0
    for match in found.finditer(sentence):
        parts.append(f"{h(sentence[last:match.start()])}<mark>{h(match.group())}</mark>")
        last = match.end()
    parts.append(h(sentence[last:]))
    return "".join(parts)


def _name_pattern(name: str) -> str:
    mirna = re.fullmatch(r"miR-(\d+[a-z]?)(-[35]p)?", name)
    if mirna:
        # miR-21 in miR-21-5p and in miR-21/222, but not in miR-210.
        return rf"(?<![\w-])(?:[a-z]{{3}}-)?(?:miR|miRNA|microRNA)-?{mirna.group(1)}(?:{mirna.group(2) or ''})(?![0-9a-z])"
    return rf"(?<!\w){re.escape(name)}(?!\w)"


def precision_page(rows: Sequence[PrecisionRow], *, token: str, curator: str, store: str, nonce: str, pending: int) -> str:
    """Draw a stratified sample, check it, and see precision per relation type with its Wilson interval."""
    head = "".join(f"<th>{name}</th>" for name in ("relation", "sampled", "checked", "accepted", "precision", "95 % interval",
                                                   f"more checks for ±{TARGET_MARGIN:.0%}"))  # fmt: skip
    body = "".join(
        f'<tr class="{"all" if row.relation == "all" else ""}"><td>{h(row.relation)}</td><td class="num">{row.sampled}</td>'
        f'<td class="num">{row.checked}</td><td class="num">{row.accepted}</td>'
        f'<td class="num">{"–" if row.precision is None else f"{row.precision:.3f}"}</td>'
        f'<td class="num">{row.low:.3f}–{row.high:.3f}</td><td class="num">{row.more}</td></tr>'
        for row in rows
    )
    check = (
        f'<p><a class="button" href="{h(link(Filters(), sample="1"))}">Check the sample: {pending} sampled findings still pending</a></p>'
        if pending else "<p>No sampled finding is pending: every drawn finding is decided.</p>"
    )  # fmt: skip
    content = (
        "<h1>Precision on a checked sample</h1>"
        "<p>Draw pending findings at random, stratified by relation type (each type its share, at least one), decide each "
        "one, and read the precision of each type with its 95 % Wilson interval.</p>"
        f'<form class="sample" method="post" action="/sample"><input type="hidden" name="csrf" value="{h(token)}">'
        '<label>findings to draw <input name="n" type="number" min="1" max="10000" value="50"></label> '
        '<label>seed <input name="seed" type="number" min="0" placeholder="random"></label> '
        '<button type="submit">Draw a sample</button></form>'
        f'{check}<table id="precision"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )
    return layout("precision", content, curator=curator, store=store, nonce=nonce, active="precision")

