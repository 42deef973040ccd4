"""
Images in reader pages, served from the renditions made at upload: a
``<picture>`` with a WebP ``srcset`` and a JPEG/PNG fallback ladder, intrinsic
``width``/``height`` (no layout shift) and alt text. Rendering only reads the
names recorded on the model; nothing is decoded or resized here.
"""

import html
import re

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from articles.models import ArticleImage
from newsportal.conversion import detect_script

register = template.Library()

# The story column (portal.css): .story-body is 40em of 17px text, the cover its 48rem column.
BODY_SIZES = "(min-width: 45em) 680px, 100vw"

# nh3 writes tags in one shape (lower-case names, values in double quotes), so they match exactly.
_IMG = re.compile(r"<img\s[^>]*>")
_ATTRIBUTE = re.compile(r'([a-z][a-z0-9-]*)="([^"]*)"')
_DATA_IMAGE = re.compile(r'\sdata-image="([0-9]{1,18})"')


def picture(storage, renditions, alt, sizes, **options):
    """
    The HTML of one image from its ``renditions`` record, or None if it has
    none. ``options``: ``lang``, ``title``, ``loading`` ("lazy" unless given),
    ``priority`` (fetchpriority="high", for the image a page is about).
    """
    ladder = (renditions or {}).get("sizes")
    if not ladder:
        return None
    largest = ladder[-1]
    context = {
        "webp_srcset": _srcset(storage, ladder, "webp"),
        "srcset": _srcset(storage, ladder, "jpeg", "png"),
        "src": storage.url(_fallback(largest)),
        "width": largest["width"],
        "height": largest["height"],
        "sizes": sizes,
        "alt": alt,
        "loading": "lazy",
        **options,
    }
    return _render(context)


def _fallback(entry):
    return entry.get("jpeg") or entry.get("png")


def _srcset(storage, ladder, *keys):
    names = ((next(filter(None, map(entry.get, keys)), None), entry["width"]) for entry in ladder)
    return ", ".join(f"{storage.url(name)} {width}w" for name, width in names if name)


def _render(context):
    return mark_safe(render_to_string("includes/picture.html", context).strip())


@register.simple_tag
def cover_picture(article, sizes, loading="lazy", decorative=False):
    """
    An article's cover. Its alt text is ``cover_alt`` (the caption for covers
    from before alt text was asked for), in its own script; ``decorative``
    (list thumbnails beside a linked title) gives alt="" so screen readers do
    not read the title twice. The first page view of an unprocessed cover
    shows the stored file as it is.
    """
    if not article.cover:
        return ""
    alt, lang = ("", "") if decorative else _cover_alt(article)
    storage = article.cover.storage
    options = {"lang": lang, "loading": loading, "priority": loading == "eager"}
    found = picture(storage, article.cover_renditions, alt, sizes, **options)
    if found is not None:
        return found
    return _render(
        {
            "src": article.cover.url,
            "width": article.cover_width,
            "height": article.cover_height,
            "alt": alt,
            **options,
        }
    )


def _cover_alt(article):
    for field in ("cover_alt", "cover_caption"):
        text = getattr(article, field).strip()
        if text:
            script = article.field_scripts.get(field)
            return text, script or detect_script(text, default=article.script_of("title"))
    return "", ""


@register.filter
def with_pictures(body):
    """
    Body HTML with each ``<img data-image="ID">`` the editor inserted served
    from that library image's renditions, keeping the alt (and lang, title)
    the editor wrote. One query for all the images of a body; an unknown id
    or a plain ``<img>`` stays as it is. ``body`` must be sanitised HTML (an
    article's body is, on save): it is marked safe, as ``|safe`` would.
    """
    if not body or "data-image=" not in body:
        return mark_safe(body)
    ids = {_image_id(tag) for tag in _IMG.findall(body)} - {None}
    if not ids:
        return mark_safe(body)
    renditions = dict(ArticleImage.objects.filter(pk__in=ids).values_list("pk", "renditions"))
    storage = ArticleImage._meta.get_field("image").storage

    def replace(match):
        tag = match.group()
        record = renditions.get(_image_id(tag))
        if not record:
            return tag
        attributes = {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(tag)}
        alt, lang, title = (attributes.get(name, "") for name in ("alt", "lang", "title"))
        return picture(storage, record, alt, BODY_SIZES, lang=lang, title=title) or tag

    return mark_safe(_IMG.sub(replace, body))


def _image_id(tag):
    found = _DATA_IMAGE.search(tag)
    return int(found.group(1)) if found else None
