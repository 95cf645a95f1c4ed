"""``CartPanel``: the sale being rung up — lines, totals, prices that changed, and Pay.

A line shows its name, unit price and discount, − / quantity / + and its
total. − takes one off (a void: a cashier's needs a manager), + adds one, a
tap on the quantity types a new one, and a tap on the name opens the
discount pad for that line. Rows are reused, so a tap repaints one row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from nixpos.client.views.scaling import current_scale, fit_gaps
from nixpos.client.views.touch import touch_button, touch_scroll
from nixpos.client.views.widgets import CENTER, RIGHT, label
from nixpos.core import words

if TYPE_CHECKING:
    from nixpos.core.sale_state import CartLineView, SaleView


class CartRow(QFrame):
    less = Signal(int)
    more = Signal(int)
    quantity_tapped = Signal(int)
    tapped = Signal(int)  # the name: a discount on this line

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CartLine")
        self.index = 0
        self._shown: CartLineView | None = None
        self.name = label("LineName", wrap=True)
        self.detail = label("LineDetail", wrap=True)
        self.discount = label("LineDiscount")
        self.total = label("LineTotal", align=RIGHT | Qt.AlignmentFlag.AlignVCenter)
        self.less_button = touch_button("LineLess", words.LESS_KEY)
        self.quantity = touch_button("LineQuantity")
        self.more_button = touch_button("LineMore", words.MORE_KEY)
        self.less_button.clicked.connect(lambda: self.less.emit(self.index))
        self.more_button.clicked.connect(lambda: self.more.emit(self.index))
        self.quantity.clicked.connect(lambda: self.quantity_tapped.emit(self.index))
        about = QVBoxLayout()
        about.setSpacing(0)
        about.addWidget(self.name)
        about.addWidget(self.detail)
        about.addWidget(self.discount)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 4, 0, 4)
        row.addLayout(about, 1)
        row.addWidget(self.less_button)
        row.addWidget(self.quantity)
        row.addWidget(self.more_button)
        row.addWidget(self.total)

    def show_line(self, line: CartLineView) -> None:
        if line == self._shown:
            return
        self._shown, self.index = line, line.index
        self.name.setText(line.name)
        self.detail.setText(words.each(line.unit_price))
        self.discount.setText(line.discount)
        self.discount.setVisible(bool(line.discount))
        self.quantity.setText(str(line.quantity))
        self.total.setText(line.total)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        # The buttons take their own taps; one anywhere else on the row means its name.
        if self.rect().contains(event.position().toPoint()):
            self.tapped.emit(self.index)
        super().mouseReleaseEvent(event)


class CartPanel(QFrame):
    less = Signal(int)
    more = Signal(int)
    quantity_tapped = Signal(int)
    line_tapped = Signal(int)
    discount_pressed = Signal()
    pay_pressed = Signal()
    resume_held = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CartPanel")
        self.rows: list[CartRow] = []  # the pool; the first ``len(view.lines)`` are shown
        self.resume_button = touch_button("ResumeHeld", words.RESUME_HELD)
        self.resume_button.clicked.connect(self.resume_held.emit)
        self.empty = label("EmptyCart", words.EMPTY_CART, align=CENTER, wrap=True)
        lines = QWidget()
        lines.setObjectName("CartLines")
        self._lines = QVBoxLayout(lines)
        self._lines.setContentsMargins(0, 0, 0, 0)
        self._lines.setSpacing(0)
        self._lines.addStretch(1)
        self.area = touch_scroll("CartScroll", lines)

        self.subtotal = label("TotalsAmount", align=RIGHT)
        self.discounts = label("TotalsAmount", align=RIGHT)
        self.tax = label("TotalsAmount", align=RIGHT)
        self.total = label("TotalAmount", align=RIGHT)
        self._discounts_label = label("TotalsLabel", words.DISCOUNTS)
        totals = QGridLayout()
        totals.setVerticalSpacing(0)
        for row, (name, amount) in enumerate((
                (label("TotalsLabel", words.SUBTOTAL), self.subtotal),
                (self._discounts_label, self.discounts),
                (label("TotalsLabel", words.TAX_INCLUDED), self.tax),
                (label("TotalLabel", words.TOTAL), self.total))):
            totals.addWidget(name, row, 0)
            totals.addWidget(amount, row, 1)
        self.discount_button = touch_button("DiscountButton", words.DISCOUNT)
        self.pay_button = touch_button("PayButton", words.PAY)
        self.discount_button.clicked.connect(self.discount_pressed.emit)
        self.pay_button.clicked.connect(self.pay_pressed.emit)
        actions = QHBoxLayout()
        actions.addWidget(self.discount_button)
        actions.addWidget(self.pay_button, 1)
        box = QVBoxLayout(self)
        box.addWidget(self.resume_button)
        box.addWidget(self.empty, 1)
        box.addWidget(self.area, 3)
        box.addLayout(totals)
        box.addLayout(actions)

    def show_view(self, view: SaleView) -> None:
        self._show_lines(view.lines)
        self.resume_button.setVisible(view.held > 0 and not view.lines)
        self.subtotal.setText(view.subtotal)
        self.discounts.setText(view.discounts)
        self.discounts.setVisible(bool(view.discounts))
        self._discounts_label.setVisible(bool(view.discounts))
        self.tax.setText(view.tax)
        self.total.setText(view.total)
        self.pay_button.setText(words.pay(view.total) if view.can_pay else words.PAY)
        self.pay_button.setEnabled(view.can_pay)
        self.discount_button.setEnabled(bool(view.lines))

    def _show_lines(self, lines: tuple[CartLineView, ...]) -> None:
        added = len(lines) > sum(1 for row in self.rows if not row.isHidden())
        while len(self.rows) < len(lines):
            row = CartRow()
            row.less.connect(self.less.emit)
            row.more.connect(self.more.emit)
            row.quantity_tapped.connect(self.quantity_tapped.emit)
            row.tapped.connect(self.line_tapped.emit)
            self._lines.insertWidget(len(self.rows), row)
            fit_gaps(row, current_scale(self))  # made after the window was styled
            self.rows.append(row)
        for at, row in enumerate(self.rows):
            if at < len(lines):
                row.show_line(lines[at])
                row.show()
            else:
                row.hide()
        self.empty.setVisible(not lines)
        self.area.setVisible(bool(lines))
        if added:  # the line just rung up is at the bottom: show it, once laid out
            last = self.rows[len(lines) - 1]
            QTimer.singleShot(0, lambda: self.area.ensureWidgetVisible(last))
