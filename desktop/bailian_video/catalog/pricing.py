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
        size = str(params.get("size") or (p.default if p else ""))
        own = next((c.tier for c in (p.choices if p else ()) if c.value == size and c.tier), None)
        return own or size_tier(size)
    kind, _, name = src.partition(":")
    p = spec.param(name)
    value = params.get(name, p.default if p else None)
    return None if value is None else str(value)


def _param(spec: ModelSpec, params: Mapping[str, Any], name: str, fallback: Any = None) -> Any:
    p = spec.param(name)
    value = params.get(name)
    return value if value is not None else (p.default if p and p.default is not None else fallback)


def output_seconds(spec: ModelSpec, params: Mapping[str, Any],
                   input_durations: Mapping[str, float] | None = None) -> tuple[float, bool]:
    """(seconds of output video, whether that figure is known rather than guessed).

    A duration the model picks itself (``-1``, smart length) is estimated at the longest it may
    choose, and marked as a guess.
    """
    kind, _, arg = spec.duration_source.partition(":")
    if kind == "fixed":
        return float(arg), True
    if kind == "param":
        value = _param(spec, params, arg, 5)
        p = spec.param(arg)
        if p is not None and p.extra and value in [c.value for c in p.extra]:
            return float(p.max or p.default or 5), False
        return float(value), True
    if kind == "input":
        d = (input_durations or {}).get(arg)
        if d is None:
            return 0.0, False
        if spec.capped_by and not (spec.uncapped_by and params.get(spec.uncapped_by)):
            cap = (input_durations or {}).get(spec.capped_by)
            if cap is not None:
                d = min(d, cap)
        if spec.max_seconds is not None:
            d = min(d, spec.max_seconds)
        return float(d), True
    if kind == "estimate":
        return float(arg), False
    return 0.0, False


def input_seconds(spec: ModelSpec, input_durations: Mapping[str, float] | None,
                  region: str | None = None) -> float:
    """Seconds of input video billed on top of the output (reference videos, a clip to edit)."""
    price = spec.price_in(region)
    if not price.bill_input or not input_durations:
        return 0.0
    secs = sum(float(input_durations.get(name) or 0.0) for name in price.bill_input)
    if price.max_input_seconds is not None:
        secs = min(secs, price.max_input_seconds)
    return secs


def estimate(spec: ModelSpec, params: Mapping[str, Any] | None = None, *, count: int = 1,
             input_durations: Mapping[str, float] | None = None, chain: list[ModelSpec] | None = None,
             reuse_template: bool = False, region: str | None = None) -> Estimate:
    """Estimated cost of ``count`` runs, chain steps included (detect is billed per image),
    at the prices of ``region`` (Beijing's when not given)."""
    params = dict(params or {})
    lines: list[CostLine] = []
    confirmed = True
    known = True
    for step in chain or []:
        if step.name == spec.name:
            continue
        price = step.price_in(region)
        if price.unit == "image":
            lines.append(CostLine(step.name, 1, "image", price.for_tier(None), None))
        elif not reuse_template:
            secs, ok = output_seconds(step, params, input_durations)
            known &= ok
            lines.append(CostLine(step.name, secs, "second", price.for_tier(tier_of(step, params), params), None))
        confirmed &= price.confirmed
    price = spec.price_in(region)
    secs, ok = output_seconds(spec, params, input_durations)
    known &= ok
    tier = tier_of(spec, params)
    secs += input_seconds(spec, input_durations, region)
    lines.append(CostLine(spec.name, secs if price.unit == "second" else 1, price.unit,
                          price.for_tier(tier, params), tier))
    confirmed &= price.confirmed
    return Estimate(tuple(lines), count=max(1, count), confirmed=confirmed, seconds_known=known,
                    currency=price.currency)


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def usage_tier(spec: ModelSpec, usage: Mapping[str, Any], rates: Mapping[str, float]) -> str | None:
    """The tier ``usage`` reports (``SR: 720`` → "720P" or "720"; a ratio as it is), when it names
    one the price table knows."""
    key = spec.usage.tier
    if not key or key not in usage:
        return None
    raw = usage[key]
    n = _number(raw)
    candidates = [f"{int(n)}P", str(int(n))] if n is not None else [str(raw)]
    return next((c for c in candidates if c in rates), None)


def actual_cost(spec: ModelSpec, usage: Mapping[str, Any] | None, params: Mapping[str, Any] | None = None,
                region: str | None = None) -> float | None:
    """Cost from the service's ``usage`` after success, read the way the model's ``Usage`` says;
    None when usage says nothing billable."""
    if not usage:
        return None
    params = dict(params or {})
    price = spec.price_in(region)
    if price.unit == "image":
        n = _number(usage.get("image_count"))
        return None if n is None else round(n * price.for_tier(None), 4)
    key = spec.usage.seconds
    seconds = _number(usage.get(key)) if key else None
    if seconds is None:
        return None
    if key != "duration" and price.bill_input:
        seconds += _number(usage.get("input_video_duration")) or 0.0
    if "audio" in usage and price.switch == "audio" and isinstance(usage["audio"], bool):
        params["audio"] = usage["audio"]
    rates = price.table(params)
    tier = usage_tier(spec, usage, rates) or tier_of(spec, params)
    return round(seconds * price.for_tier(tier, params), 4)
