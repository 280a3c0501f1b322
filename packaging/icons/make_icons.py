#!/usr/bin/env python3
"""Draw the app icon with Pillow and derive the Windows (.ico) and macOS (.icns) icons from it.

    python packaging/icons/make_icons.py            # rewrite packaging/icons/app.png (checked in)
    python packaging/icons/make_icons.py --derive D # write D/app.ico and D/app.icns from app.png

The PNG is checked in; the .ico and .icns are derived at build time (the PyInstaller spec
calls :func:`derive`) so that only one picture lives in git.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
PNG = HERE / "app.png"
SIZE = 1024
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def _lerp(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def draw(size: int = SIZE) -> Image.Image:
    """A rounded square in a teal-to-violet gradient, a film strip and a white play triangle."""
    s = size * 4                                    # draw big, then downsample: smooth edges
    top, bottom = (20, 184, 166), (109, 40, 217)    # teal → violet
    grad = Image.new("RGB", (1, s))
    for y in range(s):
        grad.putpixel((0, y), _lerp(top, bottom, y / (s - 1)))
    grad = grad.resize((s, s))

    margin = s * 0.06
    radius = s * 0.22
    mask = Image.new("L", (s, s), 0)
    ImageDraw.Draw(mask).rounded_rectangle((margin, margin, s - margin, s - margin), radius, fill=255)

    # A soft shadow under the tile so it reads on light and dark docks alike.
    shadow = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    ImageDraw.Draw(shadow).rounded_rectangle((margin, margin + s * 0.015, s - margin, s - margin + s * 0.015),
                                             radius, fill=(0, 0, 0, 90))
    shadow = shadow.filter(ImageFilter.GaussianBlur(s * 0.012))

    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    img.alpha_composite(shadow)
    tile = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    tile.paste(grad, (0, 0), mask)
    img.alpha_composite(tile)

    # Film-strip perforations along the top and bottom edges of the tile, blended onto it.
    holes = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    dh = ImageDraw.Draw(holes)
    hole_w, hole_h = s * 0.055, s * 0.04
    for row_y in (margin + s * 0.07, s - margin - s * 0.07 - hole_h):
        n = 7
        span = s - 2 * margin - 2 * radius * 0.55
        x0 = margin + radius * 0.55
        for i in range(n):
            x = x0 + i * (span - hole_w) / (n - 1)
            dh.rounded_rectangle((x, row_y, x + hole_w, row_y + hole_h), s * 0.01, fill=(255, 255, 255, 120))
    img.alpha_composite(holes)

    d = ImageDraw.Draw(img)

    # The play triangle, slightly right of centre so it looks centred.
    cx, cy, r = s * 0.53, s * 0.5, s * 0.23
    tri = [(cx - r * 0.75, cy - r), (cx - r * 0.75, cy + r), (cx + r, cy)]
    d.polygon(tri, fill=(255, 255, 255, 255))
    # A small spark: the "generated" in video generation.
    sx, sy, sr = s * 0.74, s * 0.3, s * 0.06
    d.polygon([(sx, sy - sr), (sx + sr * 0.28, sy - sr * 0.28), (sx + sr, sy), (sx + sr * 0.28, sy + sr * 0.28),
               (sx, sy + sr), (sx - sr * 0.28, sy + sr * 0.28), (sx - sr, sy), (sx - sr * 0.28, sy - sr * 0.28)],
              fill=(255, 244, 180, 255))
    return img.resize((size, size), Image.Resampling.LANCZOS)


def derive(out_dir: Path, png: Path = PNG) -> tuple[Path, Path]:
    """Write ``app.ico`` (16–256 px) and ``app.icns`` (16–1024 px) into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    img = Image.open(png).convert("RGBA")
    ico, icns = out_dir / "app.ico", out_dir / "app.icns"
    img.save(ico, format="ICO", sizes=ICO_SIZES)
    img.save(icns, format="ICNS")
    return ico, icns


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--derive", metavar="DIR", type=Path, help="write app.ico and app.icns from app.png into DIR")
    args = ap.parse_args(argv)
    if args.derive:
        for p in derive(args.derive):
            print(p)
        return 0
    draw().save(PNG, optimize=True)
    print(PNG)
    return 0


if __name__ == "__main__":
    sys.exit(main())
