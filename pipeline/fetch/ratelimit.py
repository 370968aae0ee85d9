"""Request spacing: E-utilities allow 3 requests a second without an API key and 10 with one."""

from __future__ import annotations

import time
from collections.abc import Callable

RATE_WITHOUT_KEY = 3.0
RATE_WITH_KEY = 10.0


class RateLimiter:
    """Spaces calls at least ``1 / rate`` seconds apart (start to start); clock and sleep are injectable for tests."""

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, not {rate}")
        self.interval = 1.0 / rate
        self.clock = clock
        self.sleep = sleep
        self._next: float | None = None

    def wait(self) -> float:
        """Block until the next request may start; return the seconds slept."""
        now = self.clock()
        delay = 0.0 if self._next is None else max(0.0, self._next - now)
        if delay:
            self.sleep(delay)
        # Counted from the clock after the sleep: a late wake-up then never lets the next request come sooner.
        self._next = (self.clock() if delay else now) + self.interval
        return delay


def rate_for(api_key: str | None) -> float:
    """The requests per second NCBI allows with or without an API key."""
    return RATE_WITH_KEY if api_key else RATE_WITHOUT_KEY
