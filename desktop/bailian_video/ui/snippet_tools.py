"""The prompt snippets' button and menu for one prompt field (see ``snippets``, which has the library, the side
list and the manage dialog: loaded on first use, so a window with a prompt field starts light)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMenu, QMessageBox, QPlainTextEdit, QToolButton, QWidget

from .. import i18n

if TYPE_CHECKING:
    from .snippets import Snippet, SnippetLibrary, SnippetList, SnippetsDialog


def _menu_text(text: str) -> str:
    return text.replace("&", "&&")


class SnippetButton(QToolButton):
    """"Snippets" under a prompt field: opens the side list. Not a Tab stop (the field's right-click menu, also
    on the keyboard's menu key, has the same snippets), and a click leaves the focus and cursor in the field."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("snippetButton")
        self.setAutoRaise(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.retranslate()

    def retranslate(self) -> None:
        self.setText(self.tr("Snippets ▾"))
        self.setAccessibleName(self.tr("Prompt snippets"))
        self.setToolTip(self.tr("Insert a saved bit of prompt (camera moves, light, styles…) at the cursor; "
                                "also in the field's right-click menu"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class SnippetTools(QObject):
    """Snippets for one prompt field: the "Insert snippet" submenu in its right-click menu, the "Snippets" button
    (``button``, for the owner to place) with its list, and the manage dialog. The first time the field is shown
    the person is told if their snippets file was damaged."""

    def __init__(self, edit: QPlainTextEdit, parent: QWidget | None = None):
        super().__init__(edit)
        self.edit = edit
        self.button = SnippetButton(parent)
        self.button.clicked.connect(self.toggle_list)
        self.popup: SnippetList | None = None
        self._shown = False
        #: the person has put the cursor somewhere since the text was last filled in for them (restored, run
        #: again): else a snippet goes at the end, not at the start where filling left the cursor
        self._placed = False
        edit.textChanged.connect(self._filled)
        edit.installEventFilter(self)
        edit.viewport().installEventFilter(self)

    def library(self) -> SnippetLibrary:
        from .snippets import data_dir_of, library_for
        return library_for(data_dir_of(self.edit))

    def insert(self, snippet: Snippet) -> None:
        if not self._placed:
            self.edit.moveCursor(QTextCursor.MoveOperation.End)
        from .snippets import insert_snippet
        insert_snippet(self.edit, snippet.text_in(i18n.language()))
        self._placed = True

    def _filled(self) -> None:
        if not self.edit.hasFocus():
            self._placed = False

    # -- the right-click menu --------------------------------------------------------------
    def context_menu(self, pos: QPoint) -> QMenu:
        """Qt's menu for the field at ``pos`` (in the viewport), then "Insert snippet" ▸ by category."""
        menu = self.edit.createStandardContextMenu(pos)
        menu.addSeparator()
        self.add_submenu(menu)
        return menu

    def add_submenu(self, menu: QMenu) -> QMenu:
        lang = i18n.language()
        sub = menu.addMenu(self.tr("Insert snippet"))
        sub.setObjectName("snippetMenu")
        sub.setEnabled(not self.edit.isReadOnly())
        for cat, items in self.library().groups(lang):
            group = sub.addMenu(_menu_text(cat.name_in(lang)))
            group.setToolTipsVisible(True)
            for s in items:
                a = group.addAction(_menu_text(s.title_in(lang)))
                a.setToolTip(s.text_in(lang))
                a.setData(s.id)
                a.triggered.connect(lambda _c=False, s=s: self.insert(s))
        sub.addSeparator()
        manage = sub.addAction(self.tr("Manage snippets…"))
        manage.setObjectName("manageSnippets")
        manage.triggered.connect(lambda _c=False: self.manage())
        return sub

    # -- the side list ---------------------------------------------------------------------
    def toggle_list(self) -> None:
        if self.popup is not None and self.popup.isVisible():
            self.popup.close()
            return
        if self.popup is None:
            from .snippets import SnippetList
            self.popup = SnippetList(self.library(), self.button)
            self.popup.chosen.connect(self.insert)
            self.popup.manage.connect(self.manage)
        self.popup.library = self.library()
        self.popup.open_at(self.button)

    def manage(self) -> SnippetsDialog:
        from .snippets import data_dir_of, open_manager
        return open_manager(self.edit, data_dir_of(self.edit))

    # -- events ----------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind == QEvent.Type.ContextMenu:
            where = event.globalPos()       # type: ignore[attr-defined]
            menu = self.context_menu(self.edit.viewport().mapFromGlobal(where))
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            menu.popup(where)
            return True
        if kind == QEvent.Type.FocusIn and obj is self.edit:
            self._placed = True
        elif kind == QEvent.Type.Show and obj is self.edit and not self._shown:
            self._shown = True
            win = self.edit.window()
            if getattr(win, "painted", True):
                QTimer.singleShot(0, self, self._tell_damaged)
            else:       # the main window's first paint comes first (reading the snippets file can wait)
                win.first_painted.connect(self._after_first_paint)
        return False

    def _after_first_paint(self, _t: float) -> None:
        self.edit.window().first_painted.disconnect(self._after_first_paint)
        QTimer.singleShot(0, self, self._tell_damaged)

    def _tell_damaged(self) -> None:
        lib = self.library()
        if lib.kept is None or lib.told:
            return
        lib.told = True
        from .snippets import damaged_message
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Prompt snippets"), damaged_message(lib),
                          QMessageBox.StandardButton.Ok, self.edit.window())
        box.setObjectName("snippetsDamaged")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
