"""Finished videos: readable, collision-free, cross-platform names; sidecar JSON; MP4 metadata."""
from __future__ import annotations

import json
import os
import re
import struct
import time
import unicodedata
from pathlib import Path
from typing import Any

from .records import TaskRecord

DEFAULT_TEMPLATE = "{date}_{time}_{model}_{prompt}_seed{seed}"
METADATA_KEY = "bailian_video"
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
MAX_NAME_BYTES = 180           # well under 255 bytes (ext4, APFS) and MAX_PATH headroom on Windows
PROMPT_CHARS = 40


def safe_component(text: str, max_chars: int | None = None) -> str:
    """Text usable as part of a file name on Windows, macOS and Linux (valid UTF-8: bytes of a name
    that was not UTF-8 become "_")."""
    text = re.sub(r"[\ud800-\udfff]", "_", text)
    text = unicodedata.normalize("NFC", text)
    text = _BAD.sub(" ", text)
    text = re.sub(r"\s+", "_", text.strip())
    text = text.strip("._ ")
    if max_chars is not None and len(text) > max_chars:
        text = text[:max_chars].rstrip("._ ")
    return text


def render_name(rec: TaskRecord, template: str | None = None, when: float | None = None) -> str:
    """The file stem for a task, e.g. ``2026-11-23_1530_wan2.2-t2v-plus_一只小猫在月光下奔跑_seed42``."""
    t = time.localtime(when if when is not None else (rec.submitted_at or rec.created_at))
    seed = rec.request.params.get("seed")
    prompt = rec.request.prompt or rec.request.function or ""
    if not prompt:
        first = next((v for v in rec.request.inputs.values() if isinstance(v, str) and v), "")
        prompt = Path(first).stem if first and not first.startswith(("data:", "http")) else ""
    values = {
        "date": time.strftime("%Y-%m-%d", t), "time": time.strftime("%H%M", t),
        "datetime": time.strftime("%Y-%m-%d_%H%M%S", t),
        "model": rec.request.model, "prompt": safe_component(prompt, PROMPT_CHARS),
        "seed": "" if seed is None else str(seed), "id": str(rec.id), "task_id": (rec.task_id or "")[:8],
        "function": rec.request.function or "",
    }
    try:
        stem = (template or DEFAULT_TEMPLATE).format(**values)
    except (KeyError, IndexError, ValueError):
        stem = DEFAULT_TEMPLATE.format(**values)
    if seed is None:  # "…_seed" with nothing after it says nothing
        stem = re.sub(r"_?seed(?=$|[_ .-])", "", stem)
    stem = safe_component(stem) or f"video_{rec.id}"
    while len(stem.encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    stem = stem.rstrip("._ ")
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    return stem


def unique_path(folder: Path, stem: str, suffix: str = ".mp4") -> Path:
    """A path in ``folder`` that no file uses yet: ``stem.mp4``, ``stem (2).mp4``, …"""
    candidate = folder / f"{stem}{suffix}"
    n = 2
    while candidate.exists() or candidate.with_name(candidate.name + ".part").exists():
        candidate = folder / f"{stem} ({n}){suffix}"
        n += 1
    return candidate


def reserve_path(folder: Path, stem: str, suffix: str = ".mp4") -> Path:
    """Like :func:`unique_path`, but claims the name by creating its ``.part`` file exclusively,
    so concurrent downloads of identically named videos never share a file."""
    while True:
        candidate = unique_path(folder, stem, suffix)
        try:
            fd = os.open(candidate.with_name(candidate.name + ".part"), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            continue
        os.close(fd)
        return candidate


def shown_value(value: Any, full_paths: bool = False) -> Any:
    """An input value as written into a sidecar or the MP4: a local file by its name only (unless the
    person opted in to full paths), a URL without its (possibly signed) query; always valid UTF-8."""
    if not isinstance(value, str):
        return value
    from ..catalog.values import is_local, local_path
    if is_local(value):
        shown = local_path(value) if full_paths else os.path.basename(local_path(value))
    elif value.startswith(("http://", "https://")):
        shown = value.split("?", 1)[0]
    elif value.startswith("data:"):
        shown = value[:40] + "…"
    else:
        shown = value
    return shown.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def shown_inputs(rec: TaskRecord, full_paths: bool = False) -> dict[str, Any]:
    """The request's inputs with every file (plain, listed, or inside a media item) shown by name only;
    texts stay as they are (a prompt with a "/" is not a path)."""
    from .. import catalog
    from ..catalog.kinds import file_slots, kind_of
    inputs = dict(rec.request.inputs)
    spec = catalog.get(rec.request.model)
    for ins in spec.inputs_for(rec.request.function) if spec is not None else ():
        value = inputs.get(ins.name)
        kind = kind_of(ins)
        if not kind.is_file or kind.empty(value):
            continue
        inputs[ins.name] = kind.rebuild(ins, value, {s.slot: shown_value(s.value, full_paths)
                                                     for s in file_slots(ins, value)})
    return inputs


def sidecar_data(rec: TaskRecord, full_paths: bool = False) -> dict[str, Any]:
    """Everything needed to reproduce a video — never the key, and local files by name only."""
    keep = ("value", "sha256", "size", "duration", "width", "height")

    def one(x: dict[str, Any]) -> dict[str, Any]:
        return {k: (shown_value(v, full_paths) if k == "value" else v) for k, v in x.items() if k in keep}

    files: dict[str, Any] = {}
    for name, f in rec.files.items():
        if isinstance(f, list):
            files[name] = [one(x) for x in f]
        elif isinstance(f, dict):
            files[name] = one(f)
    inputs = shown_inputs(rec, full_paths)
    return {
        "app": "Bailian Video Studio",
        "format": 1,
        "model": rec.request.model,
        "function": rec.request.function,
        "region": rec.request.region,
        "inputs": inputs,
        "input_files": files,
        "parameters": rec.request.params,
        "prompt": rec.request.prompt or None,
        "actual_prompt": rec.actual_prompt,
        "seed": rec.request.params.get("seed"),
        "task_id": rec.task_id,
        "request_ids": rec.request_ids,
        "chain": {k: v for k, v in rec.chain.to_json().items() if k in ("detect", "products", "step_task_ids")
                  and v},
        "usage": rec.usage,
        "cost_estimate": rec.cost_estimate,
        "cost": rec.cost_actual,
        "currency": "CNY",
        "submitted_at": rec.submitted_at,
        "finished_at": rec.finished_at,
    }


def write_sidecar(video: Path, data: dict[str, Any]) -> Path:
    path = video.with_suffix(".json")
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)
    return path


# -- MP4 metadata ---------------------------------------------------------------------------------
# The settings are stored in a top-level ``uuid`` box appended to the file: players ignore unknown
# boxes, nothing is re-encoded or re-muxed, and the write is one append (fast, crash-tolerant: a
# partial box is simply not found on read).
_UUID = bytes.fromhex("b1a11a2e5f2a4d3c9e0b7d6e5a4c3b21")


def embed_metadata(video: Path, data: dict[str, Any]) -> None:
    payload = json.dumps({METADATA_KEY: data}, ensure_ascii=False).encode("utf-8")
    box = struct.pack(">I4s", 8 + 16 + len(payload), b"uuid") + _UUID + payload
    with open(video, "ab") as f:
        f.write(box)
        f.flush()
        os.fsync(f.fileno())


def read_metadata(video: Path | str) -> dict[str, Any] | None:
    """The settings a video was made with, if it came from this app."""
    with open(video, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        pos = 0
        found = None
        while pos + 8 <= size:
            f.seek(pos)
            head = f.read(8)
            box_size, box_type = struct.unpack(">I4s", head)
            header = 8
            if box_size == 1:
                box_size = struct.unpack(">Q", f.read(8))[0]
                header = 16
            elif box_size == 0:
                box_size = size - pos
            if box_size < header or pos + box_size > size:
                break
            if box_type == b"uuid" and f.read(16) == _UUID:
                try:
                    found = json.loads(f.read(box_size - header - 16).decode("utf-8")).get(METADATA_KEY)
                except (ValueError, UnicodeDecodeError):
                    found = None
            pos += box_size
    return found


def looks_like_mp4(path: Path) -> bool:
    """A cheap container check: an ``ftyp`` box first and a ``moov`` box somewhere."""
    try:
        with open(path, "rb") as f:
            head = f.read(12)
            if len(head) < 12 or head[4:8] != b"ftyp":
                return False
            size = os.fstat(f.fileno()).st_size
            pos, seen_moov = 0, False
            while pos + 8 <= size:
                f.seek(pos)
                box_size, box_type = struct.unpack(">I4s", f.read(8))
                if box_size == 1:
                    box_size = struct.unpack(">Q", f.read(8))[0]
                elif box_size == 0:
                    box_size = size - pos
                if box_size < 8 or pos + box_size > size:
                    return False
                seen_moov |= box_type == b"moov"
                pos += box_size
            return seen_moov and pos == size
    except OSError:
        return False
