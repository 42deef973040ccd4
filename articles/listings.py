"""
The lists a portal page is made of: headlines, latest, section blocks, hot
lists, keywords, related and neighbouring articles.

Each is one query whatever the number of articles or sections, so a page's
query count stays fixed as the archive grows.
"""

import re
from datetime import timedelta

from django.db.models import BigIntegerField, Case, Count, F, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from .models import Article, Tag

HOT_WINDOW = timedelta(days=7)
KEYWORD_WINDOWS = (timedelta(hours=24), timedelta(days=7))

_BOT = re.compile(r"bot|crawl|spider|slurp|preview|fetch|monitor|curl|wget|python-", re.I)


def featured(limit):
    return Article.objects.published().for_listing().filter(is_featured=True)[:limit]


def latest(limit, exclude=()):
    return Article.objects.published().for_listing().exclude(pk__in=exclude)[:limit]


def section_blocks(tree, per_section):
    """
    The newest articles of each top-level section and its sub-sections, in one
    query: rows are numbered within each top-level section and cut at ``per_section``.
    """
    roots = tree.roots
    if not roots:
        return []
    root_of = Case(
        *[
            When(section_id__in=tree.descendant_ids(root.pk), then=Value(root.pk))
            for root in roots
        ],
        output_field=BigIntegerField(),
    )
    rows = (
        Article.objects.published()
        .for_listing()
        .annotate(
            root=root_of,
            rank=Window(
                RowNumber(),
                partition_by=[F("root")],
                order_by=[F("published_at").desc(), F("id").desc()],
            ),
        )
        .filter(root__isnull=False, rank__lte=per_section)
        .order_by("root", "rank")
    )
    by_root = {}
    for article in rows:
        by_root.setdefault(article.root, []).append(article)
    return [(root, by_root[root.pk]) for root in roots if root.pk in by_root]


def hot(limit, section_ids=None):
    """点击排行: the most read articles of the last week."""
    articles = (
        Article.objects.published()
        .for_listing()
        .filter(published_at__gte=timezone.now() - HOT_WINDOW)
    )
    if section_ids is not None:
        articles = articles.filter(section_id__in=section_ids)
    return articles.order_by("-view_count", "-published_at")[:limit]


def keywords(limit):
    """
    今日关键词: the tags on the most articles published in the last 24 hours,
    or in the last week on a quiet day, so the strip is never empty.
    """
    now = timezone.now()
    for window in KEYWORD_WINDOWS:
        recent = Q(
            tagged_articles__content_object__status=Article.Status.PUBLISHED,
            tagged_articles__content_object__published_at__lte=now,
            tagged_articles__content_object__published_at__gte=now - window,
        )
        tags = list(
            Tag.objects.annotate(uses=Count("tagged_articles", filter=recent))
            .filter(uses__gt=0)
            .order_by("-uses", "name")[:limit]
        )
        if tags:
            return tags
    return []


def related(article, limit):
    """Articles sharing the most tags with ``article``, newest first among equals."""
    tag_ids = [tag.pk for tag in article.tags.all()]
    if not tag_ids:
        return []
    return (
        Article.objects.published()
        .for_listing()
        .exclude(pk=article.pk)
        .filter(tags__in=tag_ids)
        .annotate(shared=Count("tags"))
        .order_by("-shared", "-published_at")[:limit]
    )


def neighbours(article):
    """The previous (older) and next (newer) published article in the same section."""
    same_section = Article.objects.published().for_listing().filter(section=article.section)
    older = Q(published_at__lt=article.published_at) | Q(
        published_at=article.published_at, pk__lt=article.pk
    )
    newer = Q(published_at__gt=article.published_at) | Q(
        published_at=article.published_at, pk__gt=article.pk
    )
    previous = same_section.filter(older).order_by("-published_at", "-pk").first()
    following = same_section.filter(newer).order_by("published_at", "pk").first()
    return previous, following


def counts_as_view(request):
    """A reader's view: not a bot, not staff checking their own work."""
    if request.method != "GET" or request.user.is_staff:
        return False
    return not _BOT.search(request.headers.get("User-Agent", ""))
