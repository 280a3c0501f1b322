"""Continue a finished video: the next shot, made to start where this one ends.

:class:`ContinueDialog` offers the ways :mod:`engine.continuation` allows for the video in the session's
region (best first), each with its model and what it costs; the prompt (the previous shot's, editable) and
how many seconds to add. "Make next shot" puts the new task in the queue as a take of a new shot right after
the video's own shot (a new sequence [video, next shot] when the video is in none); a spending limit it
would cross is asked about first, and nothing is left behind when it is not submitted.
"""
from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
import math
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .. import catalog
from ..catalog import ValidationError
from ..engine import budget, continuation
from ..engine.film import FILM
from ..engine.records import Request, State, TaskRecord
from ..engine.sequences import SequenceError, effective_take
from .budget_ui import resolve_hold, should_suggest, suggest_limits
from .snippets import SnippetTools
from .util import fmt_money, spawn, tx

log = logging.getLogger("bailian_video.ui")

NAME_CHARS = 24          # a new sequence is named after the start of the prompt


def is_film(rec: TaskRecord | None) -> bool:
    return rec is not None and (rec.request.model == FILM or rec.family == FILM)


def can_continue(rec: TaskRecord | None) -> bool:
    return rec is not None and rec.state == State.DONE and bool(rec.output_path)


def _secs(x: float) -> str:
    return f"{round(x, 1):g}"


def sequence_name(prompt: str, fallback: str) -> str:
    """A new sequence's name: the start of the prompt, else ``fallback``."""
    text = " ".join(prompt.split())
    if not text:
        return fallback
    return text[:NAME_CHARS].rstrip() + "…" if len(text) > NAME_CHARS else text


def with_seconds(plan: continuation.Plan, seconds: int) -> Request:
    """The plan's request asking for ``seconds`` new seconds: the clip's length plus them for a clip
    continuation (the model repeats the clip), the new seconds alone from a last frame — within what the
    model allows."""
    req = copy.deepcopy(plan.request)
    spec = catalog.get(plan.model)
    p = spec.param("duration") if spec is not None else None
    if p is None:
        return req
    want = math.ceil(plan.overlap) + seconds if plan.method == "first_clip" else seconds
    values = [c.value for c in p.choices if isinstance(c.value, (int, float))]
    if values:
        value = min(values, key=lambda v: (abs(v - want), -v))
    else:
        lo = p.min if p.min is not None else 1
        hi = p.max if p.max is not None else want
        value = int(max(lo, min(hi, want)))
    req.params["duration"] = value
    return req


class ContinueDialog(QDialog):
    """The next shot of ``record``. ``submitted(list of TaskRecord, Sequence)`` once it is queued."""

    submitted = Signal(list, object)

    def __init__(self, record: TaskRecord, session: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("continueDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.record = record
        self.session = session
        self.region: str = session.region
        self.plans: dict[str, continuation.Plan | None] = {}
        self.problems: dict[str, str] = {}
        self.busy = False
        self._plan_jobs: list[asyncio.Task] = []
        self._make_job: asyncio.Task | None = None
        self.radios: dict[str, QRadioButton] = {}
        self.blurbs: dict[str, QLabel] = {}

        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.message = QLabel(self)         # what went wrong, or why nothing was submitted
        self.message.setObjectName("errorBox")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.ways_title = QLabel(self)
        self.ways_title.setObjectName("fieldTitle")
        self.group = QButtonGroup(self)
        ways = QVBoxLayout()
        ways.setSpacing(2)
        self.methods = self._methods()
        for m in self.methods:
            radio = QRadioButton(self)
            radio.setObjectName(f"continueWay_{m}")
            self.group.addButton(radio)
            blurb = QLabel(self)
            blurb.setObjectName("helpText")
            blurb.setWordWrap(True)
            blurb.setContentsMargins(24, 0, 0, 6)
            ways.addWidget(radio)
            ways.addWidget(blurb)
            self.radios[m], self.blurbs[m] = radio, blurb
            radio.toggled.connect(self._toggled)

        self.prompt = QPlainTextEdit(self)
        self.prompt.setObjectName("continuePrompt")
        self.prompt.setPlainText(self._previous_prompt())
        self.prompt.setTabChangesFocus(True)
        self.prompt.setMinimumHeight(80)
        self.prompt.setMaximumHeight(140)
        # the prompt library, as in the form: its right-click menu and a "Snippets" list
        self.snippets = SnippetTools(self.prompt, self)
        prompt_box = QWidget(self)
        col = QVBoxLayout(prompt_box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addWidget(self.prompt)
        col.addWidget(self.snippets.button, 0, Qt.AlignmentFlag.AlignLeft)
        self.seconds = QSpinBox(self)
        self.seconds.setObjectName("continueSeconds")
        self.seconds.setRange(1, 15)
        self.seconds.setValue(continuation.NEW_SECONDS)
        self.seconds.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.seconds.valueChanged.connect(lambda _v: self._refresh())
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.prompt_label = QLabel(self)
        self.prompt_label.setBuddy(self.prompt)
        self.seconds_label = QLabel(self)
        self.seconds_label.setBuddy(self.seconds)
        form.addRow(self.prompt_label, prompt_box)
        form.addRow(self.seconds_label, self.seconds)

        self.sandbox_note = QLabel(self)
        self.sandbox_note.setObjectName("helpText")
        self.sandbox_note.setVisible(bool(getattr(session, "is_sandbox", False)))
        self.buttons = QDialogButtonBox(self)
        self.make_button = QPushButton(self)
        self.make_button.setObjectName("continueMake")
        self.make_button.setDefault(True)
        self.buttons.addButton(self.make_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.make_button.clicked.connect(self._make_clicked)
        self.buttons.rejected.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addWidget(self.ways_title)
        lay.addLayout(ways)
        lay.addLayout(form)
        lay.addWidget(self.message)
        lay.addWidget(self.sandbox_note)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(620)
        if self.methods:
            self.radios[self.methods[0]].setChecked(True)       # the best way first
        self.retranslate()
        if self.methods:
            for m in self.methods:
                self._plan_jobs.append(spawn(self._plan(m), name=f"continue-plan:{m}"))
        self._refresh()

    # -- what can be done ------------------------------------------------------------------
    def _methods(self) -> list[str]:
        """The ways this video can be continued here (a film only from its last frame)."""
        rec = self.record
        path = Path(rec.output_path) if rec.output_path else None
        if path is not None and not path.is_file():
            self._fail(self.tr("The video file %1 is not in %2 any more. Put it back there to continue it.")
                       .replace("%1", path.name).replace("%2", str(path.parent)))
            return []
        from ..media.probe import MediaError  # (PyAV and numpy: not at start-up)
        try:
            methods = continuation.options(rec, self.region)
        except continuation.CannotContinue as e:
            self._fail(self.tr("This video cannot be continued: %1").replace("%1", str(e)))
            return []
        except MediaError as e:
            self._fail(self.tr("This video cannot be read: %1").replace("%1", str(e)))
            return []
        return [m for m in methods if not (is_film(rec) and m == "first_clip")]

    def _previous_prompt(self) -> str:
        """The prompt of the shot this one follows (for a film: its last shot's)."""
        rec = self.record
        if not is_film(rec):
            return rec.request.prompt
        eng = self.session.engine
        seq = eng.sequences.get(rec.request.params.get("sequence")) if eng is not None else None
        for shot in reversed(seq.shots if seq is not None else []):
            records = {t: r for t in shot.takes if (r := eng.get(t)) is not None}
            take = effective_take(shot, records)
            if take is not None:
                return take.request.prompt
        return ""

    def model_of(self, method: str) -> catalog.ModelSpec | None:
        plan = self.plans.get(method)
        if plan is not None:
            return catalog.get(plan.model)
        if method == "first_clip":
            return catalog.get(continuation.CLIP_MODEL)
        try:
            return continuation.image_model(self.region)
        except (LookupError, ValueError):
            return None

    def method(self) -> str | None:
        return next((m for m, r in self.radios.items() if r.isChecked()), None)

    async def _plan(self, method: str) -> None:
        from ..media.probe import MediaError
        frames = Path(self.session.data_dir) / "frames"
        try:
            plan: continuation.Plan | None = await continuation.plan(self.record, self.region, method=method,
                                                                     frames_dir=frames)
        except continuation.CannotContinue as e:
            plan, self.problems[method] = None, str(e)
        except (MediaError, OSError) as e:
            plan, self.problems[method] = None, str(e)
        self.plans[method] = plan
        self._way_changed()         # a clip's length bounds the seconds it can add

    def request_for(self, method: str) -> Request | None:
        """The request the chosen way would submit now: the plan with this prompt and these seconds."""
        plan = self.plans.get(method)
        if plan is None:
            return None
        req = with_seconds(plan, self.seconds.value())
        text = self.prompt.toPlainText().strip()
        if text:
            req.inputs["prompt"] = text
        else:
            req.inputs.pop("prompt", None)
        return req

    # -- words -----------------------------------------------------------------------------
    def way_texts(self, method: str) -> tuple[str, str]:
        """The way's radio (what it is, with which model, about how much) and the line under it."""
        spec = self.model_of(method)
        model = tx(spec.title) if spec is not None else "?"
        plan = self.plans.get(method)
        clip = method == "first_clip"
        head = (self.tr("Continue the clip (%1)") if clip else self.tr("Start from its last frame (%1)")).replace(
            "%1", model)
        if method in self.problems:
            return self.tr("%1 — not possible").replace("%1", head), self.problems[method]
        how = (self.tr("The model plays your clip first and goes on from it; the film keeps only the new part.")
               if clip else self.tr("A new video that starts from the exact last picture of this one."))
        req = self.request_for(method)
        eng = self.session.engine
        if plan is None or req is None or eng is None:
            return f"{head} — …", how
        try:
            est = eng.estimate(req)
        except (LookupError, ValueError, TypeError):
            est = None
        cost = fmt_money(est.amount) if est is not None else "?"
        radio = self.tr("%1 — about %2").replace("%1", head).replace("%2", cost)
        total = float(req.params.get("duration") or 0)
        if clip:
            billed = est.seconds if est is not None and est.seconds else total
            facts = (self.tr("Repeats your %1 s and adds %2 s; billed %3 s.").replace("%1", _secs(plan.overlap))
                     .replace("%2", _secs(max(0.0, total - plan.overlap))).replace("%3", _secs(billed)))
        else:
            facts = self.tr("%1 s new.").replace("%1", _secs(total)) if total else ""
        return radio, f"{facts} {how}".strip()

    def _refresh(self) -> None:
        for m, radio in self.radios.items():
            text, more = self.way_texts(m)
            radio.setText(text)
            radio.setAccessibleDescription(more)
            radio.setEnabled(m not in self.problems and not self.busy)
            self.blurbs[m].setText(more)
        chosen = self.method()
        if chosen is not None and chosen in self.problems:
            other = next((x for x in self.methods if x not in self.problems), None)
            if other is not None:
                self.radios[other].setChecked(True)
                return
        ready = chosen is not None and self.plans.get(chosen) is not None
        self.make_button.setEnabled(ready and not self.busy)
        self.cancel_button.setEnabled(not self.busy)
        self.prompt.setReadOnly(self.busy)
        self.seconds.setEnabled(not self.busy)

    def _toggled(self, on: bool) -> None:
        if on:
            self._way_changed()

    def _way_changed(self) -> None:
        m = self.method()
        if m == "first_clip":
            spec = self.model_of(m)
            p = spec.param("duration") if spec is not None else None
            plan = self.plans.get(m)
            overlap = math.ceil(plan.overlap) if plan is not None else 0
            top = int(p.max) - overlap if p is not None and p.max is not None else 15
            self.seconds.setRange(1, max(1, top))
        elif m == "last_frame":
            spec = self.model_of(m)
            p = spec.param("duration") if spec is not None else None
            lo = int(p.min) if p is not None and p.min is not None else 1
            hi = int(p.max) if p is not None and p.max is not None else 15
            self.seconds.setRange(lo, max(lo, hi))
        self._refresh()

    def _fail(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Continue this video"))
        self.intro.setText(self.tr("Make the next shot: a new video that starts where this one ends. It is added "
                                   "to a sequence after this video, ready to become one film."))
        self.ways_title.setText(self.tr("How to continue"))
        self.prompt_label.setText(self.tr("Prompt"))
        self.seconds_label.setText(self.tr("Seconds to add"))
        self.seconds.setSuffix(self.tr(" s"))
        self.sandbox_note.setText(self.tr("Sandbox: nothing is charged."))
        self.make_button.setText(self.tr("Make next shot"))
        self._refresh()

    # -- making it -------------------------------------------------------------------------
    def _make_clicked(self) -> None:
        if not self.busy:
            self._make_job = spawn(self.make(), name="continue-make")

    def _set_busy(self, on: bool) -> None:
        self.busy = on
        self._refresh()

    async def make(self) -> bool:
        """Queue the next shot. True when it was queued (the dialog then closes)."""
        m = self.method()
        plan = self.plans.get(m) if m is not None else None
        req = self.request_for(m) if m is not None else None
        eng = self.session.engine
        if plan is None or req is None:
            return False
        if eng is None or not self.session.can_submit:
            self._fail(self.tr("The backend is not running, or there is no API key: nothing was submitted."))
            return False
        self.message.hide()
        self._set_busy(True)
        try:
            return await self._submit(eng, plan, req)
        finally:
            self._set_busy(False)

    async def _submit(self, eng: Any, plan: continuation.Plan, req: Request) -> bool:
        try:
            prepared = await eng.prepare(req)
        except ValidationError as e:
            self._fail("\n".join(tx(err.message) for err in e.errors))
            return False
        # A limit it would cross is settled before a shot is made for it (and, on the first paid video,
        # the one-time offer to set limits, as the form makes it).
        if should_suggest(eng.store):
            await suggest_limits(self, eng.store)
        over = False
        hold = budget.check(eng.store, prepared.amount)
        if hold is not None:
            over = await resolve_hold(self, eng.store, hold)
            if not over:
                self._fail(self.tr("Nothing was submitted."))
                return False
        fresh = eng.sequences.shot_of(self.record.id) is None
        name = sequence_name(self.record.request.prompt,          # a film's is its sequence's name
                             self.tr("Sequence %1").replace("%1", time.strftime("%Y-%m-%d %H:%M")))
        shot = eng.sequences.continue_from(self.record.id, name)
        seq = eng.sequences.sequence_of_shot(shot.id)
        res = None
        try:
            kw = dict(prepared=prepared, shot=shot.id, parent=self.record.id, continuation=plan.continuation)
            try:
                res = await eng.submit(prepared.request, over_budget=over, **kw)
            except budget.OverBudget as e:          # spending moved on since the check
                if await resolve_hold(self, eng.store, e.hold):
                    res = await eng.submit(prepared.request, over_budget=True, **kw)
            except ValidationError as e:
                self._fail("\n".join(tx(err.message) for err in e.errors))
        except Exception as e:  # noqa: BLE001 — e.g. the task database refused it: said here, nothing queued
            log.exception("continuing task %s failed", self.record.id)
            self._fail(self.tr("Nothing was submitted: %1").replace("%1", str(e) or type(e).__name__))
        finally:
            if res is None or not res.tasks:
                self._forget(eng, shot.id, seq.id if fresh else None)
        if res is None:
            if self.message.isHidden():
                self._fail(self.tr("Nothing was submitted."))
            return False
        if not res.tasks:
            self._fail(self.tr("You already made this next shot (task %1): nothing was submitted again.")
                       .replace("%1", str(res.duplicate_of.id if res.duplicate_of is not None else "?")))
            return False
        seq = eng.sequences.sequence_of_shot(shot.id)
        self.busy = False
        self.submitted.emit(list(res.tasks), seq)
        self.accept()
        return True

    @staticmethod
    def _forget(eng: Any, shot_id: int, new_sequence: int | None) -> None:
        """Nothing was queued: no empty shot (nor a sequence made just for it) stays behind."""
        with contextlib.suppress(SequenceError):
            if new_sequence is not None:
                eng.sequences.delete(new_sequence)
            else:
                eng.sequences.remove_shot(shot_id)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- closing ---------------------------------------------------------------------------
    def done(self, r: int) -> None:
        if self.busy:               # a submission is under way: it finishes (or gives up) first
            return
        for job in self._plan_jobs:
            if not job.done():
                job.cancel()
        super().done(r)
