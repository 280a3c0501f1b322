"""The editor of an ``input.media`` list (the 2026 protocol): one drop zone per media type.

Each type the model takes gets its own section — its label, counts and limits, a drop zone
(several files where the type takes more than one, a document zone for ``file``) or a line for a
``link`` — and its own message line. Under a zone whose type the prompt can name (图1, <<<image_1>>>,
@name) or whose items take extra fields (a reference voice, a subject name, keep the original
sound), one row per item: a chip that puts the item's tag into the prompt, and an editor per field.
The value is the list of ``{type, url, …fields}`` items in the order of the model's media types.
Problems with one type (too many, a file over the limits, too long in all) show beside that type's
zone; problems with the mix (a combination the model does not take) on the editor.
"""
from __future__ import annotations

import asyncio
import os
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .. import catalog, i18n
from ..catalog import FieldError, InputSpec, Kind
from ..catalog.kinds import KINDS, media_item_spec
from ..catalog.schema import MediaField, MediaType
from ..catalog.values import is_local, is_remote, local_path
from ..i18n import T
from .dropzone import DropZone, Item, limits_words, local_paths
from .fields import PairRow, announce
from .media_jobs import Preview, guess_kind, load_preview
from .util import spawn, tx

FILE_MEDIA = ("image", "video", "audio")
#: problems shown while editing (the rest wait for Generate: an empty form is not an error yet)
LIVE_CODES = ("combination", "items")
#: the field an ``@{name}`` tag takes its name from (as the sandbox reads it)
NAME_FIELD = "ref_name"
#: seconds a sum of durations may be over its limit before it counts (as the catalogue checks)
SLACK = 0.05


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def tag_examples(tag: T) -> str:
    """How the prompt names the first items of a type: 图1、图2 / Image 1, Image 2 / [Image 1], [Image 2]."""
    text = tx(tag)
    if "{n}" in text:
        return ", ".join(text.replace("{n}", str(n)) for n in (1, 2)) + " …"
    if i18n.language() == "zh":
        return f"{text}1、{text}2……"
    return f"{text} 1, {text} 2 …"


def tag_text(tag: T, n: int) -> str:
    """The n-th item's tag: "[Image {n}]" → [Image 2]; a prefix → 图2 / Image 2 (the pages' spelling)."""
    text = tx(tag)
    if "{n}" in text:
        return text.replace("{n}", str(n))
    return f"{text}{n}" if i18n.language() == "zh" else f"{text} {n}"


def _label(text: T) -> str:
    """A field's label before its editor, with the colon of the language (参考音色： / Reference voice:)."""
    return tx(text) + ("：" if i18n.language() == "zh" else ":")


def _same(items: list[Any], item: Any) -> bool:
    return any(x is item for x in items)


@dataclass(eq=False)
class Extras:
    """The extra fields of one item of a zone, kept with the item (and gone with it)."""

    item: Item
    values: dict[str, Any] = field(default_factory=dict)     # field name -> value (a path, text, True)
    infos: dict[str, Any] = field(default_factory=dict)      # file fields: the probed file
    checking: dict[str, str] = field(default_factory=dict)   # file fields being probed: name -> path


class FieldFile(QWidget):
    """One file field of an item (a reference voice): its file, Browse… and a clear button."""

    def __init__(self, row: ItemRow, fld: MediaField):
        super().__init__(row)
        self.row, self.fld = row, fld
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        self.label = QLabel(self)
        self.file = QLabel(self)
        self.file.setObjectName("fieldFile")
        self.file.setWordWrap(True)         # "none — drop an audio file on this row" wraps in a narrow form
        self.browse_button = QToolButton(self)
        self.browse_button.clicked.connect(self.browse)
        self.clear_button = QToolButton(self)
        self.clear_button.setText("×")
        self.clear_button.setAutoRaise(True)
        self.clear_button.clicked.connect(lambda: row.section.clear_field(row.extras, fld))
        for w in (self.label, self.file, self.browse_button, self.clear_button):
            lay.addWidget(w)

    def browse(self) -> None:
        formats = self.fld.limits.formats if self.fld.limits else ()
        pattern = " ".join(f"*.{f}" for f in formats) or "*"
        flt = f"{tx(self.fld.label)} ({pattern});;" + self.tr("All files (*)")
        path, _ = QFileDialog.getOpenFileName(self, tx(self.fld.label), "", flt)
        if path:
            self.row.section.offer_file(self.row.extras, self.fld, path)

    def refresh(self) -> None:
        ex, name = self.row.extras, self.fld.name
        self.label.setText(_label(self.fld.label))
        self.browse_button.setText(self.tr("Browse…"))
        self.clear_button.setToolTip(self.tr("Remove this file"))
        for b in (self.browse_button, self.clear_button):        # "Reference voice: Browse…"
            b.setAccessibleName(f"{self.label.text()} {b.toolTip() or b.text()}")
        value, info = ex.values.get(name), ex.infos.get(name)
        if name in ex.checking:
            text = self.tr("Checking…")
        elif value:
            base = str(value) if is_remote(str(value)) else os.path.basename(local_path(str(value)))
            text = self.file.fontMetrics().elidedText(base, Qt.TextElideMode.ElideMiddle, 160)
            if info is not None and info.duration:
                text += " · " + self.tr("%1 s").replace("%1", f"{info.duration:.1f}")
        else:
            text = {"audio": self.tr("none — drop an audio file on this row"),
                    "image": self.tr("none — drop an image on this row"),
                    "video": self.tr("none — drop a video on this row")}.get(self.fld.media, "")
        self.file.setText(text)
        self.file.setToolTip(str(value or ""))
        self.clear_button.setEnabled(bool(value) or name in ex.checking)


class ItemRow(QFrame):
    """One item of a section, under its zone: a chip with the item's tag (a click puts it into the prompt),
    the file's name, and an editor for each extra field its type takes."""

    def __init__(self, section: MediaSection, extras: Extras, parent: QWidget | None = None):
        super().__init__(parent)
        self.section, self.extras = section, extras
        self.fields = section.mt.fields
        self.setObjectName("mediaItemRow")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        self.chip = QToolButton(self)
        self.chip.setObjectName("tagChip")
        self.chip.clicked.connect(lambda: section.chip_clicked(self.extras))
        self.chip.setVisible(section.mt.tag is not None)
        lay.addWidget(self.chip)
        self.name = QLabel(self)
        self.name.setObjectName("itemName")
        lay.addWidget(self.name)
        self.files: dict[str, FieldFile] = {}
        self.labels: dict[str, QLabel] = {}
        self.texts: dict[str, QLineEdit] = {}
        self.combos: dict[str, QComboBox] = {}
        self.checks: dict[str, QCheckBox] = {}
        values = extras.values
        for fld in self.fields:
            if fld.media in FILE_MEDIA:
                self.files[fld.name] = w = FieldFile(self, fld)
                lay.addWidget(w)
            elif fld.media == "bool":
                self.checks[fld.name] = box = QCheckBox(self)
                box.setChecked(bool(values.get(fld.name)))
                box.toggled.connect(lambda on, f=fld: section.set_field(self.extras, f, True if on else None))
                lay.addWidget(box)
            elif fld.choices:
                self.labels[fld.name] = QLabel(self)
                self.combos[fld.name] = combo = QComboBox(self)
                combo.setObjectName(f"field_{fld.name}")
                combo.addItem("", None)
                for c in fld.choices:
                    combo.addItem(c, c)
                combo.setCurrentIndex(max(0, combo.findData(values.get(fld.name))))
                combo.currentIndexChanged.connect(
                    lambda _i, f=fld, c=combo: section.set_field(self.extras, f, c.currentData()))
                lay.addWidget(self.labels[fld.name])
                lay.addWidget(combo)
            else:
                self.texts[fld.name] = edit = QLineEdit(self)
                edit.setObjectName(f"field_{fld.name}")
                edit.setClearButtonEnabled(True)
                edit.setText(str(values.get(fld.name) or ""))
                edit.textChanged.connect(lambda t, f=fld: section.set_field(self.extras, f, t.strip() or None))
                lay.addWidget(edit, 1)
        lay.addStretch(0 if self.texts else 1)
        self.setAcceptDrops(bool(self.files))

    def refresh(self) -> None:
        sec, ex = self.section, self.extras
        tag = sec.tag_of(ex)
        if sec.mt.tag is not None:
            shown = tag if tag is not None else tx(sec.mt.tag).replace("{name}", "…")
            self.chip.setText(shown.replace("&", "&&"))
            self.chip.setEnabled(tag is not None)
            name_field = next((f for f in self.fields if f.name == NAME_FIELD), None)
            self.chip.setToolTip(
                self.tr("Insert “%1” into the prompt at the cursor").replace("%1", tag) if tag is not None else
                self.tr("Type a name in “%1” first; the prompt then refers to this item as @name.")
                .replace("%1", tx(name_field.label) if name_field else ""))
        item = ex.item
        base = item.name
        self.name.setText(self.name.fontMetrics().elidedText(base, Qt.TextElideMode.ElideMiddle, 120))
        self.name.setToolTip(item.value)
        # screen readers: the row is the item ("图1: cat.png"), the chip what a click does, each field by its label
        self.setAccessibleName(f"{tag}: {base}" if tag is not None else base)
        self.chip.setAccessibleName(self.chip.toolTip())
        for w in self.files.values():
            w.refresh()
        for fld in self.fields:
            if fld.name in self.labels:
                self.labels[fld.name].setText(_label(fld.label))
            if fld.name in self.combos:
                combo = self.combos[fld.name]
                words = {"yes": self.tr("Yes"), "no": self.tr("No")}
                combo.setItemText(0, self.tr("Not set"))
                for i, c in enumerate(fld.choices, start=1):
                    combo.setItemText(i, words.get(c, c))
            if fld.name in self.texts:
                self.texts[fld.name].setPlaceholderText(tx(fld.label))
            if fld.name in self.checks:
                self.checks[fld.name].setText(tx(fld.label))
            for control in (self.combos.get(fld.name), self.texts.get(fld.name), self.checks.get(fld.name)):
                if control is not None:
                    control.setAccessibleName(f"{_label(fld.label)} {base}")

    # -- a file dropped on the row goes to its file field ----------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_paths(event.mimeData())[0]:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = local_paths(event.mimeData())[0]
        if not files:
            event.ignore()
            return
        event.acceptProposedAction()
        flds = [w.fld for w in self.files.values()]
        for path in files:
            fld = next((f for f in flds if f.media == guess_kind(path)), None)
            if fld is not None:
                self.section.offer_file(self.extras, fld, path)
                return
        self.section.offer_file(self.extras, flds[0], files[0])     # checked, and refused in words

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.refresh()
        super().changeEvent(event)


class MediaSection(QWidget):
    """One media type: title, what it takes, its zone (or link line), a row per item (its tag, its extra
    fields) and its message line."""

    changed = Signal()

    def __init__(self, editor: MediaEditor, mt: MediaType, parent: QWidget | None = None):
        super().__init__(parent)
        self.editor = editor
        self.mt = mt
        self.extras: list[Extras] = []         # one per item of the zone, in the zone's order
        self.rows: list[ItemRow] = []
        self.tag_offset = 0                    # items of the same media in the tagged types before this one
        self.refusal = ""                      # why the last thing offered here was not kept
        self._zone_text = ""                   # the zone's own last message
        self._pending: dict[str, list[dict[str, Any]]] = {}   # run again: fields waiting for their item
        self._fresh: list[Item] = []           # items added since the total length was last checked
        self._waiting = False
        self._enforcing = False
        self.setObjectName(f"media_{mt.type}")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 4)
        lay.setSpacing(2)
        self.title = QLabel(self)
        self.title.setObjectName("mediaTitle")
        lay.addWidget(self.title)
        self.facts = QLabel(self)
        self.facts.setObjectName("helpText")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.facts)
        self.zone: DropZone | None = None
        self.link: QLineEdit | None = None
        if mt.media == "link":
            self.link = QLineEdit(self)
            self.link.setObjectName(f"link_{mt.type}")
            self.link.setClearButtonEnabled(True)
            self.link.textChanged.connect(self._link_changed)
            lay.addWidget(self.link)
        else:
            self.zone = DropZone(editor.model, self.item_spec(), editor.paste_dir, parent=self,
                                 media=mt.media, max_items=mt.max_items)
            self.zone.setProperty("mediaType", mt.type)
            self.zone.changed.connect(self._zone_changed)
            self.zone.message.connect(self._zone_message)
            self.zone.batch_requested.connect(lambda files, z=self.zone: editor.batch_requested.emit(z, files))
            lay.addWidget(self.zone)
        self.strip = QWidget(self)
        self.strip.setObjectName("mediaItemRows")
        self.strip_layout = QVBoxLayout(self.strip)
        self.strip_layout.setContentsMargins(0, 0, 0, 0)
        self.strip_layout.setSpacing(2)
        self.strip.hide()
        lay.addWidget(self.strip)
        self.error = QLabel(self)
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        lay.addWidget(self.error)
        self.retranslate()

    def item_spec(self) -> InputSpec:
        """What one file of this type is checked against (a document: by its name and size only)."""
        return media_item_spec(self.editor.spec, self.mt)

    def set_type(self, mt: MediaType) -> None:
        """The model changed: the same type, maybe other limits, counts and fields. What is here stays
        (the fields too, sent again once a model takes them)."""
        self.mt = mt
        if self.zone is not None:
            self.zone.set_model(self.editor.model, self.item_spec(), max_items=mt.max_items)
        self._sync_rows()
        self.retranslate()

    # -- values ----------------------------------------------------------------------------
    def entries(self, batch_item: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        """(url, extra fields) of each item, in order; only the fields this type takes, none empty."""
        if self.link is not None:
            t = self.link.text().strip()
            return [(t, {})] if t else []
        assert self.zone is not None
        if self.zone.batch and batch_item is not None:
            return [(batch_item, {})]
        return [(i.value, self.field_values(self.extras_of(i))) for i in self.zone.usable]

    def field_values(self, ex: Extras | None) -> dict[str, Any]:
        if ex is None:
            return {}
        return {f.name: ex.values[f.name] for f in self.mt.fields if ex.values.get(f.name) not in (None, "")}

    def urls(self, batch_item: str | None = None) -> list[str]:
        return [url for url, _ in self.entries(batch_item)]

    def infos(self) -> list[Any]:
        """Probed files in file-slot order: each item's file, then its file fields that have a value."""
        out: list[Any] = []
        if self.zone is None:
            return out
        for item in self.zone.usable:
            out.append(item.info)
            ex = self.extras_of(item)
            values = self.field_values(ex)
            for f in self.mt.fields:
                if f.media in FILE_MEDIA and f.name in values:
                    out.append(ex.infos.get(f.name) if ex is not None else None)
        return out

    def set_urls(self, urls: list[str], missing: Collection[str] = ()) -> None:
        if self.link is not None:
            self.link.setText(urls[0] if urls else "")
            return
        assert self.zone is not None
        self.zone.set_value(urls if self.zone.multi else urls[:1], missing)

    def load(self, urls: list[str], fields: dict[str, list[dict[str, Any]]], missing: Collection[str] = ()) -> None:
        """Run again: these files, each item's fields put back once its file is in (by file); a file named in
        ``missing`` leaves a mark in the zone."""
        self.extras = []
        self._fresh = []
        self.refusal = ""
        self._pending = fields
        self.set_urls(urls, missing)
        self._sync()

    def duration(self) -> float:
        return float(self.zone.duration() or 0.0) if self.zone is not None else 0.0

    def extras_of(self, item: Item) -> Extras | None:
        return next((e for e in self.extras if e.item is item), None)

    # -- items and their rows --------------------------------------------------------------
    def _sync(self) -> None:
        """One Extras per zone item (a new item gets the fields run again left for it), and their rows."""
        items = self.zone.usable if self.zone is not None else []
        extras: list[Extras] = []
        for item in items:
            ex = self.extras_of(item)
            if ex is None:
                ex = Extras(item)
                self._restore(ex)
                self._fresh.append(item)
            extras.append(ex)
        self.extras = extras
        self._fresh = [i for i in self._fresh if _same(items, i)]
        if self.zone is None or not self.zone.busy():
            self._pending.clear()
        self._sync_rows()

    def _restore(self, ex: Extras) -> None:
        waiting = self._pending.get(MediaEditor.key(ex.item.value))
        if not waiting:
            return
        for fld in self.mt.fields:
            v = waiting[0].get(fld.name)
            if v in (None, ""):
                continue
            if fld.media in FILE_MEDIA:
                if is_local(str(v)):
                    self.offer_file(ex, fld, os.path.expanduser(local_path(str(v))))
                else:
                    ex.values[fld.name] = v          # a link: the service fetches it itself
            elif fld.media == "bool":
                ex.values[fld.name] = True if v else None
            elif not fld.choices or v in fld.choices:
                ex.values[fld.name] = str(v)
        waiting.pop(0)

    def _sync_rows(self) -> None:
        show = self.zone is not None and (self.mt.tag is not None or bool(self.mt.fields))
        rows: list[ItemRow] = []
        for ex in self.extras if show else []:
            row = next((r for r in self.rows if r.extras is ex and r.fields == self.mt.fields), None)
            rows.append(row or ItemRow(self, ex, self.strip))
        for r in self.rows:
            self.strip_layout.removeWidget(r)
            if not _same(rows, r):
                r.hide()
                r.deleteLater()
        for r in rows:
            self.strip_layout.addWidget(r)
            r.show()
            r.refresh()
        self.rows = rows
        self.strip.setVisible(bool(rows))

    def refresh_rows(self) -> None:
        for r in self.rows:
            r.refresh()

    def _row_of(self, ex: Extras) -> ItemRow | None:
        return next((r for r in self.rows if r.extras is ex), None)

    # -- tags ------------------------------------------------------------------------------
    def tag_of(self, ex: Extras) -> str | None:
        """How the prompt names this item (图1, <<<video_2>>>, @man); None for ``@{name}`` without a name."""
        tag = self.mt.tag
        if tag is None:
            return None
        if "{name}" in tag.zh:
            name = str(ex.values.get(NAME_FIELD) or "").strip()
            return tx(tag).replace("{name}", name) if name else None
        index = next((i for i, e in enumerate(self.extras) if e is ex), 0)
        return tag_text(tag, self.tag_offset + index + 1)

    def chip_clicked(self, ex: Extras) -> None:
        tag = self.tag_of(ex)
        if tag is not None:
            # a name tag must be followed by a space (the pages: "@男人 坐在…")
            named = self.mt.tag is not None and "{name}" in self.mt.tag.zh
            self.editor.tag_requested.emit(f"{tag} " if named else tag)

    # -- extra fields ----------------------------------------------------------------------
    def set_field(self, ex: Extras, fld: MediaField, value: Any) -> None:
        if value in (None, ""):
            ex.values.pop(fld.name, None)
        else:
            ex.values[fld.name] = value
        if fld.name == NAME_FIELD:
            row = self._row_of(ex)
            if row is not None:
                row.refresh()
        self.changed.emit()

    def clear_field(self, ex: Extras, fld: MediaField) -> None:
        for d in (ex.values, ex.infos, ex.checking):
            d.pop(fld.name, None)
        self._refresh_row(ex)
        self.changed.emit()

    def offer_file(self, ex: Extras, fld: MediaField, path: str) -> None:
        """A file for one item's file field (dropped, browsed or run again): probed, checked against the
        field's limits, and kept only if it passes."""
        path = os.path.abspath(path)
        ex.checking[fld.name] = path
        self.editor.job(+1)
        self._refresh_row(ex)
        spawn(self._check_file(ex, fld, path), name="probe-field")

    async def _check_file(self, ex: Extras, fld: MediaField, path: str) -> None:
        try:
            try:
                pv = await load_preview(path)
            except Exception as e:  # the probe raises its own errors; anything else is a bug worth words
                pv = Preview(path, error=str(e))
            if not shiboken6.isValid(self) or ex.checking.get(fld.name) != path:
                return                                   # cleared, or another file offered since
            del ex.checking[fld.name]
            refusal = self._file_refusal(fld, path, pv)
            if refusal is None:
                ex.values[fld.name] = path
                ex.infos[fld.name] = pv.info
            self._refresh_row(ex)
            if _same(self.extras, ex):
                self.refuse(refusal or "")
                self.changed.emit()
        finally:
            self.editor.job(-1)

    def _file_refusal(self, fld: MediaField, path: str, pv: Preview) -> str | None:
        name = os.path.basename(path)
        if pv.info is None:
            return self.tr("Could not read %1: %2.").replace("%1", name).replace(
                "%2", pv.error or self.tr("unreadable"))
        spec = media_item_spec(self.editor.spec, self.mt, fld.name)
        errors = catalog.check_file(self.editor.model, spec, pv.info)
        if errors:
            return self.tr("%1 was not used: %2").replace("%1", name).replace(
                "%2", " ".join(tx(e.message) for e in errors))
        return None

    def _refresh_row(self, ex: Extras) -> None:
        row = self._row_of(ex)
        if row is not None:
            row.refresh()

    # -- the total length of a type --------------------------------------------------------
    def _check_total(self) -> None:
        if not self.mt.total_duration or not self._fresh or self.zone is None:
            return
        if not self.zone.busy():
            self._enforce_total()
        elif not self._waiting:
            self._waiting = True
            spawn(self._total_when_idle(), name="media-total")

    async def _total_when_idle(self) -> None:
        try:
            if self.zone is not None:
                await self.zone.wait_idle()
        finally:
            self._waiting = False
        if shiboken6.isValid(self):
            self._enforce_total()

    def _enforce_total(self) -> None:
        """Files just added that take the type over its total length are not kept: the newest first,
        until the rest fits. (What was here already stays, even where another model allows less.)"""
        fresh, self._fresh = self._fresh, []
        zone, limit = self.zone, self.mt.total_duration
        if zone is None or not limit:
            return
        total = full = self.duration()
        if full <= limit + SLACK:
            return
        gone: list[Item] = []
        for item in sorted((i for i in fresh if _same(zone.items, i)), key=lambda i: i.seq, reverse=True):
            if total <= limit + SLACK:
                break
            secs = float(item.info.duration or 0.0) if item.info is not None else 0.0
            if secs:
                total -= secs
                gone.append(item)
        if not gone:
            return
        before = zone.refusal
        self._enforcing = True
        try:
            for item in gone:
                zone._remove(item)     # the zone's own removal: its view, its signals
        finally:
            self._enforcing = False
        self._zone_text = ""
        self._sync()
        names = ", ".join(os.path.basename(i.value) for i in reversed(gone))
        text = (self.tr("%1 was not used: with it, “%2” would add up to %3 s; the limit is %4 s in all.")
                if len(gone) == 1 else
                self.tr("%1 were not used: with them, “%2” would add up to %3 s; the limit is %4 s in all."))
        text = text.replace("%1", names).replace("%2", tx(self.mt.label)).replace("%3", f"{full:.1f}") \
            .replace("%4", _num(limit))
        self.refuse(f"{before} {text}".strip())
        self.changed.emit()

    # -- messages --------------------------------------------------------------------------
    def set_error(self, text: str) -> None:
        said = bool(text) and text != self.error.text()
        self.error.setText(text)
        self.error.setVisible(bool(text))
        if text and self in self.editor.more_sections:
            self.editor._update_more()
        target: QWidget | None = self.zone or self.link
        if self.zone is not None:
            self.zone.set_problem(text)
        elif self.link is not None:
            self.link.setAccessibleDescription(text)
        if said and target is not None:
            announce(target, text)

    def error_text(self) -> str:
        return self.error.text() if not self.error.isHidden() else ""

    def standing(self) -> str:
        """What the line says before any check of Generate: the zone's refusal and this section's."""
        return " ".join(t for t in (self._zone_text, self.refusal) if t)

    def refuse(self, text: str) -> None:
        """Say why something offered here was not kept ('' clears it), and ask to be scrolled to."""
        self.refusal = text
        self.set_error(self.standing())
        if text:
            self.editor.attention.emit(self)

    def _zone_message(self, text: str) -> None:
        said = text and text != self._zone_text
        self._zone_text = text
        self.set_error(self.standing())
        if said:
            self.editor.attention.emit(self)

    def _zone_changed(self) -> None:
        if self._enforcing:
            return
        self._zone_text = self.zone.refusal if self.zone is not None else ""
        self.refusal = ""
        self._sync()
        self.set_error(self.standing())
        self.show_facts()
        self.changed.emit()
        self._check_total()

    def show_facts(self) -> None:
        """What the type takes, in small print; in half a row only until a file is in (the picture matters then,
        and the zone's tooltip and description still say it)."""
        full = self.zone is not None and self.zone.compact and bool(self.zone.usable)
        self.facts.setVisible(bool(self.facts.text()) and not full)

    def _link_changed(self, text: str) -> None:
        t = text.strip()
        self.set_error("" if not t or is_remote(t) else
                       self.tr("A web link starts with http:// or https://."))
        self.changed.emit()

    # -- look ------------------------------------------------------------------------------
    def counts_text(self) -> str:
        mt = self.mt
        lo, hi = mt.min_items, mt.max_items
        if hi > 1 and lo == 0:
            return self.tr("Up to %n", "", hi)
        if hi > 1 and lo == hi:
            return self.tr("Exactly %n", "", hi)
        if hi > 1:
            return self.tr("%1 to %2").replace("%1", str(lo)).replace("%2", str(hi))
        return ""

    def limits_text(self) -> str:
        parts = limits_words(self.mt.limits)      # (its words are this class's: dropzone translates them so)
        if self.mt.total_duration:
            parts.append(self.tr("%1 s in all").replace("%1", _num(self.mt.total_duration)))
        return ("，" if i18n.language() == "zh" else ", ").join(parts)

    def retranslate(self) -> None:
        mt = self.mt
        self.title.setText(tx(mt.label) + (" *" if mt.min_items else ""))
        facts = [t for t in (self.counts_text(), self.limits_text()) if t]
        if mt.tag is not None:
            facts.append(self.tr("In the prompt: %1").replace("%1", tag_examples(mt.tag)))
        if mt.fields:
            facts.append(self.tr("Also takes: %1").replace("%1", ", ".join(tx(f.label) for f in mt.fields)))
        self.facts.setText(" · ".join(facts))
        self.show_facts()
        if self.link is not None:
            self.link.setPlaceholderText(self.tr("A web page for the model to read: https://…"))
            self.link.setAccessibleName(tx(mt.label))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class MediaEditor(QWidget):
    """The editor of one ``Kind.MEDIA`` input. ``changed`` fires on every change of any section;
    ``batch_requested`` (zone, files) asks the tab to confirm several photos for the first frame;
    ``tag_requested`` carries an item's tag for the prompt (图1, <<<image_1>>>, @man); ``attention``
    names a section that just refused something, to be scrolled into view."""

    changed = Signal()
    batch_requested = Signal(object, list)
    tag_requested = Signal(str)
    attention = Signal(QWidget)

    def __init__(self, model: str, spec: InputSpec, paste_dir: Path, allow_batch: bool = False,
                 parent: QWidget | None = None, pair_frames: bool = False):
        super().__init__(parent)
        self.model = model
        self.spec = spec
        self.paste_dir = paste_dir
        self.allow_batch = allow_batch
        #: a first and a last frame side by side (the first & last frame tab); elsewhere two *required* ones
        self.pair_frames = pair_frames
        self.pair = PairRow(self)
        self.pair.hide()
        # beside a pair of frames, the optional other types wait behind one line (the prompt stays in sight)
        self.more = QToolButton(self)
        self.more.setObjectName("moreInputs")
        self.more.setCheckable(True)
        self.more.setAutoRaise(True)
        self.more.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.more.setArrowType(Qt.ArrowType.RightArrow)
        self.more.toggled.connect(lambda _on: self._update_more())
        self.more.hide()
        self.more_sections: list[MediaSection] = []
        self.sections: dict[str, MediaSection] = {}
        self._jobs = 0                  # extra files being probed (a reference voice)
        self._idle = asyncio.Event()
        self._idle.set()
        self.setObjectName(f"mediaEditor_{spec.name}")
        self.lay = QVBoxLayout(self)
        self.lay.setContentsMargins(0, 0, 0, 0)
        self.lay.setSpacing(6)
        self.general = QLabel(self)
        self.general.setObjectName("fieldError")
        self.general.setWordWrap(True)
        self.general.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.general.hide()
        self.lay.addWidget(self.general)
        self._layout_sections()

    # -- structure -------------------------------------------------------------------------
    def types(self) -> list[MediaType]:
        return list(self.spec.media_types)

    def _layout_sections(self) -> None:
        for placed in self.sections.values():
            self.lay.removeWidget(placed)
            self.pair.lay.removeWidget(placed)
            placed.hide()
        self.lay.removeWidget(self.pair)
        self.pair.hide()
        self.lay.removeWidget(self.more)
        self.more_sections = []
        batch_type = self._batch_type()
        for mt in self.types():
            sec: MediaSection | None = self.sections.get(mt.type)
            if sec is not None and (sec.link is not None) != (mt.media == "link"):
                sec.deleteLater()
                sec = None
            if sec is None:
                sec = MediaSection(self, mt, self)
                sec.changed.connect(self._section_changed)
                self.sections[mt.type] = sec
            else:
                sec.set_type(mt)
            if sec.zone is not None:
                sec.zone.allow_batch = mt.type == batch_type
                sec.zone.set_compact(False)
                sec.show_facts()
            self.lay.insertWidget(self.lay.count() - 1, sec)
            sec.show()
        shown = self.shown()
        for a, b in zip(shown, shown[1:]):
            if self.pairs(a.mt, b.mt):
                index = self.lay.indexOf(a)
                self.lay.removeWidget(a)
                self.lay.removeWidget(b)
                self.pair.set_pair(a, b)
                self.lay.insertWidget(index, self.pair)
                self.pair.show()
                for half in (a, b):
                    assert half.zone is not None
                    half.zone.set_compact(True)
                    half.show_facts()
                if self.pair_frames:
                    self.more_sections = [s for s in shown if s is not a and s is not b and not s.mt.min_items]
                if self.more_sections:
                    self.lay.insertWidget(index + 1, self.more)
                break
        self._update_more()
        self._renumber()

    def _update_more(self) -> None:
        """The optional types beside a pair of frames: shown when asked for, or when one holds something or
        has something to say."""
        if not self.more_sections:
            self.more.hide()
            return
        on = self.more.isChecked()
        self.more.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.more.setText(self.tr("More inputs: %1").replace(
            "%1", ("、" if i18n.language() == "zh" else ", ").join(tx(s.mt.label) for s in self.more_sections)))
        self.more.show()
        for sec in self.more_sections:
            used = bool(sec.urls()) or bool(sec.zone is not None and sec.zone.items) or bool(sec.error_text())
            sec.setVisible(on or used)

    def pairs(self, a: MediaType, b: MediaType) -> bool:
        """Two one-image types that sit side by side: a first and a last frame in the tab for them, or any two
        the model requires."""
        if not all(mt.media == "image" and mt.max_items == 1 for mt in (a, b)):
            return False
        return self.pair_frames or (a.min_items >= 1 and b.min_items >= 1)

    def _batch_type(self) -> str | None:
        """In a tab that makes a batch from several photos: the first one-image type (the first frame)."""
        if not self.allow_batch:
            return None
        return next((mt.type for mt in self.types() if mt.media == "image" and mt.max_items == 1), None)

    def shown(self) -> list[MediaSection]:
        return [self.sections[mt.type] for mt in self.types() if mt.type in self.sections]

    def section(self, type_: str) -> MediaSection | None:
        sec = self.sections.get(type_)
        return sec if sec is not None and self.spec.media_type(type_) is not None else None

    def zones(self) -> list[DropZone]:
        return [s.zone for s in self.shown() if s.zone is not None]

    def set_model(self, model: str, spec: InputSpec) -> None:
        """Another model (or function): its types, limits and counts; files of types it still takes stay."""
        self.model, self.spec = model, spec
        self._layout_sections()
        self.set_general("")
        self.live_check()

    # -- the value -------------------------------------------------------------------------
    def value(self, batch_item: str | None = None) -> list[dict[str, Any]] | None:
        items = [{"type": sec.mt.type, "url": url, **fields}
                 for sec in self.shown() for url, fields in sec.entries(batch_item)]
        return items or None

    def item_types(self) -> list[str]:
        """The type of each item of :meth:`value`, by index (to put ``input.media[2]`` problems in place)."""
        return [sec.mt.type for sec in self.shown() for _ in sec.urls()]

    @staticmethod
    def key(url: str) -> str:
        return os.path.abspath(os.path.expanduser(local_path(url))) if is_local(url) else url

    def set_value(self, value: Any, missing: Collection[str] = ()) -> None:
        """Fill the zones from a media list ('run again'): each item goes to the zone of its type, its
        fields (a reference voice, a name) back on its row; a file named in ``missing`` leaves a mark."""
        by_type: dict[str, list[str]] = {}
        fields: dict[str, dict[str, list[dict[str, Any]]]] = {}
        unknown: list[str] = []
        for item in value if isinstance(value, (list, tuple)) else []:
            if not isinstance(item, dict):
                continue
            typ, url = str(item.get("type")), item.get("url")
            if not isinstance(url, str) or not url:
                continue
            if self.spec.media_type(typ) is None:
                unknown.append(typ)
                continue
            by_type.setdefault(typ, []).append(url)
            fields.setdefault(typ, {}).setdefault(self.key(url), []).append(
                {k: v for k, v in item.items() if k not in ("type", "url")})
        for sec in self.shown():
            sec.load(by_type.get(sec.mt.type, []), fields.get(sec.mt.type, {}), missing)
        self.set_general(self.tr("This model takes no media of type %1; those items were left out.")
                         .replace("%1", ", ".join(dict.fromkeys(unknown))) if unknown else "")

    def clear(self) -> None:
        self.set_value([])

    def media_infos(self) -> list[Any] | None:
        """Probed files in the kind's file-slot order — each item's file, then its file fields (a
        reference voice), items in :meth:`value`'s order — None where not probed."""
        infos = [i for sec in self.shown() for i in sec.infos()]
        return infos if any(i is not None for i in infos) else None

    def durations(self) -> dict[str, float]:
        """Seconds by media type (all reference videos together), as the engine counts them."""
        out: dict[str, float] = {}
        for sec in self.shown():
            d = sec.duration()
            if d:
                out[sec.mt.type] = out.get(sec.mt.type, 0.0) + d
        return out

    def problems(self) -> dict[str, list[str]]:
        return {s.mt.type: s.zone.problems() for s in self.shown() if s.zone is not None and s.zone.problems()}

    def missing(self) -> dict[str, list[str]]:
        """By type, the files restored settings named that are not on this computer (marks in the zones)."""
        return {s.mt.type: s.zone.missing() for s in self.shown() if s.zone is not None and s.zone.missing()}

    def busy(self) -> bool:
        return self._jobs > 0 or any(z.busy() for z in self.zones())

    async def wait_idle(self) -> None:
        await asyncio.gather(self._idle.wait(), *(z.wait_idle() for z in self.zones()))

    def job(self, delta: int) -> None:
        """An extra file's probe started (+1) or ended (-1)."""
        self._jobs += delta
        if self._jobs:
            self._idle.clear()
        else:
            self._idle.set()

    # -- messages --------------------------------------------------------------------------
    def set_general(self, text: str) -> None:
        said = bool(text) and text != self.general.text()
        self.general.setText(text)
        self.general.setVisible(bool(text))
        if said:
            announce(self, text)

    def general_text(self) -> str:
        return self.general.text() if not self.general.isHidden() else ""

    def clear_errors(self) -> None:
        self.set_general("")
        for sec in self.shown():
            sec.set_error(sec.standing())

    def section_for(self, error: FieldError) -> MediaSection | None:
        """The section a problem belongs to: by the item's index (``input.media[2].url``), by its type
        (``input.media.first_frame``), or by the type a count, length or 'needs' problem names; None for the
        editor (combinations, the list as a whole)."""
        field = error.field
        prefix = f"input.{self.spec.name}"
        if not field.startswith(prefix):
            return None
        rest = field[len(prefix):]
        if rest.startswith("."):
            return self.section(rest[1:])
        if rest.startswith("["):
            try:
                index = int(rest[1:rest.index("]")])
            except ValueError:
                return None
            if rest.endswith(".type"):
                return None
            types = self.item_types()
            return self.section(types[index]) if 0 <= index < len(types) else None
        if rest or error.code not in ("items", "required", "duration", "requires"):
            return None
        text = tx(error.message)
        named = [tx(s.mt.label) for s in self.shown() if tx(s.mt.label) and tx(s.mt.label) in text]
        named = [n for n in named if not any(n != o and n in o for o in named)]
        if len(set(named)) > 1 and error.code != "requires":
            return None          # about several types together (1–5 images and videos in all): the editor's
        counts: dict[str, int] = {}
        for t in self.item_types():
            counts[t] = counts.get(t, 0) + 1
        candidates: list[MediaSection] = []
        for sec in self.shown():
            mt, n = sec.mt, counts.get(sec.mt.type, 0)
            if error.code == "items" and n <= mt.max_items:
                continue
            if error.code == "required" and n >= mt.min_items:
                continue
            if error.code == "duration" and not (mt.total_duration and sec.duration() > mt.total_duration + 0.05):
                continue
            if error.code == "requires" and not n:
                continue
            candidates.append(sec)
        # the one whose name comes first in the message (the longer name where two start there)
        found = [(text.find(tx(s.mt.label)), -len(tx(s.mt.label)), i) for i, s in enumerate(candidates)
                 if tx(s.mt.label) and tx(s.mt.label) in text]
        if not found:
            return None
        return candidates[min(found)[2]]

    def show_error(self, error: FieldError, keep: bool = True) -> QWidget:
        """Put a problem beside its zone, or on the editor. Returns where it went."""
        sec = self.section_for(error)
        msg = tx(error.message)
        if sec is not None:
            before = sec.error_text() if keep else ""
            if msg not in before:
                sec.set_error(f"{before} {msg}".strip())
            return sec
        before = self.general_text() if keep else ""
        if msg not in before:
            self.set_general(f"{before} {msg}".strip())
        return self

    def live_check(self) -> None:
        """Show at once what can already be said about the mix: a combination the model does not take,
        or more of a type than it allows."""
        self.set_general("")
        value = self.value()
        if not value:
            return
        for p in KINDS[Kind.MEDIA].check(self.model, self.spec, value):
            if p.code in LIVE_CODES and p.field == f"input.{self.spec.name}":
                self.show_error(FieldError(p.field, p.code, p.message))

    def _section_changed(self) -> None:
        self._update_more()
        if self._enforce_groups():
            return              # the removal changed the sections again, and that change did the rest
        self._renumber()
        self.live_check()
        self.changed.emit()

    def _enforce_groups(self) -> bool:
        """Files just dropped that take a group of types over the most it allows in all (wan2.7-r2v: 5
        pictures and clips together) are not kept: the newest go, and the zone they were dropped on says why."""
        for group, _lo, hi in self.spec.media_counts:
            secs = [s for s in self.shown() if s.mt.type in group and s.zone is not None]
            held = [(item.seq, sec, item) for sec in secs if sec.zone is not None for item in sec.zone.usable]
            if len(held) <= hi:
                continue
            over = sorted(held, key=lambda t: t[0], reverse=True)[:len(held) - hi]
            labels = "、".join(tx(s.mt.label) for s in secs) if i18n.language() == "zh" else \
                " + ".join(tx(s.mt.label) for s in secs)
            by_section: dict[int, tuple[MediaSection, list[Item]]] = {}
            for _seq, sec, item in over:
                by_section.setdefault(id(sec), (sec, []))[1].append(item)
            for sec, items in by_section.values():
                assert sec.zone is not None
                for item in items:
                    sec.zone._remove(item)
                names = ", ".join(os.path.basename(i.value) for i in reversed(items))
                sec.refuse(self.tr("%1 not used: %2 take at most %3 files in all.").replace("%1", names)
                           .replace("%2", labels).replace("%3", str(hi)))
            return True
        return False

    def _renumber(self) -> None:
        """Tags count the items of one media across the tagged types, in request order (as the sandbox
        reads them): reference images 图1, 图2 …, reference videos 视频1 …."""
        seen: dict[str, int] = {}
        for sec in self.shown():
            if sec.mt.tag is None or sec.zone is None:
                continue
            sec.tag_offset = seen.get(sec.mt.media, 0)
            seen[sec.mt.media] = sec.tag_offset + len(sec.zone.usable)
            sec.refresh_rows()

    def error_texts(self) -> dict[str, str]:
        return {s.mt.type: s.error_text() for s in self.shown() if s.error_text()}

    def retranslate(self) -> None:
        for sec in self.sections.values():
            sec.retranslate()
            sec.refresh_rows()
        self._update_more()

    def focus(self) -> None:
        zones = self.zones()
        if zones:
            zones[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.live_check()
            self._update_more()
        super().changeEvent(event)
