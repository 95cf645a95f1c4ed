"""``TenderPage``: taking payment — what is left, the amount given, change due in large type.

Quick cash buttons pay at once (exact, and the next round notes). The pad
(or the keyboard's digits) types the amount given; Cash takes it (or the
exact amount if nothing was typed), Card, QR and Other take it toward what
is left, so a sale can be split. The change due shows as soon as the amount
typed is more than what is left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from nixpos.client.views.number_pad import NumberPad, is_enter, key_of
from nixpos.client.views.touch import touch_button
from nixpos.client.views.widgets import change_due_box, label
from nixpos.core import words
from nixpos.core.pricing import PaymentMethod

if TYPE_CHECKING:
    from nixpos.core.sale_state import TenderView

QUICK_BUTTONS = 4  # the exact amount and three round notes (core.cart.quick_cash)


class TenderPage(QFrame):
    key = Signal(str)
    method = Signal(object)  # a PaymentMethod: takes what was typed (or what is left)
    quick_cash = Signal(int)
    back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TenderPanel")
        # The page takes the keyboard's digits while it shows (see keyPressEvent).
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.total = label("TenderTotal")
        self.remaining = label("TenderRemaining")
        self.payments = label("TenderPayments", wrap=True)
        self.typed = label("TenderTyped", align=Qt.AlignmentFlag.AlignRight
                           | Qt.AlignmentFlag.AlignVCenter)
        self.hint = label("TenderHint", words.TENDER_HINT, wrap=True)
        self.change_box, self.change = change_due_box()
        self.back_button = touch_button("BackButton", words.CANCEL_PAYMENT)
        self.back_button.clicked.connect(self.back.emit)
        sums = QGridLayout()
        sums.setVerticalSpacing(0)
        sums.addWidget(label("TenderCaption", words.TOTAL), 0, 0)
        sums.addWidget(label("TenderCaption", words.LEFT_TO_PAY), 0, 1)
        sums.addWidget(self.total, 1, 0)
        sums.addWidget(self.remaining, 1, 1)
        left = QVBoxLayout()
        left.addLayout(sums)
        left.addWidget(self.payments)
        left.addWidget(label("TenderCaption", words.AMOUNT_GIVEN))
        left.addWidget(self.typed)
        left.addWidget(self.hint)
        left.addWidget(self.change_box)
        left.addStretch(1)
        left.addWidget(self.back_button)

        self.quick_buttons: list[QPushButton] = []
        self._quick_amounts: list[int] = []
        quick = QVBoxLayout()
        for at in range(QUICK_BUTTONS):
            button = touch_button("QuickCash")
            button.clicked.connect(lambda _=False, i=at: self.quick_cash.emit(
                self._quick_amounts[i]))
            quick.addWidget(button)
            self.quick_buttons.append(button)
        quick.addStretch(1)

        self.pad = NumberPad()
        self.pad.pressed.connect(self.key.emit)
        self.method_buttons: dict[PaymentMethod, QPushButton] = {}
        methods = QGridLayout()
        for at, method in enumerate(PaymentMethod):
            button = touch_button("MethodButton", words.METHODS[method.value])
            button.setProperty("method", method.value)
            button.clicked.connect(lambda _=False, m=method: self.method.emit(m))
            methods.addWidget(button, at // 2, at % 2)
            self.method_buttons[method] = button
        right = QVBoxLayout()
        right.addWidget(self.pad, 1)
        right.addLayout(methods)

        page = QHBoxLayout(self)
        page.addLayout(left, 5)
        page.addLayout(quick, 3)
        page.addLayout(right, 4)

    def show_view(self, view: TenderView) -> None:
        self.total.setText(view.total)
        self.remaining.setText(view.remaining)
        self.payments.setText("\n".join(view.payments))
        self.payments.setVisible(bool(view.payments))
        self.typed.setText(view.typed)
        self.hint.setVisible(not view.typed and not view.payments)
        self.change.setText(view.change)
        self.change_box.setVisible(bool(view.change))
        self._quick_amounts = [amount for amount, _ in view.quick]
        for at, button in enumerate(self.quick_buttons):
            if at < len(view.quick):
                text = view.quick[at][1]
                button.setText(words.exact(text) if at == 0 else text)
            button.setVisible(at < len(view.quick))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Digits, Backspace and Escape type the amount given; Enter takes it as cash."""
        key = key_of(event)
        if key is not None:
            self.key.emit(key)
        elif is_enter(event):
            self.method.emit(PaymentMethod.CASH)
        else:
            super().keyPressEvent(event)
