"""Rules as data: the loader's checks, every rule id of the output defined in a rule file, and a rules folder that
every stage reads (``mirmine run --rules DIR``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import CORPUS
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.output import RunFolder
from pipeline.ruleset import (
    CodeNameRule,
    CueRule,
    GlueRule,
    LexiconRule,
    ModelLabel,
    NoteRule,
    RelationRule,
    RuleError,
    default_rules_dir,
    load_ruleset,
)

HERE = Path(__file__).parent


def rules_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), folder, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.md"))
    return folder


def replace_line(path: Path, rule_id: str, rule: dict) -> None:
    """Put ``rule`` in place of the line of the rule ``rule_id``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if f'"id": "{rule_id}"' in line)
    lines[at] = json.dumps(rule, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- the loader's checks ----------------------------------------------------------------------------------------

BROKEN_RULES = {
    "unknown-key": (CueRule, "cue.hedge", {"id": "cue.hedge", "role": "hedge", "pattern": "may", "weight": 2}, r"unknown key\(s\) weight"),
    "wrong-type": (NoteRule, "gene.weak_short", {"id": "gene.weak_short", "flag": "weak-short", "action": "needs_cue", "window": "20", "pattern": "x"}, "key 'window' must be a whole number"),
    "unknown-role": (CueRule, "cue.hedge", {"id": "cue.hedge", "role": "maybe", "pattern": "may"}, "unknown role 'maybe'"),
    "bad-regex": (CueRule, "cue.hedge", {"id": "cue.hedge", "role": "hedge", "pattern": "(may"}, "not a valid regex"),
    "passive-without-verb": (CueRule, "cue.gene.passive", {"id": "cue.gene.passive", "role": "gene_passive", "pattern": "was reduced", "raising": "x"}, "group named verb"),
    "confidence-without-roles": (RelationRule, "confidence.raise", {"id": "confidence.raise", "kind": "confidence", "confidence": 0.8}, "needs roles"),
    "model-id-prefix": (ModelLabel, "model.chemical", {"id": "chemical", "label": "CHEMICAL", "type": "drug"}, "starts with 'model.'"),
    "code-name-bad-cue": (CodeNameRule, "drug.code_name", {"id": "drug.code_name", "pattern": "(?P<code>[A-Z]{2}[0-9]{3})", "cue": "(inhibitor", "window": 40}, "not a valid regex"),
    "code-name-without-group": (CodeNameRule, "drug.code_name", {"id": "drug.code_name", "pattern": "[A-Z]{2}[0-9]{3}", "cue": "inhibitor", "window": 40}, "group named code"),
    "glue-bad-requires": (GlueRule, "gene.variant_suffix", {"id": "gene.variant_suffix", "pattern": "(?P<symbol>[A-Z]{3})v[0-9]", "requires": "v[0-9"}, "not a valid regex"),
    "lexicon-unknown-type": (LexiconRule, "gene.symbol", {"id": "gene.symbol", "type": "protein", "kind": "symbol"}, "unknown type 'protein'"),
}  # fmt: skip


@pytest.mark.parametrize(("kind", "rule_id", "rule", "message"), BROKEN_RULES.values(), ids=list(BROKEN_RULES))
def test_a_broken_rule_is_refused_with_its_file_and_line(tmp_path: Path, kind, rule_id: str, rule: dict, message: str) -> None:
    folder = rules_copy(tmp_path)
    replace_line(folder / kind.FILE, rule_id, rule)
    with pytest.raises(RuleError, match=rf"{kind.FILE}:\d+: .*{message}"):
        load_ruleset(folder).rules(kind)


def test_a_role_without_a_confidence_rule_is_refused(tmp_path: Path) -> None:
    from pipeline.relations import relation_rules

    folder = rules_copy(tmp_path)
    path = folder / RelationRule.FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if "confidence.raise" not in line), encoding="utf-8")
    with pytest.raises(RuleError, match="no confidence rule for role.*raise"):
        relation_rules(load_ruleset(folder))


def test_a_lexicon_kind_without_a_rule_is_refused(tmp_path: Path) -> None:
    from pipeline.normalize import read_lexicon

    folder = rules_copy(tmp_path)
    path = folder / LexiconRule.FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if '"gene.extra"' not in line), encoding="utf-8")
    with pytest.raises(RuleError, match=r"genes_extra\.tsv: no rule for gene rows of kind 'extra'"):
        read_lexicon("genes_extra.tsv", "gene", load_ruleset(folder))


def test_a_missing_rules_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="not a folder of rules"):
        load_ruleset(tmp_path / "nowhere")


def test_a_missing_rule_file_names_the_packaged_one(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=r"relation_cues\.jsonl: rule file not found; copy it from the packaged rules"):
        load_ruleset(tmp_path).rules(CueRule)


# --- every rule id of the output is defined in a rule file ------------------------------------------------------


@pytest.fixture(scope="module")
def testdata_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipeline.engine import run_corpus

    out = tmp_path_factory.mktemp("testdata_run")
    run_corpus([HERE / "data"], out)
    return out


@pytest.mark.parametrize("run", ["corpus_run", "testdata_run"])
def test_every_rule_id_in_a_run_resolves_to_a_rule_file(run: str, request: pytest.FixtureRequest) -> None:
    folder = RunFolder(request.getfixturevalue(run))
    rule_ids = {mention.rule for mention in folder.mentions()} | {relation.rule for relation in folder.relations()}
    assert rule_ids  # the run found something to check
    rules = load_ruleset()
    for rule_id in sorted(rule_ids):
        assert rules.resolve(rule_id), rule_id


@pytest.mark.parametrize(
    ("rule_id", "where"),
    [
        ("gene.symbol", "lexicon_rules.jsonl"),
        ("cue.direction.up+loss", "relation_cues.jsonl:* + relation_rules.jsonl"),
        ("coref.these_mirnas+cue.associate", "relation_rules.jsonl:* + relation_cues.jsonl"),
        ("table.row", "relation_rules.jsonl"),
        ("drug.abbreviation", "lexicon_rules.jsonl"),
    ],
    ids=["lexicon", "loss", "coreference", "table-row", "abbreviation"],
)
def test_a_composed_rule_id_names_the_file_of_each_part(rule_id: str, where: str) -> None:
    located = load_ruleset().locate(rule_id)
    assert [part.split(":")[0] for part in located.split(" + ")] == [part.split(":")[0] for part in where.split(" + ")]


def test_an_unknown_rule_id_does_not_resolve() -> None:
    with pytest.raises(RuleError, match="'cue.nothing' is defined in no file"):
        load_ruleset().resolve("cue.nothing+loss")


# --- a rules folder flows through every stage -------------------------------------------------------------------

TEXT = "miR-21 amplifies cisplatin resistance in A549 cells.\n\nmiR-21 directly targets ZORBIN in A549 cells.\n"


def run_tables(tmp_path: Path, name: str, *rules_option: str) -> RunFolder:
    (tmp_path / "in").mkdir(exist_ok=True)
    (tmp_path / "in" / "paper.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / name
    result = CliRunner().invoke(app, ["run", str(tmp_path / "in"), "--out", str(out), "-q", "--workers", "1", *rules_option])
    assert result.exit_code == 0, result.stderr
    return RunFolder(out)


def test_a_rules_folder_changes_a_relation_cue_and_a_lexicon_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of rules/ with one more direction verb and one more gene: both show in the tables, and only with it."""
    monkeypatch.setenv("MIRMINE_CACHE", str(tmp_path / "cache"))  # the copy's lexicons are cached apart
    folder = rules_copy(tmp_path)
    cue = next(rule for rule in load_ruleset().rules(CueRule) if rule.id == "cue.direction.up")
    replace_line(folder / CueRule.FILE, cue.id, {"id": cue.id, "role": cue.role, "pattern": cue.pattern.replace(r"\b(?:", r"\b(?:amplif\w*|", 1)})
    with (folder / "genes_extra.tsv").open("a", encoding="utf-8") as handle:
        handle.write("ZORBIN\tZORBIN\t\ttest row\t\n")

    packaged = run_tables(tmp_path, "packaged")
    custom = run_tables(tmp_path, "custom", "--rules", str(folder))

    def found(run: RunFolder) -> set:
        return {(r.mirna, r.relation, r.partner, r.rule) for r in run.relations()}

    assert found(packaged) == set()
    assert found(custom) == {
        ("miR-21", "confers_resistance", "cisplatin", "cue.direction.up"),
        ("miR-21", "targets", "ZORBIN", "cue.gene.repress"),
    }
    assert [(m.text, m.rule) for m in custom.mentions() if m.type == "gene"] == [("ZORBIN", "gene.extra")]
    info = custom.info()
    assert info["rules_folder"] == str(folder.resolve())
    assert info["rules"] == load_ruleset(folder).checksums() != load_ruleset().checksums()


def test_a_pipeline_config_carries_the_rules_folder_and_reloads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``nlp.to_disk`` keeps the rules folder in the config; ``spacy.load`` gives the finders the same rules."""
    import spacy

    from pipeline.extract import build_pipeline

    monkeypatch.setenv("MIRMINE_CACHE", str(tmp_path / "cache"))  # the copy's lexicons are cached apart
    folder = rules_copy(tmp_path)
    nlp = build_pipeline(load_ruleset(folder))
    assert nlp.config["components"]["mirmine_genes"]["rules"]["folder"] == str(folder.resolve())
    nlp.to_disk(tmp_path / "saved")
    assert spacy.load(tmp_path / "saved").get_pipe("mirmine_genes").rules == load_ruleset(folder)


def test_run_with_a_missing_rules_folder_is_an_error_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["run", str(CORPUS), "--out", str(tmp_path / "out"), "--rules", str(tmp_path / "none")])
    assert result.exit_code == 1 and result.stderr.startswith("Error:") and "not a folder of rules" in result.stderr
