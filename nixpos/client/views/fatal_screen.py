"""``FatalScreen``: why this till cannot start and what to do, readable on the till itself.

A kiosk has no console: when the till cannot run at all (no secure keyring,
say), this screen fills the display with the reason and the fix, until
someone presses Close (or Enter or Escape) and the program ends.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from nixpos.client.views.scaling import fit_style
from nixpos.client.views.widgets import button, label
from nixpos.core import words

READABLE_WIDTH = 0.8  # of the screen: longer lines are hard to read


class FatalScreen(QWidget):
    closed = Signal()

    def __init__(self, message: str, log_file: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("FatalScreen")
        self.setWindowTitle("nixpos cannot start")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.title = label("FatalTitle", words.CANNOT_START, wrap=True)
        self.message = label("FatalText", message, wrap=True)
        # IT may want to copy the setting it names.
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = label("FatalHint", words.show_it(log_file), wrap=True)
        self.close_button = button("FatalClose", words.CLOSE)
        self.close_button.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.close_button)
        self._page = QVBoxLayout(self)
        self._page.addStretch(1)
        self._page.addWidget(self.title)
        self._page.addWidget(self.message)
        self._page.addWidget(self.hint)
        self._page.addSpacing(16)
        self._page.addLayout(row)
        self._page.addStretch(2)
        self.close_button.setFocus()

    def resizeEvent(self, event: QResizeEvent) -> None:
        fit_style(self, event.size())
        side = int(event.size().width() * (1 - READABLE_WIDTH) / 2)
        self._page.setContentsMargins(side, side // 4, side, side // 4)
        super().resizeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            self.close()
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        self.closed.emit()
