"""``OverrideDialog``: a modal asking for a manager's PIN, with its own keypad (SPEC rule 10).

It covers most of the till's window (never more): the words on the left,
the keypad on the right at full height, like the lock screen, so it fits an
800×480 till. It has no frame of its own: a window manager's title bar would
push it past the till's edges, and Cancel closes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from nixpos.client.views.keypad import PinKeypad, keypad_width
from nixpos.client.views.scaling import current_scale, fit_gaps
from nixpos.client.views.widgets import CENTER, PAGE_MARGIN, button, label
from nixpos.core import words

MARGIN_PER_HEIGHT = 0.04  # of the window's height, around the dialog
MAX_WIDTH_PER_HEIGHT = 1.6  # wider than this, the dialog's columns drift apart

if TYPE_CHECKING:
    from nixpos.core.till_state import DialogView


class OverrideDialog(QDialog):
    pin_entered = Signal(str)

    def __init__(self, title: str, explanation: str, pin_length: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("OverrideDialog")
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        self.setModal(True)
        # Sized by ``fit_window``; an explicit minimum keeps the one of a larger, older
        # style from pushing it past a window that just shrank.
        self.setMinimumSize(1, 1)
        self.setWindowTitle(title)
        self.title = label("DialogTitle", title, align=CENTER, wrap=True)
        self.explanation = label("DialogText", explanation, align=CENTER, wrap=True)
        self.keypad = PinKeypad(pin_length)
        self.keypad.submitted.connect(self.pin_entered.emit)
        self.error = label("ErrorLine", align=CENTER, wrap=True)
        self.cancel_button = button("CancelButton", words.CANCEL)
        self.cancel_button.clicked.connect(self.reject)
        # Enter on a focused Cancel would cancel: the keypad keeps the keyboard instead.
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.setAutoDefault(False)
        column = QVBoxLayout()
        column.addWidget(self.title)
        column.addWidget(self.explanation)
        column.addStretch(1)
        column.addWidget(self.error)
        column.addStretch(1)
        column.addWidget(self.cancel_button)
        page = QHBoxLayout(self)
        page.setContentsMargins(*[PAGE_MARGIN] * 4)
        page.addLayout(column, 1)
        page.addSpacing(12)
        page.addWidget(self.keypad, 1)
        self._window = parent.window() if parent is not None else None
        if self._window is not None:
            self._window.installEventFilter(self)  # to follow the till's window

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

    def showEvent(self, event: QShowEvent) -> None:
        self.fit_window()
        super().showEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        if (watched is self._window and self.isVisible()
                and event.type() in (QEvent.Type.Resize, QEvent.Type.Move)):
            self.fit_window()
        return False

    def fit_window(self) -> None:
        """Centre on the till's window, inside it, as big as suits the keypad."""
        window = self._window
        if window is None:
            return  # on its own (tests): Qt's own size and place
        area = QRect(window.mapToGlobal(QPoint(0, 0)), window.size())
        margin = int(area.height() * MARGIN_PER_HEIGHT)
        height = area.height() - 2 * margin
        width = min(area.width() - 2 * margin, int(height * MAX_WIDTH_PER_HEIGHT))
        box = QRect(0, 0, width, height)
        box.moveCenter(area.center())
        self.setGeometry(box)
        self.keypad.setMaximumWidth(keypad_width(height))
        fit_gaps(self, current_scale(self))  # its sheet comes from the window; gaps do not
