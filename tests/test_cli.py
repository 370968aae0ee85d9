"""The mirmine command line: help, exit codes, the files a run writes, and a batch with bad inputs."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer
from conftest import CORPUS
from pdf_fixture import write_two_column_pdf
from pypdf import PdfReader, PdfWriter
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.output import ERRORS, MENTIONS, RELATIONS, TABLE

runner = CliRunner()
TABLES = {
    "mentions.tsv": MENTIONS.columns,
    "relations.tsv": RELATIONS.columns,
    "table.tsv": TABLE.columns,
    "errors.tsv": ERRORS.columns,
}


def command_paths() -> list[list[str]]:
    """Every command and subcommand, as the argument list that reaches it."""
    paths: list[list[str]] = [[]]

    def walk(group: click.Group, prefix: list[str]) -> None:
        for name, command in group.commands.items():
            paths.append([*prefix, name])
            if isinstance(command, click.Group):
                walk(command, [*prefix, name])

    walk(typer.main.get_command(app), [])
    return paths


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "mirmine")
def test_every_command_has_an_example_in_its_help(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.stdout.split()[0]) == (0, "mirmine")


def test_a_usage_error_exits_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["run", "--no-such-option"]).exit_code == 2


@pytest.mark.parametrize(("name", "columns"), TABLES.items(), ids=list(TABLES))
def test_run_writes_each_table_with_its_columns(corpus_run: Path, name: str, columns: tuple[str, ...]) -> None:
    header = (corpus_run / name).read_text(encoding="utf-8").splitlines()[0]
    assert header.split("\t") == list(columns)


def test_run_writes_run_json_with_inputs_and_rule_checksums(corpus_run: Path) -> None:
    info = json.loads((corpus_run / "run.json").read_text(encoding="utf-8"))
    assert (len(info["inputs"]), info["counts"]["documents"], "mirna.jsonl" in info["rules"]) == (3, 3, True)


def test_run_finds_the_mirna_of_the_first_seed_title(corpus_run: Path) -> None:
    rows = [line.split("\t") for line in (corpus_run / "mentions.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    assert ["000_489cf45e75e804de", "title", "miR\u2010126", "miR-126"] in [[r[0], r[1], r[5], r[7]] for r in rows]


def test_two_runs_give_byte_identical_tables(corpus_run: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["run", str(CORPUS), "--out", str(tmp_path), "-q"]).exit_code == 0
    for name in TABLES:
        assert (tmp_path / name).read_bytes() == (corpus_run / name).read_bytes(), name


def write_bad_inputs(folder: Path) -> list[str]:
    """A batch of one good text and one file of each bad kind; returns the bad file names."""
    (folder / "good.txt").write_text("miR-21 confers cisplatin resistance.\n", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.dat").write_bytes(bytes(range(256)) * 4)
    pdf = write_two_column_pdf(folder / "tmp.pdf").read_bytes()
    (folder / "tmp.pdf").unlink()
    (folder / "truncated.pdf").write_bytes(pdf[: len(pdf) // 2])
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    with (folder / "encrypted.pdf").open("wb") as handle:
        writer.write(handle)
    (folder / "malformed.xml").write_text("<PubmedArticleSet><PubmedArticle>", encoding="utf-8")
    (folder / "archive.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    return ["empty.txt", "binary.dat", "truncated.pdf", "encrypted.pdf", "malformed.xml", "archive.zip"]


@pytest.fixture(scope="module")
def bad_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("inputs")
    return folder, write_bad_inputs(folder)


def test_a_batch_with_bad_inputs_goes_on_and_reports_each(bad_batch, tmp_path: Path) -> None:
    folder, bad = bad_batch
    result = runner.invoke(app, ["run", str(folder), "--out", str(tmp_path)])
    errors = [line.split("\t") for line in (tmp_path / "errors.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    mentions = (tmp_path / "mentions.tsv").read_text(encoding="utf-8")
    assert result.exit_code == 0
    assert sorted(Path(row[0]).name for row in errors) == sorted(bad)
    assert "good\t" in mentions and "miR-21" in mentions


@pytest.mark.parametrize(
    "name", ["empty.txt", "binary.dat", "truncated.pdf", "encrypted.pdf", "malformed.xml", "archive.zip"]
)
def test_each_bad_input_gives_one_error_line_naming_it(bad_batch, tmp_path: Path, name: str) -> None:
    folder, _ = bad_batch
    result = runner.invoke(app, ["run", str(folder / name), str(folder / "good.txt"), "--out", str(tmp_path)])
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and name in lines[0]


def test_strict_makes_a_bad_input_exit_1(bad_batch, tmp_path: Path) -> None:
    folder, _ = bad_batch
    result = runner.invoke(app, ["run", str(folder / "empty.txt"), str(folder / "good.txt"), "--out", str(tmp_path), "--strict"])
    assert result.exit_code == 1 and "--strict" in result.stderr


def test_no_readable_document_exits_1_keeps_the_previous_tables_and_writes_errors(tmp_path: Path) -> None:
    paper, out = tmp_path / "paper.txt", tmp_path / "out"
    paper.write_text("miR-21 confers cisplatin resistance.\n", encoding="utf-8")
    assert runner.invoke(app, ["run", str(paper), "--out", str(out), "-q"]).exit_code == 0
    before = (out / "mentions.tsv").read_bytes()
    paper.write_bytes(b"")  # the same input, now unreadable
    result = runner.invoke(app, ["run", str(paper), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: no document could be read from the inputs: each is named above and in {out / 'errors.tsv'}; "
        f"the tables of an earlier run in {out} were left as they were"
    )
    assert (out / "mentions.tsv").read_bytes() == before
    assert error_rows(out) == [(str(paper), "empty file")]


def error_rows(out: Path) -> list[tuple[str, str]]:
    """(source, the error up to its first colon) of each row of errors.tsv."""
    lines = (out / "errors.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == list(ERRORS.columns)
    return [(row["source"], row["error"].split(":")[0]) for row in (dict(zip(ERRORS.columns, line.split("\t"))) for line in lines[1:])]


def test_a_folder_of_nothing_readable_still_gets_errors_tsv_with_a_row_for_each_entry(tmp_path: Path) -> None:
    folder, out = tmp_path / "papers", tmp_path / "out"
    (folder / "empty").mkdir(parents=True)
    (folder / "dead.txt").symlink_to(folder / "moved.txt")
    os.mkfifo(folder / "pipe.txt")
    result = runner.invoke(app, ["run", str(folder), "--out", str(out)])
    assert result.exit_code == 1 and not (out / "mentions.tsv").exists()
    assert [line.split(":")[1].strip() for line in result.stderr.splitlines()] == [
        str(folder / "dead.txt"), str(folder / "empty"), str(folder / "pipe.txt"), "no document could be read from the inputs"
    ]  # fmt: skip
    assert error_rows(out) == [
        (str(folder / "dead.txt"), "broken link"), (str(folder / "empty"), "empty folder"),
        (str(folder / "pipe.txt"), "a named pipe (FIFO), not a file"),
    ]  # fmt: skip


@pytest.fixture
def two_inputs(tmp_path: Path) -> tuple[Path, Path, Path]:
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("miR-21 confers cisplatin resistance.\n", encoding="utf-8")
    second.write_text("miR-155 targets SOCS1.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert runner.invoke(app, ["run", str(first), "--out", str(out), "-q"]).exit_code == 0
    return first, second, out


def test_a_run_into_the_tables_of_a_run_of_other_inputs_stops_and_changes_nothing(two_inputs) -> None:
    first, second, out = two_inputs
    before = {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()}
    result = runner.invoke(app, ["run", str(second), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {out}: holds the tables of another run (of {first}, which this run does not read); "
        "pass --force to replace them, or another --out"
    ]
    assert {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()} == before


def test_force_replaces_the_tables_of_a_run_of_other_inputs(two_inputs) -> None:
    _, second, out = two_inputs
    assert runner.invoke(app, ["run", str(second), "--out", str(out), "--force", "-q"]).exit_code == 0
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["arguments"] == [str(second)]
    assert "miR-155" in (out / "mentions.tsv").read_text(encoding="utf-8")


@pytest.mark.parametrize("again", ["same file", "its folder"])
def test_a_re_run_of_the_same_inputs_replaces_its_tables(two_inputs, again: str) -> None:
    first, _, out = two_inputs
    first.write_text("miR-34a sensitizes cells to gemcitabine.\n", encoding="utf-8")
    given = first if again == "same file" else first.parent
    result = runner.invoke(app, ["run", str(given), "--out", str(out), "-q"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert "miR-34a" in (out / "mentions.tsv").read_text(encoding="utf-8")


def test_tables_of_an_unknown_run_are_not_replaced_without_force(tmp_path: Path) -> None:
    (tmp_path / "table.tsv").write_text("curated by hand\n", encoding="utf-8")
    result = runner.invoke(app, ["run", str(CORPUS), "--out", str(tmp_path)])
    assert result.exit_code == 1 and f"{tmp_path / 'table.tsv'}, which this run does not read" in result.stderr
    assert (tmp_path / "table.tsv").read_text(encoding="utf-8") == "curated by hand\n"


def test_a_run_names_the_review_page_and_exports_it_made_out_of_date(two_inputs) -> None:
    first, _, out = two_inputs
    assert runner.invoke(app, ["report", str(out)]).exit_code == 0
    assert runner.invoke(app, ["export", str(out), "--format", "bioc", "--out", str(out)]).exit_code == 0
    result = runner.invoke(app, ["run", str(first), "--out", str(out), "-q"])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"Warning: {out / 'report.html'} shows the tables this run replaced: run `mirmine report {out}` again",
        f"Warning: {out} holds files `mirmine export` wrote (mirmine-export.json lists them): they show the tables "
        "this run replaced; export again",
    ]


def test_the_run_summary_lists_each_file_written_with_its_rows(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(CORPUS), "--out", str(tmp_path)])
    listed = {Path(line.split()[0]).name: line.split()[1] for line in result.stdout.splitlines()[1:]}
    rows = {name: str(len((tmp_path / name).read_text(encoding="utf-8").splitlines()) - 1) for name in TABLES}
    assert listed == {**rows, "run.json": "the"}
    assert result.stdout.startswith("mirmine: 3 documents, ")


def test_the_run_summary_counts_one_of_a_kind_in_the_singular(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("miR-21 targets PTEN.\n", encoding="utf-8")
    result = runner.invoke(app, ["run", str(tmp_path / "one.txt"), "--out", str(tmp_path / "out")])
    assert result.stdout.startswith("mirmine: 1 document, 2 mentions (gene 1, mirna 1), 1 relation, 0 errors -> ")
    table_line = next(line for line in result.stdout.splitlines() if "table.tsv" in line)
    assert table_line.split()[1:4] == ["1", "finding:", "one"]


def test_a_document_over_max_chars_is_an_error_row_naming_the_limit_and_the_option(tmp_path: Path) -> None:
    (tmp_path / "long.txt").write_text("miR-21 " * 400, encoding="utf-8")
    (tmp_path / "short.txt").write_text("miR-21 confers cisplatin resistance.\n", encoding="utf-8")
    result = runner.invoke(app, ["run", str(tmp_path / "long.txt"), str(tmp_path / "short.txt"), "--out",
                                 str(tmp_path / "out"), "--max-chars", "1000"])  # fmt: skip
    assert result.exit_code == 0
    assert [line for line in result.stderr.splitlines()] == [
        f"Error: {tmp_path / 'long.txt'}: document too long: 2,800 characters, more than the limit of 1,000; it was "
        "skipped: raise the limit with --max-chars N if the whole text is wanted, or split the file"
    ]
    assert error_rows(tmp_path / "out") == [(str(tmp_path / "long.txt"), "document too long")]


@pytest.mark.parametrize("option", ["--max-chars=0", "--doc-timeout=-1"])
def test_a_limit_out_of_range_is_a_usage_error(tmp_path: Path, option: str) -> None:
    result = runner.invoke(app, ["run", str(CORPUS), "--out", str(tmp_path), option])
    assert result.exit_code == 2 and option.split("=")[0] in result.stderr


def make_run_recipe() -> list[str]:
    """The lines of the Makefile's `run` recipe, `$(BIN)/` taken out."""
    lines = (CORPUS.parent / "Makefile").read_text(encoding="utf-8").split("\nrun:", 1)[1].split("\n\n", 1)[0]
    return [line.strip().replace("$(BIN)/", "") for line in lines.splitlines()[1:]]


def test_make_run_says_its_scores_are_on_the_development_gold_before_it_prints_them() -> None:
    recipe = make_run_recipe()
    evaluate = next(i for i, line in enumerate(recipe) if line.startswith("mirmine evaluate --gold corpus/gold"))
    note = " ".join(line for line in recipe[:evaluate] if line.startswith("@echo"))
    assert "development gold (corpus/gold)" in note and "the three documents the rules were written from" in note


def test_the_next_commands_make_run_points_to_exist(tmp_path: Path) -> None:
    """Each `mirmine ...` after "Next:" is a command whose options parse (`--help` appended: nothing runs)."""
    pointed = [line.split('"', 2)[1].removeprefix("Next:").strip() for line in make_run_recipe() if "mirmine " in line and "@echo" in line]
    commands = [text.split("(")[0].split() for text in pointed]
    assert [words[1:3] for words in commands] == [["report", "output/"], ["curate", "merge"], ["curate", "serve"], ["run", "YOUR_FILES"]]
    for words in commands:
        result = runner.invoke(app, [*words[1:], "--help"])
        assert result.exit_code == 0, (words, result.output)


def test_python_dash_m_runs_the_same_app() -> None:
    result = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout.split()[0]) == (0, "mirmine")
