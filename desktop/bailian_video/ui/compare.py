"""Compare takes: 2 to 4 results played side by side in step, and what was different about them.

:func:`settings_diff` is the pure part (records in, rows out); :class:`CompareView` shows it under a
:class:`~.video_grid.VideoGrid`. Qt Multimedia loads with the first view, not when this module is imported.
"""
from __future__ import annotations

import copy
import json
import os
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import catalog
from ..catalog.kinds import file_slots
from ..catalog.values import is_local, local_path
from ..engine.film import FILM
from ..engine.records import TaskRecord
from .util import fmt_money, fmt_seconds, tx

if TYPE_CHECKING:
    from .video_grid import VideoGrid

MIN_TAKES, MAX_TAKES = 2, 4
SHORT_PROMPT = 200          # prompts up to this long are compared word by word; longer ones shown whole
_WIDE = "\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"    # CJK: each character is a word
_TOKEN = re.compile(rf"([{_WIDE}]|[^\s{_WIDE}]+)(\s*)")


translate = QCoreApplication.translate


@dataclass
class DiffRow:
    """One setting that differs: its label and the value each take had, as shown. ``words`` (prompts
    short enough only) splits each take's prompt into runs of (text, differs from the others)."""

    key: str                     # "model", "function", "prompt", "input:<field>", "param:<name>", "cost", "took"
    label: str
    values: list[str]
    words: list[list[tuple[str, bool]]] | None = None


# -- the pure part ----------------------------------------------------------------------------------
def word_marks(texts: list[str]) -> list[list[tuple[str, bool]]]:
    """Each text as runs of (text, differs): a word differs when some other text lacks it at that place.
    Chinese and Japanese characters count as words of their own."""
    tokens = [[(m.group(1), m.group(2)) for m in _TOKEN.finditer(t)] for t in texts]
    out = []
    for i, mine in enumerate(tokens):
        same = [True] * len(mine)
        for j, other in enumerate(tokens):
            if i == j:
                continue
            matched = [False] * len(mine)
            sm = SequenceMatcher(None, [w for w, _ in mine], [w for w, _ in other], autojunk=False)
            for a, _b, size in sm.get_matching_blocks():
                matched[a:a + size] = [True] * size
            same = [s and m for s, m in zip(same, matched)]
        runs: list[tuple[str, bool]] = []
        for (word, space), s in zip(mine, same):
            for text, differs in ((word, not s), (space, False)):
                if not text:
                    continue
                if runs and runs[-1][1] == differs:
                    runs[-1] = (runs[-1][0] + text, differs)
                else:
                    runs.append((text, differs))
        out.append(runs)
    return out


def _spec(rec: TaskRecord) -> catalog.ModelSpec | None:
    return catalog.get(rec.request.model)


def _param_text(p: catalog.ParamSpec | None, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return translate("CompareView", "On") if value else translate("CompareView", "Off")
    if isinstance(value, list):
        items = p.item_choices if p is not None else ()
        return ", ".join(next((tx(c.label) for c in items if c.value == v), str(v)) for v in value) or "—"
    choices = (*p.choices, *p.extra) if p is not None else ()
    return next((tx(c.label) for c in choices if c.value == value), str(value))


def _params(rec: TaskRecord) -> dict[str, Any]:
    spec, req = _spec(rec), rec.request
    defaults = spec.default_params(req.function) if spec is not None else {}
    return {**defaults, **{k: v for k, v in req.params.items() if v is not None}}


def _files_of(rec: TaskRecord, ins: catalog.InputSpec, value: Any) -> tuple[str, str]:
    """(as shown: file names, what is compared: contents where known)."""
    metas = rec.files.get(ins.name)
    metas = metas if isinstance(metas, list) else [metas] if isinstance(metas, dict) else []
    shown, same = [], []
    for i, slot in enumerate(file_slots(ins, value)):
        v = slot.value
        name = os.path.basename(local_path(v)) if isinstance(v, str) and is_local(v) else str(v)
        if ins.kind == catalog.Kind.MEDIA:
            name = f"{tx(slot.spec.label)}: {name}"
        meta = metas[i] if i < len(metas) and isinstance(metas[i], dict) else {}
        shown.append(name)
        same.append(f"{slot.slot}={meta.get('sha256') or v}")
    return ", ".join(shown) or "—", "|".join(same)


def _input_text(ins: catalog.InputSpec | None, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if ins is not None and ins.choices:
        return next((tx(c.label) for c in ins.choices if c.value == value), str(value))
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text[:n].rstrip() + "…" if len(text) > n else text


def _cost(rec: TaskRecord) -> str:
    if rec.cost_actual is not None:
        return fmt_money(rec.cost_actual)
    return fmt_money(rec.cost_estimate, confirmed=False) or "—"


def settings_diff(records: list[TaskRecord]) -> tuple[list[DiffRow], list[str]]:
    """What differs between the takes (one row per setting, in the form's order: model, prompt, inputs,
    parameters, then cost and time taken) and what is the same in all ("Label: value")."""
    rows: list[DiffRow] = []
    same: list[str] = []

    def add(key: str, label: str, shown: list[str], compared: list[Any] | None = None) -> None:
        keys = compared if compared is not None else shown
        if all(k == keys[0] for k in keys):
            if shown[0] != "—":
                same.append(f"{label}: {_short(shown[0])}")
        else:
            rows.append(DiffRow(key, label, shown))

    reqs = [r.request for r in records]
    specs = [_spec(r) for r in records]
    add("model", translate("CompareView", "Model"), [r.model for r in reqs])
    if any(r.function for r in reqs):
        add("function", translate("CompareView", "Function"), [
            tx(s.functions[r.function].label) if s is not None and r.function in s.functions else (r.function or "—")
            for s, r in zip(specs, reqs)])

    prompts = [r.prompt for r in reqs]
    before = len(rows)
    add("prompt", translate("CompareView", "Prompt"), [p or "—" for p in prompts], prompts)
    if len(rows) > before and all(len(p) <= SHORT_PROMPT for p in prompts):
        rows[-1].words = word_marks(prompts)

    def specs_of(name: str, kind: str) -> list[Any]:
        return [(s.input(name, r.function) if kind == "input" else s.param(name, r.function)) if s is not None
                else None for s, r in zip(specs, reqs)]

    input_names = list(dict.fromkeys(
        [i.name for s, r in zip(specs, reqs) if s is not None for i in s.inputs_for(r.function)]
        + [k for r in reqs for k in r.inputs]))
    for name in input_names:
        if name == "prompt":
            continue
        ins_list = specs_of(name, "input")
        known = next((i for i in ins_list if i is not None), None)
        values = [r.inputs.get(name) for r in reqs]
        if all(v is None or v == "" or v == [] for v in values):
            continue
        label = tx(known.label) if known is not None else name
        if known is not None and known.is_file:
            pairs = [_files_of(rec, ins or known, v) if v not in (None, "", []) else ("—", "")
                     for rec, ins, v in zip(records, ins_list, values)]
            add(f"input:{name}", label, [p[0] for p in pairs], [p[1] for p in pairs])
        else:
            add(f"input:{name}", label, [_input_text(ins or known, v) for ins, v in zip(ins_list, values)],
                [json.dumps(v, sort_keys=True, ensure_ascii=False) for v in values])

    params = [_params(r) for r in records]
    param_names = list(dict.fromkeys(
        [p.name for s, r in zip(specs, reqs) if s is not None for p in s.params_for(r.function)]
        + [k for ps in params for k in ps]))
    for name in param_names:
        values = [ps.get(name) for ps in params]
        if all(v is None for v in values):
            continue
        p_list = specs_of(name, "param")
        known = next((p for p in p_list if p is not None), None)
        label = tx(known.label) if known is not None else name
        add(f"param:{name}", label, [_param_text(p or known, v) for p, v in zip(p_list, values)],
            [json.dumps(v, sort_keys=True, ensure_ascii=False) for v in values])

    add("cost", translate("CompareView", "Cost"), [_cost(r) for r in records])
    add("took", translate("CompareView", "Took"), [fmt_seconds(r.elapsed()) or "—" for r in records])
    return rows, same


def is_film(rec: TaskRecord) -> bool:
    return rec.request.model == FILM


def caption(index: int, rec: TaskRecord) -> str:
    """"Take 1 · wan2.7-t2v · seed 42" ("Take 2 · Film · <its sequence>" for a film)."""
    model = (translate("CompareView", "Film · %1").replace("%1", rec.request.prompt) if is_film(rec)
             else rec.request.model)
    parts = [translate("CompareView", "Take %1").replace("%1", str(index + 1)), model]
    seed = rec.request.params.get("seed")
    if seed is not None:
        parts.append(translate("CompareView", "seed %1").replace("%1", str(seed)))
    return " · ".join(parts)


def marked_html(runs: list[tuple[str, bool]]) -> str:
    """Runs as rich text, the differing words bold and underlined (no colours: both themes read it)."""
    return "".join(f"<b><u>{escape(text)}</u></b>" if differs else escape(text) for text, differs in runs)


# -- the view ---------------------------------------------------------------------------------------
class CompareView(QDialog):
    """2–4 takes in step, with the settings that differ under them and a "Use these settings" per take.
    Non-modal; deletes itself when closed."""

    use_settings = Signal(object, bool)     # Request, exact

    def __init__(self, records: list[TaskRecord], parent: QWidget | None = None):
        if not MIN_TAKES <= len(records) <= MAX_TAKES:
            said = translate("CompareView", "Compare takes 2 to 4 videos at a time (chosen: %1).")
            raise ValueError(said.replace("%1", str(len(records))))
        super().__init__(parent)
        from .video_grid import VideoGrid  # Qt Multimedia loads with the first view, not at start-up
        self.records = list(records)
        self.setObjectName("compareView")
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowFlags(Qt.WindowType.Window | Qt.WindowType.WindowMinMaxButtonsHint
                            | Qt.WindowType.WindowCloseButtonHint)
        self.setSizeGripEnabled(True)

        self.grid: VideoGrid = VideoGrid(self)
        self.grid.setAccessibleName(translate("CompareView", "Takes, played in step"))
        self.title = QLabel(self)
        self.title.setObjectName("sectionTitle")
        self.table = QTableWidget(self)
        self.table.setObjectName("compareDiff")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.same = QLabel(self)
        self.same.setObjectName("compareSame")
        self.same.setWordWrap(True)
        self.same.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        self.use_buttons: list[QPushButton] = []
        self._started = False

        below = QWidget(self)
        lay = QVBoxLayout(below)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.title)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.same)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.grid)
        self.splitter.addWidget(below)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        outer = QVBoxLayout(self)
        outer.addWidget(self.splitter, 1)
        outer.addWidget(self.buttons)

        # a file that is gone is said so in its pane by the grid
        self.grid.set_videos([(caption(i, r), r.output_path) for i, r in enumerate(self.records)])
        self._fill()
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(int(screen.width() * 0.8), int(screen.height() * 0.85))
        self.grid.setFocus()

    # -- contents ---------------------------------------------------------------------------
    def _fill(self) -> None:
        n = len(self.records)
        self.setWindowTitle(self.tr("Compare %n takes", "", n))
        rows, same = settings_diff(self.records)
        self.rows = rows
        self.title.setText(self.tr("What differs") if rows else self.tr("These takes were made with the same settings."))
        self.same.setText(self.tr("Same in all: %1").replace("%1", " · ".join(same)) if same else "")
        self.same.setVisible(bool(same))
        self.table.clear()
        self.table.setColumnCount(n)
        self.table.setRowCount(len(rows) + 1)
        for c, rec in enumerate(self.records):
            head = QTableWidgetItem(self.tr("Take %1").replace("%1", str(c + 1)))
            head.setToolTip(caption(c, rec))
            self.table.setHorizontalHeaderItem(c, head)
        self.table.setVerticalHeaderLabels([r.label for r in rows] + [""])
        for r, row in enumerate(rows):
            for c, value in enumerate(row.values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{row.label}, {caption(c, self.records[c])}: {value}")
                self.table.setItem(r, c, item)
                if row.words is not None:
                    item.setText("")
                    item.setData(Qt.ItemDataRole.UserRole, value)
                    label = QLabel(marked_html(row.words[c]))
                    label.setTextFormat(Qt.TextFormat.RichText)
                    label.setWordWrap(True)
                    label.setContentsMargins(4, 2, 4, 2)
                    label.setToolTip(self.tr("Words in bold differ between the takes."))
                    label.setAccessibleName(f"{row.label}, {caption(c, self.records[c])}")
                    label.setAccessibleDescription(value)
                    self.table.setCellWidget(r, c, label)
        self.use_buttons = []
        for c, rec in enumerate(self.records):
            if is_film(rec):        # said in its column, in place of the button
                note = QLabel(self.tr("A film is stitched from a sequence; it has no generation settings of its "
                                      "own."))
                note.setObjectName("helpText")
                note.setWordWrap(True)
                note.setContentsMargins(4, 2, 4, 2)
                self.table.setCellWidget(len(rows), c, note)
                continue
            b = QPushButton(self.tr("Use these settings"))
            b.setObjectName(f"useTake{c + 1}")
            b.setAccessibleName(self.tr("Use the settings of take %1").replace("%1", str(c + 1)))
            b.setToolTip(caption(c, rec))
            b.setAutoDefault(False)
            b.clicked.connect(lambda _=False, rec=rec: self.use_settings.emit(copy.deepcopy(rec.request), True))
            self.table.setCellWidget(len(rows), c, b)
            self.use_buttons.append(b)
        order: list[QWidget] = [self.table, *self.use_buttons,
                                self.buttons.button(QDialogButtonBox.StandardButton.Close)]
        for first, then in zip(order, order[1:]):
            QWidget.setTabOrder(first, then)
        for c, rec in enumerate(self.records):
            if not rec.output_path:
                self.grid.set_placeholder(c, self.tr("This take has no video."))
        self.table.resizeRowsToContents()

    def text_of(self, row: int, column: int) -> str:
        """What a cell says (the plain prompt behind a word-marked one)."""
        item = self.table.item(row, column)
        if item is None:
            return ""
        return str(item.data(Qt.ItemDataRole.UserRole) or item.text())

    # -- behaviour --------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._started:
            self._started = True
            self.grid.play()

    def reject(self) -> None:
        if self.grid.is_full_screen():      # Esc in full screen leaves it, the view stays
            self.grid.set_full_screen(False)
            return
        self.grid.pause()
        super().reject()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and self.use_buttons:
            self._fill()
            self.grid.set_videos([(caption(i, r), p) for i, (r, p) in enumerate(zip(self.records, self.grid.paths()))])
        super().changeEvent(event)
