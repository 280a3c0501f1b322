"""One owner per task store: the process that may submit, poll and download its tasks.

Any number of processes (windows, CLI commands) may open the same data folder. The one
holding an OS file lock next to the database owns it and drives every unfinished task;
the others are *guests*: they read the store, add new tasks to it (the owner picks them
up) and post commands (cancel, adopt …) for the owner to carry out. The OS releases the
lock when its holder dies, however it dies, so a guest takes over a crashed owner's tasks
within a second — no clock, heartbeat or manual step involved.
"""
from __future__ import annotations

import json
import logging
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from ..i18n import T

log = logging.getLogger("bailian_video.engine")


class NotOwner(RuntimeError):
    """This process does not own the task store; the owner drives the tasks."""


class FolderOwnership:
    """The owner lock of one task store (``<db>.lock``) and who holds it (``<db>.owner.json``)."""

    def __init__(self, db_path: Path, kind: str = "app"):
        self.db_path = Path(db_path)
        self.lock_path = self.db_path.with_name(self.db_path.name + ".lock")
        self.info_path = self.db_path.with_name(self.db_path.name + ".owner.json")
        self.kind = kind
        self._lock = FileLock(str(self.lock_path), timeout=0, thread_local=False, fallback_to_soft=False,
                              preserve_lock_file=True)

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it (never waits)."""
        if self._lock.is_locked:
            return True
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return False
        except OSError as e:   # a folder where locks cannot be taken: run as a guest, say why
            log.warning("cannot lock %s (%s); this process will not drive tasks", self.lock_path, e)
            return False
        info = {"pid": os.getpid(), "host": socket.gethostname(), "kind": self.kind, "since": time.time(),
                "program": Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"}
        try:
            tmp = self.info_path.with_suffix(".tmp")
            tmp.write_text(json.dumps(info), encoding="utf-8")
            os.replace(tmp, self.info_path)
        except OSError as e:
            log.info("could not write %s: %s", self.info_path, e)
        return True

    def release(self) -> None:
        if self._lock.is_locked:
            try:
                self.info_path.unlink(missing_ok=True)
            except OSError:
                pass
            self._lock.release(force=True)

    def owner(self) -> dict[str, Any] | None:
        """Who holds the lock, as far as its info file says (None when nobody or unknown)."""
        if self._lock.is_locked:
            return None
        try:
            d = json.loads(self.info_path.read_text(encoding="utf-8"))
            return d if isinstance(d, dict) else None
        except (OSError, ValueError):
            return None

    def describe_owner(self) -> T:
        o = self.owner()
        if not o:
            return T("另一个程序", "another program")
        since = time.strftime("%H:%M", time.localtime(float(o.get("since") or 0)))
        if o.get("kind") == "app":
            return T(f"百炼视频工作室窗口（进程 {o.get('pid')}，{since} 起）",
                     f"the Bailian Video Studio window (process {o.get('pid')}, since {since})")
        return T(f"bailian-video 命令（进程 {o.get('pid')}，{since} 起）",
                 f"a bailian-video command (process {o.get('pid')}, since {since})")
