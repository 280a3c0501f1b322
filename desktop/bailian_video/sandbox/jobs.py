"""What each model renders, and a small render pool with a content-addressed cache.

:func:`plan` maps a validated request to one ``media.render`` call (a :class:`Plan` with a
content key built from the model, the render arguments and the input file hashes);
:class:`Renderer` runs plans on a bounded thread pool and shares one render between all
tasks with the same key.
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

from ..catalog import Family, ModelSpec
from .inputs import ResolvedFile
from .state import Template
from .tasks import RenderOutput

log = logging.getLogger(__name__)

#: Short side of each resolution tier.
TIER_SHORT = {"480P": 480, "720P": 720, "1080P": 1080}
PORTRAIT_SHORT = 512          # EMO / LivePortrait / Emoji output short side
EMOJI_SECONDS = 3.0


def even(x: float) -> int:
    return max(2, round(x / 2.0) * 2)


def fit_short(width: int, height: int, short: int) -> tuple[int, int]:
    """Scale ``width`` × ``height`` so the short side is ``short``, keeping the aspect, even sides."""
    scale = short / float(min(width, height))
    return even(width * scale), even(height * scale)


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


def _dims(info: Any) -> tuple[int, int]:
    return int(info.width or 0), int(info.height or 0)


def _style_for(name: str) -> int:
    return int(hashlib.sha1(name.encode()).hexdigest(), 16) % 8


def _soundtrack(spec: ModelSpec, params: dict[str, Any], files: dict[str, Any], duration: float,
                plan: Plan) -> None:
    """wan2.5/2.6: use the given audio, else make one up (the service dubs automatically)."""
    if spec.input("audio_url") is None or params.get("audio") is False:
        return
    if files.get("audio_url") is not None:
        plan.args["audio"] = files["audio_url"]
        return
    freq = 220.0 + (int(params.get("seed") or 0) % 12) * 55.0
    plan.args["audio"] = None
    plan.prepare.append(("audio", "tone", {"seconds": float(duration), "freq": freq}))


def plan(spec: ModelSpec, function: str | None, inputs: dict[str, Any], params: dict[str, Any],
         files: dict[str, Any], infos: dict[str, Any], template: Template | None = None,
         info: dict[str, Any] | None = None) -> Plan | None:
    """The render for one validated request, or ``None`` when the model makes no video."""
    info = info if info is not None else {}
    name = spec.name
    label = name
    fam = spec.family
    fps = spec.fps or 30
    prompt = str(inputs.get("prompt") or "")

    if fam == Family.T2V:
        size = str(params.get("size") or spec.param("size").default)  # type: ignore[union-attr]
        w, h = (int(x) for x in size.split("*"))
        duration = int(params.get("duration") or 5)
        p = Plan(name, "render_text", {"text": prompt, "width": w, "height": h, "duration": float(duration),
                                       "fps": fps, "seed": int(params.get("seed") or 0), "label": label})
        _soundtrack(spec, params, files, duration, p)
        return p

    if fam == Family.I2V:
        tier = str(params.get("resolution") or spec.param("resolution").default)  # type: ignore[union-attr]
        info["tier"] = tier
        w, h = fit_short(*_dims(infos["img_url"]), TIER_SHORT.get(tier, 720))
        duration = int(params.get("duration") or 5)
        p = Plan(name, "render_image_motion", {"image": files["img_url"], "width": w, "height": h,
                                               "duration": float(duration), "fps": fps, "label": label})
        _soundtrack(spec, params, files, duration, p)
        return p

    if fam == Family.KF2V:
        tier = str(params.get("resolution") or spec.param("resolution").default)  # type: ignore[union-attr]
        info["tier"] = tier
        first = files["first_frame_url"]
        last = files.get("last_frame_url") or first
        w, h = fit_short(*_dims(infos["first_frame_url"]), TIER_SHORT.get(tier, 720))
        return Plan(name, "render_transition", {"first": first, "last": last, "width": w, "height": h,
                                                "duration": 5.0, "fps": fps, "label": label})

    if fam == Family.VACE:
        return _plan_vace(spec, function or "", params, files, infos, fps, label)

    if fam == Family.STYLE:
        w, h = fit_short(*_dims(infos["video_url"]), int(params.get("min_len") or 720))
        return Plan(name, "render_restyle", {"video": files["video_url"], "style": int(params.get("style") or 0),
                                             "width": w, "height": h, "fps": int(params.get("video_fps") or 15),
                                             "max_duration": 30.0, "audio_from_input": True, "label": label})

    if fam == Family.ANIMATE_ANYONE:
        if name == "animate-anyone-template-gen2" or template is None:
            return None
        if params.get("use_ref_img_bg"):
            w, h = (720, 1280) if params.get("video_ratio", "9:16") == "9:16" else (720, 960)
        else:
            w, h = fit_short(template.width, template.height, 720)
        return Plan(name, "render_image_motion", {
            "image": files["image_url"], "width": w, "height": h, "duration": float(template.duration), "fps": 15,
            "audio": str(template.video) if template.has_audio else None, "label": label})

    if fam == Family.EMO:
        x1, y1, x2, y2 = (int(v) for v in inputs["ext_bbox"])
        ratio = "3:4" if abs((x2 - x1) / max(1, (y2 - y1)) - 0.75) < abs((x2 - x1) / max(1, (y2 - y1)) - 1.0) else "1:1"
        info["ratio"] = ratio
        w, h = fit_short(x2 - x1, y2 - y1, PORTRAIT_SHORT)
        p = Plan(name, "render_portrait", {"image": files["image_url"], "audio": files["audio_url"], "width": w,
                                           "height": h, "fps": fps, "max_duration": 60.0, "label": label})
        p.prepare.append(("image", "crop", {"box": [x1, y1, x2, y2]}))
        return p

    if fam == Family.LIVEPORTRAIT:
        w, h = fit_short(*_dims(infos["image_url"]), PORTRAIT_SHORT)
        return Plan(name, "render_portrait", {"image": files["image_url"], "audio": files["audio_url"], "width": w,
                                              "height": h, "fps": int(params.get("video_fps") or 24),
                                              "max_duration": 180.0, "label": label})

    if fam == Family.EMOJI:
        x1, y1, x2, y2 = (int(v) for v in inputs["ext_bbox"])
        p = Plan(name, "render_image_motion", {"image": files["image_url"], "width": PORTRAIT_SHORT,
                                               "height": PORTRAIT_SHORT, "duration": EMOJI_SECONDS, "fps": fps,
                                               "label": f"{label} {inputs.get('driven_id', '')}".strip()})
        p.prepare.append(("image", "crop", {"box": [x1, y1, x2, y2]}))
        return p

    if fam == Family.VIDEORETALK:
        vinfo = infos["video_url"]
        info["input_size"] = f"{vinfo.width}*{vinfo.height}"
        info["input_fps"] = round(vinfo.fps or 25)
        return Plan(name, "render_retalk", {"video": files["video_url"], "audio": files["audio_url"],
                                            "max_duration": 120.0, "extend": bool(params.get("video_extension")),
                                            "label": label})
    return None


def _plan_vace(spec: ModelSpec, function: str, params: dict[str, Any], files: dict[str, Any],
               infos: dict[str, Any], fps: int, label: str) -> Plan:
    name = spec.name
    label = f"{label} {function}"
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


# -- execution ------------------------------------------------------------------------------
def _arg_path(v: Any) -> Any:
    if isinstance(v, ResolvedFile):
        return str(v.path)
    if isinstance(v, list):
        return [_arg_path(x) for x in v]
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
