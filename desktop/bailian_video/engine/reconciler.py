"""Reconciliation, the part with I/O: read the task list around a lost create request, verify each
candidate with the service, and act on the pure decision from :mod:`reconcile` — adopt, wait, submit
again when provably never created, or hand the choice to the person. Part of :class:`Engine`."""
from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .. import catalog
from ..api import errors as api_errors
from ..i18n import T
from . import reconcile
from .records import State, TaskRecord

if TYPE_CHECKING:
    from .engine import Engine

log = logging.getLogger("bailian_video.engine")


class Reconciler:
    """Settles create requests whose answers were lost (one at a time, so two never claim one task)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._reconcile_lock = asyncio.Lock()

    async def known_ids(self) -> set[str]:
        """Service task ids any local record owns (the store's read off the event loop)."""
        eng = self.engine
        ids = await asyncio.to_thread(eng.store.known_task_ids)
        for r in eng._records.values():
            if r.task_id:
                ids.add(r.task_id)
            ids.update(r.chain.step_task_ids)
        return ids

    async def run(self, rec: TaskRecord) -> None:
        """A create request whose answer we never saw: prove which task it made, prove it made none, or
        let the person decide. Never a resubmission while in doubt."""
        eng = self.engine
        step = catalog.require(rec.chain.submitting_step or eng._next_async_model(rec).name)
        sent = rec.submit_started_at
        if sent is None:   # committed as submitting but the request never left
            eng._save(rec, State.WAITING, uncertain=False)
            eng._wake_scheduler.set()
            return
        if not rec.uncertain or rec.state != State.SUBMITTING:
            eng._save(rec, State.SUBMITTING, uncertain=True)
        s = eng.settings
        client = eng._client(rec)
        wire = step.name_in(rec.request.region)
        prompt = rec.request.prompt if step.name == rec.model else None
        prompt_input = step.input("prompt", rec.request.function) if step.name == rec.model else None
        max_prompt = prompt_input.max_chars if prompt_input is not None else None
        list_failures, last_error = 0, ""
        while not eng._closed:
            now = eng.clock()
            elapsed = now - sent
            try:
                items, service_now = await self._list_around(client, wire, sent, now)
            except api_errors.DashScopeError as e:
                list_failures += 1
                last_error = e.code or type(e).__name__
                if elapsed >= s.reconcile_list_deadline:
                    self._ask(rec, "list_failed", T(
                        f"无法确认提交是否成功：任务列表查询连续失败 {list_failures} 次（{last_error}）。"
                        f"请在百炼控制台查看是否有这个任务，然后选择“采用某个任务 ID”或“重新提交”（会再次计费）。",
                        f"Could not find out whether the submission went through: the task list failed "
                        f"{list_failures} times ({last_error}). Check the Model Studio console for this task, then "
                        f"adopt its task ID or submit again (which is charged again)."))
                    return
                eng._save(rec, error_message=str(T(
                    f"正在核对上次提交是否成功（{last_error}），稍后重试；不会重复扣费。",
                    f"Checking whether the last submission went through ({last_error}); retrying — you will not be "
                    f"charged twice.")))
                await asyncio.sleep(eng.retry.list_delay(list_failures, s.reconcile_interval))
                continue
            async with self._reconcile_lock:
                sent_service = reconcile.service_time_of(sent, now, service_now)
                candidates = reconcile.in_window(items, (await self.known_ids()) - set(rec.chain.step_task_ids),
                                                 sent_service)
                for c in candidates:
                    try:
                        info = await client.get_task(c.task_id, model=wire)
                    except api_errors.DashScopeError as e:
                        log.info("task %s: could not read candidate %s (%s)", rec.id, c.task_id, e.code)
                        c.verdict = "unverifiable"
                        continue
                    c.status = info.raw_status
                    c.prompt = info.orig_prompt
                    c.verdict = reconcile.verify(info, rec.request, prompt, max_prompt)
                decision = reconcile.decide(candidates, settled=elapsed >= s.reconcile_settle,
                                            give_up=elapsed >= s.reconcile_verify_deadline)
                shown = [c for c in candidates if c.verdict != "mismatch"]
                if decision.action == reconcile.ADOPT and decision.candidate is not None:
                    log.info("task %s: the lost submission is %s (verified)", rec.id, decision.candidate.task_id)
                    eng._adopt(rec, decision.candidate.task_id, None, step)
                    return
                if decision.action == reconcile.NOT_CREATED:
                    log.info("task %s: the submission never made a task (%.0f s checked); queued again", rec.id,
                             elapsed)
                    rec.chain.candidates = []
                    eng._save(rec, State.WAITING, uncertain=False, submit_started_at=None, error_message=str(T(
                        "上次提交没有到达服务（已核对任务列表），正在重新提交；不会重复扣费。",
                        "The last submission never reached the service (checked in the task list); submitting "
                        "again — you are not charged twice.")))
                    eng._wake_scheduler.set()
                    return
                if decision.action == reconcile.ASK:
                    rec.chain.candidates = shown
                    self._ask(rec, decision.reason or "unverifiable", self._ask_text(decision.reason, shown))
                    return
                if [c.to_json() for c in shown] != [c.to_json() for c in rec.chain.candidates] or list_failures:
                    rec.chain.candidates = shown
                    list_failures = 0
                    eng._save(rec, error_message=str(T(
                        f"正在核对上次提交是否成功：找到 {len(shown)} 个可能的任务，等它们完成后核对提示词；不会重复扣费。",
                        f"Checking whether the last submission went through: {len(shown)} possible task(s) found; "
                        f"waiting for them to finish to compare the prompt — you will not be charged twice.")
                        if shown else T("正在核对上次提交是否成功；不会重复扣费。",
                                        "Checking whether the last submission went through — you will not be "
                                        "charged twice.")))
            await asyncio.sleep(s.reconcile_interval if not shown else max(s.reconcile_interval, s.poll_min))

    async def _list_around(self, client: Any, wire: str, sent: float, now: float) -> tuple[list[Any], datetime | None]:
        """The model's tasks from shortly before the request left until now, with the service's time of
        the answer. The query window is generous on our clock and re-aimed when the service's ``Date``
        shows our clock is far off; the exact cut is made afterwards on the service's clock."""
        offset = 0.0
        for _ in range(2):
            items: list[Any] = []
            service_now: datetime | None = None
            start = datetime.fromtimestamp(sent + offset - 900, UTC)
            end = datetime.fromtimestamp(max(now, sent) + offset + 900, UTC)
            page_no = 1
            while page_no <= 50:
                page = await client.list_tasks(start=start, end=end, model_name=wire, page_no=page_no,
                                               page_size=50)
                service_now = service_now or page.server_time
                items.extend(page.items)
                if not page.items or page_no >= page.total_page:
                    break
                page_no += 1
            skew = service_now.timestamp() - now if service_now is not None else 0.0
            if abs(skew - offset) < 600:
                return items, service_now
            log.info("this computer's clock is %.0f s off the service's; listing again", -skew)
            offset = skew
        return items, service_now

    def _ask_text(self, reason: str | None, shown: list[Any]) -> T:
        if reason == "ambiguous":
            return T(f"上次提交的回应丢失了；服务上有 {len(shown)} 个任务都可能是它，无法确定是哪一个。"
                     f"请选择要采用的任务，或者选择“未创建 — 重新提交”（会再次计费）。",
                     f"The answer to the submission was lost, and {len(shown)} tasks on the service could be it. "
                     f"Choose the one to adopt, or “not created — submit again” (charged again).")
        return T(f"上次提交的回应丢失了；服务上有 {len(shown)} 个任务可能是它，但服务没有返回可核对的信息。"
                 f"请选择要采用的任务，或者选择“未创建 — 重新提交”（会再次计费）。",
                 f"The answer to the submission was lost; {len(shown)} task(s) on the service could be it, but the "
                 f"service gives nothing to confirm which. Choose the one to adopt, or “not created — submit "
                 f"again” (charged again).")

    def _ask(self, rec: TaskRecord, reason: str, why: T) -> None:
        eng = self.engine
        rec.chain.uncertain_reason = reason
        eng._save(rec, State.UNCERTAIN, error_code="Uncertain", error_message=str(why), error_message_en=why.en,
                   error_message_zh=why.zh)
