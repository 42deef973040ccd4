"""
Image uploads: what is refused (and that nothing of it is stored), what is
stored (re-encoded, turned, stripped), the renditions and how pages serve them.

Every hostile file is built here with Pillow, in memory.
"""

import io
import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import ExifTags, Image, ImageCms
from pytest_django.asserts import assertContains, assertNotContains

from articles import images, renditions
from articles.models import Article, ArticleImage, EditConflict
from articles.templatetags.images import with_pictures

pytestmark = pytest.mark.django_db

UPLOAD_URL = "admin:articles_articleimage_upload"


# Pictures, honest and hostile.


def _photo(size=(800, 600), colour=None):
    """Something like a photo: smooth colour with noise (JPEG has real work to do)."""
    if colour:
        return Image.new("RGB", size, colour)
    noise = Image.effect_noise(size, 40)
    ramp = Image.linear_gradient("L").resize(size)
    return Image.merge("RGB", [ramp, noise, ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT)])


def _encoded(picture, fmt, **options):
    out = io.BytesIO()
    picture.save(out, fmt, **options)
    return out.getvalue()


def _jpeg(size=(800, 600), **options):
    return _encoded(_photo(size), "JPEG", quality=90, **options)


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_claiming(width, height):
    """A valid PNG header claiming ``width``×``height``, with a few bytes of pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + _chunk(b"IEND", b"")
    )


def _gif_claiming(width, height):
    return b"GIF89a" + struct.pack("<HH", width, height) + _encoded(_photo((8, 8)), "GIF")[10:]


def _jpeg_claiming(width, height):
    data = bytearray(_jpeg((64, 48)))
    frame = data.index(b"\xff\xc0")  # baseline start of frame: precision, height, width
    struct.pack_into(">HH", data, frame + 5, height, width)
    return bytes(data)


def _with_text_chunk(png, kind, payload):
    """``png`` with a text chunk (tEXt plain, zTXt compressed) before its pixels."""
    data = b"Comment\0" + (b"\0" + zlib.compress(payload) if kind == b"zTXt" else payload)
    at = png.index(b"IDAT") - 4
    return png[:at] + _chunk(kind, data) + png[at:]


def _zip(payload):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("shell.php", payload)
    return out.getvalue()


def _animated_gif():
    frames = [Image.new("RGB", (120, 80), colour) for colour in ("red", "lime", "blue")]
    return _encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)


def _exif_with_gps(orientation=1):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "CameraMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (31.0, 14.0, 7.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (121.0, 28.0, 12.25)
    return exif


def _swapped_profile():
    """An RGB ICC profile whose red is sRGB's green (and the reverse): its colours must move."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = struct.unpack_from(">I", data, 128)[0]
    entries = {}
    for number in range(count):
        signature, offset, size = struct.unpack_from(">4sII", data, 132 + 12 * number)
        entries[signature] = (number, offset, size)
    for signature, source in ((b"rXYZ", b"gXYZ"), (b"gXYZ", b"rXYZ"), (b"desc", b"cprt")):
        struct.pack_into(">4sII", data, 132 + 12 * entries[signature][0], signature,
                         *entries[source][1:])  # fmt: skip
    return bytes(data)


HOSTILE = {
    "decompression bomb (PNG claiming 30000×30000)": (_png_claiming(30000, 30000), images.BOMB),
    "too many pixels (PNG claiming 10000×5000)": (
        _png_claiming(10000, 5000),
        "图片尺寸太大（10000×5000 像素）",
    ),
    "GIF claiming 65535×65535": (_gif_claiming(65535, 65535), images.BOMB),
    "JPEG claiming 30000×30000": (_jpeg_claiming(30000, 30000), images.BOMB),
    "truncated JPEG": (_jpeg()[:6000], images.BROKEN),
    "truncated PNG": (_encoded(_photo(), "PNG")[:5000], images.BROKEN),
    "PNG with too few pixels for its size": (_png_claiming(2000, 1000), images.BROKEN),
    "text file named .jpg": (b"Just some notes, not a picture at all.\n" * 20, images.NOT_IMAGE),
    "fake PNG signature": (b"\x89PNG\r\n\x1a\n" + os.urandom(2000), images.NOT_IMAGE),
    "SVG": (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)'
        b"</script></svg>",
        images.NOT_RASTER,
    ),
    "HTML": (b"<!DOCTYPE html><html><body>hi</body></html>", images.NOT_RASTER),
    "BMP (a format not on the list)": (_encoded(_photo((40, 30)), "BMP"), images.NOT_IMAGE),
    "TIFF (a format not on the list)": (_encoded(_photo((40, 30)), "TIFF"), images.NOT_IMAGE),
    "GIF with HTML appended": (
        _encoded(_photo((40, 30)), "GIF") + b"<html><script>alert(document.cookie)</script>",
        images.POLYGLOT,
    ),
    "GIF with a script in its comment": (
        _encoded(_photo((40, 30)), "GIF", comment=b"<script src=//evil.example/x.js></script>"),
        images.POLYGLOT,
    ),
    "JPEG with PHP in its comment": (
        _jpeg(comment=b"<?php system($_GET['c']); ?>"),
        images.POLYGLOT,
    ),
    "PNG with an HTML text chunk": (
        _with_text_chunk(_encoded(_photo((40, 30)), "PNG"), b"tEXt", b"<html><body>x</body>"),
        images.POLYGLOT,
    ),
    "JPEG with a ZIP appended": (_jpeg() + _zip(b"not markup, just an archive"), images.POLYGLOT),
}


def _files(root):
    return sorted(p for p in Path(root).rglob("*") if p.is_file())


def _upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _article_form(section, **overrides):
    data = {
        "title": "带封面的文章",
        "section": section.pk,
        "tags": "",
        "body": "<p>正文。</p>",
        "cover_alt": "一张风景照片",
        "status": Article.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "script": "",
    }
    data.update(overrides)
    return data


def _post_cover(client, section, data, name="photo.jpg"):
    form = _article_form(section, cover=_upload(data, name))
    return client.post(reverse("admin:articles_article_add"), form)


def _post_library(client, data, name="photo.jpg", **fields):
    form = {"image": _upload(data, name), "alt": "一张照片", "caption": "", **fields}
    return client.post(reverse("admin:articles_articleimage_add"), form)


def _post_endpoint(client, data, name="photo.jpg", **fields):
    form = {"image": _upload(data, name), "alt": "一张照片", **fields}
    return client.post(reverse(UPLOAD_URL), form)


def _error_of(response, entry):
    """The error an entry point shows for its image field."""
    if entry == "endpoint":
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        return response.json()["error"]
    assert response.status_code == 200  # the form again, with its error
    form = response.context["adminform"].form
    return " ".join(form.errors["cover" if entry == "cover" else "image"])


ENTRY_POINTS = {"cover": _post_cover, "library": _post_library, "endpoint": _post_endpoint}


def _post(entry, client, section, data, name="photo.jpg"):
    if entry == "cover":
        return _post_cover(client, section, data, name)
    return ENTRY_POINTS[entry](client, data, name)


# Refusals: a clear message, nothing saved, nothing stored, never a 500.


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_file_is_refused_and_nothing_is_stored(
    case, entry, editor_client, section, media_root
):
    data, message = HOSTILE[case]
    response = _post(entry, editor_client, section, data)
    assert str(message)[:12] in _error_of(response, entry)
    assert not Article.objects.exists()
    assert not ArticleImage.objects.exists()
    assert _files(media_root) == []


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_empty_file_is_refused(entry, editor_client, section, media_root):
    response = _post(entry, editor_client, section, b"")
    assert "空" in _error_of(response, entry)
    assert _files(media_root) == []


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_oversized_file_is_refused_before_decoding(
    entry, editor_client, section, media_root, settings
):
    data = _jpeg((1600, 1200))
    settings.NEWSPORTAL_IMAGE_MAX_BYTES = len(data) - 1
    response = _post(entry, editor_client, section, data)
    assert "图片文件太大" in _error_of(response, entry)
    assert _files(media_root) == []


def test_size_is_checked_before_a_byte_is_decoded(settings, monkeypatch):
    settings.NEWSPORTAL_IMAGE_MAX_BYTES = 1000
    monkeypatch.setattr(Image, "open", None)  # decoding would raise TypeError, not refuse
    with pytest.raises(ValidationError) as refused:
        images.prepare(ContentFile(b"\xff\xd8" + b"\0" * 5000, name="big.jpg"))
    assert refused.value.code == "too_large"


def test_refusing_bombs_keeps_memory_bounded():
    """In a fresh process: decoding any of these would take gigabytes; refusing takes nothing."""
    script = """
import resource, struct, zlib, django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from articles import images
from tests.test_images import _gif_claiming, _jpeg_claiming, _png_claiming

bombs = [_png_claiming(30000, 30000), _png_claiming(9000, 9000), _png_claiming(6400, 6400),
         _gif_claiming(65535, 65535), _jpeg_claiming(60000, 60000)]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
codes = []
for data in bombs:
    try:
        images.prepare(ContentFile(data, name="bomb.png"))
    except ValidationError as error:
        codes.append(error.code)
print(codes, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": str(django_settings.BASE_DIR),
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=environment,
        cwd=django_settings.BASE_DIR,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    codes, growth_kib = done.stdout.strip().rsplit(" ", 1)
    assert codes == "['bomb', 'too_many_pixels', 'too_many_pixels', 'bomb', 'bomb']"
    assert int(growth_kib) < 30 * 1024


# What is stored.


def test_cover_upload_is_stored_under_a_generated_name_with_renditions(
    editor_client, section, media_root
):
    response = _post_cover(editor_client, section, _jpeg((1600, 1200)), name="../../我的 照片.JPG")
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.cover.name.startswith("covers/")
    assert Path(article.cover.name).stem.isalnum() and len(Path(article.cover.name).stem) == 32
    assert article.cover.name.endswith(".jpg")
    assert (article.cover_width, article.cover_height) == (1600, 1200)
    renditions = article.cover_renditions
    assert renditions["source"] == article.cover.name
    assert [(s["width"], s["height"]) for s in renditions["sizes"]] == [
        (320, 240),
        (640, 480),
        (1280, 960),
    ]
    for size in renditions["sizes"]:
        for kind, fmt in (("webp", "WEBP"), ("jpeg", "JPEG")):
            with Image.open(media_root / size[kind]) as picture:
                assert (picture.format, picture.size) == (fmt, (size["width"], size["height"]))
    assert len(_files(media_root)) == 7


def test_large_photo_is_stored_at_most_2560_wide(editor_client, section, media_root):
    _post_cover(editor_client, section, _jpeg((4000, 3000)))
    article = Article.objects.get()
    assert (article.cover_width, article.cover_height) == (2560, 1920)
    assert [s["width"] for s in article.cover_renditions["sizes"]] == [320, 640, 1280]


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (1200, [320, 640, 1200]),
        (700, [320, 700]),
        (330, [330]),
        (200, [200]),
        (1500, [320, 640, 1280]),
    ],
)
def test_renditions_are_never_upscaled(width, expected, editor_client, section):
    _post_cover(editor_client, section, _jpeg((width, width // 2)))
    renditions = Article.objects.get().cover_renditions
    assert [s["width"] for s in renditions["sizes"]] == expected


def test_exif_orientation_is_applied_and_metadata_stripped(editor_client, section, media_root):
    """Stored sideways with orientation 6 (turn right to view): red left half, blue right."""
    sideways = Image.new("RGB", (400, 200), "blue")
    sideways.paste("red", (0, 0, 200, 200))
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    data = _encoded(
        sideways,
        "JPEG",
        exif=_exif_with_gps(orientation=6),
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
        xmp=xmp,
        comment=b"shot at home",
    )
    with Image.open(io.BytesIO(data)) as original:  # what was uploaded really carries it all
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert {"icc_profile", "xmp", "comment"} <= set(original.info)
    _post_cover(editor_client, section, data)
    article = Article.objects.get()
    assert (article.cover_width, article.cover_height) == (200, 400)
    stored = [media_root / article.cover.name] + [
        media_root / size[kind]
        for size in article.cover_renditions["sizes"]
        for kind in ("webp", "jpeg")
    ]
    for path in stored:
        with Image.open(path) as picture:
            assert picture.height > picture.width
            assert picture.convert("RGB").getpixel((picture.width // 2, 5))[0] > 200  # red on top
            assert not picture.getexif()
            assert not {"exif", "icc_profile", "xmp", "comment", "XML:com.adobe.xmp"} & set(
                picture.info
            )
        content = path.read_bytes()
        for trace in (b"CameraMaker", b"shot at home", b"xmpmeta", b"Exif\0\0"):
            assert trace not in content


def test_colours_are_converted_to_srgb_before_the_profile_is_dropped():
    data = _encoded(Image.new("RGB", (64, 64), (255, 0, 0)), "PNG", icc_profile=_swapped_profile())
    stored = images.prepare(ContentFile(data, name="p3.png"))
    with Image.open(stored) as picture:
        assert "icc_profile" not in picture.info
        red, green, _blue = picture.convert("RGB").getpixel((10, 10))
    assert green > 200 and red < 60


def test_hidden_payloads_are_not_stored(editor_client, section, media_root):
    """Payloads a scan cannot see (compressed, or not markup) are accepted, and dropped."""
    jpeg = _jpeg(comment=b"PAYLOAD-comment-7f3a", exif=_exif_with_gps()) + b"PAYLOAD-trailer-7f3a"
    png = _with_text_chunk(_encoded(_photo(), "PNG"), b"zTXt", b"<script>alert(1)</script>")
    assert _error_of_prepare(jpeg) is None and _error_of_prepare(png) is None
    for data, name in ((jpeg, "a.jpg"), (png, "b.png")):
        response = _post_endpoint(editor_client, data, name=name)
        assert response.status_code == 201, response.content.decode()
    for path in _files(media_root):
        content = path.read_bytes()
        assert b"PAYLOAD" not in content
        assert b"zTXt" not in content and b"tEXt" not in content and b"iTXt" not in content
        with Image.open(path) as picture:
            assert not picture.getexif()
            assert not getattr(picture, "text", {})


def _error_of_prepare(data):
    try:
        images.prepare(ContentFile(data, name="x"))
    except ValidationError as error:
        return error.code
    return None


def test_animated_gif_keeps_its_first_frame(editor_client, media_root):
    response = _post_endpoint(editor_client, _animated_gif(), name="moving.gif")
    assert response.status_code == 201
    image = ArticleImage.objects.get()
    with Image.open(image.image.path) as picture:
        assert picture.format == "PNG"
        assert getattr(picture, "n_frames", 1) == 1
        assert picture.convert("RGB").getpixel((5, 5)) == (255, 0, 0)
    entry = image.renditions["sizes"][-1]
    with Image.open(media_root / entry["webp"]) as picture:
        assert not getattr(picture, "is_animated", False)


def test_phone_photo_with_a_second_picture_is_accepted(editor_client):
    """Phones write MPO (a JPEG carrying a second picture): Pillow names it so; it is a JPEG."""
    first, second = _photo((300, 200)), _photo((300, 200), colour="black")
    data = _encoded(first, "MPO", save_all=True, append_images=[second])
    with Image.open(io.BytesIO(data)) as picture:
        assert picture.format == "MPO"
    response = _post_endpoint(editor_client, data)
    assert response.status_code == 201
    assert ArticleImage.objects.get().image.name.endswith(".jpg")


def test_transparent_png_keeps_its_alpha_with_png_fallbacks(editor_client, media_root):
    logo = Image.new("RGBA", (900, 300), (0, 0, 0, 0))
    logo.paste((200, 30, 30, 255), (100, 100, 800, 200))
    _post_endpoint(editor_client, _encoded(logo, "PNG"), name="logo.png")
    image = ArticleImage.objects.get()
    assert image.image.name.endswith(".png")
    for size in image.renditions["sizes"]:
        assert "jpeg" not in size
        for kind in ("webp", "png"):
            with Image.open(media_root / size[kind]) as picture:
                assert picture.mode == "RGBA"
                assert picture.getpixel((0, 0))[3] == 0


def test_opaque_png_gets_jpeg_fallbacks_and_a_lossless_master(editor_client, media_root):
    chart = Image.new("RGBA", (700, 400), (255, 255, 255, 255))
    _post_endpoint(editor_client, _encoded(chart, "PNG"), name="chart.png")
    image = ArticleImage.objects.get()
    assert image.image.name.endswith(".png")
    with Image.open(image.image.path) as picture:
        assert picture.mode == "RGB"
    assert all("jpeg" in size for size in image.renditions["sizes"])


def test_sixteen_bit_greyscale_keeps_its_tones():
    grey = Image.new("I;16", (64, 64), 32768)
    stored = images.prepare(ContentFile(_encoded(grey, "PNG"), name="scan.png"))
    with Image.open(stored) as picture:
        assert picture.convert("L").getpixel((3, 3)) in range(120, 136)


# Renditions are made once, when the image changes, however the model is saved.


def test_model_saved_outside_the_admin_gets_renditions(make_article, media_root):
    cover = images.prepare(ContentFile(_jpeg((1000, 500)), name="x.jpg"))
    article = make_article(cover=cover, cover_alt="图")
    article.refresh_from_db()
    assert article.cover_renditions["source"] == article.cover.name
    assert [s["width"] for s in article.cover_renditions["sizes"]] == [320, 640, 1000]


def test_saving_again_or_viewing_makes_no_renditions(make_article, media_root, client):
    cover = images.prepare(ContentFile(_jpeg(), name="x.jpg"))
    article = make_article(cover=cover, cover_alt="图")
    files = {path: path.stat().st_mtime_ns for path in _files(media_root)}
    article.refresh_from_db()
    article.title = "改了标题"
    article.save()
    for url in ("/zh-hans/", article.section.get_absolute_url(), article.get_absolute_url()):
        assert client.get(url).status_code == 200
    assert {path: path.stat().st_mtime_ns for path in _files(media_root)} == files


def test_a_new_cover_gets_new_renditions_and_the_old_files_stay_for_revisions(
    make_article, media_root
):
    article = make_article(
        cover=images.prepare(ContentFile(_jpeg(), name="a.jpg")), cover_alt="图"
    )
    old = [media_root / article.cover.name] + [
        media_root / name for name in renditions.rendition_names(article.cover_renditions)
    ]
    article.refresh_from_db()
    article.cover = images.prepare(ContentFile(_jpeg((500, 500)), name="b.jpg"))
    article.save()
    article.refresh_from_db()
    assert article.cover_renditions["source"] == article.cover.name
    assert [s["width"] for s in article.cover_renditions["sizes"]] == [320, 500]
    assert all(path.exists() for path in old)
    article.cover = ""
    article.save()
    article.refresh_from_db()
    assert article.cover_renditions == {}


def test_recording_renditions_claims_no_version(make_article):
    """Renditions are no edit: the copy that saved the cover saves again without a conflict."""
    article = make_article()
    article.cover = images.prepare(ContentFile(_jpeg(), name="a.jpg"))
    article.cover_alt = "图"
    article.save()
    assert Article.objects.get(pk=article.pk).version == article.version
    article.title = "再改一次"
    article.save()
    stale = Article.objects.get(pk=article.pk)
    article.save()
    with pytest.raises(EditConflict):  # the check itself still works
        stale.save()


def test_deleting_a_library_image_deletes_its_files_once_committed(
    editor_client, media_root, django_capture_on_commit_callbacks
):
    _post_endpoint(editor_client, _jpeg())
    image = ArticleImage.objects.get()
    assert len(_files(media_root)) == 1 + 2 * len(image.renditions["sizes"])
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert _files(media_root) == []


# The watermark.


def _corner_and_rest(path):
    with Image.open(path) as picture:
        picture = picture.convert("L")
        width, height = picture.size
        corner = picture.crop((width * 3 // 4, height * 7 // 8, width, height)).getextrema()
        rest = picture.crop((0, 0, width // 2, height // 2)).getextrema()
    return corner, rest


@pytest.mark.parametrize("colour", ["white", "black"])
def test_watermark_is_drawn_on_renditions_readable_on_light_and_dark(
    colour, settings, make_article, media_root
):
    settings.NEWSPORTAL_WATERMARK = "新闻门户"
    plain = _encoded(Image.new("RGB", (1280, 720), colour), "PNG")
    article = make_article(cover=images.prepare(ContentFile(plain, name="a.png")), cover_alt="图")
    assert article.cover_renditions["watermark"] == "新闻门户"
    for size in article.cover_renditions["sizes"]:
        (dark, light), rest = _corner_and_rest(media_root / size["jpeg"])
        assert dark < 90 and light > 170  # light letters, dark outline
        assert rest[1] - rest[0] < 10  # the rest of the picture untouched
    (low, high), _rest = _corner_and_rest(media_root / article.cover.name)
    assert high - low < 10  # the stored original carries no watermark


def test_no_watermark_by_default(make_article, media_root):
    plain = _encoded(Image.new("RGB", (1280, 720), "white"), "PNG")
    article = make_article(cover=images.prepare(ContentFile(plain, name="a.png")), cover_alt="图")
    (low, high), _rest = _corner_and_rest(
        media_root / article.cover_renditions["sizes"][-1]["jpeg"]
    )
    assert high - low < 10


@pytest.mark.skipif(
    not Path(renditions.WATERMARK_FONT).exists(), reason="fonts-wqy-microhei missing"
)
def test_watermark_font_has_chinese_glyphs():
    assert "WenQuanYi" in renditions._font(24).getname()[0]


# Pages.


@pytest.fixture
def covered(make_article):
    cover = images.prepare(ContentFile(_jpeg((1600, 900)), name="a.jpg"))
    return make_article(
        title="有封面的文章", cover=cover, cover_alt="這是繁體寫的替代文字", cover_caption="说明"
    )


def test_article_page_serves_the_cover_as_a_picture(client, covered):
    """The alt is marked as Traditional: the Simplified page shows it converted."""
    response = client.get(covered.get_absolute_url())
    html = response.content.decode()
    sizes = covered.cover_renditions["sizes"]
    media = django_settings.MEDIA_URL
    webp = ", ".join(f"{media}{s['webp']} {s['width']}w" for s in sizes)
    jpeg = ", ".join(f"{media}{s['jpeg']} {s['width']}w" for s in sizes)
    assertContains(response, f'<source type="image/webp" srcset="{webp}"')
    assertContains(response, f'src="{media}{sizes[-1]["jpeg"]}" srcset="{jpeg}"')
    assertContains(response, 'width="1280" height="720" alt="这是繁体写的替代文字" lang="zh-Hans"')
    assertContains(response, 'loading="eager" decoding="async" fetchpriority="high"')
    assert html.count("<picture>") == 1


def test_list_thumbnails_are_decorative_pictures(client, covered):
    response = client.get(covered.section.get_absolute_url())
    assertContains(response, '<source type="image/webp"')
    assertContains(response, 'alt="" loading="lazy" decoding="async">')
    assertNotContains(response, "替代文字")


def test_cover_without_renditions_is_served_as_stored(client, covered):
    Article.objects.filter(pk=covered.pk).update(cover_renditions={})
    response = client.get(covered.get_absolute_url())
    assertContains(response, f'<img src="{covered.cover.url}" width="1600" height="900"')
    assertNotContains(response, "<picture>")


def _library_image(client, alt="图"):
    response = _post_endpoint(client, _jpeg((1600, 1200)), alt=alt)
    return response.json()


def test_body_images_become_pictures_with_the_editor_s_alt(editor_client, make_article):
    first, second = _library_image(editor_client), _library_image(editor_client)
    body = (
        f'<p>一</p><img src="{first["src"]}" alt="编辑写的 &amp; 说明" width="1280" height="960"'
        f' data-image="{first["id"]}"><img src="/media/x.jpg" alt="普通图片">'
        f'<img src="/media/y.jpg" alt="已删除" data-image="999999">'
        f'<img src="{second["src"]}" alt="第二张" lang="zh-Hant" data-image="{second["id"]}">'
    )
    with CaptureQueriesContext(connection) as queries:
        html = with_pictures(body)
    assert len(queries) == 1
    assert html.count("<picture>") == 2
    assert 'alt="编辑写的 &amp; 说明"' in html
    assert 'alt="第二张" lang="zh-Hant"' in html
    assert '<img src="/media/x.jpg" alt="普通图片">' in html
    assert '<img src="/media/y.jpg" alt="已删除" data-image="999999">' in html
    assert 'sizes="(min-width: 45em) 680px, 100vw"' in html


def test_body_without_library_images_costs_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert with_pictures("<p>正文</p>") == "<p>正文</p>"
    assert len(queries) == 0


def _article_with_images(make_article, client, count):
    uploaded = [_library_image(client) for _ in range(count)]
    body = "".join(
        f'<p>段落</p><img src="{i["src"]}" alt="图{n}" data-image="{i["id"]}">'
        for n, i in enumerate(uploaded)
    )
    return make_article(body=body)


def test_article_page_queries_do_not_grow_with_its_images(editor_client, make_article, client):
    one = _article_with_images(make_article, editor_client, 1)
    five = _article_with_images(make_article, editor_client, 5)
    assert "data-image" in one.body  # the sanitiser keeps the editor's reference
    counts = []
    for article, expected in ((one, 1), (five, 5)):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(article.get_absolute_url())
        assert response.content.decode().count("<picture>") == expected
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_converted_page_converts_alt_text_and_keeps_image_urls(editor_client, make_article):
    image = _library_image(editor_client, alt="这张图显示汽车")
    article = make_article(
        body=f'<img src="{image["src"]}" alt="这张图显示汽车" data-image="{image["id"]}">'
    )
    response = editor_client.get(article.get_absolute_url().replace("/zh-hans/", "/zh-hant/", 1))
    assertContains(response, 'alt="這張圖顯示汽車"')
    for size in ArticleImage.objects.get().renditions["sizes"]:
        assertContains(response, size["webp"])
        assertContains(response, size["jpeg"])


# The upload endpoint and the library admin.


def test_endpoint_answers_what_the_editor_writes_into_its_img(editor_client, editor):
    response = _post_endpoint(
        editor_client, _jpeg((1600, 1200)), alt="  编辑的说明\x07 ", caption="图注"
    )
    assert response.status_code == 201
    image = ArticleImage.objects.get()
    largest = image.renditions["sizes"][-1]
    assert response.json() == {
        "id": image.pk,
        "src": django_settings.MEDIA_URL + largest["jpeg"],
        "width": 1280,
        "height": 960,
        "alt": "编辑的说明",
    }
    assert (image.caption, image.uploaded_by) == ("图注", editor)


@pytest.mark.parametrize(
    ("fields", "message"),
    [({"alt": ""}, "替代文字"), ({"alt": "   "}, "替代文字"), ({"alt": "长" * 201}, "200")],
)
def test_endpoint_requires_alt_text(fields, message, editor_client, media_root):
    response = _post_endpoint(editor_client, _jpeg(), **fields)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert _files(media_root) == []


def test_endpoint_requires_an_image(editor_client):
    response = editor_client.post(reverse(UPLOAD_URL), {"alt": "图"})
    assert response.status_code == 400
    assert response.json()["error"] == "请选择要上传的图片。"


def test_endpoint_refuses_staff_without_the_permission(client, django_user_model, media_root):
    writer = django_user_model.objects.create_user("writer", password="x", is_staff=True)
    writer.user_permissions.set(Permission.objects.filter(codename="change_article"))
    client.force_login(writer)
    response = _post_endpoint(client, _jpeg())
    assert response.status_code == 403
    assert response.json()["error"] == "没有上传图片的权限。"
    assert _files(media_root) == []


def test_endpoint_refuses_anonymous_users_with_403(client):
    response = _post_endpoint(client, _jpeg())
    assert response.status_code == 403
    assert "登录" in response.json()["error"]


def test_endpoint_takes_posts_only(editor_client):
    response = editor_client.get(reverse(UPLOAD_URL))
    assert response.status_code == 405
    assert json.loads(response.content)["error"] == "只接受 POST 上传。"


def test_endpoint_enforces_csrf(editor, media_root):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = _post_endpoint(client, _jpeg())
    assert response.status_code == 403
    assert not ArticleImage.objects.exists()


def test_library_lists_thumbnails_without_a_query_per_image(editor_client):
    for _ in range(2):
        _library_image(editor_client)
    url = reverse("admin:articles_articleimage_changelist")
    with CaptureQueriesContext(connection) as queries:
        editor_client.get(url)
    for _ in range(3):
        _library_image(editor_client)
    with CaptureQueriesContext(connection) as more:
        response = editor_client.get(url)
    assert len(more) == len(queries)
    assert response.content.decode().count('-320w.jpg" width="120"') == 5


def test_library_add_form_stores_and_records_the_uploader(editor_client, editor):
    response = _post_library(editor_client, _jpeg(), alt="新图", caption="说明")
    assert response.status_code == 302
    image = ArticleImage.objects.get()
    assert (image.alt, image.uploaded_by, image.width) == ("新图", editor, 800)
    assert image.renditions["sizes"]


def test_library_image_cannot_be_replaced(editor_client):
    _library_image(editor_client)
    image = ArticleImage.objects.get()
    url = reverse("admin:articles_articleimage_change", args=[image.pk])
    response = editor_client.get(url)
    assertNotContains(response, 'type="file"')
    editor_client.post(url, {"image": _upload(_jpeg((300, 300))), "alt": "改", "caption": ""})
    image.refresh_from_db()
    assert (image.alt, image.width) == ("改", 1600)
