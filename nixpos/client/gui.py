"""``run_gui``: the till on screen fast, then the rest (SPEC §5 cold start).

An enrolled till paints its lock screen from its settings file first, with
only Qt and the views loaded; the keyring, httpx, qasync and the controller
(``client.till``) load after, while the cashier starts typing.
"""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication

from nixpos.client import window as till_window
from nixpos.client.config import TillConfig
from nixpos.client.resources import stylesheet
from nixpos.client.views.main_window import MainWindow


def show_lock_screen_early(app: QApplication, args: argparse.Namespace) -> MainWindow | None:
    """The lock screen of an enrolled till, painted; None before the first enrollment."""
    config = TillConfig.load(args.profile)
    if config is None or args.enroll:
        return None
    window = till_window.prepare_window(config, kiosk=not args.windowed)
    till_window.show_window(window, args)
    app.processEvents()  # paint it now, before the imports below
    return window


def run_gui(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("nixpos")
    app.setStyleSheet(stylesheet())
    app.setQuitOnLastWindowClosed(False)  # the loop below decides when to stop
    window = show_lock_screen_early(app, args)

    import asyncio

    import qasync

    from nixpos.client.app import configure_logging
    from nixpos.client.till import run

    configure_logging(args.profile)

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return int(loop.run_until_complete(run(app, args, window)))
