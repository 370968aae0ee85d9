"""Fixtures shared by every test module."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from spacy.language import Language

from pipeline.extract import Extractor

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
# ../shared sits beside the clone on CI and on developers' machines; a user's clone has none, and the tests
# that read it skip. MIRMINE_SHARED points elsewhere.
SHARED = Path(os.environ.get("MIRMINE_SHARED", REPO.parent / "shared"))


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
