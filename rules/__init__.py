"""Rule files (lexicons, patterns, cues), shipped as the package data ``pipeline.rules``."""
