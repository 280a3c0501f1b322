"""Input kinds as a registry: one entry per kind says how a value of that kind holds files, how it
is checked, and how the command line spells it.

Everything that walks a request's files — hashing and probing before submit, validation, uploads,
the sandbox reading what it was sent — asks the kind for its *file slots*: each local path, URL
or data URI inside the value, with where it sits (``slot``), the field name to report
(``input.media[2].url``) and the spec to check it against (label, media, limits). A new input
kind is a new entry here (plus one form editor and one sandbox reader); nothing else walks values.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..i18n import T
from .schema import InputSpec, Kind, MediaType
from .values import is_blank

Slot = tuple[int | str, ...]


@dataclass(frozen=True)
class FileSlot:
    slot: Slot                 # () for a single file, (i,) for a list item, (i, "url") inside a media item
    value: Any
    spec: InputSpec            # what the file is checked against: label, kind (image/audio/video), limits
    field: str                 # how errors name it: "input.img_url", "input.media[2].reference_voice"


@dataclass(frozen=True)
class Problem:
    """A structural problem with a value (the validator turns it into a FieldError)."""

    field: str
    code: str
    message: T


_MEDIA_KIND = {"image": Kind.IMAGE, "video": Kind.VIDEO, "audio": Kind.AUDIO}
_MEDIA_NAMES = {"image": T("图片", "images"), "video": T("视频", "videos"), "audio": T("音频", "audio clips"),
                "file": T("文件", "files"), "link": T("网页链接", "links")}


def _list(values: Sequence[Any]) -> str:
    return ", ".join(str(v) for v in values)


class KindSpec:
    """A kind with no files: the value is sent as it is."""

    kind: Kind
    is_file = False
    listed = False             # file metadata is kept as a list (one entry per slot)

    def __init__(self, kind: Kind) -> None:
        self.kind = kind

    def empty(self, value: Any) -> bool:
        return value is None or value == "" or value == [] or value == ()

    def file_slots(self, ins: InputSpec, value: Any) -> list[FileSlot]:
        return []

    def rebuild(self, ins: InputSpec, value: Any, new: dict[Slot, Any]) -> Any:
        """``value`` with the files at ``new``'s slots replaced (uploads: local path → oss://)."""
        return value

    def check(self, model: str, ins: InputSpec, value: Any) -> list[Problem]:
        return []

    def parse_cli(self, ins: InputSpec, raw: str, current: Any, absolute: Callable[[str], str]) -> Any:
        """The value after one ``--input NAME=RAW`` (``current`` is what earlier ones built)."""
        return raw


class TextKind(KindSpec):
    def empty(self, value: Any) -> bool:
        return super().empty(value) or is_blank(value)

    def check(self, model: str, ins: InputSpec, value: Any) -> list[Problem]:
        f = f"input.{ins.name}"
        if not isinstance(value, str):
            return [Problem(f, "type", T(f"“{ins.label.zh}”应为文本。", f"{ins.label.en} must be text."))]
        if ins.max_chars and len(value) > ins.max_chars:
            return [Problem(f, "too_long", T(
                f"“{ins.label.zh}”有 {len(value)} 字，超过 {ins.max_chars} 字上限，多出的部分会被截断；请删减。",
                f"{ins.label.en} has {len(value)} characters, over the {ins.max_chars} limit; the rest would be cut. "
                f"Shorten it."))]
        return []


class ChoiceKind(KindSpec):
    def check(self, model: str, ins: InputSpec, value: Any) -> list[Problem]:
        allowed = [c.value for c in ins.choices]
        if value not in allowed:
            return [Problem(f"input.{ins.name}", "choice", T(
                f"{model} 的“{ins.label.zh}”不支持 {value}；可选 {_list(allowed)}。",
                f"{model} does not support {ins.label.en} = {value}; choose one of {_list(allowed)}."))]
        return []


class IntKind(KindSpec):
    def check(self, model: str, ins: InputSpec, value: Any) -> list[Problem]:
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            return [Problem(f"input.{ins.name}", "type", T(f"“{ins.label.zh}”应为正整数。",
                                                           f"{ins.label.en} must be a positive whole number."))]
        return []

    def parse_cli(self, ins: InputSpec, raw: str, current: Any, absolute: Callable[[str], str]) -> Any:
        try:
            return int(raw)
        except ValueError:
            return raw


class BBoxKind(KindSpec):
    def check(self, model: str, ins: InputSpec, value: Any) -> list[Problem]:
        good = (isinstance(value, (list, tuple)) and len(value) == 4
                and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
                and value[2] > value[0] and value[3] > value[1])
        if not good:
            return [Problem(f"input.{ins.name}", "bbox", T(
                f"“{ins.label.zh}”应为 [x1, y1, x2, y2] 四个整数，且 x2>x1、y2>y1。",
                f"{ins.label.en} must be four integers [x1, y1, x2, y2] with x2>x1, y2>y1."))]
        return []

    def parse_cli(self, ins: InputSpec, raw: str, current: Any, absolute: Callable[[str], str]) -> Any:
        import json
        try:
            return json.loads(raw)
        except ValueError:
            return raw


class TemplateIdKind(KindSpec):
    def check(self, model: str, ins: InputSpec, value: Any) -> list[Problem]:
        if not isinstance(value, str) or not value.strip():
            return [Problem(f"input.{ins.name}", "type", T(f"“{ins.label.zh}”应为文本。", f"{ins.label.en} must be text."))]
        return []


def _not_a_file(field: str, label: T) -> Problem:
    return Problem(field, "type", T(f"“{label.zh}”应为文件路径或链接。", f"{label.en} must be a file path or a link."))


class FileKind(KindSpec):
    """One file: an image, an audio clip, a video or a mask."""

    is_file = True

    def file_slots(self, ins: InputSpec, value: Any) -> list[FileSlot]:
        return [FileSlot((), value, ins, f"input.{ins.name}")]

    def rebuild(self, ins: InputSpec, value: Any, new: dict[Slot, Any]) -> Any:
        return new.get((), value)

    def check(self, model: str, ins: InputSpec, value: Any) -> list[Problem]:
        if not isinstance(value, str) or not value:
            return [_not_a_file(f"input.{ins.name}", ins.label)]
        return []

    def parse_cli(self, ins: InputSpec, raw: str, current: Any, absolute: Callable[[str], str]) -> Any:
        return absolute(raw)


class FileListKind(KindSpec):
    """A list of files: images only (``IMAGE_LIST``) or images and videos (``FILE_LIST``)."""

    is_file = True
    listed = True

    def file_slots(self, ins: InputSpec, value: Any) -> list[FileSlot]:
        if not isinstance(value, (list, tuple)):
            return []
        return [FileSlot((i,), v, ins, f"input.{ins.name}[{i}]") for i, v in enumerate(value)]

    def rebuild(self, ins: InputSpec, value: Any, new: dict[Slot, Any]) -> Any:
        return [new.get((i,), v) for i, v in enumerate(value)]

    def check(self, model: str, ins: InputSpec, value: Any) -> list[Problem]:
        f = f"input.{ins.name}"
        what = T("图片", "images") if self.kind == Kind.IMAGE_LIST else T("文件", "files")
        if not isinstance(value, (list, tuple)):
            return [Problem(f, "type", T(f"“{ins.label.zh}”应为{what.zh}列表。", f"{ins.label.en} must be a list of {what.en}."))]
        if ins.max_items and len(value) > ins.max_items:
            return [Problem(f, "items", T(f"“{ins.label.zh}”最多 {ins.max_items} 个，现在 {len(value)} 个。",
                                          f"{ins.label.en} takes at most {ins.max_items}; got {len(value)}."))]
        if ins.min_items and len(value) < ins.min_items:
            return [Problem(f, "items", T(f"“{ins.label.zh}”至少需要 {ins.min_items} 个。",
                                          f"{ins.label.en} needs at least {ins.min_items}."))]
        return [_not_a_file(f"{f}[{i}]", ins.label) for i, v in enumerate(value) if not isinstance(v, str) or not v]

    def parse_cli(self, ins: InputSpec, raw: str, current: Any, absolute: Callable[[str], str]) -> Any:
        return [*(current or []), absolute(raw)]


def media_item_spec(ins: InputSpec, mt: MediaType, field_name: str = "url") -> InputSpec:
    """The spec one file inside a media item is checked against (its type's label, media and limits)."""
    if field_name == "url":
        kind = _MEDIA_KIND.get(mt.media, Kind.TEXT)
        return InputSpec(f"{ins.name}.{mt.type}", kind, mt.label, limits=mt.limits, data_uri=mt.data_uri)
    fld = next(f for f in mt.fields if f.name == field_name)
    return InputSpec(f"{ins.name}.{mt.type}.{fld.name}", _MEDIA_KIND.get(fld.media, Kind.TEXT),
                     T(f"{mt.label.zh}的{fld.label.zh}", f"{fld.label.en} of {mt.label.en}"), limits=fld.limits)


class MediaKind(KindSpec):
    """``input.media``: a list of typed items ``{"type": …, "url": …, <extra fields>}``.

    Items whose type holds a file (image, video, audio, document) are file slots, and so are
    the extra fields such as ``reference_voice``; ``link`` items are web pages the service reads
    itself and are passed through as they are.
    """

    is_file = True
    listed = True

    def file_slots(self, ins: InputSpec, value: Any) -> list[FileSlot]:
        out: list[FileSlot] = []
        if not isinstance(value, (list, tuple)):
            return out
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                continue
            mt = ins.media_type(str(item.get("type")))
            if mt is None:
                continue
            if mt.media != "link" and item.get("url"):
                out.append(FileSlot((i, "url"), item["url"], media_item_spec(ins, mt), f"input.{ins.name}[{i}].url"))
            for fld in mt.fields:
                if fld.media in _MEDIA_KIND and item.get(fld.name):
                    out.append(FileSlot((i, fld.name), item[fld.name], media_item_spec(ins, mt, fld.name),
                                        f"input.{ins.name}[{i}].{fld.name}"))
        return out

    def rebuild(self, ins: InputSpec, value: Any, new: dict[Slot, Any]) -> Any:
        out = []
        for i, item in enumerate(value):
            item = dict(item)
            for key in list(item):
                if (i, key) in new:
                    item[key] = new[(i, key)]
            out.append(item)
        return out

    def check(self, model: str, ins: InputSpec, value: Any) -> list[Problem]:
        f = f"input.{ins.name}"
        label = ins.label
        types = [t.type for t in ins.media_types]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, dict) for v in value):
            return [Problem(f, "type", T(f"“{label.zh}”应为素材列表（每项含 type 与 url）。",
                                         f"{label.en} must be a list of items, each with a type and a url."))]
        problems: list[Problem] = []
        counts: dict[str, int] = {}
        for i, item in enumerate(value):
            t = item.get("type")
            mt = ins.media_type(str(t))
            if mt is None:
                problems.append(Problem(f"{f}[{i}].type", "choice", T(
                    f"{model} 不接受素材类型 {t}；可选 {_list(types)}。",
                    f"{model} does not take media of type {t}; choose one of {_list(types)}.")))
                continue
            counts[mt.type] = counts.get(mt.type, 0) + 1
            if not isinstance(item.get("url"), str) or not item.get("url"):
                problems.append(_not_a_file(f"{f}[{i}].url", mt.label))
            for fl in mt.fields:
                v = item.get(fl.name)
                if v is None:
                    continue
                ok = isinstance(v, bool) if fl.media == "bool" else isinstance(v, str) and bool(v)
                if ok and fl.choices and v not in fl.choices:
                    problems.append(Problem(f"{f}[{i}].{fl.name}", "choice", T(
                        f"“{fl.label.zh}”只能是 {_list(fl.choices)}，收到 {v}。",
                        f"{fl.label.en} must be one of {_list(fl.choices)}; got {v}.")))
                elif not ok:
                    want = {"bool": T("开或关（true/false）", "true or false"), "text": T("文本", "text")}.get(
                        fl.media, T("文件路径或链接", "a file path or a link"))
                    problems.append(Problem(f"{f}[{i}].{fl.name}", "type", T(
                        f"“{fl.label.zh}”应为{want.zh}。", f"{fl.label.en} must be {want.en}.")))
            allowed = {"type", "url", *(fl.name for fl in mt.fields)}
            for key in item:
                if key not in allowed:
                    extra = _list(sorted(allowed - {"type", "url"})) or T("无", "none").en
                    problems.append(Problem(f"{f}[{i}].{key}", "unknown", T(
                        f"“{mt.label.zh}”没有 {key} 这一项；可用：{extra}。",
                        f"{mt.label.en} has no field {key}; it takes: {extra}.")))
        for mt in ins.media_types:
            n = counts.get(mt.type, 0)
            if n > mt.max_items:
                problems.append(Problem(f, "items", T(
                    f"{model} 最多接受 {mt.max_items} 个“{mt.label.zh}”，现在 {n} 个；请删掉 {n - mt.max_items} 个。",
                    f"{model} takes at most {mt.max_items} × {mt.label.en}; got {n}. Remove {n - mt.max_items}.")))
            if n < mt.min_items:
                problems.append(Problem(f, "required", T(
                    f"{model} 需要至少 {mt.min_items} 个“{mt.label.zh}”。",
                    f"{model} needs at least {mt.min_items} × {mt.label.en}.")))
        present = {t for t, n in counts.items() if n}
        if ins.media_sets and present and not any(present <= s for s in ins.media_sets):
            labels = {t.type: t.label for t in ins.media_types}
            combos_zh = "；".join("+".join(labels[t].zh for t in types if t in s) for s in ins.media_sets)
            combos_en = "; ".join(" + ".join(labels[t].en for t in types if t in s) for s in ins.media_sets)
            got_zh = "+".join(labels[t].zh for t in types if t in present)
            got_en = " + ".join(labels[t].en for t in types if t in present)
            problems.append(Problem(f, "combination", T(
                f"{model} 不能同时使用 {got_zh}；可用的组合：{combos_zh}。",
                f"{model} cannot combine {got_en}; the combinations it takes are: {combos_en}.")))
        labels = {t.type: t.label for t in ins.media_types}
        for typ, needs in ins.media_requires:
            options = [n for n in needs.split("|") if n in labels]
            if counts.get(typ) and typ in labels and options and not any(counts.get(n) for n in options):
                problems.append(Problem(f, "requires", T(
                    f"使用“{labels[typ].zh}”时还需要“{'”或“'.join(labels[n].zh for n in options)}”。",
                    f"{labels[typ].en} needs {' or '.join(labels[n].en for n in options)} too.")))
        for group, lo, hi in ins.media_counts:
            n = sum(counts.get(t, 0) for t in group)
            names_zh = "、".join(labels[t].zh for t in types if t in group)
            names_en = " and ".join(labels[t].en for t in types if t in group)
            if n > hi:
                problems.append(Problem(f, "items", T(
                    f"{model} 的{names_zh}合计最多 {hi} 个，现在 {n} 个；请删掉 {n - hi} 个。",
                    f"{model} takes at most {hi} {names_en} together; got {n}. Remove {n - hi}.")))
            elif n < lo:
                problems.append(Problem(f, "required", T(
                    f"{model} 需要至少 {lo} 个{names_zh}。", f"{model} needs at least {lo} of {names_en}.")))
        return problems

    def parse_cli(self, ins: InputSpec, raw: str, current: Any, absolute: Callable[[str], str]) -> Any:
        """``TYPE=PATH_OR_URL[;FIELD=PATH_OR_URL]…`` — one item, appended in order."""
        parts = [p for p in raw.split(";") if p.strip()]
        if not parts or "=" not in parts[0]:
            raise ValueError(f"--media takes TYPE=PATH_OR_URL[;FIELD=PATH_OR_URL], got {raw!r}")
        typ, url = (x.strip() for x in parts[0].split("=", 1))
        mt = ins.media_type(typ)
        item: dict[str, Any] = {"type": typ, "url": url if mt is not None and mt.media == "link" else absolute(url)}
        for part in parts[1:]:
            if "=" not in part:
                raise ValueError(f"--media: {part!r} in {raw!r} is not FIELD=PATH_OR_URL")
            key, val = (x.strip() for x in part.split("=", 1))
            fld = next((fl for fl in mt.fields if fl.name == key), None) if mt is not None else None
            if fld is not None and fld.media == "bool":
                item[key] = val.lower() in ("1", "true", "yes", "on")
            elif fld is not None and fld.media == "text":
                item[key] = val
            else:
                item[key] = absolute(val)
        return [*(current or []), item]


KINDS: dict[Kind, KindSpec] = {
    Kind.TEXT: TextKind(Kind.TEXT),
    Kind.IMAGE: FileKind(Kind.IMAGE),
    Kind.AUDIO: FileKind(Kind.AUDIO),
    Kind.VIDEO: FileKind(Kind.VIDEO),
    Kind.MASK: FileKind(Kind.MASK),
    Kind.IMAGE_LIST: FileListKind(Kind.IMAGE_LIST),
    Kind.FILE_LIST: FileListKind(Kind.FILE_LIST),
    Kind.MEDIA: MediaKind(Kind.MEDIA),
    Kind.BBOX: BBoxKind(Kind.BBOX),
    Kind.TEMPLATE_ID: TemplateIdKind(Kind.TEMPLATE_ID),
    Kind.CHOICE: ChoiceKind(Kind.CHOICE),
    Kind.INT: IntKind(Kind.INT),
}


def kind_of(ins: InputSpec) -> KindSpec:
    return KINDS[ins.kind]


def file_slots(ins: InputSpec, value: Any) -> list[FileSlot]:
    return KINDS[ins.kind].file_slots(ins, value)


def with_media(ins: InputSpec, media: str) -> InputSpec:
    """``ins`` narrowed to one media (a FILE_LIST item that turned out to be a video)."""
    return replace(ins, kind=_MEDIA_KIND.get(media, ins.kind))


__all__ = ["FileSlot", "KINDS", "KindSpec", "Problem", "Slot", "file_slots", "kind_of", "media_item_spec",
           "with_media"]
