"""Export a sequence to editors — OpenTimelineIO, FCP 7 XML, CMX 3600 EDL, a 剪映 draft — and read each back.

Every export holds one video track with one clip per shot (the shot's source file, its in- and
out-point) and, when some shots have sound, one audio track in step with it. A cross-fade ``c``
becomes a dissolve of ``c`` centred on each cut: the outgoing shot shows up to ``end - c/2`` and
the incoming one from ``start + c/2``, so the dissolve runs on media that really exists (the last
``c`` seconds of one shot over the first ``c`` of the next) and the timeline is as long as the
stitched film (``sum - (n - 1)·c``; like media.stitch, ``c`` is kept below half the shortest shot).
:func:`read_back` undoes this: it gives, per clip, the span of
the source the clip uses including its part of a dissolve, i.e. exactly the ``start``/``end``
exported.

The sound in OTIO/XML cuts at the middle of each dissolve (no audio transition: FCP 7 XML from
the adapter can only describe video transitions); the EDL holds the video track only, like most
EDLs. The 剪映 draft places the shots back to back on the main track with a 叠化 (dissolve)
transition of ``c`` on each earlier shot, and keeps each shot's own sound.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import opentimelineio as otio
from opentimelineio.opentime import RationalTime, TimeRange

from ..i18n import T
from .probe import MediaError, probe

__all__ = [
    "TimelineClip",
    "TimelineError",
    "export_edl",
    "export_fcpxml",
    "export_jianying",
    "export_otio",
    "read_back",
]

_SEC = 1_000_000  # 剪映 counts microseconds
_EDL_FPS = re.compile(r"^\*\s*FPS:\s*([0-9.]+)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class TimelineClip:
    path: Path
    name: str
    start: float  # in-point in the source, seconds
    end: float  # out-point in the source, seconds
    width: int
    height: int
    fps: float
    has_audio: bool


class TimelineError(ValueError):
    """An export or read-back that cannot be done; ``message`` says why and what to do, in zh and en."""

    def __init__(self, message: T):
        self.message = message
        super().__init__(message.en)

    def __str__(self) -> str:
        return str(self.message)


# -- checks ------------------------------------------------------------------------------------------
def _check(clips: Sequence[TimelineClip], crossfade: float) -> None:
    if not clips:
        raise TimelineError(T("没有可导出的镜头；请先在序列里添加镜头", "There are no shots to export; add shots to the sequence first"))
    if crossfade < 0:
        raise TimelineError(T(f"交叉淡化不能为负数（{crossfade:g} 秒）", f"The cross-fade cannot be negative ({crossfade:g} s)"))
    for c in clips:
        if c.fps <= 0 or not c.end > c.start >= 0:
            raise TimelineError(T(
                f"镜头「{c.name}」（{c.path.name}）的入点/出点无效：{c.start:g}–{c.end:g} 秒；出点必须晚于入点",
                f"Shot “{c.name}” ({c.path.name}) has invalid in/out points {c.start:g}–{c.end:g} s; "
                "the out-point must come after the in-point"))


def _dissolve(clips: Sequence[TimelineClip], crossfade: float) -> int:
    """The cross-fade in frames at the timeline rate, kept below half the shortest shot as media.stitch does."""
    if len(clips) < 2 or crossfade <= 0:
        return 0
    rate = clips[0].fps
    shortest = min(round((c.end - c.start) * rate) for c in clips)
    return max(0, min(round(crossfade * rate), (shortest - 1) // 2))


def _file_duration(c: TimelineClip) -> float:
    try:
        info = probe(c.path, deep=False)
    except MediaError as e:
        raise TimelineError(T(
            f"镜头「{c.name}」的文件无法读取（{e.message.zh}）；请确认文件还在原处，或重新生成这个镜头",
            f"The file of shot “{c.name}” cannot be read ({e.message.en}); check that it is still where it was, "
            "or generate the shot again")) from e
    return max(info.duration or 0.0, c.end)


def _reels(clips: Sequence[TimelineClip]) -> dict[Path, str]:
    """A CMX 3600 reel per source file: up to 8 ASCII letters/digits, unique (the adapter would drop
    Chinese characters and spaces, leaving an empty reel that no EDL reader accepts)."""
    reels: dict[Path, str] = {}
    for c in clips:
        if c.path in reels:
            continue
        reel = re.sub(r"[^A-Za-z0-9]", "", c.path.stem)[:8]
        n = len(reels) + 1
        while not reel or reel in reels.values():
            reel, n = f"R{n:03d}", n + 1
        reels[c.path] = reel
    return reels


# -- the OTIO timeline all three file formats come from ---------------------------------------------
def _timeline(name: str, clips: Sequence[TimelineClip], crossfade: float) -> otio.schema.Timeline:
    _check(clips, crossfade)
    rate = clips[0].fps
    frames = _dissolve(clips, crossfade)
    into, out_of = frames // 2, frames - frames // 2  # the dissolve's frames before and after each cut
    reels = _reels(clips)
    video = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    audio = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    for i, c in enumerate(clips):
        head = into / rate if i > 0 else 0.0
        tail = out_of / rate if i < len(clips) - 1 else 0.0
        src = otio.opentime.range_from_start_end_time(RationalTime(round((c.start + head) * c.fps), c.fps),
                                                      RationalTime(round((c.end - tail) * c.fps), c.fps))
        ref = otio.schema.ExternalReference(
            target_url=c.path.absolute().as_uri(),
            available_range=TimeRange(RationalTime(0, c.fps),
                                      RationalTime(round(_file_duration(c) * c.fps), c.fps)))
        ref.name = c.path.name
        clip = otio.schema.Clip(name=c.name, media_reference=ref, source_range=src,
                                metadata={"cmx_3600": {"reel": reels[c.path]}})
        if i > 0 and frames:
            video.append(otio.schema.Transition(
                name="Cross Dissolve", transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
                in_offset=RationalTime(into, rate), out_offset=RationalTime(out_of, rate)))
        video.append(clip)
        if c.has_audio:  # marked, or the FCP XML writer would make it a back-reference to the video clip
            sound = clip.deepcopy()
            sound.metadata["bailian_video"] = {"track": "audio"}
            audio.append(sound)
        else:
            audio.append(otio.schema.Gap(source_range=TimeRange(RationalTime(0, c.fps), src.duration)))
    timeline = otio.schema.Timeline(name=name, global_start_time=RationalTime(0, rate))
    timeline.tracks.append(video)
    if any(c.has_audio for c in clips):
        timeline.tracks.append(audio)
    return timeline


def _write(out: Path, write: Any) -> Path:
    """Write through ``write(tmp_path)`` and rename, so a failure leaves no half file."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    try:
        write(tmp)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out


def export_otio(name: str, clips: Sequence[TimelineClip], out: Path, crossfade: float = 0.0) -> Path:
    """An OpenTimelineIO file (``.otio``): the timeline itself, for Resolve, Nuke Studio, RV, otioview…"""
    timeline = _timeline(name, clips, crossfade)
    return _write(out, lambda p: otio.adapters.write_to_file(timeline, str(p), adapter_name="otio_json"))


def export_fcpxml(name: str, clips: Sequence[TimelineClip], out: Path, crossfade: float = 0.0) -> Path:
    """A Final Cut Pro 7 XML (``.xml``) for Premiere Pro, DaVinci Resolve and Final Cut Pro 7."""
    timeline = _timeline(name, clips, crossfade)
    return _write(out, lambda p: otio.adapters.write_to_file(timeline, str(p), adapter_name="fcp_xml"))


def export_edl(name: str, clips: Sequence[TimelineClip], out: Path, crossfade: float = 0.0) -> Path:
    """A CMX 3600 EDL (``.edl``, video track) for Avid and any editor that conforms EDLs.

    The adapter writes the clip name and the file URL of each event as ``* FROM CLIP NAME`` /
    ``* FROM CLIP`` comments; an ``* FPS:`` comment on the last event records the frame rate,
    which an EDL otherwise does not hold (:func:`read_back` needs it).
    """
    timeline = _timeline(name, clips, crossfade)
    rate = clips[0].fps
    last = timeline.video_tracks()[0][-1]
    last.metadata["cmx_3600"]["comments"] = [f"FPS: {rate:g}"]
    text = otio.adapters.write_to_string(timeline, "cmx_3600", rate=rate, style="avid")
    fcm = "FCM: DROP FRAME" if ";" in text else "FCM: NON-DROP FRAME"
    title, sep, events = text.partition("\n\n")
    text = f"{title}\n{fcm}\n\n{events}" if sep else f"{fcm}\n\n{text}"
    return _write(out, lambda p: p.write_text(text, encoding="utf-8"))


# -- 剪映 ----------------------------------------------------------------------------------------------
def _draft_name(drafts: Path, name: str) -> str:
    base = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip().rstrip(". ") or "Bailian"
    folder, n = base, 2
    while (drafts / folder).exists():
        folder, n = f"{base} ({n})", n + 1
    return folder


def export_jianying(name: str, clips: Sequence[TimelineClip], drafts_folder: Path, crossfade: float = 0.0) -> Path:
    """A 剪映 draft named ``name`` in ``drafts_folder`` (``name (2)``… when that name is taken).

    Width, height and frame rate come from the first shot. Returns the draft's folder.
    """
    import pyJianYingDraft as jy

    _check(clips, crossfade)
    segments = []
    at = 0
    for c in clips:
        try:
            material = jy.VideoMaterial(str(c.path.absolute()))
        except Exception as e:  # pymediainfo or the library refusing the file: say which shot and what to do
            raise TimelineError(T(
                f"镜头「{c.name}」（{c.path.name}）无法放进剪映草稿：读不出这个视频文件（{e}）。"
                "请确认文件还在、是完整的 MP4，必要时重新生成或重新下载这个镜头后再导出",
                f"Shot “{c.name}” ({c.path.name}) cannot go into the 剪映 draft: its video file cannot be read "
                f"({e}). Check that the file is there and is a complete MP4; generate or download the shot "
                "again, then export again")) from e
        start, end = round(c.start * _SEC), round(c.end * _SEC)
        if end > material.duration:  # the library measures to the millisecond; allow a frame of rounding
            if end - material.duration > _SEC / c.fps:
                raise TimelineError(T(
                    f"镜头「{c.name}」的出点 {c.end:.3f} 秒超过了文件长度 {material.duration / _SEC:.3f} 秒；请重新选择出点",
                    f"Shot “{c.name}” ends at {c.end:.3f} s but its file is only {material.duration / _SEC:.3f} s "
                    "long; choose the out-point again"))
            end = material.duration
        seg = jy.VideoSegment(material, jy.Timerange(at, end - start),
                              source_timerange=jy.Timerange(start, end - start), volume=1.0)
        segments.append(seg)
        at += end - start
    frames = _dissolve(clips, crossfade)
    for seg in segments[:-1] if frames else []:  # the library puts a transition on the earlier of two shots
        seg.add_transition(jy.TransitionType.叠化, duration=round(frames / clips[0].fps * _SEC))

    drafts = Path(drafts_folder)
    drafts.mkdir(parents=True, exist_ok=True)
    folder_name = _draft_name(drafts, name)
    first = clips[0]
    script = jy.DraftFolder(str(drafts)).create_draft(folder_name, first.width, first.height,
                                                      fps=round(first.fps))
    folder = drafts / folder_name
    try:
        track = script.append_track(jy.TrackSpec(jy.TrackType.video))
        for seg in segments:
            script.add_segment(seg, track)
        script.save()
        meta_path = folder / "draft_meta_info.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta.update(draft_name=folder_name, draft_fold_path=folder.absolute().as_posix(),
                    draft_root_path=drafts.absolute().as_posix(), tm_duration=script.duration)
        meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=4), encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


# -- reading back --------------------------------------------------------------------------------------
def _on_frame(seconds: float, rate: float) -> float:
    return round(round(seconds * rate) / rate, 6)


def _file_name(url_or_path: str) -> str:
    path = otio.url_utils.filepath_from_url(url_or_path) if "://" in url_or_path else url_or_path
    return re.split(r"[\\/]", path)[-1]


def _read_otio(path: Path, fps: float | None) -> list[tuple[str, float, float]]:
    args: dict[str, Any] = {}
    if path.suffix.lower() == ".edl":
        found = _EDL_FPS.search(path.read_text(encoding="utf-8", errors="replace"))
        args["rate"] = fps or (float(found.group(1)) if found else 24.0)
    try:
        result = otio.adapters.read_from_file(str(path), **args)
    except Exception as e:
        raise TimelineError(T(f"无法读取时间线文件 {path.name}（{e}）", f"Cannot read the timeline file {path.name} ({e})")) from e
    timelines = [result] if isinstance(result, otio.schema.Timeline) else list(result.find_children(
        descended_from_type=otio.schema.Timeline))
    tracks = timelines[0].video_tracks() if timelines else []
    if not tracks:
        return []
    items = list(tracks[0])
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, otio.schema.Clip):
            continue
        before = items[i - 1] if i > 0 and isinstance(items[i - 1], otio.schema.Transition) else None
        after = items[i + 1] if i + 1 < len(items) and isinstance(items[i + 1], otio.schema.Transition) else None
        src = item.trimmed_range()
        rate = src.start_time.rate
        start = src.start_time - (before.in_offset if before else RationalTime(0, rate))
        end = src.end_time_exclusive() + (after.out_offset if after else RationalTime(0, rate))
        url = getattr(item.media_reference, "target_url", None) or item.name
        if before is not None:  # the EDL reader links a dissolve's incoming clip to the outgoing file
            for comment in item.metadata.get("cmx_3600", {}).get("comments", []):
                if comment.startswith("TO CLIP:"):
                    url = comment.removeprefix("TO CLIP:").strip()
        out.append((_file_name(url), _on_frame(start.to_seconds(), rate), _on_frame(end.to_seconds(), rate)))
    return out


def _read_draft(folder: Path) -> list[tuple[str, float, float]]:
    import pyJianYingDraft as jy

    try:
        script = jy.DraftFolder(str(folder.parent)).load_template(folder.name)
    except FileNotFoundError as e:
        raise TimelineError(T(f"{folder.name} 不是剪映草稿（缺少 draft_content.json）",
                              f"{folder.name} is not a 剪映 draft (no draft_content.json)")) from e
    except jy.exceptions.DraftContentLoadFailed as e:
        raise TimelineError(T(
            f"草稿「{folder.name}」已被剪映加密保存，无法读取；在剪映里打开它不受影响",
            f"The draft “{folder.name}” was saved encrypted by 剪映 and cannot be read here; "
            "it still opens in 剪映")) from e
    paths = {m["id"]: m.get("path", "") for m in script.imported_materials.get("videos", [])}
    tracks = script.list_imported_tracks(jy.TrackType.video)
    if not tracks:
        return []
    main = tracks[0]
    assert isinstance(main, jy.template_mode.ImportedMediaTrack)
    rate = float(script.fps or 30)
    out = []
    for seg in sorted(main.segments, key=lambda s: s.target_timerange.start):
        src = seg.source_timerange
        out.append((_file_name(paths.get(seg.material_id, "")),
                    _on_frame(src.start / _SEC, rate), _on_frame(src.end / _SEC, rate)))
    return out


def read_back(path: Path, fps: float | None = None) -> list[tuple[str, float, float]]:
    """(source file name, start, end) per clip in timeline order, in seconds rounded to the frame.

    Reads an ``.otio``, ``.xml`` (FCP 7) or ``.edl`` file with OpenTimelineIO and its adapters, or a
    剪映 draft folder (or its ``draft_content.json``) with pyJianYingDraft. ``start``/``end`` span
    the part of the source each clip uses, its share of a dissolve included. ``fps`` is for EDLs
    that were not written by :func:`export_edl` (default 24).
    """
    path = Path(path)
    if path.is_dir():
        return _read_draft(path)
    if path.name == "draft_content.json":
        return _read_draft(path.parent)
    if not path.exists():
        raise TimelineError(T(f"找不到文件 {path}", f"File not found: {path}"))
    return _read_otio(path, fps)
