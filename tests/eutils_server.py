"""A fake NCBI E-utilities service on 127.0.0.1 for the tests of `mirmine fetch` and `mirmine update`.

``FakePubMed`` answers esearch (with the date filter of ``datetype``/``mindate``/``maxdate`` on each record's dates)
and efetch (by the history server or by PMIDs) from a few invented records, with faults scripted per request.
The fixtures: ``serve`` starts one (port 0: any free one) and returns its address, ``fake`` is one with four
records, ``offline`` (autouse wherever it is imported) refuses every host but the loopback one, and ``fast_cli``
shortens the backoff and request spacing of the client the CLI builds. ``FakeClock`` and ``make_client`` run a
client on a fake clock. Import the fixtures a test module needs: ``from eutils_server import fake, offline, serve``.
"""

from __future__ import annotations

import socket
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

import pytest

from pipeline.fetch import EutilsClient, RateLimiter, Settings, rate_for
from pipeline.fetch import client as client_module
from pipeline.fetch import ratelimit as ratelimit_module

PMIDS = ("1001", "1002", "1003", "1004")
WEBENV = "MCID_fake_history"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
DEFAULT_DATE = "2021/01/15"  # every date of the standard record, and the publication and modification dates of all


@dataclass(frozen=True)
class FakeRecord:
    """One invented PubMed record: its text and the date it was added to PubMed (``edat``, ``YYYY/MM/DD``)."""

    pmid: str
    title: str = ""
    abstract: str = ""
    entry_date: str = DEFAULT_DATE


def article_xml(record: FakeRecord | str) -> str:
    """A small PubmedArticle (the shape efetch gives: MedlineCitation with PMID, Article, PubmedData with History)."""
    if isinstance(record, str):  # the record every test of fetch uses: only its PMID differs
        pmid = record
        title, abstract = f"miR-{pmid[-2:]} and cisplatin resistance", "miR-21 confers cisplatin resistance in A549 cells &amp; targets PTEN."
        entry_date = DEFAULT_DATE
    else:
        pmid, title, abstract, entry_date = record.pmid, escape(record.title), escape(record.abstract), record.entry_date
    year, month, day = entry_date.split("/")
    return (
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>'
        '<Article PubModel="Print"><Journal><JournalIssue><PubDate><Year>2021</Year></PubDate></JournalIssue>'
        f"<Title>Journal of Invented Results</Title></Journal><ArticleTitle>{title}</ArticleTitle>"
        f'<Abstract><AbstractText Label="RESULTS">{abstract}</AbstractText></Abstract></Article></MedlineCitation>'
        f'<PubmedData><History><PubMedPubDate PubStatus="entrez"><Year>{year}</Year><Month>{month}</Month><Day>{day}</Day>'
        f'</PubMedPubDate></History><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList></PubmedData>'
        "</PubmedArticle>"
    )  # fmt: skip


def efetch_xml(records: list[FakeRecord | str]) -> str:
    articles = "\n".join(article_xml(record) for record in records)
    return (
        '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
        '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
        f"<PubmedArticleSet>\n{articles}\n</PubmedArticleSet>\n"
    )


def esearch_xml(count: int, pmids: list[str], webenv: str = WEBENV) -> str:
    ids = "".join(f"<Id>{pmid}</Id>" for pmid in pmids)
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
        '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
        f"<eSearchResult><Count>{count}</Count><RetMax>{len(pmids)}</RetMax><RetStart>0</RetStart>"
        f"<QueryKey>1</QueryKey><WebEnv>{webenv}</WebEnv><IdList>{ids}</IdList><TranslationSet/>"
        "<QueryTranslation>microRNA[All Fields]</QueryTranslation></eSearchResult>\n"
    )


def within(day: str, mindate: str, maxdate: str) -> bool:
    """Whether ``day`` (YYYY/MM/DD) lies in [mindate, maxdate], each YYYY, YYYY/MM or YYYY/MM/DD, as E-utilities read them."""
    return day[: len(mindate)] >= mindate and day[: len(maxdate)] <= maxdate


# A fault is the name of what the server does instead of answering well.
FAULTS = {
    "429": (429, "application/json", '{"error":"API rate limit exceeded","api-key":"127.0.0.1","count":"4","limit":"3"}'),
    "500": (500, "text/html", "<html><body><h1>500 Internal Server Error</h1></body></html>"),
    "502": (502, "text/html", "<html><body>Bad Gateway</body></html>"),
    "html": (200, "text/html", "<html><head><title>Down for maintenance</title></head><body>Back soon</body></html>"),
    "malformed": (200, "text/xml", "<?xml version=\"1.0\" ?>\n<PubmedArticleSet><PubmedArticle><MedlineCitation>"),
    "api_key": (400, "application/json", '{"error":"API key invalid","api-key":"nope","type":"invalid","status":"unknown"}'),
}


class FakePubMed:
    """E-utilities on 127.0.0.1: esearch and efetch from a few invented records, with faults scripted per request.

    Records are PMIDs (the standard record of ``article_xml``) or ``FakeRecord``s; ``add`` puts one more in, as
    PubMed gains a record. ``count`` fixes the Count esearch answers (default: the records the search finds).
    """

    def __init__(self, pmids: tuple[str, ...] = PMIDS, count: int | None = None, webenv: str = WEBENV,
                 records: tuple[FakeRecord, ...] = ()) -> None:  # fmt: skip
        self.search_ids = list(pmids)
        self.records: dict[str, FakeRecord] = {}
        self.count = count
        self.webenv = webenv
        self.expired = False  # True: the history server no longer knows the search's WebEnv
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.script: list[str | None] = []  # faults for the next requests, in order (None: answer well)
        self.fault_when: Callable[[str, dict[str, str]], str | None] = lambda utility, params: None
        self.retry_after: str | None = None
        self.deleted: set[str] = set()  # PMIDs a search lists and efetch gives no record for
        for record in records:
            self.add(record)

    def add(self, record: FakeRecord) -> None:
        self.search_ids.append(record.pmid)
        self.records[record.pmid] = record

    def fault(self, utility: str, params: dict[str, str]) -> str | None:
        scripted = self.script.pop(0) if self.script else None
        return scripted or self.fault_when(utility, params)

    def search(self, params: dict[str, str]) -> list[str]:
        """The PMIDs a search finds: all, or those whose date of ``datetype`` lies between mindate and maxdate."""
        if "mindate" not in params:
            return list(self.search_ids)
        dated = {pmid: self.records[pmid].entry_date if pmid in self.records else DEFAULT_DATE for pmid in self.search_ids}
        if params["datetype"] != "edat":
            dated = dict.fromkeys(dated, DEFAULT_DATE)
        return [pmid for pmid, day in dated.items() if within(day, params["mindate"], params["maxdate"])]

    def answer(self, utility: str, params: dict[str, str]) -> str:
        if utility == "esearch":
            found = self.search(params)
            count = len(found) if self.count is None else self.count
            return esearch_xml(count, found[: int(params.get("retmax", 20))], self.webenv)
        if "id" in params:
            listed = [pmid for pmid in params["id"].split(",") if pmid in self.search_ids and pmid not in self.deleted]
            return efetch_xml([self.records.get(pmid, pmid) for pmid in listed])
        if self.expired or params.get("WebEnv") != self.webenv:
            return "<eFetchResult><ERROR>Unable to obtain query #1</ERROR></eFetchResult>"
        start = int(params["retstart"])
        return efetch_xml([self.records.get(pmid, pmid) for pmid in self.search_ids[start : start + int(params["retmax"])]])

    def utilities(self) -> list[str]:
        return [utility for utility, _ in self.requests]

    def efetches(self) -> list[dict[str, str]]:
        return [params for utility, params in self.requests if utility == "efetch"]


class Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass

    def do_GET(self) -> None:
        self.handle_request(b"")

    def do_POST(self) -> None:
        self.handle_request(self.rfile.read(int(self.headers.get("Content-Length", 0))))

    def handle_request(self, body: bytes) -> None:
        fake: FakePubMed = self.server.fake  # type: ignore[attr-defined]
        url = urllib.parse.urlsplit(self.path)
        params = dict(urllib.parse.parse_qsl(url.query))
        params.update(urllib.parse.parse_qsl(body.decode("ascii")))
        utility = url.path.rsplit("/", 1)[-1].removesuffix(".fcgi")
        fake.requests.append((utility, params))
        fault = fake.fault(utility, params)
        if fault in FAULTS:
            status, kind, text = FAULTS[fault]
            return self.send(status, kind, text.encode())
        answer = fake.answer(utility, params).encode()
        if fault == "cut":  # a body cut short, with a Content-Length that says so: malformed XML
            return self.send(200, "text/xml", answer[: len(answer) // 2])
        if fault == "short":  # the connection drops before the announced Content-Length
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer[: len(answer) // 3])
            return None
        return self.send(200, "text/xml", answer)

    def send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if status == 429 and self.server.fake.retry_after:  # type: ignore[attr-defined]
            self.send_header("Retry-After", self.server.fake.retry_after)  # type: ignore[attr-defined]
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def serve() -> Iterator[Callable[[FakePubMed], str]]:
    """Start a FakePubMed on 127.0.0.1 (port 0: any free one); returns its E-utilities address."""
    servers: list[ThreadingHTTPServer] = []

    def start(fake: FakePubMed) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.fake = fake  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/entrez/eutils/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fake(serve) -> FakePubMed:
    fake = FakePubMed()
    fake.url = serve(fake)  # type: ignore[attr-defined]
    return fake


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse to resolve any host but the loopback one and record the ones asked for; no proxy, no NCBI settings
    from the developer's environment."""
    refused: list[str] = []
    real = socket.getaddrinfo

    def guarded(host, *args, **kwargs):
        if str(host) not in LOCAL_HOSTS:
            refused.append(str(host))
            raise socket.gaierror(f"tests stay offline: {host} refused")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NCBI_API_KEY", "NCBI_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    yield refused
    assert refused == [], "a test asked for a host other than 127.0.0.1"


class FakeClock:
    """A monotonic clock that only sleep moves; records every sleep."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_client(url: str, clock: FakeClock, **settings: str) -> EutilsClient:
    config = Settings(api_url=url, **settings)
    return EutilsClient(config, limiter=RateLimiter(rate_for(config.api_key), clock=clock, sleep=clock.sleep), sleep=clock.sleep)


@pytest.fixture
def fast_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI builds its own client: shorten its backoff and request spacing to milliseconds."""
    monkeypatch.setattr(client_module, "BACKOFF", 0.001)
    monkeypatch.setattr(ratelimit_module, "RATE_WITHOUT_KEY", 1000.0)
    monkeypatch.setattr(ratelimit_module, "RATE_WITH_KEY", 1000.0)
