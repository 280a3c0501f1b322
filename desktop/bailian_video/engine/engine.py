"""The task engine: a crash-safe queue that never loses, wrongly adopts or double-pays a task.

One asyncio loop drives everything; the GUI (under qasync) and the CLI (plain asyncio) use it
unchanged. Every transition is committed to the store *before* the action that depends on it,
so a process killed at any instant restarts into a state it can finish from:

* ``submitting`` → the create request may or may not have reached the service; it is
  reconciled (``reconcile.py``): adopted only when the service proves it is ours, otherwise
  left to the person — never blindly re-sent.
* ``queued``/``running`` → polled again.  ``downloading`` → the ``.part`` file is resumed.

Only the process that owns the task store (``ownership.py``) drives tasks; others on the same
folder are guests that add tasks and post commands. Each task is driven against the endpoint it
was created on (``clients.py``). The pure parts live beside this facade: ``scheduler``,
``poller``, ``reconcile``, ``retry``, ``intake``; downloads in ``downloads``.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import sqlite3
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import catalog
from ..api import errors as api_errors
from ..api.requests import build_body
from ..api.types import TaskStatus
from ..catalog import ModelSpec, ValidationError
from ..catalog.kinds import KINDS
from ..i18n import T, language
from . import budget, intake, outputs
from .clients import ClientPool
from .downloads import Downloads
from .ownership import FolderOwnership, NotOwner
from .paths import default_output_dir
from .polling import TASK_VALIDITY, Poller  # noqa: F401  (TASK_VALIDITY: part of the engine's API)
from .reconciler import Reconciler
from .records import LOCAL_WORK, REMOTE, SANDBOX, ChainState, Request, State, TaskRecord
from .retry import RetryPolicy
from .scheduler import Limits, Waiting, plan
from .sequences import Sequences
from .store import TaskStore
from .watch import ListWatch

log = logging.getLogger("bailian_video.engine")

CHECKPOINT_EVERY = 10.0     # seconds between copies of the task database's write-ahead log (in a worker)
#: after a change wakes the scheduler, it waits this long for the changes that come with it (a batch being
#: added, a sweep's finished tasks) and then makes one pass over the unfinished tasks for all of them
SCHEDULE_COALESCE = 0.03
#: a submitted batch is made, and announced to the window, this many tasks at a time (it is stored in one
#: transaction); in between, the event loop runs (500 at once were 0.13–0.25 s without a paint)
SUBMIT_SLICE = 50

UPLOAD_MARGIN = 3600               # re-upload when a temporary file has less than this left


@dataclass
class EngineSettings:
    out_dir: Path = field(default_factory=default_output_dir)
    name_template: str = outputs.DEFAULT_TEMPLATE
    region: str = catalog.BEIJING
    workspace: str | None = None       # the region's workspace id (wan3.0 and Frankfurt answer only there)
    # Tasks go to the service as fast as each model's documented submit rate allows; the service queues
    # what is beyond a model's concurrency (PENDING, still free to cancel) and works on while the app is
    # closed. A local hold applies only where the user asks for one:
    global_concurrency: int = 0        # at most this many tasks sent and unfinished at once (0: no hold)
    model_concurrency: dict[str, int] = field(default_factory=dict)   # user's per-model limits
    hold_at_service_concurrency: bool = False   # hold each model at its documented concurrency here
    local_workers: int = 6             # tasks being prepared/uploaded/submitted at once on this computer
    poll_min: float = 2.0
    poll_max: float = 30.0
    poll_deadline: float = 6 * 3600.0
    poll_error_budget: int = 12
    query_qps: float = 16.0            # the service allows 20 task queries/lists/cancels a second per account;
    #                                    the client also keeps at most 4 unanswered (api/gate.py): 16 + 4 ≤ 20
    list_watch: bool = True            # learn which tasks changed from the task list (engine/watch.py)
    download_workers: int = 3
    download_attempts: int = 4
    expected_override: float | None = None   # e.g. the sandbox's task length
    auto_seed: bool = True             # pick a seed when none is given, so every video is reproducible
    service_limits: bool = True        # apply the catalogue's per-model RPS/concurrency (off for the local sandbox)
    sandbox: bool = False              # the backend is the built-in sandbox (free; forgets tasks when restarted)
    # Reconciling a lost create answer (seconds after the request left, on this machine's clock):
    reconcile_settle: float = 180.0          # the service may still create it this late (client timeout + margin)
    reconcile_interval: float = 10.0         # how often the task list is read while in doubt
    reconcile_list_deadline: float = 900.0   # the list keeps failing this long → "uncertain, your decision"
    reconcile_verify_deadline: float = 3 * 3600.0   # a candidate still running this long → the person decides
    sync_interval: float = 0.25        # how often other processes' changes to the store are picked up
    embed_full_paths: bool = False     # sidecars and MP4 metadata name local inputs by file name only


@dataclass(frozen=True)
class TaskEvent:
    kind: str                          # "added" | "changed" | "removed"
    record: TaskRecord


@dataclass
class Prepared:
    """A request that passed every local check (``Engine.prepare``), ready to be queued."""

    request: Request
    spec: ModelSpec
    files: dict[str, Any]
    estimate: catalog.Estimate       # for one video
    count: int

    @property
    def amount(self) -> float:
        return round(self.estimate.amount * self.count, 4)


class StoreWriteError(RuntimeError):
    """The task database refused a new task: nothing was queued, uploaded or paid."""


@dataclass
class SubmitResult:
    tasks: list[TaskRecord]
    duplicate_of: TaskRecord | None = None


class _Stop(Exception):
    """Ends a task's driver quietly (the record already says why)."""


class Engine:
    NotOwner = NotOwner

    def __init__(self, store: TaskStore, clients: ClientPool, settings: EngineSettings | None = None,
                 clock: Callable[[], float] = time.time, ownership: FolderOwnership | None = None):
        self.store = store
        self.sequences = Sequences(store)
        self.clients = clients
        self.settings = settings or EngineSettings()
        self.clock = clock
        self.ownership = ownership
        self.backend = store.backend
        self.retry = RetryPolicy(poll_error_budget=self.settings.poll_error_budget,
                                 download_attempts=self.settings.download_attempts)
        self._records: dict[int, TaskRecord] = {}
        self._subscribers: list[Callable[[TaskEvent], None]] = []
        self._drivers: dict[int, asyncio.Task[None]] = {}
        self.downloads = Downloads(self)
        self.reconciler = Reconciler(self)
        self.poller = Poller(self)
        self.watch = ListWatch(self)
        self._wake_scheduler = asyncio.Event()
        self._loops: list[asyncio.Task[None]] = []
        self._model_backoff: dict[str, float] = {}
        self._last_submit: dict[str, float] = {}
        self._last_emit: dict[int, float] = {}
        self._expected: dict[str, float] = {}     # expected_seconds per model, until a task of it finishes
        self._next_model: dict[int, tuple[int, str, ModelSpec]] = {}   # see _next_async_model
        self._pools: dict[str, list[ModelSpec]] = {}                   # a shared pool's models
        self._closed = False
        self._started = False
        self._owner = False
        self._active: set[int] = set()     # ids of unfinished tasks: the scheduler never scans all history
        self._rev = store.max_rev()
        self._data_version = store.data_version()
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

    @property
    def is_owner(self) -> bool:
        return self._owner

    def owner_text(self) -> T | None:
        """Who drives this folder's tasks when it is not this process (for a status line)."""
        if self._owner or self.ownership is None:
            return None
        return self.ownership.describe_owner()

    @property
    def client(self) -> Any:
        """The client new tasks of the current region go to."""
        return self.clients.for_region(self.settings.region, self.settings.workspace)

    def _client(self, rec: TaskRecord) -> Any:
        return self.clients.for_record(rec)

    def _save(self, rec: TaskRecord, state: State | None = None, **changes: Any) -> None:
        """Commit a transition, then tell the listeners. Only the owner of the store writes."""
        if not self._owner:
            raise NotOwner(f"task {rec.id}: this process does not own the task store")
        if state is not None:
            rec.state = state
        for k, v in changes.items():
            setattr(rec, k, v)
        if rec.state.active:
            self._active.add(rec.id)
        else:
            self._active.discard(rec.id)
        if rec.state == State.DONE:
            self._expected.pop(rec.model, None)
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
        """Take ownership of the store if nobody has it, start the loops, pick up unfinished tasks."""
        if self._started:
            return
        self._started = True
        self._owner = self.ownership.try_acquire() if self.ownership is not None else True
        with contextlib.suppress(Exception):
            self.store.defer_checkpoints()      # commits on this (UI) thread skip the fsync; _sync_loop does it
        if self._owner:
            self._take_over(await asyncio.to_thread(self.store.unfinished))
        else:
            log.info("the task store is owned by %s; this process is a guest", self.owner_text())
        self._loops = [asyncio.create_task(self._scheduler_loop(), name="engine-scheduler"),
                       asyncio.create_task(self.poller.loop(), name="engine-poller"),
                       asyncio.create_task(self.watch.loop(), name="engine-watch"),
                       asyncio.create_task(self._sync_loop(), name="engine-sync")]

    def _take_over(self, unfinished: list[TaskRecord]) -> None:
        """Drive every unfinished task of the store (at start, or when the previous owner went away).
        ``unfinished`` is read from the store off the event loop (a long history takes a while)."""
        fresh = {r.id: r for r in unfinished}
        for rid, new in fresh.items():
            mine = self._records.get(rid)
            if mine is None:
                self._records[rid] = new
                self._emit("added", new)
            else:
                mine.__dict__.update(new.__dict__)
            self._active.add(rid)
        self._rev = self.store.max_rev()
        for rec in sorted((self._records[i] for i in fresh), key=lambda r: r.id):
            if rec.backend != self.backend:
                self._stop_tracking(rec, T("这个任务属于另一个后端（沙盒/付费服务），这里不会驱动它。",
                                           "This task belongs to the other backend (sandbox / paid service); it is "
                                           "not driven here."))
                continue
            self._resume_record(rec)
        done = [r for r in self._records.values() if r.state == State.DONE and r.output_path]
        if done:
            self._loops.append(asyncio.create_task(self.downloads.recover_missing(done), name="engine-recover"))
        self._wake_scheduler.set()

    def _resume_record(self, rec: TaskRecord) -> None:
        if rec.state == State.SUBMITTING or rec.uncertain:
            self._spawn_driver(rec, lambda: self.reconciler.run(rec))
        elif rec.state in REMOTE or (rec.state == State.DETECTING and rec.task_id):
            self._schedule_poll(rec, 0.0)
        elif rec.state == State.DOWNLOADING:
            self.downloads.start(rec)
        else:  # waiting / validating / uploading / detecting without a remote task: nothing paid yet
            if rec.state != State.WAITING:
                self._save(rec, State.WAITING)
            self._wake_scheduler.set()

    async def close(self) -> None:
        self._closed = True
        tasks = [*self._loops, *self._drivers.values()]
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(BaseException):
                await t
        await self.downloads.close()
        self._loops.clear()
        if self.ownership is not None and self._owner:
            self._owner = False
            self.ownership.release()

    # -- other processes on the same folder ------------------------------------------------------
    async def _sync_loop(self) -> None:
        last_try = 0.0
        last_checkpoint = time.monotonic()
        while not self._closed:
            await asyncio.sleep(self.settings.sync_interval)
            if time.monotonic() - last_checkpoint >= CHECKPOINT_EVERY:
                last_checkpoint = time.monotonic()
                try:
                    await asyncio.to_thread(self.store.checkpoint)
                except Exception:   # the next commit's own checkpoint, or the next try, will do
                    log.warning("checkpointing the task database failed", exc_info=True)
            try:
                if not self._owner and self.ownership is not None and time.monotonic() - last_try >= 1.0:
                    last_try = time.monotonic()
                    if self.ownership.try_acquire():
                        log.info("the previous owner of the task store went away; taking over its tasks")
                        self._pull_changes()    # as a guest still: the last owner's final writes count
                        self._owner = True
                        self._take_over(await asyncio.to_thread(self.store.unfinished))
                version = self.store.data_version()
                if version != self._data_version:
                    self._data_version = version
                    self._pull_changes()
                if self._owner:
                    await self._run_commands()
            except asyncio.CancelledError:
                raise
            except Exception:  # a locked or busy database: try again next round
                log.exception("could not read changes from other processes")

    def _pull_changes(self) -> None:
        """Records other processes added or changed since we last looked."""
        for rec, removed, rev in self.store.changed_since(self._rev):
            self._rev = max(self._rev, rev)
            mine = self._records.get(rec.id)
            if removed:
                if mine is not None:
                    del self._records[rec.id]
                    self._active.discard(rec.id)
                    self._emit("removed", mine)
                continue
            if mine is None:
                self._records[rec.id] = rec
                if rec.state.active:
                    self._active.add(rec.id)
                self._emit("added", rec)
                if self._owner and rec.state == State.WAITING:
                    self._wake_scheduler.set()
                continue
            if self._owner:
                continue            # our own write
            mine.__dict__.update(rec.__dict__)
            if mine.state.active:
                self._active.add(mine.id)
            else:
                self._active.discard(mine.id)
            self._emit("changed", mine)

    async def _run_commands(self) -> None:
        actions: dict[str, Callable[..., Awaitable[Any]]] = {
            "cancel": self.cancel, "resume": self.resume, "retry_download": self.retry_download,
            "adopt": self.adopt, "resubmit": self.resubmit}
        for cid, task, action, arg in self.store.pending_commands():
            try:
                if action == "remove":
                    self.remove(task)
                elif action == "mark":
                    self.mark([task], **{k: bool(v) for k, v in dict(arg).items() if k in ("favourite", "archived")})
                elif action in actions:
                    await (actions[action](task, arg) if arg is not None else actions[action](task))
                else:
                    raise ValueError(f"unknown action {action}")
                result = "ok"
            except (ValueError, KeyError, api_errors.DashScopeError) as e:
                result = f"error: {e}"
            self.store.finish_command(cid, result)

    async def _command(self, task: int, action: str, arg: Any = None, timeout: float = 60.0) -> None:
        """Ask the owning process to carry out an action, and wait until it has."""
        cid = self.store.post_command(task, action, arg)
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while loop.time() < end:
            if self._owner:   # we became the owner meanwhile: do it ourselves
                await self._run_commands()
            result = self.store.command_result(cid)
            if result is not None:
                if result.startswith("error: "):
                    raise ValueError(result[7:])
                return
            await asyncio.sleep(0.1)
        raise TimeoutError(str(T(f"{self.owner_text() or '另一个程序'}没有在 {timeout:.0f} 秒内处理这个请求。",
                                 f"{self.owner_text() or 'The owner'} did not carry out the request within "
                                 f"{timeout:.0f} s.")))

    # -- estimates ----------------------------------------------------------------------------
    def estimate(self, request: Request, count: int = 1,
                 input_durations: dict[str, float] | None = None) -> catalog.Estimate:
        spec = catalog.require(request.model)
        params = {**spec.default_params(request.function), **request.params}
        return catalog.estimate(spec, params, count=count, input_durations=input_durations,
                                chain=catalog.chain_of(spec), region=request.region or self.settings.region,
                                reuse_template=bool(request.inputs.get("template_id")))

    def expected_seconds(self, model: str) -> float:
        """How long the service usually works on a task of ``model`` (from the last 20 finished; the
        catalogue's figure until there are 3). Read from the store once per model and finished task."""
        if self.settings.expected_override is not None:
            return self.settings.expected_override
        cached = self._expected.get(model)
        if cached is not None:
            return cached
        history = self.store.durations(model)
        prior = catalog.require(model).typical_seconds
        value = statistics.median(history) if len(history) >= 3 else (
            statistics.median([prior, *history]) if history else prior)
        self._expected[model] = value
        return value

    def totals(self) -> dict[str, Any]:
        by_day = self.store.totals_by_day()
        today = time.strftime("%Y-%m-%d")
        used = self.store.usage_units()
        region = self.settings.region           # Singapore, Virginia and Frankfurt have no free quota
        free_left = {m.name: max(0.0, m.price_in(region).free_quota - used.get(m.name, 0.0))
                     for m in catalog.all_models() if m.available_in(region) and m.price_in(region).free_quota}
        return dict(today=dict(by_day).get(today, 0.0), by_day=by_day, by_model=self.store.totals_by_model(),
                    free_left=free_left, units_used=used)

    # -- submitting ---------------------------------------------------------------------------
    async def prepare(self, request: Request, count: int = 1) -> Prepared:
        """Everything about a request that can be checked before anything is stored, uploaded or paid:
        the model, every field, the files (hashed and probed off the loop), the count, and the output
        folder (exists or can be made, writable, room for the video). Raises ``ValidationError``."""
        spec = catalog.get(request.model)
        if spec is None:
            raise ValidationError(catalog.validate(request.model, request.inputs, request.params))
        request = Request.from_json(json.loads(json.dumps(request.to_json())))   # our own copy
        request.region = request.region or self.settings.region
        if not self._owner:   # the owner may have other folders configured: say where this one goes
            request.out_dir = request.out_dir or str(self.settings.out_dir)
            request.name_template = request.name_template or self.settings.name_template
        for p in spec.params_for(request.function):   # the wire requires it; the catalogue has its default
            if p.required and p.default is not None and request.params.get(p.name) is None:
                request.params[p.name] = p.default
        errors: list[catalog.FieldError] = []
        if count < 1:
            errors.append(catalog.FieldError("count", "range", T(
                f"视频数量必须至少为 1（收到 {count}）。", f"The number of videos must be at least 1 (got {count}).")))
        seed_spec = spec.param("seed", request.function)
        if seed_spec is not None and request.params.get("seed") is not None and count > 1:
            errors.append(catalog.FieldError("parameters.seed", "fixed_seed_count", T(
                f"固定种子时 {count} 个视频会完全相同（每个都要付费）。请清空种子（随机）来生成不同的视频，或只生成 1 个。",
                f"With a fixed seed the {count} videos would be identical (and each is paid for). Clear the seed "
                f"(random) to get different videos, or make just one.")))
        files, media = await asyncio.to_thread(intake.inspect_files, spec, request)
        errors += catalog.validate(spec, request.inputs, request.params, region=request.region,
                                   function=request.function, media=media, workspace=self.settings.workspace,
                                   need_host=self.clients.custom_base_url is None)
        durations = intake.input_durations(spec, request, files)
        est = self.estimate(request, 1, durations) if not errors else None
        if not errors and est is not None:
            need = int(max(est.seconds, 5.0) * intake.BYTES_PER_SECOND)
            folder = Path(request.out_dir or self.settings.out_dir).expanduser()
            problem = await asyncio.to_thread(intake.check_output_folder, folder, need)
            if problem is not None:
                errors.append(problem)
        if errors:
            raise ValidationError(errors)
        assert est is not None
        return Prepared(request, spec, files, est, max(1, count))

    async def submit(self, request: Request, *, count: int = 1, force: bool = False,
                     batch: str | None = None, prepared: Prepared | None = None, shot: int | None = None,
                     parent: int | None = None, continuation: dict[str, Any] | None = None,
                     over_budget: bool = False) -> SubmitResult:
        """Check (see :meth:`prepare`), guard duplicates and the spending limits, and queue ``count`` tasks.

        Raises :class:`catalog.ValidationError` with every field problem, and
        :class:`budget.OverBudget` when the tasks would cross a daily or monthly limit (unless
        ``over_budget``, the person's "submit anyway"); nothing is stored then.
        A guest process stores the tasks for the owner to drive. The duplicate guard compares the
        *effective* request, seed included: a random seed makes a new video, so it is never a duplicate.
        ``shot`` makes each task a take of that sequence shot; ``parent``/``continuation`` say which
        video it continues and how.
        """
        p = prepared or await self.prepare(request, count)
        spec, request, files, est = p.spec, p.request, p.files, p.estimate
        seed_spec = spec.param("seed", request.function)
        random_seed = seed_spec is not None and request.params.get("seed") is None
        if not force and not random_seed:
            dup = self._find_duplicate(intake.request_key(spec, request, files))
            if dup is not None:
                return SubmitResult([], duplicate_of=dup)
        if not over_budget:
            hold = budget.check(self.store, p.amount, self.clock())
            if hold is not None:
                raise budget.OverBudget(hold)
        batch = batch or (uuid.uuid4().hex[:12] if p.count > 1 else None)
        expected = self.expected_seconds(spec.name)
        base_url = self.clients.base_url_for_new(request.region, spec, self.settings.workspace)
        created: list[TaskRecord] = []
        for i in range(p.count):
            if i and i % SUBMIT_SLICE == 0:
                await asyncio.sleep(0)            # a batch of hundreds is made in slices: the window keeps going
            req = Request.from_json(json.loads(json.dumps(request.to_json())))
            if random_seed and self.settings.auto_seed:
                req.params["seed"] = random.randint(0, 2**31 - 2)
            created.append(TaskRecord(id=0, request=req, family=spec.family.value,
                                      request_key=intake.request_key(spec, req, files), batch=batch, files=files,
                                      cost_estimate=est.amount, created_at=self.clock(), expected_seconds=expected,
                                      backend=self.backend, base_url=base_url, parent=parent,
                                      continuation=dict(continuation) if continuation else None))
        try:
            # One transaction for the batch: a batch of 500 is one write (was a commit a task, a quarter of a
            # second on the UI thread), and a failing disk stores none of it rather than part.
            with self.store.transaction():
                for rec in created:
                    self.store.add(rec)
                    if shot is not None:
                        self.sequences.add_take(shot, rec.id)
        except sqlite3.Error as e:
            raise StoreWriteError(str(T(
                f"无法把任务写入任务数据库 {self.store.path}（{e}）。可能磁盘已满或文件夹只读；尚未提交也未扣费。",
                f"Could not write the task to the task database {self.store.path} ({e}). The disk may be full "
                f"or the folder read-only; nothing was submitted or charged."))) from e
        for i, rec in enumerate(created):
            if i and i % SUBMIT_SLICE == 0:
                await asyncio.sleep(0)            # each "added" is work for the window too
            self._records[rec.id] = rec
            self._active.add(rec.id)
            self._emit("added", rec)
        self._wake_scheduler.set()
        return SubmitResult(created)

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
        """The model of the task's next paid step (remembered per task and step: the scheduler asks
        about every unfinished task on every pass)."""
        known = self._next_model.get(rec.id)
        if known is not None and known[0] == rec.chain.async_step and known[1] == rec.model:
            return known[2]
        chain = catalog.chain_of(catalog.require(rec.model))
        steps = [m for m in chain if not m.sync and not (m.skip_if_input and rec.request.inputs.get(m.skip_if_input))]
        idx = min(rec.chain.async_step, len(steps) - 1)
        self._next_model[rec.id] = (rec.chain.async_step, rec.model, steps[idx])
        return steps[idx]

    def _limit_for(self, model: ModelSpec) -> int:
        hold = self.settings.service_limits and self.settings.hold_at_service_concurrency
        limit = (model.concurrency or 1_000_000) if hold else 1_000_000
        user = self.settings.model_concurrency.get(model.name)
        return max(1, min(limit, user)) if user else limit

    def _limit_for_key(self, key: str) -> int:
        """The limit of a model, or of a pool its models share (the pool's own limit, and the lowest
        any of its models was given by the user)."""
        spec = catalog.get(key)
        if spec is not None:
            return self._limit_for(spec)
        members = self._pools.get(key)
        if members is None:
            members = self._pools[key] = [m for m in catalog.MODELS if m.pool == key]
        return min((self._limit_for(m) for m in members), default=1_000_000)

    @staticmethod
    def _pool(model: ModelSpec) -> str:
        return model.pool or model.name

    def _in_flight(self) -> tuple[int, int, dict[str, int]]:
        """(sent and unfinished, being prepared here, per concurrency key)."""
        total, local, per = 0, 0, dict[str, int]()
        for rec in (self._records[i] for i in self._active):
            working = rec.id in self._drivers or rec.state in LOCAL_WORK
            if working or rec.state in (State.QUEUED, State.RUNNING):
                total += 1
                local += working
                m = self._pool(self._next_async_model(rec))
                per[m] = per.get(m, 0) + 1
        return total, local, per

    async def _scheduler_loop(self) -> None:
        while not self._closed:
            self._wake_scheduler.clear()
            try:
                delay = self._schedule_once()
            except Exception:   # never let one bad record stop every other task
                log.exception("scheduler pass failed")
                delay = 5.0
            try:
                await asyncio.wait_for(self._wake_scheduler.wait(), timeout=delay)
            except TimeoutError:
                continue
            # Woken by a change: let the changes that come with it (the rest of a batch being added, a
            # sweep's finished tasks) arrive, so one pass over the unfinished tasks serves them all.
            await asyncio.sleep(SCHEDULE_COALESCE)

    def _schedule_once(self) -> float:
        """Start as many waiting tasks as the limits allow; returns how long to sleep."""
        if not self._owner:
            return 5.0
        waiting = [Waiting(r.id, m.name, r.chain.not_before, pool=m.pool or "")
                   for r in (self._records[i] for i in self._active)
                   if r.state == State.WAITING and r.id not in self._drivers
                   for m in (self._next_async_model(r),)]
        if not waiting:
            return 5.0
        total, local, per = self._in_flight()
        limits = Limits(self.settings.global_concurrency or 1_000_000,
                        per_model=self._limit_for_key,
                        submit_gap=lambda m: 1.0 / catalog.require(m).submit_rps if self.settings.service_limits
                        else 0.0,
                        local_workers=max(1, self.settings.local_workers))
        now = self.clock()
        started, wake = plan(waiting, total, per, limits, now, self._model_backoff, self._last_submit, local=local)
        for w in started:
            self._last_submit[w.model] = now
            self._spawn_driver(self._records[w.id], self._advance_later(self._records[w.id]))
        return wake

    def _advance_later(self, rec: TaskRecord) -> Callable[[], Awaitable[None]]:
        return lambda: self._advance(rec)

    def _spawn_driver(self, rec: TaskRecord, make: Callable[[], Awaitable[None]]) -> None:
        """Run one task's driver; the coroutine is made inside the new task, so it is always awaited."""
        if self._closed or not self._owner:
            return
        old = self._drivers.get(rec.id)
        if old is not None and not old.done():
            return
        self._drivers[rec.id] = asyncio.create_task(self._run_driver(rec, make), name=f"task-{rec.id}")

    async def _run_driver(self, rec: TaskRecord, make: Callable[[], Awaitable[None]]) -> None:
        try:
            await make()
        except (_Stop, NotOwner):
            pass
        except asyncio.CancelledError:
            raise
        except Exception as e:  # the record must say what happened, whatever it was
            log.exception("task %s failed unexpectedly", rec.id)
            with contextlib.suppress(Exception):
                if rec.state == State.SUBMITTING:
                    # The create request may have gone out: never call that "failed, not charged".
                    self._save(rec, uncertain=True)
                    asyncio.get_running_loop().call_later(
                        2.0, lambda: self._spawn_driver(rec, lambda: self.reconciler.run(rec)))
                elif rec.state in REMOTE or rec.task_id:
                    self._schedule_poll(rec, 5.0)
                else:
                    self._fail(rec, "InternalError", T(f"程序内部错误：{e}", f"Internal error: {e}"), costs=False)
        finally:
            if self._drivers.get(rec.id) is asyncio.current_task():
                self._drivers.pop(rec.id, None)
            self._wake_scheduler.set()

    # -- one task's way to the service ------------------------------------------------------
    async def _advance(self, rec: TaskRecord) -> None:
        """Inputs → (detect / template) → submit the next paid step. Polling takes it from there."""
        spec = catalog.require(rec.model)
        self._save(rec, State.VALIDATING, error_message=None, error_code=None)
        if not await self._check_inputs_still_there(rec, spec):
            return
        folder = self.downloads.folder(rec)
        problem = await asyncio.to_thread(intake.check_output_folder, folder,
                                          int(max(rec.expected_seconds or 5.0, 5.0) * intake.BYTES_PER_SECOND))
        if problem is not None:   # the folder went away (or filled up) since the task was queued
            self._fail(rec, "DiskFull" if problem.code == "no_space" else "OutputNotWritable", problem.message,
                       costs=False)
            return
        chain = catalog.chain_of(spec)
        for step in chain:
            if step.sync:
                if rec.chain.detect is None:
                    await self._detect(rec, step)
                continue
            if step.skip_if_input and (rec.request.inputs.get(step.skip_if_input)
                                       or (step.produces and rec.chain.products.get(step.produces))):
                continue
            if step.name in rec.chain.done_steps:
                continue
            await self._submit_step(rec, step)
            return

    async def _check_inputs_still_there(self, rec: TaskRecord, spec: ModelSpec) -> bool:
        def gone() -> list[tuple[str, str]]:
            out = []
            for name, meta in rec.files.items():
                for m in (meta if isinstance(meta, list) else [meta]):
                    v = m.get("value")
                    if intake.is_local(v) and not Path(intake.local_path(v)).exists():
                        out.append((name, v))
            return out

        for name, v in await asyncio.to_thread(gone):
            ins = spec.input(name, rec.request.function)
            label = ins.label if ins else T(name, name)
            self._fail(rec, "InputMissing", T(
                f"找不到输入文件“{label.zh}”：{v}。文件可能已被移动或删除；请重新选择后再生成（尚未扣费）。",
                f"The input file for {label.en} is gone: {v}. It may have been moved or deleted; pick it "
                f"again and generate (nothing was charged)."), costs=False)
            return False
        return True

    async def _remote_inputs(self, rec: TaskRecord, step: ModelSpec) -> dict[str, Any]:
        """The step's input values as the service takes them: local files uploaded (cached per model).

        The input's kind says where its files sit (a single field, list items, media items and
        their extra fields); each local one is replaced by its ``oss://`` URL for this model.
        """
        client = self._client(rec)
        out: dict[str, Any] = {}
        todo: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        new: dict[str, dict[tuple[Any, ...], Any]] = {}
        for ins in step.inputs_for(rec.request.function):
            value = rec.request.inputs.get(ins.name)
            kind = KINDS[ins.kind]
            if kind.empty(value):
                continue
            if not kind.is_file:
                out[ins.name] = value
                continue
            metas = rec.files.get(ins.name)
            metas_list = metas if isinstance(metas, list) else [metas] if metas else []
            slots = kind.file_slots(ins, value)
            replaced: dict[tuple[Any, ...], Any] = {}
            for slot, m in zip(slots, metas_list):
                if not intake.is_local(m["value"]):
                    continue
                cache_key = f"upload:{client.base_url}:{step.name}:{m['sha256']}"
                cached = self.store.kv_get(cache_key)
                if cached and cached["expires"] > self.clock() + UPLOAD_MARGIN:
                    replaced[slot.slot] = cached["url"]
                    m.setdefault("uploads", {})[step.name] = cached
                else:
                    todo.append((ins.name, slot.slot, m))
            new[ins.name] = replaced
        if todo:
            total = sum(int(m.get("size") or 0) for _, _, m in todo)
            self._save(rec, State.UPLOADING, bytes_done=0, bytes_total=total)
            sent_before = 0
            wire = step.name_in(rec.request.region)
            for name, slot_key, m in todo:
                base = sent_before
                up = await client.upload_file(
                    wire, intake.local_path(m["value"]),
                    progress=lambda done, _total, b=base: self._progress(rec, b + done, total))
                sent_before += int(m.get("size") or 0)
                expires = up.expires_at.timestamp() if hasattr(up.expires_at, "timestamp") else float(up.expires_at)
                self.store.kv_set(f"upload:{client.base_url}:{step.name}:{m['sha256']}",
                                  {"url": up.oss_url, "expires": expires})
                m.setdefault("uploads", {})[step.name] = {"url": up.oss_url, "expires": expires}
                new[name][slot_key] = up.oss_url
        for name, replaced in new.items():
            spec_in = step.input(name, rec.request.function)
            if spec_in is not None:
                out[name] = KINDS[spec_in.kind].rebuild(spec_in, rec.request.inputs[name], replaced)
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
        result = await self._call_guarded(rec, self._client(rec).call_sync(
            body["model"], body["input"], body.get("parameters"), endpoint=step.endpoint,
            detect_rule=step.detect_rule))
        rec.request_ids.append(result.request_id)
        billed = rec.chain.billed_units
        images = float((result.usage or {}).get("image_count", 1))
        billed[step.name] = billed.get(step.name, 0) + images
        rec.chain.detect_cost += step.price_in(rec.request.region).for_tier(None) * images
        if not result.passed:
            reason = result.reason or ""
            self._fail(rec, "DetectFailed", T(
                f"照片没有通过{step.title.zh}：{reason or '未检测到合适的人像'}。请换一张单人、正脸、清晰的照片（检测费用极少，生成尚未扣费）。",
                f"The photo did not pass {step.title.en}: {reason or 'no suitable person found'}. Use a clear photo "
                f"of one person facing the camera (only the tiny detect fee was charged; no video was paid for)."),
                costs=False)
            raise _Stop from None
        rec.chain.detect = {k: v for k in step.detect_outputs if (v := getattr(result, k, None)) is not None}
        self._save(rec)

    def _later(self, rec: TaskRecord, message: T) -> None:
        """A transient failure before anything was paid: wait per the retry policy, or give up."""
        rec.attempts += 1
        if self.retry.presubmit_gives_up(rec.attempts):
            self._fail(rec, rec.error_code or "NetworkError", message, costs=False)
            return
        delay = self.retry.presubmit_delay(rec.attempts)
        rec.chain.not_before = self.clock() + delay
        self._save(rec, State.WAITING, error_message=str(message))

    async def _call_guarded(self, rec: TaskRecord, coro: Awaitable[Any]) -> Any:
        """Run a pre-submission call; map errors to waiting (transient) or failed (not paid)."""
        try:
            return await coro
        except api_errors.ThrottledError as e:
            self._model_backoff[rec.model] = self.clock() + (e.retry_after or 5.0)
            self._save(rec, State.WAITING, error_message=str(T("服务繁忙，稍后自动重试。",
                                                               "The service is busy; retrying shortly.")))
            raise _Stop from None
        except (api_errors.NetworkError, api_errors.ApiTimeoutError, api_errors.ServerError) as e:
            delay = self.retry.presubmit_delay(rec.attempts + 1)
            rec.error_code = e.code or "NetworkError"
            self._later(rec, T(f"暂时连不上服务（{e.code or '网络'}），{delay:.0f} 秒后自动重试。",
                               f"Cannot reach the service right now ({e.code or 'network'}); retrying in {delay:.0f} s."))
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
        detect = rec.chain.detect or {}
        for ins in step.inputs_for(rec.request.function):
            if not ins.sent:                  # the form's field for an earlier step (AnimateAnyone's video)
                inputs.pop(ins.name, None)
            elif ins.from_detect and ins.name in detect:
                inputs[ins.name] = detect[ins.name]
            elif not inputs.get(ins.name) and rec.chain.products.get(ins.name):
                inputs[ins.name] = rec.chain.products[ins.name]   # made by an earlier step (a template id)
        params = {} if step.name != rec.model else dict(rec.request.params)
        body = build_body(step, inputs, params, region=rec.request.region, function=rec.request.function)
        # Committed before the request leaves: a crash from here on is reconciled, never re-sent blindly.
        rec.chain.submitting_step = step.name
        rec.chain.candidates = []
        rec.chain.uncertain_reason = None
        self._save(rec, State.SUBMITTING, submit_started_at=self.clock(), uncertain=False)
        try:
            created = await self._client(rec).create_task(body["model"], body["input"], body.get("parameters"),
                                                           endpoint=step.endpoint)
        except api_errors.SubmissionUncertainError as e:
            self._save(rec, uncertain=True, error_message=str(e.explain()))
            await self.reconciler.run(rec)
            return
        except api_errors.ThrottledError as e:
            self._model_backoff[step.name] = self.clock() + (e.retry_after or 5.0)
            self._save(rec, State.WAITING, error_message=str(T("服务限流，稍后自动重新提交（未扣费）。",
                                                               "Throttled by the service; resubmitting shortly (not charged).")))
            return
        except (api_errors.NetworkError, api_errors.ApiTimeoutError, api_errors.ServerError) as e:
            # The client raises these for a create only when the service certainly made nothing
            # (uncertain outcomes are SubmissionUncertainError): try again later, a bounded number of times.
            rec.error_code = e.code or type(e).__name__
            self._later(rec, e.explain())
            return
        except api_errors.DashScopeError as e:
            self._fail(rec, e.code or type(e).__name__, e.explain(), costs=False, request_id=e.request_id)
            return
        self._adopt(rec, created.task_id, created.request_id, step)

    def _adopt(self, rec: TaskRecord, task_id: str, request_id: str | None, step: ModelSpec) -> None:
        if task_id not in rec.chain.step_task_ids:
            rec.chain.step_task_ids.append(task_id)
        if request_id:
            rec.request_ids.append(request_id)
        state = State.DETECTING if step.name != rec.model else State.QUEUED
        rec.chain.submitting_step = None
        rec.chain.polling_step = step.name
        rec.chain.candidates = []
        rec.chain.uncertain_reason = None
        self._save(rec, state, task_id=task_id, submitted_at=rec.submitted_at if state == State.DETECTING and
                   rec.submitted_at else self.clock(), uncertain=False, error_message=None, error_code=None,
                   poll_errors=0, service_status="PENDING")
        if state == State.QUEUED:
            rec.expected_seconds = self.expected_seconds(rec.model)
        self._schedule_poll(rec, min(self.settings.poll_min, 2.0))
        if rec.chain.cancel_requested:
            asyncio.get_running_loop().create_task(self.cancel(rec.id))

    # -- polling ------------------------------------------------------------------------------
    def _schedule_poll(self, rec: TaskRecord, delay: float) -> None:
        self.poller.schedule(rec, delay)

    def _sandbox_forgot(self, rec: TaskRecord) -> None:
        """The built-in sandbox lives in the app's process and forgets its tasks when the app quits.
        It is free, so an unfinished *sandbox* task simply runs again (never done for the paid service)."""
        if rec.backend != SANDBOX:
            raise RuntimeError("only sandbox tasks are ever run again for free")
        self.poller.forget(rec.id)
        with contextlib.suppress(OSError):
            if rec.output_path:
                Path(rec.output_path + ".part").unlink(missing_ok=True)
        old = rec.chain
        rec.chain = ChainState(detect=old.detect, billed_units=old.billed_units, detect_cost=old.detect_cost,
                               step_task_ids=old.step_task_ids, sandbox_reruns=old.sandbox_reruns + 1)
        self._save(rec, State.WAITING, task_id=None, submitted_at=None, submit_started_at=None, result_url=None,
                   result_expires_at=None, output_path=None, poll_errors=0, service_status=None,
                   error_message=str(T("内置沙盒已重启，正在免费重新生成。", "The built-in sandbox restarted; "
                                                                   "generating again (free).")))
        self._wake_scheduler.set()

    def _stop_tracking(self, rec: TaskRecord, why: T, code: str | None = None) -> None:
        self.poller.forget(rec.id)
        self._save(rec, State.STOPPED, error_message=str(why), error_message_en=why.en, error_message_zh=why.zh,
                   error_code=code or rec.error_code)

    def _fail(self, rec: TaskRecord, code: str, why: T, *, costs: bool, request_id: str | None = None,
              service_message: str | None = None) -> None:
        self.poller.forget(rec.id)
        if request_id and request_id not in rec.request_ids:
            rec.request_ids.append(request_id)
        msg_zh, msg_en = why.zh, why.en
        if service_message and service_message not in msg_en:
            msg_zh, msg_en = f"{msg_zh}（{service_message}）", f"{msg_en} ({service_message})"
        self._save(rec, State.FAILED, error_code=code, error_message=msg_zh if language() == "zh" else msg_en,
                   error_message_en=msg_en, error_message_zh=msg_zh, retry_costs_money=costs)

    # -- user actions -------------------------------------------------------------------------
    def _record(self, task_id: int) -> TaskRecord:
        rec = self._records.get(task_id)
        if rec is None:
            raise KeyError(f"no task #{task_id}")
        return rec

    async def cancel(self, task_id: int) -> None:
        """Cancel on the service while PENDING; otherwise stop tracking but keep it recoverable."""
        if not self._owner:
            return await self._command(task_id, "cancel")
        rec = self._record(task_id)
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
            rec.chain.cancel_requested = True
            self._save(rec)
            return
        if rec.state == State.DOWNLOADING:
            self.downloads.cancel(rec.id)
            self._stop_tracking(rec, T("已停止下载；链接有效期内可“重新下载”。",
                                       "Download stopped; use Retry download while the link is valid."))
            return
        self.poller.forget(rec.id)
        if rec.state in (State.QUEUED, State.DETECTING) and rec.task_id:
            try:
                await self._client(rec).cancel_task(rec.task_id)
                self._save(rec, State.CANCELED, error_message=None)
                return
            except api_errors.DashScopeError as e:
                log.info("task %s: cancel refused (%s); stop tracking instead", rec.id, e.code)
        self._stop_tracking(rec, T("已在本地停止跟踪；服务端已开始生成，无法取消，仍会计费。可随时“继续跟踪”取回结果。",
                                   "Stopped tracking here; the service had already started, so it cannot be "
                                   "canceled and will be billed. Use Resume any time to collect the result."))

    async def resume(self, task_id: int) -> None:
        """Track a stopped task again (or fetch its video again while the link lives)."""
        if not self._owner:
            return await self._command(task_id, "resume")
        rec = self._record(task_id)
        if rec.state not in (State.STOPPED, State.FAILED):
            return
        if rec.result_url:
            if rec.can_retry_download:
                await self.retry_download(task_id)
        elif rec.task_id:
            self.poller.auth_errors.pop(rec.id, None)
            self._save(rec, State.RUNNING, error_message=None, error_code=None, poll_errors=0)
            self._schedule_poll(rec, 0.0)

    async def retry_download(self, task_id: int, out_dir: str | None = None) -> None:
        """Fetch a paid video again (free while its link lives), optionally into another folder."""
        if not self._owner:
            return await self._command(task_id, "retry_download", out_dir)
        rec = self._record(task_id)
        if not rec.result_url or not (rec.result_expires_at is None or rec.result_expires_at > self.clock()):
            return
        if out_dir:
            rec.request.out_dir = str(Path(out_dir).expanduser())
            rec.output_path = None
        self._save(rec, State.DOWNLOADING, error_code=None, error_message=None, bytes_done=0)
        self.downloads.start(rec)

    async def adopt(self, task_id: int, service_task_id: str) -> None:
        """The person's decision for an uncertain task: this service task is the one it made."""
        if not self._owner:
            return await self._command(task_id, "adopt", service_task_id)
        rec = self._record(task_id)
        if rec.state != State.UNCERTAIN:
            raise ValueError(str(T(f"任务 #{task_id} 不在等待你确认的状态。", f"Task #{task_id} is not waiting for a decision.")))
        service_task_id = service_task_id.strip()
        if service_task_id in (await self.reconciler.known_ids()) - set(rec.chain.step_task_ids):
            raise ValueError(str(T(f"服务任务 {service_task_id} 已属于另一个本地任务。",
                                   f"Service task {service_task_id} already belongs to another local task.")))
        step = catalog.require(rec.chain.submitting_step or self._next_async_model(rec).name)
        info = await self._client(rec).get_task(service_task_id, model=step.name_in(rec.request.region))
        if info.status == TaskStatus.UNKNOWN:
            raise ValueError(str(T(f"服务不认识任务 {service_task_id}（ID 有误、属于别的 Key 或地区，或已超过 24 小时）。",
                                   f"The service does not know task {service_task_id} (a wrong ID, another key or "
                                   f"region, or older than 24 hours).")))
        log.info("task %s: the person adopted %s", rec.id, service_task_id)
        self._adopt(rec, service_task_id, None, step)

    async def resubmit(self, task_id: int) -> None:
        """The person's decision for an uncertain task: it made nothing — submit again (charged)."""
        if not self._owner:
            return await self._command(task_id, "resubmit")
        rec = self._record(task_id)
        if rec.state != State.UNCERTAIN:
            raise ValueError(str(T(f"任务 #{task_id} 不在等待你确认的状态。", f"Task #{task_id} is not waiting for a decision.")))
        log.info("task %s: the person chose to submit again", rec.id)
        rec.chain.candidates = []
        rec.chain.uncertain_reason = None
        rec.chain.submitting_step = None
        self._save(rec, State.WAITING, uncertain=False, submit_started_at=None, error_code=None, error_message=None)
        self._wake_scheduler.set()

    def mark(self, task_ids: list[int], *, favourite: bool | None = None, archived: bool | None = None) -> None:
        """The person's marks on finished tasks: a star, or archived (off the queue, kept in the library).
        Marks never change what the service does or bills; a guest asks the owner, like every other write."""
        changes = {k: v for k, v in (("favourite", favourite), ("archived", archived)) if v is not None}
        if not changes:
            return
        if not self._owner:
            for task_id in task_ids:
                self.store.post_command(task_id, "mark", changes)
            return
        for task_id in task_ids:
            rec = self._records.get(task_id)
            if rec is None or all(getattr(rec, k) == v for k, v in changes.items()):
                continue
            for k, v in changes.items():
                setattr(rec, k, v)
            self.store.save(rec, touch=False)
            self._emit("changed", rec)

    def add_local(self, rec: TaskRecord) -> TaskRecord:
        """A finished video made here, not by the service (a stitched film): stored as a DONE record so
        it is in the library like any other; the service never sees it and it costs nothing."""
        rec.state, rec.backend, rec.cost_actual = State.DONE, self.backend, 0.0
        rec.done_at = rec.done_at or self.clock()
        self.store.add(rec)
        self._records[rec.id] = rec
        self._emit("added", rec)
        return rec

    def remove(self, task_id: int) -> None:
        rec = self._records.get(task_id)
        if rec is None:
            return
        if rec.state.active:
            raise ValueError("cancel the task before removing it")
        if not self._owner:
            self.store.post_command(task_id, "remove")
            return
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
