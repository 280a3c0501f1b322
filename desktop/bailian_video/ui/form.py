"""One tab per model family: a model picker, the model's inputs and parameters built from the
catalogue, a live cost estimate, and Generate.

The catalogue decides everything shown here: which fields exist, which choices are valid, the
limits a dropped file is checked against, and the price. Submitting goes through the engine,
which validates again (with the files hashed and probed) and owns the task from then on.
"""
from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .. import catalog
from ..catalog import (
    Family,
    FieldError,
    InputSpec,
    Kind,
    ModelSpec,
    ParamSpec,
    Price,
    ValidationError,
    makers,
)
from ..catalog.kinds import file_slots
from ..catalog.values import is_local, local_path
from ..engine import Request, State, budget
from ..engine.intake import needs_consent
from ..i18n import T
from . import budget_ui
from .config import UiConfig
from .dropzone import DropZone, doc_extension, local_paths, missing_text
from .fields import (
    ChoiceEditor,
    Editor,
    FieldRow,
    PairRow,
    StrListEditor,
    TextEditor,
    announce,
    input_editor,
    param_editor,
)
from .media_editor import MediaEditor, MediaSection
from .media_jobs import guess_kind, load_preview
from .model_picker import ModelPicker, tier_label
from .session import Session
from .util import Debouncer, ask, fmt_money, fmt_unit_price, set_state, spawn, tx

if TYPE_CHECKING:
    from .before_after import BeforeAfter

log = logging.getLogger("bailian_video.ui")
translate = QCoreApplication.translate


def family_title(f: Family | str) -> str:
    """The tab's name (from the catalogue's family descriptions)."""
    return tx(catalog.family_spec(f).title)


def family_blurb(f: Family | str) -> str:
    """One line under the tab's title saying what it makes, for someone who never used the API."""
    return tx(catalog.family_spec(f).blurb)


def _rates_text(rates: dict[str, float], unit: str, spec: ModelSpec | None = None) -> str:
    return " · ".join(f"{fmt_unit_price(amount)}{unit}" +
                      ("" if tier == "*" else f" {tier_label(spec, tier) if spec is not None else tier}")
                      for tier, amount in rates.items())


def _switch_text(spec: ModelSpec, price: Price, key: str, rates: str) -> str:
    """Another price table and what picks it: 'Generate audio off: ¥0.15/s 720P …'."""
    p = spec.param(price.switch or "")
    label = tx(p.label) if p is not None else str(price.switch)
    if p is not None and p.type == "bool":
        text = translate("FamilyTab", "%1 on: %2") if key == "true" else translate("FamilyTab", "%1 off: %2")
        return text.replace("%1", label).replace("%2", rates)
    choice = next((c for c in (p.choices if p is not None else ()) if str(c.value) == key), None)
    return translate("FamilyTab", "%1 “%2”: %3").replace("%1", label) \
        .replace("%2", tx(choice.label) if choice is not None else key).replace("%3", rates)


def price_text(spec: ModelSpec, region: str | None = None) -> str:
    """'¥0.14/s 480P · ¥0.70/s 1080P' at the region's prices, the other tables of a switch after it
    ('Generate audio off: ¥0.15/s 720P …'), marked ≈ when the catalogue's figure is an estimate."""
    p = spec.price_in(region)
    unit = translate("FamilyTab", "/s") if p.unit == "second" else translate("FamilyTab", "/image")
    text = _rates_text(p.by_tier, unit, spec)
    for key, rates in p.tables.items():
        text += " · " + _switch_text(spec, p, key, _rates_text(rates, unit))
    if not p.confirmed:
        text = translate("FamilyTab", "≈ %1 (estimated)").replace("%1", text)
    return text


def _local_files(spec: ModelSpec, inputs: dict[str, Any], function: str | None) -> set[str]:
    """Every local file a request names, where the input kinds say files sit."""
    return {local_path(slot.value) for ins in spec.inputs_for(function) if ins.name in inputs
            for slot in file_slots(ins, inputs[ins.name]) if is_local(slot.value)}


#: editors whose value is files (not remembered as text between runs)
FILE_EDITORS = (DropZone, MediaEditor)


def focus_chain(layout: QLayout) -> list[QWidget]:
    """The widgets a Tab key stops at, in the order ``layout`` shows them (into nested layouts and scroll areas;
    a control's own children, a spin box's line edit, are its own business)."""
    out: list[QWidget] = []

    def visit(w: QWidget) -> None:
        own = w.layout()
        if isinstance(w, QScrollArea):
            inner = w.widget()
            if inner is not None:
                visit(inner)
        elif own is not None:
            walk(own)
            # a control placed by hand on its container (a tile's remove button on its corner)
            out.extend(c for c in w.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
                       if c.layout() is None and c.focusPolicy() & Qt.FocusPolicy.TabFocus and c not in out
                       and own.indexOf(c) < 0 and not isinstance(c, QScrollArea))
        elif w.focusPolicy() & Qt.FocusPolicy.TabFocus:
            out.append(w)

    def walk(lay: QLayout) -> None:
        for i in range(lay.count()):
            item = lay.itemAt(i)
            if item is None:
                continue
            child, nested = item.widget(), item.layout()
            if child is not None:
                visit(child)
            elif nested is not None:
                walk(nested)
    walk(layout)
    return out


def field_key(field: str) -> str:
    """'input.ref_images_url[1]' → 'ref_images_url'; 'parameters.size' → 'size'; 'input.media.first_frame' →
    'media'."""
    name = field.split(".", 1)[1] if "." in field else field
    return name.split("[", 1)[0].split(".", 1)[0]


class FamilyTab(QWidget):
    """The form of one family. ``submitted`` carries the new TaskRecords.

    The widgets are made on first use (:meth:`ensure_built`): the window paints its first tab at
    once and builds the others while idle.
    """

    # The most videos one click may ask for (a batch multiplies it); above the consent threshold it asks first.
    MAX_COUNT = 20

    submitted = Signal(list)
    show_task = Signal(object)        # a duplicate's existing record, to select in the queue
    open_task = Signal(object)        # … and to play (an exact repeat of a finished video: "open it")
    restore_requested = Signal(str)   # a video this app made (or its JSON) dropped here: load its settings

    def __init__(self, family: Family, session: Session, config: UiConfig, parent: QWidget | None = None):
        super().__init__(parent)
        self.family = Family(family)
        self.session = session
        self.config = config
        self.models = catalog.by_family(self.family)
        self.spec: ModelSpec = self.models[0]
        self.function: str | None = None
        self.input_rows: dict[str, FieldRow] = {}
        self.input_editors: dict[str, Any] = {}        # name -> Editor | DropZone (current spec)
        self._input_cache: dict[tuple, tuple[FieldRow, Any]] = {}
        self.param_rows: dict[str, FieldRow] = {}
        self.param_editors: dict[str, Editor] = {}
        self._params_by_model: dict[str, dict[str, Any]] = {}
        self._restoring = False
        self._busy = False
        self._note_kind = ""
        self._note_say: Callable[[], str] | None = None    # the last note, said again in a new language
        self._note_error = False
        self._amount = ""                          # the estimate, for Generate's accessible name
        self._refusal_rows: list[FieldRow] = []     # rows marked by the engine's refusal (cleared on any change)
        self._last_tier: str | None = None         # the resolution the picker's prices are at
        self._chosen_tier: str | None = None       # the resolution the person chose, carried across models
        self._tier_touched = False                 # … chosen on the model shown now
        self.pair: PairRow | None = None           # two image fields in one row (made when first needed)
        self._brief = False                        # a short window: help texts in tooltips
        self._mine: set[int] = set()               # tasks made from this tab (their results fill the preview)
        self.preview_toggle: QToolButton | None = None
        self.preview: BeforeAfter | None = None     # made when first opened
        self.setObjectName(f"tab_{self.family.value}")
        self.setAcceptDrops(True)
        self._built = False
        self._save_later = Debouncer(400, self.save_state, self)
        self._estimate_later = Debouncer(60, self.update_estimate, self)
        self._order_later = Debouncer(0, self.order_tabs, self)

    @property
    def built(self) -> bool:
        return self._built

    def ensure_built(self) -> FamilyTab:
        if not self._built:
            self._built = True
            self._build()
            self.restore_state()
            self.session.totals_changed.connect(self.update_estimate)
            if self.preview_toggle is not None:
                self.session.task_changed.connect(self._task_changed)
            self.session.backend_changed.connect(self._backend_changed)
        return self

    def showEvent(self, event: Any) -> None:  # noqa: N802
        self.ensure_built()
        super().showEvent(event)

    COMPACT_HEIGHT = 560
    WIDE = 700
    #: the resolution of a model's first use: sharp enough to judge, and the cheaper tier on most models
    FIRST_TIERS = ("720P", "480P")

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._built:
            self._arrange_columns()
            # In a short window the fields matter more than the introductions. Hiding them can change the
            # height the window gives the tab, so the two thresholds are apart (no flip-flop between them).
            h = self.height()
            roomy = True if h >= self.COMPACT_HEIGHT + 30 else False if h < self.COMPACT_HEIGHT - 30 else None
            if roomy is not None and roomy != self.blurb.isVisibleTo(self):
                for w in (self.blurb, self.model_desc, self.inputs_title, self.params_title):
                    w.setVisible(roomy)
                self._brief = not roomy         # … and the fields' help goes into their titles' tooltips
                for row in [*self.input_rows.values(), *self.param_rows.values()]:
                    row.set_brief(self._brief)

    # -- construction ------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 10)
        outer.setSpacing(8)

        self.blurb = QLabel(self)
        self.blurb.setObjectName("blurb")
        self.blurb.setWordWrap(True)
        outer.addWidget(self.blurb)

        self.head = head = QGridLayout()        # the price beside the model, or under it in a narrow form
        head.setHorizontalSpacing(8)
        head.setVerticalSpacing(2)
        self.model_label = QLabel(self)
        self.model_combo = ModelPicker(self.models, self)
        self.model_combo.setObjectName("modelCombo")
        self.model_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.model_label.setBuddy(self.model_combo)
        self.model_combo.currentIndexChanged.connect(self._model_picked)
        self.price = QLabel(self)
        self.price.setObjectName("priceLabel")
        self.price.setWordWrap(True)          # several tiers and tables: lines, not a wider form
        self.price.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        head.addWidget(self.model_label, 0, 0)
        head.addWidget(self.model_combo, 0, 1)
        head.addWidget(self.price, 0, 2)
        head.setColumnStretch(2, 1)
        self._price_beside = True
        outer.addLayout(head)
        self.model_desc = QLabel(self)
        self.model_desc.setObjectName("helpText")
        self.model_desc.setWordWrap(True)
        outer.addWidget(self.model_desc)
        self.model_error = QLabel(self)
        self.model_error.setObjectName("fieldError")
        self.model_error.setWordWrap(True)
        self.model_error.hide()
        outer.addWidget(self.model_error)

        self.function_box = QWidget(self)
        fl = QHBoxLayout(self.function_box)
        fl.setContentsMargins(0, 0, 0, 0)
        self.function_label = QLabel(self.function_box)
        self.function_combo = QComboBox(self.function_box)
        self.function_combo.setObjectName("functionCombo")
        self.function_label.setBuddy(self.function_combo)
        self.function_desc = QLabel(self.function_box)
        self.function_desc.setObjectName("helpText")
        self.function_desc.setWordWrap(True)
        fl.addWidget(self.function_label)
        fl.addWidget(self.function_combo)
        fl.addWidget(self.function_desc, 1)
        self.function_combo.currentIndexChanged.connect(self._function_picked)
        outer.addWidget(self.function_box)

        if catalog.family_spec(self.family).before_after:
            self._build_preview_box()
        # The inputs and the settings: side by side in a wide form, one after the other in a narrow one (beside
        # a large result), in one scroll area either way.
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)    # not a Tab stop of its own: the fields in it are
        body = QWidget(self.scroll_area)
        body.setObjectName("formBody")
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight, body)
        self.columns.setContentsMargins(4, 0, 12, 0)
        self.columns.setSpacing(16)
        self.inputs_body, self.inputs_layout, self.inputs_title = self._column(body)
        self.params_body, self.params_layout, self.params_title = self._column(body)
        self.columns.addWidget(self.inputs_body, 3)
        self.columns.addWidget(self.params_body, 2)
        self.columns.addStretch(0)
        self.scroll_area.setWidget(body)
        outer.addWidget(self.scroll_area, 1)

        bar = QFrame(self)
        bar.setObjectName("generateBar")
        bl = QHBoxLayout(bar)
        bl.setContentsMargins(10, 6, 10, 6)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        self.estimate = QLabel(bar)
        self.estimate.setObjectName("estimate")
        self.estimate.setWordWrap(True)
        self.estimate.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel(bar)
        self.note.setObjectName("note")
        self.note.setWordWrap(True)
        self.note.hide()
        texts.addWidget(self.estimate)
        texts.addWidget(self.note)
        bl.addLayout(texts, 1)
        self.count_label = QLabel(bar)
        self.count = QSpinBox(bar)
        self.count.setObjectName("countSpin")
        self.count.setRange(1, self.MAX_COUNT)
        self.count_label.setBuddy(self.count)
        self.count.valueChanged.connect(self._changed)
        self.generate_button = QPushButton(bar)
        self.generate_button.setObjectName("generateButton")
        self.generate_button.setDefault(True)
        self.generate_button.setMinimumHeight(34)
        self.generate_button.clicked.connect(self.generate)
        bl.addWidget(self.count_label)
        bl.addWidget(self.count)
        bl.addSpacing(8)
        bl.addWidget(self.generate_button)
        outer.addWidget(bar)
        self.retranslate()

    # -- before / after --------------------------------------------------------------------
    def _build_preview_box(self) -> None:
        """A button that opens the source video beside its edited result (closed at first: nothing plays,
        nothing loads, until the person asks)."""
        self.preview_box = QWidget(self)
        lay = QVBoxLayout(self.preview_box)
        lay.setContentsMargins(0, 6, 0, 0)
        lay.setSpacing(4)
        self.preview_toggle = QToolButton(self.preview_box)
        self.preview_toggle.setObjectName("previewToggle")
        self.preview_toggle.setCheckable(True)
        self.preview_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.preview_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.preview_toggle.toggled.connect(self._preview_toggled)
        lay.addWidget(self.preview_toggle)

    def _preview_toggled(self, on: bool) -> None:
        assert self.preview_toggle is not None
        self.preview_toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        if on and self.preview is None:
            from .before_after import BeforeAfter  # Qt Multimedia loads when first wanted, not at start-up
            self.preview = BeforeAfter(self.preview_box)
            box_layout = self.preview_box.layout()
            assert box_layout is not None        # made with the box
            box_layout.addWidget(self.preview)
        if self.preview is not None:
            self.preview.setVisible(on)
            if on:
                self._update_preview()
                self.reveal(self.preview)
            else:
                self.preview.pause()

    def source_video(self) -> str | None:
        """The local video the model works on (the first video dropped on a field that takes one)."""
        for z in self.zones():
            if z.takes("video"):
                for item in z.items:
                    if not item.remote and item.info is not None and item.info.kind == "video":
                        return local_path(item.value)
        return None

    def _update_preview(self) -> None:
        if self.preview is None or not self.preview.isVisible():
            return
        src = self.source_video()
        if src != self.preview.before_path:
            self.preview.set_before(src)
            self.preview.set_after(self._result_for(src))

    def _result_for(self, src: str | None) -> str | None:
        """The newest finished video this tab made from ``src``."""
        eng = self.session.engine
        if src is None or eng is None:
            return None
        for tid in sorted(self._mine, reverse=True):
            rec = eng.get(tid)
            if rec is not None and rec.state == State.DONE and rec.output_path and \
                    src in _local_files(catalog.require(rec.model), rec.request.inputs, rec.request.function) and \
                    Path(rec.output_path).is_file():
                return str(rec.output_path)
        return None

    def _task_changed(self, rec: Any) -> None:
        if rec.id in self._mine and rec.state == State.DONE and self.preview is not None and \
                self.preview.isVisible() and self.preview.before_path is not None:
            after = self._result_for(self.preview.before_path)
            if after is not None and after != self.preview.after_path:
                self.preview.set_after(after)

    def _column(self, parent: QWidget) -> tuple[QWidget, QVBoxLayout, QLabel]:
        body = QWidget(parent)
        body.setObjectName("formColumn")
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        title = QLabel(body)
        title.setObjectName("columnTitle")
        lay.addWidget(title)
        lay.addStretch(1)
        return body, lay, title

    def _arrange_columns(self) -> None:
        """Side by side from ``WIDE`` pixels on (each column has room for its fields), else the settings under
        the inputs."""
        beside = self.width() >= self.WIDE
        if beside != self._price_beside:
            self._price_beside = beside
            self.head.removeWidget(self.price)
            self.head.addWidget(self.price, *((0, 2) if beside else (1, 1, 1, 2)))
        wide = beside and not self.params_body.isHidden()
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if direction != self.columns.direction():
            self.columns.setDirection(direction)
            self.columns.setStretch(0, 3 if wide else 0)
            self.columns.setStretch(1, 2 if wide else 0)
            self.columns.setStretch(2, 0 if wide else 1)

    # -- model and function ----------------------------------------------------------------
    def _model_picked(self, index: int) -> None:
        name = self.model_combo.itemData(index)
        if name and name != self.spec.name:
            self._remember_params()
            self.spec = catalog.require(name)
            self._setup_functions()
            self._rebuild_fields()
            self._changed()

    def _function_picked(self, index: int) -> None:
        fn = self.function_combo.itemData(index)
        if fn and fn != self.function:
            self._remember_params()
            self.function = fn
            self._rebuild_fields()
            self._changed()

    def set_model(self, name: str, function: str | None = None) -> bool:
        spec = catalog.get(name)
        if spec is None or spec not in self.models:
            return False
        i = self.model_combo.findData(spec.name)
        self.model_combo.blockSignals(True)
        self.model_combo.setCurrentIndex(i)
        self.model_combo.blockSignals(False)
        if spec is not self.spec:
            self._remember_params()
        self.spec = spec
        self._setup_functions(function)
        self._rebuild_fields()
        self._changed()
        return True

    def _setup_functions(self, function: str | None = None) -> None:
        fns = self.spec.functions
        self.function_box.setVisible(bool(fns))
        self.function_combo.blockSignals(True)
        self.function_combo.clear()
        for name, fs in fns.items():
            self.function_combo.addItem(tx(fs.label), name)
        if fns:
            want = function if function in fns else (self.function if self.function in fns else next(iter(fns)))
            self.function = want
            self.function_combo.setCurrentIndex(self.function_combo.findData(want))
        else:
            self.function = None
        self.function_combo.blockSignals(False)

    def _remember_params(self) -> None:
        if self.param_editors:
            key = f"{self.spec.name}:{self.function or ''}"
            before = self._params_by_model.get(key, {})
            values = {n: e.value() for n, e in self.param_editors.items()}
            if not self._tier_touched:      # a model passed over keeps no resolution of its own: it gets the chosen one
                for ps in self.spec.params_for(self.function):
                    if makers.choice_tiers(self.spec, ps):
                        values.pop(ps.name, None)
                        if ps.name in before:
                            values[ps.name] = before[ps.name]
            self._params_by_model[key] = values

    # -- fields ------------------------------------------------------------------------------
    def visible_inputs(self) -> list[InputSpec]:
        """The inputs in the form's order: the files the model needs first (the photo, the references, the
        source video: what the prompt then talks about), then the texts, then optional files."""
        shown = [i for i in self.spec.inputs_for(self.function) if not i.from_detect]
        return sorted(shown, key=lambda i: 0 if self._needed_file(i) else 1)

    @staticmethod
    def _needed_file(ins: InputSpec) -> bool:
        if ins.kind == Kind.MEDIA:
            return ins.required or any(mt.min_items for mt in ins.media_types) or \
                any(lo for _g, lo, _hi in ins.media_counts)
        return ins.is_file and ins.required

    def _rebuild_fields(self) -> None:
        self._clear_layout(self.inputs_layout)
        self._clear_layout(self.params_layout)
        self.input_rows.clear()
        self.input_editors.clear()
        for ins in self.visible_inputs():
            row, ed = self._input_row(ins)
            self.input_rows[ins.name] = row
            self.input_editors[ins.name] = ed
            if isinstance(ed, DropZone):
                ed.set_compact(False)
            self.inputs_layout.insertWidget(self.inputs_layout.count() - 1, row)
            row.show()
        self._pair_inputs()
        # parameters: new editors, carrying values over where they are still valid; the resolution by what the
        # person chose last (across models that spell it differently: resolution, size), else the first-use one
        old = {n: e.value() for n, e in self.param_editors.items()}
        tiers = ((self._chosen_tier,) if self._chosen_tier else ()) + self.FIRST_TIERS
        remembered = self._params_by_model.get(f"{self.spec.name}:{self.function or ''}", {})
        for row in self.param_rows.values():
            row.deleteLater()
        self.param_rows.clear()
        self.param_editors.clear()
        body = self.params_body
        for ps in self.spec.params_for(self.function):
            ed = param_editor(ps, body)
            sets_tier = bool(makers.choice_tiers(self.spec, ps))
            at_tier = [self._value_at_tier(ps, t) for t in tiers] if sets_tier else [old.get(ps.name)]
            for candidate in (remembered.get(ps.name), *at_tier):
                if candidate is not None and not catalog.check_param(self.spec, ps, candidate):
                    ed.set_value(candidate)
                    break
            ed.changed.connect(self._changed)
            if sets_tier:
                ed.changed.connect(self._tier_chosen)
            row = FieldRow(ps.name, ps.label, ps.help, ed.widget, required=False, self_labelled=ed.self_labelled,
                           editor=ed, parent=body)
            ed.changed.connect(lambda r=row: r.set_error(""))
            self.param_rows[ps.name] = row
            self.param_editors[ps.name] = ed
            self.params_layout.insertWidget(self.params_layout.count() - 1, row)
        self._update_choice_prices()
        for row in [*self.input_rows.values(), *self.param_rows.values()]:
            row.set_brief(self._brief)
        self.params_body.setVisible(bool(self.param_rows))
        self._arrange_columns()
        if self.preview_toggle is not None:       # the before/after preview after the inputs
            self.inputs_layout.insertWidget(self.inputs_layout.count() - 1, self.preview_box)
            self.preview_box.show()
        self._sync_str_lists()
        self._last_tier = self.current_tier() or self._last_tier
        self._tier_touched = False
        self.retranslate_model()
        self._order_later.poke()

    def _pair_inputs(self) -> None:
        """Two one-image fields next to each other share a row: a first and a last frame in this tab, or any two
        the model requires."""
        rows = [self.input_rows[i.name] for i in self.visible_inputs()]
        for a, b in zip(rows, rows[1:]):
            za, zb = self.input_editors[a.name], self.input_editors[b.name]
            if not all(isinstance(z, DropZone) and z.kinds == ("image",) and not z.multi for z in (za, zb)):
                continue
            if self.family != Family.KF2V and not (za.spec.required and zb.spec.required):
                continue
            if self.pair is None:
                self.pair = PairRow(self.inputs_body)
            index = self.inputs_layout.indexOf(a)
            self.inputs_layout.removeWidget(a)
            self.inputs_layout.removeWidget(b)
            self.pair.set_pair(a, b)
            self.inputs_layout.insertWidget(index, self.pair)
            self.pair.show()
            za.set_compact(True)
            zb.set_compact(True)
            return

    def _tier_chosen(self) -> None:
        if not self._restoring:
            self._chosen_tier = self.current_tier() or self._chosen_tier
            self._tier_touched = True

    def _value_at_tier(self, ps: ParamSpec, tier: str) -> Any:
        """The choice of ``ps`` that gives resolution ``tier`` (the first one listed: a size keeps the aspect of
        the first of its tier), None when ``ps`` does not set the tier or has no such choice."""
        return next((v for v, t in makers.choice_tiers(self.spec, ps) if t == tier), None)

    def _choice_prices(self, ps: ParamSpec, params: dict[str, Any]) -> dict[str, str]:
        """The price per second of each choice that sets the tier: "720P — ¥0.60/s", "Pro — ¥0.60/s", from the
        price table the other settings pick (sound on or off)."""
        price = self.spec.price_in(self.session.region)
        rates = price.table(params)
        if len(rates) < 2 or price.unit != "second":
            return {}
        approx = "" if price.confirmed else "≈"
        return {str(v): approx + fmt_unit_price(rates[t]) + self.tr("/s")
                for v, t in makers.choice_tiers(self.spec, ps) if t in rates}

    def _update_choice_prices(self) -> None:
        params = {**self.spec.default_params(self.function),
                  **{n: e.value() for n, e in self.param_editors.items() if e.value() is not None}}
        for ps in self.spec.params_for(self.function):
            ed = self.param_editors.get(ps.name)
            if isinstance(ed, ChoiceEditor):
                prices = self._choice_prices(ps, params)
                if prices != ed.suffixes:
                    ed.set_suffixes(prices)

    def _input_row(self, ins: InputSpec) -> tuple[FieldRow, Any]:
        # one editor per field across models (what was typed or dropped stays); a choice field with other
        # choices (each model's own effect templates) is another editor
        key = (ins.name, ins.kind, ins.media, tuple(c.value for c in ins.choices))
        body = self.inputs_body
        if key in self._input_cache:
            row, ed = self._input_cache[key]
            row.label_t, row.help_t, row.required = ins.label, ins.help, ins.required
            if isinstance(ed, (DropZone, MediaEditor)):
                ed.set_model(self.spec.name, ins)
            elif isinstance(ed, TextEditor):
                ed.set_spec(ins)
            row.retranslate()
            row.set_error("")
            return row, ed
        batch = catalog.family_spec(self.family).allow_batch
        if ins.kind == Kind.MEDIA:
            media = MediaEditor(self.spec.name, ins, self.config.data_dir / "pasted", allow_batch=batch, parent=body,
                                pair_frames=self.family == Family.KF2V)
            row = FieldRow(ins.name, ins.label, ins.help, media, required=ins.required, parent=body)
            media.changed.connect(self._changed)
            media.changed.connect(lambda r=row: r.set_error(""))
            media.batch_requested.connect(lambda z, files: spawn(self._confirm_batch(z, files), name="batch"))
            media.tag_requested.connect(self.insert_tag)
            media.attention.connect(self.reveal)
            ed = media
        elif ins.is_file:
            ed = DropZone(self.spec.name, ins, self.config.data_dir / "pasted",
                          allow_batch=batch and ins.kind == Kind.IMAGE, parent=body)
            row = FieldRow(ins.name, ins.label, ins.help, ed, required=ins.required, parent=body)
            ed.changed.connect(self._changed)
            ed.changed.connect(lambda r=row, z=ed: r.set_error(z.refusal))
            ed.message.connect(row.set_error)
            ed.message.connect(lambda text, r=row: self.reveal(r) if text else None)
            ed.batch_requested.connect(lambda files, z=ed: spawn(self._confirm_batch(z, files), name="batch"))
        else:
            editor = input_editor(ins, body)
            ed = editor
            row = FieldRow(ins.name, ins.label, ins.help, editor.widget, required=ins.required, editor=editor,
                           parent=body)
            editor.changed.connect(self._changed)
            editor.changed.connect(lambda r=row: r.set_error(""))
        self._input_cache[key] = (row, ed)
        return row, ed

    def reveal(self, widget: QWidget) -> None:
        """Scroll a field (whose message just appeared) into view, once the layout has made room for it: its top,
        and then its message line (the last widget named ``fieldError`` in it) if the field is taller."""
        def go() -> None:
            body = self.scroll_area.widget()
            if body is not None and body.isAncestorOf(widget) and widget.isVisible():
                self.scroll_area.ensureWidgetVisible(widget, 0, 12)
                said = [e for e in widget.findChildren(QLabel, "fieldError") if e.isVisible()]
                if said:
                    self.scroll_area.ensureWidgetVisible(said[-1], 0, 12)
        QTimer.singleShot(0, self, go)

    # -- the keyboard ----------------------------------------------------------------------
    def focus_order(self) -> list[QWidget]:
        """Where Tab goes, in this order: the inputs as shown (each zone's buttons and link, the prompt, …), then
        the settings (model, function, the parameters as shown), the number of videos, Generate."""
        chain = focus_chain(self.inputs_layout)
        chain += [self.model_combo, self.function_combo]
        chain += focus_chain(self.params_layout)
        return chain + [self.count, self.generate_button]

    def order_tabs(self) -> None:
        chain = self.focus_order()
        for a, b in zip(chain, chain[1:]):
            QWidget.setTabOrder(a, b)

    def insert_tag(self, text: str) -> None:
        """A media item's tag (图1, <<<image_1>>>, @man) into the prompt at its cursor, if the model has one."""
        prompt = self.input_editors.get("prompt")
        if isinstance(prompt, TextEditor):
            prompt.insert_at_cursor(text)

    @staticmethod
    def _clear_layout(lay: QVBoxLayout) -> None:
        # keep the column title (index 0) and the trailing stretch; removeWidget deletes the layout item (one
        # merely taken would stay the widget's size cache, and a later layout would read stale heights)
        while lay.count() > 2:
            item = lay.itemAt(1)
            w = item.widget() if item is not None else None
            if w is None:
                lay.takeAt(1)
                continue
            lay.removeWidget(w)
            w.hide()

    def _sync_str_lists(self) -> None:
        zone = self.input_editors.get("ref_images_url")
        for ed in self.param_editors.values():
            if isinstance(ed, StrListEditor):
                n = len(zone.usable) if isinstance(zone, DropZone) else 0
                if len(ed.combos) != n:
                    ed.set_count(n)

    def zones(self) -> list[DropZone]:
        """Every drop zone of the current model (a media list's zones one by one)."""
        out: list[DropZone] = []
        for e in self.input_editors.values():
            if isinstance(e, DropZone):
                out.append(e)
            elif isinstance(e, MediaEditor):
                out.extend(e.zones())
        return out

    def media_editors(self) -> list[MediaEditor]:
        return [e for e in self.input_editors.values() if isinstance(e, MediaEditor)]

    # -- changes -----------------------------------------------------------------------------
    def _changed(self, *_: Any) -> None:
        if self._note_kind == "fields":
            self._say("")               # "fix the fields" goes once the person changes something
        for row in self._refusal_rows:  # the engine judged the combination (a seed *and* a count): any change
            row.set_error("")
        self._refusal_rows = []
        self._sync_str_lists()
        self._update_preview()
        tier = self.current_tier()
        if tier != self._last_tier and self.param_editors:
            self._last_tier = tier or self._last_tier
            self.model_combo.refresh(self.session.region, tier, self._needs_workspace)
        if self.spec.price_in(self.session.region).switch:     # sound on or off: the choices' prices change
            self._update_choice_prices()
        self._estimate_later.poke()
        self._update_button()
        self._order_later.poke()
        if not self._restoring:
            self._save_later.poke()

    def _backend_changed(self) -> None:
        self.retranslate_model()
        self.update_estimate()

    # -- the request -------------------------------------------------------------------------
    def build_request(self, batch_item: str | None = None) -> Request:
        inputs: dict[str, Any] = {}
        for name, ed in self.input_editors.items():
            v = ed.value(batch_item) if isinstance(ed, MediaEditor) else ed.value()
            if isinstance(ed, DropZone) and ed.batch and batch_item is not None:
                v = batch_item
            if v not in (None, "", []):
                inputs[name] = v
        params = {n: e.value() for n, e in self.param_editors.items() if e.value() is not None}
        c = self.config
        return Request(model=self.spec.name, inputs=inputs, params=params, function=self.function,
                       region=self.session.region, out_dir=str(c.out_dir), name_template=c.name_template)

    def media(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, ed in self.input_editors.items():
            info = ed.media_infos() if isinstance(ed, MediaEditor) else \
                ed.media_info() if isinstance(ed, DropZone) else None
            if info is not None:
                out[name] = info
        return out

    def durations(self) -> dict[str, float]:
        """Seconds of each timed input for the estimate: by field (a list's files added up) and, for a
        media list, by item type too ("reference_video": every reference video), as the engine counts."""
        out: dict[str, float] = {}
        for name, ed in self.input_editors.items():
            if isinstance(ed, DropZone):
                d = ed.duration()
                if d:
                    out[name] = d
            elif isinstance(ed, MediaEditor):
                by_type = ed.durations()
                if by_type:
                    out[name] = sum(by_type.values())
                    for typ, secs in by_type.items():
                        out[typ] = out.get(typ, 0.0) + secs
        return out

    def batch_zone(self) -> DropZone | None:
        return next((z for z in self.zones() if z.batch and len(z.items) > 1), None)

    def runs(self) -> int:
        z = self.batch_zone()
        return (len(z.items) if z else 1) * self.count.value()

    def validate(self) -> list[FieldError]:
        req = self.build_request()
        errors = catalog.validate(self.spec, req.inputs, req.params, region=self.session.region,
                                  function=self.function, media=self.media(), workspace=self.session.workspace,
                                  need_host=self.session.needs_host)
        # files of restored settings that are not here any more: said first, in place of "… is required"
        gone: list[FieldError] = []
        for name, ed in self.input_editors.items():
            if isinstance(ed, DropZone) and ed.missing():
                gone.append(self._missing_error(f"input.{name}", ed.missing()))
            elif isinstance(ed, MediaEditor):
                gone += [self._missing_error(f"input.{name}.{typ}", names) for typ, names in ed.missing().items()]
        if gone:
            marked = {e.field for e in gone}
            errors = [e for e in errors if not self._at_mark(e, marked)]
        # zones also hold per-file problems against the current model (after a model switch)
        for name, ed in self.input_editors.items():
            if isinstance(ed, DropZone) and ed.problems() and not any(field_key(e.field) == name for e in errors):
                words = " ".join(ed.problems())
                errors.append(FieldError(f"input.{name}", "limits", T(words, words)))
            elif isinstance(ed, MediaEditor):
                types = ed.item_types()
                for typ, problems in ed.problems().items():
                    index = types.index(typ) if typ in types else -1
                    field = f"input.{name}[{index}].url"
                    if index >= 0 and not any(e.field.startswith(f"input.{name}[{index}]") for e in errors):
                        words = " ".join(problems)
                        errors.append(FieldError(field, "limits", T(words, words)))
        return gone + errors

    @staticmethod
    def _missing_error(field: str, names: list[str]) -> FieldError:
        text = " ".join(missing_text(n) for n in names)
        return FieldError(field, "missing", T(text, text))

    def _at_mark(self, error: FieldError, marked: set[str]) -> bool:
        """The problem is with a field that holds a mark of a missing file (its "required" says less)."""
        key = field_key(error.field)
        if f"input.{key}" in marked:
            return True
        ed = self.input_editors.get(key)
        if isinstance(ed, MediaEditor):
            sec = ed.section_for(error)
            return sec is not None and f"input.{key}.{sec.mt.type}" in marked
        return False

    def _missing_note(self) -> str:
        return " ".join(missing_text(n) for z in self.zones() for n in z.missing())

    def show_errors(self, errors: list[FieldError], spell_out: bool = False) -> None:
        """Mark each field's problem on its row; ``spell_out`` also puts every message next to Generate
        (a refusal from the engine arrives right after the click, where the person is looking). The first field
        in error, as the form shows them, is scrolled into view and takes the focus."""
        for each in [*self.input_rows.values(), *self.param_rows.values()]:
            each.set_error("")
        for med in self.media_editors():
            med.clear_errors()
        self.model_error.hide()
        places: list[QWidget] = []
        general: list[T] = []
        for e in errors:
            key = field_key(e.field)
            row = self.input_rows.get(key) or self.param_rows.get(key)
            ed = self.input_editors.get(key)
            if isinstance(ed, MediaEditor) and row is not None:
                where = ed.show_error(e)
                places.append(where if isinstance(where, MediaSection) else row)
                continue
            if row is not None:
                zone = self.input_editors.get(key)
                before = row.error.text() if not row.error.isHidden() else (
                    zone.refusal if isinstance(zone, DropZone) else "")
                row.set_error(f"{before} {tx(e.message)}".strip())
                places.append(row)
                if spell_out:
                    self._refusal_rows.append(row)
            elif key in ("region", "model", "workspace"):
                self.model_error.setText(tx(e.message))
                self.model_error.show()
                places.append(self.model_combo)
            else:
                general.append(e.message)
                if key == "count":
                    places.append(self.count)
        messages = [e.message for e in errors]
        if spell_out and errors:
            self._say(lambda: " ".join(dict.fromkeys(tx(m) for m in messages)), error=True, kind="fields")
        elif any(e.code == "missing" for e in errors):
            self._say(self._missing_note, error=True, kind="fields")
        elif general:
            self._say(lambda: " ".join(tx(m) for m in general), error=True)
        elif errors:
            self._say(lambda: self.tr("Please fix the fields marked in red."), error=True, kind="fields")
        first = min(places, key=self._place, default=None)
        if first is None:
            return
        self.reveal(first)
        if isinstance(first, FieldRow):
            ed = self.input_editors.get(first.name) or self.param_editors.get(first.name)
            if isinstance(ed, (Editor, MediaEditor)):
                ed.focus()
            elif isinstance(ed, DropZone):
                ed.setFocus(Qt.FocusReason.OtherFocusReason)
        elif isinstance(first, MediaSection) and first.zone is not None:
            first.zone.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _place(self, w: QWidget) -> tuple[int, int, int]:
        """Where a field is in the form, for "the first one": the model at the top, then the inputs and the
        settings columns, top to bottom (left to right in a row), then the count."""
        for column, body in enumerate((self.inputs_body, self.params_body), start=1):
            if body.isAncestorOf(w):
                at = w.mapTo(body, QPoint(0, 0))
                return column, at.y(), at.x()
        return (0, 0, 0) if w is self.model_combo else (3, 0, 0)

    def field_error(self, name: str) -> str:
        """The message at a field: 'prompt', 'media' (the media list as a whole), 'media.first_frame'
        (beside that type's zone), 'model' / 'region' / 'workspace' (at the model picker)."""
        base, _, typ = name.partition(".")
        ed = self.input_editors.get(base)
        if isinstance(ed, MediaEditor):
            if typ:
                sec = ed.section(typ)
                return sec.error_text() if sec is not None else ""
            whole = self.input_rows[base]
            return " ".join(t for t in (ed.general_text(), whole.error.text() if not whole.error.isHidden() else "")
                            if t)
        row = self.input_rows.get(name) or self.param_rows.get(name)
        if row is None:
            return self.model_error.text() if name in ("model", "region", "workspace") and \
                self.model_error.isVisible() else ""
        return row.error.text() if not row.error.isHidden() else ""

    def _say(self, say: Callable[[], str] | str, error: bool = False, kind: str = "") -> None:
        """The note next to Generate. ``say`` gives the words (called again after a switch of language, so give
        a function for anything translated); '' clears it. An error is announced to screen readers."""
        self._note_say = say if callable(say) else None
        self._note_error = error
        text = say() if callable(say) else say
        self._note_kind = kind if text else ""
        self.note.setText(text)
        set_state(self.note, "error", error)
        self.note.setVisible(bool(text))
        if error:
            announce(self.note, text)

    # -- estimate ----------------------------------------------------------------------------
    def current_estimate(self) -> Any:
        req = self.build_request()
        z = self.batch_zone()
        n = self.count.value() * (len(z.items) if z else 1)
        eng = self.session.engine
        try:
            if eng is not None:
                return eng.estimate(req, count=n, input_durations=self.durations())
            params = {**self.spec.default_params(self.function), **req.params}
            return catalog.estimate(self.spec, params, count=n, input_durations=self.durations(),
                                    chain=catalog.chain_of(self.spec), region=self.session.region,
                                    reuse_template=bool(req.inputs.get("template_id")))
        except Exception:  # an odd combination must never break the form
            log.exception("estimate failed")
            return None

    def update_estimate(self) -> None:
        est = self.current_estimate()
        self._amount = ""
        if est is None:
            self.estimate.setText("")
            self._name_button()
            return
        main = est.lines[-1]
        src = self.spec.duration_source
        price = self.spec.price_in(self.session.region)
        if not est.seconds_known and src.startswith("input:"):
            field = src.split(":", 1)[1]
            text = self.tr("Cost depends on the length of “%1”: %2 per second. Add it to see the total.") \
                .replace("%1", self._input_label(field)) \
                .replace("%2", ("" if price.confirmed else "≈") + fmt_unit_price(main.unit_price))
        else:
            amount = self._amount = fmt_money(est.amount, est.confirmed and est.seconds_known)
            text = self.tr("Estimated cost: %1").replace("%1", f"<b>{amount}</b>")
            detail = []
            for line in est.lines:
                if line.unit == "second":
                    tier = f" {tier_label(self.spec, line.tier)}" if line.tier and line.tier != "*" else ""
                    detail.append(self.tr("%1 s × %2/s%3").replace("%1", f"{line.units:g}")
                                  .replace("%2", fmt_unit_price(line.unit_price)).replace("%3", tier))
                else:
                    detail.append(self.tr("photo check %1").replace("%1", fmt_unit_price(line.unit_price)))
            if detail:
                text += " (" + " + ".join(detail)
                if est.count > 1:
                    text += " " + self.tr("× %n videos", "", est.count)
                text += ")"
            if not est.seconds_known:
                text += " " + self.tr("— the length is a guess; the template decides it.")
        if not est.confirmed:
            text += " " + self.tr("Estimated price: the official price list gives no number for this model.")
        free = self.session.free_left(self.spec.name)
        if free is not None and price.free_quota:
            text += " " + self.tr("Free quota left: %1 of %2 s.").replace("%1", f"{free:g}") \
                .replace("%2", f"{price.free_quota:g}")
        if self.session.is_sandbox:
            text += " " + self.tr("<i>Sandbox: nothing is charged.</i>")
        self.estimate.setText(text)
        self._name_button()

    def _input_label(self, field: str) -> str:
        """The label of an input, or of a media type ("video": the source video of an edit)."""
        ins = self.spec.input(field, self.function)
        if ins is not None:
            return tx(ins.label)
        for i in self.spec.inputs_for(self.function):
            mt = i.media_type(field) if i.kind == Kind.MEDIA else None
            if mt is not None:
                return tx(mt.label)
        return field

    # -- generate ----------------------------------------------------------------------------
    def _update_button(self) -> None:
        n = self.runs()
        self.generate_button.setText(self.tr("Generate") if n == 1 else self.tr("Generate %n videos", "", n))
        self.generate_button.setEnabled(not self._busy)
        self._name_button()

    def _name_button(self) -> None:
        """Screen readers hear what a click costs: "Generate — ¥0.70"."""
        text = self.generate_button.text()
        self.generate_button.setAccessibleName(f"{text} — {self._amount}" if self._amount else text)

    def generate(self) -> None:
        if self._busy:
            return
        self._busy = True               # at once: a second click or Ctrl+Enter must not submit twice
        self._update_button()
        spawn(self._generate(), name=f"generate:{self.family.value}",
              on_error=lambda e: self._say(lambda: self.tr("Could not add the task: %1").replace("%1", str(e)),
                                           error=True))

    async def _generate(self) -> list[Any]:
        self._busy = True
        self._update_button()
        try:
            return await self._generate_inner()
        finally:
            self._busy = False
            self._update_button()

    async def _generate_inner(self) -> list[Any]:
        self._say("")
        zones = self.zones()
        editors = self.media_editors()          # their items' own files too (a voice clip being checked)
        if any(z.busy() for z in zones) or any(m.busy() for m in editors):
            self._say(lambda: self.tr("Checking the files…"))
            await asyncio.gather(*(z.wait_idle() for z in zones), *(m.wait_idle() for m in editors))
        errors = self.validate()
        if errors:
            self.show_errors(errors)
            return []
        self.show_errors([])
        if not self.session.can_submit:
            if self.session.engine is None:
                why = self.session.start_error or "?"
                self._say(lambda: self.tr("The backend is not running: %1").replace("%1", why),
                          error=True)
            else:
                self._say(lambda: self.tr("Add your API key in Settings (or switch to the free sandbox) to generate."),
                          error=True)
            return []
        engine = self.session.engine
        z = self.batch_zone()
        requests = [self.build_request(item) for item in z.batch_values()] if z else [self.build_request()]
        count = self.count.value()
        # Every check first (fields, files, a fixed seed with several videos, the output folder):
        # a refusal arrives before anything is asked, stored or paid.
        prepared = []
        for req in requests:
            try:
                prepared.append(await engine.prepare(req, count))
            except ValidationError as e:
                self.show_errors(e.errors, spell_out=True)
                return []
        videos = sum(p.count for p in prepared)
        amount = sum(p.amount for p in prepared)
        if self._consent_needed(videos, amount):
            sure = all(p.estimate.confirmed and p.estimate.seconds_known for p in prepared)
            if not await self._confirm_spending(videos, amount, sure):
                self._say(lambda: self.tr("Nothing was queued."))
                return []
        # The spending limits, for the whole click at once (every batch row × the count), before anything is
        # submitted; on the first paid video with no limit set, the app offers one first.
        store = engine.store
        if not self.session.is_sandbox and budget_ui.should_suggest(store):
            await budget_ui.suggest_limits(self, store)
        over = False
        hold = budget.check(store, amount)
        if hold is not None:
            if not await budget_ui.resolve_hold(self, store, hold):
                self._say(lambda: self.tr("Nothing was queued."))
                return []
            over = True
        held = False

        async def submit(req: Request, prep: Any, force: bool = False, batch: str | None = None) -> Any:
            nonlocal over, held
            while True:
                try:
                    return await engine.submit(req, count=count, prepared=prep, force=force, over_budget=over,
                                               **({"batch": batch} if batch else {}))
                except budget.OverBudget as e:      # another process (the CLI) spent in the meantime
                    if over or not await budget_ui.resolve_hold(self, store, e.hold):
                        held = True
                        return None
                    over = True

        created: list[Any] = []
        batch_id = None
        for req, prep in zip(requests, prepared, strict=True):
            try:
                res = await submit(req, prep, batch=batch_id)
                if res is not None and res.duplicate_of is not None and not res.tasks:
                    if not await self._ask_duplicate(res.duplicate_of):
                        continue
                    res = await submit(req, prep, force=True)
            except ValidationError as e:
                self.show_errors(e.errors, spell_out=True)
                break
            if res is None:
                break
            created.extend(res.tasks)
            if len(requests) > 1 and res.tasks and batch_id is None:
                batch_id = res.tasks[0].batch
        if held and not created:
            self._say(lambda: self.tr("Nothing was queued."))
        if created:
            n = len(created)
            self._say(lambda: self.tr("Added %n task(s) to the queue.", "", n))
            self._mine.update(r.id for r in created)
            self.submitted.emit(created)
        return created

    def _consent_needed(self, videos: int, amount: float) -> bool:
        """More videos or money in one click than the person's thresholds (never in the free sandbox)."""
        c = self.config
        if self.session.is_sandbox and not c.confirm_in_sandbox:
            return False
        return needs_consent(videos, amount, c.confirm_videos, c.confirm_amount)

    def _videos(self, n: int) -> str:
        """'1 video' / '5 videos' (English has no plural catalogue here, so the singular is its own string)."""
        return self.tr("1 video") if n == 1 else self.tr("%n videos", "", n)

    async def _confirm_spending(self, videos: int, amount: float, sure: bool = True) -> bool:
        """'This will make 6 videos, about ¥4.20': OK queues them, Cancel queues nothing."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Confirm spending"),
                          self.tr("This will make %1, about %2.").replace("%1", self._videos(videos))
                          .replace("%2", fmt_money(amount, sure)), parent=self)
        label = box.findChild(QLabel, "qt_msgbox_label")
        if label is not None:     # the total is what the person has to see: larger, bold
            label.setStyleSheet("font-weight: bold; font-size: 11.5pt;")
        info = [self.tr("Sandbox: nothing is charged.") if self.session.is_sandbox else
                self.tr("Each video is billed separately, and only when it succeeds.")]
        info.append(self.tr("You are asked before more than %1 or %2 in one go (Settings → Spending).")
                    .replace("%1", self._videos(self.config.confirm_videos))
                    .replace("%2", fmt_money(self.config.confirm_amount)))
        box.setInformativeText("\n".join(info))
        yes = box.addButton(self.tr("Make %1").replace("%1", self._videos(videos)), QMessageBox.ButtonRole.AcceptRole)
        no = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(no)
        box.setEscapeButton(no)
        box.setObjectName("consentDialog")
        clicked = await ask(box)
        return clicked is yes

    async def _ask_duplicate(self, rec: Any) -> bool:
        """An exact repeat (same settings *and* seed) of a video that exists or is being made."""
        done = rec.state == State.DONE
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Already made"),
                          self.tr("You already made this video (same settings and seed).") if done else
                          self.tr("This video (same settings and seed) is already in the queue."), parent=self)
        charged = "" if self.session.is_sandbox else self.tr("Making it again costs money again.")
        if done and rec.output_path:
            box.setInformativeText((self.tr("It is here: %1").replace("%1", rec.output_path) + "\n" + charged).strip())
        elif charged:
            box.setInformativeText(charged)
        again = box.addButton(self.tr("Make it again anyway (charged)") if charged else
                              self.tr("Make it again anyway"), QMessageBox.ButtonRole.AcceptRole)
        show = box.addButton(self.tr("Open it") if done else self.tr("Show it"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(show)
        box.setEscapeButton(show)
        box.setObjectName("duplicateDialog")
        clicked = await ask(box)
        if clicked is again:
            return True
        (self.open_task if done else self.show_task).emit(rec)
        return False

    async def _confirm_batch(self, zone: DropZone, files: list[str]) -> None:
        one = self.current_estimate()
        each = fmt_money(one.amount / max(1, one.count), one.confirmed) if one is not None else ""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Make a batch?"),
                          self.tr("You dropped %n images. Make one video from each?", "", len(files)), parent=self)
        if each:
            box.setInformativeText(self.tr("About %1 per video; each one is a separate task in the queue.")
                                   .replace("%1", each))
        yes = box.addButton(self.tr("Make %n videos", "", len(files)), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Use only the first"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        box.setObjectName("batchDialog")
        clicked = await ask(box)
        if clicked is yes:
            zone.set_batch(files)
        else:
            zone.take(files[:1], [])

    # -- drops anywhere on the tab ---------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() or event.mimeData().hasText():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files, links = local_paths(event.mimeData())
        if not files and not links:
            event.ignore()
            return
        event.acceptProposedAction()
        spawn(self.route(files, links), name="route-drop")

    async def route(self, files: list[str], links: list[str]) -> None:
        """Send each dropped file to the field that takes its kind (images in order: first, last …). A video
        this app made (or its JSON) that this tab has no use for asks for its settings instead."""
        by_kind: dict[str, list[str]] = {"image": [], "audio": [], "video": [], "file": []}
        unknown: list[str] = []
        doc_zones = [z for z in self.zones() if z.takes("file")]

        def is_doc(path: str) -> bool:
            return any(z.doc_ok(path) for z in doc_zones) and bool(doc_extension(path))

        for f in files:
            k = guess_kind(f)
            if k is None and is_doc(f):
                k = "file"
            if k is None:
                pv = await load_preview(f)
                k = pv.info.kind if pv.info is not None else None
            (by_kind[k] if k in by_kind else unknown).append(f)
        for link in links:
            k = guess_kind(link) or ("file" if is_doc(link) else None)
            if k in by_kind:
                by_kind[k].append(link)
            else:
                unknown.append(link)
        unused = [f for f in [*unknown, *(by_kind["video"] if not any(z.takes("video") for z in self.zones()) else [])]
                  if is_local(f)]
        from .restore import is_restorable  # (loaded on first use: start-up stays light)
        for f in unused:
            if await asyncio.to_thread(is_restorable, f):
                self.restore_requested.emit(f)
                unknown = [u for u in unknown if u != f]
                by_kind["video"] = [v for v in by_kind["video"] if v != f]
                break
        notes: list[Callable[[], str]] = []

        def names(paths: list[str]) -> str:
            return ", ".join(Path(p).name for p in paths)

        def no_field(kind: str, items: list[str]) -> str:
            what = {"image": self.tr("images"), "audio": self.tr("audio"), "video": self.tr("videos"),
                    "file": self.tr("documents")}[kind]
            return self.tr("This tab has no field for %1 (%2).").replace("%1", what).replace("%2", names(items))

        def no_room(items: list[str]) -> str:
            return self.tr("No room for: %1").replace("%1", names(items))
        for kind, items in by_kind.items():
            if not items:
                continue
            targets = [z for z in self.zones() if z.takes(kind)]
            if not targets:
                notes.append(functools.partial(no_field, kind, items))
                continue
            empty = [z for z in targets if not z.usable]
            order = empty + [z for z in targets if z.usable]
            if len(items) > 1 and len(targets) == 1 and targets[0].allow_batch:
                targets[0].take([i for i in items if is_local(i)], [i for i in items if not is_local(i)])
                continue
            for z in order:
                if not items:
                    break
                take = items[: z.capacity - len(z.usable)] if z.multi else items[:1]
                items = items[len(take):]
                z.take([t for t in take if is_local(t)], [t for t in take if not is_local(t)])
            if items:
                notes.append(functools.partial(no_room, items))
        if unknown:
            notes.append(lambda: self.tr("Not an image, audio or video file: %1").replace("%1", names(unknown)))
        self._say(lambda: " ".join(n() for n in notes), error=bool(notes))

    # -- run again ---------------------------------------------------------------------------
    def load_request(self, request: Request, exact: bool = False, missing: dict[str, list[str]] | None = None) -> None:
        """Put a past request back into the form ('run again', or settings restored from a video).

        By default the seed is left random, so Generate makes a new variation. ``exact`` keeps the seed and
        sets the count to one: several videos with one seed would be identical, and each is paid for.
        ``missing`` names, by input field, the files that are not on this computer any more: each leaves a mark
        in its zone ("first.png — not on this computer any more; drop it again"), and Generate refuses with
        those words until the person drops the file again or removes the mark.
        """
        self.ensure_built()
        missing = missing or {}
        if not exact:
            request = Request.from_json({**request.to_json(),
                                         "params": {k: v for k, v in request.params.items() if k != "seed"}})
        self._restoring = True
        try:
            self.set_model(request.model, request.function)
            for name, ed in self.input_editors.items():
                if isinstance(ed, (DropZone, MediaEditor)):
                    ed.set_value(request.inputs.get(name), missing.get(name, ()))
                else:
                    ed.set_value(request.inputs.get(name))
            for name, ed in self.param_editors.items():
                if name in request.params:
                    ed.set_value(request.params[name])
                elif name == "seed":
                    ed.set_value(None)
            if exact:
                self.count.setValue(1)
        finally:
            self._restoring = False
        self._changed()
        marks = [n for z in self.zones() for n in z.missing()]

        def loaded() -> str:
            text = self.tr("Loaded the settings and the seed of an earlier task: Generate repeats it exactly.") \
                if exact else self.tr("Loaded the settings of an earlier task with a random seed: Generate makes a "
                                      "new variation.")
            if len(marks) == 1:
                text += " " + self.tr("1 file is not on this computer any more: drop it again where it is marked.")
            elif marks:
                text += " " + self.tr("%n files are not on this computer any more: drop them again where they are "
                                      "marked.", "", len(marks))
            return text
        self._say(loaded, error=bool(marks))
        zone = next((z for z in self.zones() if z.missing()), None)
        if zone is not None:
            self.reveal(zone)

    # -- remembering -------------------------------------------------------------------------
    def save_state(self) -> None:
        if not self._built:
            return
        self._remember_params()
        texts = {n: ed.value() for n, ed in self.input_editors.items()
                 if not isinstance(ed, FILE_EDITORS) and ed.value() is not None}
        self.config.set_tab_state(self.family.value, {
            "model": self.spec.name, "function": self.function, "count": self.count.value(),
            "params": self._params_by_model, "texts": texts,
        })

    def restore_state(self) -> None:
        st = self.config.tab_state(self.family.value)
        self._restoring = True
        try:
            self._params_by_model = {k: v for k, v in (st.get("params") or {}).items() if isinstance(v, dict)}
            name = st.get("model")
            spec = catalog.get(name) if isinstance(name, str) else None
            if spec is None or spec not in self.models:
                spec = self.default_model()
            self.model_combo.blockSignals(True)
            self.model_combo.setCurrentIndex(max(0, self.model_combo.findData(spec.name)))
            self.model_combo.blockSignals(False)
            self.spec = spec
            self._setup_functions(st.get("function"))
            self._rebuild_fields()
            for n, v in (st.get("texts") or {}).items():
                ed = self.input_editors.get(n)
                if ed is not None and not isinstance(ed, FILE_EDITORS):
                    ed.set_value(v)
            try:
                self.count.setValue(int(st.get("count") or 1))
            except (TypeError, ValueError):
                pass
        finally:
            self._restoring = False
        self._changed()

    # -- language ----------------------------------------------------------------------------
    def default_model(self) -> ModelSpec:
        """The newest model the region offers (the family's preference list), else a featured one."""
        return makers.default_model(self.models, self.session.region, catalog.family_spec(self.family).prefer)

    def _needs_workspace(self, spec: ModelSpec) -> bool:
        """The model (or the region) answers only on a workspace host and no workspace id is set."""
        region = self.session.region
        r = catalog.REGIONS.get(region)
        return (self.session.needs_host and spec.available_in(region)
                and (spec.host == "workspace" or (r is not None and r.base_url is None))
                and not catalog.valid_workspace(self.session.workspace))

    def current_tier(self) -> str | None:
        """The resolution chosen in the form ("720P"), by which the picker prices every model."""
        params = {n: e.value() for n, e in self.param_editors.items() if e.value() is not None}
        return catalog.tier_of(self.spec, {**self.spec.default_params(self.function), **params})

    def retranslate_model(self) -> None:
        region = self.session.region
        here = tx(catalog.region_label(region))
        self.model_combo.refresh(region, self.current_tier(), self._needs_workspace)
        self.model_desc.setText(f"{tx(self.spec.description)} · {self.spec.name}")
        price = self.spec.price_in(region)
        self.price.setText(price_text(self.spec, region))
        self.price.setToolTip(self.tr("Price per second of finished video, by resolution. "
                                      "Only successful videos are billed."))
        if price.free_quota:
            self.price.setText(self.price.text() + " · " + self.tr("%1 s free").replace(
                "%1", f"{price.free_quota:g}"))
        if not self.spec.available_in(region):
            self.model_error.setText(self.tr("%1 is not available in %2. Pick another model, or switch the region "
                                             "in Settings.").replace("%1", tx(self.spec.title))
                                     .replace("%2", here))
            self.model_error.show()
        elif self._needs_workspace(self.spec):
            self.model_error.setText(self.tr("%1 answers only on your own workspace host in %2: enter the workspace "
                                             "id in Settings.").replace("%1", tx(self.spec.title))
                                     .replace("%2", here))
            self.model_error.show()
        else:
            self.model_error.hide()
        if self.spec.functions and self.function:
            for i in range(self.function_combo.count()):
                fs = self.spec.functions[self.function_combo.itemData(i)]
                self.function_combo.setItemText(i, tx(fs.label))
            self.function_desc.setText(tx(self.spec.functions[self.function].description))

    def retranslate(self) -> None:
        self.blurb.setText(family_blurb(self.family))
        self.model_label.setText(self.tr("&Model:"))
        self.function_label.setText(self.tr("&Function:"))
        self.inputs_title.setText(self.tr("Inputs"))
        self.params_title.setText(self.tr("Settings"))
        self.count_label.setText(self.tr("&Videos:"))
        if self.preview_toggle is not None:
            self.preview_toggle.setText(self.tr("Before / after preview"))
            self.preview_toggle.setToolTip(self.tr("Play the source video beside the edited one, in step"))
        self.count.setToolTip(self.tr("How many videos to make from these settings (each one is billed)"))
        self.count.setAccessibleName(self.tr("Number of videos"))
        self.generate_button.setToolTip(self.tr("Add to the queue (Ctrl+Enter)"))
        self.retranslate_model()
        self._update_button()
        self.update_estimate()
        if self._note_say is not None:          # the last note, in the new language
            self._say(self._note_say, self._note_error, self._note_kind)

    def changeEvent(self, event: QEvent) -> None:
        # A tab not made yet takes the new language when it is made (_build ends with retranslate).
        if event.type() == QEvent.Type.LanguageChange and self._built:
            self.retranslate()
        super().changeEvent(event)
