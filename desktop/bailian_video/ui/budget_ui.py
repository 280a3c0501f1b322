"""The budget in the window: a held task's decision (raise the limit / submit anyway)."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from ..engine import budget
from .util import ask


def _tr(text: str) -> str:
    return QCoreApplication.translate("BudgetHold", text)


async def resolve_hold(parent: QWidget | None, store: Any, hold: budget.Hold) -> bool:
    """Ask what to do with a held submission. True: go ahead (the limit was raised, or "submit anyway" —
    the caller submits with ``over_budget=True``); False: nothing is submitted."""
    box = QMessageBox(QMessageBox.Icon.Warning, _tr("Spending limit reached"),
                      str(hold.message()), parent=parent)
    box.setObjectName("budgetHold")
    raise_ = box.addButton(_tr("Raise the limit to ¥%1").replace("%1", f"{hold.raise_to:.0f}"),
                           QMessageBox.ButtonRole.AcceptRole)
    anyway = box.addButton(_tr("Submit anyway, just this once"), QMessageBox.ButtonRole.ApplyRole)
    keep = box.addButton(_tr("Don't submit"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    clicked = await ask(box)
    if clicked is raise_:
        budget.raise_for(store, hold)
        return True
    return clicked is anyway
