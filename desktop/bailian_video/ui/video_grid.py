"""Play 1 to 4 videos in step, side by side, with one row of controls.

One pane per video (a caption over the picture, or words saying why there is none), 3–4 panes in a 2×2
grid when that shows them larger. The timeline is the longest video's; a shorter one holds its last frame
until the longest ends. Controls: play/pause, scrubbing, time, loop, frame step, volume and mute, which
pane is heard, full screen. Keys: Space, ←/→ and ,/. (frame step), F (full screen), Esc (leave it).
Players are created on first use only. This module imports Qt Multimedia: import it lazily.
"""
from __future__ import annotations

import math
import os

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRect, QRectF, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QHideEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtMultimedia import (
    QAudioOutput,
    QMediaDevices,
    QMediaMetaData,
    QMediaPlayer,
    QtAudio,
    QVideoFrame,
    QVideoSink,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .util import fmt_clock

MAX_PANES = 4
DRIFT_MS = 200        # a follower further than this from the lead is put back in step
DEFAULT_FPS = 25.0    # until a video says its frame rate

#: with the context spelled out, so a subclass (BeforeAfter) finds these translations too
translate = QCoreApplication.translate

Status = QMediaPlayer.MediaStatus
PlaybackState = QMediaPlayer.PlaybackState


def _nothing() -> None:
    pass


def settle_notifiers(obj: QObject) -> None:
    """Avoid a deadlock between PySide and Qt Multimedia's playback threads.

    The first time Qt calls ``disconnectNotify`` on an object made in Python, PySide looks for a Python
    override, which needs the GIL. The playback threads do that on our audio output and video sink when
    they tear down, while the GUI thread waits for them inside ``stop()`` or ``setSource()`` holding the
    GIL. One connect/disconnect here, on the GUI thread, makes PySide remember there is no override.
    """
    obj.destroyed.connect(_nothing)
    obj.destroyed.disconnect(_nothing)


class VideoView(QWidget):
    """Paints the frames that arrive in ``sink`` as large as fits, keeping their aspect ratio. Unlike
    QVideoWidget (a native window in a container) it is a plain widget: it clips inside scroll areas and
    shows in ``grab()``. It keeps the last good frame: a stopped player sends an empty one."""

    double_clicked = Signal()
    pressed = Signal()
    shape_changed = Signal()                # the first frame, or one of another size

    def __init__(self, sink: QVideoSink, parent: QWidget | None = None):
        super().__init__(parent)
        sink.videoFrameChanged.connect(self._frame)
        self.frame = QVideoFrame()
        self.black_bars = False               # full screen: the space around the picture is black
        self.options = QVideoFrame.PaintOptions()
        self.options.aspectRatioMode = Qt.AspectRatioMode.KeepAspectRatio
        self.options.paintFlags = QVideoFrame.PaintOptions.PaintFlag.DontDrawSubtitles

    def _frame(self, frame: QVideoFrame) -> None:
        if frame.isValid():
            reshaped = frame.size() != self.frame.size()
            self.frame = frame
            self.update()
            if reshaped:
                self.shape_changed.emit()

    def clear(self) -> None:
        self.frame = QVideoFrame()
        self.update()

    def picture_rect(self) -> QRect:
        """Where the picture is painted (the whole view until a frame arrives)."""
        if not self.frame.isValid() or self.frame.size().isEmpty():
            return self.rect()
        size = self.frame.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        r = QRect(0, 0, size.width(), size.height())
        r.moveCenter(self.rect().center())
        return r

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        if self.black_bars:
            p.fillRect(self.rect(), QColor("black"))
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if self.frame.isValid():
            self.frame.paint(p, QRectF(self.rect()), self.options)
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.pressed.emit()
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.double_clicked.emit()
        event.accept()


class _Elided(QLabel):
    """A one-line caption that shortens itself with "…" instead of widening its pane."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def set_full(self, text: str) -> None:
        self.full = text
        self.setToolTip(text)
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        metrics = self.fontMetrics()
        super().setText(metrics.elidedText(self.full, Qt.TextElideMode.ElideRight, max(0, self.width())))


class _Picture(QWidget):
    """The picture area of a pane: the words (why there is no video) or the video. Not a QStackedWidget,
    whose layout would ask the word-wrapped words for the height. With ``hfw`` it asks for a 16:9 height
    (inside a scrolling form); otherwise it takes whatever space it gets."""

    def __init__(self, hfw: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.hfw = hfw
        vertical = QSizePolicy.Policy.Preferred if hfw else QSizePolicy.Policy.Expanding
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, vertical)
        policy.setHeightForWidth(hfw)
        self.setSizePolicy(policy)
        self.pages: list[QWidget] = []

    def add(self, page: QWidget) -> None:
        page.setParent(self)
        page.setGeometry(self.rect())
        self.pages.append(page)
        self.show_page(page)

    def show_page(self, page: QWidget) -> None:
        for p in self.pages:
            p.setVisible(p is page)

    def resizeEvent(self, event: QResizeEvent) -> None:
        for p in self.pages:
            p.setGeometry(self.rect())
        super().resizeEvent(event)

    def hasHeightForWidth(self) -> bool:
        return self.hfw

    def heightForWidth(self, width: int) -> int:
        return width * 9 // 16 if self.hfw else -1

    def sizeHint(self) -> QSize:
        return QSize(400, 225)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, 112) if self.hfw else QSize(120, 68)


class _Pane(QWidget):
    """One video: a caption (and, with 2+ panes, the button to hear this one) over the picture."""

    def __init__(self, owner: VideoGrid, index: int):
        super().__init__(owner.pane_box)
        self.owner, self.index = owner, index
        self.setObjectName(f"videoPane{index}")
        self.path: str | None = None
        self.problem: tuple[str, str] | None = None      # ("missing", path) or ("failed", Qt's reason)
        self.placeholder = ""
        self.fps = DEFAULT_FPS
        self.view: VideoView | None = None
        self.player: QMediaPlayer | None = None
        self.audio: QAudioOutput | None = None
        self.caption = _Elided(self)
        self.caption.setObjectName("mediaTitle")
        self.sound_button = QToolButton(self)
        self.sound_button.setObjectName("paneSound")
        self.sound_button.setCheckable(True)
        self.sound_button.setAutoRaise(True)
        self.sound_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaVolume))
        self.sound_button.hide()
        self.empty = QLabel(self)
        self.empty.setObjectName("bigPreview")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stage = _Picture(not owner.fill, self)
        self.stage.add(self.empty)
        self.top = QHBoxLayout()
        self.top.setContentsMargins(0, 0, 0, 0)
        self.top.addWidget(self.caption, 1)
        self.top.addWidget(self.sound_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addLayout(self.top)
        lay.addWidget(self.stage, 1)

    @property
    def name(self) -> str:
        return self.caption.full

    @property
    def playable(self) -> bool:
        return self.player is not None and self.path is not None and self.problem is None

    @property
    def duration(self) -> int:
        return self.player.duration() if self.player is not None else 0

    @property
    def frame_ms(self) -> float:
        return 1000.0 / self.fps

    def last_frame_ms(self) -> int:
        """The middle of the last frame: a seek there shows it (a seek to the very end shows none)."""
        return max(0, int(self.duration - self.frame_ms / 2))

    def ensure_player(self) -> QMediaPlayer:
        if self.player is None:
            # The sink and the audio output are the player's children, so they are deleted after it has
            # stopped its playback threads; deleted first, the threads could still write to them (a crash).
            self.player = QMediaPlayer(self)
            sink = QVideoSink(self.player)
            for obj in (self.player, sink):
                settle_notifiers(obj)
            self.player.setVideoSink(sink)
            self.attach_audio()
            self.view = VideoView(sink)
            self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.stage.add(self.view)
            self.view.double_clicked.connect(lambda: self.owner.set_full_screen(not self.owner.is_full_screen()))
            self.view.pressed.connect(self.owner.setFocus)
            self.view.shape_changed.connect(self.owner._relayout)
            self.player.positionChanged.connect(lambda ms: self.owner._tick(self, ms))
            self.player.durationChanged.connect(lambda _ms: self.owner._timeline_changed())
            self.player.mediaStatusChanged.connect(lambda s: self.owner._status(self, s))
            self.player.errorOccurred.connect(lambda _e, msg: self.owner._failed(self, msg))
        return self.player

    def attach_audio(self) -> None:
        """Sound where there is a device to play it on. Without one, Qt's audio thread would only log
        warnings, from a thread, every time playback starts."""
        if self.player is None or self.audio is not None or not QMediaDevices.audioOutputs():
            return
        self.audio = QAudioOutput(self.player)
        settle_notifiers(self.audio)
        self.player.setAudioOutput(self.audio)

    def load(self, path: str | None) -> None:
        self.unload()
        self.path = path
        if path is None:
            return
        if not os.path.isfile(path):
            self.problem = ("missing", path)
            return
        self.ensure_player().setSource(QUrl.fromLocalFile(path))
        assert self.view is not None
        self.stage.show_page(self.view)

    def unload(self) -> None:
        self.path, self.problem, self.fps = None, None, DEFAULT_FPS
        if self.player is not None:
            self.player.stop()
            self.player.setSource(QUrl())
        if self.view is not None:
            self.view.clear()
        self.stage.show_page(self.empty)

    def read_frame_rate(self) -> None:
        if self.player is None:
            return
        rate = self.player.metaData().value(QMediaMetaData.Key.VideoFrameRate)
        try:
            fps = float(rate)
        except (TypeError, ValueError):
            return
        if 1 <= fps <= 240:
            self.fps = fps


class VideoGrid(QWidget):
    """Up to four videos played in step, one row of controls.

    Signals: ``position_changed(int)`` — ms of the lead (longest) video; ``problem(int, str)`` — a pane's
    video cannot be played, in words; ``loop_changed(bool)``, ``volume_changed(float, bool)`` (volume,
    muted) — the person changed them (callers remember them); ``full_screen_changed(bool)``.
    """

    position_changed = Signal(int)
    problem = Signal(int, str)
    loop_changed = Signal(bool)
    volume_changed = Signal(float, bool)
    full_screen_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None, *, fill: bool = True):
        """``fill``: the panes take all the space they get (the stage, the compare view); without it each
        asks for a 16:9 height for its width (inside a scrolling form)."""
        super().__init__(parent)
        self.setObjectName("videoGrid")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.fill = fill
        self.autoplay = True              # a video set while the grid shows starts playing
        self._playing = False
        self._showing = False             # set while the slider follows the video, so it does not seek
        self._resume = False              # playing when the slider was grabbed: play on when it is let go
        self._switching = False           # entering or leaving full screen (the widget hides meanwhile)
        self._loop_set = False            # loop was set explicitly (else: on for 2+ panes)
        self._normal_flags = self.windowFlags()
        self._volume = 1.0
        self._muted = False
        self._sound_index = 0
        self._columns = 0
        self._devices: QMediaDevices | None = None
        self.heard: _Pane | None = None   # the pane whose sound plays
        self.panes: list[_Pane] = []
        self._count = 0

        self.pane_box = QWidget(self)
        self.pane_box.setObjectName("videoPanes")
        self.pane_grid = QGridLayout(self.pane_box)
        self.pane_grid.setContentsMargins(0, 0, 0, 0)
        self.pane_grid.setSpacing(8)
        self.sound_group = QButtonGroup(self)
        self.sound_group.setExclusive(True)
        self.sound_group.idClicked.connect(self.set_sound_from)

        def tool(name: str, pixmap: QStyle.StandardPixmap | None = None, checkable: bool = False) -> QToolButton:
            b = QToolButton(self)
            b.setObjectName(name)
            b.setCheckable(checkable)
            b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            if pixmap is not None:
                b.setIcon(self.style().standardIcon(pixmap))
                b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            return b

        sp = QStyle.StandardPixmap
        self.play_button = tool("playerPlay", sp.SP_MediaPlay)
        self.play_button.clicked.connect(self.toggle)
        self.back_button = tool("playerFrameBack", sp.SP_MediaSeekBackward)
        self.back_button.clicked.connect(lambda: self.step(-1))
        self.forward_button = tool("playerFrameForward", sp.SP_MediaSeekForward)
        self.forward_button.clicked.connect(lambda: self.step(1))
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("playerPosition")
        self.slider.setRange(0, 0)
        self.slider.setSingleStep(100)
        self.slider.setPageStep(1000)
        self.slider.valueChanged.connect(self._slider_moved)
        self.slider.sliderPressed.connect(self._grabbed)
        self.slider.sliderReleased.connect(self._let_go)
        self.clock = QLabel("0:00 / 0:00", self)
        self.clock.setObjectName("playerClock")
        self.loop_button = tool("playerLoop", checkable=True)
        self.loop_button.toggled.connect(self._loop_toggled)
        self.mute_button = tool("playerMute", sp.SP_MediaVolume, checkable=True)
        self.mute_button.toggled.connect(self._mute_toggled)
        self.volume_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.volume_slider.setObjectName("playerVolume")
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setValue(100)
        self.volume_slider.setFixedWidth(80)
        self.volume_slider.valueChanged.connect(self._volume_moved)
        self.full_button = tool("playerFullScreen", sp.SP_TitleBarMaxButton)
        self.full_button.clicked.connect(lambda: self.set_full_screen(not self.is_full_screen()))

        self.controls = controls = QHBoxLayout()
        controls.setSpacing(4)
        for b in (self.play_button, self.back_button, self.forward_button):
            controls.addWidget(b)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.clock)
        controls.addSpacing(6)
        for w in (self.loop_button, self.mute_button, self.volume_slider, self.full_button):
            controls.addWidget(w)
        self.main_layout = QVBoxLayout(self)
        self.main_layout.setContentsMargins(0, 0, 0, 0)
        if fill:        # the pictures take the height they need (stretch); what is left goes above and below
            self.main_layout.addStretch(0)
        self.main_layout.addWidget(self.pane_box, 1 if fill else 0)
        self.main_layout.addLayout(controls)
        if fill:
            self.main_layout.addStretch(0)
        self.retranslate()
        self._update_controls()

    # -- API ---------------------------------------------------------------------------------
    def set_videos(self, items: list[tuple[str, str | None]]) -> None:
        """(caption, path) per pane, 0 to 4. A None path shows the pane's placeholder; a pane whose path
        has not changed keeps playing. New videos start together from the beginning."""
        if len(items) > MAX_PANES:
            raise ValueError(f"VideoGrid shows at most {MAX_PANES} videos, not {len(items)}")
        while len(self.panes) < len(items):
            pane = _Pane(self, len(self.panes))
            self.sound_group.addButton(pane.sound_button, pane.index)
            self.panes.append(pane)
        changed: list[_Pane] = []
        for i, pane in enumerate(self.panes):
            caption, path = items[i] if i < len(items) else ("", None)
            pane.caption.set_full(caption)
            if path != pane.path or (path is not None and pane.problem is not None):
                pane.load(path)
                changed.append(pane)
        count_changed = len(items) != self._count
        self._count = len(items)
        if not self._loop_set:
            self._set_loop(self._count > 1)
        if count_changed:
            self._arrange(force=True)
            self._fit()
        if changed:
            self._started()
        for pane in changed:
            if pane.problem is not None:
                self.problem.emit(pane.index, self.problem_text(pane))
        if changed and self.autoplay and self.isVisible() and any(p.path for p in changed):
            self.play()

    def paths(self) -> list[str | None]:
        return [p.path for p in self.panes[:self._count]]

    def set_placeholder(self, index: int, text: str) -> None:
        """What pane ``index`` says while it has no video."""
        if index >= len(self.panes):
            return
        self.panes[index].placeholder = text
        self._words()

    def play(self) -> None:
        lead = self._lead()
        if lead is None or lead.player is None:
            return
        if lead.player.mediaStatus() == Status.EndOfMedia or 0 < lead.last_frame_ms() <= lead.player.position():
            self.seek(0)                    # at the end: Play starts again
        self._playing = True
        at = lead.player.position()
        for p in self._panes():
            if p is lead or p.duration <= 0 or at < p.last_frame_ms():
                assert p.player is not None
                p.player.play()
        self._update_controls()

    def pause(self) -> None:
        self._playing = False
        for p in self._panes():
            assert p.player is not None
            if p.player.playbackState() == PlaybackState.PlayingState:
                p.player.pause()
        self._update_controls()

    def toggle(self) -> None:
        if self._playing:
            self.pause()
        else:
            self.play()

    def is_playing(self) -> bool:
        return self._playing

    def seek(self, ms: int) -> None:
        """Every pane to ``ms``; one shorter than that shows its last frame."""
        for p in self._panes():
            assert p.player is not None
            last = p.last_frame_ms()
            # Moving a player that stopped at its end first: paused there, it would jump back to 0.
            p.player.setPosition(min(ms, last) if p.duration > 0 else ms)
            if self._playing and p.player.playbackState() != PlaybackState.PlayingState and ms < last:
                p.player.play()
            elif not self._playing and p.player.playbackState() == PlaybackState.StoppedState:
                p.player.pause()            # a stopped player shows no frame; a paused one shows this one
        self._show_position(ms)

    def position(self) -> int:
        lead = self._lead()
        return lead.player.position() if lead is not None and lead.player is not None else 0

    def duration(self) -> int:
        lead = self._lead()
        return lead.duration if lead is not None else 0

    def step(self, frames: int) -> None:
        """Pause and move ``frames`` frames (negative: back), at the lead video's frame rate."""
        lead = self._lead()
        if lead is None or lead.duration <= 0:
            return
        self.pause()
        last = max(0, math.ceil(lead.duration * lead.fps / 1000) - 1)
        current = min(int(self.position() * lead.fps / 1000), last)
        target = min(max(current + frames, 0), last)
        self.seek(round((target + 0.5) * lead.frame_ms))     # the middle of the frame shows that frame

    def set_loop(self, on: bool) -> None:
        self._loop_set = True
        self._set_loop(on)

    def loop(self) -> bool:
        return self.loop_button.isChecked()

    def set_volume(self, v: float) -> None:
        """0..1; anything above 0 also unmutes."""
        self.volume_slider.setValue(round(min(max(v, 0.0), 1.0) * 100))

    def volume(self) -> float:
        return self._volume

    def set_muted(self, on: bool) -> None:
        self.mute_button.setChecked(on)

    def is_muted(self) -> bool:
        return self._muted

    def set_sound_from(self, index: int) -> None:
        """Which pane is heard (the others are muted)."""
        self._sound_index = index
        self._apply_audio()

    def sound_from(self) -> int:
        return self.heard.index if self.heard is not None else self._sound_index

    def set_full_screen(self, on: bool) -> None:
        if on == self.is_full_screen():
            return
        self._switching = True
        try:
            if self.parentWidget() is not None:
                flags = self.windowFlags()
                if on:
                    self._normal_flags = flags
                    self.setWindowFlags((flags | Qt.WindowType.Window) & ~Qt.WindowType.SubWindow)
                else:
                    self.setWindowFlags(self._normal_flags)
            if on:
                self.showFullScreen()
            else:
                self.setWindowState(self.windowState() & ~Qt.WindowState.WindowFullScreen)
                self.show()
        finally:
            self._switching = False
        for p in self.panes:
            if p.view is not None:
                p.view.black_bars = on
                p.view.update()
        self.setFocus()
        self._update_controls()
        self.full_screen_changed.emit(on)

    def is_full_screen(self) -> bool:
        return bool(self.windowState() & Qt.WindowState.WindowFullScreen) and self.isWindow()

    def clear(self) -> None:
        self._playing = False
        for p in self.panes:
            p.unload()
        self._refresh()

    # -- keeping in step -----------------------------------------------------------------------
    def _panes(self) -> list[_Pane]:
        return [p for p in self.panes[:self._count] if p.playable]

    def _lead(self) -> _Pane | None:
        """The longest video sets the timeline (the first on a tie or while lengths are unknown)."""
        return max(self._panes(), key=lambda p: p.duration, default=None)

    def _started(self) -> None:
        """New videos: everything from the start."""
        if self._panes() and self._devices is None:
            self._devices = QMediaDevices(self)       # a device plugged in later gets the sound
            self._devices.audioOutputsChanged.connect(self._devices_changed)
        for p in self._panes():
            assert p.player is not None
            p.player.setPosition(0)
        self._refresh()

    def _tick(self, pane: _Pane, ms: int) -> None:
        lead = self._lead()
        if pane is not lead:
            return
        self._show_position(ms)
        self.position_changed.emit(ms)
        if not self._playing:
            return
        for p in self._panes():
            if p is lead or p.duration <= 0 or ms >= p.last_frame_ms():
                continue            # past its end: it plays out and keeps its last frame
            assert p.player is not None
            if p.player.playbackState() != PlaybackState.PlayingState:
                p.player.setPosition(ms)
                p.player.play()
            elif abs(p.player.position() - ms) > DRIFT_MS:
                p.player.setPosition(ms)

    def _status(self, pane: _Pane, status: QMediaPlayer.MediaStatus) -> None:
        if status == Status.LoadedMedia:
            pane.read_frame_rate()
        if status == Status.EndOfMedia and self._playing and pane is self._lead():
            if self.loop():
                for p in self._panes():
                    assert p.player is not None
                    p.player.setPosition(0)
                    p.player.play()
            else:
                self._playing = False      # the last frame stays; Play starts again from the start
                self._update_controls()
        elif status == Status.InvalidMedia:
            self._failed(pane, "")
        elif (status == Status.LoadedMedia and not self._playing and pane.playable and pane.player is not None
              and pane.player.playbackState() == PlaybackState.StoppedState):
            pane.player.pause()             # loaded while paused (or hidden): show its first frame

    def _failed(self, pane: _Pane, message: str) -> None:
        if pane.problem is not None or pane.player is None:
            return
        pane.problem = ("failed", message or pane.player.errorString())
        pane.player.stop()
        pane.stage.show_page(pane.empty)
        self._refresh()
        self.problem.emit(pane.index, self.problem_text(pane))

    def _timeline_changed(self) -> None:
        lead = self._lead()
        self._showing = True          # a shorter range moves the handle: that is not a seek
        self.slider.setMaximum(lead.duration if lead else 0)
        self._showing = False
        self._show_position(lead.player.position() if lead and lead.player else 0)

    def _show_position(self, ms: int) -> None:
        if not self.slider.isSliderDown():
            self._showing = True
            self.slider.setValue(ms)
            self._showing = False
        self.clock.setText(f"{fmt_clock(ms / 1000)} / {fmt_clock(self.slider.maximum() / 1000)}")

    def _slider_moved(self, ms: int) -> None:
        if not self._showing:
            self.seek(ms)           # also while dragging: the pictures follow the handle

    def _grabbed(self) -> None:
        self._resume = self._playing
        if self._playing:
            self.pause()

    def _let_go(self) -> None:
        if self._resume:
            self._resume = False
            self.play()

    def _set_loop(self, on: bool) -> None:
        self.loop_button.blockSignals(True)
        self.loop_button.setChecked(on)
        self.loop_button.blockSignals(False)

    def _loop_toggled(self, on: bool) -> None:
        self._loop_set = True
        self.loop_changed.emit(on)

    # -- sound ---------------------------------------------------------------------------------
    def _volume_moved(self, value: int) -> None:
        self._volume = value / 100
        if value > 0 and self._muted:
            self.mute_button.setChecked(False)     # emits volume_changed itself
        else:
            self._apply_audio()
            self.volume_changed.emit(self._volume, self._muted)

    def _mute_toggled(self, on: bool) -> None:
        self._muted = on
        self._apply_audio()
        self.volume_changed.emit(self._volume, self._muted)

    def _devices_changed(self) -> None:
        for p in self.panes:
            p.attach_audio()
        self._apply_audio()

    def _apply_audio(self) -> None:
        """Only one pane is heard: the chosen one, or the first there is."""
        panes = self._panes()
        chosen = next((p for p in panes if p.index == self._sound_index), None)
        self.heard = chosen or (panes[0] if panes else None)
        linear = QtAudio.convertVolume(self._volume, QtAudio.VolumeScale.LogarithmicVolumeScale,
                                       QtAudio.VolumeScale.LinearVolumeScale)
        for p in self.panes:
            if p.audio is not None:
                p.audio.setVolume(linear)
                p.audio.setMuted(self._muted or p is not self.heard)
            p.sound_button.blockSignals(True)
            p.sound_button.setChecked(p is self.heard)
            p.sound_button.blockSignals(False)
        sp = QStyle.StandardPixmap
        quiet = self._muted or self._volume == 0
        self.mute_button.setIcon(self.style().standardIcon(sp.SP_MediaVolumeMuted if quiet
                                                           else sp.SP_MediaVolume))

    # -- looks ---------------------------------------------------------------------------------
    def _aspect(self) -> float:
        for p in self._panes():
            if p.view is not None and p.view.frame.isValid() and p.view.frame.size().height() > 0:
                size = p.view.frame.size()
                return size.width() / size.height()
        return 16 / 9

    def _caption_height(self) -> int:
        return self.panes[0].top.sizeHint().height() + 2 if self.panes else 0

    def _best_columns(self) -> int:
        n = self._count
        if n <= 2:
            return max(n, 1)
        w = self.width()
        if not self.fill:
            return 2 if w < n * 320 else n
        h = self.height() - self.controls.sizeHint().height() - self.main_layout.spacing()
        ratio = self._aspect()
        caption = self._caption_height()

        def picture_height(cols: int) -> float:
            rows = math.ceil(n / cols)
            return min((w - 8 * (cols - 1)) / cols / ratio, (h - 8 * (rows - 1)) / rows - caption)
        return n if picture_height(n) >= picture_height(2) else 2

    def _arrange(self, force: bool = False) -> None:
        cols = self._best_columns()
        if cols == self._columns and not force:
            return
        self._columns = cols
        for p in self.panes:
            self.pane_grid.removeWidget(p)
        for i, p in enumerate(self.panes):
            if i < self._count:
                self.pane_grid.addWidget(p, i // cols, i % cols)
                p.show()
            else:
                p.hide()
        for c in range(MAX_PANES):
            self.pane_grid.setColumnStretch(c, 1 if c < cols else 0)
        rows = math.ceil(self._count / cols) if self._count else 0
        for r in range(MAX_PANES):
            self.pane_grid.setRowStretch(r, 1 if r < rows else 0)

    def _fit(self) -> None:
        """With ``fill``: the panes no taller than their pictures need at this width, so the controls stay
        right under the pictures and the height left over goes above and below."""
        if not self.fill:
            return
        cols = max(1, self._columns)
        rows = max(1, math.ceil(self._count / cols))
        cell = (self.width() - 8 * (cols - 1)) / cols
        need = rows * (cell / self._aspect() + self._caption_height()) + 8 * (rows - 1)
        self.pane_box.setMaximumHeight(max(int(need), self.pane_box.minimumSizeHint().height()))

    def _relayout(self) -> None:
        self._arrange()
        self._fit()

    def _refresh(self) -> None:
        if not self._panes():
            self._playing = False
        self._timeline_changed()
        self._apply_audio()
        self._words()
        self._update_controls()

    def _update_controls(self) -> None:
        playable = self._panes()
        for w in (self.play_button, self.back_button, self.forward_button, self.slider):
            w.setEnabled(bool(playable))
        several = self._count > 1
        for p in self.panes:
            p.sound_button.setVisible(several)
            p.sound_button.setEnabled(several and len(playable) > 1 and p.playable)
        sp = QStyle.StandardPixmap
        self.play_button.setIcon(self.style().standardIcon(sp.SP_MediaPause if self._playing
                                                           else sp.SP_MediaPlay))
        if self._playing:
            self.play_button.setText(translate("VideoGrid", "Pause"))
            self.play_button.setToolTip(translate("VideoGrid", "Pause (Space)"))
        else:
            self.play_button.setText(translate("VideoGrid", "Play"))
            self.play_button.setToolTip(translate("VideoGrid", "Play (Space)"))
        self.play_button.setAccessibleName(self.play_button.text())
        full = self.is_full_screen()
        self.full_button.setIcon(self.style().standardIcon(sp.SP_TitleBarNormalButton if full
                                                           else sp.SP_TitleBarMaxButton))
        if full:
            self.full_button.setText(translate("VideoGrid", "Leave full screen"))
            self.full_button.setToolTip(translate("VideoGrid", "Leave full screen (Esc)"))
        else:
            self.full_button.setText(translate("VideoGrid", "Full screen"))
            self.full_button.setToolTip(translate("VideoGrid", "Full screen (F)"))
        self.full_button.setAccessibleName(self.full_button.text())

    # -- words -------------------------------------------------------------------------------
    def problem_text(self, pane: _Pane) -> str:
        """Why ``pane`` shows no video, in plain words ("" when it does)."""
        if pane.problem is None:
            return ""
        kind, detail = pane.problem
        if kind == "missing":
            return translate("VideoGrid", "The video file is not there any more:\n%1").replace("%1", detail)
        return translate("VideoGrid", "This video cannot be played here: %1").replace(
            "%1", detail or translate("VideoGrid", "its format is not supported"))

    def _words(self) -> None:
        for p in self.panes:
            p.empty.setText(self.problem_text(p) if p.problem else p.placeholder)
            p.stage.setAccessibleName(p.name or translate("VideoGrid", "Video"))
            p.sound_button.setText(translate("VideoGrid", "Hear this video"))
            p.sound_button.setToolTip(translate("VideoGrid", "Hear this video"))
            p.sound_button.setAccessibleName(
                translate("VideoGrid", "Sound from %1").replace("%1", p.name or str(p.index + 1)))

    def retranslate(self) -> None:
        self.setAccessibleName(translate("VideoGrid", "Video player"))
        self.slider.setAccessibleName(translate("VideoGrid", "Position"))
        self.back_button.setText(translate("VideoGrid", "Previous frame"))
        self.back_button.setToolTip(translate("VideoGrid", "Previous frame (←)"))
        self.forward_button.setText(translate("VideoGrid", "Next frame"))
        self.forward_button.setToolTip(translate("VideoGrid", "Next frame (→)"))
        self.loop_button.setText(translate("VideoGrid", "Loop"))
        self.loop_button.setToolTip(translate("VideoGrid", "Start again at the end"))
        self.mute_button.setText(translate("VideoGrid", "Mute"))
        self.mute_button.setToolTip(translate("VideoGrid", "Mute"))
        for b in (self.back_button, self.forward_button, self.loop_button, self.mute_button):
            b.setAccessibleName(b.text())
        self.volume_slider.setAccessibleName(translate("VideoGrid", "Volume"))
        self.volume_slider.setToolTip(translate("VideoGrid", "Volume"))
        self.clock.setAccessibleName(translate("VideoGrid", "Time"))
        self._words()
        self._update_controls()

    # -- Qt ----------------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        n = max(1, self._count)
        if self.fill:
            return QSize(720, 460)
        return QSize(n * 400 + (n - 1) * 8, 225 + 70)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, plain = event.key(), not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        K = Qt.Key
        if plain and key == K.Key_Space and self._panes():
            self.toggle()
        elif plain and key in (K.Key_Left, K.Key_Comma) and self._panes():
            self.step(-1)
        elif plain and key in (K.Key_Right, K.Key_Period) and self._panes():
            self.step(1)
        elif plain and key == K.Key_F:
            self.set_full_screen(not self.is_full_screen())
        elif key == K.Key_Escape and self.is_full_screen():
            self.set_full_screen(False)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_full_screen() and self.parentWidget() is not None:
            self.set_full_screen(False)     # closing the full-screen window puts the player back
            event.ignore()
            return
        super().closeEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        if not self._switching and not event.spontaneous():
            self.pause()            # a hidden tab must not keep playing sound
        super().hideEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
