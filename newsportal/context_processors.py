from urllib.parse import urlencode

from django.conf import settings
from django.utils.encoding import escape_uri_path
from django.utils.translation import get_language

from .conversion import VARIANTS
from .middleware import variant_from_path


def unprefixed(path):
    """``path`` (with its query) without its variant prefix."""
    current = variant_from_path(path)
    if current is None:
        return path
    return path[len(current) + 1 :] or "/"


def variant_url(path, code):
    """``path`` (with its query) under the ``code`` prefix: the same page in that variant."""
    return f"/{code}{unprefixed(path)}"


def variants(request):
    """The toggle: this same page in every variant, and which one is shown."""
    current = get_language()
    path = request.get_full_path()
    links = [
        {
            "code": code,
            "lang": VARIANTS[code].lang,
            "label": VARIANTS[code].label,
            "url": variant_url(path, code),
            "active": code == current,
        }
        for code, _label in settings.LANGUAGES
    ]
    return {"variant_links": links, "variant": VARIANTS.get(current), **seo_links(request)}


def seo_links(request):
    """
    For search engines: this page's own URL in its variant (canonical), the same
    page in every variant (hreflang), and the unprefixed URL, which redirects by
    the reader's preference (x-default). Of the query only ``page`` names another
    page (page 1 is the page itself); tracking parameters would split one page
    into many.
    """
    path = escape_uri_path(request.path)
    if variant_from_path(path) is None:
        return {}
    page = request.GET.get("page")
    query = "?" + urlencode({"page": page}) if page and page != "1" else ""
    alternates = [
        {"hreflang": VARIANTS[code].lang, "url": variant_url(path, code)}
        for code, _label in settings.LANGUAGES
    ]
    alternates.append({"hreflang": "x-default", "url": unprefixed(path)})
    for link in alternates:
        link["url"] = request.build_absolute_uri(link["url"] + query)
    canonical = request.build_absolute_uri(path + query)
    return {"canonical_url": canonical, "alternate_links": alternates}


def site(request):
    return {"SITE_NAME": settings.SITE_NAME}
