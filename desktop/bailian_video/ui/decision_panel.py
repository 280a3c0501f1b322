"""The person's decision for a task whose create answer was lost and that the engine could not resolve.

The engine never guesses (design: "uncertainty is a state, not a guess"): it lists the service tasks
that could be the lost one and waits. This panel shows them and carries out what the person chooses —
adopt one of them, adopt a task ID found in the Model Studio console, or say nothing was created and
submit again (which is billed again, so it asks first). Errors are shown here, next to the buttons.
"""
from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from .. import catalog
from ..i18n import T
from .style import warning_pixmap
from .util import ask, fmt_money, spawn, tx


class ElidedLabel(QLabel):
    """One line that shortens itself with "…" to the width it gets; the full text is its tooltip."""

    def __init__(self, parent: QWidget | None = None, mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight):
        super().__init__(parent)
        self._full = ""
        self._tip = ""
        self._mode = mode
        self.setTextFormat(Qt.TextFormat.PlainText)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = " ".join((text or "").split())
        self._elide()

    def set_tip(self, tip: str) -> None:
        """A tooltip of its own (instead of the full text, which is the tooltip only when shortened)."""
        self._tip = tip
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, self._mode, max(0, self.width()))
        super().setText(shown)
        self.setToolTip(self._tip or (self._full if shown != self._full else ""))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def sizeHint(self) -> QSize:  # noqa: N802
        h = super().sizeHint().height()
        return QSize(min(self.fontMetrics().horizontalAdvance(self._full) + 2, 320), h)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(20, super().minimumSizeHint().height())


def service_status_text(status: str | None) -> str:
    """The service's task status in plain words (the raw code stays in the tooltip)."""
    translate = QCoreApplication.translate
    return {
        "PENDING": translate("DecisionPanel", "queued"),
        "RUNNING": translate("DecisionPanel", "generating"),
        "SUCCEEDED": translate("DecisionPanel", "finished"),
        "FAILED": translate("DecisionPanel", "failed"),
        "CANCELED": translate("DecisionPanel", "canceled"),
        "UNKNOWN": translate("DecisionPanel", "unknown to the service"),
    }.get((status or "").upper(), status or translate("DecisionPanel", "status unknown"))


class CandidateRow(QFrame):
    """One service task that could be the lost one: when, which model, how far, what was asked."""

    def __init__(self, candidate: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("candidateRow")
        self.candidate = candidate
        self.facts = ElidedLabel(self)
        self.facts.setObjectName("candidateFacts")
        self.task_id = QLineEdit(candidate.task_id, self)       # read-only: the whole id can be selected and copied
        self.task_id.setObjectName("candidateId")
        self.task_id.setReadOnly(True)
        self.task_id.setFrame(False)
        self.task_id.setCursorPosition(0)
        self.prompt = ElidedLabel(self)
        self.prompt.setObjectName("candidatePrompt")
        self.adopt_button = QPushButton(self)
        self.adopt_button.setObjectName("adoptCandidate")
        # Text over the full width (the details pane is narrow), the button under it.
        col = QVBoxLayout(self)
        col.setContentsMargins(8, 4, 8, 6)
        col.setSpacing(0)
        col.addWidget(self.facts)
        col.addWidget(self.task_id)
        col.addWidget(self.prompt)
        col.addSpacing(4)
        col.addWidget(self.adopt_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.retranslate()

    def retranslate(self) -> None:
        c = self.candidate
        when = time.strftime("%H:%M:%S", time.localtime(c.created_at)) if c.created_at else \
            self.tr("time unknown")
        spec = catalog.get(c.model) if c.model else None
        model = (tx(spec.title) if spec else c.model) or self.tr("model unknown")
        self.facts.set_full_text(" · ".join((when, model, service_status_text(c.status))))
        self.facts.set_tip("\n".join(x for x in (self.facts.full_text(), c.model or "", c.status or "") if x))
        self.prompt.set_full_text(self.tr("Prompt: %1").replace("%1", c.prompt) if c.prompt else
                                  self.tr("The service reports no prompt for this task."))
        self.task_id.setToolTip(self.tr("Task ID on the service"))
        self.adopt_button.setText(self.tr("Adopt this task"))
        self.adopt_button.setToolTip(self.tr("This is the task that was made: follow it and download its video "
                                             "(nothing is charged again)"))


class DecisionPanel(QFrame):
    """Adopt a candidate, adopt a task ID, or submit again — for the selected ``UNCERTAIN`` task.

    ``decided`` (record id, what) is emitted once the engine has accepted a decision ("adopt" or
    "resubmit"); ``failed`` (record id, message) when it refused one (the message is shown here too).
    """

    decided = Signal(int, str)
    failed = Signal(int, str)

    def __init__(self, session: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("decisionPanel")
        self.session = session
        self.rec: Any = None
        self._shown_candidates: list[dict[str, Any]] | None = None
        self._shown_id: int | None = None
        self._busy: set[int] = set()
        self._asking = False
        self._errors: dict[int, Callable[[], str]] = {}
        self.rows: list[CandidateRow] = []

        icon = QLabel(self)
        icon.setPixmap(warning_pixmap(18))
        icon.setFixedSize(20, 20)
        self.title = QLabel(self)
        self.title.setObjectName("decisionTitle")
        self.title.setWordWrap(True)
        head = QHBoxLayout()
        head.setSpacing(6)
        head.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.title, 1)
        self.explanation = QLabel(self)
        self.explanation.setObjectName("decisionText")
        self.explanation.setWordWrap(True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.list_title = QLabel(self)
        self.list_title.setObjectName("decisionHint")
        self.list_title.setWordWrap(True)
        self.candidates_box = QVBoxLayout()
        self.candidates_box.setSpacing(4)

        self.id_hint = QLabel(self)
        self.id_hint.setObjectName("decisionHint")
        self.id_hint.setWordWrap(True)
        self.id_edit = QLineEdit(self)
        self.id_edit.setObjectName("adoptIdEdit")
        self.id_edit.setClearButtonEnabled(True)
        self.id_edit.textChanged.connect(lambda _t: self._refresh())
        self.id_edit.returnPressed.connect(self.adopt_typed)
        self.id_button = QPushButton(self)
        self.id_button.setObjectName("adoptIdButton")
        self.id_button.clicked.connect(self.adopt_typed)
        by_id = QHBoxLayout()
        by_id.setSpacing(6)
        by_id.addWidget(self.id_edit, 1)
        by_id.addWidget(self.id_button)

        self.resubmit_button = QPushButton(self)
        self.resubmit_button.setObjectName("resubmitButton")
        self.resubmit_button.clicked.connect(self.resubmit)
        self.resubmit_cost = QLabel(self)
        self.resubmit_cost.setObjectName("decisionHint")
        self.resubmit_cost.setWordWrap(True)

        self.busy_label = QLabel(self)
        self.busy_label.setObjectName("decisionBusy")
        self.busy_label.setWordWrap(True)
        self.busy_label.hide()
        self.error = QLabel(self)
        self.error.setObjectName("decisionError")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()

        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 8)
        lay.setSpacing(5)
        lay.addLayout(head)
        lay.addWidget(self.explanation)
        lay.addWidget(self.list_title)
        lay.addLayout(self.candidates_box)
        lay.addSpacing(2)
        lay.addWidget(self.id_hint)
        lay.addLayout(by_id)
        lay.addSpacing(2)
        lay.addWidget(self.resubmit_button, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.resubmit_cost)
        lay.addWidget(self.busy_label)
        lay.addWidget(self.error)
        self.retranslate()
        self.hide()

    # -- what is shown -------------------------------------------------------------------------
    def show_record(self, rec: Any) -> None:
        """Show the decision for ``rec`` (a record waiting for one), or hide for anything else."""
        if rec is None or not getattr(rec, "needs_decision", False):
            self.rec = None
            self.hide()
            return
        if self._shown_id != rec.id:
            self.id_edit.clear()
        self.rec = rec
        wanted = [c.to_json() for c in rec.chain.candidates]
        if wanted != self._shown_candidates or self._shown_id != rec.id:
            self._rebuild_rows(rec)
        self._shown_candidates, self._shown_id = wanted, rec.id
        self._texts()
        self._refresh()
        self.show()

    def _rebuild_rows(self, rec: Any) -> None:
        for row in self.rows:
            self.candidates_box.removeWidget(row)
            row.deleteLater()
        self.rows = []
        for c in rec.chain.candidates:
            row = CandidateRow(c, self)
            row.adopt_button.clicked.connect(lambda _c=False, tid=c.task_id: self.adopt(tid))
            self.candidates_box.addWidget(row)
            self.rows.append(row)

    def _texts(self) -> None:
        rec = self.rec
        if rec is None:
            return
        self.explanation.setText(rec.error_text() or self.tr(
            "The answer to the submission was lost, and it cannot be proved which task on the service it made."))
        n = len(rec.chain.candidates)
        self.list_title.setText(self.tr("Tasks on the service that could be this one (%n):", "", n) if n else
                                self.tr("No task on the service could be matched to this one."))
        cost = fmt_money(rec.cost_estimate) if rec.cost_estimate is not None else ""
        if self.session is not None and getattr(self.session, "is_sandbox", False):
            self.resubmit_cost.setText(self.tr("Charged again: about %1 (sandbox: not charged)").replace("%1", cost)
                                       if cost else self.tr("Sandbox: not charged"))
        else:
            self.resubmit_cost.setText(self.tr("Charged again: about %1").replace("%1", cost) if cost else
                                       self.tr("Charged again"))
        for row in self.rows:
            row.retranslate()

    def _refresh(self) -> None:
        """Buttons, the busy line and the error for the record shown now."""
        rec = self.rec
        busy = rec is not None and (rec.id in self._busy or self._asking)
        for row in self.rows:
            row.adopt_button.setEnabled(not busy)
        self.id_edit.setEnabled(not busy)
        self.id_button.setEnabled(not busy and bool(self.id_edit.text().strip()))
        self.resubmit_button.setEnabled(not busy)
        self.busy_label.setVisible(rec is not None and rec.id in self._busy)
        err = self._errors.get(rec.id) if rec is not None else None
        self.error.setText(err() if err else "")
        self.error.setVisible(bool(err))

    def retranslate(self) -> None:
        self.title.setText(self.tr("This task needs your decision"))
        self.id_hint.setText(self.tr("Found the task in the Model Studio console? Paste its task ID:"))
        self.id_edit.setPlaceholderText(self.tr("Task ID"))
        self.id_button.setText(self.tr("Adopt by task ID"))
        self.id_button.setToolTip(self.tr("Follow this service task and download its video (nothing is charged "
                                          "again)"))
        self.resubmit_button.setText(self.tr("Not created — submit again"))
        self.resubmit_button.setToolTip(self.tr("Nothing was made on the service: submit the same request again. "
                                                "This is a new, billed generation."))
        self.busy_label.setText(self.tr("Carrying out your decision…"))
        self._texts()
        self._refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- decisions -----------------------------------------------------------------------------
    def adopt(self, service_task_id: str) -> None:
        rec, eng = self.rec, self.session.engine if self.session is not None else None
        if rec is None or not service_task_id.strip():
            return
        self._start(rec.id, "adopt", lambda: eng.adopt(rec.id, service_task_id.strip()) if eng is not None
                    else self._not_connected())

    def adopt_typed(self) -> None:
        if self.id_button.isEnabled():
            self.adopt(self.id_edit.text())

    def resubmit(self) -> None:
        rec = self.rec
        if rec is None or self._asking or rec.id in self._busy:
            return
        spawn(self._resubmit_flow(rec), name=f"resubmit-ask:{rec.id}")

    async def _resubmit_flow(self, rec: Any) -> None:
        self._asking = True
        self._refresh()
        try:
            yes = await self.confirm_resubmit(rec)
        finally:
            self._asking = False
            if isValid(self):
                self._refresh()
        if yes and isValid(self):
            eng = self.session.engine
            self._start(rec.id, "resubmit", lambda: eng.resubmit(rec.id) if eng is not None
                        else self._not_connected())

    async def confirm_resubmit(self, rec: Any) -> bool:
        """Ask before paying again: the cost, and what happens if the lost submission did make a task."""
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Submit again?"),
                          self.tr("Submit this task again as a new generation?"), QMessageBox.StandardButton.NoButton,
                          self.window())
        box.setObjectName("resubmitDialog")
        cost = fmt_money(rec.cost_estimate) if rec.cost_estimate is not None else ""
        lines = [self.tr("It will be charged again: about %1.").replace("%1", cost) if cost else
                 self.tr("It will be charged again.")]
        lines.append(self.tr("If the lost submission did make a task on the service, that task is billed too. "
                             "When unsure, look for it in the Model Studio console first."))
        if getattr(self.session, "is_sandbox", False):
            lines.append(self.tr("Sandbox: nothing is actually charged."))
        box.setInformativeText("\n\n".join(lines))
        yes = box.addButton(self.tr("Submit again"), QMessageBox.ButtonRole.AcceptRole)
        no = box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no)
        box.setEscapeButton(no)
        return await ask(box) is yes

    async def _not_connected(self) -> None:
        raise ValueError(self.tr("Not connected to a backend; try again once it has started."))

    def _start(self, rec_id: int, what: str, make: Callable[[], Awaitable[Any]]) -> None:
        if rec_id in self._busy:
            return
        self._busy.add(rec_id)
        self._errors.pop(rec_id, None)
        self._refresh()
        spawn(self._carry_out(rec_id, what, make), name=f"decide-{what}:{rec_id}")

    async def _carry_out(self, rec_id: int, what: str, make: Callable[[], Awaitable[Any]]) -> None:
        from ..api import errors as api_errors
        from ..engine.engine import NotOwner
        try:
            await make()
        except (ValueError, KeyError, TimeoutError, NotOwner, api_errors.DashScopeError) as e:
            # expected refusals: a wrong id, a task of another record, the owner did not answer …
            self._errors[rec_id] = error_text(e)
            if isValid(self):
                self.failed.emit(rec_id, self._errors[rec_id]())
        except Exception as e:
            # a bug: say so here, and let spawn hand it on to the crash dialog
            what_broke = f"{type(e).__name__}: {e}"
            self._errors[rec_id] = lambda: QCoreApplication.translate(
                "DecisionPanel", "Could not carry out the decision: %1").replace("%1", what_broke)
            raise
        else:
            if isValid(self):
                self.decided.emit(rec_id, what)
        finally:
            self._busy.discard(rec_id)
            if isValid(self):
                self._refresh()


def error_text(e: BaseException) -> Callable[[], str]:
    """Why a decision was refused, in whatever language the UI is in when it is shown."""
    from ..api import errors as api_errors
    translate = QCoreApplication.translate
    if isinstance(e, api_errors.NetworkError | api_errors.ApiTimeoutError | api_errors.ServerError |
                  api_errors.ThrottledError):
        code = e.code or type(e).__name__
        return lambda: translate("DecisionPanel", "Could not ask the service about this task (%1). Nothing was "
                                 "changed; try again.").replace("%1", code)
    if isinstance(e, api_errors.DashScopeError):
        why = e.explain()
        return lambda: tx(why)
    if e.args and isinstance(e.args[0], T):       # a refusal that carries both languages follows the UI's
        why_t: T = e.args[0]
        return lambda: tx(why_t)
    if isinstance(e, KeyError):
        return lambda: translate("DecisionPanel", "This task is no longer in the list.")
    message = str(e) or type(e).__name__
    return lambda: message
