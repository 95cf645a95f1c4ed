"""``OverrideDialog``: a modal asking for a manager's PIN, with its own keypad (SPEC rule 10)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from nixpos.client.views.keypad import PinKeypad
from nixpos.client.views.widgets import CENTER, button, label

if TYPE_CHECKING:
    from nixpos.core.till_state import DialogView


class OverrideDialog(QDialog):
    pin_entered = Signal(str)

    def __init__(self, title: str, explanation: str, pin_length: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("OverrideDialog")
        self.setModal(True)
        self.setWindowTitle(title)
        self.title = label("DialogTitle", title, align=CENTER)
        self.explanation = label("DialogText", explanation, align=CENTER, wrap=True)
        self.keypad = PinKeypad(pin_length)
        self.keypad.submitted.connect(self.pin_entered.emit)
        self.error = label("ErrorLine", align=CENTER, wrap=True)
        self.cancel_button = button("CancelButton", "Cancel", height=56)
        self.cancel_button.clicked.connect(self.reject)
        # Enter on a focused Cancel would cancel: the keypad keeps the keyboard instead.
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.setAutoDefault(False)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.explanation)
        box.addWidget(self.keypad)
        box.addWidget(self.error)
        box.addWidget(self.cancel_button)

    def show_view(self, view: DialogView) -> None:
        self.show_error(view.error)
        self.keypad.set_pin_length(view.pin_length)
        if view.keypad_enabled != self.keypad.isEnabled():
            self.keypad.setEnabled(view.keypad_enabled)
            if view.keypad_enabled:
                self.keypad.setFocus()
            else:
                self.keypad.clear()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Digits, Backspace, Escape and Enter always reach the PIN keypad, wherever
        focus is (it leaves a keypad while the keypad is disabled)."""
        self.keypad.keyPressEvent(event)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.keypad.setFocus()
