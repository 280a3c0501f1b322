"""The rows under a media type's zone in the "Reference to video" tab: a chip per item that puts its tag
(图1, 视频1, @name) into the prompt at the cursor, and the item's own fields — a voice clip dropped on the
row and checked against its limits, a subject name, keep the original sound — sent with the item, cleared
with it and put back by run again. Files that would take a type over its total length are not kept."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from ui_helpers import choose, click, drop, generate, open_app, type_into, until

from bailian_video.engine import State
from bailian_video.media import samples
from bailian_video.media.probe import probe
from bailian_video.ui.dropzone import ItemView


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("reference-clips")
    samples.make_audio(d / "long-voice.wav", 14.0)
    samples.make_video(d / "six.mp4", 320, 240, 6.0, fps=10, text="six")
    samples.make_video(d / "five.mp4", 320, 240, 5.0, fps=10, text="five")
    samples.make_video(d / "three.mp4", 320, 240, 3.0, fps=10, text="three")
    samples.make_video(d / "kling.mp4", 1280, 720, 3.0, fps=24, with_audio=True, text="kling")
    return d


async def settled(media) -> None:
    await until(lambda: not media.busy(), 20, "the media list to check its files")


async def finished(app, qtbot, tab):
    recs = await generate(qtbot, tab)
    assert len(recs) == 1, (tab.note.text(), tab.field_error("media"))
    [rec] = await app.wait_done(recs)
    assert rec.state == State.DONE, (rec.error_code, rec.error_message)
    return rec


def remove_button(zone, index: int):
    """The × of the zone's ``index``-th file, as shown."""
    views = zone.item_views()
    assert all(isinstance(v, ItemView) and v.tile for v in views)      # a strip of tiles, side by side
    return views[index].remove_button


def test_chips_put_each_reference_tag_into_the_prompt_at_the_cursor(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir, lang="zh") as app:
            tab = app.tab("r2v")
            choose(qtbot, tab.model_combo, "万相2.7 参考生视频")
            assert tab.spec.name == "wan2.7-r2v"
            media = tab.input_editors["media"]
            images, videos = media.section("reference_image"), media.section("reference_video")
            assert drop(images.zone, [assets / "person.png", assets / "face.png"])
            assert drop(videos.zone, [assets / "clip.mp4"])
            await settled(media)
            assert [r.chip.text() for r in images.rows] == ["图1", "图2"]
            assert [r.chip.text() for r in videos.rows] == ["视频1"]
            assert [r.name.text() for r in images.rows] == ["person.png", "face.png"]
            assert images.rows[0].chip.toolTip() == "在提示词的光标处插入“图1”"
            assert media.section("first_frame").rows == []            # no tag, no fields: no rows
            prompt = tab.input_editors["prompt"].edit
            type_into(qtbot, tab, "prompt", " walks past")          # (the test keyboard types Latin letters)
            qtbot.keyClick(prompt, Qt.Key.Key_Home)
            click(qtbot, images.rows[1].chip)
            assert prompt.toPlainText() == "图2 walks past"              # at the start: no space added
            assert prompt.hasFocus()
            qtbot.keyClick(prompt, Qt.Key.Key_End)
            click(qtbot, videos.rows[0].chip)
            assert prompt.toPlainText() == "图2 walks past 视频1"        # after a letter: a space first
            qtbot.keyClicks(prompt, ", waving")                     # the cursor is right after the tag
            assert prompt.toPlainText() == "图2 walks past 视频1, waving"
            # an image removed: its row goes, the other is numbered again as the service counts them
            click(qtbot, remove_button(images.zone, 0))
            assert [r.name.text() for r in images.rows] == ["face.png"]
            assert images.rows[0].chip.text() == "图1"
            assert [m["url"] for m in media.value()] == [str(assets / "face.png"), str(assets / "clip.mp4")]
    run(go())


def test_a_reference_voice_is_checked_sent_and_put_back_by_run_again(qtbot, run, data_dir, assets, clips):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("r2v")
            choose(qtbot, tab.model_combo, "Wan 2.7 reference-to-video")
            assert tab.spec.name == "wan2.7-r2v"
            media = tab.input_editors["media"]
            seen: list = []
            media.attention.connect(seen.append)
            images, videos = media.section("reference_image"), media.section("reference_video")
            drop(images.zone, [assets / "person.png", assets / "face.png"])
            drop(videos.zone, [assets / "clip.mp4"])
            await settled(media)
            first, second = images.rows
            assert first.chip.text() == "Image 1" and videos.rows[0].chip.text() == "Video 1"
            voice = first.files["reference_voice"]
            assert voice.label.text() == "Reference voice:" and not voice.clear_button.isEnabled()
            # a voice dropped on the first image's row
            assert drop(first, [assets / "voice.wav"])
            await settled(media)
            assert voice.file.text() == "voice.wav · 3.5 s" and voice.clear_button.isEnabled()
            # one over the voice limit is refused, with the reason and the way out, and shown
            assert drop(second, [clips / "long-voice.wav"])
            await settled(media)
            said = images.error_text()
            assert said.startswith("long-voice.wav was not used:"), said
            assert "is 14.0 s long; the limit is 10 s. Trim it first." in said
            assert seen and seen[-1] is images
            assert "reference_voice" not in media.value()[1]
            # Generate: the voice goes with its image, the video has sound
            type_into(qtbot, tab, "prompt", "Image 1 sings to Image 2 while Video 1 dances")
            set_duration(qtbot, tab, 2)
            rec = await finished(app, qtbot, tab)
            assert rec.request.inputs["media"] == [
                {"type": "reference_image", "url": str(assets / "person.png"),
                 "reference_voice": str(assets / "voice.wav")},
                {"type": "reference_image", "url": str(assets / "face.png")},
                {"type": "reference_video", "url": str(assets / "clip.mp4")}]
            info = probe(rec.output_path)
            assert info.kind == "video" and info.has_audio and abs(info.duration - 2.0) < 0.2
            # cleared with its item …
            click(qtbot, remove_button(images.zone, 0))
            assert [m.get("reference_voice") for m in media.value()] == [None, None]
            # … and back with run again
            tab.load_request(rec.request)
            await until(lambda: media.value() and len(media.value()) == 3, 20, "the zones to be filled")
            await settled(media)
            assert tab.build_request().inputs["media"] == rec.request.inputs["media"]
            assert images.rows[0].files["reference_voice"].file.text() == "voice.wav · 3.5 s"
            assert media.media_infos()[1].duration == pytest.approx(3.5, abs=0.1)   # the voice, after its image
            # a model switch keeps it for the types that are still there
            choose(qtbot, tab.model_combo, "HappyHorse 1.0 reference")
            assert media.value() == [{"type": "reference_image", "url": str(assets / "person.png")},
                                     {"type": "reference_image", "url": str(assets / "face.png")}]
            assert images.rows[0].chip.text() == "[Image 1]" and not images.rows[0].files
            choose(qtbot, tab.model_combo, "Wan 2.7 reference-to-video")
            assert tab.build_request().inputs["media"] == rec.request.inputs["media"]
    run(go())


def set_duration(qtbot, tab, seconds: int) -> None:
    box = tab.param_editors["duration"].box
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, str(seconds))
    assert box.value() == seconds


def test_videos_over_the_total_length_or_count_are_not_kept(qtbot, run, data_dir, clips):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("r2v")
            choose(qtbot, tab.model_combo, "Vidu Q2 Pro")          # 2 reference videos, 10 s in all
            assert tab.spec.name == "vidu/viduq2-pro_reference2video"
            media = tab.input_editors["media"]
            seen: list = []
            media.attention.connect(seen.append)
            videos = media.section("video")
            assert drop(videos.zone, [clips / "six.mp4", clips / "five.mp4", clips / "three.mp4"])
            await until(lambda: "five.mp4 was not used" in videos.error_text(), 20, "the total to be checked")
            assert [Path(i.value).name for i in videos.zone.items] == ["six.mp4"]
            assert videos.error_text() == (
                "“Reference video” takes at most 2 files; not used: three.mp4 "
                "five.mp4 was not used: with it, “Reference video” would add up to 11.0 s; "
                "the limit is 10 s in all.")
            assert seen[-1] is videos
            # what fits is taken, and the message goes
            drop(videos.zone, [clips / "three.mp4"])
            await settled(media)
            assert [Path(i.value).name for i in videos.zone.items] == ["six.mp4", "three.mp4"]
            assert videos.error_text() == ""
    run(go())


def test_pictures_and_clips_over_their_count_in_all_are_not_kept(qtbot, run, data_dir, assets, clips):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("r2v")
            assert tab.spec.name == "wan2.7-r2v"                 # 1–5 pictures and clips in all
            media = tab.input_editors["media"]
            seen: list = []
            media.attention.connect(seen.append)
            images, videos = media.section("reference_image"), media.section("reference_video")
            assert drop(images.zone, [assets / n for n in ("cat.png", "sky.jpg", "sea.jpg", "hill.jpg")])
            await settled(media)
            assert drop(videos.zone, [clips / "three.mp4", assets / "clip.mp4"])
            await settled(media)
            # four pictures were there: of the two clips dropped, the second does not fit
            assert [Path(i.value).name for i in videos.zone.items] == ["three.mp4"]
            assert len(images.zone.items) == 4
            assert videos.error_text() == ("clip.mp4 not used: Reference image + Reference video take at most "
                                           "5 files in all.")
            assert seen[-1] is videos
            assert tab.field_error("media") == ""                 # the list itself is fine as it is
    run(go())


def test_a_subject_name_makes_the_at_name_chip(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("r2v")
            choose(qtbot, tab.model_combo, "PixVerse C1")
            assert tab.spec.name == "pixverse/pixverse-c1-r2v"
            media = tab.input_editors["media"]
            images = media.section("image_url")
            drop(images.zone, [assets / "person.png", assets / "sky.jpg"])
            await settled(media)
            man, sky = images.rows
            assert not man.chip.isEnabled() and man.chip.text() == "@…"
            assert man.chip.toolTip().startswith("Type a name in “Subject name” first")
            type_into(qtbot, tab, "prompt", "A")
            name = man.texts["ref_name"]
            assert name.placeholderText() == "Subject name"
            name.setFocus()
            qtbot.keyClicks(name, "man")
            assert man.chip.isEnabled() and man.chip.text() == "@man"
            assert not sky.chip.isEnabled()
            assert media.value() == [{"type": "image_url", "url": str(assets / "person.png"), "ref_name": "man"},
                                     {"type": "image_url", "url": str(assets / "sky.jpg")}]
            click(qtbot, man.chip)
            prompt = tab.input_editors["prompt"].edit
            assert prompt.hasFocus()                                 # back in the prompt, after the tag
            qtbot.keyClicks(prompt, "walks")
            assert tab.input_editors["prompt"].text() == "A @man walks"     # the name ends with a space
    run(go())


def test_keep_the_original_sound_reaches_the_request(qtbot, run, data_dir, clips):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("r2v")
            choose(qtbot, tab.model_combo, "Kling V3 Omni")
            assert tab.spec.name == "kling/kling-v3-omni-video-generation"
            media = tab.input_editors["media"]
            feature = media.section("feature")
            drop(feature.zone, [clips / "kling.mp4"])
            await settled(media)
            [row] = feature.rows
            assert row.chip.text() == "<<<video_1>>>"
            combo = row.combos["keep_original_sound"]
            assert [combo.itemText(i) for i in range(combo.count())] == ["Not set", "Yes", "No"]
            assert media.value() == [{"type": "feature", "url": str(clips / "kling.mp4")}]
            choose(qtbot, combo, "Yes")
            type_into(qtbot, tab, "prompt", "The detective from ")
            click(qtbot, row.chip)
            assert tab.input_editors["prompt"].text() == "The detective from <<<video_1>>>"
            set_duration(qtbot, tab, 3)
            rec = await finished(app, qtbot, tab)
            assert rec.request.inputs["media"] == [{"type": "feature", "url": str(clips / "kling.mp4"),
                                                    "keep_original_sound": "yes"}]
            assert probe(rec.output_path).kind == "video"
    run(go())
