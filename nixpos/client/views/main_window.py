"""``MainWindow``: the lock screen or the active screen, the idle warning on top.

It styles itself for its size (``views.scaling``), so type and keys grow with
the screen; the dialogs it parents inherit that style.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from nixpos.client.views.active_screen import ActiveScreen
from nixpos.client.views.idle_warning import IdleWarning
from nixpos.client.views.lock_screen import LockScreen
from nixpos.client.views.open_sale_prompt import OpenSalePrompt
from nixpos.client.views.scaling import fit_style

# What every screen needs at the smallest scale. Set explicitly, so that the
# window's minimum does not come from its current, larger scale: a window
# styled for 1920×1080 must still shrink to 800×480 (and restyle on the way).
MIN_SIZE = QSize(640, 400)

if TYPE_CHECKING:  # the early paint loads Qt and the views only
    from nixpos.core.till_state import TillView


class MainWindow(QMainWindow):
    close_attempted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.setWindowTitle("nixpos")
        self.setMinimumSize(MIN_SIZE)
        self.lock_screen = LockScreen()
        self.active_screen = ActiveScreen()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.lock_screen)
        self.pages.addWidget(self.active_screen)
        self.setCentralWidget(self.pages)
        self.prompt = OpenSalePrompt(self)  # continue a parked sale, or take one over
        self.warning = IdleWarning(self)
        self.may_close = True  # kiosk mode turns this off until a manager allows it

    def show_view(self, view: TillView) -> None:
        """Show ``view``: the till's names, its screen and the idle warning."""
        self.show_names(view.till, view.shop)
        self.lock_screen.show_view(view.lock)
        if view.active is None:
            if not self.is_locked_view:
                self.show_locked()
        else:
            self.active_screen.show_view(view.active)
            if view.sale is not None:
                self.active_screen.sale.show_view(view.sale)
            if self.is_locked_view:
                self.show_active()
        self.prompt.show_view(view.question)
        if self.prompt.isVisible() and not self.prompt.hasFocus():
            self.prompt.setFocus()  # a screen below took the keyboard as it changed
        self.show_warning(view.warning is not None)
        if view.warning is not None:
            self.warning.show_countdown(view.warning)

    def show_names(self, till: str, shop: str) -> None:
        self.setWindowTitle(f"nixpos — {till}")
        self.lock_screen.shop.setText(shop)
        self.lock_screen.till.setText(till)
        self.active_screen.till.setText(till)

    def show_locked(self) -> None:
        self.warning.hide()
        self.pages.setCurrentWidget(self.lock_screen)
        self.lock_screen.keypad.setFocus()

    def show_active(self) -> None:
        self.pages.setCurrentWidget(self.active_screen)

    def show_warning(self, visible: bool) -> None:
        if visible == self.warning.isVisible():
            return
        self.warning.setGeometry(self.rect())
        self.warning.setVisible(visible)
        if visible:
            self.warning.raise_()

    @property
    def is_locked_view(self) -> bool:
        return self.pages.currentWidget() is self.lock_screen

    def resizeEvent(self, event: QResizeEvent) -> None:
        fit_style(self, event.size())
        super().resizeEvent(event)
        self.warning.setGeometry(self.rect())
        self.prompt.setGeometry(self.rect())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Keys no widget took (focus may sit nowhere after the keypad was disabled) go
        to the lock screen's keypad, so a physical keyboard always types the PIN; signed
        in, to the sale screen (a scanner's SKU, the tender pad's digits)."""
        if self.prompt.isVisible():
            self.prompt.keyPressEvent(event)
        elif self.is_locked_view:
            self.lock_screen.keypad.keyPressEvent(event)
        elif not self.active_screen.sale.take_key(event):
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.may_close:
            event.accept()
            return
        event.ignore()
        self.close_attempted.emit()
