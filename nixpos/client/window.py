"""The till's main window for a profile's settings: named, kiosk or windowed, shown.

Qt and the views only, so that ``gui.run_gui`` can put the lock screen on
screen before the heavy parts load.
"""

from __future__ import annotations

import argparse

from PySide6.QtCore import Qt

from nixpos.client.config import TillConfig
from nixpos.client.views.main_window import MainWindow

DEFAULT_GEOMETRY = (40, 40, 1100, 760)


def prepare_window(config: TillConfig, *, kiosk: bool) -> MainWindow:
    """The window for ``config``'s till, not yet shown; a kiosk has no frame and asks to close."""
    window = MainWindow()
    name_window(window, config.terminal_name, config.tenant_name)
    if kiosk:
        window.may_close = False
        window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
    return window


def name_window(window: MainWindow, till: str, shop: str) -> None:
    """Put the till's and shop's names wherever the screens show them."""
    window.show_names(till, shop)


def show_window(window: MainWindow, args: argparse.Namespace) -> None:
    if args.windowed:
        window.setGeometry(*(args.geometry or DEFAULT_GEOMETRY))
        window.show()
    else:
        window.showFullScreen()
