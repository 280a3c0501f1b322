"""Tasks: store (SQLite), scheduler, uploads, polling, downloads, chains. No Qt."""
from .engine import Engine, EngineSettings, SubmitResult, TaskEvent
from .records import InputFile, Request, State, TaskRecord
from .store import TaskStore

__all__ = ["Engine", "EngineSettings", "InputFile", "Request", "State", "SubmitResult", "TaskEvent", "TaskRecord",
           "TaskStore"]
