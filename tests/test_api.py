"""``import mirmine``: texts, run folders and the store as typed DataFrames, and the README's notebook example run."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
import tomllib

from pipeline.curate import decide, merge_run
from pipeline.engine import run_corpus
from pipeline.output import DOCUMENTS, MENTIONS, RELATIONS, TABLE, TableError

REPO = Path(__file__).resolve().parent.parent
API = REPO / "api"
TEXTS = {
    "a": "miR-21 and tamoxifen\nPublished: 2019\n\nAbstract\nmiR-21 confers tamoxifen resistance in MCF-7 cells. "
    "miR-21 directly targets PTEN in MCF-7 cells.",
    "b": "Knockdown of miR-221 sensitizes MCF-7 cells to fulvestrant.",
}
# What each typed column is in a DataFrame, whatever table it is in; every other column is text.
EXPECTED = {
    **dict.fromkeys(("sentence_id", "start", "end", "mirna_start", "mirna_end", "partner_start", "partner_end"), "int64"),
    **dict.fromkeys(("n_sentences", "n_docs", "n_mentions", "n_relations", "first_merge", "last_merge"), "int64"),
    "year": "Int64", "confidence": "float64", **dict.fromkeys(("negated", "hedged", "stale"), "bool"),
    **dict.fromkeys(("cell_lines", "targets", "doc_ids", "cancer", "cancers", "years"), "list"),
}  # fmt: skip
SPECS = {"mentions": MENTIONS, "relations": RELATIONS, "table": TABLE, "documents": DOCUMENTS}
COLUMNS = [(name, column) for name, spec in SPECS.items() for column in spec.columns]


@pytest.fixture(scope="session")
def mirmine() -> ModuleType:
    """This repository's ``mirmine``: the installed package when it is this checkout's api/, else api/ loaded under its
    name (an environment installed before api/ existed, or from another checkout, until `make install` runs again)."""
    spec = importlib.util.find_spec("mirmine")
    if spec is not None and spec.origin and Path(spec.origin).resolve().parent == API:
        return importlib.import_module("mirmine")
    spec = importlib.util.spec_from_file_location("mirmine", API / "__init__.py", submodule_search_locations=[str(API)])
    module = importlib.util.module_from_spec(spec)
    # Registered as importlib registers a module it imports: api/'s modules import each other relative to it, and the
    # README's `import mirmine` finds it.
    sys.modules["mirmine"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with ``output/`` (a run of the two TEXTS) and ``curated.db`` (that run merged): the README's names."""
    home = tmp_path_factory.mktemp("notebook")
    (home / "texts").mkdir()
    for doc_id, text in TEXTS.items():
        (home / "texts" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    run_corpus([home / "texts"], home / "output")
    merge_run(home / "curated.db", home / "output")
    return home


@pytest.fixture(scope="module")
def result(mirmine: ModuleType, tiny_run: Path):
    return mirmine.read_run(tiny_run / "output")


def test_pyproject_installs_api_as_mirmine() -> None:
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert (setuptools["package-dir"]["mirmine"], "mirmine" in setuptools["packages"]) == ("api", True)


def test_mirmine_is_this_repositorys_api(mirmine: ModuleType) -> None:
    assert Path(mirmine.__file__).resolve() == API / "__init__.py"


def _is(series: pd.Series, dtype: str) -> bool:
    if dtype == "list":
        return series.dtype == object and all(isinstance(value, list) for value in series)
    if dtype == "text":
        return pd.api.types.is_string_dtype(series) and all(isinstance(value, str) for value in series)
    return str(series.dtype) == dtype


@pytest.mark.parametrize(("table", "column"), COLUMNS, ids=[f"{t}.{c}" for t, c in COLUMNS])
def test_read_run_types_each_column(result, table: str, column: str) -> None:
    frame = getattr(result, table)
    assert len(frame) and _is(frame[column], EXPECTED.get(column, "text"))


@pytest.mark.parametrize("table", sorted(SPECS))
def test_read_run_keeps_the_columns_of_the_tsv_in_order(result, table: str) -> None:
    assert list(getattr(result, table).columns) == list(SPECS[table].columns)


@pytest.mark.parametrize("table", sorted(SPECS))
def test_extract_text_gives_the_frames_of_a_run_of_the_same_texts(mirmine: ModuleType, result, table: str) -> None:
    made, read = getattr(mirmine.extract_text(TEXTS), table), getattr(result, table)
    if table == "documents":  # a text in memory has no file: its source is its id
        made, read = made.drop(columns="source"), read.drop(columns="source")
    pd.testing.assert_frame_equal(made, read)


@pytest.mark.parametrize(
    ("texts", "doc_ids"),
    [("miR-21 targets PTEN.", ["text-1"]), (["miR-21 targets PTEN.", "miR-155 targets SOCS1."], ["text-1", "text-2"]),
     ({"PMID:1": "miR-21 targets PTEN."}, ["PMID:1"]), ((t for t in ["miR-21 targets PTEN."]), ["text-1"])],
    ids=["one-string", "list", "dict", "generator"],
)  # fmt: skip
def test_extract_text_names_its_documents(mirmine: ModuleType, texts, doc_ids: list[str]) -> None:
    assert mirmine.extract_text(texts).documents.doc_id.tolist() == doc_ids


def test_extract_text_finds_the_relation_of_a_sentence(mirmine: ModuleType) -> None:
    relations = mirmine.extract_text("miR-21 confers tamoxifen resistance in MCF-7 cells.").relations
    found = relations[["mirna", "relation", "partner"]].itertuples(index=False, name=None)
    assert (list(found), relations.cell_lines.tolist()) == ([("miR-21", "confers_resistance", "tamoxifen")], [["MCF-7"]])


def test_extract_text_builds_the_pipeline_once_per_process(mirmine: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    mirmine.extract_text("miR-21 targets PTEN.")

    def no_rebuild(*args: object, **kwargs: object) -> None:
        raise AssertionError("the spaCy pipeline was built again")

    monkeypatch.setattr("pipeline.extract.build_pipeline", no_rebuild)
    monkeypatch.setattr("pipeline.extract.build_nlp", no_rebuild)
    assert len(mirmine.extract_text(["miR-21 targets PTEN.", "miR-155 targets SOCS1."]).documents) == 2


def test_extract_text_of_a_text_that_is_not_a_string_is_a_type_error(mirmine: ModuleType) -> None:
    with pytest.raises(TypeError, match="text-2: expected a text"):
        mirmine.extract_text(["miR-21 targets PTEN.", b"bytes"])


def test_extract_text_writes_nothing(mirmine: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    mirmine.extract_text("miR-21 targets PTEN.")
    assert list(tmp_path.iterdir()) == []


def _with_column(run: Path, tmp_path: Path, table: str, name: str, value: str) -> Path:
    """A copy of the run whose ``table`` holds ``value`` in every row of the column ``name`` (added at the end when the
    table has no such column)."""
    copy = shutil.copytree(run, tmp_path / "run")
    path = copy / f"{table}.tsv"
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    if name not in rows[0]:
        rows = [[*rows[0], name], *([*row, ""] for row in rows[1:])]
    at = rows[0].index(name)
    rows = [rows[0], *(row[:at] + [value] + row[at + 1 :] for row in rows[1:])]
    path.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")
    return copy


@pytest.mark.parametrize(
    ("table", "column", "cell", "expected"),
    [("relations", "cancer", "breast cancer;gastric cancer", ["breast cancer", "gastric cancer"]),
     ("table", "cancers", "breast cancer", ["breast cancer"]), ("table", "years", "2019;2021", [2019, 2021])],
    ids=["cancer", "cancers", "years"],
)  # fmt: skip
def test_the_list_columns_of_a_newer_run_are_lists(
    mirmine: ModuleType, tiny_run: Path, tmp_path: Path, table: str, column: str, cell: str, expected: list
) -> None:
    frame = getattr(mirmine.read_run(_with_column(tiny_run / "output", tmp_path, table, column, cell)), table)
    assert frame[column].tolist() == [expected] * len(frame)


def test_an_unknown_column_is_kept_as_text_after_the_known_ones(mirmine: ModuleType, tiny_run: Path, tmp_path: Path) -> None:
    relations = mirmine.read_run(_with_column(tiny_run / "output", tmp_path, "relations", "novel", "7")).relations
    assert (list(relations.columns), relations.novel.tolist()) == ([*RELATIONS.columns, "novel"], ["7"] * len(relations))


def test_a_cell_that_is_not_a_number_names_the_file_and_column(mirmine: ModuleType, tiny_run: Path, tmp_path: Path) -> None:
    run = shutil.copytree(tiny_run / "output", tmp_path / "run")
    path = run / "mentions.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split("\t")
    cells[MENTIONS.columns.index("start")] = "twelve"
    path.write_text("\n".join([lines[0], "\t".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    with pytest.raises(TableError, match=rf"{re.escape(str(path))}: column start: 'twelve' is not a whole number"):
        mirmine.read_run(run).mentions


@pytest.mark.parametrize("missing", ["folder", "relations.tsv"])
def test_read_run_of_a_folder_that_is_not_a_run_says_what_to_pass(mirmine: ModuleType, tmp_path: Path, missing: str) -> None:
    folder = tmp_path / "nothing" if missing == "folder" else tmp_path
    with pytest.raises(TableError, match="mirmine run --out"):
        mirmine.read_run(folder)


def test_a_run_without_documents_tsv_has_an_empty_documents_frame(mirmine: ModuleType, tiny_run: Path, tmp_path: Path) -> None:
    run = shutil.copytree(tiny_run / "output", tmp_path / "run")
    (run / "documents.tsv").unlink()
    documents = mirmine.read_run(run).documents
    assert (len(documents), list(documents.columns), str(documents.year.dtype)) == (0, list(DOCUMENTS.columns), "Int64")


def _kind(series: pd.Series) -> str:
    return next(kind for kind in ("list", "text", str(series.dtype)) if _is(series, kind))


def test_store_findings_type_every_column(mirmine: ModuleType, tiny_run: Path) -> None:
    findings = mirmine.open_store(tiny_run / "curated.db").findings()
    kinds = {column: _kind(findings[column]) for column in findings.columns}
    assert len(findings) and kinds == {column: EXPECTED.get(column, "text") for column in findings.columns}
    assert {"targets", "n_docs", "stale", "status"} <= set(kinds)


def test_store_findings_show_a_decision(mirmine: ModuleType, tiny_run: Path, tmp_path: Path) -> None:
    db = Path(shutil.copy(tiny_run / "curated.db", tmp_path / "curated.db"))
    first = mirmine.open_store(db).findings().iloc[0]
    decide(db, first.finding_id, "accepted", note="Fig. 2", curator="ann")
    again = mirmine.open_store(db).findings().set_index("finding_id").loc[first.finding_id]
    assert (first.status, again.status, again.note, again.curator) == ("pending", "accepted", "Fig. 2", "ann")


def test_store_findings_start_with_the_columns_of_an_export(mirmine: ModuleType, tiny_run: Path) -> None:
    from pipeline.curate import EXPORT_COLUMNS

    columns = list(mirmine.open_store(tiny_run / "curated.db").findings().columns)
    exported = [column for column in EXPORT_COLUMNS if column in columns]
    assert columns[: len(exported)] == exported and exported[-6:] == ["finding_id", "status", "stale", "curator", "decided_at", "note"]


def test_open_store_of_a_missing_file_says_how_to_make_one(mirmine: ModuleType, tmp_path: Path) -> None:
    from pipeline.curate import CurateError

    with pytest.raises(CurateError, match="curate merge"):
        mirmine.open_store(tmp_path / "none.db")


# --- the README's "In a notebook" section, run as a notebook would run it ----------------------------------------


def readme_notebook() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## In a notebook\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```python\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)


@pytest.fixture(scope="module")
def notebook(mirmine: ModuleType, tiny_run: Path) -> dict:
    """The names the README's python blocks leave behind, run one after the other in the tiny run's folder."""
    blocks = readme_notebook()
    assert len(blocks) == 3
    names: dict = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tiny_run)
        for block in blocks:
            exec(compile(block, "README.md", "exec"), names)  # noqa: S102 (the README's own example)
    return names


def test_readme_notebook_finds_the_relation_its_comment_shows(notebook: dict) -> None:
    row = notebook["found"].iloc[0]
    assert (row.doc_id, row.mirna, row.relation, row.partner, row.cell_lines, row.confidence) == (
        "text-1", "miR-21", "confers_resistance", "tamoxifen", ["MCF-7"], 0.85
    )  # fmt: skip


def test_readme_notebook_reads_the_run_folder(notebook: dict) -> None:
    assert (set(notebook["per_drug"].partner), notebook["recent"].doc_id.tolist()) == ({"tamoxifen", "fulvestrant"}, ["a"])


def test_readme_notebook_lists_the_pending_findings(notebook: dict, tiny_run: Path) -> None:
    table = pd.read_csv(tiny_run / "output" / "table.tsv", sep="\t")
    assert len(notebook["pending"]) == len(table) and notebook["pending"].n_docs.is_monotonic_decreasing
