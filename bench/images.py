"""
What an image upload costs the admin request that receives it, per kind of
upload an editor sends: a 12 MP phone photo (JPEG, with EXIF), a 2 MP
screenshot (PNG) and a 2 MP logo with transparency (PNG).

Measured in stages, on the functions the upload paths call: the checks and
decoding (``open_image``), ``prepare`` (checks + re-encoding the stored file),
and the whole upload as the endpoint does it (``prepare``, then saving an
``ArticleImage``, which stores the file and makes its six renditions), with
and without a watermark. Uploads are built once with Pillow, photo-like
(smooth colour, grain, edges) so JPEG and WebP have real work to do; the cases
are interleaved so noise on a shared machine falls on all alike.
"""

import gc
import io

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import ExifTags, Image, ImageDraw

from articles import images
from articles.models import ArticleImage

from .timing import rotated, summary, timed

WATERMARK = "新闻门户"


def _photo(size):
    """Smooth light and colour, grain, and a few hard edges: roughly what a camera gives."""
    width, height = size
    small = (width // 8, height // 8)
    light = Image.linear_gradient("L").resize(small).rotate(30, expand=False)
    hue = Image.radial_gradient("L").resize(small)
    base = Image.merge("RGB", [light, hue, light.transpose(Image.Transpose.FLIP_LEFT_RIGHT)])
    base = base.resize(size, Image.Resampling.BICUBIC)
    pen = ImageDraw.Draw(base)
    for n in range(12):
        box = (n * width // 14, height // 3 + (n % 3) * 80, n * width // 14 + width // 10, height)
        pen.rectangle(box, fill=(40 + n * 15, 90, 160 - n * 8))
    grain = Image.effect_noise(size, 30).convert("RGB")  # sensor noise: about 3.5 MB at q92
    return Image.blend(base, grain, 0.2)


def _screenshot(size):
    """Flat colours, thin rules and blocks of 'text': what a PNG screenshot holds."""
    picture = Image.new("RGB", size, (250, 250, 248))
    pen = ImageDraw.Draw(picture)
    width, height = size
    for row in range(40, height - 40, 28):
        for column in range(40, width - 200, 180):
            pen.rectangle((column, row, column + 150, row + 12), fill=(60, 60, 70))
        pen.line((20, row + 20, width - 20, row + 20), fill=(220, 220, 225))
    pen.rectangle((0, 0, width, 30), fill=(180, 20, 30))
    return picture


def _logo(size):
    picture = _screenshot(size).convert("RGBA")
    mask = Image.radial_gradient("L").resize(size)
    picture.putalpha(mask.point(lambda v: 255 - v))
    return picture


def uploads():
    """(label, file name, bytes) of each kind of upload measured."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] = (31.0, 14.0, 7.5)
    photo = {"quality": 92, "exif": exif}
    cases = [
        ("12 MP JPEG photo", "photo.jpg", _photo((4000, 3000)), "JPEG", photo),
        ("2 MP PNG screenshot", "screen.png", _screenshot((1600, 1250)), "PNG", {}),
        ("2 MP PNG with alpha", "logo.png", _logo((1600, 1250)), "PNG", {}),
    ]
    made = []
    for label, name, picture, fmt, options in cases:
        out = io.BytesIO()
        picture.save(out, fmt, **options)
        made.append((label, name, out.getvalue()))
    return made


def _validate(data):
    with images.open_image(data):
        pass


def _prepare(name, data):
    return images.prepare(ContentFile(data, name=name))


def _upload(name, data):
    """What the endpoint does with a valid upload (less HTTP): check, re-encode, store, render."""
    stored = images.prepare(SimpleUploadedFile(name, data))
    image = ArticleImage(image=stored, alt="基准测试图片")
    image.save()
    return image


def _upload_watermarked(name, data):
    with override_settings(NEWSPORTAL_WATERMARK=WATERMARK):
        return _upload(name, data)


STAGES = {
    "validate": lambda name, data: _validate(data),
    "prepare": _prepare,
    "upload": _upload,
    "upload + watermark": _upload_watermarked,
}


def run(quick=False):
    repetitions = 3 if quick else 15
    cases = uploads()
    samples = {(label, stage): [] for label, _name, _data in cases for stage in STAGES}
    outputs = {}
    for label, name, data in cases:  # warm up; and what each upload became
        for stage in STAGES:
            outputs[label, stage] = STAGES[stage](name, data)
    for repetition in range(repetitions):
        gc.collect()
        for label, name, data in rotated(cases, repetition):
            for stage in rotated(list(STAGES), repetition):
                seconds, _result = timed(STAGES[stage], name, data)
                samples[label, stage].append(seconds)
    results = []
    for label, _name, data in cases:
        image = outputs[label, "upload"]
        results.append(
            {
                "kind": label,
                "bytes": len(data),
                "stored": f"{image.width}×{image.height} {image.image.name.rsplit('.', 1)[1]}",
                "stored_bytes": image.image.size,
                "renditions": [size["width"] for size in image.renditions["sizes"]],
                **{stage: summary(samples[label, stage]) for stage in STAGES},
            }
        )
    return {"repetitions": repetitions, "images": results}


def print_table(results):
    print(
        "Image upload cost (median ms, p25–p75; upload = prepare + store + 6 renditions;"
        f" {results['repetitions']} repetitions)"
    )
    print(
        f"{'kind':22} {'in':>8} {'stored':>18} {'validate':>16} {'prepare':>16}"
        f" {'upload':>16} {'+ watermark':>16}"
    )
    for row in results["images"]:
        cells = [
            f"{row[stage]['median'] * 1000:6.0f} ({row[stage]['p25'] * 1000:.0f}–"
            f"{row[stage]['p75'] * 1000:.0f})"
            for stage in STAGES
        ]
        print(
            f"{row['kind']:22} {row['bytes'] / 2**10:6.0f}KB {row['stored']:>18}"
            + "".join(f" {cell:>16}" for cell in cells)
        )
