"""Polling, the part with I/O: one loop asks the service about every task that is due (under the
account's QPS budget), reads the answer, and moves the task on — to its download, its next chain
step, a plain-words failure or a stop with a reason. The pure timing rules are in :mod:`poller`.
Part of :class:`Engine`."""
from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlparse

from .. import catalog
from ..api import errors as api_errors
from ..api.types import TaskStatus
from ..catalog import ModelSpec
from ..i18n import T
from .ownership import NotOwner
from .poller import QueryBudget, poll_interval
from .records import SANDBOX, State, TaskRecord

if TYPE_CHECKING:
    from .engine import Engine

log = logging.getLogger("bailian_video.engine")

TASK_VALIDITY = 24 * 3600          # task ids and result URLs live 24 h on the service
COVERED_RECHECK = 5.0              # a task the list looks after is checked again for cover this often


def _url_expiry(url: str, default: float) -> float:
    try:
        q = parse_qs(urlparse(url).query)
        if "Expires" in q:
            return float(q["Expires"][0])
    except (ValueError, TypeError):
        pass
    return default


class Poller:
    """When each task is next asked about, and what its answer means."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.due: dict[int, float] = {}
        self.auth_errors: dict[int, int] = {}
        self.wake = asyncio.Event()
        self.queries = QueryBudget(engine.settings.query_qps, time.monotonic)

    def schedule(self, rec: TaskRecord, delay: float) -> None:
        self.due[rec.id] = self.engine.clock() + delay
        self.wake.set()
        self.engine.watch.wake.set()          # a new task for the list to look after, perhaps

    def forget(self, task_id: int) -> None:
        self.due.pop(task_id, None)
        self.engine.watch.forget(task_id)

    def interval(self, rec: TaskRecord) -> float:
        eng = self.engine
        now = eng.clock()
        expected = eng.expected_seconds(rec.model)
        return poll_interval(expected, now - (rec.generating_since or now), eng.settings.poll_min,
                             eng.settings.poll_max)

    async def loop(self) -> None:
        eng = self.engine
        inflight: dict[int, asyncio.Task[None]] = {}
        while not eng._closed:
            self.wake.clear()
            now = eng.clock()
            # One pass over the due times: the tasks due now (earliest first) and when the next one is due.
            # Only the due ones are sorted: with hundreds of tasks the list looks after, a pass sorting
            # all of them each round was the poller's largest cost.
            ready: list[tuple[float, int]] = []
            later = math.inf
            for rid, due in self.due.items():
                if rid in inflight:
                    continue
                if due <= now:
                    ready.append((due, rid))
                elif due < later:
                    later = due
            ready.sort()
            for due, rid in ready:
                rec = eng._records.get(rid)
                if rec is not None and eng.watch.covers(rec):
                    self.due[rid] = now + COVERED_RECHECK     # the task list looks after it
                    later = min(later, now + COVERED_RECHECK)
                    continue
                if not self.queries.take():
                    later = min(later, due)                   # this one and the rest wait for a query
                    break
                del self.due[rid]
                if rec is None or rec.task_id is None or not eng._owner:
                    continue
                t = asyncio.create_task(self._guarded(rec), name=f"poll-{rid}")
                inflight[rid] = t
                t.add_done_callback(self._done(inflight, rid))
            delay = max(0.02, later - eng.clock()) if later < math.inf else 5.0
            if later < math.inf and not self.queries.take(peek=True):
                delay = max(delay, 1.0 / eng.settings.query_qps)
            try:
                await asyncio.wait_for(self.wake.wait(), timeout=min(delay, 5.0))
            except TimeoutError:
                pass

    def _done(self, inflight: dict[int, asyncio.Task[None]], rid: int) -> Callable[[asyncio.Task[None]], None]:
        def done(task: asyncio.Task[None]) -> None:
            inflight.pop(rid, None)
            if not task.cancelled() and task.exception() is not None and not isinstance(task.exception(), NotOwner):
                log.error("task %s: a status check failed", rid, exc_info=task.exception())
            self.wake.set()
        return done

    async def _guarded(self, rec: TaskRecord) -> None:
        """One poll; whatever goes wrong, the task is either polled again or says why it stopped."""
        eng = self.engine
        try:
            await self._one(rec)
        except (asyncio.CancelledError, NotOwner):
            raise
        except Exception as e:
            log.exception("task %s: checking its status failed unexpectedly", rec.id)
            rec.poll_errors += 1
            try:
                if rec.poll_errors >= eng.retry.poll_error_budget:
                    eng._stop_tracking(rec, T(
                        f"查询任务状态时出现内部错误（{type(e).__name__}），已暂停跟踪。任务仍在服务端，可“继续跟踪”；详情见日志。",
                        f"An internal error kept interrupting the status checks ({type(e).__name__}); tracking "
                        f"paused. The task is still on the service — use Resume; details are in the log."),
                        code="InternalError")
                    return
            except Exception:
                log.exception("task %s: could not record the failure", rec.id)
            self.schedule(rec, eng.retry.poll_error_delay(rec.poll_errors, eng.settings.poll_min))

    async def _one(self, rec: TaskRecord) -> None:
        eng = self.engine
        if rec.state.terminal or rec.task_id is None:
            return
        now = eng.clock()
        submitted = rec.submitted_at or now
        # The service keeps a task 24 h after it *finished*; one still waiting in its queue after a day is
        # still there (and will still be billed), so the time alone never ends a task: an UNKNOWN does.
        step = catalog.require(rec.chain.polling_step or rec.model)
        try:
            info = await eng._client(rec).get_task(rec.task_id, model=step.name_in(rec.request.region))
        except api_errors.AuthenticationError as e:
            # One rejected query can be a blip at the service; several in a row mean the key is wrong.
            n = self.auth_errors[rec.id] = self.auth_errors.get(rec.id, 0) + 1
            if n >= eng.retry.auth_error_budget:
                self.auth_errors.pop(rec.id, None)
                eng._stop_tracking(rec, T(
                    f"API Key 被拒绝（{e.code}）。任务仍在服务端：请在设置里改正 API Key（或 DASHSCOPE_API_KEY），然后“继续跟踪”"
                    f"（命令行：bailian-video tasks resume），不会重复扣费。",
                    f"The API key was rejected ({e.code}). The task is still on the service: fix the key in Settings "
                    f"(or DASHSCOPE_API_KEY), then use Resume (CLI: bailian-video tasks resume) — you are not "
                    f"charged again."), code="KeyRejected")
                return
            self.schedule(rec, eng.retry.poll_error_delay(n, eng.settings.poll_min))
            return
        except api_errors.DashScopeError as e:
            rec.poll_errors += 1
            if rec.poll_errors >= eng.retry.poll_error_budget:
                eng._stop_tracking(rec, T(
                    f"连续 {rec.poll_errors} 次查询失败（{e.code}），已暂停跟踪。任务仍在服务端，可稍后“继续跟踪”。",
                    f"{rec.poll_errors} queries in a row failed ({e.code}); tracking paused. The task is still on "
                    f"the service — use Resume later."), code=e.code or "QueryFailed")
                return
            retry = e.retry_after if isinstance(e, api_errors.ThrottledError) and e.retry_after else None
            self.schedule(rec, eng.retry.poll_error_delay(rec.poll_errors, eng.settings.poll_min, retry))
            return
        self.auth_errors.pop(rec.id, None)
        status = info.status
        eng.watch.answered(rec, finished=status.terminal and status != TaskStatus.UNKNOWN)
        if status != TaskStatus.UNKNOWN:   # UNKNOWN answers count towards giving up, like errors
            rec.poll_errors = 0
        if status == TaskStatus.SUCCEEDED:
            await self._step_succeeded(rec, step, info)
        elif status == TaskStatus.FAILED:
            code = info.code or "TaskFailed"
            why = api_errors.explain_task_failure(code, info.message, info.request_id)
            eng._fail(rec, code, why, costs=True, service_message=info.message)
        elif status == TaskStatus.CANCELED:
            eng._save(rec, State.CANCELED, service_status=info.raw_status)
        elif status == TaskStatus.UNKNOWN and now - submitted > TASK_VALIDITY:
            eng._save(rec, State.EXPIRED, error_code="Expired", error_message=str(T(
                "任务已超过 24 小时有效期，服务端不再保留结果。", "The task is past the service's 24-hour validity; its result is gone.")),
                retry_costs_money=True)
        elif status == TaskStatus.UNKNOWN:
            rec.poll_errors += 1
            if rec.poll_errors >= eng.retry.unknown_budget and rec.backend == SANDBOX:
                eng._sandbox_forgot(rec)
                return
            if rec.poll_errors >= eng.retry.unknown_budget:
                eng._stop_tracking(rec, T(
                    "服务找不到这个任务：可能换了 API Key，或任务已超过 24 小时。换回原来的 Key 后可“继续跟踪”。",
                    "The service does not know this task: the API key may have changed, or it is older "
                    "than 24 hours. Switch back to the original key and use Resume."), code="UnknownTask")
                return
            self.schedule(rec, eng.settings.poll_min * 2)
        else:
            if now - submitted > eng.settings.poll_deadline:
                eng._stop_tracking(rec, T(
                    f"等待超过 {eng.settings.poll_deadline / 3600:.1f} 小时仍未完成，已停止等待。可稍后“继续跟踪”（不会重复扣费）。",
                    f"Still not finished after {eng.settings.poll_deadline / 3600:.1f} h; stopped waiting. Use Resume "
                    f"later (you will not be charged again)."), code="StillRunning")
                return
            new_state = State.QUEUED if status == TaskStatus.PENDING else State.RUNNING
            if rec.state == State.DETECTING:
                new_state = State.DETECTING
            if new_state != rec.state or info.raw_status != rec.service_status:
                eng._save(rec, new_state, service_status=info.raw_status,
                           running_since=rec.running_since or (now if new_state == State.RUNNING else None))
            else:
                eng._emit("changed", rec)   # progress estimate moves on
            self.schedule(rec, self.interval(rec))

    async def _step_succeeded(self, rec: TaskRecord, step: ModelSpec, info: Any) -> None:
        eng = self.engine
        billed = rec.chain.billed_units
        step_cost = catalog.actual_cost(step, info.usage, rec.request.params if step.name == rec.model else {},
                                        region=rec.request.region)
        key = step.usage.seconds
        raw = (info.usage or {}).get(key) if key else None
        usage_secs = float(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else None
        if usage_secs is not None:
            billed[step.name] = billed.get(step.name, 0.0) + usage_secs
        if step.name not in rec.chain.done_steps:
            rec.chain.done_steps.append(step.name)
        rec.chain.step_costs[step.name] = step_cost
        if step.name != rec.model:  # a chain step (AnimateAnyone template): go on to the paid generation
            if step.produces:
                rec.chain.products[step.produces] = info.output.get(step.produces)
            rec.chain.async_step += 1
            eng._save(rec, State.WAITING, task_id=None, service_status=info.raw_status)
            eng._wake_scheduler.set()
            return
        total = sum(c for c in rec.chain.step_costs.values() if c) + rec.chain.detect_cost
        url = info.result_url
        if not url:
            eng._fail(rec, "NoResult", T("服务报告成功，但没有返回视频链接。请把任务 ID 发给客服。",
                                          "The service reported success but returned no video link. Send the task "
                                          "ID to support."), costs=False)
            return
        finished = info.end_time.timestamp() if info.end_time else eng.clock()
        eng._save(rec, State.DOWNLOADING, service_status=info.raw_status, result_url=url,
                   result_expires_at=_url_expiry(url, finished + TASK_VALIDITY), usage=dict(info.usage or {}),
                   cost_actual=round(total, 4) if step_cost is not None else rec.cost_estimate,
                   finished_at=finished, actual_prompt=info.actual_prompt, bytes_done=0, bytes_total=None)
        eng.downloads.start(rec)
