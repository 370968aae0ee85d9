"""Fixtures shared by every test module."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from spacy.language import Language

from pipeline.extract import Extractor

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
# ../shared sits beside the clone on CI and on developers' machines; a user's clone has none, and the tests
# that read it skip. MIRMINE_SHARED points elsewhere; MIRMINE_REQUIRE_SHARED=1 (set by .ci/run when the folder is
# there) turns a missing file into a failure, so CI runs those tests instead of skipping them.
SHARED = Path(os.environ.get("MIRMINE_SHARED", REPO.parent / "shared"))
REQUIRE_SHARED = os.environ.get("MIRMINE_REQUIRE_SHARED") == "1"


def shared_file(*parts: str) -> Path:
    """A file of the shared data, or a skip (a failure under MIRMINE_REQUIRE_SHARED=1) when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.is_file():
        reason = f"{path} is not here (real abstracts and samples live outside the repository)"
        if REQUIRE_SHARED:
            pytest.fail(f"{reason}; MIRMINE_REQUIRE_SHARED=1 says it must be", pytrace=False)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """The per-document path with the packaged rules (spaCy pipeline and relation rules), built once per session."""
    return Extractor()


@pytest.fixture(scope="session")
def nlp(extractor: Extractor) -> Language:
    """The whole mirmine spaCy pipeline (NLP base plus mention finders) of the session's extractor."""
    return extractor.nlp



@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run folder of `mirmine run corpus/`, made once per test session."""
    from pipeline.engine import run_corpus

    out = tmp_path_factory.mktemp("corpus_run")
    summary = run_corpus([CORPUS], out)
    assert summary.documents == 3 and not summary.errors
    return out


def query(db: Path, sql: str, *args: object) -> list[tuple]:
    """The rows of one SQL query on a store file, its connection closed again."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()
