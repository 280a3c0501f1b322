"""The one place where the UI meets the engine: owns the AppContext, adapts engine events to Qt signals.

The backend is either the real service (with the user's key) or the built-in sandbox. Sandbox
tasks live in their own task store (``<data>/sandbox``, decided in ``services``) so they never
mix with paid ones.
"""
from __future__ import annotations

import asyncio
import gc
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from .. import catalog, keys
from .config import UiConfig
from .util import collections_held, tx

if TYPE_CHECKING:
    from ..engine import EngineSettings, TaskEvent

log = logging.getLogger("bailian_video.ui")

SANDBOX = "sandbox"
SERVICE = "service"


def _load_http_stack() -> None:
    """In a worker, soon after start: httpx loads httpcore at its first request, and httpcore loads anyio, which
    reads and parses its own source when imported (~60 ms). Loaded here, the first request a person's click
    makes is not one block of that on the UI thread."""
    import httpcore  # noqa: F401


class Session(QObject):
    task_added = Signal(object)       # TaskRecord
    task_changed = Signal(object)
    task_removed = Signal(object)
    reset = Signal()                  # a new engine: item models reload everything
    backend_changed = Signal()
    totals_changed = Signal()
    key_changed = Signal()

    def __init__(self, config: UiConfig, *, force_sandbox: bool = False,
                 sandbox_task_seconds: float | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.config = config
        self.data_dir = config.data_dir
        self.force_sandbox = force_sandbox
        self.sandbox_task_seconds = sandbox_task_seconds
        self.ctx: Any = None
        self.mode: str = ""
        self.region: str = config.region
        self.workspace: str = config.workspace
        self.api_key: str | None = None
        self.key_source: str | None = None        # "env" | "keychain" | "session"
        # Filled in by load_key (in a worker: finding the keychain can take a while).
        self.keychain = keys.KeychainStatus(True, "…")
        self.totals: dict[str, Any] = {}
        self.start_error: str = ""
        self._unsubscribe: Any = None
        self._switching = asyncio.Lock()
        self._totals_busy = self._totals_again = False

    # -- the key ---------------------------------------------------------------------------
    async def load_key(self) -> None:
        """Environment first, then the keychain (read in a worker: it may talk to a D-Bus service)."""
        self.keychain = await asyncio.to_thread(keys.keychain_status)
        env = os.environ.get("DASHSCOPE_API_KEY")
        if env:
            self.api_key, self.key_source = env, "env"
            return
        stored = await asyncio.to_thread(keys.load_key) if self.keychain.usable else None
        if stored:
            self.api_key, self.key_source = stored, "keychain"

    async def store_key(self, key: str | None) -> str:
        """Keep a new key: in the keychain when there is a usable one, else for this session only.

        Returns where it went: 'keychain', 'session' or 'removed'. Never writes a file.
        """
        if not key:
            if self.keychain.usable:
                try:
                    await asyncio.to_thread(keys.delete_key)
                except Exception as e:  # noqa: BLE001 — a keychain that refuses to delete is worth a log line only
                    log.warning("could not delete the key from the keychain: %s", type(e).__name__)
            self.api_key, self.key_source = None, None
            self.key_changed.emit()
            return "removed"
        where = "session"
        if self.keychain.usable:
            try:
                await asyncio.to_thread(keys.save_key, key)
                where = "keychain"
            except Exception as e:  # noqa: BLE001 — any backend failure means: keep it for the session
                log.warning("the keychain refused the key (%s); keeping it for this session only",
                            type(e).__name__)
                self.keychain = keys.KeychainStatus(False, self.keychain.backend, str(e) or type(e).__name__)
        self.api_key, self.key_source = key, where
        self.key_changed.emit()
        return where

    # -- the backend -----------------------------------------------------------------------
    @property
    def engine(self) -> Any:
        return self.ctx.engine if self.ctx is not None else None

    @property
    def is_sandbox(self) -> bool:
        return self.mode == SANDBOX

    @property
    def needs_host(self) -> bool:
        """Requests go to the real hosts (so a workspace-only model needs a workspace id); False for the
        sandbox and a custom base URL, which answer every model themselves."""
        eng = self.engine
        if eng is not None:
            return eng.clients.custom_base_url is None
        return self.wanted_mode() != SANDBOX and not os.environ.get("DASHSCOPE_HTTP_BASE_URL")

    @property
    def can_submit(self) -> bool:
        return self.ctx is not None and (self.is_sandbox or bool(self.api_key))

    def wanted_mode(self) -> str:
        if self.force_sandbox:
            return SANDBOX
        return self.config.backend or (SERVICE if self.api_key else "")

    def engine_settings(self) -> EngineSettings:
        from ..engine import EngineSettings  # the engine (and its HTTP client) loads after the first paint
        s = EngineSettings()
        self.apply_config(s)
        return s

    def apply_config(self, s: EngineSettings | None = None) -> None:
        """Copy the user's settings onto the engine (live: the engine reads them as it goes)."""
        s = s if s is not None else (self.engine.settings if self.engine else None)
        if s is None:
            return
        c = self.config
        s.out_dir = Path(c.out_dir)
        s.name_template = c.name_template
        s.region = self.region
        s.workspace = self.workspace or None
        s.global_concurrency = max(0, c.global_concurrency)       # 0: no hold, the service queues
        s.model_concurrency = dict(c.model_concurrency)
        s.poll_deadline = max(60.0, c.poll_deadline_hours * 3600.0)

    async def start(self, mode: str | None = None, region: str | None = None,
                    workspace: str | None = None) -> None:
        """(Re)build the context for ``mode`` ('sandbox' | 'service'); replaces a running one."""
        async with self._switching:
            mode = mode or self.wanted_mode() or SANDBOX
            self.region = region or self.config.region
            self.workspace = (workspace if workspace is not None else self.config.workspace).strip()
            await self._close_ctx()
            from ..services import AppContext
            # AppContext decides where each backend's tasks live (they never share a store).
            kwargs: dict[str, Any] = dict(data_dir=self.data_dir, region=self.region, sandbox=mode == SANDBOX,
                                          out_dir=self.config.out_dir, settings=self.engine_settings(),
                                          workspace=self.workspace or None)
            if mode == SANDBOX:
                kwargs["sandbox_task_seconds"] = (self.sandbox_task_seconds if self.sandbox_task_seconds is not None
                                                  else self.config.sandbox_task_seconds)
            else:
                kwargs["api_key"] = self.api_key
                base = os.environ.get("DASHSCOPE_HTTP_BASE_URL")
                if base:
                    kwargs["base_url"] = base
            self.start_error = ""
            with collections_held():
                try:
                    self.ctx = await AppContext.create(**kwargs)
                except Exception as e:
                    log.exception("could not start the backend")
                    self.start_error = str(e) or type(e).__name__
                    self.ctx = None
                    self.mode = ""
                    self.reset.emit()
                    self.backend_changed.emit()
                    raise
                self.mode = mode
                self._unsubscribe = self.ctx.engine.subscribe(self._on_event)
                self.reset.emit()
                self.backend_changed.emit()
                # The history (10,000 records make ~170k objects) stays for the session: keep it out of every
                # later garbage collection, which would otherwise walk all of it on the UI thread. No collection
                # runs while it is read (collections_held).
                gc.freeze()
        await self.refresh_totals()
        # After the history is listed: this worker's imports would compete with it for the interpreter.
        asyncio.get_running_loop().run_in_executor(None, _load_http_stack)

    async def close(self) -> None:
        async with self._switching:
            await self._close_ctx()

    async def _close_ctx(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        ctx, self.ctx = self.ctx, None
        if ctx is not None:
            try:
                await ctx.close()
            except Exception:  # closing must never stop the app from quitting
                log.exception("closing the backend failed")

    def backend_label(self) -> str:
        if self.ctx is None:
            return ""
        return self.ctx.base_url

    # -- events ----------------------------------------------------------------------------
    def _on_event(self, ev: TaskEvent) -> None:
        if ev.kind == "added":
            self.task_added.emit(ev.record)
        elif ev.kind == "removed":
            self.task_removed.emit(ev.record)
        else:
            self.task_changed.emit(ev.record)

    def tasks(self) -> list[Any]:
        return self.engine.tasks() if self.engine else []

    async def refresh_totals(self) -> None:
        """Read the totals again (in a worker). Calls while a read runs make one more read after it, a
        second later: a batch finishing hundreds of tasks reads them a few times, not hundreds."""
        if self._totals_busy:
            self._totals_again = True
            return
        self._totals_busy = True
        try:
            while True:
                self._totals_again = False
                eng = self.engine
                if eng is None:
                    self.totals = {}
                else:
                    try:
                        self.totals = await asyncio.to_thread(eng.totals)
                    except Exception:  # totals are informative; a locked or closed store must not break the window
                        log.exception("could not read the totals")
                        return
                self.totals_changed.emit()
                if not self._totals_again:
                    return
                await asyncio.sleep(1.0)
        finally:
            self._totals_busy = False

    def free_left(self, model: str) -> float | None:
        fl = (self.totals or {}).get("free_left") or {}
        return fl.get(model)

    # -- test connection -------------------------------------------------------------------
    async def test_connection(self, key: str | None, region: str, sandbox: bool, workspace: str | None = None,
                              *, timeout: float = 15.0) -> tuple[str, str, str]:
        """Ask for one entry of the task list (free, read-only), once, on the host ``region`` would use:
        its workspace host when a workspace id is given (or the region has no shared host), else the
        shared one. In the sandbox every region's paths answer on the sandbox's own URL, with the
        sandbox's key (the person's key is never sent there); its faults (``auth``, ``drop``, ``slow``)
        answer like the service would.

        Returns ``(outcome, host, detail)``. ``outcome``: ``ok``; ``sandbox-off`` (the sandbox is chosen
        but not running yet); ``no-key``; ``rejected`` (401: a wrong key, or one of another region);
        ``workspace-needed``; ``workspace-invalid``; ``workspace-not-found``; ``unreachable``; ``timeout``;
        ``error``. ``host`` is the host asked (``host[:port]``), ``detail`` the reason; neither holds the key.
        """
        from urllib.parse import urlsplit

        from ..api import errors as api_errors
        from ..api.client import DashScopeClient
        from ..services import SANDBOX_KEY
        if sandbox:
            if self.ctx is None or not self.is_sandbox:
                return "sandbox-off", "", ""
            base, key = self.ctx.base_url, SANDBOX_KEY
        else:
            try:
                base = catalog.base_url(region, workspace or None, "workspace" if workspace else "shared")
            except catalog.WorkspaceNeeded as e:
                return "workspace-needed", "", tx(e.message)
            except ValueError as e:      # an id that cannot be a host name
                return "workspace-invalid", "", str(e)
            base = os.environ.get("DASHSCOPE_HTTP_BASE_URL") or base
        host = urlsplit(base).netloc
        if not key:
            return "no-key", host, ""
        try:
            client = DashScopeClient(key, region=region, base_url=base, timeout=timeout, max_retries=0)
        except (api_errors.DashScopeError, ValueError) as e:   # e.g. http:// to a remote host
            return "error", host, tx(e.explain()) if isinstance(e, api_errors.DashScopeError) else str(e)
        try:
            await client.list_tasks(page_size=1)
            return "ok", host, ""
        except api_errors.ApiTimeoutError:
            return "timeout", host, ""
        except api_errors.NetworkError as e:
            root: BaseException = e          # the socket's own words: refused, no such name, TLS…
            seen = {id(root)}
            while (nxt := root.__cause__ or root.__context__) is not None and id(nxt) not in seen:
                root = nxt
                seen.add(id(root))
            return "unreachable", host, f"{type(root).__name__}: {root}"
        except api_errors.AuthenticationError as e:    # a 401 is the region's answer; a malformed key never left
            return ("rejected" if e.http_status == 401 else "error"), host, tx(e.explain())
        except api_errors.DashScopeError as e:
            if (e.code or "").lower().startswith("workspace") or (workspace and e.http_status == 404):
                return "workspace-not-found", host, str(e)
            return "error", host, tx(e.explain())
        except Exception as e:  # noqa: BLE001 — trouble of any other kind is an answer too
            return "unreachable", host, f"{type(e).__name__}: {e}"
        finally:
            await client.aclose()
