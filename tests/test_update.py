"""mirmine update against the fake E-utilities server of `eutils_server.py`: the curator's loop of fetch, run, merge
and diff, the query's date and PMIDs in the store, a second update that fetches nothing, a failure that leaves the
store as it was, and a store of the previous schema gaining the query tables with its decisions.

Dates: the records carry the date they were added to PubMed (edat); `today` pins the UTC date an update runs on.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from conftest import query
from eutils_server import FakePubMed, FakeRecord, fast_cli, offline, serve  # noqa: F401
from typer.testing import CliRunner

from pipeline import curate
from pipeline import update as update_module
from pipeline.cli import app
from pipeline.curate import QueryState, decide, finding_id
from pipeline.engine import RunSummary
from pipeline.schema import InputError
from pipeline.update import query_slug, search_start

runner = CliRunner()
QUERY = "microRNA AND chemoresistance"
GEMCITABINE = FakeRecord(
    "2001", "miR-21 in pancreatic cancer", "miR-21 confers resistance to gemcitabine in pancreatic cancer cells.", "2025/03/01"
)
ZEB1 = FakeRecord("2002", "miR-200c and EMT", "miR-200c directly targets ZEB1.", "2025/03/04")
DOCETAXEL = FakeRecord("2003", "miR-34a in prostate cancer", "miR-34a sensitizes prostate cancer cells to docetaxel.", "2025/03/06")
FIRST_DAY = "2025-03-05"


@pytest.fixture
def pubmed(serve) -> FakePubMed:
    """PubMed with two records for the query (added on 1 and 4 March 2025)."""
    fake = FakePubMed(pmids=(), records=(GEMCITABINE, ZEB1))
    fake.url = serve(fake)  # type: ignore[attr-defined]
    return fake


@pytest.fixture
def updates(pubmed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast_cli):
    """Run `mirmine update QUERY` on a given UTC day against the fake server, into tmp_path's store and folder."""

    def run(day: str = FIRST_DAY, *options: str, query: str = QUERY):
        monkeypatch.setattr(update_module, "utc_today", lambda: date.fromisoformat(day))
        arguments = ["update", query, "--db", str(tmp_path / "curated.db"), "--out", str(tmp_path / "updates")]
        return runner.invoke(app, [*arguments, "--api-url", pubmed.url, "--workers", "1", *options])

    return run


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every table of the store."""
    names = [name for (name,) in query(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {name: query(db, f"SELECT * FROM {name} ORDER BY 1, 2") for name in names}


def folders(tmp_path: Path) -> list[str]:
    root = tmp_path / "updates" / query_slug(QUERY)
    return sorted(path.name for path in root.iterdir()) if root.is_dir() else []


def diff_rows(stdout: str) -> set[tuple[str, ...]]:
    """(change, miRNA, relation, partner) of each row of a printed diff."""
    rows = set()
    for line in stdout.splitlines():
        words = line.split()
        if words and words[0] in curate.CHANGE_KINDS and len(words) >= 6:
            rows.add((words[0], words[3], words[4], words[5]))
    return rows


# --- the first update ------------------------------------------------------------------------------------------


def test_the_first_update_fetches_every_record_and_prints_the_diff_of_its_merge(updates, pubmed, tmp_path: Path) -> None:
    result = updates()
    assert result.exit_code == 0, result.output
    assert [params["id"] for params in pubmed.efetches()] == ["2001,2002"]
    assert "mindate" not in pubmed.requests[0][1]  # all of PubMed
    assert diff_rows(result.stdout) == {
        ("added", "miR-21", "confers_resistance", "gemcitabine"), ("added", "miR-200c", "targets", "ZEB1"),
    }  # fmt: skip


def test_the_diff_is_printed_as_curate_diff_prints_it(updates, tmp_path: Path) -> None:
    result = updates()
    diff = runner.invoke(app, ["curate", "diff", "--db", str(tmp_path / "curated.db")])
    assert result.stdout.startswith(diff.stdout + "\n")
    [summary] = result.stdout[len(diff.stdout) + 1 :].splitlines()
    assert summary.startswith(f"mirmine update: 2 new records for {QUERY!r} (the search of all of PubMed matched 2) -> ")
    assert summary.endswith(f"2 documents, 2 relations; merge 1 into {tmp_path / 'curated.db'}; last update {FIRST_DAY}")


def test_the_store_remembers_the_query_its_date_and_its_pmids(updates, tmp_path: Path) -> None:
    updates()
    db = tmp_path / "curated.db"
    assert query(db, "SELECT query, since, last_update FROM queries") == [(QUERY, "", FIRST_DAY)]
    assert query(db, "SELECT pmid, merge_id FROM query_pmids ORDER BY pmid") == [("2001", 1), ("2002", 1)]


def test_an_update_keeps_its_records_run_and_summary_in_a_folder_of_its_own(updates, tmp_path: Path) -> None:
    updates()
    folder = tmp_path / "updates" / query_slug(QUERY) / FIRST_DAY
    info = json.loads((folder / "update.json").read_text(encoding="utf-8"))
    assert sorted(path.name for path in folder.iterdir()) == ["pubmed.xml", "run", "update.json"]
    assert (folder / "run" / "relations.tsv").is_file()
    assert (info["query"], info["pmids"], info["merge_id"], info["date"]) == (QUERY, ["2001", "2002"], 1, FIRST_DAY)
    assert query(tmp_path / "curated.db", "SELECT run_dir FROM merges") == [(str((folder / "run").resolve()),)]


# --- later updates ---------------------------------------------------------------------------------------------


def test_a_second_update_right_after_fetches_nothing_and_changes_nothing(updates, pubmed, tmp_path: Path) -> None:
    updates()
    before, efetches = snapshot(tmp_path / "curated.db"), len(pubmed.efetches())
    result = updates()
    assert result.exit_code == 0, result.output
    assert len(pubmed.efetches()) == efetches  # the search listed 2002 (added the day before), known already
    assert snapshot(tmp_path / "curated.db") == before
    assert folders(tmp_path) == [FIRST_DAY]
    assert result.stdout == (
        f"mirmine update: nothing new for {QUERY!r} (the search of records added to PubMed since 2025/03/04 matched 1, "
        f"all fetched before); nothing run or merged; last update {FIRST_DAY} in {tmp_path / 'curated.db'}\n"
    )


def test_a_later_update_searches_by_entry_date_from_the_day_before_the_last(updates, pubmed) -> None:
    updates()
    updates("2025-03-09")
    search = pubmed.requests[-1][1]
    assert (search["datetype"], search["mindate"], search["maxdate"], search["term"]) == ("edat", "2025/03/04", "3000", QUERY)


def test_a_third_update_fetches_only_the_new_record_and_shows_only_its_findings(updates, pubmed, tmp_path: Path) -> None:
    updates()
    updates()
    pubmed.add(DOCETAXEL)
    result = updates("2025-03-06")
    assert result.exit_code == 0, result.output
    assert [params["id"] for params in pubmed.efetches()] == ["2001,2002", "2003"]
    assert diff_rows(result.stdout) == {("added", "miR-34a", "sensitizes", "docetaxel")}
    assert query(tmp_path / "curated.db", "SELECT last_update FROM queries") == [("2025-03-06",)]
    assert folders(tmp_path) == [FIRST_DAY, "2025-03-06"]


def test_a_record_added_later_on_the_day_of_the_last_update_is_not_missed(updates, pubmed, tmp_path: Path) -> None:
    updates()
    pubmed.add(FakeRecord("2004", "miR-34a", "miR-34a sensitizes prostate cancer cells to docetaxel.", "2025/03/05"))
    result = updates()  # the same day: a second folder
    assert [params["id"] for params in pubmed.efetches()] == ["2001,2002", "2004"]
    assert folders(tmp_path) == [FIRST_DAY, f"{FIRST_DAY}-2"]
    assert "merge 2 into" in result.stdout


def test_the_query_is_known_by_its_text_with_white_space_collapsed(updates, pubmed) -> None:
    updates()
    updates(query=f"  microRNA   AND\tchemoresistance ")
    assert len(pubmed.efetches()) == 1


def test_since_limits_the_first_update_by_entry_date(updates, pubmed, tmp_path: Path) -> None:
    result = updates(FIRST_DAY, "--since", "2025-03-02")
    assert result.exit_code == 0, result.output
    assert (pubmed.requests[0][1]["mindate"], [params["id"] for params in pubmed.efetches()]) == ("2025/03/02", ["2002"])
    assert query(tmp_path / "curated.db", "SELECT since, last_update FROM queries") == [("2025/03/02", FIRST_DAY)]


def test_max_leaves_the_rest_for_the_next_update_and_keeps_the_date(updates, pubmed, tmp_path: Path) -> None:
    first = updates(FIRST_DAY, "--max", "1")
    assert first.exit_code == 0, first.output
    assert first.stdout.rstrip().endswith("1 more new record wait for the next update (--max 1), so the query's date stays unset")
    assert query(tmp_path / "curated.db", "SELECT last_update FROM queries") == [("",)]
    updates("2025-03-06")
    assert [params["id"] for params in pubmed.efetches()] == ["2001", "2002"]
    assert query(tmp_path / "curated.db", "SELECT last_update FROM queries") == [("2025-03-06",)]


def test_a_query_that_matches_nothing_records_its_date_and_runs_nothing(updates, pubmed, tmp_path: Path) -> None:
    pubmed.search_ids.clear()
    result = updates()
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"mirmine update: nothing new for {QUERY!r} (the search of all of PubMed matched no record); ")
    assert query(tmp_path / "curated.db", "SELECT query, last_update FROM queries") == [(QUERY, FIRST_DAY)]
    assert (pubmed.efetches(), folders(tmp_path)) == ([], [])


def test_a_pmid_that_gives_no_record_is_named_and_not_remembered(updates, pubmed, tmp_path: Path) -> None:
    updates()
    pubmed.add(DOCETAXEL)
    pubmed.deleted.add(DOCETAXEL.pmid)
    result = updates("2025-03-06")
    assert result.exit_code == 0, result.output
    assert result.stderr == "Note: 1 PMID gave no record (deleted from PubMed?): 2003\n"
    assert "matched 2; 1 new PMID gave no record); nothing run or merged; last update 2025-03-06" in result.stdout
    assert query(tmp_path / "curated.db", "SELECT count(*) FROM query_pmids") == [(2,)]
    assert folders(tmp_path) == [FIRST_DAY]


# --- failures --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("utility", ["esearch", "efetch"])
def test_a_failing_server_leaves_the_store_as_it_was(updates, pubmed, tmp_path: Path, utility: str) -> None:
    updates()
    before = snapshot(tmp_path / "curated.db")
    pubmed.add(DOCETAXEL)
    pubmed.fault_when = lambda name, params: "500" if name == utility else None
    result = updates("2025-03-06")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: {utility}") and "HTTP 500" in line and "the store is as it was" in line
    assert snapshot(tmp_path / "curated.db") == before
    assert folders(tmp_path) == [FIRST_DAY]


def test_a_failed_first_update_makes_no_store_and_no_folder(updates, pubmed, tmp_path: Path) -> None:
    pubmed.fault_when = lambda name, params: "500" if name == "efetch" else None
    result = updates()
    assert result.exit_code == 1 and result.stderr.startswith("Error: efetch batch 1 of 1")
    assert not (tmp_path / "curated.db").exists() and list((tmp_path / "updates").iterdir()) == []


def test_a_run_that_fails_leaves_the_store_as_it_was(updates, pubmed, tmp_path: Path, monkeypatch) -> None:
    updates()
    before = snapshot(tmp_path / "curated.db")
    pubmed.add(DOCETAXEL)

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(update_module, "run_corpus", full_disk)
    result = updates("2025-03-06")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the run of the fetched records failed ([Errno 28] No space left on device)")
    assert snapshot(tmp_path / "curated.db") == before and folders(tmp_path) == [FIRST_DAY]


def test_records_the_run_cannot_read_leave_the_store_as_it_was(updates, pubmed, tmp_path: Path, monkeypatch) -> None:
    def unreadable(inputs, out_dir, **options):
        return RunSummary(out_dir, errors=[InputError(str(inputs[0]), "PMID:2001", "ingest", "not PubMed XML")])

    monkeypatch.setattr(update_module, "run_corpus", unreadable)
    result = updates()
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: none of the 2 records fetched could be read (not PubMed XML); nothing was merged")
    assert not (tmp_path / "curated.db").exists()


def test_a_file_that_is_not_a_store_is_refused_before_any_request(updates, pubmed, tmp_path: Path) -> None:
    (tmp_path / "curated.db").write_text("not a database", encoding="utf-8")
    result = updates()
    assert result.exit_code == 1 and result.stderr.startswith(f"Error: {tmp_path / 'curated.db'}: not a mirmine curated store")
    assert pubmed.requests == []


# --- the store of the previous schema --------------------------------------------------------------------------


def test_a_store_of_schema_2_gains_the_query_tables_and_keeps_its_decisions(updates, tmp_path: Path) -> None:
    updates()
    db = tmp_path / "curated.db"
    fid = finding_id("miR-21", "confers_resistance", "gemcitabine")
    decide(db, fid, "accepted", note="Fig. 2", curator="ann")
    with sqlite3.connect(db) as conn:  # the store as schema 2 wrote it: no query tables
        conn.execute("DROP TABLE query_pmids")
        conn.execute("DROP TABLE queries")
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    result = updates("2025-03-06")  # the store forgot the query: the update fetches its records again
    assert result.exit_code == 0, result.output
    assert query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(curate.SCHEMA_VERSION),)]
    assert query(db, "SELECT status, note, curator FROM decisions WHERE finding_id = ?", fid) == [("accepted", "Fig. 2", "ann")]
    assert query(db, "SELECT status FROM findings WHERE finding_id = ?", fid) == [("accepted",)]
    assert query(db, "SELECT query, last_update FROM queries") == [(QUERY, "2025-03-06")]
    assert diff_rows(result.stdout) == set()  # the same records: nothing changed


# --- pieces ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [("microRNA AND chemoresistance", "microrna-and-chemoresistance-"), ("miR-21[tiab]", "mir-21-tiab-"), ("(((", "query-")],
    ids=["words", "field-tag", "no-word"],
)
def test_query_slug_is_its_words_and_a_hash(text: str, slug: str) -> None:
    assert query_slug(text).startswith(slug) and len(query_slug(text)) == len(slug) + 8


def test_queries_with_the_same_words_get_two_folders() -> None:
    assert query_slug("miR-21 tiab") != query_slug("miR-21[tiab]")


@pytest.mark.parametrize(
    ("state", "start"),
    [
        (None, None),
        (QueryState("q", "", "2025-03-01", "", frozenset()), "2025/02/28"),
        (QueryState("q", "2020/01", "", "", frozenset()), "2020/01"),
        (QueryState("q", "2020/01", "2025-03-01", "", frozenset()), "2025/02/28"),
    ],
    ids=["new-query", "the-day-before-the-last-update", "since-until-one-is-complete", "last-update-wins"],
)
def test_search_start(state: QueryState | None, start: str | None) -> None:
    assert search_start(state) == start
