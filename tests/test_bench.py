"""The benchmark: its corpus generator, its corpus reader and the shape of its report. Timings are never asserted here."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.benchmarks.bench import BenchError, run_bench
from pipeline.benchmarks.bench_documents import corpus_records
from pipeline.benchmarks.corpus import generate_abstracts, write_jsonl
from pipeline.ruleset import RuleError, default_rules_dir

MIRNA = re.compile(r"\b(?:hsa-)?(?:miR|microRNA|miRNA)-\d+|\blet-7[a-z]")
SENTENCE_END = re.compile(r"(?<=\.)\s+(?=[A-Z])")


def _words(record: dict[str, str]) -> list[str]:
    return f"{record['title']} {record['abstract']}".split()


# --- the generator ----------------------------------------------------------------------------------------


def test_generator_gives_the_same_abstracts_for_the_same_seed() -> None:
    assert list(generate_abstracts(30, seed=3)) == list(generate_abstracts(30, seed=3))


def test_generator_gives_other_abstracts_for_another_seed() -> None:
    assert list(generate_abstracts(5, seed=3)) != list(generate_abstracts(5, seed=4))


def test_generator_streams_so_a_short_run_is_a_prefix_of_a_long_one() -> None:
    assert list(generate_abstracts(10)) == list(generate_abstracts(40))[:10]


def test_generated_abstracts_are_200_to_300_words_give_or_take_a_sentence() -> None:
    lengths = [len(_words(record)) for record in generate_abstracts(100)]
    assert min(lengths) >= 200 and max(lengths) <= 340


def test_generated_abstracts_are_never_one_paragraph_repeated() -> None:
    records = list(generate_abstracts(200))
    sentences = [sentence for record in records for sentence in SENTENCE_END.split(record["abstract"])]
    assert len({record["abstract"] for record in records}) == len(records)
    assert len(set(sentences)) / len(sentences) > 0.85


def test_generated_abstracts_have_a_real_corpus_worth_of_distinct_words() -> None:
    # The real abstracts in ../shared/bench have about 5,000 distinct whitespace tokens per 100 abstracts.
    words = {word for record in generate_abstracts(200) for word in _words(record)}
    assert len(words) > 4000


def test_every_generated_abstract_names_a_mirna() -> None:
    assert all(MIRNA.search(record["title"] + " " + record["abstract"]) for record in generate_abstracts(100))


def test_write_jsonl_writes_the_generated_records(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "abstracts.jsonl", 5, seed=1)
    assert [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] == list(generate_abstracts(5, seed=1))


# --- the corpus reader ------------------------------------------------------------------------------------


def test_a_corpus_smaller_than_docs_is_cycled_with_fresh_ids(tmp_path: Path) -> None:
    corpus = tmp_path / "three.jsonl"
    corpus.write_text("".join(json.dumps({"pmid": str(i), "title": f"T{i}", "abstract": "A."}) + "\n" for i in range(3)))
    records, described = corpus_records(corpus, 7)
    ids = [record["id"] for record in records]
    assert (len(ids), len(set(ids)), described["cycled"]) == (7, 7, True)


def test_a_missing_corpus_is_an_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(BenchError, match="missing.jsonl"):
        list(corpus_records(tmp_path / "missing.jsonl", None)[0])


# --- one small run, through the command line (it prints run_bench's dict as is) ----------------------------


@pytest.fixture(scope="module")
def rules_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the packaged rules in a folder of its own, as a curator would make to edit them."""
    folder = tmp_path_factory.mktemp("bench-rules") / "rules"
    shutil.copytree(default_rules_dir(), folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return folder


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory, rules_copy: Path) -> subprocess.CompletedProcess:
    """`mirmine bench --docs 20 --passes 1 --json --rules COPY`, from outside the checkout (about 40 s: it builds every
    pipeline); the copy's lexicons are cached in a folder of the test's own."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "bench", "--docs", "20", "--passes", "1", "--json", "--rules", str(rules_copy)],
        cwd=tmp_path_factory.mktemp("bench"), capture_output=True, text=True, timeout=600,
        env={**os.environ, "MIRMINE_CACHE": str(tmp_path_factory.mktemp("lexicon-cache"))},
    )  # fmt: skip


@pytest.fixture(scope="module")
def report(bench_run: subprocess.CompletedProcess) -> dict:
    assert bench_run.returncode == 0, bench_run.stderr
    return json.loads(bench_run.stdout)


def test_bench_command_exits_0_with_one_json_object(bench_run: subprocess.CompletedProcess) -> None:
    assert (bench_run.returncode, type(json.loads(bench_run.stdout))) == (0, dict)


PIPELINE_NAMES = ("tokenizer", "baseline", "mirmine", "workers", "run")
POSITIVE_NUMBERS = [
    *((("pipelines", name, key),) for name in PIPELINE_NAMES for key in ("docs_per_s", "words_per_s", "peak_rss_mb", "build_s")),
    (("pipelines", "workers", "worker_peak_rss_mb"),),
    (("ratios", "c/b"),),
    (("ratios", "c/a"),),
    (("ratios", "d/c"),),
    (("first_document", "cli_run_warm_s"),),
    (("first_document", "in_process_warm_s"),),
    (("first_document", "in_process_cold_s"),),
    (("corpus", "words"),),
]


@pytest.mark.parametrize("path", POSITIVE_NUMBERS, ids=lambda p: "/".join(p[0]))
def test_bench_reports_every_number_the_issue_names(report: dict, path: tuple[tuple[str, ...]]) -> None:
    value = report
    for key in path[0]:
        value = value[key]
    assert isinstance(value, (int, float)) and value > 0


def test_bench_runs_every_pipeline_on_the_same_documents(report: dict) -> None:
    assert report["corpus"]["docs"] == 20
    assert not [note for note in report["notes"] if "did not all read" in note]


def test_bench_workers_find_what_one_process_finds(report: dict) -> None:
    pipelines = report["pipelines"]
    assert pipelines["workers"]["counts"]["mentions"] == pipelines["mirmine"]["counts"]["mentions"] > 0


def test_bench_reports_its_environment(report: dict) -> None:
    assert {"python", "spacy", "scispacy", "cpu_count"} <= report["environment"].keys()


# --- a rules folder flows through every measuring process ------------------------------------------------------


def test_bench_records_the_rules_folder_it_was_given(report: dict, rules_copy: Path) -> None:
    assert report["rules"] == str(rules_copy.resolve())


def test_run_bench_with_a_folder_without_rule_files_is_an_error_naming_it(tmp_path: Path) -> None:
    empty = tmp_path / "no-rules"
    empty.mkdir()
    with pytest.raises((BenchError, RuleError), match=re.escape(str(empty.resolve()))):
        run_bench(1, None, 1, 1, rules=empty)
