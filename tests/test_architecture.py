"""The house: one package per stage, imports pointing one way, small modules and functions, the README's
Architecture section and pyproject's package list in step with the folders, error messages naming real options."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import tomllib

REPO = Path(__file__).resolve().parent.parent
PIPELINE = REPO / "pipeline"
# Folders installed under another name (pyproject's package-dir): rules/ is pipeline.rules, benchmarks/ pipeline.benchmarks,
# api/ (the public face for notebooks) mirmine.
MAPPED = {"pipeline.rules": REPO / "rules", "pipeline.benchmarks": REPO / "benchmarks", "mirmine": REPO / "api"}
SOURCES = sorted([*PIPELINE.rglob("*.py"), *(REPO / "benchmarks").rglob("*.py"), *(REPO / "api").rglob("*.py")])
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80

# Which packages (and top-level modules) of pipeline each one may import: the layout's one-way arrows, cli on top.
# export reads the inputs of a run again, so it also uses ingest; evaluate reads an annotated corpus with the reader
# `mirmine run` read it with, so that gold and run offsets are offsets into one text. fetch writes PubMed XML files
# and needs none of the stages: ingest reads what it writes. update is the curator's loop over three of them: fetch, then
# a run (engine), then a merge (curate).
ALLOWED_IMPORTS = {
    "schema": set(),
    "ruleset": {"schema"},
    "fetch": set(),
    "ingest": {"schema"},
    "preprocess": {"ruleset", "schema"},
    "normalize": {"ruleset", "schema"},
    "mentions": {"preprocess", "normalize", "ruleset", "schema"},
    "relations": {"preprocess", "ruleset", "schema"},
    "extract": {"mentions", "relations", "preprocess", "normalize", "ruleset", "schema"},
    "output": {"schema"},
    "engine": {"extract", "ingest", "output", "ruleset", "schema"},
    "evaluate": {"ingest", "output", "schema"},
    "curate": {"output", "schema"},
    "export": {"output", "ingest", "schema"},
    "report": {"output", "report_assets", "schema"},
    "report_assets": set(),
    "update": {"fetch", "engine", "curate", "output", "ruleset", "schema"},
}


def packages_on_disk() -> set[str]:
    found = {"pipeline"} | {f"pipeline.{path.parent.name}" for path in PIPELINE.glob("*/__init__.py")}
    return found | {name for name, folder in MAPPED.items() if (folder / "__init__.py").is_file()}


def test_pyproject_lists_every_package() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert set(config["tool"]["setuptools"]["packages"]) == packages_on_disk()


def test_the_readme_architecture_section_names_every_package_in_order() -> None:
    """README's Architecture section lists the stage packages in the order a document passes them, one line each."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^- `pipeline/(\w+)(?:/|\.py)`", section, re.MULTILINE)
    stages = {path.parent.name for path in PIPELINE.glob("*/__init__.py")}
    modules = {path.stem for path in PIPELINE.glob("*.py")} - {"__init__", "__main__"}
    assert sorted(listed) == sorted(stages | modules)
    assert listed.index("ingest") < listed.index("preprocess") < listed.index("mentions") < listed.index("relations")
    assert listed.index("relations") < listed.index("extract") < listed.index("engine") < listed.index("output")


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(REPO)))
def test_no_module_is_longer_than_the_limit(path: Path) -> None:
    assert path.read_text(encoding="utf-8").count("\n") <= MAX_MODULE_LINES


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(REPO)))
def test_no_function_is_longer_than_the_limit(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [
        f"{node.name} ({node.end_lineno - min([node.lineno, *(d.lineno for d in node.decorator_list)]) + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - min([node.lineno, *(d.lineno for d in node.decorator_list)]) + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


@pytest.mark.parametrize("path", sorted(PIPELINE.glob("*/__init__.py")), ids=lambda path: path.parent.name)
def test_a_package_face_states_its_job_and_only_exports(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree)
    for node in tree.body[1:]:
        exported = isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == ["__all__"]
        assert isinstance(node, (ast.Import, ast.ImportFrom)) or exported, ast.dump(node)[:80]


def _pipeline_imports(path: Path) -> set[str]:
    """The pipeline packages or modules a file imports (``pipeline.x.y`` -> ``x``; relative imports stay inside)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] != "pipeline" or len(parts) < 2:
                continue
            if (PIPELINE / parts[1]).is_dir() or (PIPELINE / f"{parts[1]}.py").is_file():
                found.add(parts[1])
    return found


@pytest.mark.parametrize("stage", sorted(ALLOWED_IMPORTS))
def test_imports_point_one_way(stage: str) -> None:
    files = sorted((PIPELINE / stage).rglob("*.py")) if (PIPELINE / stage).is_dir() else [PIPELINE / f"{stage}.py"]
    imported = set().union(*map(_pipeline_imports, files)) - {stage}
    assert imported <= ALLOWED_IMPORTS[stage], sorted(imported - ALLOWED_IMPORTS[stage])


@pytest.mark.parametrize("path", sorted(PIPELINE.rglob("*.py")), ids=lambda path: str(path.relative_to(REPO)))
def test_pipeline_never_imports_its_public_face(path: Path) -> None:
    """api/ (``mirmine``) sits above every stage: it may import pipeline, never the other way."""
    names = [
        alias.name if isinstance(node, ast.Import) else node.module or ""
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    ]
    assert [name for name in names if name.split(".")[0] in ("mirmine", "api")] == []


@pytest.mark.parametrize("path", sorted((REPO / "benchmarks").rglob("*.py")), ids=lambda path: path.name)
def test_the_benchmark_uses_only_public_names_of_pipeline(path: Path) -> None:
    private = [
        f"{node.module}.{alias.name}"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("pipeline")
        for alias in node.names
        if alias.name.startswith("_") or any(part.startswith("_") for part in node.module.split("."))
    ]
    assert private == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(REPO)))
def test_nothing_edits_the_import_path(path: Path) -> None:
    assert not re.search(r"sys\.path\.(?:insert|append)|sys\.path\s*=|del sys\.modules|sys\.modules\[[^\]]+\]\s*=", path.read_text(encoding="utf-8"))


# Options of other programs that messages tell a user to run (qpdf, pip).
OTHER_PROGRAMS_OPTIONS = {"--decrypt", "--password"}


def _cli_options() -> set[str]:
    import click
    import typer.main

    from pipeline.cli import app

    options: set[str] = set()

    def walk(command: click.Command) -> None:
        for param in command.params:
            options.update(opt for opt in (*param.opts, *param.secondary_opts) if opt.startswith("--"))
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(app))
    return options


def _strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_messages_name_only_options_that_exist() -> None:
    """An error or help text that tells the user to pass `--x` names an option some mirmine command has."""
    options = _cli_options() | OTHER_PROGRAMS_OPTIONS
    named = {
        (str(path.relative_to(REPO)), option)
        for path in sorted(PIPELINE.rglob("*.py"))
        for text in _strings(path)
        for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*[a-z]", text)
    }
    assert sorted((where, option) for where, option in named if option not in options) == []


DOCS = ("README.md", "rules/README.md", "output/README.md", "corpus/gold/README.md")


@pytest.mark.parametrize("name", DOCS)
def test_the_docs_never_send_a_reader_outside_the_repository(name: str) -> None:
    text = (REPO / name).read_text(encoding="utf-8")
    assert not re.findall(r"\.\./\w|/work/|shared/(?:CONTRACT|NOTES|STYLE|bench|dev|samples)|CONTRACT\.md|NOTES\.md|STYLE\.md", text)
