"""The model picker: a combo whose list explains each model before it is picked.

Models are grouped under their maker (Wan, HappyHorse, Kling, Vidu, PixVerse …). Each entry has two
lines: the model's name (and "new"), then its price per second at the resolution chosen in the form,
the longest video it makes and whether the video has sound. A model the current region does not
offer is shown disabled, with the reason and the regions that have it. The closed combo shows the
name only; the form's price line sits beside it.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from .. import catalog, i18n
from ..catalog import ModelSpec
from ..catalog import makers as mk
from .util import fmt_unit_price, tx

#: the second line of an entry (price, length, sound, or why it cannot be picked)
FactsRole = Qt.ItemDataRole.UserRole + 1
#: True on a maker's heading row
HeaderRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


def tier_label(spec: ModelSpec, tier: str) -> str:
    """How the form names a price tier: the choice that selects it, up to its explanation ("标准：更快更省"
    → 标准, "Pro: smoother motion" → Pro); a tier no choice names ("720P") as it is."""
    src = spec.tier_source or ""
    p = spec.param(src.split(":", 1)[1]) if src.startswith("param:") else None
    choice = next((c for c in (p.choices if p else ()) if str(c.value) == tier), None)
    if choice is None:
        return tier
    text = tx(choice.label)
    for colon in ("：", ":"):
        text = text.split(colon, 1)[0]
    return text.strip() or tier



class ModelDelegate(QStyledItemDelegate):
    """Paints a heading as a small bold caption, an entry as its name over its facts."""

    PAD = 6

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        fm = option.fontMetrics
        if index.data(HeaderRole):
            return QSize(200, fm.height() + self.PAD + 4)
        facts = index.data(FactsRole) or ""
        width = max(fm.horizontalAdvance(index.data(Qt.ItemDataRole.DisplayRole) or ""),
                    int(fm.horizontalAdvance(facts) * 0.92)) + 3 * self.PAD
        return QSize(width, 2 * fm.height() + self.PAD + 2 if facts else fm.height() + self.PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        painter.save()
        pal = opt.palette
        rect: QRect = opt.rect
        if index.data(HeaderRole):
            font = QFont(opt.font)
            font.setBold(True)
            font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
            painter.setFont(font)
            painter.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(rect.adjusted(self.PAD, 2, -self.PAD, 0),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom), opt.text)
            painter.setPen(pal.color(QPalette.ColorRole.Mid))
            painter.drawLine(rect.left() + self.PAD, rect.bottom(), rect.right() - self.PAD, rect.bottom())
            painter.restore()
            return
        enabled = bool(opt.state & QStyle.StateFlag.State_Enabled)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected) and enabled
        if selected:
            painter.fillRect(rect, pal.color(QPalette.ColorRole.Highlight))
        group = QPalette.ColorGroup.Active if enabled else QPalette.ColorGroup.Disabled
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        fm = opt.fontMetrics
        inner = rect.adjusted(2 * self.PAD, self.PAD // 2, -self.PAD, -self.PAD // 2)
        painter.setPen(pal.color(group, text_role))
        painter.setFont(opt.font)
        painter.drawText(QRect(inner.left(), inner.top(), inner.width(), fm.height()),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         fm.elidedText(opt.text, Qt.TextElideMode.ElideRight, inner.width()))
        facts = index.data(FactsRole) or ""
        if facts:
            small = QFont(opt.font)
            small.setPointSizeF(max(7.0, small.pointSizeF() * 0.88))
            painter.setFont(small)
            painter.setPen(pal.color(group, text_role) if selected else
                           pal.color(group, QPalette.ColorRole.PlaceholderText))
            sfm = painter.fontMetrics()
            painter.drawText(QRect(inner.left(), inner.top() + fm.height(), inner.width(), fm.height()),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             sfm.elidedText(facts, Qt.TextElideMode.ElideRight, inner.width()))
        painter.restore()


class ModelPicker(QComboBox):
    """A QComboBox of models under maker headings. ``itemData(i)`` is the model's name (None on a heading),
    so ``findData(name)`` finds a model; headings and models of other regions cannot be chosen."""

    def __init__(self, models: Sequence[ModelSpec], parent: QWidget | None = None):
        super().__init__(parent)
        self.models = list(models)
        self._model = QStandardItemModel(self)
        self.setModel(self._model)
        self.setItemDelegate(ModelDelegate(self))
        self.setMaxVisibleItems(14)
        self._headers: dict[str, QStandardItem] = {}
        groups = mk.by_maker(self.models)
        for maker, ms in groups:
            if len(groups) > 1:
                head = QStandardItem()
                head.setFlags(Qt.ItemFlag.NoItemFlags)
                head.setData(True, HeaderRole)
                head.setData(None, Qt.ItemDataRole.UserRole)
                head.setAccessibleText(tx(mk.maker_label(maker)))
                self._model.appendRow(head)
                self._headers[maker] = head
            for m in sorted(ms, key=lambda m: not m.new):       # new first, each group in catalogue order
                item = QStandardItem()
                item.setData(m.name, Qt.ItemDataRole.UserRole)
                self._model.appendRow(item)
        self.setCurrentIndex(self.findData(self.models[0].name) if self.models else -1)
        self.currentIndexChanged.connect(self._describe)

    def _describe(self) -> None:
        """Screen readers: the picker is "Model"; its description the chosen model's facts (each entry's
        accessible text has its own)."""
        self.setAccessibleName(self.tr("Model"))
        self.setAccessibleDescription(self.facts(self.currentIndex()))

    def model_at(self, index: int) -> ModelSpec | None:
        name = self.itemData(index)
        return catalog.get(name) if isinstance(name, str) else None

    def entries(self) -> list[tuple[int, ModelSpec]]:
        return [(i, m) for i in range(self.count()) if (m := self.model_at(i)) is not None]

    def facts(self, index: int) -> str:
        """The second line of an entry (what the list shows under its name)."""
        return str(self.itemData(index, FactsRole) or "")

    def refresh(self, region: str, tier: str | None, needs_workspace: Callable[[ModelSpec], bool]) -> None:
        """Names, facts and which entries can be picked, for ``region`` and the form's resolution ``tier``."""
        here = tx(catalog.region_label(region))
        for maker, head in self._headers.items():
            head.setText(tx(mk.maker_label(maker)))
        for i, m in self.entries():
            item = self._model.item(i)
            name = tx(m.title)
            if m.new:
                name = self.tr("%1 · new").replace("%1", name)
            item.setText(name)
            available = m.available_in(region)
            if available:
                facts = self._facts(m, region, tier)
                if needs_workspace(m):
                    facts = self.tr("needs a workspace id (Settings)") + " · " + facts
            else:
                others = [tx(catalog.region_label(r)) for r in catalog.REGIONS if m.available_in(r)]
                facts = self.tr("Not offered in %1").replace("%1", here)
                if others:
                    facts += " — " + self.tr("available in %1").replace("%1", self._join(others))
            item.setData(facts, FactsRole)
            flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled if available else Qt.ItemFlag.NoItemFlags
            item.setFlags(flags)
            item.setToolTip(f"{name}\n{facts}\n{tx(m.description)}\n{m.name}")
            item.setAccessibleText(f"{name}. {facts}")
        self._describe()

    def _facts(self, m: ModelSpec, region: str, tier: str | None) -> str:
        parts: list[str] = []
        price = m.price_in(region)
        amount, exact = mk.price_at(m, region, tier)
        unit = self.tr("/s") if price.unit == "second" else self.tr("/image")
        text = f"{'' if price.confirmed else '≈'}{fmt_unit_price(amount)}{unit}"
        if exact and tier and tier in price.by_tier and len(price.by_tier) > 1:
            text += f" {tier_label(m, tier)}"
        elif not exact:
            text = self.tr("from %1").replace("%1", text)
        parts.append(text)
        longest = mk.max_length(m)
        if longest:
            parts.append(self.tr("up to %1 s").replace("%1", f"{longest:g}"))
        sound = mk.audio_support(m)
        if sound is not None:
            parts.append({"always": self.tr("with sound"), "optional": self.tr("sound on/off"),
                          "input": self.tr("sound from your audio"),
                          "keep": self.tr("keeps the sound")}[sound])
        else:
            parts.append(self.tr("silent"))
        return " · ".join(parts)

    @staticmethod
    def _join(items: list[str]) -> str:
        return ("、" if i18n.language() == "zh" else ", ").join(items)

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        return QSize(min(hint.width(), 360), hint.height())

    def showPopup(self) -> None:  # noqa: N802
        # the list is as wide as its widest entry (two lines each), not as narrow as the closed combo
        view = self.view()
        width = view.sizeHintForColumn(0) + 24
        view.setMinimumWidth(max(self.width(), min(width, 640)))
        super().showPopup()

    def current_spec(self) -> ModelSpec | None:
        return self.model_at(self.currentIndex())
