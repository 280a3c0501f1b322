"""Async tasks: lifecycle over time, the query/list wire shapes and per-model ``usage``."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..catalog import Family, ModelSpec, size_tier

CST = timezone(timedelta(hours=8))   # the service reports Beijing time

PENDING, RUNNING, SUCCEEDED, FAILED, CANCELED, UNKNOWN = (
    "PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN")
PRE, POST = "PRE-PROCESSING", "POST-PROCESSING"
TERMINAL = frozenset({SUCCEEDED, FAILED, CANCELED, UNKNOWN})
PENDING_SHARE = 0.2          # the first 20 % of a task's time is spent queued
PHASED = frozenset({Family.ANIMATE_ANYONE, Family.VIDEORETALK})


def wire_time(ts: float) -> str:
    """``YYYY-MM-DD HH:MM:SS.mmm`` in UTC+8, as the task query reports times."""
    return datetime.fromtimestamp(ts, CST).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def parse_list_time(text: str) -> float:
    """``YYYYMMDDhhmmss`` (UTC+8) to a unix time; ValueError when malformed."""
    return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=CST).timestamp()


@dataclass
class RenderOutput:
    """What a finished render produced (a copy of ``media.render.RenderResult``'s fields)."""

    path: Path
    width: int
    height: int
    duration: float
    fps: float
    frames: int
    has_audio: bool


@dataclass
class Task:
    task_id: str
    request_id: str
    model: str                       # as sent by the client
    spec: ModelSpec
    endpoint: str                    # the service path it was created on
    function: str | None
    inputs: dict[str, Any]
    params: dict[str, Any]           # as sent, plus catalogue defaults
    created: float                   # unix time
    seconds: float                   # how long the task takes
    object_name: str                 # the result file's name on the result host
    fail: tuple[str, str] | None = None          # a failure decided up front (faults, bad template)
    expire_url: bool = False                     # issue the result URL already expired
    future: Future[RenderOutput | None] | None = None
    canceled: float | None = None
    url: str | None = None
    output: RenderOutput | None = None
    template_id: str | None = None               # AA template tasks: the id they create
    foreign: bool = False                        # created by "another client" (``Sandbox.create_foreign``)
    info: dict[str, Any] = field(default_factory=dict)   # input facts for ``usage``
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def deadline(self) -> float:
        return self.created + self.seconds

    @property
    def scheduled(self) -> float:
        return self.created + self.seconds * PENDING_SHARE

    def render_done(self) -> bool:
        return self.future is None or self.future.done()

    def render_error(self) -> str | None:
        if self.future is None or not self.future.done() or self.future.cancelled():
            return None
        exc = self.future.exception()
        return None if exc is None else f"{type(exc).__name__}: {exc}"

    def finished_at(self) -> float:
        done_at = self.info.get("render_done_at") or self.deadline
        return max(self.deadline, done_at)

    def status(self, now: float) -> str:
        if self.canceled is not None:
            return CANCELED
        frac = (now - self.created) / self.seconds if self.seconds > 0 else 1.0
        if frac < PENDING_SHARE:
            return PENDING
        if frac >= 1.0 and self.render_done():
            return FAILED if (self.fail or self.render_error()) else SUCCEEDED
        if self.spec.family in PHASED:
            if frac < 0.35:
                return PRE
            if frac < 0.85:
                return RUNNING
            return POST
        return RUNNING

    def failure(self) -> tuple[str, str]:
        if self.fail:
            return self.fail
        err = self.render_error() or "render failed"
        return "InternalError.Algo", f"An internal error has occured during execution: {err}"

    # -- wire shapes -------------------------------------------------------------------------
    def query_body(self, now: float, request_id: str) -> dict[str, Any]:
        """``GET /tasks/{id}``. Unfinished tasks answer only ``task_id``/``task_status`` (as the docs show);
        times, prompts, result and ``usage`` come with the end."""
        status = self.status(now)
        out: dict[str, Any] = {"task_id": self.task_id, "task_status": status}
        body: dict[str, Any] = {"request_id": request_id, "output": out}
        if status not in TERMINAL:
            return body
        out["submit_time"] = wire_time(self.created)
        if status == CANCELED:
            out["end_time"] = wire_time(self.canceled or now)
            return body
        out["scheduled_time"] = wire_time(self.scheduled)
        out["end_time"] = wire_time(self.finished_at())
        if status == FAILED:
            code, message = self.failure()
            out["code"], out["message"] = code, message
            return body
        out.update(self.info.get("prompts", {}))
        result = self.spec.result
        value: Any = self.template_id if result[-1] == "template_id" else self.url
        node = out
        for key in result[1:-1]:
            node = node.setdefault(key, {})
        node[result[-1]] = value
        body["usage"] = usage_for(self, self.output)
        return body

    def list_entry(self, now: float) -> dict[str, Any]:
        status = self.status(now)
        entry: dict[str, Any] = {
            "api_key_id": self.info.get("api_key_id", "0"), "caller_parent_id": "1000000000000000",
            "caller_uid": "1000000000000000", "gmt_create": int(self.created * 1000),
            "model_name": self.model, "region": "cn-beijing", "request_id": self.request_id,
            "status": status, "task_id": self.task_id,
            "user_api_unique_key": "apikey:v1:" + ":".join(self.endpoint.split("/")[1:]) + ":" + self.model,
        }
        if status not in (PENDING, CANCELED):
            entry["start_time"] = int(self.scheduled * 1000)
        if status in TERMINAL:
            entry["end_time"] = int(((self.canceled or now) if status == CANCELED else self.finished_at()) * 1000)
        return entry

    @property
    def prompt(self) -> str | None:
        """The prompt as the service stored it (truncated; None for models without one)."""
        return self.info.get("prompts", {}).get("orig_prompt")

    def control_entry(self, now: float) -> dict[str, Any]:
        """``GET /sandbox/tasks``: the list entry plus ``prompt`` and ``foreign`` (not on the wire)."""
        return {**self.list_entry(now), "prompt": self.prompt, "foreign": self.foreign}


def _short_side(size: str) -> int:
    tier = size_tier(size)
    if tier:
        return int(tier[:-1])
    w, h = (int(x) for x in size.split("*"))
    return min(w, h)


def usage_for(task: Task, out: RenderOutput | None) -> dict[str, Any]:
    """The model's own ``usage`` keys (§1.6 of the wire reference)."""
    spec, name, p, info = task.spec, task.spec.name, task.params, task.info
    dur = out.duration if out else float(info.get("duration", 0.0))
    secs = round(dur)
    fam = spec.family
    size = f"{out.width}*{out.height}" if out else ""
    tier = info.get("tier")        # "480P" … for I2V/KF2V, set when the render was planned
    tier_sr = int(str(tier)[:-1]) if tier else (min(out.width, out.height) if out else 0)
    if fam == Family.T2V:
        if name.startswith("wan2.6"):
            return {"duration": float(secs), "size": p.get("size", size), "input_video_duration": 0,
                    "output_video_duration": secs, "video_count": 1, "SR": _short_side(p.get("size", size))}
        return {"video_duration": secs, "video_ratio": p.get("size", size), "video_count": 1}
    if fam == Family.I2V:
        if name.startswith("wan2.6"):
            u: dict[str, Any] = {"duration": secs, "input_video_duration": 0, "output_video_duration": secs,
                                 "video_count": 1, "SR": tier_sr}
            if name == "wan2.6-i2v-flash":
                u["audio"] = bool(p.get("audio", True))
            return u
        if name.startswith("wan2.5"):
            return {"duration": secs, "input_video_duration": 0, "output_video_duration": secs, "video_count": 1,
                    "SR": tier_sr}
        if name.startswith("wan2.2"):
            return {"duration": secs, "SR": tier_sr, "video_count": 1}
        return {"video_duration": secs, "video_ratio": "standard", "video_count": 1}
    if fam == Family.KF2V:
        if name.startswith("wan2.2"):
            return {"video_duration": secs, "video_count": 1, "SR": tier_sr}
        return {"video_duration": secs, "video_ratio": "standard", "video_count": 1}
    if fam == Family.VACE:
        return {"video_duration": secs, "video_ratio": "standard", "video_count": 1}
    if fam == Family.STYLE:
        return {"duration": max(1, secs), "SR": int(p.get("min_len", 720))}
    if fam == Family.ANIMATE_ANYONE:
        return {"video_duration": round(dur, 2), "video_ratio": "standard"}
    if fam == Family.EMO:
        return {"video_duration": round(dur, 2), "video_ratio": info.get("ratio", "1:1")}
    if fam == Family.LIVEPORTRAIT:
        return {"video_duration": round(dur, 2), "video_ratio": "standard"}
    if fam == Family.EMOJI:
        return {"video_duration": max(1, secs), "video_ratio": "standard"}
    if fam == Family.VIDEORETALK:
        return {"video_duration": round(dur, 2), "size": info.get("input_size", size), "video_ratio": "standard",
                "fps": info.get("input_fps", int(out.fps) if out else 25)}
    return {"video_duration": round(dur, 2)}


class TaskStore:
    """Every task of one sandbox, in creation order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tasks: dict[str, Task] = {}

    def add(self, task: Task) -> None:
        with self._lock:
            self._tasks[task.task_id] = task

    def get(self, task_id: str) -> Task | None:
        with self._lock:
            return self._tasks.get(task_id)

    def __getitem__(self, task_id: str) -> Task:
        task = self.get(task_id)
        if task is None:
            raise KeyError(task_id)
        return task

    def __contains__(self, task_id: object) -> bool:
        with self._lock:
            return task_id in self._tasks

    def all(self) -> list[Task]:
        with self._lock:
            return list(self._tasks.values())

    def __iter__(self) -> Iterator[Task]:
        return iter(self.all())

    def __len__(self) -> int:
        with self._lock:
            return len(self._tasks)

    def purge(self, older_than: float) -> list[Task]:
        """Forget tasks created before ``older_than``; returns them."""
        with self._lock:
            gone = [t for t in self._tasks.values() if t.created < older_than]
            for t in gone:
                del self._tasks[t.task_id]
        return gone
