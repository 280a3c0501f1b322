"""The queue dock: the table of tasks, a progress-bar delegate, a details pane and the row actions."""
from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLayoutItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from .. import catalog
from ..engine import State
from . import desktop
from .decision_panel import DecisionPanel
from .queue_model import (
    FAILED_LIKE,
    NEEDS_DECISION,
    ROLE_PROGRESS,
    ROLE_RECORD,
    Col,
    QueueModel,
    stopped_by_person,
)
from .session import Session
from .util import Debouncer, fmt_clock, fmt_money, spawn, tx

# Failures to save a finished, paid video: "Save to…" another folder collects it (free while the link lives).
SAVE_FAILURES = ("OutputNotWritable", "DiskFull")


def can_save_to(rec: Any) -> bool:
    """The service's link to the finished video still works, so it can be fetched again (free) elsewhere."""
    return bool(rec is not None and rec.can_retry_download and rec.state in (State.DONE, *FAILED_LIKE))


def next_step(code: str | None) -> str:
    """What to do about a failure, by the service's error code (the engine's message says why)."""
    translate = QCoreApplication.translate
    c = code or ""
    if c in SAVE_FAILURES:
        return translate("Queue", "The video is already made: use “Save to…” to choose another folder. "
                                  "The download is free; nothing is generated again.")
    if c.startswith("InvalidApiKey"):
        return translate("Queue", "Check the API key in Settings; keys only work in their own region.")
    if c.startswith(("Throttling.AllocationQuota", "AllocationQuota")):
        return translate("Queue", "Your quota for this model is used up; raise it in the Alibaba Cloud console.")
    if c.startswith("Throttling"):
        return translate("Queue", "The service is busy. Run it again in a minute.")
    if c.startswith(("Arrearage", "PrepaidBillOverdue", "PostpaidBillOverdue", "CommodityNotPurchased",
                     "AccessDenied", "Model.AccessDenied", "Workspace.AccessDenied")):
        return translate("Queue", "Check your Alibaba Cloud account: billing, and access to this model.")
    if c.startswith(("DataInspectionFailed", "IPInfringementSuspect")):
        return translate("Queue", "The content check refused the prompt or a file. Change them, then run again.")
    if c.startswith(("InvalidFile", "InvalidParameter", "BadRequest", "InvalidURL")):
        return translate("Queue", "Change the inputs as described, then use Run again.")
    if c.startswith(("InternalError", "ModelUnavailable", "SystemError", "ServiceUnavailable", "RequestTimeOut")):
        return translate("Queue", "A problem on the service side. Run it again later.")
    return ""


def shows_bar(rec: Any) -> bool:
    """A progress bar only while the task moves here or at the service: a waiting task has no bar."""
    return rec is not None and not rec.state.terminal and rec.state != State.WAITING


class ProgressDelegate(QStyledItemDelegate):
    """The status cell: a progress bar while a task moves (empty when there is no honest figure), plain
    words while it waits or once it stopped (red when it failed, amber when it waits for
    the person's decision: the model's colours)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        rec = index.data(ROLE_RECORD)
        if not shows_bar(rec):
            super().paint(painter, option, index)
            return
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        value = index.data(ROLE_PROGRESS)
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(4, 6, -4, -6)
        bar.minimum, bar.maximum = 0, 1000
        bar.progress = int(min(1.0, value) * 1000) if value is not None and value >= 0 else 0   # no figure: empty
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
        bar.palette = option.palette
        bar.fontMetrics = option.fontMetrics
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        bar.text = option.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, bar.rect.width() - 8)
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        s = super().sizeHint(option, index)
        return QSize(max(s.width(), 180), max(s.height(), 30))


class FlowLayout(QLayout):
    """Buttons left to right, wrapping onto the next line when the pane is narrow (no clipped labels in
    either language; only the visible buttons take room)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(spacing)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _visible(self) -> list[QLayoutItem]:
        return [i for i in self._items if not ((w := i.widget()) is not None and w.isHidden())]

    def _arrange(self, rect: QRect, apply: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line = area.x(), area.y(), 0
        gap = self.spacing()
        for item in self._visible():
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y, line = area.x(), y + line + gap, 0
            if apply:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + gap
            line = max(line, hint.height())
        return y + line - rect.y() + m.bottom()


class QueueTable(QTableView):
    """The table, with words in it when it is empty."""

    resized = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("queueTable")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setShowGrid(False)
        self.setIconSize(QSize(64, 40))
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(50)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)

    def empty_text(self) -> str:
        return self.tr("No tasks yet.\nChoose a tab above, fill in the form and press Generate — "
                       "your videos appear here with their progress.")

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.resized.emit()

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0:
            p = QPainter(self.viewport())
            p.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            r = self.viewport().rect().adjusted(24, 12, -24, -12)
            p.drawText(r, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.empty_text())
            p.end()


class DetailsPane(QFrame):
    """Everything about the selected task in words: its state (the table's words), the prompt, ids, the
    reason for an ending. The video itself plays in the window's stage."""

    PROMPT_CHARS = 280

    def __init__(self, model: QueueModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("detailsPane")
        self.model = model
        self.rec: Any = None
        self.shown_state: State | None = None
        self.title = QLabel(self)
        self.title.setObjectName("detailsTitle")
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text = QLabel(self)
        self.text.setObjectName("detailsText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.text.setOpenExternalLinks(False)
        self.text.linkActivated.connect(lambda href: desktop.reveal_or_copy(self, href[len("file:"):])
                                        if href.startswith("file:") else None)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.note = QLabel(self)               # why a task ended when that is no failure (the person stopped it)
        self.note.setObjectName("detailsNote")
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.hide()
        self.error = QLabel(self)
        self.error.setObjectName("errorBox")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.buttons = FlowLayout()
        self.buttons2 = FlowLayout()
        self.decision_slot = QVBoxLayout()     # the decision panel of a task waiting for the person (QueueDock)
        self.decision_slot.setContentsMargins(0, 0, 0, 0)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 6)
        lay.setSpacing(6)
        lay.addLayout(self.decision_slot)      # first: when a task waits for the person, that is what matters
        lay.addWidget(self.title)
        lay.addLayout(self.buttons)
        lay.addLayout(self.buttons2)
        lay.addWidget(self.note)
        lay.addWidget(self.error)
        lay.addWidget(self.text)
        lay.addStretch(1)

    def show_record(self, rec: Any) -> None:
        self.rec = rec
        self.shown_state = rec.state if rec is not None else None
        if rec is None:
            self.title.setText(self.tr("Select a task to see its details."))
            self.text.setText("")
            self.note.hide()
            self.error.hide()
            return
        spec = catalog.get(rec.model)
        esc = _esc
        state = esc(self.model.status_text(rec))
        head = [f"<b>{esc(tx(spec.title) if spec else rec.model)}</b><br><span style='color:gray'>{esc(rec.model)}"
                f"</span><br>{state}"]
        facts = [self.tr("Created %1").replace("%1", time.strftime("%Y-%m-%d %H:%M", time.localtime(rec.created_at)))]
        if rec.state.active:
            facts.append(esc(self.model.time_text(rec)))
        else:
            facts.append(self.tr("took %1").replace("%1", fmt_clock(rec.elapsed())))
        if rec.cost_actual is not None:
            facts.append(self.tr("cost %1").replace("%1", fmt_money(rec.cost_actual)))
        elif rec.cost_estimate is not None:
            facts.append(self.tr("estimate %1").replace("%1", fmt_money(rec.cost_estimate, False)))
        seed = rec.request.params.get("seed")
        if seed is not None:
            facts.append(self.tr("seed %1").replace("%1", str(seed)))
        head.append(" · ".join(facts))
        explain = self.model.explain(rec)
        if explain:
            head.append(f"<span style='color:gray'>{esc(explain)}</span>")
        self.title.setText("<br>".join(head))
        rows = []
        prompt = rec.prompt
        if prompt:
            short = prompt if len(prompt) <= self.PROMPT_CHARS else prompt[: self.PROMPT_CHARS].rstrip() + "…"
            rows.append(esc(short))
        ids = []
        if rec.task_id:
            ids.append(self.tr("task id %1").replace("%1", esc(rec.task_id)))
        if rec.request_ids:
            ids.append(self.tr("request id %1").replace("%1", esc(rec.request_ids[-1])))
        if ids:
            rows.append("<span style='color:gray'>" + "<br>".join(ids) + "</span>")
        if rec.output_path:
            # zero-width spaces after separators let a long path wrap in a narrow pane
            shown = esc(rec.output_path)
            for sep in ("/", "\\", "_"):
                shown = shown.replace(sep, sep + "\u200b")
            rows.append(f"<a href='file:{esc(rec.output_path)}'>{shown}</a>")
        self.text.setText("<br>".join(rows))
        self.text.setToolTip(prompt if prompt and len(prompt) > self.PROMPT_CHARS else "")
        plain = stopped_by_person(rec) or rec.state == State.CANCELED
        self.note.setText(rec.error_text() if plain else "")
        self.note.setVisible(plain and bool(rec.error_text()))
        if rec.state in FAILED_LIKE and not plain:
            parts = [f"<b>{esc(rec.error_text() or tx(rec.state.label))}</b>"]
            if rec.error_code:
                parts.append(self.tr("Service code: %1").replace("%1", esc(rec.error_code)))
            step = next_step(rec.error_code)
            if step:
                parts.append(esc(step))
            if rec.retry_costs_money is True:
                parts.append(self.tr("Running it again starts a new, billed generation."))
            elif rec.retry_costs_money is False and rec.result_url and rec.error_code not in SAVE_FAILURES:
                # the video exists on the service (and was billed there): only fetching it failed
                parts.append(self.tr("The video is already made: getting it again costs nothing."))
            elif rec.retry_costs_money is False:
                parts.append(self.tr("Nothing was billed for this task."))
            self.error.setText("<br>".join(parts))
            self.error.show()
        else:
            self.error.hide()


class DetailsScroll(QScrollArea):
    """Scrolls the details pane, sized to the height its wrapped text, buttons and decision panel need at the
    pane's width. (QScrollArea re-sizes its widget on its own resize only, not when the content changes, so a
    panel shown in a short dock would be squeezed to nothing instead of scrolled to.)"""

    def __init__(self, pane: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setWidget(pane)
        pane.installEventFilter(self)

    def fit(self) -> None:
        """Size the pane for its content now (after a change, before the next paint or click)."""
        pane = self.widget()
        lay = pane.layout() if pane is not None else None
        if lay is not None:
            lay.activate()
        self.setWidgetResizable(True)          # runs the scroll area's sizing again

    def eventFilter(self, obj: Any, event: QEvent) -> bool:  # noqa: N802
        if obj is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.fit()
        return super().eventFilter(obj, event)


def _esc(s: str) -> str:
    return (s or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cancel_kind(rec: Any) -> str:
    """What Cancel does to a task now: ``free`` (nothing was sent), ``ask`` (the service may still cancel
    it), ``stop`` (the service is generating: only the tracking stops, it is billed) or ``""``."""
    if rec is None or not rec.can_cancel:
        return ""
    if rec.state in (State.RUNNING, State.DOWNLOADING):
        return "stop"
    if rec.state in (State.SUBMITTING, State.QUEUED) or (rec.state == State.DETECTING and rec.task_id):
        return "ask"
    return "free"


def archivable(rec: Any) -> bool:
    """Ended tasks leave the queue for the library; one waiting for the person's decision stays."""
    return rec is not None and rec.state.terminal and rec.state not in NEEDS_DECISION


class NoticeBar(QFrame):
    """A slim line above the table saying what just happened, with Undo when it can be undone. It goes
    away after a while, or when the person does the next thing."""

    SECONDS = 15

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("queueNotice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.setAutoFillBackground(True)
        self.label = QLabel(self)
        self.label.setObjectName("noticeText")
        self.label.setWordWrap(True)
        self.undo_button = QPushButton(self)
        self.undo_button.setObjectName("undoButton")
        self.undo_button.clicked.connect(self._undo_clicked)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 2, 4, 2)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.undo_button)
        self._undo: Callable[[], None] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self.retranslate()
        self.hide()

    def show_message(self, text: str, undo: Callable[[], None] | None = None) -> None:
        self._undo = undo
        self.label.setText(text)
        self.undo_button.setVisible(undo is not None)
        self.show()
        self._timer.start(self.SECONDS * 1000)

    def dismiss(self) -> None:
        self._timer.stop()
        self._undo = None
        self.hide()

    def _undo_clicked(self) -> None:
        undo = self._undo
        self.dismiss()
        if undo is not None:
            undo()

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Queue message"))
        self.undo_button.setText(self.tr("Undo"))


class QueueDock(QDockWidget):
    """The dockable queue. Row actions go to the engine; ``run_again`` and ``play`` go to the window.
    Nothing here deletes history: finished tasks are archived (the library keeps them), with Undo."""

    run_again = Signal(object, bool)    # Request, exact (same seed, one video) or a new variation
    play = Signal(object)               # TaskRecord

    #: column widths when there is room; squeezed in this order (0: hidden) until the prompt keeps PROMPT_MIN
    WIDTHS = {Col.PREVIEW: 76, Col.MODEL: 170, Col.STATUS: 250, Col.TIME: 150, Col.COST: 72}
    SQUEEZE = ((Col.MODEL, 130), (Col.PREVIEW, 0), (Col.TIME, 120), (Col.STATUS, 210), (Col.MODEL, 110),
               (Col.STATUS, 180), (Col.TIME, 104), (Col.COST, 64))
    PROMPT_MIN = 160
    PREVIEW_MIN_DOCK = 900              # narrower docks drop the thumbnails first

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("queueDock")
        self.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable |
                         QDockWidget.DockWidgetFeature.DockWidgetFloatable |
                         QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.model = QueueModel(session, self)

        body = QWidget(self)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(6, 4, 6, 6)
        lay.setSpacing(4)
        top = QHBoxLayout()
        self.summary = QLabel(body)
        self.summary.setObjectName("queueSummary")
        self.folder_button = QPushButton(body)
        self.folder_button.clicked.connect(self.open_output_folder)
        self.clear_button = QPushButton(body)
        self.clear_button.setObjectName("archiveFinished")
        self.clear_button.clicked.connect(self.clear_finished)
        top.addWidget(self.summary, 1)
        top.addWidget(self.clear_button)
        top.addWidget(self.folder_button)
        lay.addLayout(top)
        self.notice = NoticeBar(body)
        lay.addWidget(self.notice)

        self.table = QueueTable(body)
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(Col.STATUS, ProgressDelegate(self.table))
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        h.setSectionResizeMode(Col.PROMPT, QHeaderView.ResizeMode.Stretch)
        h.setStretchLastSection(False)
        h.setHighlightSections(False)
        h.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for col, w in self.WIDTHS.items():
            self.table.setColumnWidth(col, w)
        self.table.resized.connect(self._fit_columns)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.details = DetailsPane(self.model, body)
        self.decision = DecisionPanel(session, self.details)
        self.details.decision_slot.addWidget(self.decision)
        self.details_scroll = details_scroll = DetailsScroll(self.details, body)
        details_scroll.setMinimumWidth(300)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, body)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(details_scroll)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        lay.addWidget(self.splitter, 1)
        self.setWidget(body)

        self._buttons: dict[str, QPushButton] = {}
        # "remove" is the Archive button (its key kept for callers); nothing here deletes a task
        for key in ("save_to", "play", "folder", "retry", "resume", "cancel", "again", "repeat", "remove"):
            b = QPushButton(self.details)
            action = "archive" if key == "remove" else key
            b.setObjectName(f"action_{action}")
            b.clicked.connect(lambda _c=False, k=action: self.do(k))
            (self.details.buttons2 if key in ("again", "repeat", "remove") else self.details.buttons).addWidget(b)
            self._buttons[key] = b
        self._details_later = Debouncer(150, self._selection_changed, self, throttle=True)
        self._summary_later = Debouncer(250, self._update_summary, self, throttle=True)
        self.model.rowsInserted.connect(lambda *_: self._summary_later.poke())
        self.model.rowsRemoved.connect(lambda *_: self._summary_later.poke())
        self.model.modelReset.connect(self._update_summary)
        self.model.dataChanged.connect(self._data_changed)
        session.totals_changed.connect(self._update_summary)
        self.retranslate()
        self._selection_changed()

    # -- selection ---------------------------------------------------------------------------
    def selected_records(self) -> list[Any]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [r for r in (self.model.record(row) for row in rows) if r is not None]

    def current(self) -> Any:
        recs = self.selected_records()
        return recs[0] if recs else None

    def select_task(self, task_id: int) -> None:
        row = self.model.row_of(task_id)
        if row >= 0:
            idx = self.model.index(row, 0)
            self.table.selectionModel().select(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect |
                                               QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(idx)
        self._selection_changed()

    def _data_changed(self, top: QModelIndex, bottom: QModelIndex, roles: Any = None) -> None:
        rec = self.details.rec
        if rec is not None and top.row() <= self.model.row_of(rec.id) <= bottom.row():
            if rec.state != self.details.shown_state:     # a new state shows at once, like the table's
                self._selection_changed()
            else:
                self._details_later.poke()
        if top.column() == 0:
            self._summary_later.poke()

    def _selection_changed(self) -> None:
        rec = self.current()
        self.details.show_record(rec)
        self.decision.show_record(rec if rec is not None and rec.state in NEEDS_DECISION else None)
        self._update_buttons(rec)
        self.details_scroll.fit()

    def _update_buttons(self, rec: Any) -> None:
        has_file = bool(rec and rec.output_path and rec.state == State.DONE and Path(rec.output_path).exists())
        save_failed = bool(rec and rec.error_code in SAVE_FAILURES and can_save_to(rec))
        show = {
            "save_to": can_save_to(rec),
            "play": has_file,
            "folder": has_file,
            "retry": bool(rec and rec.can_retry_download and rec.state != State.DONE),
            "resume": bool(rec and rec.can_resume),
            "cancel": bool(rec and rec.can_cancel),
            "again": rec is not None,
            "repeat": bool(rec and has_seed(rec)),
            "remove": archivable(rec),
        }
        for key, b in self._buttons.items():
            b.setVisible(show[key])
        text, tip = self.cancel_words([rec] if rec is not None else [])
        self._buttons["cancel"].setText(text)
        self._buttons["cancel"].setToolTip(tip)
        # When saving the paid video failed, collecting it elsewhere is *the* next step: say so loudly.
        b = self._buttons["save_to"]
        if b.property("prominent") != save_failed:
            b.setProperty("prominent", save_failed)
            f = b.font()
            f.setBold(save_failed)
            b.setFont(f)
            b.setDefault(save_failed)
            self._label_save_to()

    def cancel_words(self, recs: list[Any]) -> tuple[str, str]:
        """The Cancel button's words and tooltip for these tasks: what the click will do, before the click."""
        kinds = {cancel_kind(r) for r in recs} - {""}
        if kinds == {"stop"}:
            return self.tr("Stop tracking — still billed"), self.tr(
                "The service is generating it: it cannot be canceled and will be billed. Let it finish: the "
                "video is downloaded when ready. Stopping only stops watching it here; you can Resume tracking "
                "later.")
        if "stop" in kinds:
            return self.tr("Cancel or stop tracking"), self.tr(
                "Tasks not sent yet are canceled and not billed. Tasks the service is already generating "
                "cannot be canceled: they are only no longer watched here, and are still billed.")
        if "ask" in kinds:
            return self.tr("Cancel"), self.tr(
                "The service can still cancel a queued task; if it does, nothing is billed. If it has just "
                "started, it is only no longer watched here (and is billed).")
        return self.tr("Cancel"), self.tr("Nothing has been sent; nothing is billed.")

    # -- actions -----------------------------------------------------------------------------
    def do(self, action: str, recs: list[Any] | None = None) -> None:
        recs = recs if recs is not None else self.selected_records()
        if not recs:
            return
        self.notice.dismiss()                  # the next action ends an offer to undo
        rec = recs[0]
        eng = self.session.engine
        if action == "play" and rec.output_path:
            self.play.emit(rec)
        elif action == "open" and rec.output_path:
            desktop.open_or_copy(self, rec.output_path)
        elif action == "folder" and rec.output_path:
            desktop.reveal_or_copy(self, rec.output_path)
        elif action == "again":
            self.run_again.emit(rec.request, False)
        elif action == "repeat" and has_seed(rec):
            self.run_again.emit(rec.request, True)
        elif action == "save_to":
            self.save_to([r for r in recs if can_save_to(r)])
        elif action == "copy_task":
            QGuiApplication.clipboard().setText("\n".join(r.task_id for r in recs if r.task_id))
        elif action == "copy_request":
            QGuiApplication.clipboard().setText("\n".join(i for r in recs for i in r.request_ids))
        elif action in ("archive", "remove"):
            self.archive(recs)
        elif eng is not None:
            live = [eng.get(r.id) or r for r in recs]     # the click may land after the task moved on
            if action == "cancel" and not any(r.can_cancel for r in live):
                self.notice.show_message(self.too_late(live))
                return
            for r in live:
                if action == "cancel" and r.can_cancel:
                    spawn(eng.cancel(r.id), name=f"cancel:{r.id}")
                elif action == "retry" and r.can_retry_download:
                    spawn(eng.retry_download(r.id), name=f"retry:{r.id}")
                elif action == "resume" and r.can_resume:
                    spawn(eng.resume(r.id), name=f"resume:{r.id}")

    def too_late(self, recs: list[Any]) -> str:
        if all(r.state == State.DONE for r in recs):
            return self.tr("Too late to cancel: it had already finished.")
        return self.tr("Too late to cancel: it had already ended (%1).").replace("%1", tx(recs[0].state.label))

    def archive(self, recs: list[Any]) -> None:
        """Take ended tasks off the queue (the library keeps them); the notice offers Undo."""
        eng = self.session.engine
        ids = [r.id for r in recs if archivable(r)]
        if eng is None or not ids:
            return
        with self.model.bulk() if len(ids) > 20 else contextlib.nullcontext():
            eng.mark(ids, archived=True)
        self.notice.show_message(self.tr("Archived %n tasks.", "", len(ids)), undo=lambda: self._unarchive(ids))

    def _unarchive(self, ids: list[int]) -> None:
        eng = self.session.engine
        if eng is None:
            return
        with self.model.bulk() if len(ids) > 20 else contextlib.nullcontext():
            eng.mark(ids, archived=False)

    def save_to(self, recs: list[Any]) -> None:
        """Fetch finished videos again (free while their link lives) into a folder the person picks."""
        eng = self.session.engine
        if eng is None or not recs:
            return
        start = str(Path(recs[0].output_path).parent) if recs[0].output_path else str(self.session.config.out_dir)
        folder = QFileDialog.getExistingDirectory(self, self.tr("Save the video to…"), start)
        if not folder:
            return
        for r in recs:
            spawn(eng.retry_download(r.id, out_dir=folder), name=f"save-to:{r.id}")

    def clear_finished(self) -> None:
        """"Archive finished": done and canceled tasks leave the queue, with Undo (nothing is deleted)."""
        self.notice.dismiss()
        self.archive([r for r in self.model.records() if r.state in (State.DONE, State.CANCELED)])

    def open_output_folder(self) -> None:
        self.notice.dismiss()
        folder = Path(self.session.config.out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        desktop.open_or_copy(self, folder)

    def _double_clicked(self, index: QModelIndex) -> None:
        rec = self.model.record(index)
        if rec is None:
            return
        if rec.state == State.DONE and rec.output_path:
            self.play.emit(rec)
        elif rec.state in FAILED_LIKE and rec.can_retry_download:
            self.do("retry", [rec])

    def _context_menu(self, pos: Any) -> None:
        recs = self.selected_records()
        if not recs:
            return
        menu = self.build_menu(recs)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def build_menu(self, recs: list[Any]) -> QMenu:
        rec = recs[0]
        menu = QMenu(self)
        menu.setObjectName("queueMenu")
        menu.setToolTipsVisible(True)
        done = bool(rec.output_path and rec.state == State.DONE)

        def add(text: str, key: str, enabled: bool, tip: str = "") -> QAction:
            a = menu.addAction(text)
            a.setObjectName(f"menu_{key}")
            a.setEnabled(enabled)
            a.setToolTip(tip or text)
            a.triggered.connect(lambda _c=False, k=key: self.do(k, recs))
            return a

        add(self.tr("Play"), "play", done)
        add(self.tr("Open in system player"), "open", done)
        add(self.tr("Show in folder"), "folder", done)
        add(self.tr("Save to… (free)"), "save_to", any(can_save_to(r) for r in recs))
        menu.addSeparator()
        cancel_text, cancel_tip = self.cancel_words(recs)
        add(cancel_text, "cancel", any(r.can_cancel for r in recs), cancel_tip)
        add(self.tr("Retry download (free)"), "retry", any(r.can_retry_download for r in recs))
        add(self.tr("Resume tracking"), "resume", any(r.can_resume for r in recs))
        again = menu.addMenu(self.tr("Run again"))
        again.setObjectName("menu_run_again")
        for text, key, tip, enabled in (
                (self.tr("Same settings, new variation"), "again",
                 self.tr("The seed is left random, so you get a different video"), True),
                (self.tr("Exact repeat (same seed)"), "repeat",
                 self.tr("One video with the same seed: the same video again"), has_seed(rec))):
            a = again.addAction(text)
            a.setObjectName(f"menu_{key}")
            a.setToolTip(tip)
            a.setEnabled(enabled)
            a.triggered.connect(lambda _c=False, k=key: self.do(k, recs))
        again.setToolTipsVisible(True)
        menu.addSeparator()
        add(self.tr("Copy task id"), "copy_task", any(r.task_id for r in recs))
        add(self.tr("Copy request id"), "copy_request", any(r.request_ids for r in recs))
        menu.addSeparator()
        add(self.tr("Archive"), "archive", any(archivable(r) for r in recs), self.archive_tip())
        return menu

    def archive_tip(self) -> str:
        return self.tr("Take it off the queue; it stays in the library with its video. You can undo this.")

    # -- look --------------------------------------------------------------------------------
    def _fit_columns(self) -> None:
        """Keep the prompt readable in a narrow dock: drop the thumbnails, then squeeze the other columns."""
        t = self.table
        avail = t.width() - 2 * t.frameWidth() - t.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        widths = dict(self.WIDTHS)
        if self.width() < self.PREVIEW_MIN_DOCK:
            widths[Col.PREVIEW] = 0
        for col, w in self.SQUEEZE:
            if avail - sum(widths.values()) >= self.PROMPT_MIN:
                break
            widths[col] = min(widths[col], w)
        t.setColumnHidden(Col.PREVIEW, widths.pop(Col.PREVIEW) == 0)
        for col, w in widths.items():
            if t.columnWidth(col) != w:
                t.setColumnWidth(col, w)

    def _update_summary(self) -> None:
        m = self.model                          # counts kept by the model as events come (no walk over rows)
        active, done, failed = m.active_count(), m.done_count, m.attention_count
        parts = [self.tr("%n working", "", active), self.tr("%n done", "", done)]
        if failed:
            parts.append(self.tr("%n need attention", "", failed))
        today = (self.session.totals or {}).get("today")
        if today and self.session.is_sandbox:
            parts.append(self.tr("today %1 (sandbox: not charged)").replace(
                "%1", fmt_money(today)))
        elif today:
            parts.append(self.tr("today %1").replace("%1", fmt_money(today)))
        self.summary.setText(" · ".join(parts))
        self.clear_button.setEnabled(m.finished_count > 0)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Queue"))
        self.table.setAccessibleName(self.tr("Tasks"))
        self.details.setAccessibleName(self.tr("Task details"))
        self.folder_button.setText(self.tr("Open output folder"))
        self.clear_button.setText(self.tr("Archive finished"))
        self.clear_button.setToolTip(self.tr("Take done and canceled tasks off the queue. They stay in the "
                                             "library with their videos; nothing is deleted, and you can undo it."))
        labels = {"play": self.tr("Play"), "folder": self.tr("Show in folder"), "retry": self.tr("Retry download"),
                  "resume": self.tr("Resume"), "cancel": self.tr("Cancel"),
                  "again": self.tr("Run again: new variation"), "repeat": self.tr("Exact repeat"),
                  "remove": self.tr("Archive"), "save_to": ""}
        for key, b in self._buttons.items():
            b.setText(labels[key])
        self._label_save_to()
        self._buttons["remove"].setToolTip(self.archive_tip())
        self._buttons["resume"].setToolTip(self.tr("Watch the task on the service again and download the video "
                                                   "when it is ready; nothing is billed again"))
        self._buttons["retry"].setToolTip(self.tr("Download the finished video again; this costs nothing"))
        self._buttons["save_to"].setToolTip(self.tr("Download the finished video again into a folder you choose; "
                                                    "this costs nothing while the service keeps the link"))
        self._buttons["again"].setToolTip(self.tr("Same settings, new variation: the settings go back into the "
                                                  "form with a random seed, so Generate makes a different video"))
        self._buttons["repeat"].setToolTip(self.tr("Exact repeat (same seed): the settings and the seed go back "
                                                   "into the form for one video, the same video again"))
        self.notice.retranslate()
        self.model.retranslate()
        self._update_summary()
        self._selection_changed()

    def _label_save_to(self) -> None:
        b = self._buttons["save_to"]
        b.setText(self.tr("Save to another folder…") if b.property("prominent") else self.tr("Save to…"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_columns()


def has_seed(rec: Any) -> bool:
    """The task ran with a known seed, so it can be repeated exactly."""
    return rec.request.params.get("seed") is not None
