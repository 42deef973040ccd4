"""
Public addresses of articles, sections and tags, remembered per process.

A home page links some 140 articles, sections and tags, several of them more
than once, and Django's ``reverse`` takes about 35 µs a call: 5 ms a page. An
address follows from the URL patterns, the active variant (the path prefix)
and the script prefix alone, so it is remembered under exactly those; the
memory is bounded (a few thousand short strings).
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


@functools.lru_cache(maxsize=8192)
def _reverse(viewname, kwargs, language, script_prefix, urlconf):
    return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))


def address(viewname, **kwargs):
    """``reverse(viewname, kwargs=kwargs)``, remembered."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reverse(
        viewname, tuple(sorted(kwargs.items())), get_language(), get_script_prefix(), urlconf
    )
