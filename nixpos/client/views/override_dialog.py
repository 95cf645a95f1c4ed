"""``OverrideDialog``: a modal asking for a manager's PIN, with its own keypad (SPEC rule 10)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from nixpos.client.views.keypad import PinKeypad
from nixpos.client.views.widgets import CENTER, button, label


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
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.explanation)
        box.addWidget(self.keypad)
        box.addWidget(self.error)
        box.addWidget(self.cancel_button)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.keypad.setFocus()
