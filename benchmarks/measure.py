"""What a measuring process reads about itself: wall time of a call, CPU seconds, resident memory (Linux ``/proc``).

Times are seconds of wall clock (``perf_counter``) or of CPU (user + system); memory is MB (MiB).
"""

from __future__ import annotations

import gc
import os
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

_T = TypeVar("_T")


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports ``ru_maxrss`` in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Resident set size of this process now, in MB; the peak where ``/proc`` is missing (not Linux)."""
    try:
        resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return peak_rss_mb()
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def best_of(passes: int, run: Callable[[], _T]) -> tuple[float, _T]:
    """The shortest time of ``passes`` calls of ``run`` and the result of the last one."""
    best = float("inf")
    for _ in range(passes):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def timed_build(build: Callable[[], _T]) -> tuple[dict[str, float], _T]:
    """Time one build; ``rss_delta_mb`` is the RSS it leaves behind (peak growth misses a build that stays below
    an earlier peak, such as the one of reading the rows), ``peak_rss_mb`` the process's peak so far."""
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    built = build()
    seconds = time.perf_counter() - start
    gc.collect()
    return {"build_s": seconds, "rss_delta_mb": rss_mb() - before, "peak_rss_mb": peak_rss_mb()}, built


def cpu_seconds() -> tuple[float, float]:
    """User + system CPU seconds of this process and of its finished children (the pool's workers, once joined)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def workers_cpu_seconds() -> dict[int, float]:
    """User + system CPU seconds of each live child process, read from /proc (Linux)."""
    import multiprocessing

    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for child in multiprocessing.active_children():
        try:
            fields = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[child.pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15)
    return seconds


def process_memory(pid: int | None) -> dict[str, float]:
    """Peak RSS (VmHWM) and PSS of a live process, in MB; empty where /proc has no such fields."""
    memory: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                memory["vmhwm_mb"] = int(line.split()[1]) / 1024
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                memory["pss_mb"] = int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return memory


def load_average() -> float | None:
    """The machine's 1-minute load average, or None where the system has none."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def quiet_warnings() -> None:
    """Silence every warning in a measuring process (after spaCy's import, which sets filters of its own)."""
    import warnings

    import spacy  # noqa: F401  (spaCy sets its own warning filters on import: ours must come after, to win)

    # scispaCy's W036 (its abbreviation matcher has no global patterns) fires on every doc; "Possible set union" on compile.
    warnings.simplefilter("ignore")
