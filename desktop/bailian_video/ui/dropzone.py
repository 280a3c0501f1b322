"""A file field: drop, browse, paste or type a link; a thumbnail and the model's limits checked at once.

Probing and thumbnails run in worker threads (``media_jobs``). A file that fails the checks is
not taken: the zone keeps what it had and says, in words, why the new file was refused.
"""
from __future__ import annotations

import asyncio
import itertools
import os
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QMimeData, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPainter,
    QPalette,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .. import catalog, i18n
from ..catalog import FieldError, InputSpec, Kind, Limits
from ..catalog.kinds import with_media
from ..catalog.values import is_local, is_remote, local_path
from .media_jobs import Preview, guess_kind, load_preview
from .util import fmt_bytes, fmt_clock, layout_widgets, set_state, spawn, tx

THUMB = QSize(128, 96)
#: the order files were given in, across every zone (which of several zones got the newest)
_GIVEN = itertools.count(1)
#: a tile of a strip (a zone that holds several files: references, a list of images)
TILE = QSize(112, 84)
translate = QCoreApplication.translate
#: what a file that is not media is, by its extension (a refusal names it: "notes.txt is a text file, …")
FILE_TYPES = {ext: what for what, exts in (
    ("text", "txt md log rtf"), ("pdf", "pdf"), ("word", "doc docx odt pages"), ("sheet", "xls xlsx csv ods numbers"),
    ("slides", "ppt pptx odp key"), ("archive", "zip rar 7z gz tgz tar"), ("web", "htm html"),
    ("data", "json xml yaml yml"), ("program", "exe msi dmg apk sh bat")) for ext in exts.split()}


def want_kind(spec: InputSpec) -> str:
    if spec.kind == Kind.MASK:
        return spec.media or "image"
    return {Kind.AUDIO: "audio", Kind.VIDEO: "video"}.get(spec.kind, "image")


def want_kinds(spec: InputSpec) -> tuple[str, ...]:
    """Every media a field takes: one for most, images and videos for a FILE_LIST."""
    if spec.kind == Kind.FILE_LIST:
        return tuple(spec.accepts) or ("image", "video")
    return (want_kind(spec),)


def doc_extension(path: str) -> str:
    return os.path.splitext(path.split("?", 1)[0])[1].lower().lstrip(".")


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def limits_words(lim: Limits | None) -> list[str]:
    """A file input's limits in words: "JPG/PNG", "up to 10 MB", "sides 240–5000 px", "2–30 s" (the media
    list's words, translated once)."""
    parts: list[str] = []
    if lim is None:
        return parts
    if lim.formats:
        parts.append("/".join(f.upper() for f in lim.formats))
    if lim.max_bytes:
        parts.append(translate("MediaSection", "up to %1 MB").replace("%1", _num(round(lim.max_bytes / 1024 / 1024, 1))))
    if lim.min_side and lim.max_side:
        parts.append(translate("MediaSection", "sides %1–%2 px").replace("%1", str(lim.min_side))
                     .replace("%2", str(lim.max_side)))
    elif lim.min_side:
        parts.append(translate("MediaSection", "sides at least %1 px").replace("%1", str(lim.min_side)))
    elif lim.max_side:
        parts.append(translate("MediaSection", "sides up to %1 px").replace("%1", str(lim.max_side)))
    if lim.min_duration and lim.max_duration:
        parts.append(translate("MediaSection", "%1–%2 s").replace("%1", _num(lim.min_duration))
                     .replace("%2", _num(lim.max_duration)))
    elif lim.max_duration:
        parts.append(translate("MediaSection", "up to %1 s").replace("%1", _num(lim.max_duration)))
    return parts


def missing_text(name: str) -> str:
    """What a file of restored settings that is not on this computer says, in its zone and on Generate."""
    return translate("DropZone", "%1 — not on this computer any more; drop it again.").replace("%1", name)


def local_paths(mime: QMimeData) -> tuple[list[str], list[str]]:
    """(local files, remote links) carried by a drop or the clipboard."""
    files, links = [], []
    if mime.hasUrls():
        for url in mime.urls():
            if url.isLocalFile():
                p = url.toLocalFile()
                if os.path.isfile(p):
                    files.append(p)
            elif is_remote(url.toString()):
                links.append(url.toString())
    elif mime.hasText():
        for line in mime.text().splitlines():
            line = line.strip()
            if is_remote(line):
                links.append(line)
            elif is_local(line) and os.path.isfile(p := os.path.expanduser(local_path(line))):
                files.append(p)
    return files, links


@dataclass
class Item:
    value: str                      # local path or link
    remote: bool = False
    preview: Preview | None = None
    checking: bool = False
    problems: list[str] = field(default_factory=list)   # current model's limits, in words
    size_bytes: int | None = None   # documents (not probed): their size on disk
    seq: int = 0                    # the order it was given in (checks finish in any order)
    missing: bool = False           # restored settings name it, but it is not on this computer: a mark to fill

    @property
    def name(self) -> str:
        return self.value if self.remote else os.path.basename(local_path(self.value))

    @property
    def info(self) -> Any:
        return self.preview.info if self.preview else None


class WaveformView(QWidget):
    """An audio clip's loudness as bars (the worker computed the numbers)."""

    def __init__(self, values: list[float], parent: QWidget | None = None):
        super().__init__(parent)
        self.values = values
        self.setFixedSize(THUMB)

    def paintEvent(self, event: QEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(pal.color(QPalette.ColorRole.Highlight))
        vals = self.values or [0.0]
        w = self.width() / len(vals)
        mid = self.height() / 2
        for i, v in enumerate(vals):
            h = max(1.0, min(1.0, float(v)) * (self.height() - 8))
            p.drawRect(QRectF(i * w + 0.5, mid - h / 2, max(1.0, w - 1), h))
        p.end()


class ItemView(QFrame):
    """One file in a zone: thumbnail (or waveform), name, facts, and a remove button. A file of restored
    settings that is not on this computer any more is a mark in the error colour, removable."""

    remove_clicked = Signal(object)

    def __init__(self, item: Item, removable: bool, parent: QWidget | None = None, tile: bool = False):
        super().__init__(parent)
        self.item = item
        self.tile = tile
        self.thumb_size = TILE if tile else THUMB
        self.setObjectName("dropItem")
        lay: QHBoxLayout | QVBoxLayout = QVBoxLayout(self) if tile else QHBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(2 if tile else 10)
        info = item.info
        if item.preview and item.preview.waveform and info is not None and info.kind == "audio":
            visual: QWidget = WaveformView(item.preview.waveform, self)
        else:
            visual = QLabel(self)
            visual.setFixedSize(self.thumb_size)
            visual.setAlignment(Qt.AlignmentFlag.AlignCenter)
            visual.setObjectName("thumb")
            pix = self._thumb_pixmap()
            if pix is not None:
                visual.setPixmap(pix)
            else:
                visual.setText(self._placeholder())
                visual.setWordWrap(True)
        self.visual = visual
        self.remove_button = QToolButton(self)
        self.remove_button.setText("×")
        self.remove_button.setAutoRaise(True)
        self.remove_button.setVisible(removable or item.missing)
        self.remove_button.clicked.connect(lambda: self.remove_clicked.emit(self.item))
        if tile:        # name and facts under the picture, the remove button on its corner
            self.setFixedWidth(self.thumb_size.width() + 8)
            lay.addWidget(visual, 0, Qt.AlignmentFlag.AlignHCenter)
            self.remove_button.setObjectName("tileRemove")
            self.remove_button.raise_()
        else:
            lay.addWidget(visual, 0, Qt.AlignmentFlag.AlignTop)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        self.name = QLabel(self)
        self.name.setObjectName("itemName")
        # elided to the width it gets (a long name must not widen the form)
        self.name.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.facts = QLabel(self)
        self.facts.setObjectName("itemFacts")
        self.facts.setWordWrap(not tile)
        self.problems = QLabel(self)
        self.problems.setObjectName("fieldError")
        self.problems.setWordWrap(True)
        texts.addWidget(self.name)
        texts.addWidget(self.facts)
        texts.addWidget(self.problems)
        texts.addStretch(1)
        lay.addLayout(texts, 1)
        if not tile:
            lay.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        self.refresh_text()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide_name()
        if self.tile:
            b = self.remove_button
            b.adjustSize()
            b.move(self.width() - b.width() - 2, 2)
            b.raise_()

    def _elide_name(self) -> None:
        width = self.name.width() if self.name.width() > 20 else self.thumb_size.width()
        self.name.setText(self.name.fontMetrics().elidedText(self.item.name, Qt.TextElideMode.ElideMiddle, width))

    def _placeholder(self) -> str:
        if self.item.missing:
            return self.tr("Not found")
        if self.item.checking:
            return self.tr("Checking…")
        if self.item.remote:
            return self.tr("Link")
        if self.item.size_bytes is not None:
            return self.tr("Document")
        return self.tr("No preview")

    def _thumb_pixmap(self) -> QPixmap | None:
        pv = self.item.preview
        if pv is None or pv.image is None or pv.image.isNull():
            return None
        img: QImage = pv.image.scaled(self.thumb_size, Qt.AspectRatioMode.KeepAspectRatio,
                                      Qt.TransformationMode.SmoothTransformation)
        pix = QPixmap.fromImage(img)
        info = pv.info
        if info is not None and info.kind == "video" and info.duration:
            p = QPainter(pix)
            text = fmt_clock(info.duration)
            fm = p.fontMetrics()
            r = fm.boundingRect(text).adjusted(-4, -1, 4, 1)
            r.moveBottomRight(pix.rect().bottomRight() - QPoint(3, 3))
            p.fillRect(r, QColor(0, 0, 0, 170))
            p.setPen(QColor("white"))
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
            p.end()
        return pix

    def refresh_text(self) -> None:
        item = self.item
        self._elide_name()
        self.name.setToolTip(item.value)
        info = item.info
        parts: list[str] = []
        if item.missing:
            pass
        elif item.checking:
            parts.append(self.tr("Checking…"))
        elif item.remote:
            parts.append(self.tr("The service fetches this link itself."))
        elif info is None and item.size_bytes is not None:
            parts.append(doc_extension(item.value).upper())
            parts.append(fmt_bytes(item.size_bytes))
        elif info is not None:
            if info.width and info.height:
                parts.append(f"{info.width}×{info.height}")
            if info.duration:
                parts.append(fmt_clock(info.duration) if info.duration >= 60 else
                             self.tr("%1 s").replace("%1", f"{info.duration:.1f}"))
            parts.append((info.format or "").upper())
            parts.append(fmt_bytes(info.size_bytes))
        facts = " · ".join(p for p in parts if p)
        if self.tile:       # the size and length only; the rest is in the tooltip
            short = [p for p in parts[:2] if p] if info is not None else parts
            self.facts.setText(self.facts.fontMetrics().elidedText(" · ".join(short), Qt.TextElideMode.ElideRight,
                                                                   self.thumb_size.width()))
            self.name.setToolTip(f"{item.value}\n{facts}")
        else:
            self.facts.setText(facts)
        self.facts.setVisible(bool(facts))
        problems = [missing_text(item.name)] if item.missing else item.problems
        self.problems.setText(" ".join(problems))
        self.problems.setVisible(bool(problems))
        set_state(self, "invalid", bool(problems))
        self.setToolTip("\n".join(problems))
        self.setAccessibleName(item.name)
        self.setAccessibleDescription(" ".join(t for t in (facts, *problems) if t))
        self.remove_button.setToolTip(self.tr("Remove the mark") if item.missing else self.tr("Remove this file"))
        self.remove_button.setAccessibleName(self.tr("Remove %1").replace("%1", item.name))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh_text()
            if isinstance(self.visual, QLabel) and self.visual.pixmap().isNull():
                self.visual.setText(self._placeholder())
        super().changeEvent(event)


class DropZone(QFrame):
    """The editor of one file input. ``changed`` fires whenever the accepted files change;
    ``message`` carries a refusal (or '' to clear it) for the field's message line.
    ``batch_requested`` asks the tab to confirm several images for a one-image field.

    Restored settings whose file is not on this computer any more leave a *mark* in its place (an
    :class:`Item` with ``missing``): shown in the error colour, left out of the value, filled by the next
    file given, or removed. ``compact`` (half a row, beside another zone) shows the file as a tile and
    the link line under the buttons. The zone's accessible name is its field's title, its description
    what it takes (and the problem at the field, when there is one)."""

    changed = Signal()
    message = Signal(str)
    batch_requested = Signal(list)

    def __init__(self, model: str, spec: InputSpec, paste_dir: Path, allow_batch: bool = False,
                 parent: QWidget | None = None, *, media: str | None = None, max_items: int | None = None):
        super().__init__(parent)
        self.model = model
        self.spec = spec
        self.paste_dir = paste_dir
        self.allow_batch = allow_batch
        # A zone of one media type of an ``input.media`` list says what it holds and how many.
        self._media = media
        self._max_items = max_items
        self.items: list[Item] = []
        self.batch = False
        self.refusal = ""               # why the last file offered was not taken (shown at the field)
        self._overflow = ""             # files of the last drop beyond the zone's capacity (stays until a change)
        self._problem = ""              # the message at the field (for its accessible description)
        self.compact = False
        self._jobs = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self.setObjectName("dropZone")
        self.setAcceptDrops(True)
        self.setProperty("dragActive", False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(6)
        self.hint = QLabel(self)
        self.hint.setObjectName("dropHint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        lay.addWidget(self.hint)
        self.items_box = QWidget(self)
        self.items_layout = QVBoxLayout(self.items_box)
        self.items_layout.setContentsMargins(0, 0, 0, 0)
        self.items_layout.setSpacing(4)
        self.items_layout.addStretch(1)
        lay.addWidget(self.items_box)
        # several files: a strip of tiles, side by side, scrolling sideways when it is full
        self.strip = QScrollArea(self)
        self.strip.setObjectName("dropStrip")
        self.strip.setFrameShape(QFrame.Shape.NoFrame)
        self.strip.setWidgetResizable(True)
        self.strip.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        strip_body = QWidget(self.strip)
        strip_body.setObjectName("dropStripBody")
        self.strip_layout = QHBoxLayout(strip_body)
        self.strip_layout.setContentsMargins(0, 0, 0, 0)
        self.strip_layout.setSpacing(6)
        self.strip_layout.addStretch(1)
        self.strip.setWidget(strip_body)
        self.strip.viewport().setAutoFillBackground(False)
        strip_body.setAutoFillBackground(False)
        lay.addWidget(self.strip)

        row = QHBoxLayout()
        row.setSpacing(6)
        self.browse_button = QPushButton(self)
        self.browse_button.clicked.connect(self.browse)
        self.paste_button = QPushButton(self)
        self.paste_button.clicked.connect(self.paste)
        self.clear_button = QPushButton(self)
        self.clear_button.clicked.connect(self.clear)
        self.link_edit = QLineEdit(self)
        self.link_edit.setClearButtonEnabled(True)
        self.link_edit.editingFinished.connect(self._link_entered)
        row.addWidget(self.browse_button)
        row.addWidget(self.paste_button)
        row.addWidget(self.link_edit, 1)
        row.addWidget(self.clear_button)
        lay.addLayout(row)
        self._buttons = row
        self._link_row = QHBoxLayout()           # the link line of a compact zone
        lay.addLayout(self._link_row)
        self.strip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFocusProxy(self.browse_button)   # focusing the field (a problem at Generate) lands on Browse…
        self._paste_shortcut = QShortcut(QKeySequence.StandardKey.Paste, self,
                                         context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._paste_shortcut.activated.connect(self.paste)
        self.retranslate()
        self._rebuild()

    # -- what the form reads ---------------------------------------------------------------
    @property
    def kinds(self) -> tuple[str, ...]:
        """The media this zone takes: "image", "audio", "video", "file" (a document), or several."""
        return (self._media,) if self._media else want_kinds(self.spec)

    @property
    def kind(self) -> str:
        return self.kinds[0]

    def takes(self, kind: str | None) -> bool:
        return kind in self.kinds

    @property
    def multi(self) -> bool:
        if self._max_items is not None:
            return self._max_items > 1
        return self.spec.kind in (Kind.IMAGE_LIST, Kind.FILE_LIST)

    @property
    def capacity(self) -> int:
        if self._max_items is not None:
            return self._max_items
        return (self.spec.max_items or 10) if self.multi else 1

    @property
    def usable(self) -> list[Item]:
        """The files held (not the marks of missing ones)."""
        return [i for i in self.items if not i.missing]

    def missing(self) -> list[str]:
        """The names of the files restored settings named that are not on this computer (their marks)."""
        return [i.name for i in self.items if i.missing]

    def value(self) -> str | list[str] | None:
        items = self.usable
        if self.multi:
            return [i.value for i in items] or None
        return items[0].value if items else None

    def batch_values(self) -> list[str]:
        return [i.value for i in self.usable]

    def media_info(self) -> Any:
        infos = [i.info for i in self.usable]
        if self.multi:
            return infos if any(x is not None for x in infos) else None
        return infos[0] if infos else None

    def duration(self) -> float | None:
        """Seconds of what the zone holds (several files: added up)."""
        secs = [i.info.duration for i in self.usable if i.info is not None and i.info.duration]
        return sum(secs) if secs else None

    def problems(self) -> list[str]:
        return [p for i in self.items for p in i.problems]

    def busy(self) -> bool:
        return self._jobs > 0

    async def wait_idle(self) -> None:
        await self._idle.wait()

    # -- changing it -----------------------------------------------------------------------
    def set_model(self, model: str, spec: InputSpec, max_items: int | None = None) -> None:
        """The model (or VACE function) changed: same field, maybe other limits. Re-check what we have."""
        self.model, self.spec = model, spec
        if max_items is not None:
            self._max_items = max_items
        for item in self.items:
            self._recheck(item)
        self.retranslate()
        self._rebuild()

    def set_value(self, value: Any, missing: Collection[str] = ()) -> None:
        """Fill from a saved request ('run again'): paths or links, checked like a drop. A local file named in
        ``missing`` that is not here leaves a mark in its place."""
        self.clear(emit=False)
        values = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and v]

        def gone(v: str) -> bool:
            path = os.path.expanduser(local_path(v))
            return is_local(v) and os.path.basename(path) in missing and not os.path.isfile(path)
        if not any(gone(v) for v in values):
            files = [local_path(v) for v in values if is_local(v)]
            links = [v for v in values if is_remote(v)]
            if files or links:
                self.take(files, links, from_user=False)
            else:
                self.changed.emit()
            return
        for v in values:        # one by one, so the marks keep their places among the files
            if gone(v):
                self.items.append(Item(local_path(v), missing=True, seq=next(_GIVEN)))
            elif is_remote(v):
                self._add([], links=[v], fill=False)
            elif is_local(v):
                self._add([local_path(v)], fill=False)
        self._after_change()

    def clear(self, emit: bool = True) -> None:
        self.items.clear()
        self.batch = False
        self.refusal = self._overflow = ""
        self.link_edit.clear()
        self.message.emit("")
        self._rebuild()
        if emit:
            self.changed.emit()

    def set_compact(self, on: bool) -> None:
        """Half a row (beside another zone): the file as a tile (its × removes it, in place of Clear), the link
        line under the buttons."""
        if on == self.compact:
            return
        self.compact = on
        self.clear_button.setVisible(not on)
        lay = self.layout()
        assert lay is not None         # made in __init__
        lay.setContentsMargins(*((6, 4, 6, 4) if on else (10, 8, 10, 8)))
        lay.setSpacing(4 if on else 6)
        self._fit_buttons()
        (self._buttons if on else self._link_row).removeWidget(self.link_edit)
        if on:
            self._link_row.addWidget(self.link_edit)
        else:
            self._buttons.insertWidget(2, self.link_edit, 1)
        self._rebuild()

    def take(self, files: list[str], links: list[str], from_user: bool = True) -> None:
        """Files and links from a drop, the clipboard, the file chooser or a saved request."""
        if not files and not links:
            return
        if not self.multi and len(files) > 1:
            if self.allow_batch and from_user:
                images = [f for f in files if guess_kind(f) == "image"]
                if len(images) > 1:
                    self.batch_requested.emit(images)
                    return
            if self.allow_batch and not from_user:
                self._add(files, batch=True)
                return
            self.message.emit(self.tr("Only one file fits here; using the first of the %n you dropped.", "",
                                      len(files)))
            files = files[:1]
            links = []
        self._add(files, links=links)

    def set_batch(self, files: list[str]) -> None:
        """The tab confirmed a batch: one task per image."""
        self._add(files, batch=True)

    def _add(self, files: list[str], links: list[str] | None = None, batch: bool = False, fill: bool = True) -> None:
        # A new file replaces the old one only once it passes; a refused one leaves the old in place.
        # ``fill``: a file given takes the place of the first mark of a missing one.
        links = links or []
        self._overflow = ""
        for link in links:
            guessed = guess_kind(link)
            if guessed and not self.takes(guessed) and not (self.kind == "file" and self.doc_ok(link)):
                self._refuse(self._wrong_kind(link, guessed))
                continue
            item = Item(link, remote=True, seq=next(_GIVEN))
            self._accept(item, replace=not self.multi and not batch, fill=fill)
        if batch:
            self.items = []
            self.batch = True
        elif self.multi:
            room = max(0, self.capacity - len(self.usable) - self._jobs)
            if len(files) > room:
                left = files[room:]
                files = files[:room]
                self._overflow = self.tr("“%1” takes at most %2 files; not used: %3") \
                    .replace("%1", tx(self.spec.label)).replace("%2", str(self.capacity)) \
                    .replace("%3", ", ".join(os.path.basename(f) for f in left))
                self._refuse(self._overflow)
        for path in files:
            item = Item(os.path.abspath(path), checking=True, seq=next(_GIVEN))
            self._jobs += 1
            self._idle.clear()
            spawn(self._check(item, replace=not self.multi and not batch, batch=batch, fill=fill), name="probe")
        self._rebuild()

    async def _check(self, item: Item, replace: bool, batch: bool, fill: bool = True) -> None:
        try:
            if self.kind == "file":          # a document: its name and size are all there is to check
                try:
                    item.size_bytes = (await asyncio.to_thread(os.stat, item.value)).st_size
                except OSError as e:
                    item.preview = Preview(item.value, error=str(e))
                item.checking = False
                refusal = self._doc_refusal(item)
            else:
                try:
                    item.preview = await load_preview(item.value)
                except Exception as e:  # the probe raises its own errors; anything else is a bug worth words
                    item.preview = Preview(item.value, error=str(e))
                item.checking = False
                refusal = self._refusal(item)
            if refusal:
                self._refuse(refusal)
                return
            if batch:
                self.items.append(item)
                self.items.sort(key=lambda i: i.seq)
                self.batch = len(self.items) > 1
                self._after_change()
            else:
                self._accept(item, replace=replace, fill=fill)
        finally:
            self._jobs -= 1
            if self._jobs == 0:
                self._idle.set()
            self._rebuild()

    def _refusal(self, item: Item) -> str | None:
        name = os.path.basename(item.value)
        pv = item.preview
        if pv is None or pv.info is None:
            return self._unreadable(name)
        if not self.takes(pv.info.kind):
            return self._wrong_kind(name, pv.info.kind)
        errors = self._check_info(pv.info)
        if errors:
            return self.tr("%1 was not used: %2").replace("%1", name).replace(
                "%2", " ".join(tx(e.message) for e in errors))
        return None

    def _check_info(self, info: Any) -> list[FieldError]:
        """The model's limits for this file (a FILE_LIST item: the limits of its own media)."""
        spec = self.spec
        if spec.kind == Kind.FILE_LIST:
            if info.kind not in self.kinds:
                return []
            spec = with_media(dc_replace(spec, limits=dict(spec.limits_by_media).get(info.kind, spec.limits)),
                              info.kind)
        return catalog.check_file(self.model, spec, info)

    def doc_ok(self, path: str) -> bool:
        formats = self.spec.limits.formats if self.spec.limits else ()
        return not formats or doc_extension(path) in formats

    def _doc_refusal(self, item: Item) -> str | None:
        name = os.path.basename(item.value)
        problems = self._doc_problems(item)
        if item.size_bytes is None:
            why = (item.preview.error if item.preview else "") or self.tr("unreadable")
            return self.tr("Could not read %1: %2.").replace("%1", name).replace("%2", why)
        if problems:
            return self.tr("%1 was not used: %2").replace("%1", name).replace("%2", " ".join(problems))
        return None

    def _doc_problems(self, item: Item) -> list[str]:
        lim = self.spec.limits
        out: list[str] = []
        if lim is None:
            return out
        label = tx(self.spec.label)
        if not self.doc_ok(item.value):
            out.append(self.tr("“%1” takes %2 files.").replace("%1", label)
                       .replace("%2", "/".join(f.upper() for f in lim.formats)))
        if lim.max_bytes and item.size_bytes is not None and item.size_bytes > lim.max_bytes:
            out.append(self.tr("It is %1, over the %2 limit.").replace("%1", fmt_bytes(item.size_bytes))
                       .replace("%2", fmt_bytes(lim.max_bytes)))
        return out

    def _unreadable(self, name: str) -> str:
        """Why a file that is not media (or is damaged) was not used, naming it once: "notes.txt is a text file,
        not an image, audio clip or video." """
        what = FILE_TYPES.get(doc_extension(name))
        if what is not None:
            kind = {"text": self.tr("a text file"), "pdf": self.tr("a PDF document"),
                    "word": self.tr("a Word document"), "sheet": self.tr("a spreadsheet"),
                    "slides": self.tr("a presentation"), "archive": self.tr("a compressed archive"),
                    "web": self.tr("a web page"), "data": self.tr("a data file"), "program": self.tr("a program")}[what]
            return self.tr("%1 is %2, not an image, audio clip or video.").replace("%1", name).replace("%2", kind)
        media = guess_kind(name)
        if media is not None:
            return self.tr("%1 could not be opened as %2; the file may be damaged or incomplete.") \
                .replace("%1", name).replace("%2", self._kind_name(media))
        return self.tr("%1 is not an image, audio clip or video that this app can read.").replace("%1", name)

    def _kind_name(self, kind: str) -> str:
        return {"image": self.tr("an image"), "audio": self.tr("an audio file"), "video": self.tr("a video"),
                "file": self.tr("a document")}.get(kind, self.tr("an unknown kind of file"))

    def _wrong_kind(self, name: str, kind: str) -> str:
        wanted = self.tr("an image or a video") if set(self.kinds) == {"image", "video"} else \
            self._kind_name(self.kind)
        return self.tr("%1 is %2, but “%3” needs %4.").replace("%1", os.path.basename(name)) \
            .replace("%2", self._kind_name(kind)).replace("%3", tx(self.spec.label)).replace("%4", wanted)

    def _accept(self, item: Item, replace: bool, fill: bool = True) -> None:
        mark = next((i for i in self.items if i.missing), None) if fill else None
        if replace:
            self.items = [item]
            self.batch = False
        elif mark is not None:                        # the file dropped again, in the place of its mark
            item.seq = mark.seq
            self.items[self.items.index(mark)] = item
        elif len(self.usable) < self.capacity:
            self.items.append(item)
            self.items.sort(key=lambda i: i.seq)      # in the order given, not the order the checks finished
        else:
            self.message.emit(self.tr("“%1” takes at most %2 files; remove one first.")
                              .replace("%1", tx(self.spec.label)).replace("%2", str(self.capacity)))
            return
        self._recheck(item)
        self._after_change()

    def _refuse(self, text: str) -> None:
        self.refusal = text
        self.message.emit(text)

    def _after_change(self) -> None:
        self.refusal = self._overflow
        self.message.emit(self._overflow)
        self._rebuild()
        self.changed.emit()

    def _recheck(self, item: Item) -> None:
        if item.missing:
            return
        if self.kind == "file" and not item.remote:
            item.problems = self._doc_problems(item)
            return
        if item.info is None:
            item.problems = []
            return
        item.problems = [tx(e.message) for e in self._check_info(item.info)]

    def _remove(self, item: Item) -> None:
        if item in self.items:
            self._overflow = ""
            self.items.remove(item)
            if len(self.items) <= 1:
                self.batch = False
            self._after_change()

    # -- user actions ----------------------------------------------------------------------
    def browse(self) -> None:
        filters = {
            "image": self.tr("Images (*.jpg *.jpeg *.png *.bmp *.webp)"),
            "audio": self.tr("Audio (*.wav *.mp3 *.aac *.m4a)"),
            "video": self.tr("Videos (*.mp4 *.mov *.avi *.mkv *.flv *.ts *.mpg)"),
        }
        if self.kind == "file":
            formats = self.spec.limits.formats if self.spec.limits else ()
            flt = self.tr("Documents (%1)").replace("%1", " ".join(f"*.{f}" for f in formats) or "*")
        else:
            flt = ";;".join(filters[k] for k in self.kinds if k in filters)
        flt += ";;" + self.tr("All files (*)")
        if self.multi or self.allow_batch:
            files, _ = QFileDialog.getOpenFileNames(self, tx(self.spec.label), "", flt)
        else:
            f, _ = QFileDialog.getOpenFileName(self, tx(self.spec.label), "", flt)
            files = [f] if f else []
        if files:
            self.take(files, [])

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None:
            return
        files, links = local_paths(mime)
        if files or links:
            self.take(files, links)
            return
        if mime.hasImage() and self.takes("image"):
            img = QImage(mime.imageData())
            if not img.isNull():
                spawn(self._save_pasted(img), name="paste-image")
                return
        self.message.emit(self.tr("The clipboard holds no file, link or picture to use here."))

    async def _save_pasted(self, img: QImage) -> None:
        self.paste_dir.mkdir(parents=True, exist_ok=True)
        path = self.paste_dir / f"pasted-{time.strftime('%Y%m%d-%H%M%S')}-{id(img) % 10000:04d}.png"

        def write() -> bool:
            return img.convertToFormat(QImage.Format.Format_RGB888).save(str(path))     # PNG, from the name

        ok = await asyncio.to_thread(write)
        if ok:
            self.take([str(path)], [])
        else:
            self.message.emit(self.tr("Could not save the pasted picture to %1.").replace("%1", str(self.paste_dir)))

    def _link_entered(self) -> None:
        text = self.link_edit.text().strip()
        if not text:
            return
        if is_remote(text):
            self.take([], [text])
        elif os.path.isfile(os.path.expanduser(local_path(text))):
            self.take([os.path.expanduser(local_path(text))], [])
        else:
            self.message.emit(self.tr("“%1” is neither a link (https://…) nor a file on this computer.")
                              .replace("%1", text))
            return
        self.link_edit.clear()

    # -- drag and drop ---------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls() or mime.hasText() or mime.hasImage():
            event.acceptProposedAction()
            self._set_drag(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        event.acceptProposedAction()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_drag(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_drag(False)
        mime = event.mimeData()
        files, links = local_paths(mime)
        if not files and not links and mime.hasImage() and self.takes("image"):
            img = QImage(mime.imageData())
            if not img.isNull():
                spawn(self._save_pasted(img), name="drop-image")
                event.acceptProposedAction()
                return
        if not files and not links:
            self.message.emit(self.tr("Nothing usable was dropped: drop a file from your file manager, or a link."))
            event.ignore()
            return
        event.acceptProposedAction()
        self.take(files, links)

    def _set_drag(self, on: bool) -> None:
        set_state(self, "dragActive", on)

    # -- look --------------------------------------------------------------------------------
    def item_views(self) -> list[ItemView]:
        lay = self.strip_layout if self.tiles else self.items_layout
        return [w for w in layout_widgets(lay) if isinstance(w, ItemView)]

    @property
    def tiles(self) -> bool:
        """Several files side by side (a strip) rather than one below the other; a compact zone's file too."""
        return (self.multi or self.compact) and not self.batch

    def _rebuild(self) -> None:
        for lay in (self.items_layout, self.strip_layout):
            while lay.count() > 1:
                taken = lay.takeAt(0)
                w = taken.widget() if taken is not None else None
                if w is not None:
                    w.deleteLater()
        tiles = self.tiles
        lay = self.strip_layout if tiles else self.items_layout
        body = self.strip.widget() if tiles else self.items_box
        pending = self._jobs
        for item in self.items:
            view = ItemView(item, removable=self.multi or self.batch or self.compact, parent=body, tile=tiles)
            view.remove_clicked.connect(self._remove)
            lay.insertWidget(lay.count() - 1, view, 0, Qt.AlignmentFlag.AlignTop)
        if pending:
            spinner = QLabel(self.tr("Checking %n file(s)…", "", pending), body)
            spinner.setObjectName("checking")
            lay.insertWidget(lay.count() - 1, spinner)
        shown = bool(self.items) or bool(pending)
        self.items_box.setVisible(shown and not tiles)
        self.strip.setVisible(shown and tiles)
        if tiles and shown:
            bar = self.strip.horizontalScrollBar().sizeHint().height() if self.multi else 0   # one file: no scrolling
            tallest = max((v.sizeHint().height() for v in self.item_views()), default=self.fontMetrics().height())
            self.strip.setFixedHeight(tallest + bar + 2)
        self.hint.setVisible(not self.items)
        self.clear_button.setEnabled(bool(self.items))
        self.link_edit.setVisible(not (self.compact and self.usable))     # half a row: the picture needs the room
        if self.batch:
            self.hint.setVisible(True)
            self.hint.setText(self.tr("Batch: %n image(s), one video each.", "", len(self.items)))
        else:
            self.hint.setText(self._hint_text())
        self._describe()

    def _hint_text(self) -> str:
        n = self.capacity
        if set(self.kinds) == {"image", "video"}:
            return self.tr("Drop up to %n images or videos here", "", n) if self.multi else \
                self.tr("Drop an image or a video here")
        if self.multi:
            return {"image": self.tr("Drop up to %n images here", "", n),
                    "audio": self.tr("Drop up to %n audio files here", "", n),
                    "video": self.tr("Drop up to %n videos here", "", n),
                    "file": self.tr("Drop up to %n documents here", "", n)}.get(self.kind, "")
        if self.allow_batch:
            return self.tr("Drop an image here (several images make a batch)")
        return {"image": self.tr("Drop an image here"), "audio": self.tr("Drop an audio file here"),
                "video": self.tr("Drop a video here"), "file": self.tr("Drop a document here")}.get(self.kind, "")

    def _fit_buttons(self) -> None:
        """Half a row: the buttons as narrow as their words (not the style's usual minimum)."""
        for b in (self.browse_button, self.paste_button):
            b.setMinimumWidth(b.fontMetrics().horizontalAdvance(b.text()) + 20 if self.compact else 0)

    def set_problem(self, text: str) -> None:
        """The message at the field ('' when none): told to screen readers with what the zone takes."""
        self._problem = text
        self._describe()

    def limits_text(self) -> str:
        return ("，" if i18n.language() == "zh" else ", ").join(limits_words(self.spec.limits))

    def _describe(self) -> None:
        takes = self._hint_text()
        limits = self.limits_text()
        if limits:
            takes = self.tr("%1 (%2)").replace("%1", takes).replace("%2", limits)
        text = " ".join(t for t in (self._problem, takes) if t)
        for w in (self, self.browse_button, self.link_edit):
            w.setAccessibleDescription(text)

    def retranslate(self) -> None:
        self.browse_button.setText(self.tr("Browse…"))
        self.paste_button.setText(self.tr("Paste"))
        self.paste_button.setToolTip(self.tr("Use a file, link or picture from the clipboard (Ctrl+V)"))
        self.clear_button.setText(self.tr("Clear"))
        self.link_edit.setPlaceholderText(self.tr("or paste a link: https://…"))
        self.hint.setText(self._hint_text())
        self.setToolTip(tx(self.spec.help))
        self._fit_buttons()
        title = tx(self.spec.label)
        self.setAccessibleName(title)
        for w, text in ((self.browse_button, self.tr("%1: choose a file")),
                        (self.paste_button, self.tr("%1: paste from the clipboard")),
                        (self.link_edit, self.tr("%1: link")), (self.clear_button, self.tr("%1: clear"))):
            w.setAccessibleName(text.replace("%1", title))
        self._describe()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self._rebuild()
        super().changeEvent(event)
