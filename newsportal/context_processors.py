from django.conf import settings
from django.utils.translation import get_language

from .conversion import VARIANTS
from .middleware import variant_from_path


def variant_url(path, code):
    """``path`` (with its query) under the ``code`` prefix: the same page in that variant."""
    current = variant_from_path(path)
    if current is None:
        return f"/{code}{path}"
    return f"/{code}{path[len(current) + 1 :]}"


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
    return {"variant_links": links, "variant": VARIANTS.get(current)}


def site(request):
    return {"SITE_NAME": settings.SITE_NAME}
