"""Which waiting tasks start now: a pure function of the queue, the limits and the time."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Waiting:
    id: int
    model: str               # the model of the task's next paid step
    not_before: float = 0.0  # a transient error asked it to wait until then
    pool: str = ""           # the concurrency pool it counts against ("" = its model's own)

    @property
    def key(self) -> str:
        return self.pool or self.model


@dataclass(frozen=True)
class Limits:
    global_concurrency: int
    per_model: Callable[[str], int]          # how many of a model (or of a shared pool) may be in flight
    submit_gap: Callable[[str], float]       # seconds between two submissions of a model (its RPS limit)
    local_workers: int = 1_000_000           # how many may be prepared/uploaded/submitted here at once


def plan(waiting: Iterable[Waiting], in_flight: int, per_model: dict[str, int], limits: Limits, now: float,
         model_backoff: dict[str, float], last_submit: dict[str, float], local: int = 0,
         ) -> tuple[list[Waiting], float]:
    """The tasks to start now (oldest first, one per model per pass so a big batch cannot starve the
    others) and how long to sleep before planning again. ``per_model`` counts in-flight tasks by
    concurrency key (a shared pool's name, else the model's); ``local`` of the in-flight ones are still
    being prepared here. ``per_model`` and ``last_submit`` are not changed."""
    started: list[Waiting] = []
    started_models: set[str] = set()
    counts = dict(per_model)
    next_wake = 5.0
    total = in_flight
    for w in sorted(waiting, key=lambda w: w.id):
        if total >= limits.global_concurrency or local >= limits.local_workers:
            break
        if w.model in started_models:
            continue
        backoff = model_backoff.get(w.model, 0.0)
        if backoff > now:
            next_wake = min(next_wake, backoff - now)
            continue
        if w.not_before > now:
            next_wake = min(next_wake, w.not_before - now)
            continue
        if counts.get(w.key, 0) >= limits.per_model(w.key):
            continue
        gap = limits.submit_gap(w.model)
        last = last_submit.get(w.model)
        if last is not None and now - last < gap:
            next_wake = min(next_wake, gap - (now - last))
            continue
        started.append(w)
        started_models.add(w.model)
        counts[w.key] = counts.get(w.key, 0) + 1
        total += 1
        local += 1
    if started:
        next_wake = min(next_wake, 0.05)
    return started, max(0.01, next_wake)
