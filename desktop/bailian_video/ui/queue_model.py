"""The queue as a Qt item model over the engine's tasks (the shape of qutebrowser's downloads model).

The engine emits added/changed/removed events; :class:`Session` turns them into signals and this
model turns those into row inserts, ``dataChanged`` and removals. Changes are coalesced: at most 10
times a second, one ``dataChanged`` per run of neighbouring changed rows (hundreds of tasks in flight
change hundreds of times a second). A one-second tick refreshes the clocks of active rows only. The
places in line and the summary's counts are kept as the events come, never by walking every row.
Newest tasks are at the top.
"""
from __future__ import annotations

import bisect
import contextlib
import os
import time
from collections.abc import Iterator
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QPalette

from .. import catalog
from ..catalog.values import is_local, local_path
from ..engine import State
from ..engine.film import FILM
from .form import family_title
from .media_jobs import ThumbnailCache, guess_kind
from .session import Session
from .style import ERROR_TEXT, WARNING_BG, WARNING_TEXT, warning_pixmap
from .util import fmt_bytes, fmt_clock, fmt_money, tx

ROLE_RECORD = Qt.ItemDataRole.UserRole + 1
ROLE_PROGRESS = Qt.ItemDataRole.UserRole + 2      # float 0..1, or -1 for "busy, no figure"
ROLE_STATE = Qt.ItemDataRole.UserRole + 3
ROLE_ID = Qt.ItemDataRole.UserRole + 4

THUMB = QSize(64, 40)


class Col(IntEnum):
    PREVIEW = 0
    MODEL = 1
    PROMPT = 2
    STATUS = 3
    TIME = 4
    COST = 5


COLS = tuple(Col)
#: what data() answers: any other role Qt asks for while painting a cell is None at once
ROLES = frozenset({Qt.ItemDataRole.DisplayRole, ROLE_RECORD, ROLE_ID, ROLE_STATE, ROLE_PROGRESS,
                   Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
                   Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole,
                   Qt.ItemDataRole.SizeHintRole})

FAILED_LIKE = {State.FAILED, State.EXPIRED, State.STOPPED}
#: not a failure: the engine cannot prove what the service did and waits for the person (amber, not red)
NEEDS_DECISION = {State.UNCERTAIN}
#: the generation has taken this many times its usual time: say so instead of creeping towards 99 %
OVERDUE_FACTOR = 1.3


def stopped_by_person(rec: Any) -> bool:
    """Tracking stopped because the person asked (Cancel on a task the service had started, or a download
    stopped): a plain outcome, not a failure. The engine's own stops (a rejected key, failed queries, an
    unknown task, a deadline) carry a service or engine code and do need attention."""
    return rec.state == State.STOPPED and not rec.error_code


def needs_attention(rec: Any) -> bool:
    return rec.state in NEEDS_DECISION or (rec.state in FAILED_LIKE and not stopped_by_person(rec))


def overdue(rec: Any, now: float) -> bool:
    """The service has been generating for clearly longer than this model usually takes."""
    start = rec.generating_since          # time waiting in the service's queue is not generating time
    return (rec.state == State.RUNNING and bool(start) and bool(rec.expected_seconds)
            and now - start > OVERDUE_FACTOR * rec.expected_seconds)


def ordinal_suffix(n: int) -> str:
    """English ordinal suffix: 1st 2nd 3rd 4th … 11th 12th 13th … 21st 22nd."""
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def input_summary(rec: Any) -> str:
    """What a task was made from when it has no prompt: file names and choices."""
    parts = []
    for name, v in rec.request.inputs.items():
        if isinstance(v, str) and v and name not in ("prompt", "negative_prompt"):
            parts.append(os.path.basename(v.split("?", 1)[0]) if ("/" in v or "\\" in v) else v)
        elif isinstance(v, list):
            parts.extend(os.path.basename(str(x)) for x in v)
    return " + ".join(parts)


def thumb_source(rec: Any) -> str | None:
    if rec.output_path and rec.state == State.DONE:
        return rec.output_path
    for v in rec.request.inputs.values():
        for x in (v if isinstance(v, list) else [v]):
            if is_local(x) and guess_kind(x) in ("image", "video"):
                return local_path(x)
    return None


def in_queue(rec: Any) -> bool:
    """Rows are the tasks sent (or to be sent) to the service and not archived. A film stitched here from a
    sequence was never queued: it is in the library (and its sequence), not in the queue."""
    return not rec.archived and rec.request.model != FILM


def runs(rows: list[int]) -> Iterator[tuple[int, int]]:
    """Ascending rows as (first, last) runs of consecutive numbers."""
    i = 0
    while i < len(rows):
        j = i
        while j + 1 < len(rows) and rows[j + 1] == rows[j] + 1:
            j += 1
        yield rows[i], rows[j]
        i = j + 1


class QueueModel(QAbstractTableModel):
    def __init__(self, session: Session, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self._ids: list[int] = []              # ascending task ids; view row = len - 1 - position
        self._recs: dict[int, Any] = {}
        self._active: set[int] = set()
        self._waiting: set[int] = set()              # in WAITING: they have a place in line
        self._rank_stale = False
        self._counted: dict[int, tuple[bool, bool, bool]] = {}   # id -> (done, needs attention, archivable)
        self.done_count = 0
        self.attention_count = 0
        self.finished_count = 0                      # done or canceled: what "Archive finished" takes
        self._dirty: set[int] = set()
        self._thumb_wanted: dict[str, set[int]] = {}
        self._bulk: dict[int, Any] | None = None     # inside bulk(): id -> record to show, or None to hide
        self._rank: dict[int, int] = {}              # waiting task id -> place in line
        self.thumbs = ThumbnailCache(max_side=THUMB.width() * 2, box=THUMB, parent=self)
        self.thumbs.ready.connect(self._thumb_ready)
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(100)
        self._flush.timeout.connect(self._flush_dirty)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._tick_active)
        session.task_added.connect(self.on_added)
        session.task_changed.connect(self.on_changed)
        session.task_removed.connect(self.on_removed)
        session.reset.connect(self.reload)
        self.reload()

    # -- engine events ---------------------------------------------------------------------
    # Archived tasks are not rows: archiving hides a row, un-archiving brings it back (the library keeps them).
    def reload(self) -> None:
        self.beginResetModel()
        recs = sorted((r for r in self.session.tasks() if in_queue(r)), key=lambda r: r.id)
        self._ids = [r.id for r in recs]
        self._recs = {r.id: r for r in recs}
        self._active = {r.id for r in recs if not r.state.terminal}
        self._dirty.clear()
        self._recount()
        self.endResetModel()
        self._rerank()
        self._update_tick()

    def on_added(self, rec: Any) -> None:
        if rec.request.model == FILM:
            return
        if rec.id in self._recs or rec.archived:
            self.on_changed(rec)
            return
        if self._bulk is not None:
            self._bulk[rec.id] = rec
            return
        pos = bisect.bisect_left(self._ids, rec.id)
        row = len(self._ids) - pos
        self.beginInsertRows(QModelIndex(), row, row)
        self._ids.insert(pos, rec.id)
        self._recs[rec.id] = rec
        self._track(rec)
        self.endInsertRows()
        self._update_tick()
        self._flush_later()

    def on_changed(self, rec: Any) -> None:
        if rec.request.model == FILM:
            return
        if rec.archived:
            self.on_removed(rec)
            return
        if self._bulk is not None and rec.id in self._bulk:
            self._bulk[rec.id] = rec
            return
        if rec.id not in self._recs:
            self.on_added(rec)
            return
        self._recs[rec.id] = rec
        self._track(rec)
        self._dirty.add(rec.id)
        self._flush_later()
        self._update_tick()

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """Many rows come and go at once (archiving a long history, or its undo): one reset instead of
        n row moves."""
        self._bulk = {}
        try:
            yield
        finally:
            pending, self._bulk = self._bulk, None
            if pending:
                self.beginResetModel()
                for i, rec in pending.items():
                    if rec is None:
                        self._recs.pop(i, None)
                        self._dirty.discard(i)
                    else:
                        self._recs[i] = rec
                self._ids = sorted(self._recs)
                self._active = {i for i, r in self._recs.items() if not r.state.terminal}
                self._recount()
                self.endResetModel()
                self._rerank()
                self._update_tick()

    def on_removed(self, rec: Any) -> None:
        if self._bulk is not None:
            self._bulk[rec.id] = None
            return
        row = self.row_of(rec.id)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        pos = len(self._ids) - 1 - row
        del self._ids[pos]
        self._recs.pop(rec.id, None)
        self._untrack(rec.id)
        self._dirty.discard(rec.id)
        self.endRemoveRows()
        self._update_tick()
        self._flush_later()

    # -- what the events change, kept as they come --------------------------------------------
    @staticmethod
    def _flags(rec: Any) -> tuple[bool, bool, bool]:
        return rec.state == State.DONE, needs_attention(rec), rec.state in (State.DONE, State.CANCELED)

    def _count(self, flags: tuple[bool, bool, bool], sign: int) -> None:
        self.done_count += sign * flags[0]
        self.attention_count += sign * flags[1]
        self.finished_count += sign * flags[2]

    def _track(self, rec: Any) -> None:
        """A row's record arrived or changed: its activity, place in line and counts."""
        i = rec.id
        if rec.state.terminal:
            self._active.discard(i)
        else:
            self._active.add(i)
        if (rec.state == State.WAITING) != (i in self._waiting):
            if rec.state == State.WAITING:
                self._waiting.add(i)
            else:
                self._waiting.discard(i)
            self._rank_stale = True
        flags = self._flags(rec)
        old = self._counted.get(i)
        if old != flags:
            if old is not None:
                self._count(old, -1)
            self._count(flags, 1)
            self._counted[i] = flags

    def _untrack(self, task_id: int) -> None:
        self._active.discard(task_id)
        if task_id in self._waiting:
            self._waiting.discard(task_id)
            self._rank_stale = True
        old = self._counted.pop(task_id, None)
        if old is not None:
            self._count(old, -1)

    def _recount(self) -> None:
        self._waiting = {i for i in self._active if self._recs[i].state == State.WAITING}
        self._counted = {i: self._flags(r) for i, r in self._recs.items()}
        self.done_count, self.attention_count, self.finished_count = (
            sum(f[k] for f in self._counted.values()) for k in range(3))
        self._rank_stale = True

    def _rerank(self) -> None:
        """Places in line of the waiting tasks, in the order the scheduler takes them (oldest first). When
        one starts or leaves, every waiting row behind it moves up: refresh them all."""
        self._rank_stale = False
        rank = {task_id: n for n, task_id in enumerate(sorted(self._waiting), 1)}
        if rank != self._rank:
            self._dirty.update(i for i in rank if self._rank.get(i) != rank[i])
            self._rank = rank
            if self._dirty and not self._flush.isActive():
                self._flush.start()

    def _flush_later(self) -> None:
        if (self._dirty or self._rank_stale) and not self._flush.isActive():
            self._flush.start()

    def place_in_line(self, rec: Any) -> int | None:
        """1 for the next waiting task to start, 2 for the one after it…; None when it is not waiting."""
        if self._rank_stale:
            self._rerank()
        return self._rank.get(rec.id)

    def _flush_dirty(self) -> None:
        if self._rank_stale:
            self._rerank()
        dirty, self._dirty = self._dirty, set()
        self._flush.stop()
        last = self.columnCount() - 1
        rows = sorted(r for r in map(self.row_of, dirty) if r >= 0)
        for first, end in runs(rows):
            self.dataChanged.emit(self.index(first, 0), self.index(end, last))

    def _tick_active(self) -> None:
        rows = [r for r in (self.row_of(i) for i in self._active) if r >= 0]
        if rows:
            self.dataChanged.emit(self.index(min(rows), Col.STATUS), self.index(max(rows), Col.TIME),
                                  [Qt.ItemDataRole.DisplayRole, ROLE_PROGRESS])
        self._update_tick()

    def _update_tick(self) -> None:
        if self._active and not self._tick.isActive():
            self._tick.start()
        elif not self._active and self._tick.isActive():
            self._tick.stop()

    def _thumb_ready(self, path: str) -> None:
        for task_id in self._thumb_wanted.pop(path, set()):
            row = self.row_of(task_id)
            if row >= 0:
                idx = self.index(row, Col.PREVIEW)
                self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DecorationRole])

    # -- lookups ---------------------------------------------------------------------------
    def row_of(self, task_id: int) -> int:
        pos = bisect.bisect_left(self._ids, task_id)
        if pos < len(self._ids) and self._ids[pos] == task_id:
            return len(self._ids) - 1 - pos
        return -1

    def record(self, index: QModelIndex | QPersistentModelIndex | int) -> Any:
        row = index if isinstance(index, int) else index.row()
        if 0 <= row < len(self._ids):
            return self._recs[self._ids[len(self._ids) - 1 - row]]
        return None

    def records(self) -> list[Any]:
        return [self._recs[i] for i in reversed(self._ids)]

    def active_count(self) -> int:
        return len(self._active)

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    # -- Qt model interface ----------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Col)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            Col.PREVIEW: self.tr("Preview"), Col.MODEL: self.tr("Model"), Col.PROMPT: self.tr("Prompt / inputs"),
            Col.STATUS: self.tr("Status"), Col.TIME: self.tr("Time"), Col.COST: self.tr("Cost"),
        }.get(Col(section)) if 0 <= section < len(Col) else None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called ~7 times a cell at every repaint of the table: the cheap checks first.
        if role not in ROLES or not index.isValid():
            return None
        row, c = index.row(), index.column()
        if row >= len(self._ids) or c >= len(COLS):
            return None
        rec = self._recs[self._ids[len(self._ids) - 1 - row]]
        col = COLS[c]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(rec, col)
        if role == ROLE_RECORD:
            return rec
        if role == ROLE_ID:
            return rec.id
        if role == ROLE_STATE:
            return rec.state.value
        if role == ROLE_PROGRESS:
            return self.progress(rec)
        if role == Qt.ItemDataRole.DecorationRole and col == Col.PREVIEW:
            src = thumb_source(rec)
            pix = self.thumbs.get(src)
            if pix is None and src and not self.thumbs.peek(src):
                self._thumb_wanted.setdefault(src, set()).add(rec.id)
            return pix
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(rec, col)
        if role == Qt.ItemDataRole.ForegroundRole and col == Col.STATUS and rec.state in FAILED_LIKE \
                and not stopped_by_person(rec):
            return QBrush(QColor(ERROR_TEXT))
        if col == Col.STATUS and rec.state in NEEDS_DECISION:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(WARNING_TEXT))
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(WARNING_BG))
            if role == Qt.ItemDataRole.DecorationRole:
                return warning_pixmap(16)
            if role == Qt.ItemDataRole.FontRole:
                f = QFont()
                f.setBold(True)
                return f
        if role == Qt.ItemDataRole.ForegroundRole and col == Col.COST and rec.cost_actual is None:
            return QBrush(QPalette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText))
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (Col.TIME, Col.COST):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.SizeHintRole and col == Col.PREVIEW:
            return QSize(THUMB.width() + 8, THUMB.height() + 8)
        return None

    # -- what a row says -------------------------------------------------------------------
    def _display(self, rec: Any, col: Col) -> str:
        if col == Col.PREVIEW:
            return ""
        if col == Col.MODEL:
            spec = catalog.get(rec.model)
            fam = family_title(spec.family) if spec else ""
            title = tx(spec.title) if spec else rec.model
            if rec.request.function and spec and rec.request.function in spec.functions:
                title += " · " + tx(spec.functions[rec.request.function].label)
            if not fam or fam in title or title in fam:
                return title
            return f"{fam}\n{title}"
        if col == Col.PROMPT:
            text = rec.prompt or input_summary(rec)
            return " ".join(text.split())
        if col == Col.STATUS:
            return self.status_text(rec)
        if col == Col.TIME:
            return self.time_text(rec)
        if col == Col.COST:
            if rec.cost_actual is not None:
                return fmt_money(rec.cost_actual)
            if rec.cost_estimate is not None and rec.state.active:
                return fmt_money(rec.cost_estimate, confirmed=False)
            if rec.state in (State.FAILED, State.CANCELED) and not rec.retry_costs_money:
                return self.tr("free")
            return ""
        return ""

    def progress(self, rec: Any) -> float:
        """0..1, or -1 for "busy, no figure" (queued at the service, overdue, checking, sizes unknown)."""
        st = rec.state
        if st == State.DONE:
            return 1.0
        if st in (State.UPLOADING, State.DOWNLOADING):
            if rec.bytes_total:
                return min(1.0, rec.bytes_done / rec.bytes_total)
            return -1.0
        if st == State.RUNNING:
            return -1.0 if overdue(rec, time.time()) else rec.generation_progress()
        if st in (State.QUEUED, State.VALIDATING, State.SUBMITTING, State.DETECTING):
            return -1.0
        return 0.0

    def typical(self, seconds: float) -> str:
        """How long a model usually takes, rounded the way a person says it."""
        if seconds < 100:
            return self.tr("%1 s").replace("%1", str(max(1, round(seconds))))
        return self.tr("%1 min").replace("%1", str(max(2, round(seconds / 60))))

    def waiting_text(self, rec: Any) -> str:
        n = self.place_in_line(rec)
        if n is None:
            return tx(rec.state.label)
        if n == 1:
            return self.tr("Waiting — next")
        texts = {"st": self.tr("Waiting — %1st in line"), "nd": self.tr("Waiting — %1nd in line"),
                 "rd": self.tr("Waiting — %1rd in line"), "th": self.tr("Waiting — %1th in line")}
        return texts[ordinal_suffix(n)].replace("%1", str(n))

    def status_text(self, rec: Any) -> str:
        """A short state for the cell; the reason of an ending is in the tooltip and the details."""
        st = rec.state
        label = tx(st.label)
        if st == State.WAITING:
            return self.waiting_text(rec)
        if st in (State.UPLOADING, State.DOWNLOADING) and rec.bytes_total:
            return f"{label} {fmt_bytes(rec.bytes_done)} / {fmt_bytes(rec.bytes_total)}"
        if st in (State.UPLOADING, State.DOWNLOADING) and rec.bytes_done:
            return f"{label} {fmt_bytes(rec.bytes_done)}"
        if st == State.QUEUED:
            return self.tr("Queued at the service")
        if st == State.RUNNING:
            if overdue(rec, time.time()):
                return self.tr("Taking longer than usual (typically %1)").replace(
                    "%1", self.typical(rec.expected_seconds))
            return self.tr("%1 ~%2%").replace("%1", label).replace("%2", str(int(rec.generation_progress() * 100)))
        if st in (State.FAILED, State.EXPIRED) or (st == State.STOPPED and not stopped_by_person(rec)):
            why = rec.error_text()
            text = self.tr("%1: %2").replace("%1", label).replace("%2", why) if why else label
            return self.tr("%1 (%2)").replace("%1", text).replace("%2", rec.error_code) if rec.error_code else text
        return label

    def time_text(self, rec: Any) -> str:
        now = time.time()
        elapsed = fmt_clock(rec.elapsed(now))
        if rec.state in (State.WAITING, State.QUEUED):     # how long it waits in line is anyone's guess
            return elapsed
        if overdue(rec, now):
            return self.tr("%1 · longer than usual").replace("%1", elapsed)
        eta = rec.eta_seconds(now)
        if rec.state.active and eta is not None and eta > 0:
            return self.tr("%1 · ~%2 left").replace("%1", elapsed).replace("%2", fmt_clock(eta))
        if rec.state.active and eta is not None:
            return self.tr("%1 · any moment").replace("%1", elapsed)
        return elapsed

    def explain(self, rec: Any) -> str:
        """What the status means, in a sentence (the tooltip and the details pane)."""
        st = rec.state
        if st == State.WAITING:
            return self.tr("Nothing has been sent yet. Waiting tasks are sent oldest first, as fast as each "
                           "model accepts them and within your limits in Settings.")
        if st == State.QUEUED:
            return self.tr("The service has the task and starts it when the model has room (it works on a few "
                           "tasks of a model at once); cancelling it now is free. It gives no progress while a "
                           "task is queued.")
        if st == State.RUNNING and rec.expected_seconds:
            if overdue(rec, time.time()):
                return self.tr("This model usually takes about %1. The service gives no progress figures, so "
                               "the app keeps checking until it is ready.").replace(
                    "%1", self.typical(rec.expected_seconds))
            return self.tr("The percentage is an estimate from how long this model usually takes (about %1); "
                           "the service gives no progress figures.").replace("%1", self.typical(rec.expected_seconds))
        return ""

    def _tooltip(self, rec: Any, col: Col) -> str | None:
        if col == Col.PROMPT:
            return rec.prompt or input_summary(rec) or None
        if col == Col.MODEL:
            return rec.model
        if col == Col.TIME:
            return self.time_text(rec) or None
        if col == Col.STATUS:
            lines = [self.status_text(rec)]
            why = rec.error_text()
            if why and why not in lines[0]:
                lines.append(why)
            if self.explain(rec):
                lines.append(self.explain(rec))
            if rec.task_id:
                lines.append(self.tr("Task id: %1").replace("%1", rec.task_id))
            if rec.output_path:
                lines.append(rec.output_path)
            return "\n".join(lines)
        if col == Col.COST:
            if rec.cost_actual is not None:
                return self.tr("Billed, from the service's usage report")
            if rec.cost_estimate is not None:
                return self.tr("Estimate before the run: %1").replace("%1", fmt_money(rec.cost_estimate))
        return None
