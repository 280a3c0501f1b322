"""Async tasks: lifecycle over time, the query/list wire shapes and per-model ``usage``."""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..catalog import ModelSpec
from .shapes import ratio_name, tier_short

CST = timezone(timedelta(hours=8))   # the service reports Beijing time

PENDING, RUNNING, SUCCEEDED, FAILED, CANCELED, UNKNOWN = (
    "PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN")
PRE, POST = "PRE-PROCESSING", "POST-PROCESSING"
TERMINAL = frozenset({SUCCEEDED, FAILED, CANCELED, UNKNOWN})
PENDING_SHARE = 0.2          # the first 20 % of a task's time is spent queued (more when the queue is full)


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
    #: when processing starts and ends (unix time); by default 20 % of ``seconds`` after creation and
    #: ``seconds`` after it. A sandbox that models the service's queue moves both later (``queue.Lanes``).
    start: float = -1.0
    end: float = -1.0

    def __post_init__(self) -> None:
        if self.start < 0:
            self.start = self.created + self.seconds * PENDING_SHARE
            self.end = self.created + self.seconds

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def run_seconds(self) -> float:
        return self.seconds * (1.0 - PENDING_SHARE)

    @property
    def deadline(self) -> float:
        return self.end

    @property
    def scheduled(self) -> float:
        return self.start

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
        if now < self.start:
            return PENDING
        if now >= self.end and self.render_done():
            return FAILED if (self.fail or self.render_error()) else SUCCEEDED
        # phases the model's page lists (spec.statuses): PRE-PROCESSING, then RUNNING, then POST-PROCESSING
        # (the first 3/16 and the last 3/16 of the processing time)
        run = self.end - self.start
        frac = (now - self.start) / run if run > 0 else 1.0
        if frac < 0.1875 and PRE in self.spec.statuses:
            return PRE
        if frac >= 0.8125 and POST in self.spec.statuses:
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


#: Animate's modes as its ``usage.video_ratio`` names them.
MODE_WORDS = {"wan-std": "standard", "wan-pro": "pro"}


@dataclass
class Facts:
    """What one finished task's ``usage`` is made from."""

    task: Task
    out: RenderOutput | None

    @property
    def spec(self) -> ModelSpec:
        return self.task.spec

    @property
    def params(self) -> dict[str, Any]:
        return self.task.params

    @property
    def info(self) -> dict[str, Any]:
        return self.task.info

    @property
    def whole(self) -> bool:
        """Seconds are whole numbers when the length was asked for (a parameter, a fixed length) and
        to the hundredth when it follows an input — except the style transform's ``(duration, SR)``
        report, which counts whole seconds of its input."""
        return not self.spec.duration_source.startswith("input:") or self.spec.usage.keys == ("duration", "SR")

    def secs(self, x: float, at_least_one: bool = True) -> float | int:
        if self.whole:
            return max(1, round(x)) if at_least_one else round(x)
        return round(x, 2)

    @property
    def output(self) -> float:
        return self.out.duration if self.out else float(self.info.get("duration", 0.0))

    @property
    def input_billed(self) -> float:
        return float(self.info.get("input_billed", 0.0))

    @property
    def short(self) -> int:
        n = tier_short(self.spec, self.params)
        if n is None and self.out is not None:
            n = min(self.out.width, self.out.height)
        return int(n or 0)

    def video_ratio(self) -> str:
        spec = self.spec
        if spec.usage.tier == "video_ratio" and spec.tier_source:
            kind, _, name = spec.tier_source.partition(":")
            if kind == "detect":
                return str(self.info.get(name, "1:1"))
            value = self.params.get(name)
            return MODE_WORDS.get(str(value), str(value))
        if any(p.name == "size" for p in spec.params):
            return str(self.params.get("size") or self.size())
        return "standard"

    def size(self) -> str:
        if self.info.get("size"):
            return str(self.info["size"])
        return f"{self.out.width}*{self.out.height}" if self.out else ""

    def ratio(self) -> str:
        """The ratio the output has: the one asked for when it made the frame, else the nearest named one."""
        if self.info.get("out_ratio"):
            return str(self.info["out_ratio"])
        value = self.params.get("ratio")
        if isinstance(value, str) and value != "adaptive":
            return value
        return ratio_name(self.out.width, self.out.height) if self.out else "16:9"

    def audio(self) -> bool:
        if self.spec.param("audio") is not None:
            return bool(self.params.get("audio"))
        return bool(self.out.has_audio) if self.out else False

    def sr(self) -> int | str:
        """As a number (Wan, HappyHorse) or as text (the partner models, ``Usage.tier_text``)."""
        return str(self.short) if self.spec.usage.tier_text else self.short


#: Each ``usage`` key the service reports, and how the sandbox answers it.
USAGE_VALUES: dict[str, Callable[[Facts], Any]] = {
    "duration": lambda f: f.secs(f.output + f.input_billed),            # billed: output + billed input
    "video_duration": lambda f: f.secs(f.output + f.input_billed),
    "output_video_duration": lambda f: f.secs(f.output),
    "input_video_duration": lambda f: f.secs(float(f.info.get("input_video", 0.0)), at_least_one=False),
    "SR": lambda f: f.sr(),
    "size": lambda f: f.size(),
    "ratio": lambda f: f.ratio(),
    "video_ratio": lambda f: f.video_ratio(),
    "video_count": lambda f: 1,
    "image_count": lambda f: 1,
    "audio": lambda f: f.audio(),
    "fps": lambda f: int(f.info.get("fps") or (round(f.out.fps) if f.out else f.spec.fps or 30)),
    "shot_type": lambda f: str(f.params.get("shot_type") or "single"),
    "reference_type": lambda f: str(f.info.get("reference_type") or "image"),
    "mode": lambda f: f.params.get("mode"),
}


def usage_for(task: Task, out: RenderOutput | None) -> dict[str, Any]:
    """The model's own ``usage``: exactly the keys of ``spec.usage``, each answered per :data:`USAGE_VALUES`;
    a key the table does not know echoes the request's parameter of that name (a new model's own
    key needs no sandbox code), or is left out when there is none."""
    facts = Facts(task, out)
    out_usage: dict[str, Any] = {}
    for key in task.spec.usage.keys:
        if key in USAGE_VALUES:
            out_usage[key] = USAGE_VALUES[key](facts)
        elif task.params.get(key) is not None:
            out_usage[key] = task.params[key]
    return out_usage


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
