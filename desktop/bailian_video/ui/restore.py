"""Settings restored from any result: a video this app made (the settings ride in the MP4) or the JSON
file saved beside it, turned back into a :class:`Request` the form can load.

A task still in this app's history gives its own request (full local paths). Otherwise the request is
rebuilt from the file: local inputs are stored by name only, so they are looked for in their original
folder (when a full path was kept) and beside the video, and checked against their SHA-256; those not
found are listed in ``missing``. Nothing here touches widgets; the window shows :func:`describe`.
"""
from __future__ import annotations

import asyncio
import copy
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

from .. import catalog
from ..catalog.kinds import KINDS, Slot, file_slots
from ..catalog.values import is_local, local_path
from ..engine.film import FILM
from ..engine.intake import file_sha256
from ..engine.outputs import read_metadata
from ..engine.records import Request, TaskRecord

APP_NAME = "Bailian Video Studio"     # the "app" of every sidecar this app writes (engine/outputs.py)
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v")
MAX_JSON_BYTES = 4 << 20              # a sidecar is a few KB; anything this big is not one


@dataclass
class Restored:
    """The settings one result was made with.

    ``request`` names a model the catalogue knows; its params and inputs are as the task had them. A local
    file that was found is its path on this computer; one that was not keeps the value it was stored with
    (a name, or a full path) and is listed by file name in ``missing`` under its input field. URLs stay.
    """

    request: Request
    missing: dict[str, list[str]]
    source: str
    record: TaskRecord | None


class NotOurs(Exception):
    """The file gives no settings this app can use: made elsewhere, damaged, unreadable, or made with a
    model this version does not know. The message names the file and says what to do, in plain words."""

    def __init__(self, message: str, path: str, reason: str):
        super().__init__(message)
        self.message, self.path, self.reason = message, path, reason   # foreign|damaged|unreadable|model|film


translate = QCoreApplication.translate


def _fill(text: str, *args: Any) -> str:
    """%1, %2 … in ``text`` filled in one pass (so a prompt that contains "%2" stays as it is)."""
    return re.sub(r"%(\d)", lambda m: str(args[int(m.group(1)) - 1]) if int(m.group(1)) <= len(args) else m.group(0),
                  text)


# -- what a file is ------------------------------------------------------------------------------
def _is_ours(data: Any) -> bool:
    return isinstance(data, dict) and data.get("app") == APP_NAME


def is_restorable(path: str) -> bool:
    """Cheap: a video with this app's settings box in it, or a JSON settings file of this app."""
    p = Path(path)
    try:
        if p.suffix.lower() == ".json":
            if p.stat().st_size > MAX_JSON_BYTES:
                return False
            return _is_ours(json.loads(p.read_text(encoding="utf-8")))
        if p.suffix.lower() in VIDEO_SUFFIXES:
            return read_metadata(p) is not None
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    return False


def _video_beside(p: Path) -> Path | None:
    return next((v for v in (p.with_suffix(s) for s in VIDEO_SUFFIXES) if v.is_file()), None)


def _load(path: str) -> dict[str, Any]:
    """The settings stored in ``path`` (runs in a worker thread)."""
    p = Path(path)
    name = p.name
    try:
        if p.suffix.lower() == ".json":
            if p.stat().st_size > MAX_JSON_BYTES:
                raise _not_settings(p)
            try:
                data = json.loads(p.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as e:
                raise _damaged(p, str(e)) from e
            if not _is_ours(data):
                raise _not_settings(p)
            return data
        data = read_metadata(p)
        if data is None:
            sidecar = p.with_suffix(".json")       # a copy that lost its box (re-saved) may still have its JSON
            if sidecar.is_file() and sidecar.stat().st_size <= MAX_JSON_BYTES:
                try:
                    data = json.loads(sidecar.read_text(encoding="utf-8"))
                except (ValueError, UnicodeDecodeError):
                    data = None
            if not _is_ours(data):
                raise NotOurs(_fill(translate(
                    "Restore", "%1 was not made by Bailian Video Studio, so it carries no settings. Open a video "
                    "this app made, or the .json file saved beside it."), name), path, "foreign")
        if not isinstance(data, dict):
            raise _damaged(p, "not an object")
        return data
    except OSError as e:
        raise NotOurs(_fill(translate("Restore", "Cannot open %1: %2."), name, e.strerror or e), path,
                      "unreadable") from e


def _not_settings(p: Path) -> NotOurs:
    return NotOurs(_fill(translate(
        "Restore", "%1 is not a settings file of Bailian Video Studio. Open a video this app made, or the .json "
        "file saved beside it."), p.name), str(p), "foreign")


def _damaged(p: Path, why: str) -> NotOurs:
    text = _fill(translate("Restore", "The settings file %1 is damaged and cannot be read (%2)."), p.name, why)
    video = _video_beside(p) if p.suffix.lower() == ".json" else None
    fix = (_fill(translate("Restore", "Open %1 instead: the video carries the same settings."), video.name) if video
           else translate("Restore", "Open the video it belongs to instead: the video carries the same settings."))
    return NotOurs(f"{text} {fix}", str(p), "damaged")


# -- the request -----------------------------------------------------------------------------------
def _spec_for(model: Any, function: Any, path: str) -> catalog.ModelSpec:
    if model == FILM:
        raise NotOurs(_fill(translate(
            "Restore", "%1 is a film stitched from a sequence; it has no generation settings of its own — open "
            "the sequence instead."), Path(path).name), path, "film")
    spec = catalog.get(model) if isinstance(model, str) else None
    if spec is None or (function is not None and function not in spec.functions):
        shown = f"{model} ({function})" if spec is not None else str(model)
        raise NotOurs(_fill(translate(
            "Restore", "%1 was made with %2, a model this version of Bailian Video Studio does not know. "
            "Update the app to use its settings."), Path(path).name, shown), path, "model")
    return spec


def _request_from(data: dict[str, Any], path: str) -> Request:
    inputs, params = data.get("inputs") or {}, data.get("parameters") or {}
    if not isinstance(inputs, dict) or not isinstance(params, dict) or not data.get("model"):
        raise _damaged(Path(path), "model, inputs or parameters")
    function = data.get("function") or None
    spec = _spec_for(data.get("model"), function, path)
    inputs, params = copy.deepcopy(inputs), copy.deepcopy(params)
    if isinstance(data.get("prompt"), str) and "prompt" in inputs:
        inputs["prompt"] = data["prompt"]       # the stored prompt as typed (inputs hold it as a "shown value")
    if data.get("seed") is not None and params.get("seed") is None:
        params["seed"] = data["seed"]
    region = data.get("region")
    return Request(model=spec.name, inputs=inputs, params=params, function=function,
                   region=region if region in catalog.REGIONS else "cn-beijing")


def _record_for(data: dict[str, Any], path: str, session: Any) -> TaskRecord | None:
    recs: list[TaskRecord] = list(session.tasks()) if session is not None else []
    task_id = data.get("task_id")
    if task_id:
        found = next((r for r in recs if r.task_id == task_id or task_id in r.chain.step_task_ids), None)
        if found is not None:
            return found
    same = os.path.normcase(os.path.abspath(path))
    return next((r for r in recs if any(p and os.path.normcase(os.path.abspath(p)) == same
                                        for p in (r.output_path, r.sidecar_path))), None)


def _metas(files: Any) -> list[dict[str, Any]]:
    items = files if isinstance(files, list) else [files]
    return [m if isinstance(m, dict) else {} for m in items]


def _named(meta: dict[str, Any], name: str) -> bool:
    value = meta.get("value")
    return isinstance(value, str) and os.path.basename(local_path(value)) == name


def _find(stored: str, sha: str | None, folder: Path, hashes: dict[Path, str]) -> str | None:
    """Where a stored input is on this computer now: its original path (if kept), then beside the
    result; a file of that name whose content differs is not it."""
    original = local_path(stored)
    candidates = [Path(original)] if os.path.isabs(original) else []
    candidates.append(folder / os.path.basename(original))
    for c in dict.fromkeys(candidates):
        if not c.is_file():
            continue
        if sha:
            if c not in hashes:
                try:
                    hashes[c] = file_sha256(str(c))
                except OSError:           # there but unreadable: not usable as the input either
                    hashes[c] = ""
            if hashes[c] != sha:
                continue
        return str(c)
    return None


def _resolve(request: Request, files: dict[str, Any], folder: Path) -> dict[str, list[str]]:
    """Point the request's local files at where they are now (in place); the names not found, by field.
    Runs in a worker thread (it hashes files)."""
    spec = catalog.require(request.model)
    missing: dict[str, list[str]] = {}
    hashes: dict[Path, str] = {}
    for ins in spec.inputs_for(request.function):
        value = request.inputs.get(ins.name)
        if not ins.is_file or KINDS[ins.kind].empty(value):
            continue
        metas = _metas(files.get(ins.name))
        new: dict[Slot, Any] = {}
        for i, slot in enumerate(file_slots(ins, value)):
            if not isinstance(slot.value, str) or not is_local(slot.value):
                continue                                  # URLs and data stay as they were
            name = os.path.basename(local_path(slot.value))
            meta = next((m for m in [*metas[i:i + 1], *metas] if _named(m, name)), {})
            sha = meta.get("sha256") if isinstance(meta.get("sha256"), str) else None
            found = _find(slot.value, sha, folder, hashes)
            if found is None:
                missing.setdefault(ins.name, []).append(name)
            elif found != slot.value:
                new[slot.slot] = found
        if new:
            request.inputs[ins.name] = KINDS[ins.kind].rebuild(ins, value, new)
    return missing


def missing_inputs(request: Request) -> dict[str, list[str]]:
    """The local files a request names that are not on this computer any more, by input field (file names;
    empty when every file is there). Cheap: existence only, no hashing."""
    spec = catalog.get(request.model)
    missing: dict[str, list[str]] = {}
    if spec is None:
        return missing
    for ins in spec.inputs_for(request.function):
        value = request.inputs.get(ins.name)
        if not ins.is_file or KINDS[ins.kind].empty(value):
            continue
        for slot in file_slots(ins, value):
            if isinstance(slot.value, str) and is_local(slot.value) and not os.path.isfile(local_path(slot.value)):
                missing.setdefault(ins.name, []).append(os.path.basename(local_path(slot.value)))
    return missing


async def read_settings(path: str, session: Any) -> Restored:
    """The settings ``path`` (a video this app made, or its JSON) was made with. Raises :class:`NotOurs`
    with a message for the person when it has none this app can use. File work runs in a worker thread."""
    path = str(path)
    data = await asyncio.to_thread(_load, path)
    record = _record_for(data, path, session)
    if record is not None:
        _spec_for(record.request.model, record.request.function, path)
        request, files = copy.deepcopy(record.request), record.files
    else:
        request, files = _request_from(data, path), data.get("input_files") or {}
    if not isinstance(files, dict):
        files = {}
    missing = await asyncio.to_thread(_resolve, request, files, Path(path).parent)
    return Restored(request=request, missing=missing, source=path, record=record)


def describe(restored: Restored) -> str:
    """The note shown after a restore: whose settings, and what to drop again."""
    req = restored.request
    prompt = " ".join(req.prompt.split())
    what = (prompt[:60].rstrip() + "…" if len(prompt) > 60 else prompt) or Path(restored.source).name
    model = f"{req.model} · {req.function}" if req.function else req.model
    seed = req.params.get("seed")
    facts = _fill(translate("Restore", "%1, seed %2"), model, seed) if seed is not None else model
    text = _fill(translate("Restore", "Loaded the settings of “%1” (%2)."), what, facts)
    names = [n for field in restored.missing.values() for n in field]
    if len(names) == 1:
        text += " " + _fill(translate("Restore", "1 file is missing: %1 — drop it again."), names[0])
    elif names:
        # n >= 2 here, so no plural forms are needed (and Chinese has none)
        text += " " + _fill(translate("Restore", "%1 files are missing: %2 — drop them again."), len(names),
                            ", ".join(names))
    return text
