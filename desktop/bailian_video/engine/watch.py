"""Many tasks, few questions: the account's task list (``GET /tasks``, 100 a page, filtered by status and a
time window) tells which of our unfinished tasks are still waiting or running; only the ones it no longer
shows as unfinished are asked about one by one (:mod:`polling`, which reads the result and moves them on).

One sweep costs a page per 100 unfinished tasks, however many there are, and it happens when any of them
is due for news — on the same timetable one task alone would be polled on. A task the list does not show
reliably (another region's host that lists nothing, a clock far off, a status the filter misses) falls
back to being polled on its own, so the list can make news faster but never lose a task. Part of
:class:`Engine`.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..api import errors as api_errors
from .poller import poll_interval
from .records import State, TaskRecord

if TYPE_CHECKING:
    from .engine import Engine

log = logging.getLogger("bailian_video.engine")

PAGE_SIZE = 100               # asked for; the answer's page_size is what counts
MAX_PAGES = 50                # 5,000 unfinished tasks of one status in one sweep
WINDOW_MARGIN = 600.0         # seconds around our own times (the service's clock may differ)
LIST_WINDOW = 24 * 3600.0     # the list's longest time window
GRACE = 60.0                  # a new task not listed within this long is polled on its own
STRIKES = 2                   # flagged this many times while still unfinished: the list misses it
PAUSE = 60.0                  # after a failed list, tasks are polled one by one this long
BUSY_SECONDS = 60.0           # with N tasks running, a sweep at least every 60/N seconds


class ListWatch:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.wake = asyncio.Event()
        self.due: dict[int, float] = {}        # when each watched task next needs news (engine clock)
        self.vouched: dict[int, float] = {}    # when a list last showed it unfinished (engine clock)
        self.flagged: set[int] = set()         # the list no longer shows it unfinished: asked one by one
        self.strikes: dict[int, int] = {}
        self.blind: set[int] = set()           # polled one by one for the rest of its life
        self.paused_until = 0.0                # time.monotonic()
        self.last_sweep = 0.0                  # engine clock
        self.counts: Counter[str] = Counter()  # sweeps, pages, flagged (for benchmarks and the log)

    # -- what the poller asks -------------------------------------------------------------------
    def active(self) -> bool:
        return self.engine.settings.list_watch and time.monotonic() >= self.paused_until

    def covers(self, rec: TaskRecord) -> bool:
        """The list looks after this task now, so the poller need not ask about it."""
        if not self.active() or rec.id in self.flagged or rec.id in self.blind:
            return False
        if rec.state not in (State.QUEUED, State.RUNNING) or not rec.task_id:
            return False
        now = self.engine.clock()
        seen = self.vouched.get(rec.id)
        if seen is None:
            return now - (rec.submitted_at or now) < GRACE
        return now - seen < max(GRACE, 3 * self.engine.settings.poll_max)

    def answered(self, rec: TaskRecord, finished: bool) -> None:
        """The poller asked about a task; ``finished``: its answer ended the wait (any terminal status)."""
        if finished:
            self.forget(rec.id)
            return
        if rec.id in self.flagged:
            self.flagged.discard(rec.id)
            self.strikes[rec.id] = n = self.strikes.get(rec.id, 0) + 1
            if n >= STRIKES:
                self.blind.add(rec.id)
                log.info("task %s: the task list does not show it reliably; polling it on its own", rec.id)

    def forget(self, task_id: int) -> None:
        for d in (self.due, self.vouched, self.strikes):
            d.pop(task_id, None)
        self.flagged.discard(task_id)
        self.blind.discard(task_id)

    # -- the loop -----------------------------------------------------------------------------------
    async def loop(self) -> None:
        eng = self.engine
        while not eng._closed:
            self.wake.clear()
            delay = 5.0
            if eng._owner and self.active():
                try:
                    delay = await self._round()
                except (asyncio.CancelledError, eng.NotOwner):
                    raise
                except Exception:
                    log.exception("reading the task list failed unexpectedly; polling tasks one by one")
                    self.paused_until = time.monotonic() + PAUSE
            try:
                await asyncio.wait_for(self.wake.wait(), timeout=max(0.02, min(delay, 5.0)))
            except TimeoutError:
                pass

    def _interval(self, rec: TaskRecord, now: float) -> float:
        s = self.engine.settings
        expected = self.engine.expected_seconds(rec.model)
        return poll_interval(expected, now - (rec.generating_since or now), s.poll_min, s.poll_max)

    def _watched(self) -> list[TaskRecord]:
        eng = self.engine
        out = []
        for i in eng._active:
            rec = eng._records[i]
            if rec.state in (State.QUEUED, State.RUNNING) and rec.task_id and rec.id not in self.blind \
                    and rec.id not in self.flagged:
                out.append(rec)
        return out

    async def _round(self) -> float:
        """One sweep when a watched task is due; returns how long to sleep."""
        eng = self.engine
        now = eng.clock()
        watched = self._watched()
        ids = {r.id for r in watched}
        for gone in [i for i in self.due if i not in ids]:
            self.due.pop(gone, None)
        if not watched:
            return 5.0
        first = min(eng.settings.poll_min, 2.0)
        for r in watched:
            self.due.setdefault(r.id, (r.submitted_at or now) + first)
        soonest = min(self.due[r.id] for r in watched)
        # A sweep reads up to 100 tasks a page: the more are running, the more often it pays to look
        # (each running task pays about one page a minute), never more than once a second.
        running = sum(r.state == State.RUNNING for r in watched)
        if running:
            soonest = min(soonest, self.last_sweep + max(min(1.0, eng.settings.poll_min), BUSY_SECONDS / running))
        if soonest > now:
            return soonest - now
        gap = min(1.0, eng.settings.poll_min)
        if now - self.last_sweep < gap:
            return gap - (now - self.last_sweep)
        self.last_sweep = now
        groups: dict[int, tuple[Any, list[TaskRecord]]] = {}
        for r in watched:
            client = eng._client(r)
            groups.setdefault(id(client), (client, []))[1].append(r)
        self.counts["sweeps"] += 1
        for client, recs in groups.values():
            await self._sweep(client, recs, now)
        return 0.05

    async def _sweep(self, client: Any, recs: list[TaskRecord], now: float) -> None:
        eng = self.engine
        due = [r for r in recs if self.due.get(r.id, now) <= now]
        need_pending = any(r.state == State.QUEUED for r in due)
        self.counts["sweeps_pending" if need_pending else "sweeps_running"] += 1
        oldest = min((r.submitted_at or now) for r in recs)
        try:
            running = await self._listed(client, "RUNNING", oldest, now)
            pending = await self._listed(client, "PENDING", oldest, now) if need_pending else None
        except api_errors.DashScopeError as e:
            log.info("the task list failed (%s); polling tasks one by one for %.0f s", e.code, PAUSE)
            self.paused_until = time.monotonic() + PAUSE
            return
        started: list[tuple[TaskRecord, float]] = []
        for r in recs:
            if r.state not in (State.QUEUED, State.RUNNING) or r.task_id is None:
                continue                       # moved on while the pages were read
            entry = running.get(r.task_id)
            if entry is not None:
                self.vouched[r.id] = now
                if r.state == State.QUEUED:
                    started.append((r, self._local_time(entry.start_time, now)))
                self.due[r.id] = now + self._interval(r, now)
            elif pending is not None and r.task_id in pending:
                self.vouched[r.id] = now
                self.due[r.id] = now + self._interval(r, now)
            elif r.state == State.RUNNING or pending is not None:
                self.flagged.add(r.id)           # finished, failed, cancelled — or missed: ask it
                self.counts["flagged"] += 1
                self.due.pop(r.id, None)
                eng.poller.schedule(r, 0.0)
        if started:
            # The tasks the service has started, committed together: one write for a sweep that saw a hundred
            # start (on the UI thread, a commit each was up to 70 ms of stall). Nothing is paid or acted on
            # because of this change; a write that fails fails the sweep, as a single save did.
            with eng.store.transaction():
                for r, since in started:
                    eng._save(r, State.RUNNING, service_status="RUNNING", running_since=since,
                              expected_seconds=eng.expected_seconds(r.model))

    async def _listed(self, client: Any, status: str, oldest: float, now: float) -> dict[str, Any]:
        """Every task of ``status`` created between ``oldest`` and now (with margins), by task id."""
        end = now + WINDOW_MARGIN
        start = max(oldest - WINDOW_MARGIN, end - LIST_WINDOW + 60.0)
        out: dict[str, Any] = {}
        page_no = 1
        while page_no <= MAX_PAGES:
            page = await client.list_tasks(start=datetime.fromtimestamp(start, UTC), end=datetime.fromtimestamp(end, UTC),
                                           status=status, page_no=page_no, page_size=PAGE_SIZE)
            self.counts["pages"] += 1
            for item in page.items:
                if item.task_id:
                    out[item.task_id] = item
            if not page.items or page_no >= page.total_page:
                break
            page_no += 1
        return out

    def _local_time(self, when: datetime | None, now: float) -> float:
        """A list time (the service's clock) on the engine's clock: never later than now."""
        if when is None:
            return now
        return min(now, when.timestamp())
