"""Lexicon files -> ``Lexicon``: rows read and judged once (weak short aliases, drugs without a DrugBank id), and
cached on disk, so a warm start loads every lexicon in about a second."""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from sys import intern

from pipeline.normalize import keys, lexicon, receptors
from pipeline.ruleset import LexiconRule, RuleSet

from .keys import compact
from .lexicon import LEXICON_COLUMNS, Entry, Lexicon, WalkTable, merged_walk_table, needs_exact_case, walk_table
from .receptors import RECEPTOR_COLUMNS, RECEPTOR_FILE, receptor_rows

# Weak short terms: an alias or previous symbol of three characters or fewer written without punctuation, all
# letters (`CDF` for LIF, `TNM`) or with a digit (`T4` for CD4, `R2`, `M1`, `E1A`, `19A`: tumour stages, statistics,
# alleles, viral genes), is a mention only with a gene cue nearby (rules/note_rules.jsonl, note `weak-short`).
# Punctuation makes a form distinctive (`P-gp`), and a digit form that is also a FamPlex text or the symbol of the
# same gene (`p53` for TP53, `p21` for CDKN1A) is the usual name of that gene.
WEAK_SHORT = "weak-short"
_STRONG_KINDS = frozenset({"symbol", "text"})


def _weak_short(term: str, norm: str, kind: str, strong: frozenset[tuple[str, str]]) -> bool:
    letters = compact(term)
    if kind not in ("alias", "previous") or len(letters) > 3 or not term.isalnum():
        return False
    if letters.isalpha():
        return True
    return any(char.isalpha() for char in letters) and (letters.lower(), norm) not in strong


# A generated drug row without a DrugBank id (a MeSH-only chemical: `arsenic`, `5-methylcytosine`, `mucins`,
# `dimethylhydrazine`, `tricarboxylic acid`) is more often an exposure, a reagent, a metabolite or a protein than a
# drug: it counts only with a drug cue nearby (rules/note_rules.jsonl, note `no-drugbank-id`).
NO_DRUGBANK_ID = "no-drugbank-id"
# ... unless the source says the entry has a MedlinePlus drug page (rules/build_lexicons.py writes it): a medicine that
# DrugBank files under another name (`lithium`, `mycophenolate`, `mesalamine`).
MEDLINEPLUS_DRUG = "MedlinePlus drug"


def _unverified_drug(row: dict, row_type: str, kind: str, drugbank_terms: frozenset[str]) -> bool:
    """A generated drug row without a DrugBank id, unless it is a medicine by its MedlinePlus page and no DrugBank row
    writes the same term (`depo-provera` stays a DrugBank name of medroxyprogesterone acetate)."""
    if row_type != "drug" or kind == "extra" or row["concept_id"].startswith("DB"):
        return False
    return MEDLINEPLUS_DRUG not in row["source"] or compact(row["term"]).lower() in drugbank_terms


# A generated cell-line row (rules/cellosaurus.tsv, kind `line`): Cellosaurus names lines of every kind, and many
# names are codes that read otherwise in a text; such a name counts only next to a cell-line cue (note `cellosaurus`).
CELLOSAURUS = "cellosaurus"
CELLOSAURUS_KIND = "line"


def _note(row: dict, *flags: str) -> str:
    return ";".join(filter(None, (row.get("note") or "", *flags)))


def _word_and_number(term: str) -> bool:
    """`at 10`: a common English word and a number apart, which text writes every day (`at >10-fold`).

    Joined by a hyphen they are a name (`HER-2`, `CA-125`).
    """
    from spacy.lang.en.stop_words import STOP_WORDS

    words = term.lower().split()
    return len(words) == 2 and any(word.isdigit() for word in words) and any(
        len(word) > 1 and word in STOP_WORDS for word in words
    )


def read_lexicon(name: str, type_: str, rules: RuleSet) -> list[Entry]:
    """Entries of one TSV lexicon of mentions of ``type_``; ``kind`` is ``extra`` when the file has no kind column.

    An entry's rule is the rules/lexicon_rules.jsonl rule of its type and kind.
    """
    if name == RECEPTOR_FILE:
        rows = receptor_rows(rules.rows(name, RECEPTOR_COLUMNS))  # a row a receptor: its forms are written here
    else:
        rows = rules.rows(name, LEXICON_COLUMNS)
    strong = frozenset(
        (compact(row["term"]).lower(), row["norm"]) for row in rows if (row.get("kind") or "extra") in _STRONG_KINDS
    )
    drugbank_terms = frozenset(compact(row["term"]).lower() for row in rows if row["concept_id"].startswith("DB"))
    entries = []
    for row in rows:
        kind = row.get("kind") or "extra"
        row_type = row.get("type") or type_
        if not any(char.isalpha() for char in row["term"]) or (kind != "extra" and _word_and_number(row["term"])):
            continue  # `2.19`, `219`, `AT 10`: a number (and a word) is never a name, whatever a source lists
        weak_short = _weak_short(row["term"], row["norm"], kind, strong)
        unverified = _unverified_drug(row, row_type, kind, drugbank_terms)
        cellosaurus = row_type == "cell_line" and kind == CELLOSAURUS_KIND
        cased = compact(row["term"])
        # Every worker holds these 170,000 entries: the repeated values are one object each (pickle keeps that).
        entries.append(
            Entry(
                type=intern(row_type),
                term=row["term"],
                norm=intern(row["norm"]),
                concept_id=intern(row["concept_id"]),
                kind=intern(kind),
                rule=rules.lexicon_rule(row_type, kind, where=str(rules.path(name))).id,
                exact_case=needs_exact_case(row["term"], row_type, kind),
                cased=row["term"] if cased == row["term"] else cased,
                note=intern(
                    _note(
                        row, WEAK_SHORT if weak_short else "", NO_DRUGBANK_ID if unverified else "",
                        CELLOSAURUS if cellosaurus else "",
                    )
                ),
            )
        )
    return entries


# The source of the code a cached lexicon is made by (the key function, the lexicon, this module) as it was imported:
# read at call time instead, a process that imported an older version would write its lexicon under the newer
# version's cache key.
_SOURCE = b"".join(Path(module.__file__).read_bytes() for module in (keys, lexicon, receptors)) + Path(__file__).read_bytes()


def load_lexicon_files(files: tuple[tuple[str, str], ...], rules: RuleSet) -> Lexicon:
    """The lexicon of these (file, type) pairs, from the cache when it was built from the same rules and code.

    Building the gene and drug lexicons takes seconds; loading them takes about one. The cache key is the sha256 of
    the lexicon files, of the rules that name their rows and of the code that builds them, so an edited lexicon or a
    changed key function never loads stale data.
    """
    digest = hashlib.sha256(_SOURCE)
    for name, type_ in files:
        digest.update(f"{name}\t{type_}\n".encode())
        digest.update(rules.path(name).read_bytes())
    digest.update(rules.path(LexiconRule.FILE).read_bytes())
    # One cache file per lexicon and rules folder: older versions of it are removed when a new one is written.
    tag = hashlib.sha256(repr((files, str(rules.folder))).encode()).hexdigest()[:8]
    cache_file = _cache_dir() / f"lexicon-{tag}-{digest.hexdigest()[:24]}.pickle"
    cached = _read_cache(cache_file)
    if isinstance(cached, Lexicon):
        return cached
    entries: list[Entry] = []
    for name, type_ in files:
        entries.extend(read_lexicon(name, type_, rules))
    lexicon = Lexicon(entries)
    lexicon.cache_key = digest.hexdigest()
    _write_cache(cache_file, lexicon)
    return lexicon


def load_merged_walk_table(lexicons: tuple[Lexicon, ...], rules: RuleSet) -> WalkTable:
    """One walk table of the keys of these lexicons (a document is walked once for them all), from the cache when it
    was made from the same lexicon caches: merging the three tables took 0.13 s of every start, and each lexicon's own
    table doubled what a start loaded."""
    digest = hashlib.sha256(_SOURCE + "\n".join(lexicon.cache_key for lexicon in lexicons).encode()).hexdigest()
    tag = hashlib.sha256(str(rules.folder).encode()).hexdigest()[:8]  # one file per rules folder: older ones go
    cache_file = _cache_dir() / f"walk-{tag}-{digest[:24]}.pickle"
    cached = _read_cache(cache_file)
    if isinstance(cached, WalkTable):
        return cached
    table = merged_walk_table(*(walk_table(lexicon.keys) for lexicon in lexicons))
    if all(lexicon.cache_key for lexicon in lexicons):
        _write_cache(cache_file, table)
    return table


def _read_cache(path: Path) -> object:
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return None  # no cache yet, or one from another version: build


def _cache_dir() -> Path:
    if os.environ.get("MIRMINE_CACHE"):
        return Path(os.environ["MIRMINE_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mirmine"


def _write_cache(path: Path, lexicon: Lexicon) -> None:
    """Write atomically and remove older versions of the same lexicon; a cache that cannot be written (read-only
    home) only costs the next start its time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(lexicon, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tag = path.name.rsplit("-", 1)[0]
        for old in path.parent.glob(f"{tag}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        Path(tmp).unlink(missing_ok=True) if "tmp" in locals() else None
