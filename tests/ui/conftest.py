"""Fixtures for the Qt layer: a temp data folder, an in-memory keychain, QSettings in the temp folder,
a real qasync loop, the real window against the embedded sandbox, and helpers that act like a person
(drops with file URLs, choosing in combos with the keyboard, clicking buttons)."""
from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QApplication

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: Known-harmless Qt messages on a headless test machine (regular expressions, as in ``qt_log_ignore``):
#: the offscreen platform cannot size native windows or bring one to the front (a dialog raised over
#: the window: ``raise()``), and Qt Multimedia probes optional system
#: libraries (PipeWire, VA-API, PulseAudio) that a container does not have. Anything else fails the test.
QT_NOISE = (
    r"This plugin does not support propagateSizeHints\(\)",
    r"This plugin does not support raise\(\)",
    r"Couldn't (load|resolve) (pipewire|va)",
    r"PulseAudioService",
    r"No RHI backend",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(*QT_NOISE, extend=True))


class MemoryKeyring(KeyringBackend):
    """A keychain that lives in this process only."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError
        if (service, username) not in self.store:
            raise PasswordDeleteError(username)
        del self.store[(service, username)]


@pytest.fixture(autouse=True)
def ui_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Every test: its own data folder, no real key, no real keychain, no real file manager."""
    QStandardPaths.setTestModeEnabled(True)
    monkeypatch.setenv("BAILIAN_VIDEO_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DASHSCOPE_API_KEY", raising=False)
    monkeypatch.delenv("DASHSCOPE_HTTP_BASE_URL", raising=False)
    monkeypatch.setenv("BAILIAN_VIDEO_LANG", "en")
    previous = keyring.get_keyring()
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    opened: list[str] = []
    from bailian_video.ui import desktop
    monkeypatch.setattr(desktop, "open_path", lambda p: opened.append(str(p)) or True)
    monkeypatch.setattr(desktop, "show_in_folder", lambda p: opened.append("folder:" + str(p)) or True)
    from bailian_video.ui import translations
    translations.apply_language("en")
    yield {"keyring": kr, "opened": opened}
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring(ui_environment: dict[str, Any]) -> MemoryKeyring:
    return ui_environment["keyring"]


@pytest.fixture
def opened(ui_environment: dict[str, Any]) -> list[str]:
    return ui_environment["opened"]


@pytest.fixture
def loop(qapp: QApplication) -> Any:
    """A real qasync loop on the test's QApplication."""
    import qasync
    qapp.setQuitOnLastWindowClosed(False)      # closing a test window must not stop the loop
    # Whatever an earlier test left in reference cycles (QObjects with timers among them) is freed here, on the
    # GUI thread: a collection that starts in a worker thread (thumbnails, the sandbox) would free them there.
    gc.collect()
    from bailian_video.ui.util import GuiThreadCollector
    collector = GuiThreadCollector()            # as in the app: collections only on this thread
    lp = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(lp)
    yield lp
    with contextlib.suppress(Exception):
        pending = [t for t in asyncio.all_tasks(lp) if not t.done()]
        for t in pending:
            t.cancel()
        if pending:       # bounded: a task that ignores its cancellation must not hang the whole run
            lp.run_until_complete(asyncio.wait(pending, timeout=CANCEL_GRACE_S))
            for t in pending:     # read what they ended with, as gather did: no "exception never retrieved" later
                if t.done() and not t.cancelled():
                    t.exception()
            stuck = [t for t in pending if not t.done()]
            if stuck:
                sys.stderr.write(f"\n{len(stuck)} task(s) ignored cancellation at teardown:\n{task_stacks(stuck)}")
    lp.close()
    asyncio.set_event_loop(None)
    del lp                # the loop's timers and workers become garbage now, and are collected just below
    collector.stop()
    collector.deleteLater()
    gc.collect()          # on this (the GUI) thread, not whichever thread the next collection starts in


#: how long a timed-out test's coroutine gets to finish once cancelled
CANCEL_GRACE_S = 20.0


def task_stacks(tasks: Any) -> str:
    """Where each task is suspended: what a hung test was waiting for."""
    out = io.StringIO()
    for t in tasks:
        out.write(f"--- {t!r}\n")
        t.print_stack(limit=30, file=out)
    return out.getvalue()


@pytest.fixture
def run(loop: Any) -> Callable[..., Any]:
    """Run a test's coroutine on the Qt loop, at most ``timeout`` seconds. Past that it fails and says where
    every task was waiting. ``asyncio.wait_for`` would wait without end for a task that does not finish once
    cancelled, and pytest-timeout's signal cannot interrupt Qt's event loop while it sleeps."""
    def _run(coro: Any, timeout: float = 120.0) -> Any:
        task = loop.create_task(coro)
        loop.run_until_complete(asyncio.wait({task}, timeout=timeout))
        if task.done():
            return task.result()
        where = task_stacks(t for t in asyncio.all_tasks(loop) if not t.done())
        task.cancel()
        loop.run_until_complete(asyncio.wait({task}, timeout=CANCEL_GRACE_S))
        state = "finished once cancelled" if task.done() else f"still running {CANCEL_GRACE_S:g} s after its cancellation"
        pytest.fail(f"the test did not finish in {timeout:g} s ({state}); its tasks were waiting here:\n{where}",
                    pytrace=False)
    return _run


# -- assets ------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def assets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real inputs made once: photos, voices, clips."""
    from bailian_video.media import samples
    d = tmp_path_factory.mktemp("ui-assets")
    samples.make_image(d / "cat.png", 640, 480, text="cat", color=(200, 160, 120))
    samples.make_image(d / "first.png", 640, 360, text="first", color=(200, 80, 80))
    samples.make_image(d / "last.png", 640, 360, text="last", color=(80, 80, 200))
    samples.make_image(d / "face.png", 512, 512, text="face", color=(200, 160, 120))
    samples.make_image(d / "person.png", 480, 800, text="person", color=(90, 140, 200))
    samples.make_image(d / "tiny.png", 120, 120, text="tiny")
    samples.make_image(d / "noface.png", 512, 512, text="nobody", color=(120, 200, 120))
    samples.make_image(d / "sky.jpg", 800, 600, text="sky", color=(120, 170, 230))
    samples.make_image(d / "sea.jpg", 800, 600, text="sea", color=(40, 90, 160))
    samples.make_image(d / "hill.jpg", 800, 600, text="hill", color=(90, 160, 90))
    samples.make_audio(d / "voice.wav", 3.5)
    samples.make_audio(d / "speech.wav", 2.5, freq=330.0)
    samples.make_video(d / "clip.mp4", 640, 360, 2.0, fps=25, with_audio=True, text="clip")
    samples.make_video(d / "dance.mp4", 360, 640, 2.0, fps=25, with_audio=True, text="dance")
    samples.make_video(d / "speaker.mp4", 640, 640, 2.0, fps=25, with_audio=False, text="speaker")
    (d / "notes.txt").write_text("not media", encoding="utf-8")
    return d


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d




@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A sandbox standing in for the real service and every region's hosts (the app and the Settings
    dialog run in 'service' mode against it)."""
    from bailian_video.sandbox.testing import running_sandbox
    with running_sandbox(task_seconds=0.5) as sb:
        monkeypatch.setenv("DASHSCOPE_HTTP_BASE_URL", sb.base_url)
        yield sb
