"""``matchers``' measurements as readable tables (``format_report``); ``--json`` prints the same numbers as they are."""

from __future__ import annotations

from typing import Any

from .tables import table


def _build_table(rows: list[dict[str, Any]]) -> str:
    return table(
        ("lexicon: matcher", "terms", "keys", "build s", "RSS delta MB", "peak RSS MB", "process s", "error"),
        (
            [f"{row['lexicon']}: {row['matcher']}", row.get("terms"), row.get("keys"), row.get("build_s"),
             row.get("rss_delta_mb"), row.get("peak_rss_mb"), row.get("process_s"), row.get("error", "")]
            for row in rows
        ),
    )  # fmt: skip


def _starts_table(rows: list[dict[str, Any]]) -> str:
    return table(
        ("what", "keys", "load s", "RSS delta MB", "peak RSS MB", "process s", "error"),
        (
            [row["what"], row.get("keys"), row.get("build_s"), row.get("rss_delta_mb"), row.get("peak_rss_mb"),
             row.get("process_s"), row.get("error", "")]
            for row in rows
        ),
    )  # fmt: skip


def _matching_table(rows: list[dict[str, Any]]) -> str:
    return table(
        ("step", "seconds", "docs/s"),
        ([row["step"], row["seconds"], round(row["docs_per_s"]) if row["docs_per_s"] else None] for row in rows),
    )


def format_report(result: dict[str, Any]) -> str:
    """The measurements as readable tables."""
    versions = ", ".join(f"{name} {version}" for name, version in result["versions"].items())
    source = f"{result['corpus']}{' (synthetic)' if result['synthetic'] else ''}"
    parts = [
        f"mirmine matcher benchmark: {result['docs']} docs ({result['chars']:,} chars) from {source};"
        f" best of {result['passes']} passes; rules {result['rules']}; {versions}",
        "",
        "Build (fresh process per row)",
        _build_table(result["build"]),
        "",
        "Cached load and start-up (fresh process per run)",
        _starts_table(result["starts"]),
        "",
        f"Matching {result['docs']} docs",
        _matching_table(result["matching"]),
    ]
    for agreement in result["agreement"]:
        parts += ["", *_agreement_lines(agreement)]
    parts += ["", *(f"note: {note}" for note in result["notes"])]
    return "\n".join(parts)


def _agreement_lines(agreement: dict[str, Any]) -> list[str]:
    lines = [
        f"Agreement, {agreement['lexicon']}: (doc, start, end) spans of PhraseMatcher(LOWER) vs raw Lexicon.find",
        table(
            ("", "spans", "also found by the other", "only this one", "distinct forms"),
            [
                [name, agreement[f"{side}_spans"], agreement["both"], agreement[f"{side}_only"], agreement[f"{side}_only_distinct_forms"]]
                for name, side in (("PhraseMatcher(LOWER)", "phrase_matcher"), ("walk", "walk"))
            ],
        ),
    ]
    if "span_ruler_same_spans_as_phrase_matcher" in agreement:
        lines.append(f"SpanRuler spans identical to PhraseMatcher spans: {agreement['span_ruler_same_spans_as_phrase_matcher']}")
    for side, title in (("walk_only", "walk only"), ("phrase_matcher_only", "PhraseMatcher only")):
        lines += _reason_lines(title, agreement, side)
    if "finder_kept" in agreement:
        kept = agreement["finder_kept"]
        lines += [
            "",
            f"The {agreement['lexicon']} finder's kept mentions (after its decisions; abbreviation expansions left out):"
            f" {kept['kept']:,}; PhraseMatcher(LOWER) has the same span for {kept['same_span']:,}, an overlapping one for"
            f" {kept['overlapping']:,}, none for {kept['missed']:,} ({kept['missed_distinct_forms']:,} distinct forms)",
            *_reason_lines("kept mentions no PhraseMatcher span touches", kept, "missed"),
        ]
    return lines


def _reason_lines(title: str, counts: dict[str, Any], prefix: str) -> list[str]:
    lines = [f"{title}, by reason:"]
    lines += [f"  {count:>6,}  {reason}" for reason, count in counts[f"{prefix}_by_reason"].items()]
    lines.append(f"{title}, examples (occurrences, form, reason, context with the span in brackets):")
    lines += [
        f"  {example['count']:>5}x  {example['text']!r:<26} {example['reason'][:34]:<34}  ...{example['context']}..."
        for example in counts[f"{prefix}_examples"]
    ]
    return lines
