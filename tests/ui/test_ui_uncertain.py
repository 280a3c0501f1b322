"""A lost create answer the engine cannot resolve: the queue marks it, the decision panel lets the person
adopt a candidate, adopt a task ID or submit again (asked first, it is billed), and a window that is a
guest on a folder another process drives says so until it takes over.

All against the real window and the built-in sandbox: the sandbox makes the task, then drops the answer.
"""
from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_helpers import click, open_app, until

from bailian_video.engine import Request, State
from bailian_video.engine.ownership import FolderOwnership
from bailian_video.engine.paths import store_path
from bailian_video.ui import style
from bailian_video.ui.queue_model import Col
from bailian_video.ui.util import fmt_money

#: Set to a folder to save screenshots of the panel and the banner (both languages, 1024×700).
SHOTS = os.environ.get("BAILIAN_VIDEO_SHOTS")


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    p = tmp_path / "photo.png"
    img = Image.new("RGB", (400, 320), (200, 140, 90))
    for x in range(120, 280):
        for y in range(100, 220):
            img.putpixel((x, y), (40, 90, 160))
    img.save(p)
    return p


async def make_uncertain(app, photo: Path):
    """Submit an image-to-video without a prompt while the sandbox drops the create answer."""
    eng = app.session.engine
    eng.settings.reconcile_settle = 2.0
    eng.settings.reconcile_interval = 0.2
    app.session.ctx.sandbox.set_faults("lost@create*1")
    res = await eng.submit(Request("wan2.2-i2v-flash", {"img_url": str(photo)}, {"resolution": "480P"}))
    [rec] = res.tasks
    await until(lambda: eng.get(rec.id).state.terminal, 40, "the task to need a decision")
    rec = eng.get(rec.id)
    assert rec.state == State.UNCERTAIN, (rec.state, rec.error_code, rec.error_message)
    assert rec.needs_decision and rec.error_code == "Uncertain"
    return rec


def select_row(qtbot, dock, rec) -> None:
    """Click the task's row like a person."""
    row = dock.model.row_of(rec.id)
    rect = dock.table.visualRect(dock.model.index(row, Col.PROMPT))
    qtbot.mouseClick(dock.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


async def panel_for(qtbot, app, rec):
    dock = app.window.queue
    select_row(qtbot, dock, rec)
    panel = dock.decision
    await until(lambda: panel.isVisible() and panel.rec is not None and panel.rec.id == rec.id, 5,
                "the decision panel")
    return panel


def shoot(window, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    window.grab().save(str(Path(SHOTS) / f"{name}.png"))


async def screenshots(app, rec, name: str, prepare=None) -> None:
    """The window as a person sees it (style sheet on), at 1024×700, in both languages."""
    if not SHOTS:
        return
    qapp = QApplication.instance()
    previous = qapp.styleSheet()
    style.apply(qapp)
    w = app.window
    try:
        w.resize(1024, 700)
        w.queue.select_task(rec.id)
        for lang in ("zh", "en"):
            w.set_language(lang)
            await asyncio.sleep(0.3)
            if prepare is not None:
                await prepare(lang)
            shoot(w, f"{name}-{lang}")
            if SHOTS and w.queue.decision.isVisible():        # the whole details pane, to read it all
                w.queue.details.grab().save(str(Path(SHOTS) / f"{name}-details-{lang}.png"))
    finally:
        w.set_language("en")
        qapp.setStyleSheet(previous)


def test_adopting_the_one_candidate_downloads_it_and_nothing_is_paid_twice(qtbot, run, data_dir, photo):
    async def go():
        async with open_app(data_dir) as app:
            sandbox = app.session.ctx.sandbox
            rec = await make_uncertain(app, photo)
            model, dock = app.window.queue.model, app.window.queue
            # the row: amber words, a warning, not a red failure
            idx = model.index(model.row_of(rec.id), Col.STATUS)
            assert model.data(idx) == "Needs your decision"
            assert model.data(idx, Qt.ItemDataRole.ForegroundRole).color() == QColor(style.WARNING_TEXT)
            assert model.data(idx, Qt.ItemDataRole.DecorationRole) is not None
            await until(lambda: "1 needs attention" in dock.summary.text(), 3, "the summary to count it")

            panel = await panel_for(qtbot, app, rec)
            assert not dock.details.error.isVisible()                       # not explained as a failure
            assert rec.error_text() in panel.explanation.text()
            [service_task] = sandbox.tasks.all()
            assert [r.task_id.text() for r in panel.rows] == [service_task.task_id]
            assert rec.model in panel.rows[0].facts.toolTip()
            assert fmt_money(rec.cost_estimate) in panel.resubmit_cost.text()
            await screenshots(app, rec, "decision")
            if SHOTS:                                                       # the row when not selected
                dock.table.clearSelection()
                await asyncio.sleep(0.3)
                dock.table.grab().save(str(Path(SHOTS) / "decision-row.png"))
                select_row(qtbot, dock, rec)
                await until(lambda: panel.isVisible(), 5, "the panel again")

            click(qtbot, panel.rows[0].adopt_button)
            # while the decision is carried out nothing else can be chosen
            assert not panel.rows[0].adopt_button.isEnabled() and not panel.resubmit_button.isEnabled()
            [rec] = await app.wait_done([rec], 60)
            await until(lambda: rec.state == State.DONE, 30, "the adopted task to be downloaded")
            assert sandbox.creations() == 1                                 # nothing paid twice
            assert rec.task_id == service_task.task_id
            assert Path(rec.output_path).is_file() and Path(rec.output_path).suffix == ".mp4"
            await until(lambda: not panel.isVisible(), 5, "the panel to go away")
            assert model.data(idx) == "Done"
    run(go())


def test_not_created_asks_with_the_cost_then_submits_again(qtbot, run, data_dir, photo):
    async def go():
        async with open_app(data_dir) as app:
            sandbox = app.session.ctx.sandbox
            rec = await make_uncertain(app, photo)
            panel = await panel_for(qtbot, app, rec)
            w = app.window
            # first say no: nothing happens
            click(qtbot, panel.resubmit_button)
            box = await until(lambda: w.findChild(QMessageBox, "resubmitDialog"), 5, "the question")
            assert "charged again: about " + fmt_money(rec.cost_estimate) in box.informativeText()
            if SHOTS:
                await asyncio.sleep(0.2)
                box.grab().save(str(Path(SHOTS) / "resubmit-dialog-en.png"))
            assert not panel.resubmit_button.isEnabled()
            click(qtbot, next(b for b in box.buttons() if b.text() == "Cancel"))
            await until(lambda: panel.resubmit_button.isEnabled(), 5, "the panel after no")
            await asyncio.sleep(0.3)
            assert app.session.engine.get(rec.id).state == State.UNCERTAIN and sandbox.creations() == 1
            # then yes: the person chose to pay again
            await until(lambda: w.findChild(QMessageBox, "resubmitDialog") is None, 5, "the old box to go")
            click(qtbot, panel.resubmit_button)
            box = await until(lambda: w.findChild(QMessageBox, "resubmitDialog"), 5, "the question")
            click(qtbot, next(b for b in box.buttons() if b.text() == "Submit again"))
            await until(lambda: app.session.engine.get(rec.id).state != State.UNCERTAIN, 10, "the resubmission")
            [rec] = await app.wait_done([rec], 60)
            assert rec.state == State.DONE, (rec.state, rec.error_message)
            assert sandbox.creations() == 2
            assert Path(rec.output_path).is_file()
            assert not panel.error.isVisible()
    run(go())


def test_adopting_a_bogus_id_says_why_next_to_the_buttons_and_changes_nothing(qtbot, run, data_dir, photo):
    async def go():
        async with open_app(data_dir) as app:
            sandbox = app.session.ctx.sandbox
            rec = await make_uncertain(app, photo)
            panel = await panel_for(qtbot, app, rec)
            before = [c.to_json() for c in rec.chain.candidates]
            assert not panel.id_button.isEnabled()                          # nothing typed yet
            panel.id_edit.setFocus()
            qtbot.keyClicks(panel.id_edit, "not-a-real-task-id")
            assert panel.id_button.isEnabled()
            click(qtbot, panel.id_button)
            await until(lambda: panel.error.isVisible(), 15, "the inline error")
            assert "not-a-real-task-id" in panel.error.text()
            await until(lambda: panel.id_button.isEnabled(), 5, "the buttons to come back")
            rec = app.session.engine.get(rec.id)
            assert rec.state == State.UNCERTAIN and rec.task_id is None
            assert [c.to_json() for c in rec.chain.candidates] == before
            assert sandbox.creations() == 1
            assert panel.id_edit.text() == "not-a-real-task-id"            # kept, to be corrected

            async def refuse_again(lang: str) -> None:
                """The refusal in the language the window is in when it is made."""
                click(qtbot, panel.id_button)
                await until(lambda: not panel.error.isVisible(), 5, "the old error to go")
                await until(lambda: panel.error.isVisible(), 15, "the inline error")
                assert ("服务不认识任务" if lang == "zh" else "does not know task") in panel.error.text()
            await screenshots(app, rec, "decision-error", refuse_again)
    run(go())


def test_a_guest_window_says_who_runs_the_tasks_and_takes_over_when_it_exits(qtbot, run, data_dir):
    async def go():
        db = store_path(data_dir, sandbox=True)
        db.parent.mkdir(parents=True, exist_ok=True)
        lock = FolderOwnership(db, kind="cli")
        assert lock.try_acquire()
        try:
            async with open_app(data_dir) as app:
                w, eng = app.window, app.session.engine
                assert not eng.is_owner
                banner = w.guest_banner
                await until(lambda: banner.isVisible(), 3, "the guest banner")
                assert "bailian-video" in banner.text() and f"process {os.getpid()}" in banner.text()
                assert "this window shows them and takes over when it exits" in banner.text()
                w.set_language("zh")
                await until(lambda: "正在运行这个文件夹里的任务" in banner.text(), 3, "the banner in Chinese")
                assert "bailian-video 命令" in banner.text()
                w.set_language("en")
                await until(lambda: "Tasks in this folder are being run by" in banner.text(), 3, "the banner in English")
                if SHOTS:
                    rec = (await eng.submit(Request("wan2.2-t2v-plus", {"prompt": "a paper boat"},
                                                    {"size": "832*480"}))).tasks[0]
                    await screenshots(app, rec, "guest")
                lock.release()
                await until(lambda: eng.is_owner and not banner.isVisible(), 10, "the window to take over")
                assert "now runs the tasks" in w.statusBar().currentMessage()
        finally:
            lock.release()
    run(go())


def test_spawn_hands_failures_to_the_loop_exception_handler_but_not_cancellation(loop, run):
    """A background failure reaches the crash dialog (the loop's handler); handled or canceled ones do not."""
    from bailian_video.ui.util import spawn
    seen: list[dict] = []
    loop.set_exception_handler(lambda _loop, context: seen.append(context))
    handled: list[BaseException] = []

    async def boom() -> None:
        raise LookupError("broken")

    async def forever() -> None:
        await asyncio.sleep(3600)

    async def go() -> None:
        failing = spawn(boom(), name="boom")
        spawn(boom(), name="handled", on_error=handled.append)
        sleeper = spawn(forever(), name="sleeper")
        await asyncio.sleep(0.05)
        sleeper.cancel()
        await asyncio.sleep(0.05)
        assert [c["task"] for c in seen] == [failing]
        assert isinstance(seen[0]["exception"], LookupError) and "boom" in seen[0]["message"]
        assert len(handled) == 1
    try:
        run(go())
    finally:
        loop.set_exception_handler(None)
