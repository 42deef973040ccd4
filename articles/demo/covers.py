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
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from newsportal.conversion import HANS, HANT

SIZE = (1200, 675)  # 16:9, what the listing and article templates crop to


def draw_cover(seed, size=SIZE):
    """A JPEG: a two-colour gradient at an angle, with a few translucent shapes on it."""
    plan = _plan(seed, size)
    picture = _gradient(size, plan.start, plan.end, angle=plan.angle)
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    pen = ImageDraw.Draw(overlay)
    for _kind, method, args, keywords in plan.shapes:
        getattr(pen, method)(*args, **keywords)
    picture.paste(overlay, mask=overlay)  # blends by the shapes' alpha
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=82)
    return out.getvalue()


def describe_cover(seed, script=HANS):
    """
    The cover's alt text, in ``script``: what a reader who cannot see it would
    be told (its colours, from dark to light, and its shapes).
    """
    plan = _plan(seed, SIZE)
    words = _WORDS[script]
    kinds = list(dict.fromkeys(kind for kind, *_drawing in plan.shapes))
    names = [words[kind] for kind in kinds]
    shapes = names[0] if len(names) == 1 else "、".join(names[:-1]) + words["and"] + names[-1]
    return words["text"].format(
        start=_hue_name(plan.start_hue, words), end=_hue_name(plan.end_hue, words), shapes=shapes
    )


@dataclass
class _Plan:
    start: tuple
    end: tuple
    angle: float
    start_hue: float
    end_hue: float
    shapes: list = field(default_factory=list)  # (kind, ImageDraw method, args, keywords)


def _plan(seed, size):
    """What to draw, from ``seed`` alone (the random draws in a fixed order)."""
    rng = random.Random(seed)  # str seeds hash with SHA-512: stable across processes
    hue = rng.random()
    start = _colour(hue, lightness=rng.uniform(0.25, 0.4), saturation=rng.uniform(0.45, 0.75))
    end_hue = (hue + rng.uniform(0.08, 0.3)) % 1
    end = _colour(end_hue, lightness=rng.uniform(0.55, 0.7), saturation=rng.uniform(0.4, 0.7))
    plan = _Plan(start, end, rng.uniform(0, 360), hue, end_hue)
    plan.shapes = [_shape(rng, size, hue) for _ in range(rng.randint(4, 8))]
    return plan


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


def _shape(rng, size, hue):
    """(kind, ImageDraw method, args, keywords) of one translucent shape."""
    width, height = size
    colour = _colour((hue + rng.uniform(-0.15, 0.45)) % 1, rng.uniform(0.5, 0.9), 0.6)
    fill = (*colour, rng.randint(40, 120))
    x, y = rng.uniform(-0.1, 1.1) * width, rng.uniform(-0.1, 1.1) * height
    radius = rng.uniform(0.08, 0.35) * height
    kind = rng.choice(("circle", "ring", "triangle", "bar"))
    box = (x - radius, y - radius, x + radius, y + radius)
    if kind == "circle":
        return kind, "ellipse", (box,), {"fill": fill}
    if kind == "ring":
        return kind, "ellipse", (box,), {"outline": fill, "width": max(4, int(radius / 6))}
    if kind == "triangle":
        rotation = rng.uniform(0, 120)
        return kind, "regular_polygon", ((x, y, radius), 3), {"rotation": rotation, "fill": fill}
    corner = (x + radius * rng.uniform(1.5, 4), y + radius * 0.35)
    return kind, "rounded_rectangle", ((x, y, *corner),), {"radius": radius * 0.17, "fill": fill}


def _hue_name(hue, words):
    degrees = hue * 360
    for limit, name in _HUES:
        if degrees < limit:
            return words[name]
    return words["red"]


_HUES = [
    (15, "red"), (45, "orange"), (70, "yellow"), (160, "green"), (200, "cyan"),
    (255, "blue"), (290, "purple"), (335, "pink"),
]  # fmt: skip
_WORDS = {
    HANS: {
        "text": "演示封面插图：从深{start}色渐变到浅{end}色的背景上，叠着几个半透明的{shapes}。",
        "and": "和",
        "circle": "圆形", "ring": "圆环", "triangle": "三角形", "bar": "圆角长条",
        "red": "红", "orange": "橙", "yellow": "黄", "green": "绿", "cyan": "青",
        "blue": "蓝", "purple": "紫", "pink": "粉",
    },
    HANT: {
        "text": "示範封面插圖：從深{start}色漸變到淺{end}色的背景上，疊著幾個半透明的{shapes}。",
        "and": "和",
        "circle": "圓形", "ring": "圓環", "triangle": "三角形", "bar": "圓角長條",
        "red": "紅", "orange": "橙", "yellow": "黃", "green": "綠", "cyan": "青",
        "blue": "藍", "purple": "紫", "pink": "粉",
    },
}  # fmt: skip
