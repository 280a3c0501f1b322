"""The account's task-query budget: DashScope allows 20 task query/list/cancel requests per second per
account (all its keys together). Every client of one key shares one :class:`QueryGate`, which lets a
request go only when fewer than ``qps`` went in the last second, and otherwise waits its turn."""
from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator, Callable


class QueryGate:
    """At most ``qps`` requests let through in any second, and at most ``in_flight`` unanswered at once:
    a request let through can still wait for a connection, and the cap keeps such late ones from
    arriving together with the next second's (the service counts arrivals: ``qps + in_flight`` ≤ 20)."""

    def __init__(self, qps: float, clock: Callable[[], float] = time.monotonic, in_flight: int = 4):
        if qps <= 0 or in_flight < 1:
            raise ValueError("qps and in_flight must be positive")
        self.qps = qps
        self.clock = clock
        self.in_flight = in_flight
        self._sent: deque[float] = deque()
        self._slots: asyncio.Semaphore | None = None

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold a place from before the request is sent until its answer is read."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.in_flight)
        async with self._slots:
            await self.acquire()
            yield

    def _free_in(self, now: float) -> float:
        while self._sent and now - self._sent[0] >= 1.0:
            self._sent.popleft()
        if len(self._sent) < self.qps:
            return 0.0
        return self._sent[0] + 1.0 - now

    async def acquire(self) -> None:
        """Wait until a request may go, and count it."""
        while True:
            now = self.clock()
            wait = self._free_in(now)
            if wait <= 0:
                self._sent.append(now)
                return
            await asyncio.sleep(wait + 0.001)
