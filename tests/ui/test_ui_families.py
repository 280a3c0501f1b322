"""For every family: fill the form as a person would, click Generate, wait for the queue row to finish,
and find the MP4 in the chosen folder. The real window, a real qasync loop, the embedded sandbox."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from ui_helpers import choose, choose_model, drop, dropped, generate, mp4s, open_app, type_into, until

from bailian_video.engine import State
from bailian_video.media.probe import probe


async def finish(app, qtbot, tab, expect: int = 1):
    recs = await generate(qtbot, tab)
    errors = {n: tab.field_error(n) for n in [*tab.input_rows, *tab.param_rows] if tab.field_error(n)}
    assert len(recs) == expect, (tab.note.text(), errors)
    done = await app.wait_done(recs)
    for rec in done:
        assert rec.state == State.DONE, (rec.error_code, rec.error_message)
        out = Path(rec.output_path)
        assert out.parent == app.out_dir and out.is_file()
        assert probe(out).kind == "video"
        model = app.window.queue.model
        row = model.row_of(rec.id)
        assert row >= 0 and model.status_text(rec) == "Done"
    assert len(mp4s(app.out_dir)) >= expect
    return done


def test_text_to_video(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("t2v")
            choose(qtbot, tab.model_combo, "Wan 2.2 Plus")
            type_into(qtbot, tab, "prompt", "A kitten runs under the moon")
            choose(qtbot, tab.param_editors["size"].combo, "832×480")
            await until(lambda: "¥0.70" in tab.estimate.text(), 2, "the estimate")   # 5 s × ¥0.14/s at 480P
            [rec] = await finish(app, qtbot, tab)
            info = probe(rec.output_path)
            assert (info.width, info.height) == (832, 480)
            assert rec.request.prompt == "A kitten runs under the moon"
    run(go())


def test_image_to_video_from_a_dropped_photo(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("i2v")
            choose_model(qtbot, tab.model_combo, "wan2.2-i2v-plus")
            zone = tab.input_editors["img_url"]
            assert drop(zone, [assets / "cat.png"])
            await dropped(zone)
            assert zone.value() == str(assets / "cat.png")
            assert zone.items[0].preview.image is not None          # a thumbnail was made
            type_into(qtbot, tab, "prompt", "The cat looks up and blinks")
            choose(qtbot, tab.param_editors["resolution"].combo, "480P")
            [rec] = await finish(app, qtbot, tab)
            assert rec.request.inputs["img_url"] == str(assets / "cat.png")
    run(go())


def test_first_and_last_frame_dropped_anywhere_on_the_tab(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("kf2v")
            choose_model(qtbot, tab.model_combo, "wan2.2-kf2v-flash")
            # both frames dropped on the tab itself (not on a field): routed in order
            assert drop(tab, [assets / "first.png", assets / "last.png"], at=tab.blurb.geometry().center())
            first, last = tab.input_editors["first_frame_url"], tab.input_editors["last_frame_url"]
            await until(lambda: first.value() and last.value(), 20, "both frames to be taken")
            assert Path(first.value()).name == "first.png" and Path(last.value()).name == "last.png"
            type_into(qtbot, tab, "prompt", "Day turns into night")
            choose(qtbot, tab.param_editors["resolution"].combo, "480P")
            await finish(app, qtbot, tab)
    run(go())


def test_video_editing_repainting_and_multi_image_reference(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("vace")
            choose(qtbot, tab.function_combo, "Video repainting")
            zone = tab.input_editors["video_url"]
            drop(zone, [assets / "clip.mp4"])
            await dropped(zone)
            assert zone.duration() and abs(zone.duration() - 2.0) < 0.2
            type_into(qtbot, tab, "prompt", "Repaint it as a watercolour")
            choose(qtbot, tab.param_editors["control_condition"].combo, "Body pose")
            [rec] = await finish(app, qtbot, tab)
            assert rec.request.function == "video_repainting"
            assert rec.request.params["control_condition"] == "posebody"

            choose(qtbot, tab.function_combo, "Multi-image reference")
            refs = tab.input_editors["ref_images_url"]
            drop(refs, [assets / "sky.jpg", assets / "hill.jpg"])
            await dropped(refs)
            assert len(refs.items) == 2
            uses = tab.param_editors["obj_or_bg"]
            assert len(uses.combos) == 2
            choose(qtbot, uses.combos[1], "Background")
            type_into(qtbot, tab, "prompt", "A kite over the hill")
            [rec2] = await finish(app, qtbot, tab)
            assert rec2.request.params["obj_or_bg"] == ["obj", "bg"]
    run(go())


def test_style_transform(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("style")
            assert tab.model_combo.count() == 1
            styles = tab.param_editors["style"].combo
            assert styles.count() == 8
            zone = tab.input_editors["video_url"]
            drop(zone, [assets / "clip.mp4"])
            await dropped(zone)
            choose(qtbot, styles, "Paper art")
            choose(qtbot, tab.param_editors["min_len"].combo, "540")
            await until(lambda: "¥0.50" in tab.estimate.text(), 2, "the estimate")   # 2 s × ¥0.25/s (540)
            [rec] = await finish(app, qtbot, tab)
            assert rec.request.params["style"] == 5
    run(go())


def test_animate_anyone_photo_and_dance_video(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("animate_anyone")
            assert drop(tab, [assets / "person.png", assets / "dance.mp4"], at=tab.blurb.geometry().center())
            img, vid = tab.input_editors["image_url"], tab.input_editors["video_url"]
            await until(lambda: img.value() and vid.value(), 20, "the photo and the video to be taken")
            check = tab.param_editors["use_ref_img_bg"].box
            qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))
            assert check.isChecked()
            [rec] = await finish(app, qtbot, tab)
            assert rec.request.params["use_ref_img_bg"] is True
    run(go())


def test_emo_photo_and_voice(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("emo")
            assert "face_bbox" not in tab.input_rows and "ext_bbox" not in tab.input_rows   # detect fills them
            drop(tab.input_editors["image_url"], [assets / "face.png"])
            drop(tab.input_editors["audio_url"], [assets / "voice.wav"])
            await dropped(tab.input_editors["image_url"])
            await dropped(tab.input_editors["audio_url"])
            audio = tab.input_editors["audio_url"].items[0]
            assert audio.preview.waveform and abs(audio.info.duration - 3.5) < 0.1
            choose(qtbot, tab.param_editors["ratio"].combo, "3:4")
            choose(qtbot, tab.param_editors["style_level"].combo, "Active")
            await until(lambda: "¥0.56" in tab.estimate.text(), 2, "the estimate")   # 3.5 s × ¥0.16/s (3:4)
            assert "photo check" in tab.estimate.text()
            [rec] = await finish(app, qtbot, tab)
            assert rec.request.params["ratio"] == "3:4"
    run(go())


def test_liveportrait_photo_and_speech(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("liveportrait")
            drop(tab, [assets / "face.png", assets / "speech.wav"], at=tab.blurb.geometry().center())
            await until(lambda: tab.input_editors["image_url"].value() and tab.input_editors["audio_url"].value(),
                        20, "photo and speech")
            choose(qtbot, tab.param_editors["template_id"].combo, "Calm")
            [rec] = await finish(app, qtbot, tab)
            assert rec.request.params["template_id"] == "calm"
    run(go())


def test_emoji_with_a_named_template(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("emoji")
            templates = tab.input_editors["driven_id"].combo
            assert templates.count() == 20
            drop(tab.input_editors["image_url"], [assets / "face.png"])
            await dropped(tab.input_editors["image_url"])
            choose(qtbot, templates, "Office worker · happy")
            [rec] = await finish(app, qtbot, tab)
            assert rec.request.inputs["driven_id"] == "dagong_kaixin"
    run(go())


def test_videoretalk_video_and_new_speech(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("videoretalk")
            drop(tab.input_editors["video_url"], [assets / "speaker.mp4"])
            drop(tab.input_editors["audio_url"], [assets / "speech.wav"])
            await dropped(tab.input_editors["video_url"])
            await dropped(tab.input_editors["audio_url"])
            [rec] = await finish(app, qtbot, tab)
            assert rec.model == "videoretalk"
    run(go())
