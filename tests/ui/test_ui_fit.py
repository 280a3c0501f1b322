"""Every tab fits a 1024×700 and a 1920×1080 window in Chinese and English: the model picker, Generate and the
first field the model needs are on screen without scrolling, nothing is cut off sideways, and a problem with a
field further down is scrolled into view beside that field."""
from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QScrollArea, QWidget
from ui_helpers import drop, dropped, generate, open_app, until

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
                    assert tab.inputs_scroll.viewport().height() >= 180, where
                    # nothing wider than its column: no sideways scrolling in the form
                    for scroll in (tab.inputs_scroll, tab.params_scroll):
                        if scroll.isVisible():
                            assert not scroll.horizontalScrollBar().isVisible(), f"{where}: sideways scrolling"
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
            tab.inputs_scroll.verticalScrollBar().setValue(0)
            # a photo on the video zone: refused, and the message beside the zone comes into view
            drop(video.zone, [assets / "cat.png"])
            await dropped(video.zone)
            assert video.error_text(), "the refusal is said"
            await until(lambda: on_screen(video.error, app.window), 3, f"the refusal in view ({lang})")
            # a problem found at Generate (no prompt) beside its field, scrolled to as well
            images = media.section("reference_image").zone
            drop(images, [assets / "cat.png"])
            await dropped(images)
            bar = tab.inputs_scroll.verticalScrollBar()
            bar.setValue(bar.maximum())
            assert await generate(qtbot, tab) == []
            row = tab.input_rows["prompt"]
            assert row.error.text()
            await until(lambda: on_screen(row.error, app.window), 3, "the prompt's message in view")
    run(go())
