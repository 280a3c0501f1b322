"""The prompt library: reusable bits of prompt (camera moves, light, styles, mood) for every prompt field.

A right-click in a prompt adds an "Insert snippet" submenu to Qt's own menu; the "Snippets" button under the
field opens a searchable list; "Manage snippets…" edits them. The person's snippets live in
``<data dir>/snippets.json`` (written whole, atomically, at every change); without that file the bilingual
starter set in ``resources/snippets.json`` is used. Each snippet has a title and a text in Chinese and English;
the app's language picks which is shown and inserted (the other one where it is empty).
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import i18n
from .config import UiConfig

log = logging.getLogger("bailian_video.ui")

FILE_NAME = "snippets.json"
STARTER = Path(__file__).resolve().parent.parent / "resources" / FILE_NAME
VERSION = 1
LANGS = ("zh", "en")
#: the person's own snippets and categories get ids with these prefixes (the starter set's are plain words)
OWN_SNIPPET, OWN_CATEGORY = "u-", "c-"


# -- the snippets ------------------------------------------------------------------------------
def pick(texts: dict[str, str], lang: str) -> str:
    """The text in ``lang`` ('zh' or 'en'), else in the other language."""
    first = "zh" if lang.startswith("zh") else "en"
    return texts.get(first) or texts.get("en" if first == "zh" else "zh") or ""


@dataclass
class Category:
    id: str
    name: dict[str, str]

    def name_in(self, lang: str) -> str:
        return pick(self.name, lang) or self.id


@dataclass
class Snippet:
    id: str
    category: str
    title: dict[str, str] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)

    def text_in(self, lang: str) -> str:
        return pick(self.text, lang).strip()

    def title_in(self, lang: str) -> str:
        """Its title, else the start of its text."""
        t = pick(self.title, lang).strip()
        if t:
            return t
        text = self.text_in(lang)
        return text if len(text) <= 24 else text[:23] + "…"

    def matches(self, words: list[str], category: Category | None) -> bool:
        """Every word is in its title or text (either language) or its category's name."""
        names = category.name.values() if category else ()
        hay = " ".join([*self.title.values(), *self.text.values(), *names]).casefold()
        return all(w in hay for w in words)


def _texts(value: Any, what: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(value.get(k, ""), str) for k in LANGS):
        raise ValueError(f"{what}: expected {{'zh': text, 'en': text}}")
    return {k: value.get(k, "") for k in LANGS}


def parse(data: Any) -> tuple[list[Category], list[Snippet]]:
    """The categories and snippets of a snippets file's JSON; ValueError when it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("snippets"), list) \
            or not isinstance(data.get("categories", []), list):
        raise ValueError("not a snippets file")
    cats: list[Category] = []
    for c in data.get("categories", []):
        if not isinstance(c, dict) or not isinstance(c.get("id"), str) or not c["id"]:
            raise ValueError("a category without an id")
        cats.append(Category(c["id"], _texts(c.get("name", {}), f"category {c['id']}")))
    known = {c.id for c in cats}
    snippets: list[Snippet] = []
    for s in data["snippets"]:
        if not isinstance(s, dict) or not isinstance(s.get("id"), str) or not isinstance(s.get("category"), str):
            raise ValueError("a snippet without an id or a category")
        snippets.append(Snippet(s["id"], s["category"], _texts(s.get("title", {}), s["id"]),
                                _texts(s.get("text", {}), s["id"])))
        if s["category"] not in known:          # a category named only by its snippets
            known.add(s["category"])
            cats.append(Category(s["category"], {"zh": s["category"], "en": s["category"]}))
    return cats, snippets


def dump(categories: list[Category], snippets: list[Snippet]) -> dict[str, Any]:
    return {"version": VERSION,
            "categories": [{"id": c.id, "name": dict(c.name)} for c in categories],
            "snippets": [{"id": s.id, "category": s.category, "title": dict(s.title), "text": dict(s.text)}
                         for s in snippets]}


def read(path: Path) -> tuple[list[Category], list[Snippet]]:
    """OSError when it cannot be read, ValueError when it is not a snippets file."""
    with open(path, encoding="utf-8") as f:
        try:
            data = json.load(f)
        except json.JSONDecodeError as e:       # a ValueError already; said in words
            raise ValueError(f"not JSON: {e}") from e
    return parse(data)


def write_atomically(path: Path, data: dict[str, Any]) -> None:
    """A temporary file beside ``path``, then a rename: a crash leaves the old file or the new one, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


class SnippetLibrary:
    """The snippets of one data folder: the person's file, else the starter set. ``kept`` is where a damaged
    file was put aside (``snippets.json.bad-<date>``) when it was read; the starter set is used then."""

    def __init__(self, path: Path, starter: Path = STARTER):
        self.path = Path(path)
        self.starter = starter
        self.categories: list[Category] = []
        self.snippets: list[Snippet] = []
        self.kept: Path | None = None
        self.told = False           # the person was told about ``kept``
        self._seen: tuple[int, int] | None = None
        self.load()

    def _signature(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    def load(self) -> None:
        if self.path.exists():
            try:
                self.categories, self.snippets = read(self.path)
                self._seen = self._signature()
                return
            except (OSError, ValueError, UnicodeDecodeError) as e:
                self.kept = self._keep_damaged()
                log.warning("snippets file %s could not be read (%s); kept as %s, using the starter set",
                            self.path, e, self.kept)
        self.categories, self.snippets = self.starter_set()
        self._seen = self._signature()

    def _keep_damaged(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        kept = self.path.with_name(f"{self.path.name}.bad-{stamp}")
        n = 2
        while kept.exists():
            kept = self.path.with_name(f"{self.path.name}.bad-{stamp}-{n}")
            n += 1
        try:
            os.replace(self.path, kept)
        except OSError:
            return self.path            # it could not even be moved: it stays where it is
        return kept

    def starter_set(self) -> tuple[list[Category], list[Snippet]]:
        try:
            return read(self.starter)
        except (OSError, ValueError) as e:
            log.error("the starter snippets %s could not be read: %s", self.starter, e)
            return [], []

    def refresh(self) -> None:
        """Read the file again if another window or process changed it."""
        if self._signature() != self._seen:
            self.load()

    def save(self) -> None:
        """Write every snippet to the person's file now (OSError when that fails)."""
        write_atomically(self.path, dump(self.categories, self.snippets))
        self._seen = self._signature()

    # -- reading ---------------------------------------------------------------------------
    def find(self, snippet_id: str) -> Snippet | None:
        return next((s for s in self.snippets if s.id == snippet_id), None)

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def category_named(self, name: str) -> Category | None:
        key = name.strip().casefold()
        return next((c for c in self.categories if key in {n.strip().casefold() for n in c.name.values() if n}),
                    None)

    def groups(self, lang: str, query: str = "", empty: bool = False) -> list[tuple[Category, list[Snippet]]]:
        """The snippets by category, in the file's order; with ``query`` only those matching all its words.
        Snippets without any text are left out (they cannot be inserted) unless ``empty``, as are categories
        without snippets."""
        words = query.casefold().split()
        out = []
        for c in self.categories:
            items = [s for s in self.snippets if s.category == c.id and (empty or s.text_in(lang))
                     and s.matches(words, c)]
            if items or (empty and not words):
                out.append((c, items))
        return out

    # -- changing (the caller saves) -------------------------------------------------------
    def add_category(self, name: str) -> Category:
        c = Category(OWN_CATEGORY + uuid.uuid4().hex[:10], {"zh": name.strip(), "en": name.strip()})
        self.categories.append(c)
        return c

    def add(self, category: str, title: dict[str, str] | None = None,
            text: dict[str, str] | None = None) -> Snippet:
        title, text = title or {}, text or {}
        s = Snippet(OWN_SNIPPET + uuid.uuid4().hex[:10], category,
                    {k: title.get(k, "") for k in LANGS}, {k: text.get(k, "") for k in LANGS})
        self.snippets.append(s)
        return s

    def remove(self, snippet_id: str) -> None:
        self.snippets = [s for s in self.snippets if s.id != snippet_id]

    def restore_starter(self) -> None:
        """The starter snippets come back as shipped (deleted ones re-added, changed ones reset); the person's
        own snippets and categories stay."""
        cats, starter = self.starter_set()
        for c in cats:
            mine = self.category(c.id)
            if mine is None:
                self.categories.append(c)
            else:
                mine.name = dict(c.name)
        for s in starter:
            i = next((i for i, m in enumerate(self.snippets) if m.id == s.id), None)
            if i is None:
                self.snippets.append(s)
            else:
                self.snippets[i] = s
        order = {c.id: n for n, c in enumerate(self.categories)}     # keep each category's snippets together
        self.snippets.sort(key=lambda s: order.get(s.category, len(order)))


_libraries: dict[Path, SnippetLibrary] = {}


def library_for(data_dir: Path) -> SnippetLibrary:
    """The snippets of a data folder (one object per folder, read again when the file changes on disk)."""
    key = Path(data_dir).absolute()
    lib = _libraries.get(key)
    if lib is None:
        lib = _libraries[key] = SnippetLibrary(key / FILE_NAME)
    else:
        lib.refresh()
    return lib


def data_dir_of(widget: QWidget) -> Path:
    """The data folder of the window ``widget`` is in (the UiConfig of its form, dialog or window, directly or
    through their session), else the default one."""
    w: QWidget | None = widget
    while w is not None:
        for config in (getattr(w, "config", None), getattr(getattr(w, "session", None), "config", None)):
            if isinstance(config, UiConfig):
                return config.data_dir
        w = w.parentWidget()
    from ..engine.paths import data_dir
    return data_dir()


# -- inserting ---------------------------------------------------------------------------------
#: after these the text is already separated (closing ones get a space in English)
ZH_PUNCT = "，、。；：！？…（【《“‘「『—"
OPENING = "([{\"'"


def is_cjk(ch: str) -> bool:
    return bool(ch) and ("\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef")


def joined(before: str, text: str, after: str = "") -> str:
    """``text`` as it goes between ``before`` and ``after`` (the prompt on each side of the cursor).

    After a word, a separator first: "，" in Chinese text, ", " in English (the language of the last letter
    before it, else of ``text``); nothing at the start, after a space or after punctuation (a space after an
    English comma); the same separator after it when a word follows."""
    text = text.strip()
    if not text:
        return ""
    letter = next((c for c in reversed(before[-200:]) if c.isalpha()), "")
    sep = "，" if is_cjk(letter or text[0]) else ", "
    prev = before[-1:]
    if not prev or prev.isspace() or prev in ZH_PUNCT or prev in OPENING:
        lead = ""
    elif not prev.isalnum():
        lead = " "
    else:
        lead = sep
    trail = sep if after[:1].isalnum() else ""
    return lead + text + trail


def insert_snippet(edit: QPlainTextEdit, text: str) -> None:
    """Put ``text`` at the cursor of ``edit`` (in place of a selection) with the separators of :func:`joined`,
    as one undo step; the focus goes back to the field."""
    doc = edit.document()
    cur = edit.textCursor()
    start, end = cur.selectionStart(), cur.selectionEnd()

    def span(a: int, b: int) -> str:
        c = QTextCursor(doc)
        c.setPosition(a)
        c.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        return c.selectedText()

    before = span(max(0, start - 200), start)
    after = span(end, min(end + 1, doc.characterCount() - 1))
    cur.insertText(joined(before, text, after))
    edit.setTextCursor(cur)
    edit.setFocus(Qt.FocusReason.OtherFocusReason)


def _menu_text(text: str) -> str:
    return text.replace("&", "&&")


# -- the side list -----------------------------------------------------------------------------
class SnippetList(QFrame):
    """A popup under a prompt: a search box over the snippets by category (titles and texts, Chinese or English);
    Enter or a double-click inserts the selected one, its text shown below the list."""

    chosen = Signal(object)         # Snippet
    manage = Signal()

    def __init__(self, library: SnippetLibrary, anchor: QWidget):
        super().__init__(anchor, Qt.WindowType.Popup)
        self.setObjectName("snippetList")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.library = library
        self.anchor = anchor
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)
        self.search = QLineEdit(self)
        self.search.setObjectName("snippetSearch")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setObjectName("snippetItems")
        self.list.setUniformItemSizes(True)
        self.preview = QLabel(self)
        self.preview.setObjectName("helpText")
        self.preview.setWordWrap(True)
        self.preview.setMinimumHeight(self.preview.fontMetrics().lineSpacing() * 2)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.manage_button = QToolButton(self)
        self.manage_button.setAutoRaise(True)
        self.manage_button.clicked.connect(self._manage)
        lay.addWidget(self.search)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.preview)
        lay.addWidget(self.manage_button, 0, Qt.AlignmentFlag.AlignRight)
        self.search.textChanged.connect(lambda _t: self.fill())
        self.search.installEventFilter(self)
        self.list.installEventFilter(self)
        self.list.itemDoubleClicked.connect(lambda _i: self.choose())
        self.list.currentItemChanged.connect(lambda _a, _b: self._show_text())
        self.resize(320, 340)

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Search snippets"))
        self.search.setAccessibleName(self.tr("Search snippets"))
        self.list.setAccessibleName(self.tr("Prompt snippets"))
        self.manage_button.setText(self.tr("Manage snippets…"))

    def open_at(self, anchor: QWidget) -> None:
        """Show under ``anchor`` (above it where the screen has no room), the search empty and focused."""
        self.retranslate()
        self.library.refresh()
        self.search.clear()
        self.fill()
        screen = anchor.screen().availableGeometry()
        below = anchor.mapToGlobal(QPoint(0, anchor.height() + 2))
        x = max(screen.left(), min(below.x(), screen.right() - self.width()))
        y = below.y()
        if y + self.height() > screen.bottom():
            y = max(screen.top(), anchor.mapToGlobal(QPoint(0, 0)).y() - self.height() - 2)
        self.move(x, y)
        self.show()
        self.search.setFocus(Qt.FocusReason.PopupFocusReason)

    def fill(self) -> None:
        lang = i18n.language()
        self.list.clear()
        bold = QFont(self.list.font())
        bold.setBold(True)
        for cat, items in self.library.groups(lang, self.search.text()):
            head = QListWidgetItem(cat.name_in(lang), self.list)
            head.setFlags(Qt.ItemFlag.NoItemFlags)
            head.setFont(bold)
            for s in items:
                it = QListWidgetItem("   " + s.title_in(lang), self.list)
                it.setData(Qt.ItemDataRole.UserRole, s.id)
                it.setData(Qt.ItemDataRole.AccessibleTextRole, f"{s.title_in(lang)}, {cat.name_in(lang)}")
                it.setToolTip(s.text_in(lang))
        first = next((i for i in range(self.list.count()) if self.list.item(i).data(Qt.ItemDataRole.UserRole)),
                     None)
        if first is None:
            none = QListWidgetItem(self.tr("No snippet matches."), self.list)
            none.setFlags(Qt.ItemFlag.NoItemFlags)
        else:
            self.list.setCurrentRow(first)
        self._show_text()

    def current(self) -> Snippet | None:
        it = self.list.currentItem()
        sid = it.data(Qt.ItemDataRole.UserRole) if it is not None else None
        return self.library.find(sid) if sid else None

    def titles(self) -> list[str]:
        """The snippets listed (for tests and screen readers), without the category headings."""
        return [self.list.item(i).text().strip() for i in range(self.list.count())
                if self.list.item(i).data(Qt.ItemDataRole.UserRole)]

    def choose(self) -> None:
        s = self.current()
        if s is not None:
            self.close()
            self.chosen.emit(s)

    def _show_text(self) -> None:
        s = self.current()
        self.preview.setText(s.text_in(i18n.language()) if s is not None else "")

    def _manage(self) -> None:
        self.close()
        self.manage.emit()

    def _step(self, delta: int) -> None:
        rows = [i for i in range(self.list.count()) if self.list.item(i).data(Qt.ItemDataRole.UserRole)]
        if not rows:
            return
        at = self.list.currentRow()
        later = [r for r in rows if (r > at if delta > 0 else r < at)]
        self.list.setCurrentRow((later[0] if delta > 0 else later[-1]) if later else at)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()           # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.choose()
                return True
            if obj is self.search and key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self._step(1 if key == Qt.Key.Key_Down else -1)
                return True
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: Any) -> None:  # noqa: N802
        # a click on the button that opened it closes it (and does not open it again at once)
        at = self.anchor.mapFromGlobal(event.globalPosition().toPoint())
        self.setAttribute(Qt.WidgetAttribute.WA_NoMouseReplay, self.anchor.rect().contains(at))
        super().mousePressEvent(event)


# -- the prompt field's tools ------------------------------------------------------------------
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
        return library_for(data_dir_of(self.edit))

    def insert(self, snippet: Snippet) -> None:
        if not self._placed:
            self.edit.moveCursor(QTextCursor.MoveOperation.End)
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
            self.popup = SnippetList(self.library(), self.button)
            self.popup.chosen.connect(self.insert)
            self.popup.manage.connect(self.manage)
        self.popup.library = self.library()
        self.popup.open_at(self.button)

    def manage(self) -> SnippetsDialog:
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
            QTimer.singleShot(0, self, self._tell_damaged)
        return False

    def _tell_damaged(self) -> None:
        lib = self.library()
        if lib.kept is None or lib.told:
            return
        lib.told = True
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Prompt snippets"), damaged_message(lib),
                          QMessageBox.StandardButton.Ok, self.edit.window())
        box.setObjectName("snippetsDamaged")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


def damaged_message(lib: SnippetLibrary) -> str:
    """What happened to a snippets file that could not be read ('' when nothing did)."""
    if lib.kept is None:
        return ""
    if lib.kept == lib.path:
        return QCoreApplication.translate(
            "Snippets", "Your snippets file %1 could not be read, so the starter set is shown.").replace(
            "%1", str(lib.path))
    return QCoreApplication.translate(
        "Snippets", "Your snippets file could not be read, so the starter set is in use. The damaged file was "
        "kept as %1 in %2.").replace("%1", lib.kept.name).replace("%2", str(lib.kept.parent))


def open_manager(anchor: QWidget, data_dir: Path | None = None) -> SnippetsDialog:
    """The "Manage snippets" window of ``anchor``'s window (brought forward if it is open)."""
    lib = library_for(data_dir if data_dir is not None else data_dir_of(anchor))
    win = anchor.window()
    for d in win.findChildren(SnippetsDialog):
        if d.isVisible() and d.library is lib:
            d.raise_()
            d.activateWindow()
            return d
    dlg = SnippetsDialog(lib, win)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.show()
    return dlg


# -- managing ----------------------------------------------------------------------------------
class SnippetsDialog(QDialog):
    """The snippets by category on the left, the selected one's category, titles and texts (Chinese and English)
    on the right; add, delete (asked first), restore the starter set. Every change is saved at once."""

    def __init__(self, library: SnippetLibrary, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("snippetsDialog")
        self.library = library
        self.current: Snippet | None = None
        self.confirm: QMessageBox | None = None        # the open "delete?" / "restore?" question
        self._loading = False
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("snippetTree")
        self.tree.setHeaderHidden(True)
        self.tree.currentItemChanged.connect(lambda _a, _b: self._selected())
        self.category = QComboBox(self)
        self.category.setObjectName("snippetCategory")
        self.category.setEditable(True)
        self.category.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.category.activated.connect(self._category_chosen)
        line = self.category.lineEdit()
        assert line is not None
        line.editingFinished.connect(self._category_typed)
        self.title_zh, self.title_en = QLineEdit(self), QLineEdit(self)
        self.text_zh, self.text_en = QPlainTextEdit(self), QPlainTextEdit(self)
        for lang, w in (("zh", self.title_zh), ("en", self.title_en)):
            w.setObjectName(f"snippetTitle_{lang}")
            w.textEdited.connect(lambda t, lang=lang: self._edit("title", lang, t))
        for lang, t in (("zh", self.text_zh), ("en", self.text_en)):
            t.setObjectName(f"snippetText_{lang}")
            t.setTabChangesFocus(True)
            t.setMaximumHeight(t.fontMetrics().lineSpacing() * 4 + 14)
            t.textChanged.connect(lambda lang=lang, t=t: self._edit("text", lang, t.toPlainText()))
        self.labels = [QLabel(self) for _ in range(5)]
        form = QFormLayout()
        for label, editor in zip(self.labels, self._fields()):
            label.setBuddy(editor)
            form.addRow(label, editor)
        fields = QVBoxLayout()
        fields.addLayout(form)
        fields.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.tree, 2)
        top.addLayout(fields, 3)
        self.add_button = QPushButton(self)
        self.delete_button = QPushButton(self)
        self.restore_button = QPushButton(self)
        self.add_button.clicked.connect(self.add)
        self.delete_button.clicked.connect(self.ask_delete)
        self.restore_button.clicked.connect(self.ask_restore)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.close)
        row = QHBoxLayout()
        for b in (self.add_button, self.delete_button, self.restore_button):
            b.setAutoDefault(False)         # Enter in a title field must not add or delete
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.buttons)
        self.note = QLabel(self)
        self.note.setObjectName("helpText")
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem = QLabel(self)
        self.problem.setObjectName("fieldError")
        self.problem.setWordWrap(True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay = QVBoxLayout(self)
        lay.addLayout(top, 1)
        lay.addWidget(self.problem)
        lay.addWidget(self.note)
        lay.addLayout(row)
        self.resize(760, 440)
        self.retranslate()
        self.fill()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Prompt snippets"))
        for label, text in zip(self.labels, (self.tr("Category:"), self.tr("Title (Chinese):"),
                                             self.tr("Title (English):"), self.tr("Text (Chinese):"),
                                             self.tr("Text (English):"))):
            label.setText(text)
        self.tree.setAccessibleName(self.tr("Prompt snippets"))
        self.add_button.setText(self.tr("Add"))
        self.delete_button.setText(self.tr("Delete…"))
        self.restore_button.setText(self.tr("Restore the starter set…"))
        self.note.setText(self.tr("Changes are saved at once. The snippet's text in the app's language is "
                                  "inserted (the other one where it is empty)."))
        self.problem.setText(damaged_message(self.library))
        self.problem.setVisible(bool(self.problem.text()))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.fill(self.current.id if self.current else None)
        super().changeEvent(event)

    # -- the list --------------------------------------------------------------------------
    def fill(self, select: str | None = None) -> None:
        lang = i18n.language()
        self._loading = True
        self.tree.clear()
        chosen: QTreeWidgetItem | None = None
        for cat, items in self.library.groups(lang, empty=True):
            top = QTreeWidgetItem(self.tree, [cat.name_in(lang)])
            top.setData(0, Qt.ItemDataRole.UserRole, ("category", cat.id))
            for s in items:
                it = QTreeWidgetItem(top, [s.title_in(lang) or self.tr("(untitled)")])
                it.setData(0, Qt.ItemDataRole.UserRole, ("snippet", s.id))
                it.setToolTip(0, s.text_in(lang))
                if s.id == select or (chosen is None and select is None):
                    chosen = it
        self.tree.expandAll()
        self._loading = False
        if chosen is not None:
            self.tree.setCurrentItem(chosen)
        self._selected()

    def _fields(self) -> list[QWidget]:
        return [self.category, self.title_zh, self.title_en, self.text_zh, self.text_en]

    def _groups(self) -> list[tuple[QTreeWidgetItem, list[QTreeWidgetItem]]]:
        """Each category's row with its snippets' rows, as listed."""
        tops = [t for i in range(self.tree.topLevelItemCount()) if (t := self.tree.topLevelItem(i)) is not None]
        return [(t, [c for j in range(t.childCount()) if (c := t.child(j)) is not None]) for t in tops]

    def titles(self) -> dict[str, list[str]]:
        """Category name → its snippets' titles, as listed."""
        return {top.text(0): [c.text(0) for c in children] for top, children in self._groups()}

    def select(self, snippet_id: str) -> None:
        self.fill(snippet_id)

    def _item_of(self, snippet_id: str) -> QTreeWidgetItem | None:
        return next((c for _top, children in self._groups() for c in children
                     if c.data(0, Qt.ItemDataRole.UserRole) == ("snippet", snippet_id)), None)

    def _selected(self) -> None:
        if self._loading:
            return
        it = self.tree.currentItem()
        kind, ident = it.data(0, Qt.ItemDataRole.UserRole) if it is not None else (None, None)
        self.current = self.library.find(ident) if kind == "snippet" and ident else None
        s = self.current
        self._loading = True
        lang = i18n.language()
        self.category.clear()
        for c in self.library.categories:
            self.category.addItem(c.name_in(lang), c.id)
        self.category.setCurrentIndex(self.category.findData(s.category if s else ident))
        self.title_zh.setText(s.title.get("zh", "") if s else "")
        self.title_en.setText(s.title.get("en", "") if s else "")
        self.text_zh.setPlainText(s.text.get("zh", "") if s else "")
        self.text_en.setPlainText(s.text.get("en", "") if s else "")
        for w in [*self._fields(), self.delete_button]:
            w.setEnabled(s is not None)
        self._loading = False

    # -- changes ---------------------------------------------------------------------------
    def commit(self) -> bool:
        try:
            self.library.save()
        except OSError as e:
            self.problem.setText(self.tr("The snippets could not be saved to %1: %2")
                                 .replace("%1", str(self.library.path)).replace("%2", e.strerror or str(e)))
            self.problem.show()
            return False
        self.problem.setText(damaged_message(self.library))
        self.problem.setVisible(bool(self.problem.text()))
        return True

    def _edit(self, what: str, lang: str, value: str) -> None:
        s = self.current
        if self._loading or s is None:
            return
        getattr(s, what)[lang] = value
        self.commit()
        it = self._item_of(s.id)
        if it is not None:
            shown = i18n.language()
            it.setText(0, s.title_in(shown) or self.tr("(untitled)"))
            it.setToolTip(0, s.text_in(shown))

    def _move_to(self, category_id: str) -> None:
        s = self.current
        if s is None or self._loading or s.category == category_id:
            return
        s.category = category_id
        # it goes last in its new category (the file keeps each category's snippets together)
        self.library.snippets.remove(s)
        self.library.snippets.append(s)
        self.commit()
        self.fill(s.id)

    def _category_chosen(self, index: int) -> None:
        cid = self.category.itemData(index)
        if cid:
            self._move_to(cid)

    def _category_typed(self) -> None:
        name = self.category.currentText().strip()
        if self._loading or self.current is None or not name:
            return
        cat = self.library.category_named(name)
        if cat is None:
            cat = self.library.add_category(name)
        self._move_to(cat.id)

    def add(self) -> Snippet:
        """A new snippet in the selected one's category (or the selected category), its title ready to type."""
        it = self.tree.currentItem()
        kind, ident = it.data(0, Qt.ItemDataRole.UserRole) if it is not None else (None, None)
        cid = self.current.category if self.current else ident if kind == "category" else None
        if cid is None:
            cid = self.library.categories[0].id if self.library.categories else self.library.add_category(
                self.tr("My snippets")).id
        s = self.library.add(cid)
        self.commit()
        self.fill(s.id)
        title = self.title_zh if i18n.language() == "zh" else self.title_en
        title.setFocus(Qt.FocusReason.OtherFocusReason)
        return s

    def _ask(self, text: str, yes: str, then: Any) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Question, self.windowTitle(), text, QMessageBox.StandardButton.Cancel,
                          self)
        ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(_r: int) -> None:
            self.confirm = None
            if box.clickedButton() is ok:
                then()
        box.finished.connect(done)
        self.confirm = box
        box.open()
        return box

    def ask_delete(self) -> None:
        s = self.current
        if s is None:
            return
        lang = i18n.language()

        def delete() -> None:
            siblings = [m for m in self.library.snippets if m.category == s.category]
            i = siblings.index(s) if s in siblings else -1
            self.library.remove(s.id)
            self.commit()
            rest = [m for m in siblings if m is not s]
            self.fill(rest[min(i, len(rest) - 1)].id if rest else "")
        self._ask(self.tr("Delete the snippet “%1”?").replace("%1", s.title_in(lang) or self.tr("(untitled)")),
                  self.tr("Delete"), delete)

    def ask_restore(self) -> None:
        def restore() -> None:
            self.library.restore_starter()
            self.commit()
            self.fill(self.current.id if self.current else None)
        self._ask(self.tr("Bring back the starter snippets as they came with the app? Starter snippets you "
                          "changed or deleted return as they were; the snippets you added stay."),
                  self.tr("Restore"), restore)
