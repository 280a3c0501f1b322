"""Intake: what a request's files are (hashed and probed off the event loop) and its duplicate key."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from .. import catalog
from ..catalog import ModelSpec, ValidationError
from ..catalog.kinds import KINDS
from ..catalog.values import is_local, local_path  # noqa: F401  (the engine's callers use these names)
from ..i18n import T
from .records import Request


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def inspect_files(spec: ModelSpec, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    """Hash and probe local files (run it in a worker thread). Returns (file metadata, probe results).

    Each file input gets one metadata entry — or, for kinds that hold several files (image lists,
    media lists), a list of entries in file-slot order, each with its ``slot`` inside the value.
    """
    from ..media.probe import MediaError, probe

    files: dict[str, Any] = {}
    media: dict[str, Any] = {}
    for ins in spec.inputs_for(request.function):
        value = request.inputs.get(ins.name)
        kind = KINDS[ins.kind]
        if not kind.is_file or kind.empty(value):
            continue
        infos, metas = [], []
        for slot in kind.file_slots(ins, value):
            v = slot.value
            meta: dict[str, Any] = {"value": v}
            if kind.listed:
                meta["slot"] = list(slot.slot)
            info = None
            if is_local(v):
                path = local_path(v)
                label = slot.spec.label
                try:
                    info = probe(path)
                except (MediaError, OSError) as e:
                    msg = getattr(e, "message", None)
                    zh, en = (msg.zh, msg.en) if isinstance(msg, T) else (str(e), str(e))
                    raise ValidationError([catalog.FieldError(slot.field, "unreadable", T(
                        f"无法读取“{label.zh}”：{path}（{zh}）。请确认文件完整、格式正确；尚未提交也未扣费。",
                        f"Cannot read {label.en}: {path} ({en}). Check that the file is complete and valid; "
                        f"nothing was submitted or charged."))]) from e
                meta.update(sha256=file_sha256(path), size=info.size_bytes, duration=info.duration,
                            width=info.width, height=info.height, kind=info.kind)
            metas.append(meta)
            infos.append(info)
        if not metas:
            continue
        files[ins.name] = metas if kind.listed else metas[0]
        media[ins.name] = infos if kind.listed else infos[0]
        if all(i is None for i in infos):
            media.pop(ins.name)
    return files, media


def input_durations(spec: ModelSpec, request: Request, files: dict[str, Any]) -> dict[str, float]:
    """Seconds of each timed input, for estimates: by field name (a list's videos summed), and for
    media lists also by item type (``reference_video``: every reference video together)."""
    out: dict[str, float] = {}
    for name, f in files.items():
        metas = f if isinstance(f, list) else [f]
        total = sum(float(m.get("duration") or 0.0) for m in metas if isinstance(m, dict))
        if total:
            out[name] = total
        ins = spec.input(name, request.function)
        if ins is not None and ins.kind == catalog.Kind.MEDIA:
            items = request.inputs.get(name) or []
            for m in metas:
                slot = m.get("slot") or []
                if len(slot) == 2 and slot[1] == "url" and m.get("duration"):
                    typ = str(items[slot[0]].get("type"))
                    out[typ] = out.get(typ, 0.0) + float(m["duration"])
    return out


def request_key(spec: ModelSpec, request: Request, files: dict[str, Any]) -> str:
    """Duplicate guard: model, function, region, parameters and input *contents* (not paths)."""
    inputs: dict[str, Any] = {}
    for k, v in request.inputs.items():
        f, ins = files.get(k), spec.input(k, request.function)
        if not f or ins is None:
            inputs[k] = v
            continue
        # Each file of the value replaced by its content hash, where its kind keeps it (records
        # written before file slots were kept have none: their list position is the slot).
        metas = f if isinstance(f, list) else [f]
        slots = [tuple(m["slot"]) if "slot" in m else ((i,) if isinstance(f, list) else ()) for i, m in enumerate(metas)]
        inputs[k] = KINDS[ins.kind].rebuild(ins, v, {slot: m.get("sha256") or m["value"]
                                                     for slot, m in zip(slots, metas)})
    params = {**spec.default_params(request.function), **{k: v for k, v in request.params.items() if v is not None}}
    blob = json.dumps([spec.name, request.function, request.region, inputs, params], sort_keys=True,
                      ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


#: Spending above either threshold in one command or click needs the person's explicit consent.
CONSENT_VIDEOS = 4
CONSENT_AMOUNT = 20.0
#: A generous bound on a result's size, for the free-space check before paying (1080p H.264 ≈ 1–2 MB/s).
BYTES_PER_SECOND = 2_500_000


def needs_consent(videos: int, amount: float, max_videos: int = CONSENT_VIDEOS,
                  max_amount: float = CONSENT_AMOUNT) -> bool:
    return videos > max_videos or amount > max_amount + 1e-9


def check_output_folder(folder: Path, need_bytes: int) -> catalog.FieldError | None:
    """Can a paid video be saved there? Made if missing, test-written, and with room for it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not folder.is_dir():
            raise NotADirectoryError(f"{folder} is not a folder")
        fd, probe_path = tempfile.mkstemp(prefix=".bailian-write-test-", dir=folder)
        os.close(fd)
        os.unlink(probe_path)
    except OSError as e:
        reason = e.strerror or str(e)
        return catalog.FieldError("out_dir", "unwritable", T(
            f"无法保存到输出文件夹 {folder}（{reason}）。请换一个可写的文件夹（设置里或 --out），尚未提交也未扣费。",
            f"Cannot save into the output folder {folder} ({reason}). Choose a writable folder (Settings or "
            f"--out); nothing was submitted or charged."))
    free = shutil.disk_usage(folder).free
    if free < need_bytes:
        return catalog.FieldError("out_dir", "no_space", T(
            f"输出文件夹 {folder} 所在磁盘只剩 {free / 1e6:.0f} MB，这个视频大约需要 {need_bytes / 1e6:.0f} MB。"
            f"请清理空间或换一个文件夹；尚未提交也未扣费。",
            f"The disk of the output folder {folder} has {free / 1e6:.0f} MB free; this video needs about "
            f"{need_bytes / 1e6:.0f} MB. Free some space or choose another folder; nothing was submitted or "
            f"charged."))
    return None
