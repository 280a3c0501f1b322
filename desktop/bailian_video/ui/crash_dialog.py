"""Errors nobody caught: log them, and tell the person in plain words with a report they can send.

:class:`CrashHandler` is installed as ``sys.excepthook`` (Qt slots and virtual methods end there,
as do qasync's async slots) and as the asyncio loop's exception handler. It logs the traceback and
shows one :class:`CrashDialog` — never modal, never two: a later error is appended to the open one.
If showing the dialog fails, the failure is only logged (no recursion).

``CrashHandler`` signals:
    reported(str): an error was logged and handed to the dialog (its one-line summary; tests listen).
"""
from __future__ import annotations

import asyncio
import logging
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import logs
from . import desktop

log = logging.getLogger("bailian_video")

SEPARATOR = "\n" + "─" * 60 + "\n"


class CrashDialog(QDialog):
    """"Something went wrong": what it means for the person's tasks, and the details to send us."""

    def __init__(self, log_path: Path | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setModal(False)
        # An open crash dialog must not keep the app alive once the main window is closed.
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.setMinimumWidth(520)
        self.log_path = log_path
        self.reports: list[str] = []

        self.message = QLabel(self)
        self.message.setObjectName("crashMessage")
        self.message.setWordWrap(True)
        self.summary = QLabel(self)
        self.summary.setObjectName("crashSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_label = QLabel(self)
        self.log_label.setObjectName("helpText")
        self.log_label.setWordWrap(True)
        self.log_label.setTextFormat(Qt.TextFormat.PlainText)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("crashDetails")
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setMinimumHeight(220)
        self.details.hide()

        self.details_button = QPushButton(self)
        self.details_button.setObjectName("crashToggleDetails")
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._toggle_details)
        self.copy_button = QPushButton(self)
        self.copy_button.setObjectName("crashCopy")
        self.copy_button.clicked.connect(self.copy_details)
        self.folder_button = QPushButton(self)
        self.folder_button.setObjectName("crashOpenLogs")
        self.folder_button.clicked.connect(self.open_log_folder)
        self.folder_button.setEnabled(log_path is not None)
        self.close_button = QPushButton(self)
        self.close_button.setObjectName("crashClose")
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.close)
        self.copied = QLabel(self)
        self.copied.setObjectName("helpText")

        row = QHBoxLayout()
        row.addWidget(self.details_button)
        row.addWidget(self.copied, 1)
        row.addWidget(self.copy_button)
        row.addWidget(self.folder_button)
        row.addWidget(self.close_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.message)
        lay.addWidget(self.summary)
        lay.addWidget(self.log_label)
        lay.addWidget(self.details, 1)
        lay.addLayout(row)
        self.retranslate()

    # -- content ---------------------------------------------------------------------------------
    def add_report(self, summary: str, report: str) -> None:
        """Show one more error: its summary on top, its full report appended to the details."""
        self.reports.append(report)
        self.summary.setText(summary)
        self.details.setPlainText(self.details_text())
        self.copied.clear()

    def details_text(self) -> str:
        return SEPARATOR.join(r.rstrip("\n") for r in self.reports) + "\n"

    # -- actions ---------------------------------------------------------------------------------
    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text())
        self.copied.setText(self.tr("Copied to the clipboard."))

    def open_log_folder(self) -> None:
        if self.log_path is not None:
            folder = self.log_path.parent
            folder.mkdir(parents=True, exist_ok=True)
            desktop.open_or_copy(self, folder)

    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self._label_details_button()
        self.adjustSize()

    # -- language --------------------------------------------------------------------------------
    def _label_details_button(self) -> None:
        self.details_button.setText(self.tr("Hide details") if self.details_button.isChecked()
                                    else self.tr("Show details"))

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Something went wrong"))
        self.message.setText(self.tr(
            "Something went wrong inside the app. Your tasks are safe (they are saved after every step). "
            "You can copy the details and send them to us."))
        self.log_label.setText(self.tr("The log is in %1").replace("%1", str(self.log_path))
                               if self.log_path is not None else "")
        self._label_details_button()
        self.copy_button.setText(self.tr("Copy details"))
        self.folder_button.setText(self.tr("Open log folder"))
        self.close_button.setText(self.tr("Close"))
        if self.copied.text():
            self.copied.setText(self.tr("Copied to the clipboard."))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class CrashHandler(QObject):
    """Logs uncaught errors and shows them in one :class:`CrashDialog` (see the module docstring)."""

    reported = Signal(str)
    _show_requested = Signal(str, str)

    def __init__(self, log_path: Path | None, parent: QObject | None = None):
        super().__init__(parent)
        self.log_path = log_path
        self.dialog: CrashDialog | None = None
        self.window: QWidget | None = None
        self._showing = False
        self._previous_hook: Any = None
        self._previous_thread_hook: Any = None
        # Queued when an error comes from another thread: widgets are made on the GUI thread only.
        self._show_requested.connect(self._show)

    # -- installing ------------------------------------------------------------------------------
    def install(self) -> None:
        """Become ``sys.excepthook`` and ``threading.excepthook`` (undone by :meth:`uninstall`)."""
        if self._previous_hook is None:
            self._previous_hook = sys.excepthook
            self._previous_thread_hook = threading.excepthook
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        if self._previous_hook is not None:
            if sys.excepthook == self.excepthook:
                sys.excepthook = self._previous_hook
            if threading.excepthook == self.thread_excepthook:
                threading.excepthook = self._previous_thread_hook
            self._previous_hook = self._previous_thread_hook = None

    def install_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        loop.set_exception_handler(self.loop_exception_handler)

    def set_window(self, window: QWidget | None) -> None:
        """The main window: the dialog's parent from now on (it then stays above it)."""
        self.window = window

    # -- the hooks -------------------------------------------------------------------------------
    def excepthook(self, exc_type: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        self.handle(exc_type, exc, tb, "unhandled exception")

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "?"
        self.handle(args.exc_type, args.exc_value, args.exc_traceback, f"unhandled exception in thread {name}")

    def loop_exception_handler(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """asyncio's report of an error in a callback or a task nobody awaited."""
        exc = context.get("exception")
        message = context.get("message") or "unhandled exception in the event loop"
        extra = "; ".join(f"{k}={context[k]!r}" for k in sorted(context) if k not in ("message", "exception"))
        where = f"asyncio: {message}" + (f" ({extra})" if extra else "")
        if not isinstance(exc, BaseException):
            log.error("%s", where)
            return
        if isinstance(exc, ConnectionError | TimeoutError) and ("transport" in context or "protocol" in context):
            # A peer that went away under a transport: worth a line in the log, not a dialog.
            log.warning("%s", where, exc_info=(type(exc), exc, exc.__traceback__))
            return
        self.handle(type(exc), exc, exc.__traceback__, where)

    def handle(self, exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None,
               where: str) -> None:
        """Log the error, then show it (on the GUI thread). Never raises."""
        try:
            log.critical("%s", where, exc_info=(exc_type, exc, tb) if exc is not None else None)
            summary = logs.summary(exc_type, exc)
            report = logs.crash_report(exc_type, exc, tb, self.log_path)
        except Exception:  # noqa: BLE001 — the hook itself must never fail
            return
        if QCoreApplication.instance() is None:
            return
        self._show_requested.emit(summary, report)

    # -- the dialog ------------------------------------------------------------------------------
    @Slot(str, str)
    def _show(self, summary: str, report: str) -> None:
        if self._showing:            # an error while showing the dialog: the log has it, that is enough
            log.error("another error while showing the crash dialog: %s", summary)
            return
        self._showing = True
        try:
            self._show_dialog(summary, report)
            self.reported.emit(summary)
        except Exception:  # noqa: BLE001 — then the log is all there is; nothing may escape (no recursion)
            log.exception("could not show the crash dialog")
            self._drop_hidden_dialog()
        finally:
            self._showing = False

    def _show_dialog(self, summary: str, report: str) -> None:
        if self.dialog is None:
            parent = self.window if self.window is not None and self.window.isVisible() else None
            self.dialog = CrashDialog(self.log_path, parent)
            self.dialog.finished.connect(self._closed)
        self.dialog.add_report(summary, report)
        if self.dialog.isVisible():      # a later error: bring the open dialog above the window again
            self.dialog.raise_()
        else:
            self.dialog.show()
        self.dialog.activateWindow()

    def _drop_hidden_dialog(self) -> None:
        """A dialog that failed before it showed is dropped: the next error builds a new one."""
        try:
            if self.dialog is not None and not self.dialog.isVisible():
                self.dialog.deleteLater()
                self.dialog = None
        except Exception:  # noqa: BLE001
            self.dialog = None

    def _closed(self, _result: int) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
