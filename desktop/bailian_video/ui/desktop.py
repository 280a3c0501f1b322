"""Handing files to the operating system: open with the default app, reveal in the file manager, and a
fallback for machines where nothing answers (the path goes to the clipboard and the person is told).

Kept apart from the player so these work (and tests can replace them) without loading Qt Multimedia.
Callers use the module's names (``desktop.show_in_folder(...)``) so a test's replacement is the one called.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

#: How long to wait for a launcher's verdict. ``xdg-open`` and ``open`` fail within a fraction of a second
#: when no application is registered; one still running after this has started something.
LAUNCHER_WAIT = 1.0
MESSAGE_MS = 20000


def _launch(args: list[str]) -> bool:
    """Run a launcher; False when it cannot start or soon exits with an error (nothing answered)."""
    try:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        return False
    try:
        return proc.wait(timeout=LAUNCHER_WAIT) == 0
    except subprocess.TimeoutExpired:
        return True


def _open(target: Path) -> bool:
    if sys.platform not in ("win32", "darwin"):
        xdg = shutil.which("xdg-open")
        if xdg:          # its exit status says whether a handler exists; Qt's openUrl only says it started
            return _launch([xdg, str(target)])
    elif sys.platform == "darwin":
        return _launch(["open", str(target)])
    # Windows (ShellExecute reports a missing association), or Qt's own launcher/portal detection
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))


def open_path(path: str | Path) -> bool:
    """Open a file or folder with the system's default application; False when nothing answered
    (tests replace this)."""
    return _open(Path(path))


def show_in_folder(path: str | Path) -> bool:
    """Reveal a file in the file manager, selected where the OS allows it; False when nothing answered."""
    p = Path(path)
    if sys.platform == "win32":
        try:
            subprocess.Popen(["explorer", "/select,", str(p)])   # explorer's exit status means nothing
            return True
        except OSError:
            pass
    elif sys.platform == "darwin":
        return _launch(["open", "-R", str(p)])
    return _open(p if p.is_dir() else p.parent)


def copy_and_tell(parent: QWidget | None, path: str | Path, folder: bool = True) -> None:
    """Put the path on the clipboard and say so: in the window's status bar when it has a visible one,
    else in a message box that does not block."""
    text = str(path)
    QGuiApplication.clipboard().setText(text)
    translate = QCoreApplication.translate
    if folder:
        msg = translate("Desktop", "No file manager answered. The path is copied: %1 — paste it into your "
                                   "file manager.")
    else:
        msg = translate("Desktop", "No app answered to open it. The path is copied: %1 — paste it into a "
                                   "player or your file manager.")
    msg = msg.replace("%1", text)
    win = parent.window() if parent is not None else None
    if isinstance(win, QMainWindow) and win.statusBar().isVisible():
        win.statusBar().showMessage(msg, MESSAGE_MS)
        return
    box = QMessageBox(QMessageBox.Icon.Information, translate("Desktop", "Path copied"), msg,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("pathCopiedBox")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.open()
    box.finished.connect(box.deleteLater)


def reveal_or_copy(parent: QWidget | None, path: str | Path) -> bool:
    """Show ``path`` in the file manager; when none answers, copy the path and tell the person."""
    if show_in_folder(path):
        return True
    copy_and_tell(parent, path, folder=True)
    return False


def open_or_copy(parent: QWidget | None, path: str | Path) -> bool:
    """Open ``path`` with its default app (a folder in the file manager); else copy the path and say so."""
    if open_path(path):
        return True
    copy_and_tell(parent, path, folder=Path(path).is_dir())
    return False
