"""The HTML review page: what the file holds (parsed), and what a person sees in headless Chromium.

The browser tests drive Debian's chromium with its chromedriver through selenium, and skip when either is not
installed; with MIRMINE_REQUIRE_BROWSER=1 (set by .ci/run) they fail instead. Selenium Manager, which would
download a driver, must never run.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.output import MENTIONS, RELATIONS, write_tsv
from pipeline.report import DRUG_TYPES, REPORT_FILE, place_mentions, write_report
from pipeline.schema import RELATION_TYPES, Mention

runner = CliRunner()
CHROMIUM = Path("/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    # Without these Chromium dials Google's hosts at every start; the machine's closed network refuses them.
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
)  # fmt: skip
HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
VOID = {"meta", "input", "br", "wbr", "img", "link", "hr"}


def read_relations(run_dir: Path) -> list[dict[str, str]]:
    with (run_dir / "relations.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def finding_of(row: dict[str, str]) -> tuple[str, str, str]:
    return (row["mirna"], row["relation"], row["partner"])


def findings_where(relations: list[dict[str, str]], **wanted: str) -> int:
    """How many findings (miRNA, relation, partner) have a relations.tsv row with these values."""
    return len({finding_of(row) for row in relations if all(row[key] == value for key, value in wanted.items())})


def classes(attrs: dict[str, str | None]) -> list[str]:
    return (attrs.get("class") or "").split()


class Page(HTMLParser):
    """Tags in order, the first nesting error, and the attributes of the tags the tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.options: dict[str, list[str]] = {}
        self.text: list[str] = []
        self._select: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append((tag, values))
        if tag == "select":
            self._select = values.get("id")
            self.options[self._select or ""] = []
        elif tag == "option" and self._select is not None:
            self.options[self._select].append(values.get("value") or "")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else '(nothing)'}>")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def write_run(folder: Path, relations: list[dict[str, str]], mentions: list[dict[str, str]]) -> Path:
    """A run folder with the given relations.tsv and mentions.tsv rows (missing cells empty)."""
    write_tsv(folder / "relations.tsv", RELATIONS.columns, [[row.get(c, "") for c in RELATIONS.columns] for row in relations])
    write_tsv(folder / "mentions.tsv", MENTIONS.columns, [[row.get(c, "") for c in MENTIONS.columns] for row in mentions])
    return folder


HOSTILE_SENTENCE = f"{HOSTILE} miR-21 confers {HOSTILE} tamoxifen resistance {HOSTILE}"
HOSTILE_START = 100  # where the hostile sentence starts in its document


def hostile_span(text: str) -> tuple[int, int]:
    """The document span of a name in the hostile sentence."""
    start = HOSTILE_START + HOSTILE_SENTENCE.index(text)
    return start, start + len(text)


def hostile_relation(**changes: str) -> dict[str, str]:
    (mirna_start, mirna_end), (partner_start, partner_end) = hostile_span("miR-21"), hostile_span("tamoxifen")
    row = {
        "relation_id": "r1", "doc_id": "doc", "section": "abstract", "sentence_id": "3", "mirna": "miR-21",
        "relation": "confers_resistance", "partner": "tamoxifen", "partner_type": "drug", "partner_id": "DB00675",
        "negated": "false", "hedged": "false", "rule": "cue.direction.up", "confidence": "0.80",
        "mirna_start": str(mirna_start), "mirna_end": str(mirna_end), "partner_start": str(partner_start),
        "partner_end": str(partner_end), "sentence": HOSTILE_SENTENCE,
    }  # fmt: skip
    return {**row, **changes}


def hostile_mentions() -> list[dict[str, str]]:
    found = []
    for text, kind in (("miR-21", "mirna"), ("tamoxifen", "drug")):
        start, end = hostile_span(text)
        found.append({
            "doc_id": "doc", "section": "abstract", "sentence_id": "3", "start": str(start), "end": str(end),
            "text": text, "type": kind, "norm": text, "concept_id": f'"{HOSTILE}', "rule": "test",
        })  # fmt: skip
    return found


@pytest.fixture(scope="module")
def relations(corpus_run: Path) -> list[dict[str, str]]:
    rows = read_relations(corpus_run)
    assert rows, "the bundled corpus gives relations"
    return rows


@pytest.fixture(scope="module")
def report_path(corpus_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / REPORT_FILE
    write_report(corpus_run, out)
    return out


@pytest.fixture(scope="module")
def page(report_path: Path) -> Page:
    return Page(report_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def hostile_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run whose document text, ids and names are HTML that would run a script if it reached the page as markup."""
    folder = tmp_path_factory.mktemp("hostile_run")
    rows = [
        hostile_relation(),
        hostile_relation(relation_id="r2", doc_id=f'x"><b>{HOSTILE}', mirna=f"miR-{HOSTILE}", partner=f'"{HOSTILE}'),
    ]
    write_run(folder, rows, hostile_mentions())
    return write_report(folder).path


# --- the file ------------------------------------------------------------------------------------------------


def test_page_is_well_formed_html(page: Page) -> None:
    assert (page.errors, page.stack) == ([], [])


def test_page_has_one_row_per_finding(page: Page, relations: list[dict[str, str]]) -> None:
    rows = [attrs for tag, attrs in page.tags if tag == "tr" and "finding" in classes(attrs)]
    assert len(rows) == len({finding_of(row) for row in relations}) < len(relations)


def test_every_relation_is_evidence_under_its_finding(page: Page, relations: list[dict[str, str]]) -> None:
    """Each finding row folds (in one <details>) one item per relations.tsv row of its miRNA, relation and partner."""
    under: dict[tuple[str, str, str], list[str]] = {}
    finding = ("", "", "")
    for tag, attrs in page.tags:
        if tag == "tr" and "finding" in classes(attrs):
            finding = (attrs["data-mirna"], attrs["data-relation"], attrs["data-partner"])
            under[finding] = []
        elif tag == "li" and "ev" in classes(attrs):
            under[finding].append(attrs["id"].removeprefix("r-"))
    expected: dict[tuple[str, str, str], list[str]] = {}
    for row in relations:
        expected.setdefault(finding_of(row), []).append(row["relation_id"])
    details = [attrs for tag, attrs in page.tags if tag == "details" and "evidence" in classes(attrs)]
    assert (under, len(details)) == (expected, len(expected))


def test_each_evidence_shows_eight_hex_digits_of_its_relation_id_and_keeps_the_whole(report_path: Path, relations) -> None:
    ids = re.findall(r'<code class="rid" title="relation_id (\w+)[^"]*" data-id="(\w+)">(\w+)</code>', report_path.read_text(encoding="utf-8"))
    assert sorted(ids) == sorted((r["relation_id"], r["relation_id"], r["relation_id"][:8]) for r in relations)


def test_gene_chart_draws_the_targets_rows(page: Page, relations: list[dict[str, str]]) -> None:
    drawn = {(attrs["data-name"], "targets") for tag, attrs in page.tags if tag == "g" and attrs.get("data-kind") == "gene"}
    targets = {(row["partner"], "targets") for row in relations if row["relation"] == "targets" and row["partner_type"] == "gene"}
    segments = [a for t, a in page.tags if t == "rect" and a.get("data-relation") == "targets"]
    assert targets and targets <= drawn and len(segments) == len(targets)


def test_page_loads_nothing_from_anywhere(page: Page) -> None:
    # A link a curator follows (`<a href>` to PubMed, PMC or a DOI) loads nothing with the page.
    references = [
        (tag, name, value) for tag, attrs in page.tags for name, value in attrs.items()
        if (name in ("src", "href", "srcset", "data", "action") and tag != "a") or tag in ("link", "iframe", "object", "embed")
    ]  # fmt: skip
    assert references == []


def test_each_row_links_its_document(page: Page, corpus_run: Path) -> None:
    with (corpus_run / "documents.tsv").open(encoding="utf-8", newline="") as handle:
        dois = {row["doi"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if row["doi"]}
    links = {attrs["href"] for tag, attrs in page.tags if tag == "a" and attrs.get("href")}
    assert dois and {f"https://doi.org/{doi}" for doi in dois} <= links
    assert all(link.startswith(("https://doi.org/", "https://pubmed.ncbi.nlm.nih.gov/", "https://www.ncbi.nlm.nih.gov/pmc/")) for link in links)


def test_document_links_of_pubmed_pmc_and_doi() -> None:
    from pipeline.output import document_links

    row = {"doc_id": "PMID:1", "pmid": "1", "pmcid": "PMC2", "doi": "10.1/x", "title": ""}
    assert document_links(row) == [
        ("PubMed", "https://pubmed.ncbi.nlm.nih.gov/1/"), ("PMC", "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC2/"),
        ("DOI", "https://doi.org/10.1/x"),
    ]
    assert document_links({"doc_id": "report", "pmid": "", "pmcid": "", "doi": ""}) == []


def test_page_policy_forbids_every_fetch(page: Page) -> None:
    policy = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert policy.startswith("default-src 'none';") and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


@pytest.mark.parametrize(
    ("select", "column", "types"),
    [("f-relation", "relation", ()), ("f-drug", "partner", DRUG_TYPES), ("f-gene", "partner", ("gene",)), ("f-mirna", "mirna", ())],
    ids=["relation", "drug", "gene", "mirna"],
)  # fmt: skip
def test_filter_lists_every_value_present(
    page: Page, relations: list[dict[str, str]], select: str, column: str, types: tuple[str, ...]
) -> None:
    present = {row[column] for row in relations if not types or row["partner_type"] in types}
    assert present <= set(page.options[select]) and page.options[select][0] == ""


def test_relation_filter_offers_every_relation_type(page: Page) -> None:
    assert page.options["f-relation"] == ["", *RELATION_TYPES]


def test_the_same_run_gives_a_byte_identical_page(corpus_run: Path, report_path: Path, tmp_path: Path) -> None:
    assert write_report(corpus_run, tmp_path / "again.html").path.read_bytes() == report_path.read_bytes()


def test_a_script_in_a_sentence_is_text(hostile_path: Path) -> None:
    html = hostile_path.read_text(encoding="utf-8")
    tags = [tag for tag, _ in Page(html).tags]
    assert (tags.count("script"), "img" in tags, "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html) == (1, False, True)


def test_a_quote_in_an_id_does_not_leave_its_attribute(hostile_path: Path) -> None:
    rows = [attrs for tag, attrs in Page(hostile_path.read_text(encoding="utf-8")).tags if tag == "tr" and attrs.get("data-mirna")]
    assert len(rows) == 2 and rows[1]["data-drug"] == f'"{HOSTILE}' and rows[1]["data-mirna"] == f"miR-{HOSTILE}"


def test_a_run_without_relations_says_so(tmp_path: Path) -> None:
    html = write_report(write_run(tmp_path, [], [])).path.read_text(encoding="utf-8")
    assert 'id="empty"' in html and "no relations" in html and "<script" not in html


def test_limit_leaves_rows_out_and_says_how_many(corpus_run: Path, relations: list[dict[str, str]], tmp_path: Path) -> None:
    summary = write_report(corpus_run, tmp_path / "page.html", limit=5)
    page = Page(summary.path.read_text(encoding="utf-8"))
    rows = [a for t, a in page.tags if t == "li" and "ev" in classes(a)]
    assert (len(rows), summary.left_out) == (5, len(relations) - 5)
    assert f"{len(relations) - 5} are left out" in "".join(page.text)


def test_a_run_without_mentions_still_shows_its_sentences(tmp_path: Path) -> None:
    folder = write_run(tmp_path, [hostile_relation()], [])
    (folder / "mentions.tsv").unlink()
    html = write_report(folder).path.read_text(encoding="utf-8")
    assert "tamoxifen resistance" in html and "<mark" not in html and "not highlighted" in html


# --- placing mentions in the sentence string -----------------------------------------------------------------


def mention(text: str, start: int, kind: str = "mirna") -> Mention:
    return Mention("d", "body", 0, start, start + len(text), text, kind, text, "", "test")


@pytest.mark.parametrize(
    ("sentence", "mentions", "expected"),
    [
        ("miR-21 confers tamoxifen resistance.", [mention("miR-21", 40), mention("tamoxifen", 55, "drug")],
         [(0, "miR-21"), (15, "tamoxifen")]),
        # The document had a line break and a double space inside the sentence; relations.tsv collapsed them.
        ("miR-21 confers tamoxifen resistance.", [mention("miR-21", 40), mention("tamoxifen", 57, "drug")],
         [(0, "miR-21"), (15, "tamoxifen")]),
        # The same name twice: each mention takes the occurrence its offset points to.
        ("miR-21 and tamoxifen; miR-21 again", [mention("miR-21", 122)], [(22, "miR-21")]),
        # A table section is one sentence: a mention of the next row is not this row's.
        ("Tamoxifen miR-221 [12]", [mention("Tamoxifen", 300, "drug"), mention("miR-221", 310), mention("miR-221", 345)],
         [(0, "Tamoxifen"), (10, "miR-221")]),
        ("a miR-21\nname", [mention("miR-21\nname", 2)], [(2, "miR-21 name")]),
        ("nothing here", [mention("miR-21", 0)], []),
    ],
    ids=["plain", "collapsed-whitespace", "repeated-name", "other-table-row", "name-with-line-break", "absent"],
)
def test_place_mentions(sentence: str, mentions: list[Mention], expected: list[tuple[int, str]]) -> None:
    sentence = " ".join(sentence.split())
    assert [(p.start, sentence[p.start : p.end]) for p in place_mentions(sentence, mentions)] == expected


def test_every_corpus_relation_marks_its_mirna_unless_named_in_the_previous_sentence(
    report_path: Path, relations: list[dict[str, str]]
) -> None:
    marks = SentenceMarks(report_path.read_text(encoding="utf-8")).rows
    unmarked = [row["rule"] for row in relations if not any(pair for _, _, pair in marks[f"r-{row['relation_id']}"])]
    assert len(marks) == len(relations) and all(rule.startswith("coref.") for rule in unmarked)


class SentenceMarks(HTMLParser):
    """Per evidence id, the marks of its sentence: (offset in the sentence text, text, is it the relation's pair)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: dict[str, list[tuple[int, str, bool]]] = {}
        self._row = ""
        self._depth = 0  # open elements inside the sentence; 0 when outside it
        self._text: list[str] = []
        self._mark: tuple[int, bool] | None = None
        self._label = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "li" and "ev" in classes:
            self._row = dict(attrs)["id"] or ""
            self.rows[self._row] = []
        elif tag == "div" and "sentence" in classes:
            self._depth, self._text = 1, []
        elif self._depth:
            self._depth += 1
            if tag == "mark":
                self._mark = (len("".join(self._text)), "pair" in classes)
            self._label = tag == "span" and "ent-label" in classes

    def handle_endtag(self, tag: str) -> None:
        if not self._depth:
            return
        self._depth -= 1
        if tag == "mark" and self._mark is not None:
            start, pair = self._mark
            self.rows[self._row].append((start, "".join(self._text)[start:], pair))
            self._mark = None
        self._label = False

    def handle_data(self, data: str) -> None:
        if self._depth and not self._label:
            self._text.append(data)


# One sentence names miR-21 twice and tamoxifen twice (once capitalised); each row is about other occurrences.
TWICE = "Tamoxifen raised miR-21 in MCF-7 cells, and miR-21 in turn conferred tamoxifen resistance."
TWICE_START = 200  # where the sentence starts in its document
TWICE_MENTIONS = [
    ("Tamoxifen", 0, "drug"), ("miR-21", 17, "mirna"), ("MCF-7", 27, "cell_line"), ("miR-21", 44, "mirna"), ("tamoxifen", 69, "drug"),
]  # (text, offset in the sentence, type)


def twice_relation(relation_id: str, relation: str, mirna_at: int, partner_at: int) -> dict[str, str]:
    """A row of the TWICE sentence; mirna_at and partner_at are sentence offsets of its two mentions."""
    mirna_start, partner_start = TWICE_START + mirna_at, TWICE_START + partner_at
    spans = [mirna_start, mirna_start + len("miR-21"), partner_start, partner_start + len("tamoxifen")]
    return {
        "relation_id": relation_id, "doc_id": "twice", "section": "abstract", "sentence_id": "2", "mirna": "miR-21",
        "relation": relation, "partner": "tamoxifen", "partner_type": "drug", "negated": "false", "hedged": "false",
        "rule": "test", "confidence": "0.80", "sentence": TWICE,
        **dict(zip(("mirna_start", "mirna_end", "partner_start", "partner_end"), map(str, spans))),
    }  # fmt: skip


def test_a_row_outlines_only_its_own_pair_when_the_sentence_names_them_twice(tmp_path: Path) -> None:
    mentions = [
        {"doc_id": "twice", "section": "abstract", "sentence_id": "2", "start": str(TWICE_START + at),
         "end": str(TWICE_START + at + len(text)), "text": text, "type": kind,
         "norm": text.lower() if kind == "drug" else text, "rule": "test"}
        for text, at, kind in TWICE_MENTIONS
    ]  # fmt: skip
    rows = [twice_relation("first", "regulated_by", 17, 0), twice_relation("second", "confers_resistance", 44, 69)]
    marks = SentenceMarks(write_report(write_run(tmp_path, rows, mentions)).path.read_text(encoding="utf-8")).rows
    pairs = {row: [(at, text) for at, text, pair in found if pair] for row, found in marks.items()}
    assert pairs == {"r-first": [(0, "Tamoxifen"), (17, "miR-21")], "r-second": [(44, "miR-21"), (69, "tamoxifen")]}
    assert [len(found) for found in marks.values()] == [5, 5]


# --- the command ---------------------------------------------------------------------------------------------


def test_report_writes_report_html_into_the_run_folder(tmp_path: Path) -> None:
    folder = write_run(tmp_path, [hostile_relation()], hostile_mentions())
    result = runner.invoke(app, ["report", str(folder)])
    assert (result.exit_code, (folder / REPORT_FILE).is_file(), "1 of 1 relations" in result.stdout) == (0, True, True)


@pytest.mark.parametrize("missing", ["folder", "relations.tsv"])
def test_report_without_a_run_exits_1_with_one_error_line(tmp_path: Path, missing: str) -> None:
    folder = tmp_path / "run" if missing == "folder" else tmp_path
    result = runner.invoke(app, ["report", str(folder)])
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert (result.exit_code, len(errors), str(folder) in errors[0]) == (1, 1, True)


def test_report_on_a_table_that_is_not_a_run_exits_1(tmp_path: Path) -> None:
    (tmp_path / "relations.tsv").write_text("mirna\tdrug\nmiR-21\ttamoxifen\n", encoding="utf-8")
    result = runner.invoke(app, ["report", str(tmp_path), "--out", str(tmp_path / "page.html")])
    assert (result.exit_code, "no column relation_id" in result.stderr, (tmp_path / "page.html").exists()) == (1, True, False)


# --- in the browser ------------------------------------------------------------------------------------------


def _chromedriver() -> str | None:
    found = shutil.which("chromedriver")
    return found or ("/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").is_file() else None)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """One headless Chromium for the module, started from Debian's binaries only."""
    driver_path = _chromedriver()
    missing = [name for name, found in (("chromium", CHROMIUM.is_file()), ("chromedriver", driver_path)) if not found]
    if missing:
        reason = f"{' and '.join(missing)} not installed; `apt-get install chromium chromium-driver` runs the browser tests"
        if os.environ.get("MIRMINE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"MIRMINE_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.selenium_manager import SeleniumManager

    def no_download(*args: object, **kwargs: object) -> None:
        raise AssertionError("Selenium Manager was asked for a driver; it would try to download one")

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROME_FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_OFFLINE", "1")
        patch.setattr(SeleniumManager, "binary_paths", no_download)
        driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
        try:
            yield driver
        finally:
            driver.quit()


@pytest.fixture
def shown(browser, report_path: Path):
    """The corpus page freshly loaded (filters cleared)."""
    browser.get(report_path.as_uri())
    return browser


def visible_rows(driver) -> list[dict[str, str]]:
    """The finding rows a person sees: rendered boxes, with what the filters test."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#findings tbody tr'))"
        ".filter(function (row) { return row.getClientRects().length > 0; })"
        ".map(function (row) { return Object.assign({}, row.dataset); });"
    )


def choose(driver, select_id: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, select_id)).select_by_value(value)


def count_text(driver) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, "visible-count").text


def test_browser_shows_every_finding_at_first(shown, relations: list[dict[str, str]]) -> None:
    n = findings_where(relations)
    assert (len(visible_rows(shown)), count_text(shown)) == (n, f"{n} of {n} findings shown")


def test_browser_shows_the_mirna_of_a_finding_as_a_coloured_mark(shown) -> None:
    from selenium.webdriver.common.by import By

    first = shown.find_element(By.CSS_SELECTOR, "#findings tbody tr")
    mark = first.find_element(By.CSS_SELECTOR, "summary mark.ent-mirna.pair")
    label = mark.find_element(By.CSS_SELECTOR, ".ent-label")
    background = mark.value_of_css_property("background-color")
    assert (mark.is_displayed(), label.text, background not in ("rgba(0, 0, 0, 0)", "transparent")) == (True, "miRNA", True)
    assert mark.text.replace("\u2010", "-").lower().startswith(first.get_attribute("data-mirna").lower())


def test_browser_opening_a_finding_shows_each_sentence_with_its_short_id(shown, relations: list[dict[str, str]]) -> None:
    from selenium.webdriver.common.by import By

    row = shown.find_element(By.CSS_SELECTOR, "#findings tbody tr")
    hidden = [item.is_displayed() for item in row.find_elements(By.CSS_SELECTOR, "li.ev")]
    row.find_element(By.CSS_SELECTOR, "details.evidence > summary").click()
    ids = [item.text for item in row.find_elements(By.CSS_SELECTOR, "li.ev code.rid") if item.is_displayed()]
    finding = (row.get_attribute("data-mirna"), row.get_attribute("data-relation"), row.get_attribute("data-partner"))
    expected = [r["relation_id"][:8] for r in relations if finding_of(r) == finding]
    assert (set(hidden), ids) == ({False}, expected)


def test_browser_copying_a_short_id_gives_the_whole_id(shown, relations: list[dict[str, str]]) -> None:
    from selenium.webdriver.common.by import By

    row = shown.find_element(By.CSS_SELECTOR, "#findings tbody tr")
    row.find_element(By.CSS_SELECTOR, "details.evidence > summary").click()
    rid = row.find_element(By.CSS_SELECTOR, "li.ev code.rid")
    rid.click()  # selects the id, as a person would before copying
    copied = shown.execute_script(
        "var data = new DataTransfer();"
        "document.dispatchEvent(new ClipboardEvent('copy', {clipboardData: data, bubbles: true, cancelable: true}));"
        "return data.getData('text/plain');"
    )
    assert (len(rid.text), copied) == (8, rid.get_attribute("data-id")) and copied in {r["relation_id"] for r in relations}


@pytest.mark.parametrize("relation", RELATION_TYPES)
def test_browser_relation_filter_leaves_only_that_relation(shown, relations: list[dict[str, str]], relation: str) -> None:
    choose(shown, "f-relation", relation)
    rows = visible_rows(shown)
    assert ({row["relation"] for row in rows} <= {relation}, len(rows)) == (True, findings_where(relations, relation=relation))


@pytest.mark.parametrize(("select", "types"), [("f-drug", DRUG_TYPES), ("f-gene", ("gene",))], ids=["drug", "gene"])
def test_browser_partner_filter_leaves_only_that_partner(shown, relations, select: str, types: tuple[str, ...]) -> None:
    partners = Counter(finding_of(row)[2] for row in {finding_of(r): r for r in relations}.values() if row["partner_type"] in types)
    partner, expected = partners.most_common(1)[0]
    choose(shown, select, partner)
    rows = visible_rows(shown)
    assert ({row["partner"] for row in rows}, len(rows), count_text(shown).split()[0]) == ({partner}, expected, str(expected))


def test_browser_filters_combine_and_show_all_resets_them(shown, relations: list[dict[str, str]]) -> None:
    from selenium.webdriver.common.by import By

    mirna = Counter(row["mirna"] for row in relations if row["relation"] == "sensitizes").most_common(1)[0][0]
    choose(shown, "f-mirna", mirna)
    choose(shown, "f-relation", "sensitizes")
    combined = len(visible_rows(shown))
    shown.find_element(By.ID, "f-reset").click()
    expected = findings_where(relations, mirna=mirna, relation="sensitizes")
    assert (combined, len(visible_rows(shown))) == (expected, findings_where(relations))


@pytest.mark.parametrize(("kind", "types"), [("drug", DRUG_TYPES), ("gene", ("gene",))], ids=["drug", "gene"])
def test_browser_chart_has_one_bar_group_per_partner(shown, relations, kind: str, types: tuple[str, ...]) -> None:
    from selenium.webdriver.common.by import By

    groups = [g for g in shown.find_elements(By.CSS_SELECTOR, f"#chart-{kind} g.bar-group") if g.is_displayed()]
    wanted = {"drug": set(RELATION_TYPES), "gene": {"targets", "regulates", "regulated_by"}}[kind]
    partners = {row["partner"] for row in relations if row["partner_type"] in types and row["relation"] in wanted}
    assert sorted(g.get_attribute("data-name") for g in groups) == sorted(partners)


@pytest.mark.parametrize(("kind", "types"), [("drug", DRUG_TYPES), ("gene", ("gene",))], ids=["drug", "gene"])
def test_browser_clicking_a_bar_filters_by_its_partner(shown, relations, kind: str, types: tuple[str, ...]) -> None:
    from selenium.webdriver.common.by import By

    bar = shown.find_element(By.CSS_SELECTOR, f"#chart-{kind} g.bar-group rect")
    partner = bar.find_element(By.XPATH, "..").get_attribute("data-name")
    bar.click()
    expected = len({finding_of(r) for r in relations if r["partner"] == partner and r["partner_type"] in types})
    assert {row["partner"] for row in visible_rows(shown)} == {partner} and len(visible_rows(shown)) == expected


def _column_keys(driver, column: int) -> list[str]:
    return driver.execute_script(
        "var column = arguments[0];"
        "return Array.from(document.querySelectorAll('#findings tbody tr')).map(function (row) {"
        " var cell = row.cells[column]; return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim().toLowerCase(); });",
        column,
    )


@pytest.mark.parametrize(
    ("column", "numeric"), [(0, False), (1, True), (2, False), (3, False), (4, True), (5, True), (6, False)],
    ids=["mirna", "relation", "partner", "documents", "sentences", "confidence", "flags"],
)  # fmt: skip
def test_browser_a_header_click_sorts_by_its_column_and_a_second_reverses(shown, column: int, numeric: bool) -> None:
    from selenium.webdriver.common.by import By

    from selenium.webdriver.support.ui import WebDriverWait

    # The page's script adds the sort buttons once it runs: wait for them rather than race it.
    buttons = WebDriverWait(shown, 10).until(
        lambda driver: driver.find_elements(By.CSS_SELECTOR, "#findings thead th button.sort")[column:] or False
    )
    button = buttons[0]
    button.click()
    ascending = _column_keys(shown, column)
    button.click()
    descending = _column_keys(shown, column)
    key = float if numeric else str.lower
    assert ascending == sorted(ascending, key=key) and descending == sorted(ascending, key=key, reverse=True)
    assert len(set(ascending)) > 1


@pytest.fixture(scope="module")
def wide_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run whose sentence holds a 300-character word, with a long doc id and rule: what widened the old table."""
    row = hostile_relation(
        sentence=f"miR-21 confers tamoxifen resistance {'x' * 300} in cells", doc_id="PMC" + "1234567890" * 8,
        rule="cue." + "direction" * 12,
    )  # fmt: skip
    return write_report(write_run(tmp_path_factory.mktemp("wide_run"), [row], [])).path


@pytest.mark.parametrize("which", ["corpus", "wide"])
def test_browser_nothing_is_clipped_at_1400_pixels(browser, report_path: Path, wide_path: Path, which: str) -> None:
    browser.set_window_size(1400, 1000)
    browser.get((report_path if which == "corpus" else wide_path).as_uri())
    browser.execute_script("document.querySelectorAll('details').forEach(function (d) { d.open = true; });")
    overflow = browser.execute_script(
        "var root = document.documentElement, cells = document.querySelectorAll('#findings th, #findings td');"
        "var clipped = Array.from(cells).filter(function (c) { return c.scrollWidth > c.clientWidth + 1; });"
        "var table = document.getElementById('findings').getBoundingClientRect();"
        "return [window.innerWidth, root.scrollWidth > root.clientWidth, table.right <= root.clientWidth, clipped.length];"
    )
    assert overflow == [1400, False, True, 0]


def test_browser_without_javascript_every_finding_and_its_evidence_reads(browser, report_path: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    html = report_path.read_text(encoding="utf-8")
    still = tmp_path / "no-script.html"
    still.write_text(re.sub(r"<script>.*?</script>", "", html, flags=re.DOTALL), encoding="utf-8")
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(still.as_uri())
    # A large page may still be parsing when get() returns under load: count its rows once it is whole.
    WebDriverWait(browser, 10).until(lambda driver: driver.execute_script("return document.readyState") == "complete")
    rows = browser.find_elements(By.CSS_SELECTOR, "#findings tbody tr")
    rows[0].find_element(By.CSS_SELECTOR, "summary").click()
    sentence = rows[0].find_element(By.CSS_SELECTOR, "li.ev .sentence")
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#findings thead th")]
    assert (len(visible_rows(browser)), sentence.is_displayed(), headers[0]) == (len(rows), True, "miRNA")


def test_browser_does_not_run_a_script_from_a_sentence(browser, hostile_path: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(hostile_path.as_uri())
    browser.execute_script("document.querySelectorAll('details').forEach(function (d) { d.open = true; });")
    sentence = browser.find_element(By.CSS_SELECTOR, "#findings tbody li.ev .sentence").text
    assert (browser.execute_script("return window.__pwned === undefined;"), "<script>window.__pwned = 1</script>" in sentence) == (True, True)
    assert len(visible_rows(browser)) == 2
