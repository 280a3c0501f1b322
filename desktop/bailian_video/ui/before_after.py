"""Before/after preview of a video edit: the source and the result side by side, played in step.

A two-pane :class:`~.video_grid.VideoGrid` (one control row, the longer video sets the timeline, the
shorter holds its last frame, looping) with the edit tab's words. Players are created on first use only.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from .video_grid import VideoGrid, VideoView, _Pane, settle_notifiers

__all__ = ["BeforeAfter", "VideoView", "settle_notifiers"]


class BeforeAfter(VideoGrid):
    """The source video ("Before") beside the edited one ("After").

    Signals: ``error(str)`` — a video cannot be played; the same words show under the controls.
    """

    error = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, fill=False)
        self.setObjectName("beforeAfter")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("fieldError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        self.main_layout.addWidget(self.error_label)
        self.main_layout.addStretch(1)      # more height than 16:9 needs goes below, not into black bars
        self.problem.connect(lambda i, _text: self.error.emit(self._problem_sentence(self.panes[i])))
        self.set_videos([("", None), ("", None)])
        self.before, self.after = self.panes
        self.retranslate()

    @property
    def before_path(self) -> str | None:
        return self.before.path

    @property
    def after_path(self) -> str | None:
        return self.after.path

    def set_before(self, path: str | None) -> None:
        self.set_videos([(self.before.name, path), (self.after.name, self.after.path)])

    def set_after(self, path: str | None) -> None:
        self.set_videos([(self.before.name, self.before.path), (self.after.name, path)])

    def _problem_sentence(self, pane: _Pane) -> str:
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

    def _words(self) -> None:
        super()._words()
        if not hasattr(self, "before"):
            return                          # still being built
        problems = [t for t in (self._problem_sentence(p) for p in self.panes) if t]
        self.error_label.setText("\n".join(problems))
        self.error_label.setVisible(bool(problems))
        self.before.stage.setAccessibleName(self.tr("Source video"))
        self.after.stage.setAccessibleName(self.tr("Edited video"))
        self.before.sound_button.setAccessibleName(self.tr("Sound from the source video"))
        self.after.sound_button.setAccessibleName(self.tr("Sound from the edited video"))

    def retranslate(self) -> None:
        if len(self.panes) == 2:
            for pane, caption, empty in (
                    (self.panes[0], self.tr("Before"), self.tr("Drop a video above to preview it")),
                    (self.panes[1], self.tr("After"), self.tr("The edited video appears here when it is ready"))):
                pane.caption.set_full(caption)
                pane.placeholder = empty
        super().retranslate()
        self.slider.setAccessibleName(self.tr("Preview position"))
