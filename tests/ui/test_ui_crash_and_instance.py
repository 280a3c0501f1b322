"""Uncaught errors end in one crash dialog; a second launch on the same data folder raises the first window."""
from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtNetwork import QLocalServer
from PySide6.QtWidgets import QApplication

from bailian_video import logs
from bailian_video.api.errors import register_secret
from bailian_video.ui import translations
from bailian_video.ui.crash_dialog import CrashDialog, CrashHandler
from bailian_video.ui.single_instance import server_name

SIGNED_URL = "https://result.example.com/out.mp4?Expires=1767225600&OSSAccessKeyId=LTAI5tKEY&Signature=abc%3D"


@pytest.fixture
def log_path(tmp_path: Path):
    root = logging.getLogger()
    level = root.level
    path = logs.setup_logging(tmp_path / "data")
    yield path
    logs.shutdown_logging()
    root.setLevel(level)


@pytest.fixture
def handler(qtbot, log_path: Path):
    h = CrashHandler(log_path)
    previous = sys.excepthook
    h.install()
    yield h
    h.uninstall()
    assert sys.excepthook is previous
    if h.dialog is not None:
        h.dialog.close()


def raised(exc: BaseException) -> BaseException:
    """``exc`` with a real traceback."""
    try:
        raise exc
    except BaseException as e:  # noqa: BLE001
        return e


def crash_dialogs() -> list[CrashDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog) and w.isVisible()]


def test_an_uncaught_error_shows_one_dialog_with_details_to_copy(qtbot, qtlog, handler, log_path, opened):
    secret = "sk-" + uuid.uuid4().hex
    register_secret(secret)
    first = raised(ValueError(f"the form had no model (key {secret}, url {SIGNED_URL})"))
    with qtbot.waitSignal(handler.reported, timeout=5000):
        sys.excepthook(type(first), first, first.__traceback__)
    [dialog] = crash_dialogs()
    assert not dialog.isModal()
    assert "Your tasks are safe" in dialog.message.text()
    assert dialog.summary.text().startswith("ValueError: the form had no model (key ***")
    assert not dialog.details.isVisible()                       # collapsed until asked for
    qtbot.mouseClick(dialog.details_button, Qt.MouseButton.LeftButton)
    assert dialog.details.isVisible() and dialog.details_button.text() == "Hide details"

    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QApplication.clipboard().text()
    assert "ValueError: the form had no model" in copied and "Traceback (most recent call last)" in copied
    assert str(log_path) in copied and "Bailian Video Studio" in copied
    assert secret not in copied and "Signature=" not in copied and "out.mp4?…" in copied
    assert dialog.copied.text() == "Copied to the clipboard."

    second = raised(RuntimeError("the player lost its file"))
    # The open dialog is raised again: the offscreen platform warns that it cannot stack windows.
    with qtlog.disabled(), qtbot.waitSignal(handler.reported, timeout=5000):
        sys.excepthook(type(second), second, second.__traceback__)
    assert crash_dialogs() == [dialog]                          # appended, not a second dialog
    assert dialog.summary.text() == "RuntimeError: the player lost its file"
    text = dialog.details.toPlainText()
    assert "the form had no model" in text and "the player lost its file" in text
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert "the player lost its file" in QApplication.clipboard().text()

    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    assert opened == [str(log_path.parent)]

    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: handler.dialog is None and not crash_dialogs())

    third = raised(KeyError("later"))                           # after closing, a new dialog
    with qtbot.waitSignal(handler.reported, timeout=5000):
        sys.excepthook(type(third), third, third.__traceback__)
    [again] = crash_dialogs()
    assert "the form had no model" not in again.details.toPlainText()

    logged = log_path.read_text(encoding="utf-8")
    assert logged.count("CRITICAL bailian_video: unhandled exception") == 3
    assert "ValueError: the form had no model" in logged and secret not in logged


def test_the_dialog_speaks_the_interface_language(qtbot, handler):
    e = raised(ValueError("boom"))
    with qtbot.waitSignal(handler.reported, timeout=5000):
        handler.excepthook(type(e), e, e.__traceback__)
    dialog = handler.dialog
    assert dialog is not None and dialog.close_button.text() == "Close"
    try:
        translations.apply_language("zh")
        qtbot.waitUntil(lambda: dialog.close_button.text() == "关闭")     # LanguageChange is posted
        assert dialog.copy_button.text() == "复制详细信息"
        assert dialog.details_button.text() == "显示详细信息"
        assert "您的任务是安全的" in dialog.message.text()
    finally:
        translations.apply_language("en")
    qtbot.waitUntil(lambda: dialog.copy_button.text() == "Copy details")


def test_an_error_in_an_event_loop_callback_shows_the_dialog(qtbot, handler, run, loop):
    handler.install_loop(loop)

    def callback() -> None:
        raise ZeroDivisionError("a callback divided by zero")

    async def scenario() -> None:
        loop.call_soon(callback)
        await asyncio.sleep(0)
        await asyncio.sleep(0)

    with qtbot.waitSignal(handler.reported, timeout=5000):
        run(scenario())
    [dialog] = crash_dialogs()
    assert "ZeroDivisionError: a callback divided by zero" in dialog.details.toPlainText()
    assert "asyncio: Exception in callback" in dialog.log_path.read_text(encoding="utf-8")


def test_a_dialog_that_cannot_show_is_only_logged_never_recursing(qtbot, handler, log_path, monkeypatch):
    def broken(self: CrashDialog, summary: str, report: str) -> None:
        inner = raised(OSError("the dialog broke too"))
        handler.excepthook(type(inner), inner, inner.__traceback__)   # an error while showing one
        raise RuntimeError("cannot add the report")

    monkeypatch.setattr(CrashDialog, "add_report", broken)
    e = raised(ValueError("the first problem"))
    with qtbot.assertNotEmitted(handler.reported):
        handler.excepthook(type(e), e, e.__traceback__)
    assert handler.dialog is None and not crash_dialogs()
    text = log_path.read_text(encoding="utf-8")
    assert "ValueError: the first problem" in text
    assert "another error while showing the crash dialog: OSError: the dialog broke too" in text
    assert "could not show the crash dialog" in text and "RuntimeError: cannot add the report" in text

    monkeypatch.undo()                                            # the next error shows normally
    with qtbot.waitSignal(handler.reported, timeout=5000):
        handler.excepthook(type(e), e, e.__traceback__)
    assert len(crash_dialogs()) == 1


# -- single instance: real processes -----------------------------------------------------------------
class App:
    """``python -m bailian_video --sandbox --data-dir D`` in its own process, output in files."""

    def __init__(self, tmp: Path, data_dir: Path, name: str):
        self.data_dir = data_dir
        self.out = tmp / f"{name}.out"
        self.err = tmp / f"{name}.err"
        home = tmp / "user"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("DASHSCOPE_")}
        self.env.update(QT_QPA_PLATFORM="offscreen", HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
                        XDG_DATA_HOME=str(home / ".local" / "share"), BAILIAN_VIDEO_HOME=str(tmp / "default-home"),
                        BAILIAN_VIDEO_LANG="en", PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8",
                        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
        self.cmd = [sys.executable, "-m", "bailian_video", "--sandbox", "--data-dir", str(data_dir)]
        self.proc: subprocess.Popen | None = None

    @property
    def log(self) -> str:
        path = self.data_dir / "logs" / "bailian-video.log"
        return path.read_text(encoding="utf-8") if path.is_file() else ""

    def start(self) -> App:
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.proc = subprocess.Popen(self.cmd, env=self.env, stdout=out, stderr=err)
        return self

    def run(self, timeout: float = 20) -> subprocess.CompletedProcess:
        return subprocess.run(self.cmd, env=self.env, capture_output=True, text=True, encoding="utf-8",
                              timeout=timeout)

    def listening(self) -> bool:
        """For ``qtbot.waitUntil``: true once the app listens; fails at once if the app died."""
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise RuntimeError(f"the app exited with {self.proc.returncode}:\n" + self.err.read_text(errors="replace"))
        return "listening for a second launch" in self.log

    def stop(self, kill: bool = False) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        if kill:
            self.proc.kill()
        else:
            self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(15)


@pytest.fixture
def apps(tmp_path: Path):
    started: list[App] = []

    def make(data_dir: Path, name: str) -> App:
        app = App(tmp_path, data_dir, name)
        started.append(app)
        return app

    yield make
    for app in started:
        app.stop()
        QLocalServer.removeServer(server_name(app.data_dir))   # a terminated app leaves its socket file


def test_a_second_launch_raises_the_first_window_and_exits(qtbot, tmp_path, apps):
    data = tmp_path / "data"
    first = apps(data, "first").start()
    qtbot.waitUntil(first.listening, timeout=60_000)

    second = apps(data, "second").run(timeout=20)
    assert second.returncode == 0, second.stdout + second.stderr
    assert second.stdout.strip().splitlines() == ["已在运行：已把窗口调到最前 / Already running: brought its window to the front."]
    qtbot.waitUntil(lambda: "activated by a second launch" in first.log, timeout=10_000)
    assert first.proc is not None and first.proc.poll() is None          # the first one carries on
    assert first.log.count("activated by a second launch") == 1

    other = apps(tmp_path / "other-data", "other").start()                # another folder: another instance
    qtbot.waitUntil(other.listening, timeout=60_000)
    assert "activated by a second launch" not in other.log
    assert first.log.count("activated by a second launch") == 1


@pytest.mark.skipif(sys.platform == "win32", reason="a killed process leaves no pipe behind on Windows")
def test_a_socket_left_by_a_killed_instance_does_not_stop_the_next_launch(qtbot, tmp_path, apps):
    data = tmp_path / "data"
    crashed = apps(data, "crashed").start()
    qtbot.waitUntil(crashed.listening, timeout=60_000)
    crashed.stop(kill=True)
    assert "activated" not in crashed.log

    before = crashed.log.count("listening for a second launch")
    fresh = apps(data, "fresh").start()
    qtbot.waitUntil(lambda: fresh.listening() and fresh.log.count("listening for a second launch") > before,
                    timeout=60_000)
    assert "removing the stale socket" in fresh.log

    again = apps(data, "again").run(timeout=20)
    assert again.returncode == 0 and "Already running" in again.stdout, again.stdout + again.stderr
