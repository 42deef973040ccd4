"""
RSS 2.0 and Atom feeds: the whole site, each section and each tag, per variant.

Feeds are XML, which the conversion middleware leaves alone (it rewrites HTML
only, and its tokenizer is made for HTML). So a feed converts its own text,
field by field, each from the script it was written in (``script_of``) with
the site's glossary and the article's own rules: exactly what the article page
shows that reader, and text written in the reader's script stays as written.

Django builds feeds from one ``Feed`` instance shared by every request, so
nothing about a request is kept on it: ``get_object`` returns a ``FeedScope``
holding the request, the variant and the entries, already converted, and the
item methods only read them.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape, linebreaks

from newsportal import glossary
from newsportal.conversion import HANS, VARIANTS, convert_text, detect_script

from .models import Article, Tag
from .sections import section_tree
from .text import clean_text

LIMIT = 30
ENCLOSURE_TYPES = {"jpeg": "image/jpeg", "png": "image/png"}


@dataclass
class Entry:
    """One article as a feed item, every text already in the reader's variant."""

    title: str
    description: str
    link: str
    author: str | None
    categories: list
    pubdate: object
    updateddate: object
    enclosures: list = field(default_factory=list)


@dataclass
class FeedScope:
    """What one request's feed is about, and its entries."""

    request: object
    variant: str
    rules: object
    title: str
    description: str
    link: str
    site_name: str = ""
    entries: list = field(default_factory=list)
    section_ids: list = field(default_factory=list)  # a section feed's sections
    tag: object = None  # a tag feed's tag

    def convert(self, text, source, scope=glossary.SITE):
        """``text`` written in ``source`` as this feed's reader sees it, safe for XML."""
        return clean_text(convert_text(text, source, self.variant, self.rules, scope))

    def absolute(self, url):
        return self.request.build_absolute_uri(url)


class ArticleFeed(Feed):
    """The site's newest public articles (RSS 2.0); subclasses narrow the list."""

    feed_type = Rss201rev2Feed

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Content-Language"] = VARIANTS[self._variant(request)].lang
        return response

    @staticmethod
    def _variant(request):
        variant = getattr(request, "variant", None)
        if variant not in VARIANTS:
            raise Http404("feeds live under a variant prefix")
        return variant

    def get_object(self, request, **kwargs):
        variant = self._variant(request)
        rules = glossary.current()
        scope = FeedScope(request, variant, rules, "", "", "")
        site_name = scope.convert(settings.SITE_NAME, detect_script(settings.SITE_NAME))
        scope.site_name = site_name
        self.describe(scope, site_name, **kwargs)
        articles = (
            self.filter(scope, Article.objects.published().for_listing(), **kwargs)
            .prefetch_related("tags")
            .order_by("-published_at", "-id")[:LIMIT]
        )
        scope.entries = [self.entry(scope, article) for article in articles]
        return scope

    def describe(self, scope, site_name):
        scope.title = site_name
        scope.description = site_name + scope.convert("最新文章", HANS)
        scope.link = scope.absolute(reverse("articles:home"))

    def filter(self, scope, articles):
        return articles

    def entry(self, scope, article):
        def text(name):
            return scope.convert(getattr(article, name), article.script_of(name), article.pk)

        section = article.section
        categories = [scope.convert(tag.name, tag.script) for tag in article.tags.all()]
        categories.append(scope.convert(section.name, section.script))
        summary = text("summary") or text("subtitle")
        return Entry(
            title=text("title"),
            description=linebreaks(escape(summary)) if summary else "",
            link=scope.absolute(article.get_absolute_url()),
            author=text("author") or None,
            categories=list(dict.fromkeys(categories)),
            pubdate=article.published_at,
            updateddate=article.updated_at,
            enclosures=cover_enclosures(scope, article),
        )

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["language"] = VARIANTS[obj.variant].lang
        return feed

    def title(self, obj):
        return obj.title

    def description(self, obj):
        return obj.description

    def subtitle(self, obj):
        return obj.description

    def link(self, obj):
        return obj.link

    def author_name(self, obj):
        """Atom wants an author for every entry: the site stands in for a missing one."""
        return obj.site_name

    def items(self, obj):
        return obj.entries

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.description

    def item_link(self, item):
        return item.link

    def item_author_name(self, item):
        return item.author

    def item_categories(self, item):
        return item.categories

    def item_pubdate(self, item):
        return item.pubdate

    def item_updateddate(self, item):
        return item.updateddate

    def item_enclosures(self, item):
        return item.enclosures


class SectionFeed(ArticleFeed):
    """An active section's articles, its sub-sections' included, as its page lists them."""

    def describe(self, scope, site_name, slug):
        tree = section_tree(scope.request)
        section = tree.by_slug.get(slug)
        if section is None:
            raise Http404("no such section")
        scope.section_ids = tree.descendant_ids(section.pk)
        name = scope.convert(section.name, section.script)
        scope.title = f"{name} - {site_name}"
        scope.description = scope.convert(
            section.description, section.script
        ) or f"{site_name}“{name}”" + scope.convert("栏目最新文章", HANS)
        scope.link = scope.absolute(section.get_absolute_url())

    def filter(self, scope, articles, slug):
        return articles.filter(section_id__in=scope.section_ids)


class TagFeed(ArticleFeed):
    """A tag's articles, as its page lists them."""

    def describe(self, scope, site_name, slug):
        scope.tag = get_object_or_404(Tag, slug=slug)
        name = scope.convert(scope.tag.name, scope.tag.script)
        scope.title = f"{name} - {site_name}"
        scope.description = (
            site_name
            + scope.convert("标签", HANS)
            + f"“{name}”"
            + (scope.convert("最新文章", HANS))
        )
        scope.link = scope.absolute(scope.tag.get_absolute_url())

    def filter(self, scope, articles, slug):
        return articles.filter(tags=scope.tag)


class AtomMixin:
    feed_type = Atom1Feed


class AtomFeed(AtomMixin, ArticleFeed):
    pass


class SectionAtomFeed(AtomMixin, SectionFeed):
    pass


class TagAtomFeed(AtomMixin, TagFeed):
    pass


def cover_enclosures(scope, article):
    """
    The cover's largest JPEG rendition (PNG if it has transparency), with its
    size in bytes as RSS requires: one stat per item, only for items with a cover.
    """
    sizes = (article.cover_renditions or {}).get("sizes") or []
    for entry in sorted(sizes, key=lambda e: e.get("width", 0), reverse=True):
        for kind, mime_type in ENCLOSURE_TYPES.items():
            name = entry.get(kind)
            if not name:
                continue
            storage = article.cover.storage
            try:
                length = storage.size(name)
            except (OSError, NotImplementedError):
                return []  # a rendition gone from storage: no enclosure beats a wrong one
            url = scope.absolute(storage.url(name))
            return [Enclosure(url, str(length), mime_type)]
    return []
