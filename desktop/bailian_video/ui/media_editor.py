"""The editor of an ``input.media`` list (the 2026 protocol): one drop zone per media type.

Each type the model takes gets its own section — its label, counts and limits, a drop zone
(several files where the type takes more than one, a document zone for ``file``) or a line for a
``link`` — and its own message line. The value is the list of ``{type, url}`` items in the order
of the model's media types. Problems with one type (too many, a file over the limits) show beside
that type's zone; problems with the mix (a combination the model does not take) on the editor.
"""
from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from .. import i18n
from ..catalog import FieldError, InputSpec, Kind, Limits
from ..catalog.kinds import KINDS, media_item_spec
from ..catalog.schema import MediaType
from ..catalog.values import is_local, is_remote, local_path
from ..i18n import T
from .dropzone import DropZone
from .util import tx

FILE_MEDIA = ("image", "video", "audio")
#: problems shown while editing (the rest wait for Generate: an empty form is not an error yet)
LIVE_CODES = ("combination", "items")


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


class MediaSection(QWidget):
    """One media type: title, what it takes, its zone (or link line) and its message line."""

    changed = Signal()

    def __init__(self, editor: MediaEditor, mt: MediaType, parent: QWidget | None = None):
        super().__init__(parent)
        self.editor = editor
        self.mt = mt
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
            self.zone.message.connect(self.set_error)
            self.zone.batch_requested.connect(lambda files, z=self.zone: editor.batch_requested.emit(z, files))
            lay.addWidget(self.zone)
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
        """The model changed: the same type, maybe other limits and counts. What is here stays."""
        self.mt = mt
        if self.zone is not None:
            self.zone.set_model(self.editor.model, self.item_spec(), max_items=mt.max_items)
        self.retranslate()

    # -- values ----------------------------------------------------------------------------
    def urls(self, batch_item: str | None = None) -> list[str]:
        if self.link is not None:
            t = self.link.text().strip()
            return [t] if t else []
        assert self.zone is not None
        if self.zone.batch and batch_item is not None:
            return [batch_item]
        return [i.value for i in self.zone.items]

    def infos(self) -> list[Any]:
        if self.zone is None:
            return []
        return [i.info for i in self.zone.items]

    def set_urls(self, urls: list[str]) -> None:
        if self.link is not None:
            self.link.setText(urls[0] if urls else "")
            return
        assert self.zone is not None
        self.zone.set_value(urls if self.zone.multi else urls[:1])

    def duration(self) -> float:
        return float(self.zone.duration() or 0.0) if self.zone is not None else 0.0

    # -- messages --------------------------------------------------------------------------
    def set_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def error_text(self) -> str:
        return self.error.text() if not self.error.isHidden() else ""

    def _zone_changed(self) -> None:
        self.set_error(self.zone.refusal if self.zone is not None else "")
        self.changed.emit()

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
        lim: Limits | None = self.mt.limits
        parts: list[str] = []
        if lim is not None:
            if lim.formats:
                parts.append("/".join(f.upper() for f in lim.formats))
            if lim.max_bytes:
                parts.append(self.tr("up to %1 MB").replace("%1", _num(round(lim.max_bytes / 1024 / 1024, 1))))
            if lim.min_side and lim.max_side:
                parts.append(self.tr("sides %1–%2 px").replace("%1", str(lim.min_side)).replace("%2", str(lim.max_side)))
            elif lim.min_side:
                parts.append(self.tr("sides at least %1 px").replace("%1", str(lim.min_side)))
            elif lim.max_side:
                parts.append(self.tr("sides up to %1 px").replace("%1", str(lim.max_side)))
            if lim.min_duration and lim.max_duration:
                parts.append(self.tr("%1–%2 s").replace("%1", _num(lim.min_duration))
                             .replace("%2", _num(lim.max_duration)))
            elif lim.max_duration:
                parts.append(self.tr("up to %1 s").replace("%1", _num(lim.max_duration)))
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
        self.facts.setVisible(bool(facts))
        if self.link is not None:
            self.link.setPlaceholderText(self.tr("A web page for the model to read: https://…"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class MediaEditor(QWidget):
    """The editor of one ``Kind.MEDIA`` input. ``changed`` fires on every change of any section;
    ``batch_requested`` (zone, files) asks the tab to confirm several photos for the first frame."""

    changed = Signal()
    batch_requested = Signal(object, list)

    def __init__(self, model: str, spec: InputSpec, paste_dir: Path, allow_batch: bool = False,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.spec = spec
        self.paste_dir = paste_dir
        self.allow_batch = allow_batch
        self.sections: dict[str, MediaSection] = {}
        #: extra fields of loaded items ({type, url, reference_voice …}) kept as they were, by (type, url)
        self._extras: dict[tuple[str, str], dict[str, Any]] = {}
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
        for sec in self.sections.values():
            self.lay.removeWidget(sec)
            sec.hide()
        batch_type = self._batch_type()
        for mt in self.types():
            sec = self.sections.get(mt.type)
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
            self.lay.insertWidget(self.lay.count() - 1, sec)
            sec.show()

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
        items: list[dict[str, Any]] = []
        for sec in self.shown():
            for url in sec.urls(batch_item):
                item: dict[str, Any] = {"type": sec.mt.type, "url": url}
                allowed = {f.name for f in sec.mt.fields}
                extra = self._extras.get((sec.mt.type, self._key(url)), {})
                item.update({k: v for k, v in extra.items() if k in allowed})
                items.append(item)
        return items or None

    def item_types(self) -> list[str]:
        """The type of each item of :meth:`value`, by index (to put ``input.media[2]`` problems in place)."""
        return [sec.mt.type for sec in self.shown() for _ in sec.urls()]

    @staticmethod
    def _key(url: str) -> str:
        return os.path.abspath(os.path.expanduser(local_path(url))) if is_local(url) else url

    def set_value(self, value: Any) -> None:
        """Fill the zones from a media list ('run again'): each item goes to the zone of its type."""
        self._extras.clear()
        by_type: dict[str, list[str]] = {}
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
            extra = {k: v for k, v in item.items() if k not in ("type", "url")}
            if extra:
                self._extras[(typ, self._key(url))] = extra
        for sec in self.shown():
            sec.set_urls(by_type.get(sec.mt.type, []))
        self.set_general(self.tr("This model takes no media of type %1; those items were left out.")
                         .replace("%1", ", ".join(dict.fromkeys(unknown))) if unknown else "")

    def clear(self) -> None:
        self.set_value([])

    def media_infos(self) -> list[Any] | None:
        """Probed files in the kind's file-slot order (urls and file fields), None where not probed."""
        infos: list[Any] = []
        value = self.value() or []
        by_type = {sec.mt.type: iter(sec.infos()) for sec in self.shown()}
        for item in value:
            mt = self.spec.media_type(item["type"])
            if mt is None:
                continue
            if mt.media != "link":
                infos.append(next(by_type[mt.type], None))
            for fld in mt.fields:
                if fld.media in FILE_MEDIA and item.get(fld.name):
                    infos.append(None)
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

    def busy(self) -> bool:
        return any(z.busy() for z in self.zones())

    async def wait_idle(self) -> None:
        await asyncio.gather(*(z.wait_idle() for z in self.zones()))

    # -- messages --------------------------------------------------------------------------
    def set_general(self, text: str) -> None:
        self.general.setText(text)
        self.general.setVisible(bool(text))

    def general_text(self) -> str:
        return self.general.text() if not self.general.isHidden() else ""

    def clear_errors(self) -> None:
        self.set_general("")
        for sec in self.shown():
            sec.set_error(sec.zone.refusal if sec.zone is not None else "")

    def section_for(self, error: FieldError) -> MediaSection | None:
        """The section a problem belongs to: by the item's index (``input.media[2].url``), or by the type a
        count, length or 'needs' problem names; None for the editor (combinations, the list as a whole)."""
        field = error.field
        prefix = f"input.{self.spec.name}"
        if not field.startswith(prefix):
            return None
        rest = field[len(prefix):]
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
        if self._extras:      # a removed item's fields go with it
            here = {(s.mt.type, self._key(u)) for s in self.shown() for u in s.urls()}
            self._extras = {k: v for k, v in self._extras.items() if k in here or self._loading(k[0])}
        self.live_check()
        self.changed.emit()

    def _loading(self, type_: str) -> bool:
        sec = self.section(type_)
        return sec is not None and sec.zone is not None and sec.zone.busy()

    def error_texts(self) -> dict[str, str]:
        return {s.mt.type: s.error_text() for s in self.shown() if s.error_text()}

    def retranslate(self) -> None:
        for sec in self.sections.values():
            sec.retranslate()

    def focus(self) -> None:
        zones = self.zones()
        if zones:
            zones[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.live_check()
        super().changeEvent(event)
