"""
The lists a portal page is made of: headlines, latest, section blocks, hot
lists, keywords, related and neighbouring articles.

Each is one query whatever the number of articles or sections, so a page's
query count stays fixed as the archive grows.
"""

from datetime import timedelta

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from .models import Article, Tag

DAY = timedelta(hours=24)
WEEK = timedelta(days=7)
# 今日关键词: a new article with a tag weighs as much as this many reader views,
# so what the newsroom covers today shows before readers have found it.
NEW_ARTICLE_WEIGHT = 20
# Related articles: shared tags count less as an article ages.
RECENCY_WEIGHTS = ((timedelta(days=2), 1.0), (WEEK, 0.8), (timedelta(days=30), 0.6),
                   (timedelta(days=90), 0.4), (timedelta(days=365), 0.25))  # fmt: skip
OLD_WEIGHT = 0.1


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


def window_start(window, now=None):
    """
    The first hour bucket inside a rolling ``window``: views are kept per hour,
    so "the last 24 hours" is the current hour and the 23 before it.
    """
    now = now or timezone.now()
    return now.replace(minute=0, second=0, microsecond=0) - window + timedelta(hours=1)


def hot(limit, window, section_ids=None):
    """点击排行: the articles read most in the last ``window``, whenever they were published."""
    articles = (
        Article.objects.published()
        .for_listing()
        .filter(hourly_views__hour__gte=window_start(window))
        .annotate(recent_views=Sum("hourly_views__views"))
    )
    if section_ids is not None:
        articles = articles.filter(section_id__in=section_ids)
    return articles.order_by("-recent_views", "-published_at", "-pk")[:limit]


def hot_lists(limit, section_ids=None):
    """The day's and the week's hot lists, for ``includes/hot_list.html``."""
    return {
        "day": list(hot(limit, DAY, section_ids)),
        "week": list(hot(limit, WEEK, section_ids)),
    }


def keywords(limit):
    """
    今日关键词: the tags whose articles were read most and written most in the
    last 24 hours (a new article counts as ``NEW_ARTICLE_WEIGHT`` views), then,
    to fill the strip on a quiet day, the week's. One query whatever the number
    of tags or articles.
    """
    now = timezone.now()
    day_start, week_start = window_start(DAY, now), window_start(WEEK, now)
    article = "tagged_articles__content_object"
    views = f"{article}__hourly_views__views"
    hour = f"{article}__hourly_views__hour"
    published = f"{article}__published_at"
    tags = (
        Tag.objects.filter(
            Q(**{f"{article}__in": Article.objects.published()})
            & (Q(**{f"{published}__gte": now - WEEK}) | Q(**{f"{hour}__gte": week_start}))
        )
        .annotate(
            views_day=Sum(views, filter=Q(**{f"{hour}__gte": day_start}), default=0),
            views_week=Sum(views, filter=Q(**{f"{hour}__gte": week_start}), default=0),
            new_day=Count(article, filter=Q(**{f"{published}__gte": now - DAY}), distinct=True),
            new_week=Count(article, filter=Q(**{f"{published}__gte": now - WEEK}), distinct=True),
        )
        .annotate(
            today=F("views_day") + F("new_day") * NEW_ARTICLE_WEIGHT,
            this_week=F("views_week") + F("new_week") * NEW_ARTICLE_WEIGHT,
        )
        .filter(this_week__gt=0)
        .order_by("-today", "-this_week", "name")
    )
    return list(tags[:limit])


def related(article, limit):
    """
    Articles sharing tags with ``article``: the number of shared tags, weighted
    down as an article ages (``RECENCY_WEIGHTS``), so a fresh story on the same
    subject comes before an old one sharing one more tag; newest first among equals.
    """
    tag_ids = [tag.pk for tag in article.tags.all()]
    if not tag_ids:
        return []
    now = timezone.now()
    recency = Case(
        *[
            When(published_at__gte=now - age, then=Value(weight))
            for age, weight in RECENCY_WEIGHTS
        ],
        default=Value(OLD_WEIGHT),
        output_field=FloatField(),
    )
    return (
        Article.objects.published()
        .for_listing()
        .exclude(pk=article.pk)
        .filter(tags__in=tag_ids)
        .annotate(shared=Count("tags"))
        .annotate(score=ExpressionWrapper(F("shared") * recency, output_field=FloatField()))
        .order_by("-score", "-published_at", "-pk")[:limit]
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
