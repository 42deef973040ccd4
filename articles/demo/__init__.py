"""
Demo content for a fresh portal: sections, articles in both scripts, tags,
drawn covers and an editor account, so ``make run`` opens on a living site.

Loading only adds what is missing. Sections are found by slug, tags by name and
articles by title (so a retitled demo article comes back beside the edited one
on the next load); whatever is found is left exactly as it is, because an
editor may have rewritten, rescheduled or unpublished it while trying the
admin, and a re-run must not undo that. So publication times are set relative
to the first load and are not refreshed later, and a cover is drawn only for an
article being created (or when its demo file or a rendition of it has gone
missing from disk). Demo covers go through the upload pipeline: re-encoded,
with alt text and renditions.
"""

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from articles import images, view_counts
from articles.models import Article, HourlyViews, Section, Tag, TaggedArticle
from articles.renditions import (
    render_renditions,
    rendition_names,
    store_renditions,
    watermark_text,
)
from newsportal.conversion import detect_script

from . import content
from .covers import describe_cover, draw_cover

# One demo account per newsroom role (groups made by migration 0006), printed by
# loaddemo: demo accounts, not secrets.
EDITOR_USERNAME = "editor"
EDITOR_PASSWORD = "newsportal-demo"
ACCOUNTS = (
    ("chief", "主编", "主编 chief editor: everything, sections and glossary included"),
    ("editor", "编辑", "编辑 editor: edits and publishes in every demo section"),
    ("reporter", "记者", "记者 writer: writes drafts and submits them for review"),
)


@dataclass
class Report:
    """What a load created and what it found already there, by kind."""

    created: Counter = field(default_factory=Counter)
    present: Counter = field(default_factory=Counter)
    accounts_created: list = field(default_factory=list)
    accounts_present: list = field(default_factory=list)


def load(now=None):
    """Add the missing demo content in one transaction; returns a ``Report``."""
    now = now or timezone.now()
    report = Report()
    with transaction.atomic():
        sections = _load_sections(report)
        tags = _load_tags(report)
        _load_articles(sections, tags, now, report)
        _ensure_accounts(report)
    return report


def _load_sections(report):
    by_slug = {s.slug: s for s in Section.objects.filter(slug__in=_slugs())}
    for entry in content.SECTIONS:  # parents come before their children
        if entry["slug"] in by_slug:
            report.present["sections"] += 1
            continue
        section = Section(
            slug=entry["slug"],
            name=entry["name"],
            description=entry["description"],
            position=entry["position"],
            parent=by_slug.get(entry.get("parent")),
        )
        section.full_clean()  # the reserved-slug and loop checks the admin would run
        section.save()
        by_slug[section.slug] = section
        report.created["sections"] += 1
    return by_slug


def _slugs():
    return [entry["slug"] for entry in content.SECTIONS]


def _load_tags(report):
    by_name = {t.name: t for t in Tag.objects.filter(name__in=content.TAGS)}
    report.present["tags"] += len(by_name)
    for name in content.TAGS:
        if name not in by_name:
            by_name[name] = Tag.objects.create(name=name)
            report.created["tags"] += 1
    return by_name


def _load_articles(sections, tags, now, report):
    titles = [entry["title"] for entry in content.ARTICLES]
    existing = {a.title: a for a in Article.objects.filter(title__in=titles)}
    links, hours = [], []
    for entry in content.ARTICLES:
        article = existing.get(entry["title"])
        if article is not None:
            report.present["articles"] += 1
            _count(report, "covers", _restore_cover(article, entry))
            continue
        article = _build_article(entry, sections[entry["section"]], now)
        if entry.get("cover", True):
            _count(report, "covers", _attach_cover(article, entry))
        article.save()
        links += [TaggedArticle(content_object=article, tag=tags[n]) for n in entry["tags"]]
        hours += _hourly_views(article, entry, now)
        report.created["articles"] += 1
    TaggedArticle.objects.bulk_create(links)
    HourlyViews.objects.bulk_create(hours)
    view_counts.refresh_windows(now)
    report.created["tag links"] += len(links)


def _count(report, kind, drawn):
    """``drawn`` is True (created), False (found on disk) or None (nothing to count)."""
    if drawn is not None:
        (report.created if drawn else report.present)[kind] += 1


def _build_article(entry, section, now):
    status = entry.get("status", Article.Status.PUBLISHED)
    hours = entry["hours"]
    return Article(
        section=section,
        title=entry["title"],
        subtitle=entry.get("subtitle", ""),
        summary=entry["summary"],
        body=entry["body"].strip(),
        author=entry["author"],
        editor=entry["editor"],
        source=entry["source"],
        source_url=entry.get("source_url", ""),
        reprint_note=entry.get("reprint_note", ""),
        cover_caption=entry.get("caption", ""),
        status=status,
        published_at=None if hours is None else now - timedelta(hours=hours),
        is_featured=entry.get("featured", False),
        view_count=_views(entry, status),
    )


def _views(entry, status):
    """Plausible, stable read counts: older and featured articles have been read more."""
    hours = entry["hours"]
    if status != Article.Status.PUBLISHED or hours is None or hours < 0:
        return 0
    rng = random.Random(entry["key"])
    reads = rng.randint(300, 2400) * (1 + min(hours, 72) / 24)
    return int(reads * (2.5 if entry.get("featured") else 1))


def _hourly_views(article, entry, now):
    """
    Part of the demo read count spread over the article's first hours (at most
    a week), fading as it ages, so the day's and the week's hot lists differ.
    """
    if not article.view_count:
        return []
    rng = random.Random(f"{entry['key']}:hours")
    start = now.replace(minute=0, second=0, microsecond=0)
    ages = range(int(min(entry["hours"], 24 * 7 - 1)) + 1)
    weights = [math.exp(-age / 36) * rng.uniform(0.5, 1.5) for age in ages]
    scale = 0.6 * article.view_count / sum(weights)
    return [
        HourlyViews(
            article=article, hour=start - timedelta(hours=age), views=round(weight * scale)
        )
        for age, weight in zip(ages, weights, strict=True)
        if round(weight * scale)
    ]


def _cover_name(entry):
    """
    A stable name, not a generated one: a reset database with kept media finds
    its covers again instead of drawing a second copy, and an article whose
    cover is no longer this file has an editor's cover, which a load leaves alone.
    """
    return f"covers/demo/{entry['key']}.jpg"


def _attach_cover(article, entry):
    """
    Give a new article its cover, alt text and renditions: the drawn picture
    (or the file an earlier load left, if it is still there). True if drawn.
    """
    name = _cover_name(entry)
    storage = article.cover.storage
    master, rendered, watermark = _processed(entry["key"], watermark_text())
    drawn = not storage.exists(name)
    if drawn:
        storage.save(name, ContentFile(master))  # the name is free: it was just found missing
    article.cover = name  # the descriptor reads the dimensions back from the file
    article.cover_alt = describe_cover(entry["key"], detect_script(entry["title"]))
    # Recorded before the save, so the save's receiver finds them made.
    article.cover_renditions = store_renditions(storage, name, rendered, watermark)
    return drawn


def _restore_cover(article, entry):
    """
    Redraw a demo cover, or store its renditions again, where a file is gone
    (media wiped, database kept), in place under the same names. True if
    anything was redrawn, False if all is on disk, None if the article has no
    demo cover (an editor's).
    """
    name = article.cover.name
    if name != _cover_name(entry):
        return None
    storage = article.cover.storage
    renditions = article.cover_renditions
    on_disk = [name, *rendition_names(renditions)]
    if renditions.get("source") == name and all(map(storage.exists, on_disk)):
        return False
    master, rendered, watermark = _processed(entry["key"], watermark_text())
    if not storage.exists(name):
        storage.save(name, ContentFile(master))
    renditions = store_renditions(storage, name, rendered, watermark)
    Article.objects.filter(pk=article.pk).update(cover_renditions=renditions)
    return True


@cache
def _processed(key, watermark):
    """
    The demo cover ``key`` as an upload of it would be stored: (the re-encoded
    file, its renditions, the watermark on them). Drawn from the key alone, so
    a process makes each once, however often it loads the demo (tests do).
    """
    master = images.prepare(ContentFile(draw_cover(key), name="cover.jpg")).read()
    return master, render_renditions(master, watermark), watermark


def _ensure_accounts(report):
    """
    Create a staff account for each role, so a newcomer can try the newsroom as
    each of its people: the demo 编辑 is in charge of every top-level section
    (and so of every section). An existing account of that name is left
    alone, password and groups included.
    """
    user_model = get_user_model()
    for username, group_name, _description in ACCOUNTS:
        if user_model._default_manager.filter(username=username).exists():
            report.accounts_present.append(username)
            continue
        user = user_model._default_manager.create_user(
            username, password=EDITOR_PASSWORD, is_staff=True
        )
        user.groups.add(Group.objects.get(name=group_name))
        if group_name == "编辑":
            user.edited_sections.set(Section.objects.filter(parent=None))
        report.accounts_created.append(username)
