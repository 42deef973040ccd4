"""
``python -m bench search [--quick]``: search latency with 20 000 articles on
each backend (SQLite: FTS5 trigrams; PostgreSQL: character pairs), the time
to build the index and to re-index one article, as a table and as
``bench/results/search.json``. Target: p50 at most 50 ms on SQLite.

Each backend runs in a child process of its own, since Django fixes its
database once per process: a SQLite file in a temporary folder, and a
PostgreSQL database ``np_bench_search`` on the server ``--postgres`` names
(or $BENCH_POSTGRES_URL), created for the run and dropped afterwards.

The articles are generated here: sentences drawn from general news words,
the words of the article's topic and a long tail of names, places and
companies, about a third of them written in Traditional, so a query for a
topic word finds hundreds of articles and one for a name finds a handful.
Latency is measured per query, interleaved with the others, both for the
ranked ids alone ("ids") and for what a results page needs ("page": ids, then
the first 20 articles with their snippets).
"""

import argparse
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from itertools import accumulate
from pathlib import Path

ARTICLES = 20_000
TARGET_P50_MS = 50  # on SQLite
DATABASE = "np_bench_search"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"

# (query, kind): one, two, three and more characters; Simplified and
# Traditional; common, topical and rare; several terms; and a miss.
QUERIES = [
    ("港", "1 char, common"),
    ("鑫", "1 char, rare"),
    ("经济", "2 chars, common"),
    ("颱風", "2 chars, Traditional, topical"),
    ("熊猫", "2 chars, topical"),
    ("林雨欣", "3 chars, rare name"),
    ("气象台", "3 chars, topical"),
    ("發佈會", "3 chars, Traditional"),
    ("人工智能", "4 chars, topical"),
    ("鑫源电池", "4 chars, rare"),
    ("台风 港口", "2 terms"),
    ("市民 表示 发展", "3 common terms"),
    ("量子引力", "no match"),
]


def words(text):
    return text.split()


GENERAL = words(
    "发展 经济 城市 记者 表示 今年 工作 市民 相关 部门 活动 项目 政府 企业 服务 社会 公共 建设"
    " 计划 问题 情况 方面 地区 国家 国际 全市 居民 负责人 介绍 目前 已经 开始 继续 推动 提高"
    " 增加 下降 保持 发布会 新闻 报道 调查 数据 去年 上午 下午 昨天 今天 明年 未来 希望 认为"
    " 需要 进行 完成 参加 举行 宣布"
)
TOPICS = {
    "weather": words("台风 暴雨 气象台 降雨量 预警 高温 寒潮 气温 风力 港口 停课 航班 防汛"),
    "transport": words("地铁 公交 高铁 机场 航站楼 线路 站点 换乘 隧道 桥梁 通车 客流 码头"),
    "tech": words("人工智能 芯片 软件 算法 数据中心 机器人 手机 网络安全 大模型 半导体 储能"),
    "culture": words("博物馆 展览 文物 考古 遗址 书法 戏曲 音乐会 电影节 图书馆 出版 作家"),
    "sports": words("马拉松 足球 篮球 联赛 冠军 决赛 球队 教练 运动员 体育馆 游泳 田径"),
    "health": words("医院 医生 护士 疫苗 门诊 医保 健康 体检 药品 心理 睡眠 饮食 急诊 康复"),
    "nature": words("熊猫 候鸟 湿地 森林 保护区 野生动物 生态 环保 垃圾分类 空气质量 水质 珊瑚"),
    "finance": words("银行 利率 贷款 股市 基金 债券 投资 消费 物价 出口 进口 汇率 税收 财政"),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉波宁峰雪梅琳晨航雨欣"
PLACE_PARTS = "青临东西南北长安永宁清平白石云海金山新河丰泰华阳兴"
PLACE_ENDS = "镇县湾港区村岛"
COMPANY_ENDS = ["科技", "集团", "电池", "食品", "物流", "文化", "医药"]
RARE = ["鑫源电池", "林雨欣", "鑫海物流"]  # always in the tail, each in a handful of articles
LINKS = list("的了在和与将对为把被从向")


class Writer:
    """Generated news text: reproducible (seeded), with skewed word frequencies."""

    def __init__(self, seed=2026):
        self.random = random.Random(seed)
        rng = self.random
        tail = {rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=2)) for _ in range(4000)}
        tail |= {
            "".join(rng.choices(PLACE_PARTS, k=2)) + rng.choice(PLACE_ENDS) for _ in range(1500)
        }
        tail |= {
            "".join(rng.choices(PLACE_PARTS, k=2)) + rng.choice(COMPANY_ENDS) for _ in range(1500)
        }
        tail = sorted(tail - set(RARE))
        rng.shuffle(tail)
        self.tail = _zipf(tail[:600] + RARE + tail[600:])
        self.general = _zipf(GENERAL)
        self.topics = {name: _zipf(words) for name, words in TOPICS.items()}

    def words(self, pool, count):
        words, weights = pool
        return self.random.choices(words, cum_weights=weights, k=count)

    def sentence(self, topic):
        rng = self.random
        parts = []
        for _ in range(rng.randint(4, 8)):
            roll = rng.random()
            pool = topic if roll < 0.45 else self.general if roll < 0.85 else self.tail
            parts.append(self.words(pool, 1)[0])
            if rng.random() < 0.5:
                parts.append(rng.choice(LINKS))
        return "".join(parts) + rng.choice("。。。，；！？")

    def article(self):
        """(title, summary, body HTML) in Simplified, 400 to 1600 characters of body."""
        rng = self.random
        topic = self.topics[rng.choice(list(self.topics))]
        title = "".join(
            self.words(topic, 1) + self.words(self.tail, 1) + self.words(self.general, 1)
        )
        summary = self.sentence(topic) + self.sentence(topic)
        paragraphs, size = [], rng.randint(400, 1600)
        while size > 0:
            paragraph = "".join(self.sentence(topic) for _ in range(rng.randint(3, 6)))
            paragraphs.append(paragraph)
            size -= len(paragraph)
        return title, summary, "".join(f"<p>{p}</p>" for p in paragraphs)


def _zipf(words):
    """Words with 1/rank weights (cumulative, as random.choices takes them)."""
    return words, list(accumulate(1 / rank for rank in range(1, len(words) + 1)))


# --- The child: one backend ---------------------------------------------------


def _setup(database_url, folder):
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url,
            "DJANGO_SECRET_KEY": "bench-only-not-a-secret",
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "MEDIA_ROOT": str(folder / "media"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_CONN_MAX_AGE": "0",
        }
    )
    os.environ.pop("REDIS_URL", None)
    (folder / "static").mkdir(exist_ok=True)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def seed(count):
    """``count`` generated articles in six sections, about a third written in Traditional."""
    from django.db import connection
    from django.utils import timezone

    from articles.models import Article, Section
    from newsportal.conversion import HANS, HANT, converter

    s2t = converter("s2t").convert
    sections = [
        Section.objects.create(name=name, slug=slug)
        for name, slug in [("要闻", "yaowen"), ("财经", "caijing"), ("科技", "keji"),
                           ("文化", "wenhua"), ("体育", "tiyu"), ("生活", "shenghuo")]
    ]  # fmt: skip
    writer = Writer()
    rng = writer.random
    now = timezone.now()
    batch = []
    for number in range(count):
        title, summary, body = writer.article()
        script = HANT if rng.random() < 0.33 else HANS
        if script == HANT:
            title, summary, body = s2t(title), s2t(summary), s2t(body)
        roll = rng.random()
        status = Article.Status.DRAFT if roll < 0.03 else Article.Status.PUBLISHED
        ahead = (
            timedelta(days=2) if roll > 0.99 else -timedelta(minutes=rng.randint(0, 2 * 525_600))
        )
        batch.append(
            Article(
                title=title[:200],
                summary=summary,
                body=body,
                section=sections[number % len(sections)],
                status=status,
                published_at=now + ahead,
                field_scripts=dict.fromkeys(Article.SCRIPTED_FIELDS, script),
            )
        )
        if len(batch) == 1000:
            Article.objects.bulk_create(batch)
            batch = []
    Article.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as a live database's statistics would be


def _percentiles(samples):
    cuts = statistics.quantiles(samples, n=20, method="inclusive")
    return {"p50": statistics.median(samples) * 1000, "p95": cuts[18] * 1000, "n": len(samples)}


def index_size():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('articles_search_text')")
        else:
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'articles\\_search%' ESCAPE '\\'"
            )
        return cursor.fetchone()[0]


def measure(count, repetitions):
    """Seed, build the index, and time every query (and one article's re-index)."""
    from django.db import connection

    from articles import search
    from articles.models import Article
    from articles.search import folding

    started = time.perf_counter()
    seed(count)
    seeded = time.perf_counter() - started
    started = time.perf_counter()
    indexed = search.rebuild()
    build = time.perf_counter() - started

    def ids(query):
        return search.backend_for().find(
            folding.query_terms(query), Article.objects.published(), search.MAX_RESULTS
        )

    def page(query):
        return search.search(query)[0:20]

    for query, _kind in QUERIES:  # warm up: caches, converters, prepared plans
        page(query)
    samples = {(query, step): [] for query, _kind in QUERIES for step in ("ids", "page")}
    for repetition in range(repetitions):
        gc.collect()
        shift = repetition % len(QUERIES)
        for query, _kind in QUERIES[shift:] + QUERIES[:shift]:
            for step, function in (("ids", ids), ("page", page)):
                start = time.perf_counter()
                function(query)
                samples[query, step].append(time.perf_counter() - start)
    pks = list(Article.objects.values_list("pk", flat=True).order_by("?")[:repetitions])
    reindex = []
    for pk in pks:
        start = time.perf_counter()
        search.reindex([pk])
        reindex.append(time.perf_counter() - start)
    queries = []
    for query, kind in QUERIES:
        results = search.search(query)
        queries.append(
            {
                "query": query,
                "kind": kind,
                "matches": len(results),
                "capped": results.capped,
                "ids_ms": _percentiles(samples[query, "ids"]),
                "page_ms": _percentiles(samples[query, "page"]),
            }
        )
    every_page = [s for (_query, step), got in samples.items() if step == "page" for s in got]
    return {
        "vendor": connection.vendor,
        "articles": count,
        "indexed": indexed,
        "published": Article.objects.published().count(),
        "seed_s": seeded,
        "index_build_s": build,
        "index_bytes": index_size(),
        "reindex_one_ms": _percentiles(reindex),
        "all_pages_ms": _percentiles(every_page),
        "queries": queries,
    }


def child(backend, count, repetitions, server, out):
    with tempfile.TemporaryDirectory(prefix="newsportal-bench-search-") as folder:
        folder = Path(folder)
        if backend == "sqlite":
            _setup(f"sqlite:///{folder / 'search.sqlite3'}", folder)
            results = measure(count, repetitions)
        else:
            import psycopg

            admin = f"{server.rstrip('/')}/postgres"
            with psycopg.connect(admin, autocommit=True) as db:
                db.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
                db.execute(f"CREATE DATABASE {DATABASE}")
            try:
                _setup(f"{server.rstrip('/')}/{DATABASE}", folder)
                results = measure(count, repetitions)
            finally:
                from django.db import connections

                connections.close_all()
                with psycopg.connect(admin, autocommit=True) as db:
                    db.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
    Path(out).write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")


# --- The parent: both backends, the table, the JSON ---------------------------


def run_backend(backend, count, repetitions, server):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    try:
        command = [
            *(sys.executable, "-m", "bench.search", "--child", backend, "--out", out),
            *("--articles", str(count), "--repetitions", str(repetitions), "--postgres", server),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            return {"error": done.stderr.strip().splitlines()[-1:] or ["failed"]}
        return json.loads(Path(out).read_text(encoding="utf-8"))
    finally:
        os.unlink(out)


def table(results):
    backends = [name for name, got in results["backends"].items() if "error" not in got]
    lines = [
        f"Search with {results['articles']:,} articles (ms; p50/p95 over"
        f" {results['repetitions']} interleaved runs; ids = ranked ids,"
        " page = ids + first 20 hits with snippets)",
        f"{'query':14} {'kind':30} "
        + " ".join(
            f"{name + ' matches':>18} {'ids p50/p95':>13} {'page p50/p95':>13}"
            for name in backends
        ),
    ]
    for number, (query, kind) in enumerate(QUERIES):
        cells = []
        for name in backends:
            row = results["backends"][name]["queries"][number]
            matches = f"{row['matches']}{'+' if row['capped'] else ''}"
            cells.append(
                f"{matches:>18} {row['ids_ms']['p50']:6.1f}/{row['ids_ms']['p95']:<6.1f}"
                f" {row['page_ms']['p50']:6.1f}/{row['page_ms']['p95']:<6.1f}"
            )
        width = 14 - sum(1 for char in query if ord(char) > 0x2E80)  # wide characters
        lines.append(f"{query:{max(width, 1)}} {kind:30} " + " ".join(cells))
    lines.append("")
    for name, got in results["backends"].items():
        if "error" in got:
            lines.append(f"{name}: not measured ({' '.join(got['error'])})")
            continue
        pages = got["all_pages_ms"]
        verdict = ""
        if name == "sqlite":
            verdict = "  ok" if pages["p50"] <= TARGET_P50_MS else "  MISSED"
            verdict += f" (target p50 ≤ {TARGET_P50_MS} ms)"
        lines.append(
            f"{name}: all pages p50 {pages['p50']:.1f} ms, p95 {pages['p95']:.1f} ms{verdict};"
            f" index build {got['index_build_s']:.1f} s for {got['indexed']:,} articles"
            f" ({(got['index_bytes'] or 0) / 2**20:.0f} MiB);"
            f" re-index one article p50 {got['reindex_one_ms']['p50']:.1f} ms"
        )
    return lines


def main(quick=False, server=None):
    from . import report

    server = server or os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER)
    count, repetitions = (2_000, 5) if quick else (ARTICLES, 30)
    started = time.perf_counter()
    results = {"articles": count, "repetitions": repetitions, "backends": {}}
    for backend in ("sqlite", "postgresql"):
        results["backends"][backend] = run_backend(backend, count, repetitions, server)
    path = report.write_json("search", results, time.perf_counter() - started, quick)
    print("\n".join(table(results)))
    print(f"\nwritten to {path} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2 000 articles, 5 runs")
    parser.add_argument("--postgres", help=f"PostgreSQL server URL (default {DEFAULT_SERVER})")
    # How the parent runs each backend:
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--articles", type=int, default=ARTICLES, help=argparse.SUPPRESS)
    parser.add_argument("--repetitions", type=int, default=30, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.articles, args.repetitions, args.postgres, args.out)
    else:
        main(quick=args.quick, server=args.postgres)
