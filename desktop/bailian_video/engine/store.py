"""The task store: SQLite in WAL mode, one row per task, committed on every transition.

Queryable fields are columns; the rest of a record is one JSON document, so adding a
field to :class:`TaskRecord` needs no migration. Schema changes go through ``MIGRATIONS``
(``PRAGMA user_version`` counts how many have run).
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

from .records import SERVICE, ChainState, InputFile, Request, State, TaskRecord  # noqa: F401  (InputFile re-exported)

COLUMNS = ("state", "model", "family", "request_key", "batch", "task_id", "created_at", "updated_at",
           "done_at", "cost_actual", "cost_estimate")
_RECORD_FIELDS = {f.name for f in fields(TaskRecord)}


def _v1(db: sqlite3.Connection) -> None:
    db.execute("""CREATE TABLE tasks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        state TEXT NOT NULL, model TEXT NOT NULL, family TEXT, request_key TEXT, batch TEXT,
        task_id TEXT, created_at REAL NOT NULL, updated_at REAL NOT NULL, done_at REAL,
        cost_actual REAL, cost_estimate REAL, removed INTEGER NOT NULL DEFAULT 0,
        data TEXT NOT NULL)""")
    db.execute("CREATE INDEX tasks_state ON tasks(state)")
    db.execute("CREATE INDEX tasks_key ON tasks(request_key)")
    db.execute("CREATE INDEX tasks_task_id ON tasks(task_id)")


def _v2(db: sqlite3.Connection) -> None:
    # Small key/value table: learned typical durations, free-quota resets, the app's own bookkeeping.
    db.execute("CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("CREATE INDEX tasks_model_done ON tasks(model, done_at)")


def _v3(db: sqlite3.Connection) -> None:
    # rev: a store-wide change counter, so other processes on the same folder see what changed.
    db.execute("ALTER TABLE tasks ADD COLUMN rev INTEGER NOT NULL DEFAULT 0")
    db.execute("UPDATE tasks SET rev=id")
    db.execute("CREATE INDEX tasks_rev ON tasks(rev)")
    # Requests from processes that do not own the folder (cancel, adopt …), carried out by the owner.
    db.execute("""CREATE TABLE commands (
        id INTEGER PRIMARY KEY AUTOINCREMENT, task INTEGER NOT NULL, action TEXT NOT NULL, arg TEXT,
        created_at REAL NOT NULL, done_at REAL, result TEXT)""")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3]
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(RuntimeError):
    pass


def record_to_json(rec: TaskRecord) -> str:
    d: dict[str, Any] = {}
    for name in _RECORD_FIELDS:
        v = getattr(rec, name)
        if name in ("request", "chain"):
            v = v.to_json()
        elif name == "state":
            v = v.value
        d[name] = v
    # ASCII escapes: any str round-trips, including file names that are not valid UTF-8 (surrogates)
    return json.dumps(d, ensure_ascii=True, separators=(",", ":"))


def record_from_json(row_id: int, data: str, default_backend: str | None = None) -> TaskRecord:
    d = json.loads(data)
    d["id"] = row_id
    d["request"] = Request.from_json(d["request"])
    d["state"] = State(d["state"])
    d["chain"] = ChainState.from_json(d.get("chain"))
    if default_backend and "backend" not in d:
        d["backend"] = default_backend
    return TaskRecord(**{k: v for k, v in d.items() if k in _RECORD_FIELDS})


class TaskStore:
    """Thread-safe for the few calls the UI makes from its thread; the engine owns writes."""

    def __init__(self, path: Path | str, backend: str | None = None):
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL is crash-safe for a killed process in WAL mode (only power loss can lose the last commit).
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self.migrate()
        self.backend = self._check_backend(backend)

    def _check_backend(self, backend: str | None) -> str:
        """A store holds the tasks of one backend (paid service or sandbox) for its whole life."""
        stored = self.kv_get("backend")
        if backend is None:
            return str(stored or SERVICE)
        if stored is None:
            self.kv_set("backend", backend)
        elif stored != backend:
            raise StoreError(f"The task database {self.path} holds {stored} tasks, not {backend} tasks; "
                             f"the paid service and the sandbox never share a task database.")
        return backend

    # -- schema -----------------------------------------------------------------------------
    @property
    def version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        with self._lock:
            current = self.version
            if current > SCHEMA_VERSION:
                raise StoreError(f"The task database {self.path} was written by a newer version of the app "
                                 f"(schema {current} > {SCHEMA_VERSION}); update the app to open it.")
            for i in range(current, SCHEMA_VERSION):
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    MIGRATIONS[i](self._db)
                    self._db.execute(f"PRAGMA user_version={i + 1}")
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- tasks ------------------------------------------------------------------------------
    def add(self, rec: TaskRecord) -> TaskRecord:
        """Insert a new record in one transaction: either the whole record is stored, or nothing."""
        with self._lock:
            rec.updated_at = time.time()
            data = record_to_json(rec)      # fails here, before anything is written, if it cannot be stored
            cur = self._db.execute(
                f"INSERT INTO tasks ({', '.join(COLUMNS)}, rev, data) "
                f"VALUES ({', '.join('?' * len(COLUMNS))}, {self._NEXT_REV}, ?)", (*self._columns(rec), data))
            rec.id = int(cur.lastrowid or 0)
            return rec

    _NEXT_REV = "(SELECT COALESCE(MAX(rev), 0) + 1 FROM tasks)"

    def save(self, rec: TaskRecord) -> None:
        """Commit the record as it is now (autocommit: durable when this returns)."""
        with self._lock:
            rec.updated_at = time.time()
            self._db.execute(
                f"UPDATE tasks SET {', '.join(c + '=?' for c in COLUMNS)}, rev={self._NEXT_REV}, data=? WHERE id=?",
                (*self._columns(rec), record_to_json(rec), rec.id))

    # -- several processes on one folder --------------------------------------------------------
    def data_version(self) -> int:
        """Changes when another connection commits (SQLite's PRAGMA data_version): cheap to poll."""
        with self._lock:
            return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def max_rev(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COALESCE(MAX(rev), 0) FROM tasks").fetchone()[0])

    def changed_since(self, rev: int) -> list[tuple[TaskRecord, bool, int]]:
        """Records changed after ``rev``: (record, removed, rev), oldest change first."""
        with self._lock:
            rows = self._db.execute("SELECT id, data, removed, rev FROM tasks WHERE rev > ? ORDER BY rev",
                                    (rev,)).fetchall()
        return [(self._record(i, d), bool(r), int(v)) for i, d, r, v in rows]

    def post_command(self, task: int, action: str, arg: Any = None) -> int:
        with self._lock:
            cur = self._db.execute("INSERT INTO commands(task, action, arg, created_at) VALUES(?, ?, ?, ?)",
                                   (task, action, json.dumps(arg), time.time()))
            return int(cur.lastrowid or 0)

    def pending_commands(self) -> list[tuple[int, int, str, Any]]:
        with self._lock:
            rows = self._db.execute("SELECT id, task, action, arg FROM commands WHERE done_at IS NULL "
                                    "ORDER BY id").fetchall()
        return [(i, t, a, json.loads(g) if g else None) for i, t, a, g in rows]

    def finish_command(self, command_id: int, result: str) -> None:
        with self._lock:
            self._db.execute("UPDATE commands SET done_at=?, result=? WHERE id=?", (time.time(), result, command_id))

    def command_result(self, command_id: int) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT done_at, result FROM commands WHERE id=?", (command_id,)).fetchone()
        return None if row is None or row[0] is None else str(row[1] or "")

    def get(self, task_id: int) -> TaskRecord | None:
        with self._lock:
            row = self._db.execute("SELECT id, data FROM tasks WHERE id=?", (task_id,)).fetchone()
        return self._record(*row) if row else None

    def all(self, include_removed: bool = False) -> list[TaskRecord]:
        q = "SELECT id, data FROM tasks" + ("" if include_removed else " WHERE removed=0") + " ORDER BY id"
        with self._lock:
            rows = self._db.execute(q).fetchall()
        return [self._record(*r) for r in rows]

    def unfinished(self) -> list[TaskRecord]:
        terminal = [s.value for s in State if s.terminal]
        q = f"SELECT id, data FROM tasks WHERE state NOT IN ({', '.join('?' * len(terminal))}) ORDER BY id"
        with self._lock:
            rows = self._db.execute(q, terminal).fetchall()
        return [self._record(*r) for r in rows]

    def done_missing_candidates(self) -> list[TaskRecord]:
        with self._lock:
            rows = self._db.execute("SELECT id, data FROM tasks WHERE state=? AND removed=0",
                                    (State.DONE.value,)).fetchall()
        return [self._record(*r) for r in rows]

    def find_by_key(self, request_key: str) -> list[TaskRecord]:
        with self._lock:
            rows = self._db.execute("SELECT id, data FROM tasks WHERE request_key=? AND removed=0 ORDER BY id",
                                    (request_key,)).fetchall()
        return [self._record(*r) for r in rows]

    def known_task_ids(self) -> set[str]:
        with self._lock:
            rows = self._db.execute("SELECT task_id FROM tasks WHERE task_id IS NOT NULL").fetchall()
            extra = self._db.execute("SELECT data FROM tasks WHERE data LIKE '%step_task_ids%'").fetchall()
        ids = {r[0] for r in rows}
        for (data,) in extra:
            ids.update(json.loads(data).get("chain", {}).get("step_task_ids", []))
        return ids

    def remove(self, task_id: int) -> None:
        """Hide from history; kept for cost totals and so its task id is never adopted twice."""
        with self._lock:
            self._db.execute(f"UPDATE tasks SET removed=1, rev={self._NEXT_REV} WHERE id=?", (task_id,))

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM tasks").fetchone()[0])

    # -- money ------------------------------------------------------------------------------
    def totals_by_day(self, days: int = 30) -> list[tuple[str, float]]:
        since = time.time() - days * 86400
        with self._lock:
            rows = self._db.execute(
                "SELECT date(done_at, 'unixepoch', 'localtime') AS d, SUM(cost_actual) FROM tasks "
                "WHERE cost_actual IS NOT NULL AND done_at >= ? GROUP BY d ORDER BY d", (since,)).fetchall()
        return [(d, round(c or 0.0, 4)) for d, c in rows]

    def totals_by_model(self) -> dict[str, float]:
        with self._lock:
            rows = self._db.execute("SELECT model, SUM(cost_actual) FROM tasks WHERE cost_actual IS NOT NULL "
                                    "GROUP BY model").fetchall()
        return {m: round(c or 0.0, 4) for m, c in rows}

    def usage_units(self) -> dict[str, float]:
        """Billed units per model (seconds, or images for detect steps), from recorded usage."""
        out: dict[str, float] = {}
        with self._lock:
            rows = self._db.execute("SELECT data FROM tasks WHERE cost_actual IS NOT NULL").fetchall()
        for (data,) in rows:
            d = json.loads(data)
            for model, units in (d.get("chain", {}).get("billed_units") or {}).items():
                out[model] = out.get(model, 0.0) + float(units)
        return out

    # -- key/value --------------------------------------------------------------------------
    def kv_get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            row = self._db.execute("SELECT value FROM kv WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def kv_set(self, key: str, value: Any) -> None:
        with self._lock:
            self._db.execute("INSERT INTO kv(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                             (key, json.dumps(value)))

    def durations(self, model: str, limit: int = 20) -> list[float]:
        """Recent generation times (submit → service finished) of a model, for progress estimates."""
        with self._lock:
            rows = self._db.execute("SELECT data FROM tasks WHERE model=? AND state=? ORDER BY done_at DESC LIMIT ?",
                                    (model, State.DONE.value, limit)).fetchall()
        out = []
        for (data,) in rows:
            d = json.loads(data)
            if d.get("submitted_at") and d.get("finished_at"):
                out.append(d["finished_at"] - d["submitted_at"])
        return out

    def _record(self, row_id: int, data: str) -> TaskRecord:
        return record_from_json(row_id, data, getattr(self, "backend", None))

    @staticmethod
    def _columns(rec: TaskRecord) -> Iterable[Any]:
        return (rec.state.value, rec.request.model, rec.family, rec.request_key, rec.batch, rec.task_id,
                rec.created_at, rec.updated_at, rec.done_at, rec.cost_actual, rec.cost_estimate)
