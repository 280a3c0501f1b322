"""Intake: what a request's files are (hashed and probed off the event loop) and its duplicate key."""
from __future__ import annotations

import hashlib
import json
from typing import Any

from .. import catalog
from ..catalog import ModelSpec, ValidationError
from ..i18n import T
from .records import Request

REMOTE_PREFIXES = ("http://", "https://", "oss://", "data:")


def is_local(value: Any) -> bool:
    """A local file path (or file:// URL), as opposed to something the service fetches itself."""
    return isinstance(value, str) and bool(value) and not value.startswith(REMOTE_PREFIXES)


def local_path(value: str) -> str:
    return value[7:] if value.startswith("file://") else value


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def inspect_files(spec: ModelSpec, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    """Hash and probe local files (run it in a worker thread). Returns (file metadata, probe results)."""
    from ..media.probe import MediaError, probe

    files: dict[str, Any] = {}
    media: dict[str, Any] = {}
    for ins in spec.inputs_for(request.function):
        value = request.inputs.get(ins.name)
        if not ins.is_file or value in (None, "", []):
            continue
        values = value if isinstance(value, list) else [value]
        infos, metas = [], []
        for v in values:
            meta: dict[str, Any] = {"value": v}
            info = None
            if is_local(v):
                path = local_path(v)
                try:
                    info = probe(path)
                except (MediaError, OSError) as e:
                    raise ValidationError([catalog.FieldError(f"input.{ins.name}", "unreadable", T(
                        f"无法读取“{ins.label.zh}”：{path}（{e}）。请确认文件存在且格式正确。",
                        f"Cannot read {ins.label.en}: {path} ({e}). Check that the file exists and is valid."))]) from e
                meta.update(sha256=file_sha256(path), size=info.size_bytes, duration=info.duration,
                            width=info.width, height=info.height)
            metas.append(meta)
            infos.append(info)
        files[ins.name] = metas if isinstance(value, list) else metas[0]
        media[ins.name] = infos if isinstance(value, list) else infos[0]
        if all(i is None for i in infos):
            media.pop(ins.name)
    return files, media


def request_key(spec: ModelSpec, request: Request, files: dict[str, Any]) -> str:
    """Duplicate guard: model, function, region, parameters and input *contents* (not paths)."""
    inputs: dict[str, Any] = {}
    for k, v in request.inputs.items():
        f = files.get(k)
        if isinstance(f, list):
            inputs[k] = [x.get("sha256") or x["value"] for x in f]
        elif isinstance(f, dict):
            inputs[k] = f.get("sha256") or f["value"]
        else:
            inputs[k] = v
    params = {**spec.default_params(request.function), **{k: v for k, v in request.params.items() if v is not None}}
    blob = json.dumps([spec.name, request.function, request.region, inputs, params], sort_keys=True,
                      ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()
