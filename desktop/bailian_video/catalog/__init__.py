"""Every model as data: the single source of truth for requests, validation, forms,
cost estimates, scheduling and the sandbox."""
from __future__ import annotations

from dataclasses import replace as dc_replace

from . import models_happyhorse, models_kling, models_pixverse, models_vidu, models_wan
from .families import FAMILIES, FAMILY_ORDER, family_spec
from .models import MODELS as _LEGACY
from .models import SIZES, size_tier
from .pricing import Estimate, actual_cost, estimate, output_seconds, tier_of
from .regions import (
    BEIJING,
    FRANKFURT,
    REGIONS,
    SINGAPORE,
    VIRGINIA,
    WorkspaceNeeded,
    base_url,
    hosts_of,
    region_label,
    valid_workspace,
)
from .schema import (
    FILE_KINDS,
    Choice,
    Family,
    FamilySpec,
    FunctionSpec,
    InputSpec,
    Kind,
    Limits,
    ModelSpec,
    ParamSpec,
    Price,
    Region,
    Usage,
)
from .validate import FieldError, ValidationError, check_file, check_param, validate


def _made_by(maker: str, models: list[ModelSpec]) -> list[ModelSpec]:
    """Every model of a partner's data module is that partner's."""
    return [m if m.maker == maker else dc_replace(m, maker=maker) for m in models]


MODELS: list[ModelSpec] = [*_LEGACY, *models_wan.MODELS, *_made_by("happyhorse", models_happyhorse.MODELS),
                          *_made_by("kling", models_kling.MODELS), *_made_by("vidu", models_vidu.MODELS),
                          *_made_by("pixverse", models_pixverse.MODELS)]
_BY_NAME: dict[str, ModelSpec] = {}
for _m in MODELS:
    _BY_NAME[_m.name] = _m
    for _regional in _m.regions.values():
        if _regional:
            _BY_NAME.setdefault(_regional, _m)

#: The model that makes each new clip of a continuation (image → video from the last frame of the one before).
CONTINUATION_MODEL = "wan2.7-i2v"
#: A text-to-video model to show as an example: the file-name preview in Settings, the app's smoke test.
EXAMPLE_T2V_MODEL = "wan2.2-t2v-plus"


def get(name: str) -> ModelSpec | None:
    """A model by its canonical or regional name (``wan2.1-t2v-turbo`` finds ``wanx2.1-t2v-turbo``)."""
    return _BY_NAME.get(name)


def require(name: str) -> ModelSpec:
    spec = get(name)
    if spec is None:
        raise KeyError(name)
    return spec


def all_models() -> list[ModelSpec]:
    return list(MODELS)


def by_family(family: Family | str, user_facing: bool = True) -> list[ModelSpec]:
    """The models a family (tab) offers: its own, then those that also fit it."""
    fam = Family(family)
    own = [m for m in MODELS if m.family == fam and (m.user_facing or not user_facing)]
    return own + [m for m in MODELS if fam in m.also_in and m.family != fam and (m.user_facing or not user_facing)]


def chain_of(spec: ModelSpec) -> list[ModelSpec]:
    """The models one request runs, in order (just the model itself for single-step ones)."""
    return [require(n) for n in spec.chain] if spec.chain else [spec]


def model_base_url(spec: ModelSpec, region: str, workspace: str | None = None) -> str:
    """Where ``spec`` answers in ``region``: the shared host, or the workspace host for models
    (and regions) that have only that."""
    try:
        return base_url(region, workspace, spec.host)
    except WorkspaceNeeded as e:
        raise WorkspaceNeeded(region, spec.name) from e


__all__ = [
    "BEIJING", "CONTINUATION_MODEL", "EXAMPLE_T2V_MODEL", "FRANKFURT", "MODELS", "SINGAPORE", "VIRGINIA",
    "REGIONS", "Region", "Usage", "WorkspaceNeeded",
    "hosts_of", "model_base_url", "region_label", "valid_workspace", "SIZES", "FAMILIES", "FAMILY_ORDER", "FILE_KINDS", "Choice", "Estimate", "Family",
    "FamilySpec", "family_spec",
    "FieldError", "FunctionSpec", "InputSpec", "Kind", "Limits", "ModelSpec", "ParamSpec", "Price",
    "ValidationError", "actual_cost", "all_models", "base_url", "by_family", "chain_of", "check_file",
    "check_param", "estimate", "get", "output_seconds", "require", "size_tier", "tier_of", "validate",
]
