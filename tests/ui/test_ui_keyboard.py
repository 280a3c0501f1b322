"""The form by keyboard and screen reader: Tab goes through the inputs as they are shown, then the settings
(model, function, parameters), the number of videos and Generate, with no invisible stops, also after a model
switch and after files arrive; every custom widget has an accessible name (and says what it takes)."""
from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from ui_helpers import choose_model, drop, dropped, open_app, until


async def tab_through(qtbot, start: QWidget, stop: QWidget, limit: int = 60) -> list[QWidget]:
    """Focus ``start`` and press Tab until ``stop`` has the focus: every widget that had it, in order."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    await until(lambda: QApplication.focusWidget() is start, 3, "the first control to take the focus")
    seen = [start]
    while seen[-1] is not stop and len(seen) < limit:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        await asyncio.sleep(0)
        seen.append(QApplication.focusWidget())
    return seen


def stops(zone) -> list[QWidget]:
    """An empty zone's Tab stops (Clear is off while it holds nothing)."""
    return [zone.browse_button, zone.paste_button, zone.link_edit]


async def settle(tab) -> None:
    """Let the form finish laying itself out (it sets the Tab order once the fields are in)."""
    await asyncio.sleep(0.05)


def assert_shown(seen: list[QWidget], tab) -> None:
    for w in seen:                      # no invisible stops: each one shown, inside this tab, with a size
        assert w.isVisible() and tab.isAncestorOf(w) and w.width() > 4 and w.height() > 4, w


def test_tab_goes_inputs_then_settings_then_count_and_generate(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            app.window.resize(1280, 860)
            app.window.activateWindow()
            t2v = app.tab("t2v")
            choose_model(qtbot, t2v.model_combo, "happyhorse-1.1-t2v")
            await settle(t2v)
            p = t2v.param_editors
            prompt = t2v.input_editors["prompt"].edit
            seen = await tab_through(qtbot, prompt, t2v.generate_button)
            assert seen == [prompt, t2v.model_combo, p["resolution"].combo, p["ratio"].combo, p["duration"].box,
                            p["watermark"].box, p["seed"].edit, p["seed"].dice, t2v.count, t2v.generate_button]
            assert_shown(seen, t2v)

            # first & last frame as drop zones (side by side), then the texts and the effect template
            kf = app.tab("kf2v")
            choose_model(qtbot, kf.model_combo, "wanx2.1-kf2v-plus")
            await settle(kf)
            ed, p = kf.input_editors, kf.param_editors
            first = ed["first_frame_url"].browse_button
            seen = await tab_through(qtbot, first, kf.generate_button)
            params = [w for ps in kf.spec.params_for(None) for w in p[ps.name].targets() if w.isEnabled()]
            assert len(params) >= 3         # (a choice of one is shown but not a stop)
            assert seen == [*stops(ed["first_frame_url"]), *stops(ed["last_frame_url"]), ed["prompt"].edit,
                            ed["negative_prompt"].edit, ed["template"].combo, kf.model_combo, *params,
                            kf.count, kf.generate_button]
            assert_shown(seen, kf)

            # a media list after a model switch: its zones in order, and the tiles' remove buttons and the
            # items' tag chips once files are in
            r2v = app.tab("r2v")
            choose_model(qtbot, r2v.model_combo, "happyhorse-1.1-r2v")
            media = r2v.input_editors["media"]
            zone = media.section("reference_image").zone
            drop(zone, [assets / "sky.jpg", assets / "sea.jpg"])
            await dropped(zone)
            await settle(r2v)
            removes = [v.remove_button for v in zone.item_views()]
            chips = [row.chip for row in media.section("reference_image").rows]
            assert len(removes) == 2 and len(chips) == 2
            seen = await tab_through(qtbot, removes[0], r2v.model_combo)
            assert seen == [*removes, zone.browse_button, zone.paste_button, zone.link_edit, zone.clear_button,
                            *chips, r2v.input_editors["prompt"].edit, r2v.model_combo]
            assert_shown(seen, r2v)
    run(go())


def test_custom_widgets_have_accessible_names(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            t2v = app.tab("t2v")
            choose_model(qtbot, t2v.model_combo, "wan2.2-t2v-plus")
            combo = t2v.model_combo
            assert combo.accessibleName() == "Model"
            assert combo.accessibleDescription() == combo.facts(combo.currentIndex()) != ""
            for i, spec in combo.entries():
                text = combo.itemData(i, Qt.ItemDataRole.AccessibleTextRole)
                assert combo.facts(i) in text and combo.itemText(i) in text, spec.name
            assert t2v.count.accessibleName() == "Number of videos"
            # the first run is at 480P here (this model has no 720P), and Generate says what a click costs
            await until(lambda: t2v.generate_button.accessibleName() == "Generate — ¥0.70", 3, "Generate's name")
            assert t2v.input_editors["prompt"].edit.accessibleName() == "Prompt"
            t2v.count.setValue(2)
            await until(lambda: t2v.generate_button.accessibleName() == "Generate 2 videos — ¥1.40", 3)

            choose_model(qtbot, t2v.model_combo, "wan3.0-video")
            ratio = t2v.param_editors["ratio"].combo
            said = {ratio.itemData(i, Qt.ItemDataRole.AccessibleTextRole) for i in range(ratio.count())}
            assert {"16:9 landscape", "4:3, landscape", "3:4, portrait", "1:1 square"} <= said   # shape said once
            assert "Adaptive, follows the input" in said

            kf = app.tab("kf2v")
            choose_model(qtbot, kf.model_combo, "wanx2.1-kf2v-plus")
            zone = kf.input_editors["first_frame_url"]
            assert zone.accessibleName() == "First frame"
            assert zone.accessibleDescription().startswith("Drop an image here (")
            assert "MB" in zone.accessibleDescription()
            assert zone.browse_button.accessibleName() == "First frame: choose a file"
            assert zone.link_edit.accessibleName() == "First frame: link"
            drop(zone, [assets / "first.png"])
            await dropped(zone)
            [view] = zone.item_views()
            assert view.accessibleName() == "first.png" and "640×360" in view.accessibleDescription()
            assert view.remove_button.accessibleName() == "Remove first.png"

            r2v = app.tab("r2v")
            choose_model(qtbot, r2v.model_combo, "happyhorse-1.1-r2v")
            sec = r2v.input_editors["media"].section("reference_image")
            drop(sec.zone, [assets / "cat.png"])
            await dropped(sec.zone)
            [row] = sec.rows
            assert row.accessibleName().endswith(": cat.png")
            assert row.chip.accessibleName().startswith("Insert ")
            assert [v.remove_button.accessibleName() for v in sec.zone.item_views()] == ["Remove cat.png"]
    run(go())
