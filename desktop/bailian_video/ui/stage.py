"""The result stage: the right-hand side of the Create page, where a task's video plays large.

It shows one record: nothing yet (how to get a video here), a task on its way (its state, time, estimate),
a failure (why, and what to do), or a finished video playing inline — beside its source for an edit or a
continuation — with the request it came from and what can be done with it. It follows its record as the
engine changes it. Qt Multimedia loads with the first video, not at start-up.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QGuiApplication, QPalette, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .. import catalog
from ..catalog.kinds import file_slots
from ..catalog.schema import Kind, ParamSpec
from ..catalog.values import is_local, local_path
from ..engine.records import State, TaskRecord
from . import desktop
from .util import fmt_clock, fmt_money, tx

if TYPE_CHECKING:
    from .continue_dialog import ContinueDialog
    from .video_grid import VideoGrid

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi")
#: wider than this, the request sits beside the player; narrower, under it
SIDE_BY_SIDE_WIDTH = 900
COPIED_MS = 1500


def source_video(rec: TaskRecord) -> str | None:
    """The local video a task worked from (an edit's source, a continuation's clip), if it names one."""
    spec = catalog.get(rec.model)
    if spec is None:
        return None
    inputs = rec.request.inputs
    for ins in spec.inputs_for(rec.request.function):
        if ins.name not in inputs:
            continue
        for slot in file_slots(ins, inputs[ins.name]):
            if not is_local(slot.value):
                continue
            path = local_path(slot.value)
            if slot.spec.kind == Kind.VIDEO or path.lower().endswith(VIDEO_SUFFIXES):
                return path
    return None


def shows_before_after(rec: TaskRecord) -> bool:
    """An edit (its family says so) or a task made from a local video that is still there."""
    src = source_video(rec)
    if src is None:
        return False
    try:
        edit = catalog.family_spec(rec.family).before_after
    except ValueError:                  # a record without a known family
        edit = False
    return edit or os.path.isfile(src)


def _as_bool(value: Any, default: bool) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes", "on")
    return default if value is None else bool(value)


def _as_float(value: Any, default: float) -> float:
    try:
        return min(max(float(value), 0.0), 1.0)
    except (TypeError, ValueError):
        return default


class _CopyButton(QToolButton):
    """Puts ``text`` on the clipboard and says "Copied" for a moment."""

    def __init__(self, text: str, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.value = text
        self.what = name
        self.setObjectName("copyButton")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.clicked.connect(self._copy)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COPIED_MS)
        self._timer.timeout.connect(self.retranslate)
        self.retranslate()

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.value)
        self.setText(QCoreApplication.translate("ResultStage", "Copied"))
        self._timer.start()

    def retranslate(self) -> None:
        if not self._timer.isActive():
            self.setText(QCoreApplication.translate("ResultStage", "Copy"))
        self.setAccessibleName(QCoreApplication.translate("ResultStage", "Copy %1").replace("%1", self.what))
        self.setToolTip(QCoreApplication.translate("ResultStage", "Copy %1").replace("%1", self.what))


class ResultStage(QWidget):
    """One task, large: its video (played at once, before/after for an edit), or where it is, or why it
    failed; beside or under it the request it came from.

    Signals: ``use_settings(Request, bool exact)`` — put these settings back into the form (exact: with the
    seed, one video); ``preference_changed(str key, value)`` — the person changed the player's loop
    ("player/loop"), volume ("player/volume") or mute ("player/muted"); the window saves them;
    ``sequence_changed(int sequence id)`` — Continue queued a next shot in that sequence.

    A film (a sequence stitched into one video) plays like any video, with its shots and cross-fade instead
    of generation settings: it cannot be made again from settings, only continued from its last frame.
    """

    use_settings = Signal(object, bool)
    preference_changed = Signal(str, object)
    sequence_changed = Signal(int)

    def __init__(self, session: Any, config_get: Callable[[str, Any], Any] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("resultStage")
        self.session = session
        self.config_get = config_get or (lambda _key, default: default)
        self._rec: TaskRecord | None = None
        #: the queue's model, when there is one: the stage then says a task's state in the same words
        self.describer: Any = None
        self._shown: tuple[Any, ...] = ()        # what the details were built from
        self._play_when_shown = False
        self.grid: VideoGrid | None = None
        self.continue_dialog: ContinueDialog | None = None
        self.copy_buttons: dict[str, _CopyButton] = {}
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._update_progress)

        self.pages = QStackedWidget(self)
        self.pages.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.pages.addWidget(self._build_placeholder())
        self.pages.addWidget(self._build_progress())
        self.pages.addWidget(self._build_problem())
        self.player_page = QWidget(self.pages)
        self.player_layout = QVBoxLayout(self.player_page)
        self.player_layout.setContentsMargins(0, 0, 0, 0)
        self.pages.addWidget(self.player_page)

        self.details_body = QWidget()
        self.details_body.setObjectName("stageDetails")
        self.details_layout = QVBoxLayout(self.details_body)
        self.details_layout.setContentsMargins(4, 0, 4, 4)
        self.details_layout.setSpacing(6)
        self.model_title = QLabel(self.details_body)
        self.model_title.setObjectName("columnTitle")
        self.model_title.setWordWrap(True)
        self.model_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.prompt_head = QHBoxLayout()
        self.prompt_caption = QLabel(self.details_body)
        self.prompt_caption.setObjectName("fieldTitle")
        self.prompt_head.addWidget(self.prompt_caption, 1)
        self.prompt = QLabel(self.details_body)
        self.prompt.setObjectName("stagePrompt")
        self.prompt.setWordWrap(True)
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)
        self.prompt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.facts = QGridLayout()
        self.facts.setHorizontalSpacing(8)
        self.facts.setVerticalSpacing(3)
        self.facts.setColumnStretch(1, 1)
        self.took_value: QLabel | None = None

        self.use_button = QPushButton(self.details_body)
        self.use_button.setObjectName("stageUseSettings")
        self.use_button.clicked.connect(lambda: self._emit_use(False))
        self.repeat_button = QPushButton(self.details_body)
        self.repeat_button.setObjectName("stageExactRepeat")
        self.repeat_button.clicked.connect(lambda: self._emit_use(True))
        self.continue_button = QPushButton(self.details_body)
        self.continue_button.setObjectName("stageContinue")
        self.continue_button.clicked.connect(lambda: self.continue_video())
        self.folder_button = QPushButton(self.details_body)
        self.folder_button.setObjectName("stageShowInFolder")
        self.folder_button.clicked.connect(self._show_in_folder)
        self.open_button = QPushButton(self.details_body)
        self.open_button.setObjectName("stageOpen")
        self.open_button.clicked.connect(self._open)
        # one above the other beside the player, in a row under it
        self.buttons = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        for b in (self.use_button, self.repeat_button, self.continue_button, self.folder_button, self.open_button):
            self.buttons.addWidget(b)

        self.details_layout.addWidget(self.model_title)
        self.details_layout.addLayout(self.prompt_head)
        self.details_layout.addWidget(self.prompt)
        self.details_layout.addLayout(self.facts)
        self.details_layout.addLayout(self.buttons)
        self.details_layout.addStretch(1)
        self.details = QScrollArea(self)
        self.details.setObjectName("stageDetailsScroll")
        self.details.setWidgetResizable(True)
        self.details.setFrameShape(QFrame.Shape.NoFrame)
        self.details.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.details.setWidget(self.details_body)

        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(6, 6, 6, 6)
        self.box.setSpacing(10)
        self.box.addWidget(self.pages, 1)
        self.box.addWidget(self.details, 0)

        session.task_changed.connect(self._task_changed)
        session.task_removed.connect(self._task_removed)
        session.reset.connect(lambda: self.show_record(None))
        self.retranslate()
        self._render()
        self._place_details()

    # -- pages -------------------------------------------------------------------------------
    def _build_placeholder(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("stagePlaceholder")
        icon = QLabel(page)
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay).pixmap(64, 64))
        icon.setEnabled(False)              # drawn faint
        self.empty_title = QLabel(page)
        self.empty_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_title.setWordWrap(True)
        font = QFont(self.empty_title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        self.empty_title.setFont(font)
        self.empty_hint = QLabel(page)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setWordWrap(True)
        for label in (self.empty_title, self.empty_hint):
            label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        lay = QVBoxLayout(page)
        lay.addStretch(1)
        lay.addWidget(icon)
        lay.addWidget(self.empty_title)
        lay.addWidget(self.empty_hint)
        lay.addStretch(1)
        return page

    def _build_progress(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("stageProgress")
        self.state_title = QLabel(page)
        self.state_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_title.setWordWrap(True)
        font = QFont(self.state_title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        self.state_title.setFont(font)
        self.progress = QProgressBar(page)
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(420)
        self.state_times = QLabel(page)
        self.state_times.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_times.setWordWrap(True)
        lay = QVBoxLayout(page)
        lay.addStretch(1)
        lay.addWidget(self.state_title)
        lay.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addWidget(self.state_times)
        lay.addStretch(1)
        return page

    def _build_problem(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("stageProblem")
        column = QWidget(page)
        column.setMaximumWidth(560)
        self.problem_title = QLabel(column)
        self.problem_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.problem_title.setWordWrap(True)
        font = QFont(self.problem_title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        self.problem_title.setFont(font)
        self.problem_text = QLabel(column)
        self.problem_text.setObjectName("errorBox")
        self.problem_text.setWordWrap(True)
        self.problem_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_next = QLabel(column)
        self.problem_next.setWordWrap(True)
        self.problem_next.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col = QVBoxLayout(column)
        col.setSpacing(10)
        for w in (self.problem_title, self.problem_text, self.problem_next):
            col.addWidget(w)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 4)            # at most 560 px wide, centred
        row.addStretch(1)
        lay = QVBoxLayout(page)
        lay.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(1)
        return page

    # -- API ---------------------------------------------------------------------------------
    def record(self) -> TaskRecord | None:
        return self._rec

    def show_record(self, rec: TaskRecord | None) -> None:
        """Put ``rec`` on the stage (None: the empty stage). The same task again, unchanged, only updates
        its times: its video plays on."""
        same = rec is not None and self._rec is not None and self._shown == self._signature(rec)
        self._rec = rec
        if same:
            self._update_progress()
        else:
            self._render()

    def toggle(self) -> None:
        """Play or pause the video on the stage (the window's Space / menu action)."""
        if self.grid is not None and self.pages.currentIndex() == 3:
            self.grid.toggle()

    def full_screen(self, on: bool | None = None) -> None:
        """The video on the stage full screen (None: the other way round)."""
        if self.grid is not None and self.pages.currentIndex() == 3:
            self.grid.set_full_screen(not self.grid.is_full_screen() if on is None else on)

    # -- following the record ------------------------------------------------------------------
    def _task_changed(self, rec: TaskRecord) -> None:
        if self._rec is not None and rec.id == self._rec.id:
            self.show_record(rec)           # only times and bytes moved: nothing is built again

    @staticmethod
    def _signature(rec: TaskRecord | None) -> tuple[Any, ...]:
        if rec is None:
            return ()
        return (rec.id, rec.state, rec.output_path, rec.cost_actual, rec.cost_estimate, rec.task_id,
                tuple(rec.request_ids), rec.error_code, rec.error_message)

    def _task_removed(self, rec: TaskRecord) -> None:
        if self._rec is not None and rec.id == self._rec.id:
            self.show_record(None)

    def _render(self) -> None:
        rec = self._rec
        self._shown = self._signature(rec)
        self.details.setVisible(rec is not None)
        if rec is None:
            self._stop_video()
            self._tick.stop()
            self.pages.setCurrentIndex(0)
            return
        if rec.state == State.DONE and rec.output_path:
            self._tick.stop()
            self._play(rec)
        elif rec.state.active:
            self._stop_video()
            self.pages.setCurrentIndex(1)
            self._update_progress()
            self._tick.start()
        else:
            self._stop_video()
            self._tick.stop()
            self._show_problem(rec)
            self.pages.setCurrentIndex(2)
        self._fill_details(rec)

    def _play(self, rec: TaskRecord) -> None:
        assert rec.output_path is not None
        grid = self._ensure_grid()
        out = str(rec.output_path)
        if shows_before_after(rec):
            src = source_video(rec)
            items: list[tuple[str, str | None]] = [(self.tr("Before"), src), (self.tr("After"), out)]
        else:
            items = [(Path(out).name, out)]
        if len(items) != len(grid.paths()):
            # 2 panes play in a loop by default, 1 pane as the person last chose
            grid.set_loop(len(items) > 1 or _as_bool(self.config_get("player/loop", False), False))
        self.pages.setCurrentIndex(3)
        changed = grid.paths() != [p for _c, p in items]
        grid.set_videos(items)
        self._play_when_shown = changed and not self.isVisible()     # put on stage while another page shows

    def _ensure_grid(self) -> VideoGrid:
        if self.grid is None:
            from .video_grid import VideoGrid  # Qt Multimedia loads with the first video, not at start-up
            self.grid = VideoGrid(self.player_page)
            self.grid.set_volume(_as_float(self.config_get("player/volume", 1.0), 1.0))
            self.grid.set_muted(_as_bool(self.config_get("player/muted", False), False))
            self.grid.loop_changed.connect(self._loop_changed)
            self.grid.volume_changed.connect(self._volume_changed)
            self.player_layout.addWidget(self.grid)
        return self.grid

    def _loop_changed(self, on: bool) -> None:
        if self.grid is not None and len(self.grid.paths()) == 1:     # only the single player's choice is kept
            self.preference_changed.emit("player/loop", on)

    def _volume_changed(self, volume: float, muted: bool) -> None:
        self.preference_changed.emit("player/volume", volume)
        self.preference_changed.emit("player/muted", muted)

    def _stop_video(self) -> None:
        if self.grid is not None and self.grid.paths():
            self.grid.pause()
            self.grid.set_videos([])

    # -- words -------------------------------------------------------------------------------
    def _update_progress(self) -> None:
        rec = self._rec
        if rec is None or not rec.state.active:
            return
        now = time.time()
        words = self.describer
        if words is not None:
            # the queue's own words: a place in line, no invented percentage, "taking longer than usual"
            self.state_title.setText(words.status_text(rec))
            value = words.progress(rec)
            self.progress.setVisible(rec.state not in (State.WAITING, State.QUEUED))
            if value < 0:
                self.progress.setRange(0, 0)            # busy, no figure
            else:
                self.progress.setRange(0, 100)
                self.progress.setValue(int(value * 100))
            parts = [words.time_text(rec)]
        else:
            self.state_title.setText(tx(rec.state.label))
            progress = rec.generation_progress(now)
            self.progress.setVisible(rec.state in (State.QUEUED, State.RUNNING, State.DOWNLOADING))
            self.progress.setValue(int(progress * 100))
            parts = [self.tr("Elapsed %1").replace("%1", fmt_clock(rec.elapsed(now)))]
            eta = rec.eta_seconds(now)
            if eta is not None and eta > 0:
                parts.append(self.tr("about %1 left").replace("%1", fmt_clock(eta)))
            elif eta is not None:
                parts.append(self.tr("any moment now"))
        if rec.cost_estimate is not None:
            parts.append(self.tr("estimated cost %1").replace("%1", fmt_money(rec.cost_estimate, False)))
        self.state_times.setText(" · ".join(parts))
        if self.took_value is not None:
            self.took_value.setText(fmt_clock(rec.elapsed(now)))

    def _show_problem(self, rec: TaskRecord) -> None:
        self.problem_title.setText(tx(rec.state.label))
        why = rec.error_text()
        if not why:
            why = {State.CANCELED: self.tr("This task was canceled."),
                   State.STOPPED: self.tr("This app stopped following this task."),
                   State.EXPIRED: self.tr("The service no longer keeps this result "
                                          "(it keeps them for 24 hours)."),
                   State.UNCERTAIN: self.tr("It is not clear whether the service made this task."),
                   }.get(rec.state, self.tr("This task did not make a video."))
        if rec.error_code:
            why += "\n" + self.tr("Service code: %1").replace("%1", rec.error_code)
        self.problem_text.setText(why)
        from .queue_view import next_step
        step = next_step(rec.error_code)
        if rec.state == State.UNCERTAIN:
            step = self.tr("Decide in the queue what to do with it.")
        elif not step:
            step = self.tr("Change the settings if needed, then use “Use these settings” "
                           "and Generate again.")
        self.problem_next.setText(step)

    def _fill_details(self, rec: TaskRecord) -> None:
        from .continue_dialog import can_continue, is_film  # (loaded on first use: start-up stays light)
        spec = catalog.get(rec.model)
        film = is_film(rec)
        title = self.tr("Film") if film else tx(spec.title) if spec is not None else rec.model
        self.model_title.setText(title)
        prompt = rec.prompt
        # a film's "prompt" is the name of the sequence it was stitched from
        self.prompt_caption.setText(self.tr("Sequence") if film else self.tr("Prompt"))
        self.prompt.setText(prompt or self.tr("(no prompt)"))
        self._set_copy(self.prompt_head, "prompt", prompt, self.tr("the name") if film else self.tr("the prompt"))

        while self.facts.count():
            item = self.facts.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        self.copy_buttons = {k: v for k, v in self.copy_buttons.items() if k == "prompt"}
        self.took_value = None
        row = 0

        def fact(label: str, value: str, copy: tuple[str, str] | None = None) -> QLabel:
            nonlocal row
            name = QLabel(label, self.details_body)
            name.setObjectName("helpText")
            name.setWordWrap(True)
            text = QLabel(value, self.details_body)
            text.setWordWrap(True)
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            self.facts.addWidget(text, row, 1)
            if copy is not None:
                button = _CopyButton(value, copy[1], self.details_body)
                self.copy_buttons[copy[0]] = button
                self.facts.addWidget(button, row, 2, Qt.AlignmentFlag.AlignTop)
            row += 1
            return text

        if film:
            self._film_facts(rec, fact)
        else:
            self._task_facts(rec, spec, title, fact)
        fact(self.tr("Created"), time.strftime("%Y-%m-%d %H:%M", time.localtime(rec.created_at)))
        self.took_value = fact(self.tr("Took") if rec.state.terminal else self.tr("Elapsed"),
                               fmt_clock(rec.elapsed()))
        if rec.task_id:
            fact(self.tr("Task id"), rec.task_id, ("task_id", self.tr("the task id")))
        if rec.request_ids:
            fact(self.tr("Request id"), rec.request_ids[-1], ("request_id", self.tr("the request id")))

        seed = rec.request.params.get("seed")
        self.use_button.setVisible(not film)
        self.repeat_button.setVisible(seed is not None and not film)
        has_file = bool(rec.output_path) and os.path.isfile(str(rec.output_path))
        self.continue_button.setVisible(can_continue(rec))
        self.continue_button.setEnabled(has_file)
        self.folder_button.setVisible(has_file)
        self.open_button.setVisible(has_file)

    def _task_facts(self, rec: TaskRecord, spec: Any, title: str, fact: Callable[..., QLabel]) -> None:
        fact(self.tr("Model"), f"{title} ({rec.model})" if spec is not None else rec.model)
        seed = rec.request.params.get("seed")
        if seed is not None:
            fact(self.tr("Seed"), str(seed), ("seed", self.tr("the seed")))
        if rec.cost_actual is not None:
            fact(self.tr("Cost"), fmt_money(rec.cost_actual))
        elif rec.cost_estimate is not None:
            fact(self.tr("Cost"), self.tr("%1 (estimate)").replace("%1", fmt_money(rec.cost_estimate, False)))
        for name, value in rec.request.params.items():
            if name == "seed" or value is None:
                continue
            p = spec.param(name, rec.request.function) if spec is not None else None
            fact(tx(p.label) if p is not None else name, self._param_text(p, value))

    def _film_facts(self, rec: TaskRecord, fact: Callable[..., QLabel]) -> None:
        """What a film is made of: its shots, the cross-fade between them, its length."""
        params = rec.request.params
        shots = params.get("shots")
        if shots is not None:
            fact(self.tr("Shots"), str(shots))
        fade = float(params.get("crossfade") or 0.0)
        fact(self.tr("Cross-fade"), self.tr("%1 s").replace("%1", f"{fade:g}") if fade else self.tr("None"))
        seconds = rec.usage.get("duration")
        if seconds is not None:
            fact(self.tr("Length"), self.tr("%1 s").replace("%1", f"{float(seconds):.1f}"))
        fact(self.tr("Cost"), self.tr("No charge: its shots were paid for when they were made"))

    def _set_copy(self, layout: QHBoxLayout, key: str, value: str, what: str) -> None:
        button = self.copy_buttons.get(key)
        if button is None:
            button = _CopyButton(value, what, self.details_body)
            self.copy_buttons[key] = button
            layout.addWidget(button)
        button.value, button.what = value, what
        button.setVisible(bool(value))
        button.retranslate()

    def _param_text(self, p: ParamSpec | None, value: Any) -> str:
        if p is not None:
            for c in (*p.choices, *p.extra):
                if c.value == value:
                    return tx(c.label)
        if isinstance(value, bool):
            return self.tr("Yes") if value else self.tr("No")
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        return str(value)

    # -- actions -----------------------------------------------------------------------------
    def continue_video(self, rec: TaskRecord | None = None) -> ContinueDialog | None:
        """Open the Continue dialog for ``rec`` (default: the video on the stage); the library's Continue
        comes here too. When its next shot is queued, the stage shows it and says where it went."""
        from .continue_dialog import ContinueDialog, can_continue
        rec = rec or self._rec
        if not can_continue(rec):
            return None
        assert rec is not None
        if self.continue_dialog is not None:
            if self.continue_dialog.record.id == rec.id:
                self.continue_dialog.raise_()
                self.continue_dialog.activateWindow()
                return self.continue_dialog
            self.continue_dialog.close()
        if self.grid is not None:
            self.grid.pause()
        dlg = ContinueDialog(rec, self.session, self.window() if self.window() is not self else None)
        dlg.submitted.connect(self._continued)
        dlg.finished.connect(lambda _r, d=dlg: self._dialog_closed(d))
        self.continue_dialog = dlg
        dlg.open()
        return dlg

    def _dialog_closed(self, dlg: ContinueDialog) -> None:
        if self.continue_dialog is dlg:
            self.continue_dialog = None

    def _continued(self, recs: list[TaskRecord], seq: Any) -> None:
        self.sequence_changed.emit(seq.id)
        name = seq.name
        say = getattr(self.window(), "say", None)
        if callable(say):       # the window's status bar (it re-says its note in a new language)
            say(lambda: self.tr("Next shot queued in “%1”").replace("%1", name), 8000)
        if recs:
            self.show_record(recs[-1])

    def _emit_use(self, exact: bool) -> None:
        from .continue_dialog import is_film
        if self._rec is not None and not is_film(self._rec):
            self.use_settings.emit(self._rec.request, exact)

    def _show_in_folder(self) -> None:
        if self._rec is None or not self._rec.output_path:
            return
        desktop.reveal_or_copy(self, str(self._rec.output_path))     # or the path copied, and said so

    def _open(self) -> None:
        if self._rec is None or not self._rec.output_path:
            return
        if self.grid is not None:
            self.grid.pause()               # one player at a time
        desktop.open_or_copy(self, str(self._rec.output_path))

    # -- looks -------------------------------------------------------------------------------
    def _place_details(self) -> None:
        wide = self.width() >= SIDE_BY_SIDE_WIDTH
        self.box.setDirection(QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom)
        self.buttons.setDirection(QBoxLayout.Direction.TopToBottom if wide else QBoxLayout.Direction.LeftToRight)
        if wide:
            self.details.setMinimumHeight(0)
            self.details.setMaximumHeight(16777215)
            self.details.setFixedWidth(max(280, min(380, self.width() // 3)))
        else:
            self.details.setMinimumWidth(0)
            self.details.setMaximumWidth(16777215)
            self.details.setMaximumHeight(max(160, self.height() * 2 // 5))

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Result"))
        self.empty_title.setText(self.tr("Your video will play here"))
        self.empty_hint.setText(self.tr("Fill in the form on the left and press Generate. "
                                        "Double-click any task or library tile to watch it here."))
        self.prompt_caption.setText(self.tr("Prompt"))
        self.use_button.setText(self.tr("Use these settings"))
        self.use_button.setToolTip(self.tr("Put these settings back into the form, with a new seed"))
        self.repeat_button.setText(self.tr("Exact repeat"))
        self.repeat_button.setToolTip(self.tr("The same settings and the same seed"))
        self.continue_button.setText(self.tr("Continue"))
        self.continue_button.setToolTip(self.tr("Make the next shot: a new video that starts where this one ends"))
        self.folder_button.setText(self.tr("Show in folder"))
        self.open_button.setText(self.tr("Open in system player"))
        self.progress.setAccessibleName(self.tr("Progress"))
        if self._rec is not None:
            self._render()

    def sizeHint(self) -> QSize:
        return QSize(900, 600)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._play_when_shown and self.grid is not None and self.pages.currentIndex() == 3:
            self._play_when_shown = False
            self.grid.play()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_details()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
