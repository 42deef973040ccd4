"""
``python -m bench http``'s ratios, targets and table, from the rows
``bench.http`` measured. Ratios are of requests per second, each side
measured with the same wrk settings against the same gunicorn settings.
"""

from .http import PAGES, VARIANTS, WAGTAIL_PAGES

TARGET_VS_WAGTAIL = 3.0
TARGET_CACHED_VS_BARE = 0.8
TARGET_HANT_VS_HANS = 0.85
TARGET_QUERIES = 10
TARGET_RSS_MB = 120


def _rows(results):
    return {(r["site"], r["mode"], r["page"], r["variant"]): r for r in results["rows"]}


def summarise(results):
    rows = _rows(results)
    rps = {key: row["rps"] for key, row in rows.items()}
    # The ceiling: the better of the bare view's two runs (before and after the rest).
    bare = max(rps[("bare", "before", "hello", "")], rps[("bare", "after", "hello", "")])
    ratios = {"uncached_vs_wagtail": {}, "cached_vs_bare": {}, "hant_vs_hans": {}}
    for page in PAGES:
        for variant in VARIANTS:
            cached = rps[("newsportal", "cached", page, variant)]
            ratios["cached_vs_bare"][f"{page} {variant}"] = cached / bare
            wagtail = rps.get(("wagtail", "uncached", page, ""))
            if wagtail:
                uncached = rps[("newsportal", "uncached", page, variant)]
                ratios["uncached_vs_wagtail"][f"{page} {variant}"] = uncached / wagtail
        for mode in ("uncached", "cached"):
            hans = rps[("newsportal", mode, page, "zh-hans")]
            hant = rps[("newsportal", mode, page, "zh-hant")]
            ratios["hant_vs_hans"][f"{page} {mode}"] = hant / hans

    targets = []

    def target(name, value, goal, ok, where=""):
        targets.append({"target": name, "value": value, "goal": goal, "ok": ok, "where": where})

    for page in ("home", "article"):
        for variant in VARIANTS:
            value = ratios["uncached_vs_wagtail"][f"{page} {variant}"]
            target(
                f"uncached {page} ({variant}) vs Wagtail's",
                value,
                f"≥ {TARGET_VS_WAGTAIL}×",
                value >= TARGET_VS_WAGTAIL,
            )
    where, value = min(ratios["cached_vs_bare"].items(), key=lambda item: item[1])
    target(
        "cached vs bare view (worst page)",
        value,
        f"≥ {TARGET_CACHED_VS_BARE}×",
        value >= TARGET_CACHED_VS_BARE,
        where,
    )
    uncached = {k: v for k, v in ratios["hant_vs_hans"].items() if k.endswith("uncached")}
    where, value = min(uncached.items(), key=lambda item: item[1])
    target(
        "zh-hant vs zh-hans uncached (worst page)",
        value,
        f"≥ {TARGET_HANT_VS_HANS}×",
        value >= TARGET_HANT_VS_HANS,
        where,
    )
    counted = [
        (count["queries"], f"{path}, {size.replace('_', ' ')}")
        for size in ("newsportal", "newsportal_small")
        for path, count in results["queries"][size].items()
    ]
    value, where = max(counted)
    target(
        "SQL queries per page (worst)",
        value,
        f"≤ {TARGET_QUERIES}",
        value <= TARGET_QUERIES,
        where,
    )
    worst = max(
        (memory["max_mb"], name) for name, memory in results["rss"].items() if "newsportal" in name
    )
    target(
        "worker RSS (largest newsportal worker)",
        worst[0],
        f"≤ {TARGET_RSS_MB} MB",
        worst[0] <= TARGET_RSS_MB,
        worst[1],
    )
    failures = sum(row["non_2xx"] + row["socket_errors"] for row in results["rows"])
    target("responses other than 200, or socket errors", failures, "0", failures == 0)
    return {"ratios": ratios, "targets": targets}


def _cells(row):
    return f"{row['rps']:8.1f} {row['p50_ms']:7.1f} {row['p99_ms']:7.1f}"


CELLS = f"{'req/s':>8} {'p50 ms':>7} {'p99 ms':>7}"


def _queries(results, key, path):
    got = results["queries"].get(key, {}).get(path)
    return "?" if got is None else str(got["queries"])


def _one_request(results, key, path):
    got = results["queries"].get(key, {}).get(path)
    return "?" if got is None else f"{got['ms']:.0f} ({got['sql_ms']:.0f})"


def table(results):
    rows = _rows(results)
    ratios = results["ratios"]
    seed = results["seed_seconds"]
    lines = [
        f"HTTP serving with {results['articles']:,} articles on PostgreSQL: gunicorn"
        f" {results['gunicorn_workers']} sync workers (gunicorn.conf.py), wrk"
        f" {results['threads']} threads × {results['connections']} connections,"
        f" {results['seconds_per_page']} s a page after {results['warmup_seconds']} s warm-up",
        f"seeding: newsportal {seed['newsportal']:.0f} s (migrate, loaddemo, bulk_create,"
        f" search index, reads), Wagtail pages {seed['wagtail_pages']:.0f} s (after migrate)",
        "",
        f"{'newsportal':17} {'uncached':^24}  {'cached':^24} {'cached':>7} {'hant':>7}"
        f" {'queries':>11} {'1 request':>12}",
        f"{'page':8} {'variant':8} {CELLS}  {CELLS} {'/bare':>7} {'/hans':>7}"
        f" {'10k/100/hit':>11} {'ms (SQL)':>12}",
    ]
    for page in PAGES:
        for variant in VARIANTS:
            uncached = rows[("newsportal", "uncached", page, variant)]
            cached = rows[("newsportal", "cached", page, variant)]
            path = uncached["path"]
            hant = ratios["hant_vs_hans"][f"{page} uncached"]
            queries = "/".join(
                _queries(results, key, got)
                for key, got in (
                    ("newsportal", path),
                    ("newsportal_small", results["small_paths"].get(path, path)),
                    ("newsportal_cached", path),
                )
            )
            lines.append(
                f"{page:8} {variant:8} {_cells(uncached)}  {_cells(cached)}"
                f" {ratios['cached_vs_bare'][f'{page} {variant}']:6.2f}×"
                f" {f'{hant:5.2f}×' if variant == 'zh-hant' else '':>7} {queries:>11}"
                f" {_one_request(results, 'newsportal', path):>12}"
            )
    lines += [
        "   queries: SQL queries of a page (its second fetch) with 10 000 articles / with 100 /"
        " as a cache hit; 1 request: one uncached fetch through the test client, alone",
        "",
        f"{'Wagtail ' + results['wagtail_version']:17} {'(no page cache)':^24}"
        f" {'queries':>11} {'1 request':>12} {'newsportal ÷ Wagtail':>20}",
        f"{'page':17} {CELLS} {'10k/100':>11} {'ms (SQL)':>12} {'zh-hans':>9} {'zh-hant':>9}"
        "  path",
    ]
    for page in WAGTAIL_PAGES:
        row = rows[("wagtail", "uncached", page, "")]
        queries = "/".join(
            _queries(results, key, row["path"]) for key in ("wagtail", "wagtail_small")
        )
        against = " ".join(
            f"{ratios['uncached_vs_wagtail'][f'{page} {variant}']:8.2f}×" for variant in VARIANTS
        )
        lines.append(
            f"{page:17} {_cells(row)} {queries:>11}"
            f" {_one_request(results, 'wagtail', row['path']):>12} {against}  {row['path']}"
        )
    before, after = rows[("bare", "before", "hello", "")], rows[("bare", "after", "hello", "")]
    drift = after["rps"] / before["rps"]
    lines += [
        "",
        f"{'bare Django view':17} {_cells(before)}  before the sites",
        f"{'':17} {_cells(after)}  after them ({drift:.2f}× the first: the machine's ceiling"
        f"{' held' if 0.9 <= drift <= 1.1 else ' MOVED: something else was using the machine'})",
        *_same_bytes(rows),
        "",
        "worker memory (VmRSS of each gunicorn worker after the server's run):",
        *(
            f"  {name:20} max {memory['max_mb']:4.0f} MB, mean {memory['mean_mb']:4.0f} MB"
            f" ({memory['workers']} workers)"
            for name, memory in results["rss"].items()
        ),
        "",
        "targets:",
    ]
    for target in results["targets"]:
        value = target["value"]
        shown = (
            f"{value:.2f}×"
            if isinstance(value, float) and "×" in target["goal"]
            else (f"{value:.0f} MB" if "MB" in target["goal"] else str(value))
        )
        where = f" ({target['where']})" if target["where"] else ""
        lines.append(
            f"  {'ok    ' if target['ok'] else 'MISSED'} {target['target']}: {shown}"
            f" (target {target['goal']}){where}"
        )
    return lines


def _same_bytes(rows):
    """The bare view answering with the cached home page's size: the ceiling for that size."""
    same = rows.get(("bare", "after", "home bytes", ""))
    if same is None:  # results from before this row was measured
        return []
    home = rows[("newsportal", "cached", "home", "zh-hans")]
    return [
        f"{'':17} {_cells(same)}  answering {same['page_bytes']:,} bytes, as the home page"
        f" (cached home zh-hans: {home['rps'] / same['rps']:.2f}× this)",
    ]
