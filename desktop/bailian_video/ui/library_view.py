"""The library page: every result as a grid of large tiles, a filter bar, and what can be done with them.

One ``QListView`` in icon mode with a painting delegate: no widget and no media player per tile, so it
stays smooth with 10,000 results. Tiles grow with the window (as many 300-pixel columns as fit, then
stretched to fill the width). Moving the mouse across a video's picture shows the frame of its
filmstrip under the pointer; the star on a picture toggles the favourite mark.
"""
from __future__ import annotations

import asyncio
import os
import time
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QFile,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionFocusRect,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .. import catalog
from ..engine import State
from ..engine.film import FILM
from . import desktop
from .continue_dialog import can_continue
from .library_model import (
    ROLE_PROBLEM,
    ROLE_STRIP,
    ROLE_THUMB,
    LibraryFilter,
    LibraryModel,
    film_word,
    group_of,
    is_film,
)
from .pixcache import PixmapLRU
from .queue_view import FlowLayout
from .session import Session
from .style import ACCENT, ERROR_TEXT, WARNING_TEXT
from .thumbs import MISSING, STRIP_FRAMES
from .translations import current_language
from .util import Debouncer, ask, spawn, tx

MIN_TILE = 300      # a tile is at least this wide; the columns then share the width
SELECTED_ALPHA = 70  # a selected tile: the highlight colour at this alpha
FRAMED = 96         # posters kept ready to paint: scaled, on their dark box, corners rounded
#: painted tiles kept (bytes): a few screens of them, so scrolling back, hovering and a task's change repaint
#: by copying one pixmap instead of drawing the picture, badges and two elided lines again (~0.4 ms a tile)
TILE_BYTES = 48 << 20
#: while the grid scrolls (and for SCROLL_SETTLE s after), one paint draws new tiles for at most this long; the
#: rest show their empty picture box and are drawn in the paints that follow at once, so fast scrolling never
#: holds the window for a whole screen of new tiles (~20 of them, 10–30 ms)
PAINT_BUDGET = 0.006
SCROLL_SETTLE = 0.3
MARGIN = 8          # around the picture inside a tile
STAR = 30           # the star's circle


def tile_size(width: int, line_height: int) -> QSize:
    """One tile for a viewport ``width`` wide: as many columns as fit, a 16:9 picture, two lines of text."""
    columns = max(1, width // MIN_TILE)
    w = max(MIN_TILE // 2, width // columns)
    picture = round((w - 2 * MARGIN) * 9 / 16)
    return QSize(w, MARGIN + picture + 6 + 2 * line_height + 4 + MARGIN)


def picture_rect(tile: QRect) -> QRect:
    w = tile.width() - 2 * MARGIN
    return QRect(tile.left() + MARGIN, tile.top() + MARGIN, w, round(w * 9 / 16))


def star_rect(tile: QRect) -> QRect:
    pic = picture_rect(tile)
    return QRect(pic.right() - STAR - 6 + 1, pic.top() + 6, STAR, STAR)


def fitted(size: QSize, box: QRect) -> QRect:
    """``size`` scaled to fit ``box``, centred."""
    if size.isEmpty():
        return QRect(box)
    scale = min(box.width() / size.width(), box.height() / size.height())
    w, h = round(size.width() * scale), round(size.height() * scale)
    return QRect(box.left() + (box.width() - w) // 2, box.top() + (box.height() - h) // 2, w, h)


def over(base: QColor, top: QColor) -> QColor:
    """``top`` (with its alpha) painted over the opaque ``base``."""
    a = top.alphaF()
    return QColor.fromRgbF(top.redF() * a + base.redF() * (1 - a), top.greenF() * a + base.greenF() * (1 - a),
                           top.blueF() * a + base.blueF() * (1 - a))


def playable(rec: Any) -> bool:
    return bool(rec is not None and rec.state == State.DONE and rec.output_path)


class TileDelegate(QStyledItemDelegate):
    """Paints a tile: picture (or the filmstrip frame under the mouse), badges, star, two lines of text."""

    def __init__(self, grid: LibraryGrid):
        super().__init__(grid)
        self.grid = grid
        self._framed: PixmapLRU[tuple[int, ...]] = PixmapLRU(items=FRAMED)
        self._tiles: PixmapLRU[tuple[Any, ...]] = PixmapLRU(max_bytes=TILE_BYTES)
        self._frame_end: float | None = None     # when this paint's time for new tiles is up (None: no limit)
        self.deferred = 0                         # tiles left for the next paint by the current one
        self._new = 0                             # new tiles drawn by the current paint

    def begin_frame(self, budget: float | None) -> None:
        self._frame_end = time.perf_counter() + budget if budget is not None else None
        self.deferred = 0
        self._new = 0

    def framed(self, poster: QPixmap, size: QSize, background: QColor, under: QColor) -> QPixmap:
        """The picture box of a tile as one opaque pixmap: ``poster`` fitted on ``background``, its corners
        rounded onto ``under`` (the tile's colour there). Made once per poster, size and colours: painting
        it is a plain copy, where scaling the poster into a rounded clip costs ~0.3 ms a tile at every
        paint (every scroll step, every change of its task)."""
        key = (poster.cacheKey(), size.width(), size.height(), background.rgba(), under.rgba())
        out = self._framed.get(key)
        if out is not None:
            return out
        dpr = self.grid.devicePixelRatioF()
        out = QPixmap(round(size.width() * dpr), round(size.height() * dpr))
        out.setDevicePixelRatio(dpr)
        out.fill(under)
        box = QRect(QPoint(0, 0), size)
        p = QPainter(out)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        clip = QPainterPath()
        clip.addRoundedRect(QRectF(box), 6, 6)
        p.setClipPath(clip)
        p.fillRect(box, background)
        p.drawPixmap(fitted(poster.size(), box), poster)
        p.end()
        self._framed.put(key, out)
        return out

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return self.grid.gridSize()

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        """A tile from the cache of painted tiles when nothing it shows has changed (a copy of one pixmap),
        else painted into the cache first. A tile being scrubbed is painted directly: its frame follows
        the mouse."""
        proxy = index.model()
        if isinstance(proxy, LibraryFilter):
            facts = proxy.src.tile(proxy.mapToSource(index).row())
        else:
            facts = proxy.tile(index.row()) if isinstance(proxy, LibraryModel) else None
        if facts is None:
            return
        rec, poster, problem, title, meta = facts
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hovered = self.grid.hover.isValid() and self.grid.hover.row() == index.row()
        if self.grid.scrub_at(index) is not None:
            self._paint_tile(p, option, index, rec, selected, hovered, title, meta, None)
            return
        look = poster.cacheKey() if poster is not None and not poster.isNull() else problem
        pal: QPalette = option.palette
        size = option.rect.size()
        dpr = self.grid.devicePixelRatioF()
        font = p.font()
        key = (rec.id, rec.state, rec.favourite, rec.archived, look, title, meta, selected, hovered,
               bool(state & QStyle.StateFlag.State_HasFocus), size.width(), size.height(), pal.cacheKey(),
               font.key(), dpr, current_language())
        tile = self._tiles.get(key)
        if tile is not None:
            pass
        elif self._frame_end is not None and self._new and time.perf_counter() > self._frame_end:
            p.save()                                   # its picture box until the next paint draws it
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(pal.color(QPalette.ColorRole.Dark))
            p.drawRoundedRect(QRectF(picture_rect(option.rect)), 6, 6)
            p.restore()
            self.deferred += 1
            return
        else:
            self._new += 1                  # (every paint draws at least one new tile)
            tile = QPixmap(round(size.width() * dpr), round(size.height() * dpr))
            tile.setDevicePixelRatio(dpr)
            tile.fill(pal.color(QPalette.ColorRole.Base))       # the grid's background
            at_origin = QStyleOptionViewItem(option)
            at_origin.rect = QRect(QPoint(0, 0), size)
            painter = QPainter(tile)
            painter.setFont(font)
            self._paint_tile(painter, at_origin, index, rec, selected, hovered, title, meta, poster)
            painter.end()
            self._tiles.put(key, tile)
        p.drawPixmap(option.rect.topLeft(), tile)

    def _paint_tile(self, p: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex,
                    rec: Any, selected: bool, hovered: bool, title: str, meta: str,
                    poster: QPixmap | None) -> None:
        """``poster``: the tile's picture (None while scrubbing: ``_picture`` draws the filmstrip frame)."""
        pal: QPalette = option.palette
        state = option.state
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        tile = QRectF(option.rect.adjusted(3, 3, -3, -3))
        under = pal.color(QPalette.ColorRole.Base)           # the tile's colour around its picture
        if selected:
            hl = QColor(pal.color(QPalette.ColorRole.Highlight))
            fill = QColor(hl)
            fill.setAlpha(SELECTED_ALPHA)
            p.setPen(hl)
            p.setBrush(fill)
            p.drawRoundedRect(tile, 8, 8)
            under = over(under, fill)
        elif hovered:
            under = pal.color(QPalette.ColorRole.AlternateBase)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(under)
            p.drawRoundedRect(tile, 8, 8)

        pic = picture_rect(option.rect)
        if poster is not None and not poster.isNull():       # the usual tile: one ready picture
            p.drawPixmap(pic.topLeft(), self.framed(poster, pic.size(), pal.color(QPalette.ColorRole.Dark), under))
        else:
            clip = QPainterPath()
            clip.addRoundedRect(QRectF(pic), 6, 6)
            p.save()
            p.setClipPath(clip)
            p.fillRect(pic, pal.color(QPalette.ColorRole.Dark))
            self._picture(p, pic, index, rec, pal)
            p.restore()
        self._badges(p, pic, rec)
        if rec.favourite or hovered or selected:
            self._star(p, star_rect(option.rect), rec.favourite)

        fm = option.fontMetrics
        line = fm.height()
        text_rect = QRect(pic.left(), pic.bottom() + 7, pic.width(), line)
        # At a baseline point, not in a rectangle: the line is already elided to fit, and a rectangle makes Qt
        # lay the text out again (a new tile's two lines were most of its cost)
        x, y = text_rect.left(), text_rect.top() + fm.ascent()
        p.setPen(pal.color(QPalette.ColorRole.Text))
        p.drawText(QPoint(x, y), fm.elidedText(title, Qt.TextElideMode.ElideRight, pic.width()))
        p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
        p.drawText(QPoint(x, y + line + 2), fm.elidedText(meta, Qt.TextElideMode.ElideRight, pic.width()))
        if state & QStyle.StateFlag.State_HasFocus:
            focus = QStyleOptionFocusRect()
            focus.rect = option.rect.adjusted(2, 2, -2, -2)
            focus.palette = pal
            focus.state = QStyle.StateFlag.State_KeyboardFocusChange
            self.grid.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, focus, p, self.grid)
        p.restore()

    def _picture(self, p: QPainter, pic: QRect, index: QModelIndex | QPersistentModelIndex, rec: Any,
                 pal: QPalette) -> None:
        frac = self.grid.scrub_at(index)
        strip = index.data(ROLE_STRIP) if frac is not None else None      # asked for the hovered tile only
        if frac is not None and isinstance(strip, QPixmap) and not strip.isNull():
            cell = strip.width() // STRIP_FRAMES
            frame = min(STRIP_FRAMES - 1, int(frac * STRIP_FRAMES))
            source = QRect(frame * cell, 0, cell, strip.height())
            p.drawPixmap(fitted(source.size(), pic), strip, source)
            self.grid.frames_shown[rec.id] = frame
            return
        poster = index.data(ROLE_THUMB)
        if isinstance(poster, QPixmap) and not poster.isNull():
            p.drawPixmap(fitted(poster.size(), pic), poster)
            return
        problem = index.data(ROLE_PROBLEM)
        if problem == MISSING:
            text = self.tr("The file was moved or deleted")
        elif problem:
            text = self.tr("No picture can be read from this file")
        else:
            text = "…" if rec.state == State.DONE else tx(rec.state.label)
        p.setPen(pal.color(QPalette.ColorRole.BrightText))
        p.drawText(pic.adjusted(12, 12, -12, -12), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)

    def _pill(self, p: QPainter, x: int, y: int, text: str, bg: QColor) -> None:
        """A label on the picture: white on a dark or coloured pill, whatever the theme (the picture is
        its background)."""
        font = QFont(p.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        font.setBold(True)
        p.save()
        p.setFont(font)
        fm = p.fontMetrics()
        w, h = fm.horizontalAdvance(text) + 12, fm.height() + 4
        r = QRectF(x, y, w, h)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(bg)
        p.drawRoundedRect(r, h / 2, h / 2)
        p.setPen(QColor(255, 255, 255))
        p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
        p.restore()

    def _badges(self, p: QPainter, pic: QRect, rec: Any) -> None:
        if rec.state != State.DONE:
            problem = group_of(rec) == "problems"
            bg = QColor(0, 0, 0, 170)
            if problem:
                bg = QColor(WARNING_TEXT if rec.state == State.UNCERTAIN else ERROR_TEXT)
            self._pill(p, pic.left() + 6, pic.top() + 6, tx(rec.state.label), bg)
        if rec.archived:
            self._pill(p, pic.left() + 6, pic.bottom() - 26, self.tr("Archived"), QColor(0, 0, 0, 170))

    def _star(self, p: QPainter, r: QRect, on: bool) -> None:
        p.save()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 130))
        p.drawEllipse(r)
        font = QFont(p.font())
        font.setPixelSize(round(r.height() * 0.7))
        p.setFont(font)
        p.setPen(QColor(ACCENT) if on else QColor(255, 255, 255))
        p.drawText(r, Qt.AlignmentFlag.AlignCenter, "★" if on else "☆")
        p.restore()


class LibraryGrid(QListView):
    """The tiles. Knows where the mouse is over a picture (for the filmstrip) and catches star clicks."""

    star_clicked = Signal(QModelIndex)
    play_requested = Signal(QModelIndex)
    delete_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("libraryGrid")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setUniformItemSizes(True)
        self.setSpacing(0)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionRectVisible(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        self.setDragEnabled(False)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.hover = QPersistentModelIndex()
        self.hover_frac: float | None = None
        self.frames_shown: dict[int, int] = {}       # task id → filmstrip frame last painted (tests)
        self.tiles = TileDelegate(self)
        self.setItemDelegate(self.tiles)
        self.setGridSize(tile_size(MIN_TILE, self.fontMetrics().height()))
        self._scrolled_at = 0.0
        self._finish_tiles = QTimer(self)                # the tiles a paint left for later
        self._finish_tiles.setSingleShot(True)
        self._finish_tiles.setInterval(0)
        self._finish_tiles.timeout.connect(self.viewport().update)

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self._scrolled_at = time.monotonic()
        super().scrollContentsBy(dx, dy)

    def paintEvent(self, event: Any) -> None:
        scrolling = time.monotonic() - self._scrolled_at < SCROLL_SETTLE
        self.tiles.begin_frame(PAINT_BUDGET if scrolling else None)
        try:
            super().paintEvent(event)
            left = self.tiles.deferred
        finally:
            self.tiles.begin_frame(None)
        if left:
            self._finish_tiles.start()

    def relayout(self) -> None:
        """Tiles as wide as the view allows (the scroll bar's room is kept, so it cannot make them jump)."""
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self.verticalScrollBar())
        width = self.width() - 2 * self.frameWidth() - bar - 1     # a row wraps unless it is a pixel narrower
        size = tile_size(max(1, width), self.fontMetrics().height())
        if size != self.gridSize():
            self.setGridSize(size)
            step = max(1, size.height() // 4)
            self.verticalScrollBar().setSingleStep(step)

    def resizeEvent(self, e: QResizeEvent) -> None:
        self.relayout()
        super().resizeEvent(e)

    def scrub_at(self, index: QModelIndex | QPersistentModelIndex) -> float | None:
        """Where across the picture the mouse is (0..1) when it is over this tile's picture."""
        if self.hover_frac is None or not self.hover.isValid() or self.hover.row() != index.row():
            return None
        return self.hover_frac

    def _hover_at(self, pos: QPoint | None) -> None:
        old = self.model().index(self.hover.row(), 0) if self.hover.isValid() else QModelIndex()
        idx = self.indexAt(pos) if pos is not None else QModelIndex()
        frac = None
        if pos is not None and idx.isValid():
            tile = self.visualRect(idx)
            pic = picture_rect(tile)
            if pic.contains(pos):
                frac = min(0.999, max(0.0, (pos.x() - pic.left()) / max(1, pic.width())))
            over_star = star_rect(tile).contains(pos)
            cursor = Qt.CursorShape.PointingHandCursor if over_star else Qt.CursorShape.ArrowCursor
            self.viewport().setCursor(cursor)
        frame = None if frac is None else int(frac * STRIP_FRAMES)
        old_frame = None if self.hover_frac is None else int(self.hover_frac * STRIP_FRAMES)
        moved = idx != old
        self.hover = QPersistentModelIndex(idx) if idx.isValid() else QPersistentModelIndex()
        self.hover_frac = frac
        if moved and old.isValid():
            self.update(old)
        if idx.isValid() and (moved or frame != old_frame):
            self.update(idx)

    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        super().mouseMoveEvent(e)
        self._hover_at(e.position().toPoint())

    def leaveEvent(self, e: QEvent) -> None:
        self._hover_at(None)
        super().leaveEvent(e)

    def mousePressEvent(self, e: QMouseEvent) -> None:
        pos = e.position().toPoint()
        idx = self.indexAt(pos)
        on_star = idx.isValid() and star_rect(self.visualRect(idx)).contains(pos)
        if e.button() == Qt.MouseButton.LeftButton and on_star:
            self.star_clicked.emit(idx)
            e.accept()
            return
        super().mousePressEvent(e)

    def mouseDoubleClickEvent(self, e: QMouseEvent) -> None:
        idx = self.indexAt(e.position().toPoint())
        if idx.isValid() and e.button() == Qt.MouseButton.LeftButton:
            self.play_requested.emit(idx)
            e.accept()
            return
        super().mouseDoubleClickEvent(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        # Keys, not shortcuts: the window may bind the same keys to its own actions for this page.
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.play_requested.emit(self.currentIndex())
        elif e.matches(QKeySequence.StandardKey.Delete):
            self.delete_requested.emit()
        else:
            super().keyPressEvent(e)
            return
        e.accept()


class LibraryView(QWidget):
    """The Library page. Signals for the window: ``play(rec)``, ``compare(list of 2–4 recs)``,
    ``use_settings(rec)``, ``continue_requested(rec)`` (one finished video: open the Continue dialog),
    ``add_to_sequence(list of finished recs, in the library's order)``."""

    play = Signal(object)
    compare = Signal(list)
    use_settings = Signal(object)
    continue_requested = Signal(object)
    add_to_sequence = Signal(list)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("libraryView")
        self.session = session
        self.model = LibraryModel(session, parent=self)
        self.proxy = LibraryFilter(self.model, self)
        self._syncing = False

        # -- the filter bar ---------------------------------------------------------------
        self.search = QLineEdit(self)
        self.search.setObjectName("librarySearch")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self._search_later = Debouncer(150, self._apply_filters, self)
        self.search.textChanged.connect(lambda _t: self._search_later.poke())
        self.family_combo = self._combo("libraryFamily", self._apply_filters)
        self.model_combo = self._combo("libraryModel", self._apply_filters)
        self.state_combo = self._combo("libraryState", self._apply_filters)
        self.date_combo = self._combo("libraryDate", self._apply_filters)
        self.favourites = QToolButton(self)
        self.favourites.setObjectName("libraryFavourites")
        self.favourites.setCheckable(True)
        self.favourites.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.favourites.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.favourites.toggled.connect(self._favourites_toggled)
        self.archived = QCheckBox(self)
        self.archived.setObjectName("libraryArchived")
        self.archived.setChecked(True)
        self.archived.toggled.connect(lambda _c: self._apply_filters())
        self.sort_combo = self._combo("librarySort", self._apply_sort)      # made in the order Tab visits them
        self.count = QLabel(self)
        self.count.setObjectName("libraryCount")
        self.count.setAlignment(Qt.AlignmentFlag.AlignVCenter)
        self.count.setMinimumHeight(self.search.sizeHint().height())
        # Both rows wrap when the window is narrow (no clipped words in either language).
        filter_bar = QWidget(self)
        filter_bar.setObjectName("libraryFilterBar")
        bar = FlowLayout(filter_bar)
        for w in (self.search, self.family_combo, self.model_combo, self.state_combo, self.date_combo,
                  self.favourites, self.archived, self.sort_combo, self.count):
            bar.addWidget(w)

        # -- actions: buttons, context menu, keys ------------------------------------------
        self.actions_by_key: dict[str, QAction] = {}
        for key in ("play", "compare", "use_settings", "continue", "add_to_sequence", "open", "folder", "favourite",
                    "archive", "delete"):
            a = QAction(self)
            a.setObjectName(f"library_{key}")
            a.triggered.connect(lambda _c=False, k=key: self.do(k))
            self.actions_by_key[key] = a
        self.actions_by_key["favourite"].setCheckable(True)
        self.buttons: dict[str, QToolButton] = {}
        action_bar = QWidget(self)
        action_bar.setObjectName("libraryActionBar")
        actions_row = FlowLayout(action_bar, spacing=4)
        for key, a in self.actions_by_key.items():
            b = QToolButton(self)
            b.setObjectName(f"libraryButton_{key}")
            b.setDefaultAction(a)
            b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            b.setAutoRaise(False)
            self.buttons[key] = b
            actions_row.addWidget(b)
        self.note = QLabel(self)
        self.note.setObjectName("libraryNote")
        actions_row.addWidget(self.note)

        # -- the grid and the empty states -------------------------------------------------
        self.grid = LibraryGrid(self)
        self.grid.setModel(self.proxy)
        self.grid.star_clicked.connect(self._star_clicked)
        self.grid.play_requested.connect(lambda idx: self._play(self.proxy.record(idx)))
        self.grid.delete_requested.connect(self.delete_selected)
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.grid.customContextMenuRequested.connect(self._context_menu)
        self.grid.selectionModel().selectionChanged.connect(lambda *_: self.update_actions())
        self.empty = QWidget(self)
        self.empty.setObjectName("libraryEmpty")
        self.empty_text = QLabel(self.empty)
        self.empty_text.setObjectName("libraryEmptyText")
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setWordWrap(True)
        self.clear_button = QPushButton(self.empty)
        self.clear_button.setObjectName("libraryClearFilters")
        self.clear_button.clicked.connect(self.clear_filters)
        col = QVBoxLayout(self.empty)
        col.addStretch(1)
        col.addWidget(self.empty_text)
        col.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignHCenter)
        col.addStretch(2)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addWidget(filter_bar)
        layout.addWidget(action_bar)
        layout.addWidget(self.stack, 1)

        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset,
                       self.proxy.layoutChanged):
            signal.connect(self._count_changed)
        # Tasks that run change often (progress); the buttons follow at most ~15 times a second.
        self._actions_later = Debouncer(60, self.update_actions, self, throttle=True)
        self.proxy.dataChanged.connect(lambda *_: self._actions_later.poke())
        self._models_later = Debouncer(300, self._fill_models, self)
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            signal.connect(self._models_later.poke)
        self.retranslate()
        self._count_changed()

    def _combo(self, name: str, changed: Any) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName(name)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(9)
        box.currentIndexChanged.connect(lambda _i: changed())
        return box

    # -- words ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self._syncing = True
        try:
            self.search.setPlaceholderText(self.tr("Search prompts, models and task ids"))
            self.search.setAccessibleName(self.tr("Search the library"))
            self._fill(self.family_combo, [(None, self.tr("All kinds"))] + [
                (f.value, tx(catalog.family_spec(f).title)) for f in catalog.FAMILY_ORDER if catalog.by_family(f)]
                + [(FILM, self.tr("Films"))])
            self.family_combo.setAccessibleName(self.tr("Kind of video"))
            self._fill_models()
            self.model_combo.setAccessibleName(self.tr("Model"))
            self._fill(self.state_combo, [("all", self.tr("Any state")), ("done", self.tr("Finished")),
                                          ("problems", self.tr("Failed or needs attention")),
                                          ("running", self.tr("In progress"))])
            self.state_combo.setAccessibleName(self.tr("State"))
            self._fill(self.date_combo, [("all", self.tr("Any time")), ("today", self.tr("Today")),
                                         ("7d", self.tr("Last 7 days")), ("30d", self.tr("Last 30 days"))])
            self.date_combo.setAccessibleName(self.tr("Date"))
            self._fill(self.sort_combo, [("newest", self.tr("Newest first")), ("oldest", self.tr("Oldest first")),
                                         ("cost", self.tr("Cost: high to low")),
                                         ("longest", self.tr("Longest first"))], default=self.proxy.order)
            self.sort_combo.setAccessibleName(self.tr("Sort"))
            self._favourites_toggled(self.favourites.isChecked())
            self.favourites.setToolTip(self.tr("Show only the videos you starred"))
            self.favourites.setAccessibleName(self.tr("Favourites only"))
            self.archived.setText(self.tr("Archived"))
            self.archived.setToolTip(self.tr("Also show videos you archived (they are marked “Archived”)"))
            a = self.actions_by_key
            a["play"].setText(self.tr("Play"))
            a["play"].setToolTip(self.tr("Play in the studio (double-click or Enter)"))
            a["compare"].setText(self.tr("Compare"))
            a["use_settings"].setText(self.tr("Use these settings"))
            a["continue"].setText(self.tr("Continue…"))
            a["add_to_sequence"].setText(self.tr("Add to sequence…"))
            a["open"].setText(self.tr("Open in system player"))
            a["folder"].setText(self.tr("Show in folder"))
            a["favourite"].setText(self.tr("★ Favourite"))
            a["delete"].setText(self.tr("Delete…"))
            self.clear_button.setText(self.tr("Clear filters"))
            self.grid.setAccessibleName(self.tr("Your videos"))
        finally:
            self._syncing = False
        self._count_changed()

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.model.retranslate()        # dates, lengths and model names on the tiles
        super().changeEvent(e)

    @staticmethod
    def _fill(box: QComboBox, items: list[tuple[Any, str]], default: Any = None) -> None:
        """(Re)fill a combo, keeping what was chosen when it is still there."""
        current = box.currentData() if box.count() else default
        box.blockSignals(True)
        box.clear()
        for data, text in items:
            box.addItem(text, data)
        i = box.findData(current)
        box.setCurrentIndex(i if i >= 0 else 0)
        box.blockSignals(False)

    def _fill_models(self) -> None:
        items: list[tuple[Any, str]] = [(None, self.tr("All models"))]
        for name in self.model.models_present():
            spec = catalog.get(name)
            items.append((name, tx(spec.title) if spec else film_word() if name == FILM else name))
        if [self.model_combo.itemData(i) for i in range(self.model_combo.count())] != [d for d, _ in items] or \
                self.model_combo.itemText(0) != items[0][1]:
            before = self.model_combo.currentData()
            self._fill(self.model_combo, items)
            if self.model_combo.currentData() != before:
                self._apply_filters()

    # -- filters ----------------------------------------------------------------------------
    def focus_search(self) -> None:
        """Ctrl+F (the window binds it): put the cursor in the search field."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _favourites_toggled(self, on: bool) -> None:
        self.favourites.setText(self.tr("★ Favourites") if on else self.tr("☆ Favourites"))
        self._apply_filters()

    def _apply_filters(self) -> None:
        if self._syncing:
            return
        self.proxy.set_filters(family=self.family_combo.currentData(), model=self.model_combo.currentData(),
                               group=self.state_combo.currentData() or "all",
                               period=self.date_combo.currentData() or "all",
                               favourites_only=self.favourites.isChecked(),
                               show_archived=self.archived.isChecked(),
                               text=self.search.text())

    def _apply_sort(self) -> None:
        if not self._syncing:
            self.proxy.set_order(self.sort_combo.currentData() or "newest")

    def clear_filters(self) -> None:
        self._syncing = True
        try:
            self.search.clear()
            for box in (self.family_combo, self.model_combo, self.state_combo, self.date_combo):
                box.setCurrentIndex(0)
            self.favourites.setChecked(False)
            self.archived.setChecked(True)
        finally:
            self._syncing = False
        self._apply_filters()

    def _count_changed(self, *_: Any) -> None:
        shown = self.proxy.rowCount()
        self.count.setText(self.tr("%Ln result(s)", "", shown))
        if shown:
            self.stack.setCurrentWidget(self.grid)
        else:
            nothing = self.model.rowCount() == 0
            self.empty_text.setText(self.tr("No videos yet — what you make appears here") if nothing
                                    else self.tr("Nothing matches — clear the filters"))
            self.clear_button.setVisible(not nothing)
            self.stack.setCurrentWidget(self.empty)
        self.update_actions()

    # -- selection and actions --------------------------------------------------------------
    def selected_records(self) -> list[Any]:
        """The selected records in the order shown (the filter keeps the model's order). Mapped as ranges:
        Ctrl+A over 10,000 tiles must not cost a Python call per tile."""
        selection = self.grid.selectionModel().selection()
        # Unfiltered, the filter passes every row through in the model's order: no mapping needed.
        ranges = self.proxy.mapSelectionToSource(selection) if self.proxy.is_filtered() else selection
        rows = sorted(row for rng in (ranges.at(i) for i in range(ranges.count()))
                      for row in range(rng.top(), rng.bottom() + 1))
        return [r for r in map(self.model.record_at, rows) if r is not None]

    def select_task(self, task_id: int) -> None:
        idx = self.proxy.index_of(task_id)
        if idx.isValid():
            self.grid.selectionModel().setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.grid.scrollTo(idx)

    def update_actions(self) -> None:
        recs = self.selected_records()
        one = recs[0] if len(recs) == 1 else None
        a = self.actions_by_key
        a["play"].setEnabled(playable(one))
        can_compare = 2 <= len(recs) <= 4 and all(playable(r) for r in recs)
        a["compare"].setEnabled(can_compare)
        a["compare"].setToolTip(self.tr("Watch the selected videos side by side") if can_compare else
                                self.tr("Select 2 to 4 finished videos to compare them"))
        film = one is not None and is_film(one)
        a["use_settings"].setEnabled(one is not None and not film)
        a["use_settings"].setToolTip(
            self.tr("A film is stitched from a sequence; it has no generation settings of its own") if film else
            self.tr("Fill the form with this video's model, prompt, files and settings"))
        a["continue"].setEnabled(can_continue(one))
        a["continue"].setToolTip(self.tr("Make the next shot: a new video that starts where this one ends"))
        can_add = bool(recs) and all(playable(r) for r in recs)
        a["add_to_sequence"].setEnabled(can_add)
        a["add_to_sequence"].setToolTip(self.tr("Add the selected videos to a sequence, as shots in this order")
                                        if can_add or not recs else
                                        self.tr("Only finished videos can be added to a sequence"))
        a["open"].setEnabled(playable(one))
        a["folder"].setEnabled(playable(one))
        a["favourite"].setEnabled(bool(recs))
        a["favourite"].setChecked(bool(recs) and all(r.favourite for r in recs))
        a["favourite"].setToolTip(self.tr("Star or unstar the selected videos"))
        finished = bool(recs) and all(r.state.terminal for r in recs)
        unarchive = bool(recs) and all(r.archived for r in recs)
        a["archive"].setText(self.tr("Unarchive") if unarchive else self.tr("Archive"))
        a["archive"].setEnabled(finished)
        a["archive"].setToolTip(self.tr("Archived videos leave the queue and stay here, marked “Archived”"))
        a["delete"].setEnabled(finished)
        a["delete"].setToolTip(
            self.tr("Move the selected videos to the system trash (Delete)") if finished or not recs
            else self.tr("Tasks still in progress can't be deleted — cancel them in the queue first"))

    def do(self, key: str, recs: list[Any] | None = None) -> None:
        recs = self.selected_records() if recs is None else recs
        if not recs:
            return
        eng = self.session.engine
        if key == "play":
            self._play(recs[0])
        elif key == "compare" and 2 <= len(recs) <= 4:
            self.compare.emit(list(recs))
        elif key == "use_settings" and not is_film(recs[0]):
            self.use_settings.emit(recs[0])
        elif key == "continue" and can_continue(recs[0]):
            self.continue_requested.emit(recs[0])
        elif key == "add_to_sequence" and all(playable(r) for r in recs):
            self.add_to_sequence.emit(list(recs))
        elif key == "open" and recs[0].output_path:
            desktop.open_or_copy(self, recs[0].output_path)
        elif key == "folder" and recs[0].output_path:
            desktop.reveal_or_copy(self, recs[0].output_path)
        elif key == "favourite" and eng is not None:
            eng.mark([r.id for r in recs], favourite=not all(r.favourite for r in recs))
        elif key == "archive" and eng is not None:
            eng.mark([r.id for r in recs if r.state.terminal], archived=not all(r.archived for r in recs))
        elif key == "delete" and all(r.state.terminal for r in recs):
            spawn(self.delete(recs), name="library-delete")
        self.update_actions()

    def delete_selected(self) -> None:
        """The Delete key (here or the window's Video menu): ask, then move the selection to the trash."""
        self.do("delete")

    def _play(self, rec: Any) -> None:
        """Onto the stage: a finished video plays; one in progress shows its progress, a failed one why."""
        if rec is not None:
            self.play.emit(rec)

    def _star_clicked(self, idx: QModelIndex) -> None:
        rec = self.proxy.record(idx)
        if rec is not None and self.session.engine is not None:
            self.session.engine.mark([rec.id], favourite=not rec.favourite)

    def _context_menu(self, pos: QPoint) -> None:
        idx = self.grid.indexAt(pos)
        if idx.isValid() and not self.grid.selectionModel().isSelected(idx):
            self.grid.selectionModel().setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if not self.selected_records():
            return
        self.update_actions()
        menu = self.build_menu()
        menu.exec(self.grid.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def build_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.setObjectName("libraryMenu")
        menu.setToolTipsVisible(True)
        a = self.actions_by_key
        groups = (("play", "compare", "use_settings"), ("continue", "add_to_sequence"), ("open", "folder"),
                  ("favourite", "archive"), ("delete",))
        for group in groups:
            if not menu.isEmpty():
                menu.addSeparator()
            for key in group:
                menu.addAction(a[key])
        return menu

    # -- delete -----------------------------------------------------------------------------
    async def delete(self, recs: list[Any]) -> None:
        """Ask, move each video and its settings file to the system trash, then take them out of the
        library. Where the trash cannot take a file nothing is deleted unless the person confirms again."""
        recs = [r for r in recs if r.state.terminal]
        if not recs:
            return
        n = len(recs)
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Delete videos"),
                          self.tr("Delete %n video(s)?", "", n), parent=self)
        box.setObjectName("libraryDeleteDialog")
        box.setInformativeText(self.tr("The video files and their settings files (.json) go to the system trash, "
                                       "where you can restore them. They leave the library."))
        yes = box.addButton(self.tr("Move to trash"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        if await ask(box) is not yes:
            return
        kept = await asyncio.to_thread(_trash_all, recs)
        gone = [r for r in recs if r.id not in kept]
        self._remove(gone)
        if not kept:
            self.note.setText(self.tr("%n video(s) moved to the trash.", "", len(gone)))
            return
        stuck = [r for r in recs if r.id in kept]
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("The trash is not available"),
                          self.tr("%n video(s) could not be moved to the system trash. Their files are kept.",
                                  "", len(stuck)), parent=self)
        box.setObjectName("libraryTrashFailedDialog")
        box.setInformativeText(self.tr("Delete them permanently instead? This cannot be undone."))
        forever = box.addButton(self.tr("Delete permanently"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(self.tr("Keep the files"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        if await ask(box) is not forever:
            self.note.setText(self.tr("Nothing was deleted for %n video(s).", "", len(stuck)))
            return
        failed = await asyncio.to_thread(_unlink_all, stuck)
        self._remove([r for r in stuck if r.id not in failed])
        if failed:
            self.note.setText(self.tr("%n video(s) could not be deleted; their files are kept.", "", len(failed)))

    def _remove(self, recs: list[Any]) -> None:
        eng = self.session.engine
        if eng is None:
            return
        for r in recs:
            try:
                eng.remove(r.id)
            except ValueError:      # it started again meanwhile (run again on the same record)
                continue
            src = r.output_path
            if src:
                self.model.thumbs.forget(src)


def _files_of(rec: Any) -> list[str]:
    """The video and the settings file written beside it (``<video stem>.json``), those that exist."""
    out = rec.output_path
    files = [out, rec.sidecar_path or (os.path.splitext(out)[0] + ".json" if out else None)]
    return [f for f in dict.fromkeys(files) if f and os.path.lexists(f)]


def _trash_all(recs: list[Any]) -> set[int]:
    """In a worker: each record's files to the trash. Returns the ids whose files could not all go."""
    kept = set()
    for rec in recs:
        for f in _files_of(rec):
            if not QFile(f).moveToTrash():
                kept.add(rec.id)
    return kept


def _unlink_all(recs: list[Any]) -> set[int]:
    failed = set()
    for rec in recs:
        for f in _files_of(rec):
            try:
                os.remove(f)
            except OSError:
                failed.add(rec.id)
    return failed
