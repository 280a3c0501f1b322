"""Check a request against the catalogue before anything is uploaded or paid.

Every error names the field, what is wrong and what is allowed, in both languages.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from ..i18n import T
from .kinds import KINDS, with_media
from .models import SIZES, size_tier
from .regions import REGIONS, region_label, valid_workspace
from .schema import Choice, InputSpec, Kind, Limits, ModelSpec, ParamSpec


class MediaLike(Protocol):
    """What validation needs to know about a file (``media.probe.MediaInfo`` fits)."""

    kind: str
    format: str
    size_bytes: int
    width: int | None
    height: int | None
    duration: float | None
    fps: float | None
    has_alpha: bool


@dataclass(frozen=True)
class FieldError:
    field: str          # "input.img_url", "parameters.size", "model", "region"
    code: str           # machine-readable kind of problem
    message: T

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ValidationError(ValueError):
    """Raised with every field error of one request."""

    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def _list(values: list[Any], limit: int = 12) -> str:
    shown = ", ".join(str(v) for v in values[:limit])
    return shown + (", …" if len(values) > limit else "")


def _mb(n: float) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _num(x: float | None) -> str:
    if x is None:
        return "?"
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def is_data_uri(value: str) -> bool:
    return value.startswith("data:")


# -- files ------------------------------------------------------------------------------------
def check_file(model: str, spec: InputSpec, info: MediaLike, field: str | None = None) -> list[FieldError]:
    """Errors for one probed file against a field's limits (used on drop and before submit)."""
    f = field or f"input.{spec.name}"
    label = spec.label
    errs: list[FieldError] = []
    want = {Kind.IMAGE: "image", Kind.IMAGE_LIST: "image", Kind.AUDIO: "audio", Kind.VIDEO: "video"}.get(spec.kind)
    if spec.kind == Kind.MASK:
        want = spec.media or "image"
    kind_names = {"image": T("图片", "an image"), "audio": T("音频", "audio"), "video": T("视频", "a video")}
    if want and info.kind != want:
        errs.append(FieldError(f, "kind", T(
            f"“{label.zh}”需要{kind_names[want].zh}，但这个文件是{kind_names.get(info.kind, T('未知', 'unknown')).zh}。",
            f"{label.en} needs {kind_names[want].en}, but this file is {kind_names.get(info.kind, T('', 'unknown')).en}.")))
        return errs
    lim: Limits | None = spec.limits
    if lim is None:
        return errs
    if lim.formats and info.format not in lim.formats:
        fm = "/".join(x.upper() for x in lim.formats)
        errs.append(FieldError(f, "format", T(
            f"“{label.zh}”不支持 {info.format.upper()} 格式；请换成 {fm}。",
            f"{label.en} does not accept {info.format.upper()}; use {fm}.")))
    if lim.max_bytes and info.size_bytes > lim.max_bytes:
        errs.append(FieldError(f, "bytes", T(
            f"“{label.zh}”文件 {_mb(info.size_bytes)}，超过上限 {_mb(lim.max_bytes)}；请压缩或换一个更小的文件。",
            f"{label.en} is {_mb(info.size_bytes)}, over the {_mb(lim.max_bytes)} limit; compress it or pick a smaller file.")))
    if info.width and info.height:
        short, long_ = min(info.width, info.height), max(info.width, info.height)
        dims = f"{info.width}×{info.height}"
        if lim.min_side and short < lim.min_side:
            errs.append(FieldError(f, "pixels", T(
                f"“{label.zh}”为 {dims} 像素，最短边至少需要 {lim.min_side}；请换一张更清晰的。",
                f"{label.en} is {dims} px; the shortest side must be at least {lim.min_side} px. Use a larger one.")))
        if lim.max_side and long_ > lim.max_side:
            errs.append(FieldError(f, "pixels", T(
                f"“{label.zh}”为 {dims} 像素，最长边不能超过 {lim.max_side}；请缩小后再用。",
                f"{label.en} is {dims} px; the longest side may be at most {lim.max_side} px. Scale it down.")))
        if lim.max_aspect and long_ / short > lim.max_aspect + 1e-6:
            errs.append(FieldError(f, "aspect", T(
                f"“{label.zh}”长宽比 {long_ / short:.2f}:1，超过 {_num(lim.max_aspect)}:1；请裁剪得更方一些。",
                f"{label.en} has an aspect ratio of {long_ / short:.2f}:1, over {_num(lim.max_aspect)}:1; crop it squarer.")))
    if lim.no_alpha and info.has_alpha:
        errs.append(FieldError(f, "alpha", T(
            f"“{label.zh}”带透明通道，服务不接受；请另存为不透明的 PNG 或 JPEG。",
            f"{label.en} has transparency, which the service rejects; save it as an opaque PNG or JPEG.")))
    if info.duration is not None:
        d = info.duration
        if lim.min_duration and d < lim.min_duration - 0.05:
            errs.append(FieldError(f, "duration", T(
                f"“{label.zh}”时长 {d:.1f} 秒，至少需要 {_num(lim.min_duration)} 秒。",
                f"{label.en} is {d:.1f} s long; it must be at least {_num(lim.min_duration)} s.")))
        if lim.max_duration and d > lim.max_duration + 0.05:
            errs.append(FieldError(f, "duration", T(
                f"“{label.zh}”时长 {d:.1f} 秒，最长 {_num(lim.max_duration)} 秒；请剪短后再用。",
                f"{label.en} is {d:.1f} s long; the limit is {_num(lim.max_duration)} s. Trim it first.")))
    if info.fps:
        if lim.min_fps and info.fps < lim.min_fps - 0.5:
            errs.append(FieldError(f, "fps", T(
                f"“{label.zh}”帧率 {info.fps:.0f}，至少需要 {_num(lim.min_fps)} 帧/秒。",
                f"{label.en} runs at {info.fps:.0f} fps; at least {_num(lim.min_fps)} fps is needed.")))
        if lim.max_fps and info.fps > lim.max_fps + 0.5:
            errs.append(FieldError(f, "fps", T(
                f"“{label.zh}”帧率 {info.fps:.0f}，最高 {_num(lim.max_fps)} 帧/秒。",
                f"{label.en} runs at {info.fps:.0f} fps; at most {_num(lim.max_fps)} fps is allowed.")))
    return errs


# -- parameters -------------------------------------------------------------------------------
def _choice_list(choices: tuple[Choice, ...]) -> str:
    return _list([c.value for c in choices])


def check_param(model: ModelSpec, spec: ParamSpec, value: Any) -> list[FieldError]:
    f = f"parameters.{spec.name}"
    label = spec.label
    if value is None:
        if spec.required:
            return [FieldError(f, "required", T(f"请设置“{label.zh}”。", f"Set {label.en}."))]
        return []
    typ = spec.type
    ok_type = {
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "str": isinstance(value, str),
        "str_list": isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value),
    }[typ]
    type_names = {"int": T("整数", "a whole number"), "float": T("数字", "a number"), "bool": T("开或关", "true or false"),
                  "str": T("文本", "text"), "str_list": T("文本列表", "a list of text")}
    if not ok_type:
        return [FieldError(f, "type", T(f"“{label.zh}”应为{type_names[typ].zh}，收到 {value!r}。",
                                        f"{label.en} must be {type_names[typ].en}; got {value!r}."))]
    if spec.choices and all(c.tier and "*" in str(c.value) for c in spec.choices):   # W*H sizes by tier
        return _check_size(model, spec, value)
    if spec.extra and value in [c.value for c in spec.extra]:
        return []
    if spec.choices and value not in spec.choice_values():
        allowed = _choice_list(spec.choices)
        if spec.fixed:
            return [FieldError(f, "fixed", T(
                f"{model.name} 的“{label.zh}”只能是 {allowed}（服务不支持其他值），收到 {value}。",
                f"{model.name} only supports {label.en} = {allowed}; got {value}."))]
        if all(c.tier == c.value for c in spec.choices) and isinstance(value, str) and "*" in value:   # tiers
            return [FieldError(f, "choice", T(
                f"“{label.zh}”填档位而不是尺寸，画幅跟随图片；可选 {allowed}。",
                f"{label.en} takes a tier, not a W*H size (the image sets the aspect ratio); choose one of {allowed}."))]
        return [FieldError(f, "choice", T(f"{model.name} 的“{label.zh}”不支持 {value}；可选 {allowed}。",
                                          f"{model.name} does not support {label.en} = {value}; choose one of {allowed}."))]
    if typ in ("int", "float"):
        if (spec.min is not None and value < spec.min) or (spec.max is not None and value > spec.max):
            rng = f"{_num(spec.min)}–{_num(spec.max)}" if spec.min is not None and spec.max is not None else (
                f"≥ {_num(spec.min)}" if spec.min is not None else f"≤ {_num(spec.max)}")
            return [FieldError(f, "range", T(f"“{label.zh}”须在 {rng} 之间，收到 {value}。",
                                             f"{label.en} must be within {rng}; got {value}."))]
    if typ == "str_list" and spec.item_choices:
        items: list[Any] = [c.value for c in spec.item_choices]
        bad = [v for v in value if v not in items]
        if bad:
            return [FieldError(f, "choice", T(f"“{label.zh}”只能包含 {_list(items)}，收到 {_list(bad)}。",
                                              f"{label.en} may only contain {_list(items)}; got {_list(bad)}."))]
    return []


def _check_size(model: ModelSpec, spec: ParamSpec, value: str) -> list[FieldError]:
    allowed = spec.choice_values()
    if value in allowed:
        return []
    f = f"parameters.{spec.name}"
    offered = sorted({c.tier for c in spec.choices if c.tier}, key=lambda t: int(t[:-1]))
    upper = value.upper()
    tier = upper if upper in SIZES else size_tier(value)
    lst = _list(allowed, 8)
    if tier and tier not in offered:
        return [FieldError(f, "choice", T(
            f"{model.name} 没有 {tier} 尺寸（只支持 {'/'.join(offered)}）；可选 {lst}。",
            f"{model.name} has no {tier} sizes; choose one of {lst}."))]
    if upper in SIZES or ":" in value:
        return [FieldError(f, "choice", T(
            f"“{spec.label.zh}”须是具体的宽*高，不能是“{value}”；可选 {lst}。",
            f"{spec.label.en} must be a concrete W*H size, not “{value}”; choose one of {lst}."))]
    return [FieldError(f, "choice", T(f"{model.name} 不支持尺寸 {value}；可选 {lst}。",
                                      f"{model.name} does not support size {value}; choose one of {lst}."))]


# -- the whole request ------------------------------------------------------------------------
def validate(model: ModelSpec | str, inputs: Mapping[str, Any], params: Mapping[str, Any] | None = None, *,
             region: str | None = None, function: str | None = None,
             media: Mapping[str, Any] | None = None, wire: bool = False, strict: bool = True,
             workspace: str | None = None, need_host: bool = False) -> list[FieldError]:
    """Every problem with one request, field by field.

    ``media`` maps an input name to a probed file (or a list of them for image lists).
    ``wire`` checks fields a chain fills in (bounding boxes) too, as the service would;
    ``strict`` also rejects parameter names the model does not know (the service ignores them,
    but a typo on the command line deserves a word). ``need_host`` checks that a model (or region)
    that answers only on a workspace host has a ``workspace`` id to go to.
    """
    from . import get  # late: the package imports this module

    spec = get(model) if isinstance(model, str) else model
    if spec is None:
        from . import all_models
        names = [m.name for m in all_models() if m.user_facing]
        return [FieldError("model", "unknown_model", T(f"没有名为 {model} 的模型；可选 {_list(names, 30)}。",
                                                       f"There is no model named {model}; choose one of {_list(names, 30)}."))]
    params = dict(params or {})
    errs: list[FieldError] = []
    if region and not spec.available_in(region):
        here = region_label(region)
        where = "、".join(region_label(r).zh for r in spec.regions if r in REGIONS)
        where_en = ", ".join(region_label(r).en for r in spec.regions if r in REGIONS)
        errs.append(FieldError("region", "region", T(
            f"{spec.name} 在{here.zh}不可用（仅 {where}）；请切换地区（“设置”里，或命令行的 --region）。",
            f"{spec.name} is not available in {here.en} (only {where_en}); switch the region (in Settings, or "
            f"--region on the command line).")))
    elif region and need_host and (spec.host == "workspace" or REGIONS[region].base_url is None) \
            and not valid_workspace(workspace):
        here = region_label(region)
        errs.append(FieldError("workspace", "workspace", T(
            f"{spec.name} 在{here.zh}只能通过业务空间专属域名调用：请在“设置”里填写业务空间 ID"
            f"（或 --workspace / DASHSCOPE_WORKSPACE_ID）。",
            f"{spec.name} in {here.en} answers only on your workspace host: enter the workspace id in Settings "
            f"(or --workspace / DASHSCOPE_WORKSPACE_ID).")))
    if spec.functions:
        function = function or inputs.get("function")
        if function not in spec.functions:
            names = list(spec.functions)
            errs.append(FieldError("input.function", "choice", T(f"请选择功能：{_list(names)}。",
                                                                 f"Choose a function: {_list(names)}.")))
            return errs
    in_specs = spec.inputs_for(function)
    known_inputs = {i.name for i in in_specs} | {"function", "extend_prompt"}
    groups: dict[str, list[InputSpec]] = {}
    template_used = not _empty_value(Kind.TEXT, inputs.get("template"))
    for ins in in_specs:
        if ins.one_of:
            groups.setdefault(ins.one_of, []).append(ins)
        value = inputs.get(ins.name)
        if _empty_value(ins.kind, value):
            skip_prompt = ins.name == "prompt" and template_used
            if ins.required and (wire or not ins.from_detect) and not skip_prompt:
                if ins.kind == Kind.TEXT and isinstance(value, str) and value:
                    # Spaces, line breaks or invisible characters only: the service would take it and charge.
                    errs.append(FieldError(f"input.{ins.name}", "blank", T(
                        f"{ins.label.zh}是空的（只有空格或不可见字符）；请描述想要的视频。",
                        f"The {ins.label.en.lower()} is empty (only spaces or invisible characters); "
                        f"describe the video.")))
                else:
                    errs.append(FieldError(f"input.{ins.name}", "required", T(
                        f"缺少“{ins.label.zh}”。", f"{ins.label.en} is required.")))
            continue
        errs.extend(_check_input(spec, ins, value, media.get(ins.name) if media else None))
    for members in groups.values():
        if all(_empty_value(m.kind, inputs.get(m.name)) for m in members):
            names_zh = "、".join(f"“{m.label.zh}”" for m in members)
            names_en = ", ".join(m.label.en for m in members)
            errs.append(FieldError(f"input.{members[0].name}", "one_of", T(
                f"请至少提供 {names_zh} 中的一项。", f"Provide at least one of: {names_en}.")))
    if strict:
        for name in inputs:
            if name not in known_inputs and not name.startswith("_"):
                errs.append(FieldError(f"input.{name}", "unknown", T(
                    f"{spec.name} 没有输入项 {name}；可用：{_list(sorted(known_inputs - {'extend_prompt'}))}。",
                    f"{spec.name} has no input {name}; it takes {_list(sorted(known_inputs - {'extend_prompt'}))}.")))
    p_specs = spec.params_for(function)
    for ps in p_specs:
        if ps.stage == "detect" and wire:
            continue
        errs.extend(check_param(spec, ps, params.get(ps.name)))
    known_params = {p.name for p in p_specs}
    if strict:
        for name in params:
            if name not in known_params:
                errs.append(FieldError(f"parameters.{name}", "unknown", T(
                    f"{spec.name} 没有参数 {name}；可用：{_list(sorted(known_params))}。",
                    f"{spec.name} has no parameter {name}; it takes {_list(sorted(known_params))}.")))
    errs.extend(_cross_checks(spec, function, inputs, params, region, media))
    return errs


def _empty_value(kind: Kind, value: Any) -> bool:
    """Not given: nothing, an empty string or list — or, for text, nothing visible (only spaces,
    line breaks, control or zero-width characters), which is sent as if it were not there."""
    return KINDS[kind].empty(value)


def _check_input(spec: ModelSpec, ins: InputSpec, value: Any, info: Any) -> list[FieldError]:
    """The kind's own checks (type, counts, combinations), then every file in the value against
    its limits (``info``: the probed file, or a list in file-slot order for list-like kinds)."""
    kind = KINDS[ins.kind]
    problems = kind.check(spec.name, ins, value)
    errs = [FieldError(p.field, p.code, p.message) for p in problems]
    if errs or not kind.is_file:
        return errs
    slots = kind.file_slots(ins, value)
    infos = info if isinstance(info, (list, tuple)) else [info] * len(slots)
    for i, slot in enumerate(slots):
        v, target = slot.value, slot.spec
        if not isinstance(v, str) or not v:
            errs.append(FieldError(slot.field, "type", T(f"“{target.label.zh}”应为文件路径或链接。",
                                                         f"{target.label.en} must be a file path or a link.")))
            continue
        if is_data_uri(v) and not target.data_uri:
            errs.append(FieldError(slot.field, "data_uri", T(
                f"{spec.name} 的“{target.label.zh}”不接受 base64 数据；请用本地文件（会自动上传）或 http(s) 链接。",
                f"{spec.name} does not accept base64 data for {target.label.en}; use a local file (uploaded for you) "
                f"or an http(s) link.")))
            continue
        inf = infos[i] if i < len(infos) else None
        if inf is None:
            continue
        if ins.kind == Kind.FILE_LIST:
            if ins.accepts and inf.kind not in ins.accepts:
                names = {"image": T("图片", "images"), "video": T("视频", "videos"), "audio": T("音频", "audio")}
                ok_zh = "或".join(names[a].zh for a in ins.accepts if a in names)
                ok_en = " or ".join(names[a].en for a in ins.accepts if a in names)
                errs.append(FieldError(slot.field, "kind", T(
                    f"“{ins.label.zh}”只接受{ok_zh}。", f"{ins.label.en} takes only {ok_en}.")))
                continue
            by_media = dict(ins.limits_by_media)
            target = with_media(replace(target, limits=by_media.get(inf.kind, target.limits)), inf.kind)
        errs.extend(check_file(spec.name, target, inf, slot.field))
    if ins.kind == Kind.MEDIA:
        errs.extend(_media_durations(spec, ins, value, slots, infos))
    return errs


def _media_durations(spec: ModelSpec, ins: InputSpec, value: Any, slots: list[Any],
                     infos: Sequence[Any]) -> list[FieldError]:
    """Summed durations per media type (and over all of them) against the model's totals."""
    totals: dict[str, float] = {}
    for i, slot in enumerate(slots):
        inf = infos[i] if i < len(infos) else None
        if inf is None or not getattr(inf, "duration", None) or slot.slot[1] != "url":
            continue
        typ = str(value[slot.slot[0]].get("type"))
        totals[typ] = totals.get(typ, 0.0) + float(inf.duration)
    errs: list[FieldError] = []
    f = f"input.{ins.name}"
    for mt in ins.media_types:
        got = totals.get(mt.type, 0.0)
        if mt.total_duration is not None and got > mt.total_duration + 0.05:
            errs.append(FieldError(f, "duration", T(
                f"“{mt.label.zh}”合计 {got:.1f} 秒，超过 {_num(mt.total_duration)} 秒上限；请剪短或减少片段。",
                f"{mt.label.en} add up to {got:.1f} s, over the {_num(mt.total_duration)} s limit; "
                f"trim them or use fewer.")))
    if ins.media_total_duration is not None:
        got = sum(totals.values())
        if got > ins.media_total_duration + 0.05:
            errs.append(FieldError(f, "duration", T(
                f"“{ins.label.zh}”里的视频和音频合计 {got:.1f} 秒，超过 {_num(ins.media_total_duration)} 秒上限。",
                f"The videos and audio in {ins.label.en} add up to {got:.1f} s, over the "
                f"{_num(ins.media_total_duration)} s limit.")))
    return errs


def _cross_checks(spec: ModelSpec, function: str | None, inputs: Mapping[str, Any],
                  params: Mapping[str, Any], region: str | None = None,
                  media: Mapping[str, Any] | None = None) -> list[FieldError]:
    if not spec.rules:
        return []
    from .rules import run  # late: the rules build on this module's FieldError
    return run(spec, region, function, inputs, params, media)
