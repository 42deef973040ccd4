"""
Structured data for search engines and link previews: schema.org JSON-LD
(``NewsArticle``, ``BreadcrumbList``) and the Open Graph values that need
Python (the locale, the cover image).

The JSON-LD is built as dicts and dumped here, never assembled in a template,
so a title holding quotes or ``</script>`` stays one JSON string inside one
script element. Its text is converted to the reader's variant here too: the
conversion middleware passes the content of ``<script>`` elements through
untouched (it is not HTML text), and only this code knows the script each
string was written in (title, author, section and tag names each have their
own), which one ``lang`` on the script element could not say.
"""

import json

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from newsportal import glossary
from newsportal.conversion import HANS, convert_text, detect_script

register = template.Library()

# Google shows at most 110 characters of a headline.
HEADLINE_LENGTH = 110

# Open Graph knows one locale per region, not per script. zh-hant (Traditional
# characters, Taiwan's standard forms via OpenCC s2tw, no regional phrasing) is
# closest to zh_TW; Facebook has no plain "Traditional" locale.
OG_LOCALES = {"zh-hans": "zh_CN", "zh-hant": "zh_TW", "zh-tw": "zh_TW", "zh-hk": "zh_HK"}

# As Django's json_script: nothing in the JSON can end the element or open markup.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def og_locale(variant):
    """The Open Graph locale (``zh_CN``…) of a ``Variant`` (the context's ``variant``)."""
    return OG_LOCALES.get(getattr(variant, "code", ""), "zh_CN")


def cover_image(article):
    """
    The largest JPEG (PNG for transparent covers) rendition of the cover, as
    {"name", "width", "height"}, or None: what link previews should fetch (WebP
    is not taken everywhere). A cover without renditions yet offers its stored file.
    """
    if not article.cover:
        return None
    for entry in reversed((article.cover_renditions or {}).get("sizes") or []):
        name = entry.get("jpeg") or entry.get("png")
        if name:
            return {"name": name, "width": entry["width"], "height": entry["height"]}
    return {
        "name": article.cover.name,
        "width": article.cover_width,
        "height": article.cover_height,
    }


def cover_urls(article, request):
    """Absolute URLs of the cover's JPEG/PNG renditions, largest first."""
    if not article.cover:
        return []
    storage = article.cover.storage
    ladder = (article.cover_renditions or {}).get("sizes") or []
    names = [entry.get("jpeg") or entry.get("png") for entry in reversed(ladder)]
    names = [name for name in names if name] or [article.cover.name]
    return [request.build_absolute_uri(storage.url(name)) for name in names]


@register.simple_tag(takes_context=True)
def og_image(context, article):
    """{"url", "width", "height"} of the cover for og:image, or None."""
    found = cover_image(article)
    if found is None:
        return None
    url = article.cover.storage.url(found["name"])
    return {**found, "url": context["request"].build_absolute_uri(url)}


class _Converter:
    """Strings as the reader's variant shows them, each from the script it was written in."""

    def __init__(self, request, variant, scope):
        self.request = request
        self.code = getattr(variant, "code", None)
        self.scope = scope
        self._rules = None

    def __call__(self, text, source):
        if not text or self.code is None:
            return text
        if self._rules is None:
            # The glossary the conversion middleware uses for this request, if it
            # shares it (``request.conversion_rules()``); else as of now (its
            # version check is one query).
            shared = getattr(self.request, "conversion_rules", None)
            self._rules = glossary.current() if shared is None else shared()
        return convert_text(text, source or HANS, self.code, self._rules, self.scope)


@register.filter
def iso8601(moment):
    """``moment`` in the site's time zone, to the second, with its UTC offset."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def news_article(article, request, variant, convert):
    """The ``NewsArticle`` of ``article``, its text in ``variant`` (by ``convert``)."""
    url = request.build_absolute_uri(article.get_absolute_url())
    headline = convert(article.title, article.script_of("title"))
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": _shortened(headline, HEADLINE_LENGTH),
        "description": convert(article.summary, article.script_of("summary")),
        "datePublished": iso8601(article.published_at),
        "dateModified": iso8601(article.updated_at or article.published_at),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "inLanguage": getattr(variant, "lang", "zh-Hans"),
        "articleSection": convert(article.section.name, article.section.script),
        "publisher": {
            "@type": "Organization",
            "name": convert(settings.SITE_NAME, detect_script(settings.SITE_NAME)),
            "url": request.build_absolute_uri(reverse("articles:home")),
            "logo": {
                "@type": "ImageObject",
                "url": request.build_absolute_uri(static("img/logo.svg")),
            },
        },
    }
    if article.author.strip():
        name = convert(article.author, article.script_of("author"))
        data["author"] = {"@type": "Person", "name": name}
    # The view prefetched the tags: .all() reads them, a filter would query again.
    keywords = [convert(tag.name, tag.script) for tag in article.tags.all()]
    if keywords:
        data["keywords"] = keywords
    images = cover_urls(article, request)
    if images:
        data["image"] = images
    return {key: value for key, value in data.items() if value not in (None, "")}


def breadcrumbs(article, request, variant, convert, ancestors):
    """Home → the section's ancestors → its section → the article, as a ``BreadcrumbList``."""
    variant_script = getattr(variant, "script", HANS)  # the interface catalogue's script
    trail = [(convert(gettext("首页"), variant_script), reverse("articles:home"))]
    for section in ancestors:
        trail.append((convert(section.name, section.script), section.get_absolute_url()))
    trail.append((convert(article.title, article.script_of("title")), article.get_absolute_url()))
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(path),
            }
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }


def _shortened(text, limit):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ld_json(data):
    """``data`` as a JSON-LD script element that no string in it can break out of."""
    dumped = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f'<script type="application/ld+json">{dumped.translate(_SCRIPT_ESCAPES)}</script>'


@register.simple_tag(takes_context=True)
def article_structured_data(context, article, ancestors):
    """
    The JSON-LD of an article page: its ``NewsArticle`` and ``BreadcrumbList``.
    ``ancestors`` is the view's list, from the root section down to the article's own.
    """
    request, variant = context["request"], context.get("variant")
    convert = _Converter(request, variant, article.pk)
    return mark_safe(
        ld_json(news_article(article, request, variant, convert))
        + "\n"
        + ld_json(breadcrumbs(article, request, variant, convert, ancestors))
    )
