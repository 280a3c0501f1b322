"""What the client returns: task status, task snapshots, detect results, list pages, uploads.

The parsers here are pure functions of the service's JSON, so they are tested without HTTP.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

from .. import catalog
from .errors import strip_control

#: The service reports naive "YYYY-MM-DD HH:MM:SS.mmm" times; they are Beijing time.
BEIJING_TZ = timezone(timedelta(hours=8), "UTC+08:00")


def _obj(value: Any) -> dict[str, Any]:
    """A JSON object from an answer, or an empty one when the service sent something else."""
    return value if isinstance(value, dict) else {}


def _arr(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class TaskStatus(StrEnum):
    PENDING = "PENDING"
    PRE_PROCESSING = "PRE-PROCESSING"
    RUNNING = "RUNNING"
    POST_PROCESSING = "POST-PROCESSING"
    SUSPENDED = "SUSPENDED"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"
    UNKNOWN = "UNKNOWN"

    @classmethod
    def parse(cls, value: str | None) -> TaskStatus:
        """The status for a service string. Strings this client does not know yet mean "still running"."""
        text = (value or "").strip().upper().replace("_", "-")
        if text == "CANCELLED":
            return cls.CANCELED
        try:
            return cls(text)
        except ValueError:
            return cls.RUNNING

    @property
    def terminal(self) -> bool:
        return self in (TaskStatus.SUCCEEDED, TaskStatus.FAILED, TaskStatus.CANCELED, TaskStatus.UNKNOWN)


# -- time parsing ---------------------------------------------------------------------------
def parse_service_time(value: Any) -> datetime | None:
    """A task-query time (``"2025-09-25 11:07:28.590"``, Beijing time) as an aware datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return parse_epoch_ms(value)
    text = str(value).strip()
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=BEIJING_TZ)
        except ValueError:
            continue
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=BEIJING_TZ)


def parse_epoch_ms(value: Any) -> datetime | None:
    """An epoch-milliseconds time (task list) as an aware UTC datetime."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        ms = float(value)
    except (TypeError, ValueError):
        return None
    try:
        return datetime.fromtimestamp(ms / 1000.0, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def format_list_time(dt: datetime) -> str:
    """A datetime as the task list wants it: ``YYYYMMDDhhmmss`` in Beijing time (naive = local time)."""
    aware = dt if dt.tzinfo else dt.astimezone()
    return aware.astimezone(BEIJING_TZ).strftime("%Y%m%d%H%M%S")


def dig(data: Any, path: tuple[str, ...] | list[str]) -> Any:
    """``data[path[0]][path[1]]…`` or ``None`` when any step is missing."""
    cur = data
    for key in path:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(key)
    return cur


_RESULT_FALLBACKS = (("output", "video_url"), ("output", "results", "video_url"), ("output", "output_video_url"))


def find_result_url(body: dict, model: str | None = None) -> str | None:
    """Where the video URL is: the catalogue's path for a known model, else the documented fallbacks."""
    spec = catalog.get(model) if model else None
    if spec is not None:
        if spec.result and spec.result[-1] == "template_id":
            return None
        if spec.result and spec.result != ("output",):
            value = dig(body, spec.result)
            if isinstance(value, str) and value:
                return value
    for path in _RESULT_FALLBACKS:
        value = dig(body, path)
        if isinstance(value, str) and value:
            return value
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else (str(value) if value not in (None, "") else None)


def _text(value: Any) -> str | None:
    """A string the service wrote, for people to read: without escape sequences or control characters."""
    s = _str(value)
    return (strip_control(s) or None) if s is not None else None


# -- task creation and query ----------------------------------------------------------------
@dataclass(frozen=True)
class CreatedTask:
    task_id: str
    status: TaskStatus
    request_id: str | None


@dataclass
class TaskInfo:
    task_id: str
    status: TaskStatus
    raw_status: str
    request_id: str | None = None
    submit_time: datetime | None = None
    scheduled_time: datetime | None = None
    end_time: datetime | None = None
    result_url: str | None = None
    template_id: str | None = None
    usage: dict = field(default_factory=dict)
    code: str | None = None
    message: str | None = None
    orig_prompt: str | None = None
    actual_prompt: str | None = None
    output: dict = field(default_factory=dict)

    @classmethod
    def from_response(cls, body: dict, model: str | None = None, task_id: str | None = None) -> TaskInfo:
        """Parse a ``GET /tasks/{id}`` body. ``model`` (wire or canonical name) picks the result path."""
        output = _obj(body.get("output"))
        raw = str(output.get("task_status") or "")
        usage = _obj(body.get("usage"))
        return cls(
            task_id=str(output.get("task_id") or task_id or ""),
            status=TaskStatus.parse(raw) if raw else TaskStatus.UNKNOWN,
            raw_status=raw or "UNKNOWN",
            request_id=_str(body.get("request_id")),
            submit_time=parse_service_time(output.get("submit_time")),
            scheduled_time=parse_service_time(output.get("scheduled_time")),
            end_time=parse_service_time(output.get("end_time")),
            result_url=find_result_url(body, model),
            template_id=_str(output.get("template_id")),
            usage=dict(usage),
            code=_text(output.get("code")),
            message=_text(output.get("message")),
            orig_prompt=output.get("orig_prompt") if isinstance(output.get("orig_prompt"), str) else None,
            actual_prompt=output.get("actual_prompt") if isinstance(output.get("actual_prompt"), str) else None,
            output=dict(output),
        )


# -- detect (synchronous) -------------------------------------------------------------------
@dataclass
class DetectResult:
    model: str
    passed: bool
    reason: str | None = None
    face_bbox: list | None = None
    ext_bbox: list | None = None
    bodystyle: str | None = None
    humanoid: bool | None = None
    usage: dict = field(default_factory=dict)
    request_id: str | None = None
    output: dict = field(default_factory=dict)

    @classmethod
    def from_response(cls, model: str, body: dict, rule: str | None) -> DetectResult:
        """Normalise the three detect dialects (``check_pass``, ``pass``, ``bbox_face``) to one shape.

        Emoji's ``bbox_face``/``ext_bbox_face`` are renamed to the generation call's
        ``face_bbox``/``ext_bbox``. Without a rule, the dialect is guessed from the fields.
        """
        output = _obj(body.get("output"))
        usage = _obj(body.get("usage"))
        if rule is None:
            rule = ("check_pass" if "check_pass" in output else "pass" if "pass" in output
                    else "bbox_face")
        failure = _text(output.get("message")) or _text(output.get("code"))
        face = output.get("face_bbox")
        ext = output.get("ext_bbox")
        if rule == "check_pass":
            passed = output.get("check_pass") is True or str(output.get("check_pass")).lower() == "true"
            reason = None if passed else (_text(output.get("reason")) or failure)
        elif rule == "pass":
            passed = output.get("pass") is True or str(output.get("pass")).lower() == "true"
            reason = None if passed else (failure or _text(output.get("reason")))
        elif rule == "bbox_face":
            face = output.get("bbox_face", face)
            ext = output.get("ext_bbox_face", ext)
            passed = isinstance(face, list) and len(face) == 4
            reason = None if passed else failure
        else:
            raise ValueError(f"unknown detect rule {rule!r}")
        humanoid = output.get("humanoid")
        return cls(model=model, passed=passed, reason=reason,
                   face_bbox=list(face) if isinstance(face, list) else None,
                   ext_bbox=list(ext) if isinstance(ext, list) else None,
                   bodystyle=_str(output.get("bodystyle")),
                   humanoid=humanoid if isinstance(humanoid, bool) else None,
                   usage=dict(usage), request_id=_str(body.get("request_id")), output=dict(output))


# -- task list ------------------------------------------------------------------------------
@dataclass(frozen=True)
class TaskListItem:
    task_id: str
    status: TaskStatus
    model: str | None
    request_id: str | None
    created_at: datetime | None
    start_time: datetime | None
    end_time: datetime | None
    raw_status: str = ""

    @classmethod
    def from_json(cls, item: dict) -> TaskListItem:
        raw = str(item.get("status") or item.get("task_status") or "")
        return cls(task_id=str(item.get("task_id") or ""),
                   status=TaskStatus.parse(raw) if raw else TaskStatus.UNKNOWN,
                   model=_str(item.get("model_name")), request_id=_str(item.get("request_id")),
                   created_at=parse_epoch_ms(item.get("gmt_create")),
                   start_time=parse_epoch_ms(item.get("start_time")),
                   end_time=parse_epoch_ms(item.get("end_time")), raw_status=raw)


@dataclass(frozen=True)
class TaskListPage:
    items: list[TaskListItem]
    total: int
    page_no: int
    page_size: int
    total_page: int
    server_time: datetime | None = None   # the answer's Date header: the service's clock

    @classmethod
    def from_response(cls, body: dict, page_no: int = 1, page_size: int = 10) -> TaskListPage:
        data = _arr(body.get("data"))
        items = [TaskListItem.from_json(d) for d in data if isinstance(d, dict)]

        def num(key: str, default: int) -> int:
            value = body.get(key)
            try:
                return int(value) if isinstance(value, (int, float, str)) else default
            except ValueError:
                return default

        total = num("total", len(items))
        size = num("page_size", page_size) or page_size
        return cls(items=items, total=total, page_no=num("page_no", page_no), page_size=size,
                   total_page=num("total_page", -(-total // size) if size else 1))


# -- uploads --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Upload:
    oss_url: str
    expires_at: datetime
    size: int


__all__ = [
    "BEIJING_TZ", "CreatedTask", "DetectResult", "TaskInfo", "TaskListItem", "TaskListPage", "TaskStatus", "Upload",
    "dig", "find_result_url", "format_list_time", "parse_epoch_ms", "parse_service_time",
]
