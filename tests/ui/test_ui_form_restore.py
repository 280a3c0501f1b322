"""Settings restored into the form: a file that is not on this computer any more is a mark in its zone, in
words, and Generate refuses with those words (scrolled to, focused) until the file is dropped again or the mark
removed; a video this app made, or its JSON, dropped on a tab that has no use for it asks for its settings."""
from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtWidgets import QApplication
from ui_helpers import choose_model, click, drop, dropped, generate, open_app, type_into, until

from bailian_video.engine import Request, State
from bailian_video.media.probe import probe

GONE = "first.png — not on this computer any more; drop it again."


def test_a_missing_file_is_marked_and_generate_refuses_until_it_is_dropped_again(qtbot, run, data_dir, assets,
                                                                                 tmp_path):
    async def go():
        async with open_app(data_dir) as app:
            app.window.resize(1024, 700)
            tab = app.tab("i2v")
            choose_model(qtbot, tab.model_combo, "wan2.2-i2v-plus")
            type_into(qtbot, tab, "prompt", "a red card turns")
            old = tmp_path / "gone" / "first.png"
            req = Request(model="wan2.2-i2v-plus", inputs={"img_url": str(old), "prompt": "a red card turns"},
                          params={"resolution": "480P", "duration": 5, "seed": 7})
            tab.load_request(req, missing={"img_url": ["first.png"]})
            zone, row = tab.input_editors["img_url"], tab.input_rows["img_url"]
            assert zone.value() is None and zone.missing() == ["first.png"]
            [mark] = zone.item_views()
            assert mark.problems.text() == GONE and mark.problems.isVisible()
            assert mark.property("invalid") is True and mark.remove_button.isVisible()
            assert "1 file is not on this computer any more" in tab.note.text()
            # Generate refuses with the mark's words, beside the field, and focuses it
            bar = tab.scroll_area.verticalScrollBar()
            bar.setValue(bar.maximum())
            assert await generate(qtbot, tab) == []
            assert row.error.text() == GONE and row.error.isVisible() and GONE in tab.note.text()
            assert "required" not in tab.field_error("img_url")
            await until(lambda: QApplication.focusWidget() is zone.browse_button, 3, "the focus at the zone")
            assert zone.browse_button.accessibleDescription().startswith(GONE)
            assert app.session.tasks() == []
            # removing the mark: the field is simply empty again
            click(qtbot, mark.remove_button)
            assert zone.missing() == [] and zone.item_views() == []
            assert await generate(qtbot, tab) == []
            assert tab.field_error("img_url") == "First frame is required."
            # dropping the file again: a real video is made from it
            tab.load_request(req, missing={"img_url": ["first.png"]})
            drop(zone, [assets / "first.png"])
            await dropped(zone)
            assert zone.missing() == [] and zone.value() == str(assets / "first.png")
            recs = await generate(qtbot, tab)
            assert len(recs) == 1
            [rec] = await app.wait_done(recs)
            assert rec.state == State.DONE and rec.request.inputs["img_url"] == str(assets / "first.png")
            info = probe(Path(rec.output_path))
            assert info.kind == "video" and (info.width, info.height) == (854, 480)   # 480P, the photo's 16:9
    run(go())


def test_marks_in_a_media_list_take_the_place_of_the_file_dropped_again(qtbot, run, data_dir, assets, tmp_path):
    async def go():
        async with open_app(data_dir) as app:
            kf = app.tab("kf2v")
            choose_model(qtbot, kf.model_combo, "wan2.7-i2v")
            media = kf.input_editors["media"]
            req = Request(model="wan2.7-i2v", params={"resolution": "720P", "duration": 2},
                          inputs={"prompt": "from red to blue",
                                  "media": [{"type": "first_frame", "url": str(tmp_path / "first.png")},
                                            {"type": "last_frame", "url": str(assets / "last.png")}]})
            kf.load_request(req, missing={"media": ["first.png"]})
            first, last = media.section("first_frame").zone, media.section("last_frame").zone
            await dropped(last)
            assert first.missing() == ["first.png"] and last.value() == str(assets / "last.png")
            assert kf.build_request().inputs["media"] == [{"type": "last_frame", "url": str(assets / "last.png")}]
            assert await generate(qtbot, kf) == []
            assert kf.field_error("media.first_frame") == GONE
            drop(first, [assets / "first.png"])
            await dropped(first)
            assert kf.field_error("media.first_frame") == ""
            recs = await generate(qtbot, kf)
            [rec] = await app.wait_done(recs)
            assert rec.state == State.DONE
            assert [i["type"] for i in rec.request.inputs["media"]] == ["first_frame", "last_frame"]
            assert probe(Path(rec.output_path)).kind == "video"
            # several references: the file dropped again goes where its mark was (图1 stays 图1)
            r2v = app.tab("r2v")
            choose_model(qtbot, r2v.model_combo, "happyhorse-1.1-r2v")
            refs = r2v.input_editors["media"]
            r2v.load_request(Request(model="happyhorse-1.1-r2v", inputs={"prompt": "two", "media": [
                {"type": "reference_image", "url": str(tmp_path / "first.png")},
                {"type": "reference_image", "url": str(assets / "cat.png")}]}), missing={"media": ["first.png"]})
            zone = refs.section("reference_image").zone
            await dropped(zone)
            assert [i.name for i in zone.items] == ["first.png", "cat.png"] and zone.missing() == ["first.png"]
            drop(zone, [assets / "sky.jpg"])
            await dropped(zone)
            assert [Path(u).name for u in zone.value()] == ["sky.jpg", "cat.png"] and zone.missing() == []
    run(go())


def test_a_video_made_here_dropped_where_it_cannot_be_used_restores_its_settings(qtbot, run, data_dir, assets,
                                                                                tmp_path):
    async def go():
        async with open_app(data_dir) as app:
            t2v = app.tab("t2v")
            choose_model(qtbot, t2v.model_combo, "wan2.2-t2v-plus")
            type_into(qtbot, t2v, "prompt", "a fox in snow")
            [rec] = await app.wait_done(await generate(qtbot, t2v))
            assert rec.state == State.DONE
            video = Path(rec.output_path)
            sidecar = Path(rec.sidecar_path)
            assert sidecar.is_file() and sidecar.suffix == ".json"
            asked: list[str] = []
            t2v.restore_requested.connect(asked.append)
            where = t2v.blurb.geometry().center()
            # a video from elsewhere (no settings in it): refused as before, nothing restored
            assert drop(t2v, [assets / "clip.mp4"], at=where)
            await until(lambda: "no field" in t2v.note.text(), 10, "the refusal")
            assert t2v.note.text() == "This tab has no field for videos (clip.mp4)." and asked == []
            # ours: its settings are asked for, not refused
            assert drop(t2v, [video], at=where)
            await until(lambda: asked, 10, "the restore request")
            assert asked == [str(video)] and "no field" not in t2v.note.text()
            assert drop(t2v, [sidecar], at=where)
            await until(lambda: len(asked) == 2, 10, "the restore request for the JSON")
            assert asked[1] == str(sidecar) and "no field" not in t2v.note.text()
            # a tab that takes a video takes it as an input
            edit = app.tab("edit")
            choose_model(qtbot, edit.model_combo, "wan2.7-videoedit")
            zone = edit.input_editors["media"].section("video").zone
            mine = tmp_path / "source.mp4"
            shutil.copy(video, mine)
            edit.restore_requested.connect(asked.append)
            drop(zone, [mine])
            await dropped(zone)
            assert zone.value() == str(mine) and len(asked) == 2
    run(go())
