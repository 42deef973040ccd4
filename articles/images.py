"""
Uploaded images: checked and re-encoded once, at upload.

Every upload goes through ``prepare()`` (the cover field, the image library's
form and the body editor's endpoint all use ``ImageUploadField``), which
returns the file to store: never the uploaded bytes. The sizes pages serve
are cut from the stored file afterwards, in ``renditions``.

Policies, and why:

- Only JPEG, PNG, WebP and GIF are opened (the list goes to ``Image.open``):
  Pillow never runs another of its dozens of decoders on an upload. SVG and
  HTML are refused by name, because they can carry script.
- Memory is bounded before decoding: the byte limit is checked on the upload's
  size, the pixel limit on the header's dimensions (a refused bomb costs no
  memory), and Pillow's decompression bomb warning counts as a refusal. JPEGs
  decode scaled down (``draft``) when larger than the stored size needs; other
  formats decode whole, then are reduced by a whole factor before resampling.
  Measured peaks at the 40 MP limit: JPEG 85 MB, palette or grey 50 MB, 16-bit
  grey 115 MB, RGB PNG 190 MB, PNG with alpha 345 MB (Pillow premultiplies a
  full-size copy); lower ``NEWSPORTAL_IMAGE_MAX_PIXELS`` for smaller workers.
  Truncated files are refused (``LOAD_TRUNCATED_IMAGES`` stays off).
- Polyglots: a file is refused when its bytes hold markup or a PHP opener
  (``<script``, ``<html``, ``<svg``, ``<?php`` …) or end in a ZIP archive: no
  genuine picture does, and it is worth telling the editor. Payloads hidden
  where a scan cannot see them (compressed PNG text chunks, odd trailing bytes
  such as a phone's appended video) are neutralised instead: what is stored is
  re-encoded from the pixels alone, with no metadata, comments or trailing
  data, so nothing of the uploaded file reaches the disk.
- Metadata: EXIF orientation is applied, then all metadata (EXIF with GPS,
  XMP, comments, ICC) is dropped; pixels with an ICC profile other than sRGB
  are converted to sRGB first, so untagged output shows the same colours.
- Animated GIFs keep their first frame: renditions of every frame would
  multiply time, memory and storage by the frame count, and moving pictures
  in a news story should be video (which a reader can pause).
- The stored master is at most ``MASTER_SIDE`` on its long side, JPEG for
  JPEG uploads, PNG for PNG and GIF (lossless: screenshots, charts), WebP for
  WebP.
"""

import io
import logging
import posixpath
import re
import struct
import uuid
import warnings
import zlib

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

FORMATS = ["JPEG", "PNG", "WEBP", "GIF"]
ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
MAX_BYTES = 15 * 1024 * 1024  # settings.NEWSPORTAL_IMAGE_MAX_BYTES
MAX_PIXELS = 40_000_000  # settings.NEWSPORTAL_IMAGE_MAX_PIXELS
MASTER_SIDE = 2560  # twice the widest rendition: room for a larger one later
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
QUALITY = {"master": 88, "JPEG": 82, "WEBP": 80}

EMPTY = _("文件是空的，请重新选择图片。")
TOO_LARGE = _("图片文件太大（%(size)s MB），请压缩到 %(limit)s MB 以内再上传。")
NOT_RASTER = _("不支持 SVG 矢量图或网页文件，请上传 JPEG、PNG、WebP 或 GIF 图片。")
NOT_IMAGE = _("无法识别为图片：只支持 JPEG、PNG、WebP 和 GIF 格式。")
TOO_MANY_PIXELS = _(
    "图片尺寸太大（%(width)s×%(height)s 像素），总像素不能超过 %(limit)s 百万，请缩小后再上传。"
)
BOMB = _("图片声称的尺寸大得异常，可能是恶意文件，已拒绝。")
BROKEN = _("图片文件已损坏或不完整，请用图片软件重新导出后上传。")
POLYGLOT = _("图片文件中夹带了网页、脚本或压缩包内容，已拒绝。请用图片软件重新导出后上传。")

# Whatever Pillow's decoders raise on a broken or hostile file (ValidationError is none of them).
_BROKEN = (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError)
_BROKEN += (struct.error, zlib.error)
_MARKUP_START = re.compile(rb"\s*(?:\xef\xbb\xbf)?\s*<")
_MARKUP = re.compile(
    rb"<(?:script|html|body|head|iframe|object|embed|svg|meta|!doctype|\?php)[\s>/]",
    re.IGNORECASE,
)
_ZIP_END = b"PK\x05\x06"
_SRGB = ImageCms.createProfile("sRGB")
_REDUCIBLE = {"L", "LA", "RGB", "RGBA", "CMYK", "I"}


def storage_name(folder, filename):
    """
    A fresh name under ``folder/YYYY/MM/``: the uploader's file name never
    reaches the disk (no path tricks, no clashes, nothing personal in URLs).
    The extension is the one of the re-encoded file, set by the caller.
    """
    extension = posixpath.splitext(filename)[1].lower()[:5]
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


def max_bytes():
    return getattr(settings, "NEWSPORTAL_IMAGE_MAX_BYTES", MAX_BYTES)


def max_pixels():
    return getattr(settings, "NEWSPORTAL_IMAGE_MAX_PIXELS", MAX_PIXELS)


def read_upload(file):
    """The bytes of ``file``, refused if empty or over the limit before a byte is decoded."""
    limit = max_bytes()
    if file.size is not None and file.size > limit:
        raise _too_large(file.size, limit)
    file.seek(0)
    data = file.read(limit + 1)  # a size that lied cannot make us read more
    if not data:
        raise ValidationError(EMPTY, code="empty")
    if len(data) > limit:
        raise _too_large(len(data), limit)
    return data


def _too_large(size, limit):
    params = {"size": f"{size / 2**20:.1f}", "limit": f"{limit / 2**20:g}"}
    return ValidationError(TOO_LARGE, code="too_large", params=params)


def check_content(data):
    """Refuse markup and polyglots: see the module's docstring for why and what else."""
    if _MARKUP_START.match(data):
        raise ValidationError(NOT_RASTER, code="not_raster")
    if _MARKUP.search(data) or _ends_in_zip(data):
        raise ValidationError(POLYGLOT, code="polyglot")


def _ends_in_zip(data):
    """A ZIP's end record (with a comment length that reaches the end of the file) near the end."""
    start = max(0, len(data) - 22 - 0xFFFF)
    at = data.rfind(_ZIP_END, start)
    while at >= 0:
        if at + 22 <= len(data):
            (comment,) = struct.unpack_from("<H", data, at + 20)
            if at + 22 + comment == len(data):
                return True
        at = data.rfind(_ZIP_END, start, at)
    return False


def open_image(data):
    """
    ``data`` decoded, first frame only, as Pillow opened it (its ``format``
    and ``info`` kept), after the checks that bound memory; ValidationError if not.
    """
    if _MARKUP_START.match(data):
        raise ValidationError(NOT_RASTER, code="not_raster")
    # Not thread-safe before Python 3.14: a thread may briefly share the filter, which
    # only makes its own bomb warnings errors too; nothing else is filtered.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=FORMATS) as probe:
                _check_pixels(probe.size)
                probe.verify()
            picture = Image.open(io.BytesIO(data), formats=FORMATS)
            if picture.format in ("JPEG", "MPO"):  # MPO: a phone's JPEG with a second picture
                picture.draft(None, _fitted(picture.size, MASTER_SIDE))
            picture.load()
        except UnidentifiedImageError:
            raise ValidationError(NOT_IMAGE, code="not_image") from None
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ValidationError(BOMB, code="bomb") from None
        except _BROKEN:
            raise ValidationError(BROKEN, code="broken") from None
    return picture


def _check_pixels(size):
    width, height = size
    limit = max_pixels()
    if width * height > limit:
        params = {"width": width, "height": height, "limit": f"{limit / 1e6:g}"}
        raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels", params=params)


def _fitted(size, side):
    """``size`` scaled down to fit a ``side``-square box (never up)."""
    width, height = size
    scale = min(1, side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def decoded(data):
    """
    (the format, the image as stored) of upload ``data``: ``open_image`` then
    ``normalised``. A picture over twice the stored size is first reduced by a
    whole factor (cheap box averaging), and the full-size decode dropped as
    soon as that copy exists: it is the largest thing an upload ever holds.
    """
    picture = open_image(data)
    source = picture.format
    factor = max(picture.size) // MASTER_SIDE
    if factor >= 2 and picture.mode in _REDUCIBLE:
        picture = picture.reduce(factor)  # the only reference to the full size goes
    return source, normalised(picture)


def normalised(picture):
    """
    ``picture`` as it is stored: sRGB, 8 bits, RGB or RGBA (RGBA only if some
    pixel is transparent) or L, no larger than ``MASTER_SIDE``, turned as
    EXIF says. Its ``info`` still holds the source's metadata: ``encode`` drops it.
    """
    icc = picture.info.get("icc_profile")
    image = picture
    if image.mode in ("P", "PA", "1"):  # resizing a palette would pick pixels, not blend them
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    image.thumbnail((MASTER_SIDE, MASTER_SIDE), Image.Resampling.LANCZOS)
    if image.mode.startswith("I"):  # 16-bit greys: Pillow's convert would clip them
        image = image.convert("I").point(lambda value: value / 257).convert("L")
    elif image.mode not in ("RGB", "RGBA", "L", "CMYK"):
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        image = _to_srgb(image, icc)
    if image.mode == "CMYK":
        image = image.convert("RGB")
    if image.mode == "RGBA" and image.getchannel("A").getextrema() == (255, 255):
        image = image.convert("RGB")
    try:
        ImageOps.exif_transpose(image, in_place=True)
    except _BROKEN:
        logger.info("Unreadable EXIF orientation; the image is kept as decoded")
    return image


def _to_srgb(image, icc):
    """``image`` converted from its ICC profile to sRGB; as it is if the profile is unusable."""
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "sRGB" in ImageCms.getProfileDescription(profile):
            return image
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, profile, _SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, *_BROKEN):
        return image


def encode(image, kind, quality):
    """``image`` as a ``kind`` file's bytes, with nothing but pixels in it."""
    image.info = {}  # PNG would otherwise copy the source's ICC profile, for one
    out = io.BytesIO()
    if kind == "JPEG":
        image.save(out, "JPEG", quality=quality, optimize=True)
    elif kind == "WEBP":
        image.save(out, "WEBP", quality=quality, method=2)
    else:
        image.save(out, "PNG", compress_level=6)
    return out.getvalue()


def prepare(file):
    """
    Check the upload ``file`` and return the file to store instead: re-encoded
    from its pixels, named ``image.<extension of its format>``. Raises
    ValidationError with a message for the editor.
    """
    data = read_upload(file)
    check_content(data)
    source, image = decoded(data)
    kind = {"JPEG": "JPEG", "MPO": "JPEG", "WEBP": "WEBP"}.get(source, "PNG")  # GIF: PNG
    content = encode(image, kind, QUALITY["master"])
    return SimpleUploadedFile(f"image.{EXTENSIONS[kind]}", content, content_type=Image.MIME[kind])


class ImageUploadField(forms.ImageField):
    """
    The form field for every image upload. Its cleaned value is the file
    ``prepare`` returns, so what a form saves is never the uploaded bytes. The
    upload's name plays no part: its content decides, and the stored name is
    generated (so no extension check, and no limit on the name's length).
    """

    default_validators = []

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)  # Django's ImageField would decode it
        if upload is None:
            return None
        return prepare(upload)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if "accept" in attrs:
            attrs["accept"] = ACCEPT
        return attrs
