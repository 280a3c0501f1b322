"""Wires store, client, engine and (optionally) the embedded sandbox. Used by the GUI and the CLI."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .engine import Engine, EngineSettings, TaskStore
from .engine.paths import data_dir as resolve_data_dir

log = logging.getLogger("bailian_video")

SANDBOX_KEY = "sk-sandbox-local"


@dataclass
class AppContext:
    data_dir: Path
    store: TaskStore
    client: Any
    engine: Engine
    sandbox: Any = None
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def sandbox_base_url(self) -> str | None:
        return self.sandbox.base_url if self.sandbox is not None else None

    @property
    def base_url(self) -> str:
        return self.client.base_url

    @classmethod
    async def create(cls, data_dir: Path | str | None = None, api_key: str | None = None, region: str = "cn-beijing",
                     base_url: str | None = None, sandbox: bool = False, out_dir: Path | str | None = None,
                     sandbox_task_seconds: float = 3.0, sandbox_faults: str = "",
                     settings: EngineSettings | None = None, start: bool = True) -> AppContext:
        from .api.client import DashScopeClient

        ddir = resolve_data_dir(data_dir)
        ddir.mkdir(parents=True, exist_ok=True)
        settings = settings or EngineSettings()
        settings.region = region
        if out_dir:
            settings.out_dir = Path(out_dir)
        sb = None
        if sandbox:
            from .sandbox.server import Sandbox
            sb = Sandbox(task_seconds=sandbox_task_seconds, faults=sandbox_faults, data_dir=ddir / "sandbox")
            base_url = sb.start()
            api_key = api_key or SANDBOX_KEY
            settings.expected_override = sandbox_task_seconds
            settings.sandbox = True
            settings.poll_min = min(settings.poll_min, max(0.2, sandbox_task_seconds / 5))
        client = DashScopeClient(api_key, region=region, base_url=base_url)
        # Opening the store and reading the history (10,000 tasks: ~0.3 s) happens off the event loop,
        # which under qasync is the UI thread.
        store = await asyncio.to_thread(TaskStore, ddir / "tasks.sqlite3")
        engine = await asyncio.to_thread(Engine, store, client, settings)
        ctx = cls(ddir, store, client, engine, sb)
        if start:
            await engine.start()
        return ctx

    async def close(self) -> None:
        await self.engine.close()
        await self.client.aclose()
        self.store.close()
        if self.sandbox is not None:
            self.sandbox.stop()
