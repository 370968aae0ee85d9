"""What one document may cost a batch: a length and a time budget. A document over either becomes an ``errors.tsv``
row that names the limit, the document's size and the option that raises it; the batch goes on."""

from __future__ import annotations

import ctypes
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pipeline.schema import DEFAULT_DOC_TIMEOUT, DEFAULT_MAX_CHARS


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits of a run: ``max_chars`` characters a document, ``doc_timeout`` seconds a document (0: none)."""

    max_chars: int = DEFAULT_MAX_CHARS
    doc_timeout: float = DEFAULT_DOC_TIMEOUT


class DocumentTimeout(BaseException):
    """A document took longer than its time budget.

    Not an Exception: an ``except Exception`` on the way (in a library, or a stage that records a failure and goes
    on) must not swallow it, since the budget fires only once.
    """


def too_long(length: int, limit: int) -> str:
    return (
        f"document too long: {length:,} characters, more than the limit of {limit:,}; it was skipped: raise the "
        "limit with --max-chars N if the whole text is wanted, or split the file"
    )


def too_slow(seconds: float, length: int) -> str:
    return (
        f"document took longer than {seconds:g} s (the --doc-timeout budget of one document; it has {length:,} "
        "characters) and was stopped: raise the budget with --doc-timeout SECONDS, or look at the text"
    )


# After the budget is spent the stop is sent again at this interval until the block ends: code on the way that
# catches and drops the exception (a compiled callback that cannot pass it on) does not keep the document going.
RESEND_SECONDS = 0.25


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise DocumentTimeout inside the block once it has run ``seconds`` (0 or less: no budget); a block that
    ends after its budget although the exception was caught on the way raises it on leaving.

    In a process's main thread (the local engine, its forked workers) a timer signal interrupts the work, even inside
    a long regular-expression match. In another thread (a Dask worker's) a watchdog raises the exception in the
    working thread at its next Python instruction: a single long call of compiled code ends first.
    """
    if seconds <= 0:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        budget = _signal_budget(seconds)
    else:
        budget = _watchdog_budget(seconds)
    with budget:
        yield


@contextmanager
def _signal_budget(seconds: float) -> Iterator[None]:
    spent = []

    def expire(signum, frame) -> None:
        spent.append(True)
        raise DocumentTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, RESEND_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if spent:
        raise DocumentTimeout(seconds)


@contextmanager
def _watchdog_budget(seconds: float) -> Iterator[None]:
    worker = threading.get_ident()
    lock, stop, spent = threading.Lock(), threading.Event(), []

    def send_until_stopped() -> None:
        waited = seconds
        while not stop.wait(waited):
            with lock:
                if stop.is_set():
                    return
                spent.append(True)
                _send(worker)
            waited = RESEND_SECONDS

    threading.Thread(target=send_until_stopped, name="mirmine-time-budget", daemon=True).start()
    try:
        yield
    finally:
        with lock:
            stop.set()  # nothing is sent after this
        if spent:
            _take_the_sent_exception(worker)
    if spent:
        raise DocumentTimeout(seconds)


def _send(thread: int) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(DocumentTimeout))


def _take_the_sent_exception(thread: int) -> None:
    """Take, in the working thread, a DocumentTimeout sent but not raised yet, so it never hits the code after the
    block.

    One more is sent (it replaces a pending one: exactly one is pending now) and taken at the next Python call.
    Cancelling it with ``PyThreadState_SetAsyncExc(id, NULL)`` instead leaves the interpreter's "pending" flag set
    for good (CPython 3.11), and every later traced call loops forever.
    """
    _send(thread)
    deadline = time.monotonic() + 1.0
    try:
        while time.monotonic() < deadline:
            _pass()
    except DocumentTimeout:
        pass


def _pass() -> None:
    pass
