"""
``manage.py seed_news ARTICLES.json [--limit N]``: the benchmark's generated
articles as a Wagtail page tree: the home page, a section page per section and
a news page per article, tagged.

``parent.add_child()`` is right for an editor's page but takes a lock, reads
the parent and writes a revision-free page one query after another, which for
10 000 pages takes far longer than the benchmark should. The tree is built the
way treebeard itself stores it instead: each news page gets its materialised
path (parent's path + its step in base 36), depth and ``url_path`` computed
here, the ``Page`` rows go in with ``bulk_create`` and the ``NewsPage`` rows
(multi-table inheritance, which ``bulk_create`` refuses) with one
``executemany``; then each section's ``numchild`` is set. The search index is
not built: serving pages never reads it.
"""

import json
import time
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import F
from taggit.models import Tag
from wagtail.models import Locale, Page, Site

from newsbench.models import NewsIndexPage, NewsPage, NewsPageTag, SectionPage

BATCH = 1000


class Command(BaseCommand):
    help = "Load the benchmark's generated articles as Wagtail pages."

    def add_arguments(self, parser):
        parser.add_argument("articles", help="the JSON file bench.seed wrote")
        parser.add_argument("--limit", type=int, help="only the first N articles")

    def handle(self, *args, articles, limit, **options):
        started = time.perf_counter()
        with open(articles, encoding="utf-8") as handle:
            data = json.load(handle)
        items = data["articles"][:limit] if limit else data["articles"]
        with transaction.atomic():
            home = _home()
            sections = _sections(home, data["sections"])
            tags = {name: Tag.objects.get_or_create(name=name)[0] for name in data["tags"]}
            pages = _news_pages(sections, items)
            NewsPageTag.objects.bulk_create(
                [
                    NewsPageTag(content_object_id=page.pk, tag=tags[name])
                    for page, item in zip(pages, items, strict=True)
                    for name in item["tags"]
                ],
                batch_size=BATCH,
            )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        self.stdout.write(f"{len(pages)} news pages in {time.perf_counter() - started:.1f} s")


def _home():
    """The news home at the top of the tree and the default site's root (no welcome page)."""
    root = Page.get_first_root_node()
    home = root.add_child(instance=NewsIndexPage(title="新闻门户", slug="news"))
    Site.objects.update(root_page=home)  # before the delete: a site cascades with its root
    Page.objects.filter(depth=2).exclude(pk=home.pk).delete()
    return home


def _sections(home, entries):
    by_slug = {}
    for entry in entries:  # parents come first
        parent = by_slug.get(entry["parent"], home)
        page = SectionPage(
            title=entry["name"],
            slug=entry["slug"],
            intro=entry.get("description", ""),
            show_in_menus=entry["parent"] is None,
        )
        by_slug[entry["slug"]] = parent.add_child(instance=page)
    for page in by_slug.values():
        page.refresh_from_db()  # paths and numchild as stored
    return by_slug


def _step(number):
    """Treebeard's step: ``number`` in base 36, ``Page.steplen`` digits."""
    digits = ""
    while number:
        number, digit = divmod(number, len(Page.alphabet))
        digits = Page.alphabet[digit] + digits
    return digits.rjust(Page.steplen, "0")


def _news_pages(sections, items):
    content_type = ContentType.objects.get_for_model(NewsPage)
    locale = Locale.get_default()
    taken = {slug: page.numchild for slug, page in sections.items()}
    pages = []
    for item in items:
        section = sections[item["section"]]
        taken[item["section"]] += 1
        slug = f"a{item['n']}"
        moment = datetime.fromisoformat(item["published_at"])
        pages.append(
            Page(
                title=item["title"],
                draft_title=item["title"],
                slug=slug,
                content_type=content_type,
                path=section.path + _step(taken[item["section"]]),
                depth=section.depth + 1,
                numchild=0,
                url_path=f"{section.url_path}{slug}/",
                live=True,
                has_unpublished_changes=False,
                first_published_at=moment,
                last_published_at=moment,
                locale=locale,
            )
        )
    Page.objects.bulk_create(pages, batch_size=BATCH)
    table = connection.ops.quote_name(NewsPage._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(NewsPage._meta.get_field(name).column)
        for name in ("page_ptr", "date", "intro", "body")
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s)",
            [
                (
                    page.pk,
                    datetime.fromisoformat(item["published_at"]),
                    item["summary"],
                    item["body"],
                )
                for page, item in zip(pages, items, strict=True)
            ],
        )
    for slug, section in sections.items():
        added = taken[slug] - section.numchild
        Page.objects.filter(pk=section.pk).update(numchild=F("numchild") + added)
    return pages
