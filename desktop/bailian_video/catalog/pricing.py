"""Cost before submitting and after success, from the catalogue's prices."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .models import size_tier
from .schema import ModelSpec


@dataclass(frozen=True)
class CostLine:
    model: str
    units: float          # seconds or images
    unit: str             # "second" | "image"
    unit_price: float
    tier: str | None

    @property
    def amount(self) -> float:
        return round(self.units * self.unit_price, 4)


@dataclass(frozen=True)
class Estimate:
    lines: tuple[CostLine, ...]
    count: int = 1
    confirmed: bool = True           # False when any price is an estimate
    seconds_known: bool = True       # False when the duration is a guess (e.g. Emoji templates)
    currency: str = "CNY"
    notes: tuple[str, ...] = field(default=())

    @property
    def amount(self) -> float:
        return round(sum(line.amount for line in self.lines) * self.count, 4)

    @property
    def seconds(self) -> float:
        return sum(line.units for line in self.lines if line.unit == "second") * self.count


def tier_of(spec: ModelSpec, params: Mapping[str, Any]) -> str | None:
    src = spec.tier_source
    if not src:
        return None
    if src == "size":
        p = spec.param("size")
        return size_tier(str(params.get("size") or (p.default if p else "")))
    kind, _, name = src.partition(":")
    p = spec.param(name)
    value = params.get(name, p.default if p else None)
    return None if value is None else str(value)


def output_seconds(spec: ModelSpec, params: Mapping[str, Any],
                   input_durations: Mapping[str, float] | None = None) -> tuple[float, bool]:
    """(seconds of output video, whether that figure is known rather than guessed)."""
    kind, _, arg = spec.duration_source.partition(":")
    if kind == "fixed":
        return float(arg), True
    if kind == "param":
        p = spec.param(arg)
        return float(params.get(arg) or (p.default if p else 5)), True
    if kind == "input":
        d = (input_durations or {}).get(arg)
        if d is None:
            return 0.0, False
        if spec.name == "videoretalk" and not params.get("video_extension"):
            vd = (input_durations or {}).get("video_url")
            if vd is not None:
                d = min(d, vd)
        return float(d), True
    if kind == "estimate":
        return float(arg), False
    return 0.0, False


def estimate(spec: ModelSpec, params: Mapping[str, Any] | None = None, *, count: int = 1,
             input_durations: Mapping[str, float] | None = None, chain: list[ModelSpec] | None = None,
             reuse_template: bool = False) -> Estimate:
    """Estimated cost of ``count`` runs, chain steps included (detect is billed per image)."""
    params = dict(params or {})
    lines: list[CostLine] = []
    confirmed = True
    known = True
    for step in chain or []:
        if step.name == spec.name:
            continue
        if step.price.unit == "image":
            lines.append(CostLine(step.name, 1, "image", step.price.for_tier(None), None))
        elif not reuse_template:
            secs, ok = output_seconds(step, params, input_durations)
            known &= ok
            lines.append(CostLine(step.name, secs, "second", step.price.for_tier(tier_of(step, params)), None))
        confirmed &= step.price.confirmed
    secs, ok = output_seconds(spec, params, input_durations)
    known &= ok
    tier = tier_of(spec, params)
    lines.append(CostLine(spec.name, secs if spec.price.unit == "second" else 1, spec.price.unit,
                          spec.price.for_tier(tier), tier))
    confirmed &= spec.price.confirmed
    return Estimate(tuple(lines), count=max(1, count), confirmed=confirmed, seconds_known=known)


def actual_cost(spec: ModelSpec, usage: Mapping[str, Any] | None, params: Mapping[str, Any] | None = None) -> float | None:
    """Cost from the service's ``usage`` after success; None when usage says nothing billable."""
    if not usage:
        return None
    params = dict(params or {})
    if spec.price.unit == "image":
        n = usage.get("image_count")
        return None if n is None else round(float(n) * spec.price.for_tier(None), 4)
    seconds = None
    for key in ("duration", "output_video_duration", "video_duration"):
        v = usage.get(key)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            seconds = float(v)
            break
    if seconds is None:
        return None
    tier = tier_of(spec, params)
    sr = usage.get("SR")
    if spec.tier_source in ("size", "param:resolution") and isinstance(sr, (int, float)):
        tier = f"{int(sr)}P" if spec.tier_source != "param:min_len" else str(int(sr))
    ratio = usage.get("video_ratio")
    if spec.tier_source == "detect:ratio" and ratio in spec.price.by_tier:
        tier = ratio
    return round(seconds * spec.price.for_tier(tier), 4)
