"""The mirmine command line: help, exit codes, the files a run writes, and a batch with bad inputs."""

from __future__ import annotations

import io
import json
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


def test_no_readable_document_exits_1_and_keeps_the_previous_tables(tmp_path: Path) -> None:
    (tmp_path / "mentions.tsv").write_text("previous\n", encoding="utf-8")
    result = runner.invoke(app, ["run", str(tmp_path / "missing.txt"), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert (tmp_path / "mentions.tsv").read_text(encoding="utf-8") == "previous\n"


def test_python_dash_m_runs_the_same_app() -> None:
    result = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout.split()[0]) == (0, "mirmine")
