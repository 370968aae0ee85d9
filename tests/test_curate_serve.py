"""`mirmine curate serve`, driven through Starlette's TestClient: decisions as `curate decide` records them, filters,
sorting, paging, stale versions refused, CSRF, escaping, a merge seen on reload, the precision workflow, the CLI."""

from __future__ import annotations

import re
import socket
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import query
from serve_store import ASSOCIATED, FILLER, FILLERS, HOSTILE, NAMED, RESISTANCE, SENSITIZES, TARGETS, form_fields
from serve_store import make_store, relation, shown_ids, write_run
from starlette.testclient import TestClient
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.curate import finding_id, merge_run
from pipeline.curate import serve as serve_module
from pipeline.curate.browse import PAGE_SIZE
from pipeline.curate.serve import check_store, make_app

runner = CliRunner()
LIVE = 4 + FILLER  # the named findings and the fillers; all pending at first


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_store(tmp_path)


def client(db: Path, curator: str = "ann") -> TestClient:
    return TestClient(make_app(db, curator), base_url="http://127.0.0.1")


@pytest.fixture
def ann(db: Path) -> TestClient:
    return client(db)


def decide(session: TestClient, fid: str, status: str, page: str = "/", **changes: str):
    """Load ``page``, fill the finding's form as a curator would, and press the button for ``status``."""
    fields = {**form_fields(session.get(page).text, fid), **changes, "status": status}
    return session.post("/decide", data=fields, follow_redirects=False)


def finding(db: Path, fid: str) -> dict[str, object]:
    columns = ("status", "note", "curator", "corrected_relation", "corrected_partner", "corrected_direction")
    (row,) = query(db, f"SELECT {', '.join(columns)} FROM findings WHERE finding_id = ?", fid)
    return dict(zip(columns, row))


def decisions(db: Path) -> list[tuple]:
    return query(db, "SELECT finding_id, status, note, curator FROM decisions ORDER BY decision_id")


# --- the first page -------------------------------------------------------------------------------------------


class Nesting(HTMLParser):
    VOID = {"meta", "input", "br", "img", "link", "hr", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        else:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else ''}>")


@pytest.mark.parametrize("path", ["/", "/?status=all&page=2", "/precision"])
def test_every_page_is_well_formed_html(ann: TestClient, path: str) -> None:
    response = ann.get(path)
    parser = Nesting()
    parser.feed(response.text)
    assert (response.status_code, parser.errors, parser.stack) == (200, [], [])


def test_the_first_page_lists_the_pending_findings_sorted_by_mirna(ann: TestClient) -> None:
    html = ann.get("/").text
    assert f"Findings 1–{PAGE_SIZE} of {LIVE} (pending)" in html
    assert shown_ids(html)[:2] == [RESISTANCE, TARGETS]  # miR-21 first, then miR-221 ... by the name's text


def test_a_finding_shows_its_columns_evidence_and_document_links(ann: TestClient) -> None:
    html = ann.get("/?q=trastuzumab").text
    block = re.search(rf'<tbody class="finding" id="f-{RESISTANCE}".*?</tbody>', html, re.DOTALL).group(0)
    cells = [re.sub("<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", block.split('<tr class="body">')[0])]
    assert cells[:9] == [RESISTANCE, "miR-21", "confers_resistance", "down", "trastuzumab drug", "breast cancer", "2", "2", "0.90"]
    assert "<details class=\"evidence\">" in block and block.count("<li>") == 2
    assert "<mark>miR-21</mark> confers <mark>trastuzumab</mark> resistance" in block
    assert "<mark>microRNA-21</mark>" in block  # the miRNA's other spelling is highlighted too
    for address in ("https://pubmed.ncbi.nlm.nih.gov/101/", "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC101/",
                    "https://doi.org/10.1000/test.101"):  # fmt: skip
        assert f'href="{address}"' in block


def test_the_store_is_in_wal_mode(db: Path) -> None:
    assert check_store(db) == "wal"


def test_a_request_naming_another_host_is_refused(db: Path) -> None:
    """A page fetched through a name that points at 127.0.0.1 (DNS rebinding) is not served."""
    assert TestClient(make_app(db, "ann"), base_url="http://evil.example").get("/").status_code == 400


# --- decisions ------------------------------------------------------------------------------------------------

ACTIONS = {
    "accept": ("accepted", {}, {"status": "accepted"}),
    "reject": ("rejected", {}, {"status": "rejected"}),
    "note": ("keep", {"note": "Fig. 3B"}, {"status": "pending", "note": "Fig. 3B"}),
    "correct": (
        "accepted", {"relation": "associated", "partner": "pertuzumab", "direction": "up"},
        {"status": "accepted", "corrected_relation": "associated", "corrected_partner": "pertuzumab", "corrected_direction": "up"},
    ),
}  # fmt: skip


@pytest.mark.parametrize(("button", "changes", "expected"), ACTIONS.values(), ids=list(ACTIONS))
def test_an_action_is_recorded_as_curate_decide_records_it(ann: TestClient, db: Path, button: str, changes, expected) -> None:
    response = decide(ann, RESISTANCE, button, **changes)
    assert (response.status_code, response.headers["location"]) == (303, f"/#f-{TARGETS}")
    stored = finding(db, RESISTANCE)
    assert {name: stored[name] for name in expected} == expected and stored["curator"] == "ann"
    assert decisions(db) == [(RESISTANCE, expected["status"], expected.get("note", ""), "ann")]


def test_back_to_pending_takes_a_decision_back_and_keeps_both(ann: TestClient, db: Path) -> None:
    decide(ann, TARGETS, "rejected")
    assert decide(ann, TARGETS, "pending", page="/?status=rejected").status_code == 303
    assert [row[1] for row in decisions(db)] == ["rejected", "pending"]
    assert finding(db, TARGETS)["status"] == "pending"


def test_a_decided_finding_leaves_the_pending_list_and_the_next_one_is_current(ann: TestClient) -> None:
    response = decide(ann, RESISTANCE, "accepted", page="/?sort=mirna")
    assert response.headers["location"] == f"/#f-{TARGETS}"
    assert RESISTANCE not in shown_ids(ann.get("/").text)
    assert RESISTANCE in shown_ids(ann.get("/?status=accepted").text)


def test_a_correction_that_does_not_fit_the_partner_is_refused_with_its_reason(ann: TestClient, db: Path) -> None:
    response = decide(ann, RESISTANCE, "accepted", relation="targets")
    assert response.status_code == 400 and "does not fit the drug trastuzumab" in response.text
    assert decisions(db) == []


def test_a_decision_on_a_stale_page_is_refused_not_written_over_the_newer_one(db: Path) -> None:
    ann, bob = client(db, "ann"), client(db, "bob")
    bob_form = form_fields(bob.get("/").text, SENSITIZES)
    assert decide(ann, SENSITIZES, "accepted").status_code == 303
    response = bob.post("/decide", data={**bob_form, "status": "rejected"}, follow_redirects=False)
    assert response.status_code == 409
    assert re.search(r"was decided \(accepted\) by ann at \d{4}-\d\d-\d\dT[\d:]+Z since you loaded the page", response.text)
    assert "Reload" in response.text
    assert (finding(db, SENSITIZES)["status"], len(decisions(db))) == ("accepted", 1)
    assert decide(bob, SENSITIZES, "rejected", page="/?status=accepted").status_code == 303  # reloaded, bob may overrule


CSRF_BREAKS = {
    "no token": lambda fields, other: {k: v for k, v in fields.items() if k != "csrf"},
    "wrong token": lambda fields, other: {**fields, "csrf": "0" * 64},
    "another browser's token": lambda fields, other: {**fields, "csrf": other["csrf"]},
}


@pytest.mark.parametrize("breaks", CSRF_BREAKS.values(), ids=list(CSRF_BREAKS))
def test_a_post_without_the_right_csrf_token_is_refused(db: Path, breaks) -> None:
    ann, mallory = client(db), client(db)
    fields = form_fields(ann.get("/").text, RESISTANCE)
    other = form_fields(mallory.get("/").text, RESISTANCE)
    response = ann.post("/decide", data={**breaks(fields, other), "status": "rejected"}, follow_redirects=False)
    assert response.status_code == 403 and "nothing was recorded" in response.text
    assert decisions(db) == []


def test_a_post_from_a_browser_without_the_cookie_is_refused(db: Path, ann: TestClient) -> None:
    fields = form_fields(ann.get("/").text, RESISTANCE)
    fresh = client(db)
    assert fresh.post("/decide", data={**fields, "status": "accepted"}, follow_redirects=False).status_code == 403
    assert decisions(db) == []


def test_state_changes_need_a_post(ann: TestClient) -> None:
    assert ann.get(f"/decide?finding_id={RESISTANCE}&status=accepted").status_code == 405


def test_injected_html_in_notes_sentences_and_titles_stays_text(ann: TestClient, db: Path) -> None:
    decide(ann, RESISTANCE, "keep", note=HOSTILE)
    html = ann.get("/?q=trastuzumab").text
    assert "<script>window" not in html and "<img src=x" not in html
    assert html.count(escape(HOSTILE)) >= 4  # the note twice (cell, field), the sentence twice, the title once
    policy = ann.get("/").headers["content-security-policy"]
    assert "script-src 'nonce-" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


# --- filters, sorting, paging ---------------------------------------------------------------------------------

FILTERS = {
    "relation": ("relation=sensitizes", {SENSITIZES}),
    "drug": ("drug=trastu", {RESISTANCE}),
    "gene": ("gene=PTEN", {TARGETS}),
    "a drug filter leaves genes out": ("drug=PTEN", set()),
    "miRNA": ("mirna=miR-221", {SENSITIZES}),
    "cancer": ("cancer=melanoma", {SENSITIZES}),
    "free text in a sentence": ("q=directly", {TARGETS}),
    "id prefix": (f"q={RESISTANCE[:6]}", {RESISTANCE}),
    "min confidence": ("min_confidence=0.9", {RESISTANCE, TARGETS}),
    "negated": ("negated=yes", {ASSOCIATED}),
    "hedged": ("hedged=yes", {SENSITIZES}),
    "not hedged": ("hedged=no&mirna=miR-2", {RESISTANCE, TARGETS}),
    "two filters": ("mirna=miR-21&relation=targets", {TARGETS}),
}


@pytest.mark.parametrize(("params", "expected"), FILTERS.values(), ids=list(FILTERS))
def test_filters_choose_the_findings(ann: TestClient, params: str, expected: set[str]) -> None:
    assert set(shown_ids(ann.get(f"/?{params}").text)) == expected


def test_the_status_filter_shows_the_decided_findings(ann: TestClient) -> None:
    decide(ann, TARGETS, "rejected")
    assert shown_ids(ann.get("/?status=rejected").text) == [TARGETS]
    assert len(shown_ids(ann.get("/?status=all&page=2").text)) == LIVE - PAGE_SIZE


@pytest.mark.parametrize(
    ("sort", "first"),
    [("-n_docs", RESISTANCE), ("confidence", SENSITIZES), ("-confidence", TARGETS), ("partner", FILLERS[0]),
     ("-relation", min((TARGETS, *FILLERS))), ("-mirna", ASSOCIATED), ("id", min((*NAMED, *FILLERS)))],
)  # fmt: skip
def test_sorting_by_a_column(ann: TestClient, sort: str, first: str) -> None:
    html = ann.get(f"/?sort={sort}").text
    assert shown_ids(html)[0] == first
    assert 'aria-sort="descending"' in html if sort.startswith("-") else 'aria-sort="ascending"' in html


def test_a_column_header_toggles_its_order(ann: TestClient) -> None:
    assert 'href="/?sort=-n_docs"' in ann.get("/?sort=n_docs").text
    assert 'href="/?sort=n_docs"' in ann.get("/?sort=-n_docs").text


def test_pages_of_fifty_cover_every_finding_once(ann: TestClient) -> None:
    first, second = ann.get("/?sort=id").text, ann.get("/?sort=id&page=2").text
    assert (len(shown_ids(first)), len(shown_ids(second))) == (PAGE_SIZE, LIVE - PAGE_SIZE)
    assert set(shown_ids(first)) | set(shown_ids(second)) == {*NAMED, *FILLERS}
    assert 'rel="next" href="/?sort=id&amp;page=2"' in first and 'rel="prev" href="/?sort=id"' in second


def test_a_decision_returns_to_the_page_and_filters_it_came_from(ann: TestClient) -> None:
    page = "/?sort=id&page=2&gene=GENE"
    response = decide(ann, shown_ids(ann.get(page).text)[0], "accepted", page=page)
    assert response.headers["location"].startswith("/?gene=GENE&sort=id&page=2#f-")


# --- a store that changes under the server --------------------------------------------------------------------


def test_a_merge_while_the_server_runs_shows_on_reload(ann: TestClient, db: Path, tmp_path: Path) -> None:
    new = finding_id("miR-155", "confers_resistance", "doxorubicin")
    assert new not in shown_ids(ann.get("/?mirna=miR-155").text)
    extra = (relation("b100000000000001", "PMID:900", "miR-155", "confers_resistance", "doxorubicin", "drug",
                      "miR-155 confers doxorubicin resistance."),)  # fmt: skip
    merge_run(db, write_run(tmp_path / "run2", extra))
    assert shown_ids(ann.get("/?mirna=miR-155").text) == [new]


# --- the precision workflow -----------------------------------------------------------------------------------


def test_draw_a_sample_check_it_and_read_precision(ann: TestClient, db: Path) -> None:
    token = form_fields(ann.get("/").text, RESISTANCE)["csrf"]
    response = ann.post("/sample", data={"csrf": token, "n": "6", "seed": "7"}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/?sample=1")
    sampled = shown_ids(ann.get("/?sample=1").text)
    assert len(sampled) == 6 and len(query(db, "SELECT * FROM samples")) == 6
    for fid in sampled[:4]:
        assert decide(ann, fid, "accepted", page="/?sample=1").status_code == 303
    assert decide(ann, sampled[4], "rejected", page="/?sample=1").status_code == 303
    html = ann.get("/precision").text
    assert "Check the sample: 1 sampled findings still pending" in html
    overall = re.search(r'<tr class="all">(.*?)</tr>', html).group(1)
    # sampled 6, checked 5, accepted 4: 0.8, Wilson 95 % 0.376-0.964; 245 checks give +/-5 % at 0.8, so 240 more
    assert re.findall(r"<td[^>]*>([^<]*)</td>", overall) == ["all", "6", "5", "4", "0.800", "0.376–0.964", "240"]


@pytest.mark.parametrize("fields", [{"n": "0"}, {"n": "x"}, {"n": "5", "seed": "-1"}], ids=["zero", "not a number", "bad seed"])
def test_a_bad_sample_size_is_refused(ann: TestClient, db: Path, fields: dict[str, str]) -> None:
    token = form_fields(ann.get("/").text, RESISTANCE)["csrf"]
    assert ann.post("/sample", data={"csrf": token, **fields}).status_code == 400
    assert query(db, "SELECT * FROM samples") == []


# --- the command ------------------------------------------------------------------------------------------------


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list:
    """The CLI's server calls, recorded instead of run; the socket is bound on 127.0.0.1 whatever --host says."""
    calls: list = []
    real_bind = serve_module.bind
    monkeypatch.setattr(serve_module, "bind", lambda host, port: calls.append((host, port)) or real_bind("127.0.0.1", 0))
    monkeypatch.setattr(serve_module, "run_server", lambda app, sock: calls.append(app))
    return calls


def test_serve_prints_the_url_and_listens_on_127_0_0_1(db: Path, served: list) -> None:
    result = runner.invoke(app, ["curate", "serve", "--db", str(db), "--port", "0", "--curator", "ann"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"Reviewing .*curated\.db as ann at http://127\.0\.0\.1:\d+/ \(Ctrl-C stops\)\n", result.stdout)
    assert served[0] == ("127.0.0.1", 0) and "Warning" not in result.stderr


def test_serve_on_another_host_warns(db: Path, served: list) -> None:
    result = runner.invoke(app, ["curate", "serve", "--db", str(db), "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Warning: listening on 0.0.0.0: anyone who can reach this machine")
    assert served[0] == ("0.0.0.0", 0)


def test_serve_a_missing_store_exits_1(tmp_path: Path, served: list) -> None:
    result = runner.invoke(app, ["curate", "serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and result.stderr.startswith("Error:") and "curate merge" in result.stderr
    assert served == []


def test_serve_on_a_port_in_use_exits_1(db: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["curate", "serve", "--db", str(db), "--port", str(port)])
    assert result.exit_code == 1 and "pick another --port" in result.stderr


def test_a_correction_shows_beside_what_was_extracted(ann: TestClient) -> None:
    decide(ann, TARGETS, "accepted", relation="regulates", partner="PTENP1", direction="up")
    block = re.search(rf'<tbody class="finding" id="f-{TARGETS}".*?</tbody>', ann.get("/?status=accepted").text, re.DOTALL).group(0)
    for corrected, extracted in (("regulates", "targets"), ("PTENP1", "PTEN"), ("up", "down")):
        assert f">{corrected}</ins> <del" in block and f">{extracted}</del>" in block


def test_a_pending_finding_has_no_back_to_pending_button(ann: TestClient) -> None:
    decide(ann, TARGETS, "accepted")
    assert 'value="pending"' not in form_block(ann.get("/").text, RESISTANCE)
    assert 'value="pending"' in form_block(ann.get("/?status=accepted").text, TARGETS)


def form_block(html: str, fid: str) -> str:
    return re.search(rf'<tbody class="finding" id="f-{fid}".*?</tbody>', html, re.DOTALL).group(0)


def test_a_corrected_relation_with_the_direction_untouched_takes_the_direction_it_implies(ann: TestClient, db: Path) -> None:
    """confers_resistance (down) corrected to sensitizes, the direction field left as shown: sensitizes is up."""
    decide(ann, RESISTANCE, "accepted", relation="sensitizes")
    assert finding(db, RESISTANCE)["corrected_direction"] == ""
    assert ">up</ins> <del" in form_block(ann.get("/?status=accepted").text, RESISTANCE)
