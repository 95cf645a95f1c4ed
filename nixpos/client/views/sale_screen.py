"""``SaleScreen``: the till's working area — selling, tender, receipt, recent sales, refund.

It shows one page for the ``SaleView``'s mode, the core's message above it,
and the discount/quantity pad over it when one is open. Keys no widget took
come here (``take_key``): on the tender screen the digits type the amount
given, on the pad they type the number, and while selling they go to the
search box, so a barcode scanner works wherever the focus was left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from nixpos.client.views.cart import CartPanel
from nixpos.client.views.entry import EntryPad
from nixpos.client.views.price_changes import PriceChangesPanel
from nixpos.client.views.products import ProductPanel
from nixpos.client.views.receipt import ReceiptPage
from nixpos.client.views.recent import RecentPage
from nixpos.client.views.refund import RefundPage
from nixpos.client.views.tender import TenderPage
from nixpos.client.views.widgets import label
from nixpos.core import words
from nixpos.core.sale_state import SaleMode

if TYPE_CHECKING:
    from nixpos.core.sale_state import SaleView

PRODUCTS_SHARE, CART_SHARE = 11, 9  # of the selling page's width


class SellingPage(QWidget):
    """Products (or the prices that changed, until accepted) beside the cart."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SellingPage")
        self.products = ProductPanel()
        self.changes = PriceChangesPanel()
        self.changes.hide()
        self.cart = CartPanel()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.products, PRODUCTS_SHARE)
        row.addWidget(self.changes, PRODUCTS_SHARE)
        row.addWidget(self.cart, CART_SHARE)

    def show_view(self, view: SaleView) -> None:
        self.products.show_view(view)
        self.changes.show_changes(view.price_changes)
        self.changes.setVisible(bool(view.price_changes))
        self.products.setVisible(not view.price_changes)
        self.cart.show_view(view)


class SaleScreen(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SaleScreen")
        self.message = label("SaleMessage", wrap=True)
        self.message.hide()
        self.sending = label("SendingState")
        self.sending.hide()
        self.selling = SellingPage()
        self.tender = TenderPage()
        self.receipt = ReceiptPage()
        self.recent = RecentPage()
        self.refund = RefundPage()
        self.pages = QStackedWidget()
        self._page_for = {SaleMode.SELLING: self.selling, SaleMode.TENDER: self.tender,
                          SaleMode.RECEIPT: self.receipt, SaleMode.RECENT: self.recent,
                          SaleMode.REFUND: self.refund}
        for page in self._page_for.values():
            self.pages.addWidget(page)
        self.entry = EntryPad(self)
        self._view: SaleView | None = None
        self.notes = QHBoxLayout()  # the signed-in screen puts its notice here too
        self.notes.addWidget(self.message, 1)
        self.notes.addWidget(self.sending)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(self.notes)
        box.addWidget(self.pages, 1)

    @property
    def mode(self) -> SaleMode | None:
        return self._view.mode if self._view is not None else None

    def show_view(self, view: SaleView) -> None:
        if view == self._view:
            return  # the clock ticked: nothing here changed
        self._view = view
        self.message.setText(view.message)
        self.message.setVisible(bool(view.message))
        self.sending.setText(words.unsent(view.refused))
        self.sending.setVisible(view.refused > 0)
        if self.sending.property("refused") != (view.refused > 0):
            self.sending.setProperty("refused", view.refused > 0)  # in red: a manager must act
            self.sending.style().polish(self.sending)
        page = self._page_for[view.mode]
        if view.mode is SaleMode.SELLING:
            self.selling.show_view(view)
        elif view.mode is SaleMode.TENDER and view.tender is not None:
            self.tender.show_view(view.tender)
        elif view.mode is SaleMode.RECEIPT:
            self.receipt.show_view(view)
        elif view.mode is SaleMode.RECENT:
            self.recent.show_view(view)
        else:
            self.refund.show_view(view)
        moved = self.pages.currentWidget() is not page
        if moved:
            self.pages.setCurrentWidget(page)
        pad_closed = self.entry.isVisible() and view.entry is None
        self.entry.show_view(view.entry)
        if moved or pad_closed:
            self._give_keyboard()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._give_keyboard()

    def _give_keyboard(self) -> None:
        """The keyboard goes where a scanner or a cashier's digits are wanted on the page."""
        if self.entry.isVisible():
            self.entry.setFocus()
        elif self.mode is SaleMode.SELLING:
            self.selling.products.search.setFocus()
        elif self.mode is SaleMode.TENDER:
            self.tender.setFocus()

    def take_key(self, event: QKeyEvent) -> bool:
        """A key press no widget took: True if this screen used it."""
        if self._view is None:
            return False
        if self.entry.isVisible():
            self.entry.keyPressEvent(event)
            return True
        if self._view.mode is SaleMode.TENDER:
            self.tender.keyPressEvent(event)
            return True
        if self._view.mode is SaleMode.SELLING and event.text().isprintable() and event.text():
            search = self.selling.products.search
            search.setFocus()
            QApplication.sendEvent(search, QKeyEvent(event.type(), event.key(),
                                                     event.modifiers(), event.text()))
            return True
        if self._view.mode is SaleMode.SELLING and event.key() in (Qt.Key.Key_Return,
                                                                   Qt.Key.Key_Enter):
            search = self.selling.products.search
            search.setFocus()
            self.selling.products.scanned.emit(search.text())
            return True
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.entry.setGeometry(self.rect())
