"""``IdleWarning``: the last-minute countdown with "Stay signed in" (SPEC rule 6)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from nixpos.client.views.widgets import CENTER, button, label
from nixpos.core import words


class IdleWarning(QFrame):
    stay = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("IdleWarning")
        self.title = label("WarningTitle", words.STILL_THERE, align=CENTER)
        self.countdown = label("WarningCountdown", align=CENTER, wrap=True)
        self.stay_button = button("StayButton", words.STAY_SIGNED_IN)
        self.stay_button.clicked.connect(self.stay.emit)
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.title)
        box.addWidget(self.countdown)
        box.addWidget(self.stay_button, alignment=Qt.AlignmentFlag.AlignCenter)
        box.addStretch(1)
        self.hide()

    def show_countdown(self, text: str) -> None:
        self.countdown.setText(text)
