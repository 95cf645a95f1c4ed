"""``ActiveScreen``: who is signed in, the idle countdown, Lock, and the working area."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from nixpos.client.views.widgets import CENTER, PAGE_MARGIN, RIGHT, button, label
from nixpos.core import words

if TYPE_CHECKING:
    from nixpos.core.till_state import ActiveView


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
        self.lock_button = button("LockButton", words.LOCK)
        self.lock_button.clicked.connect(self.lock_requested.emit)

        self.sale = QFrame()
        self.sale.setObjectName("SaleArea")
        self.sale_title = label("SaleTitle", words.READY_FOR_SALE, align=CENTER)
        self.notice = label("Notice", align=CENTER, wrap=True)
        self.drawer_button = button("DrawerButton", words.OPEN_DRAWER)
        self.drawer_button.clicked.connect(self.open_drawer_requested.emit)
        self.close_button = button("CloseButton", words.CLOSE_PROGRAM)
        self.close_button.clicked.connect(self.close_requested.emit)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.drawer_button)
        actions.addWidget(self.close_button)
        actions.addStretch(1)
        sale = QVBoxLayout(self.sale)
        sale.addStretch(1)
        sale.addWidget(self.sale_title)
        sale.addWidget(self.notice)
        sale.addLayout(actions)
        sale.addStretch(1)

        who = QVBoxLayout()
        who.addWidget(self.person)
        who.addWidget(self.role)
        header = QHBoxLayout()
        header.addLayout(who, 1)
        status = QVBoxLayout()
        status.addWidget(self.till, alignment=Qt.AlignmentFlag.AlignRight)
        status.addWidget(self.connection, alignment=Qt.AlignmentFlag.AlignRight)
        status.addWidget(self.countdown, alignment=Qt.AlignmentFlag.AlignRight)
        header.addLayout(status)
        header.addWidget(self.lock_button)
        page = QVBoxLayout(self)
        page.setContentsMargins(*[PAGE_MARGIN] * 4)
        page.addLayout(header)
        page.addWidget(self.sale, 1)

    def show_view(self, view: ActiveView) -> None:
        self.person.setText(view.person)
        self.role.setText(view.role)
        self.countdown.setText(view.countdown)
        self.notice.setText(view.notice)
        self.connection.setText(view.connection)
        if self.connection.property("offline") != view.offline:
            self.connection.setProperty("offline", view.offline)
            self.connection.style().polish(self.connection)
