"""The forms: only valid choices, problems flagged at the field in words, drops checked at once,
a batch from several photos, paste and links, a live estimate, remembered settings, languages."""
from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, Qt, QUrl
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_helpers import (
    choose,
    choose_model,
    click,
    drop,
    dropped,
    generate,
    open_app,
    type_into,
    until,
)

from bailian_video import catalog
from bailian_video.ui.form import FamilyTab


def test_every_tab_offers_only_the_catalogue_choices(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir, start=False) as app:
            w = app.window
            assert [w.tabs.tabText(i) for i in range(w.tabs.count())] == [
                "Text to video", "Image to video", "First && last frame", "Reference to video", "Edit a video",
                "VACE editing", "Style transform", "Move / replace a person", "AnimateAnyone", "Digital human", "EMO",
                "LivePortrait", "Emoji", "VideoRetalk"]
            for fam in catalog.FAMILY_ORDER:
                tab = app.tab(fam)
                # every model of the family, and the ones of other families that fit this tab too
                listed = [tab.model_combo.itemData(i) for i in range(tab.model_combo.count())]
                assert sorted(n for n in listed if n) == sorted(m.name for m in catalog.by_family(fam))
                for spec in catalog.by_family(fam):
                    choose_model(qtbot, tab.model_combo, spec.name)
                    assert tab.spec.name == spec.name
                    for fn in (spec.functions or [None]):
                        if fn:
                            tab.function_combo.setCurrentIndex(tab.function_combo.findData(fn))
                        shown = set(tab.input_rows)
                        assert shown == {x.name for x in spec.inputs_for(fn) if not x.from_detect}
                        for p in spec.params_for(fn):
                            ed = tab.param_editors[p.name]
                            if p.choices:
                                assert ed.values() == p.choice_values(), p.name
                                assert ed.combo.isEnabled() == (not p.fixed and len(p.choices) > 1)
            t2v = app.tab("t2v")
            choose(qtbot, t2v.model_combo, "Wan 2.1 Turbo")
            sizes = t2v.param_editors["size"].values()
            assert "1920*1080" not in sizes and "1280*720" in sizes and "832*480" in sizes
            choose(qtbot, t2v.model_combo, "Wan 2.6")
            dur = t2v.param_editors["duration"].box
            assert (dur.minimum(), dur.maximum()) == (2, 15)
            vace = app.tab("vace")
            choose(qtbot, vace.function_combo, "Video outpainting")
            for side in ("top_scale", "bottom_scale", "left_scale", "right_scale"):
                box = vace.param_editors[side].box
                assert (box.minimum(), box.maximum()) == (1.0, 2.0)
            choose(qtbot, vace.function_combo, "Local edit")
            assert [vace.param_editors["mask_type"].combo.itemText(i) for i in range(2)] == ["Tracking", "Fixed"]
    run(go())


def test_problems_are_flagged_at_the_field_before_submitting(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("t2v")
            choose_model(qtbot, tab.model_combo, "wan2.2-t2v-plus")
            recs = await generate(qtbot, tab)
            assert recs == []
            assert tab.field_error("prompt") == "Prompt is required."
            assert app.session.tasks() == []
            type_into(qtbot, tab, "prompt", "x" * 801)
            assert tab.field_error("prompt") == ""                   # cleared as soon as it changes
            counter = tab.input_editors["prompt"].counter
            assert counter.text() == "801 / 800" and counter.property("over") is True
            recs = await generate(qtbot, tab)
            assert recs == [] and "801 characters, over the 800 limit" in tab.field_error("prompt")
            i2v = app.tab("i2v")
            assert await generate(qtbot, i2v) == []                  # the default, HappyHorse 1.1: a media list
            assert i2v.field_error("media.first_frame") == "First frame is required."
            choose_model(qtbot, i2v.model_combo, "wan2.2-i2v-plus")
            assert await generate(qtbot, i2v) == []
            assert i2v.field_error("img_url") == "First frame is required."
            vace = app.tab("vace")
            choose(qtbot, vace.function_combo, "Video extension")
            type_into(qtbot, vace, "prompt", "and then")
            assert await generate(qtbot, vace) == []
            assert "Provide at least one of" in vace.field_error("first_clip_url")
    run(go())


def test_invalid_drops_are_refused_with_the_reason(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("i2v")
            choose_model(qtbot, tab.model_combo, "wan2.2-i2v-plus")
            zone, row = tab.input_editors["img_url"], tab.input_rows["img_url"]
            drop(zone, [assets / "voice.wav"])                           # wrong kind
            await dropped(zone)
            assert zone.value() is None
            assert row.error.text() == "voice.wav is an audio file, but “First frame” needs an image."
            drop(zone, [assets / "tiny.png"])                            # too small
            await dropped(zone)
            assert zone.value() is None
            assert "tiny.png was not used" in row.error.text() and "at least 240 px" in row.error.text()
            drop(zone, [assets / "notes.txt"])                           # not media at all
            await dropped(zone)
            assert zone.value() is None
            assert row.error.text() == "notes.txt is a text file, not an image, audio clip or video."   # said once
            drop(zone, [assets / "cat.png"])                             # good: taken, message cleared
            await dropped(zone)
            assert zone.value() == str(assets / "cat.png") and not row.error.isVisible()
            drop(zone, [assets / "tiny.png"])                            # a refused file keeps the good one
            await dropped(zone)
            assert zone.value() == str(assets / "cat.png") and "tiny.png" in row.error.text()
            # a drop carrying text that is neither a file nor a link
            words = QMimeData()
            words.setText("just some words")
            assert not drop(zone, mime=words)
            assert "Nothing usable was dropped" in row.error.text()
            # EMO: audio longer than allowed? use a video on the voice field instead
            emo = app.tab("emo")
            drop(emo.input_editors["audio_url"], [assets / "clip.mp4"])
            await dropped(emo.input_editors["audio_url"])
            assert "needs an audio file" in emo.input_rows["audio_url"].error.text()
            # style transform: a dropped image on the tab has no field to go to
            style = app.tab("style")
            drop(style, [assets / "cat.png"], at=style.blurb.geometry().center())
            await until(lambda: style.note.isVisible(), 5)
            assert "no field for images" in style.note.text()
    run(go())


def test_model_switch_rechecks_files_against_the_new_limits(qtbot, run, data_dir, tmp_path):
    import numpy as np
    from PIL import Image
    big = tmp_path / "big.png"                     # ~15 MB: fine for Wan 2.5 (20 MB), too big for Wan 2.2 (10 MB)
    Image.fromarray(np.random.default_rng(1).integers(0, 255, (2200, 2400, 3), dtype=np.uint8)).save(big)

    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("i2v")
            choose(qtbot, tab.model_combo, "Wan 2.5 Preview")
            zone = tab.input_editors["img_url"]
            drop(zone, [big])
            await dropped(zone)
            assert zone.value() == str(big) and zone.problems() == []
            choose(qtbot, tab.model_combo, "Wan 2.2 Plus")
            assert tab.input_editors["img_url"] is zone and zone.value() == str(big)   # kept, not re-probed
            assert "over the 10 MB limit" in " ".join(zone.problems())
            assert await generate(qtbot, tab) == []
            assert "over the 10 MB limit" in tab.field_error("img_url")
            choose(qtbot, tab.model_combo, "Wan 2.5 Preview")
            assert zone.problems() == []
    run(go())


def test_several_photos_on_image_to_video_become_a_batch(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("i2v")
            choose_model(qtbot, tab.model_combo, "wan2.2-i2v-plus")
            choose(qtbot, tab.param_editors["resolution"].combo, "480P")
            drop(tab.input_editors["img_url"], [assets / "sky.jpg", assets / "sea.jpg", assets / "hill.jpg"])
            box = await until(lambda: QApplication.activeModalWidget() or tab.findChild(QMessageBox, "batchDialog"),
                              5, "the batch question")
            assert "3 images" in box.text() and "Make one video from each" in box.text()
            yes = next(b for b in box.buttons() if b.text() == "Make 3 videos")
            click(qtbot, yes)
            zone = tab.input_editors["img_url"]
            await until(lambda: len(zone.items) == 3 and not zone.busy(), 20, "the batch to be checked")
            assert tab.generate_button.text() == "Generate 3 videos"
            await until(lambda: "× 3 videos" in tab.estimate.text(), 2, "the estimate for three")
            assert "¥2.10" in tab.estimate.text()                      # 3 × 5 s × ¥0.14/s (480P)
            recs = await generate(qtbot, tab)
            assert len(recs) == 3
            assert sorted(Path(r.request.inputs["img_url"]).name for r in recs) == ["hill.jpg", "sea.jpg", "sky.jpg"]
            assert len({r.batch for r in recs}) == 1
            done = await app.wait_done(recs)
            assert all(r.state.value == "done" for r in done)
            # declining keeps only the first photo
            drop(tab.input_editors["img_url"], [assets / "sky.jpg", assets / "sea.jpg"])
            box = await until(lambda: tab.findChild(QMessageBox, "batchDialog"), 5)
            click(qtbot, next(b for b in box.buttons() if b.text() == "Use only the first"))
            await until(lambda: not zone.busy() and len(zone.items) == 1 and zone.value().endswith("sky.jpg"), 10)
            assert tab.generate_button.text() == "Generate"
    run(go())


def test_paste_a_picture_a_file_and_a_link(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("i2v")
            choose_model(qtbot, tab.model_combo, "wan2.2-i2v-plus")
            zone = tab.input_editors["img_url"]
            clip = QGuiApplication.clipboard()
            img = QImage(str(assets / "cat.png"))
            clip.setImage(img)
            click(qtbot, zone.paste_button)
            await until(lambda: zone.value() and not zone.busy(), 10, "the pasted picture")
            assert Path(zone.value()).parent == data_dir / "pasted" and Path(zone.value()).suffix == ".png"
            mime = QMimeData()
            mime.setUrls([QUrl.fromLocalFile(str(assets / "sky.jpg"))])
            clip.setMimeData(mime)
            zone.setFocus()
            qtbot.keyClick(zone, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
            await until(lambda: zone.value() and zone.value().endswith("sky.jpg") and not zone.busy(), 10)
            zone.link_edit.setFocus()
            qtbot.keyClicks(zone.link_edit, "https://example.com/photo.jpg")
            qtbot.keyClick(zone.link_edit, Qt.Key.Key_Return)
            await until(lambda: zone.value() == "https://example.com/photo.jpg", 5)
            zone.link_edit.setFocus()
            qtbot.keyClicks(zone.link_edit, "https://example.com/song.mp3")
            qtbot.keyClick(zone.link_edit, Qt.Key.Key_Return)
            assert "is an audio file" in tab.input_rows["img_url"].error.text()
    run(go())


def test_live_estimate_follows_every_change(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("t2v")
            choose(qtbot, tab.model_combo, "Wan 2.2 Plus")
            choose(qtbot, tab.param_editors["size"].combo, "1920×1080")
            await until(lambda: "¥3.50" in tab.estimate.text(), 2)
            choose(qtbot, tab.param_editors["size"].combo, "832×480")
            await until(lambda: "¥0.70" in tab.estimate.text(), 2)
            tab.count.setValue(2)
            await until(lambda: "¥1.40" in tab.estimate.text() and "× 2 videos" in tab.estimate.text(), 2)
            assert tab.generate_button.text() == "Generate 2 videos"
            assert "50 s free" in tab.price.text()
            choose(qtbot, tab.model_combo, "HappyHorse 1.1")
            assert tab.price.text().startswith("≈")               # an estimated price is marked
            emo = app.tab("emo")
            assert "depends on the length of “Voice”" in emo.estimate.text()
            drop(emo.input_editors["audio_url"], [assets / "voice.wav"])
            await dropped(emo.input_editors["audio_url"])
            await until(lambda: "¥0.28" in emo.estimate.text(), 2)            # 3.5 s × ¥0.08 (1:1) + the photo check
            emoji = app.tab("emoji")
            assert "guess" in emoji.estimate.text()
    run(go())


def test_each_tab_remembers_its_settings(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("t2v")
            choose(qtbot, tab.model_combo, "Wan 2.1 Turbo")
            choose(qtbot, tab.param_editors["size"].combo, "832×480")
            type_into(qtbot, tab, "prompt", "remember me")
            app.window.tabs.setCurrentWidget(app.tab("emoji"))
            choose(qtbot, app.tab("emoji").input_editors["driven_id"].combo, "Classic · cheeky")
        async with open_app(data_dir) as app:
            assert app.window.current_tab().family.value == "emoji"
            assert app.tab("emoji").input_editors["driven_id"].value() == "jingdian_tiaopi"
            tab = app.tab("t2v")
            assert tab.spec.name == "wanx2.1-t2v-turbo"
            assert tab.param_editors["size"].value() == "832*480"
            assert tab.input_editors["prompt"].value() == "remember me"
    run(go())


def test_switching_language_at_run_time(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            w = app.window
            tab = app.tab("t2v")
            assert w.tabs.tabText(0) == "Text to video" and tab.generate_button.text() == "Generate"
            w.lang_actions["zh"].trigger()
            await asyncio.sleep(0)
            assert [w.tabs.tabText(i) for i in range(w.tabs.count())] == [
                "文生视频", "图生视频", "首尾帧", "参考生视频", "视频编辑", "通用编辑 VACE", "风格重绘", "动作迁移 / 角色替换", "舞动人像",
                "数字人", "悦动人像", "灵动人像", "表情包", "声动人像"]
            assert tab.generate_button.text() == "生成"
            assert tab.model_combo.currentText() == "HappyHorse 1.1 文生视频（有声） · 新"
            assert tab.input_rows["prompt"].title.text() == "提示词 *"
            assert w.queue.windowTitle() == "任务队列"
            assert app.config.language == "zh"
            # A tab not made yet when the language changes (tabs are made once the backend is up, or when
            # opened) takes no harm from the change and speaks the new language when it is made.
            late = FamilyTab(w.family_tabs["emoji"].family, app.session, app.config)
            assert not late.built
            QApplication.sendEvent(late, QEvent(QEvent.Type.LanguageChange))
            late.ensure_built()
            assert late.generate_button.text() == "生成" and late.inputs_title.text() == "输入"
            late.deleteLater()
            w.lang_actions["en"].trigger()
            await asyncio.sleep(0)
            assert w.tabs.tabText(0) == "Text to video" and tab.model_combo.currentText() == "HappyHorse 1.1 text to video (with sound) · new"
    run(go())


def test_ctrl_enter_generates_from_the_prompt(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("t2v")
            choose_model(qtbot, tab.model_combo, "wan2.2-t2v-plus")
            tab.param_editors["size"].set_value("832*480")
            type_into(qtbot, tab, "prompt", "made with the keyboard")
            got = []
            tab.submitted.connect(got.extend)
            qtbot.keyClick(tab.input_editors["prompt"].edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            await until(lambda: got, 10, "Ctrl+Enter to submit")
            assert got[0].prompt == "made with the keyboard"
            assert tab.input_editors["prompt"].value() == "made with the keyboard"     # no newline typed
    run(go())


def test_window_layout_is_remembered(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir, start=False) as app:
            w = app.window
            w.resize(760, 640)
            w.act_queue.trigger()                      # View → Queue: hide the dock
            await asyncio.sleep(0.05)
            assert not w.queue.isVisible()
            size = (w.width(), w.height())
        async with open_app(data_dir, start=False) as app:
            w = app.window
            assert (w.width(), w.height()) == size
            assert not w.queue.isVisible()
            w.act_queue.trigger()
            assert w.queue.isVisible()
    run(go())


def test_an_optional_effect_template_starts_unset_and_is_not_sent(qtbot, run, data_dir):
    """Effect templates are a list now; nobody gets an effect they did not pick."""
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("i2v")
            choose(qtbot, tab.model_combo, "Wan 2.1 Turbo")
            combo = tab.input_editors["template"]
            assert combo.value() is None
            assert "template" not in tab.build_request().inputs
            choose(qtbot, combo.combo, "Squish")
            assert tab.build_request().inputs["template"] == "squish"
    run(go())


def test_every_resolution_choice_shows_its_price_and_the_first_use_is_cheap(qtbot, run, data_dir):
    """Each choice that sets the price ("720P — ¥0.60/s") on every model that prices by it, from the table the
    sound switch picks; a model's first use at 720P (480P where it has none); the person's choice carried on."""
    from bailian_video.catalog import makers

    async def go():
        async with open_app(data_dir) as app:
            # a choice the person makes is carried to a model used for the first time; each model remembers its own
            i2v = app.tab("i2v")
            choose_model(qtbot, i2v.model_combo, "wan2.6-i2v-flash")
            assert i2v.param_editors["resolution"].value() == "720P"
            choose(qtbot, i2v.param_editors["resolution"].combo, "1080P")
            choose_model(qtbot, i2v.model_combo, "wan2.5-i2v-preview")
            assert i2v.param_editors["resolution"].value() == "1080P"
            choose(qtbot, i2v.param_editors["resolution"].combo, "480P")
            choose_model(qtbot, i2v.model_combo, "wan2.6-i2v-flash")
            assert i2v.param_editors["resolution"].value() == "1080P"
        async with open_app(data_dir / "fresh") as app:
            checked = 0
            for fam in catalog.FAMILY_ORDER:
                tab = app.tab(fam)
                for spec in catalog.by_family(fam):
                    if not spec.available_in(app.session.region):
                        continue
                    choose_model(qtbot, tab.model_combo, spec.name)
                    price = spec.price_in(app.session.region)
                    for ps in spec.params_for(tab.function):
                        tiers = dict(makers.choice_tiers(spec, ps))
                        if not tiers or len(price.by_tier) < 2:
                            continue
                        ed = tab.param_editors[ps.name]
                        for v in ed.values():
                            text = ed.combo.itemText(ed.values().index(v) + (1 if ed.optional else 0))
                            assert text.endswith("/s") and "¥" in text, (spec.name, text)
                        checked += 1
                        chosen = tiers[str(ed.value())] if str(ed.value()) in tiers else tiers.get(ed.value())
                        have = set(tiers.values())
                        first = "720P" if "720P" in have else "480P" if "480P" in have else None
                        if first is not None:
                            assert chosen == first, (spec.name, chosen)
            assert checked > 40
            # 480P where there is no 720P, its price in the estimate
            t2v = app.tab("t2v")
            choose_model(qtbot, t2v.model_combo, "wan2.2-t2v-plus")
            assert t2v.param_editors["size"].value() == "832*480"
            await until(lambda: "¥0.70</b> (5 s × ¥0.14/s 480P)" in t2v.estimate.text(), 3, "the 480P estimate")
            # the sound switch picks another price table: the choices follow it
            i2v = app.tab("i2v")
            choose_model(qtbot, i2v.model_combo, "wan2.6-i2v-flash")
            res = i2v.param_editors["resolution"].combo
            assert i2v.param_editors["audio"].box.isChecked()
            assert [res.itemText(i) for i in range(res.count())] == ["720P — ¥0.30/s", "1080P — ¥0.50/s"]
            i2v.param_editors["audio"].box.click()
            assert [res.itemText(i) for i in range(res.count())] == ["720P — ¥0.15/s", "1080P — ¥0.25/s"]
    run(go())


def test_generate_scrolls_to_the_first_field_in_error_and_focuses_it(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            app.window.resize(1024, 700)
            tab = app.tab("r2v")
            choose_model(qtbot, tab.model_combo, "wan2.6-r2v")
            await asyncio.sleep(0.05)
            bar = tab.scroll_area.verticalScrollBar()
            bar.setValue(bar.maximum())
            assert await generate(qtbot, tab) == []
            # the first field in error as the form shows them: the references (the prompt, also missing, is
            # further down)
            assert tab.field_error("prompt") == "Prompt is required."
            row = tab.input_rows["reference_urls"]
            zone = tab.input_editors["reference_urls"]
            assert row.error.text()
            await until(lambda: QApplication.focusWidget() is zone.browse_button, 3, "the focus at the first field")
            assert zone.browse_button.accessibleDescription().startswith(row.error.text())
            top = row.mapTo(tab.scroll_area.widget(), row.rect().topLeft()).y()
            assert bar.value() <= top
            assert tab.note.text() == "Please fix the fields marked in red."
            # the prompt: its message right under the box, told to screen readers with the field's help
            t2v = app.tab("t2v")
            choose_model(qtbot, t2v.model_combo, "wan2.2-t2v-plus")
            assert await generate(qtbot, t2v) == []
            edit = t2v.input_editors["prompt"].edit
            await until(lambda: QApplication.focusWidget() is edit, 3, "the focus in the prompt")
            assert edit.accessibleName() == "Prompt"
            assert edit.accessibleDescription().startswith("Prompt is required.")
            type_into(qtbot, t2v, "prompt", "now fine")
            assert not edit.accessibleDescription().startswith("Prompt is required.")
            # every editor kind, on every tab: the message line sits right under the editor
            for fam in catalog.FAMILY_ORDER:
                t = app.tab(fam)
                for r in [*t.input_rows.values(), *t.param_rows.values()]:
                    lay = r.layout()
                    assert lay.indexOf(r.error) == lay.indexOf(r.editor_widget) + 1, (fam.value, r.name)
                for med in t.media_editors():
                    for sec in med.shown():
                        lay = sec.layout()
                        assert lay.indexOf(sec.error) == lay.count() - 1, (fam.value, sec.mt.type)
    run(go())


def test_the_last_note_follows_a_language_switch(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            w = app.window
            tab = app.tab("t2v")
            choose_model(qtbot, tab.model_combo, "wan2.2-t2v-plus")
            type_into(qtbot, tab, "prompt", "a fox in snow")
            assert len(await generate(qtbot, tab)) == 1
            assert tab.note.text().startswith("Added 1 task")
            w.lang_actions["zh"].trigger()
            await asyncio.sleep(0)
            assert tab.note.text() == "已将 1 个任务加入队列。"
            w.lang_actions["en"].trigger()
            await asyncio.sleep(0)
            assert tab.note.text().startswith("Added 1 task")
            # a refusal, too
            tab.input_editors["prompt"].set_value("")
            assert await generate(qtbot, tab) == []
            w.lang_actions["zh"].trigger()
            await asyncio.sleep(0)
            assert tab.note.text() == "请修改标红的项目。"
    run(go())
