"""What the engine knows about a task: states a person understands, and the record."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from enum import StrEnum
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

from ..i18n import T


class State(StrEnum):
    WAITING = "waiting"          # accepted here, waiting for its turn (nothing paid yet)
    VALIDATING = "validating"    # hashing and checking inputs
    UPLOADING = "uploading"      # sending local files to temporary storage
    DETECTING = "detecting"      # a portrait chain's detect or template step
    SUBMITTING = "submitting"    # the create request is (or may be) on its way
    QUEUED = "queued"            # the service holds it, PENDING
    RUNNING = "running"          # the service is generating
    DOWNLOADING = "downloading"  # the video is ready; fetching it
    DONE = "done"
    FAILED = "failed"
    CANCELED = "canceled"
    STOPPED = "stopped"          # no longer tracked here, but the service task can be resumed
    EXPIRED = "expired"          # the service forgot it (24 h) before we got the result
    UNCERTAIN = "uncertain"      # a create request may have made a task we cannot identify: the person decides

    @property
    def label(self) -> T:
        return STATE_LABELS[self]

    @property
    def terminal(self) -> bool:
        return self in TERMINAL

    @property
    def active(self) -> bool:
        return not self.terminal


#: the engine does not drive these on its own (UNCERTAIN waits for a person's decision)
TERMINAL = frozenset({State.DONE, State.FAILED, State.CANCELED, State.STOPPED, State.EXPIRED, State.UNCERTAIN})
#: states in which the service holds a task of ours
REMOTE = frozenset({State.QUEUED, State.RUNNING})
#: states in which this computer works on a task before (or while) sending it
LOCAL_WORK = frozenset({State.VALIDATING, State.UPLOADING, State.DETECTING, State.SUBMITTING})

STATE_LABELS = {
    State.WAITING: T("等待中", "Waiting"),
    State.VALIDATING: T("检查输入", "Checking inputs"),
    State.UPLOADING: T("上传中", "Uploading"),
    State.DETECTING: T("检测中", "Checking the photo"),
    State.SUBMITTING: T("提交中", "Submitting"),
    State.QUEUED: T("排队中", "Queued"),
    State.RUNNING: T("生成中", "Generating"),
    State.DOWNLOADING: T("下载中", "Downloading"),
    State.DONE: T("已完成", "Done"),
    State.FAILED: T("失败", "Failed"),
    State.CANCELED: T("已取消", "Canceled"),
    State.STOPPED: T("已停止跟踪", "Stopped tracking"),
    State.EXPIRED: T("已过期", "Expired"),
    State.UNCERTAIN: T("待你确认", "Needs your decision"),
}

_D = TypeVar("_D")


class _Shape(NamedTuple):
    names: frozenset[str]
    order: tuple[str, ...]
    values: Callable[[dict[str, Any]], tuple[Any, ...]]     # d -> its values in field order
    defaults: dict[str, Any]
    factories: dict[str, Callable[[], Any]]


_SHAPES: dict[type, _Shape] = {}


def _shape(cls: type) -> _Shape:
    shape = _SHAPES.get(cls)
    if shape is None:
        fs = fields(cls)
        order = tuple(f.name for f in fs)
        get = itemgetter(*order)
        shape = _SHAPES[cls] = _Shape(frozenset(order), order, get if len(order) > 1 else lambda d: (get(d),),
                                      {f.name: f.default for f in fs if f.default is not MISSING},
                                      {f.name: f.default_factory for f in fs if f.default_factory is not MISSING})
    return shape


def from_fields(cls: type[_D], d: dict[str, Any]) -> _D:
    """The dataclass ``cls`` made from ``d`` (field -> value; ``d`` may be changed) as ``cls(**d)`` makes it,
    without calling ``__init__``. Reading 10,000 stored records spent 40 % of its time in ``__init__``'s fifty
    keyword arguments. Fields ``d`` lacks (written by an older version) get their defaults, keys that are not
    fields (written by a newer one) are dropped, and a missing field without a default is an error, as in
    ``__init__``. The values are stored in field order, as ``__init__`` stores them: the instance keeps its
    compact attribute storage (10,000 records take 12 MB more otherwise). For classes without
    ``__post_init__`` or slots."""
    names, order, values, defaults, factories = _shape(cls)
    if d.keys() != names:
        if not d.keys() <= names:
            d = {k: v for k, v in d.items() if k in names}
        for k, v in defaults.items():
            d.setdefault(k, v)
        for k, make in factories.items():
            if k not in d:
                d[k] = make()
        if len(d) != len(names):
            raise TypeError(f"{cls.__name__}: missing {', '.join(sorted(names - d.keys()))}")
    obj = object.__new__(cls)
    obj.__dict__.update(zip(order, values(d), strict=True))
    return obj


SERVICE = "service"     # the paid DashScope service
SANDBOX = "sandbox"     # the built-in local sandbox (free)


@dataclass
class Request:
    """What the user asked for: one generation (a portrait chain counts as one)."""

    model: str
    inputs: dict[str, Any] = field(default_factory=dict)    # field -> str | list[str] | int | bbox
    params: dict[str, Any] = field(default_factory=dict)
    function: str | None = None                              # VACE function
    region: str = "cn-beijing"
    out_dir: str | None = None
    name_template: str | None = None

    @property
    def prompt(self) -> str:
        return str(self.inputs.get("prompt") or "")

    def to_json(self) -> dict[str, Any]:
        return dict(model=self.model, inputs=self.inputs, params=self.params, function=self.function,
                    region=self.region, out_dir=self.out_dir, name_template=self.name_template)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Request:
        return from_fields(cls, dict(d))


@dataclass
class Candidate:
    """A task on the service that may be the answer to a create request whose answer was lost."""

    task_id: str
    created_at: float | None = None     # on the service's clock (epoch seconds)
    model: str | None = None
    status: str | None = None
    verdict: str = "unverifiable"       # "match" | "mismatch" | "unverifiable"
    prompt: str | None = None           # what the service says was asked, when it says

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Candidate:
        return from_fields(cls, dict(d))


@dataclass
class ChainState:
    """Where a task is on its way through a model's chain (detect → template → generation), and
    what the engine learned on the way. Persisted with the record."""

    detect: dict[str, Any] | None = None          # the detect step's hand-offs (its ``detect_outputs``)
    detect_cost: float = 0.0
    billed_units: dict[str, float] = field(default_factory=dict)   # model -> seconds (or images) billed
    products: dict[str, Any] = field(default_factory=dict)   # what chain steps made (``produces``): template_id
    async_step: int = 0                           # index among the chain's asynchronous steps
    done_steps: list[str] = field(default_factory=list)
    step_costs: dict[str, float | None] = field(default_factory=dict)
    step_task_ids: list[str] = field(default_factory=list)   # every service task this record owns
    submitting_step: str | None = None            # the step whose create request is (or was) on its way
    polling_step: str | None = None
    not_before: float = 0.0                       # do not start again before this time (after a transient error)
    cancel_requested: bool = False                # canceled while the create request was out
    sandbox_reruns: int = 0
    # Reconciliation of a create request whose answer was lost:
    candidates: list[Candidate] = field(default_factory=list)
    uncertain_reason: str | None = None           # "ambiguous" | "unverifiable" | "list_failed"

    def to_json(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "candidates"}
        d["candidates"] = [c.to_json() for c in self.candidates]
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any] | None) -> ChainState:
        d = dict(d or ())
        for name in _CHAIN_NOT_NONE:            # a stored null (older records) means the default
            if name in d and d[name] is None:
                del d[name]
        template_id = d.pop("template_id", None)
        d["candidates"] = [Candidate.from_json(c) for c in d.get("candidates") or () if isinstance(c, dict)]
        if template_id:   # records written before chain products were data
            d.setdefault("products", {}).setdefault("template_id", template_id)
        return from_fields(cls, d)

    @property
    def template_id(self) -> str | None:
        value = self.products.get("template_id")
        return value if isinstance(value, str) else None


#: ChainState's fields whose default is not None
_CHAIN_NOT_NONE = tuple(f.name for f in fields(ChainState) if f.default is not None)


@dataclass
class TaskRecord:
    """One row of the queue. Persisted in SQLite; every change is committed before acting on it."""

    id: int
    request: Request
    state: State = State.WAITING
    family: str = ""
    request_key: str = ""            # duplicate guard: model + params + input content hashes
    batch: str | None = None
    files: dict[str, Any] = field(default_factory=dict)     # field -> {value, sha256, size, duration, …} (or a list)
    chain: ChainState = field(default_factory=ChainState)
    task_id: str | None = None       # the service's id of the current (paid) step
    request_ids: list[str] = field(default_factory=list)
    service_status: str | None = None
    created_at: float = field(default_factory=time.time)
    updated_at: float = field(default_factory=time.time)
    submit_started_at: float | None = None
    submitted_at: float | None = None
    running_since: float | None = None
    finished_at: float | None = None     # when the service finished generating
    done_at: float | None = None         # when the file was on disk
    usage: dict[str, Any] = field(default_factory=dict)
    cost_estimate: float | None = None
    cost_actual: float | None = None
    result_url: str | None = None
    result_expires_at: float | None = None
    output_path: str | None = None
    sidecar_path: str | None = None
    actual_prompt: str | None = None
    error_code: str | None = None
    error_message: str | None = None     # plain words, in the language at the time (both kept below)
    error_message_en: str | None = None
    error_message_zh: str | None = None
    retry_costs_money: bool | None = None
    bytes_done: int = 0
    bytes_total: int | None = None
    poll_errors: int = 0
    uncertain: bool = False              # submission may have created a task; reconcile before anything else
    attempts: int = 0
    expected_seconds: float | None = None
    backend: str = SERVICE               # SERVICE or SANDBOX: where the task was created, for its whole life
    base_url: str | None = None          # the API base URL it was created on (None: the region's default)
    favourite: bool = False              # the person's star, for the library
    archived: bool = False               # off the queue, still in the library ("Archive finished", undoable)
    parent: int | None = None            # the record this one continues (its last frame or its clip)
    continuation: dict[str, Any] | None = None   # {"method": "first_clip" | "last_frame", "overlap": seconds}

    # -- derived ----------------------------------------------------------------------------
    def error_text(self, lang: str | None = None) -> str:
        """Why it failed, in the UI's language now (not the one it was in when it failed)."""
        from ..i18n import language
        zh = (lang or language()) == "zh"
        return (self.error_message_zh if zh else self.error_message_en) or self.error_message or ""

    @property
    def model(self) -> str:
        return self.request.model

    @property
    def prompt(self) -> str:
        return self.request.prompt

    def elapsed(self, now: float | None = None) -> float:
        end = self.done_at or (self.updated_at if self.state.terminal else None) or (now or time.time())
        return max(0.0, end - self.created_at)

    @property
    def generating_since(self) -> float | None:
        """When the service started on it: first seen RUNNING, else (not seen yet) when it was sent.
        Time waiting in the service's queue is not generation time."""
        return self.running_since or self.submitted_at

    def generation_progress(self, now: float | None = None) -> float:
        """0..1 estimate while the service works (it reports no progress of its own)."""
        if self.state in (State.DOWNLOADING, State.DONE):
            return 1.0
        start = self.generating_since
        if not start or not self.expected_seconds:
            return 0.0
        t = (now or time.time()) - start
        # Linear to 90 % at the expected time, then creep towards 99 % — never claims done.
        x = t / self.expected_seconds
        return min(0.9 * x, 0.9) if x <= 1 else min(0.99, 0.9 + 0.09 * (1 - 1 / (1 + (x - 1) * 2)))

    def eta_seconds(self, now: float | None = None) -> float | None:
        if self.state.terminal:
            return None
        if self.state == State.DOWNLOADING and self.bytes_total and self.bytes_done:
            return None
        start = self.generating_since
        if start and self.expected_seconds:
            return max(0.0, start + self.expected_seconds - (now or time.time()))
        return None

    @property
    def can_retry_download(self) -> bool:
        return bool(self.result_url) and self.state in (State.FAILED, State.DONE, State.STOPPED) and \
            (self.result_expires_at is None or self.result_expires_at > time.time())

    @property
    def can_cancel(self) -> bool:
        return self.state.active

    @property
    def can_resume(self) -> bool:
        return self.state == State.STOPPED and bool(self.task_id)

    @property
    def needs_decision(self) -> bool:
        """A lost create answer the engine could not resolve: adopt a candidate or submit again."""
        return self.state == State.UNCERTAIN
