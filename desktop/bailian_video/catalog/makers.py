"""What a model picker says about each model: its maker, the price at a resolution, the longest
video it makes, whether the video has sound, and which model a tab starts with in a region.

All of it is read from the model's data; nothing here names a model.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..i18n import T
from .models import size_tier
from .schema import Kind, ModelSpec, ParamSpec


@dataclass(frozen=True)
class Maker:
    id: str
    label: T


#: in the order pickers show them
MAKERS: dict[str, Maker] = {m.id: m for m in (
    Maker("wan", T("通义万相 Wan", "Wan")),
    Maker("happyhorse", T("HappyHorse", "HappyHorse")),
    Maker("kling", T("可灵 Kling", "Kling")),
    Maker("vidu", T("Vidu", "Vidu")),
    Maker("pixverse", T("爱诗 PixVerse", "PixVerse")),
    Maker("tongyi", T("通义实验室", "Tongyi Lab")),
)}


def maker_label(maker: str) -> T:
    m = MAKERS.get(maker)
    return m.label if m is not None else T(maker, maker)


def by_maker(models: Sequence[ModelSpec]) -> list[tuple[str, list[ModelSpec]]]:
    """The models grouped by maker, makers in :data:`MAKERS` order, each group in the given order."""
    order = [*MAKERS, *dict.fromkeys(m.maker for m in models if m.maker not in MAKERS)]
    groups = [(mk, [m for m in models if m.maker == mk]) for mk in order]
    return [(mk, ms) for mk, ms in groups if ms]


def choice_tiers(spec: ModelSpec, param: ParamSpec) -> list[tuple[Any, str]]:
    """(value, tier) for each choice of ``param`` when it sets the price tier ("720P", "wan-pro"; a size by
    its resolution), in the catalogue's order; empty when the parameter does not set the tier."""
    src = spec.tier_source or ""
    if src == f"param:{param.name}":
        return [(c.value, str(c.value)) for c in param.choices]
    if src == "size" and param.name == "size":
        return [(c.value, t) for c in param.choices if (t := c.tier or size_tier(str(c.value)))]
    return []


def price_at(spec: ModelSpec, region: str | None, tier: str | None) -> tuple[float, bool]:
    """The price per second (or per image) at ``tier`` in ``region``: exact when the model has that tier
    (True), else its lowest price (False: "from …"). A switch's other tables are not considered."""
    rates = spec.price_in(region).by_tier
    if not rates:
        return 0.0, False
    if tier is not None and tier in rates:
        return rates[tier], True
    if len(rates) == 1:
        return next(iter(rates.values())), True
    return min(rates.values()), False


def max_length(spec: ModelSpec) -> float | None:
    """The longest video the model makes, in seconds (None: it follows an input, e.g. the audio)."""
    if spec.max_seconds:
        return float(spec.max_seconds)
    src = spec.duration_source
    if src.startswith("fixed:"):
        return float(src.split(":", 1)[1])
    if src.startswith("param:"):
        p = spec.param(src.split(":", 1)[1])
        if p is None:
            return None
        values = [float(c.value) for c in p.choices if isinstance(c.value, (int, float))]
        if p.max is not None:
            values.append(float(p.max))
        return max(values) if values else None
    return None


def audio_support(spec: ModelSpec) -> str | None:
    """How the video gets sound: "always" (the model makes it), "optional" (a switch), "input" (from audio
    you give), "keep" (keeps the source's sound) or None (silent)."""
    if spec.sound:
        return "always"
    names = {p.name for p in spec.params_for(None)}
    for fn in spec.functions:
        names |= {p.name for p in spec.params_for(fn)}
    if "audio" in names:
        return "optional"
    if "audio_setting" in names:
        return "keep"
    for ins in spec.inputs_for(None):
        media = [(mt.media, *(f.media for f in mt.fields)) for mt in ins.media_types] if ins.kind == Kind.MEDIA else []
        if ins.kind == Kind.AUDIO or any("audio" in m for m in media):
            return "input"
    return None


def default_model(models: Sequence[ModelSpec], region: str, prefer: Sequence[str] = ()) -> ModelSpec:
    """What a tab starts with in ``region``: the first of the family's ``prefer`` list (newest first) that the
    region offers, else a featured new model there, a new one, a featured one, any one there, and at last
    its first model (shown with the reason it cannot run)."""
    here = [m for m in models if m.available_in(region)]
    named = {m.name: m for m in here}
    preferred = [named[n] for n in prefer if n in named]
    for pick in (preferred, [m for m in here if m.featured and m.new], [m for m in here if m.new],
                 [m for m in here if m.featured], here, list(models)):
        if pick:
            return pick[0]
    raise ValueError("no models")


__all__ = ["MAKERS", "Maker", "audio_support", "by_maker", "choice_tiers", "default_model", "max_length",
           "maker_label", "price_at"]
