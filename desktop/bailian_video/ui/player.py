"""Play a finished video inside the app (QMediaPlayer), with the system player as a fallback."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QUrl
from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QSlider, QStyle, QVBoxLayout, QWidget

from . import desktop
from .before_after import settle_notifiers
from .util import fmt_clock


class PlayerDialog(QDialog):
    """A small player: play/pause, a position slider, and "open in system player"."""

    def __init__(self, path: str, title: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.path = path
        self.setObjectName("playerDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(820, 560)
        self.title = title
        self.video = QVideoWidget(self)
        self.video.setMinimumSize(320, 180)
        # The audio output is the player's child (deleted after the player has stopped its threads), made
        # only where there is a device to play on, and its notifiers settled on this thread: the same two
        # guards against Qt Multimedia's playback threads as the before/after preview.
        self.player = QMediaPlayer(self)
        settle_notifiers(self.player)
        self.audio: QAudioOutput | None = None
        if QMediaDevices.audioOutputs():
            self.audio = QAudioOutput(self.player)
            settle_notifiers(self.audio)
            self.player.setAudioOutput(self.audio)
        self.player.setVideoOutput(self.video)

        self.play_button = QPushButton(self)
        self.play_button.clicked.connect(self.toggle)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(0, 0)
        self.slider.sliderMoved.connect(self.player.setPosition)
        self.clock = QLabel("0:00 / 0:00", self)
        self.system_button = QPushButton(self)
        self.system_button.clicked.connect(lambda: desktop.open_path(self.path))
        self.folder_button = QPushButton(self)
        self.folder_button.clicked.connect(lambda: desktop.show_in_folder(self.path))
        self.error = QLabel(self)
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()

        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.clock)
        bottom = QHBoxLayout()
        bottom.addWidget(self.error, 1)
        bottom.addWidget(self.folder_button)
        bottom.addWidget(self.system_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.video, 1)
        lay.addLayout(controls)
        lay.addLayout(bottom)

        self.player.durationChanged.connect(self._duration)
        self.player.positionChanged.connect(self._position)
        self.player.playbackStateChanged.connect(lambda _s: self._update_button())
        self.player.errorOccurred.connect(self._failed)
        self.retranslate()
        if os.path.isfile(path):
            self.player.setSource(QUrl.fromLocalFile(path))
        else:
            self._failed(QMediaPlayer.Error.ResourceError, self.tr("The file is no longer there: %1").replace("%1", path))

    def play(self) -> None:
        self.player.play()

    def toggle(self) -> None:
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            self.player.play()

    def _duration(self, ms: int) -> None:
        self.slider.setRange(0, ms)
        self._position(self.player.position())

    def _position(self, ms: int) -> None:
        if not self.slider.isSliderDown():
            self.slider.setValue(ms)
        self.clock.setText(f"{fmt_clock(ms / 1000)} / {fmt_clock(self.player.duration() / 1000)}")

    def _failed(self, _error: QMediaPlayer.Error, message: str = "") -> None:
        self.error.setText(self.tr("This video cannot be played here (%1). Use “Open in system player”.")
                           .replace("%1", message or self.player.errorString() or "?"))
        self.error.show()
        self.system_button.setDefault(True)
        self.system_button.setFocus()

    def _update_button(self) -> None:
        playing = self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setText(self.tr("Pause") if playing else self.tr("Play"))

    def retranslate(self) -> None:
        self.setWindowTitle(self.title or Path(self.path).name)
        self.system_button.setText(self.tr("Open in system player"))
        self.folder_button.setText(self.tr("Show in folder"))
        self._update_button()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def done(self, result: int) -> None:
        self.player.stop()
        self.player.setSource(QUrl())
        super().done(result)
