"""The run engine: the same tables for any number of workers, and resume after a kill (kill -9 included)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.benchmarks.pathological import pathological_text
from pipeline.engine import DocumentTimeout, Limits, run_corpus, time_budget

TABLES = ("mentions.tsv", "relations.tsv", "table.tsv", "documents.tsv", "errors.tsv")
SENTENCES = (
    "miR-{n} confers gemcitabine resistance in PANC-1 cells by targeting PTEN.",
    "Overexpression of miR-{n} reversed oxaliplatin resistance in HCT116 cells.",
    "miR-{n} directly targets ZEB1 and suppresses BCL2 expression.",
    "Knockdown of miR-{n} increased KRAS protein levels in SW480 cells.",
    "miR-{n} was upregulated in tamoxifen-resistant MCF-7 cells.",
)


def write_corpus(path: Path, n_docs: int, seed: int = 0) -> Path:
    """A JSON Lines corpus of small abstracts of our own, varied by miRNA number and sentence choice."""
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n_docs):
            picked = [SENTENCES[(i + k + seed) % len(SENTENCES)].format(n=10 + (i * 7 + k) % 400) for k in range(3)]
            handle.write(json.dumps({"pmid": str(100000 + i), "title": f"Study {i} of miRNAs", "abstract": " ".join(picked)}) + "\n")
    return path


def tables(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in TABLES}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus") / "abstracts.jsonl", 240)


@pytest.fixture(scope="module")
def clean_run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    summary = run_corpus([corpus], out, workers=1)
    assert summary.documents == 240
    return out


def test_the_tables_are_the_same_for_any_number_of_workers(corpus: Path, clean_run: Path, tmp_path: Path) -> None:
    run_corpus([corpus], tmp_path, workers=2)
    assert tables(tmp_path) == tables(clean_run)


def test_progress_reports_documents_and_the_total(corpus: Path, tmp_path: Path) -> None:
    seen: list[tuple[int, int | None]] = []
    run_corpus([corpus], tmp_path, on_progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (240, 240)


def run_cli(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", "run", *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_a_run_killed_mid_way_finishes_with_resume(corpus: Path, clean_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {**os.environ, "MIRMINE_PART_DOCS": "40"}
    process = run_cli([str(corpus), "--out", str(out), "--workers", "1", "-q"], env)
    done = out / ".mirmine" / "done.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not done.exists() or len(done.read_text().splitlines()) < 2):
        if process.poll() is not None:
            pytest.fail(f"the run ended before it could be killed: {process.stderr.read().decode()}")
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stderr.close()
    assert not (out / "run.json").exists()  # killed before the end: no finished run

    resumed = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", str(corpus), "--out", str(out), "--workers", "1", "--resume", "-q"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert tables(out) == tables(clean_run)
    assert json.loads((out / "run.json").read_text())["resumed"]["skipped_documents"] >= 80


def test_resume_redoes_a_document_whose_text_changed(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    changed = tmp_path / "abstracts.jsonl"  # the input, edited between the two runs
    lines = corpus.read_text(encoding="utf-8").splitlines()
    changed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run_corpus([changed], out)
    record = json.loads(lines[5])
    record["abstract"] = "miR-999 sensitizes MCF-7 cells to paclitaxel."
    changed.write_text("\n".join([*lines[:5], json.dumps(record), *lines[6:]]) + "\n", encoding="utf-8")
    summary = run_corpus([changed], out, resume=True)
    fresh = tmp_path / "fresh"
    run_corpus([changed], fresh)
    assert (summary.skipped, tables(out)) == (239, tables(fresh))


@pytest.mark.parametrize("workers", [1, 2])
def test_a_document_read_twice_is_extracted_once_and_reported(corpus: Path, clean_run: Path, tmp_path: Path, workers: int) -> None:
    again = tmp_path / "again.jsonl"
    again.write_text(corpus.read_text(encoding="utf-8").splitlines()[7] + "\n", encoding="utf-8")
    errors = []
    summary = run_corpus([corpus, again], tmp_path / "out", workers=workers, on_error=errors.append)
    assert summary.documents == 240
    assert [(e.source, e.doc_id, e.error) for e in errors] == [
        (str(again), "PMID:100007", f"duplicate doc_id PMID:100007 (first read from {corpus}); this copy is skipped")
    ]
    assert {name: data for name, data in tables(tmp_path / "out").items() if name != "errors.tsv"} == {
        name: data for name, data in tables(clean_run).items() if name != "errors.tsv"
    }


def test_the_document_index_lives_on_disk(corpus: Path, tmp_path: Path) -> None:
    """The parent keeps which documents it has read in a file, not in memory: PubMed has 38 million."""
    run_corpus([corpus], tmp_path)
    index = sqlite3.connect(tmp_path / ".mirmine" / "index.sqlite")
    assert index.execute("SELECT count(*) FROM seen").fetchone() == (240,)
    assert index.execute("SELECT count(*), max(copies) FROM done").fetchone() == (240, 1)


def test_resume_starts_over_when_the_rules_changed(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_corpus([corpus], out)
    state = out / ".mirmine" / "state.json"
    state.write_text(json.dumps({"fingerprint": "from other rules"}), encoding="utf-8")
    assert run_corpus([corpus], out, resume=True).skipped == 0


def test_the_dask_engine_on_a_two_worker_local_cluster_gives_the_same_tables(corpus: Path, clean_run: Path, tmp_path: Path) -> None:
    run_corpus([corpus], tmp_path, engine="dask", workers=2)
    assert tables(tmp_path) == tables(clean_run)


def test_parquet_shards_hold_the_same_typed_rows(corpus: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    run_corpus([corpus], tmp_path, formats=("tsv", "parquet"))
    relations = pq.read_table(tmp_path / "relations.parquet")
    mentions = pq.read_table(tmp_path / "mentions.parquet")
    tsv_rows = (tmp_path / "relations.tsv").read_text(encoding="utf-8").count("\n") - 1
    assert relations.num_rows == tsv_rows
    types = {name: str(relations.schema.field(name).type) for name in ("confidence", "negated", "sentence_id", "mirna_start", "rule")}
    assert types == {"confidence": "double", "negated": "bool", "sentence_id": "int64", "mirna_start": "int64", "rule": "string"}
    assert [str(mentions.schema.field(name).type) for name in ("start", "end", "text")] == ["int64", "int64", "string"]


def test_a_pipeline_rebuilt_every_few_documents_gives_the_same_tables(
    corpus: Path, clean_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The memory bound (a fresh vocabulary every REFRESH_DOCS documents) changes nothing in the output."""
    from pipeline.engine import workers

    built = []
    real = workers.Extractor
    monkeypatch.setattr(workers, "REFRESH_DOCS", 64)
    monkeypatch.setattr(workers, "Extractor", lambda *args: built.append(args) or real(*args))
    workers._extractor.cache_clear()
    try:
        run_corpus([corpus], tmp_path, workers=1)
    finally:
        workers._extractor.cache_clear()
        workers._processed.clear()
    assert len(built) >= 240 // 64  # rebuilt as it went
    assert tables(tmp_path) == tables(clean_run)


def test_a_run_of_more_parts_than_files_open_at_once_gives_the_same_tables(
    corpus: Path, clean_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over PubMed a run has ~19,000 parts: they are merged a few files at a time, in passes, to the same tables."""
    from pipeline.engine import run
    from pipeline.output import parts

    monkeypatch.setattr(run, "PART_DOCS", 20)  # a part per chunk of 32: 240 documents in 8 parts
    monkeypatch.setattr(parts, "MERGE_FAN_IN", 3)  # 8 -> 3 -> 1: two passes before the final merge
    open_files = [0, 0]  # now, most at once
    real_read_rows = parts.read_part

    def counted(path: Path):
        open_files[0] += 1
        open_files[1] = max(open_files)
        try:
            yield from real_read_rows(path)
        finally:
            open_files[0] -= 1

    monkeypatch.setattr(parts, "read_part", counted)
    run_corpus([corpus], tmp_path, workers=1)
    assert open_files[1] == 3
    assert len(list((tmp_path / ".mirmine" / "parts").glob("part-*.done"))) == 8
    assert tables(tmp_path) == tables(clean_run)
    assert not list((tmp_path / ".mirmine").glob("merge-*"))


# A document over --max-chars and one over --doc-timeout among good ones. The slow one is a 2 MB text of one mention
# every few words (about 4 s a MB on this machine, so over twice the budget); the good ones take milliseconds, and the
# budget leaves room for a machine busy with other jobs (1 s once stopped a good document there).
LIMITS = Limits(max_chars=2_500_000, doc_timeout=3.0)


@pytest.fixture(scope="module")
def over_limits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("over_limits")
    write_corpus(folder / "abstracts.jsonl", 40)
    (folder / "long.txt").write_text("miR-21 " * 400_000, encoding="utf-8")  # 2.8 MB, never read
    (folder / "slow.txt").write_text(pathological_text("dense_mentions", 2_000_000), encoding="utf-8")
    return folder


def limit_errors(errors: list) -> list[tuple[str, str]]:
    return sorted((Path(error.source).name, error.error.split(":")[0]) for error in errors)


EXPECTED_LIMIT_ERRORS = [
    ("long.txt", "document too long"),
    ("slow.txt", "document took longer than 3 s (the --doc-timeout budget of one document; it has 2,000,000 characters) and was stopped"),
]  # fmt: skip


@pytest.mark.parametrize(("engine", "workers"), [("local", 1), ("local", 2), ("dask", 2)])
def test_a_document_over_a_limit_is_an_error_row_and_the_batch_goes_on(
    over_limits: Path, tmp_path: Path, engine: str, workers: int
) -> None:
    summary = run_corpus([over_limits], tmp_path, engine=engine, workers=workers, limits=LIMITS)
    errors = (tmp_path / "errors.tsv").read_text(encoding="utf-8")
    assert (summary.documents, limit_errors(summary.errors)) == (40, EXPECTED_LIMIT_ERRORS)
    assert "2,800,000 characters, more than the limit of 2,500,000" in errors and "--max-chars N" in errors
    assert "--doc-timeout SECONDS" in errors


def test_resume_reads_a_document_that_went_over_its_budget_again(over_limits: Path, tmp_path: Path) -> None:
    """It is not done: a resumed run tries it again (with the same budget it fails again) and skips the rest."""
    run_corpus([over_limits], tmp_path, limits=LIMITS)
    summary = run_corpus([over_limits], tmp_path, limits=LIMITS, resume=True)
    assert (summary.skipped, limit_errors(summary.errors)) == (40, EXPECTED_LIMIT_ERRORS)


def test_a_document_stopped_by_its_budget_leaves_a_pipeline_that_reads_the_next_one_as_before(
    corpus: Path, clean_run: Path, tmp_path: Path
) -> None:
    slow = tmp_path / "0_slow.txt"  # read first
    slow.write_text(pathological_text("dense_mentions", 2_000_000), encoding="utf-8")
    summary = run_corpus([slow, corpus], tmp_path / "out", workers=1, limits=LIMITS)
    assert [Path(error.source).name for error in summary.errors] == ["0_slow.txt"]
    assert {name: data for name, data in tables(tmp_path / "out").items() if name != "errors.tsv"} == {
        name: data for name, data in tables(clean_run).items() if name != "errors.tsv"
    }


def run_in(work, in_thread: bool) -> None:
    """Run ``work`` in this (the main) thread, where a budget is a timer signal, or in another, where it is a watchdog."""
    if in_thread:
        thread = threading.Thread(target=work)
        thread.start()
        thread.join(10)
    else:
        work()


@pytest.mark.parametrize("in_thread", [False, True], ids=["main-thread-signal", "worker-thread-watchdog"])
def test_a_time_budget_stops_pure_python_work_and_leaves_nothing_behind(in_thread: bool) -> None:
    outcome = []

    def work() -> None:
        try:
            with time_budget(0.2):
                while True:
                    pass
        except DocumentTimeout:
            outcome.append("stopped")
        with time_budget(0.2):
            outcome.append("no budget left over")
        time.sleep(0.4)  # a budget that ended must not fire later
        outcome.append("done")

    run_in(work, in_thread)
    assert outcome == ["stopped", "no budget left over", "done"]
    assert a_traced_call_returns(), "a budget left the interpreter with pending work that never ends"


@pytest.mark.parametrize("in_thread", [False, True], ids=["main-thread-signal", "worker-thread-watchdog"])
def test_a_block_that_drops_the_stop_and_goes_on_is_stopped_again_and_on_leaving(in_thread: bool) -> None:
    """Code on the way that catches the stop (a compiled callback that cannot pass it on) does not win."""
    outcome = []

    def spin(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            pass

    def work() -> None:
        try:
            with time_budget(0.1):
                for _ in range(2):
                    try:
                        spin(0.6)  # longer than the budget and the interval of the stops sent again
                    except BaseException:  # noqa: BLE001 - the dropping this test is about
                        outcome.append("dropped")
                outcome.append("went on")
        except DocumentTimeout:
            outcome.append("stopped on leaving")

    run_in(work, in_thread)
    # Stopped again in the second spin (or, rarely, in the handler of the first drop), then on leaving.
    assert outcome in (["dropped", "dropped", "went on", "stopped on leaving"], ["dropped", "stopped on leaving"])
    assert a_traced_call_returns()


def a_traced_call_returns() -> bool:
    """Whether a call under a trace function (as coverage or a debugger runs code) returns within 10 s."""
    returned = []

    def run() -> None:
        sys.settrace(lambda frame, event, arg: None)
        try:
            (lambda: returned.append(True))()
        finally:
            sys.settrace(None)

    thread = threading.Thread(target=run, daemon=True)  # a thread left spinning must not keep pytest from ending
    thread.start()
    thread.join(10)
    return bool(returned)
