"""The queue: the item model (qtmodeltester), progress, row actions, failures in plain words, the player,
background notifications, and restart (the same queue comes back and unfinished tasks carry on)."""
from __future__ import annotations

import asyncio
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from ui_helpers import choose_model, click, drop, dropped, generate, open_app, until

from bailian_video import keys
from bailian_video.engine import Request, State, budget
from bailian_video.sandbox.testing import running_sandbox
from bailian_video.ui.config import UiConfig
from bailian_video.ui.queue_model import ROLE_PROGRESS, Col


def t2v(prompt: str = "a paper boat", **params) -> Request:
    return Request("wan2.2-t2v-plus", {"prompt": prompt}, {"size": "832*480", **params})


async def submit(app, req: Request, count: int = 1):
    res = await app.session.engine.submit(req, count=count)
    return res.tasks


def test_queue_model_passes_the_model_tester(qtmodeltester, qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            model = app.window.queue.model
            qtmodeltester.check(model)
            recs = await submit(app, t2v(), count=3)
            assert model.rowCount() == 3 and model.record(0).id == recs[-1].id       # newest on top
            qtmodeltester.check(model)
            await app.wait_done(recs)
            await asyncio.sleep(0.2)
            qtmodeltester.check(model)
            app.session.engine.remove(recs[1].id)
            assert model.rowCount() == 2 and model.row_of(recs[1].id) == -1
            qtmodeltester.check(model)
    run(go())


def test_progress_time_and_cost_while_a_task_runs(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir, task_seconds=3.0) as app:
            model = app.window.queue.model
            [rec] = await submit(app, t2v())
            await until(lambda: rec.state == State.RUNNING or rec.state == State.QUEUED, 20, "the task to run")
            await asyncio.sleep(1.2)
            idx = model.index(model.row_of(rec.id), Col.STATUS)
            p = model.data(idx, ROLE_PROGRESS)
            assert 0.0 < p < 1.0
            assert "~" in model.data(idx) and "%" in model.data(idx)
            assert "left" in model.data(model.index(idx.row(), Col.TIME)) or \
                "any moment" in model.data(model.index(idx.row(), Col.TIME))
            assert model.data(model.index(idx.row(), Col.COST)) == "≈¥0.70"
            [rec] = await app.wait_done([rec])
            assert model.data(idx, ROLE_PROGRESS) == 1.0 and model.data(idx) == "Done"
            assert model.data(model.index(idx.row(), Col.COST)) == "¥0.70"
    run(go())


def test_row_actions_play_open_copy_run_again_remove(qtbot, run, data_dir, opened):
    async def go():
        async with open_app(data_dir) as app:
            w, dock = app.window, app.window.queue
            [rec] = await submit(app, t2v("the moon over the sea", seed=7))
            [rec] = await app.wait_done([rec])
            dock.select_task(rec.id)
            await asyncio.sleep(0.05)
            assert rec.output_path in dock.details.text.text()
            assert dock._buttons["play"].isVisible() and not dock._buttons["cancel"].isVisible()
            # double-click plays it in the app
            table = dock.table
            rect = table.visualRect(dock.model.index(dock.model.row_of(rec.id), Col.PROMPT))
            # a real double click: press/release, then the second press arrives as a double-click event
            qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            stage = w.stage                                             # it plays large, in the window
            await until(lambda: stage.grid is not None and stage.grid.paths() == [rec.output_path], 5, "the stage")
            await until(lambda: stage.grid.duration() > 4000, 10, "the video to load on the stage")
            assert stage.record().id == rec.id
            click(qtbot, dock._buttons["folder"])
            assert opened[-1] == "folder:" + rec.output_path
            menu = dock.build_menu([rec])
            menu.findChild(QAction, "menu_copy_task").trigger()
            assert QGuiApplication.clipboard().text() == rec.task_id
            menu.findChild(QAction, "menu_copy_request").trigger()
            assert QGuiApplication.clipboard().text() in rec.request_ids
            # run again: back into the form with the same settings, and a new variation (random seed)
            tab = app.tab("t2v")
            tab.input_editors["prompt"].set_value("")
            w.tabs.setCurrentWidget(app.tab("emoji"))
            click(qtbot, dock._buttons["again"])
            assert w.current_tab() is tab
            assert tab.input_editors["prompt"].value() == "the moon over the sea"
            assert tab.param_editors["size"].value() == "832*480" and tab.param_editors["seed"].value() is None
            # exact repeat: the same seed, and one video (several would be identical)
            click(qtbot, dock._buttons["repeat"])
            assert tab.param_editors["seed"].value() == 7 and tab.count.value() == 1
            # remove: gone from the list, the video stays
            click(qtbot, dock._buttons["remove"])
            assert dock.model.rowCount() == 0 and Path(rec.output_path).is_file()
    run(go())


def test_failures_say_why_with_the_code_and_what_next(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            app.session.ctx.sandbox.set_faults("moderation*1")
            [rec] = await submit(app, t2v("something the checker dislikes"))
            [rec] = await app.wait_done([rec])
            assert rec.state == State.FAILED and rec.error_code == "DataInspectionFailed"
            dock = app.window.queue
            status = dock.model.data(dock.model.index(dock.model.row_of(rec.id), Col.STATUS))
            assert status.startswith("Failed: ") and status.endswith("(DataInspectionFailed)")
            assert dock.model.data(dock.model.index(0, Col.STATUS), Qt.ItemDataRole.ForegroundRole) is not None
            dock.select_task(rec.id)
            await asyncio.sleep(0.05)
            box = dock.details.error
            assert box.isVisible()
            assert "Service code: DataInspectionFailed" in box.text() and "content check" in box.text()
            # a portrait without a face stops before anything is paid
            emo = app.tab("emo")
            drop(emo.input_editors["image_url"], [assets / "noface.png"])
            drop(emo.input_editors["audio_url"], [assets / "voice.wav"])
            await dropped(emo.input_editors["image_url"])
            await dropped(emo.input_editors["audio_url"])
            [rec2] = await generate(qtbot, emo)
            [rec2] = await app.wait_done([rec2])
            assert rec2.state == State.FAILED and rec2.retry_costs_money is False
            assert rec2.error_message
            dock.select_task(rec2.id)
            await asyncio.sleep(0.05)
            assert "Nothing was billed" in dock.details.error.text()
    run(go())


def test_cancel_a_waiting_task(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir, task_seconds=30.0) as app:
            dock = app.window.queue
            [rec] = await submit(app, t2v())
            await until(lambda: rec.state in (State.QUEUED, State.RUNNING), 20)
            dock.select_task(rec.id)
            await asyncio.sleep(0.05)
            assert dock._buttons["cancel"].isVisible()
            click(qtbot, dock._buttons["cancel"])
            await until(lambda: rec.state.terminal, 20, "the cancel")
            assert rec.state in (State.CANCELED, State.STOPPED)
    run(go())


def test_a_task_finishing_in_the_background_notifies(qtbot, run, data_dir, monkeypatch):
    async def go():
        async with open_app(data_dir) as app:
            w = app.window
            monkeypatch.setattr(w, "isActiveWindow", lambda: False)
            got = []
            w.notified.connect(lambda title, text: got.append((title, text)))
            [rec] = await submit(app, t2v("notify me"))
            await app.wait_done([rec])
            await until(lambda: got, 5, "the notification")
            assert got == [("Video ready", "notify me")]
    run(go())


@pytest.fixture
def service(monkeypatch):
    """A sandbox standing in for the real service, with the engine polling it briskly (as the engine's own
    tests do): the real service's minute-long priors would make this test wait for minutes."""
    from bailian_video.ui.session import Session
    original = Session.engine_settings

    def brisk(self):
        s = original(self)
        s.poll_min, s.poll_max, s.expected_override = 0.1, 0.5, 2.0
        return s

    monkeypatch.setattr(Session, "engine_settings", brisk)
    with running_sandbox(task_seconds=2.0) as sb:
        monkeypatch.setenv("DASHSCOPE_HTTP_BASE_URL", sb.base_url)
        yield sb


def test_restart_shows_the_queue_and_unfinished_tasks_carry_on(qtbot, run, data_dir, service):
    keyring.set_password(keys.SERVICE, keys.USERNAME, "sk-test-restart")
    cfg = UiConfig(data_dir)
    cfg.backend = "service"
    cfg.sync()

    async def go():
        async with open_app(data_dir, sandbox=False) as app:
            assert app.session.mode == "service"
            budget.mark_suggested(app.session.engine.store)     # (the one-time limit offer: test_ui_budget)
            tab = app.tab("t2v")
            choose_model(qtbot, tab.model_combo, "wan2.2-t2v-plus")
            tab.input_editors["prompt"].set_value("survives a restart")
            tab.param_editors["size"].set_value("832*480")
            [done] = await generate(qtbot, tab)
            await app.wait_done([done])
            [rec] = await submit(app, t2v("still running at close"))
            await until(lambda: rec.task_id and rec.state in (State.QUEUED, State.RUNNING), 20, "a remote task")
            first_id = rec.id
        assert service.creations() == 2
        async with open_app(data_dir, sandbox=False) as app2:
            model = app2.window.queue.model
            assert model.rowCount() == 2
            again = model.record(model.row_of(first_id))
            assert again.prompt == "still running at close"
            [fin] = await app2.wait_done([again])
            assert fin.state == State.DONE and Path(fin.output_path).is_file()
            assert service.creations() == 2                 # resumed, not submitted again
    run(go())
