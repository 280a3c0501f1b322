"""Wires store, clients, engine and (optionally) the embedded sandbox. Used by the GUI and the CLI.

The one place that decides which task store a backend uses: the paid service's tasks live in
``<data>/tasks.sqlite3``, the sandbox's in ``<data>/sandbox/tasks.sqlite3``; they never mix.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .engine import Engine, EngineSettings, TaskStore
from .engine.clients import ClientPool
from .engine.ownership import FolderOwnership
from .engine.paths import data_dir as resolve_data_dir
from .engine.paths import store_path
from .engine.records import SANDBOX, SERVICE

log = logging.getLogger("bailian_video")

SANDBOX_KEY = "sk-sandbox-local"


@dataclass
class AppContext:
    data_dir: Path
    store: TaskStore
    clients: ClientPool
    engine: Engine
    sandbox: Any = None

    @property
    def client(self) -> Any:
        return self.engine.client

    @property
    def base_url(self) -> str:
        return str(self.engine.client.base_url)

    @classmethod
    async def create(cls, data_dir: Path | str | None = None, api_key: str | None = None, region: str = "cn-beijing",
                     base_url: str | None = None, sandbox: bool = False, out_dir: Path | str | None = None,
                     sandbox_task_seconds: float = 3.0, sandbox_faults: str = "",
                     settings: EngineSettings | None = None, start: bool = True, kind: str = "app",
                     client_options: dict[str, Any] | None = None, clock: Any = None,
                     external_sandbox: bool = False, workspace: str | None = None) -> AppContext:
        """``sandbox``: start the built-in sandbox and use its store. ``external_sandbox``: the sandbox
        store, against a sandbox already running at ``base_url`` (``bailian-video sandbox``, tests)."""
        ddir = resolve_data_dir(data_dir)
        ddir.mkdir(parents=True, exist_ok=True)
        settings = settings or EngineSettings()
        settings.region = region
        settings.workspace = workspace or settings.workspace
        if out_dir:
            settings.out_dir = Path(out_dir)
        sb = None
        db = store_path(ddir, sandbox or external_sandbox)
        if external_sandbox:
            settings.sandbox = True
        if sandbox:
            from .sandbox.server import Sandbox
            sb = Sandbox(task_seconds=sandbox_task_seconds, faults=sandbox_faults, data_dir=db.parent / "server")
            base_url = sb.start()
            api_key = api_key or SANDBOX_KEY
            settings.expected_override = sandbox_task_seconds
            settings.sandbox = True
            settings.poll_min = min(settings.poll_min, max(0.2, sandbox_task_seconds / 5))
        backend = SANDBOX if sandbox or external_sandbox else SERVICE
        clients = ClientPool(api_key, backend=backend, base_url=base_url, client_options=client_options,
                             query_qps=settings.query_qps)
        try:
            clients.for_region(region, settings.workspace)   # refuses at once what can never work (the key over plain http, say)
            # Opening the store and reading the history (10,000 tasks: ~0.3 s) happens off the event loop,
            # which under qasync is the UI thread.
            store = await asyncio.to_thread(TaskStore, db, backend)
            ownership = FolderOwnership(db, kind=kind)
            extra = {"clock": clock} if clock is not None else {}
            engine = await asyncio.to_thread(Engine, store, clients, settings, ownership=ownership, **extra)
        except BaseException:
            await clients.aclose()
            if sb is not None:
                sb.stop()
            raise
        ctx = cls(ddir, store, clients, engine, sb)
        if start:
            await engine.start()
        return ctx

    async def close(self) -> None:
        await self.engine.close()
        await self.clients.aclose()
        self.store.close()
        if self.sandbox is not None:
            self.sandbox.stop()
