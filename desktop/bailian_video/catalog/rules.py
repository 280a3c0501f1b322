"""Checks across fields that a model's data names in ``ModelSpec.rules``.

Most limits are plain data (counts, sizes, choices); a few relations between fields are not —
a VACE mask must be exactly the source video's size, effect templates exist only in Beijing, a
US id takes fewer durations. Each is a function here, and the models it applies to say so by
name, so validation never asks which model it is looking at.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..i18n import T
from .checks_vace import regional_param_checks, template_checks, vace_checks
from .schema import ModelSpec
from .validate import FieldError


@dataclass(frozen=True)
class Request:
    spec: ModelSpec
    region: str | None
    function: str | None
    inputs: Mapping[str, Any]
    params: Mapping[str, Any]
    media: Mapping[str, Any] | None


def _vace(r: Request) -> list[FieldError]:
    errs: list[FieldError] = []
    if r.function == "image_reference":
        refs = r.inputs.get("ref_images_url") or []
        kinds = r.params.get("obj_or_bg")
        if isinstance(kinds, (list, tuple)):
            if len(kinds) != len(refs):
                errs.append(FieldError("parameters.obj_or_bg", "items", T(
                    f"“每张参考图的用途”需与参考图一一对应：{len(refs)} 张图，{len(kinds)} 个用途。",
                    f"Use of each image must match the images one to one: {len(refs)} images, {len(kinds)} uses.")))
            if list(kinds).count("bg") > 1:
                errs.append(FieldError("parameters.obj_or_bg", "items", T(
                    "“背景”最多只能有一张。", "At most one image can be the background.")))
    return errs + vace_checks(r.spec, r.function, r.inputs, r.params, r.media)


RULES: dict[str, Callable[[Request], list[FieldError]]] = {
    "vace": _vace,
    "effect_template": lambda r: template_checks(r.spec, r.region, r.inputs),
    "regional_params": lambda r: regional_param_checks(r.spec, r.region, r.params),
}


def run(spec: ModelSpec, region: str | None, function: str | None, inputs: Mapping[str, Any],
        params: Mapping[str, Any], media: Mapping[str, Any] | None) -> list[FieldError]:
    req = Request(spec, region, function, inputs, params, media)
    return [e for name in spec.rules for e in RULES[name](req)]


__all__ = ["RULES", "Request", "run"]

