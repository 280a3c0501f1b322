"""The 2026 models in the app's tabs: Wan 2.7 text, image, first+last frame and reference videos made
through the real window against the sandbox; the media list editor (one zone per media type, drops
routed by kind, problems beside the right zone, run again); every tab in both languages."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox
from ui_helpers import choose, click, drop, dropped, generate, mp4s, open_app, type_into, until

from bailian_video import catalog
from bailian_video.catalog import FieldError
from bailian_video.engine import Request, State
from bailian_video.i18n import T
from bailian_video.media.probe import probe
from bailian_video.ui.util import tx


async def made(app, qtbot, tab, seconds: float, size: tuple[int, int]):
    """Generate, wait for the queue row to finish, and check the MP4: a video of that length and size."""
    recs = await generate(qtbot, tab)
    errors = {n: tab.field_error(n) for n in [*tab.input_rows, *tab.param_rows] if tab.field_error(n)}
    assert len(recs) == 1, (tab.note.text(), errors)
    [rec] = await app.wait_done(recs)
    assert rec.state == State.DONE, (rec.error_code, rec.error_message)
    out = Path(rec.output_path)
    assert out.parent == app.out_dir and out.is_file() and out in mp4s(app.out_dir)
    info = probe(out)
    assert info.kind == "video"
    assert abs(info.duration - seconds) < 0.2, info.duration
    assert (info.width, info.height) == size
    model = app.window.queue.model
    assert model.row_of(rec.id) >= 0 and model.status_text(rec) == "Done"
    return rec


def set_duration(qtbot, tab, seconds: int) -> None:
    box = tab.param_editors["duration"].box
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, str(seconds))
    assert box.value() == seconds


def test_text_to_video_with_wan27(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("t2v")
            choose(qtbot, tab.model_combo, "Wan 2.7 text-to-video · new")
            assert tab.spec.name == "wan2.7-t2v"
            assert tab.price.text().startswith("¥0.60/s 720P · ¥1.00/s 1080P")
            type_into(qtbot, tab, "prompt", "A paper boat on a rainy street")
            choose(qtbot, tab.param_editors["resolution"].combo, "720P")
            set_duration(qtbot, tab, 2)
            await until(lambda: "¥1.20" in tab.estimate.text(), 2, "the estimate")     # 2 s × ¥0.60/s (720P)
            rec = await made(app, qtbot, tab, 2.0, (1280, 720))
            assert rec.model == "wan2.7-t2v" and rec.request.params["resolution"] == "720P"
    run(go())


def test_image_to_video_with_wan27_from_a_dropped_photo(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("i2v")
            choose(qtbot, tab.model_combo, "Wan 2.7 image-to-video · new")
            media = tab.input_editors["media"]
            assert [s.mt.type for s in media.shown()] == ["first_frame", "last_frame", "driving_audio", "first_clip"]
            zone = media.section("first_frame").zone
            assert drop(zone, [assets / "cat.png"])
            await dropped(zone)
            assert zone.items[0].preview.image is not None          # a thumbnail was made
            assert media.value() == [{"type": "first_frame", "url": str(assets / "cat.png")}]
            type_into(qtbot, tab, "prompt", "The cat looks up and blinks")
            choose(qtbot, tab.param_editors["resolution"].combo, "720P")
            set_duration(qtbot, tab, 2)
            rec = await made(app, qtbot, tab, 2.0, (960, 720))         # the photo's 4:3 at 720P
            assert rec.request.inputs["media"] == [{"type": "first_frame", "url": str(assets / "cat.png")}]
    run(go())


def test_first_and_last_frame_with_wan27(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("kf2v")
            i = tab.model_combo.findData("wan2.7-i2v")               # offered here too (also_in)
            assert i >= 0 and "Wan 2.7 image-to-video" in tab.model_combo.itemText(i)
            choose(qtbot, tab.model_combo, "Wan 2.7 image-to-video · new")
            media = tab.input_editors["media"]
            first, last = media.section("first_frame").zone, media.section("last_frame").zone
            drop(first, [assets / "first.png"])
            drop(last, [assets / "last.png"])
            await dropped(first)
            await dropped(last)
            assert media.value() == [{"type": "first_frame", "url": str(assets / "first.png")},
                                     {"type": "last_frame", "url": str(assets / "last.png")}]
            type_into(qtbot, tab, "prompt", "Day turns into night")
            choose(qtbot, tab.param_editors["resolution"].combo, "720P")
            set_duration(qtbot, tab, 2)
            rec = await made(app, qtbot, tab, 2.0, (1280, 720))
            assert [m["type"] for m in rec.request.inputs["media"]] == ["first_frame", "last_frame"]
    run(go())


def test_reference_to_video_with_wan27_and_two_reference_images(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("r2v")
            assert tab.spec.name == "wan2.7-r2v"                       # the tab's featured model
            media = tab.input_editors["media"]
            refs = media.section("reference_image")
            assert "Up to 5" in refs.facts.text() and "Image 1, Image 2" in refs.facts.text()
            assert drop(refs.zone, [assets / "person.png", assets / "face.png"])
            await dropped(refs.zone)
            assert media.value() == [{"type": "reference_image", "url": str(assets / "person.png")},
                                     {"type": "reference_image", "url": str(assets / "face.png")}]
            type_into(qtbot, tab, "prompt", "Image 1 waves at Image 2 in a park")
            choose(qtbot, tab.param_editors["resolution"].combo, "720P")
            set_duration(qtbot, tab, 2)
            rec = await made(app, qtbot, tab, 2.0, (1280, 720))       # the 16:9 ratio at 720P
            assert [Path(m["url"]).name for m in rec.request.inputs["media"]] == ["person.png", "face.png"]
    run(go())


def test_a_combination_the_model_does_not_take_is_said_on_the_editor(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("i2v")
            choose(qtbot, tab.model_combo, "Wan 2.7 image-to-video · new")
            media = tab.input_editors["media"]
            # a photo and a clip dropped on the tab: each goes to the zone of its kind
            assert drop(tab, [assets / "first.png", assets / "clip.mp4"], at=tab.blurb.geometry().center())
            first, clip = media.section("first_frame"), media.section("first_clip")
            await until(lambda: first.zone.value() and clip.zone.value() and not media.busy(), 20, "both files")
            said = tab.field_error("media")
            assert "cannot combine First frame + Opening clip" in said, said
            assert "First frame + Last frame + Driving audio" in said
            assert first.error_text() == "" and clip.error_text() == ""          # not one zone's problem
            type_into(qtbot, tab, "prompt", "go on")
            assert await generate(qtbot, tab) == [] and app.session.tasks() == []
            assert "cannot combine" in tab.field_error("media")
            # a problem with one item lands beside the zone of that item's type
            tab.show_errors([FieldError("input.media[1].url", "format", T("剪辑有问题", "The clip is broken."))])
            assert tab.field_error("media.first_clip") == "The clip is broken."
            assert tab.field_error("media.first_frame") == ""
            click(qtbot, clip.zone.clear_button)
            assert tab.field_error("media") == ""
            # an item that needs another: said beside the item's own zone when Generate is clicked
            click(qtbot, first.zone.clear_button)
            audio = media.section("driving_audio")
            drop(audio.zone, [assets / "voice.wav"])
            await dropped(audio.zone)
            assert await generate(qtbot, tab) == []
            assert "Driving audio needs First frame" in tab.field_error("media.driving_audio")
    run(go())


def test_too_many_items_are_said_beside_their_zone(qtbot, run, data_dir, assets):
    six = [assets / n for n in ("cat.png", "face.png", "person.png", "sky.jpg", "sea.jpg", "hill.jpg")]

    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("r2v")
            choose(qtbot, tab.model_combo, "HappyHorse 1.0 reference")        # takes up to 9 reference images
            media = tab.input_editors["media"]
            zone = media.section("reference_image").zone
            drop(zone, six)
            await dropped(zone)
            assert [Path(i.value).name for i in zone.items] == [p.name for p in six]     # in the order dropped
            assert tab.field_error("media.reference_image") == ""
            choose(qtbot, tab.model_combo, "Wan 2.7 reference-to-video · new")  # up to 5: the six stay, and it says so
            assert media.section("reference_image").zone is zone and len(zone.items) == 6
            beside = tab.field_error("media.reference_image")
            assert "at most 5 × Reference image; got 6. Remove 1." in beside, beside
            assert "together" in tab.field_error("media")                  # images and videos: 1–5 in all
            assert await generate(qtbot, tab) == []
            assert "Remove 1" in tab.field_error("media.reference_image")
            # a drop with more than a zone takes: the rest is named beside it, the first ones are kept
            edit = app.tab("edit")
            assert edit.spec.name == "wan2.7-videoedit"
            refs = edit.input_editors["media"].section("reference_image")
            drop(refs.zone, six[:5])
            await dropped(refs.zone)
            assert [Path(i.value).name for i in refs.zone.items] == [p.name for p in six[:4]]
            assert refs.error_text() == "“Reference image” takes at most 4 files; not used: sea.jpg"
    run(go())


def test_run_again_fills_the_zones_from_a_media_list(qtbot, run, data_dir, assets):
    media = [{"type": "reference_image", "url": str(assets / "cat.png")},
             {"type": "reference_video", "url": str(assets / "clip.mp4"), "reference_voice": str(assets / "voice.wav")},
             {"type": "first_frame", "url": str(assets / "first.png")}]

    async def go():
        async with open_app(data_dir) as app:
            app.tab("t2v")
            req = Request("wan2.7-r2v", inputs={"prompt": "Image 1 meets Video 1", "media": media},
                          params={"resolution": "1080P", "duration": 5, "seed": 7})
            app.window.run_again(req)
            tab = app.window.current_tab()
            assert tab.family.value == "r2v" and tab.spec.name == "wan2.7-r2v"
            ed = tab.input_editors["media"]
            await until(lambda: ed.value() and len(ed.value()) == 3 and not ed.busy(), 20, "the zones to be filled")
            assert tab.build_request().inputs["media"] == media     # in type order, the voice kept with its video
            assert abs(tab.durations()["reference_video"] - 2.0) < 0.1
            assert abs(tab.durations()["media"] - 2.0) < 0.1
            # 5 s out + 2 s of reference video billed, at 1080P
            await until(lambda: "¥7.00" in tab.estimate.text(), 2, "the estimate with the reference video")
            assert tab.param_editors["seed"].value() is None          # a new variation
    run(go())


def test_every_family_tab_builds_in_chinese_and_english(qtbot, run, data_dir):
    async def go():
        for lang in ("zh", "en"):
            async with open_app(data_dir, start=False, lang=lang) as app:
                w = app.window
                assert w.tabs.count() == len(catalog.FAMILY_ORDER) == 14
                for i, fam in enumerate(catalog.FAMILY_ORDER):
                    spec = catalog.FAMILIES[fam]
                    assert w.tabs.tabText(i) == spec.title.get(lang).replace("&", "&&")
                    tab = app.tab(fam)
                    assert tab.blurb.text() == spec.blurb.get(lang) and tab.blurb.text()
                    listed = [tab.model_combo.itemData(k) for k in range(tab.model_combo.count())]
                    assert sorted(n for n in listed if n) == sorted(m.name for m in catalog.by_family(fam))
                    for m in catalog.by_family(fam):
                        k = tab.model_combo.findData(m.name)
                        tab.model_combo.setCurrentIndex(k)
                        assert tab.spec is m and tab.price.text()
                        assert tx(m.title) in tab.model_combo.itemText(k)
                        tip = tab.model_combo.itemData(k, Qt.ItemDataRole.ToolTipRole)
                        assert m.name in tip and "¥" in tip
                        if m.new:
                            assert tab.model_combo.itemText(k).endswith("· 新" if lang == "zh" else "· new")
                        assert set(tab.input_rows) == {x.name for x in m.inputs_for(tab.function) if not x.from_detect}
                        for name, ed in tab.input_editors.items():
                            ins = m.input(name, tab.function)
                            if ins is not None and ins.kind == catalog.Kind.MEDIA:
                                assert [s.mt.type for s in ed.shown()] == [t.type for t in ins.media_types]
                                assert all(s.isVisibleTo(tab) or (s in ed.more_sections and ed.more.isVisibleTo(tab))
                                           for s in ed.shown())
                    assert tab.estimate.text() is not None
                # prices follow the switch tables: the silent price of wan2.6-r2v-flash
                r2v = app.tab("r2v")
                r2v.set_model("wan2.6-r2v-flash")
                want = "生成声音 关闭：¥0.15/秒 720P" if lang == "zh" else "Generate audio off: ¥0.15/s 720P"
                assert want in r2v.price.text(), r2v.price.text()
    run(go())


def test_a_document_and_a_web_link_for_wan30(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("t2v")
            choose(qtbot, tab.model_combo, "Wan 3.0 all-in-one · new")
            media = tab.input_editors["media"]
            doc, link = media.section("file"), media.section("link")
            assert doc.zone is not None and doc.zone.kind == "file" and link.link is not None
            # a document dropped on the tab goes to the document zone (by its name: it is not media)
            assert drop(tab, [assets / "notes.txt"], at=tab.blurb.geometry().center())
            await until(lambda: doc.zone.value() and not doc.zone.busy(), 10, "the document")
            assert "TXT" in doc.zone.findChild(QLabel, "itemFacts").text()
            link.link.setFocus()
            qtbot.keyClicks(link.link, "https://example.com/story.html")
            assert media.value() == [{"type": "file", "url": str(assets / "notes.txt")},
                                     {"type": "link", "url": "https://example.com/story.html"}]
            assert "cannot combine Document + Web link" in tab.field_error("media")
            link.link.clear()
            assert tab.field_error("media") == ""
            qtbot.keyClicks(link.link, "story.html")
            assert link.error_text() == "A web link starts with http:// or https://."
    run(go())


def test_a_reference_list_takes_images_and_videos(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("r2v")
            choose(qtbot, tab.model_combo, "Wan 2.6 reference-to-video · new")
            zone = tab.input_editors["reference_urls"]
            assert zone.kinds == ("image", "video") and zone.capacity == 5
            assert drop(tab, [assets / "cat.png", assets / "clip.mp4"], at=tab.blurb.geometry().center())
            await until(lambda: len(zone.items) == 2 and not zone.busy(), 20, "both references")
            assert [Path(v).name for v in zone.value()] == ["cat.png", "clip.mp4"]
            assert zone.problems() == []
            assert abs(tab.durations()["reference_urls"] - 2.0) < 0.1
            # 5 s out + the 2 s reference video, at 720P (the first-run resolution, carried across models)
            await until(lambda: "¥4.20" in tab.estimate.text(), 2, "the estimate with the reference video")
            drop(zone, [assets / "voice.wav"])
            await dropped(zone)
            assert "needs an image or a video" in tab.field_error("reference_urls")
    run(go())


def test_several_photos_on_the_first_frame_make_a_batch(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("i2v")
            choose(qtbot, tab.model_combo, "Wan 2.7 image-to-video · new")
            media = tab.input_editors["media"]
            zone = media.section("first_frame").zone
            assert zone.allow_batch and not media.section("last_frame").zone.allow_batch
            drop(zone, [assets / "sky.jpg", assets / "sea.jpg", assets / "hill.jpg"])
            box = await until(lambda: tab.findChild(QMessageBox, "batchDialog"), 5, "the batch question")
            click(qtbot, next(b for b in box.buttons() if b.text() == "Make 3 videos"))
            await until(lambda: len(zone.items) == 3 and not zone.busy(), 20, "the batch to be checked")
            assert tab.generate_button.text() == "Generate 3 videos"
            firsts = [tab.build_request(v).inputs["media"] for v in zone.batch_values()]
            assert [[Path(m["url"]).name for m in one] for one in firsts] == [["sky.jpg"], ["sea.jpg"], ["hill.jpg"]]
    run(go())
