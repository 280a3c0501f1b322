"""The studio window as a whole: pages and shortcuts, the stage following the queue, one notice per batch,
the tray's count, settings restored by a drop anywhere, the title, light/dark, and notes in the new language."""
from __future__ import annotations

import asyncio
import shutil

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_helpers import drop, open_app, until

from bailian_video.engine import Request, State
from bailian_video.ui import style, translations


def t2v(prompt: str, **params) -> Request:
    return Request("wan2.2-t2v-plus", {"prompt": prompt}, {"size": "832*480", **params})


async def submit(app, req: Request, count: int = 1):
    return (await app.session.engine.submit(req, count=count)).tasks


def test_pages_and_shortcuts_work_from_the_keyboard(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            w = app.window
            qtbot.waitExposed(w)
            assert w.pages.currentWidget() is w.create_page and w.library is None      # the library is made on demand
            assert w.act_settings.shortcut().toString() == "Ctrl+,"              # on Linux too
            assert "Ctrl+," in [k.toString() for k in w.act_settings.shortcuts()]
            w.activateWindow()
            w.setFocus()
            qtbot.keyClick(w, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
            assert w.page() == "library" and w.page_buttons["library"].isChecked()
            qtbot.keyClick(w, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
            assert w.page() == "create"
            qtbot.keyClick(w, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
            assert w.page() == "library"
            await until(lambda: QApplication.focusWidget() is w.library.search, 3, "the search field to get focus")
            qtbot.keyClick(w, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)     # collapse the queue
            assert not w.queue.isVisible()
            qtbot.keyClick(w, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
            assert w.queue.isVisible()
            # every shortcut is shown in its menu
            menu_keys = {a.objectName(): a.shortcut().toString() for m in (w.file_menu, w.view_menu, w.video_menu)
                         for a in m.actions() if a.objectName()}
            assert menu_keys["actSettings"] == "Ctrl+," and menu_keys["actSearch"] == "Ctrl+F"
            assert menu_keys["actPlay"] == "Space" and menu_keys["actRunAgain"] == "Ctrl+R"
            assert menu_keys["actCompare"] and menu_keys["actDelete"] == "Del"
    run(go())


def test_the_stage_follows_the_queue_and_plays_a_finished_task(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            w = app.window
            first, = await submit(app, t2v("a heron in the reeds", seed=11))
            second, = await submit(app, t2v("city lights in the rain", seed=12))
            await app.wait_done([first, second])
            w.queue.select_task(first.id)
            await until(lambda: w.stage.record() is not None and w.stage.record().id == first.id, 5, "the stage")
            w.queue.select_task(second.id)
            await until(lambda: w.stage.record().id == second.id, 5, "the stage to follow the selection")
            # Ctrl+R puts the staged task's settings back into the form as a new variation
            w.queue.table.clearSelection()
            qtbot.keyClick(w, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
            tab = w.current_tab()
            await until(lambda: tab.input_editors["prompt"].value() == "city lights in the rain", 5, "run again")
            assert tab.param_editors["seed"].value() is None                  # a new variation: seed random
    run(go())


def test_one_notice_for_a_batch_a_sound_when_asked_and_the_tray_counts(qtbot, run, data_dir, monkeypatch):
    async def go():
        async with open_app(data_dir, task_seconds=1.0) as app:
            w = app.window
            app.config.notify_sound = True
            monkeypatch.setattr(w, "isActiveWindow", lambda: False)
            beeps = []
            monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: beeps.append(1)))
            got = []
            w.notified.connect(lambda title, text: got.append((title, text)))
            recs = await submit(app, t2v("three takes of a lighthouse"), count=3)
            await until(lambda: w.running_count() == 3, 5, "three tasks counted as working")
            if w.tray is not None:       # no tray on a headless machine: the count is still kept
                assert "3 tasks working" in w.tray.toolTip()
            await app.wait_done(recs)
            await until(lambda: got, 10, "the notification")
            await asyncio.sleep(0.3)
            assert got == [("3 videos ready", "three takes of a lighthouse")]
            assert beeps == [1] and w.sounds == 1
            assert w.running_count() == 0
    run(go())


def test_dropping_a_video_of_ours_anywhere_restores_its_settings(qtbot, run, data_dir, tmp_path):
    async def go():
        async with open_app(data_dir) as app:
            w = app.window
            rec, = await submit(app, t2v("a red kite over dunes", seed=4242, prompt_extend=False))
            rec, = await app.wait_done([rec])
            assert rec.state == State.DONE
            copy = tmp_path / "shared" / "kite.mp4"
            copy.parent.mkdir()
            shutil.copy(rec.output_path, copy)
            tab = w.tab("i2v")                   # another tab on show: the drop opens the right one
            w.tabs.setCurrentWidget(tab)
            assert drop(w.stage, [copy])         # on the result area, not on any form field
            t2v_tab = w.family_tabs["t2v"]
            await until(lambda: w.current_tab() is t2v_tab and
                        t2v_tab.input_editors["prompt"].value() == "a red kite over dunes", 10, "the restore")
            assert t2v_tab.spec.name == "wan2.2-t2v-plus" and t2v_tab.param_editors["seed"].value() == 4242
            assert t2v_tab.count.value() == 1
            assert "a red kite over dunes" in w.statusBar().currentMessage()
            # a file that is not ours: told why, nothing changes
            foreign = tmp_path / "notes.json"
            foreign.write_text('{"hello": 1}', encoding="utf-8")
            assert drop(w.stage, [foreign])
            box = await until(lambda: w.findChild(QMessageBox, "restoreMessage"), 5, "the message")
            assert "notes.json" in box.text()
            box.close()
    run(go())


def test_title_once_and_the_last_note_follows_the_language(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            w = app.window
            shown = f"{w.windowTitle()} — {QApplication.applicationDisplayName()}"
            assert shown == "Sandbox — Bailian Video Studio"
            recs = await submit(app, t2v("note me"))
            w._submitted(recs)
            assert w.statusBar().currentMessage() == "Added 1 task to the queue."
            translations.apply_language("zh")
            await until(lambda: w.statusBar().currentMessage() == "已将 1 个任务加入队列。", 5, "the note in Chinese")
            assert QApplication.applicationDisplayName() == "百炼视频工作室" and w.windowTitle() == "沙盒"
            translations.apply_language("en")
    run(go())


def test_light_and_dark_follow_the_system_and_the_persons_choice(qtbot, run, data_dir):
    app_ = QApplication.instance()
    sheet, palette, font = app_.styleSheet(), app_.palette(), app_.font()

    async def go():
        async with open_app(data_dir) as app:
            w = app.window
            try:
                style.apply(app_, "")              # as the app does at start-up: follow the system
                assert not style.is_dark()
                # the desktop switches to dark while the app runs
                app_.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
                assert style.is_dark() and app_.palette().color(QPalette.ColorRole.Window).lightness() < 80
                assert style.DARK["error_bg"] in app_.styleSheet()
                app_.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
                assert not style.is_dark()
                # the person picks Light in View → Appearance: the system no longer decides
                w.look_actions["light"].trigger()
                app_.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
                assert not style.is_dark() and app.config.appearance == "light"
                w.look_actions["dark"].trigger()
                assert style.is_dark() and app.config.appearance == "dark"
                w.look_actions[""].trigger()
            finally:
                style.apply_scheme(app_, "", Qt.ColorScheme.Light)
                app_.setStyleSheet(sheet)
                app_.setPalette(palette)
                app_.setFont(font)
    run(go())


def test_the_queue_and_the_result_keep_the_size_the_person_gave_them(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            w = app.window
            w.resize(1400, 900)
            await asyncio.sleep(0.2)
            w.resizeDocks([w.queue], [300], Qt.Orientation.Vertical)
            w.studio.setSizes([500, 900])
            await asyncio.sleep(0.2)
            queue_h, form_w = w.queue.height(), w.studio.sizes()[0]
            assert abs(queue_h - 300) <= 10
        async with open_app(data_dir) as app:            # the next start
            w = app.window
            await asyncio.sleep(0.2)
            assert abs(w.queue.height() - queue_h) <= 10 and abs(w.studio.sizes()[0] - form_w) <= 10
            w.queue.toggleViewAction().trigger()            # folded away, and still folded next time
            assert not w.queue.isVisible()
        async with open_app(data_dir) as app:
            assert not app.window.queue.isVisible()
            app.window.act_queue.trigger()
            assert app.window.queue.isVisible()
    run(go())
