"""A small E-utilities client on urllib: settings, request spacing, retries with exponential backoff.

Bio.Entrez writes the NCBI address into each of its functions (``cgi = "https://eutils..."``), so it cannot be
pointed at a mirror or at a test server; this client takes the address as a setting. Every request is a POST
(E-utilities accept it for every utility, and it keeps long id lists and the API key out of URLs and logs).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from .errors import BadResponse, EutilsError
from .ratelimit import RateLimiter, rate_for

DEFAULT_API_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
DEFAULT_TOOL = "mirmine"
TRIES = 4  # one request and three retries
BACKOFF = 1.0  # seconds before the first retry, doubled before each next one
MAX_RETRY_AFTER = 60.0  # a longer Retry-After from the service is cut to this
TIMEOUT = 60.0  # seconds a request may stay silent
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})

T = TypeVar("T")


@dataclass(frozen=True)
class Settings:
    """Where the service is and how mirmine introduces itself (NCBI asks for tool and email)."""

    api_url: str = DEFAULT_API_URL
    api_key: str | None = None
    email: str | None = None
    tool: str = DEFAULT_TOOL

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: str | None) -> Settings:
        """Settings from ``NCBI_API_KEY`` and ``NCBI_EMAIL``; an override that is not None wins."""
        env = os.environ if env is None else env
        values: dict[str, str | None] = {"api_key": env.get("NCBI_API_KEY") or None, "email": env.get("NCBI_EMAIL") or None}
        values.update({name: value for name, value in overrides.items() if value is not None})
        return cls(**values)

    def url(self, utility: str) -> str:
        """The address of one utility (``esearch`` -> ``<api_url>/esearch.fcgi``)."""
        return self.api_url.rstrip("/") + f"/{utility}.fcgi"

    def identity(self) -> dict[str, str]:
        """The parameters every request carries: tool, and email and api_key when set."""
        found = {"tool": self.tool, "email": self.email, "api_key": self.api_key}
        return {name: value for name, value in found.items() if value}


class _Transient(Exception):
    """A failure worth another try: a status of RETRY_STATUS, a dropped connection, a timeout."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class EutilsClient:
    """Sends E-utilities requests at the allowed rate and retries what may succeed on a later try.

    ``sleep`` serves both the rate limiter (unless one is given) and the backoff, so a test can run without waiting.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        tries: int | None = None,
        backoff: float | None = None,
        timeout: float = TIMEOUT,
        user_agent: str = "mirmine",
    ) -> None:
        self.settings = settings
        self.limiter = limiter or RateLimiter(rate_for(settings.api_key), sleep=sleep)
        self.sleep = sleep
        # The module's TRIES and BACKOFF are read here, not bound as defaults, so a test can shorten them for the CLI.
        self.tries = max(1, TRIES if tries is None else tries)
        self.backoff = BACKOFF if backoff is None else backoff
        self.timeout = timeout
        self.user_agent = user_agent
        self.requests = 0

    def call(self, utility: str, params: Mapping[str, str], parse: Callable[[bytes], T], what: str) -> T:
        """POST ``params`` to a utility and return ``parse(body)``; a transient failure or a body that ``parse``
        rejects with BadResponse is tried again after 1, 2, 4 ... seconds, then raised as EutilsError naming ``what``."""
        data = urllib.parse.urlencode({**params, **self.settings.identity()}).encode("ascii")
        problem = ""
        for attempt in range(self.tries):
            try:
                return parse(self._send(self.settings.url(utility), data, what))
            except _Transient as err:
                problem, delay = str(err), self._delay(attempt, err.retry_after)
            except BadResponse as err:
                problem, delay = f"an answer that is not what {utility} gives ({err})", self._delay(attempt, None)
            if attempt + 1 < self.tries:
                self.sleep(delay)
        raise EutilsError(f"{what}: {problem}, {self.tries} times; {_advice(problem)}")

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        delay = self.backoff * 2**attempt
        return max(delay, min(retry_after, MAX_RETRY_AFTER)) if retry_after else delay

    def _send(self, url: str, data: bytes, what: str) -> bytes:
        self.limiter.wait()
        self.requests += 1
        headers = {"User-Agent": self.user_agent, "Content-Type": "application/x-www-form-urlencoded"}
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as err:
            message = error_message(_read_quietly(err))
            described = f"HTTP {err.code} {err.reason}" + (f": {message}" if message and str(err.reason) not in message else "")
            if err.code in RETRY_STATUS:
                raise _Transient(described, _retry_after(err.headers.get("Retry-After"))) from err
            raise EutilsError(f"{what}: the service refused the request ({described}); {_refusal_advice(err.code)}") from err
        except http.client.IncompleteRead as err:
            raise _Transient(f"a truncated answer ({len(err.partial)} bytes of {len(err.partial) + (err.expected or 0)})") from err
        except (urllib.error.URLError, http.client.HTTPException, OSError) as err:
            reason = getattr(err, "reason", None) or err
            raise _Transient(f"no answer from {urllib.parse.urlsplit(url).netloc} ({reason})") from err


def _read_quietly(err: urllib.error.HTTPError) -> bytes:
    try:
        return err.read()
    except (OSError, http.client.HTTPException):
        return b""


def error_message(body: bytes) -> str:
    """The service's own words in an error body: ``{"error": ...}`` JSON, an ``<ERROR>`` element, else its text."""
    text = body.decode("utf-8", "replace").strip()
    if text.startswith("{"):
        try:
            found = json.loads(text).get("error")
        except (ValueError, AttributeError):
            found = None
        if found:
            return " ".join(str(found).split())[:200]
    match = re.search(r"<ERROR>(.*?)</ERROR>", text, re.S)
    if match:
        text = match.group(1)
    return " ".join(re.sub(r"<[^>]*>", " ", text).split())[:200]


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:  # an HTTP date: the backoff is enough
        return None


def _advice(problem: str) -> str:
    if problem.startswith("no answer"):
        return "check --api-url and the network"
    if problem.startswith("HTTP 429"):
        return "too many requests: set NCBI_API_KEY for 10 a second, and do not run several fetches at once"
    if problem.startswith("an answer that is not"):
        return "check that --api-url is the address of E-utilities, or try again later"
    return "the service is failing: try again later"


def _refusal_advice(status: int) -> str:
    if status in (400, 401, 403):
        return "check the query and NCBI_API_KEY"
    if status == 404:
        return "check --api-url (it should end in /entrez/eutils/)"
    return "check the query and --api-url"
