"""
The articles ``python -m bench http`` serves: generated once into a JSON file,
then loaded into newsportal here and into the Wagtail site by its
``seed_news`` command, so both serve the same 10 000 articles.

Text comes from ``bench.search.Writer`` (short sentences of general news
words, a topic's words and a tail of invented names), about a third turned
into Traditional with OpenCC ``s2t``: a title, a two-sentence summary and a
body of about 1 500 characters under two or three ``<h2>`` sub-headings. Each
article gets two to four of the demo tags, a demo section, a publication time
within the last 60 days, and, if it is from the last week, some reads in the
hot lists' hour buckets. Nothing here is real news.

Run as child processes by ``bench.http``, with the environment it sets::

    python -m bench.seed generate FILE --count 10000
    python -m bench.seed load FILE [--limit 100] --out INFO.json
"""

import argparse
import io
import json
import time
from datetime import UTC, datetime, timedelta

from .search import GIVEN, SURNAMES, Writer

SEED = 2026
DAYS = 60
VIEWED_DAYS = 7
BATCH = 1000


def generate(count, now):
    """The site's sections and tags and ``count`` articles, reproducibly (fixed seed)."""
    from articles.demo import content
    from newsportal.conversion import HANS, HANT, converter

    s2t = converter("s2t").convert
    writer = Writer(seed=SEED)
    rng = writer.random
    slugs = [entry["slug"] for entry in content.SECTIONS]
    articles = []
    for number in range(count):
        title, summary, body = _article(writer)
        script = HANT if rng.random() < 1 / 3 else HANS
        if script == HANT:
            title, summary, body = s2t(title), s2t(summary), s2t(body)
        age = timedelta(seconds=rng.uniform(60, DAYS * 86400))
        articles.append(
            {
                "n": number,
                "title": title,
                "summary": summary,
                "body": body,
                "script": script,
                "section": rng.choice(slugs),
                "tags": rng.sample(content.TAGS, rng.randint(2, 4)),
                "published_at": (now - age).isoformat(),
                "featured": rng.random() < 0.01,
                "author": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=2)),
                "views": _views(rng, age),
            }
        )
    sections = [
        {key: entry.get(key) for key in ("slug", "name", "parent", "position", "description")}
        for entry in content.SECTIONS
    ]
    return {
        "now": now.isoformat(),
        "sections": sections,
        "tags": content.TAGS,
        "articles": articles,
    }


def _article(writer):
    """(title, summary, body HTML) in Simplified: ~1 500 characters under 2–3 sub-headings."""
    rng = writer.random
    topic = writer.topics[rng.choice(list(writer.topics))]
    title = "".join(
        writer.words(topic, 2) + writer.words(writer.tail, 1) + writer.words(writer.general, 2)
    )
    summary = writer.sentence(topic) + writer.sentence(topic)
    parts = []
    headings = rng.choice((2, 3))
    size = rng.randint(1100, 1500) // headings
    for _ in range(headings):
        heading = "".join(writer.words(topic, 1) + writer.words(writer.general, 2))
        parts.append(f"<h2>{heading}</h2>")
        left = size
        while left > 0:
            paragraph = "".join(writer.sentence(topic) for _ in range(rng.randint(3, 6)))
            parts.append(f"<p>{paragraph}</p>")
            left -= len(paragraph)
    return title, summary, "".join(parts)


def _views(rng, age):
    """``[[hours ago, reads], …]`` for an article of the last week: a few hours, fading."""
    hours = int(age.total_seconds() // 3600)
    if hours >= VIEWED_DAYS * 24:
        return []
    picked = sorted({rng.randint(0, hours) for _ in range(rng.randint(1, 6))})
    return [[ago, 1 + int(20 * rng.paretovariate(1.2) * 0.97**ago)] for ago in picked]


# --- Loading into newsportal ------------------------------------------------------


def load(data, limit):
    """
    Migrate, load the demo (sections, tags, accounts), then the generated
    articles with ``bulk_create``, their tags, the search index and their reads.
    """
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    from articles import view_counts
    from articles.models import Article, Section, Tag, TaggedArticle

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("loaddemo", stdout=io.StringIO())
    sections = {section.slug: section for section in Section.objects.all()}
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=data["tags"])}
    items = data["articles"][:limit] if limit else data["articles"]
    articles = [
        Article(
            title=item["title"],
            summary=item["summary"],
            body=item["body"],
            section=sections[item["section"]],
            status=Article.Status.PUBLISHED,
            published_at=datetime.fromisoformat(item["published_at"]),
            is_featured=item["featured"],
            author=item["author"],
            source="本网讯",
            field_scripts=dict.fromkeys(Article.SCRIPTED_FIELDS, item["script"]),
        )
        for item in items
    ]
    Article.objects.bulk_create(articles, batch_size=BATCH)
    TaggedArticle.objects.bulk_create(
        [
            TaggedArticle(content_object=article, tag=tags[name])
            for article, item in zip(articles, items, strict=True)
            for name in item["tags"]
        ],
        batch_size=BATCH,
    )
    call_command("rebuild_search_index", stdout=io.StringIO())
    now = time.time()
    reads = {
        (article.pk, view_counts.hour_of(now - ago * 3600)): count
        for article, item in zip(articles, items, strict=True)
        for ago, count in item["views"]
    }
    view_counts.store(reads)
    with connection.cursor() as cursor:
        # As a live database would be; and autovacuum has nothing left to do mid-run.
        cursor.execute("VACUUM ANALYZE")
    return {
        "articles": len(articles),
        "reads": sum(reads.values()),
        "seconds": time.perf_counter() - started,
        "tag_slugs": {tag.name: tag.slug for tag in tags.values()},
        "pks": {item["n"]: article.pk for article, item in zip(articles, items, strict=True)},
    }


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.seed", description=__doc__)
    parser.add_argument("action", choices=["generate", "load"])
    parser.add_argument("file", help="the generated articles (JSON)")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--limit", type=int, help="load only the first N articles")
    parser.add_argument("--out", help="where load writes what it made (JSON)")
    args = parser.parse_args()
    if args.action == "generate":
        import django

        django.setup()
        data = generate(args.count, datetime.now(UTC).replace(microsecond=0))
        with open(args.file, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False)
        return
    with open(args.file, encoding="utf-8") as handle:
        data = json.load(handle)
    info = load(data, args.limit)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(info, handle)


if __name__ == "__main__":
    main()
