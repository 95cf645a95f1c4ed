"""``RefundPage``: what to refund of one sale — lines and how many, method, reason.

The reason is a text field the physical keyboard types into, with the usual
reasons one tap away (a till rarely has a keyboard). Refund asks the server;
a cashier's goes through the manager's dialog first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nixpos.client.views.scaling import current_scale, fit_gaps
from nixpos.client.views.touch import discard, touch_button, touch_scroll
from nixpos.client.views.widgets import CENTER, label
from nixpos.core import words
from nixpos.core.pricing import PaymentMethod

if TYPE_CHECKING:
    from nixpos.core.sale_state import SaleView


class RefundRow(QFrame):
    def __init__(self, line_id: int, name: str, page: RefundPage) -> None:
        super().__init__()
        self.setObjectName("RefundRow")
        self.line_id = line_id
        self._count = 0
        self.name = label("LineName", name, wrap=True)
        self.left = label("RefundLeft")
        self.chosen = label("RefundChosen", align=CENTER)
        self.less_button = touch_button("RefundLess", words.LESS_KEY)
        self.more_button = touch_button("RefundMore", words.MORE_KEY)
        self.less_button.clicked.connect(lambda: page.quantity.emit(line_id, self._count - 1))
        self.more_button.clicked.connect(lambda: page.quantity.emit(line_id, self._count + 1))
        about = QVBoxLayout()
        about.setSpacing(0)
        about.addWidget(self.name)
        about.addWidget(self.left)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 4, 0, 4)
        row.addLayout(about, 1)
        row.addWidget(self.less_button)
        row.addWidget(self.chosen)
        row.addWidget(self.more_button)

    def show_row(self, left: int, chosen: int) -> None:
        self._count = chosen
        self.left.setText(words.refundable(left))
        self.chosen.setText(str(chosen))
        self.less_button.setEnabled(chosen > 0)
        self.more_button.setEnabled(chosen < left)


class RefundPage(QFrame):
    quantity = Signal(int, int)  # line id, units to refund
    method = Signal(object)  # a PaymentMethod
    reason = Signal(str)
    confirm = Signal()
    back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RefundPanel")
        self.rows: dict[int, RefundRow] = {}
        self.title = label("RefundTitle", wrap=True)
        self.back_button = touch_button("BackButton", words.BACK)
        self.back_button.clicked.connect(self.back.emit)
        rows = QWidget()
        rows.setObjectName("RefundLines")
        self._rows = QVBoxLayout(rows)
        self._rows.setContentsMargins(0, 0, 0, 0)
        self._rows.setSpacing(0)
        self._rows.addStretch(1)
        self.area = touch_scroll("RefundScroll", rows)

        self.method_buttons: dict[PaymentMethod, QPushButton] = {}
        methods = QGridLayout()
        for at, method in enumerate(PaymentMethod):
            button = touch_button("EntryChoice", words.METHODS[method.value], checkable=True)
            button.clicked.connect(lambda _=False, m=method: self.method.emit(m))
            methods.addWidget(button, at // 2, at % 2)
            self.method_buttons[method] = button
        self.reason_box = QLineEdit(placeholderText=words.REASON_HINT)
        self.reason_box.setObjectName("ReasonBox")
        self.reason_box.textEdited.connect(self.reason.emit)
        self.reason_box.returnPressed.connect(self.confirm.emit)
        chips = QHBoxLayout()
        self.reason_chips: list[QPushButton] = []
        for text in words.REFUND_REASONS:
            chip = touch_button("ReasonChip", text)
            chip.clicked.connect(lambda _=False, t=text: self.reason.emit(t))
            chips.addWidget(chip)
            self.reason_chips.append(chip)
        self.confirm_button = touch_button("ConfirmRefund", words.REFUND)
        self.confirm_button.clicked.connect(self.confirm.emit)
        choices = QVBoxLayout()
        choices.addWidget(label("TenderCaption", words.REFUND_METHOD))
        choices.addLayout(methods)
        choices.addWidget(label("TenderCaption", words.REASON))
        choices.addWidget(self.reason_box)
        choices.addLayout(chips)
        choices.addStretch(1)
        choices.addWidget(self.confirm_button)

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.back_button)
        lines = QVBoxLayout()
        lines.addLayout(top)
        lines.addWidget(self.area, 1)
        page = QHBoxLayout(self)
        page.addLayout(lines, 1)
        page.addLayout(choices, 1)

    def show_view(self, view: SaleView) -> None:
        self.title.setText(view.refund_title)
        ids = [line_id for line_id, *_ in view.refund]
        if ids != list(self.rows):
            discard(self.rows.values())
            self.rows = {}
            for at, (line_id, name, _, _) in enumerate(view.refund):
                self.rows[line_id] = RefundRow(line_id, name, self)
                self._rows.insertWidget(at, self.rows[line_id])
                fit_gaps(self.rows[line_id], current_scale(self))  # made after styling
        for line_id, _, left, chosen in view.refund:
            self.rows[line_id].show_row(left, chosen)
        for method, button in self.method_buttons.items():
            button.setChecked(method is view.refund_method)
        if self.reason_box.text() != view.refund_reason:  # not while it is typed
            self.reason_box.setText(view.refund_reason)
