"""
``python -m bench http [--quick]``: newsportal served over HTTP as production
serves it (gunicorn with ``gunicorn.conf.py``, DEBUG off, PostgreSQL, Redis),
loaded with ``wrk``, beside a Wagtail site serving the same articles and a bare
Django view (the machine's ceiling), as a table and ``bench/results/http.json``.

What a run does, and why:

1. Generates 10 000 articles once (``bench.seed``) and loads them into two
   fresh PostgreSQL databases: ``np_bench_http`` (newsportal, after
   ``migrate`` and ``loaddemo``) and ``np_bench_wagtail`` (the Wagtail site in
   ``bench/wagtail_site``, run from its own venv ``bench/.wagtail-venv``, made
   here on first use). Two more with the first 100 articles show whether a
   page's query count grows with the archive. All are dropped at the end.
2. Serves the bare view, newsportal twice, page cache off
   (``NEWSPORTAL_PAGE_CACHE=0``) and on, the Wagtail site, and the bare view
   again: one server at a time, all with the same gunicorn settings (the same
   sync workers), so each has the machine to itself; the bare view's two runs
   show whether anything else was using it meanwhile.
3. For each page (home, a section, an article, a tag, a search for a common
   word; newsportal in 简体 and 繁體) checks it answers 200, warms it with
   wrk, then loads it for a fixed time with a fixed number of connections.
4. Counts each page's SQL queries in a child process with the test client,
   and reads each server's worker memory (VmRSS) after its run.

Targets (printed ok/MISSED): uncached home and article at least 3× Wagtail's
requests/s; cached at least 0.8× the bare view's; 繁體 uncached at least 0.85×
简体; at most 10 queries a page; worker RSS at most 120 MB.

Needs PostgreSQL at ``--postgres`` (default postgres://postgres@127.0.0.1:5432,
trusted), Redis at 127.0.0.1:6379 (database 14, keys ``bench-http:*``, removed
afterwards) and ``wrk``.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from . import wrk
from .http_sites import (
    DEFAULT_SERVER,
    ROOT,
    SECTION,
    SMALL,
    WAGTAIL_SITE,
    WAGTAIL_VENV,
    base_env,
    clear_redis,
    create_databases,
    ensure_wagtail_venv,
    log,
    newsportal_env,
    probe,
    run_children,
    seed,
    wagtail_env,
)
from .serve import Server, get, tail

ARTICLES = 10_000
GUNICORN = Path(sys.executable).parent / "gunicorn"

VARIANTS = ("zh-hans", "zh-hant")
PAGES = ("home", "section", "article", "tag", "search")
WAGTAIL_PAGES = ("home", "section", "article", "tag")
SEARCH_WORD = {"zh-hans": "发展", "zh-hant": "發展"}  # the commonest of the generated words


# --- Pages --------------------------------------------------------------------------


def newsportal_paths(article, pk, tag):
    paths = {}
    for variant in VARIANTS:
        paths[("home", variant)] = f"/{variant}/"
        paths[("section", variant)] = f"/{variant}/{SECTION}/"
        paths[("article", variant)] = f"/{variant}/{article['section']}/{pk}/"
        paths[("tag", variant)] = f"/{variant}/tags/{tag}/"
        paths[("search", variant)] = f"/{variant}/search/?q={SEARCH_WORD[variant]}"
    return paths


def wagtail_paths(article, tag):
    return {
        ("home", ""): "/",
        ("section", ""): f"/{SECTION}/",
        ("article", ""): f"/{article['section']}/a{article['n']}/",
        ("tag", ""): f"/tags/{tag}/",
    }


def count_queries(paths, env, wagtail_python=None):
    """{path: {status, queries}} from a child process with ``env``."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        if wagtail_python:
            command = [str(wagtail_python), "manage.py", "count_queries", out.name, *paths]
            run_children([(command, env, WAGTAIL_SITE)])
        else:
            command = [sys.executable, "-m", "bench.query_count", out.name, *paths]
            run_children([(command, env, ROOT)])
        return json.loads(Path(out.name).read_text(encoding="utf-8"))


def measure(server, paths, seconds, warmup, label):
    """Each page: must answer 200, warmed, then loaded; a row per page."""
    rows = []
    for (page, variant), path in paths.items():
        status, body = get(server.port, path)
        if status != 200:
            raise RuntimeError(f"{server.name}: {path} answered {status}, not 200")
        wrk.load(server.port, path, warmup)
        result = wrk.load(server.port, path, seconds)
        rows.append(
            {
                "site": server.name,
                "mode": label,
                "page": page,
                "variant": variant,
                "path": path,
                "page_bytes": len(body),
                **result,
            }
        )
        log(
            f"  {server.name:10} {label:8} {page:8} {variant:7} {result['rps']:8.1f} req/s"
            f"  p50 {result['p50_ms']:7.1f} ms  p99 {result['p99_ms']:7.1f} ms"
        )
    return rows


def memory(server):
    sizes = server.worker_rss_mb()
    return {
        "workers": len(sizes),
        "max_mb": max(sizes, default=0),
        "mean_mb": sum(sizes) / len(sizes) if sizes else 0,
    }


def serve_and_measure(stack, server, paths, seconds, warmup, label):
    stack.callback(server.stop)
    log(f"starting {server.name} ({label}) on port {server.port}")
    server.start(probe=next(iter(paths.values())))
    rows = measure(server, paths, seconds, warmup, label)
    rss = memory(server)
    server.stop()
    return rows, rss


# --- The run ------------------------------------------------------------------------


def run(quick, postgres, folder, stack):
    seconds, warmup = (3, 1) if quick else (10, 2)
    wagtail_python = ensure_wagtail_venv()
    clear_redis()
    stack.callback(clear_redis)
    urls = create_databases(stack, postgres)
    log(f"seeding {ARTICLES:,} articles (and {SMALL} for the query counts)")
    (folder / "static").mkdir()
    data, info, seed_seconds = seed(folder, urls, wagtail_python, ARTICLES)
    article = probe(data)
    tag = info["newsportal"]["tag_slugs"][article["tags"][0]]
    np_paths = newsportal_paths(article, info["newsportal"]["pks"][str(article["n"])], tag)
    small_paths = newsportal_paths(
        article, info["newsportal_small"]["pks"][str(article["n"])], tag
    )
    wt_paths = wagtail_paths(article, tag)
    env = newsportal_env(folder, urls["newsportal"])
    collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
    run_children([(collect, env, ROOT)])

    log("counting queries")
    wagtail = wagtail_env(folder, urls["wagtail"])
    wagtail_small = wagtail_env(folder, urls["wagtail_small"])
    queries = {
        "newsportal": count_queries(np_paths.values(), env),
        "newsportal_cached": count_queries(
            np_paths.values(), newsportal_env(folder, urls["newsportal"], cache=True)
        ),
        "newsportal_small": count_queries(
            small_paths.values(), newsportal_env(folder, urls["newsportal_small"])
        ),
        "wagtail": count_queries(wt_paths.values(), wagtail, wagtail_python),
        "wagtail_small": count_queries(wt_paths.values(), wagtail_small, wagtail_python),
    }
    clear_redis()  # the counts' cached pages: the cached run starts cold, then warms

    rows, rss = [], {}

    def bare():
        return Server("bare", GUNICORN, "bench.bare_site.wsgi", ROOT, base_env(folder),
                      folder / "bare.log")  # fmt: skip

    hello = {("hello", ""): "/"}
    # After the sites, the bare view also answers with as many bytes as the cached
    # home page: the ceiling for a page that size (filled in once it is known).
    hello_after = dict(hello)
    # The bare view first and last: if the two differ much, something else was
    # using the machine (a shared machine has no quiet minute to wait for).
    servers = [
        (bare(), hello, "before"),
        (Server("newsportal", GUNICORN, "newsportal.wsgi", ROOT, env, folder / "np.log"),
         np_paths, "uncached"),
        (Server("newsportal", GUNICORN, "newsportal.wsgi", ROOT,
                newsportal_env(folder, urls["newsportal"], cache=True), folder / "np-cached.log"),
         np_paths, "cached"),
        (Server("wagtail", WAGTAIL_VENV / "bin" / "gunicorn", "newsbench.wsgi", WAGTAIL_SITE,
                wagtail, folder / "wagtail.log"), wt_paths, "uncached"),
        (bare(), hello_after, "after"),
    ]  # fmt: skip
    for server, paths, label in servers:
        got, rss[f"{server.name} {label}"] = serve_and_measure(
            stack, server, paths, seconds, warmup, label
        )
        rows += got
        if label == "cached":
            home = next(r for r in got if r["page"] == "home" and r["variant"] == "zh-hans")
            hello_after[("home bytes", "")] = f"/bytes/{home['page_bytes']}/"
    return {
        "articles": ARTICLES,
        "small_articles": SMALL,
        "seconds_per_page": seconds,
        "warmup_seconds": warmup,
        "connections": wrk.CONNECTIONS,
        "threads": wrk.THREADS,
        "gunicorn_workers": rss["newsportal uncached"]["workers"],
        "wagtail_version": _wagtail_version(wagtail_python),
        "probe": {"article_n": article["n"], "section": article["section"], "tag": tag},
        "seed_seconds": seed_seconds,
        "seeded": {key: value["articles"] for key, value in info.items()},
        "rows": rows,
        "queries": queries,
        "small_paths": {np_paths[key]: small_paths[key] for key in np_paths},
        "rss": rss,
    }


def _wagtail_version(python):
    command = [str(python), "-c", "import wagtail; print(wagtail.__version__)"]
    return subprocess.run(command, capture_output=True, text=True).stdout.strip()


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(quick=False, postgres=None):
    from . import http_report, report

    if not wrk.available():
        sys.exit("python -m bench http needs wrk, the HTTP load generator: apt-get install wrk")
    postgres = postgres or os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # so the clean-up below runs
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="newsportal-bench-http-"))
    try:
        with ExitStack() as stack:
            results = run(quick, postgres, folder, stack)
    except BaseException:
        for name in ("np.log", "np-cached.log", "wagtail.log", "bare.log"):
            if (folder / name).exists():
                log(f"--- {name}, last lines:\n{tail(folder / name)}")
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)
    results.update(http_report.summarise(results))
    path = report.write_json("http", results, time.perf_counter() - started, quick)
    print("\n".join(http_report.table(results)))
    print(f"\nwritten to {path} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.http", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 s per page instead of 10 s")
    parser.add_argument("--postgres", help=f"PostgreSQL server URL (default {DEFAULT_SERVER})")
    args = parser.parse_args()
    main(quick=args.quick, postgres=args.postgres)
