"""``bench``'s measurements as readable tables (``format_report``); ``--json`` prints the same numbers as they are."""

from __future__ import annotations

from typing import Any

from .tables import table


def _load_text(load: dict[str, float | None]) -> str:
    return " -> ".join("-" if value is None else f"{value:.2f}" for value in (load["start"], load["end"]))


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def format_report(result: dict[str, Any]) -> str:
    """The measurements as readable tables."""
    lines = [*_header_lines(result), "", _pipelines_table(result["pipelines"])]
    ratios, first_ratios = result["ratios"], result["ratios_first_pass"]
    lines += [
        "",
        f"ratios of best docs/s: c/b {ratios['c/b']:.2f}   c/a {ratios['c/a']:.3f}   d/c {ratios['d/c']:.2f}   (e/c {ratios['e/c']:.2f})",
        f"ratios of 1st passes:  c/b {first_ratios['c/b']:.2f}   c/a {first_ratios['c/a']:.3f}"
        f"   d/c {first_ratios['d/c']:.2f}   (e/c {first_ratios['e/c']:.2f})",
        "(d) is extraction only and keeps its workers from pass to pass, as (c) keeps its pipeline; (e) is `mirmine run`:",
        "reading, extraction and writing, with fresh workers every pass whose caches start cold: compare e/c on 1st passes.",
        "",
        *_first_document_lines(result["first_document"]),
    ]
    if result["scale"]:
        lines += ["", *_scale_lines(result["scale"])]
    if result["profile"]:
        lines += ["", *_profile_lines(result["profile"])]
    lines += ["", "targets:"]
    for target in result["targets"]:
        measured = "-" if target["measured"] is None else f"{target['measured']:,.3g}"
        verdict = {True: "met", False: "NOT met", None: "not measured"}[target["met"]]
        lines.append(f"  {verdict:<12} {target['target']}: {measured} (limit {target['limit']:g})")
    lines += [f"note: {note}" for note in result["notes"]]
    return "\n".join(lines)


def _header_lines(result: dict[str, Any]) -> list[str]:
    env, corpus = result["environment"], result["corpus"]
    source = corpus["source"] + (f", seed {corpus['seed']}" if "seed" in corpus else "")
    cycled = f", cycled from {corpus['records']:,} records" if corpus.get("cycled") else ""
    return [
        f"mirmine benchmark: {corpus['docs']:,} documents ({source}{cycled}); {corpus['words']:,} words"
        f" ({corpus['words_per_doc']:.0f} per document), {corpus['chars']:,} characters; mirmine finds"
        f" {corpus['mirmine_mentions_per_doc']:.1f} mentions and {corpus['mirmine_relations_per_doc']:.2f} relations per document",
        f"python {env['python']}, spaCy {env['spacy']}, scispaCy {env['scispacy']}, mirmine {env['mirmine']};"
        f" {env['cpu_count']} CPUs ({env['cpu'] or 'unknown'}), load average {_load_text(env['load_average_1min'])};"
        f" {result['passes']} interleaved passes, {result['workers']} workers",
        f"rules: {result['rules']}",
    ]


def _pipelines_table(pipelines: dict[str, dict[str, Any]]) -> str:
    rows = []
    for row in pipelines.values():
        memory = _mb(row["peak_rss_mb"])
        if row.get("worker_peak_rss_mb") is not None:
            memory += f" (workers {_mb(row['worker_peak_rss_mb'])}"
            memory += f", PSS {_mb(row['worker_pss_mb'])})" if row.get("worker_pss_mb") is not None else ")"
        rows.append([
            row["label"], round(row["build_s"], 2), round(row["docs_per_s"]), round(row["docs_per_s_first_pass"]),
            round(row["words_per_s"]), round(row["cores_used"], 2), memory,
        ])  # fmt: skip
    headers = ("pipeline", "build s", "docs/s best", "docs/s 1st pass", "words/s best", "cores used", "peak RSS MB")
    return table(headers, rows)


def _first_document_lines(first: dict[str, Any]) -> list[str]:
    warm, cold = first["warm"], first["cold"]
    return [
        "time to the first document (fresh process, from launch):",
        f"  mirmine run ONE.jsonl --workers 1 (warm lexicon cache), to exit: {first['cli_run_warm_s']:.2f} s",
        f"  in a process, warm cache: {first['in_process_warm_s']:.2f} s = interpreter start and exit {warm['interpreter_s']:.2f}"
        f" + import {warm['import_s']:.2f} + Extractor() {warm['build_s']:.2f} + first extract {warm['first_extract_s']:.3f}",
        f"  in a process, cold cache: {first['in_process_cold_s']:.2f} s = interpreter start and exit {cold['interpreter_s']:.2f}"
        f" + import {cold['import_s']:.2f} + Extractor() {cold['build_s']:.2f} + first extract {cold['first_extract_s']:.3f}",
    ]


def _scale_lines(scale: dict[str, Any]) -> list[str]:
    return [
        "scale: (c) over generated documents read lazily from a file, a fresh process each (time inside process_chunk() only)",
        table(
            ("documents", "docs/s", "words/s", "docs/s first tenth", "docs/s last tenth", "peak RSS MB", "strings", "load"),
            ([f"{run['docs']:,}", round(run["docs_per_s"]), round(run["words_per_s"]), round(run["docs_per_s_by_tenth"][0]),
              round(run["docs_per_s_by_tenth"][-1]), round(run["peak_rss_mb"]), run["strings"],
              _load_text(run["load_average_1min"]) if "load_average_1min" in run else "-"] for run in scale["runs"].values()),
        ),
        f"docs/s at {scale['sizes'][1]:,} / docs/s at {scale['sizes'][0]:,}: {scale['ratio']:.3f}",
    ]  # fmt: skip


def _profile_lines(profile: dict[str, Any]) -> list[str]:
    lines = [
        f"profile of (c), one warm pass over {profile['docs']:,} documents under cProfile"
        f" ({profile['wall_s_under_profiler']:.2f} s wall; extraction cumulative {profile['extract_cumulative_s']:.2f} s):",
        table(
            ("stage", "cumulative s", "share"),
            ([stage["stage"], round(stage["cumulative_s"], 3), f"{(stage['share'] or 0):.0%}"] for stage in profile["stages"]),
        ),
        "",
        table(
            ("function (by own time)", "calls", "tottime s", "cumtime s"),
            (
                [row["function"][-90:], row["calls"], round(row["tottime_s"], 3), round(row["cumtime_s"], 3)]
                for row in profile["top_tottime"]
            ),
        ),
    ]  # fmt: skip
    return lines
