"""The result stage beside the form: empty, a task on its way that turns into its video when it is done,
the finished video playing large with the request beside it (copy buttons, use the settings again, exact
repeat, show in folder, open), an edit shown before/after, and a failure in words — with tasks made
through the real window against the sandbox, and real MP4s in real players."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QMessageBox
from ui_helpers import choose, click, drop, dropped, generate, open_app, type_into, until

from bailian_video.engine import State
from bailian_video.ui import desktop
from bailian_video.ui.stage import ResultStage


def make_stage(qtbot, app, prefs: dict | None = None) -> ResultStage:
    prefs = prefs if prefs is not None else {}
    stage = ResultStage(app.session, lambda key, default: prefs.get(key, default))
    stage.preference_changed.connect(prefs.__setitem__)
    qtbot.addWidget(stage)
    stage.resize(1280, 720)
    stage.show()
    return stage


def texts(stage: ResultStage) -> dict[str, str]:
    """The request facts shown: label → value."""
    out = {}
    for row in range(stage.facts.rowCount()):
        name, value = stage.facts.itemAtPosition(row, 0), stage.facts.itemAtPosition(row, 1)
        if name is not None and value is not None:
            out[name.widget().text()] = value.widget().text()
    return out


def a_picture(stage: ResultStage, colour: QColor) -> bool:
    """Not black, and not the empty background either."""
    bg = stage.palette().window().color()
    return colour.value() > 40 and sum(abs(a - b) for a, b in zip(colour.getRgb()[:3], bg.getRgb()[:3])) > 60


def painted(stage: ResultStage, pane) -> QColor:
    """The average colour painted over a pane's picture."""
    shot = stage.grab()
    rect = pane.view.picture_rect().translated(pane.view.mapTo(stage, QPoint(0, 0)))
    r = shot.devicePixelRatio()
    part = shot.toImage().copy(int(rect.x() * r), int(rect.y() * r), int(rect.width() * r),
                               int(rect.height() * r)).scaled(8, 8)
    pixels = [part.pixelColor(x, y) for x in range(8) for y in range(8)]
    return QColor(*(sum(getattr(c, f)() for c in pixels) // len(pixels) for f in ("red", "green", "blue")))


async def playing(stage: ResultStage, panes: int) -> None:
    """Wait until the stage's player shows ``panes`` videos, each painting frames and moving on."""
    await until(lambda: stage.grid is not None and len(stage.grid.paths()) == panes, 5, "the player")
    grid = stage.grid
    assert grid is not None
    await until(lambda: all(p.view is not None and p.view.frame.isValid() and p.player.position() > 200
                            for p in grid.panes[:panes]), 15, "frames in every pane")


async def t2v_task(qtbot, app, prompt: str, seed: str | None = None):
    tab = app.tab("t2v")
    choose(qtbot, tab.model_combo, "Wan 2.7 text-to-video · new")
    type_into(qtbot, tab, "prompt", prompt)
    choose(qtbot, tab.param_editors["resolution"].combo, "720P")
    box = tab.param_editors["duration"].box
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "2")
    if seed is not None:
        tab.param_editors["seed"].edit.setFocus()
        qtbot.keyClicks(tab.param_editors["seed"].edit, seed)
    [rec] = await generate(qtbot, tab)
    return rec


def test_a_task_on_stage_from_waiting_to_playing_with_its_request(qtbot, run, data_dir, opened, monkeypatch):
    async def go():
        async with open_app(data_dir, task_seconds=2.0) as app:
            prefs: dict = {}
            stage = make_stage(qtbot, app, prefs)
            # empty: says what will happen here, and no player is made yet
            assert stage.record() is None and stage.grid is None
            assert stage.pages.currentIndex() == 0 and stage.empty_title.isVisible()
            assert stage.empty_title.text() == "Your video will play here"
            assert "press Generate" in stage.empty_hint.text() and not stage.details.isVisible()

            rec = await t2v_task(qtbot, app, "A paper boat on a rainy street", seed="42")
            stage.show_record(rec)
            assert stage.record() is rec
            # on its way: its state in words, the time, the estimate — no player
            assert stage.pages.currentIndex() == 1 and stage.grid is None and stage.state_title.isVisible()
            assert stage.state_title.text() in ("Waiting", "Checking inputs", "Submitting", "Queued", "Generating")
            assert stage.state_times.text().startswith("Elapsed 0:0")
            assert "estimated cost ≈¥1.20" in stage.state_times.text()
            await until(lambda: rec.state == State.RUNNING, 20, "the task to run")
            await until(lambda: stage.state_title.text() == "Generating", 3, "the stage to follow")
            assert stage.progress.isVisible()

            # done: it turns into its video, playing at once, looping off for a single video
            [rec] = await app.wait_done([rec])
            assert rec.state == State.DONE
            await playing(stage, 1)
            grid = stage.grid
            assert grid is not None and stage.pages.currentIndex() == 3
            assert grid.paths() == [rec.output_path] and grid.is_playing() and not grid.loop()
            colour = painted(stage, grid.panes[0])
            assert a_picture(stage, colour), colour.name()     # a picture, not black
            view = grid.panes[0].view
            assert view.picture_rect().width() >= 700                 # large: the video is the hero

            # the request beside it
            assert stage.details.isVisible() and stage.details.x() > stage.pages.x() + stage.pages.width() - 5
            assert stage.model_title.text() == "Wan 2.7 text-to-video"
            assert stage.prompt.text() == "A paper boat on a rainy street"
            facts = texts(stage)
            assert facts["Model"] == "Wan 2.7 text-to-video (wan2.7-t2v)"
            assert facts["Seed"] == "42" and facts["Cost"] == "¥1.20" and facts["Task id"] == rec.task_id
            assert facts["Request id"] == rec.request_ids[-1] and facts["Took"].startswith("0:0")
            assert facts["Resolution"] == "720P" and facts["Duration (s)"] == "2"

            # copy buttons put the text on the clipboard and say so
            click(qtbot, stage.copy_buttons["task_id"])
            assert QGuiApplication.clipboard().text() == rec.task_id
            assert stage.copy_buttons["task_id"].text() == "Copied"
            click(qtbot, stage.copy_buttons["prompt"])
            assert QGuiApplication.clipboard().text() == "A paper boat on a rainy street"
            click(qtbot, stage.copy_buttons["seed"])
            assert QGuiApplication.clipboard().text() == "42"
            click(qtbot, stage.copy_buttons["request_id"])
            assert QGuiApplication.clipboard().text() == rec.request_ids[-1]
            await asyncio.sleep(1.7)
            assert stage.copy_buttons["task_id"].text() == "Copy"

            # use the settings again, or repeat exactly (it has a seed)
            used: list = []
            stage.use_settings.connect(lambda req, exact: used.append((req, exact)))
            click(qtbot, stage.use_button)
            assert stage.repeat_button.isVisible()
            click(qtbot, stage.repeat_button)
            assert used == [(rec.request, False), (rec.request, True)]
            assert rec.request.params["seed"] == 42

            # the file: in its folder, in the system player (which pauses this one)
            click(qtbot, stage.folder_button)
            assert opened[-1] == "folder:" + rec.output_path
            click(qtbot, stage.open_button)
            assert opened[-1] == rec.output_path and not grid.is_playing()
            # no file manager answers: the path goes on the clipboard, and the person is told
            monkeypatch.setattr(desktop, "show_in_folder", lambda _p: False)
            click(qtbot, stage.folder_button)
            box = await until(lambda: stage.findChild(QMessageBox, "pathCopiedBox"), 3, "the message")
            assert QGuiApplication.clipboard().text() == rec.output_path and rec.output_path in box.text()
            box.accept()

            # the single player's loop choice is handed to the window to remember
            click(qtbot, grid.loop_button)
            assert prefs["player/loop"] is True
            grid.set_volume(0.4)
            assert prefs["player/volume"] == 0.4 and prefs["player/muted"] is False

            # narrow: the request goes under the player
            stage.resize(640, 900)
            await until(lambda: stage.details.y() >= stage.pages.y() + stage.pages.height() - 5, 3,
                        "the request under the player")
            # Space and the frame keys reach the player from the stage
            grid.setFocus()
            qtbot.keyClick(grid, Qt.Key.Key_Space)
            assert grid.is_playing()
            stage.toggle()                                             # the window's Play/Pause action
            assert not grid.is_playing()
            stage.full_screen()                                        # and its Full screen action
            assert grid.is_full_screen() and grid.isWindow()
            qtbot.keyClick(grid, Qt.Key.Key_Escape)
            assert not grid.is_full_screen() and grid.parentWidget() is stage.player_page
            stage.show_record(rec)                                     # the same task again: nothing restarts
            assert grid.paths() == [rec.output_path] and texts(stage)["Task id"] == rec.task_id

            # the task removed from the app: the stage empties
            app.session.engine.remove(rec.id)
            await until(lambda: stage.record() is None, 5, "the stage to let go of the removed task")
            assert stage.pages.currentIndex() == 0 and grid.paths() == [] and not grid.is_playing()
            stage.close()
    run(go())


def test_an_edit_plays_before_and_after(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("edit")
            zone = tab.input_editors["media"].section("video").zone
            assert drop(zone, [assets / "clip.mp4"])
            await dropped(zone)
            type_into(qtbot, tab, "prompt", "Turn the day into a snowy night")
            [rec] = await generate(qtbot, tab)
            [rec] = await app.wait_done([rec])
            assert rec.state == State.DONE, rec.error_message
            stage = make_stage(qtbot, app)
            stage.hide()                                               # put on stage while the Library shows
            stage.show_record(rec)
            assert stage.grid is not None and not stage.grid.is_playing()
            stage.show()                                               # back on the Create page: it plays
            await playing(stage, 2)
            grid = stage.grid
            assert grid is not None
            before, after = grid.panes[:2]
            assert grid.paths() == [str(assets / "clip.mp4"), rec.output_path]
            assert before.caption.text() == "Before" and after.caption.text() == "After"
            assert grid.loop() and grid.is_playing()                   # two videos loop
            assert abs(before.player.position() - after.player.position()) < 300        # in step
            for pane in (before, after):
                colour = painted(stage, pane)
                assert a_picture(stage, colour), colour.name()
            seed = rec.request.params["seed"]                          # the seed it ran with, kept by the engine
            assert texts(stage)["Seed"] == str(seed) and stage.repeat_button.isVisible()
            assert Path(rec.output_path).is_file() and stage.folder_button.isVisible()
            stage.close()
    run(go())


def test_a_failed_task_says_why_and_what_to_do(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            app.session.ctx.sandbox.set_faults("moderation*1")
            stage = make_stage(qtbot, app)
            rec = await t2v_task(qtbot, app, "something the checker dislikes")
            stage.show_record(rec)
            [rec] = await app.wait_done([rec])
            assert rec.state == State.FAILED
            await until(lambda: stage.pages.currentIndex() == 2, 5, "the stage to show the failure")
            assert stage.problem_title.text() == "Failed" and stage.problem_text.isVisible()
            assert rec.error_text() in stage.problem_text.text()
            assert "Service code: DataInspectionFailed" in stage.problem_text.text()
            assert "content check" in stage.problem_next.text()
            assert stage.grid is None                                  # no player for a failure
            assert not stage.folder_button.isVisible() and not stage.open_button.isVisible()
            assert stage.use_button.isVisible()                        # change the prompt and try again
            used: list = []
            stage.use_settings.connect(lambda req, exact: used.append((req, exact)))
            click(qtbot, stage.use_button)
            assert used == [(rec.request, False)]
            stage.close()
    run(go())


def test_the_stage_loads_no_qt_multimedia_until_a_video_shows():
    """Start-up time: making the stage (and the window's modules) must not load Qt Multimedia, nor PyAV,
    numpy or the editor exports (they load when a video is continued, stitched or exported)."""
    code = ("import sys\n"
            "from PySide6.QtCore import QObject, Signal\n"
            "from PySide6.QtWidgets import QApplication\n"
            "from bailian_video.ui.stage import ResultStage\n"
            "import bailian_video.ui.main_window\n"
            "class Session(QObject):\n"
            "    task_changed, task_removed, reset = Signal(object), Signal(object), Signal()\n"
            "app = QApplication([])\n"
            "stage = ResultStage(Session())\n"
            "stage.show()\n"
            "print([m for m in ('PySide6.QtMultimedia', 'av', 'numpy', 'opentimelineio', 'pyJianYingDraft')"
            " if m in sys.modules])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


#: What must not load before the main window's first paint: the engine, the HTTP client, the sandbox, the
#: keychain, the event loop's bridge, the crash dialog, and the media libraries.
NOT_BEFORE_FIRST_PAINT = ("httpx", "bailian_video.api.client", "bailian_video.engine.engine", "bailian_video.services",
                          "bailian_video.sandbox.server", "keyring", "qasync", "bailian_video.ui.crash_dialog",
                          "bailian_video.ui.settings_dialog", "bailian_video.ui.library_view",
                          "PySide6.QtMultimedia", "av", "numpy", "opentimelineio", "pyJianYingDraft")


#: What the window's frame does not wait for: its content (the model catalogue, the records, the forms, the
#: queue), asyncio and the log's handlers. They load right after its first paint.
NOT_BEFORE_THE_FRAME = ("bailian_video.catalog", "bailian_video.engine.records", "bailian_video.engine.store",
                        "bailian_video.ui.form", "bailian_video.ui.queue_view", "bailian_video.ui.stage",
                        "bailian_video.ui.session", "asyncio", "logging.handlers")


def test_the_window_is_painted_before_the_engine_and_the_http_client_load(tmp_path):
    """Start-up time, as ``main`` starts: the window's frame (the sketch of the layout) is painted before its
    content loads — before even the ``Qt`` namespace is made, which PySide6 does all at once (~35 ms) — then
    the real window (menus, the current family's form, the stage) is built and shown, still before the
    engine, httpx and the rest load."""
    code = ("import sys\n"
            "from pathlib import Path\n"
            "import PySide6.QtCore\n"
            "from bailian_video.ui import app as gui, translations\n"
            "from bailian_video.ui.config import UiConfig\n"
            "args, qt_args = gui.parse(['--sandbox', '--data-dir', sys.argv[1]])\n"
            "config = UiConfig(Path(args.data_dir))\n"
            "qapp = gui.make_application(qt_args, config.appearance, early=True)\n"
            "translations.apply_language('en')\n"
            "seen = []\n"
            "def probe():\n"
            "    w = qapp.topLevelWidgets()[0]\n"
            "    seen.append((w.isVisible(), w.painted, w.built, type(w.centralWidget()).__name__,\n"
            "                 'Qt' in vars(PySide6.QtCore)))\n"
            f"    seen.append([m for m in {NOT_BEFORE_THE_FRAME + NOT_BEFORE_FIRST_PAINT!r} if m in sys.modules])\n"
            "window, session = gui.show_window(args, config, painted=probe)\n"
            "print(*seen, sep='\\n')\n"
            "tab = window.current_tab()\n"
            "print(window.built, tab.built, tab.isVisible(), window.stage.isVisible(), window.menuBar().isVisible(),\n"
            "      window.centralWidget() is window.pages, qapp.windowIcon().isNull())\n"
            f"print([m for m in {NOT_BEFORE_FIRST_PAINT!r} if m in sys.modules])\n")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "data")], capture_output=True, text=True,
                         timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    frame, frame_loaded, shown, loaded = out.stdout.strip().splitlines()
    assert frame == "(True, True, False, 'Skeleton', False)"
    assert frame_loaded == "[]"
    assert shown == "True True True True True True False"
    assert loaded == "[]"


def test_closing_the_window_before_its_content_is_built_keeps_the_saved_layout(qtbot, tmp_path):
    """A person who closes the window in the moment its frame is on show loses nothing: the layout saved by
    the last run is not overwritten by the frame's, and the frame can still be built afterwards."""
    from PySide6.QtCore import QByteArray
    from PySide6.QtWidgets import QApplication

    from bailian_video.ui.config import UiConfig
    from bailian_video.ui.main_window import MainWindow
    from bailian_video.ui.session import Session
    from bailian_video.ui.skeleton import Skeleton

    config = UiConfig(tmp_path)
    config.current_tab = "i2v"
    config.set_splitter_state("studio", QByteArray(b"kept"))
    config.sync()
    window = MainWindow(None, config)
    qtbot.addWidget(window)
    window.show()
    assert window.wait_first_paint()
    assert isinstance(window.centralWidget(), Skeleton)
    window.close()
    assert UiConfig(tmp_path).current_tab == "i2v"
    assert bytes(UiConfig(tmp_path).splitter_state("studio")) == b"kept"
    window.build(Session(config, force_sandbox=True))
    QApplication.processEvents()
    assert window.centralWidget() is window.pages
    assert window.current_tab().family.value == "i2v"
