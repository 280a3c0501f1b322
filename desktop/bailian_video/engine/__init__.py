"""Tasks: store (SQLite), scheduler, uploads, polling, downloads, chains. No Qt.

``Engine`` and friends load lazily: importing the records (as the UI does at start-up)
does not pull in the HTTP client.
"""
from typing import Any

from .records import Request, State, TaskRecord
from .store import TaskStore

_LAZY = {"Engine", "EngineSettings", "SubmitResult", "TaskEvent"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import engine
        return getattr(engine, name)
    raise AttributeError(name)


__all__ = ["Engine", "EngineSettings", "Request", "State", "SubmitResult", "TaskEvent", "TaskRecord",
           "TaskStore"]
