"""The library as Qt item models: every result ever made (archived ones included), and its filters.

:class:`LibraryModel` lists ``session.tasks()`` and follows the session's task signals; bursts of
events are gathered for a moment and applied as a few row inserts, moves, removals and
``dataChanged`` ranges (a new engine, ``session.reset``, is the only full reset). The rows are kept in
the chosen order by the model itself: 10,000 comparisons through Python in a proxy's ``lessThan``
would freeze the window for most of a second, a sort in Python takes milliseconds.

:class:`LibraryFilter` hides what the person filtered out (family, model, state, date, favourites,
archived, words of the prompt, model or task id) and asks the source model for the order.
"""
from __future__ import annotations

import bisect
import functools
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QPixmap

from .. import catalog, i18n
from ..catalog.pricing import output_seconds
from ..engine import State
from ..engine.film import FILM
from .queue_model import input_summary, runs, thumb_source
from .session import Session
from .thumbs import ThumbStore
from .util import fmt_money, tx

ROLE_RECORD = Qt.ItemDataRole.UserRole + 1
ROLE_ID = Qt.ItemDataRole.UserRole + 2
ROLE_META = Qt.ItemDataRole.UserRole + 3        # "model · 5 s · ¥0.70 · 3 Dec"
ROLE_CREATED = Qt.ItemDataRole.UserRole + 4     # sort keys: epoch seconds, yuan, seconds of video
ROLE_COST = Qt.ItemDataRole.UserRole + 5
ROLE_SECONDS = Qt.ItemDataRole.UserRole + 6
ROLE_SOURCE = Qt.ItemDataRole.UserRole + 7      # the file its pictures come from (None: nothing to show)
ROLE_THUMB = Qt.ItemDataRole.UserRole + 8       # QPixmap poster, or None (on its way, or see ROLE_PROBLEM)
ROLE_STRIP = Qt.ItemDataRole.UserRole + 9       # QPixmap filmstrip (ask only for a tile under the mouse)
ROLE_PROBLEM = Qt.ItemDataRole.UserRole + 10    # why there is no picture: thumbs.MISSING / UNREADABLE

GROUPS = ("all", "done", "problems", "running")


def group_of(rec: Any) -> str:
    """The state filter's group: done; problems (failed, or waiting for the person's decision — not a task
    the person canceled or stopped themselves); running; or none of these (canceled)."""
    st = rec.state
    if st == State.DONE:
        return "done"
    if st.active:
        return "running"
    if st in (State.FAILED, State.EXPIRED, State.UNCERTAIN) or (st == State.STOPPED and rec.error_code):
        return "problems"
    return ""
#: date filter → days back from today's midnight (0: since midnight)
PERIODS: dict[str, int] = {"today": 0, "7d": 6, "30d": 29}
SORTS = ("newest", "oldest", "cost", "longest")
#: every row's flags (made once: selecting 10,000 rows asks for them 10,000 times)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
FLUSH_MS = 60
WARM_SLICE = 400       # search texts made per turn of the event loop (a few milliseconds)


def is_film(rec: Any) -> bool:
    return bool(rec.request.model == FILM)


def film_word() -> str:
    return QCoreApplication.translate("Library", "Film", "a video stitched from a sequence of shots")


def title_of(rec: Any) -> str:
    """The tile's first line: the prompt (or the inputs); a film's sequence name."""
    text = " ".join((rec.prompt or input_summary(rec) or tx(rec.state.label)).split())
    if is_film(rec):
        return QCoreApplication.translate("Library", "Film · %1").replace("%1", text)
    return text


def video_seconds(rec: Any) -> float | None:
    """Length of the result: what the service billed when it reported it, else what was asked for; a film's
    measured length (it has no catalogue model)."""
    spec = catalog.get(rec.model)
    if spec is None:
        try:
            return float(rec.usage["duration"]) or None
        except (KeyError, TypeError, ValueError):
            return None
    key = spec.usage.seconds
    if key and rec.usage.get(key) is not None:
        try:
            return float(rec.usage[key])
        except (TypeError, ValueError):
            pass
    durations = {k: float(v["duration"]) for k, v in rec.files.items()
                 if isinstance(v, dict) and v.get("duration")}
    try:
        secs, _ = output_seconds(spec, rec.request.params, durations)
    except (TypeError, ValueError):
        return None
    return secs or None


def cost_of(rec: Any) -> float:
    if rec.cost_actual is not None:
        return float(rec.cost_actual)
    return float(rec.cost_estimate or 0.0) if rec.state.active else 0.0


def sort_key(order: str) -> Callable[[Any], tuple]:
    """Ascending keys for each order (unique: the id breaks ties)."""
    if order == "oldest":
        return lambda r: (r.created_at, r.id)
    if order == "cost":
        return lambda r: (-cost_of(r), -r.created_at, -r.id)
    if order == "longest":
        return lambda r: (-(video_seconds(r) or 0.0), -r.created_at, -r.id)
    return lambda r: (-r.created_at, -r.id)


@functools.lru_cache(maxsize=256)
def _model_words(model: str, lang: str) -> str:
    spec = catalog.get(model)
    return f"{model} {tx(spec.title) if spec else film_word() if model == FILM else ''}"


def search_text(rec: Any) -> str:
    """What the search box looks through, case-folded: the prompt (or the inputs), model, task id."""
    parts = [rec.prompt or input_summary(rec), _model_words(rec.model, i18n.language()), rec.task_id or "",
             rec.request.function or ""]
    return " ".join(parts).casefold()


def matches(haystack: str, words: Iterable[str]) -> bool:
    """Every word (already case-folded) occurs somewhere in ``haystack``."""
    return all(w in haystack for w in words)


def date_text(when: float, now: float | None = None) -> str:
    """'14:05' today, '3 Dec' this year, '3 Dec 2024' before (in the UI's language)."""
    translate = QCoreApplication.translate
    dt = QDateTime.fromSecsSinceEpoch(int(when))
    today = QDateTime.fromSecsSinceEpoch(int(now or time.time())).date()
    loc = QLocale()
    if dt.date() == today:
        return loc.toString(dt.time(), "HH:mm")
    if dt.date().year() == today.year():
        return loc.toString(dt.date(), translate("Library", "d MMM", "date of a video this year"))
    return loc.toString(dt.date(), translate("Library", "d MMM yyyy", "date of a video of an earlier year"))


def meta_text(rec: Any) -> str:
    """The tile's second line: model · length · cost · date (a film: shots instead of a cost — its shots
    were paid for when they were made)."""
    spec = catalog.get(rec.model)
    film = is_film(rec)
    parts = [film_word() if film else tx(spec.title) if spec else rec.model]
    secs = video_seconds(rec)
    if secs:
        parts.append(QCoreApplication.translate("Format", "%1 s").replace("%1", f"{secs:g}"))
    shots = int(rec.request.params.get("shots") or 0) if film else 0
    if shots:
        parts.append(QCoreApplication.translate("Library", "1 shot") if shots == 1 else
                     QCoreApplication.translate("Library", "%1 shots").replace("%1", str(shots)))
    elif rec.cost_actual is not None and not film:
        parts.append(fmt_money(rec.cost_actual))
    parts.append(date_text(rec.created_at))
    return " · ".join(parts)


class LibraryModel(QAbstractListModel):
    """One row per task, in the chosen order (:meth:`set_order`)."""

    def __init__(self, session: Session, thumbs: ThumbStore | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.thumbs = thumbs or ThumbStore(session.config.data_dir / "thumbs", parent=self)
        self.thumbs.ready.connect(self._thumb_ready)
        self.order = "newest"
        self._key = sort_key(self.order)
        self._recs: list[Any] = []
        self._keys: list[tuple] = []
        self._rows: dict[int, int] | None = {}      # id → row, rebuilt on demand after rows move
        self._hay: dict[int, str] = {}
        self._texts: dict[int, tuple[str, str]] = {}   # id → the tile's two lines (painted at every scroll step)
        self._texts_day = date.today()
        self._wanted: dict[str, set[int]] = {}      # thumbnail source → ids of painted tiles that wait for it
        self._added: dict[int, Any] = {}
        self._changed: set[int] = set()
        self._removed: set[int] = set()
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(FLUSH_MS)
        self._flush.timeout.connect(self.flush)
        # The search cache is filled a slice at a time after a (re)load, while the person looks at the
        # tiles: the first search then costs no more than any other.
        self._warm_at = 0
        self._warm = QTimer(self)
        self._warm.setInterval(0)
        self._warm.timeout.connect(self._warm_search)
        session.task_added.connect(self._on_added)
        session.task_changed.connect(self._on_changed)
        session.task_removed.connect(self._on_removed)
        session.reset.connect(self.reload)
        self.reload()

    # -- engine events ---------------------------------------------------------------------
    def reload(self) -> None:
        self.beginResetModel()
        self._added.clear()
        self._changed.clear()
        self._removed.clear()
        self._keys, self._recs = self._sorted(self.session.tasks())
        self._rows = None
        self._hay.clear()
        self._texts.clear()
        self._wanted.clear()
        self.endResetModel()
        self._warm_at = 0
        self._warm.start()

    def _warm_search(self) -> None:
        for rec in self._recs[self._warm_at:self._warm_at + WARM_SLICE]:
            if rec.id not in self._hay:
                self._hay[rec.id] = search_text(rec)
        self._warm_at += WARM_SLICE
        if self._warm_at >= len(self._recs):
            self._warm.stop()

    def _on_added(self, rec: Any) -> None:
        self._removed.discard(rec.id)
        self._added[rec.id] = rec
        self._poke()

    def _on_changed(self, rec: Any) -> None:
        if rec.id in self._added:
            self._added[rec.id] = rec
        elif self.row_of(rec.id) < 0:
            self._on_added(rec)
        else:
            self._changed.add(rec.id)
        self._poke()

    def _on_removed(self, rec: Any) -> None:
        if self._added.pop(rec.id, None) is None:
            self._removed.add(rec.id)
        self._changed.discard(rec.id)
        self._poke()

    def _poke(self) -> None:
        if not self._flush.isActive():
            self._flush.start()

    def flush(self) -> None:
        """Apply the events gathered since the last flush (also called by tests and the view)."""
        self._flush.stop()
        removed, self._removed = self._removed, set()
        changed, self._changed = self._changed, set()
        added, self._added = self._added, {}
        self._remove_rows(sorted((r for r in map(self.row_of, removed) if r >= 0), reverse=True))
        for task_id in removed:
            self._hay.pop(task_id, None)
            self._texts.pop(task_id, None)
        self._apply_changes(changed)
        self._insert(list(added.values()))

    def _remove_rows(self, rows_desc: list[int]) -> None:
        i = 0
        while i < len(rows_desc):
            last = first = rows_desc[i]
            while i + 1 < len(rows_desc) and rows_desc[i + 1] == first - 1:
                i += 1
                first = rows_desc[i]
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._recs[first:last + 1]
            del self._keys[first:last + 1]
            self._rows = None
            self.endRemoveRows()
            i += 1

    def _apply_changes(self, ids: set[int]) -> None:
        rows = []
        for task_id in ids:
            row = self.row_of(task_id)
            if row < 0:
                continue
            self._hay.pop(task_id, None)
            self._texts.pop(task_id, None)
            rec = self._recs[row]
            key = self._key(rec)
            if key != self._keys[row]:
                row = self._move(row, key)
            rows.append(row)
        for first, last in runs(sorted(rows)):
            self.dataChanged.emit(self.index(first), self.index(last))

    def _move(self, row: int, key: tuple) -> int:
        """Put a row whose sort key changed where it now belongs; returns its new row."""
        rec = self._recs[row]
        keys = self._keys[:row] + self._keys[row + 1:]
        pos = bisect.bisect_left(keys, key)
        dest = pos if pos < row else pos + 1          # Qt counts the destination before the move
        if pos != row and self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), dest):
            del self._recs[row], self._keys[row]
            self._recs.insert(pos, rec)
            self._keys.insert(pos, key)
            self._rows = None
            self.endMoveRows()
            return pos
        self._keys[row] = key
        return row

    def _insert(self, recs: list[Any]) -> None:
        items = sorted(((self._key(r), r) for r in recs if self.row_of(r.id) < 0), key=lambda kr: kr[0])
        i = 0
        while i < len(items):
            pos = bisect.bisect_left(self._keys, items[i][0])
            j = i + 1                          # the run that falls between the same two existing rows
            while j < len(items) and (pos == len(self._keys) or items[j][0] < self._keys[pos]):
                j += 1
            self.beginInsertRows(QModelIndex(), pos, pos + j - i - 1)
            self._keys[pos:pos] = [k for k, _ in items[i:j]]
            self._recs[pos:pos] = [r for _, r in items[i:j]]
            self._rows = None
            self.endInsertRows()
            i = j

    def _sorted(self, recs: list[Any]) -> tuple[list[tuple], list[Any]]:
        """The records in this order, and their keys (each key made once: 10,000 of them at start)."""
        keys = list(map(self._key, recs))
        order = sorted(range(len(recs)), key=keys.__getitem__)
        return [keys[i] for i in order], [recs[i] for i in order]

    def set_order(self, order: str) -> None:
        """Re-sort in place (persistent indexes, so the selection, follow their records)."""
        order = order if order in SORTS else "newest"
        if order == self.order:
            return
        self.flush()
        self.order, self._key = order, sort_key(order)
        self.layoutAboutToBeChanged.emit()
        old_ids = [r.id for r in self._recs]
        self._keys, self._recs = self._sorted(self._recs)
        self._rows = None
        persistent = self.persistentIndexList()
        if persistent:
            self.changePersistentIndexList(persistent, [self.index(self.row_of(old_ids[p.row()]))
                                                        if 0 <= p.row() < len(old_ids) else QModelIndex()
                                                        for p in persistent])
        self.layoutChanged.emit()

    def _thumb_ready(self, path: str) -> None:
        rows = sorted(r for r in map(self.row_of, self._wanted.pop(path, ())) if r >= 0)
        for first, last in runs(rows):
            self.dataChanged.emit(self.index(first), self.index(last), [ROLE_THUMB, ROLE_STRIP, ROLE_PROBLEM])

    def retranslate(self) -> None:
        self._hay.clear()
        self._texts.clear()
        self._warm_at = 0
        self._warm.start()
        if self._recs:
            self.dataChanged.emit(self.index(0), self.index(len(self._recs) - 1))

    # -- lookups ---------------------------------------------------------------------------
    def row_of(self, task_id: int) -> int:
        if self._rows is None:
            self._rows = {r.id: i for i, r in enumerate(self._recs)}
        return self._rows.get(task_id, -1)

    def record_at(self, row: int) -> Any:
        return self._recs[row] if 0 <= row < len(self._recs) else None

    def record(self, index: QModelIndex | QPersistentModelIndex) -> Any:
        return self.record_at(index.row()) if index.isValid() else None

    def records(self) -> list[Any]:
        return list(self._recs)

    def haystack(self, row: int) -> str:
        rec = self._recs[row]
        text = self._hay.get(rec.id)
        if text is None:
            text = self._hay[rec.id] = search_text(rec)
        return text

    def texts(self, rec: Any) -> tuple[str, str]:
        """The tile's title and meta line, made once per record (and again after it changes, or the day does:
        today's videos show a time, older ones a date)."""
        if self._texts_day != date.today():
            self._texts.clear()
            self._texts_day = date.today()
        out = self._texts.get(rec.id)
        if out is None:
            out = self._texts[rec.id] = (title_of(rec), meta_text(rec))
        return out

    def models_present(self) -> list[str]:
        return sorted({r.model for r in self._recs})

    # -- Qt model interface ----------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._recs)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        rec = self.record(index)
        if rec is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.texts(rec)[0]
        if role == ROLE_RECORD:
            return rec
        if role == ROLE_ID:
            return rec.id
        if role == ROLE_META:
            return self.texts(rec)[1]
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = (title_of(rec) if is_film(rec) else rec.prompt or input_summary(rec), meta_text(rec),
                     rec.output_path or "")
            return "\n".join(x for x in lines if x)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{index.data()} — {meta_text(rec)}"
        if role == ROLE_CREATED:
            return float(rec.created_at)
        if role == ROLE_COST:
            return cost_of(rec)
        if role == ROLE_SECONDS:
            return video_seconds(rec)
        if role in (ROLE_SOURCE, ROLE_THUMB, ROLE_STRIP, ROLE_PROBLEM):
            src = thumb_source(rec)
            if role == ROLE_SOURCE or not src:
                return src
            if role == ROLE_PROBLEM:
                return self.thumbs.problem(src)
            pix = self.thumbs.poster(src) if role == ROLE_THUMB else self.thumbs.strip(src)
            if pix is None and self.thumbs.problem(src) is None:
                self._wanted.setdefault(src, set()).add(rec.id)
            return pix
        return None

    def tile(self, row: int) -> tuple[Any, QPixmap | None, str | None, str, str] | None:
        """What a tile shows, in one call (the delegate paints many tiles at every scroll step): the record,
        its poster (asked for when not made yet) or why there is none, and its two lines of text."""
        rec = self.record_at(row)
        if rec is None:
            return None
        title, meta = self.texts(rec)
        src = thumb_source(rec)
        poster = problem = None
        if src:
            poster = self.thumbs.poster(src)
            if poster is None:
                problem = self.thumbs.problem(src)
                if problem is None:
                    self._wanted.setdefault(src, set()).add(rec.id)
        return rec, poster, problem, title, meta


class LibraryFilter(QSortFilterProxyModel):
    """What the filter bar asks for. The order is the source model's (see the module's docstring)."""

    def __init__(self, source: LibraryModel, parent: QObject | None = None):
        super().__init__(parent)
        self.src = source
        self.family: str | None = None
        self.model: str | None = None
        self.group = "all"
        self.period = "all"
        self.favourites_only = False
        self.show_archived = True
        self.text = ""
        self._words: list[str] = []
        self._since: float | None = None
        self._everything = True
        self.setSourceModel(source)

    # -- what the person asks for ------------------------------------------------------------
    def set_filters(self, **changes: Any) -> None:
        """Any of family, model, group, period, favourites_only, show_archived, text — one refilter."""
        unknown = set(changes) - {"family", "model", "group", "period", "favourites_only", "show_archived", "text"}
        if unknown:
            raise TypeError(f"unknown filters: {sorted(unknown)}")
        if all(getattr(self, k) == v for k, v in changes.items()):
            return
        for k, v in changes.items():
            setattr(self, k, v)
        self._words = self.text.casefold().split()
        self._since = self._period_start(self.period)
        self._everything = not self.is_filtered()
        # One layout change, not a removal per gap: a search that keeps every fourth of 10,000 rows would
        # otherwise send the view thousands of row removals. Persistent indexes (the selection) follow.
        self.invalidate()

    def clear_filters(self) -> None:
        self.set_filters(family=None, model=None, group="all", period="all", favourites_only=False,
                         show_archived=True, text="")

    def is_filtered(self) -> bool:
        return bool(self.family or self.model or self.group != "all" or self.period != "all" or
                    self.favourites_only or not self.show_archived or self._words)

    def set_order(self, order: str) -> None:
        self.src.set_order(order)

    @property
    def order(self) -> str:
        return self.src.order

    @staticmethod
    def _period_start(period: str) -> float | None:
        days = PERIODS.get(period)
        if days is None:
            return None
        midnight = datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
        return midnight.timestamp() - days * 86400

    # -- Qt ---------------------------------------------------------------------------------
    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if self._everything:
            return True
        rec = self.src.record_at(source_row)
        if rec is None:
            return False
        if self.family and rec.family != self.family:
            return False
        if self.model and rec.model != self.model:
            return False
        if self.group != "all" and group_of(rec) != self.group:
            return False
        if self._since is not None and rec.created_at < self._since:
            return False
        if self.favourites_only and not rec.favourite:
            return False
        if not self.show_archived and rec.archived:
            return False
        return not self._words or matches(self.src.haystack(source_row), self._words)

    def record(self, index: QModelIndex | QPersistentModelIndex) -> Any:
        return self.src.record(self.mapToSource(index)) if index.isValid() else None

    def index_of(self, task_id: int) -> QModelIndex:
        row = self.src.row_of(task_id)
        return self.mapFromSource(self.src.index(row)) if row >= 0 else QModelIndex()
