"""Settings (key, backend, region, output, limits, language) and the first-run welcome."""
from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import catalog, keys
from ..engine import Request, TaskRecord, budget
from ..engine.intake import CONSENT_AMOUNT, CONSENT_VIDEOS
from ..engine.outputs import DEFAULT_TEMPLATE, render_name
from .session import SANDBOX, SERVICE, Session
from .util import fmt_money, set_state, spawn, tx

KEY_PAGE = {
    catalog.BEIJING: "https://bailian.console.aliyun.com/",
    catalog.SINGAPORE: "https://modelstudio.console.alibabacloud.com/",
    catalog.VIRGINIA: "https://modelstudio.console.alibabacloud.com/",
    catalog.FRANKFURT: "https://modelstudio.console.alibabacloud.com/",
}
HOST_WIDTH = 280                     # px: longer hosts (long workspace ids) are elided in the middle


def keychain_name(platform: str | None = None) -> str:
    """What the system's secret store is called where the person is: Keychain on macOS, Credential Manager
    on Windows, a keyring (GNOME Keyring, KWallet) on Linux."""
    p = platform or sys.platform
    if p == "darwin":
        return QCoreApplication.translate("SettingsDialog", "system keychain")
    if p == "win32":
        return QCoreApplication.translate("SettingsDialog", "Windows Credential Manager")
    return QCoreApplication.translate("SettingsDialog", "system keyring")


@dataclass
class RegionRow:
    """One row of the per-region test: its widgets and the last answer."""
    name: QLabel
    host: QLabel
    status: QLabel
    button: QPushButton
    busy: bool = False
    result: tuple[str, str, str] | None = None      # (outcome, host, detail) of Session.test_connection
    task: asyncio.Task[None] | None = None


@dataclass
class SettingsResult:
    backend: str
    new_key: str | None              # None: unchanged; "": remove
    region: str
    out_dir: Path
    name_template: str
    global_concurrency: int
    model_concurrency: dict[str, int] = field(default_factory=dict)
    poll_deadline_hours: float = 6.0
    language: str = ""
    confirm_videos: int = CONSENT_VIDEOS
    confirm_amount: float = CONSENT_AMOUNT
    workspace: str = ""              # the region's workspace id ('' = none)
    notify_sound: bool = False       # a sound with the notification when tasks end in the background


class SettingsDialog(QDialog):
    """Opened with ``open()``; read :meth:`result_settings` after ``accepted``."""

    tested = Signal(bool, str)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.config = session.config
        self.remove_key_requested = False
        self.test_timeout = 15.0                 # seconds one region's test may take
        self._summary_for: str | None = None     # the region whose test "Test connection" reports
        self.setObjectName("settingsDialog")
        self.setMinimumWidth(620)
        avail = self.screen().availableGeometry()     # fits a 1024×700 screen; the rest scrolls
        self.resize(min(720, avail.width() - 40), min(660, avail.height() - 40))

        self.scroll_area = scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        body = QWidget(scroll)
        scroll.setWidget(body)
        lay = QVBoxLayout(body)
        lay.setSpacing(12)

        # -- connection -------------------------------------------------------------------
        self.conn_box = QGroupBox(body)
        cl = QVBoxLayout(self.conn_box)
        self.service_radio = QRadioButton(self.conn_box)
        self.service_radio.setObjectName("serviceRadio")
        self.sandbox_radio = QRadioButton(self.conn_box)
        self.sandbox_radio.setObjectName("sandboxRadio")
        self.backend_group = QButtonGroup(self)
        self.backend_group.addButton(self.service_radio)
        self.backend_group.addButton(self.sandbox_radio)
        (self.sandbox_radio if (session.is_sandbox or self.config.backend == SANDBOX) else self.service_radio) \
            .setChecked(True)
        cl.addWidget(self.service_radio)
        cl.addWidget(self.sandbox_radio)
        self.sandbox_note = QLabel(self.conn_box)
        self.sandbox_note.setObjectName("helpText")
        self.sandbox_note.setWordWrap(True)
        cl.addWidget(self.sandbox_note)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        key_row = QHBoxLayout()
        self.key_edit = QLineEdit(self.conn_box)
        self.key_edit.setObjectName("keyEdit")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setClearButtonEnabled(True)
        self.show_key = QPushButton(self.conn_box)
        self.show_key.setCheckable(True)
        self.show_key.toggled.connect(lambda on: self.key_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password))
        self.remove_key = QPushButton(self.conn_box)
        self.remove_key.setObjectName("removeKey")
        self.remove_key.clicked.connect(self._remove_key)
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.show_key)
        key_row.addWidget(self.remove_key)
        self.key_label = QLabel(self.conn_box)
        self.key_label.setBuddy(self.key_edit)
        form.addRow(self.key_label, key_row)
        self.key_where = QLabel(self.conn_box)
        self.key_where.setObjectName("keyWhere")
        self.key_where.setWordWrap(True)
        self.key_where.setOpenExternalLinks(True)
        form.addRow(self.key_where)

        self.region_label = QLabel(self.conn_box)
        self.region_combo = QComboBox(self.conn_box)
        self.region_combo.setObjectName("regionCombo")
        for rid, region in catalog.REGIONS.items():
            self.region_combo.addItem(tx(region.label), rid)
        self.region_combo.setCurrentIndex(max(0, self.region_combo.findData(session.region)))
        self.region_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.region_combo.currentIndexChanged.connect(lambda _i: self._update_region_note())
        self.region_label.setBuddy(self.region_combo)
        form.addRow(self.region_label, self.region_combo)
        self.region_note = QLabel(self.conn_box)
        self.region_note.setObjectName("helpText")
        self.region_note.setWordWrap(True)
        form.addRow(self.region_note)

        self.workspace_label = QLabel(self.conn_box)
        self.workspace_edit = QLineEdit(session.workspace or self.config.workspace, self.conn_box)
        self.workspace_edit.setObjectName("workspaceEdit")
        self.workspace_edit.setClearButtonEnabled(True)
        self.workspace_edit.textChanged.connect(lambda _t: self._update_workspace_note())
        self.workspace_label.setBuddy(self.workspace_edit)
        form.addRow(self.workspace_label, self.workspace_edit)
        self.workspace_note = QLabel(self.conn_box)
        self.workspace_note.setObjectName("workspaceNote")
        self.workspace_note.setWordWrap(True)
        form.addRow(self.workspace_note)

        test_row = QHBoxLayout()
        self.test_button = QPushButton(self.conn_box)
        self.test_button.setObjectName("testButton")
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel(self.conn_box)
        self.test_result.setObjectName("testResult")
        self.test_result.setWordWrap(True)
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        form.addRow("", test_row)
        cl.addLayout(form)

        regions_head = QHBoxLayout()
        self.regions_label = QLabel(self.conn_box)
        self.regions_label.setObjectName("helpText")
        self.regions_label.setWordWrap(True)
        self.test_all_button = QPushButton(self.conn_box)
        self.test_all_button.setObjectName("testAllButton")
        self.test_all_button.clicked.connect(self.test_all)
        regions_head.addWidget(self.regions_label, 1)
        regions_head.addWidget(self.test_all_button, 0, Qt.AlignmentFlag.AlignBottom)
        cl.addLayout(regions_head)
        self.regions_frame = QFrame(self.conn_box)
        self.regions_frame.setObjectName("regionTable")
        self.regions_frame.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self.regions_frame)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        self.region_rows: dict[str, RegionRow] = {}
        for i, rid in enumerate(catalog.REGIONS):
            row = RegionRow(QLabel(self.regions_frame), QLabel(self.regions_frame), QLabel(self.regions_frame),
                            QPushButton(self.regions_frame))
            row.host.setObjectName("helpText")
            row.status.setWordWrap(True)
            row.status.setMinimumWidth(140)
            row.button.setObjectName(f"testRegion-{rid}")
            row.button.clicked.connect(lambda _c=False, r=rid: self.test_region(r))
            where = QVBoxLayout()
            where.setSpacing(0)
            where.addWidget(row.name)
            where.addWidget(row.host)
            grid.addLayout(where, i, 0)
            grid.addWidget(row.status, i, 1)
            grid.addWidget(row.button, i, 2, Qt.AlignmentFlag.AlignVCenter)
            self.region_rows[rid] = row
        cl.addWidget(self.regions_frame)
        lay.addWidget(self.conn_box)

        # -- output -----------------------------------------------------------------------
        self.out_box = QGroupBox(body)
        of = QFormLayout(self.out_box)
        of.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        dir_row = QHBoxLayout()
        self.dir_edit = QLineEdit(str(self.config.out_dir), self.out_box)
        self.dir_edit.setObjectName("dirEdit")
        self.dir_button = QPushButton(self.out_box)
        self.dir_button.clicked.connect(self._choose_dir)
        dir_row.addWidget(self.dir_edit, 1)
        dir_row.addWidget(self.dir_button)
        self.dir_label = QLabel(self.out_box)
        self.dir_label.setBuddy(self.dir_edit)
        of.addRow(self.dir_label, dir_row)
        self.template_edit = QLineEdit(self.config.name_template, self.out_box)
        self.template_edit.setObjectName("templateEdit")
        self.template_edit.textChanged.connect(lambda _t: self._update_template_preview())
        self.template_label = QLabel(self.out_box)
        self.template_label.setBuddy(self.template_edit)
        of.addRow(self.template_label, self.template_edit)
        self.template_preview = QLabel(self.out_box)
        self.template_preview.setObjectName("helpText")
        self.template_preview.setWordWrap(True)
        self.template_preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        of.addRow(self.template_preview)
        lay.addWidget(self.out_box)

        # -- spending ---------------------------------------------------------------------
        self.spend_box = QGroupBox(body)
        sf = QFormLayout(self.spend_box)
        sf.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        ask_row = QHBoxLayout()
        ask_row.setSpacing(6)
        self.confirm_before = QLabel(self.spend_box)
        self.confirm_videos = QSpinBox(self.spend_box)
        self.confirm_videos.setObjectName("confirmVideosSpin")
        self.confirm_videos.setRange(1, 100)
        self.confirm_videos.setValue(min(100, self.config.confirm_videos))
        self.confirm_or = QLabel(self.spend_box)
        self.confirm_amount = QDoubleSpinBox(self.spend_box)
        self.confirm_amount.setObjectName("confirmAmountSpin")
        self.confirm_amount.setRange(0.0, 100000.0)
        self.confirm_amount.setDecimals(2)
        self.confirm_amount.setSingleStep(5.0)
        self.confirm_amount.setPrefix("¥")
        self.confirm_amount.setValue(self.config.confirm_amount)
        self.confirm_after = QLabel(self.spend_box)
        for w in (self.confirm_before, self.confirm_videos, self.confirm_or, self.confirm_amount, self.confirm_after):
            ask_row.addWidget(w)
        ask_row.addStretch(1)
        self.confirm_label = QLabel(self.spend_box)
        self.confirm_label.setBuddy(self.confirm_videos)
        sf.addRow(self.confirm_label, ask_row)
        self.confirm_note = QLabel(self.spend_box)
        self.confirm_note.setObjectName("helpText")
        self.confirm_note.setWordWrap(True)
        sf.addRow(self.confirm_note)
        # daily and monthly limits: kept in the task store of the backend in use (each backend has its own)
        self._store = session.engine.store if session.engine is not None else None
        self._limits = budget.get_limits(self._store) if self._store is not None else budget.Limits()
        self.limits_for = QLabel(self.spend_box)
        self.limits_for.setObjectName("limitsFor")
        self.limits_for.setWordWrap(True)
        sf.addRow(self.limits_for)
        self.daily_limit = self._limit_spin("dailyLimitSpin", self._limits.daily)
        self.daily_label = QLabel(self.spend_box)
        self.daily_label.setBuddy(self.daily_limit)
        sf.addRow(self.daily_label, self.daily_limit)
        self.monthly_limit = self._limit_spin("monthlyLimitSpin", self._limits.monthly)
        self.monthly_label = QLabel(self.spend_box)
        self.monthly_label.setBuddy(self.monthly_limit)
        sf.addRow(self.monthly_label, self.monthly_limit)
        self.limits_note = QLabel(self.spend_box)
        self.limits_note.setObjectName("helpText")
        self.limits_note.setWordWrap(True)
        sf.addRow(self.limits_note)
        lay.addWidget(self.spend_box)

        # -- notifications -------------------------------------------------------------------
        self.notify_box = QGroupBox(body)
        nl = QVBoxLayout(self.notify_box)
        self.notify_sound = QCheckBox(self.notify_box)
        self.notify_sound.setObjectName("notifySound")
        self.notify_sound.setChecked(self.config.notify_sound)
        nl.addWidget(self.notify_sound)
        lay.addWidget(self.notify_box)

        # -- limits -----------------------------------------------------------------------
        self.limits_box = QGroupBox(body)
        lf = QFormLayout(self.limits_box)
        self.concurrency = QSpinBox(self.limits_box)
        self.concurrency.setObjectName("concurrencySpin")
        self.concurrency.setRange(0, 500)        # 0 shows the special text: no hold, the service queues
        self.concurrency.setValue(self.config.global_concurrency)
        self.concurrency.setMaximumWidth(300)
        self.concurrency_label = QLabel(self.limits_box)
        self.concurrency_label.setBuddy(self.concurrency)
        lf.addRow(self.concurrency_label, self.concurrency)
        self.deadline = QDoubleSpinBox(self.limits_box)
        self.deadline.setObjectName("deadlineSpin")
        self.deadline.setRange(0.5, 24.0)
        self.deadline.setSingleStep(0.5)
        self.deadline.setDecimals(1)
        self.deadline.setValue(self.config.poll_deadline_hours)
        self.deadline.setMaximumWidth(110)
        self.deadline_label = QLabel(self.limits_box)
        self.deadline_label.setBuddy(self.deadline)
        lf.addRow(self.deadline_label, self.deadline)
        self.per_model = QTableWidget(self.limits_box)
        self.per_model.setObjectName("perModelTable")
        self.per_model.setColumnCount(2)
        self.per_model.verticalHeader().hide()
        self.per_model.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.per_model.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self._model_spins: dict[str, QSpinBox] = {}
        limited = [m for m in catalog.all_models() if m.user_facing and m.concurrency]
        self.per_model.setRowCount(len(limited))
        saved = self.config.model_concurrency
        for at, m in enumerate(limited):
            item = QTableWidgetItem(f"{tx(m.title)} ({m.name})")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.per_model.setItem(at, 0, item)
            spin = QSpinBox(self.per_model)
            spin.setRange(1, int(m.concurrency or 1))
            spin.setValue(min(int(m.concurrency or 1), saved.get(m.name, int(m.concurrency or 1))))
            self.per_model.setCellWidget(at, 1, spin)
            self._model_spins[m.name] = spin
        self.per_model.setMinimumHeight(160)
        self.per_model_label = QLabel(self.limits_box)
        self.per_model_label.setWordWrap(True)
        lf.addRow(self.per_model_label)
        lf.addRow(self.per_model)
        lay.addWidget(self.limits_box)

        # -- language ---------------------------------------------------------------------
        self.lang_box = QGroupBox(body)
        ll = QFormLayout(self.lang_box)
        self.lang_combo = QComboBox(self.lang_box)
        self.lang_combo.setObjectName("langCombo")
        self.lang_combo.addItem("", "")
        self.lang_combo.addItem("简体中文", "zh")
        self.lang_combo.addItem("English", "en")
        self.lang_combo.setCurrentIndex(max(0, self.lang_combo.findData(self.config.language)))
        self.lang_label = QLabel(self.lang_box)
        self.lang_label.setBuddy(self.lang_combo)
        ll.addRow(self.lang_label, self.lang_combo)
        lay.addWidget(self.lang_box)
        lay.addStretch(1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.buttons)
        self.service_radio.toggled.connect(lambda _on: self._update_enabled())
        # a result belongs to the key, workspace and backend it was tested with
        for changed in (self.key_edit.textChanged, self.workspace_edit.textChanged, self.service_radio.toggled):
            changed.connect(lambda *_a: self._clear_results())
        self.finished.connect(lambda _r: self._stop_tests())
        self.retranslate()

    def _limit_spin(self, name: str, value: float | None) -> QDoubleSpinBox:
        """A limit in yuan; 0 shows "Off" (no limit, the default)."""
        spin = QDoubleSpinBox(self.spend_box)
        spin.setObjectName(name)
        spin.setRange(0.0, 1_000_000.0)
        spin.setDecimals(2)
        spin.setSingleStep(10.0)
        spin.setPrefix("¥")
        spin.setValue(value or 0.0)
        spin.setMinimumWidth(130)
        spin.setEnabled(self._store is not None)
        return spin

    # -- behaviour ---------------------------------------------------------------------------
    def show_section(self, name: str) -> None:
        """Scroll to a group and put the focus in it: "spending" (the status bar's spend badge opens it)."""
        if name != "spending":
            return
        target = self.daily_limit if self.daily_limit.isEnabled() else self.confirm_videos

        def go() -> None:        # the group's title at the top of the view (as far as the scroll goes)
            self.scroll_area.verticalScrollBar().setValue(self.spend_box.y() - 6)
            self.scroll_area.ensureWidgetVisible(target)
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        QTimer.singleShot(0, self, go)

    def limits(self) -> budget.Limits:
        """The daily and monthly limits as set here (None: off)."""
        return budget.Limits(self.daily_limit.value() or None, self.monthly_limit.value() or None)

    def _save_limits(self) -> None:
        """Into the store of the backend in use, when they changed (a limit set by the CLI meanwhile stays)."""
        new = self.limits()
        if self._store is None or new == self._limits:
            return
        budget.set_limits(self._store, new.daily, new.monthly)
        self._limits = budget.get_limits(self._store)
        spawn(self.session.refresh_totals(), name="limits-changed")     # the badge and the forms look again

    def _update_limits_text(self) -> None:
        if self._store is None:
            self.limits_for.setText(self.tr("Daily and monthly limits can be set once the backend runs."))
        elif self._store.backend == SANDBOX:
            self.limits_for.setText(self.tr("<b>Limits for the built-in sandbox</b> (nothing is charged there). The "
                                            "paid service keeps its own limits: switch to it to set them."))
        else:
            self.limits_for.setText(self.tr("<b>Limits for the paid service</b> (Alibaba Cloud Model Studio). The "
                                            "sandbox keeps its own."))
        spent = ""
        if self._store is not None:
            s = budget.spend(self._store)
            spent = "\n" + self.tr("Spent so far: %1 today, %2 this month.").replace("%1", fmt_money(s.today)) \
                .replace("%2", fmt_money(s.month))
        self.limits_note.setText(self.tr("When a click of Generate would go past a limit, the app holds it and asks: "
                                         "raise the limit, submit anyway, or don't submit. Off: no limit.") + spent)

    def backend(self) -> str:
        return SANDBOX if self.sandbox_radio.isChecked() else SERVICE

    def region(self) -> str:
        return str(self.region_combo.currentData())

    def workspace(self) -> str:
        return self.workspace_edit.text().strip()

    def workspace_problem(self) -> str:
        """Why the workspace id cannot be used ('' when it can): not a possible id, or none where the
        region has only workspace hosts."""
        ws = self.workspace()
        if ws and not catalog.valid_workspace(ws):
            return self.tr("“%1” is not a workspace ID: use letters, digits and dashes only, as the console "
                           "shows it.").replace("%1", ws)
        region = catalog.REGIONS.get(self.region())
        if not ws and self.backend() == SERVICE and region is not None and region.base_url is None:
            return self.tr("%1 has only workspace hosts: enter your workspace ID.").replace("%1", tx(region.label))
        return ""

    def _update_workspace_note(self) -> None:
        problem = self.workspace_problem()
        if problem:
            self.workspace_note.setText(problem)
        else:
            self.workspace_note.setText(self.tr(
                "Optional. Wan 3.0, and every model in Germany (Frankfurt), answer only on your workspace's own "
                "host. The Model Studio console shows the ID of each workspace."))
        set_state(self.workspace_note, "error", bool(problem))

    def accept(self) -> None:
        if self.workspace_problem():
            self._update_workspace_note()
            self.workspace_edit.setFocus()
            return
        self._save_limits()
        super().accept()

    def _remove_key(self) -> None:
        self.key_edit.clear()
        self.remove_key_requested = True
        self._update_key_info()
        self._clear_results()

    def _choose_dir(self) -> None:
        d = QFileDialog.getExistingDirectory(self, self.tr("Where should finished videos go?"), self.dir_edit.text())
        if d:
            self.dir_edit.setText(d)

    # -- testing the key, region by region ----------------------------------------------------
    def test_connection(self) -> None:
        """Test the region in use; the answer shows next to the button and in its row."""
        rid = self.region()
        self._summary_for = rid
        self.test_button.setEnabled(False)
        self.test_result.setText(self.tr("Testing…"))
        set_state(self.test_result, "error", None)
        self._start_test(rid)

    def test_region(self, rid: str) -> None:
        self._start_test(rid)

    def test_all(self) -> None:
        """Every region at once (each row answers when its host does)."""
        for rid in self.region_rows:
            self._start_test(rid)

    def _start_test(self, rid: str) -> None:
        row = self.region_rows[rid]
        if not row.busy:              # already testing: that answer will do
            row.busy = True
            row.task = spawn(self._test_row(rid), name=f"test-connection-{rid}")

    def _test_key(self) -> str | None:
        """The key typed here (not saved yet), else the saved one unless Remove was pressed."""
        return self.key_edit.text().strip() or (None if self.remove_key_requested else self.session.api_key)

    async def _test_row(self, rid: str) -> None:
        row = self.region_rows[rid]
        key = self._test_key()
        row.result = None
        row.button.setEnabled(False)
        self._show_row(rid)
        try:
            outcome, host, detail = await self.session.test_connection(
                key, rid, self.backend() == SANDBOX, self.workspace(), timeout=self.test_timeout)
        except Exception as e:  # noqa: BLE001 — shown on the row like any other answer
            outcome, host, detail = "error", "", f"{type(e).__name__}: {e}"
        if key:                       # never show the key, whatever an answer quoted
            detail = detail.replace(key, keys.mask(key))
        row.busy, row.result, row.task = False, (outcome, host, detail), None
        row.button.setEnabled(True)
        self._show_row(rid)
        if self._summary_for == rid:
            self._summary_for = None
            self.test_button.setEnabled(True)
            self._show_summary(rid)
            self.tested.emit(outcome == "ok", detail)

    def _show_summary(self, rid: str) -> None:
        row = self.region_rows[rid]
        if row.result is None:
            return
        outcome = row.result[0]
        if outcome == "ok":
            text = self.tr("✓ The sandbox answers.") if self.backend() == SANDBOX else \
                self.tr("✓ Connected: the key works in %1.").replace("%1", tx(catalog.region_label(rid)))
        elif outcome == "sandbox-off":
            text = self.tr("The built-in sandbox needs no key; it starts when you press OK.")
        else:
            text = self._row_text(rid)
        self.test_result.setText(text)
        set_state(self.test_result, "error", outcome not in ("ok", "sandbox-off"))

    def _row_text(self, rid: str) -> str:
        """A row's answer in plain words (the key is never part of it)."""
        row = self.region_rows[rid]
        if row.busy:
            return self.tr("Testing…")
        if row.result is None:
            return self.tr("Not tested")
        outcome, host, detail = row.result
        region = tx(catalog.region_label(rid))
        if outcome == "ok":
            return self.tr("✓ OK: the built-in sandbox answers for this region") if self.backend() == SANDBOX \
                else self.tr("✓ OK: the key works here")
        if outcome == "sandbox-off":
            return self.tr("The sandbox starts when you press OK.")
        if outcome == "no-key":
            return self.tr("✗ Enter an API key first.")
        if outcome == "rejected":
            return self.tr("✗ API key rejected in this region — keys belong to one region; make a key in %1's "
                           "console.").replace("%1", region)
        if outcome == "workspace-needed":
            return self.tr("✗ Needs a workspace ID: this region has only workspace hosts.")
        if outcome == "workspace-invalid":
            return "✗ " + (self.workspace_problem() or detail)
        if outcome == "workspace-not-found":
            return self.tr("✗ Workspace ID “%1” not found in this region.").replace("%1", self.workspace())
        if outcome == "unreachable":
            return self.tr("✗ Cannot reach %1: %2").replace("%1", host).replace("%2", self._network_reason(detail))
        if outcome == "timeout":
            return self.tr("✗ No answer from %1 within %2 s.").replace("%1", host) \
                .replace("%2", f"{self.test_timeout:g}")
        return "✗ " + detail

    def _network_reason(self, detail: str) -> str:
        d = detail.lower()
        if "refused" in d:
            return self.tr("the connection was refused")
        if any(s in d for s in ("name or service not known", "nodename nor servname", "getaddrinfo",
                                "name resolution", "no address associated")):
            return self.tr("no such host name")
        if "ssl" in d or "certificate" in d:
            return self.tr("the secure connection failed")
        if any(s in d for s in ("disconnected", "reset", "closed", "eof")):
            return self.tr("the connection closed without an answer")
        return detail

    def _host_text(self, rid: str) -> tuple[str, str]:
        """The host a test of ``rid`` asks, and a tooltip saying why that one."""
        if self.backend() == SANDBOX:
            if self.session.is_sandbox and self.session.ctx is not None:
                return (urlsplit(self.session.ctx.base_url).netloc,
                        self.tr("The built-in sandbox answers for every region."))
            return self.tr("built-in sandbox"), self.tr("The built-in sandbox answers for every region.")
        region, ws = catalog.REGIONS[rid], self.workspace()
        if ws:
            url = region.workspace_url.format(workspace=ws.lower() if catalog.valid_workspace(ws) else "‹ID›")
            tip = self.tr("Your workspace's own host (Wan 3.0 answers only there).")
        elif region.base_url:
            url, tip = region.base_url, self.tr("The region's shared host.")
        else:
            url, tip = region.workspace_url.format(workspace="‹ID›"), self.tr(
                "This region has only workspace hosts: enter the workspace ID above.")
        override = os.environ.get("DASHSCOPE_HTTP_BASE_URL")
        if override:
            tip += " " + self.tr("DASHSCOPE_HTTP_BASE_URL is set: the test goes to %1.") \
                .replace("%1", urlsplit(override).netloc)
        return urlsplit(url).netloc, tip

    def _show_row(self, rid: str) -> None:
        row = self.region_rows[rid]
        in_use = rid == self.region()
        label = tx(catalog.region_label(rid))
        row.name.setText(f"<b>{label}</b> · " + self.tr("in use") if in_use else label)
        host, tip = self._host_text(rid)
        row.host.setText(row.host.fontMetrics().elidedText(host, Qt.TextElideMode.ElideMiddle, HOST_WIDTH))
        row.host.setToolTip(host + "\n" + tip)
        row.button.setText(self.tr("Test"))
        row.button.setToolTip(self.tr("Test the key in %1").replace("%1", label))
        row.button.setAccessibleName(row.button.toolTip())
        row.status.setText(self._row_text(rid))
        failed = row.result is not None and not row.busy and row.result[0] not in ("ok", "sandbox-off")
        name = "checking" if row.busy else ("helpText" if row.result is None else "note")
        if row.status.objectName() != name:
            row.status.setObjectName(name)
            row.status.style().unpolish(row.status)
            row.status.style().polish(row.status)
        set_state(row.status, "error", failed if row.result is not None and not row.busy else None)

    def _refresh_rows(self) -> None:
        for rid in self.region_rows:
            self._show_row(rid)

    def _clear_results(self) -> None:
        """The key, workspace or backend changed: answers (and tests under way) are about another one."""
        self._stop_tests()
        for row in self.region_rows.values():
            row.busy, row.result, row.task = False, None, None
            row.button.setEnabled(True)
        if self._summary_for is not None:
            self._summary_for = None
            self.test_button.setEnabled(True)
            self.test_result.clear()
        self._refresh_rows()

    def _stop_tests(self) -> None:
        for row in self.region_rows.values():
            if row.task is not None and not row.task.done():
                row.task.cancel()

    def result_settings(self) -> SettingsResult:
        typed = self.key_edit.text().strip()
        new_key: str | None = typed if typed else ("" if self.remove_key_requested else None)
        model_limits = {}
        for name, spin in self._model_spins.items():
            spec = catalog.require(name)
            if spin.value() < int(spec.concurrency or 1):
                model_limits[name] = spin.value()
        return SettingsResult(
            backend=self.backend(), new_key=new_key, region=self.region(),
            out_dir=Path(self.dir_edit.text().strip() or str(self.config.out_dir)).expanduser(),
            name_template=self.template_edit.text().strip() or DEFAULT_TEMPLATE,
            global_concurrency=self.concurrency.value(), model_concurrency=model_limits,
            poll_deadline_hours=self.deadline.value(), language=str(self.lang_combo.currentData() or ""),
            confirm_videos=self.confirm_videos.value(), confirm_amount=self.confirm_amount.value(),
            workspace=self.workspace(), notify_sound=self.notify_sound.isChecked())

    def _update_enabled(self) -> None:
        service = self.service_radio.isChecked()
        for w in (self.key_edit, self.show_key, self.remove_key, self.region_combo, self.workspace_edit):
            w.setEnabled(service)
        self._update_key_info()
        self._update_workspace_note()
        self._refresh_rows()

    def _update_key_info(self) -> None:
        s = self.session
        status = s.keychain
        if s.key_source == "env" and not self.remove_key_requested:
            text = self.tr("Using the key from the environment variable DASHSCOPE_API_KEY (%1).") \
                .replace("%1", keys.mask(s.api_key))
        elif not status.usable:
            text = self.tr("<b>This computer has no usable %1</b> (%2). Your key is kept only while the app runs "
                           "and is never written to a file. To keep it between runs, set up a %1 (GNOME Keyring "
                           "or KWallet on Linux) or set the DASHSCOPE_API_KEY environment variable.") \
                .replace("%1", keychain_name()).replace("%2", self._reason(status))
        elif s.api_key and s.key_source == "keychain" and not self.remove_key_requested:
            text = self.tr("Stored in the %1 (%2): %3").replace("%1", keychain_name()) \
                .replace("%2", status.backend).replace("%3", keys.mask(s.api_key))
        elif s.api_key and s.key_source == "session" and not self.remove_key_requested:
            text = self.tr("Kept for this session only: %1").replace("%1", keys.mask(s.api_key))
        else:
            text = self.tr("No key yet. New keys are stored in the %1 (%2), never in a file.") \
                .replace("%1", keychain_name()).replace("%2", status.backend)
        page = KEY_PAGE.get(self.region(), KEY_PAGE[catalog.BEIJING])
        text += " " + self.tr("Get a key: <a href=\"%1\">%1</a>").replace("%1", page)
        self.key_where.setText(text)
        set_state(self.key_where, "warning", not status.usable)
        if s.api_key and not self.remove_key_requested:
            self.key_edit.setPlaceholderText(self.tr("%1 (leave empty to keep it)").replace("%1", keys.mask(s.api_key)))
        else:
            self.key_edit.setPlaceholderText(self.tr("sk-… from the Model Studio console"))

    def _reason(self, status: Any) -> str:
        """The keychain module's reason, in the UI's language when it is one we know."""
        known = {
            "no keychain service is available on this system":
                self.tr("no %1 service is running").replace("%1", keychain_name()),
            "the keychain backend reports it cannot be used here":
                self.tr("the %1 cannot be used here").replace("%1", keychain_name()),
        }
        reason = status.reason or status.backend
        if reason.startswith("keyring could not load"):
            return self.tr("the %1 library could not start").replace("%1", keychain_name())
        return known.get(reason, reason)

    def _update_region_note(self) -> None:
        region = self.region()
        missing = [m for m in catalog.all_models() if m.user_facing and not m.available_in(region)]
        if missing:
            names = ", ".join(tx(m.title) for m in missing)
            self.region_note.setText(self.tr("Not available in this region (%n model(s)): %1", "", len(missing))
                                     .replace("%1", names))
        else:
            self.region_note.setText(self.tr("Every model is available in this region."))
        self._update_key_info()
        self._update_workspace_note()
        self._refresh_rows()

    def _update_template_preview(self) -> None:
        rec = TaskRecord(id=42, request=Request(catalog.EXAMPLE_T2V_MODEL, inputs={"prompt": self.tr(
            "A kitten runs under the moon")}, params={"seed": 42}), task_id="0385dc79-5ff8-4d82-bcb6-8f1fb1d2d4a5")
        try:
            name = render_name(rec, self.template_edit.text().strip() or DEFAULT_TEMPLATE) + ".mp4"
        except Exception:  # a broken template falls back in render_name; anything else: show nothing
            name = ""
        self.template_preview.setText(
            self.tr("Example: %1").replace("%1", name) + "<br>" +
            self.tr("Fields: {date} {time} {datetime} {model} {prompt} {seed} {id} {task_id} {function}"))

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        self.conn_box.setTitle(self.tr("Connection"))
        self.service_radio.setText(self.tr("Alibaba Cloud Model Studio (real videos, billed per second)"))
        self.sandbox_radio.setText(self.tr("Built-in sandbox (free and local: nothing leaves this computer)"))
        self.sandbox_note.setText(self.tr("The sandbox answers like the real service and renders simple test "
                                          "videos, so you can try every tab without a key."))
        self.key_label.setText(self.tr("API &key:"))
        self.show_key.setText(self.tr("Show"))
        self.remove_key.setText(self.tr("Remove"))
        self.region_label.setText(self.tr("&Region:"))
        for i in range(self.region_combo.count()):
            self.region_combo.setItemText(i, tx(catalog.region_label(str(self.region_combo.itemData(i)))))
        self.workspace_label.setText(self.tr("&Workspace ID:"))
        self.workspace_edit.setPlaceholderText(self.tr("Optional: the ID as the Model Studio console shows it"))
        self.test_button.setText(self.tr("Test connection"))
        self.regions_label.setText(self.tr("Each region on its own: a key works only in the region where it was "
                                           "made."))
        self.test_all_button.setText(self.tr("Test all"))
        self.out_box.setTitle(self.tr("Finished videos"))
        self.dir_label.setText(self.tr("&Folder:"))
        self.dir_button.setText(self.tr("Choose…"))
        self.template_label.setText(self.tr("File &name:"))
        self.spend_box.setTitle(self.tr("Spending"))
        self.notify_box.setTitle(self.tr("Notifications"))
        self.notify_sound.setText(self.tr("Play a sound with notifications"))
        self.notify_sound.setToolTip(self.tr("A notification comes when videos are ready or a task needs you while "
                                             "the window is in the background"))
        self.confirm_label.setText(self.tr("&Confirm:"))
        self.confirm_before.setText(self.tr("Ask before more than"))
        self.confirm_or.setText(self.tr("videos or"))
        self.confirm_after.setText(self.tr("in one go"))
        self.confirm_note.setText(self.tr("Before one click of Generate queues more videos or costs more than this, "
                                          "the app shows the total and asks. Nothing is charged in the sandbox, so "
                                          "it does not ask there."))
        self.daily_label.setText(self.tr("&Daily limit:"))
        self.monthly_label.setText(self.tr("&Monthly limit:"))
        for spin in (self.daily_limit, self.monthly_limit):
            spin.setSpecialValueText(self.tr("Off"))
        self._update_limits_text()
        self.limits_box.setTitle(self.tr("Limits"))
        self.concurrency_label.setText(self.tr("Tasks at once (all models):"))
        self.concurrency.setSpecialValueText(self.tr("No limit (the service queues them)"))
        self.concurrency.setToolTip(self.tr(
            "By default every task goes to the service at once (as fast as each model may be sent to); the "
            "service works on as many as the model allows and keeps the rest waiting, free to cancel. They go "
            "on while this app is closed. Set a number to keep the rest waiting on this computer instead."))
        self.deadline_label.setText(self.tr("Stop waiting after (hours):"))
        self.per_model_label.setText(self.tr("Tasks at once per model (the service's limit is the maximum):"))
        self.per_model.setHorizontalHeaderLabels([self.tr("Model"), self.tr("At once")])
        self.lang_box.setTitle(self.tr("Language"))
        self.lang_label.setText(self.tr("&Language:"))
        self.lang_combo.setItemText(0, self.tr("Follow the system"))
        self._update_enabled()
        self._update_region_note()
        self._update_template_preview()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class WelcomeDialog(QDialog):
    """First run without a key: try the sandbox, or enter a key."""

    SANDBOX = 1
    KEY = 2

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("welcomeDialog")
        self.choice = 0
        self.setMinimumWidth(520)
        self.title = QLabel(self)
        self.title.setObjectName("welcomeTitle")
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.sandbox_button = QPushButton(self)
        self.sandbox_button.setObjectName("welcomeSandbox")
        self.sandbox_button.setDefault(True)
        self.key_button = QPushButton(self)
        self.key_button.setObjectName("welcomeKey")
        self.sandbox_button.clicked.connect(lambda: self._pick(self.SANDBOX))
        self.key_button.clicked.connect(lambda: self._pick(self.KEY))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.key_button)
        row.addWidget(self.sandbox_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.text)
        lay.addSpacing(8)
        lay.addLayout(row)
        self.retranslate()

    def _pick(self, choice: int) -> None:
        self.choice = choice
        self.accept()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Welcome"))
        self.title.setText("<h2>" + self.tr("Welcome to Bailian Video Studio") + "</h2>")
        self.text.setText(self.tr(
            "To make real videos you need an API key from Alibaba Cloud Model Studio (Bailian); videos are "
            "billed per second.<br><br>No key yet? Try the <b>built-in sandbox</b> first: it is free, runs on "
            "this computer, and nothing leaves it. You can switch any time in Settings."))
        self.sandbox_button.setText(self.tr("Try the sandbox"))
        self.key_button.setText(self.tr("Enter my API key…"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

