"""``run_gui``: the till on screen fast, then the rest (SPEC §5 cold start).

An enrolled till paints its lock screen from its settings file first, with
only Qt and the views loaded; the keyring, httpx, qasync and the controller
(``client.till``) load after, while the cashier starts typing.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from nixpos.client import window as till_window
from nixpos.client.config import TillConfig
from nixpos.client.diagnostics import startup_report
from nixpos.client.views.main_window import MainWindow

log = logging.getLogger("nixpos.client")
EXPOSE_WAIT_S = 0.5


def application() -> QApplication:
    """The one QApplication (each till window styles itself for its size)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("nixpos")
    return app


def run_fatal(args: argparse.Namespace, message: str) -> int:
    """A kiosk that cannot start: the reason on stderr, in the log and full screen, until
    someone closes it; exit status 2."""
    application()
    from nixpos.client.app import configure_logging
    from nixpos.client.till import show_fatal

    configure_logging(args.profile)
    screen = show_fatal(message, on_screen=True, profile=args.profile)
    assert screen is not None
    waiting = QEventLoop()
    screen.closed.connect(waiting.quit)
    waiting.exec()
    return 2


def show_lock_screen_early(app: QApplication, args: argparse.Namespace,
                           config: TillConfig) -> MainWindow:
    """The lock screen of the enrolled till ``config`` names, painted."""
    window = till_window.prepare_window(config, kiosk=not args.windowed)
    till_window.show_window(window, args)
    # Paint it now, before the imports below: on X11 that means once the server has
    # exposed the window (a few milliseconds), so wait for that, briefly.
    deadline = time.monotonic() + EXPOSE_WAIT_S
    handle = window.windowHandle()
    while handle is not None and not handle.isExposed() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.002)
    app.processEvents()
    return window


def run_gui(args: argparse.Namespace, enrolled: TillConfig | None) -> int:
    """The till; ``enrolled`` is its settings when it is enrolled and not enrolling again."""
    app = application()
    app.setQuitOnLastWindowClosed(False)  # the loop below decides when to stop
    window = show_lock_screen_early(app, args, enrolled) if enrolled else None
    painted = startup_report() if window is not None else None

    import asyncio

    import qasync

    from nixpos.client.app import configure_logging
    from nixpos.client.till import run

    configure_logging(args.profile)
    if painted:
        log.info("keypad on screen %s", painted)  # for IT, and read by bench/cold_start.py

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return int(loop.run_until_complete(run(app, args, window)))
