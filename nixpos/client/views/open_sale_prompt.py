"""``OpenSalePrompt``: the till's question about an open sale, over whatever screen is on.

"Continue the sale from Till 1 — 3 items, $7.50?" (Continue / Discard) over the
sale screen, or "Sokha Lim has an open sale on Till 1 … bring it along?"
(Yes / No) over the lock screen (SPEC §7.2–7.3). A backdrop over the till's
window holds a card with the question and two big buttons; Enter is the first
answer, Escape does nothing (a sale is never thrown away by a stray key), and a
tap beside the card does nothing either: the question waits for an answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from nixpos.client.views.number_pad import is_enter
from nixpos.client.views.touch import touch_button
from nixpos.client.views.widgets import CENTER, label

if TYPE_CHECKING:
    from nixpos.core.follow import QuestionView

HEIGHT_SHARE = 0.6  # of the window's height, for the card (more if its words need it)
WIDTH_PER_HEIGHT = 1.7  # wider than this, the question runs in one long line


class OpenSalePrompt(QFrame):
    answered = Signal(int, bool)  # the question's id; True: Continue / Yes

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PromptBackdrop")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.card = QFrame(self)
        self.card.setObjectName("PromptCard")
        self.text = label("PromptText", align=CENTER, wrap=True)
        self.error = label("ErrorLine", align=CENTER, wrap=True)
        self.error.hide()
        self.yes_button = touch_button("PromptYes")
        self.no_button = touch_button("PromptNo")
        self.yes_button.clicked.connect(lambda: self._answer(True))
        self.no_button.clicked.connect(lambda: self._answer(False))
        self._id = 0
        buttons = QHBoxLayout()
        buttons.addWidget(self.no_button, 1)
        buttons.addWidget(self.yes_button, 1)
        column = QVBoxLayout(self.card)
        column.addStretch(1)
        column.addWidget(self.text)
        column.addWidget(self.error)
        column.addStretch(1)
        column.addLayout(buttons)
        self.hide()

    def show_view(self, view: QuestionView | None) -> None:
        if view is None:
            self.hide()
            return
        self._id = view.id
        self.text.setText(view.text)
        self.yes_button.setText(view.yes)
        self.no_button.setText(view.no)
        self.yes_button.setEnabled(view.enabled)
        self.no_button.setEnabled(view.enabled)
        self.error.setText(view.error)
        self.error.setVisible(bool(view.error))
        if self.isHidden():
            parent = self.parentWidget()
            if parent is not None:
                self.setGeometry(parent.rect())
            self.show()
            self.raise_()
            self.setFocus()  # Enter answers; the keypad and the search box wait

    def _answer(self, yes: bool) -> None:
        if self.yes_button.isEnabled():
            self.answered.emit(self._id, yes)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        area = self.rect()
        width = min(area.width(), int(area.height() * HEIGHT_SHARE * WIDTH_PER_HEIGHT))
        height = max(int(area.height() * HEIGHT_SHARE), self.card.heightForWidth(width),
                     self.card.minimumSizeHint().height())
        height = min(area.height(), height)
        box = QRect(0, 0, width, height)
        box.moveCenter(area.center())
        self.card.setGeometry(box)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter is the first answer (Continue, Yes); every other key waits here, so a
        scanner or a PIN typed now goes nowhere it could do harm."""
        if is_enter(event):
            self._answer(True)
