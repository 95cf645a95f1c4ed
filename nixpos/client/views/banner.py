"""``KickBanner``: why this till was locked, shown once until dismissed (SPEC rule 5)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from nixpos.core import words


class KickBanner(QFrame):
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("KickBanner")
        self.text = QLabel(wordWrap=True)
        self.text.setObjectName("KickBannerText")
        self.dismiss_button = QPushButton(words.DISMISS)
        self.dismiss_button.setObjectName("KickBannerDismiss")
        self.dismiss_button.clicked.connect(self.dismissed.emit)
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(self.dismiss_button)
        self.hide()

    def show_text(self, text: str | None) -> None:
        self.text.setText(text or "")
        self.setVisible(bool(text))
