"""
Sitemaps: every public page once per script variant, each naming its siblings.

A page exists once per enabled variant (``/zh-hans/…``, ``/zh-hant/…``), and
search engines should show each reader the one in their script, so every entry
lists the others as ``hreflang`` alternates, plus the unprefixed URL as
``x-default`` (it redirects by the reader's remembered choice or
``Accept-Language``). Django builds all of that (``i18n``, ``alternates``,
``x_default``) but labels alternates with the ``settings.LANGUAGES`` codes,
lower case; ``hreflang`` wants the BCP 47 tags of the variant table (zh-Hant,
zh-TW), so ``VariantSitemap`` only relabels what Django produced.
"""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from newsportal import glossary
from newsportal.conversion import HANS, VARIANTS, convert_text

from .models import Article, Section, Tag


def hreflang(code):
    """The BCP 47 tag for a Django language code (x-default passes through)."""
    variant = VARIANTS.get(code)
    return variant.lang if variant else code


class VariantSitemap(Sitemap):
    """A sitemap listing each item once per enabled variant, with alternates."""

    i18n = True
    alternates = True
    x_default = True

    def __init__(self):
        self._locations = {}

    def _location(self, item, force_lang_code=None):
        """
        Django asks for an item's URL in a variant once for every entry it
        appears in (with 4 variants, 24 reverse() calls per item for 5 URLs);
        remember each for the request (the views build a sitemap per request).
        """
        key = (item[0].pk, force_lang_code or item[1])
        if key not in self._locations:
            self._locations[key] = super()._location(item, force_lang_code)
        return self._locations[key]

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            for alternate in url["alternates"]:
                alternate["lang_code"] = hreflang(alternate["lang_code"])
        return urls


class ArticleSitemap(VariantSitemap):
    def items(self):
        # Only what a URL and lastmod need: the body would make a 50 000-entry page heavy.
        return (
            Article.objects.published()
            .select_related("section")
            .only("updated_at", "section__slug")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        """For the index; Django's default would load every article to find it."""
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class SectionSitemap(VariantSitemap):
    def items(self):
        return Section.objects.active().only("slug")


class TagSitemap(VariantSitemap):
    """Tags with a published article: a tag page with nothing public is not worth a crawl."""

    def items(self):
        newest = (
            Article.objects.published()
            .filter(tags=OuterRef("pk"))
            .order_by("-updated_at")
            .values("updated_at")[:1]
        )
        return (
            Tag.objects.annotate(lastmod=Subquery(newest))
            .filter(lastmod__isnull=False)
            .only("slug")
            .order_by("pk")
        )

    def lastmod(self, tag):
        return tag.lastmod


class NewsSitemap(ArticleSitemap):
    """
    The Google News sitemap: articles published in the last 48 hours, each
    variant's URL with the headline in that variant's script. Google News
    knows two Chinese languages, zh-cn and zh-tw, by script.
    """

    limit = 1000  # the most a news sitemap may list
    window = timedelta(hours=48)

    def items(self):
        return (
            Article.objects.published()
            .filter(published_at__gte=timezone.now() - self.window)
            .select_related("section")
            .only("title", "field_scripts", "published_at", "updated_at", "section__slug")
            .order_by("-published_at", "-pk")
        )

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        rules = glossary.current()
        for url in urls:
            article, code = url["item"]
            url["news_language"] = "zh-cn" if VARIANTS[code].script == HANS else "zh-tw"
            url["news_title"] = convert_text(
                article.title, article.script_of("title"), code, rules, scope=article.pk
            )
        return urls


sitemaps = {
    "articles": ArticleSitemap,
    "news": NewsSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
}


def robots_txt(request):
    """Crawl everything readers see; the admin and the view beacon are no one's search result."""
    beacon = reverse("count-view", args=[0]).removesuffix("0/")
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {beacon}",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap-index'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
