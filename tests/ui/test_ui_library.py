"""The library as a person uses it, against real sandbox results: the filter bar (model, kind, state,
search in English and Chinese, favourites after clicking a star, sort), selection and its actions
(compare, play, use settings, open, show in folder, archive), Delete to the system trash (and what
happens when there is no trash), hover scrubbing through a filmstrip, tiles that grow with the window,
thumbnails kept on disk and reused, pictures for missing and broken files, and 10,000 results."""
from __future__ import annotations

import contextlib
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QStandardPaths, Qt
from PySide6.QtGui import QInputMethodEvent, QPixmap
from PySide6.QtWidgets import QApplication, QMessageBox
from test_ui_library_model import I2V, T2V, five_results
from ui_helpers import choose, choose_model, click, open_app, until

from bailian_video import catalog
from bailian_video.engine import Request, State, TaskRecord, TaskStore
from bailian_video.engine.paths import store_path
from bailian_video.media.samples import make_video
from bailian_video.ui import translations
from bailian_video.ui.library_model import ROLE_PROBLEM, ROLE_THUMB
from bailian_video.ui.library_view import LibraryView, picture_rect, star_rect
from bailian_video.ui.thumbs import MISSING, STRIP_FRAMES, UNREADABLE
from bailian_video.ui.util import tx

#: a tile's tooltip shows after the mouse rests on it; the offscreen platform says it cannot raise it
HEADLESS_TOOLTIP = pytest.mark.qt_log_ignore(r"This plugin does not support (raise|propagateSizeHints)\(\)")


@contextlib.asynccontextmanager
async def library(app, width: int = 1280, height: int = 800) -> AsyncIterator[LibraryView]:
    """The Library page, shown, with its thumbnail workers finished before it closes. The main window is
    hidden: the offscreen platform sends a test's mouse moves to the first window under the point."""
    app.window.hide()
    view = LibraryView(app.session)
    view.resize(width, height)
    view.show()
    try:
        await until(lambda: view.grid.isVisible() or view.empty.isVisible(), 5, "the library to show")
        yield view
    finally:
        await until(lambda: view.model.thumbs.idle(), 30, "the thumbnail workers to finish")
        view.close()
        view.deleteLater()


def tile(view: LibraryView, rec) -> QPoint:
    rect = view.grid.visualRect(view.proxy.index_of(rec.id))
    assert rect.isValid() and view.grid.viewport().rect().intersects(rect), f"tile of task {rec.id} is not shown"
    return rect.center()


def click_tile(qtbot, view: LibraryView, rec, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.mouseClick(view.grid.viewport(), Qt.MouseButton.LeftButton, modifier, tile(view, rec))


def shown(view: LibraryView) -> list[str]:
    return [view.proxy.record(view.proxy.index(i, 0)).prompt for i in range(view.proxy.rowCount())]


async def painted(view: LibraryView) -> None:
    """Every tile on screen has its poster (the workers made or read them)."""
    grid = view.grid

    def ready() -> bool:
        screen = grid.viewport().rect()
        top = grid.indexAt(QPoint(2, 2))                 # tiles are in reading order: from the first on screen
        for row in range(top.row() if top.isValid() else 0, view.proxy.rowCount()):
            idx = view.proxy.index(row, 0)
            rect = grid.visualRect(idx)
            if rect.top() > screen.bottom():
                break
            if rect.intersects(screen) and not isinstance(idx.data(ROLE_THUMB), QPixmap) and not idx.data(ROLE_PROBLEM):
                return False
        return True
    grid.viewport().repaint()
    await until(ready, 30, "the posters of the tiles on screen")


async def typed(qtbot, view: LibraryView, text: str, expect: int) -> None:
    """Clear the search field and type: keys for ASCII, an input method's commit for Chinese (as a pinyin
    IME delivers it)."""
    view.search.setFocus()
    view.search.selectAll()
    qtbot.keyClick(view.search, Qt.Key.Key_Backspace)
    if text.isascii():
        qtbot.keyClicks(view.search, text)
    else:
        ime = QInputMethodEvent()
        ime.setCommitString(text)
        QApplication.sendEvent(view.search, ime)
    await until(lambda: view.proxy.rowCount() == expect and view.proxy.text == text, 5, f"{expect} for {text!r}")


def test_filter_bar_search_star_favourites_and_sort(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            boat, cat, card, lighthouse, spin = await five_results(app, assets)
            async with library(app) as view:
                await until(lambda: view.proxy.rowCount() == 5, 5, "five tiles")
                assert view.count.text().startswith("5 result")
                assert view.search.placeholderText()
                # model, then kind of video
                choose_model(qtbot, view.model_combo, I2V)
                await until(lambda: shown(view) == [spin.prompt, card.prompt], 5, "the image-to-video model")
                choose(qtbot, view.model_combo, "All models")
                choose(qtbot, view.family_combo, tx(catalog.family_spec("t2v").title))
                await until(lambda: shown(view) == [lighthouse.prompt, cat.prompt, boat.prompt], 5, "text-to-video")
                assert view.count.text().startswith("3 result")
                choose(qtbot, view.state_combo, "Failed or needs attention")
                await until(lambda: view.proxy.rowCount() == 0, 5, "no failures")
                assert view.stack.currentWidget() is view.empty and "Nothing matches" in view.empty_text.text()
                click(qtbot, view.clear_button)
                await until(lambda: view.proxy.rowCount() == 5, 5, "the filters cleared")
                assert view.family_combo.currentIndex() == 0 and view.state_combo.currentIndex() == 0
                # search: a word of a prompt, in English and in Chinese, and a task id
                await typed(qtbot, view, "lighthouse", 1)
                assert shown(view) == [lighthouse.prompt]
                await typed(qtbot, view, "小猫", 1)
                assert shown(view) == [cat.prompt]
                await typed(qtbot, view, card.task_id, 1)
                assert shown(view) == [card.prompt]
                await typed(qtbot, view, "", 5)
                view.focus_search()
                assert view.search.hasFocus()
                # the star on a tile, then favourites only
                await painted(view)
                rect = view.grid.visualRect(view.proxy.index_of(cat.id))
                qtbot.mouseClick(view.grid.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                                 star_rect(rect).center())
                await until(lambda: cat.favourite, 5, "the star to mark it")
                assert view.grid.selectionModel().selectedIndexes() == []       # a star click does not select
                click(qtbot, view.favourites)
                await until(lambda: shown(view) == [cat.prompt], 5, "favourites only")
                assert view.favourites.text().startswith("★")
                click(qtbot, view.favourites)
                await until(lambda: view.proxy.rowCount() == 5, 5, "all again")
                # sort
                choose(qtbot, view.sort_combo, "Oldest first")
                assert shown(view) == [boat.prompt, cat.prompt, card.prompt, lighthouse.prompt, spin.prompt]
                choose(qtbot, view.sort_combo, "Longest first")
                assert shown(view)[0] == cat.prompt                             # the 4-second video
                choose(qtbot, view.sort_combo, "Cost: high to low")
                costs = [view.proxy.record(view.proxy.index(i, 0)).cost_actual for i in range(5)]
                assert costs == sorted(costs, reverse=True)
                # archive a tile; archived ones are shown (badged) until the box is cleared
                choose(qtbot, view.sort_combo, "Newest first")
                click_tile(qtbot, view, boat)
                assert view.buttons["archive"].text() == "Archive"
                click(qtbot, view.buttons["archive"])
                await until(lambda: boat.archived, 5, "archived")
                assert view.proxy.rowCount() == 5 and view.buttons["archive"].text() == "Unarchive"
                click(qtbot, view.archived)
                await until(lambda: boat.prompt not in shown(view), 5, "archived ones hidden")
                click(qtbot, view.archived)
                await until(lambda: view.proxy.rowCount() == 5, 5, "archived ones back")
    run(go())


def test_select_compare_play_settings_open_and_folder(qtbot, run, data_dir, assets, opened):
    async def go():
        async with open_app(data_dir) as app:
            boat, cat, card, lighthouse, spin = await five_results(app, assets)
            async with library(app) as view:
                await until(lambda: view.proxy.rowCount() == 5, 5, "five tiles")
                compare = view.buttons["compare"]
                compared, played, settings = [], [], []
                view.compare.connect(compared.append)
                view.play.connect(played.append)
                view.use_settings.connect(settings.append)
                click_tile(qtbot, view, card)
                assert not compare.isEnabled() and "2 to 4" in compare.toolTip()
                click_tile(qtbot, view, boat, Qt.KeyboardModifier.ControlModifier)
                assert view.selected_records() == [card, boat] and compare.isEnabled()
                click(qtbot, compare)
                assert [[r.id for r in recs] for recs in compared] == [[card.id, boat.id]]
                # Shift+click takes the tiles between; a rubber band from the empty space takes those it touches
                click_tile(qtbot, view, lighthouse)
                click_tile(qtbot, view, cat, Qt.KeyboardModifier.ShiftModifier)
                assert view.selected_records() == [lighthouse, card, cat]
                click_tile(qtbot, view, spin)
                vp = view.grid.viewport()
                boat_tile = view.grid.visualRect(view.proxy.index_of(boat.id))        # alone on the second row
                start = QPoint(boat_tile.center().x() + boat_tile.width() * 3, boat_tile.center().y())   # under cat
                end = tile(view, lighthouse)
                qtbot.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
                qtbot.mouseMove(vp, (start + end) / 2)
                qtbot.mouseMove(vp, end)
                qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
                assert view.selected_records() == [lighthouse, card, cat] and compare.isEnabled()
                # Ctrl+A: five is too many to compare
                view.grid.setFocus()
                qtbot.keyClick(view.grid, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
                assert len(view.selected_records()) == 5 and not compare.isEnabled()
                # double-click and Enter play; the buttons hand the video on
                qtbot.mouseDClick(view.grid.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                                  tile(view, lighthouse))
                click_tile(qtbot, view, cat)
                qtbot.keyClick(view.grid, Qt.Key.Key_Return)
                assert played == [lighthouse, cat]
                click(qtbot, view.buttons["use_settings"])
                click(qtbot, view.buttons["open"])
                click(qtbot, view.buttons["folder"])
                assert settings == [cat]
                assert opened == [cat.output_path, "folder:" + cat.output_path]
                # the context menu offers the same actions, enabled for the selection
                menu = view.build_menu()
                names = [a.objectName() for a in menu.actions() if a.objectName()]
                assert names == ["library_play", "library_compare", "library_use_settings", "library_continue",
                                 "library_add_to_sequence", "library_open", "library_folder", "library_favourite",
                                 "library_archive", "library_delete"]
                assert [a.isEnabled() for a in menu.actions() if a.objectName() == "library_compare"] == [False]
                menu.deleteLater()
                # every control is reachable with Tab and has a name for screen readers
                for w in (view.search, view.family_combo, view.model_combo, view.state_combo, view.date_combo,
                          view.favourites, view.archived, view.sort_combo, view.grid, *view.buttons.values()):
                    assert w.focusPolicy() & Qt.FocusPolicy.TabFocus, w.objectName()
                    assert w.accessibleName() or w.text(), w.objectName()
    run(go())


def trash_files() -> Path:
    """Where QFile.moveToTrash puts files on Linux: <generic data>/Trash/files (a temporary home here)."""
    share = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation))
    assert str(share).startswith(os.environ["HOME"]), share        # never the real trash
    return share / "Trash" / "files"


async def answer(view: LibraryView, name: str, button: str) -> None:
    box = await until(lambda: view.findChild(QMessageBox, name), 5, f"the {name}")
    await until(lambda: box.isVisible(), 5, "the box to show")
    found = [b for b in box.buttons() if button in b.text()]
    assert found, [b.text() for b in box.buttons()]
    found[0].click()


def test_delete_moves_videos_and_settings_to_the_trash(qtbot, run, data_dir, assets):
    async def go():
        trash = trash_files()
        trash.parent.parent.mkdir(parents=True, exist_ok=True)
        async with open_app(data_dir) as app:
            boat, cat, card, lighthouse, spin = await five_results(app, assets)
            async with library(app) as view:
                await until(lambda: view.proxy.rowCount() == 5, 5, "five tiles")
                video, sidecar = Path(card.output_path), Path(card.sidecar_path)
                assert video.is_file() and sidecar.is_file()
                click_tile(qtbot, view, card)
                click_tile(qtbot, view, spin, Qt.KeyboardModifier.ControlModifier)
                qtbot.keyClick(view.grid, Qt.Key.Key_Delete)
                box = await until(lambda: view.findChild(QMessageBox, "libraryDeleteDialog"), 5, "the question")
                assert box.text().startswith("Delete 2 video") and "system trash" in box.informativeText()
                await answer(view, "libraryDeleteDialog", "Cancel")
                await until(lambda: view.findChild(QMessageBox, "libraryDeleteDialog") is None, 5, "the box to go")
                assert video.is_file() and app.session.engine.get(card.id) is not None
                qtbot.keyClick(view.grid, Qt.Key.Key_Delete)
                await answer(view, "libraryDeleteDialog", "Move to trash")
                await until(lambda: app.session.engine.get(card.id) is None and app.session.engine.get(spin.id) is None,
                            10, "both to leave the library")
                await until(lambda: view.proxy.rowCount() == 3, 5, "three tiles")
                assert card.prompt not in shown(view) and spin.prompt not in shown(view)
                for f in (video, sidecar, Path(spin.output_path), Path(spin.sidecar_path)):
                    assert not f.exists() and (trash / f.name).is_file(), f
                assert Path(boat.output_path).is_file()
                assert view.note.text().startswith("2 video") and "trash" in view.note.text()
    run(go())


def test_without_a_trash_nothing_is_deleted_unless_confirmed_again(qtbot, run, data_dir, assets):
    async def go():
        assert not trash_files().parent.parent.exists()       # no data folder for a trash: moveToTrash fails
        async with open_app(data_dir) as app:
            recs = await five_results(app, assets)
            boat = recs[0]
            async with library(app) as view:
                await until(lambda: view.proxy.rowCount() == 5, 5, "five tiles")
                video = Path(boat.output_path)
                click_tile(qtbot, view, boat)
                qtbot.keyClick(view.grid, Qt.Key.Key_Delete)
                await answer(view, "libraryDeleteDialog", "Move to trash")
                await answer(view, "libraryTrashFailedDialog", "Keep the files")
                await until(lambda: "Nothing was deleted" in view.note.text(), 5, "the note")
                assert video.is_file() and app.session.engine.get(boat.id) is not None and view.proxy.rowCount() == 5
                await until(lambda: view.findChild(QMessageBox, "libraryTrashFailedDialog") is None, 5, "the box to go")
                qtbot.keyClick(view.grid, Qt.Key.Key_Delete)
                await answer(view, "libraryDeleteDialog", "Move to trash")
                box = await until(lambda: view.findChild(QMessageBox, "libraryTrashFailedDialog"), 5, "the warning")
                assert "could not be moved to the system trash" in box.text() and "cannot be undone" in box.informativeText()
                await answer(view, "libraryTrashFailedDialog", "Delete permanently")
                await until(lambda: app.session.engine.get(boat.id) is None, 10, "the record to go")
                assert not video.exists() and not Path(boat.sidecar_path).exists()
                await until(lambda: view.proxy.rowCount() == 4, 5, "four tiles")
    run(go())


@HEADLESS_TOOLTIP
def test_hovering_a_tile_scrubs_through_its_filmstrip(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            recs = await five_results(app, assets)
            cat = recs[1]                                             # the 4-second video
            async with library(app) as view:
                await painted(view)
                grid = view.grid
                pic = picture_rect(grid.visualRect(view.proxy.index_of(cat.id)))
                made = view.model.thumbs.made
                frames = []
                for x in (pic.left() + pic.width() // 10, pic.right() - pic.width() // 10):
                    qtbot.mouseMove(grid.viewport(), QPoint(x, pic.center().y()))
                    want = min(STRIP_FRAMES - 1, (x - pic.left()) * STRIP_FRAMES // pic.width())
                    await until(lambda w=want: grid.frames_shown.get(cat.id) == w, 20, f"frame {want} to show")
                    grid.viewport().repaint()
                    frames.append(grid.viewport().grab(pic).toImage())
                assert frames[0] != frames[1]
                assert grid.frames_shown[cat.id] == STRIP_FRAMES - 1
                assert view.model.thumbs.made == made + 1                 # one filmstrip, for the hovered video only
                assert len(list((data_dir / "thumbs").glob("*.jpg"))) == 6
                # leaving the tile shows its poster again
                qtbot.mouseMove(grid.viewport(), QPoint(grid.viewport().width() - 2, grid.viewport().height() - 2))
                await until(lambda: grid.scrub_at(view.proxy.index_of(cat.id)) is None, 5, "the hover to end")
    run(go())


def test_tiles_grow_with_the_window(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            recs = await five_results(app, assets)
            async with library(app, 1000, 700) as view:
                grid = view.grid

                def layout() -> tuple[int, int]:
                    rects = [grid.visualRect(view.proxy.index_of(r.id)) for r in recs]
                    columns = len({r.left() for r in rects})
                    return rects[0].width(), columns

                async def at(width: int) -> tuple[int, int]:
                    view.resize(width, 700)
                    await until(lambda: view.width() == width and layout()[0] == grid.gridSize().width(), 5,
                                "the new layout")
                    w, columns = layout()
                    assert 0 <= grid.viewport().width() - w * columns <= 20     # the tiles fill the row
                    assert abs(picture_rect(grid.visualRect(view.proxy.index(0, 0))).height()
                               - (w - 16) * 9 / 16) <= 1                       # a 16:9 picture
                    return w, columns

                narrow = await at(1000)
                wide = await at(1200)
                wider = await at(1700)
                assert narrow[1] == wide[1] == 3 and wide[0] > narrow[0]        # same columns, larger tiles
                assert wider[1] == 5 and wider[0] >= 300                        # more columns when they fit
    run(go())


def test_thumbnails_are_kept_on_disk_and_reused(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            recs = await five_results(app, assets)
            assert app.session.config.data_dir == data_dir
            async with library(app) as first:
                await painted(first)
                assert first.model.thumbs.made == 5
            posters = sorted((data_dir / "thumbs").glob("*.jpg"))
            assert len(posters) == 5
            async with library(app) as second:                        # a new model and cache, as after a restart
                await painted(second)
                assert second.model.thumbs.made == 0 and second.model.thumbs.loaded == 5
                assert sorted((data_dir / "thumbs").glob("*.jpg")) == posters
                # a changed file gets a new picture
                Path(recs[0].output_path).write_bytes(Path(recs[1].output_path).read_bytes())
                second.model.thumbs.forget(recs[0].output_path)
                second.grid.viewport().update()
                await until(lambda: second.model.thumbs.made == 1, 20, "a new poster for the changed file")
                assert len(list((data_dir / "thumbs").glob("*.jpg"))) == 6
    run(go())


@HEADLESS_TOOLTIP
def test_missing_and_broken_files_get_a_picture_that_says_why(qtbot, run, data_dir, assets):
    async def go():
        async with open_app(data_dir) as app:
            boat, cat, *_ = await five_results(app, assets)
            os.remove(boat.output_path)
            Path(cat.output_path).write_bytes(b"\0" * 4096)
            async with library(app) as view:
                await painted(view)
                assert view.proxy.index_of(boat.id).data(ROLE_PROBLEM) == MISSING
                assert view.proxy.index_of(cat.id).data(ROLE_PROBLEM) == UNREADABLE
                grid = view.grid
                pic = picture_rect(grid.visualRect(view.proxy.index_of(boat.id)))
                qtbot.mouseMove(grid.viewport(), pic.center())             # no filmstrip for it either
                await until(lambda: grid.scrub_at(view.proxy.index_of(boat.id)) is not None, 5, "the hover")
                grid.viewport().repaint()
                assert boat.id not in grid.frames_shown
    run(go())


def test_empty_library_says_what_will_appear_in_either_language(qtbot, run, data_dir):
    async def go():
        async with open_app(data_dir) as app:
            async with library(app) as view:
                assert view.stack.currentWidget() is view.empty
                assert view.empty_text.text() == "No videos yet — what you make appears here"
                assert not view.clear_button.isVisible()
                assert view.count.text().startswith("0 result")
                # switching the language relabels the bar (the kinds of video come from the catalogue)
                choose(qtbot, view.family_combo, tx(catalog.family_spec("i2v").title))
                title = catalog.family_spec("i2v").title
                translations.apply_language("zh")
                try:
                    await until(lambda: view.family_combo.currentText() == title.zh, 5, "the Chinese labels")
                    assert view.family_combo.currentData() == "i2v"          # the choice is kept
                finally:
                    translations.apply_language("en")
                await until(lambda: view.family_combo.currentText() == title.en, 5, "the English labels")
    run(go())


def test_ten_thousand_results(qtbot, run, data_dir, tmp_path):
    video = make_video(tmp_path / "one.mp4", 320, 180, 1.0)
    store = TaskStore(store_path(data_dir, True), "sandbox")
    now = time.time() - 10_000 * 60
    for i in range(10_000):
        model = I2V if i % 5 == 0 else T2V
        rec = TaskRecord(id=0, request=Request(model, {"prompt": f"A lighthouse in the fog #{i}"}, {"duration": 2}),
                         state=State.DONE, family=catalog.require(model).family.value, task_id=f"task-{i:06d}",
                         created_at=now + i * 60, done_at=now + i * 60 + 40, cost_actual=1.2, output_path=str(video),
                         backend="sandbox")
        store.add(rec)
    store.close()

    async def go():
        async with open_app(data_dir) as app:
            async with library(app) as view:
                await until(lambda: view.proxy.rowCount() == 10_000, 30, "10,000 tiles")
                assert view.count.text().startswith("10,000 result")
                await painted(view)
                grid = view.grid
                grid.setFocus()
                qtbot.keyClick(grid, Qt.Key.Key_End)                     # to the end: the oldest
                await until(lambda: grid.verticalScrollBar().value() == grid.verticalScrollBar().maximum() > 0, 5,
                            "the end")
                last = view.proxy.index(9_999, 0)
                assert grid.viewport().rect().intersects(grid.visualRect(last))
                assert view.proxy.record(last).prompt == "A lighthouse in the fog #0"
                await painted(view)
                await typed(qtbot, view, "#9999", 1)
                choose(qtbot, view.family_combo, tx(catalog.family_spec("i2v").title))
                await typed(qtbot, view, "", 2_000)
                assert view.count.text().startswith("2,000 result")
                assert view.model.thumbs.made <= 2                      # one video: one poster (and no strip)
    run(go())


def test_a_painted_tile_is_reused_until_what_it_shows_changes(qtbot, run, data_dir, assets):
    """Tiles are painted once into a cache and copied at every repaint after; a star, a language or a lost
    file must still show at once (each is part of what the cached tile is known by)."""
    async def go():
        async with open_app(data_dir) as app:
            boat, cat, *_ = await five_results(app, assets)
            async with library(app) as view:
                await painted(view)
                grid, vp = view.grid, view.grid.viewport()

                def look(rec) -> bytes:
                    vp.repaint()
                    img = vp.grab(grid.visualRect(view.proxy.index_of(rec.id))).toImage()
                    return bytes(img.constBits())

                qtbot.mouseMove(vp, QPoint(vp.width() - 2, vp.height() - 2))      # off every tile
                await until(lambda: not grid.hover.isValid(), 5, "the mouse off the tiles")
                plain = look(cat)
                delegate = grid.itemDelegate()
                cached = len(delegate._tiles)
                assert look(cat) == plain and len(delegate._tiles) == cached      # the same tile, from the cache
                # a star: clicked on the tile (so the tile is hovered), then the mouse moves away
                rect = grid.visualRect(view.proxy.index_of(cat.id))
                qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, star_rect(rect).center())
                await until(lambda: cat.favourite, 5, "the star to mark it")
                qtbot.mouseMove(vp, QPoint(vp.width() - 2, vp.height() - 2))
                await until(lambda: not grid.hover.isValid(), 5, "the mouse off the tiles")
                starred = look(cat)
                assert starred != plain
                qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, star_rect(rect).center())
                await until(lambda: not cat.favourite, 5, "the star to be taken off")
                qtbot.mouseMove(vp, QPoint(vp.width() - 2, vp.height() - 2))
                await until(lambda: not grid.hover.isValid(), 5, "the mouse off the tiles")
                assert look(cat) == plain
                # another language: the tile's lines are painted again in it
                english = look(boat)
                translations.apply_language("zh")
                try:
                    await until(lambda: look(boat) != english, 5, "the tile in Chinese")
                finally:
                    translations.apply_language("en")
                await until(lambda: look(boat) == english, 5, "the tile in English again")
    run(go())


def test_pictures_are_decoded_in_worker_processes_and_a_killed_worker_is_replaced(qtbot, run, data_dir, assets):
    """Video decoding stays out of the window's process (it held the interpreter lock the UI thread needs);
    when a worker process dies, the next picture is made by a new one."""
    import signal

    from bailian_video.ui import thumbs

    async def go():
        async with open_app(data_dir) as app:
            boat, *_ = await five_results(app, assets)
            async with library(app) as view:
                await painted(view)
                assert view.model.thumbs.made >= 5
                pool = thumbs._pool
                assert pool is not None
                workers = thumbs.worker_pids()
                assert workers and os.getpid() not in workers
                for pid in workers:
                    os.kill(pid, signal.SIGKILL)
                target = data_dir / "after-kill.jpg"
                problem, raw = await thumbs.make(boat.output_path, thumbs.POSTER, target)
                assert problem is None and raw is None and target.is_file()
                assert thumbs._pool is not None and thumbs._pool is not pool       # a new pool made it
                img = thumbs.loaded(target, None)
                assert not img.isNull() and img.height() == 270
    run(go())


def test_while_scrolling_a_paint_draws_some_new_tiles_and_the_next_paints_the_rest(qtbot, run, data_dir, assets,
                                                                                   monkeypatch):
    """Fast scrolling never waits for a whole screen of new tiles: a paint stops drawing new ones when its
    time is up (here: after the first), shows their picture boxes, and the paints that follow at once draw
    the rest — every tile ends up drawn, without another scroll or a mouse move."""
    from bailian_video.ui import library_view

    monkeypatch.setattr(library_view, "PAINT_BUDGET", 0.0)

    async def go():
        async with open_app(data_dir) as app:
            recs = await five_results(app, assets)
            async with library(app) as view:
                await painted(view)
                grid, tiles = view.grid, view.grid.tiles
                tiles._tiles.clear()                    # every tile on screen is new again
                grid.scrollContentsBy(0, 0)             # as the scroll bar does when it moves
                grid.viewport().repaint()
                assert len(tiles._tiles) == 1           # one drawn, the other four left for the next paints
                assert grid._finish_tiles.isActive()
                await until(lambda: len(tiles._tiles) == len(recs) and not grid._finish_tiles.isActive(), 5,
                            "the paints that follow to draw the rest")
    run(go())
