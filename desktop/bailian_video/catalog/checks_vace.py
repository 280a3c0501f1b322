"""Rules of the legacy models that one field's limits cannot say: how VACE's inputs must agree with
each other, where effect templates may be used, and what the US deployment's ids accept.

Each function returns the request's problems as ``FieldError``s (empty when it is fine); the
validator calls them after the field-by-field checks. Facts from the official pages in
``shared/bailian-docs/``: ``legacy-wanx-vace-api-reference.md`` (VACE), ``wanx-video-effects.md``
and the legacy I2V/KF2V pages (templates), the legacy T2V/I2V pages (the ``-us`` durations).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..i18n import T
from .models import EFFECT_REGION, US_DURATIONS
from .regions import region_label
from .schema import ModelSpec
from .validate import FieldError
from .values import is_blank


def _given(value: Any) -> bool:
    if value is None or value == "" or value == [] or value == ():
        return False
    return not (isinstance(value, str) and is_blank(value))


def _one(media: Mapping[str, Any] | None, name: str) -> Any:
    """The probed file of a single-file input (None when unknown or a list)."""
    info = (media or {}).get(name)
    return None if isinstance(info, (list, tuple)) else info


def _dims(info: Any) -> tuple[int, int] | None:
    w, h = getattr(info, "width", None), getattr(info, "height", None)
    return (int(w), int(h)) if w and h else None


def _size(d: tuple[int, int]) -> str:
    return f"{d[0]}×{d[1]}"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


# -- VACE ---------------------------------------------------------------------------------------
def vace_checks(spec: ModelSpec, function: str | None, inputs: Mapping[str, Any], params: Mapping[str, Any],
                media: Mapping[str, Any] | None) -> list[FieldError]:
    """VACE rules across fields. ``media`` maps an input name to its probed file (``.width``,
    ``.height``, ``.fps``, ``.duration``) or None; checks that need a file's size are skipped
    when it is not known (remote URLs)."""
    if not spec.functions:
        return []
    if function == "image_reference":
        return _reference(inputs, params)
    if function == "video_edit":
        return _edit(inputs, media)
    if function == "video_extension":
        return _extension(inputs, params, media)
    return []


def _reference(inputs: Mapping[str, Any], params: Mapping[str, Any]) -> list[FieldError]:
    refs = inputs.get("ref_images_url")
    n = len(refs) if isinstance(refs, (list, tuple)) else 0
    if n > 1 and not _given(params.get("obj_or_bg")):
        example = ", ".join(["obj"] * (n - 1) + ["bg"])
        return [FieldError("parameters.obj_or_bg", "required", T(
            f"有 {n} 张参考图时，需要为每张图标明用途：主体（obj）或背景（bg，最多一张），"
            f"例如 [{example}]。",
            f"With {n} reference images, say what each one is: obj (a subject) or bg (the background, at most "
            f"one), e.g. [{example}]."))]
    return []


def _edit(inputs: Mapping[str, Any], media: Mapping[str, Any] | None) -> list[FieldError]:
    errs: list[FieldError] = []
    has_image, has_video = _given(inputs.get("mask_image_url")), _given(inputs.get("mask_video_url"))
    if has_image and has_video:
        errs.append(FieldError("input.mask_video_url", "exclusive", T(
            "遮罩图片和遮罩视频只能二选一；请去掉其中一个。",
            "Use either a mask image or a mask video, not both; remove one of them.")))
    src = _one(media, "video_url")
    src_dims = _dims(src)
    for name, what_zh, what_en in (("mask_image_url", "遮罩图片", "The mask image"),
                                   ("mask_video_url", "遮罩视频", "The mask video")):
        if not _given(inputs.get(name)):
            continue
        info = _one(media, name)
        dims = _dims(info)
        if src_dims and dims and dims != src_dims:
            errs.append(FieldError(f"input.{name}", "mask_size", T(
                f"{what_zh}是 {_size(dims)}，原视频是 {_size(src_dims)}：两者尺寸必须完全相同。"
                f"请把{what_zh}导出为 {_size(src_dims)} 后再用。",
                f"{what_en} is {_size(dims)} but the source video is {_size(src_dims)}; they must be exactly the "
                f"same size. Export the mask at {_size(src_dims)} and try again.")))
        if name == "mask_video_url" and src is not None and info is not None:
            errs.extend(_same_timing(src, info))
    frame = inputs.get("mask_frame_id")
    if has_image and isinstance(frame, int) and not isinstance(frame, bool) and src is not None:
        fps, duration = getattr(src, "fps", None), getattr(src, "duration", None)
        if fps and duration:
            last = int(round(fps * duration)) + 1
            if frame > last:
                errs.append(FieldError("input.mask_frame_id", "range", T(
                    f"遮罩对应帧是第 {frame} 帧，但原视频只有 1–{last} 帧；请选这个范围内的帧。",
                    f"The mask frame is {frame}, but the source video has frames 1–{last} only; pick one in "
                    f"that range.")))
    return errs


def _same_timing(src: Any, mask: Any) -> list[FieldError]:
    """A mask video must also have the source's frame rate and length."""
    errs: list[FieldError] = []
    sf, mf = getattr(src, "fps", None), getattr(mask, "fps", None)
    if sf and mf and abs(float(sf) - float(mf)) > 0.5:
        errs.append(FieldError("input.mask_video_url", "mask_fps", T(
            f"遮罩视频是 {mf:.0f} 帧/秒，原视频是 {sf:.0f} 帧/秒：帧率必须相同。请按 {sf:.0f} 帧/秒重新导出遮罩视频。",
            f"The mask video runs at {mf:.0f} fps but the source at {sf:.0f} fps; they must match. Export the mask "
            f"at {sf:.0f} fps.")))
    sd, md = getattr(src, "duration", None), getattr(mask, "duration", None)
    if sd and md and abs(float(sd) - float(md)) > 0.1:
        errs.append(FieldError("input.mask_video_url", "mask_duration", T(
            f"遮罩视频长 {md:.1f} 秒，原视频长 {sd:.1f} 秒：时长必须相同。请把遮罩视频剪成 {sd:.1f} 秒。",
            f"The mask video is {md:.1f} s long but the source is {sd:.1f} s; they must be the same length. "
            f"Trim the mask to {sd:.1f} s.")))
    return errs


def _extension(inputs: Mapping[str, Any], params: Mapping[str, Any],
               media: Mapping[str, Any] | None) -> list[FieldError]:
    errs: list[FieldError] = []
    if _given(inputs.get("video_url")) and not _given(params.get("control_condition")):
        errs.append(FieldError("parameters.control_condition", "required", T(
            "使用动作参考视频时，要选择保留的特征：posebodyface（人脸表情与肢体动作）或 depth（构图与运动轮廓）。",
            "With a motion reference video, pick a control condition: posebodyface (face and body pose) or "
            "depth (layout and motion).")))
    first, last = _one(media, "first_clip_url"), _one(media, "last_clip_url")
    if _given(inputs.get("first_clip_url")) and _given(inputs.get("last_clip_url")):
        a, b = getattr(first, "duration", None), getattr(last, "duration", None)
        if a and b and a + b > 3.05:
            errs.append(FieldError("input.last_clip_url", "duration", T(
                f"开头片段 {a:.1f} 秒加结尾片段 {b:.1f} 秒，共 {a + b:.1f} 秒；两段合计不能超过 3 秒，请剪短。",
                f"The first clip ({a:.1f} s) and the last clip ({b:.1f} s) add up to {a + b:.1f} s; together they "
                f"may be at most 3 s. Trim them.")))
    motion = _dims(_one(media, "video_url")) if _given(inputs.get("video_url")) else None
    if motion:
        for name, zh, en in (("first_clip_url", "开头片段", "the first clip"), ("last_clip_url", "结尾片段", "the last clip"),
                             ("first_frame_url", "首帧图片", "the first frame"),
                             ("last_frame_url", "尾帧图片", "the last frame")):
            dims = _dims(_one(media, name)) if _given(inputs.get(name)) else None
            if dims and dims != motion:
                errs.append(FieldError("input.video_url", "size", T(
                    f"动作参考视频是 {_size(motion)}，{zh}是 {_size(dims)}：两者尺寸必须相同。"
                    f"请把动作参考视频导出为 {_size(dims)}。",
                    f"The motion reference is {_size(motion)} but {en} is {_size(dims)}; they must be the same "
                    f"size. Export the motion reference at {_size(dims)}.")))
                break
    return errs


# -- effect templates ------------------------------------------------------------------------------
def template_checks(spec: ModelSpec, region: str | None, inputs: Mapping[str, Any]) -> list[FieldError]:
    """An effect template only on a model that lists it, and only in China (Beijing): the effects
    page names only the Beijing ids (wanx2.1-*) as supporting templates."""
    value = inputs.get("template")
    if not _given(value):
        return []
    if spec.input("template") is None:
        return [FieldError("input.template", "unsupported", T(
            f"{spec.name} 没有特效模板；特效只在万相2.1（wanx2.1-i2v-turbo / wanx2.1-i2v-plus / wanx2.1-kf2v-plus）上提供。",
            f"{spec.name} has no effect templates; effects exist only on Wan 2.1 (wanx2.1-i2v-turbo, "
            f"wanx2.1-i2v-plus, wanx2.1-kf2v-plus)."))]
    if region and region != EFFECT_REGION:
        here, home = region_label(region), region_label(EFFECT_REGION)
        return [FieldError("input.template", "region", T(
            f"特效模板只在{home.zh}提供，{here.zh}不能用；请去掉特效，或在设置里切换到{home.zh}。",
            f"Effect templates are offered only in {home.en}, not in {here.en}; remove the effect or switch the "
            f"region to {home.en} in Settings."))]
    return []


# -- the US deployment's ids ------------------------------------------------------------------------
def regional_param_checks(spec: ModelSpec, region: str | None, params: Mapping[str, Any]) -> list[FieldError]:
    """Parameter values that only some regions' ids take: ``wan2.6-t2v-us`` has 5/10 s and
    ``wan2.6-i2v-us`` 5/10/15 s, where the other regions' ``wan2.6-t2v``/``wan2.6-i2v`` take 2–15 s."""
    if not region:
        return []
    wire = spec.name_in(region)
    allowed = US_DURATIONS.get(wire)
    if not allowed or not spec.available_in(region):
        return []
    p = spec.param("duration")
    value = params.get("duration", p.default if p else None)
    if value is None or value in allowed:
        return []
    listed = ", ".join(str(v) for v in allowed)
    here = region_label(region)
    return [FieldError("parameters.duration", "choice", T(
        f"{wire}（{here.zh}）的时长只能是 {listed} 秒，收到 {value}。",
        f"{wire} ({here.en}) takes a duration of {listed} s only; got {value}."))]


__all__ = ["regional_param_checks", "template_checks", "vace_checks"]
