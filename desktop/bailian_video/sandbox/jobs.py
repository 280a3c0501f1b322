"""What each model renders, and a small render pool with a content-addressed cache.

:func:`plan` maps a validated request to one ``media.render`` call (a :class:`Plan` with a
content key built from the model, the render arguments and the input file hashes);
:class:`Renderer` runs plans on a bounded thread pool and shares one render between all
tasks with the same key.

Generation models (text, frames, references, edits — every family without a planner of its own in
:data:`FAMILY_PLANS`) are planned from what the request holds, not from the model's name: each file
gets a *role* (first frame, last frame, opening clip, reference, soundtrack, source video to edit …)
from its field or media type, and the roles pick the render:

* a source video → the video visibly edited (a look, the instruction, the reference pictures);
* an opening clip → a video that starts with the clip and goes on (towards a last frame, if any);
* references (images, videos) → a scene with every reference on its own labelled card (图1, 视频1 …),
  opening on the first frame when there is one;
* a first and a last frame → a transition; a first frame → the image animated;
* nothing of these → the prompt as text.

The frame follows the ``size``, else the tier and ``ratio``, else the first frame, clip or source;
the length follows the model's ``duration_source``; sound follows the ``audio`` switch, a given
soundtrack / driving audio / reference audio, or the source's own sound.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalog import Family, Kind, ModelSpec
from ..catalog.pricing import input_seconds
from .inputs import ResolvedFile
from .readers import Read, ReadFile
from .shapes import even, fit_area, fit_short, parse_size, ratio_name, size_for, tier_short
from .state import Template
from .tasks import RenderOutput

log = logging.getLogger(__name__)

PORTRAIT_SHORT = 512          # EMO / LivePortrait / Emoji output short side
EMOJI_SECONDS = 3.0
#: What a model that picks its own length (``duration`` -1 / 0 "smart") makes without a video to follow.
SMART_SECONDS = 5.0
#: Digital human tiers by pixel count, keeping the photo's shape (wan-s2v-api.md: 480P ≈ 640×480).
S2V_AREA = {"480P": 640 * 480, "720P": 1280 * 720}
#: Animate renders keep the driving video's / photo's size, at most this short side.
ANIMATE_SHORT = 720

# -- roles of the files of a generation request -------------------------------------------------
FIRST, LAST, CLIP, REFERENCE, AUDIO, SOURCE, VOICE, DOCUMENT = (
    "first", "last", "clip", "reference", "audio", "source", "voice", "document")
#: Plain fields by name.
FIELD_ROLES = {"img_url": FIRST, "first_frame_url": FIRST, "last_frame_url": LAST, "first_clip_url": CLIP,
               "audio_url": AUDIO, "reference_urls": REFERENCE, "ref_images_url": REFERENCE, "video_url": SOURCE}
#: ``input.media`` item types by their wire name.
TYPE_ROLES = {"first_frame": FIRST, "last_frame": LAST, "first_clip": CLIP, "driving_audio": AUDIO,
              "reference_image": REFERENCE, "reference_video": REFERENCE, "reference_audio": REFERENCE,
              "refer": REFERENCE, "feature": REFERENCE, "base": SOURCE, "file": DOCUMENT}
#: Types some pages use for different things (``image``, ``image_url``, ``video``) mean what the
#: model's family does with a picture or a video: a first frame (the 2nd of them the last frame),
#: a reference, or the video to edit.
FAMILY_ROLES = {Family.I2V: FIRST, Family.KF2V: FIRST, Family.R2V: REFERENCE, Family.EDIT: SOURCE}
#: How references are called when their type names no tag of its own.
DEFAULT_TAGS = {"image": "图", "video": "视频", "audio": "音频"}


@dataclass
class Plan:
    """One render: ``call`` names a ``media.render`` function, ``args`` its keyword arguments.

    Arguments that are files are :class:`ResolvedFile`s (hashed into the key). ``prepare``
    lists derived inputs to make first (cropped images, generated tones).
    """

    model: str
    call: str
    args: dict[str, Any]
    prepare: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)   # (arg, kind, options)

    def key(self) -> str:
        def enc(v: Any) -> Any:
            if isinstance(v, ResolvedFile):
                return {"sha256": v.sha256}
            if isinstance(v, (list, tuple)):
                return [enc(x) for x in v]
            if isinstance(v, dict):
                return {k: enc(x) for k, x in sorted(v.items())}
            return v
        doc = {"model": self.model, "call": self.call, "args": enc(self.args), "prepare": enc(self.prepare)}
        return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()[:32]


@dataclass
class Item:
    """One file of a generation request with what it is for."""

    role: str
    read: ReadFile
    type: str | None = None                              # the media item's type; None for plain fields
    tag: str = ""                                        # how the prompt calls a reference (图1, 视频1 …)
    fields: dict[str, Any] = field(default_factory=dict)  # the media item's other fields

    @property
    def file(self) -> ResolvedFile:
        return self.read.file

    @property
    def info(self) -> Any:
        return self.read.info

    @property
    def media(self) -> str:
        return self.read.media


@dataclass
class Ctx:
    """One validated request, as the planners see it."""

    spec: ModelSpec
    function: str | None
    inputs: dict[str, Any]
    params: dict[str, Any]                   # as sent, plus catalogue defaults
    read: Read
    template: Template | None = None
    info: dict[str, Any] = field(default_factory=dict)
    sent: frozenset[str] = frozenset()       # parameter names the request itself set

    @property
    def files(self) -> dict[str, Any]:
        return self.read.files()

    @property
    def infos(self) -> dict[str, Any]:
        return self.read.infos()

    @property
    def fps(self) -> int:
        return self.spec.fps or 30

    @property
    def label(self) -> str:
        return self.spec.name

    @property
    def prompt(self) -> str:
        return str(self.inputs.get("prompt") or "")

    # -- roles ----------------------------------------------------------------------------------
    def items(self) -> list[Item]:
        """Every file with its role, in request order; references tagged as the prompt calls them."""
        out: list[Item] = []
        counts: dict[str, int] = {}
        seen_type: dict[str, int] = {}
        for name, reads in self.read.reads.items():
            ins = self.read.specs[name]
            for r in reads:
                if ins.kind != Kind.MEDIA:
                    out.append(Item(FIELD_ROLES.get(name, REFERENCE), r))
                    continue
                i, key = r.slot.slot[0], r.slot.slot[-1]
                entry = self.inputs[name][i] if isinstance(i, int) else {}
                typ = str(entry.get("type"))
                fields = {k: v for k, v in entry.items() if k not in ("type", "url")}
                if key != "url":
                    out.append(Item(VOICE, r, typ, fields=fields))
                    continue
                role = TYPE_ROLES.get(typ) or FAMILY_ROLES.get(self.spec.family, REFERENCE)
                seen_type[typ] = seen_type.get(typ, 0) + 1
                if role == FIRST and typ not in TYPE_ROLES and seen_type[typ] > 1:
                    role = LAST
                item = Item(role, r, typ, fields=fields)
                if role == REFERENCE:
                    counts[r.media] = counts.get(r.media, 0) + 1
                    item.tag = self._tag(ins.media_type(typ), r.media, counts[r.media], fields)
                out.append(item)
        for it in out:     # plain reference lists (wan2.6 reference_urls) are numbered per media too
            if it.role == REFERENCE and not it.tag:
                counts[it.media] = counts.get(it.media, 0) + 1
                it.tag = f"{DEFAULT_TAGS.get(it.media, '')}{counts[it.media]}"
        return out

    @staticmethod
    def _tag(mt: Any, media: str, n: int, fields: dict[str, Any]) -> str:
        tag = getattr(mt, "tag", None)
        if tag is None:
            return f"{DEFAULT_TAGS.get(media, '')}{n}"
        text = tag.zh
        if "{name}" in text:
            name = fields.get("ref_name")
            return text.format(name=name) if name else f"{DEFAULT_TAGS.get(media, '')}{n}"
        return text.format(n=n) if "{n}" in text else f"{text}{n}"

    # -- frame, length, sound -------------------------------------------------------------------
    def frame(self, anchor: Item | None, source: Item | None, refs: list[Item]) -> tuple[int, int]:
        """The output size: a ``size``; else a first frame / clip's shape at the tier; else the ratio at
        the tier; else the source's shape; else (adaptive) the first reference's; else 16:9. The ratio
        the output has is noted for ``usage`` (the one asked for when it made the frame)."""
        spec, p = self.spec, self.params
        short = tier_short(spec, p)
        ratio_param = "ratio" if spec.param("ratio") is not None else "aspect_ratio"
        ratio = p.get(ratio_param)
        named = isinstance(ratio, str) and ratio != "adaptive"

        def follow(info: Any) -> tuple[int, int]:
            w, h = int(info.width or 2), int(info.height or 2)
            return fit_short(w, h, short) if short else (even(w), even(h))

        size = parse_size(p.get("size"))
        if size is None:
            if anchor is not None:
                size = follow(anchor.info)
            elif source is not None and not (named and ratio_param in self.sent):
                size = follow(source.info)
            elif named:
                size = size_for(spec, short or 720, str(ratio))
                self.info["out_ratio"] = str(ratio)
            elif ratio == "adaptive" and refs:
                size = follow(refs[0].info)
            else:
                size = size_for(spec, short or 720, "16:9")
        self.info.setdefault("out_ratio", ratio_name(*size))
        return size

    def durations(self) -> dict[str, float]:
        return self.read.durations(self.inputs)

    def seconds(self, refs: list[Item]) -> float:
        """The output length the model's ``duration_source`` gives this request."""
        spec, p = self.spec, self.params
        kind, _, arg = spec.duration_source.partition(":")
        dp = spec.param("duration")
        value = p.get("duration")
        smart = dp is not None and bool(dp.extra) and value in [c.value for c in dp.extra]
        if kind == "input":
            d = self.durations().get(arg, 0.0)
            if dp is not None and not smart and isinstance(value, (int, float)) and value > 0:
                d = min(d, float(value))
        elif kind == "param":
            if smart:
                videos = sum(float(r.info.duration or 0.0) for r in refs if r.media == "video")
                d = min(videos, float(dp.max)) if videos and dp is not None and dp.max else (videos or SMART_SECONDS)
            else:
                d = float(value or 5)
        else:
            d = float(arg or 5)
        if spec.max_seconds is not None:
            d = min(d, spec.max_seconds)
        if spec.capped_by and not (spec.uncapped_by and p.get(spec.uncapped_by)):
            cap = self.durations().get(spec.capped_by)
            if cap:
                d = min(d, cap)
        return d

    def takes_audio(self) -> bool:
        """Whether the model takes sound in (a soundtrack, driving or reference audio, a voice)."""
        for ins in self.spec.inputs_for(self.function):
            if ins.kind == Kind.AUDIO:
                return True
            for mt in ins.media_types:
                if mt.media == "audio" or any(f.media == "audio" for f in mt.fields):
                    return True
        return False

    def sound(self, plan: Plan, duration: float, items: list[Item], source: Item | None) -> None:
        """Give ``plan`` its ``audio``: a given soundtrack, driving or reference audio or voice; the
        source's own sound when asked to keep it (or when the model decides and it has some); a made-up
        tone when the model makes sound itself; nothing when the ``audio`` switch is off."""
        spec, p = self.spec, self.params
        keep = source is not None and (p.get("audio_setting") == "origin"
                                       or str(source.fields.get("keep_original_sound", "")).lower() == "yes")
        if keep:
            plan.args["audio_from_input"] = True
            return
        switch = spec.param("audio") is not None
        if switch and not p.get("audio"):
            return
        given = ([it for it in items if it.role == AUDIO]
                 + [it for it in items if it.role == REFERENCE and it.media == "audio"]
                 + [it for it in items if it.role == VOICE])
        if given:
            plan.args["audio"] = given[0].file
            return
        wants = (switch or spec.sound or self.takes_audio()
                 or (source is not None and spec.param("audio_setting") is not None))
        if not wants:
            return
        if source is not None and source.info.has_audio:
            plan.args["audio_from_input"] = True
            return
        freq = 220.0 + (int(p.get("seed") or 0) % 12) * 55.0
        plan.args["audio"] = None
        plan.prepare.append(("audio", "tone", {"seconds": float(duration), "freq": freq}))


def _dims(info: Any) -> tuple[int, int]:
    return int(info.width or 0), int(info.height or 0)


def _style_for(name: str) -> int:
    return int(hashlib.sha1(name.encode()).hexdigest(), 16) % 8


def plan(spec: ModelSpec, function: str | None, inputs: dict[str, Any], params: dict[str, Any], read: Read,
         template: Template | None = None, info: dict[str, Any] | None = None,
         sent: frozenset[str] | set[str] = frozenset()) -> Plan | None:
    """The render for one validated request, or ``None`` when the model makes no video."""
    ctx = Ctx(spec, function, inputs, params, read, template, info if info is not None else {}, frozenset(sent))
    return FAMILY_PLANS.get(spec.family, _plan_generate)(ctx)


# -- generation: text, frames, clips, references, edits ----------------------------------------------
def _plan_generate(c: Ctx) -> Plan:
    items = c.items()
    by = {role: [it for it in items if it.role == role] for role in (FIRST, LAST, CLIP, REFERENCE, SOURCE, DOCUMENT)}
    refs = [it for it in by[REFERENCE] if it.media in ("image", "video")]
    source = by[SOURCE][0] if by[SOURCE] else None
    anchor = next(iter(by[FIRST] or by[CLIP]), None)
    w, h = c.frame(anchor, source, refs)
    duration = c.seconds(refs)
    fps, label, name = c.fps, c.label, c.spec.name
    durations = c.durations()
    billed = input_seconds(c.spec, durations)
    c.info["input_billed"] = billed
    c.info["input_video"] = billed if c.spec.price.bill_input else sum(
        float(it.info.duration or 0.0) for it in [*refs, *by[SOURCE]] if it.media == "video")
    c.info["reference_type"] = ",".join(m for m in ("image", "video") if any(r.media == m for r in refs)) or "image"
    text = c.prompt
    for doc in by[DOCUMENT]:
        text = f"{text}\n[{doc.file.name}]".strip()
    for entry in c.inputs.get("media") or []:
        if isinstance(entry, dict) and entry.get("type") == "link":
            text = f"{text}\n[{entry.get('url')}]".strip()
    base = {"width": w, "height": h, "duration": float(duration), "fps": fps, "label": label}
    if source is not None:
        p = Plan(name, "render_edit", {"video": source.file, "text": text, "refs": [r.file for r in refs
                                                                                   if r.media == "image"],
                                       "look": _style_for(text), **base})
    elif by[CLIP]:
        last = by[LAST][0].file if by[LAST] else None
        p = Plan(name, "render_continuation", {"clip": by[CLIP][0].file, "last": last, "text": text, **base})
    elif refs:
        cards = [{"tag": r.tag, "path": r.file, "media": r.media} for r in refs]
        first = by[FIRST][0].file if by[FIRST] else None      # a first frame opens the scene
        p = Plan(name, "render_references", {"refs": cards, "text": text, "seed": int(c.params.get("seed") or 0),
                                             "first": first, **base})
    elif by[FIRST] and by[LAST]:
        p = Plan(name, "render_transition", {"first": by[FIRST][0].file, "last": by[LAST][0].file, **base})
    elif by[FIRST]:
        p = Plan(name, "render_image_motion", {"image": by[FIRST][0].file, **base})
    else:
        p = Plan(name, "render_text", {"text": text, "seed": int(c.params.get("seed") or 0), **base})
    c.sound(p, duration, items, source)
    return p


# -- families with requests of their own --------------------------------------------------------------
def _plan_vace(c: Ctx) -> Plan:
    name, function, params, files, infos, fps = c.spec.name, c.function or "", c.params, c.files, c.infos, c.fps
    label = f"{c.label} {function}"
    if function == "image_reference":
        size = str(params.get("size") or "1280*720")
        w, h = (int(x) for x in size.split("*"))
        return Plan(name, "render_images", {"images": list(files["ref_images_url"]), "width": w, "height": h,
                                            "duration": 5.0, "fps": fps, "label": label})
    if function in ("video_repainting", "video_edit", "video_outpainting"):
        vw, vh = _dims(infos["video_url"])
        if function == "video_outpainting":
            vw = int(vw * (float(params.get("left_scale", 1.0)) + float(params.get("right_scale", 1.0)) - 1.0))
            vh = int(vh * (float(params.get("top_scale", 1.0)) + float(params.get("bottom_scale", 1.0)) - 1.0))
        w, h = fit_short(vw, vh, 720)
        return Plan(name, "render_restyle", {"video": files["video_url"], "style": _style_for(function), "width": w,
                                             "height": h, "fps": fps, "max_duration": 5.0,
                                             "audio_from_input": False, "label": label})
    # video_extension: frames make a transition, clips are continued
    first = files.get("first_frame_url") or files.get("last_frame_url")
    if first is not None:
        last = files.get("last_frame_url") or first
        src = infos.get("first_frame_url") or infos.get("last_frame_url")
        w, h = fit_short(*_dims(src), 720)
        return Plan(name, "render_transition", {"first": first, "last": last, "width": w, "height": h,
                                                "duration": 5.0, "fps": fps, "label": label})
    clip_name = "first_clip_url" if files.get("first_clip_url") is not None else "last_clip_url"
    w, h = fit_short(*_dims(infos[clip_name]), 720)
    return Plan(name, "render_restyle", {"video": files[clip_name], "style": _style_for(function), "width": w,
                                         "height": h, "fps": fps, "max_duration": 5.0, "audio_from_input": False,
                                         "label": label})


def _plan_style(c: Ctx) -> Plan:
    params = c.params
    w, h = fit_short(*_dims(c.infos["video_url"]), int(params.get("min_len") or 720))
    return Plan(c.spec.name, "render_restyle", {"video": c.files["video_url"], "style": int(params.get("style") or 0),
                                                "width": w, "height": h, "fps": int(params.get("video_fps") or 15),
                                                "max_duration": 30.0, "audio_from_input": True, "label": c.label})


def _plan_animate_anyone(c: Ctx) -> Plan | None:
    template, params = c.template, c.params
    if c.spec.produces == "template_id" or template is None:
        return None
    if params.get("use_ref_img_bg"):
        w, h = (720, 1280) if params.get("video_ratio", "9:16") == "9:16" else (720, 960)
    else:
        w, h = fit_short(template.width, template.height, 720)
    return Plan(c.spec.name, "render_image_motion", {
        "image": c.files["image_url"], "width": w, "height": h, "duration": float(template.duration), "fps": 15,
        "audio": str(template.video) if template.has_audio else None, "label": c.label})


def _plan_emo(c: Ctx) -> Plan:
    x1, y1, x2, y2 = (int(v) for v in c.inputs["ext_bbox"])
    ratio = "3:4" if abs((x2 - x1) / max(1, (y2 - y1)) - 0.75) < abs((x2 - x1) / max(1, (y2 - y1)) - 1.0) else "1:1"
    c.info["ratio"] = ratio
    w, h = fit_short(x2 - x1, y2 - y1, PORTRAIT_SHORT)
    p = Plan(c.spec.name, "render_portrait", {"image": c.files["image_url"], "audio": c.files["audio_url"], "width": w,
                                              "height": h, "fps": c.fps, "max_duration": 60.0, "label": c.label})
    p.prepare.append(("image", "crop", {"box": [x1, y1, x2, y2]}))
    return p


def _plan_liveportrait(c: Ctx) -> Plan:
    w, h = fit_short(*_dims(c.infos["image_url"]), PORTRAIT_SHORT)
    return Plan(c.spec.name, "render_portrait", {"image": c.files["image_url"], "audio": c.files["audio_url"],
                                                 "width": w, "height": h, "fps": int(c.params.get("video_fps") or 24),
                                                 "max_duration": 180.0, "label": c.label})


def _plan_emoji(c: Ctx) -> Plan:
    x1, y1, x2, y2 = (int(v) for v in c.inputs["ext_bbox"])
    p = Plan(c.spec.name, "render_image_motion", {"image": c.files["image_url"], "width": PORTRAIT_SHORT,
                                                  "height": PORTRAIT_SHORT, "duration": EMOJI_SECONDS, "fps": c.fps,
                                                  "label": f"{c.label} {c.inputs.get('driven_id', '')}".strip()})
    p.prepare.append(("image", "crop", {"box": [x1, y1, x2, y2]}))
    return p


def _plan_videoretalk(c: Ctx) -> Plan:
    vinfo = c.infos["video_url"]
    c.info["size"] = f"{vinfo.width}*{vinfo.height}"
    c.info["fps"] = round(vinfo.fps or 25)
    return Plan(c.spec.name, "render_retalk", {"video": c.files["video_url"], "audio": c.files["audio_url"],
                                               "max_duration": 120.0, "extend": bool(c.params.get("video_extension")),
                                               "label": c.label})


def _plan_animate(c: Ctx) -> Plan:
    """Wan Animate: ``move`` keeps the photo's frame, ``mix`` the driving video's; as long as the video."""
    person = next(r for r in c.read.all() if r.media == "image")
    video = next(r for r in c.read.all() if r.media == "video")
    mix = _mixes(c)
    w, h = _dims(video.info if mix else person.info)
    w, h = fit_short(w, h, min(ANIMATE_SHORT, min(w, h)))
    fps = c.spec.fps or max(1, round(video.info.fps or 30))
    return Plan(c.spec.name, "render_animate", {"image": person.file, "video": video.file, "width": w, "height": h,
                                                "duration": c.seconds([]), "fps": fps,
                                                "mode": "mix" if mix else "move", "label": c.label})


def _mixes(c: Ctx) -> bool:
    """Whether an Animate model puts the person into the video (``mix``) rather than the video's moves
    onto the photo (``move``). The two take the same request and no catalogue field tells them apart,
    so this reads the id's last word (``wan2.2-animate-mix``)."""
    return c.spec.name.rsplit("-", 1)[-1] == "mix"


def _plan_s2v(c: Ctx) -> Plan:
    """Digital human: the portrait speaks the audio (EMO's render), the photo's shape at the tier's pixel count."""
    image = next(r for r in c.read.all() if r.media == "image")
    audio = next(r for r in c.read.all() if r.media == "audio")
    tier = str(c.params.get("resolution") or "480P")
    w, h = fit_area(*_dims(image.info), S2V_AREA.get(tier, 640 * 480))
    return Plan(c.spec.name, "render_portrait", {"image": image.file, "audio": audio.file, "width": w, "height": h,
                                                 "fps": c.fps, "max_duration": c.spec.max_seconds, "label": c.label})


#: Families whose requests have a shape of their own; every other family is planned by :func:`_plan_generate`.
FAMILY_PLANS: dict[Family, Callable[[Ctx], Plan | None]] = {
    Family.VACE: _plan_vace,
    Family.STYLE: _plan_style,
    Family.ANIMATE_ANYONE: _plan_animate_anyone,
    Family.EMO: _plan_emo,
    Family.LIVEPORTRAIT: _plan_liveportrait,
    Family.EMOJI: _plan_emoji,
    Family.VIDEORETALK: _plan_videoretalk,
    Family.ANIMATE: _plan_animate,
    Family.S2V: _plan_s2v,
}


# -- execution ------------------------------------------------------------------------------
def _arg_path(v: Any) -> Any:
    if isinstance(v, ResolvedFile):
        return str(v.path)
    if isinstance(v, (list, tuple)):
        return [_arg_path(x) for x in v]
    if isinstance(v, dict):
        return {k: _arg_path(x) for k, x in v.items()}
    return v


class Renderer:
    """A bounded render pool with a content cache: one file per distinct render.

    The cache lives in ``cache_dir`` as ``<key>.mp4`` plus a ``<key>.json`` with the
    render's facts, so several sandboxes (a test session) can share one folder.
    """

    def __init__(self, cache_dir: Path, workers: int = 2, on_render: Callable[[bool], None] | None = None):
        self.dir = cache_dir
        self.dir.mkdir(parents=True, exist_ok=True)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sandbox-render")
        self._lock = threading.Lock()
        self._jobs: dict[str, Future[RenderOutput]] = {}
        self._on_render = on_render or (lambda hit: None)

    def submit(self, p: Plan) -> Future[RenderOutput]:
        key = p.key()
        with self._lock:
            fut = self._jobs.get(key)
            if fut is not None and self._reusable(fut):
                self._on_render(True)
                return fut
            cached = self._from_disk(key)
            if cached is not None:
                fut = Future()
                fut.set_result(cached)
                self._on_render(True)
            else:
                fut = self._pool.submit(self._run, p, key)
            self._jobs[key] = fut
        return fut

    @staticmethod
    def _reusable(fut: Future[RenderOutput]) -> bool:
        if not fut.done():
            return True
        return not fut.cancelled() and fut.exception() is None and fut.result().path.exists()

    def _from_disk(self, key: str) -> RenderOutput | None:
        meta, video = self.dir / f"{key}.json", self.dir / f"{key}.mp4"
        try:
            doc = json.loads(meta.read_text())
            if not video.exists():
                return None
            return RenderOutput(path=video, width=int(doc["width"]), height=int(doc["height"]),
                                duration=float(doc["duration"]), fps=float(doc["fps"]), frames=int(doc["frames"]),
                                has_audio=bool(doc["has_audio"]))
        except (OSError, ValueError, KeyError):
            return None

    def _atomic(self, out: Path, key: str) -> Path:
        return out.with_name(f".{out.stem}.{key[:8]}.{threading.get_ident()}{out.suffix}")

    def _prepare(self, p: Plan, key: str) -> dict[str, Any]:
        from ..media import samples
        args = {k: _arg_path(v) for k, v in p.args.items()}
        for arg, kind, opts in p.prepare:
            if kind == "tone":
                out = self.dir / f"tone-{opts['seconds']:g}-{opts['freq']:g}.wav"
                if not out.exists():
                    tmp = self._atomic(out, key)
                    samples.make_audio(tmp, float(opts["seconds"]), freq=float(opts["freq"]))
                    os.replace(tmp, out)
                args[arg] = str(out)
            elif kind == "crop":
                args[arg] = str(self._crop(Path(args[arg]), opts["box"], key))
        return args

    def _crop(self, image: Path, box: list[int], key: str) -> Path:
        from PIL import Image
        out = self.dir / f"crop-{key}.png"
        tmp = self._atomic(out, key)
        with Image.open(image) as im:
            x1, y1, x2, y2 = box
            x1, y1 = max(0, x1), max(0, y1)
            x2, y2 = min(im.width, x2), min(im.height, y2)
            if x2 - x1 < 2 or y2 - y1 < 2:
                x1, y1, x2, y2 = 0, 0, im.width, im.height
            im.convert("RGB").crop((x1, y1, x2, y2)).save(tmp, "PNG")
        os.replace(tmp, out)
        return out

    def _run(self, p: Plan, key: str) -> RenderOutput:
        from ..media import render
        args = self._prepare(p, key)
        out = self.dir / f"{key}.mp4"
        tmp = self._atomic(out, key)
        res = getattr(render, p.call)(tmp, **args)
        os.replace(tmp, out)
        result = RenderOutput(path=out, width=int(res.width), height=int(res.height), duration=float(res.duration),
                              fps=float(res.fps), frames=int(res.frames), has_audio=bool(res.has_audio))
        meta = self.dir / f"{key}.json"
        tmp_meta = self._atomic(meta, key)
        tmp_meta.write_text(json.dumps({k: v for k, v in vars(result).items() if k != "path"}))
        os.replace(tmp_meta, meta)
        self._on_render(False)
        return result

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def link_result(src: Path, dst: Path) -> None:
    """Give a task its own name for a cached render (hard link, copy when links fail)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.exists():
        return
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)
