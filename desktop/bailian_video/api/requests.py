"""Request bodies built from the catalogue: the one place that knows the wire envelope."""
from __future__ import annotations

from typing import Any

from .. import catalog
from ..catalog.values import is_blank

OSS_PREFIX = "oss://"


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, tuple, dict)) and len(value) == 0)


def _clean(value: Any) -> Any:
    """Lists lose their empty items (an unused slot of a multi-image field is not sent)."""
    if isinstance(value, (list, tuple)):
        return [v for v in value if not _empty(v)]
    return value


def build_body(spec: catalog.ModelSpec, inputs: dict[str, Any], params: dict[str, Any], *, region: str,
               function: str | None = None) -> dict[str, Any]:
    """The ``{model, input, parameters?}`` envelope for one catalogue model in one region.

    Empty inputs are left out (text with nothing visible in it counts as empty: a negative
    prompt of spaces is not sent); VACE gets ``input.function``; ``parameters`` is sent only
    when the model takes it, without ``None`` values and without detect-stage parameters.
    """
    body: dict[str, Any] = {"model": spec.name_in(region)}
    wire_inputs: dict[str, Any] = {}
    fn_for_inputs = function if spec.functions else None
    for name, value in inputs.items():
        value = _clean(value)
        if _empty(value):
            continue
        ins = spec.input(name, fn_for_inputs)
        if ins is not None and ins.kind == catalog.Kind.TEXT and is_blank(value):
            continue
        wire_inputs[name] = value
    if spec.functions:
        wire_inputs["function"] = function or wire_inputs.get("function") or next(iter(spec.functions))
    body["input"] = wire_inputs
    if spec.send_parameters:
        fn = function if spec.functions else None
        wire_params: dict[str, Any] = {}
        for name, value in params.items():
            if value is None:
                continue
            pspec = spec.param(name, fn)
            if pspec is not None and pspec.stage == "detect":
                continue
            wire_params[name] = value
        body["parameters"] = wire_params
    return body


def has_oss_url(value: Any) -> bool:
    """Whether any string in ``value`` (nested lists/dicts included) is an ``oss://`` URL."""
    if isinstance(value, str):
        return value.startswith(OSS_PREFIX)
    if isinstance(value, dict):
        return any(has_oss_url(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(has_oss_url(v) for v in value)
    return False


def needs_oss_resolve(body: dict[str, Any]) -> bool:
    """Whether the request must carry ``X-DashScope-OssResourceResolve: enable``."""
    return has_oss_url(body.get("input"))


__all__ = ["build_body", "has_oss_url", "needs_oss_resolve"]
