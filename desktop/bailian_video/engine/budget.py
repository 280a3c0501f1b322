"""Spending limits the app enforces, and what has been spent.

Limits are per backend: each backend has its own task store (the sandbox's is separate from the
paid one), and the limits live in that store's key/value table, so the window and the CLI share
them. Both are off until the person sets them. Spend is counted by the day and month the task was
*created* (local time): its actual price once the service reported it, otherwise its estimate while
it may still be charged (waiting, running, finished without a price, stopped, or uncertain). Tasks
that failed or were canceled without a charge count nothing.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import catalog
from ..catalog.pricing import tier_of
from ..i18n import T
from .records import State
from .sequences import take_seconds
from .store import TaskStore

_LIMITS = "budget/limits"
_SUGGESTED = "budget/suggested"
#: a price not known yet counts its estimate in these states (see the module's docstring)
MAY_COST = ("waiting", "validating", "uploading", "detecting", "submitting", "queued", "running",
            "downloading", "done", "stopped", "uncertain")
_SPENT = ("SUM(CASE WHEN cost_actual IS NOT NULL THEN cost_actual "
          f"WHEN state IN ({', '.join(repr(s) for s in MAY_COST)}) THEN COALESCE(cost_estimate, 0) ELSE 0 END)")


@dataclass(frozen=True)
class Limits:
    daily: float | None = None       # yuan; None = no limit
    monthly: float | None = None

    @property
    def any(self) -> bool:
        return self.daily is not None or self.monthly is not None


def _amount(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return round(f, 2) if f > 0 else None


def get_limits(store: TaskStore) -> Limits:
    d = store.kv_get(_LIMITS) or {}
    return Limits(_amount(d.get("daily")), _amount(d.get("monthly"))) if isinstance(d, dict) else Limits()


def set_limits(store: TaskStore, daily: float | None, monthly: float | None) -> None:
    store.kv_set(_LIMITS, {"daily": _amount(daily), "monthly": _amount(monthly)})


def suggested(store: TaskStore) -> bool:
    """Whether the one-time "set a spending limit?" was offered (on the first paid task)."""
    return bool(store.kv_get(_SUGGESTED, False))


def mark_suggested(store: TaskStore) -> None:
    store.kv_set(_SUGGESTED, True)


def day_start(now: float) -> float:
    d = dt.datetime.fromtimestamp(now)
    return d.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


def month_start(now: float) -> float:
    d = dt.datetime.fromtimestamp(now)
    return d.replace(day=1, hour=0, minute=0, second=0, microsecond=0).timestamp()


@dataclass(frozen=True)
class Spend:
    today: float
    month: float


def spent_since(store: TaskStore, since: float) -> float:
    rows = store.read_aside(f"SELECT {_SPENT} FROM tasks WHERE created_at >= ?", (since,))
    return round(float(rows[0][0] or 0.0), 4) if rows else 0.0


def spend(store: TaskStore, now: float | None = None) -> Spend:
    now = time.time() if now is None else now
    return Spend(spent_since(store, day_start(now)), spent_since(store, month_start(now)))


@dataclass(frozen=True)
class Hold:
    """Why a submission was held: ``amount`` more would take ``spent`` past ``limit`` this ``period``."""

    amount: float
    period: str          # "day" | "month"
    limit: float
    spent: float

    @property
    def after(self) -> float:
        return round(self.spent + self.amount, 2)

    @property
    def raise_to(self) -> float:
        """The smallest whole-yuan limit that lets it through."""
        return float(int(self.after) + (0 if self.after == int(self.after) else 1))

    def message(self) -> T:
        zh_p, en_p = ("今天", "today's") if self.period == "day" else ("本月", "this month's")
        zh_l, en_l = ("每日", "daily") if self.period == "day" else ("每月", "monthly")
        return T(f"已暂缓，未提交：这次约 ¥{self.amount:.2f}，会让{zh_p}的花费达到 ¥{self.after:.2f}，超过你设的{zh_l}"
                 f"上限 ¥{self.limit:.2f}（已花 ¥{self.spent:.2f}）。可以把上限提高到 ¥{self.raise_to:.0f}，"
                 f"或仍然提交这一次。",
                 f"Held, not submitted: this costs about ¥{self.amount:.2f} and would take {en_p} spending to "
                 f"¥{self.after:.2f}, over your {en_l} limit of ¥{self.limit:.2f} (¥{self.spent:.2f} spent). Raise "
                 f"the limit to ¥{self.raise_to:.0f}, or submit this once anyway.")


class OverBudget(Exception):
    def __init__(self, hold: Hold):
        super().__init__(str(hold.message()))
        self.hold = hold


def check(store: TaskStore, amount: float, now: float | None = None) -> Hold | None:
    """A hold when ``amount`` more would cross a limit (the daily one first), else None."""
    limits = get_limits(store)
    if not limits.any or amount <= 0:
        return None
    s = spend(store, now)
    if limits.daily is not None and s.today + amount > limits.daily + 1e-9:
        return Hold(round(amount, 4), "day", limits.daily, s.today)
    if limits.monthly is not None and s.month + amount > limits.monthly + 1e-9:
        return Hold(round(amount, 4), "month", limits.monthly, s.month)
    return None


def raise_for(store: TaskStore, hold: Hold) -> None:
    """The one-click "raise the limit": to the smallest whole yuan that lets the held amount through."""
    limits = get_limits(store)
    if hold.period == "day":
        set_limits(store, hold.raise_to, limits.monthly)
    else:
        set_limits(store, limits.daily, hold.raise_to)


# -- accounting ----------------------------------------------------------------------------------
CSV_COLUMNS = ("date", "model", "seconds", "tier", "estimate", "actual", "task_id", "state", "backend")


def spending_rows(store: TaskStore) -> list[dict[str, Any]]:
    """Every task that cost or may cost something, oldest first (removed ones too: they were paid)."""
    from .store import record_from_json
    rows = store.read("SELECT id, data FROM tasks WHERE cost_actual IS NOT NULL OR cost_estimate IS NOT NULL "
                      "ORDER BY created_at, id")
    out = []
    for row_id, data in rows:
        rec = record_from_json(row_id, data, store.backend)
        if rec.request.model == "film" or (rec.cost_actual is None and rec.state.value not in MAY_COST):
            continue
        spec = catalog.get(rec.model)
        secs = take_seconds(rec)
        params = {**spec.default_params(rec.request.function), **rec.request.params} if spec else {}
        out.append({
            "date": dt.datetime.fromtimestamp(rec.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            "model": rec.model,
            "seconds": "" if secs is None else f"{secs:g}",
            "tier": (tier_of(spec, params) or "") if spec else "",
            "estimate": "" if rec.cost_estimate is None else f"{rec.cost_estimate:.4f}",
            "actual": "" if rec.cost_actual is None else f"{rec.cost_actual:.4f}",
            "task_id": rec.task_id or "",
            "state": rec.state.value if isinstance(rec.state, State) else str(rec.state),
            "backend": rec.backend,
        })
    return out


def write_csv(store: TaskStore, path: Path) -> int:
    """All spending as CSV (UTF-8 with a BOM, so Excel opens Chinese text): the number of rows written."""
    rows = spending_rows(store)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp, path)
    return len(rows)
