"""The main window: a tab per family, the queue dock, menus, the backend badge, notifications."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSystemTrayIcon,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .. import __version__, catalog
from ..engine import Request, State
from . import translations
from .config import UiConfig
from .form import FamilyTab, family_title
from .queue_view import QueueDock
from .session import SANDBOX, SERVICE, Session
from .settings_dialog import SettingsDialog, WelcomeDialog
from .style import app_icon
from .util import fmt_money, set_state, spawn, tx, wait_signal

log = logging.getLogger("bailian_video.ui")


class MainWindow(QMainWindow):
    """``notified`` carries (title, text) each time a background notification goes out (tests listen)."""

    notified = Signal(str, str)

    def __init__(self, session: Session, config: UiConfig, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.config = config
        self.setObjectName("mainWindow")
        self.setWindowIcon(app_icon())
        self._last_state: dict[int, State] = {}
        self.tray: QSystemTrayIcon | None = None
        self.settings_dialog: SettingsDialog | None = None

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("familyTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setElideMode(Qt.TextElideMode.ElideNone)
        self.family_tabs: dict[str, FamilyTab] = {}
        for fam in catalog.FAMILY_ORDER:
            if not catalog.by_family(fam):       # a family with no model yet has nothing to show
                continue
            tab = FamilyTab(fam, session, config, self.tabs)
            tab.submitted.connect(self._submitted)
            tab.show_task.connect(lambda rec: self.queue.select_task(rec.id))
            tab.open_task.connect(self.open_task)
            self.tabs.addTab(tab, family_title(fam).replace("&", "&&"))
            self.family_tabs[fam.value] = tab
        # A calm notice above the queue while another process drives this folder's tasks.
        self.guest_banner = QLabel(self)
        self.guest_banner.setObjectName("guestBanner")
        self.guest_banner.setWordWrap(True)
        self.guest_banner.hide()
        central = QWidget(self)
        central.setObjectName("centralArea")
        col = QVBoxLayout(central)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addWidget(self.tabs, 1)
        col.addWidget(self.guest_banner)
        self.setCentralWidget(central)
        self.tabs.currentChanged.connect(self._tab_changed)
        self._guest_of: Any = None          # the engine that was a guest when last looked at

        self.queue = QueueDock(session, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.queue)
        self.queue.run_again.connect(self.run_again)
        self.queue.play.connect(self.play)

        self._build_menus()
        self.badge = QToolButton(self)
        self.badge.setObjectName("backendBadge")
        self.badge.setAutoRaise(False)
        self.badge.clicked.connect(self.open_settings)
        self.spend = QLabel(self)
        self.spend.setObjectName("spendLabel")
        self.statusBar().addPermanentWidget(self.spend)
        self.statusBar().addPermanentWidget(self.badge)

        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            sc = QShortcut(QKeySequence(seq), self)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(self.generate_current)

        session.task_added.connect(self._task_event)
        session.task_changed.connect(self._task_event)
        session.reset.connect(self._reset_states)
        session.backend_changed.connect(self.update_badge)
        session.key_changed.connect(self.update_badge)
        session.totals_changed.connect(self.update_badge)
        session.backend_changed.connect(self.update_guest_banner)
        # The engine takes over by itself when the owner exits (no event): look once a second, it is cheap.
        self._owner_timer = QTimer(self)
        self._owner_timer.setInterval(1000)
        self._owner_timer.timeout.connect(self.update_guest_banner)
        self._owner_timer.start()

        self.resize(1280, 860)
        geo, state = config.window_geometry(), config.window_state()
        if geo is not None:
            self.restoreGeometry(geo)
        if state is not None:
            self.restoreState(state)
        else:
            self.resizeDocks([self.queue], [self._dock_height()], Qt.Orientation.Vertical)
        cur = config.current_tab
        if cur in self.family_tabs:
            self.tabs.setCurrentWidget(self.family_tabs[cur])
        self.current_tab().ensure_built()
        self.retranslate()
        QTimer.singleShot(0, self, self._build_next_tab)

    def _dock_height(self) -> int:
        """The queue's first height: a third of a tall window, a fifth of a short one (the form comes first)."""
        h = self.height()
        return max(130, min(340, int(h * (0.36 if h >= 800 else 0.21))))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        # Shrinking the window must leave room for the form: a bottom queue never takes more than ~40 %.
        q = self.queue
        if q.isVisible() and not q.isFloating() and \
                self.dockWidgetArea(q) == Qt.DockWidgetArea.BottomDockWidgetArea and q.height() > self.height() * 0.40:
            self.resizeDocks([q], [self._dock_height()], Qt.Orientation.Vertical)

    def _build_next_tab(self) -> None:
        """Make the other tabs' forms while idle, one per turn of the event loop."""
        for tab in self.family_tabs.values():
            if not tab.built:
                tab.ensure_built()
                QTimer.singleShot(0, self, self._build_next_tab)
                return

    # -- menus -------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        mb = self.menuBar()
        self.file_menu = mb.addMenu("")
        self.act_settings = QAction(self)
        self.act_settings.setObjectName("actSettings")
        self.act_settings.setShortcut(QKeySequence.StandardKey.Preferences)
        self.act_settings.triggered.connect(self.open_settings)
        self.act_folder = QAction(self)
        self.act_folder.triggered.connect(self.queue.open_output_folder)
        self.act_quit = QAction(self)
        self.act_quit.setShortcut(QKeySequence.StandardKey.Quit)
        self.act_quit.triggered.connect(self.close)
        self.file_menu.addAction(self.act_folder)
        self.file_menu.addAction(self.act_settings)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.act_quit)

        self.view_menu = mb.addMenu("")
        self.act_queue = self.queue.toggleViewAction()
        self.view_menu.addAction(self.act_queue)
        self.lang_menu = self.view_menu.addMenu("")
        self.lang_group = QActionGroup(self)
        self.lang_actions: dict[str, QAction] = {}
        for code in ("", "zh", "en"):
            a = QAction(self)
            a.setCheckable(True)
            a.setData(code)
            a.triggered.connect(lambda _c=False, c=code: self.set_language(c))
            self.lang_group.addAction(a)
            self.lang_menu.addAction(a)
            self.lang_actions[code] = a
        self.lang_actions.get(self.config.language, self.lang_actions[""]).setChecked(True)

        self.help_menu = mb.addMenu("")
        self.act_about = QAction(self)
        self.act_about.triggered.connect(self.about)
        self.help_menu.addAction(self.act_about)

    # -- tabs and actions --------------------------------------------------------------------
    def current_tab(self) -> FamilyTab:
        return self.tabs.currentWidget()  # type: ignore[return-value]

    def tab(self, family: str | catalog.Family) -> FamilyTab:
        return self.family_tabs[catalog.Family(family).value].ensure_built()

    def generate_current(self) -> None:
        self.current_tab().ensure_built().generate()

    def _tab_changed(self, _i: int) -> None:
        self.config.current_tab = self.current_tab().family.value

    def _submitted(self, recs: list[Any]) -> None:
        if not self.queue.isVisible():
            self.queue.show()
        if recs:
            self.queue.select_task(recs[-1].id)
        self.statusBar().showMessage(self.tr("Added %n task(s) to the queue.", "", len(recs)), 5000)

    def run_again(self, request: Request, exact: bool = False) -> None:
        """Back into the form: a new variation (random seed), or ``exact`` (same seed, one video)."""
        spec = catalog.get(request.model)
        if spec is None:
            return
        # its own family's tab; a model offered by several tabs stays in the one on show when that offers it
        current = self.current_tab()
        tab = current if spec in current.models else self.tab(spec.family)
        self.tabs.setCurrentWidget(tab)
        tab.load_request(request, exact=exact)

    def open_task(self, rec: Any) -> None:
        """Show a task in the queue and, when its video is on disk, play it."""
        self.queue.select_task(rec.id)
        if rec.state == State.DONE and rec.output_path:
            self.play(rec)

    def play(self, rec: Any) -> Any:
        from .player import PlayerDialog  # Qt Multimedia loads on first use, not at start-up
        dlg = PlayerDialog(rec.output_path, title=rec.prompt[:60] if rec.prompt else "", parent=self)
        dlg.show()
        dlg.play()
        return dlg

    def set_language(self, code: str) -> None:
        self.config.language = code
        translations.apply_language(code)
        if code in self.lang_actions:
            self.lang_actions[code].setChecked(True)

    def about(self) -> None:
        QMessageBox.about(self, self.tr("About Bailian Video Studio"), self.tr(
            "<h3>Bailian Video Studio %1</h3><p>Video generation with Alibaba Cloud Model Studio (Bailian / "
            "DashScope): text, images, audio and video in; MP4 out.</p><p>Data folder: %2</p>")
            .replace("%1", __version__).replace("%2", str(self.config.data_dir)))

    # -- settings ----------------------------------------------------------------------------
    def open_settings(self) -> None:
        if self.settings_dialog is not None:
            self.settings_dialog.raise_()
            return
        spawn(self.settings_flow(), name="settings")

    async def settings_flow(self) -> bool:
        dlg = SettingsDialog(self.session, self)
        self.settings_dialog = dlg
        dlg.open()
        try:
            (result,) = await wait_signal(dlg.finished)
            if result != int(SettingsDialog.DialogCode.Accepted):
                return False
            await self.apply_settings(dlg.result_settings())
            return True
        finally:
            self.settings_dialog = None
            dlg.deleteLater()

    async def apply_settings(self, res: Any) -> None:
        c, s = self.config, self.session
        if res.language != c.language:
            self.set_language(res.language)
        c.out_dir = res.out_dir
        c.name_template = res.name_template
        c.global_concurrency = res.global_concurrency
        c.model_concurrency = res.model_concurrency
        c.poll_deadline_hours = res.poll_deadline_hours
        c.confirm_videos = res.confirm_videos
        c.confirm_amount = res.confirm_amount
        key_changed = False
        if res.new_key is not None and res.new_key != (s.api_key or ""):
            where = await s.store_key(res.new_key)
            key_changed = True
            if where == "session":
                self.statusBar().showMessage(self.tr("No usable keychain: the key is kept for this session only."),
                                             10000)
        c.backend = res.backend
        c.region = res.region
        c.workspace = res.workspace
        c.sync()
        restart = (res.backend != s.mode or res.region != s.region or (key_changed and res.backend == SERVICE)
                   or (res.workspace != s.workspace and res.backend == SERVICE) or s.ctx is None)
        s.workspace = res.workspace
        if restart:
            try:
                await s.start(res.backend, res.region, res.workspace)
            except Exception as e:  # shown in the badge; the window stays usable
                self.statusBar().showMessage(self.tr("Could not start the backend: %1").replace("%1", str(e)), 15000)
        else:
            s.apply_config()
        for tab in self.family_tabs.values():
            if tab.built:
                tab.retranslate_model()
                tab.update_estimate()
        self.update_badge()

    async def first_run(self) -> str:
        """No key and no choice yet: offer the sandbox. Returns the chosen mode."""
        dlg = WelcomeDialog(self)
        dlg.open()
        await wait_signal(dlg.finished)
        choice = dlg.choice
        dlg.deleteLater()
        if choice == WelcomeDialog.KEY:
            self.config.backend = SERVICE
            return SERVICE
        self.config.backend = SANDBOX
        return SANDBOX

    # -- status and notifications -------------------------------------------------------------
    def update_badge(self) -> None:
        s = self.session
        region = tx(catalog.region_label(s.region))
        if s.workspace:
            region = self.tr("%1 · workspace %2").replace("%1", region).replace("%2", s.workspace)
        if s.ctx is None:
            kind = "problem"
            text = self.tr("● Not connected") if not s.start_error else self.tr("● Backend stopped")
            tip = s.start_error or self.tr("Starting…")
        elif s.is_sandbox:
            kind = "sandbox"
            text = self.tr("● Sandbox — free, local · %1").replace("%1", region)
            tip = self.tr("Tasks run on the built-in sandbox at %1. Nothing is charged and nothing leaves this "
                          "computer. Click to change.").replace("%1", s.backend_label())
        elif not s.api_key:
            kind = "problem"
            text = self.tr("● No API key — click to add one")
            tip = self.tr("Add your Model Studio API key in Settings, or switch to the sandbox.")
        else:
            kind = "service"
            text = self.tr("● Alibaba Cloud · %1").replace("%1", region)
            tip = self.tr("Real service at %1; videos are billed per second.").replace("%1", s.backend_label())
        self.badge.setText(text)
        self.badge.setToolTip(tip)
        set_state(self.badge, "kind", kind)
        today = (s.totals or {}).get("today")
        self.spend.setText(self.tr("Today: %1").replace("%1", fmt_money(today or 0.0)) if s.ctx is not None
                           and not s.is_sandbox else "")
        title = self.tr("Bailian Video Studio")
        if s.is_sandbox:
            title += " — " + self.tr("Sandbox")
        self.setWindowTitle(title)

    def update_guest_banner(self) -> None:
        """Show who drives this folder's tasks while it is not this window; hide it once it is."""
        eng = self.session.engine
        guest = eng is not None and not eng.is_owner
        if guest:
            owner = tx(eng.owner_text()) or self.tr("another program")
            self.guest_banner.setText(self.tr(
                "Tasks in this folder are being run by %1; this window shows them and takes over when it exits.")
                .replace("%1", owner))
            self._guest_of = eng
        elif self._guest_of is not None and self._guest_of is eng:
            self.statusBar().showMessage(self.tr("This window now runs the tasks in this folder."), 8000)
            self._guest_of = None
        else:
            self._guest_of = None
        if self.guest_banner.isVisibleTo(self) != guest:
            self.guest_banner.setVisible(guest)

    def _reset_states(self) -> None:
        self._last_state = {r.id: r.state for r in self.session.tasks()}

    def _task_event(self, rec: Any) -> None:
        before = self._last_state.get(rec.id)
        self._last_state[rec.id] = rec.state
        if before == rec.state or rec.state not in (State.DONE, State.FAILED, State.EXPIRED, State.UNCERTAIN):
            return
        if rec.state == State.DONE:
            spawn(self.session.refresh_totals(), name="totals")
        if self.isActiveWindow():
            return
        spec = catalog.get(rec.model)
        what = (rec.prompt or (tx(spec.title) if spec else rec.model))[:80]
        if rec.state == State.DONE:
            title = self.tr("Video ready")
        elif rec.state == State.UNCERTAIN:
            title = self.tr("A task needs your decision")
            what = f"{what}\n{rec.error_text()}".strip()
        else:
            title = self.tr("Task failed")
            what = f"{what}\n{rec.error_text()}".strip()
        self.notify(title, what)

    def notify(self, title: str, text: str) -> None:
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self.tray is None:
                self.tray = QSystemTrayIcon(app_icon(), self)
                self.tray.activated.connect(lambda _r: (self.showNormal(), self.activateWindow()))
                self.tray.show()
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 8000)
        QApplication.alert(self, 0)
        self.notified.emit(title, text)

    # -- window ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.file_menu.setTitle(self.tr("&File"))
        self.view_menu.setTitle(self.tr("&View"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.act_settings.setText(self.tr("Settings…"))
        self.act_folder.setText(self.tr("Open output folder"))
        self.act_quit.setText(self.tr("Quit"))
        self.lang_menu.setTitle(self.tr("Language"))
        self.lang_actions[""].setText(self.tr("Follow the system"))
        self.lang_actions["zh"].setText("简体中文")
        self.lang_actions["en"].setText("English")
        self.act_about.setText(self.tr("About"))
        for tab in self.family_tabs.values():
            self.tabs.setTabText(self.tabs.indexOf(tab), family_title(tab.family).replace("&", "&&"))
        self.update_badge()
        self.update_guest_banner()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def save_layout(self) -> None:
        for tab in self.family_tabs.values():
            tab.save_state()
        self.config.save_window(self.saveGeometry(), self.saveState())
        self.config.current_tab = self.current_tab().family.value
        self.config.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        if self.tray is not None:
            self.tray.hide()
        super().closeEvent(event)

