"""Continue a finished video: the next shot starts where it ended.

Two ways, best first:

* ``first_clip`` — a model that takes an opening clip and goes on from it (Wan 2.7 image-to-video,
  ``media`` type ``first_clip``, a 2–10 s clip). Its output *repeats* the clip and then continues,
  and the requested duration is the total (billed in full), so the plan asks for the clip's length
  plus the new seconds and records the clip's length as the ``overlap`` a film trims away.
* ``last_frame`` — image-to-video from the clip's exact last frame (decoded to a lossless PNG),
  with the family's default image-to-video model of the region. Works for every video.
"""
from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import catalog
from ..catalog import Family, Kind, ModelSpec
from ..catalog.makers import default_model
from ..i18n import T
from .records import Request, State, TaskRecord

CLIP_MODEL = catalog.CONTINUATION_MODEL
NEW_SECONDS = 5        # what a continuation adds by default


class CannotContinue(ValueError):
    """The video cannot be continued (not finished, its file gone); the message says why and what to do."""


@dataclass
class Plan:
    request: Request
    method: str          # "first_clip" | "last_frame"
    overlap: float       # seconds of the parent repeated at the start of the new video
    model: str
    parent: int

    @property
    def continuation(self) -> dict[str, Any]:
        return {"method": self.method, "overlap": round(self.overlap, 3)}


def _video_of(rec: TaskRecord) -> Path:
    path = Path(rec.output_path) if rec.output_path else None
    if rec.state != State.DONE or path is None:
        raise CannotContinue(str(T(f"任务 {rec.id} 还没有完成的视频，等它生成完再续拍。",
                                   f"Task {rec.id} has no finished video to continue yet.")))
    if not path.is_file():
        raise CannotContinue(str(T(f"{path.name} 已不在 {path.parent} 中；把它放回原处才能续拍。",
                                   f"{path.name} is not in {path.parent} any more; put it back to continue it.")))
    return path


def _clip_limits(spec: ModelSpec) -> tuple[float, float]:
    for ins in spec.inputs:
        for mt in ins.media_types:
            if mt.type == "first_clip" and mt.limits is not None:
                return float(mt.limits.min_duration or 0), float(mt.limits.max_duration or math.inf)
    return math.inf, 0.0


def options(rec: TaskRecord, region: str, duration: float | None = None) -> list[str]:
    """The ways this record can be continued in ``region``, best first (``duration``: the video's
    length when already known, else it is probed)."""
    from ..media.probe import probe  # (PyAV and numpy load only when a video is continued)
    path = _video_of(rec)
    out = []
    clip = catalog.get(CLIP_MODEL)
    if clip is not None and clip.available_in(region):
        lo, hi = _clip_limits(clip)
        secs = duration if duration is not None else (probe(path, deep=False).duration or 0.0)
        if lo <= secs <= hi:
            out.append("first_clip")
    out.append("last_frame")
    return out


def image_model(region: str) -> ModelSpec:
    models = catalog.by_family(Family.I2V)
    return default_model(models, region, catalog.family_spec(Family.I2V).prefer)


def first_frame_inputs(spec: ModelSpec, image: str) -> dict[str, Any]:
    """The inputs that give ``spec`` one first-frame image, whatever its shape (a field or a media item)."""
    for ins in spec.inputs:
        if ins.kind == Kind.MEDIA and any(mt.type == "first_frame" for mt in ins.media_types):
            return {ins.name: [{"type": "first_frame", "url": image}]}
    for ins in spec.inputs:
        if ins.kind == Kind.IMAGE and ins.name in ("img_url", "first_frame_url", "image_url"):
            return {ins.name: image}
    raise CannotContinue(str(T(f"{spec.name} 不接受首帧图片。", f"{spec.name} does not take a first frame.")))


def _carry(spec: ModelSpec, parent: TaskRecord, params: dict[str, Any]) -> dict[str, Any]:
    """Keep the parent's look where the new model takes the same value (resolution, ratio, audio …)."""
    out = dict(params)
    pspec = catalog.get(parent.model)
    given = {**(pspec.default_params(parent.request.function) if pspec else {}), **parent.request.params}
    for name in ("resolution", "size", "audio", "watermark", "prompt_extend"):
        p = spec.param(name)
        v = given.get(name)
        if p is None or v is None or name in out:
            continue
        if p.choices and v not in [c.value for c in p.choices]:
            continue
        out[name] = v
    return out


async def plan(rec: TaskRecord, region: str, *, frames_dir: Path, method: str | None = None,
               prompt: str | None = None, seconds: int = NEW_SECONDS) -> Plan:
    """The request for the next shot (not submitted). ``prompt`` defaults to the parent's."""
    from ..media.probe import probe
    path = _video_of(rec)
    info = await asyncio.to_thread(probe, path, deep=False)
    secs = float(info.duration or 0.0)
    allowed = options(rec, region, secs)
    method = method or allowed[0]
    if method not in allowed:
        raise CannotContinue(str(T(f"这段视频在当前地域不能用 {method} 方式续拍（可用：{'、'.join(allowed)}）。",
                                   f"{method} is not possible for this video here (possible: {', '.join(allowed)}).")))
    text = rec.request.prompt if prompt is None else prompt
    if method == "first_clip":
        spec = catalog.require(CLIP_MODEL)
        p = spec.param("duration")
        top = float(p.max) if p is not None and p.max is not None else secs + seconds
        total = int(min(top, math.ceil(secs) + seconds))
        inputs: dict[str, Any] = {"media": [{"type": "first_clip", "url": str(path)}]}
        params = _carry(spec, rec, {"duration": total})
        overlap = secs
    else:
        from ..media.stitch import last_frame
        spec = image_model(region)
        frames_dir.mkdir(parents=True, exist_ok=True)
        image = frames_dir / f"{path.stem}-last-frame.png"
        await asyncio.to_thread(last_frame, path, image)
        inputs = first_frame_inputs(spec, str(image))
        params = _carry(spec, rec, {})
        overlap = 0.0
    if text:
        inputs["prompt"] = text
    request = Request(model=spec.name, inputs=inputs, params=params, region=region,
                      out_dir=rec.request.out_dir, name_template=rec.request.name_template)
    return Plan(request, method, overlap, spec.name, rec.id)
