"""The benchmark's readable table, and its JSON for comparing runs."""

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def _ms(summary):
    return f"{summary['median'] * 1000:8.2f}"


def _verdict(ok):
    return "" if ok is None else ("ok" if ok else "MISSED")


def conversion_table(rows):
    lines = [
        "(a) Conversion per page: convert_html (site glossary) vs one raw OpenCC call on the"
        " page's text"
        " (median ms; ratio = median of paired ratios; target ≤ 1.5×)",
        f"{'page':8} {'variant':8} {'text':>6} {'config':7} {'convert':>8} {'mw':>8}"
        f" {'raw':>8} {'ratio':>6} {'mw/raw':>6}",
    ]
    for row in rows:
        lines.append(
            f"{row['page']:8} {row['variant']:8} {row['text_chars']:6} {row['raw_config']:7}"
            f" {_ms(row['convert_html_s'])} {_ms(row['middleware_s'])} {_ms(row['raw_opencc_s'])}"
            f" {row['ratio']:5.2f}× {row['middleware_ratio']:5.2f}×"
            f"  {_verdict(row['meets_target'])}"
        )
    lines.append(
        "   text: characters of page text; mw: the whole ConversionMiddleware call"
        " (decode, glossary lookup, convert, encode)"
    )
    return lines


def throughput_table(rows, conversion_rows):
    converting = {
        (r["page"], r["variant"]): r["convert_html_s"]["median"] for r in conversion_rows
    }
    lines = [
        "(b) Uncached full renders through the test client (median ms/request, requests/s;"
        " ratios paired by round; target vs zh-hans ≥ 0.85×)",
        f"{'page':8} {'variant':24} {'ms/req':>8} {'req/s':>7} {'vs hans':>7} {'vs none':>7}"
        f" {'conv. share':>11}",
    ]
    for row in rows:
        conversion = converting.get((row["page"], row["variant"]))
        share = "" if conversion is None else f"{conversion / row['request_s']['median']:.0%}"
        lines.append(
            f"{row['page']:8} {row['variant']:24} {_ms(row['request_s'])}"
            f" {row['requests_per_second']:7.1f} {row['ratio_vs_zh_hans']:6.2f}×"
            f" {row['ratio_vs_unconverted']:6.2f}× {share:>11}  {_verdict(row['meets_target'])}"
        )
    lines.append(
        "   vs none: against zh-hans rendered without ConversionMiddleware;"
        " conv. share: convert_html's median (a) over the request's median"
    )
    return lines


def print_tables(results):
    print(f"variants: {', '.join(results['variants'])}; article: {results['pages']['article']}")
    print(f"repetitions: {results['repetitions']}")
    print()
    print("\n".join(conversion_table(results["conversion"])))
    print()
    print("\n".join(throughput_table(results["throughput"], results["conversion"])))


def write_json(name, results, seconds, quick):
    import django
    import opencc

    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    document = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "run_seconds": round(seconds, 1),
        "machine": {
            "python": sys.version.split()[0],
            "django": django.get_version(),
            "opencc": getattr(opencc, "__version__", "unknown"),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        **results,
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
