"""Workers: chunks of documents -> ``Extractor`` -> plain records, in this process, forked processes or on Dask.

A worker builds its extractor once (forked workers inherit the parent's) and returns (sort key, TSV line) pairs of
the rows it made, never spaCy Docs.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from pipeline.extract import DocumentTooLong, Extractor
from pipeline.output import DOCUMENTS, MENTIONS, RELATIONS, tsv_line
from pipeline.ruleset import RuleSet
from pipeline.schema import DEFAULT_MAX_CHARS, Document, InputError

from .limits import DocumentTimeout, Limits, time_budget, too_long, too_slow

CHUNK_DOCS = 32


@dataclass
class ChunkResult:
    """What a worker sends back for a chunk of documents: plain records only.

    Mentions and relations travel as (sort key, TSV line) pairs: the line is the row of the part file, formatted
    in the worker, so the parent (one process for all workers) only sorts and writes. A tuple of strings pickles and
    loads 7 times faster than a frozen dataclass (0.015 against 0.11 ms an abstract, worker and parent), and with the
    cells formatted here the parent's CPU over a 2-worker run went from 0.57 to 0.32 ms an abstract.
    """

    docs: list[tuple[str, str, str]]  # (doc_id, sha256 of the text, source)
    mentions: list[tuple[tuple, str]]
    relations: list[tuple[tuple, str]]
    errors: list[InputError]
    documents: list[tuple[tuple, str]]  # the documents.tsv row of each document in `docs`


# spaCy's vocabulary and tokenizer cache keep every new word they meet: over 100,000 abstracts that was 316,000
# strings and 153 MB more per process. A pipeline is rebuilt (the lexicons stay loaded) after this many documents:
# one process then peaked at 286 MB over 10,000 abstracts and at 288 MB over 100,000, for ~0.2 s per rebuild.
# `Language.memory_zone` frees the same memory but turns the tokenizer cache off inside the zone: 30 % slower.
REFRESH_DOCS = int(os.environ.get("MIRMINE_REFRESH_DOCS", "10000"))
_processed = Counter()


def extractor_for(rules: RuleSet, model: str | None = None, max_chars: int = DEFAULT_MAX_CHARS) -> Extractor:
    """The extractor of this process, built once (forked workers inherit the parent's) and again every REFRESH_DOCS."""
    return _extractor(rules, model, max_chars)


@cache
def _extractor(rules: RuleSet, model: str | None, max_chars: int) -> Extractor:
    # Cached by its arguments as given: extractor_for passes all three, so a default and the same value written out
    # are one entry.
    return Extractor(rules, model, max_chars)


def _fresh_extractor(rules: RuleSet, model: str | None, max_chars: int, documents: int) -> Extractor:
    """The extractor for the next ``documents`` documents of this process, rebuilt when the current one has done its share."""
    key = (rules, model, max_chars)
    if _processed[key] >= REFRESH_DOCS:
        _extractor.cache_clear()
        _processed.clear()
    _processed[key] += documents
    return extractor_for(rules, model, max_chars)


def process_chunk(
    documents: list[Document], rules: RuleSet, model: str | None = None, limits: Limits = Limits()
) -> ChunkResult:
    """Extract from a chunk of documents; a document that breaks a stage, or goes over a limit, becomes an error row."""
    extractor = _fresh_extractor(rules, model, limits.max_chars, len(documents))
    result = ChunkResult([], [], [], [], [])
    for document in documents:
        try:
            with time_budget(limits.doc_timeout):
                extraction = extractor(document)
        except DocumentTooLong as err:
            result.errors.append(_extract_error(document, too_long(err.length, err.limit)))
            continue
        except DocumentTimeout:
            result.errors.append(_extract_error(document, too_slow(limits.doc_timeout, len(document.text))))
            # Stopped anywhere in the pipeline: the next document gets a pipeline built afresh.
            _extractor.cache_clear()
            extractor = _fresh_extractor(rules, model, limits.max_chars, 0)
            continue
        except Exception as err:  # one document that breaks a stage must not cost the batch
            result.errors.append(_extract_error(document, f"{type(err).__name__}: {err}"))
            continue
        result.docs.append((document.doc_id, document.sha256, document.source))
        row = document_row(document, len(extraction.mentions), len(extraction.relations))
        result.documents.append((DOCUMENTS.key_of_row(row), tsv_line(row)))
        for row in map(MENTIONS.row_of, extraction.mentions):
            result.mentions.append((MENTIONS.key_of_row(row), tsv_line(row)))
        for row in map(RELATIONS.row_of, extraction.relations):
            result.relations.append((RELATIONS.key_of_row(row), tsv_line(row)))
    return result


def document_row(document: Document, mentions: int, relations: int) -> tuple:
    """The documents.tsv row of a document: what its input says it is, and how much was found in it."""
    values = {
        "doc_id": document.doc_id, "pmid": document.pmid or "", "pmcid": document.pmcid or "", "doi": document.doi or "",
        "title": " ".join((document.title or "").split()), "journal": document.journal or "",
        "year": str(document.year or ""), "source": document.source, "sha256": document.sha256,
        "n_mentions": mentions, "n_relations": relations,
    }  # fmt: skip
    return tuple(values[name] for name in DOCUMENTS.columns)


def _extract_error(document: Document, message: str) -> InputError:
    return InputError(document.source, document.doc_id, "extract", message)


class LocalPool:
    """N forked workers over chunks (results in completion order), or the calling process when N is 1."""

    def __init__(self, workers: int, rules: RuleSet, model: str | None, limits: Limits = Limits()) -> None:
        self.workers, self.rules, self.model, self.limits = workers, rules, model, limits
        # Built before the fork: the workers share its pages and start at once.
        extractor_for(rules, model, limits.max_chars)
        self.pool = None
        if workers > 1:
            import multiprocessing

            self.pool = multiprocessing.get_context("fork").Pool(workers)

    def map(self, chunks: Iterable[list[Document]]) -> Iterator[ChunkResult]:
        if self.pool is None:
            for chunk in chunks:
                yield process_chunk(chunk, self.rules, self.model, self.limits)
            return
        from functools import partial

        task = partial(process_chunk, rules=self.rules, model=self.model, limits=self.limits)
        yield from self.pool.imap_unordered(task, chunks)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()


class DaskPool:
    """The same work on Dask: a cluster at ``scheduler`` or a LocalCluster of ``workers`` processes.

    Chunks go out as futures (a bounded number in flight, so a huge input never sits in memory); each worker builds
    the pipeline once, on its first chunk (``extractor_for`` is cached per process), and returns plain records.
    """

    def __init__(
        self, workers: int, rules: RuleSet, model: str | None, scheduler: str | None, limits: Limits = Limits()
    ) -> None:
        from distributed import Client, LocalCluster

        self.rules, self.model, self.limits = rules, model, limits
        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self.cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
            )
            self.client = Client(self.cluster)
        self.in_flight = 4 * max(1, len(self.client.scheduler_info().get("workers", {})) or workers)

    def map(self, chunks: Iterable[list[Document]]) -> Iterator[ChunkResult]:
        from distributed import as_completed

        pending = as_completed()
        for chunk in chunks:
            pending.add(self.client.submit(process_chunk, chunk, self.rules, self.model, self.limits, pure=False))
            if pending.count() >= self.in_flight:
                yield next(pending).result()
        for future in pending:
            yield future.result()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
