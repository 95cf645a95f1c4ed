"""``MainWindow``: the lock screen or the active screen, the idle warning on top."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from nixpos.client.views.active_screen import ActiveScreen
from nixpos.client.views.idle_warning import IdleWarning
from nixpos.client.views.lock_screen import LockScreen


class MainWindow(QMainWindow):
    close_attempted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.setWindowTitle("nixpos")
        self.lock_screen = LockScreen()
        self.active_screen = ActiveScreen()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.lock_screen)
        self.pages.addWidget(self.active_screen)
        self.setCentralWidget(self.pages)
        self.warning = IdleWarning(self)
        self.may_close = True  # kiosk mode turns this off until a manager allows it

    def show_locked(self) -> None:
        self.warning.hide()
        self.pages.setCurrentWidget(self.lock_screen)
        self.lock_screen.keypad.setFocus()

    def show_active(self) -> None:
        self.pages.setCurrentWidget(self.active_screen)

    def show_warning(self, visible: bool) -> None:
        self.warning.setGeometry(self.rect())
        self.warning.setVisible(visible)
        if visible:
            self.warning.raise_()

    @property
    def is_locked_view(self) -> bool:
        return self.pages.currentWidget() is self.lock_screen

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.warning.setGeometry(self.rect())

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.may_close:
            event.accept()
            return
        event.ignore()
        self.close_attempted.emit()
