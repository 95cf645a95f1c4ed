"""``PinKeypad``: the numeric keypad with masked entry (SPEC rule 1).

Touch: digits, backspace, clear, enter. Keyboard: digits, Backspace, Escape
(clear) and Enter. It only collects digits; what a PIN means is decided
elsewhere.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from nixpos.core import words

BACKSPACE = words.BACKSPACE_KEY
CLEAR = words.CLEAR_KEY
ENTER = words.ENTER_KEY
# Keys grow with the space they get (their minimum is in the stylesheet), but a
# keypad wider than this share of its height has flat, wide keys: the rest of
# the width is better used by whatever sits beside it.
MAX_WIDTH_PER_HEIGHT = 0.8


def keypad_width(height: int) -> int:
    """The widest a keypad ``height`` px tall should be."""
    return int(height * MAX_WIDTH_PER_HEIGHT)


class PinKeypad(QWidget):
    submitted = Signal(str)

    def __init__(self, pin_length: int = 8, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PinKeypad")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._pin_length = pin_length
        self._digits = ""
        self.dots = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.dots.setObjectName("PinDots")
        self.dots.setAccessibleName("PIN entered")
        # A long PIN's dots may be clipped at the edges; they must never widen the screen.
        self.dots.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        grid = QGridLayout()
        grid.setSpacing(8)
        expanding = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.buttons: dict[str, QPushButton] = {}
        layout = ["1", "2", "3", "4", "5", "6", "7", "8", "9", CLEAR, "0", BACKSPACE]
        for index, label in enumerate(layout):
            button = QPushButton(label)
            button.setObjectName("KeypadKey")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setSizePolicy(expanding)
            button.clicked.connect(lambda _=False, key=label: self.press(key))
            grid.addWidget(button, index // 3, index % 3)
            self.buttons[label] = button
        enter = QPushButton(ENTER)
        enter.setObjectName("KeypadEnter")
        enter.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        enter.setSizePolicy(expanding)
        enter.clicked.connect(lambda: self.press(ENTER))
        grid.addWidget(enter, 4, 0, 1, 3)
        self.buttons[ENTER] = enter
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.dots)
        box.addLayout(grid, 1)
        self._render()

    @property
    def entered(self) -> str:
        return self._digits

    def set_pin_length(self, length: int) -> None:
        if length != self._pin_length:
            self._pin_length = length
            self.clear()

    def clear(self) -> None:
        self._digits = ""
        self._render()

    def press(self, key: str) -> None:
        if not self.isEnabled():
            return
        if key.isascii() and key.isdigit() and len(key) == 1:
            if len(self._digits) < self._pin_length:
                self._digits += key
        elif key == BACKSPACE:
            self._digits = self._digits[:-1]
        elif key == CLEAR:
            self._digits = ""
        elif key == ENTER and len(self._digits) == self._pin_length:
            pin, self._digits = self._digits, ""
            self._render()
            self.submitted.emit(pin)
            return
        self._render()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        text = event.text()
        if text and text.isascii() and text.isdigit():
            self.press(text)
        elif key == Qt.Key.Key_Backspace:
            self.press(BACKSPACE)
        elif key == Qt.Key.Key_Escape:
            self.press(CLEAR)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.press(ENTER)
        else:
            super().keyPressEvent(event)

    def _render(self) -> None:
        filled = len(self._digits)
        self.dots.setText("●" * filled + "○" * (self._pin_length - filled))
        self.buttons[ENTER].setEnabled(filled == self._pin_length)
