"""
Cover pictures for the demo articles, drawn rather than shipped.

Drawing keeps the repository free of binary files and of pictures whose
licence someone would have to check. Everything derives from a seed string, so
an article gets the same picture on every machine, and no text is drawn: a
server need not have any CJK font installed.
"""

import colorsys
import io
import random

from PIL import Image, ImageDraw

SIZE = (1200, 675)  # 16:9, what the listing and article templates crop to


def draw_cover(seed, size=SIZE):
    """A JPEG: a two-colour gradient at an angle, with a few translucent shapes on it."""
    rng = random.Random(seed)  # str seeds hash with SHA-512: stable across processes
    hue = rng.random()
    start = _colour(hue, lightness=rng.uniform(0.25, 0.4), saturation=rng.uniform(0.45, 0.75))
    end = _colour(
        (hue + rng.uniform(0.08, 0.3)) % 1,
        lightness=rng.uniform(0.55, 0.7),
        saturation=rng.uniform(0.4, 0.7),
    )
    picture = _gradient(size, start, end, angle=rng.uniform(0, 360))
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    pen = ImageDraw.Draw(overlay)
    for _ in range(rng.randint(4, 8)):
        _shape(pen, rng, size, hue)
    picture.paste(overlay, mask=overlay)  # blends by the shapes' alpha
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=82)
    return out.getvalue()


def _colour(hue, lightness, saturation):
    return tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, lightness, saturation))


def _gradient(size, start, end, angle):
    """
    Pillow's built-in 256-step ramp, rotated and coloured at a quarter of the
    size, then stretched: a smooth ramp loses nothing by it, and it is far faster.
    """
    small = (size[0] // 4, size[1] // 4)
    side = int((small[0] ** 2 + small[1] ** 2) ** 0.5) + 2
    ramp = Image.linear_gradient("L").resize((side, side)).rotate(angle)
    left, top = (side - small[0]) // 2, (side - small[1]) // 2
    ramp = ramp.crop((left, top, left + small[0], top + small[1]))
    channels = [
        ramp.point([round(a + (b - a) * v / 255) for v in range(256)])
        for a, b in zip(start, end, strict=True)
    ]
    return Image.merge("RGB", channels).resize(size, Image.Resampling.BILINEAR)


def _shape(pen, rng, size, hue):
    width, height = size
    colour = _colour((hue + rng.uniform(-0.15, 0.45)) % 1, rng.uniform(0.5, 0.9), 0.6)
    fill = (*colour, rng.randint(40, 120))
    x, y = rng.uniform(-0.1, 1.1) * width, rng.uniform(-0.1, 1.1) * height
    radius = rng.uniform(0.08, 0.35) * height
    kind = rng.choice(("circle", "ring", "triangle", "bar"))
    if kind == "circle":
        pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=fill)
    elif kind == "ring":
        box = (x - radius, y - radius, x + radius, y + radius)
        pen.ellipse(box, outline=fill, width=max(4, int(radius / 6)))
    elif kind == "triangle":
        pen.regular_polygon((x, y, radius), 3, rotation=rng.uniform(0, 120), fill=fill)
    else:
        pen.rounded_rectangle(
            (x, y, x + radius * rng.uniform(1.5, 4), y + radius * 0.35),
            radius=radius * 0.17,
            fill=fill,
        )
