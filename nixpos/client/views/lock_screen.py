"""``LockScreen``: shop and till, the clock, the kick banner, the keypad and its errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from nixpos.client.views.banner import KickBanner
from nixpos.client.views.keypad import PinKeypad
from nixpos.client.views.widgets import CENTER, RIGHT, button, label

if TYPE_CHECKING:
    from nixpos.core.till_state import LockView


class LockScreen(QWidget):
    pin_entered = Signal(str)
    override_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LockScreen")
        self.shop = label("ShopName")
        self.till = label("TillName")
        self.clock = label("Clock", align=RIGHT)
        self.offline = label("OfflineBadge", "Offline — reconnecting")
        self.offline.hide()
        self.banner = KickBanner()
        self.prompt = label("Prompt", "Enter your PIN", align=CENTER)
        self.keypad = PinKeypad()
        self.keypad.submitted.connect(self.pin_entered.emit)
        self.error = label("ErrorLine", align=CENTER, wrap=True)
        self.override_button = button("OverrideButton", "Manager override", height=56)
        # The keypad keeps the keyboard: a tap on a button must not take it away.
        self.override_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.banner.dismiss_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.override_button.clicked.connect(self.override_requested.emit)

        header = QHBoxLayout()
        names = QVBoxLayout()
        names.addWidget(self.shop)
        names.addWidget(self.till)
        header.addLayout(names, 1)
        header.addWidget(self.offline)
        header.addWidget(self.clock)
        centre = QVBoxLayout()
        centre.addWidget(self.prompt)
        centre.addWidget(self.keypad)
        centre.addWidget(self.error)
        centre.addWidget(self.override_button)
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addLayout(centre, 2)
        middle.addStretch(1)
        page = QVBoxLayout(self)
        page.addLayout(header)
        page.addWidget(self.banner)
        page.addStretch(1)
        page.addLayout(middle)
        page.addStretch(1)

    def show_view(self, view: LockView) -> None:
        self.prompt.setText(view.prompt)
        self.show_error(view.error)
        self.banner.show_text(view.banner)
        self.offline.setVisible(view.offline)
        self.override_button.setEnabled(view.override_enabled)
        self.keypad.set_pin_length(view.pin_length)
        if view.keypad_enabled != self.keypad.isEnabled():
            self.keypad.setEnabled(view.keypad_enabled)
            if view.keypad_enabled:
                self.keypad.setFocus()  # typing works again at once, no tap needed
            else:
                self.keypad.clear()

    def show_error(self, text: str) -> None:
        self.error.setText(text)

    def set_keypad_locked(self, locked: bool) -> None:
        self.keypad.setEnabled(not locked)
        self.override_button.setEnabled(not locked)
        if locked:
            self.keypad.clear()
