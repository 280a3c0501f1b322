"""Before/after preview of a video edit: the source and the result side by side, played in step.

One control row drives both panes: play/pause, a position slider, which pane's sound plays. The
timeline is as long as the longer video; the shorter one holds its last frame until the longer ends,
then both start again (the preview always loops). Players are created on first use only.
"""
from __future__ import annotations

import os

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QHideEvent, QKeyEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer, QVideoFrame, QVideoSink
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSlider,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from .util import fmt_clock

END_SLACK_MS = 60     # a follower this close to its end is left to finish and hold its last frame
DRIFT_MS = 200        # a follower further than this from the lead is put back in step

Status = QMediaPlayer.MediaStatus
Playing = QMediaPlayer.PlaybackState.PlayingState


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
    """Paints the frames that arrive in ``sink``, letterboxed. Unlike QVideoWidget (a native window in a
    container) it is a plain widget: it clips inside the form's scroll area and shows in ``grab()``."""

    def __init__(self, sink: QVideoSink, parent: QWidget | None = None):
        super().__init__(parent)
        sink.videoFrameChanged.connect(self._frame)
        self.frame = QVideoFrame()
        self.options = QVideoFrame.PaintOptions()
        self.options.backgroundColor = QColor("black")
        self.options.aspectRatioMode = Qt.AspectRatioMode.KeepAspectRatio
        self.options.paintFlags = QVideoFrame.PaintOptions.PaintFlag.DontDrawSubtitles

    def _frame(self, frame: QVideoFrame) -> None:
        if frame.isValid():          # a stopped player sends an empty frame: keep showing the last one
            self.frame = frame
            self.update()

    def clear(self) -> None:
        self.frame = QVideoFrame()
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.frame.paint(p, QRectF(self.rect()), self.options)
        p.end()


class _Stage(QWidget):
    """The picture area: 16:9, at least 200 px wide, growing with the window. It shows one of its pages
    (words or the video); not a QStackedWidget, whose layout would ask the word-wrapped words for the height."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
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
        return True

    def heightForWidth(self, width: int) -> int:
        return width * 9 // 16

    def sizeHint(self) -> QSize:
        return QSize(400, 225)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, 112)


class _Pane(QWidget):
    """One side: a caption over the picture, or over words saying why there is none."""

    def __init__(self, owner: BeforeAfter, name: str):
        super().__init__(owner)
        self.owner, self.name = owner, name
        self.setObjectName(f"{name}Pane")
        self.path: str | None = None
        self.problem: tuple[str, str] | None = None      # ("missing", path) or ("failed", Qt's reason)
        self.view: VideoView | None = None
        self.player: QMediaPlayer | None = None
        self.audio: QAudioOutput | None = None
        self.caption = QLabel(self)
        self.caption.setObjectName("mediaTitle")
        self.empty = QLabel(self)
        self.empty.setObjectName("bigPreview")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stage = _Stage(self)
        self.stage.add(self.empty)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.caption)
        lay.addWidget(self.stage)

    @property
    def playable(self) -> bool:
        return self.player is not None and self.path is not None and self.problem is None

    @property
    def duration(self) -> int:
        return self.player.duration() if self.player is not None else 0

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
            self.stage.add(self.view)
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
        self.path, self.problem = None, None
        if self.player is not None:
            self.player.stop()
            self.player.setSource(QUrl())
        if self.view is not None:
            self.view.clear()
        self.stage.show_page(self.empty)


class BeforeAfter(QWidget):
    """The source video ("Before") beside the edited one ("After"), with one shared control row.

    Signals: ``error(str)`` — a video cannot be played; the same words show under the controls.
    """

    error = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("beforeAfter")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._playing = False
        self._showing = False             # set while the slider follows the video, so it does not seek
        self._devices: QMediaDevices | None = None
        self.heard: _Pane | None = None   # the pane whose sound plays
        self.before = _Pane(self, "before")
        self.after = _Pane(self, "after")

        self.play_button = QPushButton(self)
        self.play_button.setObjectName("beforeAfterPlay")
        self.play_button.clicked.connect(self.toggle)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("beforeAfterPosition")
        self.slider.setRange(0, 0)
        self.slider.setSingleStep(100)
        self.slider.setPageStep(1000)
        self.slider.valueChanged.connect(self._slider_moved)
        self.clock = QLabel("0:00 / 0:00", self)
        self.sound_label = QLabel(self)
        self.sound_before = QRadioButton(self)
        self.sound_before.setObjectName("soundBefore")
        self.sound_before.setChecked(True)
        self.sound_after = QRadioButton(self)
        self.sound_after.setObjectName("soundAfter")
        self.sound = QButtonGroup(self)
        self.sound.addButton(self.sound_before)
        self.sound.addButton(self.sound_after)
        self.sound.buttonToggled.connect(lambda _b, _on: self._apply_audio())
        self.error_label = QLabel(self)
        self.error_label.setObjectName("fieldError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        panes = QHBoxLayout()
        panes.addWidget(self.before, 1)
        panes.addWidget(self.after, 1)
        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.clock)
        controls.addSpacing(12)
        controls.addWidget(self.sound_label)
        controls.addWidget(self.sound_before)
        controls.addWidget(self.sound_after)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(panes)
        lay.addLayout(controls)
        lay.addWidget(self.error_label)
        lay.addStretch(1)                   # more height than 16:9 needs goes below, not into black bars
        self.retranslate()
        self._update_controls()

    # -- API ---------------------------------------------------------------------------------
    @property
    def before_path(self) -> str | None:
        return self.before.path

    @property
    def after_path(self) -> str | None:
        return self.after.path

    def set_before(self, path: str | None) -> None:
        self._set(self.before, path)

    def set_after(self, path: str | None) -> None:
        self._set(self.after, path)

    def clear(self) -> None:
        self._playing = False
        self.before.unload()
        self.after.unload()
        self._refresh()

    def is_playing(self) -> bool:
        return self._playing

    def play(self) -> None:
        panes = self._panes()
        lead = self._lead()
        if lead is None:
            return
        if lead.player is not None and (lead.player.mediaStatus() == Status.EndOfMedia
                                        or 0 < lead.duration - END_SLACK_MS <= lead.player.position()):
            self.seek(0)
        self._playing = True
        at = lead.player.position() if lead.player is not None else 0
        for p in panes:
            if p is lead or p.duration <= 0 or at < p.duration - END_SLACK_MS:
                assert p.player is not None
                p.player.play()
        self._update_controls()

    def pause(self) -> None:
        self._playing = False
        for p in self._panes():
            assert p.player is not None
            if p.player.playbackState() == Playing:
                p.player.pause()
        self._update_controls()

    def toggle(self) -> None:
        if self._playing:
            self.pause()
        else:
            self.play()

    def seek(self, ms: int) -> None:
        """Both panes to ``ms``; one shorter than that shows its last frame."""
        for p in self._panes():
            assert p.player is not None
            last = p.duration - END_SLACK_MS
            p.player.setPosition(min(ms, last) if last > 0 else ms)
            if self._playing and p.player.playbackState() != Playing and ms < last:
                p.player.play()
            elif not self._playing and p.player.playbackState() == QMediaPlayer.PlaybackState.StoppedState:
                p.player.pause()            # a stopped player shows no frame; a paused one shows this one
        self._show_position(ms)

    # -- keeping in step -----------------------------------------------------------------------
    def _panes(self) -> list[_Pane]:
        return [p for p in (self.before, self.after) if p.playable]

    def _lead(self) -> _Pane | None:
        """The longer video sets the timeline (Before on a tie or while lengths are unknown)."""
        return max(self._panes(), key=lambda p: p.duration, default=None)

    def _set(self, pane: _Pane, path: str | None) -> None:
        pane.load(path)
        if pane.player is not None and self._devices is None:
            self._devices = QMediaDevices(self)       # a device plugged in later gets the sound
            self._devices.audioOutputsChanged.connect(self._devices_changed)
        for p in self._panes():         # a new pair: both from the start
            assert p.player is not None
            p.player.setPosition(0)
        self._refresh()
        if pane.problem is not None:
            self._report(pane)
        elif path is not None and self.isVisible():
            self.play()

    def _tick(self, pane: _Pane, ms: int) -> None:
        lead = self._lead()
        if pane is not lead:
            return
        self._show_position(ms)
        if not self._playing:
            return
        for p in self._panes():
            if p is lead or p.duration <= 0 or ms >= p.duration - END_SLACK_MS:
                continue            # past its end: it plays out and keeps its last frame
            assert p.player is not None
            if p.player.playbackState() != Playing:
                p.player.setPosition(ms)
                p.player.play()
            elif abs(p.player.position() - ms) > DRIFT_MS:
                p.player.setPosition(ms)

    def _status(self, pane: _Pane, status: QMediaPlayer.MediaStatus) -> None:
        if status == Status.EndOfMedia and self._playing and pane is self._lead():
            for p in self._panes():          # loop: everything from the start
                assert p.player is not None
                p.player.setPosition(0)
                p.player.play()
        elif status == Status.InvalidMedia:
            self._failed(pane, "")
        elif (status == Status.LoadedMedia and not self._playing and pane.playable and pane.player is not None
              and pane.player.playbackState() == QMediaPlayer.PlaybackState.StoppedState):
            pane.player.pause()             # loaded while paused (or hidden): show its first frame

    def _failed(self, pane: _Pane, message: str) -> None:
        if pane.problem is not None or pane.player is None:
            return
        pane.problem = ("failed", message or pane.player.errorString())
        pane.player.stop()
        pane.stage.show_page(pane.empty)
        self._refresh()
        self._report(pane)

    def _report(self, pane: _Pane) -> None:
        self.error.emit(self._problem_text(pane))

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
            self.seek(ms)

    def _devices_changed(self) -> None:
        for p in (self.before, self.after):
            p.attach_audio()
        self._apply_audio()

    def _apply_audio(self) -> None:
        """Only one pane is heard: the chosen one, or the only one there is."""
        panes = self._panes()
        wanted = self.before if self.sound_before.isChecked() else self.after
        self.heard = wanted if wanted in panes else (panes[0] if panes else None)
        for p in (self.before, self.after):
            if p.audio is not None:
                p.audio.setMuted(p is not self.heard)

    def _refresh(self) -> None:
        if not self._panes():
            self._playing = False
        self._timeline_changed()
        self._apply_audio()
        self._update_controls()
        self.retranslate()

    def _update_controls(self) -> None:
        has_video = bool(self._panes())
        both = self.before.playable and self.after.playable
        self.play_button.setEnabled(has_video)
        self.slider.setEnabled(has_video)
        for w in (self.sound_label, self.sound_before, self.sound_after):
            w.setEnabled(both)
        icon = QStyle.StandardPixmap.SP_MediaPause if self._playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setText(self.tr("Pause") if self._playing else self.tr("Play"))

    # -- words -------------------------------------------------------------------------------
    def _problem_text(self, pane: _Pane) -> str:
        if pane.problem is None:
            return ""
        kind, detail = pane.problem
        if kind == "missing":
            reason = self.tr("the file is not there (%1)").replace("%1", detail)
        else:
            reason = detail or self.tr("its format is not supported")
        text = (self.tr("The source video cannot be played: %1") if pane is self.before
                else self.tr("The edited video cannot be played: %1"))
        return text.replace("%1", reason)

    def retranslate(self) -> None:
        self.before.caption.setText(self.tr("Before"))
        self.after.caption.setText(self.tr("After"))
        for pane, empty in ((self.before, self.tr("Drop a video above to preview it")),
                            (self.after, self.tr("The edited video appears here when it is ready"))):
            pane.empty.setText(self.tr("This video cannot be played") if pane.problem else empty)
            pane.stage.setAccessibleName(self.tr("Source video") if pane is self.before
                                          else self.tr("Edited video"))
        self.slider.setAccessibleName(self.tr("Preview position"))
        self.play_button.setAccessibleName(self.tr("Play or pause both videos"))
        self.sound_label.setText(self.tr("Sound from:"))
        self.sound_before.setText(self.tr("Before"))
        self.sound_before.setAccessibleName(self.tr("Sound from the source video"))
        self.sound_after.setText(self.tr("After"))
        self.sound_after.setAccessibleName(self.tr("Sound from the edited video"))
        self._update_controls()
        problems = [t for t in (self._problem_text(self.before), self._problem_text(self.after)) if t]
        self.error_label.setText("\n".join(problems))
        self.error_label.setVisible(bool(problems))

    # -- Qt ----------------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(2 * 400 + 12, 225 + 70)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.modifiers() and self._panes():
            self.toggle()
            event.accept()
            return
        super().keyPressEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.pause()                # a hidden tab must not keep playing sound
        super().hideEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
