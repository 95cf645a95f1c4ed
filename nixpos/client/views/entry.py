"""``EntryPad``: the small pad over the sale for a discount or a quantity.

It covers the sale screen (inside the till's window, so the idle warning and
the manager's dialog still show above it): a card with what is typed, the
choices (this line or the whole sale; percent or amount), a number pad and
Apply. What the digits mean, and whether a manager must approve, is the
core's (``core.number_entry``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRect, Qt, Signal, SignalInstance
from PySide6.QtGui import QKeyEvent, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from nixpos.client.views.number_pad import NumberPad, is_enter, key_of
from nixpos.client.views.touch import discard, touch_button
from nixpos.client.views.widgets import label
from nixpos.core import words

if TYPE_CHECKING:
    from nixpos.core.number_entry import EntryView

MARGIN_PER_HEIGHT = 0.05  # of the sale screen's height, around the card
MAX_WIDTH_PER_HEIGHT = 1.5  # wider than this, the card's columns drift apart


class EntryPad(QFrame):
    key = Signal(str)
    target = Signal(object)  # a line index, or None for the whole sale
    kind = Signal(object)  # a DiscountKind
    done = Signal()
    cancelled = Signal()
    removed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("EntryBackdrop")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.card = QFrame(self)
        self.card.setObjectName("EntryCard")
        self.title = label("EntryTitle", wrap=True)
        self.shown = label("EntryShown", align=Qt.AlignmentFlag.AlignRight
                           | Qt.AlignmentFlag.AlignVCenter)
        self.error = label("ErrorLine", wrap=True)
        self.targets: list[QPushButton] = []
        self.kinds: list[QPushButton] = []
        self._targets_row = QHBoxLayout()
        self._kinds_row = QHBoxLayout()
        self.cancel_button = touch_button("CancelButton", words.CANCEL)
        self.remove_button = touch_button("RemoveButton", words.NO_DISCOUNT)
        self.apply_button = touch_button("ApplyButton", words.APPLY)
        self.cancel_button.clicked.connect(self.cancelled.emit)
        self.remove_button.clicked.connect(self.removed.emit)
        self.apply_button.clicked.connect(self.done.emit)
        self.pad = NumberPad()
        self.pad.pressed.connect(self.key.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.apply_button, 1)
        column = QVBoxLayout()
        column.addWidget(self.title)
        column.addLayout(self._targets_row)
        column.addLayout(self._kinds_row)
        column.addWidget(self.shown)
        column.addWidget(self.error)
        column.addStretch(1)
        column.addLayout(buttons)
        card = QHBoxLayout(self.card)
        card.addLayout(column, 3)
        card.addWidget(self.pad, 2)
        self.hide()

    def show_view(self, view: EntryView | None) -> None:
        if view is None:
            self.hide()
            return
        self.title.setText(view.title)
        self.shown.setText(view.shown)
        self.error.setText(view.error)
        self.error.setVisible(bool(view.error))
        self._choices(self.targets, self._targets_row, view.targets, self.target)
        self._choices(self.kinds, self._kinds_row, view.kinds, self.kind)
        self.remove_button.setVisible(view.can_remove)
        if self.isHidden():
            parent = self.parentWidget()
            if parent is not None:
                self.setGeometry(parent.rect())
            self.show()
            self.raise_()
            self.setFocus()  # the keyboard's digits are for the pad now

    @staticmethod
    def _choices(buttons: list[QPushButton], row: QHBoxLayout,
                 choices: tuple[tuple[Any, str, bool], ...], chosen: SignalInstance) -> None:
        """One checkable button a choice, made again only when the choices change."""
        if [b.text() for b in buttons] != [text for _, text, _ in choices]:
            discard(buttons)
            buttons.clear()
            for value, text, _ in choices:
                button = touch_button("EntryChoice", text, checkable=True)
                button.clicked.connect(lambda _=False, v=value: chosen.emit(v))
                row.addWidget(button)
                buttons.append(button)
        for button, (_, _, on) in zip(buttons, choices, strict=True):
            button.setChecked(on)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        area = self.rect()
        margin = int(area.height() * MARGIN_PER_HEIGHT)
        height = area.height() - 2 * margin
        width = min(area.width() - 2 * margin, int(height * MAX_WIDTH_PER_HEIGHT))
        box = QRect(0, 0, width, height)
        box.moveCenter(area.center())
        self.card.setGeometry(box)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = key_of(event)
        if key is not None:
            self.key.emit(key)
        elif is_enter(event):
            self.done.emit()
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A tap beside the card is a Cancel, as beside any dialog."""
        if not self.card.geometry().contains(event.position().toPoint()):
            self.cancelled.emit()
        super().mousePressEvent(event)
