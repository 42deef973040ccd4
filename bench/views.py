"""
What counting a reader's view costs, side by side: the beacon request into the
in-process buffer, the same into Redis (when one answers at 127.0.0.1:6379),
and, for comparison, what the page did before — one ``UPDATE … view_count + 1``
per view, committed. Then the flush: many views over many articles written in
one batch, per view written.

The cases are interleaved so noise on a shared machine falls on all alike, and
ratios are taken pair by pair.
"""

import time
import uuid

import redis
from django.db.models import F
from django.test import Client

from articles import view_counts
from articles.models import Article

from .timing import paired_ratio, rotated, summary, timed

REDIS_URL = "redis://127.0.0.1:6379/15"
AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


def run(quick=False):
    rounds, per_round = (5, 200) if quick else (15, 1000)
    articles = list(Article.objects.published().values_list("pk", flat=True))
    tallies = {"buffer": view_counts.MemoryTally()}
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
        tallies["redis"] = view_counts.RedisTally(REDIS_URL, f"bench-{uuid.uuid4().hex}:views:")
    except redis.RedisError:
        print("no Redis at", REDIS_URL, "- measuring the in-process buffer only")
    view_counts._next_flush = float("inf")  # flushes are measured on their own below
    client = Client()
    serial = iter(range(10**9))

    def beacons(tally):
        view_counts.current = lambda: tally
        for _ in range(per_round):
            number = next(serial)
            client.post(
                f"/views/{articles[number % len(articles)]}/",
                headers={"User-Agent": AGENT},
                REMOTE_ADDR=f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}",
            )

    def updates(_):
        for number in range(per_round):
            pk = articles[number % len(articles)]
            Article.objects.filter(pk=pk).update(view_count=F("view_count") + 1)

    cases = {
        **{name: (beacons, tally) for name, tally in tallies.items()},
        "update": (updates, None),
    }
    samples = {name: [] for name in cases}
    for round_number in range(rounds):
        for name in rotated(list(cases), round_number):
            function, tally = cases[name]
            seconds, _ = timed(function, tally)
            samples[name].append(seconds / per_round)
    results = {
        "per_view_ms": {name: summary([s * 1000 for s in runs]) for name, runs in samples.items()},
        "ratio_to_update": {
            name: paired_ratio(samples[name], samples["update"]) for name in tallies
        },
        "flush": {},
    }
    for name, tally in tallies.items():
        started = time.perf_counter()
        written = view_counts.flush(tally)
        seconds = time.perf_counter() - started
        results["flush"][name] = {
            "views": written,
            "ms": seconds * 1000,
            "us_per_view": seconds / written * 1e6,
        }
        if name == "redis":
            keys = list(tally.redis.scan_iter(f"{tally.prefix}*"))
            if keys:
                tally.redis.delete(*keys)
    return results


def print_table(results):
    print("\nCounting one reader's view (median per view, interleaved rounds)")
    print(f"{'how':<10}{'ms/view':>10}{'p25':>8}{'p75':>8}{'× UPDATE':>10}")
    for name, stats in results["per_view_ms"].items():
        ratio = results["ratio_to_update"].get(name)
        shown = f"{ratio:>10.2f}" if ratio is not None else f"{'1.00':>10}"
        print(f"{name:<10}{stats['median']:>10.3f}{stats['p25']:>8.3f}{stats['p75']:>8.3f}{shown}")
    print("\nFlushing the tally to the database")
    for name, flush in results["flush"].items():
        print(
            f"{name:<10}{flush['views']:>8} views in {flush['ms']:.0f} ms "
            f"({flush['us_per_view']:.1f} µs per view)"
        )
