"""The sandbox: a local DashScope-compatible service on three loopback origins.

* API origin — ``/api/v1/...``: task creation, detect calls, task query/list/cancel and
  upload policies, plus the ``/sandbox/*`` test controls;
* upload origin — OSS-like PostObject target named by getPolicy's ``upload_host``;
* result origin — signed, expiring ``/dashscope-result/<id>.mp4`` URLs with Range support.

Usage::

    with Sandbox(task_seconds=1) as sb:
        client = httpx.Client(base_url=sb.base_url)
"""
from __future__ import annotations

import hashlib
import heapq
import json
import logging
import math
import secrets
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from datetime import datetime
from pathlib import Path
from typing import Any, Self, cast

from .. import catalog
from ..catalog import FieldError, Kind, ModelSpec
from ..catalog.kinds import FileSlot
from . import detect as detect_mod
from . import jobs, readers
from .faults import EARLY_KINDS, FaultPlan, FaultSpecError, describe_kinds
from .httpd import BodyTooLarge, Request, Response, Server
from .inputs import InputError, ResolvedFile, Resolver
from .oss import UPLOAD_ACCESS_KEY_ID, Signer
from .queue import Lanes
from .state import Policy, Registry, Stats, Template
from .storage import StorageOrigins
from .tasks import (
    CST,
    PENDING,
    PENDING_SHARE,
    SUCCEEDED,
    UNKNOWN,
    RenderOutput,
    Task,
    TaskStore,
    parse_list_time,
)

log = logging.getLogger(__name__)

DAY = 24 * 3600.0
MB = 1024 * 1024
#: The task list's page size: the docs give the default (10) and no maximum; larger asks get 100 a page
#: (an assumption, and the client pages by the ``page_size`` it is answered with).
MAX_PAGE_SIZE = 100
API_PREFIX = "/api/v1/"
#: The API key "another client on the same account" uses (``create_foreign``).
FOREIGN_KEY = "sk-sandbox-another-client"

MSG_SYNC = "current user api does not support synchronous calls."
MSG_ASYNC = "current user api does not support asynchronous calls."
MSG_URL = "url error, please check url!"
MSG_BODY = "Required body invalid, please check the request body format."
MSG_ALGO = "An internal error has occured during execution, please try again later or contact service support."
MSG_INTERNAL = "An internal error has occured, please try again later or contact service support."

#: catalogue FieldError codes of file checks -> the service's error codes
FILE_CODES = {"kind": "InvalidFile.Format", "format": "InvalidFile.Format", "bytes": "InvalidFile.Size",
              "pixels": "InvalidFile.Resolution", "aspect": "InvalidFile.AspectRatio", "alpha": "InvalidFile.Alpha",
              "duration": "InvalidFile.Duration", "fps": "InvalidFile.FPS"}


def _rid() -> str:
    return str(uuid.uuid4())


def _endpoint(spec: ModelSpec) -> str:
    return spec.endpoint.strip("/")


class SandboxCallError(ValueError):
    """A call made in-process (``Sandbox.create_foreign``) that the service refused."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


class Sandbox(StorageOrigins):
    """A running DashScope look-alike. Thread-safe; ``start()`` returns the API base URL."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, task_seconds: float = 5.0,
                 faults: str | FaultPlan = "", data_dir: Path | str | None = None,
                 api_keys: set[str] | None = None, *, task_ttl: float = DAY, url_ttl: float = DAY,
                 upload_ttl: float = 2 * DAY, policy_ttl: float = 300.0, upload_max_bytes: int = 100 * MB,
                 workers: int = 2, seed: int = 0, cache_dir: Path | str | None = None, queue: bool = False,
                 account_qps: float | None = None):
        self.host = host
        self.port = port
        self.task_seconds = float(task_seconds)
        self.task_ttl = float(task_ttl)
        self.url_ttl = float(url_ttl)
        self.upload_ttl = float(upload_ttl)
        self.policy_ttl = float(policy_ttl)
        self.upload_max_bytes = int(upload_max_bytes)
        self.api_keys = set(api_keys) if api_keys else None
        self.seed = seed
        self.faults = FaultPlan.parse(faults, seed=seed)
        self.stats = Stats()
        self.tasks = TaskStore()
        #: ``queue``: at most each model's documented concurrency is processed at once, the rest wait
        #: as PENDING in creation order (as the service does); otherwise every task starts at once.
        self.queue = queue
        self.lanes = Lanes(self._lane_of)
        #: ``account_qps``: task query/list/cancel requests beyond this many per second get a 429.
        self.account_qps = account_qps
        self.registry = Registry()
        self._own_dir = data_dir is None
        self.data_dir = Path(data_dir) if data_dir is not None else Path(tempfile.mkdtemp(prefix="bailian-sandbox-"))
        self.cache_dir = Path(cache_dir) if cache_dir is not None else self.data_dir / "cache"
        self._workers = workers
        self._sched: list[tuple[float, int, Callable[[], None]]] = []
        self._sched_cv = threading.Condition()
        self._sched_seq = 0
        self._sched_thread: threading.Thread | None = None
        self._running = False
        self._signer = Signer(secrets.token_bytes(32))
        self._offset = 0.0
        self._results: dict[str, Path] = {}
        self._results_lock = threading.Lock()
        self._servers: list[Server] = []
        self._renderer: jobs.Renderer | None = None
        self._resolver: Resolver | None = None
        self.base_url = ""
        self.upload_origin = ""
        self.result_origin = ""
        endpoints = {_endpoint(m): m.sync for m in catalog.all_models()}
        self._create_paths = {p for p, sync in endpoints.items() if not sync}
        self._detect_paths = {p for p, sync in endpoints.items() if sync}

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> str:
        """Bind the three origins, start serving, return ``http://HOST:PORT/api/v1``."""
        if self._servers:
            return self.base_url
        for sub in ("inputs", "uploads", "cache", "results"):
            (self.data_dir / sub).mkdir(parents=True, exist_ok=True)
        self._renderer = jobs.Renderer(self.cache_dir, workers=self._workers, on_render=self._on_render)
        api = Server(self.host, self.port, self._api, "DashScopeSandbox", clock=self.clock)
        up = Server(self.host, 0, self._upload, "AliyunOSS", clock=self.clock)
        res = Server(self.host, 0, self._result, "AliyunOSS", on_bytes=lambda n: self.stats.add("bytes_served", n),
                     clock=self.clock)
        self._servers = [api, up, res]
        shown = "127.0.0.1" if self.host in ("", "0.0.0.0") else (f"[{self.host}]" if ":" in self.host else self.host)
        self.port = api.port
        self.base_url = f"http://{shown}:{api.port}/api/v1"
        self.upload_origin = f"http://{shown}:{up.port}"
        self.result_origin = f"http://{shown}:{res.port}"
        self._resolver = Resolver(self.data_dir / "inputs", self.registry, self._own_file, self._own_netlocs,
                                  self.clock)
        for s in self._servers:
            s.start()
        self._running = True
        self._sched_thread = threading.Thread(target=self._scheduler, name="sandbox-scheduler", daemon=True)
        self._sched_thread.start()
        log.info("sandbox at %s (uploads %s, results %s)", self.base_url, self.upload_origin, self.result_origin)
        return self.base_url

    def stop(self) -> None:
        """Stop serving, close connections, drop renders in flight, remove a temporary data dir."""
        with self._sched_cv:
            self._running = False
            self._sched.clear()
            self._sched_cv.notify_all()
        if self._sched_thread is not None:
            self._sched_thread.join(timeout=5)
            self._sched_thread = None
        for s in self._servers:
            s.stop()
        self._servers = []
        if self._renderer is not None:
            self._renderer.shutdown()
            self._renderer = None
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- test controls ----------------------------------------------------------------------------
    def clock(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the sandbox clock forward (task progress, TTLs and URL expiry all follow it)."""
        with self._sched_cv:
            self._offset += float(seconds)
            self._sched_cv.notify_all()

    # -- scheduling: renders start when a task leaves PENDING --------------------------------------
    def _at(self, when: float, fn: Callable[[], None]) -> None:
        with self._sched_cv:
            self._sched_seq += 1
            heapq.heappush(self._sched, (when, self._sched_seq, fn))
            self._sched_cv.notify_all()

    def _scheduler(self) -> None:
        while True:
            with self._sched_cv:
                while self._running and (not self._sched or self._sched[0][0] > self.clock()):
                    wait = self._sched[0][0] - self.clock() if self._sched else None
                    self._sched_cv.wait(timeout=wait)
                if not self._running:
                    return
                _, _, fn = heapq.heappop(self._sched)
            try:
                fn()
            except Exception:  # never let one task stop the scheduler
                log.exception("scheduled sandbox job failed")

    def set_faults(self, spec: str | FaultPlan, seed: int | None = None) -> FaultPlan:
        self.faults = FaultPlan.parse(spec, seed=self.seed if seed is None else seed)
        return self.faults

    def creations(self, model: str | None = None, *, foreign: bool = False) -> int:
        """Tasks created so far: for one model (as sent, or any of its names), or all of them.

        With ``foreign`` only those made by "another client" (:meth:`create_foreign`).
        """
        snap = self.stats.snapshot()["foreign_creations" if foreign else "creations"]
        if model is None:
            return sum(snap.values())
        spec = catalog.get(model)
        return sum(n for name, n in snap.items() if name == model or (spec is not None and catalog.get(name) is spec))

    def create_foreign(self, model: str, input: dict[str, Any], parameters: dict[str, Any] | None = None, *,
                       at: float | None = None, task_seconds: float | None = None) -> str:
        """Create a task as another API key of the same account would; returns its task id.

        It goes through the normal creation path (validation, inputs, render) without using up
        fault rules, shows in every key's list and query, and counts in ``stats.creations`` and
        ``stats.foreign_creations``. ``at`` backdates it (sandbox clock, unix seconds);
        ``task_seconds`` overrides the sandbox's. A refused creation raises
        :class:`SandboxCallError` (with the status, code and message the API would answer).
        """
        resp = self._foreign(model, input, parameters, at=at, task_seconds=task_seconds)
        doc = json.loads(resp.body.decode("utf-8"))
        if resp.status != 200:
            raise SandboxCallError(resp.status, str(doc.get("code")), str(doc.get("message")))
        return str(doc["output"]["task_id"])

    def _foreign(self, model: Any, input: Any, parameters: Any, *, at: float | None,
                 task_seconds: float | None) -> Response:
        if self._resolver is None:
            raise RuntimeError("start() the sandbox before creating tasks")
        rid = _rid()
        if not isinstance(model, str) or not model:
            return self._error(400, "BadRequest.EmptyModel", 'Required parameter "model" missing from request.', rid)
        spec = catalog.get(model)
        if spec is None:
            return self._error(404, "ModelNotFound", "Model not exist.", rid)
        if spec.sync:
            return self._error(400, "InvalidParameter", f"{model} is a detect model: it creates no task.", rid)
        body: dict[str, Any] = {"model": model, "input": input}
        if parameters is not None:
            body["parameters"] = parameters
        headers = {"Authorization": f"Bearer {FOREIGN_KEY}", "X-DashScope-Async": "enable",
                   "X-DashScope-OssResourceResolve": "enable", "Content-Type": "application/json"}
        if task_seconds is not None:
            headers["X-Sandbox-Task-Seconds"] = f"{float(task_seconds):g}"
        rel = _endpoint(spec)
        req = Request.synthetic("POST", API_PREFIX + rel, headers, json.dumps(body).encode("utf-8"))
        return self._create(req, rel, foreign=True, at=at)

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Wait until every task's render has finished (for tests)."""
        end = time.monotonic() + timeout
        for t in self.tasks.all():
            if t.future is not None:
                try:
                    t.future.exception(timeout=max(0.0, end - time.monotonic()))
                except (TimeoutError, CancelledError):
                    return False
        return True

    # -- helpers ----------------------------------------------------------------------------------
    def _lane_of(self, task: Task) -> tuple[str, int | None]:
        if not self.queue or task.spec.concurrency is None:
            return task.spec.name, None
        return task.spec.pool or task.spec.name, int(task.spec.concurrency)

    def _on_render(self, cache_hit: bool) -> None:
        self.stats.add("render_cache_hits" if cache_hit else "renders")

    def _own_netlocs(self) -> set[str]:
        return {o.split("://", 1)[1] for o in (self.result_origin, self.upload_origin, self.base_url.rsplit("/api/", 1)[0])}

    def _error(self, status: int, code: str, message: str, request_id: str | None = None,
               **headers: str) -> Response:
        self.stats.add("errors", key=code)
        return Response.json(status, {"code": code, "message": message, "request_id": request_id or _rid()},
                             **headers)

    def _slow_and_early(self, scope: str, api: bool) -> Response | None:
        """Apply ``slow`` (sleep) and the first early fault for this request, if any."""
        slow = self.faults.take(scope, ("slow",))
        if slow:
            self.stats.add("faults", key="slow")
            time.sleep(slow["slow"].arg if slow["slow"].arg is not None else 1.0)
        fired = self.faults.take(scope, EARLY_KINDS, exclusive=True)
        if not fired:
            return None
        kind, rule = next(iter(fired.items()))
        self.stats.add("faults", key=kind)
        if kind == "drop":
            return Response.dropped()
        if not api:
            if kind == "503":
                return self._oss_error(503, "ServiceUnavailable", "Please reduce your request rate.")
            return self._oss_error(500, "InternalError", "We encountered an internal error. Please try again.")
        if kind == "auth":
            return self._error(401, "InvalidApiKey", "Invalid API-key provided.")
        if kind == "throttle":
            after = rule.arg if rule.arg is not None else 1.0
            return self._error(429, "Throttling.RateQuota", "Requests rate limit exceeded, please try again later.",
                               **{"Retry-After": f"{after:g}"})
        if kind == "quota":
            return self._error(429, "Throttling.AllocationQuota",
                               "Allocated quota exceeded, please increase your quota limit.")
        if kind == "5xx":
            return self._error(500, "InternalError", MSG_INTERNAL)
        if kind == "503":
            return self._error(503, "ModelUnavailable", "Model is unavailable, please try again later.")
        # badjson: a 200 whose body is an error and has no output
        return Response.json(200, {"code": "InternalError", "message": MSG_INTERNAL, "request_id": _rid()})

    def _auth(self, req: Request) -> Response | None:
        value = (req.header("Authorization") or "").strip()
        if not value:
            return self._error(401, "InvalidApiKey", "No API-key provided.")
        scheme, _, token = value.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return self._error(401, "InvalidApiKey", "Invalid API-key provided.")
        if not token.startswith("sk-") or (self.api_keys is not None and token not in self.api_keys):
            return self._error(401, "InvalidApiKey", "Invalid API-key provided.")
        return None

    @staticmethod
    def _async(req: Request) -> bool:
        return (req.header("X-DashScope-Async") or "").strip().lower() == "enable"

    # =============================================================================================
    # API origin
    # =============================================================================================
    def _api(self, req: Request) -> Response:
        path = req.path
        ctl = path[len("/api/v1"):] if path.startswith("/api/v1/sandbox/") else path
        if ctl.rstrip("/").startswith("/sandbox/") or ctl.rstrip("/") == "/sandbox":
            self.stats.add("requests", key="control")
            return self._control(req, ctl.rstrip("/"))
        if not path.startswith(API_PREFIX):
            self.stats.add("requests", key="other")
            return self._error(404, "NotFound", f"Not Found: {path}")
        rel = path[len(API_PREFIX):].strip("/")
        route = self._route(rel)
        if route is None:
            self.stats.add("requests", key="other")
            return self._auth(req) or self._error(404, "NotFound", f"Not Found: {path}")
        scope, handler, methods = route
        self.stats.add("requests", key=scope)
        if scope in ("query", "list", "cancel") and not self.stats.query_hit(time.monotonic(), self.account_qps):
            return self._error(429, "Throttling.RateQuota", "Requests rate limit exceeded, please try again later.")
        if req.method not in methods:
            return self._error(405, "MethodNotAllowed", "Request method not supported.")
        early = self._slow_and_early(scope, api=True)
        if early is not None:
            return early
        bad = self._auth(req)
        if bad is not None:
            return bad
        return handler(req, rel)

    def _route(self, rel: str) -> tuple[str, Callable[[Request, str], Response], tuple[str, ...]] | None:
        """(fault scope, handler, allowed methods) for a path below ``/api/v1/``."""
        parts = rel.split("/")
        read = ("GET", "HEAD")
        if parts[0] == "services":
            if rel in self._detect_paths:
                return "detect", self._detect, ("POST",)
            return "create", self._create, ("POST",)
        if rel == "tasks":
            return "list", self._list, read
        if parts[0] == "tasks" and len(parts) == 2:
            return "query", self._query, read
        if parts[0] == "tasks" and len(parts) == 3 and parts[2] == "cancel":
            return "cancel", self._cancel, ("POST",)
        if rel == "uploads":
            return "policy", self._policy, read
        return None

    # -- control --------------------------------------------------------------------------------
    def _control(self, req: Request, path: str) -> Response:
        if path == "/sandbox/faults":
            if req.method == "POST":
                text = req.body().decode("utf-8", "replace").strip()
                seed = None
                try:
                    if text.startswith("{"):
                        doc = json.loads(text)
                        text, seed = str(doc.get("spec", "")), doc.get("seed")
                    self.set_faults(text, seed=None if seed is None else int(seed))
                except (FaultSpecError, ValueError, AttributeError) as exc:
                    return Response.json(400, {"code": "InvalidFaultSpec", "message": str(exc)})
            return Response.json(200, {"faults": self.faults.describe(), "spec": str(self.faults),
                                       "kinds": describe_kinds()})
        if path == "/sandbox/stats":
            if req.method == "DELETE":
                self.stats.reset()
            snap = self.stats.snapshot()
            snap["tasks"] = len(self.tasks)
            snap["faults_active"] = str(self.faults)
            return Response.json(200, snap)
        if path == "/sandbox/advance" and req.method == "POST":
            try:
                self.advance(float(req.body().decode() or "0"))
            except ValueError:
                return Response.json(400, {"code": "InvalidParameter", "message": "body must be a number of seconds"})
            return Response.json(200, {"offset": self._offset})
        if path == "/sandbox/tasks":
            now = self.clock()
            return Response.json(200, {"tasks": [t.control_entry(now) for t in self.tasks.all()]})
        if path == "/sandbox/foreign" and req.method == "POST":
            try:
                doc = req.json()
                if not isinstance(doc, dict):
                    raise ValueError("not an object")
                at = float(doc["at"]) if doc.get("at") is not None else None
                secs = float(doc["task_seconds"]) if doc.get("task_seconds") is not None else None
            except (ValueError, TypeError, UnicodeDecodeError, BodyTooLarge):
                return Response.json(400, {"code": "InvalidParameter",
                                           "message": 'body must be JSON {"model", "input", "parameters"}'})
            resp = self._foreign(doc.get("model"), doc.get("input"), doc.get("parameters"), at=at, task_seconds=secs)
            if resp.status != 200:
                return resp
            task_id = json.loads(resp.body.decode("utf-8"))["output"]["task_id"]
            return Response.json(200, {"task_id": task_id})
        return Response.json(404, {"code": "NotFound", "message": f"no sandbox control at {path}"})

    # -- body parsing -----------------------------------------------------------------------------
    def _envelope(self, req: Request, rid: str) -> tuple[dict[str, Any] | None, Response | None]:
        try:
            body = req.json()
        except (ValueError, UnicodeDecodeError, BodyTooLarge):
            return None, self._error(400, "InvalidParameter", MSG_BODY, rid)
        if not isinstance(body, dict):
            return None, self._error(400, "InvalidParameter", MSG_BODY, rid)
        return body, None

    def _model(self, body: dict[str, Any], rel: str, rid: str, sync: bool) -> tuple[ModelSpec | None, Response | None]:
        model = body.get("model")
        if model in (None, ""):
            return None, self._error(400, "BadRequest.EmptyModel",
                                     'Required parameter "model" missing from request.', rid)
        if not isinstance(model, str):
            return None, self._error(400, "InvalidParameter", "model must be a string.", rid)
        spec = catalog.get(model)
        if spec is None:
            return None, self._error(404, "ModelNotFound", "Model not exist.", rid)
        if spec.sync != sync or _endpoint(spec) != rel:
            return None, self._error(400, "InvalidParameter", MSG_URL, rid)
        return spec, None

    @staticmethod
    def _first_error(errs: list[FieldError]) -> str:
        return "; ".join(f"{e.field}: {e.message.en}" for e in errs[:3])

    def _fetcher(self, req: Request, model: str) -> readers.Fetch:
        """How this request's files are fetched: oss:// only with the resolve header, data: URIs where
        the slot allows them, http(s) on loopback."""
        assert self._resolver is not None
        resolver = self._resolver
        oss = (req.header("X-DashScope-OssResourceResolve") or "").strip().lower() == "enable"

        def fetch(slot: FileSlot) -> ResolvedFile:
            return resolver.resolve(slot.value, slot.field, model, oss_resolve=oss, data_uri=slot.spec.data_uri)

        return fetch

    def _read_files(self, spec: ModelSpec, function: str | None, inputs: dict[str, Any], params: dict[str, Any],
                    req: Request, rid: str, model: str) -> tuple[readers.Read | None, Response | None]:
        """Fetch and probe every file of the request (every file slot of every input), then validate the
        request with what the files are; file-limit errors become the service's InvalidFile.* codes."""
        try:
            got = readers.read(spec, function, inputs, self._fetcher(req, model))
        except InputError as exc:
            return None, self._error(exc.status, exc.code, exc.message, rid)
        errs = [e for e in catalog.validate(spec, inputs, params, function=function, media=got.media(), wire=True,
                                            strict=False) if e.code != "too_long"]
        if errs:
            e = errs[0]
            if e.code in FILE_CODES:
                return None, self._error(400, FILE_CODES[e.code], f"{e.field}: {e.message.en}", rid)
            return None, self._error(400, "InvalidParameter", self._first_error(errs), rid)
        return got, None

    # -- task creation ----------------------------------------------------------------------------
    def _create(self, req: Request, rel: str, *, foreign: bool = False, at: float | None = None) -> Response:
        rid = _rid()
        if not self._async(req):
            return self._error(403, "AccessDenied", MSG_SYNC, rid)
        body, bad = self._envelope(req, rid)
        if bad is not None:
            return bad
        assert body is not None
        if rel not in self._create_paths:
            return self._error(400, "InvalidParameter", MSG_URL, rid)
        spec, bad = self._model(body, rel, rid, sync=False)
        if bad is not None:
            return bad
        assert spec is not None
        model = str(body["model"])
        inputs = body.get("input")
        if not isinstance(inputs, dict) or not inputs:
            return self._error(400, "BadRequest.EmptyInput", "Required input parameter missing from request.", rid)
        params = body.get("parameters")
        if params is None:
            params = {}
        if not isinstance(params, dict):
            return self._error(400, "InvalidParameter", "parameters must be a JSON object.", rid)
        inputs = dict(inputs)
        function = inputs.get("function") if spec.functions else None
        errs = [e for e in catalog.validate(spec, inputs, params, function=function, wire=True, strict=False)
                if e.code != "too_long"]
        if errs:
            return self._error(400, "InvalidParameter", self._first_error(errs), rid)
        for ins in spec.inputs_for(function):   # the service truncates over-long text
            if ins.max_chars and isinstance(inputs.get(ins.name), str):
                inputs[ins.name] = inputs[ins.name][:ins.max_chars]
        for ins in spec.inputs_for(function):   # a template id on the wire (its video was used up earlier)
            if ins.kind == Kind.TEMPLATE_ID and not inputs.get(ins.name):
                return self._error(400, "InvalidParameter", f"input.{ins.name}: Template ID is required.", rid)
        got, bad = self._read_files(spec, function, inputs, params, req, rid, model)
        if bad is not None:
            return bad
        assert got is not None
        bad = self._check_boxes(spec, inputs, got.infos(), rid)
        if bad is not None:
            return bad
        fired: dict[str, Any] = {}
        if not foreign:          # another client's creation never uses up this client's fault rules
            fired = {**self.faults.take("create", ("lost", "late", "expire")),
                     **self.faults.take("create", ("moderation", "fail"), exclusive=True)}
        for kind in fired:
            self.stats.add("faults", key=kind)
        task = self._new_task(req, rid, spec, model, rel, function, inputs, params, got, fired,
                              foreign=foreign, at=at)
        self.stats.add("creations", key=model)
        if foreign:
            self.stats.add("foreign_creations", key=model)
        resp = Response.dropped() if "lost" in fired else \
            Response.json(200, {"output": {"task_id": task.task_id, "task_status": PENDING}, "request_id": rid})
        if "late" in fired:      # the task exists now; its answer (or the hang-up) comes ARG seconds later
            arg = fired["late"].arg
            resp.delay = 1.0 if arg is None else arg
        return resp

    def _check_boxes(self, spec: ModelSpec, inputs: dict[str, Any], infos: dict[str, Any], rid: str) -> Response | None:
        info = infos.get("image_url")
        if info is None:
            return None
        for name in ("face_bbox", "ext_bbox"):
            box = inputs.get(name)
            if isinstance(box, list) and len(box) == 4:
                x1, y1, x2, y2 = box
                if x1 < 0 or y1 < 0 or x2 > (info.width or 0) or y2 > (info.height or 0):
                    return self._error(400, "InvalidParameter",
                                       f"input.{name}: the box {box} lies outside the image "
                                       f"({info.width}×{info.height}).", rid)
        return None

    def _new_task(self, req: Request, rid: str, spec: ModelSpec, model: str, rel: str, function: str | None,
                  inputs: dict[str, Any], params: dict[str, Any], got: readers.Read,
                  fired: dict[str, Any], *, foreign: bool = False, at: float | None = None) -> Task:
        now = self.clock()
        full = {**spec.default_params(function), **params}
        seconds = self.task_seconds
        override = req.header("X-Sandbox-Task-Seconds")
        if override:
            try:
                seconds = max(0.0, float(override))
            except ValueError:
                pass
        token = (req.header("Authorization") or "").partition(" ")[2].strip()
        task = Task(task_id=str(uuid.uuid4()), request_id=rid, model=model, spec=spec, endpoint=rel,
                    function=function, inputs=inputs, params=full, created=now if at is None else float(at),
                    seconds=seconds, object_name=uuid.uuid4().hex, foreign=foreign)
        task.info["api_key_id"] = str(int(hashlib.sha1(token.encode()).hexdigest()[:8], 16))
        task.info["prompts"] = self._prompts(spec, inputs, full)
        if "moderation" in fired:
            task.fail = ("DataInspectionFailed", "Input or output data may contain inappropriate content.")
        elif "fail" in fired:
            task.fail = ("InternalError.Algo", MSG_ALGO)
        task.expire_url = "expire" in fired
        self.lanes.place(task, now)
        template: Template | None = None
        template_input = next((i.name for i in spec.inputs_for(function) if i.kind == Kind.TEMPLATE_ID), None)
        if spec.produces == "template_id":          # a template step: its video becomes a motion template
            video = next(r for r in got.all() if r.media == "video")
            vinfo = video.info
            task.template_id = f"AACT.sandbox.{uuid.uuid4().hex}"
            task.info["duration"] = float(vinfo.duration or 0.0)
            self.registry.add_template(Template(task.template_id, task.task_id, video.file.path,
                                                float(vinfo.duration or 0.0), int(vinfo.width or 0),
                                                int(vinfo.height or 0), bool(vinfo.has_audio)))
        elif template_input is not None:             # a step that uses a template made earlier
            template = self.registry.template(str(inputs.get(template_input)))
            src = self.tasks.get(template.task_id) if template else None
            if template is None or src is None or src.status(now) != SUCCEEDED:
                template = None
                task.fail = task.fail or ("InvalidFile.Template.Content", "Invalid template content.")
        plan = None
        if task.fail is None:
            plan = jobs.plan(spec, function, inputs, full, got, template=template, info=task.info, sent=set(params))
        tf: Future[RenderOutput | None] = Future()
        task.future = tf
        self.tasks.add(task)
        if plan is None:
            task.info["render_done_at"] = now
            tf.set_result(None)
        else:
            # rendered when the task would start on an idle service; a queued task keeps it until its end
            self._at(task.created + task.seconds * PENDING_SHARE, lambda: self._start_render(task, plan, tf))
        return task

    def _start_render(self, task: Task, plan: jobs.Plan, tf: Future[RenderOutput | None]) -> None:
        """Hand a scheduled task's render to the pool (nothing to do for a cancelled task)."""
        if task.canceled is not None or self._renderer is None:
            task.info["render_done_at"] = self.clock()
            tf.set_result(None)
            return
        fut = self._renderer.submit(plan)
        fut.add_done_callback(lambda f: self._rendered(task, f, tf))

    def _rendered(self, task: Task, fut: Future[RenderOutput], tf: Future[RenderOutput | None]) -> None:
        """Give the task its result file once the (possibly shared) render is done."""
        if not self._running:          # stopped meanwhile: the data folder may be gone
            tf.cancel()
            return
        try:
            out = fut.result()
            dst = self.data_dir / "results" / f"{task.object_name}.mp4"
            jobs.link_result(out.path, dst)
            task.output = RenderOutput(dst, out.width, out.height, out.duration, out.fps, out.frames, out.has_audio)
            with self._results_lock:
                self._results[task.object_name] = dst
            task.info["render_done_at"] = self.clock()
            tf.set_result(task.output)
        except BaseException as exc:  # noqa: BLE001 - the task reports it
            log.warning("render for task %s failed: %s", task.task_id, exc)
            task.info["render_done_at"] = self.clock()
            tf.set_exception(exc if isinstance(exc, Exception) else RuntimeError(str(exc)))

    @staticmethod
    def _prompts(spec: ModelSpec, inputs: dict[str, Any], params: dict[str, Any]) -> dict[str, str]:
        prompt = inputs.get("prompt")
        if not isinstance(prompt, str) or not prompt or spec.input("prompt", inputs.get("function")) is None:
            return {}
        out = {"orig_prompt": prompt}
        if spec.param("prompt_extend") is not None and params.get("prompt_extend", True) \
                and spec.rewrites_prompt and not inputs.get("template"):
            out["actual_prompt"] = (f"{prompt}。画面细节丰富，光影柔和自然，镜头平稳推进，主体清晰，"
                                    f"整体风格写实，色彩和谐。")
        return out

    # -- detect ----------------------------------------------------------------------------------
    def _detect(self, req: Request, rel: str) -> Response:
        rid = _rid()
        if self._async(req):
            return self._error(403, "AccessDenied", MSG_ASYNC, rid)
        body, bad = self._envelope(req, rid)
        if bad is not None:
            return bad
        assert body is not None
        spec, bad = self._model(body, rel, rid, sync=True)
        if bad is not None:
            return bad
        assert spec is not None and self._resolver is not None
        inputs = body.get("input")
        if not isinstance(inputs, dict) or not inputs:
            return self._error(400, "BadRequest.EmptyInput", "Required input parameter missing from request.", rid)
        params: dict[str, Any] = body["parameters"] if isinstance(body.get("parameters"), dict) else {}
        if not spec.send_parameters:
            params = {}
        errs = catalog.validate(spec, inputs, params, wire=True, strict=False)
        if errs:
            return self._error(400, "InvalidParameter", self._first_error(errs), rid)
        try:
            got = readers.read(spec, None, inputs, self._fetcher(req, str(body["model"])))
        except InputError as exc:
            return self._error(exc.status, exc.code, exc.message, rid)
        reads = got.all()
        if not reads:
            return self._error(400, "BadRequest.EmptyInput", "Required input parameter missing from request.", rid)
        problems = [e for r in reads for e in catalog.check_file(spec.name, r.slot.spec, cast(Any, r.info), r.field)]
        first = reads[0]
        info = first.info
        found = not problems and not detect_mod.looks_faceless(str(first.file.path), first.file.name)
        self.stats.add("detects", key=spec.name)
        full = {**spec.default_params(), **params}
        return Response.json(200, detect_mod.detect_body(spec, full, info, found, problems, rid))

    # -- query / list / cancel --------------------------------------------------------------------
    def _visible(self, task: Task | None, now: float) -> Task | None:
        if task is None or now - task.created > self.task_ttl:
            return None
        return task

    def _ensure_url(self, task: Task, now: float) -> None:
        with task.lock:
            if task.url is None and task.output is not None and task.status(now) == SUCCEEDED:
                expires = int(task.created - 1) if task.expire_url else math.ceil(task.finished_at() + self.url_ttl)
                task.url = self._signer.result_url(self.result_origin, f"{task.object_name}.mp4", expires)

    def _query(self, req: Request, rel: str) -> Response:
        rid = _rid()
        task_id = rel.split("/")[1]
        now = self.clock()
        task = self._visible(self.tasks.get(task_id), now)
        if task is None:
            return Response.json(200, {"request_id": rid, "output": {"task_id": task_id, "task_status": UNKNOWN}})
        self._ensure_url(task, now)
        return Response.json(200, task.query_body(now, rid))

    def _cancel(self, req: Request, rel: str) -> Response:
        rid = _rid()
        now = self.clock()
        task = self._visible(self.tasks.get(rel.split("/")[1]), now)
        if task is not None:
            with task.lock:
                pending = task.status(now) == PENDING
                if pending:
                    task.canceled = now
            if pending:
                self.lanes.cancelled(task, now)
                return Response.json(200, {"request_id": rid})
        return self._error(400, "UnsupportedOperation",
                           "Failed to cancel the task, please confirm if the task is in PENDING status.", rid)

    def _list(self, req: Request, rel: str) -> Response:
        rid = _rid()
        q = req.query
        now = self.clock()
        try:
            page_no = int(q.get("page_no") or 1)
            page_size = int(q.get("page_size") or 10)
            start = parse_list_time(q["start_time"]) if q.get("start_time") else None
            end = parse_list_time(q["end_time"]) if q.get("end_time") else None
        except ValueError:
            return self._error(400, "InvalidParameter",
                               "start_time/end_time must be YYYYMMDDhhmmss; page_no/page_size must be integers.", rid)
        if page_no < 1 or page_size < 1:
            return self._error(400, "InvalidParameter", "page_no and page_size must be >= 1.", rid)
        page_size = min(page_size, MAX_PAGE_SIZE)
        if start is None and end is None:
            start, end = now - DAY, now + 1
        elif start is None:
            start = end - DAY  # type: ignore[operator]
        elif end is None:
            end = start + DAY
        assert start is not None and end is not None
        if end - start > DAY + 1:
            return self._error(400, "InvalidParameter", "The time range between start_time and end_time must be "
                                                       "within 24 hours.", rid)
        self.lanes.forget(self.tasks.purge(now - self.task_ttl))      # forget what can no longer be queried
        tasks = self.tasks.all()
        want_id, want_model, want_status = q.get("task_id"), q.get("model_name"), q.get("status")
        picked = []
        for t in sorted(tasks, key=lambda t: t.created, reverse=True):
            if want_id and t.task_id != want_id:
                continue
            if not want_id and not (start <= t.created < end + 1):
                continue
            if want_model and t.model != want_model:
                continue
            entry = t.list_entry(now)
            if want_status and entry["status"] != want_status.upper():
                continue
            picked.append(entry)
        total = len(picked)
        data = picked[(page_no - 1) * page_size: page_no * page_size]
        return Response.json(200, {"request_id": rid, "total": total, "data": data,
                                   "total_page": math.ceil(total / page_size),
                                   "page_no": page_no, "page_size": page_size})

    # -- upload policy ----------------------------------------------------------------------------
    def _policy(self, req: Request, rel: str) -> Response:
        rid = _rid()
        if req.query.get("action") != "getPolicy":
            return self._error(400, "InvalidParameter", "The action parameter must be getPolicy.", rid)
        model = req.query.get("model")
        if not model:
            return self._error(400, "InvalidParameter", "The model parameter is required.", rid)
        if catalog.get(model) is None:
            return self._error(404, "ModelNotFound", "Model not exist.", rid)
        now = self.clock()
        date = datetime.fromtimestamp(now, CST).strftime("%Y-%m-%d")
        upload_dir = f"dashscope-instant/{secrets.token_hex(16)}/{date}/{uuid.uuid4()}"
        expires = now + self.policy_ttl
        policy, signature = self._signer.policy(upload_dir, self.upload_max_bytes, expires)
        self.registry.add_policy(Policy(upload_dir, model, self.upload_max_bytes, expires))
        return Response.json(200, {"request_id": rid, "data": {
            "policy": policy, "signature": signature, "upload_dir": upload_dir, "upload_host": self.upload_origin,
            "expire_in_seconds": int(self.policy_ttl), "max_file_size_mb": max(1, math.ceil(self.upload_max_bytes / MB)),
            "capacity_limit_mb": 999999999, "oss_access_key_id": UPLOAD_ACCESS_KEY_ID,
            "x_oss_object_acl": "private", "x_oss_forbid_overwrite": "true"}})
