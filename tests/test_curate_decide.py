"""Decisions from the command line and from sheets: id prefixes, `pending`, corrections, `--from`, and schema 4."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import query
from typer.testing import CliRunner

from pipeline import curate
from pipeline.cli import app
from pipeline.curate import decide, export_findings, finding_id, merge_run
from pipeline.output import RELATIONS, write_tsv
from pipeline.schema import RELATION_DIRECTIONS

runner = CliRunner()

# The tiny run: (relation_id, doc_id, mirna, relation, partner, partner_type, partner_id, negated). The relation ids are
# chosen so that `abcdef` starts the evidence of two findings and `bbbbbb` only a negated sentence's.
ROWS = (
    ("aaaaaa0000000001", "PMID:1", "miR-21", "targets", "ERBB2", "gene", "HGNC:3430", False),
    ("abcdef0000000001", "PMID:1", "miR-21", "confers_resistance", "trastuzumab", "drug", "DB00072", False),
    ("abcdef0000000002", "PMID:2", "miR-221", "sensitizes", "tamoxifen", "drug", "DB00675", False),
    ("bbbbbb0000000001", "PMID:3", "miR-9", "associated", "cisplatin", "drug", "DB00515", True),
)
TARGETS = finding_id("miR-21", "targets", "ERBB2")
RESISTANCE = finding_id("miR-21", "confers_resistance", "trastuzumab")
SENSITIZES = finding_id("miR-221", "sensitizes", "tamoxifen")


def relation_row(relation_id: str, doc_id: str, mirna: str, kind: str, partner: str, partner_type: str, partner_id: str,
                 negated: bool) -> tuple[str, ...]:  # fmt: skip
    """A relations.tsv row; columns this test does not name get '' (so a new column of the table needs no edit here)."""
    values = {
        "relation_id": relation_id, "doc_id": doc_id, "section": "abstract", "sentence_id": "1",
        "mirna": mirna, "relation": kind, "direction": RELATION_DIRECTIONS.get(kind, ""), "partner": partner,
        "partner_type": partner_type, "partner_id": partner_id, "negated": "true" if negated else "false",
        "hedged": "false", "rule": "cue.test", "confidence": "0.80", "mirna_start": "0", "mirna_end": "6",
        "partner_start": "20", "partner_end": "25", "sentence": f"{mirna} and {partner} in a sentence for the test.",
    }  # fmt: skip
    return tuple(values.get(name, "") for name in RELATIONS.columns)


def write_run(folder: Path, rows=ROWS) -> Path:
    folder.mkdir(parents=True)
    write_tsv(folder / "relations.tsv", RELATIONS.columns, sorted(relation_row(*row) for row in rows))
    (folder / "run.json").write_text(json.dumps({"test": folder.name}) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "curated.db"
    merge_run(path, write_run(tmp_path / "run"))
    return path


def cli(*args: object):
    return runner.invoke(app, ["curate", *map(str, args)])


def error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def finding(db: Path, fid: str) -> dict:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return dict(conn.execute("SELECT * FROM findings WHERE finding_id = ?", (fid,)).fetchone())
    finally:
        conn.close()


def decisions(db: Path) -> list[tuple]:
    return query(db, "SELECT finding_id, status, note, corrected_relation, corrected_partner, corrected_direction FROM decisions")


def read_table(path: Path) -> list[dict[str, object]]:
    """The rows of an exported file as dicts, cells as the format gives them."""
    if path.suffix in (".tsv", ".csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle, delimiter="\t" if path.suffix == ".tsv" else ","))
    elif path.suffix == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        rows = [["" if value is None else value for value in row] for row in workbook.worksheets[0].iter_rows(values_only=True)]
        workbook.close()
    else:
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        rows = [table.column_names, *[list(row.values()) for row in table.to_pylist()]]
    header, *body = rows
    return [dict(zip(header, row)) for row in body]


# --- naming a finding: whole ids, prefixes ----------------------------------------------------------------

RESOLVED = {
    "finding id": (TARGETS, TARGETS),
    "finding id prefix": (TARGETS[:6], TARGETS),
    "upper-case prefix": (SENSITIZES[:7].upper(), SENSITIZES),
    "relation id": ("abcdef0000000002", SENSITIZES),
    "relation id prefix": ("aaaaaa", TARGETS),
}


@pytest.mark.parametrize(("given", "expected"), RESOLVED.values(), ids=list(RESOLVED))
def test_decide_names_a_finding_by_id_or_unique_prefix(db: Path, given: str, expected: str) -> None:
    result = cli("decide", "--db", db, given, "accepted")
    assert result.exit_code == 0, result.output
    assert finding(db, expected)["status"] == "accepted"


REFUSED = {
    "ambiguous prefix": ("abcdef", f"is ambiguous: 2 findings match: evidence abcdef0000000001 of {RESISTANCE}"),
    "too short": ("abcde", "too short; give a whole id or at least 6 hex digits"),
    "unknown prefix": ("ffffff", "no finding or evidence row with id 'ffffff'"),
    "not hex": ("miR-21", "no finding or evidence row with id 'miR-21'"),
    "negated evidence": ("bbbbbb", "bbbbbb0000000001 is a negated sentence and supports no finding"),
}


@pytest.mark.parametrize(("given", "message"), REFUSED.values(), ids=list(REFUSED))
def test_decide_refuses_an_id_that_names_no_single_finding(db: Path, given: str, message: str) -> None:
    result = cli("decide", "--db", db, given, "accepted")
    assert result.exit_code == 1 and message in error_line(result)
    assert decisions(db) == []


def test_an_ambiguous_prefix_lists_every_match(db: Path) -> None:
    line = error_line(cli("decide", "--db", db, "abcdef", "accepted"))
    assert RESISTANCE in line and SENSITIZES in line and "miR-221 sensitizes tamoxifen" in line


# --- pending ---------------------------------------------------------------------------------------------


def test_pending_takes_a_decision_back_and_keeps_the_history(db: Path) -> None:
    cli("decide", "--db", db, TARGETS, "rejected", "--note", "wrong gene", "--curator", "ann")
    result = cli("decide", "--db", db, TARGETS, "pending", "--curator", "bob")
    assert result.exit_code == 0 and "was rejected" in result.stdout
    assert (finding(db, TARGETS)["status"], finding(db, TARGETS)["curator"]) == ("pending", "bob")
    assert query(db, "SELECT status, curator FROM decisions ORDER BY decision_id") == [("rejected", "ann"), ("pending", "bob")]


def test_a_finding_taken_back_to_pending_is_in_the_pending_pool_again(db: Path) -> None:
    decide(db, TARGETS, "accepted")
    decide(db, TARGETS, "pending")
    drawn = {f.finding_id for f in curate.sample_findings(db, 10, seed=1).findings}
    assert TARGETS in drawn


# --- corrections -----------------------------------------------------------------------------------------


def test_decide_records_a_correction_on_the_finding_and_in_its_decision(db: Path) -> None:
    result = cli("decide", "--db", db, TARGETS[:6], "accepted", "--partner", "SHC1", "--curator", "ann")
    row = finding(db, TARGETS)
    assert result.exit_code == 0 and "corrected: partner SHC1" in result.stdout
    assert (row["partner"], row["corrected_partner"], row["status"]) == ("ERBB2", "SHC1", "accepted")
    assert decisions(db) == [(TARGETS, "accepted", "", "", "SHC1", "")]


def test_a_later_decision_without_a_correction_keeps_it(db: Path) -> None:
    decide(db, RESISTANCE, "accepted", relation="sensitizes")
    decide(db, RESISTANCE, "rejected", note="second look")
    assert (finding(db, RESISTANCE)["corrected_relation"], decisions(db)[-1][3]) == ("sensitizes", "sensitizes")


@pytest.mark.parametrize("value", ["ERBB2", ""], ids=["the-extracted-value", "empty"])
def test_a_correction_is_taken_back_by_the_extracted_value_or_an_empty_one(db: Path, value: str) -> None:
    decide(db, TARGETS, "accepted", partner="SHC1")
    decide(db, TARGETS, "accepted", partner=value)
    assert finding(db, TARGETS)["corrected_partner"] == ""


BAD_CORRECTIONS = {
    "relation": (("--relation", "cures"), "relation 'cures' is not one of targets"),
    "drug relation of a gene": (("--relation", "sensitizes"), "relation 'sensitizes' does not fit the gene ERBB2"),
    "direction": (("--direction", "sideways"), "direction 'sideways' is not one of down, up"),
}


@pytest.mark.parametrize(("option", "message"), BAD_CORRECTIONS.values(), ids=list(BAD_CORRECTIONS))
def test_a_bad_correction_exits_1_and_records_nothing(db: Path, option: tuple[str, str], message: str) -> None:
    result = cli("decide", "--db", db, TARGETS, "accepted", *option)
    assert result.exit_code == 1 and message in error_line(result)
    assert decisions(db) == []


@pytest.mark.parametrize("suffix", [".tsv", ".csv", ".xlsx", ".parquet"])
def test_export_shows_the_corrected_values_and_the_extracted_ones(db: Path, tmp_path: Path, suffix: str) -> None:
    cli("decide", "--db", db, RESISTANCE, "accepted", "--relation", "sensitizes", "--partner", "lapatinib")
    assert cli("export", "--db", db, "--out", tmp_path / f"out{suffix}").exit_code == 0
    row = next(r for r in read_table(tmp_path / f"out{suffix}") if r["finding_id"] == RESISTANCE)
    shown = {name: row[name] for name in ("relation", "partner", "partner_id", *curate.ORIGINAL_COLUMNS)}
    assert shown == {
        "relation": "sensitizes", "partner": "lapatinib", "partner_id": "",  # the id was trastuzumab's
        "original_relation": "confers_resistance", "original_partner": "trastuzumab", "original_partner_id": "DB00072",
        "original_direction": "down",
    }  # fmt: skip


DIRECTIONS = {
    "as extracted": ((), "down"),
    "implied by a corrected relation": (("--relation", "sensitizes"), "up"),
    "corrected": (("--relation", "sensitizes", "--direction", "down"), "down"),
}


@pytest.mark.parametrize(("options", "expected"), DIRECTIONS.values(), ids=list(DIRECTIONS))
def test_the_exported_direction(db: Path, tmp_path: Path, options: tuple[str, ...], expected: str) -> None:
    cli("decide", "--db", db, RESISTANCE, "accepted", *options)
    export_findings(db, tmp_path / "out.tsv")
    assert next(r for r in read_table(tmp_path / "out.tsv") if r["finding_id"] == RESISTANCE)["direction"] == expected


def test_the_targets_column_follows_a_corrected_target(db: Path, tmp_path: Path) -> None:
    decide(db, TARGETS, "accepted", partner="SHC1")
    export_findings(db, tmp_path / "out.tsv")
    assert next(r for r in read_table(tmp_path / "out.tsv") if r["finding_id"] == RESISTANCE)["targets"] == "SHC1"


def test_a_correction_survives_a_merge_of_a_new_run_and_the_finding_keeps_its_id(db: Path, tmp_path: Path) -> None:
    decide(db, TARGETS, "accepted", partner="SHC1", note="Fig. 2")
    more = (*ROWS, ("cccccc0000000001", "PMID:4", "miR-21", "targets", "ERBB2", "gene", "HGNC:3430", False))
    merge_run(db, write_run(tmp_path / "run2", more))
    row = finding(db, TARGETS)
    assert (row["n_docs"], row["corrected_partner"], row["status"], row["note"]) == (2, "SHC1", "accepted", "Fig. 2")


def test_a_new_finding_that_is_what_a_curator_corrected_says_so_in_the_diff(db: Path, tmp_path: Path) -> None:
    decide(db, TARGETS, "accepted", partner="SHC1")
    fixed = (*ROWS, ("dddddd0000000001", "PMID:1", "miR-21", "targets", "SHC1", "gene", "HGNC:10840", False))
    merge_run(db, write_run(tmp_path / "run2", fixed))
    changes = {c["finding_id"]: c for c in json.loads(cli("diff", "--db", db, "--json").stdout)["changes"]}
    added = changes[finding_id("miR-21", "targets", "SHC1")]
    assert (added["kind"], added["detail"]) == ("added", f"what a curator corrected {TARGETS} (accepted) to")


def test_the_diff_shows_the_correction_of_a_changed_finding(db: Path, tmp_path: Path) -> None:
    decide(db, TARGETS, "accepted", partner="SHC1")
    more = (*ROWS, ("cccccc0000000001", "PMID:4", "miR-21", "targets", "ERBB2", "gene", "HGNC:3430", False))
    merge_run(db, write_run(tmp_path / "run2", more))
    line = next(line for line in cli("diff", "--db", db).stdout.splitlines() if TARGETS in line)
    assert "a curator corrected it: partner SHC1" in line


# --- a sheet of decisions: --from ------------------------------------------------------------------------


def write_sheet(path: Path, rows: list[list[str]]) -> Path:
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        for row in rows:
            workbook.active.append(row)
        workbook.save(path)
    else:
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, delimiter="\t" if path.suffix == ".tsv" else ",", lineterminator="\n").writerows(rows)
    return path


GOOD_SHEET = [
    ["finding_id", "status", "note", "relation", "partner"],
    [TARGETS[:6], "accepted", "Fig. 2, lanes 3-4", "", "SHC1"],
    ["abcdef0000000002", "rejected", "", "", ""],
    [RESISTANCE, "accepted", "", "sensitizes", ""],
]


@pytest.mark.parametrize("suffix", [".tsv", ".csv", ".xlsx"])
def test_a_sheet_of_decisions_is_applied(db: Path, tmp_path: Path, suffix: str) -> None:
    sheet = write_sheet(tmp_path / f"decisions{suffix}", GOOD_SHEET)
    result = cli("decide", "--db", db, "--from", sheet, "--curator", "ann")
    assert result.exit_code == 0 and "3 decisions recorded (2 with a correction)" in result.stdout
    assert sorted(decisions(db)) == sorted([
        (TARGETS, "accepted", "Fig. 2, lanes 3-4", "", "SHC1", ""),
        (SENSITIZES, "rejected", "", "", "", ""),
        (RESISTANCE, "accepted", "", "sensitizes", "", ""),
    ])  # fmt: skip
    assert query(db, "SELECT DISTINCT curator FROM decisions") == [("ann",)]


BAD_SHEETS = {
    "unknown id": ([["ffffff", "accepted", ""]], "row 3: no finding or evidence row with id 'ffffff'"),
    "ambiguous prefix": ([["abcdef", "accepted", ""]], "row 3: id prefix 'abcdef' is ambiguous"),
    "bad status": ([[SENSITIZES, "maybe", ""]], "row 3: status 'maybe' is not one of accepted, rejected, pending"),
    "bad relation": ([[SENSITIZES, "accepted", "", "cures"]], "row 3: relation 'cures' is not one of"),
    "no finding id": ([["", "accepted", "a note"]], "row 3: no finding_id"),
}


@pytest.mark.parametrize("suffix", [".tsv", ".xlsx"])
@pytest.mark.parametrize(("bad_row", "message"), BAD_SHEETS.values(), ids=list(BAD_SHEETS))
def test_a_sheet_with_a_bad_row_applies_nothing(db: Path, tmp_path: Path, suffix: str, bad_row, message: str) -> None:
    rows = [["finding_id", "status", "note", "relation"], [TARGETS, "accepted", "good row first", ""], *bad_row]
    sheet = write_sheet(tmp_path / f"decisions{suffix}", rows)
    result = cli("decide", "--db", db, "--from", sheet)
    assert result.exit_code == 1 and f"{sheet}: {message}" in error_line(result)
    assert (decisions(db), finding(db, TARGETS)["status"]) == ([], "pending")


def test_a_sheet_without_a_required_column_is_refused(db: Path, tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "decisions.csv", [["finding_id", "status"], [TARGETS, "accepted"]])
    result = cli("decide", "--db", db, "--from", sheet)
    assert result.exit_code == 1 and f"{sheet}: row 1: no column note" in error_line(result)


def test_a_sheet_applied_twice_records_its_decisions_once(db: Path, tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "decisions.tsv", GOOD_SHEET)
    cli("decide", "--db", db, "--from", sheet)
    again = cli("decide", "--db", db, "--from", sheet)
    assert "0 decisions recorded (0 with a correction), 3 rows unchanged" in again.stdout and len(decisions(db)) == 3


@pytest.mark.parametrize("suffix", [".tsv", ".csv", ".xlsx"])
def test_an_exported_file_edited_in_a_spreadsheet_reads_back_as_decisions(db: Path, tmp_path: Path, suffix: str) -> None:
    """Only what the curator changed is recorded: the other rows of the export are as the store has them."""
    decide(db, RESISTANCE, "accepted", relation="sensitizes", note="=from the figure")  # a note export neutralizes
    export_findings(db, tmp_path / f"curated{suffix}", statuses=curate.EXPORT_STATUSES)
    rows = [list(row.values()) for row in read_table(tmp_path / f"curated{suffix}")]
    header = list(read_table(tmp_path / f"curated{suffix}")[0])
    target = next(row for row in rows if row[header.index("finding_id")] == TARGETS)
    target[header.index("status")], target[header.index("partner")] = "accepted", "SHC1"
    write_sheet(tmp_path / f"edited{suffix}", [header, *[["" if v is None else str(v) for v in row] for row in rows]])
    result = cli("decide", "--db", db, "--from", tmp_path / f"edited{suffix}")
    assert result.exit_code == 0 and "1 decision recorded (1 with a correction), 2 rows unchanged" in result.stdout
    assert (finding(db, TARGETS)["corrected_partner"], finding(db, RESISTANCE)["note"]) == ("SHC1", "=from the figure")


@pytest.mark.parametrize(
    "extra", [(TARGETS, "accepted"), ("--note", "ok"), ("--partner", "SHC1")], ids=["id-and-status", "note", "correction"]
)
def test_from_with_a_single_decisions_arguments_is_a_usage_error(db: Path, tmp_path: Path, extra: tuple[str, str]) -> None:
    sheet = write_sheet(tmp_path / "decisions.tsv", GOOD_SHEET)
    assert (cli("decide", "--db", db, *extra, "--from", sheet).exit_code, decisions(db)) == (2, [])


def test_a_sheet_of_an_unknown_type_is_refused(db: Path, tmp_path: Path) -> None:
    (tmp_path / "decisions.ods").write_bytes(b"")
    result = cli("decide", "--db", db, "--from", tmp_path / "decisions.ods")
    assert result.exit_code == 1 and "unknown file type" in error_line(result)


# --- schema 4 --------------------------------------------------------------------------------------------

# The decisions table as schema 3 made it: only accepted or rejected, no corrections.
SCHEMA_3_DECISIONS = """CREATE TABLE decisions (
    decision_id INTEGER PRIMARY KEY, finding_id TEXT NOT NULL REFERENCES findings,
    status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
    note TEXT NOT NULL, curator TEXT NOT NULL, decided_at TEXT NOT NULL)"""
SCHEMA_3_GUARDS = (
    "CREATE INDEX decisions_by_finding ON decisions (finding_id)",
    "CREATE TRIGGER decisions_are_kept BEFORE UPDATE ON decisions BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END",
    "CREATE TRIGGER decisions_are_not_deleted BEFORE DELETE ON decisions BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END",
)


def make_schema_3(db: Path) -> None:
    """Turn a store into what mirmine wrote with schema 3, its decisions kept."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.execute("ALTER TABLE decisions RENAME TO decisions_4")
        conn.execute(SCHEMA_3_DECISIONS)
        conn.execute("INSERT INTO decisions SELECT decision_id, finding_id, status, note, curator, decided_at FROM decisions_4")
        conn.execute("DROP TABLE decisions_4")
        for statement in SCHEMA_3_GUARDS:
            conn.execute(statement)
        for name in curate.CORRECTIONS:
            conn.execute(f"ALTER TABLE findings DROP COLUMN {name}")
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
        conn.execute("COMMIT")
    finally:
        conn.close()


def test_a_schema_3_store_is_brought_to_schema_4_with_its_decisions(db: Path) -> None:
    decide(db, TARGETS, "rejected", note="first", curator="ann")
    decide(db, SENSITIZES, "accepted", note="second", curator="bob")
    before = query(db, "SELECT decision_id, finding_id, status, note, curator, decided_at FROM decisions ORDER BY decision_id")
    make_schema_3(db)
    decide(db, TARGETS, "pending", partner="SHC1")  # opening the store upgrades it; both are schema 4's
    after = query(db, "SELECT decision_id, finding_id, status, note, curator, decided_at FROM decisions ORDER BY decision_id")
    assert after[:2] == before and after[2][2] == "pending"
    assert query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(curate.SCHEMA_VERSION),)]


def test_the_upgraded_decisions_table_is_still_append_only(db: Path) -> None:
    decide(db, TARGETS, "rejected")
    make_schema_3(db)
    decide(db, TARGETS, "accepted")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        query(db, "DELETE FROM decisions")
