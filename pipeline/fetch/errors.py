"""The exceptions of fetching: ``FetchError`` for everything a user can act on (its message says what to do)."""

from __future__ import annotations


class FetchError(Exception):
    """A fetch that cannot go on: the message names the request, batch or file, and what to do."""


class EutilsError(FetchError):
    """An E-utilities request that failed for good (after its retries, or refused by the service)."""


class BadResponse(Exception):
    """An answer that is not what was asked for (truncated, malformed XML, an error page): retried."""


class HistoryMismatch(Exception):
    """The history server answered with an error or with other records than the search listed: fetch by ids."""
