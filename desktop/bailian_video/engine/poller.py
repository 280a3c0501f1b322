"""When to ask the service about a task again, and how many questions per second: pure parts."""
from __future__ import annotations

from collections.abc import Callable


def poll_interval(expected: float, elapsed: float, poll_min: float, poll_max: float) -> float:
    """Sparse early, dense near the expected finish, gently backing off when overdue."""
    remaining = expected - elapsed
    interval = remaining * 0.5 if remaining > 0 else poll_min + (-remaining) * 0.25
    return max(poll_min, min(poll_max, interval))


class QueryBudget:
    """A sliding one-second window that keeps queries under the account's QPS limit."""

    def __init__(self, qps: float, clock: Callable[[], float]):
        self.qps = qps
        self.clock = clock
        self._times: list[float] = []

    def take(self, peek: bool = False) -> bool:
        now = self.clock()
        self._times = [t for t in self._times if now - t < 1.0]
        if len(self._times) >= self.qps:
            return False
        if not peek:
            self._times.append(now)
        return True
