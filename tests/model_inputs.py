"""A minimal valid request for a model, worked out from the catalogue, and what its video should be.

* :class:`Files` makes small real files that satisfy an input's limits;
* :func:`media_plan` picks the items of an ``input.media`` list the model accepts (required types, the
  first allowed combination, count rules, what each chosen type needs);
* :func:`request_inputs` is the value of each field of a minimal request, :func:`quick_params` the
  settings that keep a render short and cheap (shortest duration, cheapest tier);
* :func:`expected_video` says what the finished MP4 should be: its length (the model's duration
  source), its frame (a ``size``, else the tier's short side at the shape the output follows) and
  whether it has sound.

Shared by the end-to-end tests that make one video with every new model (the window; the command line
has the same helpers in its own test).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bailian_video.catalog import Family, Kind, Limits, tier_of
from bailian_video.catalog.schema import InputSpec, MediaType, ModelSpec
from bailian_video.media.probe import MediaInfo, probe
from bailian_video.media.samples import make_audio, make_image, make_video

PROMPT = "a red balloon drifts over a calm sea"
TIER = re.compile(r"(\d{3,4})P")
#: Digital human tiers by pixel count, keeping the portrait's shape (wan-s2v-api.md: 480P ≈ 640×480).
S2V_AREA = {480: 640 * 480, 720: 1280 * 720}


# -- fixture files that satisfy the catalogue's limits --------------------------------------------
class Files:
    """Makes (once) a small real file for a media kind and its limits: square images, 4:3 silent videos,
    2 s where the limits allow."""

    def __init__(self, root: Path):
        self.root = root
        self.made: dict[tuple[str, Limits | None], Path] = {}

    def get(self, media: str, limits: Limits | None) -> Path:
        key = (media, limits)
        if key not in self.made:
            self.made[key] = self._make(media, limits, self.root / f"f{len(self.made)}")
        return self.made[key]

    @staticmethod
    def _pick(limits: Limits | None, preferred: tuple[str, ...]) -> str:
        formats = limits.formats if limits and limits.formats else preferred
        return next((f for f in preferred if f in formats), formats[0])

    @staticmethod
    def _seconds(lim: Limits | None) -> float:
        seconds = max(2.0, (lim.min_duration or 0) if lim else 0)
        return min(seconds, lim.max_duration) if lim and lim.max_duration else seconds

    def _make(self, media: str, lim: Limits | None, stem: Path) -> Path:
        if media == "image":
            fmt = self._pick(lim, ("png", "jpeg", "webp", "bmp"))
            side = max(512, (lim.min_side or 0) if lim else 0)
            if lim and lim.max_side:
                side = min(side, lim.max_side)
            return make_image(stem.with_suffix({"jpeg": ".jpg"}.get(fmt, f".{fmt}")), side, side, text="in")
        if media == "video":
            h = max(240, (lim.min_side or 0) if lim else 0)
            w = h * 4 // 3
            if lim and lim.max_side:
                w = min(w, lim.max_side)
            fps = max(25.0, (lim.min_fps or 0) if lim else 0)
            return make_video(stem.with_suffix(".mp4"), w, h, self._seconds(lim), fps=fps, text="in")
        if media == "audio":
            return make_audio(stem.with_suffix(f".{self._pick(lim, ('wav', 'mp3'))}"), self._seconds(lim))
        if media == "file":
            path = stem.with_suffix(".txt")
            path.write_text("A red balloon drifts over a calm sea.\n", encoding="utf-8")
            return path
        raise AssertionError(f"no fixture for {media}")


def media_plan(ins: InputSpec) -> list[MediaType]:
    """The items of a minimal valid ``input.media``: the required types, the first allowed combination,
    enough items for each count rule and what each chosen type needs."""
    order = [t.type for t in ins.media_types]
    chosen: dict[str, int] = {t.type: t.min_items for t in ins.media_types if t.min_items}
    if ins.media_sets:
        first = next((s for s in ins.media_sets if set(chosen) <= s), ins.media_sets[0])
        for t in order:
            if t in first:
                chosen.setdefault(t, 1)
    for group, lo, _hi in ins.media_counts:
        have = sum(chosen.get(t, 0) for t in group)
        if have < lo:
            t = next(t for t in order if t in group)
            chosen[t] = chosen.get(t, 0) + lo - have
    changed = True
    while changed:
        changed = False
        for typ, needs in ins.media_requires:
            options = [n for n in needs.split("|") if n in order]
            if chosen.get(typ) and options and not any(chosen.get(n) for n in options):
                chosen[options[0]] = 1
                changed = True
    if not chosen and ins.required:
        chosen[order[0]] = 1
    return [mt for mt in ins.media_types for _ in range(chosen.get(mt.type, 0))]


def first_function(spec: ModelSpec) -> str | None:
    return next(iter(spec.functions), None)


def request_inputs(spec: ModelSpec, files: Files, function: str | None = None) -> dict[str, Any]:
    """The value of each input of a minimal valid request, in the model's field order: the prompt, every
    required field, one field of each 'one of' group, and a media list the model accepts."""
    out: dict[str, Any] = {}
    groups: set[str] = set()
    for ins in spec.inputs_for(function):
        if ins.from_detect or ins.name == "negative_prompt":
            continue
        if ins.name == "prompt":
            out["prompt"] = PROMPT
            continue
        wanted = ins.required or (ins.one_of is not None and ins.one_of not in groups) or \
            (ins.kind == Kind.MEDIA and bool(ins.media_sets))
        if not wanted:
            continue
        if ins.one_of:
            groups.add(ins.one_of)
        if ins.kind == Kind.MEDIA:
            items = [{"type": mt.type, "url": str(files.get(mt.media, mt.limits))} for mt in media_plan(ins)]
            if items:
                out[ins.name] = items
        elif ins.kind in (Kind.IMAGE_LIST, Kind.FILE_LIST):
            limits = dict(ins.limits_by_media).get("image", ins.limits)
            out[ins.name] = [str(files.get("image", limits))] * max(1, ins.min_items or 1)
        elif ins.kind in (Kind.IMAGE, Kind.AUDIO, Kind.VIDEO, Kind.MASK):
            out[ins.name] = str(files.get(input_media(ins), ins.limits))
        elif ins.kind == Kind.CHOICE:
            out[ins.name] = ins.choices[0].value
        elif ins.kind == Kind.INT:
            out[ins.name] = 1
        else:
            out[ins.name] = "x"
    return out


def input_media(ins: InputSpec) -> str:
    """What a plain file field holds: image, audio or video."""
    return ins.media or ("image" if ins.kind == Kind.MASK else ins.kind.value)


# -- settings --------------------------------------------------------------------------------------
def tier_param(spec: ModelSpec) -> str | None:
    """The parameter that picks the price tier (``resolution``, ``size``, ``mode``), if any."""
    src = spec.tier_source or ""
    if src == "size":
        return "size"
    kind, _, name = src.partition(":")
    return name if kind == "param" else None


def _size(value: Any) -> tuple[int, int] | None:
    """``"1280*720"`` → (1280, 720); None for anything else."""
    try:
        w, h = (int(x) for x in str(value).split("*", 1))
    except ValueError:
        return None
    return w, h


def _ratio(value: Any) -> float | None:
    size = _size(value)
    return size[0] / size[1] if size else None


def quick_params(spec: ModelSpec, function: str | None = None, region: str | None = None) -> dict[str, Any]:
    """The settings a person picks to try a model quickly: the shortest duration it allows and its cheapest
    tier (among sizes of that tier, the default's shape, else the smallest)."""
    out: dict[str, Any] = {}
    d = spec.param("duration", function)
    if d is not None and d.stage is None:
        values = d.choice_values()
        out["duration"] = min(values) if values else int(d.min if d.min is not None else d.default)
    name = tier_param(spec)
    p = spec.param(name, function) if name else None
    if p is not None and p.choices:
        price = spec.price_in(region)
        default_ratio = _ratio(p.default)

        def cost(value: Any) -> tuple[float, bool, int]:
            asked = {**spec.default_params(function), p.name: value}
            rate = price.for_tier(tier_of(spec, asked), asked)
            ratio, size = _ratio(value), _size(value)
            same_shape = ratio is not None and default_ratio is not None and abs(ratio - default_ratio) < 0.01
            return rate, not same_shape, size[0] * size[1] if size else 0

        out[p.name] = min(p.choice_values(), key=cost)
    return out


# -- the video it should make ----------------------------------------------------------------------
@dataclass(frozen=True)
class Expected:
    seconds: float
    audio: bool
    size: tuple[int, int] | None       # exactly, when the request names it (a ``size``) …
    ratio: float                       # … else the shape the output follows …
    short: int | None                  # … at the tier's short side (None: the model keeps its input's)
    area: int | None = None            # … or about this many pixels (digital humans: 480P ≈ 640×480)
    why: str = ""

    def check(self, width: int, height: int) -> str:
        """'' when a ``width`` × ``height`` video is what was expected, else what is wrong."""
        got = f"{width}×{height}"
        if self.size is not None:
            return "" if (width, height) == self.size else f"{got}, not {self.size[0]}×{self.size[1]} ({self.why})"
        if width <= 0 or height <= 0:
            return f"{got}: no frame"
        if abs(width / height - self.ratio) > 0.02:
            return f"{got}: shape {width / height:.3f}, not {self.ratio:.3f} ({self.why})"
        if self.short is not None and min(width, height) != self.short:
            return f"{got}: short side {min(width, height)}, not {self.short} ({self.why})"
        if self.area is not None and abs(width * height / self.area - 1) > 0.05:
            return f"{got}: {width * height} pixels, not about {self.area} ({self.why})"
        return ""


def _tier_short(spec: ModelSpec, params: dict[str, Any], function: str | None) -> int | None:
    """The tier's short side (720 for "720P", Kling's ``std`` choice of tier 720P), None without one."""
    name = tier_param(spec)
    p = spec.param(name, function) if name else None
    if p is None:
        return None
    value = params.get(p.name, p.default)
    choice = next((c for c in p.choices if c.value == value), None)
    m = TIER.fullmatch((choice.tier if choice else None) or str(value))
    return int(m.group(1)) if m else None


def _tier_size(spec: ModelSpec, short: int, ratio: float, function: str | None) -> tuple[int, int] | None:
    """The model's own ``size`` choice for this tier and shape, when it lists one (Vidu: 540P 16:9 is
    1024×576)."""
    p = spec.param("size", function)
    for c in p.choices if p else ():
        size = _size(c.value)
        if c.tier == f"{short}P" and size is not None and abs(size[0] / size[1] - ratio) < 0.02:
            return size
    return None


def _items(spec: ModelSpec, inputs: dict[str, Any], function: str | None) -> list[tuple[str, str]]:
    """(role, path) of each file: first frame, last frame, clip, reference, source, audio, photo."""
    out: list[tuple[str, str]] = []
    framed = spec.family in (Family.I2V, Family.KF2V)
    for ins in spec.inputs_for(function):
        value = inputs.get(ins.name)
        if value is None:
            continue
        if ins.kind == Kind.MEDIA:
            frames = 0
            for item in value:
                mt = ins.media_type(item["type"])
                media = mt.media if mt else "file"
                typ = item["type"]
                if media == "audio":
                    role = "audio"
                elif typ in ("first_frame", "last_frame", "first_clip"):
                    role = {"first_frame": "first", "last_frame": "last", "first_clip": "clip"}[typ]
                elif framed and media == "image":      # a plain "image": the first frame, a second the last
                    frames += 1
                    role = "first" if frames == 1 else "last"
                elif spec.family == Family.EDIT and media == "video":
                    role = "source"
                else:
                    role = "reference"
                out.append((role, item["url"]))
        elif ins.kind in (Kind.IMAGE_LIST, Kind.FILE_LIST):
            out += [("reference", v) for v in value]
        elif ins.is_file:
            out.append(("audio" if input_media(ins) == "audio" else input_media(ins), value))
    return out


def expected_video(spec: ModelSpec, inputs: dict[str, Any], params: dict[str, Any],
                   function: str | None = None) -> Expected:
    """What the service makes for this request: length from the model's duration source, the frame from a
    ``size``, else the tier at the shape the output follows (a first frame or clip, the video being edited,
    the named ratio, the first reference when adaptive, else 16:9), and sound when the ``audio`` switch is
    on, when sound goes in, or when the model voices its videos itself: it always has sound, it takes a
    soundtrack or voice and makes one when given none, or it decides the sound of an edit (``audio_setting``
    "auto"; "origin" keeps the source's)."""
    params = {**spec.default_params(function), **params}
    items = _items(spec, inputs, function)
    infos: dict[str, MediaInfo] = {path: probe(path) for _role, path in items}

    def first(*roles: str) -> MediaInfo | None:
        return next((infos[p] for r, p in items if r in roles), None)

    def shape(info: MediaInfo) -> float:
        return (info.width or 1) / (info.height or 1)

    # length
    kind, _, arg = spec.duration_source.partition(":")
    d = spec.param("duration", function)
    if kind == "param":
        seconds = float(params[arg])
    elif kind == "input":
        source = inputs[arg] if arg in inputs else next(
            (i["url"] for v in inputs.values() if isinstance(v, list) for i in v
             if isinstance(i, dict) and i.get("type") == arg), None)
        assert source is not None, f"{spec.name}: nothing in {arg} to take the length from"
        seconds = float((infos.get(source) or probe(source)).duration or 0.0)
        asked = params.get("duration")
        special = [c.value for c in d.extra] if d is not None else []
        if isinstance(asked, (int, float)) and asked > 0 and asked not in special:
            seconds = min(seconds, float(asked))
    else:
        seconds = float(arg or 5)
    if spec.max_seconds is not None:
        seconds = min(seconds, spec.max_seconds)

    # sound
    switch = spec.param("audio", function)
    setting = params.get("audio_setting")            # an edit's: "origin" keeps the source's, "auto" decides
    takes_sound = any(ins.kind == Kind.AUDIO or any(mt.media == "audio" or any(f.media == "audio" for f in mt.fields)
                                                    for mt in ins.media_types)
                      for ins in spec.inputs_for(function))
    if switch is not None and switch.type == "bool":
        audio = bool(params.get("audio"))
    elif setting == "origin":
        audio = any(infos[p].has_audio for r, p in items if r == "source")
    else:
        audio = spec.sound or takes_sound or setting is not None or any(role == "audio" for role, _ in items)

    # frame
    short = _tier_short(spec, params, function)
    size = _size(params.get("size"))
    if size is not None:
        return Expected(seconds, audio, size, size[0] / size[1], None, why=f"size {params['size']}")
    if spec.family == Family.ANIMATE:        # the photo's frame (move) or the video's (mix), at most 720P
        photo, video = first("image"), first("video")
        assert photo is not None and video is not None
        follows = video if spec.name.endswith("-mix") else photo
        keep = min(720, min(follows.width or 0, follows.height or 0))
        return Expected(seconds, audio, None, shape(follows), keep, why="the input it animates")
    if spec.family == Family.S2V:
        photo = first("image")
        assert photo is not None and short is not None
        return Expected(seconds, audio, None, shape(photo), None, area=S2V_AREA[short],
                        why=f"the portrait's shape at {short}P")
    ratio_name = params.get("ratio", params.get("aspect_ratio"))
    named = isinstance(ratio_name, str) and ":" in ratio_name
    anchor = first("first", "clip")
    source = first("source")
    refs = first("reference")
    if anchor is not None:
        ratio, why = shape(anchor), "the first frame's shape"
    elif source is not None:
        ratio, why = shape(source), "the edited video's shape"
    elif named:
        a, b = (float(x) for x in str(ratio_name).split(":"))
        ratio, why = a / b, f"ratio {ratio_name}"
    elif ratio_name == "adaptive" and refs is not None:
        ratio, why = shape(refs), "the first reference's shape"
    else:
        ratio, why = 16 / 9, "16:9"
    if short is not None:
        exact = _tier_size(spec, short, ratio, function) if anchor is None and source is None else None
        if exact is not None:
            return Expected(seconds, audio, exact, ratio, None, why=f"{short}P {why}, the model's own size")
        why = f"{short}P at {why}"
    return Expected(seconds, audio, None, ratio, short, why=why)
