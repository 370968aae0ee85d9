"""Performance measurements of mirmine (run as ``python -m benchmarks.<name>``); timings live here, not in tests."""
