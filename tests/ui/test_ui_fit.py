"""Every tab fits a 1024×700 and a 1920×1080 window in Chinese and English: the model picker, Generate and the
first field the model needs are on screen without scrolling, nothing is cut off sideways, and a problem with a
field further down is scrolled into view beside that field."""
from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QScrollArea, QWidget
from ui_helpers import choose_model, drop, dropped, generate, open_app, until

from bailian_video import catalog

SIZES = [(1024, 700), (1920, 1080)]


def on_screen(widget: QWidget, window: QWidget) -> bool:
    """Shown, and its whole rectangle inside the window and inside every scroll area it sits in."""
    if not widget.isVisible():
        return False
    top_left = widget.mapTo(window, QPoint(0, 0))
    rect = QRect(top_left, widget.size())
    if not window.rect().contains(rect):
        return False
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QScrollArea):
            view = parent.viewport()
            r = QRect(widget.mapTo(view, QPoint(0, 0)), widget.size())
            if not view.rect().intersects(r) or r.top() < 0 or r.top() > view.height() - 20:
                return False
        parent = parent.parentWidget()
    return True


def first_needed(tab) -> QWidget:
    """The first field of the form (the files the model needs come first)."""
    name = next(iter(tab.input_rows))
    return tab.input_rows[name]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_tab_fits_small_and_large_windows(qtbot, run, data_dir, lang):
    async def go():
        async with open_app(data_dir, lang=lang) as app:
            w = app.window
            for width, height in SIZES:
                w.resize(width, height)
                for fam in catalog.FAMILY_ORDER:
                    tab = app.tab(fam)
                    await asyncio.sleep(0.02)          # let the layouts settle (never processEvents inside qasync)
                    where = f"{fam.value} at {width}×{height} ({lang})"
                    for part in (tab.model_combo, tab.generate_button, tab.count, tab.estimate):
                        assert on_screen(part, w), f"{where}: {part.objectName() or part} is cut off"
                    assert on_screen(first_needed(tab), w), f"{where}: the first field is below the fold"
                    assert tab.scroll_area.viewport().height() >= 180, where
                    # nothing wider than its column: no sideways scrolling in the form
                    assert not tab.scroll_area.horizontalScrollBar().isVisible(), f"{where}: sideways scrolling"
    run(go())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_refusal_further_down_is_scrolled_into_view(qtbot, run, data_dir, assets, lang):
    async def go():
        async with open_app(data_dir, lang=lang) as app:
            app.window.resize(1024, 700)
            tab = app.tab("r2v")
            media = tab.input_editors["media"]
            video = media.section("reference_video")
            await asyncio.sleep(0.05)
            tab.scroll_area.verticalScrollBar().setValue(0)
            # a photo on the video zone: refused, and the message beside the zone comes into view
            drop(video.zone, [assets / "cat.png"])
            await dropped(video.zone)
            assert video.error_text(), "the refusal is said"
            await until(lambda: on_screen(video.error, app.window), 3, f"the refusal in view ({lang})")
            # a problem found at Generate (no prompt) beside its field, scrolled to as well
            images = media.section("reference_image").zone
            drop(images, [assets / "cat.png"])
            await dropped(images)
            bar = tab.scroll_area.verticalScrollBar()
            bar.setValue(bar.maximum())
            assert await generate(qtbot, tab) == []
            row = tab.input_rows["prompt"]
            assert row.error.text()
            await until(lambda: on_screen(row.error, app.window), 3, "the prompt's message in view")
    run(go())


def test_first_and_last_frame_sit_side_by_side(qtbot, run, data_dir, assets):
    """In the first & last frame tab both frames share a row (half the width each), so both frames and the prompt
    are in sight at 1024×700, as drop zones and as a media list; elsewhere the frames stay one under the other."""
    async def go():
        async with open_app(data_dir) as app:
            w = app.window
            w.resize(1024, 700)
            kf = app.tab("kf2v")
            for model in ("wanx2.1-kf2v-plus", "wan2.7-i2v", "pixverse/pixverse-v6-kf2v"):
                choose_model(qtbot, kf.model_combo, model)
                if model == "wanx2.1-kf2v-plus":
                    first, last = kf.input_editors["first_frame_url"], kf.input_editors["last_frame_url"]
                else:
                    media = kf.input_editors["media"]
                    first, last = media.section("first_frame").zone, media.section("last_frame").zone
                drop(first, [assets / "first.png"])
                drop(last, [assets / "last.png"])
                await dropped(first)
                await dropped(last)
                await asyncio.sleep(0.05)
                kf.scroll_area.verticalScrollBar().setValue(0)
                await asyncio.sleep(0.02)
                a, b = first.mapTo(w, QPoint(0, 0)), last.mapTo(w, QPoint(0, 0))
                assert a.y() == b.y() and b.x() > a.x() + first.width() // 2, (model, a, b)
                assert abs(first.width() - last.width()) < 8, model
                assert first.width() < kf.scroll_area.viewport().width() // 2 + 8, model
                for part in (first, last, kf.input_editors["prompt"].edit):
                    assert on_screen(part, w), f"{model}: {part.objectName()} is not in sight"
                assert not kf.scroll_area.horizontalScrollBar().isVisible(), model
            i2v = app.tab("i2v")
            choose_model(qtbot, i2v.model_combo, "wan2.7-i2v")
            media = i2v.input_editors["media"]
            first, last = media.section("first_frame").zone, media.section("last_frame").zone
            await asyncio.sleep(0.02)
            assert last.mapTo(w, QPoint(0, 0)).y() > first.mapTo(w, QPoint(0, 0)).y() + first.height() // 2
    run(go())
