"""Output frame sizes as the service picks them: from a ``size``, a resolution tier and a ratio, or
the shape of an input, and the tier's number the ``usage`` reports (``SR``)."""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from ..catalog import SIZES, ModelSpec, size_tier

#: Output sizes the Wan 2.7 pages list for each tier (short side) and ratio.
PAGE_SIZES: dict[tuple[int, str], tuple[int, int]] = {
    (720, "16:9"): (1280, 720), (720, "9:16"): (720, 1280), (720, "1:1"): (960, 960),
    (720, "4:3"): (1104, 832), (720, "3:4"): (832, 1104),
    (1080, "16:9"): (1920, 1080), (1080, "9:16"): (1080, 1920), (1080, "1:1"): (1440, 1440),
    (1080, "4:3"): (1648, 1248), (1080, "3:4"): (1248, 1648),
}
#: Ratios ``usage.ratio`` may name (the closest one to the output is reported).
RATIOS = ("16:9", "9:16", "1:1", "4:3", "3:4", "21:9", "9:21", "4:5", "5:4", "3:2", "2:3")
_TIER = re.compile(r"(\d{3,4})P\b", re.IGNORECASE)
_NUMBER = re.compile(r"(\d{3,4})P?", re.IGNORECASE)


def even(x: float) -> int:
    return max(2, round(x / 2.0) * 2)


def fit_short(width: int, height: int, short: int) -> tuple[int, int]:
    """Scale ``width`` × ``height`` so the short side is ``short``, keeping the aspect, even sides."""
    scale = short / float(min(width, height))
    return even(width * scale), even(height * scale)


def fit_area(width: int, height: int, area: float) -> tuple[int, int]:
    """Scale to about ``area`` pixels, keeping the aspect, sides a multiple of 16."""
    scale = math.sqrt(area / float(width * height))
    return max(16, round(width * scale / 16) * 16), max(16, round(height * scale / 16) * 16)


def parse_size(value: Any) -> tuple[int, int] | None:
    """``"1280*720"`` → (1280, 720); None for anything else."""
    if not isinstance(value, str) or "*" not in value:
        return None
    try:
        w, h = (int(x) for x in value.split("*", 1))
    except ValueError:
        return None
    return (w, h) if w > 0 and h > 0 else None


def parse_ratio(value: Any) -> float | None:
    """``"16:9"`` → 16/9; None for anything else (``adaptive``)."""
    if not isinstance(value, str) or ":" not in value:
        return None
    try:
        a, b = (float(x) for x in value.split(":", 1))
    except ValueError:
        return None
    return a / b if a > 0 and b > 0 else None


def ratio_name(width: int, height: int) -> str:
    """The named ratio closest to ``width`` : ``height``."""
    r = width / float(height)
    return min(RATIOS, key=lambda name: abs(math.log(r / (parse_ratio(name) or 1.0))))


def tier_short(spec: ModelSpec, params: Mapping[str, Any]) -> int | None:
    """The short side of the tier a request asks for (``"720P"`` → 720; Kling's ``pro`` → 1080 from the
    choice's own tier or label), or None when the model has no tier or it names no size."""
    src = spec.tier_source
    if not src:
        return None
    if src == "size":
        p = spec.param("size")
        value = params.get("size", p.default if p else None)
        choice = next((c for c in (p.choices if p else ()) if c.value == value), None)
        tier = (choice.tier if choice else None) or size_tier(str(value))
        m = _NUMBER.fullmatch(tier or "")
        if m:
            return int(m.group(1))
        size = parse_size(value)
        return min(size) if size else None
    kind, _, name = src.partition(":")
    if kind != "param":
        return None
    p = spec.param(name)
    value = params.get(name, p.default if p else None)
    choice = next((c for c in (p.choices if p else ()) if c.value == value), None)
    for text in (choice.tier if choice else None, str(value)):
        m = _NUMBER.fullmatch(text or "")
        if m:
            return int(m.group(1))
    if choice is not None:
        for text in (choice.label.en, choice.label.zh):
            m = _TIER.search(text)
            if m:
                return int(m.group(1))
    return None


def size_for(spec: ModelSpec, short: int, ratio: str) -> tuple[int, int]:
    """The output size of tier ``short`` at ``ratio``: the model's own ``size`` choice for them, the
    pages' table, the catalogue's size table, else the tier's 16:9 pixel count at that ratio."""
    r = parse_ratio(ratio) or 16 / 9
    p = spec.param("size")
    for c in (p.choices if p else ()):
        size = parse_size(c.value)
        if size and c.tier == f"{short}P" and abs(size[0] / size[1] - r) < 0.02:
            return size
    if (short, ratio) in PAGE_SIZES:
        return PAGE_SIZES[(short, ratio)]
    for value, name in SIZES.get(f"{short}P", []):
        size = parse_size(value)
        if size and name == ratio:
            return size
    area = round(short * 16 / 9) * short
    w = math.sqrt(area * r)
    return max(16, round(w / 16) * 16), max(16, round(area / w / 16) * 16)


__all__ = ["PAGE_SIZES", "RATIOS", "even", "fit_area", "fit_short", "parse_ratio", "parse_size", "ratio_name",
           "size_for", "tier_short"]
