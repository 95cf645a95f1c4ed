"""``ActiveScreen``: who is signed in, the idle countdown, Lock, and the sale screen.

The header keeps Lock, the person, the till, the connection and the countdown
in sight; Open drawer and Close till program wait behind More, out of the
way of selling.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from nixpos.client.views.sale_screen import SaleScreen
from nixpos.client.views.touch import touch_button
from nixpos.client.views.widgets import PAGE_MARGIN, RIGHT, button, label
from nixpos.core import words

if TYPE_CHECKING:
    from nixpos.core.till_state import ActiveView


class MoreMenu(QFrame):
    """A small pop-up under More: what a till needs now and then, not for every sale."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("MoreMenu")
        self.drawer_button = touch_button("DrawerButton", words.OPEN_DRAWER)
        self.close_button = touch_button("CloseButton", words.CLOSE_PROGRAM)
        box = QVBoxLayout(self)
        box.addWidget(self.drawer_button)
        box.addWidget(self.close_button)
        for choice in (self.drawer_button, self.close_button):
            choice.clicked.connect(self.hide)

    def open_under(self, anchor: QWidget) -> None:
        """Below ``anchor``, its right edge on the anchor's, inside the window."""
        self.adjustSize()
        corner = anchor.mapToGlobal(QPoint(anchor.width() - self.width(), anchor.height()))
        self.move(corner)
        self.show()


class ActiveScreen(QWidget):
    lock_requested = Signal()
    open_drawer_requested = Signal()
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ActiveScreen")
        self.person = label("PersonName")
        self.role = label("PersonRole")
        self.till = label("TillName")
        self.countdown = label("IdleCountdown", align=RIGHT)
        self.connection = label("ConnectionState")
        self.notice = label("Notice", wrap=True)
        self.notice.hide()
        self.lock_button = button("LockButton", words.LOCK)
        self.lock_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lock_button.clicked.connect(self.lock_requested.emit)
        self.more_button = touch_button("MoreButton", words.MORE)
        self.menu = MoreMenu(self)
        self.more_button.clicked.connect(lambda: self.menu.open_under(self.more_button))
        self.drawer_button = self.menu.drawer_button
        self.close_button = self.menu.close_button
        self.drawer_button.clicked.connect(self.open_drawer_requested.emit)
        self.close_button.clicked.connect(self.close_requested.emit)
        self.sale = SaleScreen()

        who = QVBoxLayout()
        who.setSpacing(0)
        who.addWidget(self.person)
        who.addWidget(self.role)
        where = QHBoxLayout()
        where.setSpacing(10)
        where.addStretch(1)
        where.addWidget(self.till)
        where.addWidget(self.connection)
        status = QVBoxLayout()
        status.setSpacing(0)
        status.addLayout(where)
        status.addWidget(self.countdown)
        header = QHBoxLayout()
        header.addLayout(who, 1)
        header.addLayout(status)
        header.addWidget(self.more_button)
        header.addWidget(self.lock_button)
        page = QVBoxLayout(self)
        page.setContentsMargins(*[PAGE_MARGIN] * 4)
        page.addLayout(header)
        page.addWidget(self.sale, 1)
        self.sale.notes.insertWidget(0, self.notice, 1)

    def show_view(self, view: ActiveView) -> None:
        self.person.setText(view.person)
        self.role.setText(view.role)
        self.countdown.setText(view.countdown)
        self.notice.setText(view.notice)
        self.notice.setVisible(bool(view.notice))
        self.connection.setText(view.connection)
        if self.connection.property("offline") != view.offline:
            self.connection.setProperty("offline", view.offline)
            self.connection.style().polish(self.connection)
