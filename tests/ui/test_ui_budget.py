"""The budget in the real window, against the built-in sandbox: a daily limit set in Settings holds a click that
would go past it (Don't submit / Raise the limit / Submit anyway, every "nothing was paid" counted on the
sandbox), a batch is held as a whole, the first paid video offers a limit once, the status bar's spend badge
follows the tasks, and the spending CSV is written where the person says (or they are told why not)."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLineEdit, QMessageBox, QWidget
from ui_helpers import choose, choose_model, click, drop, generate, open_app, open_settings, type_into, until

from bailian_video.engine import State, budget
from bailian_video.engine.store import TaskStore
from bailian_video.ui import budget_ui
from bailian_video.ui.budget_ui import SpendBadge
from bailian_video.ui.util import spawn
from conftest import QT_NOISE

PROMPT = "a lighthouse at dusk"


def creations(app: Any) -> int:
    return app.session.ctx.sandbox.creations()


def fill_t2v(qtbot: Any, app: Any) -> Any:
    tab = app.tab("t2v")
    choose(qtbot, tab.model_combo, "Wan 2.2 Plus")
    choose(qtbot, tab.param_editors["size"].combo, "832×480")         # ¥0.14/s × 5 s = ¥0.70 a video
    tab.input_editors["prompt"].set_value("")
    type_into(qtbot, tab, "prompt", PROMPT)
    return tab


def window_named(name: str) -> QWidget | None:
    """A dialog on screen, found as a person sees it: the active modal window or any visible top-level one."""
    active = QApplication.activeModalWidget()
    if active is not None and active.objectName() == name:
        return active
    return next((w for w in QApplication.topLevelWidgets() if w.objectName() == name and w.isVisible()), None)


async def shown(name: str) -> Any:
    return await until(lambda: window_named(name), 10, f"the {name} window")


def button(box: QMessageBox, text: str) -> Any:
    found = [b for b in box.buttons() if text in b.text()]
    assert found, f"{text!r} is not among {[b.text() for b in box.buttons()]}"
    return found[0]


async def press_generate(qtbot: Any, tab: Any) -> list[Any]:
    got: list[Any] = []
    tab.submitted.connect(got.extend)
    click(qtbot, tab.generate_button)
    return got


async def settled(tab: Any) -> None:
    await until(lambda: not tab._busy, 30, "the form to finish")


def type_amount(qtbot: Any, spin: Any, text: str) -> None:
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Tab)


def test_a_click_over_the_daily_limit_is_held_until_the_person_decides(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            store = app.session.engine.store
            task, dlg = await open_settings(app)
            assert "Limits for the built-in sandbox" in dlg.limits_for.text()
            assert dlg.daily_limit.text() == "Off" and dlg.monthly_limit.text() == "Off"      # off by default
            type_amount(qtbot, dlg.daily_limit, "1")
            click(qtbot, dlg.buttons.button(QDialogButtonBox.StandardButton.Ok))
            assert await task is True
            assert budget.get_limits(store) == budget.Limits(1.0, None)

            tab = fill_t2v(qtbot, app)
            tab.count.setValue(2)                                               # ¥1.40: over ¥1.00
            got = await press_generate(qtbot, tab)
            box = await shown("budgetHold")
            assert "¥1.40" in box.text() and "¥1.00" in box.text()
            info = box.informativeText()
            assert "This click: about ¥1.40." in info and "Today: ¥0.00 spent, daily limit ¥1." in info
            assert "This month: ¥0.00 spent, no monthly limit." in info
            assert box.defaultButton() is button(box, "Don't submit")
            assert {b.text() for b in box.buttons()} == {"Raise the limit to ¥2", "Submit anyway, just this once",
                                                         "Don't submit"}
            click(qtbot, button(box, "Don't submit"))
            await settled(tab)
            assert got == [] and app.session.tasks() == [] and creations(app) == 0
            assert tab.note.text() == "Nothing was queued."

            # raise the limit: to the smallest whole yuan that lets it through, and the click goes ahead
            got = await press_generate(qtbot, tab)
            click(qtbot, button(await shown("budgetHold"), "Raise the limit to ¥2"))
            await settled(tab)
            assert len(got) == 2 and budget.get_limits(store).daily == 2.0
            await app.wait_done(got)
            assert creations(app) == 2

            # submit anyway: ¥1.40 + ¥0.70 is over ¥2; this once, and the limit stays
            tab.count.setValue(1)
            got = await press_generate(qtbot, tab)
            box = await shown("budgetHold")
            assert "Today: ¥1.40 spent, daily limit ¥2." in box.informativeText()
            click(qtbot, button(box, "Submit anyway"))
            await settled(tab)
            assert len(got) == 1 and budget.get_limits(store).daily == 2.0
            await app.wait_done(got)
            assert creations(app) == 3 and budget.spend(store).today == 2.1

            # Settings shows what was spent, and "Off" removes the limit
            task, dlg = await open_settings(app)
            assert dlg.daily_limit.value() == 2.0 and "Spent so far: ¥2.10 today" in dlg.limits_note.text()
            type_amount(qtbot, dlg.daily_limit, "0")
            assert dlg.daily_limit.text() == "Off"
            click(qtbot, dlg.buttons.button(QDialogButtonBox.StandardButton.Ok))
            assert await task is True and budget.get_limits(store) == budget.Limits(None, None)
    run(go())


def test_a_limit_set_elsewhere_meanwhile_holds_the_click_too(qtbot, run, data_dir):
    """Another process (the CLI) sets a limit while the person is deciding about a repeat: the engine refuses,
    and the window asks the same question instead of failing."""
    async def go():
        async with open_app(data_dir) as app:
            store = app.session.engine.store
            tab = fill_t2v(qtbot, app)
            tab.param_editors["seed"].set_value(777)
            [first] = await app.wait_done(await generate(qtbot, tab))
            got = await press_generate(qtbot, tab)                      # the same seed: "already made"
            dup = await until(lambda: tab.findChild(QMessageBox, "duplicateDialog"), 10, "the repeat question")
            budget.set_limits(store, 1.0, None)                         # ¥0.70 spent, ¥0.70 more is over ¥1
            click(qtbot, button(dup, "Make it again anyway"))
            box = await shown("budgetHold")
            assert "¥0.70" in box.text() and "Today: ¥0.70 spent, daily limit ¥1." in box.informativeText()
            click(qtbot, button(box, "Don't submit"))
            await settled(tab)
            assert got == [] and len(app.session.tasks()) == 1 and creations(app) == 1
            assert tab.note.text() == "Nothing was queued."
            # now the limit is known before the click: held first, and "submit anyway" carries through the repeat
            got = await press_generate(qtbot, tab)
            click(qtbot, button(await shown("budgetHold"), "Submit anyway"))
            dup = await until(lambda: tab.findChild(QMessageBox, "duplicateDialog"), 10, "the repeat question")
            click(qtbot, button(dup, "Make it again anyway"))
            await settled(tab)
            assert len(got) == 1 and got[0].request.params["seed"] == first.request.params["seed"]
            assert budget.get_limits(store).daily == 1.0
            await app.wait_done(got)
            assert creations(app) == 2
    run(go())


def test_a_batch_shows_its_total_and_is_held_as_a_whole(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            store = app.session.engine.store
            budget.set_limits(store, None, 3.0)
            tab = app.tab("i2v")
            choose_model(qtbot, tab.model_combo, "wan2.2-i2v-plus")
            choose(qtbot, tab.param_editors["resolution"].combo, "480P")
            drop(tab.input_editors["img_url"], [assets / "sky.jpg", assets / "sea.jpg", assets / "hill.jpg"])
            ask = await until(lambda: tab.findChild(QMessageBox, "batchDialog"), 5, "the batch question")
            click(qtbot, button(ask, "Make 3 videos"))
            zone = tab.input_editors["img_url"]
            await until(lambda: len(zone.items) == 3 and not zone.busy(), 20, "the batch to be checked")
            tab.count.setValue(2)
            assert tab.generate_button.text() == "Generate 6 videos"                 # 3 photos × 2
            await until(lambda: "× 6 videos" in tab.estimate.text(), 2, "the estimate for six")
            assert "¥4.20" in tab.estimate.text()                                   # 6 × 5 s × ¥0.14/s
            got = await press_generate(qtbot, tab)
            box = await shown("budgetHold")
            assert "¥4.20" in box.text() and "monthly" in box.text()                  # the whole click, once
            click(qtbot, button(box, "Don't submit"))
            await settled(tab)
            assert got == [] and creations(app) == 0
            got = await press_generate(qtbot, tab)
            click(qtbot, button(await shown("budgetHold"), "Raise the limit to ¥5"))
            await settled(tab)
            assert len(got) == 6 and len({r.batch for r in got}) == 1
            assert budget.get_limits(store) == budget.Limits(None, 5.0)
            await app.wait_done(got)
            assert creations(app) == 6
    run(go())


def test_the_spend_badge_follows_the_tasks_and_the_limits(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            w = app.window
            badge = SpendBadge(app.session, w)          # as the window puts it in its status bar
            w.statusBar().addPermanentWidget(badge)
            await until(lambda: badge.isVisible(), 5, "the badge")
            assert badge.text() == "Today ¥0.00 · This month ¥0.00" and badge.level == ""
            tab = fill_t2v(qtbot, app)
            await until(lambda: "¥0.70" in tab.estimate.text(), 5, "the estimate")
            assert "Free quota left: 50 of 50 s." in tab.estimate.text()     # next to the estimate
            [rec] = await generate(qtbot, tab)
            await until(lambda: badge.text() == "Today ¥0.70 · This month ¥0.70", 5, "the badge to count the task")
            [rec] = await app.wait_done([rec])
            assert rec.state == State.DONE
            await app.session.refresh_totals()
            tip = badge.tooltip_html()
            assert "Spending in the sandbox" in tip and "Wan 2.2 Plus" in tip and "¥0.70" in tip
            left = app.session.free_left("wan2.2-t2v-plus")
            assert left is not None and f"free quota left: {left:g} of 50 s" in tip
            await until(lambda: f"Free quota left: {left:g} of 50 s." in tab.estimate.text(), 5, "the estimate")

            # a limit: after a slash; amber from 80 %, red once reached
            budget.set_limits(store := app.session.engine.store, 0.8, 10.0)
            await app.session.refresh_totals()
            await until(lambda: badge.text() == "Today ¥0.70 / ¥0.80 · This month ¥0.70 / ¥10", 5, "the limits")
            assert badge.level == "warning" and badge.property("level") == "warning"
            budget.set_limits(store, 0.7, None)
            await app.session.refresh_totals()
            await until(lambda: badge.level == "over", 5, "red at the limit")
            assert badge.text() == "Today ¥0.70 / ¥0.70 · This month ¥0.70"

            # a click asks for the Spending settings; Settings opens there with the focus on the daily limit
            with qtbot.waitSignal(badge.clicked, timeout=2000):
                click(qtbot, badge)
            task, dlg = await open_settings(app)
            dlg.show_section("spending")
            await until(lambda: dlg.daily_limit.hasFocus(), 5, "the daily limit to take the focus")
            assert not dlg.daily_limit.visibleRegion().isEmpty()
            dlg.reject()
            assert await task is False
    run(go())


def test_the_limit_suggestion_sets_limits_or_not_and_is_offered_once(qtbot, run, tmp_path):
    """The dialog and the store only (the sandbox is free: a store of the paid service stands in)."""
    sandbox = TaskStore(tmp_path / "sandbox.db", backend="sandbox")
    paid = TaskStore(tmp_path / "paid.db", backend="service")
    other = TaskStore(tmp_path / "paid2.db", backend="service")

    async def go():
        assert budget_ui.should_suggest(paid) and not budget_ui.should_suggest(sandbox)
        job = spawn(budget_ui.suggest_limits(None, paid), name="suggest-test")
        dlg = await shown("budgetSuggest")
        assert dlg.windowTitle() == "Set a spending limit?"
        assert (dlg.daily.text(), dlg.monthly.text()) == ("¥50.00", "¥500.00")
        assert dlg.set_button.isDefault() and dlg.later_button.text() == "Not now"
        click(qtbot, dlg.set_button)
        assert await job == budget.Limits(50.0, 500.0) == budget.get_limits(paid)
        assert budget.suggested(paid) and not budget_ui.should_suggest(paid)

        job = spawn(budget_ui.suggest_limits(None, other), name="suggest-test")
        click(qtbot, (await shown("budgetSuggest")).later_button)
        assert await job is None and not budget.get_limits(other).any
        assert budget.suggested(other) and not budget_ui.should_suggest(other)      # asked once, either way

        budget.set_limits(sandbox, 10, None)       # a store with a limit already is never asked
        fresh = TaskStore(tmp_path / "paid3.db", backend="service")
        budget.set_limits(fresh, None, 100)
        assert not budget_ui.should_suggest(fresh)
        fresh.close()
    try:
        run(go())
    finally:
        for st in (sandbox, paid, other):
            st.close()


def test_the_first_paid_video_asks_for_a_limit_and_then_is_checked_against_it(
        qtbot, run, data_dir, memory_keyring, service):
    """The app on the paid service (a sandbox stands in for Model Studio): the first Generate offers limits; the
    click then goes on, and is held by the limit just set. Once offered, never again."""
    from bailian_video import keys
    from bailian_video.ui.config import UiConfig

    memory_keyring.set_password(keys.SERVICE, keys.USERNAME, "sk-test-budget")
    cfg = UiConfig(data_dir)
    cfg.backend = "service"
    cfg.sync()

    async def go():
        async with open_app(data_dir, sandbox=False) as app:
            assert not app.session.is_sandbox
            store = app.session.engine.store
            assert budget_ui.should_suggest(store)
            tab = fill_t2v(qtbot, app)
            tab.count.setValue(2)                                                  # ¥1.40
            got = await press_generate(qtbot, tab)
            dlg = await shown("budgetSuggest")
            assert "first video on the paid service" in dlg.text.text()
            assert (dlg.daily.value(), dlg.monthly.value()) == (50.0, 500.0)
            type_amount(qtbot, dlg.daily, "1")
            click(qtbot, dlg.set_button)
            box = await shown("budgetHold")                                       # checked against the new limit
            assert "¥1.40" in box.text() and "limits of the paid service" in box.informativeText()
            click(qtbot, button(box, "Don't submit"))
            await settled(tab)
            assert got == [] and service.creations() == 0
            assert budget.get_limits(store) == budget.Limits(1.0, 500.0) and budget.suggested(store)

            # never offered again: with the limit off, the click goes straight through
            budget.set_limits(store, None, None)
            tab.count.setValue(1)
            got = await generate(qtbot, tab)
            assert len(got) == 1 and window_named("budgetSuggest") is None
            await app.wait_done(got, timeout=60)
            assert service.creations() == 1

        # "Not now" marks it offered as well, and the click goes on
        async with open_app(data_dir, sandbox=False) as app:
            store = app.session.engine.store
            store.kv_set("budget/suggested", False)
            tab = fill_t2v(qtbot, app)
            got = await press_generate(qtbot, tab)
            dlg = await shown("budgetSuggest")
            click(qtbot, dlg.later_button)
            await settled(tab)
            assert len(got) == 1 and budget.suggested(store) and not budget.get_limits(store).any
            await app.wait_done(got, timeout=60)
    run(go())


def save_as(qtbot: Any, dlg: QFileDialog, path: Path | str) -> None:
    """Type a file name into the save dialog and press Enter, as a person does."""
    edit = dlg.findChild(QLineEdit, "fileNameEdit")
    assert edit is not None
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, str(path))
    qtbot.keyClick(edit, Qt.Key.Key_Return)


# Typing a path into the file dialog opens its completer's popup, which the offscreen platform cannot raise or
# give the keyboard: harmless there, and only there.
@pytest.mark.qt_log_ignore(*QT_NOISE, r"This plugin does not support (grabbing the keyboard|raise\(\))")
def test_spending_exports_as_csv_and_an_unwritable_place_is_explained(qtbot, run, data_dir, tmp_path):
    async def go():
        async with open_app(data_dir) as app:
            tab = fill_t2v(qtbot, app)
            tab.count.setValue(2)
            got = await app.wait_done(await generate(qtbot, tab))
            store = app.session.engine.store
            w = app.window
            job = spawn(budget_ui.export_spending_csv(w, store, app.out_dir, w.say), name="csv-test")
            dlg = await shown("spendingCsvDialog")
            today = dt.date.today().strftime("%Y-%m-%d")
            edit = dlg.findChild(QLineEdit, "fileNameEdit")
            assert edit.text() == f"spending-{today}.csv"
            assert Path(dlg.directory().absolutePath()) == app.out_dir.resolve()
            # a place that cannot be written: said in plain words, and the person chooses again
            blocker = tmp_path / "notes.txt"
            blocker.write_text("a file, not a folder", encoding="utf-8")
            save_as(qtbot, dlg, blocker / "spending.csv")
            err = await shown("spendingCsvError")
            assert "could not be written" in err.text() and "Not a directory" in err.text()
            assert "Nothing is lost" in err.informativeText()
            click(qtbot, button(err, "Choose another place"))
            dlg = await until(lambda: window_named("spendingCsvDialog") not in (None, dlg) and
                              window_named("spendingCsvDialog"), 10, "the save dialog again")
            out = tmp_path / "money.csv"
            save_as(qtbot, dlg, out)
            assert await job == 2
            with open(out, encoding="utf-8-sig", newline="") as f:
                rows = list(csv.DictReader(f))
            assert list(rows[0]) == list(budget.CSV_COLUMNS)
            assert [r["task_id"] for r in rows] == [r.task_id for r in got]
            assert {r["model"] for r in rows} == {"wan2.2-t2v-plus"} and {r["seconds"] for r in rows} == {"5"}
            assert {r["date"][:10] for r in rows} == {today} and {r["actual"] for r in rows} == {"0.7000"}
            assert w.statusBar().currentMessage() == f"Saved 2 rows to {out}"
    run(go())
