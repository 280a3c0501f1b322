"""Tasks: store (SQLite), scheduler, uploads, polling, downloads, chains. No Qt.

Everything loads on first use (PEP 562): the window's frame reads ``engine.paths`` before its first paint
without bringing in SQLite, the records or the HTTP client.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import Engine, EngineSettings, SubmitResult, TaskEvent
    from .records import Request, State, TaskRecord
    from .store import TaskStore

#: name → the module of this package that defines it
_LAZY = {"Engine": "engine", "EngineSettings": "engine", "SubmitResult": "engine", "TaskEvent": "engine",
         "Request": "records", "State": "records", "TaskRecord": "records", "TaskStore": "store"}


def __getattr__(name: str) -> Any:
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{where}"), name)
    globals()[name] = value         # looked up once
    return value


__all__ = ["Engine", "EngineSettings", "Request", "State", "SubmitResult", "TaskEvent", "TaskRecord",
           "TaskStore"]
