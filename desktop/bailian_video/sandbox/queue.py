"""The service's queue, modelled: each model (or a pool of models that share one limit) processes at
most its documented number of tasks at once; the rest wait as PENDING and start in the order they
were created. A PENDING task can be cancelled, and the tasks behind it move up.

Every task's processing time is known when it is created, so its start and end follow from the
tasks before it in its lane — computed when it arrives, and again for the waiting tasks when one
of them is cancelled.
"""
from __future__ import annotations

import heapq
import threading
from collections.abc import Callable

from .tasks import Task


class Lanes:
    """Start and end times of the tasks of each concurrency pool."""

    def __init__(self, limit_of: Callable[[Task], tuple[str, int | None]]):
        self._limit_of = limit_of
        self._lock = threading.Lock()
        self._pools: dict[str, list[Task]] = {}     # every task of a pool, in creation order

    def place(self, task: Task, now: float) -> None:
        """Give a new task its start and end: after the earliest free slot of its pool."""
        pool, limit = self._limit_of(task)
        if limit is None:
            return
        with self._lock:
            tasks = self._pools.setdefault(pool, [])
            tasks.append(task)
            self._plan(tasks, limit, now, [task])

    def cancelled(self, task: Task, now: float) -> None:
        """A waiting task left the queue: the ones behind it start earlier."""
        pool, limit = self._limit_of(task)
        if limit is None:
            return
        with self._lock:
            tasks = self._pools.get(pool, [])
            waiting = [t for t in tasks if t.canceled is None and t.start > now]
            self._plan(tasks, limit, now, waiting)

    @staticmethod
    def _plan(tasks: list[Task], limit: int, now: float, replan: list[Task]) -> None:
        """Assign start/end to ``replan`` (in creation order) after every other live task of the pool."""
        moving = {id(t) for t in replan}
        slots = sorted(t.end for t in tasks if t.canceled is None and id(t) not in moving and t.end > now)
        slots = slots[-limit:] if len(slots) > limit else slots
        heapq.heapify(slots)
        for t in sorted(replan, key=lambda t: t.created):
            ready = t.created + (t.seconds - t.run_seconds)
            free = heapq.heappop(slots) if len(slots) >= limit else ready
            t.start = max(ready, free)
            t.end = t.start + t.run_seconds
            heapq.heappush(slots, t.end)

    def forget(self, gone: list[Task]) -> None:
        ids = {id(t) for t in gone}
        with self._lock:
            for pool, tasks in self._pools.items():
                self._pools[pool] = [t for t in tasks if id(t) not in ids]
