"""The shape of a model definition. The data lives in ``models.py``."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..i18n import T


class Family(StrEnum):
    T2V = "t2v"
    I2V = "i2v"
    KF2V = "kf2v"
    VACE = "vace"
    STYLE = "style"
    ANIMATE_ANYONE = "animate_anyone"
    EMO = "emo"
    LIVEPORTRAIT = "liveportrait"
    EMOJI = "emoji"
    VIDEORETALK = "videoretalk"


class Kind(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    MASK = "mask"            # an image (white = edit) or, for VACE, a mask video
    IMAGE_LIST = "image_list"
    BBOX = "bbox"            # [x1, y1, x2, y2], filled from a detect step
    TEMPLATE_ID = "template_id"
    CHOICE = "choice"        # a string picked from a fixed list (Emoji driven_id)
    INT = "int"


#: Kinds whose value is a file (local path, URL, oss:// or data URI).
FILE_KINDS = frozenset({Kind.IMAGE, Kind.AUDIO, Kind.VIDEO, Kind.MASK, Kind.IMAGE_LIST})


@dataclass(frozen=True)
class Limits:
    """What the service accepts for one file input. ``None`` = not limited / not documented."""

    formats: tuple[str, ...] = ()       # lower-case short names as media.probe reports them
    max_bytes: int | None = None
    min_side: int | None = None         # shortest side, px
    max_side: int | None = None         # longest side, px
    max_aspect: float | None = None     # longest / shortest
    min_duration: float | None = None   # seconds
    max_duration: float | None = None
    min_fps: float | None = None
    max_fps: float | None = None
    no_alpha: bool = False


@dataclass(frozen=True)
class Choice:
    value: Any
    label: T
    tier: str | None = None   # resolution tier of a size ("480P", "720P", "1080P")


@dataclass(frozen=True)
class InputSpec:
    name: str
    kind: Kind
    label: T
    required: bool = False
    help: T | None = None
    limits: Limits | None = None
    max_chars: int | None = None
    data_uri: bool = False            # the service documents base64 data URIs for this field
    min_items: int | None = None
    max_items: int | None = None
    choices: tuple[Choice, ...] = ()
    from_detect: bool = False         # filled by the chain's detect step, not by the user
    one_of: str | None = None         # group name: at least one field of the group is needed
    media: str | None = None          # for MASK: "image" or "video"

    @property
    def is_file(self) -> bool:
        return self.kind in FILE_KINDS


@dataclass(frozen=True)
class ParamSpec:
    name: str
    type: str                          # "int" | "float" | "bool" | "str" | "str_list"
    label: T
    default: Any = None
    choices: tuple[Choice, ...] = ()
    min: float | None = None
    max: float | None = None
    required: bool = False
    help: T | None = None
    stage: str | None = None           # "detect": sent to the chain's detect call, not this model
    item_choices: tuple[Choice, ...] = ()   # for str_list
    fixed: bool = False                # documented but only one value is allowed

    def choice_values(self) -> list[Any]:
        return [c.value for c in self.choices]


@dataclass(frozen=True)
class FunctionSpec:
    """One function of a multi-function model (VACE)."""

    name: str
    label: T
    description: T
    inputs: tuple[InputSpec, ...]
    params: tuple[ParamSpec, ...]


@dataclass(frozen=True)
class Price:
    """Price per unit (second of output video, or image for detect calls), in CNY.

    ``by_tier`` maps a tier ("480P", "1:1", "720", "*") to the unit price. ``confirmed``
    is False where the official page gives no number and the figure is an estimate.
    """

    unit: str                         # "second" | "image"
    by_tier: dict[str, float]
    free_quota: float = 0.0           # in units
    confirmed: bool = True
    currency: str = "CNY"

    def for_tier(self, tier: str | None) -> float:
        if tier is not None and tier in self.by_tier:
            return self.by_tier[tier]
        if "*" in self.by_tier:
            return self.by_tier["*"]
        return max(self.by_tier.values())


@dataclass(frozen=True)
class ModelSpec:
    name: str                          # canonical (Beijing) name
    family: Family
    title: T
    description: T
    endpoint: str                      # path relative to the base URL (…/api/v1)
    sync: bool
    regions: dict[str, str]            # region id -> the model's name there
    inputs: tuple[InputSpec, ...]
    params: tuple[ParamSpec, ...]
    result: tuple[str, ...]            # where the result sits in the task query body
    usage_keys: tuple[str, ...]        # what the service reports in ``usage``
    price: Price
    submit_rps: float
    concurrency: int | None            # None: synchronous, not limited
    typical_seconds: float             # prior for progress estimates
    fps: int | None = None             # output frame rate when fixed
    duration_source: str = "fixed:5"   # "fixed:N" | "param:duration" | "input:<field>" | "estimate:N"
    tier_source: str | None = None     # "size" | "param:<name>" | "detect:<name>" | None
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    chain: tuple[str, ...] = ()        # models run in order for one request, ending with this one
    detect_rule: str | None = None     # for detect models: "check_pass" | "pass" | "bbox_face"
    send_parameters: bool = True       # emoji-v1 / liveportrait-detect take no "parameters"
    user_facing: bool = True           # False for chain steps the user never picks directly
    featured: bool = False
    statuses: tuple[str, ...] = ("PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN")

    # -- lookups ---------------------------------------------------------------------------
    def name_in(self, region: str) -> str:
        return self.regions.get(region, self.name)

    def available_in(self, region: str) -> bool:
        return region in self.regions

    def inputs_for(self, function: str | None = None) -> tuple[InputSpec, ...]:
        if self.functions:
            fn = self.functions.get(function or next(iter(self.functions)))
            return fn.inputs if fn else ()
        return self.inputs

    def params_for(self, function: str | None = None) -> tuple[ParamSpec, ...]:
        if self.functions:
            fn = self.functions.get(function or next(iter(self.functions)))
            return (fn.params if fn else ()) + self.params
        return self.params

    def input(self, name: str, function: str | None = None) -> InputSpec | None:
        return next((i for i in self.inputs_for(function) if i.name == name), None)

    def param(self, name: str, function: str | None = None) -> ParamSpec | None:
        return next((p for p in self.params_for(function) if p.name == name), None)

    def default_params(self, function: str | None = None) -> dict[str, Any]:
        return {p.name: p.default for p in self.params_for(function)
                if p.default is not None and p.stage is None}
