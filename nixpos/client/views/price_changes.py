"""``PriceChangesPanel``: the server refused a sale because prices changed; which, and Accept.

It takes the products' place until the cashier accepts the new prices, so that
nothing is re-priced silently and nothing is paid at the old prices.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from nixpos.client.views.touch import touch_button
from nixpos.client.views.widgets import label
from nixpos.core import words


class PriceChangesPanel(QFrame):
    accept = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PriceChanges")
        self.title = label("PriceChangesTitle", words.PRICES_CHANGED, wrap=True)
        self.changes = label("PriceChangesList", wrap=True)
        self.accept_button = touch_button("AcceptPrices", words.ACCEPT_PRICES)
        self.accept_button.clicked.connect(self.accept.emit)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.changes)
        box.addStretch(1)
        box.addWidget(self.accept_button)

    def show_changes(self, changes: tuple[str, ...]) -> None:
        self.changes.setText("\n".join(changes))
