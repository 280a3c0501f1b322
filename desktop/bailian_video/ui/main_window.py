"""The main window: a tab per family, the queue dock, menus, the backend badge, notifications."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QEventLoop, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from .. import __version__
from . import style, translations
from .config import UiConfig
from .skeleton import Skeleton, dock_height, studio_split
from .style import app_icon, draw_icon

if TYPE_CHECKING:
    from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
    from PySide6.QtGui import (
        QAction,
        QActionGroup,
        QCloseEvent,
        QColor,
        QCursor,
        QDragEnterEvent,
        QDropEvent,
        QFont,
        QGuiApplication,
        QIcon,
        QKeySequence,
        QPainter,
        QShortcut,
    )
    from PySide6.QtWidgets import (
        QButtonGroup,
        QFileDialog,
        QHBoxLayout,
        QLabel,
        QMessageBox,
        QSplitter,
        QStackedWidget,
        QSystemTrayIcon,
        QTabBar,
        QTabWidget,
        QToolButton,
        QVBoxLayout,
    )

    from .. import catalog
    from ..engine import Request, State
    from .budget_ui import SpendBadge, export_spending_csv
    from .form import FamilyTab, family_title
    from .queue_view import QueueDock
    from .session import SANDBOX, SERVICE, Session
    from .settings_dialog import SettingsDialog
    from .stage import ResultStage
    from .util import set_state, spawn, tx, wait_signal


def load_parts() -> None:
    """Import what the window's content is made of, as this module's names (once).

    The window's frame and its first paint need none of it: at start-up the frame is shown first and the
    content built right after (:meth:`MainWindow.build`), so the person sees the window while the model
    catalogue, the engine's records, the forms and the queue load. Even ``Qt`` waits: PySide6 makes all of
    the namespace's enums the first time it is named (~35 ms). Every name imported under TYPE_CHECKING
    above is imported here too (but SettingsDialog, a type only); tests build whole windows, so a name
    missing here fails them.
    """
    if "FamilyTab" in globals():
        return
    # (imported for this module's globals, hence noqa: F401)
    from PySide6.QtCore import QPoint, QPointF, QRectF, Qt  # noqa: F401
    from PySide6.QtGui import (  # noqa: F401
        QAction,
        QActionGroup,
        QCloseEvent,
        QColor,
        QCursor,
        QDragEnterEvent,
        QDropEvent,
        QFont,
        QGuiApplication,
        QIcon,
        QKeySequence,
        QPainter,
        QShortcut,
    )
    from PySide6.QtWidgets import (  # noqa: F401
        QButtonGroup,
        QFileDialog,
        QHBoxLayout,
        QLabel,
        QMessageBox,
        QSplitter,
        QStackedWidget,
        QSystemTrayIcon,
        QTabBar,
        QTabWidget,
        QToolButton,
        QVBoxLayout,
    )

    from .. import catalog  # noqa: F401
    from ..engine import Request, State  # noqa: F401
    from .budget_ui import SpendBadge, export_spending_csv  # noqa: F401
    from .form import FamilyTab, family_title  # noqa: F401
    from .queue_view import QueueDock  # noqa: F401
    from .session import SANDBOX, SERVICE, Session  # noqa: F401
    from .stage import ResultStage  # noqa: F401
    from .util import set_state, spawn, tx, wait_signal  # noqa: F401
    globals().update(locals())      # exactly the names imported above


#: What the window takes from a drop on its frame, the stage, the queue or the library: the settings of a
#: video this app made (the MP4 carries them) or of its sidecar JSON.
RESTORE_EXT = (".mp4", ".mov", ".json")

log = logging.getLogger("bailian_video.ui")


class MainWindow(QMainWindow):
    """``notified`` carries (title, text) each time a background notification goes out (tests listen)."""

    notified = Signal(str, str)
    first_painted = Signal(float)       # time.monotonic() when the window's first paint was done

    def __init__(self, session: Session | None, config: UiConfig, parent: QWidget | None = None):
        """The whole window; with no ``session``, only its frame (its size and place, the palette, a sketch
        of the layout as the central widget) until :meth:`build` is given one — what start-up shows first."""
        super().__init__(parent)
        self.config = config
        self.setObjectName("mainWindow")
        self.built = False                  # build() has made the content
        self.painted = False                # the first paint is done (or was given up on: never shown)
        self._tabs_building = False         # the other tabs are being made (after the first paint)
        self._first_paint: Any = None
        self.first_painted.connect(self._after_first_paint)
        app = QApplication.instance()
        if isinstance(app, QApplication) and app.styleSheet() and config.appearance:
            style.apply_scheme(app, config.appearance)      # the person's light/dark choice (else: the system's)
        # the frame's title is the app's name in the person's language (the badge adds the backend later)
        QApplication.setApplicationDisplayName(self.tr("Bailian Video Studio"))
        self.resize(1280, 860)
        geo = config.window_geometry()
        if geo is not None:
            self.restoreGeometry(geo)
        # A window never exposed (never shown, or minimised at start) gets its idle work all the same.
        QTimer.singleShot(3000, self, lambda: None if self.painted else self.first_painted.emit(0.0))
        if session is None:
            self.setCentralWidget(Skeleton(self))
        else:
            self.build(session)

    def build(self, session: Session) -> None:
        """Make the window's content: the pages, the tabs, the queue, menus and badges."""
        load_parts()
        self.session = session
        config = self.config
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
            tab.restore_requested.connect(lambda path: spawn(self.restore_from(path), name="restore"))
            self.tabs.addTab(tab, family_title(fam).replace("&", "&&"))
            self.family_tabs[fam.value] = tab
        # A calm notice above the queue while another process drives this folder's tasks.
        self.guest_banner = QLabel(self)
        self.guest_banner.setObjectName("guestBanner")
        self.guest_banner.setWordWrap(True)
        self.guest_banner.hide()
        # The Create page: the form on the left, the result (large, the hero) on the right.
        form_side = QWidget(self)
        form_side.setObjectName("formSide")
        col = QVBoxLayout(form_side)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addWidget(self.tabs, 1)
        col.addWidget(self.guest_banner)
        self.stage = ResultStage(session, config.pref, parent=self)
        self.stage.preference_changed.connect(config.set_pref)
        self.stage.use_settings.connect(lambda req, exact: self.run_again(req, exact))
        if hasattr(self.stage, "sequence_changed"):     # Continue made or extended a sequence
            self.stage.sequence_changed.connect(self._sequence_changed)
        self.studio = QSplitter(Qt.Orientation.Horizontal, self)
        self.studio.setObjectName("studioSplitter")
        self.studio.setChildrenCollapsible(False)
        self.studio.addWidget(form_side)
        self.studio.addWidget(self.stage)
        self.studio.setStretchFactor(0, 0)
        self.studio.setStretchFactor(1, 1)
        self.library: Any = None            # the Library page, made when first shown
        self.sequences: Any = None          # the Sequences page, made when first shown
        # The families' tab bar spans the whole width above form and result (the form column alone is too
        # narrow for fourteen tabs); it drives the form stack, whose own bar is hidden.
        self.family_bar = QTabBar(self)
        self.family_bar.setObjectName("familyBar")
        self.family_bar.setDocumentMode(True)
        self.family_bar.setExpanding(False)
        self.family_bar.setUsesScrollButtons(True)
        self.family_bar.setElideMode(Qt.TextElideMode.ElideNone)
        self.family_bar.setDrawBase(True)
        for tab in self.family_tabs.values():
            self.family_bar.addTab(family_title(tab.family).replace("&", "&&"))
        self.tabs.tabBar().hide()
        self.family_bar.currentChanged.connect(self.tabs.setCurrentIndex)
        self.tabs.currentChanged.connect(self.family_bar.setCurrentIndex)
        self.create_page = QWidget(self)
        self.create_page.setObjectName("createPage")
        cp = QVBoxLayout(self.create_page)
        cp.setContentsMargins(0, 0, 0, 0)
        cp.setSpacing(0)
        cp.addWidget(self.family_bar)
        cp.addWidget(self.studio, 1)
        self.pages = QStackedWidget(self)
        self.pages.setObjectName("pages")
        self.pages.addWidget(self.create_page)
        self.setCentralWidget(self.pages)
        self.setAcceptDrops(True)
        self._compares: list[Any] = []
        self.tabs.currentChanged.connect(self._tab_changed)
        self._guest_of: Any = None          # the engine that was a guest when last looked at
        self._note: Any = None              # the status note on show, as a callable (re-said in a new language)

        self.queue: QueueDock = QueueDock(session, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.queue)
        self.queue.run_again.connect(self.run_again)
        self.stage.describer = self.queue.model
        self.queue.play.connect(self.play)
        # The stage shows what is selected in the queue (a new task is selected when it is submitted).
        self.queue.table.selectionModel().selectionChanged.connect(lambda *_: self._queue_selection())

        self._build_menus()
        self.badge = QToolButton(self)
        self.badge.setObjectName("backendBadge")
        self.badge.setAutoRaise(False)
        self.badge.clicked.connect(lambda: self.open_settings())
        self.spend = SpendBadge(session, self)
        self.spend.clicked.connect(lambda: self.open_settings("spending"))
        self.statusBar().addPermanentWidget(self.spend)
        self.statusBar().addPermanentWidget(self.badge)

        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            sc = QShortcut(QKeySequence(seq), self)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(self.generate_current)
        self._build_page_switch()
        self._running = 0
        self._batches: dict[str, set[int]] = {}       # batch → its tasks not yet finished (one notice per batch)
        self._batch_done: dict[str, list[Any]] = {}
        self.sounds = 0                               # sounds played (the optional notification sound)

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

        state = config.window_state()
        if state is not None:
            self.restoreState(state)
        else:
            self.resizeDocks([self.queue], [self._dock_height()], Qt.Orientation.Vertical)
        split = config.splitter_state("studio")
        if split is None or not self.studio.restoreState(split):
            self.studio.setSizes(self._studio_sizes())
        cur = config.current_tab
        if cur in self.family_tabs:
            self.tabs.setCurrentWidget(self.family_tabs[cur])
        self.current_tab().ensure_built()
        self.retranslate()
        self.built = True
        if self.painted:
            self._idle_work()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._first_paint is None and not self.painted:
            from .first_paint import FirstPaint
            self._first_paint = FirstPaint(self, self.first_painted.emit)

    def wait_first_paint(self, timeout_ms: int = 3000) -> bool:
        """Run Qt's events until the window has been painted once (or ``timeout_ms``); True when it was."""
        if not self.painted:
            loop = QEventLoop()
            self.first_painted.connect(loop.quit)
            QTimer.singleShot(timeout_ms, loop, loop.quit)
            loop.exec()
            self.first_painted.disconnect(loop.quit)
        return self.painted

    def _after_first_paint(self, _t: float) -> None:
        """What the first paint did not need: the other pages and tabs, one piece per turn of the event loop."""
        if self.painted:
            return
        self.painted = True
        self._first_paint = None
        if self.built:
            self._idle_work()

    def _idle_work(self) -> None:
        """Once painted and built: the page the person left open, then the other tabs."""
        if self.config.page in ("library", "sequences"):
            QTimer.singleShot(0, self, lambda: self.show_page(self.config.page))
        # The other tabs are made once the backend is up and the Library and queue have shown its history:
        # reading the history (10,000 tasks: ~0.3 s, in a worker) and making forms (~30 ms each) share the one
        # Python interpreter. A tab the person opens is made at once (showEvent); without a backend, they come
        # after a while.
        if self.session.ctx is not None:
            self._build_tabs_now()
        else:
            # a method, not a lambda: the connection goes with the window if the backend never starts
            self.session.backend_changed.connect(self._build_tabs_soon, Qt.ConnectionType.SingleShotConnection)
            QTimer.singleShot(self.TAB_BUILD_FALLBACK_MS, self, self._build_tabs_now)

    #: when the other tabs are made if no backend has started by then (the first-run choice is open, say)
    TAB_BUILD_FALLBACK_MS = 5000
    #: and after the backend has started (its history listed, the first thumbnails asked for)
    TAB_BUILD_AFTER_BACKEND_MS = 500

    def _build_tabs_soon(self) -> None:
        QTimer.singleShot(self.TAB_BUILD_AFTER_BACKEND_MS, self, self._build_tabs_now)

    def _build_tabs_now(self) -> None:
        if not self._tabs_building:
            self._tabs_building = True
            QTimer.singleShot(0, self, self._build_next_tab)

    def _dock_height(self) -> int:
        """The queue's first height: a quarter of a tall window, a fifth of a short one (form and result come
        first). The person's own size is remembered (saveState)."""
        return dock_height(self.height())

    def _studio_sizes(self) -> list[int]:
        """First split of the Create page: the form gets what it needs (about 460 px), the result the rest."""
        w = max(self.width(), 800)
        form = studio_split(w)
        return [form, w - form]

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        if not self.built:
            return
        # Shrinking the window must leave room for the form: a bottom queue never takes more than ~40 %.
        # (at 700 px a quarter is already too much: keep it to the short window's share)
        q = self.queue
        limit = 0.40 if self.height() >= 800 else 0.24
        if q.isVisible() and not q.isFloating() and \
                self.dockWidgetArea(q) == Qt.DockWidgetArea.BottomDockWidgetArea and q.height() > self.height() * limit:
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

        def action(name: str, slot: Any, *keys: QKeySequence | QKeySequence.StandardKey | str) -> QAction:
            a = QAction(self)
            a.setObjectName(name)
            if keys:
                a.setShortcuts([k if isinstance(k, QKeySequence) else QKeySequence(k) for k in keys])
            a.triggered.connect(lambda _c=False: slot())
            self.addAction(a)           # the shortcut works while the menu is closed, on every platform
            return a

        self.file_menu = mb.addMenu("")
        # Ctrl+, everywhere (Qt's Preferences key is empty on Linux and Windows), plus the platform's own.
        prefs = [QKeySequence("Ctrl+,")] + [k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences)
                                            if k != QKeySequence("Ctrl+,")]
        self.act_settings = action("actSettings", self.open_settings, *prefs)
        self.act_folder = action("actFolder", self.queue.open_output_folder)
        self.act_restore = action("actRestore", self.choose_restore, "Ctrl+O")
        self.act_spending = action("actSpending", self.export_spending)
        self.act_snippets = action("actSnippets", self.manage_snippets)
        self.act_quit = action("actQuit", self.close, QKeySequence.StandardKey.Quit)
        for a in (self.act_restore, self.act_folder, self.act_spending, self.act_snippets, self.act_settings):
            self.file_menu.addAction(a)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.act_quit)

        self.view_menu = mb.addMenu("")
        self.act_create = action("actCreate", lambda: self.show_page("create"), "Ctrl+1")
        self.act_library = action("actLibrary", lambda: self.show_page("library"), "Ctrl+2")
        self.act_sequences = action("actSequences", lambda: self.show_page("sequences"), "Ctrl+3")
        self.act_search = action("actSearch", self.search_library, QKeySequence.StandardKey.Find)
        self.view_menu.addAction(self.act_create)
        self.view_menu.addAction(self.act_library)
        self.view_menu.addAction(self.act_sequences)
        self.view_menu.addAction(self.act_search)
        self.view_menu.addSeparator()
        self.act_queue = self.queue.toggleViewAction()
        self.act_queue.setShortcut(QKeySequence("Ctrl+J"))
        self.view_menu.addAction(self.act_queue)
        self.look_menu = self.view_menu.addMenu("")
        self.look_group = QActionGroup(self)
        self.look_actions: dict[str, QAction] = {}
        for code in style.APPEARANCES:
            a = QAction(self)
            a.setCheckable(True)
            a.triggered.connect(lambda _c=False, c=code: self.set_appearance(c))
            self.look_group.addAction(a)
            self.look_menu.addAction(a)
            self.look_actions[code] = a
        self.look_actions.get(self.config.appearance, self.look_actions[""]).setChecked(True)
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

        # The video: on the stage, or the tasks selected in the queue or the library.
        self.video_menu = mb.addMenu("")
        self.act_play = action("actPlay", self.toggle_play, "Space")
        # Space must still type in text fields and press focused buttons: it plays only from the result,
        # the queue and the library (and from this menu).
        self.act_play.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.removeAction(self.act_play)
        for w in (self.stage, self.queue):
            w.addAction(self.act_play)
        self.act_full = action("actFullScreen", self.full_screen, "F11")
        self.act_again = action("actRunAgain", lambda: self.again_selected(False), "Ctrl+R")
        self.act_repeat = action("actRepeat", lambda: self.again_selected(True), "Ctrl+Shift+R")
        self.act_compare = action("actCompare", self.compare_selected, "Ctrl+Shift+C")
        self.act_delete = action("actDelete", self.delete_selected, QKeySequence.StandardKey.Delete)
        self.act_delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.removeAction(self.act_delete)
        self.queue.addAction(self.act_delete)
        for entry in (self.act_play, self.act_full, None, self.act_again, self.act_repeat, self.act_compare, None,
                      self.act_delete):
            if entry is None:
                self.video_menu.addSeparator()
            else:
                self.video_menu.addAction(entry)

        self.help_menu = mb.addMenu("")
        self.act_about = QAction(self)
        self.act_about.triggered.connect(self.about)
        self.help_menu.addAction(self.act_about)

    def _build_page_switch(self) -> None:
        """Create | Library | Sequences, in the menu bar's corner (Ctrl+1 / Ctrl+2 / Ctrl+3)."""
        box = QWidget(self)
        box.setObjectName("pageSwitch")
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 6, 0)
        row.setSpacing(2)
        self.page_group = QButtonGroup(self)
        self.page_buttons: dict[str, QToolButton] = {}
        for name in ("create", "library", "sequences"):
            b = QToolButton(box)
            b.setObjectName(f"page_{name}")
            b.setCheckable(True)
            b.setAutoRaise(True)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            b.clicked.connect(lambda _c=False, n=name: self.show_page(n))
            self.page_group.addButton(b)
            row.addWidget(b)
            self.page_buttons[name] = b
        self.page_buttons["create"].setChecked(True)
        self.menuBar().setCornerWidget(box, Qt.Corner.TopRightCorner)

    # -- pages -------------------------------------------------------------------------------
    def page(self) -> str:
        shown = self.pages.currentWidget()
        if self.library is not None and shown is self.library:
            return "library"
        if self.sequences is not None and shown is self.sequences:
            return "sequences"
        return "create"

    def ensure_library(self) -> Any:
        if self.library is None:
            from .library_view import LibraryView  # made on first use: start-up stays light
            self.library = LibraryView(self.session, self)
            self.library.play.connect(self.play)
            self.library.compare.connect(self.compare)
            self.library.use_settings.connect(self.use_settings)
            self.library.addAction(self.act_play)
            self.library.add_to_sequence.connect(self.add_to_sequence)
            self.library.continue_requested.connect(self.continue_video)
            self.pages.addWidget(self.library)
        return self.library

    def ensure_sequences(self) -> Any:
        if self.sequences is None:
            from .sequence_view import SequenceView  # made on first use: start-up stays light
            self.sequences = SequenceView(self.session, self)
            self.sequences.model.describe = self.queue.model.status_text     # a running take in the queue's words
            self.pages.addWidget(self.sequences)
        return self.sequences

    def show_page(self, name: str) -> None:
        if name == "library":
            self.pages.setCurrentWidget(self.ensure_library())
        elif name == "sequences":
            self.pages.setCurrentWidget(self.ensure_sequences())
        else:
            name = "create"
            self.pages.setCurrentWidget(self.create_page)
        self.page_buttons[name].setChecked(True)
        self.config.page = name

    def search_library(self) -> None:
        self.show_page("library")
        self.library.focus_search()

    # -- sequences ---------------------------------------------------------------------------
    def add_to_sequence(self, recs: list[Any]) -> None:
        """The library's "Add to sequence": a menu of the sequences (or a new one), then each video a new shot."""
        spawn(self.add_to_sequence_flow(recs), name="add-to-sequence")

    async def add_to_sequence_flow(self, recs: list[Any], at: QPoint | None = None) -> int | None:
        recs = [r for r in recs if r.state == State.DONE and r.output_path]
        if self.session.engine is None or not recs:
            self.say(lambda: self.tr("Choose finished videos to add them to a sequence."), 6000)
            return None
        page = self.ensure_sequences()
        seq_id = await page.choose_target(recs, at if at is not None else QCursor.pos())
        if seq_id is None:
            return None
        page.add_records(seq_id, recs)
        self.show_page("sequences")
        page.select_sequence(seq_id)
        n = len(recs)
        self.say(lambda: self.tr("Added 1 shot to the sequence.") if n == 1 else
                 self.tr("Added %1 shots to the sequence.").replace("%1", str(n)), 6000)
        return int(seq_id)

    def _sequence_changed(self, seq_id: int) -> None:
        """Continue made or extended a sequence: it is the one on show when the page opens."""
        page = self.ensure_sequences()
        page.select_sequence(seq_id)
        self.say(lambda: self.tr("The new shot is in a sequence: see Sequences (Ctrl+3)."), 8000)

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
            self.stage.show_record(recs[-1])
        n = len(recs)
        self.say(lambda: self.tr("Added %n task(s) to the queue.", "", n), 5000)

    def say(self, text: Any, ms: int = 0) -> None:
        """A status-bar note; ``text`` is a callable so the note follows a language switch while it shows."""
        self._note = text
        self.statusBar().showMessage(text(), ms)

    def _queue_selection(self) -> None:
        rec = self.queue.current()
        if rec is not None and rec is not self.stage.record():
            self.stage.show_record(rec)

    def run_again(self, request: Request, exact: bool = False, missing: dict[str, list[str]] | None = None) -> None:
        """Back into the form: a new variation (random seed), or ``exact`` (same seed, one video)."""
        spec = catalog.get(request.model)
        if spec is None:
            return
        # its own family's tab; a model offered by several tabs stays in the one on show when that offers it
        current = self.current_tab()
        tab = current if spec in current.models else self.tab(spec.family)
        self.show_page("create")
        self.tabs.setCurrentWidget(tab)
        if missing:
            tab.load_request(request, exact=exact, missing=missing)
        else:
            tab.load_request(request, exact=exact)

    def open_task(self, rec: Any) -> None:
        """Show a task in the queue and on the stage."""
        self.queue.select_task(rec.id)
        self.play(rec)

    def play(self, rec: Any) -> None:
        """A task on the stage, large; its video plays when it is on disk."""
        self.show_page("create")
        self.stage.show_record(rec)

    # -- the selection the video menu acts on --------------------------------------------------
    def selected(self) -> list[Any]:
        """The library's selection on the Library page; else the queue's, else what is on the stage."""
        if self.page() == "library":
            return list(self.library.selected_records())
        if self.page() == "sequences":
            return list(self.sequences.selected_records())
        recs = self.queue.selected_records()
        if recs:
            return recs
        rec = self.stage.record()
        return [rec] if rec is not None else []

    def toggle_play(self) -> None:
        if self.page() == "sequences":
            recs = self.selected()
            if recs:
                self.sequences.play(recs[0])
            return
        if self.page() == "library":
            recs = self.selected()
            if recs:
                self.play(recs[0])
            return
        self.stage.toggle()

    def full_screen(self) -> None:
        self.show_page("create")
        self.stage.full_screen()

    def again_selected(self, exact: bool) -> None:
        recs = self.selected()
        if recs and (not exact or recs[0].request.params.get("seed") is not None):
            self.run_again(recs[0].request, exact)

    def compare_selected(self) -> None:
        recs = [r for r in self.selected() if r.state == State.DONE and r.output_path]
        if 2 <= len(recs) <= 4:
            self.compare(recs)
        else:
            self.say(lambda: self.tr("Select 2 to 4 finished videos to compare them."), 6000)

    def delete_selected(self) -> None:
        """Delete in the queue archives (nothing is destroyed there); the library asks, then uses the trash."""
        if self.page() == "library":
            self.library.delete_selected()
        else:
            self.queue.do("remove")

    def compare(self, recs: list[Any]) -> Any:
        from .compare import CompareView  # Qt Multimedia loads on first use, not at start-up
        view = CompareView(recs, self)
        view.use_settings.connect(lambda req, exact: self.run_again(req, exact))
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.destroyed.connect(lambda *_: self._compares.remove(view) if view in self._compares else None)
        self._compares.append(view)
        view.show()
        return view

    # -- settings restored from a result -----------------------------------------------------------
    def use_settings(self, rec: Any) -> None:
        """The library's "Use these settings": the task's own request, its missing files marked."""
        from .restore import missing_inputs
        self.run_again(rec.request, True, missing_inputs(rec.request))
        self.say(lambda: self.tr("Loaded the settings of an earlier task: Generate repeats it exactly."), 8000)

    def choose_restore(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Restore settings from a video"), str(self.config.out_dir),
            self.tr("Videos made by this app or their settings (*.mp4 *.mov *.json)"))
        if path:
            spawn(self.restore_from(path), name="restore")

    async def restore_from(self, path: str) -> bool:
        """Open the right tab with the settings a video (or its sidecar JSON) was made with."""
        from .restore import NotOurs, describe, read_settings
        try:
            restored = await read_settings(path, self.session)
        except NotOurs as e:
            self._tell(self.tr("No settings to restore"), str(e))
            return False
        except OSError as e:
            self._tell(self.tr("No settings to restore"), self.tr("Could not read %1: %2")
                       .replace("%1", path).replace("%2", e.strerror or str(e)))
            return False
        self.run_again(restored.request, True, restored.missing or None)
        self.say(lambda: describe(restored), 15000)
        return True

    def _tell(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("restoreMessage")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    @staticmethod
    def _restorable(event: Any) -> list[str]:
        md = event.mimeData()
        if not md.hasUrls():
            return []
        return [u.toLocalFile() for u in md.urls() if u.isLocalFile() and u.toLocalFile().lower().endswith(RESTORE_EXT)]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self._restorable(event):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = self._restorable(event)
        if not paths:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        spawn(self.restore_from(paths[0]), name="restore")

    def set_appearance(self, code: str) -> None:
        self.config.appearance = code
        app = QApplication.instance()
        if isinstance(app, QApplication):
            style.apply_scheme(app, code)
        if code in self.look_actions:
            self.look_actions[code].setChecked(True)

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
    def continue_video(self, rec: Any) -> None:
        """Continue from the library: show the video on the stage and ask how to go on."""
        self.play(rec)
        self.stage.continue_video(rec)

    def export_spending(self) -> None:
        store = self.session.engine.store if self.session.engine is not None else None
        spawn(export_spending_csv(self, store, self.config.out_dir, self.say), name="spending-csv")

    def manage_snippets(self) -> None:
        from . import snippets
        snippets.open_manager(self, self.config.data_dir)

    def open_settings(self, section: str | None = None) -> None:
        if self.settings_dialog is not None:
            if section:
                self.settings_dialog.show_section(section)
            self.settings_dialog.raise_()
            return
        spawn(self.settings_flow(section), name="settings")

    async def settings_flow(self, section: str | None = None) -> bool:
        from .settings_dialog import SettingsDialog  # made on first use: start-up stays light
        dlg = SettingsDialog(self.session, self)
        self.settings_dialog = dlg
        dlg.open()
        if section:
            dlg.show_section(section)
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
            from .settings_dialog import keychain_name
            where = await s.store_key(res.new_key)
            key_changed = True
            if where == "session":
                self.say(lambda: self.tr("No usable %1: the key is kept for this session only.")
                         .replace("%1", keychain_name()), 10000)
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
                why = str(e)
                self.say(lambda: self.tr("Could not start the backend: %1").replace("%1", why), 15000)
        else:
            s.apply_config()
        for tab in self.family_tabs.values():
            if tab.built:
                tab.retranslate_model()
                tab.update_estimate()
        self.update_badge()

    async def first_run(self) -> str:
        """No key and no choice yet: offer the sandbox. Returns the chosen mode."""
        from .settings_dialog import WelcomeDialog
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
        # Qt adds the application's (translated) display name to the title on Linux and Windows; macOS shows it
        # in the menu bar. So the window's own title is only what is particular to it: no doubled name.
        QGuiApplication.setApplicationDisplayName(self.tr("Bailian Video Studio"))
        self.setWindowTitle(self.tr("Sandbox") if s.is_sandbox else "")

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
            self.say(lambda: self.tr("This window now runs the tasks in this folder."), 8000)
            self._guest_of = None
        else:
            self._guest_of = None
        if self.guest_banner.isVisibleTo(self) != guest:
            self.guest_banner.setVisible(guest)

    def _reset_states(self) -> None:
        self._last_state = {r.id: r.state for r in self.session.tasks()}
        self._batches.clear()
        for r in self.session.tasks():
            if r.batch and r.state.active:
                self._batches.setdefault(r.batch, set()).add(r.id)
        self._update_running()

    def _task_event(self, rec: Any) -> None:
        before = self._last_state.get(rec.id)
        self._last_state[rec.id] = rec.state
        if rec.batch and rec.state.active:
            self._batches.setdefault(rec.batch, set()).add(rec.id)
        if before != rec.state:
            self._update_running()
        if before == rec.state or rec.state not in (State.DONE, State.FAILED, State.EXPIRED, State.UNCERTAIN):
            return
        if rec.state == State.DONE:
            spawn(self.session.refresh_totals(), name="totals")
            on_stage = self.stage.record()
            if on_stage is not None and on_stage.id == rec.id:
                self.stage.show_record(rec)
        finished = [rec]
        if rec.batch and rec.batch in self._batches:
            # one notice for a batch: when its last task ends (a failure or a decision is told at once)
            waiting = self._batches[rec.batch]
            waiting.discard(rec.id)
            self._batch_done.setdefault(rec.batch, []).append(rec)
            if waiting and rec.state == State.DONE:
                return
            if not waiting:
                finished = self._batch_done.pop(rec.batch, [rec])
                del self._batches[rec.batch]
        if self.isActiveWindow():
            return
        self.notify(*self._notice(rec, finished))

    def _notice(self, rec: Any, finished: list[Any]) -> tuple[str, str]:
        spec = catalog.get(rec.model)
        what = (rec.prompt or (tx(spec.title) if spec else rec.model))[:80]
        if rec.state == State.UNCERTAIN:
            return self.tr("A task needs your decision"), f"{what}\n{rec.error_text()}".strip()
        if rec.state != State.DONE:
            return self.tr("Task failed"), f"{what}\n{rec.error_text()}".strip()
        done = [r for r in finished if r.state == State.DONE]
        if len(finished) > 1:
            title = self.tr("%n video(s) ready", "", len(done))
            failed = len(finished) - len(done)
            if failed:
                what = self.tr("%n of the batch did not finish; see the queue.", "", failed)
            return title, what
        return self.tr("Video ready"), what

    def notify(self, title: str, text: str) -> None:
        tray = self.ensure_tray()
        if tray is not None:
            tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 8000)
        QApplication.alert(self, 0)
        if self.config.notify_sound:
            self.sounds += 1
            QApplication.beep()
        self.notified.emit(title, text)

    def _from_tray(self, _reason: QSystemTrayIcon.ActivationReason) -> None:
        self.showNormal()
        self.activateWindow()

    def ensure_tray(self) -> QSystemTrayIcon | None:
        if self.tray is None and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(self._tray_icon(), self)
            self.tray.activated.connect(self._from_tray)
            self.tray.show()
            self._update_running()
        return self.tray

    def running_count(self) -> int:
        return self._running

    def _update_running(self) -> None:
        """The tray icon carries the number of tasks still working (its tooltip says it in words)."""
        n = self.queue.model.active_count()        # kept by the queue's model (it hears each event first)
        changed = n != self._running
        self._running = n
        if n and self.tray is None:
            self.ensure_tray()
        if self.tray is None:
            return
        if changed or not self.tray.toolTip():
            self.tray.setIcon(self._tray_icon())
        self.tray.setToolTip(self.tr("Bailian Video Studio — %n task(s) working", "", n) if n
                             else self.tr("Bailian Video Studio — nothing working"))

    def _tray_icon(self) -> QIcon:
        n = self._running
        if not n:
            return app_icon()
        icon = QIcon()
        for size in (16, 22, 32, 48, 64):
            pix = draw_icon(size)
            p = QPainter(pix)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            r = size * 0.3
            centre = QPointF(size - r, size - r)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#1565c0"))
            p.drawEllipse(centre, r, r)
            f = QFont(p.font())
            f.setBold(True)
            f.setPixelSize(max(6, int(r * 1.3)))
            p.setFont(f)
            p.setPen(QColor("white"))
            p.drawText(QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r), Qt.AlignmentFlag.AlignCenter,
                       str(n) if n < 10 else "9+")
            p.end()
            icon.addPixmap(pix)
        return icon

    # -- window ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.file_menu.setTitle(self.tr("&File"))
        self.view_menu.setTitle(self.tr("&View"))
        self.video_menu.setTitle(self.tr("V&ideo"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.act_settings.setText(self.tr("Settings…"))
        self.act_folder.setText(self.tr("Open output folder"))
        self.act_restore.setText(self.tr("Restore settings from a video…"))
        self.act_spending.setText(self.tr("Export spending (CSV)…"))
        self.act_snippets.setText(self.tr("Prompt snippets…"))
        self.act_restore.setToolTip(self.tr("Or drop a video this app made (or its .json) anywhere on the window"))
        self.act_quit.setText(self.tr("Quit"))
        self.act_create.setText(self.tr("Create"))
        self.act_library.setText(self.tr("Library"))
        self.act_sequences.setText(self.tr("Sequences"))
        self.act_search.setText(self.tr("Search the library"))
        self.look_menu.setTitle(self.tr("Appearance"))
        self.look_actions[""].setText(self.tr("Follow the system"))
        self.look_actions["light"].setText(self.tr("Light"))
        self.look_actions["dark"].setText(self.tr("Dark"))
        self.lang_menu.setTitle(self.tr("Language"))
        self.lang_actions[""].setText(self.tr("Follow the system"))
        self.lang_actions["zh"].setText("简体中文")
        self.lang_actions["en"].setText("English")
        self.act_play.setText(self.tr("Play / pause"))
        self.act_full.setText(self.tr("Full screen"))
        self.act_again.setText(self.tr("Run again: new variation"))
        self.act_repeat.setText(self.tr("Exact repeat (same seed)"))
        self.act_compare.setText(self.tr("Compare selected"))
        self.act_delete.setText(self.tr("Archive / delete selected"))
        self.act_delete.setToolTip(self.tr("In the queue: archive (kept in the library). In the library: "
                                           "delete to the trash, after asking."))
        self.act_about.setText(self.tr("About"))
        for name, text, tip in (("create", self.tr("Create"), self.tr("The form and the result (Ctrl+1)")),
                                ("library", self.tr("Library"), self.tr("Every video you made (Ctrl+2)")),
                                ("sequences", self.tr("Sequences"),
                                 self.tr("Shots in order, made into one film (Ctrl+3)"))):
            self.page_buttons[name].setText(text)
            self.page_buttons[name].setToolTip(tip)
            self.page_buttons[name].setAccessibleName(text)
        for tab in self.family_tabs.values():
            i = self.tabs.indexOf(tab)
            self.tabs.setTabText(i, family_title(tab.family).replace("&", "&&"))
            self.family_bar.setTabText(i, family_title(tab.family).replace("&", "&&"))
        self.update_badge()
        self.update_guest_banner()
        if self._note is not None and self.statusBar().currentMessage():
            self.statusBar().showMessage(self._note())     # the note on show follows the new language

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and self.built:
            self.retranslate()
        super().changeEvent(event)

    def save_layout(self) -> None:
        for tab in self.family_tabs.values():
            tab.save_state()
        self.config.save_window(self.saveGeometry(), self.saveState())
        self.config.set_splitter_state("studio", self.studio.saveState())
        self.config.page = self.page()
        self.config.current_tab = self.current_tab().family.value
        self.config.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.built:              # closed while only the frame was on show: nothing to keep yet
            super().closeEvent(event)
            return
        self.save_layout()
        if self.tray is not None:
            self.tray.hide()
        super().closeEvent(event)

