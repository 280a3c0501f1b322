"""Money, through the real window against the built-in sandbox: "Run again" never pays twice by accident,
a fixed seed with several videos is refused where the person is looking, spending above the thresholds
asks first (Cancel queues nothing), and a paid video is collected again into another folder for free.

Every "nothing was paid" is counted on the sandbox itself (``creations()``: tasks the service made)."""
from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox
from ui_helpers import choose, click, generate, mp4s, open_app, type_into, until

from bailian_video.engine import State, budget

PROMPT = "a lighthouse at dusk"


def creations(app: Any) -> int:
    return app.session.ctx.sandbox.creations()


def fill_t2v(qtbot: Any, app: Any, prompt: str = PROMPT) -> Any:
    tab = app.tab("t2v")
    choose(qtbot, tab.model_combo, "Wan 2.2 Plus")
    choose(qtbot, tab.param_editors["size"].combo, "832×480")         # ¥0.14/s × 5 s = ¥0.70 a video
    tab.input_editors["prompt"].set_value("")
    type_into(qtbot, tab, "prompt", prompt)
    return tab


async def press_generate(qtbot: Any, tab: Any) -> list[Any]:
    """Click Generate; return what it queued once it asked (``dialog``) or finished."""
    got: list[Any] = []
    tab.submitted.connect(got.extend)
    click(qtbot, tab.generate_button)
    return got


async def dialog(tab: Any, name: str) -> QMessageBox:
    return await until(lambda: tab.findChild(QMessageBox, name), 10, f"the {name}")


def button(box: QMessageBox, text: str) -> Any:
    found = [b for b in box.buttons() if text in b.text()]
    assert found, f"{text!r} is not among {[b.text() for b in box.buttons()]}"
    return found[0]


async def settled(tab: Any) -> None:
    await until(lambda: not tab._busy, 30, "the form to finish")


def menu_action(dock: Any, recs: list[Any], key: str) -> QAction:
    menu = dock.build_menu(recs)
    action = menu.findChild(QAction, f"menu_{key}")
    assert action is not None, key
    return action


def test_run_again_offers_a_new_variation_or_an_exact_repeat(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            w, dock = app.window, app.window.queue
            tab = fill_t2v(qtbot, app)
            [first] = await generate(qtbot, tab)
            [first] = await app.wait_done([first])
            seed = first.request.params["seed"]
            assert first.state == State.DONE and creations(app) == 1
            dock.select_task(first.id)
            await asyncio.sleep(0.05)
            assert dock._buttons["again"].isVisible() and dock._buttons["repeat"].isVisible()

            # "Same settings, new variation" (the details button): the seed stays random
            tab.input_editors["prompt"].set_value("")
            w.tabs.setCurrentWidget(app.tab("emoji"))
            click(qtbot, dock._buttons["again"])
            assert w.current_tab() is tab
            assert tab.input_editors["prompt"].value() == PROMPT and tab.param_editors["seed"].value() is None
            assert "new variation" in tab.note.text()
            tab.count.setValue(2)
            two = await generate(qtbot, tab)
            assert len(two) == 2
            seeds = {r.request.params["seed"] for r in two}
            assert len(seeds) == 2 and seed not in seeds                    # two different, new videos
            two = await app.wait_done(two)
            assert creations(app) == 3

            # "Exact repeat (same seed)" (the queue's menu): the seed comes back and the count drops to one
            menu = dock.build_menu([first])
            assert menu.findChild(QAction, "menu_again").text() == "Same settings, new variation"
            menu.findChild(QAction, "menu_repeat").trigger()
            assert tab.param_editors["seed"].value() == seed and tab.count.value() == 1
            tasks_before = len(app.session.tasks())
            await press_generate(qtbot, tab)
            box = await dialog(tab, "duplicateDialog")
            assert "same settings and seed" in box.text() and first.output_path in box.informativeText()
            click(qtbot, button(box, "Open it"))                            # → the existing video plays
            await settled(tab)
            # the existing video plays on the stage
            await until(lambda: w.stage.record() is not None and w.stage.record().id == first.id, 5, "the stage")
            await until(lambda: w.stage.grid is not None and w.stage.grid.paths() == [first.output_path], 5,
                        "the existing video on the stage")
            assert dock.current().id == first.id
            assert len(app.session.tasks()) == tasks_before and creations(app) == 3     # nothing new, nothing paid

            # … unless the person insists
            got = await press_generate(qtbot, tab)
            box = await dialog(tab, "duplicateDialog")
            click(qtbot, button(box, "Make it again anyway"))
            await settled(tab)
            assert len(got) == 1 and got[0].request.params["seed"] == seed
            await app.wait_done(got)
            assert creations(app) == 4
    run(go())


def test_several_videos_with_one_fixed_seed_are_refused(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            tab = fill_t2v(qtbot, app)
            seed_edit = tab.param_editors["seed"].edit
            seed_edit.setFocus()
            qtbot.keyClicks(seed_edit, "12345")
            tab.count.setValue(3)
            got = await generate(qtbot, tab)
            assert got == []
            assert tab.note.isVisible() and "identical" in tab.note.text()      # next to Generate
            assert "identical" in tab.field_error("seed")                      # and on the field itself
            assert app.session.tasks() == [] and creations(app) == 0
    run(go())


def test_spending_above_the_thresholds_asks_first(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            app.config.confirm_in_sandbox = True           # the sandbox charges nothing and would not ask
            tab = fill_t2v(qtbot, app)
            tab.count.setValue(5)
            await press_generate(qtbot, tab)
            box = await dialog(tab, "consentDialog")
            assert box.text() == "This will make 5 videos, about ¥3.50."
            assert "before more than 4 videos or ¥20.00 in one go" in box.informativeText()
            assert box.defaultButton() is button(box, "Cancel")
            click(qtbot, button(box, "Cancel"))
            await settled(tab)
            assert app.session.tasks() == [] and creations(app) == 0
            assert "Nothing was queued" in tab.note.text()

            got = await press_generate(qtbot, tab)
            box = await dialog(tab, "consentDialog")
            click(qtbot, button(box, "Make 5 videos"))
            await settled(tab)
            assert len(got) == 5 and len({r.request.params["seed"] for r in got}) == 5
            await app.wait_done(got)
            assert creations(app) == 5

            # the amount alone also asks: two videos for ¥1.40 above a ¥1 threshold
            app.config.confirm_amount = 1.0
            tab.count.setValue(2)
            await press_generate(qtbot, tab)
            box = await dialog(tab, "consentDialog")
            assert "2 videos" in box.text() and "¥1.40" in box.text()
            click(qtbot, button(box, "Cancel"))
            await settled(tab)
            assert creations(app) == 5

            # below both thresholds, or in the sandbox as it is shipped: no question
            app.config.confirm_amount = 20.0
            got = await generate(qtbot, tab)
            assert len(got) == 2
            app.config.confirm_in_sandbox = False
            tab.count.setValue(6)
            got = await generate(qtbot, tab)
            assert len(got) == 6 and tab.findChild(QMessageBox, "consentDialog") is None
            await app.wait_done(got)
    run(go())


def test_save_a_finished_video_to_another_folder_for_free(qtbot, run, data_dir, monkeypatch, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    asked: list[str] = []

    def pick(parent, caption, start="", *a, **k):
        asked.append(caption)
        return str(other)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(pick))

    async def go():
        async with open_app(data_dir) as app:
            dock = app.window.queue
            tab = fill_t2v(qtbot, app)
            [rec] = await generate(qtbot, tab)
            [rec] = await app.wait_done([rec])
            first_file = Path(rec.output_path)
            dock.select_task(rec.id)
            await asyncio.sleep(0.05)
            assert dock._buttons["save_to"].isVisible() and dock._buttons["save_to"].text() == "Save to…"
            action = menu_action(dock, [rec], "save_to")
            assert action.isEnabled()
            action.trigger()
            await until(lambda: len(mp4s(other)) == 1 and app.session.engine.get(rec.id).state == State.DONE,
                        30, "the copy in the other folder")
            assert asked and first_file.is_file()                            # the first copy stays
            assert creations(app) == 1                                       # downloaded, not made again
            assert mp4s(other)[0].stat().st_size > 10_000
    run(go())


def test_a_video_that_could_not_be_saved_is_collected_elsewhere(qtbot, run, data_dir, monkeypatch, tmp_path):
    other = tmp_path / "writable"
    other.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(other)))

    async def go():
        async with open_app(data_dir, task_seconds=2.0) as app:
            dock = app.window.queue
            tab = fill_t2v(qtbot, app)
            [rec] = await generate(qtbot, tab)
            await until(lambda: rec.state in (State.QUEUED, State.RUNNING), 20, "the service to take it")
            # the output folder turns into a file while the video is made: it cannot be saved there
            shutil.rmtree(app.out_dir, ignore_errors=True)
            app.out_dir.write_text("not a folder", encoding="utf-8")
            [rec] = await app.wait_done([rec])
            assert rec.state == State.FAILED and rec.error_code == "OutputNotWritable"
            dock.select_task(rec.id)
            await asyncio.sleep(0.05)
            b = dock._buttons["save_to"]
            assert b.isVisible() and b.text() == "Save to another folder…" and b.font().bold()
            assert "Save to…" in dock.details.error.text()
            click(qtbot, b)
            await until(lambda: app.session.engine.get(rec.id).state == State.DONE, 30, "the video to be saved")
            assert [p.parent for p in mp4s(other)] == [other] and creations(app) == 1
    run(go())


def test_with_the_paid_service_it_asks_without_any_switch(qtbot, run, data_dir, monkeypatch):
    """The app in service mode (a sandbox stands in for Model Studio): the shipped path, no test switch."""
    import keyring

    from bailian_video import keys
    from bailian_video.sandbox.testing import running_sandbox
    from bailian_video.ui.config import UiConfig

    keyring.set_password(keys.SERVICE, keys.USERNAME, "sk-test-money")
    cfg = UiConfig(data_dir)
    cfg.backend = "service"
    cfg.sync()

    async def go(service):
        async with open_app(data_dir, sandbox=False) as app:
            assert app.session.mode == "service" and not app.session.is_sandbox
            assert app.config.confirm_in_sandbox is False
            budget.mark_suggested(app.session.engine.store)     # (the one-time limit offer: test_ui_budget)
            tab = fill_t2v(qtbot, app)
            tab.count.setValue(5)
            await press_generate(qtbot, tab)
            box = await dialog(tab, "consentDialog")
            assert "5 videos" in box.text() and "¥3.50" in box.text()
            assert "billed separately" in box.informativeText()
            click(qtbot, button(box, "Cancel"))
            await settled(tab)
            assert app.session.tasks() == [] and service.creations() == 0

            # an exact repeat of a finished video: the duplicate question names the cost
            tab.count.setValue(1)
            tab.param_editors["seed"].set_value(777)
            [rec] = await generate(qtbot, tab)
            [rec] = await app.wait_done([rec], timeout=60)
            assert rec.state == State.DONE and service.creations() == 1
            await press_generate(qtbot, tab)
            box = await dialog(tab, "duplicateDialog")
            assert "same settings and seed" in box.text() and "costs money again" in box.informativeText()
            assert button(box, "Make it again anyway (charged)") is not None
            click(qtbot, button(box, "Open it"))
            await settled(tab)
            await until(lambda: app.window.stage.record() is not None and app.window.stage.record().id == rec.id,
                        5, "the existing video on the stage")
            assert len(app.session.tasks()) == 1 and service.creations() == 1

    with running_sandbox(task_seconds=0.5) as sb:
        monkeypatch.setenv("DASHSCOPE_HTTP_BASE_URL", sb.base_url)
        run(go(sb))


def test_the_thresholds_are_settings(qtbot, run, data_dir):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    from bailian_video.ui.util import spawn

    async def go():
        async with open_app(data_dir) as app:
            w = app.window
            task = spawn(w.settings_flow(), name="settings-test")
            dlg = await until(lambda: w.settings_dialog, 5, "the settings dialog")
            assert (dlg.confirm_videos.value(), dlg.confirm_amount.value()) == (4, 20.0)
            assert dlg.confirm_before.text() == "Ask before more than" and dlg.confirm_after.text() == "in one go"
            dlg.confirm_videos.setFocus()
            qtbot.keyClick(dlg.confirm_videos, Qt.Key.Key_Down)                # 4 → 3
            qtbot.keyClick(dlg.confirm_videos, Qt.Key.Key_Down)                # 3 → 2
            dlg.confirm_amount.setValue(50.0)
            click(qtbot, dlg.buttons.button(QDialogButtonBox.StandardButton.Ok))
            assert await task is True
            assert (app.config.confirm_videos, app.config.confirm_amount) == (2, 50.0)
            app.config.confirm_in_sandbox = True
            tab = fill_t2v(qtbot, app)
            tab.count.setValue(3)                                              # more than two: asks
            await press_generate(qtbot, tab)
            box = await dialog(tab, "consentDialog")
            assert "3 videos" in box.text() and "more than 2 videos or ¥50.00" in box.informativeText()
            click(qtbot, button(box, "Cancel"))
            await settled(tab)
            assert creations(app) == 0
    run(go())
