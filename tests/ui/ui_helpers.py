"""Helpers for the Qt tests that act like a person: open the real app against the sandbox, drop files
with real drag-and-drop events carrying file URLs, choose in combos with the keyboard, click, wait."""
from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QComboBox, QWidget


async def until(predicate: Callable[[], Any], timeout: float = 30.0, what: str = "") -> Any:
    """Wait (letting Qt and asyncio run) until ``predicate()`` is truthy."""
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await asyncio.sleep(0.02)


# -- the app -----------------------------------------------------------------------------------
class App:
    """The real window and session, against the embedded sandbox."""

    def __init__(self, window: Any, session: Any, config: Any, out_dir: Path):
        self.window, self.session, self.config, self.out_dir = window, session, config, out_dir

    def tab(self, family: str) -> Any:
        tab = self.window.tab(family)
        self.window.tabs.setCurrentWidget(tab)
        return tab

    async def wait_done(self, recs: list[Any], timeout: float = 90.0) -> list[Any]:
        ids = [r.id for r in recs]
        eng = self.session.engine

        def finished() -> bool:
            return all(eng.get(i) is not None and eng.get(i).state.terminal for i in ids)
        await until(finished, timeout, f"tasks {ids} to finish")
        return [eng.get(i) for i in ids]


@contextlib.asynccontextmanager
async def open_app(data_dir: Path, *, sandbox: bool = True, task_seconds: float = 0.5,
                   start: bool = True, lang: str = "en") -> AsyncIterator[App]:
    from bailian_video.ui import translations
    from bailian_video.ui.config import UiConfig
    from bailian_video.ui.main_window import MainWindow
    from bailian_video.ui.session import Session

    config = UiConfig(data_dir)
    out_dir = data_dir / "videos"
    if not config.qs.contains("output/dir"):
        config.out_dir = out_dir
    if sandbox:
        config.backend = "sandbox"
    translations.apply_language(lang)
    session = Session(config, force_sandbox=sandbox, sandbox_task_seconds=task_seconds)
    window = MainWindow(session, config)
    window.show()
    try:
        if start:
            await session.load_key()
            await session.start("sandbox" if sandbox else None)
            window.update_badge()
        yield App(window, session, config, Path(config.out_dir))
    finally:
        window.close()
        await session.close()
        # Delete the window here, on the GUI thread. Left to Python's cyclic GC it could be freed from
        # whichever thread happens to trigger a collection (a worker, the sandbox), and a QObject destroyed
        # off its thread leaves dangling timers behind.
        window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        del window, session
        gc.collect()
        await asyncio.sleep(0)


# -- acting like a person ----------------------------------------------------------------------
async def open_settings(app: App) -> tuple[Any, Any]:
    """Open Settings from the window as a person does (the flow runs until OK or Cancel): (its task, the dialog)."""
    from bailian_video.ui.util import spawn
    w = app.window
    task = spawn(w.settings_flow(), name="settings-test")
    dlg = await until(lambda: w.settings_dialog, 5, "the settings dialog")
    await until(lambda: dlg.isVisible(), 5, "the dialog to show")
    return task, dlg


def file_mime(paths: list[Path | str]) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drop(widget: QWidget, paths: list[Path | str] | None = None, mime: QMimeData | None = None,
         at: QPoint | None = None) -> bool:
    """Drag files from the 'file manager' and drop them on ``widget``: real enter + drop events."""
    mime = mime if mime is not None else file_mime(paths or [])
    pos = at or widget.rect().center()
    try:  # the constructor takes a QPoint up to Qt 6.11 and a QPointF from 6.12
        enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
    except TypeError:
        enter = QDragEnterEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    ev = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                    Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, ev)
    return ev.isAccepted()


def choose(qtbot: Any, combo: QComboBox, text: str) -> None:
    """Pick the entry containing ``text`` with the keyboard (Home, then Down until it shows)."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count() + 1):
        if text in combo.currentText():
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(f"{text!r} is not among {[combo.itemText(i) for i in range(combo.count())]}")


def choose_model(qtbot: Any, combo: QComboBox, name: str) -> None:
    """Pick a model by its name with the keyboard (Home, then Down): the list has maker headings and may
    have entries of other regions, which the keyboard skips as a person's arrow keys do."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count() + 1):
        if combo.currentData() == name:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(f"{name!r} cannot be picked among {[combo.itemData(i) for i in range(combo.count())]}")


def choose_at(qtbot: Any, combo: QComboBox, index: int) -> None:
    """Pick the ``index``-th entry with the keyboard (Home, then Down that many times)."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(index):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentIndex() == index, (combo.currentIndex(), index)


def type_into(qtbot: Any, tab: Any, field: str, text: str) -> None:
    ed = tab.input_editors[field]
    widget = ed.edit
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def click(qtbot: Any, button: QWidget) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


async def dropped(zone: Any, timeout: float = 20.0) -> None:
    """Wait until a drop zone has probed what it was given."""
    await asyncio.sleep(0)
    await until(lambda: not zone.busy(), timeout, "the drop zone to check its files")
    await asyncio.sleep(0)


async def generate(qtbot: Any, tab: Any, timeout: float = 30.0) -> list[Any]:
    """Click Generate and wait until the form has handed the tasks to the queue (or refused)."""
    got: list[Any] = []
    tab.submitted.connect(got.extend)
    click(qtbot, tab.generate_button)
    await until(lambda: not tab._busy, timeout, "the form to finish submitting")
    tab.submitted.disconnect(got.extend)
    return got


def mp4s(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.mp4"))
