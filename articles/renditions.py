"""
Renditions: the sizes pages serve, cut once from the stored image.

They are made when a model is saved with a new file (``sync_renditions``,
connected to ``post_save`` in ``apps.py``), however it was saved, so a cover
saved outside the admin (the demo loader) gets them too. Pages only read the
names recorded in ``Article.cover_renditions`` / ``ArticleImage.renditions``.
The stored file is read back through ``images`` (size limit, decode,
normalise): a file put in storage by other means is checked like an upload.

- Sizes: each of ``WIDTHS`` below the image's own width, never upscaled, as
  WebP plus JPEG (PNG when the image has transparency), for ``<picture>``.
- The watermark (``NEWSPORTAL_WATERMARK``) is drawn on renditions only, never
  on the stored master, which stays clean to cut again.
- Replaced covers are kept: django-reversion can restore an older version of
  an article, cover included. Library images cannot be replaced (bodies point
  at them by id); deleting one deletes its files once the delete is committed.
"""

import logging
import posixpath
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from .images import EXTENSIONS, QUALITY, decoded, encode, read_upload

logger = logging.getLogger(__name__)

WIDTHS = (320, 640, 1280)
WATERMARK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"  # Debian fonts-wqy-microhei
_SUFFIXES = {kind.lower(): suffix for kind, suffix in EXTENSIONS.items()}


def make_renditions(file):
    """
    Make and store the renditions of the stored image ``file`` (a FieldFile),
    watermarked if the site says so; returns what the model records.
    """
    storage, name = file.storage, file.name
    with storage.open(name, "rb") as stored:
        data = read_upload(stored)
    watermark = watermark_text()
    return store_renditions(storage, name, render_renditions(data, watermark), watermark)


def watermark_text():
    return getattr(settings, "NEWSPORTAL_WATERMARK", "").strip()


class Rendered(NamedTuple):
    """One rendition, encoded: ``files`` maps "webp" and "jpeg" (or "png") to bytes."""

    width: int
    height: int
    files: dict


def render_renditions(data, watermark=""):
    """
    The renditions of image ``data``, smallest first: at each of ``WIDTHS``
    below its own width (never upscaled), and its own width when that is at
    most the largest, each as WebP and JPEG (PNG if it has transparency),
    with ``watermark`` drawn on them if given.
    """
    _source, image = decoded(data)
    fallback = "PNG" if image.mode == "RGBA" else "JPEG"
    rendered = []
    source = image
    for width in sorted(_widths(image.width), reverse=True):
        height = max(1, round(image.height * width / image.width))
        if source.width != width:  # each from the next larger: as sharp, and faster
            source = source.resize((width, height), Image.Resampling.LANCZOS)
        frame = _watermarked(source, watermark) if watermark else source
        files = {f.lower(): encode(frame, f, QUALITY.get(f)) for f in ("WEBP", fallback)}
        rendered.append(Rendered(width, height, files))
    rendered.reverse()
    return rendered


def store_renditions(storage, name, rendered, watermark=""):
    """
    Store ``rendered`` (``render_renditions``) beside the image ``name``, named
    after it, so making them again replaces them; returns what the model records.
    """
    stem = posixpath.splitext(name)[0]
    sizes = []
    for width, height, files in rendered:
        entry = {"width": width, "height": height}
        for kind, content in files.items():
            entry[kind] = _store(storage, f"{stem}-{width}w.{_SUFFIXES[kind]}", content)
        sizes.append(entry)
    return {"source": name, "watermark": watermark, "sizes": sizes}


def _widths(width):
    """The rendition widths for an image ``width`` wide; one within 20% of it is left to it."""
    if width > WIDTHS[-1]:
        return list(WIDTHS)
    return [w for w in WIDTHS if w < width * 0.8] + [width]


def _store(storage, name, content):
    if storage.exists(name):  # made again from the same source: replace, do not suffix
        storage.delete(name)
    return storage.save(name, ContentFile(content))


def rendition_names(renditions):
    """Every file name a renditions record mentions, its source excluded."""
    return {
        value
        for entry in (renditions or {}).get("sizes", [])
        for key, value in entry.items()
        if key not in ("width", "height")
    }


def sync_renditions(instance, field, attribute):
    """
    Make ``instance``'s renditions if its ``field`` file is not the one its
    ``attribute`` record was made from, and record them with an UPDATE of that
    column alone (derived data: no version claimed, nothing else overwritten).
    """
    file = getattr(instance, field)
    current = getattr(instance, attribute) or {}
    if (file.name or "") == current.get("source", ""):
        return
    renditions = {}
    if file.name:
        try:
            renditions = make_renditions(file)
        except (ValidationError, OSError) as error:  # a file stored by other means
            logger.warning("No renditions for %s: %s", file.name, error)
    type(instance)._base_manager.filter(pk=instance.pk).update(**{attribute: renditions})
    setattr(instance, attribute, renditions)


def article_saved(sender, instance, raw=False, **kwargs):
    """Fixtures and restored revisions bring their renditions record with them (``raw``)."""
    if not raw:
        sync_renditions(instance, "cover", "cover_renditions")


def library_image_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        sync_renditions(instance, "image", "renditions")


def library_image_deleted(sender, instance, using=None, **kwargs):
    """Its files go once the delete is committed: a rolled-back delete keeps them."""
    storage = instance.image.storage
    names = {instance.image.name, *rendition_names(instance.renditions)} - {""}

    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete, using=using)


def _watermarked(image, text):
    """
    A copy of ``image`` with ``text`` bottom right: light letters with a dark
    outline, readable on light and dark pictures alike. Left off an image too
    narrow to hold it.
    """
    size = max(12, round(image.width / 40))
    font = _font(size)
    length = font.getlength(text)
    if length > image.width * 0.5:
        size = int(size * image.width * 0.5 / length)
        if size < 9:
            return image
        font = _font(size)
    margin = max(4, size // 2)
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    ImageDraw.Draw(layer).text(
        (image.width - margin, image.height - margin),
        text,
        font=font,
        anchor="rd",
        fill=(255, 255, 255, 220),
        stroke_width=max(1, size // 10),
        stroke_fill=(0, 0, 0, 190),
    )
    marked = image.convert("RGBA")
    marked.alpha_composite(layer)
    return marked if image.mode == "RGBA" else marked.convert(image.mode)


def _font(size):
    """
    A CJK font if the system has one, Pillow's own otherwise (Latin letters
    only). Loaded per call (about 1 ms): a FreeType face is not safe to share
    between threads.
    """
    try:
        return ImageFont.truetype(WATERMARK_FONT, size)
    except OSError:
        return ImageFont.load_default(size)
