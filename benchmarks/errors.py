"""The benchmark's one exception."""


class BenchError(RuntimeError):
    """A benchmark that cannot run: a missing or empty corpus, a measuring process that failed."""
