"""mirmine fetch against a fake E-utilities server on 127.0.0.1: search, batches, retries, resume, the output file.

Nothing leaves the machine: every test runs with a guard that refuses to resolve any host but the loopback
address, and asserts that no other host was asked for. Backoff and request spacing run on a fake clock. The server,
the guard and the clock are in `eutils_server.py`, shared with the tests of `mirmine update`.
"""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest
from eutils_server import PMIDS, WEBENV, FakePubMed, clock, fake, fast_cli, make_client, offline, serve  # noqa: F401
from lxml import etree
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.fetch import (
    DEFAULT_API_URL,
    ESEARCH_LIMIT,
    EutilsClient,
    EutilsError,
    FetchError,
    FetchRequest,
    RateLimiter,
    Settings,
    StateError,
    eutils_date,
    fetch_pubmed,
    part_path,
    rate_for,
    read_pmid_file,
    state_path,
)
from pipeline.ingest import read_inputs
from pipeline.schema import Document

runner = CliRunner()


def documents(path: Path) -> list[str]:
    """The doc ids `mirmine run` reads from a file (through the same reader, format detection included)."""
    found = list(read_inputs([path]))
    assert all(isinstance(item, Document) for item in found), found
    return [item.doc_id for item in found]


def leftovers(out: Path) -> list[str]:
    return sorted(path.name for path in out.parent.iterdir() if path != out)


# --- a whole fetch -----------------------------------------------------------------------------------------------


def test_a_fetch_writes_one_pubmedarticleset_that_mirmine_run_reads(fake, clock, tmp_path: Path) -> None:
    out = tmp_path / "pubmed.xml"
    summary = fetch_pubmed(FetchRequest("microRNA", batch_size=3), out, make_client(fake.url, clock))
    assert documents(out) == [f"PMID:{pmid}" for pmid in PMIDS]
    assert etree.parse(str(out)).getroot().tag == "PubmedArticleSet"
    assert (summary.count, summary.records, summary.requests, leftovers(out)) == (4, 4, 3, [])


def test_batches_come_from_the_history_server_of_the_search(fake, clock, tmp_path: Path) -> None:
    fetch_pubmed(FetchRequest("microRNA", batch_size=3), tmp_path / "pubmed.xml", make_client(fake.url, clock))
    assert fake.utilities() == ["esearch", "efetch", "efetch"]
    assert fake.requests[0][1]["usehistory"] == "y"
    assert [(p["WebEnv"], p["query_key"], p["retstart"], p["retmax"]) for p in fake.efetches()] == [
        (WEBENV, "1", "0", "3"), (WEBENV, "1", "3", "1"),
    ]  # fmt: skip
    assert {(p["db"], p["retmode"], p["rettype"]) for p in fake.efetches()} == {("pubmed", "xml", "abstract")}


def test_an_expired_history_falls_back_to_fetching_by_pmids(fake, clock, tmp_path: Path) -> None:
    fake.expired = True
    out = tmp_path / "pubmed.xml"
    fetch_pubmed(FetchRequest("microRNA", batch_size=3), out, make_client(fake.url, clock))
    assert [("id" in p, "WebEnv" in p) for p in fake.efetches()] == [(False, True), (True, False), (True, False)]
    assert documents(out) == [f"PMID:{pmid}" for pmid in PMIDS]


def test_an_empty_result_gives_a_file_with_an_empty_set(serve, clock, tmp_path: Path) -> None:
    fake = FakePubMed(pmids=())
    out = tmp_path / "none.xml"
    summary = fetch_pubmed(FetchRequest("no such thing"), out, make_client(serve(fake), clock))
    assert (summary.count, summary.records, fake.utilities(), leftovers(out)) == (0, 0, ["esearch"], [])
    assert etree.parse(str(out)).getroot().tag == "PubmedArticleSet" and documents(out) == []


def test_the_cli_says_when_the_query_matched_nothing(serve, tmp_path: Path, fast_cli) -> None:
    url = serve(FakePubMed(pmids=()))
    out = tmp_path / "none.xml"
    result = runner.invoke(app, ["fetch", "no such thing", "--out", str(out), "--api-url", url])
    assert result.exit_code == 0 and out.is_file()
    assert result.stdout.startswith(f"mirmine fetch: the query matched no PubMed record; {out} holds an empty PubmedArticleSet")


def test_the_cli_prints_a_one_line_summary(fake, tmp_path: Path, fast_cli) -> None:
    out = tmp_path / "pubmed.xml"
    result = runner.invoke(app, ["fetch", "microRNA", "--out", str(out), "--api-url", fake.url])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"mirmine fetch: 4 records -> {out} (the query matched 4; 2 requests in ")
    assert result.stderr == ""


def test_quiet_prints_nothing(fake, tmp_path: Path, fast_cli) -> None:
    result = runner.invoke(app, ["fetch", "microRNA", "--out", str(tmp_path / "pubmed.xml"), "--api-url", fake.url, "-q"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


# --- retries -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    ["429", "500", "502", "cut", "short", "html", "malformed"],
    ids=["rate-limited", "server-error", "bad-gateway", "truncated-body", "connection-dropped", "html-page", "malformed-xml"],
)
def test_a_failed_batch_is_tried_again_and_the_fetch_completes(fake, clock, tmp_path: Path, fault: str) -> None:
    fake.script = [None, fault]  # the search goes through; the first efetch fails once
    out = tmp_path / "pubmed.xml"
    summary = fetch_pubmed(FetchRequest("microRNA", batch_size=2), out, make_client(fake.url, clock))
    assert documents(out) == [f"PMID:{pmid}" for pmid in PMIDS]
    assert (fake.utilities(), summary.requests) == (["esearch", "efetch", "efetch", "efetch"], 4)
    assert fake.efetches()[0] == fake.efetches()[1]  # the same batch asked again
    assert 1.0 in clock.sleeps  # the first backoff


def test_a_failed_search_is_tried_again(fake, clock, tmp_path: Path) -> None:
    fake.script = ["500", "429"]
    fetch_pubmed(FetchRequest("microRNA"), tmp_path / "pubmed.xml", make_client(fake.url, clock))
    assert fake.utilities() == ["esearch", "esearch", "esearch", "efetch"]


def test_backoff_doubles_and_a_retry_after_is_honoured(fake, clock, tmp_path: Path) -> None:
    fake.script = ["429", "500", "429"]
    fake.retry_after = "7"
    fetch_pubmed(FetchRequest("microRNA"), tmp_path / "pubmed.xml", make_client(fake.url, clock))
    backoffs = [seconds for seconds in clock.sleeps if seconds >= 1.0]
    assert backoffs == [7.0, 2.0, 7.0]  # 1 s raised to Retry-After, 2 s, 4 s raised to Retry-After


def test_a_refused_request_is_not_tried_again(fake, clock, tmp_path: Path) -> None:
    fake.script = ["api_key"]
    with pytest.raises(FetchError, match=r"^esearch: the service refused the request \(HTTP 400 Bad Request: API key invalid\)"):
        fetch_pubmed(FetchRequest("microRNA"), tmp_path / "pubmed.xml", make_client(fake.url, clock))
    assert fake.utilities() == ["esearch"]


def test_malformed_xml_every_time_is_an_error_and_writes_no_file(fake, tmp_path: Path, fast_cli) -> None:
    fake.fault_when = lambda utility, params: "malformed" if utility == "efetch" else None
    out = tmp_path / "pubmed.xml"
    result = runner.invoke(app, ["fetch", "microRNA", "--out", str(out), "--api-url", fake.url])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(
        "Error: efetch batch 1 of 1 (records 1-4 of 4, PMIDs 1001..1004): an answer that is not what efetch gives "
        "(malformed XML: Premature end of data in tag MedlineCitation"
    )
    assert line.endswith(
        "4 times; check that --api-url is the address of E-utilities, or try again later; "
        f"nothing was written; the PMID list is kept in {state_path(out)}: run the same command again to go on from there"
    )
    assert fake.utilities() == ["esearch"] + ["efetch"] * 4
    assert not out.exists() and not part_path(out).exists()


def test_an_unreachable_service_names_its_address(clock, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_client(f"http://127.0.0.1:{port}/entrez/eutils/", clock)
    with pytest.raises(EutilsError, match=rf"^esearch: no answer from 127\.0\.0\.1:{port} .*, 4 times; check --api-url and the network"):
        fetch_pubmed(FetchRequest("microRNA"), tmp_path / "pubmed.xml", client)


# --- resume ------------------------------------------------------------------------------------------------------


def test_an_interrupted_fetch_resumes_with_only_the_missing_batches(serve, clock, tmp_path: Path) -> None:
    first = FakePubMed()
    first.fault_when = lambda utility, params: "500" if params.get("retstart") == "2" else None  # batch 2 for good
    out = tmp_path / "pubmed.xml"
    request = FetchRequest("microRNA", batch_size=2)
    with pytest.raises(FetchError, match=r"^efetch batch 2 of 2 \(records 3-4 of 4, PMIDs 1003\.\.1004\): HTTP 500 .*"
                       r"the 2 records fetched so far are kept in .*pubmed\.xml\.part: run the same command again"):
        fetch_pubmed(request, out, make_client(serve(first), clock))
    assert not out.exists() and leftovers(out) == ["pubmed.xml.fetch.json", "pubmed.xml.part"]
    assert json.loads(state_path(out).read_text())["pmids"] == list(PMIDS)

    healthy = FakePubMed()  # another server (another port, no history of the first search)
    summary = fetch_pubmed(request, out, make_client(serve(healthy), clock))
    assert healthy.requests == [("efetch", healthy.requests[0][1])] and healthy.requests[0][1]["id"] == "1003,1004"
    assert (summary.resumed_from, summary.records) == (2, 4)
    assert documents(out) == [f"PMID:{pmid}" for pmid in PMIDS]
    assert leftovers(out) == []


def test_a_batch_cut_short_by_a_kill_is_dropped_on_resume(fake, clock, tmp_path: Path) -> None:
    fake.fault_when = lambda utility, params: "500" if params.get("retstart") == "2" else None
    out = tmp_path / "pubmed.xml"
    request = FetchRequest("microRNA", batch_size=2)
    with pytest.raises(FetchError):
        fetch_pubmed(request, out, make_client(fake.url, clock))
    with part_path(out).open("ab") as part:  # a kill in the middle of appending the next batch
        part.write(b"<PubmedArticle><MedlineCitation><PMID>10")
    fake.fault_when = lambda utility, params: None
    fetch_pubmed(request, out, make_client(fake.url, clock))
    assert documents(out) == [f"PMID:{pmid}" for pmid in PMIDS]


def test_the_cli_resumes_and_says_so(fake, tmp_path: Path, fast_cli) -> None:
    fake.fault_when = lambda utility, params: "500" if params.get("retstart") == "2" else None
    out = tmp_path / "pubmed.xml"
    arguments = ["fetch", "microRNA", "--out", str(out), "--api-url", fake.url, "--batch-size", "2"]
    assert runner.invoke(app, arguments).exit_code == 1
    fake.fault_when = lambda utility, params: None
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    assert "(the query matched 4; resumed: 2 were fetched before; 1 request in " in result.stdout


def test_a_fetch_into_the_state_of_another_is_refused_until_restart(fake, clock, tmp_path: Path) -> None:
    fake.fault_when = lambda utility, params: "500" if params.get("retstart") == "2" else None
    out = tmp_path / "pubmed.xml"
    with pytest.raises(FetchError):
        fetch_pubmed(FetchRequest("microRNA", batch_size=2), out, make_client(fake.url, clock))
    fake.fault_when = lambda utility, params: None
    with pytest.raises(StateError, match="an unfinished fetch into .* with other arguments \\(query 'microRNA'\\).*--restart"):
        fetch_pubmed(FetchRequest("let-7", batch_size=2), out, make_client(fake.url, clock))
    summary = fetch_pubmed(FetchRequest("let-7", batch_size=2), out, make_client(fake.url, clock), restart=True)
    assert (summary.resumed_from, summary.records, leftovers(out)) == (None, 4, [])


# --- what is asked for -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("since", "until", "sent"),
    [("2020", "2023-06-30", ("2020", "2023/06/30")), ("2019-3", None, ("2019/03", "3000")), (None, "2021", ("1800", "2021"))],
    ids=["both", "since-only", "until-only"],
)
def test_since_and_until_are_sent_as_mindate_and_maxdate(fake, tmp_path: Path, fast_cli, since, until, sent) -> None:
    arguments = ["fetch", "microRNA", "--out", str(tmp_path / "p.xml"), "--api-url", fake.url, "--date-type", "edat"]
    arguments += [*(["--since", since] if since else []), *(["--until", until] if until else [])]
    assert runner.invoke(app, arguments).exit_code == 0
    search = fake.requests[0][1]
    assert (search["mindate"], search["maxdate"], search["datetype"], search["term"]) == (*sent, "edat", "microRNA")


def test_no_dates_send_no_date_parameters(fake, clock, tmp_path: Path) -> None:
    fetch_pubmed(FetchRequest("microRNA"), tmp_path / "p.xml", make_client(fake.url, clock))
    assert not {"mindate", "maxdate", "datetype"} & set(fake.requests[0][1])


@pytest.mark.parametrize(("text", "expected"), [("2024", "2024"), ("2024-3", "2024/03"), ("2024/03/05", "2024/03/05")])
def test_dates_are_written_as_eutils_takes_them(text: str, expected: str) -> None:
    assert eutils_date(text) == expected


@pytest.mark.parametrize("text", ["yesterday", "2024-13", "24", "2024-01-32"])
def test_a_bad_date_is_a_usage_error(fake, tmp_path: Path, text: str) -> None:
    result = runner.invoke(app, ["fetch", "microRNA", "--out", str(tmp_path / "p.xml"), "--api-url", fake.url, "--since", text])
    assert result.exit_code == 2 and "--since" in result.stderr and fake.requests == []


def test_max_caps_the_records(fake, clock, tmp_path: Path) -> None:
    out = tmp_path / "p.xml"
    summary = fetch_pubmed(FetchRequest("microRNA", max_records=3, batch_size=2), out, make_client(fake.url, clock))
    assert fake.requests[0][1]["retmax"] == "3"
    assert (summary.count, summary.records, documents(out)) == (4, 3, ["PMID:1001", "PMID:1002", "PMID:1003"])


def test_a_search_over_the_esearch_limit_needs_max_or_dates(serve, clock, tmp_path: Path) -> None:
    fake = FakePubMed(count=ESEARCH_LIMIT + 1)
    with pytest.raises(FetchError, match=r"matches 10,001 records.*--since/--until.*--max 10000"):
        fetch_pubmed(FetchRequest("microRNA"), tmp_path / "p.xml", make_client(serve(fake), clock))
    assert fake.utilities() == ["esearch"] and leftovers(tmp_path / "p.xml") == []


def test_pmids_skip_the_search_and_fetch_those_records(fake, tmp_path: Path, fast_cli) -> None:
    listed, out = tmp_path / "pmids.txt", tmp_path / "p.xml"
    listed.write_text("# from a colleague\n1002\nPMID:1001\n\n1002\n9999  # not in PubMed\n", encoding="utf-8")
    result = runner.invoke(app, ["fetch", "--pmids", str(listed), "--out", str(out), "--api-url", fake.url, "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert fake.utilities() == ["efetch", "efetch"]
    assert [p["id"] for p in fake.efetches()] == ["1002,1001", "9999"]
    assert documents(out) == ["PMID:1002", "PMID:1001"]
    assert result.stderr == "Note: 1 PMID gave no record (deleted, or not in PubMed): 9999\n"


@pytest.mark.parametrize(
    ("text", "error"),
    [("1001\nmiR-21\n", ":2: 'miR-21' is not a PMID; write one number a line"), ("# nothing yet\n\n", ": holds no PMID")],
    ids=["not-a-number", "empty"],
)
def test_a_bad_pmid_file_is_an_error_naming_it(tmp_path: Path, fast_cli, text: str, error: str) -> None:
    listed = tmp_path / "pmids.txt"
    listed.write_text(text, encoding="utf-8")
    with pytest.raises(FetchError, match=f"^{re.escape(str(listed) + error)}"):
        read_pmid_file(listed)
    result = runner.invoke(app, ["fetch", "--pmids", str(listed), "--out", str(tmp_path / "p.xml")])
    assert result.exit_code == 1 and result.stderr.startswith(f"Error: {listed}{error}")


@pytest.mark.parametrize(
    "arguments", [[], ["microRNA", "--pmids", "x.txt"], ["--pmids", "x.txt", "--since", "2020"]],
    ids=["neither-query-nor-pmids", "both", "dates-with-pmids"],
)  # fmt: skip
def test_a_query_or_a_pmid_list_is_needed(tmp_path: Path, arguments: list[str]) -> None:
    (tmp_path / "x.txt").write_text("1001\n", encoding="utf-8")
    result = runner.invoke(app, ["fetch", *[str(tmp_path / a) if a == "x.txt" else a for a in arguments], "--out", str(tmp_path / "p.xml")])
    assert result.exit_code == 2


# --- settings, rate limit, the network ---------------------------------------------------------------------------


def test_the_api_key_and_email_from_the_environment_go_with_every_request(fake, clock, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NCBI_API_KEY", "k3y")
    monkeypatch.setenv("NCBI_EMAIL", "curator@example.org")
    settings = Settings.from_env(api_url=fake.url)
    client = EutilsClient(settings, limiter=RateLimiter(rate_for(settings.api_key), clock=clock, sleep=clock.sleep), sleep=clock.sleep)
    fetch_pubmed(FetchRequest("microRNA", batch_size=2), tmp_path / "p.xml", client)
    assert {(p["api_key"], p["email"], p["tool"]) for _, p in fake.requests} == {("k3y", "curator@example.org", "mirmine")}


def test_without_settings_only_the_tool_is_sent(fake, clock, tmp_path: Path) -> None:
    fetch_pubmed(FetchRequest("microRNA"), tmp_path / "p.xml", make_client(fake.url, clock))
    assert {(p.get("api_key"), p.get("email"), p["tool"]) for _, p in fake.requests} == {(None, None, "mirmine")}


@pytest.mark.parametrize(("api_key", "interval"), [(None, 1 / 3), ("k3y", 1 / 10)], ids=["no-key-3-per-s", "key-10-per-s"])
def test_requests_are_spaced_by_the_rate_ncbi_allows(clock, api_key: str | None, interval: float) -> None:
    limiter = RateLimiter(rate_for(api_key), clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(4):
        limiter.wait()
        starts.append(clock.now)
    assert starts == pytest.approx([0.0, interval, 2 * interval, 3 * interval])


def test_requests_already_far_apart_are_not_delayed(clock) -> None:
    limiter = RateLimiter(3.0, clock=clock, sleep=clock.sleep)
    limiter.wait()
    clock.now += 5.0
    assert (limiter.wait(), clock.sleeps) == (0.0, [])


def test_the_client_spaces_its_requests(fake, clock, tmp_path: Path) -> None:
    fetch_pubmed(FetchRequest("microRNA", batch_size=1), tmp_path / "p.xml", make_client(fake.url, clock))
    assert len(fake.requests) == 5 and clock.sleeps == pytest.approx([1 / 3] * 4)


def test_the_default_address_is_ncbi_and_the_guard_keeps_tests_from_it(offline: list[str], clock) -> None:
    assert Settings().api_url == DEFAULT_API_URL == "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
    client = EutilsClient(Settings(), tries=1, sleep=clock.sleep)
    with pytest.raises(EutilsError, match="no answer from eutils.ncbi.nlm.nih.gov"):
        client.call("esearch", {"db": "pubmed", "term": "x"}, lambda body: body, "esearch")
    assert offline == ["eutils.ncbi.nlm.nih.gov"]
    offline.clear()  # the guard worked; the fixture checks that nothing else was asked for
