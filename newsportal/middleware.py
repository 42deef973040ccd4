"""
Script-variant middleware: which variant a request is for, and the page in it.

The variant comes from the URL prefix alone (``/zh-hant/…``), so a page's bytes
depend only on its path and any cache keyed by path is correct. Only unprefixed
URLs consult the remembered choice and ``Accept-Language``; Django's
``LocaleMiddleware`` then redirects them and marks the redirect with ``Vary``.
"""

import functools

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from . import glossary
from .conversion import HANS, VARIANTS, convert_html, converter, script_counts


def variant_codes():
    return [code for code, _label in settings.LANGUAGES]


def variant_from_path(path):
    """The variant a path's first segment names, or None."""
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in variant_codes() else None


# Accept-Language tags (lower case) and the variant each one asks for; the first
# entry that is enabled in settings.LANGUAGES wins.
ACCEPT_LANGUAGE_VARIANTS = {
    "zh-tw": ("zh-tw", "zh-hant"),
    "zh-hk": ("zh-hk", "zh-hant"),
    "zh-mo": ("zh-hk", "zh-hant"),
    "zh-hant": ("zh-hant",),
    "zh-hant-tw": ("zh-tw", "zh-hant"),
    "zh-hant-hk": ("zh-hk", "zh-hant"),
    "zh-hant-mo": ("zh-hk", "zh-hant"),
}


def variant_from_accept_language(header):
    """
    The variant a browser asks for. Any Chinese tag not naming a Traditional
    region or script means Simplified; a non-Chinese first choice is skipped.
    """
    enabled = variant_codes()
    try:
        choices = parse_accept_lang_header(header[:1000])
    except ValueError:
        return None
    for tag, quality in choices:
        tag = tag.lower()
        if quality <= 0 or tag == "*" or not (tag == "zh" or tag.startswith("zh-")):
            continue  # q=0 means "not this one"
        candidates = ACCEPT_LANGUAGE_VARIANTS.get(tag)
        if candidates is None and tag.startswith("zh-hant"):
            candidates = ("zh-hant",)
        for code in candidates or ("zh-hans",):
            if code in enabled:
                return code
    return None


def preferred_variant(request):
    """The remembered choice, else Accept-Language, else the default variant."""
    remembered = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if remembered in variant_codes():
        return remembered
    accepted = variant_from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
    return accepted or settings.LANGUAGE_CODE


def interface_language(code):
    """The language with Django catalogues for ``code``'s script: zh-hans or zh-hant."""
    return "zh-hans" if VARIANTS[code].script == HANS else "zh-hant"


def remember_variant(request, response, variant):
    """Remember the variant of a prefixed page the reader opened, for their next unprefixed URL."""
    if (
        variant
        and response.status_code < 400
        and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != variant
    ):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            variant,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )


class VariantMiddleware(LocaleMiddleware):
    """
    Django's LocaleMiddleware with our rules for picking a variant, and it
    remembers the variant of every prefixed page a reader visits.

    Django's own resolution would also honour regional tags by its fallback
    table, but that maps zh-MO and zh-HK as Django sees fit, not as our readers
    expect; so the choice is made here and Django does the redirecting.
    """

    def process_request(self, request):
        variant = variant_from_path(request.path_info)
        request.variant = variant
        request.preferred_variant = variant or preferred_variant(request)
        if variant:
            translation.activate(variant)
        else:
            # Unprefixed pages (the admin) are never converted: they speak the
            # script of the reader's choice through Django's own catalogues,
            # which exist for zh-hans and zh-hant only.
            translation.activate(interface_language(request.preferred_variant))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if response.status_code == 404 and not getattr(request, "variant", None):
            # Django redirects an unprefixed public URL to the active language:
            # that must be the reader's exact variant, not the admin's script.
            translation.activate(getattr(request, "preferred_variant", settings.LANGUAGE_CODE))
        response = super().process_response(request, response)
        remember_variant(request, response, getattr(request, "variant", None))
        return response


class ConversionMiddleware:
    """
    Converts prefixed HTML pages to the reader's variant, like GZipMiddleware
    rewrites a body: streaming, non-HTML and already-encoded responses pass
    untouched, and Content-Length is fixed afterwards. The admin and every
    other unprefixed URL is never converted.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        # Settings are read once; converters and script tables are built once per
        # process, here rather than on some reader's first page.
        self.enabled = set(variant_codes())
        for code in self.enabled:
            for config in (VARIANTS[code].from_hans, VARIANTS[code].from_hant):
                if config:
                    converter(config)
        script_counts("")

    def __call__(self, request):
        # One glossary per request, read on first use: template tags that convert text the
        # page walk cannot reach (JSON-LD strings) share it instead of reading it again.
        rules = request.conversion_rules = functools.cache(glossary.current)
        response = self.get_response(request)
        variant = getattr(request, "variant", None)
        if variant not in self.enabled:
            return response
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if (
            response.streaming
            or response.has_header("Content-Encoding")
            or content_type != "text/html"
        ):
            return response
        # Undecodable bytes ride through as lone surrogates (the converter leaves
        # them alone) and come back out as the same bytes.
        charset = response.charset or "utf-8"
        html = response.content.decode(charset, errors="surrogateescape")
        # The interface strings were translated into the variant's own script.
        html = convert_html(html, variant, VARIANTS[variant].script, rules())
        response.content = html.encode(charset, errors="surrogateescape")
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        response["Content-Language"] = VARIANTS[variant].lang
        return response
