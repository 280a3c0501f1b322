"""The before/after preview of the instruction-edit tab: empty states in words, a source video that plays
by itself, an edited one that plays in step with it, one control row (play/pause, scrubbing, which sound),
failures in words, clearing — with real MP4s of two lengths and real Qt Multimedia players."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QMediaDevices, QMediaPlayer

from bailian_video.media import samples
from bailian_video.ui import style
from bailian_video.ui.before_after import BeforeAfter

PLAYING = QMediaPlayer.PlaybackState.PlayingState

#: conftest.QT_NOISE, repeated because pytest-qt reads only the closest qt_log_ignore mark, and the test of a
#: broken file adds FFmpeg's complaint about it.
QT_NOISE = (
    r"This plugin does not support propagateSizeHints\(\)",
    r"Couldn't (load|resolve) (pipewire|va)",
    r"PulseAudioService",
    r"No RHI backend",
)


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("before-after")
    samples.make_video(d / "source.mp4", 640, 360, 3.0, fps=25, with_audio=True, text="source")
    samples.make_video(d / "edited.mp4", 640, 360, 2.0, fps=25, with_audio=True, text="edited")
    (d / "broken.mp4").write_text("not a video", encoding="utf-8")
    return {p.stem: str(p) for p in d.iterdir()}


@pytest.fixture
def widget(qtbot):
    w = BeforeAfter()
    qtbot.addWidget(w)
    w.resize(w.sizeHint())
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.clear()


def position(w: BeforeAfter, pane: str) -> int:
    player = getattr(w, pane).player
    assert player is not None, f"{pane} has no player"
    return player.position()


def hears(w: BeforeAfter, pane: str) -> bool:
    """``pane`` is the one heard, and where the machine has a sound device, the other one is muted."""
    heard = getattr(w, pane)
    outputs = [p.audio for p in (w.before, w.after) if p.audio is not None]
    assert bool(outputs) == bool(QMediaDevices.audioOutputs()) or heard.player is None
    return w.heard is heard and all(p.audio.isMuted() == (p is not heard) for p in (w.before, w.after) if p.audio)


def advances(qtbot, w: BeforeAfter, pane: str, by: int = 300) -> None:
    start = position(w, pane)
    qtbot.waitUntil(lambda: position(w, pane) >= start + by, timeout=5000)


def test_empty_states_say_what_to_do_and_cost_no_player(widget):
    w = widget
    assert w.before.caption.text() == "Before" and w.after.caption.text() == "After"
    assert w.before.empty.isVisible() and w.before.empty.text() == "Drop a video above to preview it"
    assert w.after.empty.isVisible() and w.after.empty.text() == "The edited video appears here when it is ready"
    assert w.before.player is None and w.after.player is None          # created on first use only
    assert w.before_path is None and w.after_path is None
    assert not w.play_button.isEnabled() and not w.slider.isEnabled() and not w.after.sound_button.isEnabled()
    assert not w.error_label.isVisible()
    assert w.sizeHint().width() >= 2 * 320 and w.before.stage.minimumSizeHint().width() >= 200
    assert w.play_button.accessibleName() and w.slider.accessibleName() and w.after.sound_button.accessibleName()


def test_the_source_alone_plays_loops_and_space_pauses_it(qtbot, widget, videos):
    w = widget
    w.set_before(videos["source"])
    assert w.before_path == videos["source"] and w.before.view is not None and w.before.view.isVisible()
    advances(qtbot, w, "before")
    assert w.is_playing() and w.play_button.text() == "Pause"
    assert w.slider.maximum() == w.before.duration == pytest.approx(3000, abs=60)
    assert w.after.player is None and w.after.empty.isVisible()
    assert not w.before.sound_button.isEnabled()                  # nothing to choose between yet
    assert hears(w, "before")

    # it loops: it reaches the end and starts again
    qtbot.waitUntil(lambda: position(w, "before") > 2500, timeout=5000)
    qtbot.waitUntil(lambda: 0 < position(w, "before") < 1500 and w.before.player.playbackState() == PLAYING,
                    timeout=5000)

    w.setFocus()
    qtbot.keyClick(w, Qt.Key.Key_Space)
    assert not w.is_playing() and w.play_button.text() == "Play"
    held = position(w, "before")
    qtbot.wait(400)
    assert abs(position(w, "before") - held) < 60
    qtbot.keyClick(w, Qt.Key.Key_Space)
    advances(qtbot, w, "before")


def test_the_edited_video_plays_in_step_and_the_shorter_holds_until_both_loop(qtbot, widget, videos):
    w = widget
    w.set_before(videos["source"])
    advances(qtbot, w, "before")
    w.set_after(videos["edited"])
    assert w.after_path == videos["edited"]
    advances(qtbot, w, "after")
    assert w.after.view is not None and w.after.view.isVisible() and not w.after.empty.isVisible()
    assert w.slider.maximum() == pytest.approx(3000, abs=60)                 # the longer video sets the timeline
    assert abs(position(w, "before") - position(w, "after")) < 250

    # one button pauses and plays both
    qtbot.mouseClick(w.play_button, Qt.MouseButton.LeftButton)
    assert not w.is_playing()
    assert w.before.player.playbackState() != PLAYING and w.after.player.playbackState() != PLAYING
    qtbot.mouseClick(w.play_button, Qt.MouseButton.LeftButton)
    advances(qtbot, w, "before")
    advances(qtbot, w, "after", 100)
    assert abs(position(w, "before") - position(w, "after")) < 250

    # the shorter one stops at its end while the longer plays on, then both start again
    qtbot.waitUntil(lambda: position(w, "before") > 2300, timeout=5000)
    assert position(w, "after") == pytest.approx(2000, abs=60) and w.after.player.playbackState() != PLAYING
    qtbot.waitUntil(lambda: w.after.player.playbackState() == PLAYING and position(w, "after") < 1000, timeout=5000)
    assert position(w, "before") < 1000


def test_sound_comes_from_one_pane_only(qtbot, widget, videos):
    w = widget
    w.set_before(videos["source"])
    w.set_after(videos["edited"])
    assert w.after.sound_button.isEnabled() and w.before.sound_button.isChecked()
    qtbot.waitUntil(lambda: w.after.duration > 0, timeout=5000)
    assert hears(w, "before")
    qtbot.mouseClick(w.after.sound_button, Qt.MouseButton.LeftButton)
    assert w.after.sound_button.isChecked() and hears(w, "after")
    w.set_after(None)                            # the only video left is heard, whatever was chosen
    assert hears(w, "before") and not w.after.sound_button.isEnabled()


def test_scrubbing_moves_both_and_clamps_the_shorter(qtbot, widget, videos):
    w = widget
    w.set_before(videos["source"])
    w.set_after(videos["edited"])
    qtbot.waitUntil(lambda: w.slider.maximum() > 2900 and w.after.duration > 0, timeout=5000)
    qtbot.mouseClick(w.play_button, Qt.MouseButton.LeftButton)
    assert not w.is_playing()

    w.slider.setFocus()
    qtbot.keyClick(w.slider, Qt.Key.Key_Home)
    qtbot.keyClick(w.slider, Qt.Key.Key_PageUp)              # one second on
    qtbot.waitUntil(lambda: position(w, "before") == 1000 and position(w, "after") == 1000, timeout=3000)
    assert w.clock.text() == "0:01 / 0:03"
    # paused, and both show the picture at one second
    qtbot.waitUntil(lambda: all(abs(p.view.frame.startTime() / 1000 - 1000) <= 80 for p in (w.before, w.after)),
                    timeout=3000)
    qtbot.keyClick(w.slider, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: position(w, "before") >= 2900, timeout=3000)
    assert position(w, "after") == pytest.approx(2000, abs=100)          # no further than its own end
    qtbot.keyClick(w.slider, Qt.Key.Key_Space)               # Space from the slider still plays: from the start
    assert w.is_playing()
    qtbot.waitUntil(lambda: 0 < position(w, "before") < 1500 and 0 < position(w, "after") < 1500, timeout=5000)


@pytest.mark.qt_log_ignore(*QT_NOISE, r"Could not open media\. FFmpeg error description: Invalid data", extend=True)
def test_a_missing_or_broken_file_is_explained_in_words(qtbot, widget, videos, tmp_path):
    w = widget
    missing = str(tmp_path / "gone.mp4")
    with qtbot.waitSignal(w.error, timeout=2000) as blocker:
        w.set_before(missing)
    message = blocker.args[0]
    assert message == f"The source video cannot be played: the file is not there ({missing})"
    assert w.error_label.isVisible() and w.error_label.text() == message
    assert w.before.empty.text() == f"The video file is not there any more:\n{missing}" and w.before.empty.isVisible()
    assert w.before_path == missing and w.before.player is None and not w.play_button.isEnabled()

    w.set_before(videos["source"])                            # a good file replaces the message
    assert not w.error_label.isVisible()
    advances(qtbot, w, "before")

    broken = str(tmp_path / "result.mp4")
    shutil.copy(videos["broken"], broken)
    with qtbot.waitSignal(w.error, timeout=5000) as blocker:
        w.set_after(broken)
    assert blocker.args[0].startswith("The edited video cannot be played: ")
    assert len(blocker.args[0]) > len("The edited video cannot be played: ")
    assert w.error_label.text() == blocker.args[0] and w.after.empty.isVisible()
    advances(qtbot, w, "before")                              # the source keeps playing
    assert w.is_playing() and not w.after.sound_button.isEnabled()


def test_clear_and_hiding(qtbot, widget, videos):
    w = widget
    w.set_before(videos["source"])
    w.set_after(videos["edited"])
    advances(qtbot, w, "after")
    w.hide()                                                  # another tab: no sound from a hidden preview
    assert not w.is_playing() and w.before.player.playbackState() != PLAYING
    w.set_before(videos["edited"])                            # loaded while hidden: shown, not played
    w.show()
    qtbot.waitUntil(lambda: w.before.view.frame.isValid() and w.before.view.frame.startTime() < 100_000,
                    timeout=3000)
    assert not w.is_playing() and w.before.player.playbackState() != PLAYING
    w.clear()
    assert w.before_path is None and w.after_path is None and not w.is_playing()
    assert w.before.empty.isVisible() and w.before.empty.text() == "Drop a video above to preview it"
    assert w.after.empty.isVisible() and w.after.view is not None and not w.after.view.frame.isValid()
    assert not w.play_button.isEnabled() and w.slider.maximum() == 0 and w.clock.text() == "0:00 / 0:00"
    assert w.before.player.source().isEmpty()


def test_screenshot_shows_both_frames(qtbot, widget, videos):
    w = widget
    w.setStyleSheet(style.STYLE_SHEET)                    # the app's look, without restyling the test's app
    w.set_before(videos["source"])
    w.set_after(videos["edited"])
    qtbot.waitUntil(lambda: w.before.view.frame.isValid() and w.after.view.frame.isValid(), timeout=5000)
    advances(qtbot, w, "after")
    shot = w.grab()
    shot.save("/tmp/before_after.png")
    image = shot.toImage()
    for pane in (w.before, w.after):
        centre = pane.stage.mapTo(w, pane.stage.rect().center()) * shot.devicePixelRatio()
        colour = image.pixelColor(centre)
        assert colour.saturation() > 40, (pane.name, colour.name())       # a picture, not an empty state
    assert isinstance(image, QImage) and Path("/tmp/before_after.png").is_file()
