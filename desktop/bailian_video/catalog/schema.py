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
    R2V = "r2v"              # reference images / videos → video
    EDIT = "edit"            # instruction edit of a video
    ANIMATE = "animate"      # a person image moved by a driving video, or swapped into it
    S2V = "s2v"              # digital human: portrait + speech


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
    FILE_LIST = "file_list"  # a list of images and/or videos (wan2.6-r2v ``reference_urls``)
    MEDIA = "media"          # ``input.media``: typed items ``{type, url, …}`` (the 2026 protocol)


#: Kinds whose value is a file (local path, URL, oss:// or data URI).
FILE_KINDS = frozenset({Kind.IMAGE, Kind.AUDIO, Kind.VIDEO, Kind.MASK, Kind.IMAGE_LIST, Kind.FILE_LIST, Kind.MEDIA})


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
class MediaField:
    """An extra field of one media item: a file (``reference_voice``, an audio clip for a
    reference), a short text (``ref_name``) or a switch (``keep_original_sound``)."""

    name: str
    label: T
    media: str                          # "audio" | "image" | "video" (a file) | "text" | "bool"
    limits: Limits | None = None
    choices: tuple[str, ...] = ()       # for text: the only values allowed


@dataclass(frozen=True)
class MediaType:
    """One ``type`` an ``input.media`` item may have, with its own limits and counts."""

    type: str                           # the wire value: "first_frame", "reference_image", …
    label: T
    media: str                          # what the url holds: "image" | "video" | "audio" | "file" | "link"
    limits: Limits | None = None
    min_items: int = 0
    max_items: int = 1
    total_duration: float | None = None  # seconds, summed over every item of this type
    fields: tuple[MediaField, ...] = ()
    #: how the prompt refers to the n-th item of this type: a prefix ("图" → 图1, 图2 …) or a
    #: pattern with ``{n}`` ("[Image {n}]", "<<<image_{n}>>>")
    tag: T | None = None
    data_uri: bool = False              # base64 data URIs are documented for this type


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
    sent: bool = True                 # False: taken by an earlier chain step, not sent to this model
    # -- MEDIA only ------------------------------------------------------------------------
    media_types: tuple[MediaType, ...] = ()
    #: the combinations of types one request may hold (each request's set of types must fit
    #: inside one of them); empty = any mix of the types above
    media_sets: tuple[frozenset[str], ...] = ()
    #: (type, needs): an item of ``type`` needs at least one item of ``needs`` ("a|b": of either)
    media_requires: tuple[tuple[str, str], ...] = ()
    #: (types, min, max): how many items of these types together (references: 1–5 images and videos)
    media_counts: tuple[tuple[frozenset[str], int, int], ...] = ()
    #: summed over the types named: max total seconds (e.g. every reference video and audio)
    media_total_duration: float | None = None
    #: FILE_LIST only: which media each item may be, and the limits of each ("video", Limits(…))
    accepts: tuple[str, ...] = ()
    limits_by_media: tuple[tuple[str, Limits], ...] = ()

    def media_type(self, name: str) -> MediaType | None:
        return next((t for t in self.media_types if t.type == name), None)

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
    #: values allowed outside ``min``/``max`` with a meaning of their own (duration -1: smart length)
    extra: tuple[Choice, ...] = ()

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
    """Price per unit (second of video, or image for detect calls), in CNY.

    ``by_tier`` maps a tier ("480P", "1:1", "720", "*") to the unit price. ``confirmed``
    is False where the official page gives no number and the figure is an estimate.

    ``switch`` names a parameter whose value picks another table from ``tables`` (keyed by
    the value as text: ``"false"`` for ``audio=False``, ``"wan-pro"`` for a mode); values
    not in ``tables`` use ``by_tier``. ``bill_input`` names the media types (or input
    fields) whose seconds are billed on top of the output, at the same rate, capped at
    ``max_input_seconds`` when the page says so.
    """

    unit: str                         # "second" | "image"
    by_tier: dict[str, float]
    free_quota: float = 0.0           # in units
    confirmed: bool = True
    currency: str = "CNY"
    switch: str | None = None
    tables: dict[str, dict[str, float]] = field(default_factory=dict)
    bill_input: tuple[str, ...] = ()
    max_input_seconds: float | None = None

    def table(self, params: dict[str, Any] | None = None) -> dict[str, float]:
        if self.switch and params is not None:
            value = params.get(self.switch)
            key = str(value).lower() if isinstance(value, bool) else str(value)
            if key in self.tables:
                return self.tables[key]
        return self.by_tier

    def for_tier(self, tier: str | None, params: dict[str, Any] | None = None) -> float:
        rates = self.table(params)
        if tier is not None and tier in rates:
            return rates[tier]
        if "*" in rates:
            return rates["*"]
        return max(rates.values())


@dataclass(frozen=True)
class Usage:
    """The shape of the ``usage`` object the service returns for one model.

    ``keys`` are what it reports (the sandbox answers with exactly these); ``seconds`` is
    the key that holds the billed seconds; ``tier`` the key that holds the billed tier
    (``SR``: 720 → "720P"), when there is one.
    """

    keys: tuple[str, ...]
    seconds: str | None = "duration"
    tier: str | None = None
    tier_text: bool = False           # the tier is reported as text ("720"), as the partner models do


@dataclass(frozen=True)
class Region:
    id: str
    label: T
    base_url: str | None              # the shared DashScope host; None where only workspace hosts exist
    workspace_url: str                # with "{workspace}" in it


@dataclass(frozen=True)
class FamilySpec:
    """How a family is presented: its tab's title, one-line blurb and what it allows."""

    family: Family
    title: T
    blurb: T
    allow_batch: bool = False         # a folder of images makes one task each
    #: the models the tab starts with, newest first: the first one the region offers is the default
    prefer: tuple[str, ...] = ()
    #: the tab turns a source video into another: it offers a before/after preview of the two
    before_after: bool = False


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
    usage: Usage                       # what the service reports in ``usage``
    price: Price
    submit_rps: float
    concurrency: int | None            # None: synchronous, not limited
    typical_seconds: float             # prior for progress estimates
    fps: int | None = None             # output frame rate when fixed
    duration_source: str = "fixed:5"   # "fixed:N" | "param:duration" | "input:<field>" | "estimate:N"
    tier_source: str | None = None     # "size" | "param:<name>" | "detect:<name>" | None
    #: the output is at most this long (HappyHorse edit: the first 15 s of the source) …
    max_seconds: float | None = None
    #: … and no longer than this input (VideoRetalk: the video), unless the ``uncapped_by`` switch is on
    capped_by: str | None = None
    uncapped_by: str | None = None
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    chain: tuple[str, ...] = ()        # models run in order for one request, ending with this one
    detect_rule: str | None = None     # for detect models: "check_pass" | "pass" | "bbox_face"
    #: for detect models: the answer's fields handed to the next step's ``from_detect`` inputs
    detect_outputs: tuple[str, ...] = ()
    #: for a chain step: skip it when the request already has this input (a reused template id)
    skip_if_input: str | None = None
    #: for a chain step: the ``output`` field it makes, handed to the next step's input of that name
    produces: str | None = None
    host: str = "shared"               # "shared" | "workspace" (answers only on the workspace host)
    #: models that share one concurrency limit (Vidu: 5 running tasks across all of its models);
    #: ``concurrency`` is then the pool's limit
    pool: str | None = None
    #: checks across fields that plain limits cannot say, by name (see ``catalog/rules.py``)
    rules: tuple[str, ...] = ()
    prices: dict[str, Price] = field(default_factory=dict)   # region -> price, where it differs
    also_in: tuple[Family, ...] = ()   # other families (tabs) that offer this model
    new: bool = False                  # shown as "new" in pickers
    #: with ``prompt_extend`` on, the service answers with the rewritten ``actual_prompt``
    rewrites_prompt: bool = True
    sound: bool = False                # the video always has sound the model made (no switch, no audio in)
    send_parameters: bool = True       # emoji-v1 / liveportrait-detect take no "parameters"
    user_facing: bool = True           # False for chain steps the user never picks directly
    featured: bool = False
    #: who makes it (``catalog/makers.py``): pickers group models by maker
    maker: str = "wan"
    statuses: tuple[str, ...] = ("PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN")

    # -- lookups ---------------------------------------------------------------------------
    def name_in(self, region: str) -> str:
        return self.regions.get(region, self.name)

    def available_in(self, region: str) -> bool:
        return region in self.regions

    def price_in(self, region: str | None) -> Price:
        return self.prices.get(region or "", self.price)

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
