"""
The lists a portal page is made of: headlines, latest, section blocks, hot
lists, keywords, related and neighbouring articles.

Each is one query whatever the number of articles or sections, so a page's
query count stays fixed as the archive grows.
"""

from datetime import timedelta

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
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
RELATED_CANDIDATES = 50  # per shared tag


def any_of(querysets):
    """
    The ids of several sliced querysets (each "the newest n of …"), as one
    subquery for ``pk__in``: ``UNION ALL`` of each as a derived table, which both
    PostgreSQL and SQLite accept. ``pk__in=a | pk__in=b …`` would say the same,
    but PostgreSQL answers it by walking the whole archive testing every row.
    Django's own ``union()`` would do on PostgreSQL, but SQLite refuses a
    ``LIMIT`` inside it, and the ``OR`` form costs SQLite half as much again.
    """
    parts, params = [], []
    for number, queryset in enumerate(querysets):
        ids = queryset.values("pk")
        # Compiled for the database the router reads articles from, as the outer query is.
        sql, part_params = ids.query.get_compiler(ids.db).as_sql()
        parts.append(f"SELECT * FROM ({sql}) AS part{number}")
        params.extend(part_params)
    return RawSQL(" UNION ALL ".join(parts), params) if parts else []


def featured(limit):
    return Article.objects.published().for_listing().filter(is_featured=True)[:limit]


def latest(limit, exclude=()):
    return Article.objects.published().for_listing().exclude(pk__in=exclude)[:limit]


def section_blocks(tree, per_section):
    """
    The newest articles of each top-level section and its sub-sections, in one
    query: for each top-level section, the ids of its newest ``per_section``
    articles (a small indexed subquery each), then those articles.
    """
    roots = tree.roots
    if not roots:
        return []
    public = Article.objects.published()
    root_of = {}
    newest = []
    for root in roots:
        ids = tree.descendant_ids(root.pk)
        root_of.update({section_id: root.pk for section_id in ids})
        newest.append(
            public.filter(section_id__in=ids).order_by("-published_at", "-id")[:per_section]
        )
    by_root = {}
    found = public.for_listing().filter(pk__in=any_of(newest)).order_by("-published_at", "-id")
    for article in found:
        by_root.setdefault(root_of[article.section_id], []).append(article)
    return [(root, by_root[root.pk]) for root in roots if root.pk in by_root]


def window_start(window, now=None):
    """
    The first hour bucket inside a rolling ``window``: views are kept per hour,
    so "the last 24 hours" is the current hour and the 23 before it.
    """
    now = now or timezone.now()
    return now.replace(minute=0, second=0, microsecond=0) - window + timedelta(hours=1)


def hot(limit, window, section_ids=None):
    """
    点击排行: the articles read most in the last ``window`` (DAY or WEEK),
    whenever they were published; the rolling totals are kept on the article.
    """
    field = "views_day" if window == DAY else "views_week"
    articles = (
        Article.objects.published()
        .for_listing()
        .filter(**{f"{field}__gt": 0})
        .annotate(recent_views=F(field))
    )
    if section_ids is not None:
        articles = articles.filter(section_id__in=section_ids)
    return articles.order_by(f"-{field}", "-published_at", "-pk")[:limit]


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
    article = "tagged_articles__content_object"
    published = f"{article}__published_at"
    tags = (
        # The conditions name the joined article itself (not ``__in`` a subquery of
        # public articles, which made PostgreSQL scan the whole archive).
        Tag.objects.filter(
            Q(**{f"{article}__status": Article.Status.PUBLISHED, f"{published}__lte": now})
            & (Q(**{f"{published}__gte": now - WEEK}) | Q(**{f"{article}__views_week__gt": 0}))
        )
        .annotate(
            views_day=Sum(f"{article}__views_day"),
            views_week=Sum(f"{article}__views_week"),
            new_day=Count(article, filter=Q(**{f"{published}__gte": now - DAY})),
            new_week=Count(article, filter=Q(**{f"{published}__gte": now - WEEK})),
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
    # Candidates: the newest articles of each shared tag. An older one could only
    # win on many more shared tags, which its recency weight rarely allows.
    candidates = any_of(
        Article.objects.published()
        .filter(tags=tag_id)
        .order_by("-published_at", "-id")[:RELATED_CANDIDATES]
        for tag_id in tag_ids
    )
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
        .filter(pk__in=candidates)
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
