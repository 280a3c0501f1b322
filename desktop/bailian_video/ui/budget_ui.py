"""The budget in the window: a held click's decision (raise the limit / submit anyway / don't), the one-time
"set a spending limit?" on the first paid video, today's and this month's spend in the status bar, and the
spending CSV.

The limits belong to the backend in use: each backend has its own task store and the limits live in it
(:mod:`..engine.budget`), so the sandbox's limits never touch the paid service's.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import html
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from .. import catalog
from ..engine import budget
from . import style
from .util import Debouncer, ask, fmt_money, spawn, tx, wait_signal

#: what the first-paid-use suggestion offers (yuan)
SUGGESTED_DAILY = 50.0
SUGGESTED_MONTHLY = 500.0
#: the badge turns amber from this share of a limit, red when it is reached
WARN_AT = 0.8


translate = QCoreApplication.translate


def fmt_limit(amount: float) -> str:
    """¥50, ¥12.50: limits are usually whole yuan."""
    return f"¥{amount:.0f}" if amount == int(amount) else f"¥{amount:.2f}"


def spend_lines(s: budget.Spend, limits: budget.Limits) -> list[str]:
    """"Today: ¥1.40 spent, daily limit ¥2." and the same for the month."""
    today = translate("Spending", "Today: %1 spent, daily limit %2.") if limits.daily is not None else \
        translate("Spending", "Today: %1 spent, no daily limit.")
    month = translate("Spending", "This month: %1 spent, monthly limit %2.") if limits.monthly is not None else \
        translate("Spending", "This month: %1 spent, no monthly limit.")
    return [today.replace("%1", fmt_money(s.today)).replace("%2", fmt_limit(limits.daily or 0.0)),
            month.replace("%1", fmt_money(s.month)).replace("%2", fmt_limit(limits.monthly or 0.0))]


def _is_sandbox(store: Any) -> bool:
    return getattr(store, "backend", "") == "sandbox"


# -- a held click ------------------------------------------------------------------------------
async def resolve_hold(parent: QWidget | None, store: Any, hold: budget.Hold) -> bool:
    """Ask what to do with a held submission. True: go ahead (the limit was raised, or "submit anyway" —
    the caller submits with ``over_budget=True``); False: nothing is submitted.

    A raised daily limit that still leaves the month over its limit asks again, about the month."""
    while True:
        box = _hold_box(parent, store, hold)
        raise_ = next(b for b in box.buttons() if b.objectName() == "raiseLimit")
        anyway = next(b for b in box.buttons() if b.objectName() == "submitAnyway")
        clicked = await ask(box)
        if clicked is anyway:
            return True
        if clicked is not raise_:
            return False
        budget.raise_for(store, hold)
        nxt = budget.check(store, hold.amount)
        if nxt is None:
            return True
        hold = nxt


def _hold_box(parent: QWidget | None, store: Any, hold: budget.Hold) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Warning, translate("BudgetHold", "Spending limit reached"),
                      tx(hold.message()), parent=parent)
    box.setObjectName("budgetHold")
    label = box.findChild(QLabel, "qt_msgbox_label")
    if label is not None:       # what is at stake, where the eye lands
        label.setStyleSheet("font-weight: bold;")
    s, limits = budget.spend(store), budget.get_limits(store)
    lines = [
        translate("BudgetHold", "This click: about %1.").replace("%1", fmt_money(hold.amount)),
        *spend_lines(s, limits),
        translate("BudgetHold", "Sandbox: nothing is charged; its limits count what the videos would cost.")
        if _is_sandbox(store) else
        translate("BudgetHold", "These are the limits of the paid service. Change them any time in Settings → "
                                "Spending."),
    ]
    box.setInformativeText("\n".join(lines))
    raise_ = box.addButton(translate("BudgetHold", "Raise the limit to ¥%1").replace("%1", f"{hold.raise_to:.0f}"),
                           QMessageBox.ButtonRole.AcceptRole)
    raise_.setObjectName("raiseLimit")
    anyway = box.addButton(translate("BudgetHold", "Submit anyway, just this once"),
                           QMessageBox.ButtonRole.ApplyRole)
    anyway.setObjectName("submitAnyway")
    keep = box.addButton(translate("BudgetHold", "Don't submit"), QMessageBox.ButtonRole.RejectRole)
    keep.setObjectName("dontSubmit")
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    return box


# -- the first paid video ----------------------------------------------------------------------
def should_suggest(store: Any) -> bool:
    """The one-time "set a spending limit?": a store of the paid service, no limit set, never offered."""
    return (store is not None and not _is_sandbox(store) and not budget.get_limits(store).any
            and not budget.suggested(store))


class LimitSuggestion(QDialog):
    """"Set a spending limit?" with a daily and a monthly amount filled in: Set limits / Not now."""

    def __init__(self, parent: QWidget | None = None, daily: float = SUGGESTED_DAILY,
                 monthly: float = SUGGESTED_MONTHLY):
        super().__init__(parent)
        self.setObjectName("budgetSuggest")
        self.title = QLabel(self)
        self.title.setObjectName("suggestTitle")
        self.title.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.daily = _amount_spin(self, "suggestDaily", daily)
        self.monthly = _amount_spin(self, "suggestMonthly", monthly)
        self.daily_label, self.monthly_label = QLabel(self), QLabel(self)
        self.daily_label.setBuddy(self.daily)
        self.monthly_label.setBuddy(self.monthly)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(self.daily_label, self.daily)
        form.addRow(self.monthly_label, self.monthly)
        self.note = QLabel(self)
        self.note.setObjectName("helpText")
        self.note.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.set_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.set_button.setObjectName("setLimits")
        self.set_button.setDefault(True)
        self.later_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.later_button.setObjectName("notNow")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.text)
        lay.addLayout(form)
        lay.addWidget(self.note)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(440)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Set a spending limit?"))
        self.title.setText(self.windowTitle())
        self.text.setText(self.tr("This is your first video on the paid service. A spending limit stops the app "
                                  "before it spends more than you planned: a click that would go past it is held "
                                  "and asks you first."))
        self.daily_label.setText(self.tr("&Daily limit:"))
        self.monthly_label.setText(self.tr("&Monthly limit:"))
        self.note.setText(self.tr("You can change or remove the limits any time in Settings → Spending."))
        self.set_button.setText(self.tr("Set limits"))
        self.later_button.setText(self.tr("Not now"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def _amount_spin(parent: QWidget, name: str, value: float) -> QDoubleSpinBox:
    spin = QDoubleSpinBox(parent)
    spin.setObjectName(name)
    spin.setRange(0.0, 1_000_000.0)
    spin.setDecimals(2)
    spin.setSingleStep(10.0)
    spin.setPrefix("¥")
    spin.setValue(value)
    spin.setMinimumWidth(140)
    return spin


async def suggest_limits(parent: QWidget | None, store: Any) -> budget.Limits | None:
    """Offer limits once (either answer marks it offered); the limits set, or None for "Not now"."""
    dlg = LimitSuggestion(parent)
    dlg.open()
    try:
        (result,) = await wait_signal(dlg.finished)
        budget.mark_suggested(store)
        if result != int(QDialog.DialogCode.Accepted):
            return None
        daily, monthly = dlg.daily.value(), dlg.monthly.value()
        budget.set_limits(store, daily or None, monthly or None)
        return budget.get_limits(store)
    finally:
        dlg.deleteLater()


# -- at a glance -------------------------------------------------------------------------------
def spend_by_model(store: Any, since: float) -> dict[str, float]:
    """What each model cost (or may cost) since ``since``, counted as :func:`budget.spend` counts."""
    out: dict[str, float] = {}
    rows = store.read("SELECT model, state, cost_actual, cost_estimate FROM tasks WHERE created_at >= ?", (since,))
    for model, state, actual, estimate in rows:
        amount = actual if actual is not None else (estimate or 0.0) if state in budget.MAY_COST else 0.0
        if amount:
            out[model] = round(out.get(model, 0.0) + float(amount), 4)
    return out


class SpendBadge(QToolButton):
    """Today's and this month's spending for the status bar: "Today ¥3.20 / ¥50 · This month ¥41.00" (the limit
    after a slash when one is set), amber from 80 % of a limit and red once one is reached. It follows the tasks
    as they change and turns over at midnight; its tooltip has each model's spend today and the free quota left.
    A click emits ``clicked`` (the window opens Settings at Spending)."""

    def __init__(self, session: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.level = ""                       # "" | "warning" | "over"
        self.setObjectName("spendBadge")
        self.setAutoRaise(True)
        self._seen: dict[int, tuple[Any, ...]] = {}     # what counts of each task, to skip mere progress
        self._later = Debouncer(1000, self.refresh, self, throttle=True)
        self._reading = self._again = False
        session.task_added.connect(self._task_event)
        session.task_changed.connect(self._task_event)
        session.task_removed.connect(self._task_event)
        session.reset.connect(self._seen.clear)        # another engine: other task ids
        for signal in (session.reset, session.backend_changed, session.totals_changed):
            signal.connect(self._later.poke)
        self._midnight = QTimer(self)
        self._midnight.setSingleShot(True)
        self._midnight.timeout.connect(self.refresh)
        self.setVisible(False)                # shown with its first figures (read in a worker)
        self.refresh()

    def store(self) -> Any:
        eng = self.session.engine
        return eng.store if eng is not None else None

    def _task_event(self, rec: Any) -> None:
        key = (rec.state, rec.cost_actual, rec.cost_estimate)
        if self._seen.get(rec.id) != key:
            self._seen[rec.id] = key
            self._later.poke()

    def _arm_midnight(self) -> None:
        now = dt.datetime.now()
        nxt = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        self._midnight.start(int((nxt - now).total_seconds() * 1000) + 500)

    def refresh(self) -> None:
        """Read the spending again, in a worker (summing a month of tasks is not the UI thread's job);
        a refresh asked for meanwhile reads once more after it."""
        self._arm_midnight()
        store = self.store()
        if store is None:
            self.setVisible(False)
            return
        if self._reading:
            self._again = True
            return
        self._reading = True
        spawn(self._read(store), name="spend")

    async def _read(self, store: Any) -> None:
        try:
            while True:
                self._again = False
                try:
                    s, limits = await asyncio.to_thread(lambda: (budget.spend(store), budget.get_limits(store)))
                except Exception:  # noqa: BLE001 — a locked or closed store must not break the status bar
                    return
                if self.store() is store:
                    self._show(s, limits)
                if not self._again:
                    return
        finally:
            self._reading = False

    def _show(self, s: Any, limits: Any) -> None:

        def part(spent: float, limit: float | None) -> str:
            return fmt_money(spent) + (f" / {fmt_limit(limit)}" if limit is not None else "")
        self.setText(self.tr("Today %1 · This month %2").replace("%1", part(s.today, limits.daily))
                     .replace("%2", part(s.month, limits.monthly)))
        shares = [spent / limit for spent, limit in ((s.today, limits.daily), (s.month, limits.monthly)) if limit]
        top = max(shares, default=0.0)
        self.level = "over" if top >= 1.0 - 1e-9 else "warning" if top >= WARN_AT else ""
        self.setProperty("level", self.level)    # (no repolish here: the badge's own sheet below repolishes it)
        self._paint_level()
        self.setAccessibleName(self.tr("Spending: %1").replace("%1", self.text()))
        self.setVisible(True)

    def _paint_level(self) -> None:
        colour = {"over": style.color("error"), "warning": style.color("warn_text")}.get(self.level)
        sheet = f"QToolButton#spendBadge {{ color: {colour}; font-weight: bold; }}" if colour else ""
        if sheet != self.styleSheet():       # (a new sheet is a palette change: only when it differs)
            self.setStyleSheet(sheet)

    def tooltip_html(self) -> str:
        """Where the figures come from, each model's spend today and the free quota left (built when asked)."""
        store = self.store()
        if store is None:
            return ""
        now = time.time()
        s, limits = budget.spend(store, now), budget.get_limits(store)
        region = self.session.region
        free = (self.session.totals or {}).get("free_left") or {}
        today = spend_by_model(store, budget.day_start(now))
        rows = [f"<b>{html.escape(self._where(store))}</b>", *map(html.escape, spend_lines(s, limits))]
        table = []
        names = sorted(today, key=lambda m: -today[m])
        names += sorted(m for m, left in free.items() if m not in today and
                        (spec := catalog.get(m)) is not None and left < spec.price_in(region).free_quota)
        for m in names:
            spec = catalog.get(m)
            title = tx(spec.title) if spec is not None else m
            quota = spec.price_in(region).free_quota if spec is not None else 0.0
            left = free.get(m)
            free_text = ""
            if left is not None and quota:
                unit = self.tr("s") if spec is not None and spec.price_in(region).unit == "second" else \
                    self.tr("images")
                free_text = self.tr("free quota left: %1 of %2 %3").replace("%1", f"{left:g}") \
                    .replace("%2", f"{quota:g}").replace("%3", unit)
            table.append(f"<tr><td>{html.escape(title)}</td><td align='right'>&nbsp;&nbsp;"
                         f"{fmt_money(today.get(m, 0.0))}</td><td>&nbsp;&nbsp;{html.escape(free_text)}</td></tr>")
        if table:
            rows.append(html.escape(self.tr("Today by model:")) + "<table>" + "".join(table) + "</table>")
        elif free:
            rows.append(html.escape(self.tr("Nothing spent today; every free quota is untouched.")))
        rows.append(html.escape(self.tr("Click to set daily and monthly limits.")))
        return "<br>".join(rows)

    def _where(self, store: Any) -> str:
        return self.tr("Spending in the sandbox (nothing is charged)") if _is_sandbox(store) else \
            self.tr("Spending on the paid service")

    def event(self, e: QEvent) -> bool:
        if isinstance(e, QHelpEvent) and e.type() == QEvent.Type.ToolTip:
            QToolTip.showText(e.globalPos(), self.tooltip_html(), self)
            return True
        return super().event(e)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh()
        elif event.type() == QEvent.Type.PaletteChange:     # light ↔ dark: the amber and red of the scheme
            self._paint_level()
        super().changeEvent(event)


# -- the spending CSV --------------------------------------------------------------------------
async def export_spending_csv(parent: QWidget | None, store: Any, folder: Path | None = None,
                              say: Callable[[Callable[[], str], int], None] | None = None) -> int | None:
    """Ask where (``spending-YYYY-MM-DD.csv`` in ``folder``), write every task that cost or may cost something,
    and say "Saved 42 rows to …" (``say``, else the parent window's status bar). A place that cannot be written
    is said in plain words with the fix, and the person may choose another. The rows written, or None."""
    if store is None:
        box = QMessageBox(QMessageBox.Icon.Information, translate("SpendingCsv", "Export spending"),
                          translate("SpendingCsv", "The backend is not running, so there is no spending to export "
                                                   "yet."), parent=parent)
        box.setObjectName("spendingCsvError")
        await ask(box)
        return None
    path = Path(folder or Path.home()).expanduser() / f"spending-{dt.date.today():%Y-%m-%d}.csv"
    n: int | None = None
    while n is None:
        dlg = QFileDialog(parent, translate("SpendingCsv", "Export spending as CSV"), str(path.parent))
        dlg.setObjectName("spendingCsvDialog")
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setFileMode(QFileDialog.FileMode.AnyFile)
        dlg.setNameFilter(translate("SpendingCsv", "CSV files (*.csv)"))
        dlg.setDefaultSuffix("csv")
        dlg.selectFile(path.name)
        dlg.open()
        try:
            (result,) = await wait_signal(dlg.finished)
            chosen = dlg.selectedFiles()
        finally:
            dlg.deleteLater()
        if result != int(QDialog.DialogCode.Accepted) or not chosen:
            return None
        path = Path(chosen[0])
        try:
            n = await asyncio.to_thread(budget.write_csv, store, path)
        except OSError as e:
            reason = e.strerror or str(e)
            box = QMessageBox(QMessageBox.Icon.Warning, translate("SpendingCsv", "Could not save the spending list"),
                              translate("SpendingCsv", "%1 could not be written: %2.").replace("%1", str(path))
                              .replace("%2", reason), parent=parent)
            box.setInformativeText(translate("SpendingCsv", "Nothing is lost: the spending stays in the app. Choose "
                                                            "a folder you can write to (such as Documents), or close "
                                                            "the program that has the file open, and save again."))
            box.setObjectName("spendingCsvError")
            again = box.addButton(translate("SpendingCsv", "Choose another place…"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.setDefaultButton(again)
            if await ask(box) is not again:
                return None
    rows, saved = n, str(path)

    def note() -> str:
        # (lupdate reads no plural from translate(): one string for one row, one for several)
        text = translate("SpendingCsv", "Saved 1 row to %1") if rows == 1 else \
            translate("SpendingCsv", "Saved %2 rows to %1").replace("%2", str(rows))
        return text.replace("%1", saved)
    if say is not None:
        say(note, 10000)
    elif isinstance(parent, QMainWindow):
        parent.statusBar().showMessage(note(), 10000)
    return rows
