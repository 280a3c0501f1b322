"""What the Sequences page shows, as data: each shot's takes and figures, and the storyboard strip's model.

:func:`shot_rows` turns a :class:`~..engine.sequences.Sequence` and its records into one
:class:`ShotRow` per shot (the take a film uses, what the card shows, its length in the film, the take
running now); :func:`totals` sums them for the header. :class:`StoryboardModel` lists the rows for a
``QListView``; a shot dragged to a new place arrives in :meth:`StoryboardModel.dropMimeData`, which
asks ``mover(shot_id, position)`` to make the change (the sequence in the store is the truth: the
strip is reloaded from it).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from ..engine.records import TaskRecord
from ..engine.sequences import Sequence as Seq
from ..engine.sequences import Shot, effective_take, spend_of, take_seconds
from .queue_model import thumb_source
from .thumbs import ThumbStore

MIME = "application/x-bailian-video-shot"
ROLE_ROW = Qt.ItemDataRole.UserRole + 1        # the ShotRow
ROLE_THUMB = Qt.ItemDataRole.UserRole + 2      # QPixmap poster of the card's take, or None
ROLE_PROBLEM = Qt.ItemDataRole.UserRole + 3    # why there is no picture (thumbs.MISSING / UNREADABLE)


@dataclass
class ShotRow:
    shot: Shot
    number: int                                  # 1-based
    takes: list[TaskRecord] = field(default_factory=list)
    take: TaskRecord | None = None               # the take a film uses (chosen if finished, else newest finished)
    shown: TaskRecord | None = None              # the card's picture: that take, else the chosen, else the newest
    start: float = 0.0                           # where the film's cut begins in the take
    seconds: float | None = None                 # the cut's length in the film
    running: TaskRecord | None = None            # the newest take still being made

    @property
    def continues(self) -> bool:
        """Its take continues the previous shot's video (made from it with Continue)."""
        rec = self.take or self.shown
        return bool(rec is not None and rec.parent is not None and self.number > 1)

    @property
    def all_failed(self) -> bool:
        return bool(self.takes) and self.take is None and self.running is None

    @property
    def cost(self) -> float:
        return sum(spend_of(r) for r in self.takes)


def records_for(engine: Any, seqs: Sequence[Seq]) -> dict[int, TaskRecord]:
    """Every take of ``seqs`` by id (the engine's live record, else the stored one)."""
    out: dict[int, TaskRecord] = {}
    for seq in seqs:
        for shot in seq.shots:
            for t in shot.takes:
                if t not in out:
                    rec = engine.get(t) or engine.store.get(t)
                    if rec is not None:
                        out[t] = rec
    return out


def shot_rows(seq: Seq, records: Mapping[int, TaskRecord]) -> list[ShotRow]:
    rows = []
    for i, shot in enumerate(seq.shots):
        takes = [records[t] for t in shot.takes if t in records]
        take = effective_take(shot, records)
        chosen = records.get(shot.chosen) if shot.chosen is not None else None
        row = ShotRow(shot, i + 1, takes, take, take or chosen or (takes[-1] if takes else None))
        active = [r for r in takes if r.state.active]
        row.running = active[-1] if active else None
        if take is not None:
            if i and take.continuation and take.continuation.get("method") == "first_clip":
                row.start = float(take.continuation.get("overlap") or 0.0)
            secs = take_seconds(take)
            row.seconds = max(0.0, secs - row.start) if secs is not None else None
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Totals:
    shots: int
    seconds: float          # the film's length (cross-fades overlap)
    cost: float             # every take's spend so far
    estimated: bool         # some of it is an estimate (a price not reported yet)


def totals(rows: Sequence[ShotRow], crossfade: float = 0.0) -> Totals:
    cuts = [r.seconds for r in rows if r.seconds is not None]
    seconds = sum(cuts) - max(0, len(cuts) - 1) * max(0.0, crossfade)
    takes = [t for r in rows for t in r.takes]
    estimated = any(t.cost_actual is None and spend_of(t) > 0 for t in takes)
    return Totals(len(rows), max(0.0, seconds), round(sum(spend_of(t) for t in takes), 4), estimated)


def new_position(old_row: int, drop_row: int) -> int:
    """The shot's 0-based place after it is dropped before row ``drop_row`` (rows counted with it in place)."""
    return drop_row - 1 if drop_row > old_row else drop_row


class StoryboardModel(QAbstractListModel):
    """The shots of one sequence, in order: what the strip's delegate paints, and drag and drop."""

    def __init__(self, thumbs: ThumbStore, mover: Callable[[int, int], None], parent: QObject | None = None):
        super().__init__(parent)
        self.thumbs = thumbs
        self.mover = mover
        self.rows: list[ShotRow] = []
        self.describe: Callable[[TaskRecord], str] | None = None     # a running take's state, in the queue's words
        thumbs.ready.connect(self._thumb_ready)

    def set_rows(self, rows: list[ShotRow]) -> None:
        """New contents: the same shots in the same order change in place (the selection stays)."""
        if [r.shot.id for r in rows] == [r.shot.id for r in self.rows]:
            self.rows = rows
            if rows:
                self.dataChanged.emit(self.index(0), self.index(len(rows) - 1))
            return
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def row_of(self, shot_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.shot.id == shot_id), -1)

    def _thumb_ready(self, path: str) -> None:
        for i, r in enumerate(self.rows):
            if r.shown is not None and thumb_source(r.shown) == path:
                self.dataChanged.emit(self.index(i), self.index(i), [ROLE_THUMB, ROLE_PROBLEM])

    # -- the model ---------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == ROLE_ROW:
            return row
        if role in (ROLE_THUMB, ROLE_PROBLEM):
            src = thumb_source(row.shown) if row.shown is not None else None
            if src is None:
                return None
            return self.thumbs.poster(src) if role == ROLE_THUMB else self.thumbs.problem(src)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr("Shot %1").replace("%1", str(row.number))
        if role == Qt.ItemDataRole.ToolTipRole:
            rec = row.take or row.shown
            return (rec.prompt or None) if rec is not None else None
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
                | Qt.ItemFlag.ItemNeverHasChildren)

    # -- drag and drop -----------------------------------------------------------------------
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        ids = [str(self.rows[i.row()].shot.id) for i in indexes if i.isValid() and i.row() < len(self.rows)]
        mime.setData(MIME, QByteArray(",".join(ids[:1]).encode()))
        return mime

    @staticmethod
    def shot_in(data: QMimeData) -> int | None:
        if not data.hasFormat(MIME):
            return None
        try:
            return int(bytes(data.data(MIME).data()).decode() or "x")
        except ValueError:
            return None

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: QModelIndex | QPersistentModelIndex) -> bool:
        shot = self.shot_in(data)
        return shot is not None and self.row_of(shot) >= 0

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: QModelIndex | QPersistentModelIndex) -> bool:
        """A shot dropped before ``row`` (-1: on ``parent``'s card, or after the last one)."""
        shot = self.shot_in(data)
        old = self.row_of(shot) if shot is not None else -1
        if shot is None or old < 0 or action not in (Qt.DropAction.MoveAction, Qt.DropAction.CopyAction):
            return False
        if row < 0:
            row = parent.row() if parent.isValid() else len(self.rows)
        position = new_position(old, max(0, min(len(self.rows), row)))
        if position != old:
            self.mover(shot, position)
        return True
