"""``NumberPad``: digits, backspace and clear, for amounts, discounts and quantities.

What the keys mean is decided in the core (``core.number_entry``): the pad only
says which key was pressed, by touch or by the keyboard (``key_of``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

from nixpos.client.views.touch import touch_button
from nixpos.core import words

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", words.CLEAR_KEY, "0", words.BACKSPACE_KEY)
_BY_QT_KEY = {Qt.Key.Key_Backspace: words.BACKSPACE_KEY, Qt.Key.Key_Escape: words.CLEAR_KEY,
              Qt.Key.Key_Delete: words.CLEAR_KEY}


def key_of(event: QKeyEvent) -> str | None:
    """The pad key a keyboard's key press stands for (ASCII digits only), if any."""
    text = event.text()
    if len(text) == 1 and text.isascii() and text.isdigit():
        return text
    return _BY_QT_KEY.get(Qt.Key(event.key()))


def is_enter(event: QKeyEvent) -> bool:
    return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class NumberPad(QWidget):
    pressed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NumberPad")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        for index, key in enumerate(KEYS):
            button = touch_button("PadKey" if key.isdigit() else "PadEdit", key)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            button.clicked.connect(lambda _=False, k=key: self.pressed.emit(k))
            grid.addWidget(button, index // 3, index % 3)
            self.buttons[key] = button
