"""Continue a video, as a person does it in the real window against the sandbox: Continue on the result
stage opens the ways with their models and prices; from the last frame (the new task's first frame is the
parent's exact last picture), then by the clip (Wan 2.7 repeats it and goes on); each next shot lands in a
sequence after its parent. A spending limit holds it (Don't submit leaves nothing behind; Submit anyway
queues it). A film stitched from the sequence shows in the library, on the stage, in compare and restore
without pretending to have generation settings. The sandbox counts every task it made: nothing twice."""
from __future__ import annotations

import math
import shutil
from pathlib import Path

import av
import numpy as np
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QMessageBox
from ui_helpers import choose, click, generate, open_app, type_into, until

from bailian_video.engine import State, budget, film
from bailian_video.media.probe import probe
from bailian_video.ui.compare import CompareView
from bailian_video.ui.library_model import ROLE_META, video_seconds
from bailian_video.ui.restore import NotOurs, read_settings


async def t2v_video(qtbot, app, prompt: str):
    tab = app.tab("t2v")
    choose(qtbot, tab.model_combo, "Wan 2.7 text-to-video · new")
    type_into(qtbot, tab, "prompt", prompt)
    choose(qtbot, tab.param_editors["resolution"].combo, "720P")
    box = tab.param_editors["duration"].box
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "2")
    [rec] = await generate(qtbot, tab)
    [rec] = await app.wait_done([rec])
    assert rec.state == State.DONE
    return rec


async def open_continue(qtbot, stage):
    """Press Continue on the stage; wait until every way has its plan (or its reason) and price."""
    assert stage.continue_button.isVisible() and stage.continue_button.isEnabled()
    click(qtbot, stage.continue_button)
    dlg = await until(lambda: stage.continue_dialog, 5, "the Continue dialog")
    await until(lambda: dlg.isVisible() and all(m in dlg.plans for m in dlg.methods), 20, "the plans")
    await until(lambda: all("…" not in r.text() for r in dlg.radios.values()), 5, "the prices")
    return dlg


def set_prompt(qtbot, dlg, text: str) -> None:
    dlg.prompt.setFocus()
    qtbot.keyClick(dlg.prompt, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dlg.prompt, text)


async def make(qtbot, app, stage, dlg, before: int):
    """Make next shot; the new task (the dialog closes when it is queued)."""
    eng = app.session.engine
    click(qtbot, dlg.make_button)
    await until(lambda: len(eng.tasks()) == before + 1 and stage.continue_dialog is None, 20, "the next shot")
    return max(eng.tasks(), key=lambda r: r.id)


def image_path(value) -> str:
    """The local first-frame image a request names (a media item or an image field)."""
    if isinstance(value, list):
        [item] = [x for x in value if x.get("type") == "first_frame"]
        return item["url"]
    return value


def last_frame_pixels(video: str) -> np.ndarray:
    with av.open(video) as c:
        frames = list(c.decode(video=0))
        return frames[-1].to_ndarray(format="rgb24")


def test_continue_by_last_frame_then_by_clip_into_a_sequence_and_a_film(qtbot, run, data_dir, opened):
    async def go():
        async with open_app(data_dir, task_seconds=0.5) as app:
            w, eng, sandbox = app.window, app.session.engine, app.session.ctx.sandbox
            stage = w.stage
            changed: list[int] = []
            stage.sequence_changed.connect(changed.append)
            parent = await t2v_video(qtbot, app, "A paper boat on a rainy street")
            assert sandbox.creations() == 1
            w.play(parent)
            await until(lambda: stage.continue_button.isVisible(), 5, "the Continue button")
            assert stage.continue_button.text() == "Continue"

            # the ways, best first, each with its model and what it costs
            dlg = await open_continue(qtbot, stage)
            assert dlg.methods == ["first_clip", "last_frame"]
            clip, frame = dlg.radios["first_clip"], dlg.radios["last_frame"]
            assert clip.isChecked()
            assert clip.text().startswith("Continue the clip (Wan 2.7 image-to-video) — about ¥"), clip.text()
            assert dlg.blurbs["first_clip"].text().startswith("Repeats your 2 s and adds 5 s; billed 7 s. ")
            assert frame.text().startswith("Start from its last frame (HappyHorse 1.1 image to video (with sound)) "
                                           "— about ¥"), frame.text()
            assert dlg.blurbs["last_frame"].text().startswith("5 s new. ")
            prices = {m: float(r.text().rsplit("¥", 1)[1]) for m, r in dlg.radios.items()}
            assert prices == {m: round(eng.estimate(dlg.request_for(m)).amount, 2) for m in dlg.methods}
            assert dlg.prompt.toPlainText() == "A paper boat on a rainy street"      # the previous shot's
            assert dlg.sandbox_note.isVisible()

            # from its last frame, with a new prompt
            click(qtbot, frame)
            assert frame.isChecked()
            set_prompt(qtbot, dlg, "The boat drifts into a sunny harbour")
            nxt = await make(qtbot, app, stage, dlg, 1)
            assert nxt.parent == parent.id and nxt.continuation == {"method": "last_frame", "overlap": 0.0}
            assert nxt.request.model == "happyhorse-1.1-i2v"
            assert nxt.request.prompt == "The boat drifts into a sunny harbour"
            assert nxt.request.params["duration"] == 5 and nxt.request.params["resolution"] == "720P"
            png = image_path(nxt.request.inputs["media"])
            assert png.endswith(".png") and Path(png).is_file()
            with Image.open(png) as im:
                assert np.array_equal(np.asarray(im.convert("RGB")), last_frame_pixels(parent.output_path))
            [seq] = eng.sequences.all()
            assert seq.name == "A paper boat on a rainy…"
            assert [s.takes for s in seq.shots] == [[parent.id], [nxt.id]]
            assert changed == [seq.id]
            assert w.statusBar().currentMessage() == "Next shot queued in “A paper boat on a rainy…”"
            assert stage.record().id == nxt.id                   # the next shot is on the stage now
            [nxt] = await app.wait_done([nxt])
            assert nxt.state == State.DONE and sandbox.creations() == 2

            # that one again, by the clip: Wan 2.7 gets the whole video and repeats it first
            await until(lambda: stage.continue_button.isVisible(), 5, "Continue on the next shot")
            dlg = await open_continue(qtbot, stage)
            assert dlg.radios["first_clip"].isChecked()
            assert dlg.prompt.toPlainText() == "The boat drifts into a sunny harbour"
            third = await make(qtbot, app, stage, dlg, 2)
            overlap = probe(nxt.output_path, deep=False).duration
            assert third.request.model == "wan2.7-i2v" and third.parent == nxt.id
            assert third.request.inputs["media"] == [{"type": "first_clip", "url": nxt.output_path}]
            assert third.continuation == {"method": "first_clip", "overlap": round(overlap, 3)}
            assert third.request.params["duration"] == math.ceil(overlap) + 5
            [seq] = eng.sequences.all()                          # the same sequence, one more shot
            assert [s.takes for s in seq.shots] == [[parent.id], [nxt.id], [third.id]]
            assert changed == [seq.id, seq.id]
            [third] = await app.wait_done([third])
            assert third.state == State.DONE and sandbox.creations() == 3

            # a film of the sequence: in the library as a film, not in the queue
            movie = await film.render(eng, seq.id)
            assert sandbox.creations() == 3                      # stitched here: the service made nothing
            assert w.queue.model.row_of(movie.id) < 0 and w.queue.model.rowCount() == 3
            w.show_page("library")
            view = w.library
            await until(lambda: view.model.row_of(movie.id) >= 0, 5, "the film in the library")
            idx = view.proxy.index_of(movie.id)
            assert idx.data() == "Film · A paper boat on a rainy…"
            meta = idx.data(ROLE_META)
            assert meta.startswith(f"Film · {movie.usage['duration']:g} s · 3 shot") and "¥" not in meta, meta
            assert video_seconds(movie) == movie.usage["duration"] > 5
            choose(qtbot, view.family_combo, "Films")
            await until(lambda: view.proxy.rowCount() == 1, 3, "only films")
            assert view.proxy.record(view.proxy.index(0, 0)).id == movie.id
            view.clear_filters()
            view.search.setFocus()
            qtbot.keyClicks(view.search, "rainy film")
            await until(lambda: view.proxy.rowCount() == 1, 3, "the film by its name")
            view.select_task(movie.id)
            a = view.actions_by_key
            assert a["play"].isEnabled() and a["continue"].isEnabled() and a["add_to_sequence"].isEnabled()
            assert not a["use_settings"].isEnabled() and "no generation settings" in a["use_settings"].toolTip()
            added: list[list] = []
            view.add_to_sequence.disconnect()       # the window's menu of sequences is the sequences page's test
            view.add_to_sequence.connect(added.append)
            view.clear_filters()
            view.grid.selectAll()
            click(qtbot, view.buttons["add_to_sequence"])
            assert [[r.id for r in recs] for recs in added] == [[movie.id, third.id, nxt.id, parent.id]]

            # on the stage: it plays, with what it is made of; only its last frame can be continued
            w.play(movie)
            await until(lambda: stage.grid is not None and stage.grid.paths() == [movie.output_path], 5, "the film")
            await until(lambda: stage.grid.panes[0].player.position() > 200, 15, "the film playing")
            facts = {stage.facts.itemAtPosition(r, 0).widget().text(): stage.facts.itemAtPosition(r, 1).widget().text()
                     for r in range(stage.facts.rowCount()) if stage.facts.itemAtPosition(r, 1) is not None}
            assert stage.model_title.text() == "Film" and stage.prompt_caption.text() == "Sequence"
            assert stage.prompt.text() == "A paper boat on a rainy…"
            assert facts["Shots"] == "3" and facts["Cross-fade"] == "None"
            assert facts["Length"] == f"{movie.usage['duration']:.1f} s"
            assert not stage.use_button.isVisible() and not stage.repeat_button.isVisible()
            dlg = await open_continue(qtbot, stage)
            assert dlg.methods == ["last_frame"] and list(dlg.radios) == ["last_frame"]
            assert dlg.prompt.toPlainText() == "The boat drifts into a sunny harbour"      # its last shot's
            click(qtbot, dlg.cancel_button)
            await until(lambda: stage.continue_dialog is None, 5, "the dialog to close")
            assert len(eng.tasks()) == 4 and len(eng.sequences.all()) == 1

            # compare and restore say plainly that a film has no settings of its own
            view_ = CompareView([nxt, movie], w)
            qtbot.addWidget(view_)
            note = view_.table.cellWidget(len(view_.rows), 1)
            assert isinstance(note, QLabel) and "no generation settings" in note.text()
            assert [b.objectName() for b in view_.use_buttons] == ["useTake1"]
            view_.reject()
            try:
                await read_settings(movie.output_path, app.session)
                raise AssertionError("a film gave settings")
            except NotOurs as e:
                assert e.reason == "film" and "open the sequence instead" in e.message
            assert sandbox.creations() == 3

    run(go(), timeout=240)


def test_a_spending_limit_holds_the_next_shot_and_nothing_is_left_behind(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir, task_seconds=0.5) as app:
            w, eng, sandbox = app.window, app.session.engine, app.session.ctx.sandbox
            stage = w.stage
            parent = await t2v_video(qtbot, app, "A lighthouse at dawn")
            w.play(parent)
            budget.set_limits(eng.store, 0.01, None)

            async def held(dlg) -> QMessageBox:
                click(qtbot, dlg.make_button)
                return await until(lambda: dlg.findChild(QMessageBox, "budgetHold"), 10, "the hold box")

            def press(box: QMessageBox, name: str) -> None:
                [b] = [b for b in box.buttons() if b.objectName() == name]
                click(qtbot, b)

            # Don't submit: no task, no shot, no sequence made for it
            dlg = await open_continue(qtbot, stage)
            box = await held(dlg)
            assert "limit" in box.text()
            press(box, "dontSubmit")
            await until(lambda: not dlg.busy, 5, "the dialog to give up")
            assert dlg.message.isVisible() and dlg.message.text() == "Nothing was submitted."
            assert len(eng.tasks()) == 1 and eng.sequences.all() == []
            assert sandbox.creations() == 1

            # Submit anyway, just this once: queued, in a sequence after its parent
            box = await held(dlg)
            press(box, "submitAnyway")
            await until(lambda: len(eng.tasks()) == 2 and stage.continue_dialog is None, 10, "the next shot")
            nxt = max(eng.tasks(), key=lambda r: r.id)
            [seq] = eng.sequences.all()
            assert [s.takes for s in seq.shots] == [[parent.id], [nxt.id]] and nxt.parent == parent.id
            assert budget.get_limits(eng.store).daily == 0.01           # "anyway" did not change the limit
            await app.wait_done([nxt])
            assert sandbox.creations() == 2

            # a prompt the model refuses: its words in the dialog, and nothing stored
            budget.set_limits(eng.store, None, None)
            dlg = await open_continue(qtbot, stage)
            dlg.prompt.setFocus()
            QGuiApplication.clipboard().setText("雨" * 2600)
            qtbot.keyClick(dlg.prompt, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            qtbot.keyClick(dlg.prompt, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
            assert len(dlg.prompt.toPlainText()) == 2600
            click(qtbot, dlg.radios["last_frame"])
            click(qtbot, dlg.make_button)
            await until(lambda: dlg.message.isVisible() and not dlg.busy, 10, "the refusal")
            assert "2500" in dlg.message.text(), dlg.message.text()
            assert len(eng.tasks()) == 2 and [len(s.shots) for s in eng.sequences.all()] == [2]
            dlg.reject()

            # the video's file is gone: Continue (from the library) says so, plainly
            moved = Path(parent.output_path).with_name("elsewhere.mp4")
            shutil.move(parent.output_path, moved)
            w.show_page("library")
            view = w.library
            view.continue_requested.connect(stage.continue_video)     # as the window wires it
            await until(lambda: view.model.row_of(parent.id) >= 0, 5, "the library")
            view.select_task(parent.id)
            click(qtbot, view.buttons["continue"])
            dlg = await until(lambda: stage.continue_dialog, 5, "the dialog")
            assert dlg.methods == [] and not dlg.make_button.isEnabled()
            assert dlg.message.text().startswith(f"The video file {Path(parent.output_path).name} is not in ")
            dlg.reject()
            assert sandbox.creations() == 2

    run(go(), timeout=180)
