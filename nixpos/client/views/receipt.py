"""``ReceiptPage``: the receipt on paper-white in a monospace font, change due, Print, New sale."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from nixpos.client.views.touch import touch_button, touch_scroll
from nixpos.client.views.widgets import change_due_box, label
from nixpos.core import words

if TYPE_CHECKING:
    from nixpos.core.sale_state import SaleView


class ReceiptPage(QFrame):
    print_pressed = Signal()
    new_sale = Signal()
    recent_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReceiptPanel")
        self.title = label("ReceiptTitle", wrap=True)
        self.change_box, self.change = change_due_box()
        self.print_button = touch_button("PrintButton", words.PRINT)
        self.print_button.clicked.connect(self.print_pressed.emit)
        self.recent_button = touch_button("RecentButton", words.RECENT_SALES)
        self.recent_button.clicked.connect(self.recent_pressed.emit)
        self.new_sale_button = touch_button("NewSaleButton", words.NEW_SALE)
        self.new_sale_button.clicked.connect(self.new_sale.emit)
        left = QVBoxLayout()
        left.addWidget(self.title)
        left.addWidget(self.change_box)
        left.addStretch(1)
        left.addWidget(self.print_button)
        left.addWidget(self.recent_button)
        left.addWidget(self.new_sale_button)

        self.text = label("ReceiptText")
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        paper = QWidget()
        paper.setObjectName("ReceiptPaperArea")
        column = QHBoxLayout(paper)
        column.addStretch(1)
        column.addWidget(self.text, 0, Qt.AlignmentFlag.AlignTop)
        column.addStretch(1)
        self.paper = touch_scroll("ReceiptScroll", paper)
        page = QHBoxLayout(self)
        page.addLayout(left, 2)
        page.addWidget(self.paper, 3)

    def show_view(self, view: SaleView) -> None:
        text = "\n".join(view.receipt)
        if self.text.text() != text:
            self.text.setText(text)
            self.paper.verticalScrollBar().setValue(0)
        self.title.setText(view.receipt_title)
        self.change.setText(view.change_due)
        self.change_box.setVisible(bool(view.change_due))
        self.print_button.setEnabled(view.can_print)
