"""The task store: SQLite in WAL mode, one row per task, committed on every transition.

Queryable fields are columns; the rest of a record is one JSON document, so adding a
field to :class:`TaskRecord` needs no migration. Schema changes go through ``MIGRATIONS``
(``PRAGMA user_version`` counts how many have run).
"""
from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import orjson

from .records import SERVICE, ChainState, Request, State, TaskRecord, from_fields

COLUMNS = ("state", "model", "family", "request_key", "batch", "task_id", "created_at", "updated_at",
           "done_at", "cost_actual", "cost_estimate")
_RECORD_FIELDS = tuple(f.name for f in fields(TaskRecord))   # written in this order


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


def _v4(db: sqlite3.Connection) -> None:
    # Sequences (engine/sequences.py): ordered shots, each with its takes (task ids) and one chosen take.
    db.execute("""CREATE TABLE sequences (
        id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, crossfade REAL NOT NULL DEFAULT 0,
        created_at REAL NOT NULL, updated_at REAL NOT NULL)""")
    db.execute("""CREATE TABLE shots (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        sequence INTEGER NOT NULL REFERENCES sequences(id) ON DELETE CASCADE,
        position REAL NOT NULL, chosen INTEGER, created_at REAL NOT NULL)""")
    db.execute("CREATE INDEX shots_sequence ON shots(sequence, position)")
    db.execute("""CREATE TABLE takes (
        shot INTEGER NOT NULL REFERENCES shots(id) ON DELETE CASCADE, task INTEGER NOT NULL,
        added_at REAL NOT NULL, PRIMARY KEY (shot, task))""")
    db.execute("CREATE INDEX takes_task ON takes(task)")


def _v5(db: sqlite3.Connection) -> None:
    # Spending today / this month (engine/budget.py) reads tasks by creation time on every change.
    db.execute("CREATE INDEX tasks_created ON tasks(created_at)")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3, _v4, _v5]
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(RuntimeError):
    pass


class StoreUnavailable(StoreError):
    """The database cannot be opened at all (a read-only or missing folder, no permission)."""


class StoreDamaged(StoreError):
    """The database is damaged. Nothing was changed: the person chooses to restore a backup (or to
    start an empty history); the damaged file is then kept beside it, renamed with the date."""

    def __init__(self, path: Path, reason: str, backups: list[Path]):
        self.path, self.reason, self.backups = path, reason, backups
        newest = backups[0] if backups else None
        zh = (f"任务数据库已损坏：{path}（{reason}）。" +
              (f"可以恢复 {newest.name} 的备份（未完成的付费任务会继续跟踪）：命令行运行 bailian-video tasks restore，"
               f"或在应用里选“恢复备份”。损坏的文件会改名保留。" if newest else
               "没有可用的备份；运行 bailian-video tasks restore --empty 可从空白历史开始（损坏的文件会改名保留）。"))
        en = (f"The task database is damaged: {path} ({reason}). " +
              (f"The backup {newest.name} can be restored (unfinished paid tasks are tracked again): run "
               f"bailian-video tasks restore, or choose Restore backup in the app. The damaged file is kept, "
               f"renamed." if newest else
               "There is no backup; bailian-video tasks restore --empty starts an empty history (the damaged file "
               "is kept, renamed)."))
        from ..i18n import T
        self.text = T(zh, en)
        super().__init__(str(self.text))


BACKUPS_KEPT = 7


def _busy(e: sqlite3.OperationalError) -> bool:
    text = str(e).lower()
    return "locked" in text or "busy" in text


def backup_dir(path: Path) -> Path:
    return Path(path).parent / "backups"


def list_backups(path: Path) -> list[Path]:
    """Backups of a task database, newest first."""
    d = backup_dir(path)
    stem = Path(path).stem
    if not d.is_dir():
        return []
    return sorted(d.glob(f"{stem}-*.sqlite3"), key=lambda p: p.stat().st_mtime, reverse=True)


def restore_backup(path: Path, backup: Path | None = None, *, empty: bool = False) -> Path | None:
    """Put a damaged database aside (renamed with the date) and restore ``backup`` (the newest when
    None), or nothing — an empty history — with ``empty``. Returns the backup used."""
    path = Path(path)
    backups = list_backups(path)
    chosen = None if empty else (backup or (backups[0] if backups else None))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for suffix in ("", "-wal", "-shm"):
        f = Path(str(path) + suffix)
        if f.exists():
            f.rename(Path(f"{path}.damaged-{stamp}{suffix}"))
    if chosen is not None:
        src = sqlite3.connect(f"file:{chosen}?mode=ro", uri=True)
        dst = sqlite3.connect(str(path))
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
    return chosen


def record_to_json(rec: TaskRecord) -> str:
    d: dict[str, Any] = {}
    for name in _RECORD_FIELDS:
        v = getattr(rec, name)
        if name in ("request", "chain"):
            v = v.to_json()
        elif name == "state":
            v = v.value
        d[name] = v
    try:
        # orjson: a tenth of the time (a record is written at every step of its task, on the UI thread)
        return orjson.dumps(d).decode("utf-8")
    except TypeError:
        # what orjson refuses (a file name that is not valid UTF-8: a lone surrogate) goes in ASCII escapes,
        # in which any str round-trips
        return json.dumps(d, ensure_ascii=True, separators=(",", ":"))


def _loads(data: str | bytes) -> Any:
    """orjson where it can (the whole history is decoded at start: 10,000 records in a quarter of the
    time); the standard library for what orjson refuses, such as a file name's lone surrogate."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def record_from_json(row_id: int, data: str | bytes, default_backend: str | None = None) -> TaskRecord:
    d = _loads(data)
    d["id"] = row_id
    d["request"] = from_fields(Request, d["request"])     # the decoded dict is ours: no copy
    d["state"] = State(d["state"])
    d["chain"] = ChainState.from_json(d.get("chain"))
    if default_backend and "backend" not in d:
        d["backend"] = default_backend
    return from_fields(TaskRecord, d)


class TaskStore:
    """Thread-safe for the few calls the UI makes from its thread; the engine owns writes."""

    def __init__(self, path: Path | str, backend: str | None = None, *, readonly: bool = False,
                 backups: bool = True):
        self.path = Path(path)
        self._lock = threading.RLock()
        self._reader: sqlite3.Connection | None = None     # see _aside
        self._reader_lock = threading.Lock()
        memory = str(path) == ":memory:"
        if not memory and self.path.exists() and self.path.stat().st_size == 0 and list_backups(self.path):
            # SQLite would take an empty file for a new database and forget every task silently.
            raise StoreDamaged(self.path, "the file is empty", list_backups(self.path))
        try:
            if not memory and not readonly:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = self._connect_readonly() if readonly else self._connect(str(path))
            check = self._retry_busy(lambda: self._db.execute("PRAGMA quick_check").fetchone()[0])
            if check != "ok":
                raise sqlite3.DatabaseError(str(check))
        except sqlite3.DatabaseError as e:
            if isinstance(e, sqlite3.OperationalError) and "unable to open" in str(e):
                raise StoreUnavailable(self._unavailable_text(e)) from e
            if isinstance(e, sqlite3.OperationalError) and _busy(e):
                raise StoreUnavailable(self._unavailable_text(e)) from e
            raise StoreDamaged(self.path, str(e), list_backups(self.path)) from e
        except OSError as e:
            raise StoreUnavailable(self._unavailable_text(e)) from e
        if readonly:
            self.backend = str(self.kv_get("backend") or backend or SERVICE) if self.version >= 2 else SERVICE
            return
        if backups and not memory:
            self._backup_daily()
        self.migrate()
        self.backend = self._check_backend(backend)

    @staticmethod
    def _retry_busy(fn: Callable[[], Any], attempts: int = 100) -> Any:
        """Another process opening the same new database holds a lock for a moment: wait it out
        (some of SQLite's set-up statements do not wait by themselves)."""
        for i in range(attempts):
            try:
                return fn()
            except sqlite3.OperationalError as e:
                if not _busy(e) or i == attempts - 1:
                    raise
                time.sleep(0.05)
        return None

    def _connect(self, path: str) -> sqlite3.Connection:
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._retry_busy(lambda: db.execute("PRAGMA journal_mode=WAL"))
        # NORMAL is crash-safe for a killed process in WAL mode (only power loss can lose the last commit).
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        return db

    def defer_checkpoints(self) -> None:
        """Stop this connection from copying the write-ahead log into the database while it commits
        (that copy ends in an fsync: tens of ms on the UI thread); :meth:`checkpoint` does it instead,
        from a worker. SQLite still checkpoints when the last connection closes."""
        with self._lock:
            self._db.execute("PRAGMA wal_autocheckpoint=0")

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database without blocking anyone (its own connection)."""
        db = sqlite3.connect(str(self.path), isolation_level=None, timeout=1)
        try:
            db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.OperationalError as e:
            if not _busy(e):
                raise
        finally:
            db.close()

    def _connect_readonly(self) -> sqlite3.Connection:
        if not self.path.exists():
            raise StoreUnavailable(f"{self.path} does not exist")
        try:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False,
                                 isolation_level=None, timeout=30)
            db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.OperationalError:   # a WAL database in a read-only folder: read the file as it is
            return sqlite3.connect(f"file:{self.path}?immutable=1", uri=True, check_same_thread=False,
                                   isolation_level=None)

    def _unavailable_text(self, e: BaseException) -> str:
        from ..i18n import T
        return str(T(f"无法打开任务数据库 {self.path}（{e}）：文件夹可能是只读的或不存在。请让它可写，或用 --data-dir / "
                     f"BAILIAN_VIDEO_HOME 换一个数据文件夹。",
                     f"Cannot open the task database {self.path} ({e}): the folder may be read-only or missing. Make "
                     f"it writable, or choose another data folder with --data-dir / BAILIAN_VIDEO_HOME."))

    def backup(self, name: str) -> Path | None:
        """Copy the database (SQLite's online backup) to ``backups/<stem>-<name>.sqlite3``."""
        target = backup_dir(self.path) / f"{self.path.stem}-{name}.sqlite3"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            dst = sqlite3.connect(str(tmp))
            try:
                with self._lock:
                    self._db.backup(dst)
            finally:
                dst.close()
            tmp.replace(target)
        except (OSError, sqlite3.Error) as e:   # a backup that fails must not stop the app; say so in the log
            import logging
            logging.getLogger("bailian_video.engine").warning("could not back up %s: %s", self.path, e)
            return None
        for old in list_backups(self.path)[BACKUPS_KEPT:]:
            old.unlink(missing_ok=True)
        return target

    def _backup_daily(self) -> None:
        if self.version == 0:
            return                         # a new database: nothing to keep yet
        today = time.strftime("%Y-%m-%d")
        if not (backup_dir(self.path) / f"{self.path.stem}-{today}.sqlite3").exists():
            self.backup(today)

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
        """Bring the schema up to date in one transaction. Several processes may open a new or old
        database at the same moment: the version is read again under the write lock, so only the
        first one migrates."""
        with self._lock:
            current = self.version
            if current > SCHEMA_VERSION:
                raise StoreError(f"The task database {self.path} was written by a newer version of the app "
                                 f"(schema {current} > {SCHEMA_VERSION}); update the app to open it.")
            if current == SCHEMA_VERSION:
                return
            if current > 0:
                self.backup(f"before-schema-{SCHEMA_VERSION}-{time.strftime('%Y-%m-%d')}")
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for i in range(self.version, SCHEMA_VERSION):
                    MIGRATIONS[i](self._db)
                    self._db.execute(f"PRAGMA user_version={i + 1}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with self._lock:
            self._db.close()
        with self._reader_lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None

    @contextlib.contextmanager
    def _aside(self) -> Iterator[sqlite3.Connection]:
        """A second connection for long reads (sums over the whole history, from workers): in WAL mode it
        reads while the engine's connection commits, so a commit on the UI thread never waits for a sum."""
        if str(self.path) == ":memory:":          # each connection would see its own empty database
            with self._lock:
                yield self._db
            return
        with self._reader_lock:
            if self._reader is None:
                self._reader = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None,
                                               timeout=30)
            yield self._reader

    def read_aside(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        """``read`` on the second connection: committed data only (not for use inside :meth:`transaction`)."""
        with self._aside() as db:
            return db.execute(sql, args).fetchall()

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

    def save(self, rec: TaskRecord, touch: bool = True) -> None:
        """Commit the record as it is now (autocommit: durable when this returns). ``touch=False`` keeps
        ``updated_at`` (the person's marks are not a step of the task: its times stay as they were)."""
        with self._lock:
            if touch:
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
        # as bytes: orjson reads UTF-8, so a str would be decoded here only to be encoded again (10,000 records: 11 ms)
        q = "SELECT id, CAST(data AS BLOB) FROM tasks" + ("" if include_removed else " WHERE removed=0") + " ORDER BY id"
        with self._lock:
            rows = self._db.execute(q).fetchall()
        return [self._record(*r) for r in rows]

    def unfinished(self) -> list[TaskRecord]:
        terminal = [s.value for s in State if s.terminal]
        q = f"SELECT id, data FROM tasks WHERE state NOT IN ({', '.join('?' * len(terminal))}) ORDER BY id"
        with self._lock:
            rows = self._db.execute(q, terminal).fetchall()
        return [self._record(*r) for r in rows]

    def find_by_key(self, request_key: str) -> list[TaskRecord]:
        with self._lock:
            rows = self._db.execute("SELECT id, data FROM tasks WHERE request_key=? AND removed=0 ORDER BY id",
                                    (request_key,)).fetchall()
        return [self._record(*r) for r in rows]

    def known_task_ids(self) -> set[str]:
        """Every service task id any record (removed ones included) owns: current and earlier chain steps.
        Read inside SQLite: every record has a chain, so parsing each document in Python would cost the
        whole history on every reconciliation round."""
        with self._lock:
            rows = self._db.execute(
                "SELECT task_id FROM tasks WHERE task_id IS NOT NULL UNION "
                "SELECT j.value FROM tasks, json_each(tasks.data, '$.chain.step_task_ids') AS j").fetchall()
        return {str(r[0]) for r in rows}

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
        with self._aside() as db:
            rows = db.execute(
                "SELECT date(done_at, 'unixepoch', 'localtime') AS d, SUM(cost_actual) FROM tasks "
                "WHERE cost_actual IS NOT NULL AND done_at >= ? GROUP BY d ORDER BY d", (since,)).fetchall()
        return [(d, round(c or 0.0, 4)) for d, c in rows]

    def totals_by_model(self) -> dict[str, float]:
        with self._aside() as db:
            rows = db.execute("SELECT model, SUM(cost_actual) FROM tasks WHERE cost_actual IS NOT NULL "
                                    "GROUP BY model").fetchall()
        return {m: round(c or 0.0, 4) for m, c in rows}

    def usage_units(self) -> dict[str, float]:
        """Billed units per model (seconds, or images for detect steps), from recorded usage."""
        with self._aside() as db:    # summed inside SQLite (decoding 10,000 documents in Python took 0.6 s)
            rows = db.execute(
                "SELECT u.key, SUM(u.value) FROM tasks, json_each(tasks.data, '$.chain.billed_units') AS u "
                "WHERE tasks.cost_actual IS NOT NULL GROUP BY u.key").fetchall()
        return {str(model): float(units or 0.0) for model, units in rows}

    # -- other tables (sequences …) ------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE … COMMIT): all of it is stored, or none of it. Inside another
        transaction of this store, it is part of that one."""
        with self._lock:
            if self._db.in_transaction:
                yield self._db
                return
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def read(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

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
        """Recent generation times (the service started → finished; submit → finished when it was
        never seen running) of a model, for progress estimates."""
        with self._lock:
            rows = self._db.execute("SELECT data FROM tasks WHERE model=? AND state=? ORDER BY done_at DESC LIMIT ?",
                                    (model, State.DONE.value, limit)).fetchall()
        out = []
        for (data,) in rows:
            d = json.loads(data)
            start = d.get("running_since") or d.get("submitted_at")
            if start and d.get("finished_at"):
                out.append(max(0.0, d["finished_at"] - start))
        return out

    def _record(self, row_id: int, data: str | bytes) -> TaskRecord:
        return record_from_json(row_id, data, getattr(self, "backend", None))

    @staticmethod
    def _columns(rec: TaskRecord) -> Iterable[Any]:
        return (rec.state.value, rec.request.model, rec.family, rec.request_key, rec.batch, rec.task_id,
                rec.created_at, rec.updated_at, rec.done_at, rec.cost_actual, rec.cost_estimate)
