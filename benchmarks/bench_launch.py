"""The measuring processes of ``bench`` seen from the parent: each started in a fresh interpreter with
``python -c`` importing ``pipeline.benchmarks.bench_child`` (so it does not matter which folder the caller is in),
in the run's temporary folder, then asked for one JSON line at a time, each with a deadline."""

from __future__ import annotations

import json
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import BenchError

SCALE_SIZES = (10_000, 100_000)
_CHILD = "import sys; from pipeline.benchmarks.bench_child import child_main; child_main(sys.argv[1])"
_FIRST_DOC = (
    "import time; t0 = time.perf_counter(); import sys; "
    "from pipeline.benchmarks.bench_child import first_document_main; first_document_main(t0, sys.argv[1], sys.argv[2])"
)


class Child:
    """A measuring process seen from the parent: one request, one JSON reply line, each with a deadline."""

    def __init__(self, name: str, spec: dict[str, Any], env: dict[str, str], tmp: Path) -> None:
        self.name = name
        self.log = (tmp / f"{name}.log").open("w+", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-c", _CHILD, json.dumps({"name": name, **spec})],
            cwd=tmp, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True,
        )  # fmt: skip

    def reply(self, timeout: float) -> dict[str, Any]:
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            self.log.flush()
            self.log.seek(0)
            tail = " | ".join(self.log.read().strip().splitlines()[-3:]) or "no output"
            self.close()
            why = "no reply" if ready else f"no reply within {timeout:.0f} s"
            raise BenchError(f"the {self.name} process failed ({why}): {tail}")
        return json.loads(line)

    def ask(self, request: str, timeout: float) -> dict[str, Any]:
        self.process.stdin.write(request + "\n")
        self.process.stdin.flush()
        return self.reply(timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        # The pipes too: a caller that runs the benchmark in its own process (a test) would leak two files per child.
        try:
            self.process.stdin.close()
        except BrokenPipeError:
            pass
        self.process.stdout.close()
        self.log.close()


def one_shot(name: str, spec: dict[str, Any], env: dict[str, str], tmp: Path, timeout: float) -> dict[str, Any]:
    """Start a measuring process for one measurement (``scale``, ``profile``) and return its reply."""
    child = Child(name, spec, env, tmp)
    try:
        return child.reply(timeout)
    finally:
        child.close()


def _timed_process(command: list[str], env: dict[str, str], cwd: Path, timeout: float) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as err:
        raise BenchError(f"{' '.join(command[:4])} ... took over {timeout:.0f} s") from err
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise BenchError(f"{' '.join(command[:4])} ... exited {done.returncode}: {last}")
    return seconds, done.stdout


def first_document_times(one_doc: Path, env: dict[str, str], cold_cache: Path, tmp: Path, rules: Path) -> dict[str, Any]:
    """Launch-to-first-result times with the rules of ``rules``: in a process (cold and warm lexicon cache) and
    ``mirmine run`` (warm)."""
    snippet = [sys.executable, "-c", _FIRST_DOC, str(one_doc), str(rules)]
    cold_s, cold_out = _timed_process(snippet, {**env, "MIRMINE_CACHE": str(cold_cache)}, tmp, 600)
    warm_s, warm_out = _timed_process(snippet, env, tmp, 600)
    out = tmp / "first-document-run"
    command = [sys.executable, "-m", "pipeline", "run", str(one_doc), "--out", str(out), "-q", "--workers", "1", "--rules", str(rules)]
    cli_s, _ = _timed_process(command, env, tmp, 600)
    shutil.rmtree(out, ignore_errors=True)
    cold, warm = json.loads(cold_out.splitlines()[-1]), json.loads(warm_out.splitlines()[-1])
    return {
        "cli_run_warm_s": cli_s,
        "in_process_warm_s": warm_s,
        "in_process_cold_s": cold_s,
        "warm": {**warm, "interpreter_s": max(0.0, warm_s - warm["in_process_s"])},
        "cold": {**cold, "interpreter_s": max(0.0, cold_s - cold["in_process_s"])},
    }


def scale_runs(env: dict[str, str], tmp: Path, seed: int, rules: Path, progress: Callable[[str], None]) -> dict[str, Any]:
    """(c) at each of ``SCALE_SIZES`` generated documents, a fresh process each, with the rules of ``rules``."""
    from .corpus import write_jsonl

    # Written first, so the measuring process holds neither the generator's lexicons nor the documents (each smaller
    # run reads a prefix of the file: the same documents the generator streams).
    progress(f"scale: writing {max(SCALE_SIZES):,} generated documents")
    docs_file = write_jsonl(tmp / "scale.jsonl", max(SCALE_SIZES), seed)
    runs = {}
    for n in SCALE_SIZES:
        progress(f"scale: {n:,} generated documents")
        spec = {"n": n, "docs_file": str(docs_file), "rules": str(rules)}
        runs[str(n)] = one_shot("scale", spec, env, tmp, 900 + 0.05 * n)
    small, large = (runs[str(n)]["docs_per_s"] for n in SCALE_SIZES)
    return {"runs": runs, "ratio": large / small, "sizes": list(SCALE_SIZES)}
