"""The task engine: a crash-safe queue that never loses or double-pays a task.

One asyncio loop drives everything; the GUI (under qasync) and the CLI (plain asyncio) use it
unchanged. Every transition is committed to the store *before* the action that depends on it,
so a process killed at any instant restarts into a state it can finish from:

* ``submitting`` without a task id → the create request may or may not have reached the
  service; it is reconciled through the task-list endpoint, never blindly re-sent.
* ``queued``/``running`` → polled again.  ``downloading`` → the ``.part`` file is resumed.

Polling is one loop for all tasks (not a sleeping coroutine per task), adaptive to each
model's typical duration as learned from this installation's history.
"""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import random
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from .. import catalog
from ..api import errors as api_errors
from ..api.requests import build_body
from ..api.types import TaskStatus
from ..catalog import ModelSpec, ValidationError
from ..i18n import T, language
from . import outputs
from .paths import default_output_dir
from .records import REMOTE, Request, State, TaskRecord
from .store import TaskStore

log = logging.getLogger("bailian_video.engine")

TASK_VALIDITY = 24 * 3600          # task ids and result URLs live 24 h on the service
UPLOAD_MARGIN = 3600               # re-upload when a temporary file has less than this left


@dataclass
class EngineSettings:
    out_dir: Path = field(default_factory=default_output_dir)
    name_template: str = outputs.DEFAULT_TEMPLATE
    region: str = catalog.BEIJING
    global_concurrency: int = 8
    model_concurrency: dict[str, int] = field(default_factory=dict)   # user's lower limits
    poll_min: float = 2.0
    poll_max: float = 30.0
    poll_deadline: float = 6 * 3600.0
    poll_error_budget: int = 12
    query_qps: float = 15.0            # below the service's 20 QPS per account
    download_workers: int = 3
    download_attempts: int = 4
    expected_override: float | None = None   # e.g. the sandbox's task length
    auto_seed: bool = True             # pick a seed when none is given, so every video is reproducible
    service_limits: bool = True        # apply the catalogue's per-model RPS/concurrency (off for the local sandbox)
    sandbox: bool = False              # the backend is the built-in sandbox (free; forgets tasks when restarted)


@dataclass(frozen=True)
class TaskEvent:
    kind: str                          # "added" | "changed" | "removed"
    record: TaskRecord


@dataclass
class SubmitResult:
    tasks: list[TaskRecord]
    duplicate_of: TaskRecord | None = None


class _Stop(Exception):
    """Ends a task's driver quietly (the record already says why)."""


def _file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _is_local(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and not value.startswith(("http://", "https://", "oss://", "data:"))


def _local_path(value: str) -> str:
    return value[7:] if value.startswith("file://") else value


def _url_expiry(url: str, default: float) -> float:
    try:
        q = parse_qs(urlparse(url).query)
        if "Expires" in q:
            return float(q["Expires"][0])
    except (ValueError, TypeError):
        pass
    return default


class Engine:
    def __init__(self, store: TaskStore, client: Any, settings: EngineSettings | None = None,
                 clock: Callable[[], float] = time.time):
        self.store = store
        self.client = client
        self.settings = settings or EngineSettings()
        self.clock = clock
        self._records: dict[int, TaskRecord] = {}
        self._subscribers: list[Callable[[TaskEvent], None]] = []
        self._drivers: dict[int, asyncio.Task] = {}
        self._downloads: dict[int, asyncio.Task] = {}
        self._poll_due: dict[int, float] = {}
        self._wake_scheduler = asyncio.Event()
        self._wake_poller = asyncio.Event()
        self._download_sem: asyncio.Semaphore | None = None
        self._loops: list[asyncio.Task] = []
        self._model_backoff: dict[str, float] = {}
        self._last_submit: dict[str, float] = {}
        self._last_emit: dict[int, float] = {}
        self._query_times: list[float] = []
        self._closed = False
        self._started = False
        self._active: set[int] = set()     # ids of unfinished tasks: the scheduler never scans all history
        for rec in store.all():
            self._records[rec.id] = rec
            if rec.state.active:
                self._active.add(rec.id)

    # -- observation --------------------------------------------------------------------------
    def subscribe(self, fn: Callable[[TaskEvent], None]) -> Callable[[], None]:
        self._subscribers.append(fn)
        return lambda: self._subscribers.remove(fn) if fn in self._subscribers else None

    def _emit(self, kind: str, rec: TaskRecord) -> None:
        for fn in list(self._subscribers):
            try:
                fn(TaskEvent(kind, rec))
            except Exception:  # a broken listener must not break the engine
                log.exception("task event listener failed")

    def tasks(self) -> list[TaskRecord]:
        return list(self._records.values())

    def get(self, task_id: int) -> TaskRecord | None:
        return self._records.get(task_id)

    def _save(self, rec: TaskRecord, state: State | None = None, **changes: Any) -> None:
        """Commit a transition, then tell the listeners."""
        if state is not None:
            rec.state = state
        for k, v in changes.items():
            setattr(rec, k, v)
        if rec.state.active:
            self._active.add(rec.id)
        else:
            self._active.discard(rec.id)
        self.store.save(rec)
        self._emit("changed", rec)

    def _progress(self, rec: TaskRecord, done: int, total: int | None) -> None:
        """Byte progress: kept in memory and emitted at most 10×/s; committed with the next transition."""
        rec.bytes_done, rec.bytes_total = done, total
        now = time.monotonic()
        if now - self._last_emit.get(rec.id, 0.0) >= 0.1 or (total and done >= total):
            self._last_emit[rec.id] = now
            self._emit("changed", rec)

    # -- lifecycle ----------------------------------------------------------------------------
    async def start(self) -> None:
        """Start the loops and pick up every unfinished task from the store."""
        if self._started:
            return
        self._started = True
        self._download_sem = asyncio.Semaphore(self.settings.download_workers)
        for rec in sorted(self._records.values(), key=lambda r: r.id):
            if rec.state.terminal:
                continue
            self._resume_record(rec)
        self._loops = [asyncio.create_task(self._scheduler_loop(), name="engine-scheduler"),
                       asyncio.create_task(self._poll_loop(), name="engine-poller")]
        done = [r for r in self._records.values() if r.state == State.DONE and r.output_path]
        if done:
            self._loops.append(asyncio.create_task(self._recover_missing_files(done), name="engine-recover"))

    def _resume_record(self, rec: TaskRecord) -> None:
        if rec.state in (State.SUBMITTING,) or rec.uncertain:
            self._spawn_driver(rec, self._reconcile_then_continue(rec))
        elif rec.state in REMOTE or (rec.state == State.DETECTING and rec.task_id):
            self._schedule_poll(rec, 0.0)
        elif rec.state == State.DOWNLOADING:
            self._start_download(rec)
        else:  # waiting / validating / uploading / detecting without a remote task: nothing paid yet
            if rec.state != State.WAITING:
                self._save(rec, State.WAITING)
            self._wake_scheduler.set()

    async def _recover_missing_files(self, done: list[TaskRecord]) -> None:
        missing = await asyncio.to_thread(lambda: [r for r in done if not Path(r.output_path).exists()])
        for rec in missing:
            if rec.can_retry_download:
                log.info("task %s: output file missing, downloading again", rec.id)
                self._save(rec, State.DOWNLOADING, output_path=None, bytes_done=0)
                self._start_download(rec)

    async def close(self) -> None:
        self._closed = True
        tasks = [*self._loops, *self._drivers.values(), *self._downloads.values()]
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(BaseException):
                await t
        self._loops.clear()

    # -- estimates ----------------------------------------------------------------------------
    def estimate(self, request: Request, count: int = 1,
                 input_durations: dict[str, float] | None = None) -> catalog.Estimate:
        spec = catalog.require(request.model)
        params = {**spec.default_params(request.function), **request.params}
        return catalog.estimate(spec, params, count=count, input_durations=input_durations,
                                chain=catalog.chain_of(spec), reuse_template=bool(request.inputs.get("template_id")))

    def expected_seconds(self, model: str) -> float:
        if self.settings.expected_override is not None:
            return self.settings.expected_override
        history = self.store.durations(model)
        if len(history) >= 3:
            return statistics.median(history)
        prior = catalog.require(model).typical_seconds
        return statistics.median([prior, *history]) if history else prior

    def totals(self) -> dict[str, Any]:
        by_day = self.store.totals_by_day()
        today = time.strftime("%Y-%m-%d")
        used = self.store.usage_units()
        free_left = {m.name: max(0.0, m.price.free_quota - used.get(m.name, 0.0))
                     for m in catalog.all_models() if m.price.free_quota}
        return dict(today=dict(by_day).get(today, 0.0), by_day=by_day, by_model=self.store.totals_by_model(),
                    free_left=free_left, units_used=used)

    # -- submitting ---------------------------------------------------------------------------
    async def submit(self, request: Request, *, count: int = 1, force: bool = False,
                     batch: str | None = None) -> SubmitResult:
        """Validate (hashing and probing files off the loop), guard duplicates, and queue ``count`` tasks.

        Raises :class:`catalog.ValidationError` with every field problem; nothing is stored then.
        """
        spec = catalog.get(request.model)
        if spec is None:
            raise ValidationError(catalog.validate(request.model, request.inputs, request.params))
        request = Request.from_json(json.loads(json.dumps(request.to_json())))   # our own copy
        request.region = request.region or self.settings.region
        files, media = await asyncio.to_thread(self._inspect_files, spec, request)
        errors = catalog.validate(spec, request.inputs, request.params, region=request.region,
                                  function=request.function, media=media)
        if errors:
            raise ValidationError(errors)
        key = self._request_key(spec, request, files)
        if not force:
            dup = self._find_duplicate(key)
            if dup is not None:
                return SubmitResult([], duplicate_of=dup)
        durations = {name: f["duration"] for name, f in files.items() if isinstance(f, dict) and f.get("duration")}
        est = self.estimate(request, 1, durations)
        batch = batch or (uuid.uuid4().hex[:12] if count > 1 else None)
        expected = self.expected_seconds(spec.name)
        created = []
        for _ in range(max(1, count)):
            req = Request.from_json(json.loads(json.dumps(request.to_json())))
            seed_spec = spec.param("seed", req.function)
            if self.settings.auto_seed and seed_spec and req.params.get("seed") is None:
                req.params["seed"] = random.randint(0, 2**31 - 2)
            rec = TaskRecord(id=0, request=req, family=spec.family.value, request_key=key, batch=batch,
                             files=files, cost_estimate=est.amount, created_at=self.clock(),
                             expected_seconds=expected)
            self.store.add(rec)
            self._records[rec.id] = rec
            self._active.add(rec.id)
            created.append(rec)
            self._emit("added", rec)
        self._wake_scheduler.set()
        return SubmitResult(created)

    def _inspect_files(self, spec: ModelSpec, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        """Hash and probe local files (runs in a worker thread)."""
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
                if _is_local(v):
                    path = _local_path(v)
                    try:
                        info = probe(path)
                    except (MediaError, OSError) as e:
                        raise ValidationError([catalog.FieldError(f"input.{ins.name}", "unreadable", T(
                            f"无法读取“{ins.label.zh}”：{path}（{e}）。请确认文件存在且格式正确。",
                            f"Cannot read {ins.label.en}: {path} ({e}). Check that the file exists and is valid."))]) from e
                    meta.update(sha256=_file_sha256(path), size=info.size_bytes, duration=info.duration,
                                width=info.width, height=info.height)
                metas.append(meta)
                infos.append(info)
            files[ins.name] = metas if isinstance(value, list) else metas[0]
            media[ins.name] = infos if isinstance(value, list) else infos[0]
            if all(i is None for i in infos):
                media.pop(ins.name)
        return files, media

    @staticmethod
    def _request_key(spec: ModelSpec, request: Request, files: dict[str, Any]) -> str:
        inputs = {}
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

    def _find_duplicate(self, key: str) -> TaskRecord | None:
        for rec in reversed(self.store.find_by_key(key)):
            live = self._records.get(rec.id, rec)
            if live.state == State.DONE and live.output_path and Path(live.output_path).exists():
                return live
            if live.state.active:
                return live
        return None

    # -- scheduler ----------------------------------------------------------------------------
    def _next_async_model(self, rec: TaskRecord) -> ModelSpec:
        chain = catalog.chain_of(catalog.require(rec.model))
        steps = [m for m in chain if not m.sync]
        if rec.request.inputs.get("template_id"):
            steps = [m for m in steps if m.name != "animate-anyone-template-gen2"]
        idx = min(rec.chain.get("async_step", 0), len(steps) - 1)
        return steps[idx]

    def _limit_for(self, model: ModelSpec) -> int:
        limit = (model.concurrency or 1_000_000) if self.settings.service_limits else 1_000_000
        user = self.settings.model_concurrency.get(model.name)
        return max(1, min(limit, user)) if user else limit

    def _in_flight(self) -> tuple[int, dict[str, int]]:
        total, per = 0, {}
        for rec in (self._records[i] for i in self._active):
            if rec.state in (State.VALIDATING, State.UPLOADING, State.DETECTING, State.SUBMITTING, State.QUEUED,
                             State.RUNNING) or rec.id in self._drivers:
                total += 1
                m = self._next_async_model(rec).name
                per[m] = per.get(m, 0) + 1
        return total, per

    async def _scheduler_loop(self) -> None:
        while not self._closed:
            self._wake_scheduler.clear()
            delay = self._schedule_once()
            try:
                await asyncio.wait_for(self._wake_scheduler.wait(), timeout=delay)
            except TimeoutError:
                pass

    def _schedule_once(self) -> float:
        """Start as many waiting tasks as the limits allow; returns how long to sleep."""
        now = self.clock()
        waiting = sorted((r for r in (self._records[i] for i in self._active)
                          if r.state == State.WAITING and r.id not in self._drivers),
                         key=lambda r: r.id)
        if not waiting:
            return 5.0
        total, per = self._in_flight()
        next_wake = 5.0
        # Fair order: one task per model per pass, oldest first, so one big batch cannot starve others.
        started_models: set[str] = set()
        for rec in waiting:
            if total >= self.settings.global_concurrency:
                break
            model = self._next_async_model(rec)
            if model.name in started_models:
                continue
            backoff = self._model_backoff.get(model.name, 0.0)
            if backoff > now:
                next_wake = min(next_wake, backoff - now)
                continue
            not_before = rec.chain.get("not_before", 0.0)
            if not_before > now:
                next_wake = min(next_wake, not_before - now)
                continue
            if per.get(model.name, 0) >= self._limit_for(model):
                continue
            gap = 1.0 / model.submit_rps if self.settings.service_limits else 0.0
            last = self._last_submit.get(model.name, 0.0)
            if now - last < gap:
                next_wake = min(next_wake, gap - (now - last))
                continue
            self._last_submit[model.name] = now
            started_models.add(model.name)
            total += 1
            per[model.name] = per.get(model.name, 0) + 1
            self._spawn_driver(rec, self._advance(rec))
        if started_models:
            next_wake = min(next_wake, 0.05)
        return max(0.01, next_wake)

    def _spawn_driver(self, rec: TaskRecord, coro: Any) -> None:
        task = asyncio.create_task(self._run_driver(rec, coro), name=f"task-{rec.id}")
        self._drivers[rec.id] = task

    async def _run_driver(self, rec: TaskRecord, coro: Any) -> None:
        try:
            await coro
        except _Stop:
            pass
        except asyncio.CancelledError:
            raise
        except Exception as e:  # the record must say what happened, whatever it was
            log.exception("task %s failed unexpectedly", rec.id)
            if rec.state == State.SUBMITTING:
                # The create request may have gone out: never call that "failed, not charged".
                self._save(rec, uncertain=True)
                asyncio.get_running_loop().call_later(
                    2.0, lambda: None if self._closed else self._spawn_driver(rec, self._reconcile_then_continue(rec)))
            elif rec.state in REMOTE or rec.task_id:
                self._schedule_poll(rec, 5.0)
            else:
                self._fail(rec, "InternalError", T(f"程序内部错误：{e}", f"Internal error: {e}"), costs=False)
        finally:
            self._drivers.pop(rec.id, None)
            self._wake_scheduler.set()

    # -- one task's way to the service ------------------------------------------------------
    async def _advance(self, rec: TaskRecord) -> None:
        """Inputs → (detect / template) → submit the next paid step. Polling takes it from there."""
        spec = catalog.require(rec.model)
        self._save(rec, State.VALIDATING, error_message=None, error_code=None)
        if not await self._check_inputs_still_there(rec, spec):
            return
        chain = catalog.chain_of(spec)
        for step in chain:
            if step.sync:
                if "detect" not in rec.chain:
                    await self._detect(rec, step)
                continue
            if step.name == "animate-anyone-template-gen2":
                if rec.request.inputs.get("template_id") or rec.chain.get("template_id"):
                    continue
            if step.name in rec.chain.get("done_steps", []):
                continue
            await self._submit_step(rec, step)
            return

    async def _check_inputs_still_there(self, rec: TaskRecord, spec: ModelSpec) -> bool:
        for name, meta in rec.files.items():
            for m in (meta if isinstance(meta, list) else [meta]):
                v = m.get("value")
                if _is_local(v) and not os.path.exists(_local_path(v)):
                    ins = spec.input(name, rec.request.function)
                    label = ins.label if ins else T(name, name)
                    self._fail(rec, "InputMissing", T(
                        f"找不到输入文件“{label.zh}”：{v}。文件可能已被移动或删除；请重新选择后再生成（尚未扣费）。",
                        f"The input file for {label.en} is gone: {v}. It may have been moved or deleted; pick it "
                        f"again and generate (nothing was charged)."), costs=False)
                    return False
        return True

    async def _remote_inputs(self, rec: TaskRecord, step: ModelSpec) -> dict[str, Any]:
        """The step's input values as the service takes them: local files uploaded (cached per model)."""
        out: dict[str, Any] = {}
        todo: list[tuple[str, int | None, dict[str, Any]]] = []
        for ins in step.inputs_for(rec.request.function):
            value = rec.request.inputs.get(ins.name)
            if value in (None, "", []):
                continue
            if not ins.is_file:
                out[ins.name] = value
                continue
            metas = rec.files.get(ins.name)
            metas_list = metas if isinstance(metas, list) else [metas]
            values = []
            for i, m in enumerate(metas_list):
                v = m["value"]
                if not _is_local(v):
                    values.append(v)
                    continue
                cache_key = f"upload:{self.client.base_url}:{step.name}:{m['sha256']}"
                cached = self.store.kv_get(cache_key)
                if cached and cached["expires"] > self.clock() + UPLOAD_MARGIN:
                    values.append(cached["url"])
                    m.setdefault("uploads", {})[step.name] = cached
                else:
                    values.append(None)
                    todo.append((ins.name, i if isinstance(metas, list) else None, m))
            out[ins.name] = values if isinstance(value, list) else values[0]
        if todo:
            total = sum(int(m.get("size") or 0) for _, _, m in todo)
            self._save(rec, State.UPLOADING, bytes_done=0, bytes_total=total)
            sent_before = 0
            wire = step.name_in(rec.request.region)
            for name, idx, m in todo:
                base = sent_before
                up = await self.client.upload_file(
                    wire, _local_path(m["value"]),
                    progress=lambda done, _total, b=base: self._progress(rec, b + done, total))
                sent_before += int(m.get("size") or 0)
                expires = up.expires_at.timestamp() if hasattr(up.expires_at, "timestamp") else float(up.expires_at)
                self.store.kv_set(f"upload:{self.client.base_url}:{step.name}:{m['sha256']}",
                                  {"url": up.oss_url, "expires": expires})
                m.setdefault("uploads", {})[step.name] = {"url": up.oss_url, "expires": expires}
                if idx is None:
                    out[name] = up.oss_url
                else:
                    out[name][idx] = up.oss_url
        return out

    async def _detect(self, rec: TaskRecord, step: ModelSpec) -> None:
        self._save(rec, State.DETECTING)
        inputs = await self._call_guarded(rec, self._remote_inputs(rec, step))
        spec = catalog.require(rec.model)
        params = {p.name: rec.request.params.get(p.name, p.default) for p in spec.params_for() if p.stage == "detect"}
        for p in step.params:
            params.setdefault(p.name, p.default)
        body = build_body(step, inputs, params, region=rec.request.region)
        if rec.state != State.DETECTING:   # uploading the photo showed "uploading" meanwhile
            self._save(rec, State.DETECTING)
        result = await self._call_guarded(rec, self.client.call_sync(
            body["model"], body["input"], body.get("parameters"), endpoint=step.endpoint,
            detect_rule=step.detect_rule))
        rec.request_ids.append(result.request_id)
        billed = rec.chain.setdefault("billed_units", {})
        billed[step.name] = billed.get(step.name, 0) + float(result.usage.get("image_count", 1) if result.usage else 1)
        rec.chain.setdefault("detect_cost", 0.0)
        rec.chain["detect_cost"] += step.price.for_tier(None) * float((result.usage or {}).get("image_count", 1))
        if not result.passed:
            reason = result.reason or ""
            self._fail(rec, "DetectFailed", T(
                f"照片没有通过{step.title.zh}：{reason or '未检测到合适的人像'}。请换一张单人、正脸、清晰的照片（检测费用极少，生成尚未扣费）。",
                f"The photo did not pass {step.title.en}: {reason or 'no suitable person found'}. Use a clear photo "
                f"of one person facing the camera (only the tiny detect fee was charged; no video was paid for)."),
                costs=False)
            raise _Stop from None
        rec.chain["detect"] = {k: v for k, v in (("face_bbox", result.face_bbox), ("ext_bbox", result.ext_bbox),
                                                 ("bodystyle", result.bodystyle)) if v is not None}
        self._save(rec)

    async def _call_guarded(self, rec: TaskRecord, coro: Any) -> Any:
        """Run a pre-submission call; map errors to waiting (transient) or failed (not paid)."""
        try:
            return await coro
        except api_errors.ThrottledError as e:
            self._model_backoff[rec.model] = self.clock() + (e.retry_after or 5.0)
            self._save(rec, State.WAITING, error_message=str(T("服务繁忙，稍后自动重试。",
                                                               "The service is busy; retrying shortly.")))
            raise _Stop from None
        except (api_errors.NetworkError, api_errors.ApiTimeoutError, api_errors.ServerError) as e:
            rec.attempts += 1
            if rec.attempts > 8:
                self._fail(rec, e.code or "NetworkError", e.explain(), costs=False)
                raise _Stop from None
            delay = min(300.0, 5.0 * 2 ** rec.attempts)
            rec.chain["not_before"] = self.clock() + delay
            self._save(rec, State.WAITING, error_message=str(T(
                f"暂时连不上服务（{e.code or '网络'}），{delay:.0f} 秒后自动重试。",
                f"Cannot reach the service right now ({e.code or 'network'}); retrying in {delay:.0f} s.")))
            raise _Stop from None
        except api_errors.DashScopeError as e:
            self._fail(rec, e.code or type(e).__name__, e.explain(), costs=False, request_id=e.request_id)
            raise _Stop from None
        except OSError as e:
            self._fail(rec, "InputUnreadable", T(f"读取输入文件失败：{e}", f"Could not read an input file: {e}"),
                       costs=False)
            raise _Stop from None

    async def _submit_step(self, rec: TaskRecord, step: ModelSpec) -> None:
        inputs = await self._call_guarded(rec, self._remote_inputs(rec, step))
        if step.name == "animate-anyone-gen2":
            inputs.pop("video_url", None)
            inputs["template_id"] = rec.request.inputs.get("template_id") or rec.chain.get("template_id")
        if step.name == "animate-anyone-template-gen2":
            inputs = {"video_url": inputs.get("video_url")}
        if step.name in ("emo-v1", "emoji-v1"):   # the detect step's boxes, under the generation call's names
            detect = rec.chain.get("detect", {})
            inputs.update({k: detect[k] for k in ("face_bbox", "ext_bbox") if k in detect})
        params = {} if step.name != rec.model else dict(rec.request.params)
        body = build_body(step, inputs, params, region=rec.request.region, function=rec.request.function)
        # Committed before the request leaves: a crash from here on is reconciled, never re-sent blindly.
        self._save(rec, State.SUBMITTING, submit_started_at=self.clock(), uncertain=False,
                   chain={**rec.chain, "submitting_step": step.name})
        try:
            created = await self.client.create_task(body["model"], body["input"], body.get("parameters"),
                                                    endpoint=step.endpoint)
        except api_errors.SubmissionUncertainError as e:
            self._save(rec, uncertain=True, error_message=str(e.explain()))
            await asyncio.sleep(2.0)
            await self._reconcile_then_continue(rec)
            return
        except api_errors.ThrottledError as e:
            self._model_backoff[step.name] = self.clock() + (e.retry_after or 5.0)
            self._save(rec, State.WAITING, error_message=str(T("服务限流，稍后自动重新提交（未扣费）。",
                                                               "Throttled by the service; resubmitting shortly (not charged).")))
            return
        except (api_errors.NetworkError, api_errors.ApiTimeoutError, api_errors.ServerError) as e:
            # The client raises these for a create only when the service certainly made nothing
            # (uncertain outcomes are SubmissionUncertainError): try again later, a bounded number of times.
            rec.attempts += 1
            if rec.attempts > 8:
                self._fail(rec, e.code or type(e).__name__, e.explain(), costs=False, request_id=e.request_id)
                return
            delay = min(300.0, 5.0 * 2 ** rec.attempts)
            rec.chain["not_before"] = self.clock() + delay
            self._save(rec, State.WAITING, error_message=str(e.explain()))
            return
        except api_errors.DashScopeError as e:
            self._fail(rec, e.code or type(e).__name__, e.explain(), costs=False, request_id=e.request_id)
            return
        self._adopt(rec, created.task_id, created.request_id, step)

    def _adopt(self, rec: TaskRecord, task_id: str, request_id: str | None, step: ModelSpec) -> None:
        ids = rec.chain.setdefault("step_task_ids", [])
        if task_id not in ids:
            ids.append(task_id)
        if request_id:
            rec.request_ids.append(request_id)
        state = State.DETECTING if step.name != rec.model else State.QUEUED
        self._save(rec, state, task_id=task_id, submitted_at=rec.submitted_at if state == State.DETECTING and
                   rec.submitted_at else self.clock(), uncertain=False, error_message=None, poll_errors=0,
                   service_status="PENDING", chain={**rec.chain, "submitting_step": None, "polling_step": step.name})
        if state == State.QUEUED:
            rec.expected_seconds = self.expected_seconds(rec.model)
        self._schedule_poll(rec, min(self.settings.poll_min, 2.0))
        if rec.chain.get("cancel_requested"):
            asyncio.get_running_loop().create_task(self.cancel(rec.id))

    # -- reconciliation -----------------------------------------------------------------------
    async def _reconcile_then_continue(self, rec: TaskRecord) -> None:
        """A create request whose answer we never saw: find the task on the service, or prove it's absent."""
        step_name = rec.chain.get("submitting_step") or self._next_async_model(rec).name
        step = catalog.require(step_name)
        started = rec.submit_started_at
        if started is None:
            self._save(rec, State.WAITING, uncertain=False)
            self._wake_scheduler.set()
            return
        from datetime import datetime
        attempt = 0
        while not self._closed:
            try:
                window_start = datetime.fromtimestamp(started - 120, UTC)
                window_end = datetime.fromtimestamp(max(self.clock(), started) + 120, UTC)
                items = []
                async for item in self.client.iter_tasks(start=window_start, end=window_end,
                                                         model_name=step.name_in(rec.request.region)):
                    items.append(item)
                break
            except api_errors.DashScopeError as e:
                attempt += 1
                self._save(rec, error_message=str(T(
                    f"正在核对上次提交是否成功（{e.code}），稍后重试；不会重复扣费。",
                    f"Checking whether the last submission went through ({e.code}); retrying — you will not be "
                    f"charged twice.")))
                await asyncio.sleep(min(60.0, 2.0 * 2 ** attempt))
        else:
            return
        known = self.store.known_task_ids() | {r.task_id for r in self._records.values() if r.task_id}
        candidates = [i for i in items if i.task_id not in known
                      and (i.created_at is None or i.created_at.timestamp() >= started - 60)]
        if len(candidates) > 1 and rec.prompt:
            matched = []
            for c in candidates:
                with contextlib.suppress(api_errors.DashScopeError):
                    info = await self.client.get_task(c.task_id, model=step.name_in(rec.request.region))
                    if info.orig_prompt == rec.prompt:
                        matched.append(c)
            candidates = matched or candidates
        candidates.sort(key=lambda i: abs((i.created_at.timestamp() if i.created_at else started) - started))
        if candidates:
            found = candidates[0]
            log.info("task %s: reconciled lost submission as %s", rec.id, found.task_id)
            self._adopt(rec, found.task_id, found.request_id, step)
        else:
            log.info("task %s: submission never reached the service; queued again", rec.id)
            self._save(rec, State.WAITING, uncertain=False, submit_started_at=None, error_message=None)
            self._wake_scheduler.set()

    # -- polling ------------------------------------------------------------------------------
    def _schedule_poll(self, rec: TaskRecord, delay: float) -> None:
        self._poll_due[rec.id] = self.clock() + delay
        self._wake_poller.set()

    def _poll_interval(self, rec: TaskRecord) -> float:
        s = self.settings
        now = self.clock()
        expected = rec.expected_seconds or self.expected_seconds(rec.model)
        elapsed = now - (rec.submitted_at or now)
        remaining = expected - elapsed
        if remaining > 0:  # sparse early, dense near the expected finish
            interval = remaining * 0.5
        else:              # overdue: back off gently
            interval = s.poll_min + (-remaining) * 0.25
        return max(s.poll_min, min(s.poll_max, interval))

    async def _poll_loop(self) -> None:
        inflight: dict[int, asyncio.Task] = {}
        while not self._closed:
            self._wake_poller.clear()
            now = self.clock()
            for rid, due in sorted(self._poll_due.items(), key=lambda kv: kv[1]):
                if due > now or rid in inflight:
                    continue
                if not self._query_slot():
                    break
                del self._poll_due[rid]
                rec = self._records.get(rid)
                if rec is None or rec.task_id is None:
                    continue
                t = asyncio.create_task(self._poll_one(rec))
                inflight[rid] = t
                t.add_done_callback(lambda _t, rid=rid: (inflight.pop(rid, None), self._wake_poller.set()))
            pending = [d for rid, d in self._poll_due.items() if rid not in inflight]
            delay = max(0.02, min(pending) - self.clock()) if pending else 5.0
            if pending and not self._query_slot(peek=True):
                delay = max(delay, 1.0 / self.settings.query_qps)
            try:
                await asyncio.wait_for(self._wake_poller.wait(), timeout=min(delay, 5.0))
            except TimeoutError:
                pass

    def _query_slot(self, peek: bool = False) -> bool:
        """A sliding one-second window keeps queries under the account's QPS limit."""
        now = time.monotonic()
        self._query_times = [t for t in self._query_times if now - t < 1.0]
        if len(self._query_times) >= self.settings.query_qps:
            return False
        if not peek:
            self._query_times.append(now)
        return True

    async def _poll_one(self, rec: TaskRecord) -> None:
        if rec.state.terminal or rec.task_id is None:
            return
        now = self.clock()
        submitted = rec.submitted_at or now
        if now - submitted > TASK_VALIDITY:
            self._save(rec, State.EXPIRED, error_code="Expired", error_message=str(T(
                "任务已超过 24 小时有效期，服务端不再保留结果。", "The task is past the service's 24-hour validity; its result is gone.")),
                retry_costs_money=True)
            return
        step = catalog.require(rec.chain.get("polling_step") or rec.model)
        try:
            info = await self.client.get_task(rec.task_id, model=step.name_in(rec.request.region))
        except api_errors.AuthenticationError as e:
            self._stop_tracking(rec, e.explain())
            return
        except api_errors.DashScopeError as e:
            rec.poll_errors += 1
            if rec.poll_errors >= self.settings.poll_error_budget:
                self._stop_tracking(rec, T(
                    f"连续 {rec.poll_errors} 次查询失败（{e.code}），已暂停跟踪。任务仍在服务端，可稍后“继续跟踪”。",
                    f"{rec.poll_errors} queries in a row failed ({e.code}); tracking paused. The task is still on "
                    f"the service — use Resume later."))
                return
            retry = e.retry_after if isinstance(e, api_errors.ThrottledError) and e.retry_after else None
            self._schedule_poll(rec, retry or min(60.0, self.settings.poll_min * 2 ** rec.poll_errors))
            return
        status = info.status
        if status != TaskStatus.UNKNOWN:   # UNKNOWN answers count towards giving up, like errors
            rec.poll_errors = 0
        if status == TaskStatus.SUCCEEDED:
            await self._step_succeeded(rec, step, info)
        elif status == TaskStatus.FAILED:
            code = info.code or "TaskFailed"
            err = api_errors.classify(200, code, info.message or "", info.request_id, None)
            self._fail(rec, code, err.explain(), costs=True, service_message=info.message)
        elif status == TaskStatus.CANCELED:
            self._save(rec, State.CANCELED, service_status=info.raw_status)
        elif status == TaskStatus.UNKNOWN:
            rec.poll_errors += 1
            if rec.poll_errors >= 3 and self.settings.sandbox:
                self._sandbox_forgot(rec)
                return
            if rec.poll_errors >= 3:
                self._stop_tracking(rec, T(
                    "服务找不到这个任务：可能换了 API Key 或地区，或任务已超过 24 小时。换回原来的设置后可“继续跟踪”。",
                    "The service does not know this task: the API key or region may have changed, or it is older "
                    "than 24 hours. Switch back and use Resume."))
                return
            self._schedule_poll(rec, self.settings.poll_min * 2)
        else:
            if now - submitted > self.settings.poll_deadline:
                self._stop_tracking(rec, T(
                    f"等待超过 {self.settings.poll_deadline / 3600:.1f} 小时仍未完成，已停止等待。可稍后“继续跟踪”（不会重复扣费）。",
                    f"Still not finished after {self.settings.poll_deadline / 3600:.1f} h; stopped waiting. Use Resume "
                    f"later (you will not be charged again)."))
                return
            new_state = State.QUEUED if status == TaskStatus.PENDING else State.RUNNING
            if rec.state == State.DETECTING:
                new_state = State.DETECTING
            if new_state != rec.state or info.raw_status != rec.service_status:
                self._save(rec, new_state, service_status=info.raw_status,
                           running_since=rec.running_since or (now if new_state == State.RUNNING else None))
            else:
                self._emit("changed", rec)   # progress estimate moves on
            self._schedule_poll(rec, self._poll_interval(rec))

    async def _step_succeeded(self, rec: TaskRecord, step: ModelSpec, info: Any) -> None:
        billed = rec.chain.setdefault("billed_units", {})
        step_cost = catalog.actual_cost(step, info.usage, rec.request.params if step.name == rec.model else {})
        usage_secs = next((float(info.usage[k]) for k in ("duration", "output_video_duration", "video_duration")
                           if isinstance(info.usage.get(k), (int, float))), None)
        if usage_secs is not None:
            billed[step.name] = billed.get(step.name, 0.0) + usage_secs
        done_steps = rec.chain.setdefault("done_steps", [])
        if step.name not in done_steps:
            done_steps.append(step.name)
        rec.chain["step_costs"] = {**rec.chain.get("step_costs", {}), step.name: step_cost}
        if step.name != rec.model:  # a chain step (AnimateAnyone template): go on to the paid generation
            rec.chain["template_id"] = info.template_id
            rec.chain["async_step"] = rec.chain.get("async_step", 0) + 1
            self._save(rec, State.WAITING, task_id=None, service_status=info.raw_status)
            self._wake_scheduler.set()
            return
        total = sum(c for c in rec.chain.get("step_costs", {}).values() if c) + rec.chain.get("detect_cost", 0.0)
        url = info.result_url
        if not url:
            self._fail(rec, "NoResult", T("服务报告成功，但没有返回视频链接。请把任务 ID 发给客服。",
                                          "The service reported success but returned no video link. Send the task "
                                          "ID to support."), costs=False)
            return
        finished = info.end_time.timestamp() if info.end_time else self.clock()
        self._save(rec, State.DOWNLOADING, service_status=info.raw_status, result_url=url,
                   result_expires_at=_url_expiry(url, finished + TASK_VALIDITY), usage=dict(info.usage or {}),
                   cost_actual=round(total, 4) if step_cost is not None else rec.cost_estimate,
                   finished_at=finished, actual_prompt=info.actual_prompt, bytes_done=0, bytes_total=None)
        self._start_download(rec)

    def _sandbox_forgot(self, rec: TaskRecord) -> None:
        """The built-in sandbox lives in the app's process and forgets its tasks when the app quits.
        It is free, so an unfinished sandbox task simply runs again (never done for the paid service)."""
        assert self.settings.sandbox
        self._poll_due.pop(rec.id, None)
        with contextlib.suppress(OSError):
            if rec.output_path:
                Path(rec.output_path + ".part").unlink(missing_ok=True)
        chain = {k: v for k, v in rec.chain.items() if k in ("detect", "billed_units", "detect_cost")}
        chain["sandbox_reruns"] = rec.chain.get("sandbox_reruns", 0) + 1
        self._save(rec, State.WAITING, task_id=None, submitted_at=None, submit_started_at=None, result_url=None,
                   result_expires_at=None, output_path=None, poll_errors=0, service_status=None, chain=chain,
                   error_message=str(T("内置沙盒已重启，正在免费重新生成。", "The built-in sandbox restarted; "
                                                                   "generating again (free).")))
        self._wake_scheduler.set()

    def _stop_tracking(self, rec: TaskRecord, why: T) -> None:
        self._poll_due.pop(rec.id, None)
        self._save(rec, State.STOPPED, error_message=str(why), error_message_en=why.en, error_message_zh=why.zh)

    def _fail(self, rec: TaskRecord, code: str, why: T, *, costs: bool, request_id: str | None = None,
              service_message: str | None = None) -> None:
        self._poll_due.pop(rec.id, None)
        if request_id and request_id not in rec.request_ids:
            rec.request_ids.append(request_id)
        msg_zh, msg_en = why.zh, why.en
        if service_message and service_message not in msg_en:
            msg_zh, msg_en = f"{msg_zh}（{service_message}）", f"{msg_en} ({service_message})"
        self._save(rec, State.FAILED, error_code=code, error_message=msg_zh if language() == "zh" else msg_en,
                   error_message_en=msg_en, error_message_zh=msg_zh, retry_costs_money=costs)

    # -- downloads ----------------------------------------------------------------------------
    def _start_download(self, rec: TaskRecord) -> None:
        if rec.id in self._downloads and not self._downloads[rec.id].done():
            return
        self._downloads[rec.id] = asyncio.create_task(self._download(rec), name=f"download-{rec.id}")

    def _output_folder(self, rec: TaskRecord) -> Path:
        return Path(rec.request.out_dir or self.settings.out_dir).expanduser()

    async def _download(self, rec: TaskRecord) -> None:
        assert self._download_sem is not None
        async with self._download_sem:
            try:
                await self._download_inner(rec)
            finally:
                self._downloads.pop(rec.id, None)

    async def _download_inner(self, rec: TaskRecord) -> None:
        folder = self._output_folder(rec)
        if not rec.output_path:
            try:
                await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
                stem = outputs.render_name(rec, rec.request.name_template or self.settings.name_template)
                path = await asyncio.to_thread(outputs.reserve_path, folder, stem)
            except OSError as e:
                self._disk_error(rec, folder, e)
                return
            self._save(rec, State.DOWNLOADING, output_path=str(path))
        dest = Path(rec.output_path)
        attempt = 0
        while True:
            if rec.result_expires_at and rec.result_expires_at < self.clock():
                self._save(rec, State.EXPIRED, error_code="ResultExpired", retry_costs_money=True,
                           error_message=str(T("视频链接已过期（24 小时），无法再下载。",
                                               "The video link has expired (24 hours); it can no longer be downloaded.")))
                return
            try:
                await self.client.download(rec.result_url, dest, progress=lambda d, t: self._progress(rec, d, t))
                break
            except api_errors.DownloadError as e:
                sandbox_rerun = self.settings.sandbox and rec.chain.get("sandbox_reruns", 0) < 3
                if e.expired and sandbox_rerun and rec.result_expires_at and rec.result_expires_at > self.clock():
                    self._sandbox_forgot(rec)   # a restarted sandbox signs its links anew
                    return
                if e.expired:
                    self._save(rec, State.EXPIRED, error_code="ResultExpired", retry_costs_money=True,
                               error_message=str(T("视频链接已失效，服务器拒绝下载。生成已完成并计费；如需视频只能重新生成。",
                                                   "The video link is no longer valid; the server refused the download. "
                                                   "The generation was completed and billed; only a new run can "
                                                   "produce it again.")))
                    return
                attempt += 1
                if attempt >= self.settings.download_attempts and sandbox_rerun:
                    self._sandbox_forgot(rec)   # a restarted sandbox no longer serves the old link
                    return
                if attempt >= self.settings.download_attempts:
                    self._fail(rec, "DownloadFailed", T(
                        f"视频已生成，但下载失败：{e}。链接有效期内可点“重新下载”（免费，不会重新生成）。",
                        f"The video was made but the download failed: {e}. Use Retry download while the link is valid "
                        f"(free — nothing is generated again)."), costs=False)
                    return
                await asyncio.sleep(min(30.0, 1.0 * 2 ** attempt))
            except OSError as e:
                self._disk_error(rec, folder, e)
                return
        ok = await asyncio.to_thread(outputs.looks_like_mp4, dest)
        if not ok:
            with contextlib.suppress(OSError):
                dest.unlink()
            self._fail(rec, "BadVideo", T("下载的文件不是完整的 MP4。可点“重新下载”（免费）。",
                                          "The downloaded file is not a complete MP4. Use Retry download (free)."),
                       costs=False)
            return
        data = outputs.sidecar_data(rec)
        try:
            await asyncio.to_thread(self._finish_files, dest, data)
        except OSError as e:
            self._disk_error(rec, folder, e)
            return
        size = dest.stat().st_size
        self._save(rec, State.DONE, done_at=self.clock(), sidecar_path=str(dest.with_suffix(".json")),
                   bytes_done=size, bytes_total=size, error_code=None, error_message=None)

    @staticmethod
    def _finish_files(dest: Path, data: dict[str, Any]) -> None:
        outputs.embed_metadata(dest, data)
        outputs.write_sidecar(dest, data)

    def _disk_error(self, rec: TaskRecord, folder: Path, e: OSError) -> None:
        import errno
        if e.errno == errno.ENOSPC:
            code, why = "DiskFull", T(
                f"磁盘空间不足，无法保存到 {folder}。请清理空间或在设置里换一个输出文件夹，然后点“重新下载”（免费）。",
                f"The disk is full; cannot save to {folder}. Free some space or choose another output folder in "
                f"Settings, then use Retry download (free).")
        else:
            code, why = "OutputNotWritable", T(
                f"无法写入输出文件夹 {folder}（{e.strerror or e}）。请在设置里选择一个可写的文件夹，然后点“重新下载”（免费）。",
                f"Cannot write to the output folder {folder} ({e.strerror or e}). Choose a writable folder in "
                f"Settings, then use Retry download (free).")
        self._save(rec, output_path=None)
        self._fail(rec, code, why, costs=False)

    # -- user actions -------------------------------------------------------------------------
    async def cancel(self, task_id: int) -> None:
        """Cancel on the service while PENDING; otherwise stop tracking but keep it recoverable."""
        rec = self._records[task_id]
        if rec.state.terminal:
            return
        driver = self._drivers.get(rec.id)
        if rec.state in (State.WAITING, State.VALIDATING, State.UPLOADING) or (
                rec.state == State.DETECTING and not rec.task_id):
            if driver:
                driver.cancel()
            self._save(rec, State.CANCELED, error_message=None)
            return
        if rec.state == State.SUBMITTING:
            self._save(rec, chain={**rec.chain, "cancel_requested": True})
            return
        if rec.state == State.DOWNLOADING:
            dl = self._downloads.get(rec.id)
            if dl:
                dl.cancel()
            self._stop_tracking(rec, T("已停止下载；链接有效期内可“重新下载”。",
                                       "Download stopped; use Retry download while the link is valid."))
            return
        self._poll_due.pop(rec.id, None)
        if rec.state in (State.QUEUED, State.DETECTING):
            try:
                await self.client.cancel_task(rec.task_id)
                self._save(rec, State.CANCELED, error_message=None)
                return
            except api_errors.DashScopeError as e:
                log.info("task %s: cancel refused (%s); stop tracking instead", rec.id, e.code)
        self._stop_tracking(rec, T("已在本地停止跟踪；服务端已开始生成，无法取消，仍会计费。可随时“继续跟踪”取回结果。",
                                   "Stopped tracking here; the service had already started, so it cannot be "
                                   "canceled and will be billed. Use Resume any time to collect the result."))

    async def resume(self, task_id: int) -> None:
        rec = self._records[task_id]
        if rec.state not in (State.STOPPED, State.FAILED):
            return
        if rec.result_url:
            if rec.can_retry_download:
                await self.retry_download(task_id)
        elif rec.task_id:
            self._save(rec, State.RUNNING, error_message=None, poll_errors=0)
            self._schedule_poll(rec, 0.0)

    async def retry_download(self, task_id: int) -> None:
        rec = self._records[task_id]
        if not rec.result_url or not (rec.result_expires_at is None or rec.result_expires_at > self.clock()):
            return
        self._save(rec, State.DOWNLOADING, error_code=None, error_message=None, bytes_done=0)
        self._start_download(rec)

    def remove(self, task_id: int) -> None:
        rec = self._records.get(task_id)
        if rec is None:
            return
        if rec.state.active:
            raise ValueError("cancel the task before removing it")
        self.store.remove(task_id)
        del self._records[task_id]
        self._emit("removed", rec)

    async def wait(self, ids: list[int], timeout: float | None = None) -> list[TaskRecord]:
        """Until every task in ``ids`` is terminal (CLI and tests)."""
        done = asyncio.Event()

        def check(_ev: TaskEvent | None = None) -> None:
            if all(self._records[i].state.terminal for i in ids if i in self._records):
                done.set()

        unsub = self.subscribe(check)
        try:
            check()
            await asyncio.wait_for(done.wait(), timeout)
        finally:
            unsub()
        return [self._records[i] for i in ids if i in self._records]
