"""Settings restored from any result: videos made through the real window against the sandbox give back
their model, prompt, parameters and seed — from the MP4 itself or the JSON beside it, with or without
the task in the app's history; input files are found again beside a copied video (by content), the ones
that are gone are named; a video or JSON from elsewhere, or a damaged one, is refused in plain words."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from ui_helpers import choose, choose_model, drop, dropped, generate, open_app, type_into

from bailian_video.engine import State
from bailian_video.engine.outputs import read_metadata
from bailian_video.media import samples
from bailian_video.ui.restore import NotOurs, Restored, describe, is_restorable, missing_inputs, read_settings


async def make(app, qtbot, tab):
    recs = await generate(qtbot, tab)
    assert len(recs) == 1, tab.note.text()
    [rec] = await app.wait_done(recs)
    assert rec.state == State.DONE, (rec.error_code, rec.error_message)
    return rec


def set_seed(qtbot, tab, seed: int) -> None:
    edit = tab.param_editors["seed"].edit
    edit.setFocus()
    qtbot.keyClicks(edit, str(seed))
    assert tab.param_editors["seed"].value() == seed


def test_a_text_to_video_result_gives_back_its_settings_from_the_video_and_its_json(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("t2v")
            choose(qtbot, tab.model_combo, "Wan 2.7 text-to-video · new")
            type_into(qtbot, tab, "prompt", "a fox in snow, 50% slower")
            choose(qtbot, tab.param_editors["resolution"].combo, "720P")
            set_seed(qtbot, tab, 42)
            rec = await make(app, qtbot, tab)
            video, sidecar = rec.output_path, rec.sidecar_path
            assert is_restorable(video) and is_restorable(sidecar)

            # still in the history: that task, its request as it was
            got = await read_settings(video, app.session)
            assert isinstance(got, Restored) and got.record is not None and got.record.id == rec.id
            assert got.request == rec.request and got.request is not rec.request
            assert got.missing == {} and got.source == video
            assert describe(got) == "Loaded the settings of “a fox in snow, 50% slower” (wan2.7-t2v, seed 42)."
            from_json = await read_settings(sidecar, app.session)
            assert from_json.record is not None and from_json.request == rec.request

            # gone from the history: rebuilt from what the file carries
            app.session.engine.remove(rec.id)
            assert all(r.id != rec.id for r in app.session.tasks())
            for path in (video, sidecar):
                got = await read_settings(path, app.session)
                assert got.record is None
                req = got.request
                assert (req.model, req.prompt, req.function) == ("wan2.7-t2v", "a fox in snow, 50% slower", None)
                assert req.params == rec.request.params and req.params["seed"] == 42
                assert req.params["resolution"] == "720P" and req.region == rec.request.region
                assert req.inputs == rec.request.inputs and got.missing == {}
    run(go())


def test_input_files_are_found_beside_a_copied_video_or_named_as_missing(qtbot, run, data_dir, assets, tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    cat = photos / "cat.png"
    shutil.copy(assets / "cat.png", cat)

    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("i2v")
            choose_model(qtbot, tab.model_combo, "wan2.2-i2v-plus")
            choose(qtbot, tab.param_editors["resolution"].combo, "480P")
            zone = tab.input_editors["img_url"]
            assert drop(zone, [cat])
            await dropped(zone)
            type_into(qtbot, tab, "prompt", "the cat looks up")
            set_seed(qtbot, tab, 7)
            rec = await make(app, qtbot, tab)
            assert rec.request.inputs["img_url"] == str(cat)

            got = await read_settings(rec.output_path, app.session)
            assert got.record is not None and got.request.inputs["img_url"] == str(cat) and got.missing == {}

            # the photo moved away: the restore names it (the task's own request keeps its path) …
            assert missing_inputs(rec.request) == {}
            elsewhere = tmp_path / "moved"
            elsewhere.mkdir()
            shutil.move(cat, elsewhere / "cat.png")
            assert missing_inputs(rec.request) == {"img_url": ["cat.png"]}
            got = await read_settings(rec.output_path, app.session)
            assert got.record is not None and got.missing == {"img_url": ["cat.png"]}
            assert got.request.inputs["img_url"] == str(cat)

            # … and so does a restore with no history
            app.session.engine.remove(rec.id)
            got = await read_settings(rec.output_path, app.session)
            assert got.record is None and got.missing == {"img_url": ["cat.png"]}
            assert got.request.inputs["img_url"] == "cat.png"           # as stored: by name only
            assert got.request.params["seed"] == 7 and got.request.model == "wan2.2-i2v-plus"
            assert describe(got) == ("Loaded the settings of “the cat looks up” (wan2.2-i2v-plus, seed 7). "
                                     "1 file is missing: cat.png — drop it again.")

            # the video copied to another folder together with its photo: found there, by its content
            shared = tmp_path / "shared"
            shared.mkdir()
            copy = Path(shutil.copy(rec.output_path, shared / "take.mp4"))
            shutil.copy(elsewhere / "cat.png", shared / "cat.png")
            got = await read_settings(str(copy), app.session)
            assert got.missing == {} and got.request.inputs["img_url"] == str(shared / "cat.png")
            assert got.request.prompt == "the cat looks up" and got.request.params == rec.request.params

            # a different picture under the same name is not the input
            samples.make_image(shared / "cat.png", 640, 480, text="another cat", color=(10, 200, 10))
            got = await read_settings(str(copy), app.session)
            assert got.missing == {"img_url": ["cat.png"]}
    run(go())


def test_a_reference_list_input_is_found_again_by_each_file(qtbot, run, data_dir, assets, tmp_path):
    refs = tmp_path / "refs"
    refs.mkdir()
    for name in ("person.png", "face.png"):
        shutil.copy(assets / name, refs / name)

    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("r2v")
            assert tab.spec.name == "wan2.7-r2v"
            media = tab.input_editors["media"]
            zone = media.section("reference_image").zone
            assert drop(zone, [refs / "person.png", refs / "face.png"])
            await dropped(zone)
            type_into(qtbot, tab, "prompt", "Image 1 waves at Image 2")
            choose(qtbot, tab.param_editors["resolution"].combo, "720P")
            rec = await make(app, qtbot, tab)
            app.session.engine.remove(rec.id)
            # the video keeps the files by name only, never their folders
            assert str(refs) not in json.dumps(read_metadata(rec.output_path), ensure_ascii=False)
            beside = Path(rec.output_path).parent / "person.png"
            shutil.move(refs / "person.png", beside)       # sent along with the video…
            (refs / "face.png").unlink()                 # …and the other one is gone
            got = await read_settings(rec.output_path, app.session)
            assert got.record is None and got.missing == {"media": ["face.png"]}
            items = got.request.inputs["media"]
            assert [i["type"] for i in items] == ["reference_image", "reference_image"]
            assert items[0]["url"] == str(beside)
            assert describe(got).endswith("1 file is missing: face.png — drop it again.")
            beside.unlink()
            got = await read_settings(rec.sidecar_path, app.session)
            assert got.missing == {"media": ["person.png", "face.png"]}
            assert describe(got).endswith("2 files are missing: person.png, face.png — drop them again.")
    run(go())


def test_files_from_elsewhere_or_damaged_are_refused_in_plain_words(qtbot, run, data_dir, tmp_path):
    foreign = tmp_path / "holiday.mp4"
    samples.make_video(foreign, 320, 240, 1.0, fps=25, text="holiday")
    picture = tmp_path / "photo.png"
    samples.make_image(picture, 64, 64, text="p")
    other_json = tmp_path / "package.json"
    other_json.write_text(json.dumps({"name": "x", "version": "1"}), encoding="utf-8")

    async def go():
        async with open_app(data_dir) as app:
            tab = app.tab("t2v")
            choose(qtbot, tab.model_combo, "Wan 2.7 text-to-video · new")
            type_into(qtbot, tab, "prompt", "rain on a window")
            rec = await make(app, qtbot, tab)

            for path in (foreign, picture):
                assert not is_restorable(str(path))
                with pytest.raises(NotOurs) as e:
                    await read_settings(str(path), app.session)
                assert e.value.reason == "foreign"
                assert str(e.value) == (f"{path.name} was not made by Bailian Video Studio, so it carries no "
                                        "settings. Open a video this app made, or the .json file saved beside it.")
            assert not is_restorable(str(other_json))
            with pytest.raises(NotOurs) as e:
                await read_settings(str(other_json), app.session)
            assert str(e.value).startswith("package.json is not a settings file of Bailian Video Studio.")

            # a damaged settings file: said so, and the video beside it offered instead
            sidecar = Path(rec.sidecar_path)
            broken = sidecar.read_text(encoding="utf-8")[:-40]
            sidecar.write_text(broken, encoding="utf-8")
            assert not is_restorable(str(sidecar))
            with pytest.raises(NotOurs) as e:
                await read_settings(str(sidecar), app.session)
            msg = str(e.value)
            assert e.value.reason == "damaged" and msg.startswith(f"The settings file {sidecar.name} is damaged")
            assert msg.endswith(f"Open {Path(rec.output_path).name} instead: the video carries the same settings.")
            got = await read_settings(rec.output_path, app.session)          # … which works
            assert got.request.prompt == "rain on a window"

            # a model this version does not know
            data = {"app": "Bailian Video Studio", "format": 1, "model": "wan9.9-t2v", "inputs": {"prompt": "x"},
                    "parameters": {}, "prompt": "x"}
            future = tmp_path / "future.json"
            future.write_text(json.dumps(data), encoding="utf-8")
            assert is_restorable(str(future))
            with pytest.raises(NotOurs) as e:
                await read_settings(str(future), app.session)
            assert e.value.reason == "model"
            assert str(e.value) == ("future.json was made with wan9.9-t2v, a model this version of Bailian Video "
                                    "Studio does not know. Update the app to use its settings.")

            # a file that is not there
            with pytest.raises(NotOurs) as e:
                await read_settings(str(tmp_path / "gone.mp4"), app.session)
            assert e.value.reason == "unreadable" and str(e.value).startswith("Cannot open gone.mp4:")
    run(go())

