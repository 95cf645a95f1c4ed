"""The till's windows: the main window for a profile's settings (named, kiosk or
windowed, shown) and the kiosk's full-screen "cannot start" screen.

Kiosk mode is frameless, on top and covers the whole screen — also in an X
session with no window manager, where ``showFullScreen()`` alone leaves a
window at its default size: the window's geometry is set to the screen's, and
follows the screen if it changes or the window moves to another one.

Qt and the views only, so that ``gui.run_gui`` can put the lock screen on
screen before the heavy parts load.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PySide6.QtCore import QObject, QRect, Qt
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QWidget

from nixpos.client.config import TillConfig
from nixpos.client.views.fatal_screen import FatalScreen
from nixpos.client.views.main_window import MainWindow

DEFAULT_GEOMETRY = (40, 40, 1100, 760)


def prepare_window(config: TillConfig, *, kiosk: bool) -> MainWindow:
    """The window for ``config``'s till, not yet shown; a kiosk has no frame and asks to close."""
    window = MainWindow()
    name_window(window, config.terminal_name, config.tenant_name)
    if kiosk:
        window.may_close = False
        make_kiosk(window)
    return window


def name_window(window: MainWindow, till: str, shop: str) -> None:
    """Put the till's and shop's names wherever the screens show them."""
    window.show_names(till, shop)


def show_window(window: MainWindow, args: argparse.Namespace) -> None:
    if args.windowed:
        window.setGeometry(*(args.geometry or DEFAULT_GEOMETRY))
        window.show()
    else:
        show_full_screen(window)


def make_kiosk(widget: QWidget) -> None:
    """No frame to drag or close it by, and above other windows (before it is shown)."""
    widget.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
    widget.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)


class ScreenFiller(QObject):
    """Keeps a window's geometry equal to its screen's, whatever the screen does."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)  # lives and dies with the window
        self._widget = widget
        self._screen: QScreen | None = None
        self.follow(widget.screen())

    def follow(self, screen: QScreen | None) -> None:
        if self._screen is not None:
            self._screen.geometryChanged.disconnect(self.fit)
        self._screen = screen
        if screen is not None:
            screen.geometryChanged.connect(self.fit)
            self.fit(screen.geometry())

    def fit(self, geometry: QRect) -> None:
        self._widget.setGeometry(geometry)


def show_full_screen(widget: QWidget) -> None:
    """Show ``widget`` over its whole screen, with or without a window manager."""
    filler = ScreenFiller(widget)  # the geometry first: no flash at the default size
    widget.showFullScreen()  # and the full-screen state, for a window manager
    handle = widget.windowHandle()
    if handle is not None:
        handle.screenChanged.connect(filler.follow)


def show_fatal_screen(message: str, log_file: Path | None = None) -> FatalScreen:
    """The reason a kiosk cannot start, over the whole screen and above everything."""
    screen = FatalScreen(message, str(log_file) if log_file else None)
    make_kiosk(screen)
    show_full_screen(screen)
    screen.raise_()
    screen.activateWindow()
    return screen
