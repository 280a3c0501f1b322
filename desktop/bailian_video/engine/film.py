"""A sequence made into one film, or handed to an editor.

``render`` stitches each shot's chosen take (``sequences.cut_list``) into one MP4 off the event
loop, embeds the sequence in its metadata and sidecar, and adds it to the history as a finished
record (``model == "film"``, costing nothing: its takes were paid for already) so it is in the
library like any video. ``export`` writes the same cut list as an editor timeline.
"""
from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..i18n import T
from .outputs import embed_metadata, safe_component, unique_path, write_sidecar
from .records import Request, TaskRecord
from .sequences import Sequence, cut_list, effective_take, sequence_cost

if TYPE_CHECKING:
    from .engine import Engine

FILM = "film"
FORMATS = ("otio", "fcpxml", "edl", "jianying")
SUFFIX = {"otio": ".otio", "fcpxml": ".xml", "edl": ".edl", "jianying": ""}


class FilmError(ValueError):
    """The sequence cannot be made into a film yet; the message says why and what to do."""


def _sequence(engine: Engine, seq_id: int) -> Sequence:
    seq = engine.sequences.get(seq_id)
    if seq is None:
        raise FilmError(str(T(f"没有编号为 {seq_id} 的片段序列（可能已删除）。",
                              f"There is no sequence {seq_id} (it may have been deleted).")))
    return seq


def take_records(engine: Engine, seq: Sequence) -> dict[int, TaskRecord]:
    """Every take of the sequence's shots, by task id (from the engine, else the store)."""
    out = {}
    for shot in seq.shots:
        for t in shot.takes:
            rec = engine.get(t) or engine.store.get(t)
            if rec is not None:
                out[t] = rec
    return out


def cuts_for(engine: Engine, seq: Sequence) -> list[tuple[TaskRecord, float, float | None]]:
    """The cut list, refusing (in plain words) a sequence with no shots or a shot with no finished take."""
    records = take_records(engine, seq)
    if not seq.shots:
        raise FilmError(str(T(f"“{seq.name}”还没有镜头。先添加视频（应用里：作品库 → 加入片段序列，或在结果上点“续拍”；"
                              f"命令行：bailian-video sequence add）。",
                              f"“{seq.name}” has no shots yet. Add videos first (in the app: Library → Add to sequence, "
                              f"or Continue on a result; on the command line: bailian-video sequence add).")))
    missing = [i + 1 for i, s in enumerate(seq.shots) if effective_take(s, records) is None]
    if missing:
        nums = "、".join(str(n) for n in missing)
        raise FilmError(str(T(f"第 {nums} 个镜头还没有完成的视频。等它生成完，或移除这个镜头。",
                              f"Shot {', '.join(str(n) for n in missing)} has no finished video yet. Wait for it, "
                              f"or remove the shot.")))
    gone = [Path(r.output_path or "") for r, _, _ in cut_list(seq, records)
            if not r.output_path or not Path(r.output_path).is_file()]
    if gone:
        raise FilmError(str(T(f"找不到视频文件 {gone[0]}。把它放回原处，或为这个镜头选另一条。",
                              f"The video file {gone[0]} is missing. Put it back, or pick another take for the shot.")))
    return cut_list(seq, records)


def film_metadata(seq: Sequence, cuts: list[tuple[TaskRecord, float, float | None]], offsets: list[float],
                  cost: float, duration: float) -> dict[str, Any]:
    return {
        "app": "Bailian Video Studio", "format": 1, "model": FILM,
        "film": {
            "sequence": seq.id, "name": seq.name, "crossfade": seq.crossfade, "duration": round(duration, 3),
            "cost": cost, "currency": "CNY",
            "shots": [{"shot": i + 1, "take": rec.id, "task_id": rec.task_id, "model": rec.model,
                       "prompt": rec.request.prompt or None, "file": Path(rec.output_path or "").name,
                       "start": round(start, 3), "end": None if end is None else round(end, 3),
                       "at": round(offsets[i], 3) if i < len(offsets) else None,
                       "continues": rec.parent, "method": (rec.continuation or {}).get("method")}
                      for i, (rec, start, end) in enumerate(cuts)],
        },
    }


async def render(engine: Engine, seq_id: int, *, crossfade: float | None = None,
                 progress: Callable[[float], None] | None = None, cancel: threading.Event | None = None,
                 out_dir: Path | str | None = None) -> TaskRecord:
    from ..media.stitch import Cut, stitch
    seq = _sequence(engine, seq_id)
    cuts = cuts_for(engine, seq)
    fade = seq.crossfade if crossfade is None else crossfade
    folder = Path(out_dir or engine.settings.out_dir).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    out = unique_path(folder, safe_component(f"{seq.name} {T('成片', 'film')}", 60) or "film")
    started = time.time()
    result = await asyncio.to_thread(
        stitch, [Cut(Path(r.output_path or ""), s, e) for r, s, e in cuts], out, crossfade=fade,
        progress=progress, cancel=cancel)
    cost = sequence_cost(seq, take_records(engine, seq))
    data = film_metadata(seq, cuts, list(result.offsets), cost, result.duration)
    await asyncio.to_thread(embed_metadata, result.path, data)
    sidecar = await asyncio.to_thread(write_sidecar, result.path, data)
    region = cuts[0][0].request.region
    rec = TaskRecord(id=0, request=Request(model=FILM, inputs={"prompt": seq.name},
                                           params={"sequence": seq.id, "shots": len(cuts), "crossfade": fade},
                                           region=region, out_dir=str(folder)),
                     family=FILM, output_path=str(result.path), sidecar_path=str(sidecar),
                     usage={"duration": round(result.duration, 3), "mode": result.mode},
                     created_at=started, submitted_at=started, finished_at=time.time(), done_at=time.time())
    return engine.add_local(rec)


def export(engine: Engine, seq_id: int, fmt: str, out: Path) -> Path:
    """The chosen takes as an editor timeline: ``out`` is a file (otio/fcpxml/edl) or, for a 剪映 draft,
    the drafts folder the draft is made in. Blocking (probes each clip)."""
    from ..media import timeline
    from ..media.probe import probe
    if fmt not in FORMATS:
        raise FilmError(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}.")
    seq = _sequence(engine, seq_id)
    clips = []
    for i, (rec, start, end) in enumerate(cuts_for(engine, seq)):
        path = Path(rec.output_path or "")
        info = probe(path, deep=False)
        clips.append(timeline.TimelineClip(
            path=path.resolve(), name=f"{i + 1:02d} {path.stem}", start=start, end=float(end if end is not None else info.duration or 0.0),
            width=int(info.width or 0), height=int(info.height or 0), fps=float(info.fps or 24.0),
            has_audio=bool(info.has_audio)))
    name = seq.name.strip() or f"sequence-{seq.id}"
    if fmt == "otio":
        return timeline.export_otio(name, clips, out, seq.crossfade)
    if fmt == "fcpxml":
        return timeline.export_fcpxml(name, clips, out, seq.crossfade)
    if fmt == "edl":
        return timeline.export_edl(name, clips, out, seq.crossfade)
    return timeline.export_jianying(name, clips, out, seq.crossfade)
