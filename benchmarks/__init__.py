"""Performance measurements of mirmine, installed as ``pipeline.benchmarks``; timings live here, not in tests.

Run ``python -m pipeline.benchmarks.bench`` (throughput, memory, start-up: ``mirmine bench``) or
``python -m pipeline.benchmarks.matchers`` (lexicon matchers compared), from any folder.

* ``bench``: the run and its entry point; ``bench_documents`` the documents it measures on; ``bench_launch`` starts
  the measuring processes and reads their replies; ``bench_child`` and ``bench_runners`` are what runs inside them;
  ``bench_report`` the tables.
* ``matchers``: the run and its entry point; ``matchers_tasks`` the measuring processes; ``matchers_agreement`` the
  span comparison; ``matchers_report`` the tables.
* Shared: ``corpus`` (the generated abstracts), ``lexicons`` (the lexicon rows both compile into matchers),
  ``measure`` (time and memory of a process), ``tables`` (plain-text tables), ``errors``.
"""
