"""``LockScreen``: shop and till, the clock, the kick banner, the keypad and its errors.

The keypad takes the whole height on the right, so that its keys stay large
on a short (1024×600, 800×480) screen; the words — names, banner, prompt,
errors, the override button — fill the column on its left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from nixpos.client.views.banner import KickBanner
from nixpos.client.views.keypad import PinKeypad, keypad_width
from nixpos.client.views.widgets import CENTER, PAGE_MARGIN, RIGHT, button, label
from nixpos.core import words

if TYPE_CHECKING:
    from nixpos.core.till_state import LockView


class LockScreen(QWidget):
    pin_entered = Signal(str)
    override_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LockScreen")
        self.shop = label("ShopName", wrap=True)
        self.till = label("TillName")
        self.clock = label("Clock", align=RIGHT)
        self.offline = label("OfflineBadge", words.OFFLINE_BADGE)
        self.offline.hide()
        self.banner = KickBanner()
        self.prompt = label("Prompt", words.ENTER_PIN, align=CENTER, wrap=True)
        self.keypad = PinKeypad()
        self.keypad.submitted.connect(self.pin_entered.emit)
        self.error = label("ErrorLine", align=CENTER, wrap=True)
        self.override_button = button("OverrideButton", words.MANAGER_OVERRIDE)
        # The keypad keeps the keyboard: a tap on a button must not take it away.
        self.override_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.banner.dismiss_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.override_button.clicked.connect(self.override_requested.emit)

        names = QVBoxLayout()
        names.addWidget(self.shop)
        names.addWidget(self.till)
        header = QHBoxLayout()
        header.addLayout(names, 1)
        header.addWidget(self.clock, alignment=Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout()
        column.addLayout(header)
        column.addWidget(self.offline, alignment=Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.banner)
        column.addStretch(1)
        column.addWidget(self.prompt)
        column.addWidget(self.error)
        column.addStretch(1)
        column.addWidget(self.override_button)
        page = QHBoxLayout(self)
        page.setContentsMargins(*[PAGE_MARGIN] * 4)
        page.addLayout(column, 1)
        page.addSpacing(12)
        page.addWidget(self.keypad, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.keypad.setMaximumWidth(keypad_width(event.size().height()))

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
