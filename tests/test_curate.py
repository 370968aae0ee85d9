"""The curated store: merge, decide, diff, export, sample, precision, and a store that survives kills and races."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from conftest import query
from typer.testing import CliRunner

from pipeline import curate
from pipeline.cli import app
from pipeline.curate import (
    EXPORT_COLUMNS,
    STATUS_COLUMNS,
    allocate,
    checked_for_margin,
    decide,
    export_findings,
    finding_id,
    merge_run,
    neutralize,
    sample_findings,
    wilson_half_width,
    wilson_interval,
)
from pipeline.output import RELATIONS, TABLE, RunFolder, table_view, write_tsv
from pipeline.schema import RELATION_DIRECTIONS, Relation

runner = CliRunner()
REPO = Path(__file__).resolve().parent.parent
# Large enough that a merge takes seconds, so that a kill lands inside it.
BIG_RUN_ROWS = 120_000
RELATION_TYPES = ("targets", "sensitizes", "confers_resistance", "associated")  # the four of the synthetic runs


# --- helpers ---------------------------------------------------------------------------------------------


def relation(doc_id: str, mirna: str, kind: str, partner: str, *, sentence_id: int = 1, negated: bool = False,
             sentence: str = "A sentence written for the test.", partner_type: str = "drug", cancer: tuple = ()) -> Relation:  # fmt: skip
    start = 1000 * sentence_id
    return Relation(
        doc_id, "abstract", sentence_id, start, start + len(sentence), mirna, kind, RELATION_DIRECTIONS.get(kind, ""),
        partner, partner_type, "", (), cancer,
        negated, False, "cue.test", 0.8, start, start + 5, start + 10, start + 15, sentence,
    )  # fmt: skip


def read_relations(run: Path) -> list[list[str]]:
    return [line.split("\t") for line in (run / "relations.tsv").read_text(encoding="utf-8").splitlines()[1:]]


def edit_run(
    source: Path,
    dest: Path,
    *,
    keep: Callable[[dict[str, str]], bool] = lambda row: True,
    add: Iterable[Relation] = (),
) -> Path:
    """A copy of the run folder ``source`` whose relations.tsv drops the rows ``keep`` refuses and gains ``add``."""
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(".mirmine"))
    kept = [row for row in read_relations(source) if keep(dict(zip(RELATIONS.columns, row)))]
    write_tsv(dest / "relations.tsv", RELATIONS.columns, [*kept, *RELATIONS.sorted_rows(add)])
    return dest


def write_synthetic_run(folder: Path, rows: int, *, per_doc: int = 20) -> Path:
    """A run folder of ``rows`` generated relations (500 miRNAs, 20 a document, one in 50 negated)."""
    folder.mkdir(parents=True)
    with (folder / "relations.tsv").open("w", encoding="utf-8") as handle:
        handle.write("\t".join(RELATIONS.columns) + "\n")
        for i in range(rows):
            doc_id, mirna, kind = f"SYN:{i // per_doc}", f"miR-{i % 500}", RELATION_TYPES[i % 4]
            partner, partner_type = (f"GENE{i % 97}", "gene") if kind == "targets" else (f"drug{i % 61}", "drug")
            relation_id = hashlib.sha1(f"{doc_id}\t{i}".encode()).hexdigest()[:16]
            handle.write("\t".join((
                relation_id, doc_id, "abstract", str(i % per_doc), mirna, kind, RELATION_DIRECTIONS.get(kind, ""), partner,
                partner_type, "X:1", "MCF-7", "breast cancer",
                "true" if i % 50 == 0 else "false", "false", "cue.synthetic", "0.80", "10", "16", "30", "36",
                f"Sentence {i}: {mirna} {kind} {partner} in breast cancer cells, long enough to look like one.",
            )) + "\n")  # fmt: skip
    (folder / "run.json").write_text(json.dumps({"synthetic": rows}) + "\n", encoding="utf-8")
    (folder / "table.tsv").write_text("\t".join(TABLE.columns) + "\n", encoding="utf-8")
    return folder


def finding(db: Path, mirna: str, kind: str, partner: str) -> dict:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute("SELECT * FROM findings WHERE finding_id = ?", (finding_id(mirna, kind, partner),)).fetchone()
    finally:
        conn.close()
    return dict(row) if row is not None else {}


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Everything a curator or a later merge relies on, without the merge times."""
    tables = {
        "findings": "SELECT * FROM findings ORDER BY finding_id",
        "evidence": "SELECT * FROM evidence ORDER BY relation_id",
        "decisions": "SELECT * FROM decisions ORDER BY decision_id",
        "samples": "SELECT * FROM samples ORDER BY finding_id",
        "changes": "SELECT * FROM changes ORDER BY merge_id, finding_id",
        "merges": "SELECT merge_id, run_dir, run_json_sha256, findings_added, evidence_added, evidence_staled FROM merges",
    }
    return {name: query(db, sql) for name, sql in tables.items()}


def cli(*args: object):
    return runner.invoke(app, ["curate", *map(str, args)])


def error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def table(corpus_run: Path):
    return RunFolder(corpus_run).table()


@pytest.fixture(scope="module")
def single(table) -> tuple[str, str, str]:
    """A finding of the corpus run with one sentence of evidence."""
    row = next(row for row in table if row.n_sentences == 1 and row.partner_type == "drug")
    return row.mirna, row.relation, row.partner


@pytest.fixture
def db(tmp_path: Path, corpus_run: Path) -> Path:
    """A store with the corpus run merged."""
    path = tmp_path / "curated.db"
    merge_run(path, corpus_run)
    return path


@pytest.fixture(scope="module")
def synthetic_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synthetic_run(tmp_path_factory.mktemp("synthetic") / "run", 20_000)


# --- merge -----------------------------------------------------------------------------------------------


def test_a_merge_rolls_up_findings_exactly_like_table_tsv(db: Path, corpus_run: Path, tmp_path: Path) -> None:
    export_findings(db, tmp_path / "all.tsv", statuses=curate.EXPORT_STATUSES)
    exported = [line.split("\t")[: len(TABLE.columns)] for line in (tmp_path / "all.tsv").read_text(encoding="utf-8").splitlines()]
    assert exported == [line.split("\t") for line in (corpus_run / "table.tsv").read_text(encoding="utf-8").splitlines()]


def test_merging_the_same_run_twice_changes_nothing(db: Path, corpus_run: Path) -> None:
    before = snapshot(db)
    again = merge_run(db, corpus_run)
    after = snapshot(db)
    del before["merges"], after["merges"]
    assert (again.changed_anything, after) == (False, before)


def test_each_merge_is_recorded_with_the_run_json_sha256(db: Path, corpus_run: Path) -> None:
    merge_run(db, corpus_run)
    sha = hashlib.sha256((corpus_run / "run.json").read_bytes()).hexdigest()
    rows = query(db, "SELECT merge_id, run_dir, run_json_sha256, findings_added FROM merges")
    assert rows == [(1, str(corpus_run.resolve()), sha, len(RunFolder(corpus_run).table())), (2, str(corpus_run.resolve()), sha, 0)]


def test_evidence_that_vanished_goes_stale_and_is_kept(db: Path, corpus_run: Path, tmp_path: Path, single) -> None:
    mirna, kind, partner = single
    gone = lambda row: (row["mirna"], row["relation"], row["partner"]) == single  # noqa: E731
    merge_run(db, edit_run(corpus_run, tmp_path / "run2", keep=lambda row: not gone(row)))
    evidence = query(db, "SELECT stale FROM evidence WHERE mirna = ? AND relation = ? AND partner = ?", mirna, kind, partner)
    assert (finding(db, *single)["stale"], evidence) == (1, [(1,)])


def test_a_finding_that_comes_back_is_no_longer_stale(db: Path, corpus_run: Path, tmp_path: Path, single) -> None:
    merge_run(db, edit_run(corpus_run, tmp_path / "run2", keep=lambda row: (row["mirna"], row["relation"], row["partner"]) != single))
    merge = merge_run(db, corpus_run)
    kinds = query(db, "SELECT kind FROM changes WHERE merge_id = ? AND finding_id = ?", merge.merge_id, finding_id(*single))
    assert (finding(db, *single)["stale"], kinds) == (0, [("revived",)])


def test_a_new_batch_leaves_the_documents_it_did_not_cover_alone(db: Path, tmp_path: Path) -> None:
    batch = write_synthetic_run(tmp_path / "batch", 40)
    merge = merge_run(db, batch)
    assert (merge.documents, merge.findings_staled, merge.evidence_staled) == (2, 0, 0)
    assert query(db, "SELECT count(*) FROM findings WHERE stale = 1") == [(0,)]


def test_a_document_that_lost_all_its_relations_goes_stale_through_mentions_tsv(db: Path, corpus_run: Path, tmp_path: Path) -> None:
    doc_id = read_relations(corpus_run)[0][1]
    merge_run(db, edit_run(corpus_run, tmp_path / "run2", keep=lambda row: row["doc_id"] != doc_id))
    assert query(db, "SELECT DISTINCT stale FROM evidence WHERE doc_id = ?", doc_id) == [(1,)]


def test_new_evidence_updates_the_counts_of_its_finding(db: Path, corpus_run: Path, tmp_path: Path, single) -> None:
    mirna, kind, partner = single
    merge = merge_run(db, edit_run(corpus_run, tmp_path / "run2", add=[relation("PMID:1", mirna, kind, partner)]))
    row = finding(db, *single)
    detail = query(db, "SELECT kind, detail FROM changes WHERE merge_id = ? AND finding_id = ?", merge.merge_id, row["finding_id"])
    assert (row["n_docs"], row["n_sentences"], "PMID:1" in row["doc_ids"].split(";")) == (2, 2, True)
    assert detail == [("changed", "n_sentences 1 -> 2; n_docs 1 -> 2; doc_ids +PMID:1")]


def test_a_rejected_finding_stays_rejected_when_it_comes_back(db: Path, corpus_run: Path, tmp_path: Path, single) -> None:
    decide(db, finding_id(*single), "rejected", note="not in the paper", curator="ann")
    merge_run(db, edit_run(corpus_run, tmp_path / "run2", keep=lambda row: (row["mirna"], row["relation"], row["partner"]) != single))
    merge_run(db, edit_run(corpus_run, tmp_path / "run3", add=[relation("PMID:1", *single)]))
    row = finding(db, *single)
    assert (row["status"], row["note"], row["curator"], row["stale"]) == ("rejected", "not in the paper", "ann", 0)


def test_the_store_uses_wal_and_records_its_schema_version(db: Path) -> None:
    assert query(db, "PRAGMA journal_mode") == [("wal",)]
    assert query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(curate.SCHEMA_VERSION),)]


def test_a_store_of_the_previous_schema_is_brought_up_to_date_with_its_decisions(db: Path, single) -> None:
    """A store written before `direction` (schema 1) opens: the column is added, every decision is kept."""
    fid = finding_id(*single)
    decide(db, fid, "accepted", note="checked")
    with sqlite3.connect(db) as conn:
        conn.execute("ALTER TABLE evidence DROP COLUMN direction")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with curate.open_store(db) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(evidence)")]
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        kept = conn.execute("SELECT status, note FROM decisions WHERE finding_id = ?", (fid,)).fetchall()
    assert "direction" in columns and version == str(curate.SCHEMA_VERSION)
    assert [tuple(row) for row in kept] == [("accepted", "checked")]


def test_a_finding_whose_label_changes_shows_in_the_diff(db: Path, corpus_run: Path, tmp_path: Path, table) -> None:
    """A rule change that relabels a finding (targets -> regulates) is a new finding and the old one goes stale."""
    old = next(row for row in table if row.relation == "targets")
    relabelled = relation(old.doc_ids[0], old.mirna, "regulates", old.partner, partner_type="gene")
    run = edit_run(
        corpus_run, tmp_path / "relabelled",
        keep=lambda row: (row["mirna"], row["relation"], row["partner"]) != (old.mirna, old.relation, old.partner),
        add=[relabelled],
    )  # fmt: skip
    merge_run(db, run)
    report = json.loads(cli("diff", "--db", db, "--json").stdout)
    changes = {(c["mirna"], c["relation"], c["partner"]): c["kind"] for c in report["changes"]}
    assert changes[(old.mirna, "regulates", old.partner)] == "added"
    assert changes[(old.mirna, "targets", old.partner)] == "stale"


def test_merge_prints_a_one_line_summary(tmp_path: Path, corpus_run: Path, table) -> None:
    result = cli("merge", corpus_run, "--db", tmp_path / "c.db")
    assert result.exit_code == 0 and result.stdout.count("\n") == 1 and f"findings {len(table)} added" in result.stdout


def break_header(run: Path) -> None:
    text = (run / "relations.tsv").read_text(encoding="utf-8")
    (run / "relations.tsv").write_text(text.replace("relation_id\t", "id\t", 1), encoding="utf-8")


def break_line(run: Path) -> None:
    with (run / "relations.tsv").open("a", encoding="utf-8") as handle:
        handle.write("only\tthree\tfields\n")


def break_flag(run: Path) -> None:
    rows = read_relations(run)
    rows[-1][RELATIONS.columns.index("negated")] = "maybe"
    write_tsv(run / "relations.tsv", RELATIONS.columns, rows)


BAD_RUNS = {
    "no relations.tsv": (lambda run: (run / "relations.tsv").unlink(), "relations.tsv: file not found"),
    "no run.json": (lambda run: (run / "run.json").unlink(), "run.json: file not found"),
    "wrong header": (break_header, "relations.tsv: not a mirmine relations.tsv"),
    "short line at the end": (break_line, "relations.tsv:"),
    "bad negated flag": (break_flag, "expected true or false"),
    "not a folder": (lambda run: shutil.rmtree(run), "not a folder"),
}


@pytest.mark.parametrize(("breaks", "message"), BAD_RUNS.values(), ids=list(BAD_RUNS))
def test_a_bad_run_folder_is_refused_and_the_store_is_untouched(db: Path, corpus_run: Path, tmp_path: Path, breaks, message: str) -> None:
    run = edit_run(corpus_run, tmp_path / "bad", add=[relation("PMID:1", "miR-1", "associated", "cisplatin")])
    breaks(run)
    before = snapshot(db)
    result = cli("merge", run, "--db", db)
    assert result.exit_code == 1 and message in error_line(result)
    assert snapshot(db) == before


def test_a_bad_run_folder_creates_no_store(tmp_path: Path) -> None:
    result = cli("merge", tmp_path / "missing", "--db", tmp_path / "new.db")
    assert (result.exit_code, (tmp_path / "new.db").exists()) == (1, False)


# --- decide ----------------------------------------------------------------------------------------------


def test_decide_records_status_note_curator_and_utc_time(db: Path, single) -> None:
    result = cli("decide", "--db", db, finding_id(*single), "accepted", "--note", "Fig. 2", "--curator", "ann")
    row = finding(db, *single)
    assert result.exit_code == 0
    assert (row["status"], row["note"], row["curator"], row["decided_at"][-1]) == ("accepted", "Fig. 2", "ann", "Z")


def test_decide_keeps_every_earlier_decision(db: Path, single) -> None:
    decide(db, finding_id(*single), "accepted", note="first look", curator="ann")
    decide(db, finding_id(*single), "rejected", note="second look", curator="bob")
    history = query(db, "SELECT status, note, curator FROM decisions WHERE finding_id = ? ORDER BY decision_id", finding_id(*single))
    assert (history, finding(db, *single)["status"]) == ([("accepted", "first look", "ann"), ("rejected", "second look", "bob")], "rejected")


def test_decisions_cannot_be_rewritten(db: Path, single) -> None:
    decide(db, finding_id(*single), "accepted")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        query(db, "UPDATE decisions SET status = 'rejected'")


def test_decide_by_a_relation_id_decides_its_finding(db: Path, corpus_run: Path) -> None:
    row = dict(zip(RELATIONS.columns, read_relations(corpus_run)[0]))
    result = cli("decide", "--db", db, row["relation_id"], "rejected")
    assert result.exit_code == 0 and row["relation_id"] in result.stdout
    assert finding(db, row["mirna"], row["relation"], row["partner"])["status"] == "rejected"


def test_decide_without_curator_takes_user(db: Path, single, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER", "carol")
    cli("decide", "--db", db, finding_id(*single), "accepted")
    assert finding(db, *single)["curator"] == "carol"


def test_decide_an_unknown_id_exits_1(db: Path) -> None:
    result = cli("decide", "--db", db, "0123456789", "accepted")
    assert result.exit_code == 1 and "no finding or evidence row with id '0123456789'" in error_line(result)


def test_decide_something_else_than_accepted_or_rejected_is_a_usage_error(db: Path, single) -> None:
    assert cli("decide", "--db", db, finding_id(*single), "maybe").exit_code == 2


def test_the_finding_id_is_a_short_hash_of_mirna_relation_partner() -> None:
    expected = hashlib.sha1("miR-221\tconfers_resistance\tfulvestrant".encode()).hexdigest()[:10]
    assert finding_id("miR-221", "confers_resistance", "fulvestrant") == expected


# --- diff ------------------------------------------------------------------------------------------------


@pytest.fixture
def changed_store(db: Path, corpus_run: Path, tmp_path: Path, single, table) -> tuple[Path, dict[str, str]]:
    """The store after a second run that lost ``single``, gained a finding and added a document to another."""
    other = next(row for row in table if (row.mirna, row.relation, row.partner) != single and row.partner_type == "drug")
    run = edit_run(
        corpus_run, tmp_path / "run2",
        keep=lambda row: (row["mirna"], row["relation"], row["partner"]) != single,
        add=[relation("PMID:1", "miR-9999", "sensitizes", "tamoxifen"), relation("PMID:2", other.mirna, other.relation, other.partner)],
    )  # fmt: skip
    merge_run(db, run)
    expected = {
        finding_id("miR-9999", "sensitizes", "tamoxifen"): "added",
        finding_id(other.mirna, other.relation, other.partner): "changed",
        finding_id(*single): "stale",
    }
    return db, expected


def test_diff_lists_what_the_last_merge_added_changed_and_made_stale(changed_store) -> None:
    db, expected = changed_store
    result = cli("diff", "--db", db, "--json")
    changes = json.loads(result.stdout)["changes"]
    assert {c["finding_id"]: c["kind"] for c in changes} == expected


def test_diff_prints_a_table_with_the_finding_ids(changed_store) -> None:
    db, expected = changed_store
    lines = cli("diff", "--db", db).stdout.splitlines()
    assert lines[1].startswith("findings: 1 added, 1 changed, 0 revived, 1 stale")
    assert {line.split()[1] for line in lines[4:]} == set(expected)


def test_diff_of_an_earlier_merge(changed_store, table) -> None:
    db, _ = changed_store
    result = cli("diff", "--db", db, "--merge", 1, "--json")
    assert json.loads(result.stdout)["merge"]["findings_added"] == len(table)


def test_diff_of_a_merge_that_does_not_exist_exits_1(db: Path) -> None:
    result = cli("diff", "--db", db, "--merge", 5)
    assert result.exit_code == 1 and "no merge 5" in error_line(result)


# --- export ----------------------------------------------------------------------------------------------


def read_back(path: Path) -> list[list[object]]:
    """Header and rows of an exported file, cells as the format gives them."""
    if path.suffix == ".tsv":
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.reader(handle))
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        try:
            return [list(row) for row in workbook["findings"].iter_rows(values_only=True)]
        finally:
            workbook.close()
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    return [table.column_names, *[list(row.values()) for row in table.to_pylist()]]


FORMATS = (".tsv", ".csv", ".xlsx", ".parquet")


@pytest.mark.parametrize("suffix", FORMATS)
def test_export_writes_the_table_columns_then_the_status_columns(db: Path, tmp_path: Path, suffix: str, table) -> None:
    result = cli("export", "--db", db, "--out", tmp_path / f"out{suffix}")
    header, *rows = read_back(tmp_path / f"out{suffix}")
    assert (result.exit_code, tuple(header), len(rows)) == (0, EXPORT_COLUMNS, len(table))


@pytest.mark.parametrize(("suffix", "expected"), [(".tsv", "=1+1"), (".csv", "'=1+1"), (".xlsx", "'=1+1"), (".parquet", "=1+1")])
def test_export_neutralizes_formulas_in_csv_and_xlsx_only(db: Path, tmp_path: Path, single, suffix: str, expected: str) -> None:
    decide(db, finding_id(*single), "accepted", note="=1+1")
    export_findings(db, tmp_path / f"out{suffix}", statuses=["accepted"])
    header, row = read_back(tmp_path / f"out{suffix}")
    assert row[header.index("note")] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("\rx", "'\rx"),
     ("miR-21", "miR-21"), ("5-fluorouracil", "5-fluorouracil"), ("", "")],
    ids=["equals", "plus", "minus", "at", "tab", "cr", "mirna", "inner-dash", "empty"],
)  # fmt: skip
def test_neutralize(text: str, expected: str) -> None:
    assert neutralize(text) == expected


STATUS_CASES = {
    "default": ((), {"accepted", "pending"}),
    "accepted": (("--status", "accepted"), {"accepted"}),
    "rejected": (("--status", "rejected"), {"rejected"}),
    "stale": (("--status", "stale"), {"stale"}),
    "everything": (("--status", "accepted,pending,rejected,stale"), {"accepted", "pending", "rejected", "stale"}),
}


@pytest.mark.parametrize(("options", "expected"), STATUS_CASES.values(), ids=list(STATUS_CASES))
def test_export_status_chooses_the_findings(db: Path, corpus_run: Path, tmp_path: Path, table, options, expected: set[str]) -> None:
    accepted, rejected, gone = ((r.mirna, r.relation, r.partner) for r in table[:3])
    decide(db, finding_id(*accepted), "accepted")
    decide(db, finding_id(*rejected), "rejected")
    merge_run(db, edit_run(corpus_run, tmp_path / "run2", keep=lambda row: (row["mirna"], row["relation"], row["partner"]) != gone))
    cli("export", "--db", db, "--out", tmp_path / "out.tsv", *options)
    header, *rows = read_back(tmp_path / "out.tsv")
    seen = {"stale" if row[header.index("stale")] == "true" else row[header.index("status")] for row in rows}
    assert seen == expected


def test_export_by_drug_has_the_table_1_shape(db: Path, corpus_run: Path, tmp_path: Path) -> None:
    cli("export", "--db", db, "--out", tmp_path / "by_drug.tsv", "--by", "drug")
    header, *rows = read_back(tmp_path / "by_drug.tsv")
    assert tuple(header) == curate.VIEW_COLUMNS["drug"] + STATUS_COLUMNS + curate.VIEW_ORIGINAL_COLUMNS
    assert [tuple(row[:6]) for row in rows] == table_view(RunFolder(corpus_run).table(), "drug")


def test_export_leaves_out_targets_a_curator_rejected(db: Path, tmp_path: Path, table) -> None:
    row = next(r for r in table if r.targets and r.partner_type == "drug")
    decide(db, finding_id(row.mirna, "targets", row.targets[0]), "rejected")
    export_findings(db, tmp_path / "out.tsv", statuses=["pending"])
    header, *rows = read_back(tmp_path / "out.tsv")
    exported = next(r for r in rows if r[:3] == [row.mirna, row.relation, row.partner])
    assert row.targets[0] not in exported[header.index("targets")].split(";")


def test_export_does_not_replace_an_existing_file_without_force(db: Path, tmp_path: Path) -> None:
    (tmp_path / "curated.tsv").write_text("my edits\n", encoding="utf-8")
    result = cli("export", "--db", db, "--out", tmp_path / "curated.tsv")
    assert result.exit_code == 1 and "--force" in error_line(result)
    assert (tmp_path / "curated.tsv").read_text(encoding="utf-8") == "my edits\n"


def test_export_with_force_replaces_the_file(db: Path, tmp_path: Path) -> None:
    (tmp_path / "curated.tsv").write_text("my edits\n", encoding="utf-8")
    assert cli("export", "--db", db, "--out", tmp_path / "curated.tsv", "--force").exit_code == 0
    assert read_back(tmp_path / "curated.tsv")[0] == list(EXPORT_COLUMNS)


def test_a_failed_export_keeps_the_previous_file(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow.parquet as pq

    (tmp_path / "curated.parquet").write_bytes(b"previous")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pq, "write_table", broken)
    with pytest.raises(OSError):
        export_findings(db, tmp_path / "curated.parquet", force=True)
    assert ((tmp_path / "curated.parquet").read_bytes(), list(tmp_path.glob(".*.tmp"))) == (b"previous", [])


@pytest.mark.parametrize("name", ["out.json", "out", "out.xls"])
def test_export_to_an_unknown_file_type_is_a_usage_error(db: Path, tmp_path: Path, name: str) -> None:
    assert cli("export", "--db", db, "--out", tmp_path / name).exit_code == 2


def test_export_an_unknown_status_is_a_usage_error(db: Path, tmp_path: Path) -> None:
    assert cli("export", "--db", db, "--out", tmp_path / "x.tsv", "--status", "accepted,maybe").exit_code == 2


# --- sample and precision --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sizes", "n", "expected"),
    [
        ({"a": 80, "b": 15, "c": 5}, 10, {"a": 8, "b": 1, "c": 1}),
        ({"a": 90, "b": 10}, 5, {"a": 4, "b": 1}),
        ({"a": 98, "b": 1, "c": 1}, 10, {"a": 8, "b": 1, "c": 1}),
        ({"a": 50, "b": 30, "c": 20}, 10, {"a": 5, "b": 3, "c": 2}),
        ({"a": 3, "b": 1}, 10, {"a": 3, "b": 1}),
        ({"a": 5, "b": 9, "c": 5}, 2, {"b": 1, "a": 1}),
    ],
    ids=["proportional", "rounding", "one-each-first", "exact", "fewer-than-asked", "fewer-than-strata"],
)
def test_allocate(sizes: dict[str, int], n: int, expected: dict[str, int]) -> None:
    assert allocate(sizes, n) == expected


def test_sample_covers_every_relation_type(db: Path, table) -> None:
    draw = sample_findings(db, 8, seed=1)
    assert Counter(f.relation for f in draw.findings).keys() == {row.relation for row in table}


def test_sample_with_the_same_seed_draws_the_same_findings(db: Path, tmp_path: Path) -> None:
    shutil.copy(db, tmp_path / "copy.db")
    ids = lambda draw: [f.finding_id for f in draw.findings]  # noqa: E731
    assert ids(sample_findings(db, 10, seed=7)) == ids(sample_findings(tmp_path / "copy.db", 10, seed=7))


def test_sample_draws_only_live_pending_findings(db: Path, corpus_run: Path, tmp_path: Path, table) -> None:
    decided = [finding_id(r.mirna, r.relation, r.partner) for r in table[:5]]
    for fid in decided:
        decide(db, fid, "accepted")
    gone = table[5]
    merge_run(db, edit_run(corpus_run, tmp_path / "run2", keep=lambda row: (row["mirna"], row["relation"], row["partner"]) != (gone.mirna, gone.relation, gone.partner)))
    drawn = {f.finding_id for f in sample_findings(db, 1000, seed=1).findings}
    assert not drawn & {*decided, finding_id(gone.mirna, gone.relation, gone.partner)} and len(drawn) == len(table) - 6


def test_a_second_draw_adds_to_the_sample_without_repeats(db: Path) -> None:
    first = {f.finding_id for f in sample_findings(db, 10, seed=1).findings}
    second = {f.finding_id for f in sample_findings(db, 10, seed=1).findings}
    assert (len(first | second), query(db, "SELECT count(*), max(draw) FROM samples")) == (20, [(20, 2)])


def test_sample_prints_id_relation_mirna_partner_and_sentence(db: Path) -> None:
    result = cli("sample", "--db", db, "--n", 4, "--seed", 3)
    first = result.stdout.splitlines()[:2]
    fid, kind, mirna, partner = first[0].split("  ")
    assert finding(db, mirna, kind, partner)["example"] == first[1].strip() and fid == finding_id(mirna, kind, partner)


@pytest.mark.parametrize(
    ("accepted", "n", "low", "high"),
    [(8, 10, 0.4902, 0.9433), (0, 10, 0.0, 0.2775), (10, 10, 0.7225, 1.0), (45, 50, 0.7864, 0.9565), (0, 0, 0.0, 1.0)],
    ids=["8-of-10", "0-of-10", "10-of-10", "45-of-50", "nothing-checked"],
)
def test_wilson_interval(accepted: int, n: int, low: float, high: float) -> None:
    assert wilson_interval(accepted, n) == pytest.approx((low, high), abs=1e-4)


@pytest.mark.parametrize(("p", "expected"), [(0.5, 381), (0.9, 141), (1.0, 35)], ids=["half", "0.9", "all"])
def test_checked_for_margin_is_the_first_n_within_five_points(p: float, expected: int) -> None:
    assert checked_for_margin(p) == expected
    assert wilson_half_width(p, expected) <= 0.05 < wilson_half_width(p, expected - 1)


def test_precision_per_relation_from_the_decisions_on_sampled_findings(db: Path) -> None:
    draw = sample_findings(db, 12, seed=5)
    by_relation: dict[str, list[str]] = {}
    for f in draw.findings:
        by_relation.setdefault(f.relation, []).append(f.finding_id)
    checked = by_relation["associated"]
    for i, fid in enumerate(checked):
        decide(db, fid, "accepted" if i % 3 else "rejected")
    rows = {r["relation"]: r for r in json.loads(cli("precision", "--db", db, "--json").stdout)["precision"]}
    accepted = sum(1 for i in range(len(checked)) if i % 3)
    low, high = wilson_interval(accepted, len(checked))
    assert (rows["associated"]["checked"], rows["associated"]["precision"]) == (len(checked), pytest.approx(accepted / len(checked)))
    assert (rows["associated"]["low"], rows["associated"]["high"], rows["all"]["sampled"]) == (pytest.approx(low), pytest.approx(high), 12)


def test_a_finding_accepted_with_a_correction_counts_against_precision(db: Path) -> None:
    """The extraction named the wrong partner or relation: the curator's fix does not make it a right extraction."""
    draw = sample_findings(db, 12, seed=5)
    first, second = [f.finding_id for f in draw.findings if f.relation == "associated"][:2]
    decide(db, first, "accepted")
    decide(db, second, "accepted", relation="sensitizes")
    row = {r.relation: r for r in curate.estimate_precision(db)}["associated"]
    assert (row.checked, row.accepted, row.corrected, row.precision) == (2, 1, 1, 0.5)


def test_precision_needs_no_more_checks_once_within_five_points(db: Path) -> None:
    draw = sample_findings(db, 126, seed=5)
    associated = [f.finding_id for f in draw.findings if f.relation == "associated"]
    for fid in associated:
        decide(db, fid, "accepted")
    rows = {r.relation: r for r in curate.estimate_precision(db)}
    assert (len(associated) >= 35, rows["associated"].more, rows["targets"].more) == (True, 0, 381)


def test_precision_without_a_sample_exits_1(db: Path) -> None:
    result = cli("precision", "--db", db)
    assert result.exit_code == 1 and "curate sample" in error_line(result)


# --- a store that is missing, foreign, newer, busy, raced or killed ----------------------------------------


COMMANDS = {
    "merge": lambda db, run: ("merge", run, "--db", db),
    "decide": lambda db, run: ("decide", "--db", db, "0123456789", "accepted"),
    "diff": lambda db, run: ("diff", "--db", db),
    "export": lambda db, run: ("export", "--db", db, "--out", db.parent / "out.tsv"),
    "sample": lambda db, run: ("sample", "--db", db, "--n", 5),
    "precision": lambda db, run: ("precision", "--db", db),
}


@pytest.mark.parametrize("command", COMMANDS.values(), ids=list(COMMANDS))
def test_a_store_of_a_newer_schema_is_refused(db: Path, corpus_run: Path, command) -> None:
    query_commit(db, "UPDATE meta SET value = ? WHERE key = 'schema_version'", str(curate.SCHEMA_VERSION + 1))
    result = cli(*command(db, corpus_run))
    assert result.exit_code == 1 and "newer mirmine" in error_line(result)


@pytest.mark.parametrize("command", COMMANDS.values(), ids=list(COMMANDS))
def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path: Path, corpus_run: Path, command) -> None:
    path = tmp_path / "notes.db"
    path.write_text("curator notes, not a database\n" * 100, encoding="utf-8")
    result = cli(*command(path, corpus_run))
    assert result.exit_code == 1 and "not a mirmine curated store" in error_line(result)
    assert path.read_text(encoding="utf-8") == "curator notes, not a database\n" * 100


def test_an_sqlite_database_of_something_else_is_refused(tmp_path: Path, corpus_run: Path) -> None:
    query_commit(tmp_path / "other.db", "CREATE TABLE people (name TEXT)")
    result = cli("merge", corpus_run, "--db", tmp_path / "other.db")
    assert result.exit_code == 1 and "not a mirmine curated store" in error_line(result)


@pytest.mark.parametrize("command", [c for name, c in COMMANDS.items() if name != "merge"], ids=[n for n in COMMANDS if n != "merge"])
def test_a_missing_store_exits_1_and_is_not_created(tmp_path: Path, corpus_run: Path, command) -> None:
    result = cli(*command(tmp_path / "missing.db", corpus_run))
    assert result.exit_code == 1 and "curate merge" in error_line(result)
    assert not (tmp_path / "missing.db").exists()


def query_commit(db: Path, sql: str, *args: object) -> None:
    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute(sql, args)
    finally:
        conn.close()


def test_a_merge_gives_up_cleanly_while_another_writer_holds_the_store(db: Path, corpus_run: Path) -> None:
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = cli("merge", corpus_run, "--db", db, "--wait", 0.2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1 and "the store is busy" in error_line(result)


def merge_process(run: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "curate", "merge", str(run), "--db", str(db)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_two_merges_at_once_both_finish_one_after_the_other(synthetic_run: Path, tmp_path: Path) -> None:
    db = tmp_path / "raced.db"
    first, second = merge_process(synthetic_run, db), merge_process(synthetic_run, db)
    outcomes = [(p.communicate(timeout=120)[1], p.returncode) for p in (first, second)]
    assert outcomes == [("", 0), ("", 0)]
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    assert sorted(query(db, "SELECT evidence_added FROM merges")) == [(0,), (20_000,)]


@pytest.fixture(scope="module")
def big_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synthetic_run(tmp_path_factory.mktemp("big") / "run", BIG_RUN_ROWS)


def wal_bytes(db: Path) -> int:
    """Size of the store's write-ahead log, -1 while there is none."""
    wal = Path(f"{db}-wal")
    return wal.stat().st_size if wal.exists() else -1


def wait_for_wal(db: Path, process: subprocess.Popen, size: int, settle: float) -> None:
    """Until the store's -wal file holds ``size`` bytes, then (``settle`` > 0) until it has not grown for ``settle`` s."""
    deadline = time.monotonic() + 60
    while wal_bytes(db) < size and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    last, since = wal_bytes(db), time.monotonic()
    while settle and process.poll() is None and time.monotonic() - since < settle:
        time.sleep(0.002)
        if wal_bytes(db) != last:
            last, since = wal_bytes(db), time.monotonic()


# The -wal file appears when the merge opens the store and stays small while the merge works in its page cache;
# it fills up when the merge commits, and stops growing once the commit is written: 20 ms later a kill lands after
# a commit, before the checkpoint and exit that follow it (some 150 ms for the big run). A merge split into two
# transactions is caught there, between them.
KILL_POINTS = {
    "while merging": (0, 0.5, 0.0),
    "while committing": (1_000_000, 0.0, 0.0),
    "after a commit": (1_000_000, 0.0, 0.02),
}


def copy_store(db: Path, copy: Path) -> Path:
    """A copy of the store ``db``, made by SQLite's backup (so whatever its -wal file holds is in it)."""
    source, target = sqlite3.connect(db), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return copy


def merged_or_half(killed: dict, before: dict, merged: dict) -> str:
    """"fully merged" if the killed store's snapshot is ``merged``, else which of its tables are as before, merged or neither."""
    if killed == merged:
        return "fully merged"
    tables = []
    for name in killed:
        state = "as before" if killed[name] == before[name] else "merged" if killed[name] == merged[name] else "neither"
        tables.append(f"{name} {state}")
    return "half-merged: " + ", ".join(tables)


@pytest.mark.parametrize(("wal_size", "delay", "settle"), KILL_POINTS.values(), ids=list(KILL_POINTS))
def test_a_killed_merge_leaves_the_store_as_before_or_fully_merged(
    db: Path, big_run: Path, tmp_path: Path, wal_size: int, delay: float, settle: float
) -> None:
    decide(db, query(db, "SELECT finding_id FROM findings LIMIT 1")[0][0], "accepted", note="keep me")
    before = snapshot(db)
    # A merge that committed leaves this copy merged once; db merged again after the kill would hold one merge more.
    unmerged = copy_store(db, tmp_path / "unmerged.db")
    process = merge_process(big_run, db)
    wait_for_wal(db, process, wal_size, settle)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    killed = snapshot(db)
    if killed == before:
        outcome = "as before"
    else:
        merge_run(unmerged, big_run)
        outcome = merged_or_half(killed, before, snapshot(unmerged))
    assert outcome in ("as before", "fully merged")
    merge_run(db, big_run)
    assert query(db, "SELECT count(*) FROM evidence WHERE doc_id LIKE 'SYN:%'") == [(BIG_RUN_ROWS,)]
