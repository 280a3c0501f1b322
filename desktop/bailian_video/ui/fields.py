"""Editors for one catalogue field each, all with the same small interface.

``value()`` gives what goes into the request (None = leave it out), ``set_value`` fills it
(from remembered settings or "run again"), ``changed`` fires on every edit. Only valid
choices are ever offered: combos list the catalogue's choices, spin boxes carry its range.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QIntValidator
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..catalog import Choice, InputSpec, Kind, ParamSpec
from ..i18n import T
from .aspect import ADAPTIVE, ASPECT_PARAMS, aspect_icon, aspect_of
from .dropzone import DropZone
from .snippets import SnippetTools
from .util import layout_widgets, set_state, tx

LONG_TEXT = {"prompt", "negative_prompt"}
#: the label of a choice combo's "leave it out" entry (shown translated)
UNSET = T("", "")


def announce(widget: QWidget, text: str) -> None:
    """Tell a screen reader ``text`` now (a problem that just appeared at a field), without moving the focus."""
    if text and QAccessible.isActive():
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(widget, text))


class PairRow(QWidget):
    """Two fields in one row, each half the width, when each half gets ``MIN_HALF`` at least (a fixed width: the
    fields' own minimums change while they are rebuilt); one above the other in a narrower column. Its minimum
    width is one field's, so a narrow column can have it."""

    MIN_HALF = 176

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pairRow")
        self.lay = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.lay.setContentsMargins(0, 0, 0, 0)
        self.lay.setSpacing(12)

    def widgets(self) -> list[QWidget]:
        return layout_widgets(self.lay)

    def set_pair(self, first: QWidget, second: QWidget) -> None:
        for w in self.widgets():
            if w is not first and w is not second:
                self.lay.removeWidget(w)
                w.hide()
        for i, w in enumerate((first, second)):
            self.lay.insertWidget(i, w, 1, Qt.AlignmentFlag.AlignTop)
            w.show()
        self._arrange(self.width())

    def side_by_side(self) -> bool:
        return self.lay.direction() == QBoxLayout.Direction.LeftToRight

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        return QSize(max((w.minimumSizeHint().width() for w in self.widgets()), default=0), hint.height())

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._arrange(event.size().width())

    def _arrange(self, width: int) -> None:
        need = 2 * self.MIN_HALF + self.lay.spacing()
        direction = QBoxLayout.Direction.LeftToRight if width >= need else QBoxLayout.Direction.TopToBottom
        if direction != self.lay.direction():
            self.lay.setDirection(direction)
            self.updateGeometry()           # its height changes: the column lays itself out again


class Editor(QObject):
    changed = Signal()
    widget: QWidget
    #: the editor shows its own label (check boxes)
    self_labelled = False

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def retranslate(self) -> None:
        pass

    def focus(self) -> None:
        self.widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def targets(self) -> list[QWidget]:
        """The widgets that take the focus (they carry the field's name and problem for screen readers)."""
        return [self.widget]

    def name_as(self, title: str) -> None:
        """The field's title as the accessible name of its (first) focus widget: "Prompt", not "Prompt *"."""
        self.targets()[0].setAccessibleName(title)


class PromptEdit(QPlainTextEdit):
    """Plain text that grows a little with its content and never takes Ctrl+Enter (that generates)."""

    def __init__(self, lines: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.lines = lines
        self.setTabChangesFocus(True)
        fm = self.fontMetrics()
        self.setMinimumHeight(fm.lineSpacing() * min(lines, 2) + 14)
        self.setMaximumHeight(fm.lineSpacing() * max(lines * 2, 6) + 14)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(300, self.fontMetrics().lineSpacing() * self.lines + 14)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            event.ignore()     # let the window's shortcut have it
            return
        super().keyPressEvent(event)


class TextEditor(Editor):
    def __init__(self, spec: InputSpec, parent: QWidget | None = None):
        super().__init__(parent)
        self.spec = spec
        self.counter: QLabel | None = None
        if spec.name in LONG_TEXT:
            self.edit: QPlainTextEdit | QLineEdit = PromptEdit(4 if spec.name == "prompt" else 2)
            self.edit.textChanged.connect(self._changed)
            box = QWidget(parent)
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.setSpacing(2)
            lay.addWidget(self.edit)
            self.counter = QLabel(box)
            self.counter.setObjectName("charCounter")
            self.counter.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.counter.setVisible(bool(spec.max_chars))
            # the prompt library: "Snippets ▾" under the field, "Insert snippet" in its right-click menu
            self.snippets = SnippetTools(self.edit, box)
            under = QHBoxLayout()
            under.addWidget(self.snippets.button)
            under.addStretch(1)
            under.addWidget(self.counter)
            lay.addLayout(under)
            self.widget = box
        else:
            self.edit = QLineEdit(parent)
            self.edit.setClearButtonEnabled(True)
            self.edit.textChanged.connect(self._changed)
            self.widget = self.edit
        self.edit.setObjectName(f"edit_{spec.name}")
        self.retranslate()
        self._count()

    def text(self) -> str:
        return self.edit.toPlainText() if isinstance(self.edit, QPlainTextEdit) else self.edit.text()

    def set_spec(self, spec: InputSpec) -> None:
        """Another model's field of the same name: its own length limit (800, 5000 … characters)."""
        self.spec = spec
        if self.counter is not None:
            self.counter.setVisible(bool(spec.max_chars))
        self._count()

    def value(self) -> Any:
        t = self.text().strip()
        return t or None

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if isinstance(self.edit, QPlainTextEdit):
            self.edit.setPlainText(text)
        else:
            self.edit.setText(text)

    def _changed(self) -> None:
        self._count()
        self.changed.emit()

    def _count(self) -> None:
        if self.counter is None or not self.spec.max_chars:
            return
        n = len(self.text().strip())
        self.counter.setText(f"{n} / {self.spec.max_chars}")
        set_state(self.counter, "over", n > self.spec.max_chars)

    def retranslate(self) -> None:
        placeholders = {
            "prompt": self.tr("Describe the video: who or what, where, how it moves, the camera, the light…"),
            "negative_prompt": self.tr("Optional: what you do not want to see"),
            "template": self.tr("Optional, e.g. flying, squish, carousel"),
        }
        if hasattr(self.edit, "setPlaceholderText"):
            self.edit.setPlaceholderText(placeholders.get(self.spec.name, ""))

    def focus(self) -> None:
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def targets(self) -> list[QWidget]:
        return [self.edit]

    def insert_at_cursor(self, text: str) -> None:
        """Put ``text`` (a media tag: 图1, <<<image_1>>>, @name) where the cursor is, in place of a selection,
        with a space before it unless it starts the text or follows whitespace; the focus comes back here."""
        if isinstance(self.edit, QPlainTextEdit):
            cur = self.edit.textCursor()
            start = cur.selectionStart()
            before = self.edit.document().characterAt(start - 1) if start > 0 else ""
            cur.insertText(text if not before or before.isspace() else f" {text}")
            self.edit.setTextCursor(cur)
        else:
            start = self.edit.selectionStart() if self.edit.hasSelectedText() else self.edit.cursorPosition()
            # Qt counts UTF-16 units
            before = self.edit.text().encode("utf-16-le")[:2 * start].decode("utf-16-le", "ignore")[-1:]
            self.edit.insert(text if not before or before.isspace() else f" {text}")
        self.focus()


class ChoiceEditor(Editor):
    """A combo of the catalogue's choices (sizes, durations, styles, templates, …). ``optional``: a first
    entry leaves the parameter out, for the model to decide (a ratio that follows the source video)."""

    def __init__(self, choices: Sequence[Choice], default: Any = None, fixed: bool = False,
                 parent: QWidget | None = None, name: str = "", optional: bool = False):
        super().__init__(parent)
        self.optional = optional
        self.choices = ([Choice(None, UNSET)] if optional else []) + list(choices)
        #: words after a choice's label, by value (its price: "720P — ¥0.60/s")
        self.suffixes: dict[str, str] = {}
        self.aspect = name in ASPECT_PARAMS
        self.combo = QComboBox(parent)
        self.combo.setObjectName(f"combo_{name}")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)
        self.combo.setMaxVisibleItems(20)
        for i, _c in enumerate(self.choices):
            self.combo.addItem("", i)
        if name in ASPECT_PARAMS:
            self.combo.setIconSize(QSize(22, 22))
            for i, c in enumerate(self.choices):
                icon = aspect_icon(c.value, self.combo.palette())
                if icon is not None:
                    self.combo.setItemIcon(i, icon)
        self.retranslate()
        self.widget = self.combo
        if fixed or len(self.choices) == 1:
            self.combo.setEnabled(False)
        self.set_value(default)
        self.combo.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def value(self) -> Any:
        i = self.combo.currentIndex()
        return self.choices[i].value if 0 <= i < len(self.choices) else None

    def values(self) -> list[Any]:
        """The catalogue's choices offered (without the 'not set' entry)."""
        return [c.value for c in self.choices[1 if self.optional else 0:]]

    def set_value(self, value: Any) -> None:
        for i, c in enumerate(self.choices):
            if c.value == value or (value is not None and str(c.value) == str(value)):
                self.combo.setCurrentIndex(i)
                return
        if self.combo.currentIndex() < 0 and self.choices:
            self.combo.setCurrentIndex(0)

    def set_suffixes(self, suffixes: dict[str, str]) -> None:
        self.suffixes = suffixes
        self.retranslate()

    def retranslate(self) -> None:
        for i, c in enumerate(self.choices):
            text = self.tr("Not set (the model decides)") if c.label is UNSET else tx(c.label)
            extra = self.suffixes.get(str(c.value))
            self.combo.setItemText(i, f"{text} — {extra}" if extra else text)
            shape = self._shape(c.value) if self.aspect else ""
            if shape:       # a screen reader says what the thumbnail shows: "4:3, landscape"
                said = self.combo.itemText(i)
                if shape.lower() not in said.lower():
                    said = f"{said}, {shape}"
                self.combo.setItemData(i, said, Qt.ItemDataRole.AccessibleTextRole)

    def _shape(self, value: Any) -> str:
        if str(value).strip().lower() in ADAPTIVE:
            return self.tr("follows the input")
        ratio = aspect_of(value)
        if ratio is None:
            return ""
        return self.tr("landscape") if ratio > 1.01 else self.tr("portrait") if ratio < 0.99 else self.tr("square")


class BoolEditor(Editor):
    self_labelled = True

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None):
        super().__init__(parent)
        self.spec = spec
        self.box = QCheckBox(tx(spec.label), parent)
        self.box.setObjectName(f"check_{spec.name}")
        self.box.setChecked(bool(spec.default))
        self.box.toggled.connect(lambda _b: self.changed.emit())
        self.widget = self.box

    def value(self) -> Any:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        if value is not None:
            self.box.setChecked(bool(value))

    def retranslate(self) -> None:
        self.box.setText(tx(self.spec.label))


class NumberEditor(Editor):
    """A bounded int or float (frame rates, strengths, scales, thresholds). A value with a meaning of its
    own outside the range (duration 0: as long as the source; -1: the model picks) is the box's lowest
    step, shown by its name."""

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None):
        super().__init__(parent)
        self.spec = spec
        self.special: Choice | None = spec.extra[0] if spec.extra and spec.type == "int" else None
        box: QSpinBox | QDoubleSpinBox
        if spec.type == "float":
            box = fbox = QDoubleSpinBox(parent)
            span = (spec.max or 1.0) - (spec.min or 0.0)
            fbox.setDecimals(2)
            fbox.setSingleStep(0.05 if span <= 2 else 0.1)
            fbox.setRange(spec.min if spec.min is not None else -1e9, spec.max if spec.max is not None else 1e9)
        else:
            box = ibox = QSpinBox(parent)
            lo = int(spec.min) if spec.min is not None else 0
            ibox.setRange(lo - 1 if self.special is not None else lo,
                          int(spec.max) if spec.max is not None else 2_000_000_000)
            if spec.name == "duration":
                ibox.setSuffix(self.tr(" s"))
        box.setObjectName(f"spin_{spec.name}")
        box.setMinimumWidth(90)
        box.setMaximumWidth(160)
        box.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.box = box
        self.retranslate()
        if spec.default is not None:
            self.set_value(spec.default)
        box.valueChanged.connect(lambda _v: self.changed.emit())
        self.widget = box

    def value(self) -> Any:
        v = self.box.value()
        if self.special is not None and v == self.box.minimum():
            return self.special.value
        return round(float(v), 4) if self.spec.type == "float" else int(v)

    def set_value(self, value: Any) -> None:
        if value is None:
            return
        box = self.box
        try:
            if isinstance(box, QDoubleSpinBox):
                box.setValue(float(value))
            elif self.special is not None and value == self.special.value:
                box.setValue(box.minimum())
            else:
                box.setValue(int(value))
        except (TypeError, ValueError):
            pass

    def retranslate(self) -> None:
        if self.special is not None:
            self.box.setSpecialValueText(tx(self.special.label))


class SeedEditor(Editor):
    """Empty for random; a number to repeat a result."""

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None):
        super().__init__(parent)
        self.spec = spec
        box = QWidget(parent)
        lay = QHBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(box)
        self.edit.setObjectName("edit_seed")
        self.edit.setValidator(QIntValidator(0, 2147483647, self.edit))
        self.edit.setClearButtonEnabled(True)
        self.edit.textChanged.connect(lambda _t: self.changed.emit())
        self.dice = QToolButton(box)
        self.dice.setIcon(box.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        self.dice.clicked.connect(self._roll)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.dice)
        self.widget = box
        self.retranslate()

    def _roll(self) -> None:
        import random
        self.edit.setText(str(random.randint(0, 2147483646)))

    def targets(self) -> list[QWidget]:
        return [self.edit, self.dice]

    def value(self) -> Any:
        t = self.edit.text().strip()
        return int(t) if t.isdigit() else None

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))

    def retranslate(self) -> None:
        self.edit.setPlaceholderText(self.tr("Random"))
        self.dice.setToolTip(self.tr("Pick a random seed"))
        self.dice.setAccessibleName(self.tr("Pick a random seed"))


class OptionalIntEditor(Editor):
    """A positive whole number that may be left out (VACE mask frame)."""

    def __init__(self, spec: InputSpec, parent: QWidget | None = None):
        super().__init__(parent)
        self.spec = spec
        self.box = QSpinBox(parent)
        self.box.setObjectName(f"spin_{spec.name}")
        self.box.setRange(0, 100000)
        self.box.valueChanged.connect(lambda _v: self.changed.emit())
        self.widget = self.box
        self.retranslate()

    def value(self) -> Any:
        return self.box.value() or None

    def set_value(self, value: Any) -> None:
        try:
            self.box.setValue(int(value or 0))
        except (TypeError, ValueError):
            pass

    def retranslate(self) -> None:
        self.box.setSpecialValueText(self.tr("Default"))


class TemplateIdEditor(Editor):
    def __init__(self, spec: InputSpec, parent: QWidget | None = None):
        super().__init__(parent)
        self.edit = QLineEdit(parent)
        self.edit.setObjectName(f"edit_{spec.name}")
        self.edit.setPlaceholderText("AACT.…")
        self.edit.setClearButtonEnabled(True)
        self.edit.textChanged.connect(lambda _t: self.changed.emit())
        self.widget = self.edit

    def value(self) -> Any:
        return self.edit.text().strip() or None

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))


class StrListEditor(Editor):
    """One choice per item of another field (VACE: subject or background for each reference image)."""

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None):
        super().__init__(parent)
        self.spec = spec
        self.box = QWidget(parent)
        self.lay = QHBoxLayout(self.box)
        self.lay.setContentsMargins(0, 0, 0, 0)
        self.empty = QLabel(self.box)
        self.empty.setObjectName("helpText")
        self.lay.addWidget(self.empty)
        self.lay.addStretch(1)
        self.combos: list[QComboBox] = []
        self.widget = self.box
        self.retranslate()

    def set_count(self, n: int) -> None:
        current = self.value() or []
        while len(self.combos) > n:
            c = self.combos.pop()
            c.deleteLater()
        while len(self.combos) < n:
            c = QComboBox(self.box)
            for i, ch in enumerate(self.spec.item_choices):
                c.addItem(f"{len(self.combos) + 1}: {tx(ch.label)}", i)
            c.currentIndexChanged.connect(lambda _i: self.changed.emit())
            c.setAccessibleName(f"{tx(self.spec.label)} {len(self.combos) + 1}")
            self.lay.insertWidget(len(self.combos), c)
            self.combos.append(c)
        self.set_value(current)
        self.empty.setVisible(n == 0)
        self.changed.emit()

    def targets(self) -> list[QWidget]:
        return list(self.combos) or [self.box]

    def name_as(self, title: str) -> None:
        pass            # each item's combo is named by its number

    def value(self) -> Any:
        if not self.combos:
            return None
        return [self.spec.item_choices[c.currentIndex()].value for c in self.combos]

    def set_value(self, value: Any) -> None:
        values = list(value or [])
        for c, v in zip(self.combos, values):
            for i, ch in enumerate(self.spec.item_choices):
                if ch.value == v:
                    c.setCurrentIndex(i)

    def retranslate(self) -> None:
        self.empty.setText(self.tr("Add reference images first."))
        for n, c in enumerate(self.combos):
            for i, ch in enumerate(self.spec.item_choices):
                c.setItemText(i, f"{n + 1}: {tx(ch.label)}")


def param_editor(spec: ParamSpec, parent: QWidget | None = None) -> Editor:
    if spec.type == "bool":
        return BoolEditor(spec, parent)
    if spec.choices:
        return ChoiceEditor(spec.choices, spec.default, spec.fixed, parent, name=spec.name,
                            optional=spec.default is None and not spec.required and not spec.fixed)
    if spec.type == "str_list":
        return StrListEditor(spec, parent)
    if spec.name == "seed":
        return SeedEditor(spec, parent)
    if spec.type in ("int", "float"):
        return NumberEditor(spec, parent)
    ed = TemplateIdEditor(InputSpec(spec.name, Kind.TEXT, spec.label), parent)
    return ed


def input_editor(spec: InputSpec, parent: QWidget | None = None) -> Editor:
    if spec.kind == Kind.TEXT:
        return TextEditor(spec, parent)
    if spec.kind == Kind.CHOICE:   # an optional one (an effect template) starts unset: nothing chosen is sent
        first = spec.choices[0].value if spec.choices and spec.required else None
        return ChoiceEditor(spec.choices, first, parent=parent, name=spec.name, optional=not spec.required)
    if spec.kind == Kind.INT:
        return OptionalIntEditor(spec, parent)
    return TemplateIdEditor(spec, parent)


class FieldRow(QWidget):
    """Label, editor, the field's message line (problems, in words) right under the editor, then help in small
    print. The editor's focus widgets carry the label as their accessible name and the message and help as
    their description; a new message is announced to screen readers."""

    def __init__(self, name: str, label: Any, help_: Any, editor_widget: QWidget, required: bool = False,
                 self_labelled: bool = False, editor: Editor | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.name = name
        self.editor = editor
        self.editor_widget = editor_widget
        self.label_t = label
        self.help_t = help_
        self.required = required
        self.brief = False          # a short window: the help in the title's tooltip, not under the field
        self.setObjectName(f"row_{name}")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 6)
        lay.setSpacing(3)
        self.title = QLabel(self)
        self.title.setObjectName("fieldTitle")
        self.title.setVisible(not self_labelled)
        self.title.setBuddy(self.targets()[0])
        lay.addWidget(self.title)
        lay.addWidget(editor_widget)
        self.error = QLabel(self)
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        lay.addWidget(self.error)
        self.help = QLabel(self)
        self.help.setObjectName("helpText")
        self.help.setWordWrap(True)
        self.help.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.help)
        self.retranslate()

    def targets(self) -> list[QWidget]:
        return self.editor.targets() if self.editor is not None else [self.editor_widget]

    def set_error(self, text: str) -> None:
        said = bool(text) and text != self.error.text()
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self._describe()
        if said:
            announce(self.targets()[0], text)

    def error_text(self) -> str:
        return self.error.text() if self.error.isVisible() or self.error.text() else ""

    def _describe(self) -> None:
        problem = self.error.text() if not self.error.isHidden() else ""
        if isinstance(self.editor_widget, DropZone):       # it says what it takes itself
            self.editor_widget.set_problem(problem)
            return
        text = " ".join(t for t in (problem, self.help.text()) if t)
        for w in self.targets():
            w.setAccessibleDescription(text)

    def set_brief(self, on: bool) -> None:
        self.brief = on
        self._show_help()

    def _show_help(self) -> None:
        h = self.help.text()
        self.help.setVisible(bool(h) and not self.brief)
        self.title.setToolTip(h if self.brief else "")

    def retranslate(self) -> None:
        title = tx(self.label_t)
        self.title.setText(title + " *" if self.required else title)
        if self.editor is not None:
            self.editor.name_as(title)
        self.help.setText(tx(self.help_t))
        self._show_help()
        if self.editor is not None:
            self.editor.retranslate()
        self._describe()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
