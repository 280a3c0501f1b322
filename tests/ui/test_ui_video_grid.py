"""The video grid: one to four real MP4s played in step by real Qt Multimedia players, driven the way a
person does — Space, the play button, dragging the position slider, frame steps with the arrow keys, the
loop and volume controls, full screen with F, Esc and a double-click — and what is painted checked."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtMultimedia import QMediaDevices, QMediaPlayer
from PySide6.QtWidgets import QApplication, QLabel, QSlider, QStyle, QStyleOptionSlider, QVBoxLayout, QWidget

from bailian_video.media import samples
from bailian_video.ui.video_grid import VideoGrid, _Pane

PLAYING = QMediaPlayer.PlaybackState.PlayingState
#: conftest.QT_NOISE, repeated because pytest-qt reads only the closest qt_log_ignore mark
QT_NOISE = (
    r"This plugin does not support propagateSizeHints\(\)",
    r"Couldn't (load|resolve) (pipewire|va)",
    r"PulseAudioService",
    r"No RHI backend",
)
FRAME_MS = 40               # the samples run at 25 frames a second


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("video-grid")
    samples.make_video(d / "long.mp4", 640, 360, 1.6, fps=25, with_audio=True, text="long")
    samples.make_video(d / "middle.mp4", 480, 270, 1.2, fps=25, with_audio=True, text="middle")
    samples.make_video(d / "short.mp4", 640, 360, 0.8, fps=25, text="short")
    return {p.stem: str(p) for p in d.iterdir()}


@pytest.fixture
def grid(qtbot):
    g = VideoGrid()
    qtbot.addWidget(g)
    g.resize(900, 520)
    g.show()
    qtbot.waitExposed(g)
    yield g
    g.clear()


def shown_ms(pane: _Pane) -> int:
    """The start of the frame the pane paints, in ms (-1: none yet)."""
    assert pane.view is not None
    return pane.view.frame.startTime() // 1000 if pane.view.frame.isValid() else -1


def painted(grid: VideoGrid, pane: _Pane) -> QColor:
    """The average colour painted over the pane's picture."""
    assert pane.view is not None
    shot = grid.grab()
    rect = pane.view.picture_rect().translated(pane.view.mapTo(grid, QPoint(0, 0)))
    ratio = shot.devicePixelRatio()
    part = shot.toImage().copy(int(rect.x() * ratio), int(rect.y() * ratio), int(rect.width() * ratio),
                               int(rect.height() * ratio)).scaled(8, 8)
    pixels = [part.pixelColor(x, y) for x in range(8) for y in range(8)]
    return QColor(*(sum(getattr(c, f)() for c in pixels) // len(pixels) for f in ("red", "green", "blue")))


def position(pane: _Pane) -> int:
    assert pane.player is not None
    return pane.player.position()


def advances(qtbot, pane: _Pane, by: int = 200) -> None:
    start = position(pane)
    qtbot.waitUntil(lambda: position(pane) >= start + by, timeout=5000)


def shows(qtbot, pane: _Pane, ms: int, slack: int = FRAME_MS) -> None:
    """Wait until the pane paints the frame at ``ms``."""
    qtbot.waitUntil(lambda: abs(shown_ms(pane) - ms) <= slack, timeout=3000)


def handle_centre(slider: QSlider) -> QPoint:
    opt = QStyleOptionSlider()
    slider.initStyleOption(opt)
    rect = slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle,
                                         slider)
    return rect.center()


def loaded(qtbot, grid: VideoGrid, n: int) -> None:
    qtbot.waitUntil(lambda: all(p.duration > 0 and p.view is not None and p.view.frame.isValid()
                                for p in grid.panes[:n]), timeout=5000)


def test_one_video_plays_scrubs_steps_and_holds_its_last_frame(qtbot, grid, videos):
    g = grid
    assert not g.play_button.isEnabled() and g.panes == []            # nothing made before the first video
    g.set_videos([("long.mp4", videos["long"])])
    [pane] = g.panes
    assert g.paths() == [videos["long"]] and pane.caption.text() == "long.mp4"
    advances(qtbot, pane)
    assert g.is_playing() and g.play_button.text() == "Pause"
    assert not g.loop() and not pane.sound_button.isVisible()         # one video: no loop, nothing to choose
    assert g.duration() == pytest.approx(1600, abs=60) and g.clock.text().endswith(" / 0:02")
    # the video is the hero: as large as the grid allows at 16:9, the controls right under it
    picture = pane.view.picture_rect().translated(pane.view.mapTo(g, QPoint(0, 0)))
    assert picture.width() >= g.width() - 2 or picture.height() >= pane.stage.height() - 2
    assert picture.width() > 800 and abs(picture.width() / picture.height() - 16 / 9) < 0.02
    assert 0 <= g.slider.geometry().top() - picture.bottom() < 30

    # Space pauses and plays (the grid has the focus, as after a click on the picture)
    g.setFocus()
    qtbot.keyClick(g, Qt.Key.Key_Space)
    assert not g.is_playing() and g.play_button.text() == "Play" and pane.player.playbackState() != PLAYING
    qtbot.keyClick(g, Qt.Key.Key_Space)
    assert g.is_playing()

    # dragging the position handle pauses, and the picture follows the handle while it moves
    start = handle_centre(g.slider)
    qtbot.mousePress(g.slider, Qt.MouseButton.LeftButton, pos=start)
    assert g.slider.isSliderDown() and not g.is_playing()
    for dx in (60, 160, 280):
        qtbot.mouseMove(g.slider, start + QPoint(dx, 0))
        assert g.slider.isSliderDown()
        target = g.slider.value()
        assert target > 0
        shows(qtbot, pane, target, slack=2 * FRAME_MS)
    qtbot.mouseRelease(g.slider, Qt.MouseButton.LeftButton, pos=start + QPoint(280, 0))
    assert g.is_playing()                                            # let go: it plays on
    g.pause()

    # frame by frame: → and . forward, ← and , back, and the buttons
    g.seek(500)
    shows(qtbot, pane, 480)
    g.setFocus()
    qtbot.keyClick(g, Qt.Key.Key_Right)
    shows(qtbot, pane, 520, slack=0)
    assert g.position() == pytest.approx(540, abs=FRAME_MS // 2) and not g.is_playing()
    qtbot.keyClick(g, Qt.Key.Key_Period)
    shows(qtbot, pane, 560, slack=0)
    qtbot.keyClick(g, Qt.Key.Key_Left)
    qtbot.keyClick(g, Qt.Key.Key_Comma)
    shows(qtbot, pane, 480, slack=0)
    qtbot.mouseClick(g.forward_button, Qt.MouseButton.LeftButton)
    shows(qtbot, pane, 520, slack=0)

    # loop off: it stops on the last frame (never black) and stays there; Play starts again from 0
    g.seek(1200)
    qtbot.mouseClick(g.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not g.is_playing(), timeout=5000)
    shows(qtbot, pane, 1560, slack=0)
    assert g.play_button.text() == "Play" and g.slider.value() == g.slider.maximum()
    colour = painted(g, pane)
    assert colour.value() > 60 and colour.saturation() > 40, colour.name()          # a picture, not black
    qtbot.wait(300)
    assert shown_ms(pane) == 1560 and not g.is_playing()
    qtbot.keyClick(g, Qt.Key.Key_Left)                               # a step back from the end works
    shows(qtbot, pane, 1520, slack=0)
    qtbot.keyClick(g, Qt.Key.Key_Right)                              # and forward to the last frame again
    shows(qtbot, pane, 1560, slack=0)
    qtbot.mouseClick(g.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: g.is_playing() and 0 < position(pane) < 1400 and shown_ms(pane) < 1400,
                    timeout=5000)

    # loop on: at the end it starts again by itself
    with qtbot.waitSignal(g.loop_changed) as changed:
        qtbot.mouseClick(g.loop_button, Qt.MouseButton.LeftButton)
    assert changed.args == [True] and g.loop()
    qtbot.waitUntil(lambda: position(pane) > 1300, timeout=5000)
    qtbot.waitUntil(lambda: 0 < position(pane) < 800 and pane.player.playbackState() == PLAYING, timeout=5000)
    assert g.is_playing()


def test_three_videos_in_step_in_a_row_or_two_by_two(qtbot, grid, videos):
    g = grid
    g.resize(1400, 420)                                              # wide and low: one row
    g.set_videos([("Take 1", videos["long"]), ("Take 2", videos["middle"]), ("Take 3", videos["short"])])
    a, b, c = g.panes
    assert g.loop()                                                  # several videos loop by default
    loaded(qtbot, g, 3)
    assert a.y() == b.y() == c.y() and a.x() < b.x() < c.x()
    assert all(p.sound_button.isVisible() and p.sound_button.isEnabled() for p in g.panes)
    for p in g.panes:
        advances(qtbot, p, 100)
    assert g.slider.maximum() == pytest.approx(1600, abs=60)         # the longest sets the timeline

    g.resize(520, 760)                                               # narrow and tall: two by two
    qtbot.waitUntil(lambda: c.y() > a.y() and c.x() == a.x() and b.y() == a.y(), timeout=2000)
    view = a.view
    assert view is not None and view.picture_rect().width() > 200   # the pictures grew with the space

    # one control for all: pause, scrub with the keyboard, step
    qtbot.mouseClick(g.play_button, Qt.MouseButton.LeftButton)
    assert not g.is_playing() and all(p.player.playbackState() != PLAYING for p in g.panes)
    g.slider.setFocus()
    qtbot.keyClick(g.slider, Qt.Key.Key_Home)
    qtbot.keyClick(g.slider, Qt.Key.Key_PageUp)                      # one second on
    assert g.clock.text() == "0:01 / 0:02"
    for p in (a, b):
        shows(qtbot, p, 1000)
    shows(qtbot, c, 760)                                             # the short one holds its last frame
    g.step(1)
    for p in (a, b):
        shows(qtbot, p, 1040, slack=0)
    assert shown_ms(c) == 760

    # to the end without looping: every pane keeps a picture
    g.set_loop(False)
    g.seek(1300)
    g.play()
    qtbot.waitUntil(lambda: not g.is_playing(), timeout=5000)
    shows(qtbot, a, 1560, slack=0)
    assert shown_ms(b) == 1160 and shown_ms(c) == 760
    for p in g.panes:
        colour = painted(g, p)
        assert colour.value() > 60 and colour.saturation() > 40, (p.name, colour.name())

    # which one is heard
    assert g.heard is a and a.sound_button.isChecked()
    qtbot.mouseClick(c.sound_button, Qt.MouseButton.LeftButton)
    assert g.heard is c and g.sound_from() == 2 and c.sound_button.isChecked() and not a.sound_button.isChecked()
    g.set_sound_from(1)
    assert g.heard is b and b.sound_button.isChecked()

    # fewer videos: the grid shrinks to them and keeps the one that stayed
    g.set_videos([("Take 1", videos["long"])])
    assert g.paths() == [videos["long"]] and not b.isVisible() and b.player.source().isEmpty()
    assert not a.sound_button.isVisible()


@pytest.mark.qt_log_ignore(*QT_NOISE, r"Could not open media\. FFmpeg error description: Invalid data", extend=True)
def test_a_missing_file_is_said_in_its_pane_and_the_others_play(qtbot, grid, videos, tmp_path):
    g = grid
    gone = str(tmp_path / "gone.mp4")
    with qtbot.waitSignal(g.problem) as problem:
        g.set_videos([("Take 1", videos["middle"]), ("Take 2", gone)])
    assert problem.args == [1, f"The video file is not there any more:\n{gone}"]
    a, b = g.panes
    assert b.empty.isVisible() and b.empty.text() == problem.args[1] and b.player is None
    advances(qtbot, a)
    assert g.heard is a and not a.sound_button.isEnabled()          # nothing to choose between
    broken = tmp_path / "broken.mp4"
    broken.write_text("not a video", encoding="utf-8")
    with qtbot.waitSignal(g.problem, timeout=5000) as problem:
        g.set_videos([("Take 1", videos["middle"]), ("Take 2", str(broken))])
    assert problem.args[0] == 1 and problem.args[1].startswith("This video cannot be played here: ")
    advances(qtbot, a)
    assert g.is_playing()


def test_full_screen_with_f_escape_the_button_and_a_double_click(qtbot, videos):
    host = QWidget()
    qtbot.addWidget(host)
    lay = QVBoxLayout(host)
    lay.addWidget(QLabel("above", host))
    g = VideoGrid(host)
    lay.addWidget(g)
    host.resize(800, 600)
    host.show()
    qtbot.waitExposed(host)
    g.set_videos([("long.mp4", videos["long"])])
    [pane] = g.panes
    advances(qtbot, pane)

    g.setFocus()
    qtbot.keyClick(g, Qt.Key.Key_F)
    assert g.is_full_screen() and g.isWindow() and g.isVisible()
    assert g.full_button.text() == "Leave full screen"
    assert g.is_playing()                                            # going full screen does not pause
    assert g.play_button.isVisible() and g.slider.isVisible()        # the controls come along
    qtbot.mouseClick(g.play_button, Qt.MouseButton.LeftButton)
    assert not g.is_playing()
    qtbot.keyClick(g, Qt.Key.Key_Space)
    assert g.is_playing()
    qtbot.keyClick(g, Qt.Key.Key_Escape)
    assert not g.is_full_screen() and not g.isWindow() and g.parentWidget() is host and g.isVisible()
    assert lay.indexOf(g) == 1 and host.rect().contains(g.geometry())
    assert g.full_button.text() == "Full screen" and g.is_playing()

    qtbot.mouseClick(g.full_button, Qt.MouseButton.LeftButton)
    assert g.is_full_screen()
    assert pane.view is not None
    qtbot.mouseDClick(pane.view, Qt.MouseButton.LeftButton)
    assert not g.is_full_screen() and g.parentWidget() is host
    qtbot.mouseDClick(pane.view, Qt.MouseButton.LeftButton)
    assert g.is_full_screen()
    g.close()                                                        # closing the full-screen window
    assert not g.is_full_screen() and g.isVisible() and g.parentWidget() is host
    g.clear()


def test_volume_and_mute(qtbot, grid, videos):
    g = grid
    g.set_videos([("Take 1", videos["long"]), ("Take 2", videos["middle"])])
    loaded(qtbot, g, 2)
    assert g.volume() == 1.0 and not g.is_muted()
    with qtbot.waitSignal(g.volume_changed) as changed:
        g.volume_slider.setFocus()
        qtbot.keyClick(g.volume_slider, Qt.Key.Key_Home)
    assert changed.args == [0.0, False] and g.volume() == 0.0
    qtbot.keyClick(g.volume_slider, Qt.Key.Key_End)
    assert g.volume() == 1.0
    qtbot.keyClick(g.volume_slider, Qt.Key.Key_PageDown)
    assert g.volume() == pytest.approx(0.9)
    with qtbot.waitSignal(g.volume_changed) as changed:
        qtbot.mouseClick(g.mute_button, Qt.MouseButton.LeftButton)
    assert changed.args == [pytest.approx(0.9), True] and g.is_muted() and g.mute_button.isChecked()
    g.set_volume(0.5)                                                # turning it up unmutes
    assert g.volume() == 0.5 and not g.is_muted() and g.volume_slider.value() == 50
    a, b = g.panes
    if QMediaDevices.audioOutputs():                                 # where there is a sound device
        assert a.audio is not None and b.audio is not None
        assert not a.audio.isMuted() and b.audio.isMuted() and 0 < a.audio.volume() < 0.5
    else:                                                            # no device: no audio outputs at all
        assert a.audio is None and b.audio is None
    assert g.volume_slider.accessibleName() == "Volume" and g.mute_button.accessibleName() == "Mute"

    # every control is reachable with Tab, and has a name
    g.play_button.setFocus()
    reached = []
    for _ in range(20):
        reached.append(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    controls = [g.play_button, g.back_button, g.forward_button, g.slider, g.loop_button, g.mute_button,
                g.volume_slider, g.full_button, a.sound_button]
    assert all(c in reached for c in controls)
    assert all(c.accessibleName() for c in controls)
