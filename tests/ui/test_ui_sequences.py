"""The Sequences page as a person uses it, against the sandbox: shots made on the text tab and added from
the library's "Add to sequence", a new sequence named in its dialog, cards reordered by dragging and by
Alt+←/→, one shot made again (its price asked first, one more creation, nothing else changed) and its new
take picked, the film stitched with progress (probed: its length, its first and last frames), a film
canceled half-way (no file left), exports to OpenTimelineIO and 剪映 read back, spending limits, the
empty states and a shot whose takes all failed."""
from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QLineEdit, QMenu, QMessageBox
from ui_helpers import choose, click, generate, mp4s, open_app, type_into, until

from bailian_video.engine import Request, State, budget
from bailian_video.engine.sequences import Sequences
from bailian_video.engine.store import TaskStore
from bailian_video.media.probe import probe
from bailian_video.media.timeline import read_back
from bailian_video.ui.sequence_model import ROLE_ROW
from bailian_video.ui.sequence_view import LibraryPicker, SequenceView
from bailian_video.ui.util import spawn
from conftest import QT_NOISE

#: a menu and a player window on the offscreen platform
POPUPS = pytest.mark.qt_log_ignore(*QT_NOISE, r"This plugin does not support (raise\(\)|grabbing the keyboard)")
PROMPTS = ("A red kite over a beach", "A lighthouse at dusk", "Waves on black rocks")


# -- acting like a person ----------------------------------------------------------------------------
async def make_shot(app, qtbot, prompt: str, seconds: int = 2):
    """A finished 2-second Wan 2.7 text-to-video made on the text tab."""
    tab = app.tab("t2v")
    choose(qtbot, tab.model_combo, "Wan 2.7 text-to-video · new")
    ed = tab.input_editors["prompt"].edit
    ed.setFocus()
    ed.selectAll()
    type_into(qtbot, tab, "prompt", prompt)
    choose(qtbot, tab.param_editors["resolution"].combo, "720P")
    box = tab.param_editors["duration"].box
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, str(seconds))
    [rec] = await generate(qtbot, tab)
    [rec] = await app.wait_done([rec])
    assert rec.state == State.DONE, rec.error_message
    return rec


async def open_page(app, qtbot) -> SequenceView:
    """The Sequences page through its switch button in the menu bar's corner."""
    click(qtbot, app.window.page_buttons["sequences"])
    page = app.window.sequences
    assert page is not None and app.window.page() == "sequences" and page.isVisible()
    return page


async def name_dialog(qtbot, name: str) -> None:
    """Type a name into the open name dialog and press OK (Enter)."""
    dlg = await until(lambda: next((w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog)
                                    and w.objectName() == "sequenceNameDialog" and w.isVisible()), None),
                      5, "the name dialog")
    edit = dlg.findChild(QLineEdit)
    edit.selectAll()
    qtbot.keyClicks(edit, name)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    await until(lambda: not dlg.isVisible(), 5, "the name dialog to close")


async def pick_in_menu(qtbot, text: str) -> None:
    """The add-to menu is open: walk down to the entry with the keyboard and press Enter."""
    menu = await until(lambda: next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu)
                                     and w.objectName() == "addToSequenceMenu" and w.isVisible()), None),
                       5, "the add-to menu")
    for _ in range(len(menu.actions()) + 1):
        a = menu.activeAction()
        if a is not None and a.text() == text:
            qtbot.keyClick(menu, Qt.Key.Key_Return)
            await until(lambda: not menu.isVisible(), 5, "the menu to close")
            return
        qtbot.keyClick(menu, Qt.Key.Key_Down)
    raise AssertionError(f"{text!r} not among {[a.text() for a in menu.actions()]}")


async def add_to(app, qtbot, recs, target: str) -> None:
    """The library's "Add to sequence" path: the window's handler, its menu, the entry chosen."""
    task = spawn(app.window.add_to_sequence_flow(list(recs), QPoint(100, 100)))
    await pick_in_menu(qtbot, target)
    await until(task.done, 10, "the videos to be added")
    assert task.result() is not None


async def message_box(name: str) -> QMessageBox:
    return await until(lambda: next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)
                                     and w.objectName() == name and w.isVisible()), None), 10, name)


async def in_file_dialog(qtbot, page: SequenceView, path: str) -> None:
    """Type a path into the export's file dialog and press Enter."""
    dlg = await until(lambda: page.findChild(QFileDialog, "exportDialog"), 5, "the file dialog")
    await until(dlg.isVisible, 5, "the file dialog to show")
    edit = dlg.findChild(QLineEdit, "fileNameEdit")
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, path)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    await until(lambda: not dlg.isVisible(), 5, "the file dialog to close")


def order(page: SequenceView) -> list[int]:
    """The chosen take's task id of each card, left to right."""
    return [page.model.index(r, 0).data(ROLE_ROW).take.id for r in range(page.model.rowCount())]


def card_centre(page: SequenceView, row: int) -> QPoint:
    return page.strip.visualRect(page.model.index(row, 0)).center()


def drag_card(qtbot, page: SequenceView, source: int, before: int) -> None:
    """Drag card ``source`` with the mouse and drop it on the left half of card ``before`` (or past the end).
    The press and the move start the view's own drag; the offscreen platform has no drag loop (``QDrag.exec``
    returns at once), so the drop arrives as the system would send it: enter, move and drop events on the
    view, carrying the data its model packs for that card."""
    strip, view = page.strip, page.strip.viewport()
    start = card_centre(page, source)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    assert strip.currentIndex().row() == source
    strip.dragged = None
    qtbot.mouseMove(view, start + QPoint(QApplication.startDragDistance() + 12, 0))
    assert strip.dragged == page.model.rows[source].shot.id          # the view picked the card up
    mime = page.model.mimeData([page.model.index(source, 0)])
    n = page.model.rowCount()
    if before < n:
        rect = strip.visualRect(page.model.index(before, 0))
        at = QPoint(rect.left() + rect.width() // 4, rect.center().y())
    else:
        rect = strip.visualRect(page.model.index(n - 1, 0))
        at = QPoint(rect.right() - 4, rect.center().y())
    move, buttons, mods = Qt.DropAction.MoveAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(view, QDragEnterEvent(at, move, mime, buttons, mods))
    ev = QDragMoveEvent(at, move, mime, buttons, mods)
    QApplication.sendEvent(view, ev)
    assert ev.isAccepted() and strip.drop_row == before       # the line between the cards shows where
    drop = QDropEvent(QPointF(at), move, mime, buttons, mods)
    QApplication.sendEvent(view, drop)
    assert drop.isAccepted() and strip.drop_row is None
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)


def frame_at(path: Path, last: bool) -> np.ndarray:
    with av.open(str(path)) as c:
        picked = None
        for frame in c.decode(video=0):
            picked = frame
            if not last:
                break
        assert picked is not None
        return picked.to_ndarray(format="rgb24").astype(np.int16)


# -- the whole way: shots, order, a new take, the film, exports ---------------------------------------
@POPUPS
def test_a_sequence_from_three_shots_to_a_film(qtbot, run, data_dir, tmp_path):
    async def go():
        async with open_app(data_dir) as app:
            w = app.window
            sandbox = app.session.ctx.sandbox
            first = await make_shot(app, qtbot, PROMPTS[0])
            page = await open_page(app, qtbot)
            assert page.none_text.isVisible() and "press Continue" in page.none_text.text()

            # a new sequence, named in its dialog, then the first video added through "Add to sequence"
            click(qtbot, page.new_button)
            await name_dialog(qtbot, "Kite film")
            await until(lambda: page.sequence() is not None, 5, "the new sequence")
            assert page.strip_empty_text.isVisible() and page.title.text() == "Kite film"
            await add_to(app, qtbot, [first], "Kite film")
            assert order(page) == [first.id] and w.page() == "sequences"
            second = await make_shot(app, qtbot, PROMPTS[1])
            third = await make_shot(app, qtbot, PROMPTS[2])
            # the other two chosen in the library, added with its "Add to sequence…" (in the library's order:
            # the newest first)
            click(qtbot, w.page_buttons["library"])
            library = w.library
            await until(lambda: library.proxy.index_of(second.id).isValid() and library.proxy.index_of(third.id)
                        .isValid(), 5, "the new videos in the library")
            sel = library.grid.selectionModel()
            sel.clear()
            for rec in (second, third):
                sel.select(library.proxy.index_of(rec.id), QItemSelectionModel.SelectionFlag.Select)
            assert library.buttons["add_to_sequence"].isEnabled()
            click(qtbot, library.buttons["add_to_sequence"])
            await pick_in_menu(qtbot, "Kite film")
            await until(lambda: w.page() == "sequences" and page.model.rowCount() == 3, 10, "the two new shots")
            assert page.list.count() == 1 and order(page) == [first.id, third.id, second.id]
            assert page.summary.text().startswith("3 shots · 6.0 s · cost so far ¥")

            # reorder: drag the last card before the second, then Alt+→ and Alt+← move it and back
            drag_card(qtbot, page, 2, 1)
            await until(lambda: order(page) == [first.id, second.id, third.id], 5, "the dragged order")
            seq = app.session.engine.sequences.get(page.current_id)
            assert [s.chosen for s in seq.shots] == [first.id, second.id, third.id]      # stored
            assert page.strip.currentIndex().row() == 1                                 # the moved card stays selected
            drag_card(qtbot, page, 0, 3)                                                # the first past the end
            await until(lambda: order(page) == [second.id, third.id, first.id], 5, "dragged to the end")
            page.strip.setFocus()
            qtbot.keyClick(page.strip, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
            await until(lambda: order(page) == [second.id, first.id, third.id], 5, "Alt+Left")
            qtbot.keyClick(page.strip, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
            await until(lambda: order(page) == [first.id, second.id, third.id], 5, "Alt+Left again")
            qtbot.keyClick(page.strip, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
            await until(lambda: order(page) == [second.id, first.id, third.id], 5, "Alt+Right")
            qtbot.keyClick(page.strip, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
            await until(lambda: order(page) == [first.id, second.id, third.id], 5, "Alt+Left back")

            # the middle shot made again: its price first, one more creation, the other shots untouched
            qtbot.mouseClick(page.strip.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             card_centre(page, 1))
            assert page.shot_title.text() == "Shot 2"
            assert page.regen_button.text() == "Regenerate — ¥1.20"       # 2 s at ¥0.60/s (720P)
            made = sandbox.creations()
            before = {s.id: s.chosen for s in app.session.engine.sequences.get(page.current_id).shots}
            task = spawn(page.regenerate())
            box = await message_box("regenerateConfirm")
            assert box.text() == "Make a new take of shot 2 — about ¥1.20?"
            click(qtbot, next(b for b in box.buttons() if b.text() == "Make a new take"))
            await until(task.done, 10, "the new take to be queued")
            [take] = task.result()
            assert take.request.params["seed"] != second.request.params["seed"]
            assert take.request.prompt == second.request.prompt and take.model == second.model
            [take] = await app.wait_done([take])
            assert take.state == State.DONE and sandbox.creations() == made + 1
            cards = await until(lambda: len(page.take_cards()) == 2 and page.take_cards(), 5, "the second take's card")
            await until(cards[1].use.isEnabled, 5, "the new take to be usable")
            assert cards[0].title.text().endswith("In the film") and not cards[1].title.text().endswith("In the film")
            click(qtbot, cards[1].use)
            shots = app.session.engine.sequences.get(page.current_id).shots
            assert {s.id: s.chosen for s in shots} == {**before, shots[1].id: take.id}
            assert order(page) == [first.id, take.id, third.id] and shots[1].takes == [second.id, take.id]
            await until(lambda: cards[1].title.text().endswith("In the film"), 5, "the mark on the new take")
            assert sandbox.creations() == made + 1
            click(qtbot, cards[1].play)                     # the take plays in its own window
            player = await until(lambda: page.player is not None and page.player.isVisible() and page.player,
                                 10, "the player")
            assert player.grid.paths() == [take.output_path] and player.windowTitle() == "Shot 2, take 2"
            player.reject()

            # the film: progress to 100 %, then probed
            seen: list[float] = []
            page.film_progress.connect(seen.append)
            films_before = set(mp4s(app.out_dir))
            task = spawn(page.make_film())
            await until(task.done, 60, "the film")
            film = task.result()
            assert film is not None and seen and seen[-1] == 1.0 and page.film_bar.value() == 100
            assert page.done_text.text().startswith("Film saved: ") and page.done_play.isVisible()
            out = Path(film.output_path)
            assert set(mp4s(app.out_dir)) - films_before == {out}
            assert film.model == "film" and app.session.engine.get(film.id) is film
            library = w.ensure_library()                                            # in the library
            await until(lambda: library.model.row_of(film.id) >= 0, 5, "the film in the library")
            chosen = [first, take, third]
            infos = [probe(r.output_path) for r in chosen]
            info = probe(out)
            frame = 1 / (infos[0].fps or 25.0)
            assert abs(info.duration - sum(i.duration for i in infos)) <= frame * (len(chosen) - 1) + 1e-6
            assert np.abs(frame_at(out, False) - frame_at(Path(first.output_path), False)).mean() < 2.0
            assert np.abs(frame_at(out, True) - frame_at(Path(third.output_path), True)).mean() < 2.0
            click(qtbot, page.done_folder)

            # a cross-fade makes the film re-encode: Cancel half-way leaves no file
            choose(qtbot, page.fade, "0.5 s")
            assert app.session.engine.sequences.get(page.current_id).crossfade == 0.5
            seen.clear()
            task = spawn(page.make_film())
            await until(lambda: seen and 0 < seen[-1] < 1, 30, "the film to be under way")
            click(qtbot, page.film_cancel)
            await until(task.done, 30, "the film to stop")
            assert task.result() is None and page.done_text.text() == "Canceled: no film was made."
            assert set(mp4s(app.out_dir)) - films_before == {out}
            assert not list(app.out_dir.glob("*.part*"))

            # exports, read back with the editors' own libraries
            names = [Path(r.output_path).name for r in chosen]
            target = tmp_path / "kite.otio"
            task = spawn(page.export("otio"))
            await in_file_dialog(qtbot, page, str(target))
            await until(task.done, 30, "the export")
            assert task.result() == target and [n for n, _, _ in read_back(target)] == names
            assert page.done_text.text() == "Exported “kite.otio” (3 clips)"
            drafts = tmp_path / "drafts"
            drafts.mkdir()
            task = spawn(page.export("jianying"))
            await in_file_dialog(qtbot, page, str(drafts))
            await until(task.done, 30, "the 剪映 draft")
            draft = task.result()
            assert draft is not None and draft.parent == drafts
            assert [n for n, _, _ in read_back(draft)] == names
    run(go(), timeout=300)


# -- empty states, a shot whose takes all failed, the list's buttons ----------------------------------
@POPUPS
def test_empty_states_a_failed_shot_and_the_sequence_list(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            eng = app.session.engine
            page = await open_page(app, qtbot)
            assert page.main.currentWidget() is page.none_page and page.none_text.isVisible()
            assert not page.rename_button.isEnabled() and not page.delete_button.isEnabled()

            # another process (the CLI) makes a sequence: the page shows it within a second or so
            other = TaskStore(eng.store.path)
            try:
                Sequences(other).create("From the CLI")
                await until(lambda: page.list.count() == 1, 3, "the CLI's sequence")
            finally:
                other.close()
            assert page.title.text() == "From the CLI" and page.strip_empty_text.isVisible()
            assert "no shots yet" in page.strip_empty_text.text() and page.summary.text().startswith("0 shots")

            # a video added with the page's own "Add from library…"
            shot = await make_shot(app, qtbot, PROMPTS[0])
            click(qtbot, page.add_button)
            picker = await until(lambda: page.findChild(LibraryPicker), 5, "the picker")
            await until(picker.isVisible, 5, "the picker to show")
            assert picker.list.count() == 1 and not picker.add_button.isEnabled()
            item = picker.list.item(0)
            qtbot.mouseClick(picker.list.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             picker.list.visualItemRect(item).center())
            click(qtbot, picker.add_button)
            await until(lambda: page.model.rowCount() == 1, 5, "the new shot")
            assert order(page) == [shot.id] and page.film_button.isEnabled()

            # a second shot whose only take fails: said on its card, under the strip, and by Make film
            sandbox = app.session.ctx.sandbox
            sandbox.set_faults("moderation*1")
            empty = eng.sequences.add_shot(page.current_id)
            request = Request.from_json(shot.request.to_json())
            request.params.pop("seed")
            res = await eng.submit(request, shot=empty.id)
            [bad] = await app.wait_done(res.tasks)
            assert bad.state == State.FAILED
            await until(lambda: page.model.rowCount() == 2 and page.model.rows[1].all_failed, 5, "the failed shot")
            qtbot.mouseClick(page.strip.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             card_centre(page, 1))
            assert page.shot_note.text() == "Every take of this shot failed. Regenerate it, or remove the shot."
            [card] = page.take_cards()
            assert "Failed" in card.state.text() and not card.use.isEnabled() and not card.play.isEnabled()
            click(qtbot, page.film_button)
            await until(page.error.isVisible, 5, "the reason there is no film")
            assert page.error.isVisible() and "Shot 2 has no finished video yet" in page.error.text()

            # made again, it is the shot's take; then the shot is removed (its takes stay in the library)
            made = sandbox.creations()
            task = spawn(page.regenerate())
            box = await message_box("regenerateConfirm")
            click(qtbot, next(b for b in box.buttons() if b.text() == "Make a new take"))
            [again] = await task
            [again] = await app.wait_done([again])
            assert again.state == State.DONE and sandbox.creations() == made + 1
            await until(lambda: page.model.rows[1].take is not None and page.model.rows[1].take.id == again.id,
                        5, "the new take in the film")
            assert not page.shot_note.isVisible()
            click(qtbot, page.remove_button)
            box = await message_box("removeShotDialog")
            assert box.text() == "Remove shot 2 from the sequence?"
            click(qtbot, next(b for b in box.buttons() if b.text() == "Remove shot"))
            await until(lambda: order(page) == [shot.id], 5, "the shot to go")
            assert eng.get(bad.id) and eng.get(again.id)

            # rename, switch languages, delete (the videos stay)
            click(qtbot, page.rename_button)
            await name_dialog(qtbot, "Beach day")
            await until(lambda: page.title.text() == "Beach day", 5, "the new name")
            assert page.list.item(0).text().startswith("Beach day\n1 shot · ")
            app.window.set_language("zh")
            app.window.set_language("en")
            assert page.title.text() == "Beach day" and order(page) == [shot.id]
            click(qtbot, page.delete_button)
            box = await message_box("deleteSequenceDialog")
            click(qtbot, next(b for b in box.buttons() if b.text() == "Delete sequence"))
            await until(lambda: page.main.currentWidget() is page.none_page, 5, "no sequence left")
            assert eng.sequences.all() == []
            assert eng.get(shot.id) is not None and Path(shot.output_path).is_file()
    run(go(), timeout=200)


# -- the spending limit holds a new take ---------------------------------------------------------------
@POPUPS
def test_a_new_take_over_the_spending_limit_is_held_until_the_person_says(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            eng, sandbox = app.session.engine, app.session.ctx.sandbox
            shot = await make_shot(app, qtbot, PROMPTS[1])
            page = await open_page(app, qtbot)
            seq = eng.sequences.create("Held")
            page.add_records(seq.id, [shot])
            spent = budget.spend(eng.store).today
            budget.set_limits(eng.store, spent + 1.0, None)          # the next ¥1.20 would cross it
            made = sandbox.creations()

            async def regenerate_and(answer: str) -> list:
                task = spawn(page.regenerate())
                box = await message_box("regenerateConfirm")
                click(qtbot, next(b for b in box.buttons() if b.text() == "Make a new take"))
                hold = await message_box("budgetHold")
                assert "¥1.20" in hold.text()
                click(qtbot, next(b for b in hold.buttons() if b.text() == answer))
                return await task

            assert await regenerate_and("Don't submit") == []
            assert sandbox.creations() == made and eng.sequences.get(seq.id).shots[0].takes == [shot.id]
            [take] = await regenerate_and("Submit anyway, just this once")
            [take] = await app.wait_done([take])
            assert take.state == State.DONE and sandbox.creations() == made + 1
            assert eng.sequences.get(seq.id).shots[0].takes == [shot.id, take.id]
    run(go(), timeout=200)
