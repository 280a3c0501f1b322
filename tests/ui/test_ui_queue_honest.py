"""The queue tells the truth, through the real window against the built-in sandbox: a waiting task says its
place in line, a queued one shows no invented percentage, an overrunning one says it is taking longer than
usual; Cancel says before the click what it will do (and what is billed); a click that lands too late says
so; "Archive finished" hides tasks without deleting anything, with Undo; when no file manager answers the
path goes to the clipboard and the person is told."""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMessageBox
from ui_helpers import choose, click, generate, mp4s, open_app, type_into, until

from bailian_video.engine import Request, State, TaskRecord
from bailian_video.media.probe import probe
from bailian_video.ui import desktop
from bailian_video.ui.config import UiConfig
from bailian_video.ui.desktop import show_in_folder as real_show_in_folder
from bailian_video.ui.queue_model import ROLE_PROGRESS, Col, ordinal_suffix, overdue
from bailian_video.ui.queue_view import shows_bar

PROMPT = "a paper lantern drifting down a river"


def fill_t2v(qtbot: Any, app: Any, count: int = 1, prompt: str = PROMPT) -> Any:
    tab = app.tab("t2v")
    choose(qtbot, tab.model_combo, "Wan 2.2 Plus")
    choose(qtbot, tab.param_editors["size"].combo, "832×480")
    tab.input_editors["prompt"].set_value("")
    type_into(qtbot, tab, "prompt", prompt)
    if tab.count.value() != count:
        tab.count.setFocus()
        tab.count.selectAll()
        qtbot.keyClicks(tab.count, str(count))
        assert tab.count.value() == count
    return tab


def cell(dock: Any, rec: Any, col: Col, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    model = dock.model
    return model.data(model.index(model.row_of(rec.id), col), role)


async def select_row(qtbot: Any, dock: Any, rec: Any) -> None:
    """Click the task's row like a person."""
    rect = dock.table.visualRect(dock.model.index(dock.model.row_of(rec.id), Col.PROMPT))
    qtbot.mouseClick(dock.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    await until(lambda: dock.details.rec is not None and dock.details.rec.id == rec.id, 3, "the details")


def menu_action(dock: Any, recs: list[Any], key: str) -> QAction:
    action = dock.build_menu(recs).findChild(QAction, f"menu_{key}")
    assert action is not None, key
    return action


# -- progress without invented numbers -----------------------------------------------------------
def test_waiting_tasks_say_their_place_in_line_and_cancel_says_what_it_does(qtbot, run, data_dir):
    cfg = UiConfig(data_dir)
    cfg.global_concurrency = 1                 # one task at a time: the others wait here, unsent
    cfg.sync()

    async def go():
        async with open_app(data_dir, task_seconds=8.0) as app:
            dock = app.window.queue
            recs = await generate(qtbot, fill_t2v(qtbot, app, count=4))
            first, second, third, fourth = sorted(recs, key=lambda r: r.id)
            await until(lambda: first.state in (State.QUEUED, State.RUNNING), 20, "the first to be sent")
            await until(lambda: cell(dock, fourth, Col.STATUS) == "Waiting — 3rd in line", 5, "the places")
            assert cell(dock, second, Col.STATUS) == "Waiting — next"
            assert cell(dock, third, Col.STATUS) == "Waiting — 2nd in line"
            assert not shows_bar(second) and shows_bar(first)           # no bar for a task not yet sent
            assert "Nothing has been sent yet" in cell(dock, second, Col.STATUS, Qt.ItemDataRole.ToolTipRole)

            # waiting: Cancel, and the tooltip says before the click that nothing is billed
            await select_row(qtbot, dock, third)
            cancel = dock._buttons["cancel"]
            assert cancel.isVisible() and cancel.text() == "Cancel"
            assert cancel.toolTip() == "Nothing has been sent; nothing is billed."
            assert menu_action(dock, [third], "cancel").text() == "Cancel"
            assert "Waiting — 2nd in line" in dock.details.title.text()     # the details use the same words
            stage = app.window.stage                                        # and so does the result area
            await until(lambda: stage.state_title.text() == "Waiting — 2nd in line", 3, "the stage's words")
            assert not stage.progress.isVisibleTo(stage)
            click(qtbot, cancel)
            await until(lambda: third.state == State.CANCELED, 5, "the waiting task to be canceled")
            await until(lambda: cell(dock, fourth, Col.STATUS) == "Waiting — 2nd in line", 3, "the line to move up")

            # generating: the button says it only stops tracking and the task is still billed
            await until(lambda: first.state == State.RUNNING, 20, "the first to run")
            await select_row(qtbot, dock, first)
            await until(lambda: cancel.text() == "Stop tracking — still billed", 3, "the stop-tracking words")
            assert "Let it finish: the video is downloaded when ready." in cancel.toolTip()
            assert "you can Resume tracking later" in cancel.toolTip()
            menu_cancel = menu_action(dock, [first], "cancel")
            assert menu_cancel.text() == cancel.text() and menu_cancel.toolTip() == cancel.toolTip()
            click(qtbot, cancel)
            await until(lambda: first.state == State.STOPPED, 10, "tracking to stop")
            # a plain outcome, not a failure: short words, not red, not counted as needing attention
            await until(lambda: cell(dock, first, Col.STATUS) == "Stopped tracking", 3, "the stopped row")
            assert cell(dock, first, Col.STATUS, Qt.ItemDataRole.ForegroundRole) is None
            assert "billed" in cell(dock, first, Col.STATUS, Qt.ItemDataRole.ToolTipRole)
            await until(lambda: "attention" not in dock.summary.text() and "0 done" in dock.summary.text(), 3)
            await until(lambda: dock._buttons["resume"].isVisible(), 3, "Resume to be offered")

            # the next in line starts; the last one is next now
            await until(lambda: second.state != State.WAITING, 10, "the next task to start")
            await until(lambda: cell(dock, fourth, Col.STATUS) == "Waiting — next", 3, "the last to be next")
            for r in (second, fourth):
                await app.session.engine.cancel(r.id)
    run(go())


def test_in_chinese_a_stopped_task_is_a_short_state_and_the_reason_is_in_the_tooltip(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir, task_seconds=6.0, lang="zh") as app:
            dock = app.window.queue
            res = await app.session.engine.submit(Request("wan2.2-t2v-plus", {"prompt": "纸灯笼顺河漂流"},
                                                          {"size": "832*480"}))
            [rec] = res.tasks
            await until(lambda: rec.state == State.RUNNING, 20, "the task to run")
            await select_row(qtbot, dock, rec)
            click(qtbot, dock._buttons["cancel"])
            await until(lambda: rec.state == State.STOPPED, 10, "tracking to stop")
            await until(lambda: cell(dock, rec, Col.STATUS) == "已停止跟踪", 3, "the short state")
            tip = cell(dock, rec, Col.STATUS, Qt.ItemDataRole.ToolTipRole)
            assert tip.startswith("已停止跟踪\n") and "仍会计费" in tip and ":" not in tip.split("\n")[1]
            assert cell(dock, rec, Col.STATUS, Qt.ItemDataRole.ForegroundRole) is None      # not red
            await until(lambda: "仍会计费" in dock.details.note.text() and dock.details.note.isVisible(), 3,
                        "the reason in the details")
            assert not dock.details.error.isVisible()                                   # not shown as a failure
    run(go())


def test_a_task_queued_at_the_service_shows_no_percentage_and_can_still_be_canceled(qtbot, run, data_dir):
    async def go():
        # the sandbox holds a task PENDING for the first 20 % of its time: 3 s here
        async with open_app(data_dir, task_seconds=15.0) as app:
            dock = app.window.queue
            [rec] = await generate(qtbot, fill_t2v(qtbot, app))
            await until(lambda: rec.state == State.QUEUED, 10, "the service to queue it")
            assert cell(dock, rec, Col.STATUS) == "Queued at the service"
            assert cell(dock, rec, Col.STATUS, ROLE_PROGRESS) == -1.0                    # a busy bar, no figure
            when = cell(dock, rec, Col.TIME)
            assert "left" not in when and "any moment" not in when and "%" not in when
            await select_row(qtbot, dock, rec)
            await until(lambda: "Queued at the service" in dock.details.title.text(), 1, "the details")
            cancel = dock._buttons["cancel"]
            assert cancel.text() == "Cancel" and "The service can still cancel a queued task" in cancel.toolTip()
            click(qtbot, cancel)
            await until(lambda: rec.state == State.CANCELED, 10, "the service to cancel it")
            [task] = app.session.ctx.sandbox.tasks.all()
            assert task.canceled is not None and rec.cost_actual is None    # canceled there: nothing billed
            assert cell(dock, rec, Col.STATUS) == "Canceled"
            assert "attention" not in dock.summary.text()
    run(go())


def test_a_generation_that_overruns_says_so_instead_of_creeping_to_99(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir, task_seconds=5.0) as app:
            app.session.engine.settings.expected_override = 1.0    # "usually 1 s"; this one takes 5 s
            dock = app.window.queue
            [rec] = await generate(qtbot, fill_t2v(qtbot, app))
            await until(lambda: rec.state == State.RUNNING and "longer" in cell(dock, rec, Col.STATUS), 15,
                        "the overrun to show")
            assert cell(dock, rec, Col.STATUS) == "Taking longer than usual (typically 1 s)"
            assert cell(dock, rec, Col.STATUS, ROLE_PROGRESS) == -1.0
            assert cell(dock, rec, Col.TIME).endswith(" · longer than usual")
            await select_row(qtbot, dock, rec)
            await until(lambda: "Taking longer than usual (typically 1 s)" in dock.details.title.text(), 2,
                        "the details to use the same words")
            assert "This model usually takes about 1 s." in dock.details.title.text()
            assert dock._buttons["cancel"].text() == "Stop tracking — still billed"
            [rec] = await app.wait_done([rec])
            assert rec.state == State.DONE and cell(dock, rec, Col.STATUS) == "Done"
            info = probe(rec.output_path)
            assert info.kind == "video" and abs(info.duration - 5.0) < 0.2
    run(go())


def test_a_cancel_that_lands_after_the_task_finished_says_so(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir, task_seconds=2.0) as app:
            dock = app.window.queue
            [rec] = await generate(qtbot, fill_t2v(qtbot, app))
            await until(lambda: rec.state in (State.QUEUED, State.RUNNING), 10, "the task to be sent")
            await select_row(qtbot, dock, rec)
            action = menu_action(dock, [rec], "cancel")      # the menu opened while it still ran…
            [rec] = await app.wait_done([rec])
            assert rec.state == State.DONE
            action.trigger()                                  # …and the click lands after it finished
            assert dock.notice.isVisible()
            assert dock.notice.label.text() == "Too late to cancel: it had already finished."
            assert not dock.notice.undo_button.isVisible()
            assert rec.state == State.DONE and Path(rec.output_path).is_file()
    run(go())


# -- archive, never destroy -----------------------------------------------------------------------
def test_archive_finished_hides_rows_keeps_history_and_undo_brings_them_back(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            dock, eng = app.window.queue, app.session.engine
            done = await app.wait_done(await generate(qtbot, fill_t2v(qtbot, app, count=2)))
            app.session.ctx.sandbox.set_faults("moderation*1")
            [failed] = await app.wait_done(await generate(qtbot, fill_t2v(qtbot, app, prompt="refused")))
            assert [r.state for r in done] == [State.DONE] * 2 and failed.state == State.FAILED
            await until(lambda: "attention" in dock.summary.text(), 3, "the failure to show")
            assert dock.clear_button.text() == "Archive finished" and dock.model.rowCount() == 3

            click(qtbot, dock.clear_button)
            assert dock.model.rowCount() == 1 and dock.model.record(0).id == failed.id   # failures stay
            by_id = {r.id: r for r in app.session.tasks()}
            assert all(by_id[r.id].archived for r in done) and not by_id[failed.id].archived
            assert all(Path(r.output_path).is_file() for r in done) and len(mp4s(app.out_dir)) == 2
            assert dock.notice.isVisible() and dock.notice.label.text() == "Archived 2 tasks."
            assert dock.notice._timer.isActive() and dock.notice._timer.interval() == 15000

            click(qtbot, dock.notice.undo_button)
            assert dock.model.rowCount() == 3 and not dock.notice.isVisible()
            assert not any(r.archived for r in app.session.tasks())

            # the row action is Archive too, for the selected ended task
            await select_row(qtbot, dock, failed)
            button = dock._buttons["remove"]
            assert button.isVisible() and button.text() == "Archive"
            click(qtbot, button)
            assert dock.model.row_of(failed.id) == -1 and dock.model.rowCount() == 2
            assert eng.get(failed.id).archived and dock.notice.label.text().startswith("Archived 1 task")
            await select_row(qtbot, dock, done[0])
            click(qtbot, dock._buttons["folder"])                   # the next action ends the offer to undo
            assert not dock.notice.isVisible()
        async with open_app(data_dir) as app:                      # archived stays archived
            assert app.window.queue.model.rowCount() == 2
            assert {r.id for r in app.session.tasks()} == {done[0].id, done[1].id, failed.id}
    run(go())


# -- show in folder that never fails silently -------------------------------------------------------
# offscreen cannot size or raise a floating dock (the conftest's list, plus raise())
@pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)", r"No RHI backend")
def test_when_no_file_manager_answers_the_path_is_copied_and_the_person_told(qtbot, run, data_dir, monkeypatch):
    asked: list[str] = []

    def nobody(kind: str) -> Any:
        return lambda p: asked.append(f"{kind}:{p}") is None and False
    monkeypatch.setattr(desktop, "show_in_folder", nobody("folder"))
    monkeypatch.setattr(desktop, "open_path", nobody("open"))

    async def go():
        async with open_app(data_dir) as app:
            w, dock = app.window, app.window.queue
            [rec] = await app.wait_done(await generate(qtbot, fill_t2v(qtbot, app)))
            await select_row(qtbot, dock, rec)
            QGuiApplication.clipboard().setText("")
            click(qtbot, dock._buttons["folder"])
            assert asked[-1] == f"folder:{rec.output_path}"
            assert QGuiApplication.clipboard().text() == rec.output_path
            msg = w.statusBar().currentMessage()
            assert msg.startswith("No file manager answered. The path is copied: ") and rec.output_path in msg

            click(qtbot, dock.folder_button)                              # "Open output folder"
            assert asked[-1] == f"open:{app.out_dir}"
            assert QGuiApplication.clipboard().text() == str(app.out_dir)
            assert "No file manager answered" in w.statusBar().currentMessage()

            menu_action(dock, [rec], "open").trigger()                     # "Open in system player"
            assert QGuiApplication.clipboard().text() == rec.output_path
            assert w.statusBar().currentMessage().startswith("No app answered to open it.")

            dock.setFloating(True)                   # a window of its own, no status bar: a message box
            await asyncio.sleep(0.05)
            click(qtbot, dock._buttons["folder"])
            box = await until(lambda: dock.findChild(QMessageBox, "pathCopiedBox"), 3, "the message box")
            assert box.isVisible() and box.windowModality() == Qt.WindowModality.WindowModal   # open(), not exec()
            assert rec.output_path in box.text()
            box.accept()
            dock.setFloating(False)
    run(go())


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="xdg-open is the launcher on Linux and BSD")
def test_a_launcher_that_finds_no_application_counts_as_no_answer(tmp_path, monkeypatch):
    """The real show_in_folder, with an xdg-open that exits as xdg-open does when nothing handles folders."""
    bin_dir, log = tmp_path / "bin", tmp_path / "asked.txt"
    bin_dir.mkdir()
    launcher = bin_dir / "xdg-open"
    video = tmp_path / "out" / "clip.mp4"
    video.parent.mkdir()
    video.write_bytes(b"\0" * 16)
    monkeypatch.setenv("PATH", str(bin_dir) + os.pathsep + os.environ.get("PATH", ""))
    for status, answered in ((3, False), (0, True)):
        launcher.write_text(f'#!/bin/sh\necho "$1" >> "{log}"\nexit {status}\n', encoding="utf-8")
        launcher.chmod(0o755)
        assert real_show_in_folder(video) is answered
    assert log.read_text(encoding="utf-8").split() == [str(video.parent)] * 2


# -- a narrow window keeps the prompt readable -------------------------------------------------------
def test_the_prompt_column_keeps_its_room_in_a_small_window(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            w, dock = app.window, app.window.queue
            await app.wait_done(await generate(qtbot, fill_t2v(qtbot, app)))
            table = dock.table
            w.resize(1024, 700)
            await until(lambda: w.width() <= 1030, 3, "the window to shrink")
            await asyncio.sleep(0.1)
            assert table.columnWidth(Col.PROMPT) >= 160, [table.columnWidth(c) for c in Col]
            assert table.isColumnHidden(Col.PREVIEW)                     # the thumbnails give way first
            w.resize(1600, 900)
            await until(lambda: dock.width() >= 1200, 3, "the window to grow")
            await asyncio.sleep(0.1)
            assert not table.isColumnHidden(Col.PREVIEW) and table.columnWidth(Col.MODEL) == 170
            assert table.columnWidth(Col.PROMPT) >= 160
    run(go())


# -- pure parts -------------------------------------------------------------------------------------
def test_overdue_means_clearly_past_the_usual_time_while_generating():
    rec = TaskRecord(1, Request("wan2.2-t2v-plus"), state=State.RUNNING, submitted_at=100.0, expected_seconds=10.0)
    assert not overdue(rec, 112.9) and overdue(rec, 113.1)
    rec.state = State.QUEUED
    assert not overdue(rec, 200.0)
    rec.state, rec.expected_seconds = State.RUNNING, None
    assert not overdue(rec, 200.0)


def test_english_ordinals():
    assert [f"{n}{ordinal_suffix(n)}" for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th"]
